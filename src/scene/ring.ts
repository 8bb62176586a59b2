// The camera ring: `count` cameras evenly on a horizontal circle, all looking at one target.
import { describe as describeValue, finite, integer } from '../validate.js';

/** A ring camera: OpenCV pinhole (x right, y down, z forward), world-to-camera x_c = R·x_w + t. */
export interface RingCamera {
  /** Intrinsics, row-major 3×3, pixels (pixel centres at +0.5). */
  K: Float32Array;
  /** World-to-camera rotation, row-major 3×3. */
  R: Float32Array;
  /** World-to-camera translation. */
  t: Float32Array;
  /** Camera centre in the world. */
  position: [number, number, number];
  /** The point it looks at. */
  target: [number, number, number];
  /** Ring azimuth in degrees, counter-clockwise from +x. */
  azimuth: number;
}

export interface RingOptions {
  /** Number of cameras (default 8), camera k at azimuth phase + k·360/count. */
  count?: number;
  /** Horizontal distance from the target in metres (default 10). */
  radius?: number;
  /** Height above the target in metres (default 6). */
  height?: number;
  /** Scene centre looked at (default [0, 0, 0]). */
  target?: readonly [number, number, number] | readonly number[];
  /** Azimuth of camera 0 in degrees (default 0). */
  phase?: number;
  /** Horizontal field of view in degrees (default 60). */
  fov?: number;
  /** Image size [width, height] in pixels (default [512, 512]). */
  image?: readonly [number, number] | readonly number[];
}

/** sin and cos of an angle in degrees, exact at multiples of 90° (a camera at 90° has x = 0, not 6e-16). */
export function sincosd(deg: number): [number, number] {
  const r = ((deg % 360) + 360) % 360;
  const q = Math.round(r / 90);
  const rad = ((r - 90 * q) * Math.PI) / 180;
  const s = Math.sin(rad), c = Math.cos(rad);
  switch (q % 4) {
    case 0: return [s, c];
    case 1: return [c, -s];
    case 2: return [-s, -c];
    default: return [-c, s];
  }
}

/**
 * World-to-camera {R, t} of cameras at `eye` looking at `target` with world `up` — the one place
 * the ring meets sk.camera.lookAt. Float32Array [N, 3] each (target and up broadcast).
 */
function lookAt(eye: Float32Array, target: Float32Array, up: Float32Array): { R: Float32Array; t: Float32Array } {
  // TEMPORARY stand-in until sk.camera.lookAt lands: rows right, down, forward (OpenCV).
  const n = eye.length / 3, R = new Float32Array(9 * n), t = new Float32Array(3 * n);
  const unit = (v: number[]): number[] => { const l = Math.hypot(v[0], v[1], v[2]); return v.map((x) => x / l); };
  const cross = (a: number[], b: number[]): number[] => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  for (let i = 0; i < n; i++) {
    const e = [eye[3 * i], eye[3 * i + 1], eye[3 * i + 2]];
    const ti = target.length === 3 ? 0 : i;
    const f = unit([target[3 * ti] - e[0], target[3 * ti + 1] - e[1], target[3 * ti + 2] - e[2]]);
    const r = unit(cross(f, [up[0], up[1], up[2]]));
    const d = cross(f, r);
    const rows = [r, d, f];
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) R[9 * i + 3 * a + b] = rows[a][b];
      t[3 * i + a] = -(rows[a][0] * e[0] + rows[a][1] * e[1] + rows[a][2] * e[2]);
    }
  }
  return { R, t };
}

function vec(v: unknown, n: number, name: string, what: string): number[] {
  if (!(Array.isArray(v) || ArrayBuffer.isView(v)) || (v as ArrayLike<number>).length !== n) {
    throw new TypeError(`Expected ${what} for \`${name}\` but received ${describeValue(v)}`);
  }
  return Array.from(v as ArrayLike<number>, (x, i) => finite(x, `${name}[${i}]`));
}

/**
 * Cameras evenly spaced on a horizontal ring around `target` (DESIGN §4: default 8 cameras at
 * azimuth 45k° counter-clockwise from +x, radius 10, height 6, looking at the scene centre).
 * @param opts see {@link RingOptions}.
 * @returns RingCamera[] of length `count`: `{K, R, t, position, target, azimuth}`; K, R are
 *   Float32Array [9], t Float32Array [3], row-major.
 * @throws RangeError for a count outside 1..360, a non-positive radius or fov outside (0, 180).
 * @example sk.scene.ring()[2].position // [0, 10, 6]
 */
export function ring(opts: RingOptions = {}): RingCamera[] {
  const count = integer(opts.count ?? 8, 'count', 1, 360);
  const radius = finite(opts.radius ?? 10, 'radius');
  if (!(radius > 0)) throw new RangeError(`Expected a positive number for \`radius\` but received the number ${radius}`);
  const height = finite(opts.height ?? 6, 'height');
  const phase = finite(opts.phase ?? 0, 'phase');
  const fov = finite(opts.fov ?? 60, 'fov');
  if (!(fov > 0 && fov < 180)) throw new RangeError(`Expected a field of view in (0, 180) degrees for \`fov\` but received the number ${fov}`);
  const target = vec(opts.target ?? [0, 0, 0], 3, 'target', 'an array of 3 numbers') as [number, number, number];
  const [w, h] = vec(opts.image ?? [512, 512], 2, 'image', '[width, height]');
  if (!(w > 0 && h > 0)) throw new RangeError(`Expected a positive [width, height] for \`image\` but received [${w}, ${h}]`);
  const f = w / 2 / Math.tan((fov * Math.PI) / 360);
  const K = Float32Array.of(f, 0, w / 2, 0, f, h / 2, 0, 0, 1);
  const eye = new Float32Array(3 * count);
  const cams = Array.from({ length: count }, (_, k) => {
    const azimuth = phase + (360 * k) / count;
    const [s, c] = sincosd(azimuth);
    const position: [number, number, number] = [target[0] + radius * c, target[1] + radius * s, target[2] + height];
    eye.set(position, 3 * k);
    return { position, azimuth };
  });
  const { R, t } = lookAt(eye, Float32Array.from(target), Float32Array.of(0, 0, 1));
  return cams.map(({ position, azimuth }, k) => ({
    K: K.slice(), R: R.slice(9 * k, 9 * k + 9), t: t.slice(3 * k, 3 * k + 3), position, target: [...target] as [number, number, number], azimuth,
  }));
}
