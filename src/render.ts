/**
 * Ray casting of oriented boxes: which box each pixel sees and how far (`raycast`), and per
 * (camera, box) how much of the box each camera sees (`visibility`).
 *
 * Conventions (DESIGN §4 "Rendering"): a pixel's ray is exactly {@link camera.rayMap}'s ray for
 * the same K, R, t, `pixelCenter` and resolution — pixel (u, v) is sampled at
 * (u + pixelCenter, v + pixelCenter) in K's units. With `image: [W, H]` the cameras' K belong to a
 * W × H image and are first scaled to the cast's `width` × `height` by {@link camera.resize}.
 * Boxes are sk.collide's `Float32Array [M, 10]` (centre, half-extents > 0, quaternion xyzw of
 * unit length within |q|² = 1 ± 0.002), closed (a ray touching a box hits it), grouped into
 * scenes by `offsets` (scene s = boxes offsets[s] … offsets[s + 1] − 1); camera i views scene
 * `cameras.scene[i]`. Per pixel: `instance` = index of the nearest box hit within its scene
 * (−1 for none; equal distances go to the lower index), `depth` = the camera-frame z of that hit
 * (not the distance along the ray; +Infinity for none; 0 for a camera inside a box). 2-D boxes are
 * `[x0, y0, x1, y1]` in pixels of the cast's resolution, x right, y down, corner origin, half-open.
 * Rays are cast in float32 from constants derived in float64 (see docs/render.md for the tie
 * tolerance against a float64 oracle: rays grazing an edge).
 */
import { call, callAsync } from './call.js';
import { constants, resize, MAX_SIDE, type Cameras } from './camera/camera.js';
import {
  boxError, boxStatus, MAX_COUNT, offsetsError, pixelsError, RENDER_CONSTS, rowOffsets,
} from './backend/render-types.js';
import { array, batch, describe, f32, finite, integer } from './validate.js';

/** Boxes grouped into scenes. */
export interface Scenes {
  /** Float32Array [M, 10]: centre xyz, half-extents xyz (> 0), quaternion xyzw (unit). */
  boxes: Float32Array;
  /** Uint32Array [S + 1]: 0, non-decreasing, ending at M. Default [0, M]: one scene. */
  offsets?: Uint32Array;
}

/** Cameras as in sk.camera (`K` [N, 9], `R` [N, 9], `t` [N, 3]), each naming its scene. */
export interface SceneCameras extends Cameras {
  /** Uint32Array [N] (or [1], broadcast): the scene each camera views. Optional with one scene. */
  scene?: Uint32Array;
}

/** Options of {@link raycast}. */
export interface RaycastOptions {
  /** Height H of the cast in pixels, integer in [1, 2^22]. */
  height: number;
  /** Width W of the cast in pixels, integer in [1, 2^22]. */
  width: number;
  /** Pixel (u, v) is sampled at (u + pixelCenter, v + pixelCenter) in K's units; default 0.5. */
  pixelCenter?: number;
  /** [W₀, H₀]: the size of the image the cameras' K belong to; K is scaled to width × height. Default [width, height]. */
  image?: readonly [number, number];
  /** Arrays to write into instead of allocating: `instance` Int32Array [N·H·W], `depth` Float32Array [N·H·W]. */
  out?: { instance?: Int32Array; depth?: Float32Array };
}

/** Per-pixel maps, row-major [N, H, W]. */
export interface Raycast {
  /** Int32Array [N, H, W]: index of the nearest box within the camera's scene, −1 for none. */
  instance: Int32Array;
  /** Float32Array [N, H, W]: camera-frame z of that hit, +Infinity for none. */
  depth: Float32Array;
}

/** Per (camera, box) results: row offsets[i] + j is camera i's box j (local to its scene). */
export interface Visibility {
  /** Uint32Array [N + 1]: camera i's rows are offsets[i] … offsets[i + 1] − 1 (R = offsets[N]). */
  offsets: Uint32Array;
  /** Float32Array [R, 4]: the amodal box (projection of the 8 corners) clipped to the image; zeros when outside it. */
  amodal: Float32Array;
  /** Float32Array [R, 4]: the same box unclipped (see `behind`); zeros when the box is wholly behind the camera. */
  amodalUnclipped: Float32Array;
  /** Uint8Array [R]: 1 when a corner lies behind the camera plane (the box is then cut at z = 1e-6·(hx + hy + hz)). */
  behind: Uint8Array;
  /** Int32Array [R, 4]: the box of the pixels the box wins (visible pixels), zeros when none. */
  visible: Int32Array;
  /** Uint32Array [R]: pixels whose ray hits the box (as if it were alone). */
  pixelsAlone: Uint32Array;
  /** Uint32Array [R]: pixels the box wins (its pixels in `instance`). */
  pixelsVisible: Uint32Array;
  /** Float32Array [R]: pixelsVisible / pixelsAlone, 0 when pixelsAlone = 0. */
  visibleFraction: Float32Array;
  /** Float32Array [R]: area(amodal) / area(amodalUnclipped), the share of the amodal box inside the image. */
  inFrame: Float32Array;
  /** With `maps: true`: Int32Array [N, H, W], as {@link Raycast.instance}. */
  instance?: Int32Array;
  /** With `maps: true`: Float32Array [N, H, W], as {@link Raycast.depth}. */
  depth?: Float32Array;
}

/** Options of {@link visibility}: those of {@link raycast}, plus `maps` and `out` for the results. */
export interface VisibilityOptions extends Omit<RaycastOptions, 'out'> {
  /** Also return the per-pixel `instance` and `depth` maps (default false). */
  maps?: boolean;
  /** Arrays to write into instead of allocating, by result name (`offsets` excepted). */
  out?: Partial<Omit<Visibility, 'offsets'>>;
}


function plainObject(v: unknown, name: string, allowed: readonly string[], required = false): Record<string, unknown> {
  if (v === undefined && !required) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v)) {
    throw new TypeError(`Expected an object for \`${name}\` but received ${describe(v)}`);
  }
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) {
      throw new RangeError(`Unknown key \`${key}\` in \`${name}\`; expected ${allowed.map((a) => `\`${a}\``).join(', ')}`);
    }
  }
  return v as Record<string, unknown>;
}

function imageSize(v: unknown): [number, number] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length !== 2) {
    throw new TypeError(`Expected [width, height] for \`image\` but received ${describe(v)}`);
  }
  return [integer(v[0], 'image[0]', 1, MAX_SIDE), integer(v[1], 'image[1]', 1, MAX_SIDE)];
}

interface Prepared {
  args: unknown[];
  n: number;
  rows: Uint32Array;
}

/** Checks everything both operations take and builds the kernel arguments up to pixelCenter. */
function prepare(scenes: unknown, cameras: unknown, o: Record<string, unknown>): Prepared {
  const h = integer(o.height, 'height', 1, MAX_SIDE), w = integer(o.width, 'width', 1, MAX_SIDE);
  const pc = finite(o.pixelCenter ?? 0.5, 'pixelCenter');
  const image = imageSize(o.image);

  const sc = plainObject(scenes, 'scenes', ['boxes', 'offsets'], true);
  const m = f32(sc.boxes, 'boxes', 10);
  const boxes = sc.boxes as Float32Array;
  const offsets = sc.offsets === undefined ? Uint32Array.of(0, m) : (array(Uint32Array, sc.offsets, 'offsets'), sc.offsets as Uint32Array);
  const why = offsetsError(offsets, m);
  if (why) throw new RangeError(why);
  for (let i = 0; i < m; i++) {
    const s = boxStatus(boxes, i);
    if (s) throw new RangeError(boxError(i, s));
  }

  const cam = plainObject(cameras, 'cameras', ['K', 'R', 't', 'scene'], true) as unknown as SceneCameras;
  let K = cam.K;
  if (image) K = resize(K, { sx: w / image[0], sy: h / image[1], pixelCenter: pc });
  const c12 = constants({ K, R: cam.R, t: cam.t });
  const nc = c12.length / 12;
  let scene: Uint32Array;
  if (cam.scene === undefined) {
    if (offsets.length !== 2) {
      throw new TypeError(`Expected Uint32Array for \`scene\` (the scene each camera views, as there are ${offsets.length - 1} scenes) but received undefined`);
    }
    scene = new Uint32Array(nc);
  } else {
    const ns = array(Uint32Array, cam.scene, 'scene');
    // Batch size as sk.camera counts it: an empty K, R, t or scene is an empty batch.
    const n = nc === 0 || ns === 0 ? 0 : batch([K.length / 9, 'K'], [cam.R.length / 9, 'R'], [cam.t.length / 3, 't'], [ns, 'scene']);
    scene = ns === n ? cam.scene : new Uint32Array(n).fill(cam.scene[0] ?? 0);
  }
  const n = nc === 0 ? 0 : scene.length;
  if (n * h * w > MAX_COUNT) throw new RangeError(pixelsError(n, h, w));
  const { rows } = rowOffsets(scene, offsets);

  // Constants: the camera's 12, then P = K·R (float64, rounded once); a broadcast camera repeats.
  const consts = new Float32Array(RENDER_CONSTS * n);
  const nK = K.length / 9, nR = cam.R.length / 9;
  for (let i = 0; i < n; i++) {
    const ci = nc > 1 ? i : 0, k = 9 * (nK > 1 ? i : 0), r = 9 * (nR > 1 ? i : 0);
    consts.set(c12.subarray(12 * ci, 12 * ci + 12), RENDER_CONSTS * i);
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        consts[RENDER_CONSTS * i + 12 + 3 * a + b] = K[k + 3 * a] * cam.R[r + b] + K[k + 3 * a + 1] * cam.R[r + 3 + b] + K[k + 3 * a + 2] * cam.R[r + 6 + b];
      }
    }
  }
  return { args: [consts, scene, boxes, offsets, h, w, pc], n: n * h * w, rows };
}

type Typed = Float32Array | Int32Array | Uint32Array | Uint8Array;
const overlap = (a: Typed, b: Typed): boolean =>
  a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
/**
 * The kernel arguments with every input (scene, boxes, offsets: args 1–3) that shares memory with
 * an output replaced by a copy: the kernels read inputs while writing outputs.
 */
function separate(args: unknown[], outputs: Typed[]): unknown[] {
  return args.map((a, k) => (k >= 1 && k <= 3 && outputs.some((o) => overlap(a as Typed, o)) ? (a as Typed).slice() : a));
}

/** `out[name]` if given (an array of `ctor` holding `count` items of `item`), else a new one. */
function outArray<T extends Int32Array | Float32Array | Uint32Array | Uint8Array>(
  ctor: { new (n: number): T; readonly name: string }, out: Record<string, unknown>, name: string, count: number, item: number,
  unit: string): T {
  const v = out[name];
  if (v === undefined) return new ctor(count * item);
  const got = array(ctor, v, `out.${name}`, item);
  if (got !== count) throw new RangeError(`Expected \`out.${name}\` to hold ${count} ${unit} but received ${got}`);
  return v as T;
}

const RAYCAST_KEYS = ['height', 'width', 'pixelCenter', 'image', 'out'] as const;
const VISIBILITY_KEYS = ['height', 'width', 'pixelCenter', 'image', 'maps', 'out'] as const;
const VISIBILITY_OUT = ['instance', 'depth', 'amodal', 'amodalUnclipped', 'behind', 'visible', 'pixelsAlone',
  'pixelsVisible', 'visibleFraction', 'inFrame'] as const;

function prepRaycast(scenes: Scenes, cameras: SceneCameras, opts: RaycastOptions): { args: unknown[]; result: Raycast } {
  const o = plainObject(opts, 'opts', RAYCAST_KEYS, true);
  const p = prepare(scenes, cameras, o);
  const out = plainObject(o.out, 'out', ['instance', 'depth']);
  const result = {
    instance: outArray(Int32Array, out, 'instance', p.n, 1, 'pixels'),
    depth: outArray(Float32Array, out, 'depth', p.n, 1, 'pixels'),
  };
  return { args: [...separate(p.args, [result.instance, result.depth]), result.instance, result.depth], result };
}

/**
 * Casts every pixel's ray against the boxes of its camera's scene.
 * @param scenes `{boxes: Float32Array [M, 10], offsets?: Uint32Array [S + 1]}`.
 * @param cameras `{K: [N, 9], R: [N, 9], t: [N, 3], scene?: Uint32Array [N]}` (Float32Arrays; any of them [1, ·], broadcast),
 *   checked as in sk.camera.rayMap; `scene` may be left out when there is one scene.
 * @param opts {@link RaycastOptions}: `height`, `width` (required), `pixelCenter`, `image`, `out`.
 * @returns `{instance: Int32Array [N, H, W], depth: Float32Array [N, H, W]}`.
 * @throws TypeError for wrong types; RangeError for a box with a non-finite value, a half-extent
 *   ≤ 0 or a quaternion not of unit length (naming `boxes[i]`), offsets that do not run from 0 to
 *   M without decreasing, `scene[i]` naming a missing scene, sizes outside [1, 2^22], more than
 *   2^32 − 1 pixels, or the camera errors of sk.camera.rayMap.
 * @example const { instance, depth } = sk.render.raycast({ boxes }, { K, R, t }, { height: 128, width: 128, image: [512, 512] });
 */
export function raycast(scenes: Scenes, cameras: SceneCameras, opts: RaycastOptions): Raycast {
  const p = prepRaycast(scenes, cameras, opts);
  call('render', 'raycast', p.args as never);
  return p.result;
}
/** {@link raycast} off the event loop (native backends); resolves to the maps. */
export function raycastAsync(scenes: Scenes, cameras: SceneCameras, opts: RaycastOptions): Promise<Raycast> {
  const p = prepRaycast(scenes, cameras, opts);  // argument errors throw synchronously, as in the sync call
  return callAsync('render', 'raycast', p.args as never).then(() => p.result);
}

function prepVisibility(scenes: Scenes, cameras: SceneCameras, opts: VisibilityOptions): { args: unknown[]; result: Visibility } {
  const o = plainObject(opts, 'opts', VISIBILITY_KEYS, true);
  const p = prepare(scenes, cameras, o);
  const maps = o.maps ?? false;
  if (typeof maps !== 'boolean') throw new TypeError(`Expected a boolean for \`maps\` but received ${describe(maps)}`);
  const out = plainObject(o.out, 'out', VISIBILITY_OUT);
  if (!maps && (out.instance !== undefined || out.depth !== undefined)) {
    throw new RangeError('`out.instance` and `out.depth` are written only with `maps: true`');
  }
  const R = p.rows[p.rows.length - 1], px = maps ? p.n : 0;
  const result: Visibility = {
    offsets: p.rows,
    amodal: outArray(Float32Array, out, 'amodal', R, 4, 'rows'),
    amodalUnclipped: outArray(Float32Array, out, 'amodalUnclipped', R, 4, 'rows'),
    behind: outArray(Uint8Array, out, 'behind', R, 1, 'rows'),
    visible: outArray(Int32Array, out, 'visible', R, 4, 'rows'),
    pixelsAlone: outArray(Uint32Array, out, 'pixelsAlone', R, 1, 'rows'),
    pixelsVisible: outArray(Uint32Array, out, 'pixelsVisible', R, 1, 'rows'),
    visibleFraction: outArray(Float32Array, out, 'visibleFraction', R, 1, 'rows'),
    inFrame: outArray(Float32Array, out, 'inFrame', R, 1, 'rows'),
  };
  const instance = outArray(Int32Array, out, 'instance', px, 1, 'pixels');
  const depth = outArray(Float32Array, out, 'depth', px, 1, 'pixels');
  if (maps) Object.assign(result, { instance, depth });
  const r = result;
  const outs = [instance, depth, r.amodal, r.amodalUnclipped, r.behind, r.visible, r.pixelsAlone, r.pixelsVisible, r.visibleFraction, r.inFrame];
  return { args: [...separate(p.args, outs), ...outs], result };
}

/**
 * Visibility of every box of each camera's scene, in one pass over the pixels (each pixel tests
 * every box of its scene anyway): the amodal 2-D box (projection of the 8 corners, clipped to the
 * image, and unclipped with a flag for corners behind the camera), the 2-D box of the pixels the
 * box wins, pixels hit if the box were alone, pixels won, their ratio, and the share of the
 * amodal box inside the image. Counts are integers: the result does not depend on the thread count.
 * @param scenes, cameras As {@link raycast}.
 * @param opts {@link VisibilityOptions}: those of {@link raycast}, `maps` (also return instance and depth), `out`.
 * @returns {@link Visibility}: `offsets` [N + 1] and one row per (camera, box of its scene).
 * @throws as {@link raycast}.
 * @example
 * const v = sk.render.visibility({ boxes, offsets }, { K, R, t, scene }, { height: 128, width: 128, image: [512, 512] });
 * const row = v.offsets[cam] + obj; if (v.visibleFraction[row] < 0.5) drop(cam);
 */
export function visibility(scenes: Scenes, cameras: SceneCameras, opts: VisibilityOptions): Visibility {
  const p = prepVisibility(scenes, cameras, opts);
  call('render', 'visibility', p.args as never);
  return p.result;
}
/** {@link visibility} off the event loop (native backends). */
export function visibilityAsync(scenes: Scenes, cameras: SceneCameras, opts: VisibilityOptions): Promise<Visibility> {
  const p = prepVisibility(scenes, cameras, opts);
  return callAsync('render', 'visibility', p.args as never).then(() => p.result);
}
