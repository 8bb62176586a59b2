/**
 * Cameras as rays: Plücker ray maps, cameras recovered from rays, camera-aware augmentation.
 *
 * Conventions (DESIGN §4): OpenCV axes (x right, y down, z forward); world-to-camera
 * x_cam = R·x_world + t; K in pixels. Cameras are one object of flat row-major Float32Arrays
 * `{K: [N, 9], R: [N, 9], t: [N, 3]}`; an array holding one camera broadcasts against the others.
 * Pixel (u, v) is sampled at (u + 0.5, v + 0.5) by default (`pixelCenter`), so K is in
 * corner-origin pixel units. Plücker rays: d = unit direction in the world frame, m = o × d with
 * o the camera centre; channels `[m, d]` by default (`order: 'dm'` = RayDiffusion's `[d, m]`).
 * Per-camera constants (K⁻¹, Rᵀ, centre) are derived in float64.
 */
import { LIMITS, type Layout, type Order } from '../backend/kernels.js';
import { call, callAsync, output } from '../call.js';
import { inverse3, symmetricEigen } from '../linalg.js';
import { batch, choice, describe, f32, finite, integer, knownKeys, mapSize, withCallerStack } from '../validate.js';

export type { Layout, Order } from '../backend/kernels.js';
/** Extrinsics `{R: [N, 9], t: [N, 3]}`, world-to-camera (x_cam = R·x_world + t). */
export interface Extrinsics { R: Float32Array; t: Float32Array }

// If |f × up| ≤ this·|f|·|up| the right vector is set by the float32 rounding of the inputs
// (relative precision 6e-8), not by the caller: refuse rather than return an arbitrary roll.
const PARALLEL_EPS = 1e-6;

/**
 * World-to-camera extrinsics of cameras at `eye` looking at `target`, with image-up towards `up`
 * (OpenCV axes: the camera's z axis points at the target, its y axis (image down) is −up made
 * perpendicular to z, and x = y × z points image-right). Computed in float64, rounded once.
 * @param eye Float32Array [N, 3] (or [1, 3], broadcast), camera centres in world coordinates.
 * @param target Float32Array [N, 3] (or [1, 3]), points each camera looks at.
 * @param up Float32Array [N, 3] (or [1, 3]), world up (e.g. [0, 0, 1] for a z-up world); need not be unit or perpendicular.
 * @returns `{R: Float32Array [N, 9], t: Float32Array [N, 3]}`, rows of R = camera x, y, z axes in world coordinates, t = −R·eye.
 * @throws TypeError for non-Float32Array inputs; RangeError for lengths not a multiple of 3, batch
 *   mismatch, non-finite values, target = eye, or up parallel to target − eye (naming the index).
 * @example sk.camera.lookAt(Float32Array.of(10, 0, 6), Float32Array.of(0, 0, 0), Float32Array.of(0, 0, 1))
 */
export function lookAt(eye: Float32Array, target: Float32Array, up: Float32Array): Extrinsics {
  const ne = f32(eye, 'eye', 3), nt = f32(target, 'target', 3), nu = f32(up, 'up', 3);
  const n = ne === 0 || nt === 0 || nu === 0 ? 0 : batch([ne, 'eye'], [nt, 'target'], [nu, 'up']);
  const R = new Float32Array(9 * n), t = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const ie = ne > 1 ? 3 * i : 0, it = nt > 1 ? 3 * i : 0, iu = nu > 1 ? 3 * i : 0;
    const ex = eye[ie], ey = eye[ie + 1], ez = eye[ie + 2];
    const ux = up[iu], uy = up[iu + 1], uz = up[iu + 2];
    for (const [name, a, k] of [['eye', eye, ie], ['target', target, it], ['up', up, iu]] as const) {
      if (!(Number.isFinite(a[k]) && Number.isFinite(a[k + 1]) && Number.isFinite(a[k + 2]))) {
        throw new RangeError(`\`${name}[${k / 3}]\` has a non-finite value`);
      }
    }
    // z = forward = (target − eye)/|·|
    let zx = target[it] - ex, zy = target[it + 1] - ey, zz = target[it + 2] - ez;
    const fl = Math.hypot(zx, zy, zz);
    if (!(fl > 0) || !Number.isFinite(fl)) throw new RangeError(`\`target[${it / 3}]\` equals \`eye[${ie / 3}]\`: no viewing direction`);
    zx /= fl; zy /= fl; zz /= fl;
    // x = z × up / |·|  (image right); y = z × x  (image down, = −up projected)
    let xx = zy * uz - zz * uy, xy = zz * ux - zx * uz, xz = zx * uy - zy * ux;
    const xl = Math.hypot(xx, xy, xz), ul = Math.hypot(ux, uy, uz);
    if (!(xl > PARALLEL_EPS * ul)) {
      throw new RangeError(`\`up[${iu / 3}]\` is zero or parallel to the viewing direction \`target[${it / 3}]\` − \`eye[${ie / 3}]\``);
    }
    xx /= xl; xy /= xl; xz /= xl;
    const yx = zy * xz - zz * xy, yy = zz * xx - zx * xz, yz = zx * xy - zy * xx;
    R.set([xx, xy, xz, yx, yy, yz, zx, zy, zz], 9 * i);
    t[3 * i] = -(xx * ex + xy * ey + xz * ez);
    t[3 * i + 1] = -(yx * ex + yy * ey + yz * ez);
    t[3 * i + 2] = -(zx * ex + zy * ey + zz * ez);
  }
  return { R, t };
}

// ---------------------------------------------------------------------------------------------
// Cameras, validation and per-camera constants (float64)

/** A batch of cameras: `K` [N, 9] intrinsics (pixels), `R` [N, 9], `t` [N, 3] world-to-camera. */
export interface Cameras { K: Float32Array; R: Float32Array; t: Float32Array }

/** A camera recovered by {@link fromRays}, in float64: K [9], R [9], t [3], center [3]. */
export interface RecoveredCamera { K: Float64Array; R: Float64Array; t: Float64Array; center: Float64Array }

/** Largest image side: u + 0.5 stays exact in float32 up to 2^23. */
export const MAX_SIDE = LIMITS.maxSide;
/** Tolerance on K's last row (0, 0, 1). */
const K_ROW_TOL = 1e-6;
/** ‖K‖_F·‖K⁻¹‖_F above this: K is singular to float64 working precision. */
const K_COND_MAX = 1e12;
/** max |RRᵀ − I| accepted: float32 rotations carry ~1e-7; this also admits 5-digit text files. */
const R_TOL = 1e-4;

const LAYOUTS = ['hwc', 'chw'] as const;
const ORDERS = ['md', 'dm', 'd'] as const;
const PLUCKER_ORDERS = ['md', 'dm'] as const;

function camerasArg(cameras: unknown, name = 'cameras'): { K: Float32Array; R: Float32Array; t: Float32Array; nK: number; nR: number; nt: number; n: number } {
  if (typeof cameras !== 'object' || cameras === null || ArrayBuffer.isView(cameras) || Array.isArray(cameras)) {
    throw new TypeError(`Expected an object {K, R, t} for \`${name}\` but received ${describe(cameras)}`);
  }
  const { K, R, t } = cameras as Cameras;
  const nK = f32(K, 'K', 9), nR = f32(R, 'R', 9), nt = f32(t, 't', 3);
  const n = nK === 0 || nR === 0 || nt === 0 ? 0 : batch([nK, 'K'], [nR, 'R'], [nt, 't']);
  return { K, R, t, nK, nR, nt, n };
}

const allFinite = (a: ArrayLike<number>, o: number, len: number): boolean => {
  for (let k = 0; k < len; k++) if (!Number.isFinite(a[o + k])) return false;
  return true;
};


function checkK(K: Float32Array, i: number): Float64Array {
  const o = 9 * i;
  if (!allFinite(K, o, 9)) throw new RangeError(`\`K[${i}]\` has a non-finite value`);
  if (Math.abs(K[o + 6]) > K_ROW_TOL || Math.abs(K[o + 7]) > K_ROW_TOL || Math.abs(K[o + 8] - 1) > K_ROW_TOL) {
    throw new RangeError(`\`K[${i}]\` must have the last row (0, 0, 1) but has (${K[o + 6]}, ${K[o + 7]}, ${K[o + 8]})`);
  }
  const inv = inverse3(K, o);
  let nk = 0, ni = 0;
  for (let k = 0; k < 9; k++) { nk += K[o + k] ** 2; ni += inv ? inv[k] ** 2 : 0; }
  if (!inv || !(Math.sqrt(nk * ni) <= K_COND_MAX)) throw new RangeError(`\`K[${i}]\` is not invertible`);
  return inv;
}

function checkR(R: Float32Array, i: number): void {
  const o = 9 * i;
  if (!allFinite(R, o, 9)) throw new RangeError(`\`R[${i}]\` has a non-finite value`);
  let err = 0;
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      const d = R[o + 3 * a] * R[o + 3 * b] + R[o + 3 * a + 1] * R[o + 3 * b + 1] + R[o + 3 * a + 2] * R[o + 3 * b + 2];
      err = Math.max(err, Math.abs(d - (a === b ? 1 : 0)));
    }
  }
  const det = R[o] * (R[o + 4] * R[o + 8] - R[o + 5] * R[o + 7]) - R[o + 1] * (R[o + 3] * R[o + 8] - R[o + 5] * R[o + 6]) +
    R[o + 2] * (R[o + 3] * R[o + 7] - R[o + 4] * R[o + 6]);
  if (err > R_TOL || det < 0) throw new RangeError(`\`R[${i}]\` is not a rotation (|RRᵀ − I| = ${err.toPrecision(3)}, det = ${det.toPrecision(3)}; tolerance ${R_TOL})`);
}

/**
 * The per-camera kernel constants, 12 per camera, computed in float64 and rounded once:
 * M = Rᵀ·K⁻¹ (row-major) and the centre o = −Rᵀ·t. Checks the cameras as {@link rayMap} does.
 * @returns Float32Array [N, 12] (sk.render casts its rays from these too).
 */
export function constants(cameras: unknown): Float32Array {
  const { K, R, t, nK, nR, nt, n } = camerasArg(cameras);
  const c = new Float32Array(12 * n);
  for (let i = 0; i < n; i++) {
    const iK = nK > 1 ? i : 0, iR = nR > 1 ? i : 0, it = nt > 1 ? i : 0;
    const Ki = checkK(K, iK);
    checkR(R, iR);
    if (!allFinite(t, 3 * it, 3)) throw new RangeError(`\`t[${it}]\` has a non-finite value`);
    const r = 9 * iR;
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        // (Rᵀ K⁻¹)[a][b] = Σ_k R[k][a]·K⁻¹[k][b]
        c[12 * i + 3 * a + b] = R[r + a] * Ki[b] + R[r + 3 + a] * Ki[3 + b] + R[r + 6 + a] * Ki[6 + b];
      }
      c[12 * i + 9 + a] = -(R[r + a] * t[3 * it] + R[r + 3 + a] * t[3 * it + 1] + R[r + 6 + a] * t[3 * it + 2]);
    }
  }
  return c;
}

/** An options object (`what` lists its keys, as the TypeError shows them); any other key is a RangeError (src/validate.ts knownKeys). */
function options(opts: unknown, what: string, allowed: readonly string[]): Record<string, unknown> {
  if (opts === undefined) return {};
  if (typeof opts !== 'object' || opts === null || ArrayBuffer.isView(opts) || Array.isArray(opts)) {
    throw new TypeError(`Expected an options object ${what} for \`opts\` but received ${describe(opts)}`);
  }
  knownKeys(opts, allowed);
  return opts as Record<string, unknown>;
}

const channelsOf = (order: Order): number => (order === 'd' ? 3 : 6);


// ---------------------------------------------------------------------------------------------
// rayMap and rays

/** Options of {@link rayMap}. */
export interface RayMapOptions {
  /** Image height H in pixels, integer in [1, 2^22]. */
  height: number;
  /** Image width W in pixels, integer in [1, 2^22]. */
  width: number;
  /** 'hwc' (default): [N, H, W, C]; 'chw': [N, C, H, W]. */
  layout?: Layout;
  /** Channels: 'md' (default) = [m, d]; 'dm' = [d, m] (RayDiffusion); 'd' = direction only (C = 3). */
  order?: Order;
  /** Pixel (u, v) is sampled at (u + pixelCenter, v + pixelCenter) in K's units; default 0.5. */
  pixelCenter?: number;
  /** Float32Array [N·H·W·C], optional; receives the map. */
  out?: Float32Array;
}

function prepRayMap(cameras: Cameras, opts: RayMapOptions): { args: unknown[]; out: Float32Array } {
  const o = options(opts, '{height, width, …}', ['height', 'width', 'layout', 'order', 'pixelCenter', 'out']);
  const h = integer(o.height, 'height', 1, MAX_SIDE), w = integer(o.width, 'width', 1, MAX_SIDE);
  const layout = choice(o.layout ?? 'hwc', 'layout', LAYOUTS);
  const order = choice(o.order ?? 'md', 'order', ORDERS);
  const pc = finite(o.pixelCenter ?? 0.5, 'pixelCenter');
  const consts = constants(cameras);
  const n = consts.length / 12, ch = channelsOf(order);
  mapSize(n, h, w, ch);
  const out = output(Float32Array, o.out, n * h * w, ch, 'rays');
  return { args: [consts, h, w, pc, layout, order, out], out };
}

/**
 * Plücker ray map of a batch of cameras: for pixel (u, v) of camera i, the ray through image point
 * (u + pixelCenter, v + pixelCenter): d = Rᵀ·K⁻¹·(x, y, 1) normalised (world frame), m = o × d with
 * o = −Rᵀ·t. Directions are computed in float32 from float64-derived constants (|d| = 1 to ~1 ulp).
 * @param cameras `{K: Float32Array [N, 9], R: Float32Array [N, 9], t: Float32Array [N, 3]}` (any of them [1, ·], broadcast).
 *   K's last row must be (0, 0, 1); R a rotation (|RRᵀ − I| ≤ 1e-4, det +1).
 * @param opts {@link RayMapOptions}: `height`, `width` (required), `layout`, `order`, `pixelCenter`, `out`.
 * @returns Float32Array [N, H, W, 6] ('hwc', default) or [N, 6, H, W] ('chw'); [.., 3, ..] for order 'd'.
 * @throws TypeError for wrong types; RangeError for a non-invertible K, a non-rotation R, non-finite
 *   values, sizes outside [1, 2^22], a map above 2^32 floats, or an unknown layout/order.
 * @example const map = sk.camera.rayMap({K, R, t}, {height: 512, width: 512}) // [N, 512, 512, 6]
 */
export function rayMap(cameras: Cameras, opts: RayMapOptions): Float32Array {
  const p = prepRayMap(cameras, opts);
  call('camera', 'rayMap', p.args as never);
  return p.out;
}
/** {@link rayMap} off the event loop (native backends); resolves to the map. */
export function rayMapAsync(cameras: Cameras, opts: RayMapOptions): Promise<Float32Array> {
  const p = prepRayMap(cameras, opts);  // argument errors throw synchronously, as in the sync call
  return callAsync('camera', 'rayMap', p.args as never).then(() => p.out);
}


/** Options of {@link rays}. */
export interface RaysOptions {
  /** Channels, as in {@link RayMapOptions.order}; default 'md'. */
  order?: Order;
  /** true: `points` [P, 2] are used by every camera; false (default): [N, P, 2], P per camera. */
  shared?: boolean;
  /** Float32Array [N·P·C], optional. */
  out?: Float32Array;
}

function prepRays(cameras: Cameras, points: Float32Array, opts?: RaysOptions): { args: unknown[]; out: Float32Array } {
  const o = options(opts, '{order, shared, out}', ['order', 'shared', 'out']);
  const order = choice(o.order ?? 'md', 'order', ORDERS);
  const shared = o.shared ?? false;
  if (typeof shared !== 'boolean') throw new TypeError(`Expected a boolean for \`shared\` but received ${describe(shared)}`);
  const q = f32(points, 'points', 2);
  const consts = constants(cameras);
  const n = consts.length / 12;
  let count = n === 0 ? 0 : q;
  if (shared) count = n * q;
  else if (n > 1 && q % n !== 0) {
    throw new RangeError(`Expected \`points\` to hold P points for each of the ${n} cameras but received ${q} points`);
  }
  const out = output(Float32Array, o.out, count, channelsOf(order), 'rays');
  // An `out` overlapping `points` is separated by the backend (a ray is wider than a point).
  return { args: [consts, points, shared, order, out], out };
}

/**
 * Plücker rays at arbitrary (sub-pixel) image points: the ray of camera i through (x, y) in K's
 * units — so pixel (u, v) of {@link rayMap} is the point (u + pixelCenter, v + pixelCenter).
 * NaN points give NaN rays.
 * @param cameras `{K, R, t}` as in {@link rayMap}.
 * @param points Float32Array [N, P, 2] (x, y) per camera, or [P, 2] for every camera with `shared: true`
 *   (a single camera takes [P, 2] either way).
 * @param opts `order` ('md' default, 'dm', 'd'), `shared`, `out`.
 * @returns Float32Array [N, P, C] (C = 6, or 3 for 'd').
 * @example sk.camera.rays(cams, Float32Array.of(100.25, 37.5), {shared: true}) // [N, 1, 6]
 */
export function rays(cameras: Cameras, points: Float32Array, opts?: RaysOptions): Float32Array {
  const p = prepRays(cameras, points, opts);
  call('camera', 'rays', p.args as never);
  return p.out;
}
export function raysAsync(cameras: Cameras, points: Float32Array, opts?: RaysOptions): Promise<Float32Array> {
  const p = prepRays(cameras, points, opts);
  return callAsync('camera', 'rays', p.args as never).then(() => p.out);
}

// ---------------------------------------------------------------------------------------------
// fromRays: least-squares centre, linear fit of K·R (DLT), RQ with sign fixes

/** Options of {@link fromRays}: the map's geometry, as given to {@link rayMap}. */
export interface FromRaysOptions {
  height: number;
  width: number;
  layout?: Layout;
  /** 'md' (default) or 'dm'; a direction-only map holds no centre. */
  order?: 'md' | 'dm';
  pixelCenter?: number;
}


// Eigenvalue ratios below these mean the rays do not determine the quantity: the information is
// then at the level of float32 rounding (≈ 1e-7 relative per ray, squared in the normal matrix).
const PARALLEL_RATIO = 1e-12;
const DEGENERATE_RATIO = 1e-14;

/** Solves one camera from its moment sums (native/kernels/camera.h, camera_moments_add). */
function solveCamera(a: Float64Array, o: number, count: number, h: number, w: number, i: number): RecoveredCamera {
  for (let k = 0; k < 30; k++) {
    if (!Number.isFinite(a[o + k])) throw new RangeError(`\`map\` holds non-finite or zero-length rays for camera ${i}`);
  }
  const sym = (b: number): number[] => [a[o + b], a[o + b + 1], a[o + b + 2], a[o + b + 1], a[o + b + 3], a[o + b + 4], a[o + b + 2], a[o + b + 4], a[o + b + 5]];
  const S0 = sym(0), Sx = sym(6), Sy = sym(12), Sr = sym(18);

  // Centre c minimising Σ |c × d − m|² over unit d: (Σ (I − d dᵀ))·c = Σ d × m.
  const A = Float64Array.from(S0, (v, k) => (k % 4 === 0 ? count : 0) - v);
  const ea = symmetricEigen(A, 3);
  if (!(ea.values[0] > PARALLEL_RATIO * ea.values[2])) {
    throw new RangeError(`\`map\`: the rays of camera ${i} are (nearly) parallel, so they meet in no single centre`);
  }
  const b = [a[o + 24], a[o + 25], a[o + 26]];
  const center = new Float64Array(3);
  for (let k = 0; k < 3; k++) {
    // c = V·diag(1/λ)·Vᵀ·b
    let proj = 0;
    for (let j = 0; j < 3; j++) proj += ea.vectors[j * 3 + k] * b[j];
    proj /= ea.values[k];
    for (let j = 0; j < 3; j++) center[j] += ea.vectors[j * 3 + k] * proj;
  }

  // K·R up to scale from x = (P₁·d)/(P₃·d), y = (P₂·d)/(P₃·d) in normalised pixel coordinates:
  // rows (−dᵀ, 0, x dᵀ) and (0, −dᵀ, y dᵀ) per ray (the DLT; Hartley & Zisserman §4.1), whose
  // normal matrix is made of the four moment blocks.
  const N = new Float64Array(81);
  const put = (bi: number, bj: number, m: number[], s: number): void => {
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        N[(3 * bi + r) * 9 + 3 * bj + c] = s * m[3 * r + c];
        N[(3 * bj + c) * 9 + 3 * bi + r] = s * m[3 * r + c];
      }
    }
  };
  put(0, 0, S0, 1); put(1, 1, S0, 1); put(0, 2, Sx, -1); put(1, 2, Sy, -1); put(2, 2, Sr, 1);
  const en = symmetricEigen(N, 9);
  if (!(en.values[1] > DEGENERATE_RATIO * en.values[8])) {
    throw new RangeError(`\`map\`: the rays of camera ${i} do not determine K·R (degenerate directions)`);
  }
  // P = T⁻¹·P', T⁻¹ = [[s, 0, W/2], [0, s, H/2], [0, 0, 1]] undoes the normalisation.
  const s = Math.max(w, h) / 2;
  const Pn = Array.from({ length: 9 }, (_, k) => en.vectors[k * 9]);
  const P = [0, 1, 2].flatMap((c) => [s * Pn[c] + (w / 2) * Pn[6 + c]]).concat(
    [0, 1, 2].map((c) => s * Pn[3 + c] + (h / 2) * Pn[6 + c]), [Pn[6], Pn[7], Pn[8]]);
  // Scale: K's last row is (0, 0, 1), so P's third row is R's, a unit vector. Sign: rays point
  // forward, P₃·d > 0, checked on the sum of the directions.
  let k3 = Math.hypot(P[6], P[7], P[8]);
  if (P[6] * a[o + 27] + P[7] * a[o + 28] + P[8] * a[o + 29] < 0) k3 = -k3;
  for (let k = 0; k < 9; k++) P[k] /= k3;

  // RQ by Gram–Schmidt from the last row: P = K·R, K upper triangular with K₂₂ = 1, K₁₁ > 0,
  // det R = +1 (so K₀₀ < 0 only for a mirrored map).
  const dot = (u: number[], v: number[]): number => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
  const r3 = P.slice(6, 9), p2 = P.slice(3, 6), p1 = P.slice(0, 3);
  const k12 = dot(p2, r3);
  const q2 = p2.map((v, k) => v - k12 * r3[k]);
  const k11 = Math.hypot(q2[0], q2[1], q2[2]);
  const r2 = q2.map((v) => v / k11);
  const r1 = [r2[1] * r3[2] - r2[2] * r3[1], r2[2] * r3[0] - r2[0] * r3[2], r2[0] * r3[1] - r2[1] * r3[0]];
  const K = Float64Array.of(dot(p1, r1), dot(p1, r2), dot(p1, r3), 0, k11, k12, 0, 0, 1);
  const R = Float64Array.of(...r1, ...r2, ...r3);
  const t = Float64Array.from([0, 1, 2], (r) => -dot([R[3 * r], R[3 * r + 1], R[3 * r + 2]], Array.from(center)));
  return { K, R, t, center };
}

function prepFromRays(map: Float32Array, opts: FromRaysOptions): { args: unknown[]; sums: Float64Array; n: number; h: number; w: number } {
  const o = options(opts, '{height, width, …}', ['height', 'width', 'layout', 'order', 'pixelCenter']);
  const h = integer(o.height, 'height', 2, MAX_SIDE), w = integer(o.width, 'width', 2, MAX_SIDE);
  const layout = choice(o.layout ?? 'hwc', 'layout', LAYOUTS);
  const order = choice(o.order ?? 'md', 'order', PLUCKER_ORDERS);
  const pc = finite(o.pixelCenter ?? 0.5, 'pixelCenter');
  const len = f32(map, 'map');
  const n = len / (h * w * 6);
  if (!Number.isInteger(n)) throw new RangeError(`Expected \`map\` to hold N × ${h} × ${w} × 6 floats but received ${describe(map)}`);
  const sums = new Float64Array(30 * n);
  return { args: [map, n, h, w, pc, layout, order, sums], sums, n, h, w };
}

const solveAll = (p: { sums: Float64Array; n: number; h: number; w: number }): RecoveredCamera[] =>
  Array.from({ length: p.n }, (_, i) => solveCamera(p.sums, 30 * i, p.h * p.w, p.h, p.w, i));

/**
 * Recovers each camera of a Plücker ray map: the centre as the least-squares point closest to all
 * rays, K·R as the linear (DLT) fit of the pixel ↔ direction correspondences, then RQ with sign
 * fixes (K₂₂ = 1, K₁₁ > 0, det R = +1). Exact, up to float rounding, for any principal point and
 * skew (RayDiffusion's recovery assumes a centred principal point); least squares under noise.
 * Directions need not be unit (each ray is rescaled with its moment).
 * @param map Float32Array [N, H, W, 6] or [N, 6, H, W], as made by {@link rayMap}.
 * @param opts `height`, `width` (≥ 2), `layout`, `order` ('md' | 'dm'), `pixelCenter` — as given to rayMap.
 * @returns one `{K, R, t, center}` per camera, Float64Array [9], [9], [3], [3].
 * @throws RangeError for a map of the wrong size, NaN or zero rays, parallel rays (no centre) or
 *   degenerate directions.
 */
export function fromRays(map: Float32Array, opts: FromRaysOptions): RecoveredCamera[] {
  const p = prepFromRays(map, opts);
  call('camera', 'moments', p.args as never);
  return solveAll(p);
}
export function fromRaysAsync(map: Float32Array, opts: FromRaysOptions): Promise<RecoveredCamera[]> {
  const p = prepFromRays(map, opts);
  return withCallerStack(async () => { await callAsync('camera', 'moments', p.args as never); return solveAll(p); });
}

// ---------------------------------------------------------------------------------------------
// Conventions

/** Camera conventions accepted by {@link convert}. */
export const CONVENTIONS = ['opencv', 'opengl', 'pytorch3d'] as const;
export type Convention = (typeof CONVENTIONS)[number];

/** Options of {@link convert}: the image size, needed for pytorch3d's NDC intrinsics. */
export interface ConvertOptions {
  height?: number;
  width?: number;
  /** The pixel-centre convention of the pixel K (see {@link RayMapOptions.pixelCenter}); default 0.5. */
  pixelCenter?: number;
}

// Axis flips between the camera frames: opengl = F·opencv (y up, z backward), pytorch3d view
// frame = G·opencv (x left, y up). Both are rotations by π, so R stays a rotation.
const FLIP_GL = [1, -1, -1], FLIP_P3D = [-1, -1, 1];

/**
 * Converts cameras between conventions. All hold world-to-camera extrinsics; what differs:
 * - 'opencv': x_cam = R·x_world + t, camera x right, y down, z forward; K in pixels.
 * - 'opengl' (NeRF, Blender): camera x right, y up, z backward: R = F·R_cv, t = F·t_cv,
 *   F = diag(1, −1, −1); K is kept as the same pixel intrinsics.
 * - 'pytorch3d': row-vector convention x_view = x_world·R + T with view axes x left, y up, z forward,
 *   so R = (G·R_cv)ᵀ, T = G·t_cv, G = diag(−1, −1, 1) (as pytorch3d's cameras_from_opencv_projection);
 *   K is the NDC intrinsic matrix [[fx, s, px], [0, fy, py], [0, 0, 1]] of
 *   PerspectiveCameras(focal_length = (fx, fy), principal_point = (px, py), in_ndc = True):
 *   with S = min(H, W)/2, fx = fx_pix/S, s = s_pix/S, px = −(cx_c − W/2)/S, py = −(cy_c − H/2)/S, where
 *   (cx_c, cy_c) is the principal point in corner-origin pixels (cx + 0.5 − pixelCenter). pytorch3d has no skew.
 * Computed in float64, rounded once.
 * @param cameras `{K, R, t}` as in {@link rayMap}, in convention `from`.
 * @param from, to one of {@link CONVENTIONS}.
 * @param opts `height` and `width` (required when either side is 'pytorch3d'), `pixelCenter`.
 * @returns `{K: Float32Array [N, 9], R: Float32Array [N, 9], t: Float32Array [N, 3]}` in convention `to`.
 * @example sk.camera.convert(p3dCams, 'pytorch3d', 'opencv', {height: 256, width: 256})
 */
export function convert(cameras: Cameras, from: Convention, to: Convention, opts?: ConvertOptions): Cameras {
  const { K, R, t, nK, nR, nt, n } = camerasArg(cameras);
  const f = choice(from, 'from', CONVENTIONS), g = choice(to, 'to', CONVENTIONS);
  const o = options(opts, '{height, width, pixelCenter}', ['height', 'width', 'pixelCenter']);
  const ndc = f === 'pytorch3d' || g === 'pytorch3d';
  const h = ndc ? integer(o.height, 'height', 1, MAX_SIDE) : 0, w = ndc ? integer(o.width, 'width', 1, MAX_SIDE) : 0;
  const corner = 0.5 - finite(o.pixelCenter ?? 0.5, 'pixelCenter');  // corner-origin = K's units + this
  const S = Math.min(h, w) / 2;
  const out = { K: new Float32Array(9 * n), R: new Float32Array(9 * n), t: new Float32Array(3 * n) };
  for (let i = 0; i < n; i++) {
    const iK = nK > 1 ? i : 0, iR = nR > 1 ? i : 0, it = nt > 1 ? i : 0;
    checkK(K, iK);
    checkR(R, iR);
    if (!allFinite(t, 3 * it, 3)) throw new RangeError(`\`t[${it}]\` has a non-finite value`);
    let k = Array.from(K.subarray(9 * iK, 9 * iK + 9), Number);
    let r = Array.from(R.subarray(9 * iR, 9 * iR + 9), Number);
    let tt = Array.from(t.subarray(3 * it, 3 * it + 3), Number);
    // → opencv
    if (f === 'opengl') { r = r.map((v, j) => v * FLIP_GL[(j / 3) | 0]); tt = tt.map((v, j) => v * FLIP_GL[j]); }
    if (f === 'pytorch3d') {
      r = [0, 1, 2].flatMap((a) => [0, 1, 2].map((b) => FLIP_P3D[a] * r[3 * b + a]));  // G·Rᵀ
      tt = tt.map((v, j) => v * FLIP_P3D[j]);
      k = [k[0] * S, k[1] * S, w / 2 - k[2] * S - corner, 0, k[4] * S, h / 2 - k[5] * S - corner, 0, 0, 1];
    }
    // opencv →
    if (g === 'opengl') { r = r.map((v, j) => v * FLIP_GL[(j / 3) | 0]); tt = tt.map((v, j) => v * FLIP_GL[j]); }
    if (g === 'pytorch3d') {
      r = [0, 1, 2].flatMap((a) => [0, 1, 2].map((b) => FLIP_P3D[b] * r[3 * b + a]));  // (G·R)ᵀ
      tt = tt.map((v, j) => v * FLIP_P3D[j]);
      k = [k[0] / S, k[1] / S, -(k[2] + corner - w / 2) / S, 0, k[4] / S, -(k[5] + corner - h / 2) / S, 0, 0, 1];
    }
    out.K.set(k, 9 * i);
    out.R.set(r, 9 * i);
    out.t.set(tt, 3 * i);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Augmentation: K' = A·K with A = [[ax, 0, bx], [0, ay, by], [0, 0, 1]], an image-plane map
// q' = A·q (K's units). The ray map of K' at pixel (u, v) equals rays(K, A⁻¹·(u + pc, v + pc)):
// the augmented camera sees, at each of its pixels, the ray of the original camera at the
// corresponding image point.

/** A per-camera parameter: one number for every camera, or a Float32Array [N] (or [1]). */
export type PerCamera = number | Float32Array;

function perCamera(v: unknown, name: string): { get: (i: number) => number; count: number } {
  if (typeof v === 'number') { const x = finite(v, name); return { get: () => x, count: 1 }; }
  const c = f32(v, name);
  const a = v as Float32Array;
  return { get: (i) => a[c > 1 ? i : 0], count: c };
}

function affine(K: Float32Array, params: [unknown, string][], coeffs: (p: number[]) => [number, number, number, number]): Float32Array {
  const nK = f32(K, 'K', 9);
  const ps = params.map(([v, name]) => perCamera(v, name));
  const counts: [number, string][] = [[nK, 'K'], ...ps.map((p, j): [number, string] => [p.count, params[j][1]])];
  const n = counts.some(([c]) => c === 0) ? 0 : batch(...counts);
  const out = new Float32Array(9 * n);
  for (let i = 0; i < n; i++) {
    const o = 9 * (nK > 1 ? i : 0);
    const [ax, bx, ay, by] = coeffs(ps.map((p) => p.get(i)));
    for (let c = 0; c < 3; c++) {
      out[9 * i + c] = ax * K[o + c] + bx * K[o + 6 + c];
      out[9 * i + 3 + c] = ay * K[o + 3 + c] + by * K[o + 6 + c];
      out[9 * i + 6 + c] = K[o + 6 + c];
    }
  }
  return out;
}

/**
 * Intrinsics of a crop whose top-left corner is at pixel offset (x, y) of the original image:
 * cx' = cx − x, cy' = cy − y (the crop's size does not enter K). With integer offsets the cropped
 * ray map equals the parent's sub-block [y : y + H', x : x + W'].
 * @param K Float32Array [N, 9] (or [1, 9]).
 * @param opts `x`, `y`: numbers or Float32Array [N] (or [1]), pixels.
 * @returns Float32Array [N, 9].
 * @example sk.camera.crop(K, {x: 64, y: 32})
 */
export function crop(K: Float32Array, opts: { x: PerCamera; y: PerCamera }): Float32Array {
  const o = options(opts, '{x, y}', ['x', 'y']);
  return affine(K, [[o.x, 'x'], [o.y, 'y']], ([x, y]) => [1, -x, 1, -y]);
}

/**
 * Intrinsics after moving the image content by (x, y) pixels (a principal-point shift, e.g. a
 * translation augmentation or padding on the top/left): cx' = cx + x, cy' = cy + y.
 * @param K Float32Array [N, 9]. @param opts `x`, `y`: numbers or Float32Array [N].
 * @returns Float32Array [N, 9].
 */
export function shift(K: Float32Array, opts: { x: PerCamera; y: PerCamera }): Float32Array {
  const o = options(opts, '{x, y}', ['x', 'y']);
  return affine(K, [[o.x, 'x'], [o.y, 'y']], ([x, y]) => [1, x, 1, y]);
}

/**
 * Intrinsics after resizing the image by (sx, sy) (e.g. sx = W'/W), pixel-centre-correct: the
 * image is scaled about its corner (0, 0), so with the default pixelCenter 0.5 (K in corner-origin
 * units) fx' = sx·fx, skew' = sx·skew, cx' = sx·cx; with pixelCenter p in general
 * cx' = sx·(cx + 0.5 − p) − (0.5 − p) (p = 0: cx' = sx·(cx + 0.5) − 0.5). Note a ½ resize samples the
 * parent at new pixel centres, which is not parent[::2, ::2].
 * @param K Float32Array [N, 9]. @param opts `sx`, `sy` (> 0; numbers or Float32Array [N]), `pixelCenter`.
 * @returns Float32Array [N, 9].
 */
export function resize(K: Float32Array, opts: { sx: PerCamera; sy: PerCamera; pixelCenter?: number }): Float32Array {
  const o = options(opts, '{sx, sy, pixelCenter}', ['sx', 'sy', 'pixelCenter']);
  const e = 0.5 - finite(o.pixelCenter ?? 0.5, 'pixelCenter');
  return affine(K, [[o.sx, 'sx'], [o.sy, 'sy']], ([sx, sy]) => {
    if (!(sx > 0 && sy > 0)) throw new RangeError(`Expected \`sx\` and \`sy\` > 0 but received ${sx} and ${sy}`);
    return [sx, (sx - 1) * e, sy, (sy - 1) * e];
  });
}

/**
 * Intrinsics after zooming by `factor` about the image centre, keeping the image size
 * (factor > 1 magnifies: a centre crop of W/factor × H/factor resized back to W × H):
 * f' = factor·f, c' = factor·(c − C) + C with C = (W/2, H/2) the centre in corner-origin pixels.
 * @param K Float32Array [N, 9]. @param factor > 0, number or Float32Array [N].
 * @param opts `width`, `height` of the image (pixels), `pixelCenter`.
 * @returns Float32Array [N, 9].
 */
export function zoom(K: Float32Array, factor: PerCamera, opts: { width: number; height: number; pixelCenter?: number }): Float32Array {
  const o = options(opts, '{width, height, pixelCenter}', ['width', 'height', 'pixelCenter']);
  const w = integer(o.width, 'width', 1, MAX_SIDE), h = integer(o.height, 'height', 1, MAX_SIDE);
  const e = 0.5 - finite(o.pixelCenter ?? 0.5, 'pixelCenter');
  // In K's units q = c − e: q' = f·q + (1 − f)·(C − e).
  return affine(K, [[factor, 'factor']], ([f]) => {
    if (!(f > 0)) throw new RangeError(`Expected \`factor\` > 0 but received ${f}`);
    return [f, (1 - f) * (w / 2 - e), f, (1 - f) * (h / 2 - e)];
  });
}
