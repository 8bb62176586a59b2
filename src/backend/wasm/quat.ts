// sk.quat on the wasm backend: the adapter table over wasm/assembly/quat.ts drivers, mirroring
// native/napi/quat.cc parser for parser (same argument names, checks, order and sentences).
import { LIMITS, type QuatKernels, type SmallCalls, type SmallQuatOp } from '../kernels.js';
import type { Arr, WasmRuntime } from './runtime.js';

/**
 * Driver exports of wasm/assembly/quat.ts: addresses, broadcast flags (false = one item for all),
 * item count; each returns the first bad item or -1. All are element-wise (Call.each may split).
 */
interface QuatExports {
  quat_multiply_batch(a: number, ab: boolean, b: number, bb: boolean, o: number, n: number): number;
  quat_conjugate_batch(q: number, o: number, n: number): number;
  quat_invert_batch(q: number, o: number, n: number): number;
  quat_normalize_batch(q: number, o: number, n: number): number;
  quat_rotate_batch(q: number, qb: boolean, v: number, vb: boolean, o: number, n: number): number;
  quat_from_axis_angle_batch(axis: number, xb: boolean, angle: number, nb: boolean, o: number, n: number): number;
  quat_from_euler_batch(a: number, order: number, o: number, n: number): number;
  quat_to_matrix_batch(q: number, o: number, n: number): number;
  quat_from_matrix_batch(m: number, o: number, n: number): number;
  quat_slerp_batch(a: number, ab: boolean, b: number, bb: boolean, t: number, tb: boolean, o: number, n: number): number;
  quat_angle_batch(a: number, ab: boolean, b: number, bb: boolean, o: number, n: number): number;
  quat_random_batch(seed: number, first: number, o: number, n: number): number;
  quat_to_euler_batch(q: number, order: number, extrinsic: boolean, o: number, n: number): number;
  quat_to_rotvec_batch(q: number, o: number, n: number): number;
  quat_from_rotvec_batch(v: number, o: number, n: number): number;
  quat_dot_batch(a: number, ab: boolean, b: number, bb: boolean, o: number, n: number): number;
  /** After a failing slerp/angle: 0 if `a` was bad at that index, 1 if `b`. */
  bad_input(): number;
}
type Unary = 'quat_conjugate_batch' | 'quat_invert_batch' | 'quat_normalize_batch' | 'quat_to_matrix_batch';

const EULER_ORDERS = LIMITS.eulerOrders;

function zeroLength(name: string, i: number): string {
  return `\`${name}[${i}]\` has zero, non-finite or out-of-range length (|q|² outside [2^-126, 2^126])`;
}
function rotvecNotFinite(i: number): string {
  return `\`v[${i}]\` has a non-finite length (|v|² NaN or above 3.4e38)`;
}
/** Index of item i in a possibly broadcast argument. */
const at = (a: Arr, i: number) => (a.batched ? i : 0);

/** The small-call ops (src/backend/small.ts) on the runtime's arena, as native/napi/quat.cc's. */
export function quatSmall(rt: WasmRuntime): SmallCalls['quat'] {
  // Each driver read once: the exports object is frozen and slow to load from (a LoadIC per call).
  const w = rt.exports as unknown as QuatExports;
  const X = rt.smallX, Y = rt.smallY, O = rt.smallOut;
  const unary = (driver: (q: number, o: number, n: number) => number) => (n: number): void => {
    const first = driver(X, O, rt.smallN(n));
    if (first >= 0) throw new RangeError(zeroLength('q', first));
  };
  const multiply = w.quat_multiply_batch, fromMatrix = w.quat_from_matrix_batch;
  const rotate = w.quat_rotate_batch, angle = w.quat_angle_batch;
  return {
    multiply(n) { multiply(X, true, Y, true, O, rt.smallN(n)); },
    conjugate: unary(w.quat_conjugate_batch),
    invert: unary(w.quat_invert_batch),
    normalize: unary(w.quat_normalize_batch),
    toMatrix: unary(w.quat_to_matrix_batch),
    fromMatrix(n) { fromMatrix(X, O, rt.smallN(n)); },
    rotate(n) {
      const first = rotate(X, true, Y, true, O, rt.smallN(n));
      if (first >= 0) throw new RangeError(zeroLength('q', first));
    },
    angle(n) {
      const first = angle(X, true, Y, true, O, rt.smallN(n));
      if (first >= 0) throw new RangeError(w.bad_input() === 0 ? zeroLength('a', first) : zeroLength('b', first));
    },
  };
}

export function quatKernels(rt: WasmRuntime): QuatKernels {
  const w = rt.exports as unknown as QuatExports;

  // (q [N, 4], out [N, 4] or [N, 9]) for the unary ops.
  const unary = (driver: Unary, op: SmallQuatOp, outItem: number) => (q: Float32Array, out: Float32Array): void => {
    if (rt.runSmall(op, q, 4, undefined, 0, out, outItem)) return;
    const c = rt.call([q, out]);
    const Q = c.array(0, 'q', 4), O = c.array(1, 'out', outItem, true);
    c.expectCount(O, Q.count, outItem === 9 ? 'matrices' : 'quaternions');
    c.each(Q.count, (k) => w[driver](Q.ptr, O.ptr, k), (i) => zeroLength('q', i));
  };

  return {
    // (a [N|1, 4], b [N|1, 4], out [N, 4])
    multiply(a, b, out) {
      if (rt.runSmall('multiply', a, 4, b, 4, out, 4)) return;
      const c = rt.call([a, b, out]);
      const A = c.array(0, 'a', 4), B = c.array(1, 'b', 4), O = c.array(2, 'out', 4, true);
      const n = c.batch(A, B);
      c.expectCount(O, n, 'quaternions');
      c.each(n, (k) => w.quat_multiply_batch(A.ptr, A.batched, B.ptr, B.batched, O.ptr, k));
    },

    conjugate: unary('quat_conjugate_batch', 'conjugate', 4),
    invert: unary('quat_invert_batch', 'invert', 4),
    normalize: unary('quat_normalize_batch', 'normalize', 4),
    toMatrix: unary('quat_to_matrix_batch', 'toMatrix', 9),

    // (m [N, 9], out [N, 4])
    fromMatrix(m, out) {
      if (rt.runSmall('fromMatrix', m, 9, undefined, 0, out, 4)) return;
      const c = rt.call([m, out]);
      const M = c.array(0, 'm', 9), O = c.array(1, 'out', 4, true);
      c.expectCount(O, M.count, 'quaternions');
      c.each(M.count, (k) => w.quat_from_matrix_batch(M.ptr, O.ptr, k));
    },

    // (q [N|1, 4], v [N|1, 3], out [N, 3])
    rotate(q, v, out) {
      if (rt.runSmall('rotate', q, 4, v, 3, out, 3)) return;
      const c = rt.call([q, v, out]);
      const Q = c.array(0, 'q', 4), V = c.array(1, 'v', 3), O = c.array(2, 'out', 3, true);
      const n = c.batch(Q, V);
      c.expectCount(O, n, 'vectors');
      c.each(n, (k) => w.quat_rotate_batch(Q.ptr, Q.batched, V.ptr, V.batched, O.ptr, k), (i) => zeroLength('q', at(Q, i)));
    },

    // (axis [N|1, 3], angle [N|1], out [N, 4])
    fromAxisAngle(axis, angle, out) {
      const c = rt.call([axis, angle, out]);
      const X = c.array(0, 'axis', 3), N = c.array(1, 'angle', 1), O = c.array(2, 'out', 4, true);
      const n = c.batch(X, N);
      c.expectCount(O, n, 'quaternions');
      c.each(n, (k) => w.quat_from_axis_angle_batch(X.ptr, X.batched, N.ptr, N.batched, O.ptr, k),
        (i) => zeroLength('axis', at(X, i)));
    },

    // (angles [N, 3], order, out [N, 4])
    fromEuler(angles, order, out) {
      const c = rt.call([angles, order, out]);
      const A = c.array(0, 'angles', 3);
      const k = c.choice(1, 'order', EULER_ORDERS);
      const O = c.array(2, 'out', 4, true);
      c.expectCount(O, A.count, 'quaternions');
      c.each(A.count, (m) => w.quat_from_euler_batch(A.ptr, k, O.ptr, m));
    },

    // (a [N|1, 4], b [N|1, 4], t [N|1], out [N, 4])
    slerp(a, b, t, out) {
      const c = rt.call([a, b, t, out]);
      const A = c.array(0, 'a', 4), B = c.array(1, 'b', 4), T = c.array(2, 't', 1);
      const O = c.array(3, 'out', 4, true);
      const n = c.batch(A, B, T);
      c.expectCount(O, n, 'quaternions');
      c.each(n, (k) => w.quat_slerp_batch(A.ptr, A.batched, B.ptr, B.batched, T.ptr, T.batched, O.ptr, k),
        (i) => (w.bad_input() === 0 ? zeroLength('a', at(A, i)) : zeroLength('b', at(B, i))));
    },

    // (a [N|1, 4], b [N|1, 4], out [N])
    angle(a, b, out) {
      if (rt.runSmall('angle', a, 4, b, 4, out, 1)) return;
      const c = rt.call([a, b, out]);
      const A = c.array(0, 'a', 4), B = c.array(1, 'b', 4), O = c.array(2, 'out', 1, true);
      const n = c.batch(A, B);
      c.expectCount(O, n, 'angles');
      c.each(n, (k) => w.quat_angle_batch(A.ptr, A.batched, B.ptr, B.batched, O.ptr, k),
        (i) => (w.bad_input() === 0 ? zeroLength('a', at(A, i)) : zeroLength('b', at(B, i))));
    },

    // (seed, out [N, 4])
    random(seed, out) {
      const c = rt.call([seed, out]);
      const s = c.uint32(0, 'seed');
      const O = c.array(1, 'out', 4, true);
      if (O.count > LIMITS.maxCount) c.rangeError('Expected at most 2^32 − 1 quaternions for `out`');
      c.each(O.count, (k, start) => w.quat_random_batch(s, start, O.ptr, k));
    },

    // ───── Parity with scipy's Rotation ─────

    // (q [N, 4], order, extrinsic, out [N, 3])
    toEuler(q, order, extrinsic, out) {
      const c = rt.call([q, order, extrinsic, out]);
      const Q = c.array(0, 'q', 4);
      const k = c.choice(1, 'order', EULER_ORDERS);
      const ex = c.boolean(2, 'extrinsic');
      const O = c.array(3, 'out', 3, true);
      c.expectCount(O, Q.count, 'angle triples');
      c.each(Q.count, (m) => w.quat_to_euler_batch(Q.ptr, k, ex, O.ptr, m), (i) => zeroLength('q', i));
    },

    // (q [N, 4], out [N, 3])
    toRotvec(q, out) {
      const c = rt.call([q, out]);
      const Q = c.array(0, 'q', 4), O = c.array(1, 'out', 3, true);
      c.expectCount(O, Q.count, 'vectors');
      c.each(Q.count, (m) => w.quat_to_rotvec_batch(Q.ptr, O.ptr, m), (i) => zeroLength('q', i));
    },

    // (v [N, 3], out [N, 4])
    fromRotvec(v, out) {
      const c = rt.call([v, out]);
      const V = c.array(0, 'v', 3), O = c.array(1, 'out', 4, true);
      c.expectCount(O, V.count, 'quaternions');
      c.each(V.count, (m) => w.quat_from_rotvec_batch(V.ptr, O.ptr, m), rotvecNotFinite);
    },

    // (a [N|1, 4], b [N|1, 4], out [N])
    dot(a, b, out) {
      const c = rt.call([a, b, out]);
      const A = c.array(0, 'a', 4), B = c.array(1, 'b', 4), O = c.array(2, 'out', 1, true);
      const n = c.batch(A, B);
      c.expectCount(O, n, 'values');
      c.each(n, (k) => w.quat_dot_batch(A.ptr, A.batched, B.ptr, B.batched, O.ptr, k));
    },
  };
}
