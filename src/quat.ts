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
import { LIMITS, type QuatKernels, type SmallQuatOp } from './backend/kernels.js';
import { smallCount, smallRun } from './backend/small.js';
import { entries, kernels, output, smallCalls, smallOutput, smallResult, type Prepared } from './call.js';
import { batch, boolean, choice, f32, options, scalarOrF32, uint32, integer } from './validate.js';

type Op = keyof QuatKernels;
type F32 = Float32Array;
/** An op's entry points, typed with its own argument names where the generic ones would mislead. */
type Pair<F extends (...a: never[]) => unknown> = readonly [F, (...a: Parameters<F>) => Promise<ReturnType<F>>];

/** Euler orders accepted by {@link fromEuler}. */
export const EULER_ORDERS = LIMITS.eulerOrders;
export type EulerOrder = (typeof EULER_ORDERS)[number];

// Each element-wise op is one description: argument names and item sizes, the output's item size
// and unit, and — for the ops on issue #17's small-call fast path — how to call its kernel
// directly (a literal per op keeps that call monomorphic). Plain same-length batches take the fast
// path: up to the backend's small-call size through its arena (src/backend/small.ts), larger ones
// by calling the kernel directly; everything else the checked one, whose errors it keeps (the
// backend checks again).

/** `in` [N, inItem] → out [N, outItem]. */
function unaryOp(op: Op, arg: string, inItem: number, outItem: number, unit: string,
  fast?: (k: QuatKernels, x: F32, out: F32) => void) {
  const prep = (q: Float32Array, out?: Float32Array): Prepared<Float32Array> => {
    const o = output(Float32Array, out, f32(q, arg, inItem), outItem, unit);
    return { args: [q, o], out: o };
  };
  const [checked, later] = entries('quat', op, prep);
  if (!fast) return [checked, later] as const;
  const now = (q: Float32Array, out?: Float32Array): Float32Array => {
    const s = smallCalls();
    const n = s === undefined ? 0 : smallCount(s.items, q, inItem, undefined, 0, out, outItem);
    if (n > 0) return smallRun(s!, s!.quat[op as SmallQuatOp], n, q, inItem, undefined, 0, out, outItem);
    const o = smallOutput(q, inItem, undefined, 0, out, outItem);
    if (!o) return checked(q, out);
    fast(kernels('quat'), q, o);
    return smallResult(o);
  };
  return [now, later] as const;
}

/** `a` [N|1, aItem] and `b` [N|1, bItem] → out [N, outItem]; a length-1 input broadcasts. */
function binaryPrep(an: string, aItem: number, bn: string, bItem: number, outItem: number, unit: string) {
  return (a: Float32Array, b: Float32Array, out?: Float32Array): Prepared<Float32Array> => {
    const na = f32(a, an, aItem), nb = f32(b, bn, bItem);
    const n = na === 0 || nb === 0 ? 0 : batch([na, an], [nb, bn]);
    const o = output(Float32Array, out, n, outItem, unit);
    return { args: [a, b, o], out: o };
  };
}
function binaryOp(op: Op, an: string, aItem: number, bn: string, bItem: number, outItem: number, unit: string,
  fast?: (k: QuatKernels, a: F32, b: F32, out: F32) => void) {
  const [checked, later] = entries('quat', op, binaryPrep(an, aItem, bn, bItem, outItem, unit));
  if (!fast) return [checked, later] as const;
  const now = (a: Float32Array, b: Float32Array, out?: Float32Array): Float32Array => {
    const s = smallCalls();
    const n = s === undefined ? 0 : smallCount(s.items, a, aItem, b, bItem, out, outItem);
    if (n > 0) return smallRun(s!, s!.quat[op as SmallQuatOp], n, a, aItem, b, bItem, out, outItem);
    const o = smallOutput(a, aItem, b, bItem, out, outItem);
    if (!o) return checked(a, b, out);
    fast(kernels('quat'), a, b, o);
    return smallResult(o);
  };
  return [now, later] as const;
}

/**
 * Hamilton product a ⊗ b.
 * @param a Float32Array [N, 4] (or [1, 4], broadcast), quaternions xyzw.
 * @param b Float32Array [N, 4] (or [1, 4], broadcast).
 * @param out Float32Array [N, 4], optional; may alias `a` or `b`.
 * @returns Float32Array [N, 4].
 * @throws TypeError for non-Float32Array inputs; RangeError for lengths not a multiple of 4 or batch mismatch.
 * @example sk.quat.multiply(q1, q2) // rotation q2, then q1
 */
export const [multiply, multiplyAsync] = binaryOp('multiply', 'a', 4, 'b', 4, 4, 'quaternions', (k, a, b, o) => k.multiply(a, b, o));

/**
 * Conjugate (−x, −y, −z, w).
 * @param q Float32Array [N, 4]. @param out Float32Array [N, 4], optional, may alias q.
 * @returns Float32Array [N, 4].
 */
export const [conjugate, conjugateAsync] = unaryOp('conjugate', 'q', 4, 4, 'quaternions', (k, q, o) => k.conjugate(q, o));

/**
 * True inverse conj(q)/|q|² (so q ⊗ invert(q) = identity for any non-zero scale).
 * @param q Float32Array [N, 4]. @param out Float32Array [N, 4], optional, may alias q.
 * @returns Float32Array [N, 4].
 * @throws RangeError "`q[i]` has zero, non-finite or out-of-range length (|q|² outside [2^-126, 2^126])".
 */
export const [invert, invertAsync] = unaryOp('invert', 'q', 4, 4, 'quaternions', (k, q, o) => k.invert(q, o));

/**
 * q/|q|.
 * @param q Float32Array [N, 4]. @param out Float32Array [N, 4], optional, may alias q.
 * @returns Float32Array [N, 4], unit quaternions.
 * @throws RangeError for |q|² zero, NaN or outside [2^-126, 2^126], naming the index.
 */
export const [normalize, normalizeAsync] = unaryOp('normalize', 'q', 4, 4, 'quaternions', (k, q, o) => k.normalize(q, o));

/**
 * Row-major 3×3 rotation matrices of q/|q|.
 * @param q Float32Array [N, 4]. @param out Float32Array [N, 9], optional.
 * @returns Float32Array [N, 9].
 * @throws RangeError for a zero-length quaternion.
 */
export const [toMatrix, toMatrixAsync] = unaryOp('toMatrix', 'q', 4, 9, 'matrices', (k, q, o) => k.toMatrix(q, o));

/**
 * Unit quaternions (w ≥ 0) from row-major rotation matrices, by Shepperd's method (accurate near
 * 180°, where the trace approaches −1). Slightly non-orthonormal input gives the re-normalised
 * result of that method.
 * @param m Float32Array [N, 9]. @param out Float32Array [N, 4], optional.
 * @returns Float32Array [N, 4].
 */
export const [fromMatrix, fromMatrixAsync]: Pair<(m: Float32Array, out?: Float32Array) => Float32Array> = unaryOp('fromMatrix', 'm', 9, 4, 'quaternions', (k, m, o) => k.fromMatrix(m, o));

/**
 * Rotates vectors by q/|q|.
 * @param q Float32Array [N, 4] (or [1, 4]). @param v Float32Array [N, 3] (or [1, 3]).
 * @param out Float32Array [N, 3], optional, may alias v.
 * @returns Float32Array [N, 3].
 * @throws RangeError for a zero-length quaternion.
 */
export const [rotate, rotateAsync]: Pair<(q: Float32Array, v: Float32Array, out?: Float32Array) => Float32Array> = binaryOp('rotate', 'q', 4, 'v', 3, 3, 'vectors', (k, q, v, o) => k.rotate(q, v, o));

const axisAnglePrep = binaryPrep('axis', 3, 'angle', 1, 4, 'quaternions');
/**
 * Quaternions of a rotation by `angle` radians about `axis` (normalised here).
 * @param axis Float32Array [N, 3] (or [1, 3]). @param angle Float32Array [N] or one number.
 * @param out Float32Array [N, 4], optional.
 * @returns Float32Array [N, 4], unit quaternions.
 * @throws RangeError for a zero-length axis.
 */
export const [fromAxisAngle, fromAxisAngleAsync] = entries('quat', 'fromAxisAngle',
  (axis: Float32Array, angle: Float32Array | number, out?: Float32Array) => axisAnglePrep(axis, scalarOrF32(angle, 'angle'), out));

/**
 * Quaternions from Euler angles. `angles` holds (a_x, a_y, a_z) by axis whatever the order; the
 * order's letters are the factors left to right: 'zyx' = q_z(a_z) ⊗ q_y(a_y) ⊗ q_x(a_x), so x is
 * applied first (three.js's 'XYZ' is 'xyz' here).
 * @param angles Float32Array [N, 3], radians. @param order one of {@link EULER_ORDERS}.
 * @param out Float32Array [N, 4], optional.
 * @returns Float32Array [N, 4], unit quaternions.
 */
export const [fromEuler, fromEulerAsync] = entries('quat', 'fromEuler',
  (angles: Float32Array, order: EulerOrder, out?: Float32Array): Prepared<Float32Array> => {
    const ord = choice(order, 'order', EULER_ORDERS);
    const o = output(Float32Array, out, f32(angles, 'angles', 3), 4, 'quaternions');
    return { args: [angles, ord, o], out: o };
  });

/**
 * Spherical linear interpolation on the shorter arc between a/|a| and b/|b| (b is flipped only
 * when dot(a, b) < 0). t outside [0, 1] extrapolates.
 * @param a Float32Array [N, 4] (or [1, 4]). @param b Float32Array [N, 4] (or [1, 4]).
 * @param t one number, or Float32Array [N] (or [1]).
 * @param out Float32Array [N, 4], optional.
 * @returns Float32Array [N, 4], unit quaternions.
 * @throws RangeError for a zero-length input, naming `a` or `b` and the index.
 */
export const [slerp, slerpAsync] = entries('quat', 'slerp',
  (a: Float32Array, b: Float32Array, t: Float32Array | number, out?: Float32Array): Prepared<Float32Array> => {
    const tt = scalarOrF32(t, 't');
    const na = f32(a, 'a', 4), nb = f32(b, 'b', 4), nt = tt.length;
    const n = na === 0 || nb === 0 || nt === 0 ? 0 : batch([na, 'a'], [nb, 'b'], [nt, 't']);
    const o = output(Float32Array, out, n, 4, 'quaternions');
    return { args: [a, b, tt, o], out: o };
  });

/**
 * Geodesic angle between the rotations of a and b, in [0, π] radians:
 * 2·atan2(|vec(ā⊗b)|, |w(ā⊗b)|), accurate for tiny angles (1e-7 rad) where acos is not.
 * @param a Float32Array [N, 4] (or [1, 4]). @param b Float32Array [N, 4] (or [1, 4]).
 * @param out Float32Array [N], optional.
 * @returns Float32Array [N].
 */
export const [angle, angleAsync] = binaryOp('angle', 'a', 4, 'b', 4, 1, 'angles', (k, a, b, o) => k.angle(a, b, o));

/**
 * n unit quaternions uniform on SO(3) (Shoemake's method over a counter-based hash): item i
 * depends only on (seed, i), so every backend and thread count gives the same bits.
 * @param n number of quaternions, integer in [0, 2^28]. @param seed integer in [0, 2^32).
 * @param out Float32Array [n, 4], optional.
 * @returns Float32Array [n, 4].
 */
export const [random, randomAsync] = entries('quat', 'random',
  (n: number, seed: number, out?: Float32Array): Prepared<Float32Array> => {
    integer(n, 'n', 0, 2 ** 28);
    const s = uint32(seed, 'seed');
    const o = output(Float32Array, out, n, 4, 'quaternions');
    return { args: [s, o], out: o };
  });

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
export const [toEuler, toEulerAsync] = entries('quat', 'toEuler',
  (q: Float32Array, order: EulerOrder, opts?: ToEulerOptions): Prepared<Float32Array> => {
    const o = options<ToEulerOptions>(opts, 'opts', false, ['out', 'extrinsic']);
    const ord = choice(order, 'order', EULER_ORDERS);
    const extrinsic = o.extrinsic === undefined ? false : boolean(o.extrinsic, 'extrinsic');
    const out = output(Float32Array, o.out, f32(q, 'q', 4), 3, 'angle triples');
    return { args: [q, ord, extrinsic, out], out };
  });

/**
 * Rotation vectors (unit axis × angle) of q/|q|, on the shorter arc: angle in [0, π] (scipy's
 * `Rotation.as_rotvec`). Accurate to float32 relative precision for tiny angles (1e-8 rad and
 * below) and stable near π.
 * @param q Float32Array [N, 4]. @param out Float32Array [N, 3], optional.
 * @returns Float32Array [N, 3], radians.
 * @throws RangeError for a zero-length (or NaN) quaternion, naming `q[i]`.
 */
export const [toRotvec, toRotvecAsync] = unaryOp('toRotvec', 'q', 4, 3, 'vectors');

/**
 * Unit quaternions of rotation vectors (a rotation by |v| radians about v/|v|; the zero vector
 * is the identity), as scipy's `Rotation.from_rotvec`: w = cos(|v|/2) ≥ 0 for |v| ≤ π.
 * @param v Float32Array [N, 3], radians. @param out Float32Array [N, 4], optional.
 * @returns Float32Array [N, 4].
 * @throws RangeError for a vector with a NaN or infinite component (or |v|² overflowing float32), naming `v[i]`.
 */
export const [fromRotvec, fromRotvecAsync]: Pair<(v: Float32Array, out?: Float32Array) => Float32Array> = unaryOp('fromRotvec', 'v', 3, 4, 'quaternions');

/**
 * 4-D dot products a·b, broadcasting as {@link multiply}; no normalisation. For unit inputs,
 * |a·b| = cos(θ/2) with θ the angle between the rotations.
 * @param a Float32Array [N, 4] (or [1, 4]). @param b Float32Array [N, 4] (or [1, 4]).
 * @param out Float32Array [N], optional.
 * @returns Float32Array [N].
 */
export const [dot, dotAsync] = binaryOp('dot', 'a', 4, 'b', 4, 1, 'values');

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
