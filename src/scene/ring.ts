// The camera ring: `count` cameras evenly on a horizontal circle, all looking at one target.
import { describe as describeValue, finite, integer, options } from '../validate.js';
import { lookAt } from '../camera/camera.js';

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
  options(opts);
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
