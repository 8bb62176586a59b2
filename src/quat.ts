/**
 * Batched quaternion algebra.
 *
 * Conventions (DESIGN §4): quaternions are `[x, y, z, w]` (scalar last), products are Hamilton
 * products, angles are radians, matrices are row-major 3×3. `rotate`, `toMatrix`, `slerp`,
 * `angle` and `fromAxisAngle` use the rotation q/|q| (scale ignored, as gl-matrix, three.js and
 * scipy do); `invert` is the true inverse conj(q)/|q|². Where a rotation is needed, a quaternion
 * whose |q|² is zero, NaN or outside [2^-126, 2^126] (|q| outside ~[1e-19, 1e19]) is a RangeError naming the argument and index;
 * elsewhere NaN propagates element-wise, as in IEEE arithmetic.
 *
 * Batches are flat Float32Arrays. Wherever two inputs meet, an input holding a single item
 * broadcasts against the other's batch (a length-1 batch against an empty one gives an empty
 * result). `out` (last argument) may be given to avoid an allocation and may alias an input.
 * Every function has an `…Async` twin that runs off the event loop on the native backend.
 */
import { call, callAsync, kernels, output, smallOutput, smallResult } from './call.js';
import { batch, boolean, choice, f32, options, scalarOrF32, uint32, integer } from './validate.js';

type Op = 'multiply' | 'conjugate' | 'invert' | 'normalize' | 'toMatrix' | 'fromMatrix' | 'rotate' | 'fromAxisAngle'
  | 'fromEuler' | 'slerp' | 'angle' | 'random' | 'toEuler' | 'toRotvec' | 'fromRotvec' | 'dot';
interface Prepared<R> { args: unknown[]; out: R }

function run<R>(op: Op, p: Prepared<R>): R {
  call('quat', op, p.args as never);
  return p.out;
}

async function runAsync<R>(op: Op, p: Prepared<R>): Promise<R> {
  await callAsync('quat', op, p.args as never);
  return p.out;
}

/** Euler orders accepted by {@link fromEuler}. */
export const EULER_ORDERS = ['xyz', 'xzy', 'yxz', 'yzx', 'zxy', 'zyx'] as const;
export type EulerOrder = (typeof EULER_ORDERS)[number];

function binary(a: Float32Array, an: string, ai: number, b: Float32Array, bn: string, bi: number, outItem: number,
  unit: string, out: Float32Array | undefined): { n: number; out: Float32Array; a: Float32Array; b: Float32Array } {
  const na = f32(a, an, ai), nb = f32(b, bn, bi);
  const n = na === 0 || nb === 0 ? 0 : batch([na, an], [nb, bn]);
  const o = output(Float32Array, out, n, outItem, unit);
  return { n, out: o, a, b };
}

function unary(q: Float32Array, name: string, inItem: number, outItem: number, unit: string,
  out: Float32Array | undefined): { q: Float32Array; out: Float32Array } {
  const n = f32(q, name, inItem);
  const o = output(Float32Array, out, n, outItem, unit);
  return { q, out: o };
}

const prepMultiply = (a: Float32Array, b: Float32Array, out?: Float32Array): Prepared<Float32Array> => {
  const p = binary(a, 'a', 4, b, 'b', 4, 4, 'quaternions', out);
  return { args: [p.a, p.b, p.out], out: p.out };
};
/**
 * Hamilton product a ⊗ b.
 * @param a Float32Array [N, 4] (or [1, 4], broadcast), quaternions xyzw.
 * @param b Float32Array [N, 4] (or [1, 4], broadcast).
 * @param out Float32Array [N, 4], optional; may alias `a` or `b`.
 * @returns Float32Array [N, 4].
 * @throws TypeError for non-Float32Array inputs; RangeError for lengths not a multiple of 4 or batch mismatch.
 * @example sk.quat.multiply(q1, q2) // rotation q2, then q1
 */
export function multiply(a: Float32Array, b: Float32Array, out?: Float32Array): Float32Array {
  const o = smallOutput(a, 4, b, 4, out, 4);
  if (o) { kernels('quat').multiply(a, b, o); return smallResult(o); }
  return run('multiply', prepMultiply(a, b, out));
}
export function multiplyAsync(a: Float32Array, b: Float32Array, out?: Float32Array): Promise<Float32Array> {
  return runAsync('multiply', prepMultiply(a, b, out));
}

const prepUnary = (q: Float32Array, outItem: number, out?: Float32Array): Prepared<Float32Array> => {
  const p = unary(q, 'q', 4, outItem, outItem === 9 ? 'matrices' : 'quaternions', out);
  return { args: [p.q, p.out], out: p.out };
};
/**
 * Conjugate (−x, −y, −z, w).
 * @param q Float32Array [N, 4]. @param out Float32Array [N, 4], optional, may alias q.
 * @returns Float32Array [N, 4].
 */
export function conjugate(q: Float32Array, out?: Float32Array): Float32Array {
  const o = smallOutput(q, 4, undefined, 0, out, 4);
  if (o) { kernels('quat').conjugate(q, o); return smallResult(o); }
  return run('conjugate', prepUnary(q, 4, out));
}
export function conjugateAsync(q: Float32Array, out?: Float32Array): Promise<Float32Array> { return runAsync('conjugate', prepUnary(q, 4, out)); }

/**
 * True inverse conj(q)/|q|² (so q ⊗ invert(q) = identity for any non-zero scale).
 * @param q Float32Array [N, 4]. @param out Float32Array [N, 4], optional, may alias q.
 * @returns Float32Array [N, 4].
 * @throws RangeError "`q[i]` has zero, non-finite or out-of-range length (|q|² outside [2^-126, 2^126])".
 */
export function invert(q: Float32Array, out?: Float32Array): Float32Array {
  const o = smallOutput(q, 4, undefined, 0, out, 4);
  if (o) { kernels('quat').invert(q, o); return smallResult(o); }
  return run('invert', prepUnary(q, 4, out));
}
export function invertAsync(q: Float32Array, out?: Float32Array): Promise<Float32Array> { return runAsync('invert', prepUnary(q, 4, out)); }

/**
 * q/|q|.
 * @param q Float32Array [N, 4]. @param out Float32Array [N, 4], optional, may alias q.
 * @returns Float32Array [N, 4], unit quaternions.
 * @throws RangeError for |q|² zero, NaN or outside [2^-126, 2^126], naming the index.
 */
export function normalize(q: Float32Array, out?: Float32Array): Float32Array {
  const o = smallOutput(q, 4, undefined, 0, out, 4);
  if (o) { kernels('quat').normalize(q, o); return smallResult(o); }
  return run('normalize', prepUnary(q, 4, out));
}
export function normalizeAsync(q: Float32Array, out?: Float32Array): Promise<Float32Array> { return runAsync('normalize', prepUnary(q, 4, out)); }

/**
 * Row-major 3×3 rotation matrices of q/|q|.
 * @param q Float32Array [N, 4]. @param out Float32Array [N, 9], optional.
 * @returns Float32Array [N, 9].
 * @throws RangeError for a zero-length quaternion.
 */
export function toMatrix(q: Float32Array, out?: Float32Array): Float32Array {
  const o = smallOutput(q, 4, undefined, 0, out, 9);
  if (o) { kernels('quat').toMatrix(q, o); return smallResult(o); }
  return run('toMatrix', prepUnary(q, 9, out));
}
export function toMatrixAsync(q: Float32Array, out?: Float32Array): Promise<Float32Array> { return runAsync('toMatrix', prepUnary(q, 9, out)); }

const prepFromMatrix = (m: Float32Array, out?: Float32Array): Prepared<Float32Array> => {
  const p = unary(m, 'm', 9, 4, 'quaternions', out);
  return { args: [p.q, p.out], out: p.out };
};
/**
 * Unit quaternions (w ≥ 0) from row-major rotation matrices, by Shepperd's method (accurate near
 * 180°, where the trace approaches −1). Slightly non-orthonormal input gives the re-normalised
 * result of that method.
 * @param m Float32Array [N, 9]. @param out Float32Array [N, 4], optional.
 * @returns Float32Array [N, 4].
 */
export function fromMatrix(m: Float32Array, out?: Float32Array): Float32Array {
  const o = smallOutput(m, 9, undefined, 0, out, 4);
  if (o) { kernels('quat').fromMatrix(m, o); return smallResult(o); }
  return run('fromMatrix', prepFromMatrix(m, out));
}
export function fromMatrixAsync(m: Float32Array, out?: Float32Array): Promise<Float32Array> { return runAsync('fromMatrix', prepFromMatrix(m, out)); }

const prepRotate = (q: Float32Array, v: Float32Array, out?: Float32Array): Prepared<Float32Array> => {
  const p = binary(q, 'q', 4, v, 'v', 3, 3, 'vectors', out);
  return { args: [p.a, p.b, p.out], out: p.out };
};
/**
 * Rotates vectors by q/|q|.
 * @param q Float32Array [N, 4] (or [1, 4]). @param v Float32Array [N, 3] (or [1, 3]).
 * @param out Float32Array [N, 3], optional, may alias v.
 * @returns Float32Array [N, 3].
 * @throws RangeError for a zero-length quaternion.
 */
export function rotate(q: Float32Array, v: Float32Array, out?: Float32Array): Float32Array {
  const o = smallOutput(q, 4, v, 3, out, 3);
  if (o) { kernels('quat').rotate(q, v, o); return smallResult(o); }
  return run('rotate', prepRotate(q, v, out));
}
export function rotateAsync(q: Float32Array, v: Float32Array, out?: Float32Array): Promise<Float32Array> { return runAsync('rotate', prepRotate(q, v, out)); }

const prepAxisAngle = (axis: Float32Array, angle: Float32Array | number, out?: Float32Array): Prepared<Float32Array> => {
  const p = binary(axis, 'axis', 3, scalarOrF32(angle, 'angle'), 'angle', 1, 4, 'quaternions', out);
  return { args: [p.a, p.b, p.out], out: p.out };
};
/**
 * Quaternions of a rotation by `angle` radians about `axis` (normalised here).
 * @param axis Float32Array [N, 3] (or [1, 3]). @param angle Float32Array [N] or one number.
 * @param out Float32Array [N, 4], optional.
 * @returns Float32Array [N, 4], unit quaternions.
 * @throws RangeError for a zero-length axis.
 */
export function fromAxisAngle(axis: Float32Array, angle: Float32Array | number, out?: Float32Array): Float32Array {
  return run('fromAxisAngle', prepAxisAngle(axis, angle, out));
}
export function fromAxisAngleAsync(axis: Float32Array, angle: Float32Array | number, out?: Float32Array): Promise<Float32Array> {
  return runAsync('fromAxisAngle', prepAxisAngle(axis, angle, out));
}

const prepEuler = (angles: Float32Array, order: EulerOrder, out?: Float32Array): Prepared<Float32Array> => {
  const o = choice(order, 'order', EULER_ORDERS);
  const p = unary(angles, 'angles', 3, 4, 'quaternions', out);
  return { args: [p.q, o, p.out], out: p.out };
};
/**
 * Quaternions from Euler angles. `angles` holds (a_x, a_y, a_z) by axis whatever the order; the
 * order's letters are the factors left to right: 'zyx' = q_z(a_z) ⊗ q_y(a_y) ⊗ q_x(a_x), so x is
 * applied first (three.js's 'XYZ' is 'xyz' here).
 * @param angles Float32Array [N, 3], radians. @param order one of {@link EULER_ORDERS}.
 * @param out Float32Array [N, 4], optional.
 * @returns Float32Array [N, 4], unit quaternions.
 */
export function fromEuler(angles: Float32Array, order: EulerOrder, out?: Float32Array): Float32Array {
  return run('fromEuler', prepEuler(angles, order, out));
}
export function fromEulerAsync(angles: Float32Array, order: EulerOrder, out?: Float32Array): Promise<Float32Array> {
  return runAsync('fromEuler', prepEuler(angles, order, out));
}

const prepSlerp = (a: Float32Array, b: Float32Array, t: Float32Array | number, out?: Float32Array): Prepared<Float32Array> => {
  const tt = scalarOrF32(t, 't');
  const na = f32(a, 'a', 4), nb = f32(b, 'b', 4), nt = tt.length;
  const n = na === 0 || nb === 0 || nt === 0 ? 0 : batch([na, 'a'], [nb, 'b'], [nt, 't']);
  const o = output(Float32Array, out, n, 4, 'quaternions');
  return { args: [a, b, tt, o], out: o };
};
/**
 * Spherical linear interpolation on the shorter arc between a/|a| and b/|b| (b is flipped only
 * when dot(a, b) < 0). t outside [0, 1] extrapolates.
 * @param a Float32Array [N, 4] (or [1, 4]). @param b Float32Array [N, 4] (or [1, 4]).
 * @param t one number, or Float32Array [N] (or [1]).
 * @param out Float32Array [N, 4], optional.
 * @returns Float32Array [N, 4], unit quaternions.
 * @throws RangeError for a zero-length input, naming `a` or `b` and the index.
 */
export function slerp(a: Float32Array, b: Float32Array, t: Float32Array | number, out?: Float32Array): Float32Array {
  return run('slerp', prepSlerp(a, b, t, out));
}
export function slerpAsync(a: Float32Array, b: Float32Array, t: Float32Array | number, out?: Float32Array): Promise<Float32Array> {
  return runAsync('slerp', prepSlerp(a, b, t, out));
}

const prepAngle = (a: Float32Array, b: Float32Array, out?: Float32Array): Prepared<Float32Array> => {
  const p = binary(a, 'a', 4, b, 'b', 4, 1, 'angles', out);
  return { args: [p.a, p.b, p.out], out: p.out };
};
/**
 * Geodesic angle between the rotations of a and b, in [0, π] radians:
 * 2·atan2(|vec(ā⊗b)|, |w(ā⊗b)|), accurate for tiny angles (1e-7 rad) where acos is not.
 * @param a Float32Array [N, 4] (or [1, 4]). @param b Float32Array [N, 4] (or [1, 4]).
 * @param out Float32Array [N], optional.
 * @returns Float32Array [N].
 */
export function angle(a: Float32Array, b: Float32Array, out?: Float32Array): Float32Array {
  const o = smallOutput(a, 4, b, 4, out, 1);
  if (o) { kernels('quat').angle(a, b, o); return smallResult(o); }
  return run('angle', prepAngle(a, b, out));
}
export function angleAsync(a: Float32Array, b: Float32Array, out?: Float32Array): Promise<Float32Array> { return runAsync('angle', prepAngle(a, b, out)); }

const prepRandom = (n: number, seed: number, out?: Float32Array): Prepared<Float32Array> => {
  integer(n, 'n', 0, 2 ** 28);
  const s = uint32(seed, 'seed');
  const o = output(Float32Array, out, n, 4, 'quaternions');
  return { args: [s, o], out: o };
};
/**
 * n unit quaternions uniform on SO(3) (Shoemake's method over a counter-based hash): item i
 * depends only on (seed, i), so every backend and thread count gives the same bits.
 * @param n number of quaternions, integer in [0, 2^28]. @param seed integer in [0, 2^32).
 * @param out Float32Array [n, 4], optional.
 * @returns Float32Array [n, 4].
 */
export function random(n: number, seed: number, out?: Float32Array): Float32Array { return run('random', prepRandom(n, seed, out)); }
export function randomAsync(n: number, seed: number, out?: Float32Array): Promise<Float32Array> { return runAsync('random', prepRandom(n, seed, out)); }

// ───── Parity with scipy's Rotation: toEuler, rotation vectors, dot, identity (docs/quat.md) ─────

/** Options of {@link toEuler}. */
export interface ToEulerOptions {
  /** Float32Array [N, 3] to write into instead of allocating. */
  out?: Float32Array;
  /**
   * false (default): `order` reads as in {@link fromEuler} — factors left to right, i.e. intrinsic
   * rotations, scipy's upper case. true: rotations about the fixed axes in the order applied
   * (scipy's lower case), so `toEuler(q, 'xyz', {extrinsic: true})` equals `toEuler(q, 'zyx')`
   * except in gimbal lock (which angle is set to 0).
   */
  extrinsic?: boolean;
}

const prepToEuler = (q: Float32Array, order: EulerOrder, opts?: ToEulerOptions): Prepared<Float32Array> => {
  const o = options<ToEulerOptions>(opts, 'opts', false, ['out', 'extrinsic']);
  const ord = choice(order, 'order', EULER_ORDERS);
  const extrinsic = o.extrinsic === undefined ? false : boolean(o.extrinsic, 'extrinsic');
  const p = unary(q, 'q', 4, 3, 'angle triples', o.out);
  return { args: [p.q, ord, extrinsic, p.out], out: p.out };
};
/**
 * Euler angles of the rotations q/|q|, the inverse of {@link fromEuler}: written by axis
 * (a_x, a_y, a_z) whatever the order, in radians; the middle letter's angle in [−π/2, π/2], the
 * others in [−π, π] (Bernardes & Viollet 2022, the method of scipy's `Rotation.as_euler`).
 * Gimbal lock — middle angle within 2^-20 rad (~9.5e-7) of ±π/2 — leaves only the sum or
 * difference of the other two defined: as scipy, the angle of the order's last letter is set to 0
 * and the middle to exactly ±π/2 (the rotation is still right, to ~1e-6 rad).
 * @param q Float32Array [N, 4], quaternions xyzw. @param order one of {@link EULER_ORDERS}.
 * @param opts `{out?: Float32Array [N, 3], extrinsic?: boolean}` (see {@link ToEulerOptions}).
 * @returns Float32Array [N, 3].
 * @throws TypeError for a non-Float32Array `q`, a non-string `order` or a non-boolean `extrinsic`;
 *   RangeError for an unknown order or option, a length not a multiple of 4, or a zero-length
 *   (or NaN) quaternion, naming `q[i]`.
 * @example sk.quat.toEuler(sk.quat.fromEuler(a, 'zyx'), 'zyx') // ≈ a (away from gimbal lock)
 */
export function toEuler(q: Float32Array, order: EulerOrder, opts?: ToEulerOptions): Float32Array {
  return run('toEuler', prepToEuler(q, order, opts));
}
export function toEulerAsync(q: Float32Array, order: EulerOrder, opts?: ToEulerOptions): Promise<Float32Array> {
  return runAsync('toEuler', prepToEuler(q, order, opts));
}

const prepToRotvec = (q: Float32Array, out?: Float32Array): Prepared<Float32Array> => {
  const p = unary(q, 'q', 4, 3, 'vectors', out);
  return { args: [p.q, p.out], out: p.out };
};
/**
 * Rotation vectors (unit axis × angle) of q/|q|, on the shorter arc: angle in [0, π] (scipy's
 * `Rotation.as_rotvec`). Accurate to float32 relative precision for tiny angles (1e-8 rad and
 * below) and stable near π.
 * @param q Float32Array [N, 4]. @param out Float32Array [N, 3], optional.
 * @returns Float32Array [N, 3], radians.
 * @throws RangeError for a zero-length (or NaN) quaternion, naming `q[i]`.
 */
export function toRotvec(q: Float32Array, out?: Float32Array): Float32Array { return run('toRotvec', prepToRotvec(q, out)); }
export function toRotvecAsync(q: Float32Array, out?: Float32Array): Promise<Float32Array> { return runAsync('toRotvec', prepToRotvec(q, out)); }

const prepFromRotvec = (v: Float32Array, out?: Float32Array): Prepared<Float32Array> => {
  const p = unary(v, 'v', 3, 4, 'quaternions', out);
  return { args: [p.q, p.out], out: p.out };
};
/**
 * Unit quaternions of rotation vectors (a rotation by |v| radians about v/|v|; the zero vector
 * is the identity), as scipy's `Rotation.from_rotvec`: w = cos(|v|/2) ≥ 0 for |v| ≤ π.
 * @param v Float32Array [N, 3], radians. @param out Float32Array [N, 4], optional.
 * @returns Float32Array [N, 4].
 * @throws RangeError for a vector with a NaN or infinite component (or |v|² overflowing float32), naming `v[i]`.
 */
export function fromRotvec(v: Float32Array, out?: Float32Array): Float32Array { return run('fromRotvec', prepFromRotvec(v, out)); }
export function fromRotvecAsync(v: Float32Array, out?: Float32Array): Promise<Float32Array> { return runAsync('fromRotvec', prepFromRotvec(v, out)); }

const prepDot = (a: Float32Array, b: Float32Array, out?: Float32Array): Prepared<Float32Array> => {
  const p = binary(a, 'a', 4, b, 'b', 4, 1, 'values', out);
  return { args: [p.a, p.b, p.out], out: p.out };
};
/**
 * 4-D dot products a·b, broadcasting as {@link multiply}; no normalisation. For unit inputs,
 * |a·b| = cos(θ/2) with θ the angle between the rotations.
 * @param a Float32Array [N, 4] (or [1, 4]). @param b Float32Array [N, 4] (or [1, 4]).
 * @param out Float32Array [N], optional.
 * @returns Float32Array [N].
 */
export function dot(a: Float32Array, b: Float32Array, out?: Float32Array): Float32Array { return run('dot', prepDot(a, b, out)); }
export function dotAsync(a: Float32Array, b: Float32Array, out?: Float32Array): Promise<Float32Array> { return runAsync('dot', prepDot(a, b, out)); }

/**
 * n identity quaternions (0, 0, 0, 1), as scipy's `Rotation.identity(n)`. A fill, not a kernel:
 * it runs in JavaScript on every backend.
 * @param n number of quaternions, integer in [0, 2^28]. @param out Float32Array [n, 4], optional.
 * @returns Float32Array [n, 4].
 */
export function identity(n: number, out?: Float32Array): Float32Array {
  integer(n, 'n', 0, 2 ** 28);
  const o = output(Float32Array, out, n, 4, 'quaternions');
  o.fill(0);
  for (let i = 3; i < o.length; i += 4) o[i] = 1;
  return o;
}
export async function identityAsync(n: number, out?: Float32Array): Promise<Float32Array> { return identity(n, out); }
