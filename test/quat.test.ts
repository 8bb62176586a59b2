// sk.quat on every backend against float64 oracles written here (not the code under test).
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as sk from 'spatialkit';
import { eachBackend, expectClose, rng, SEED, uniform, worst } from './helpers.js';

// ---------- float64 oracle ----------
type Q = [number, number, number, number];
const at = (a: ArrayLike<number>, i: number, k: number): number[] => Array.from({ length: k }, (_, j) => a[i * k + j]);
const mul = ([ax, ay, az, aw]: number[], [bx, by, bz, bw]: number[]): Q => [
  aw * bx + ax * bw + ay * bz - az * by,
  aw * by - ax * bz + ay * bw + az * bx,
  aw * bz + ax * by - ay * bx + az * bw,
  aw * bw - ax * bx - ay * by - az * bz,
];
const norm = (q: number[]): number => Math.hypot(...q);
const unit = (q: number[]): number[] => { const n = norm(q); return q.map((x) => x / n); };
const conj = ([x, y, z, w]: number[]): Q => [-x, -y, -z, w];
// v' = q v q* with q normalised — a different formula from the kernel's cross-product form.
const rot = (q: number[], v: number[]): number[] => { const u = unit(q); return mul(mul(u, [...v, 0]), conj(u)).slice(0, 3); };
const mat = (q: number[]): number[] => {
  // Columns are the rotated basis vectors (independent of the kernel's closed form).
  const c = [rot(q, [1, 0, 0]), rot(q, [0, 1, 0]), rot(q, [0, 0, 1])];
  return [0, 1, 2].flatMap((r) => [c[0][r], c[1][r], c[2][r]]);
};
const canon = (q: number[]): number[] => (q[3] < 0 ? q.map((x) => -x) : q);
const angleOf = (a: number[], b: number[]): number => { const r = mul(conj(a), b); return 2 * Math.atan2(Math.hypot(r[0], r[1], r[2]), Math.abs(r[3])); };
const axisAngle = (axis: number[], ang: number): Q => { const n = norm(axis), s = Math.sin(ang / 2); return [axis[0] * s / n, axis[1] * s / n, axis[2] * s / n, Math.cos(ang / 2)]; };
const euler = (a: number[], order: string): number[] => {
  const axes = [...order].map((c) => 'xyz'.indexOf(c));
  return axes.reduce<number[]>((q, ax) => { const e = [0, 0, 0, 0]; e[ax] = 1; return mul(q, axisAngle(e.slice(0, 3), a[ax])); }, [0, 0, 0, 1]);
};
// Slerp as a ⊗ (ā ⊗ b)^t through the axis–angle of the relative rotation (not the sine-weight form).
const slerp = (a0: number[], b0: number[], t: number): number[] => {
  const a = unit(a0);
  let b = unit(b0);
  if (a.reduce((s, x, i) => s + x * b[i], 0) < 0) b = b.map((x) => -x);
  const r = mul(conj(a), b), v = Math.hypot(r[0], r[1], r[2]);
  if (v === 0) return a;
  const phi = 2 * Math.atan2(v, r[3]);
  const s = Math.sin((t * phi) / 2) / v;
  return mul(a, [r[0] * s, r[1] * s, r[2] * s, Math.cos((t * phi) / 2)]);
};
// The documented random stream: lowbias32 over (seed, i, k), 24-bit uniforms, Shoemake in float64.
const hash32 = (x: number): number => {
  x = (x ^ (x >>> 16)) >>> 0; x = Math.imul(x, 0x7feb352d) >>> 0; x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0; return (x ^ (x >>> 16)) >>> 0;
};
const u01 = (seed: number, i: number, k: number): number => (hash32((hash32((hash32(seed) ^ i) >>> 0) + Math.imul(k, 0x9e3779b9)) >>> 0) >>> 8) / 2 ** 24;
const randomQ = (seed: number, i: number): number[] => {
  const u1 = u01(seed, i, 0), u2 = u01(seed, i, 1), u3 = u01(seed, i, 2);
  const r1 = Math.sqrt(1 - u1), r2 = Math.sqrt(u1);
  return [r1 * Math.sin(2 * Math.PI * u2), r1 * Math.cos(2 * Math.PI * u2), r2 * Math.sin(2 * Math.PI * u3), r2 * Math.cos(2 * Math.PI * u3)];
};

const flat = (rows: number[][]): Float32Array => Float32Array.from(rows.flat());
const map = (n: number, f: (i: number) => number[]): Float64Array => Float64Array.from(Array.from({ length: n }, (_, i) => f(i)).flat());
const randQ = (r: () => number, n: number): Float32Array => uniform(r, 4 * n);

const SIZES = [0, 1, 3, 7, 17, 1001, 100_003]; // odd, not SIMD multiples, and one above the thread split
const ORDERS = sk.quat.EULER_ORDERS;

eachBackend('quat', (backend) => {
  beforeAll(() => { sk.setBackend(backend); });
  const r = rng(SEED);

  describe(`against the float64 oracle (seed ${SEED})`, () => {
    it.each(SIZES)('multiply, conjugate, invert, normalize: N = %i', (n) => {
      const a = randQ(r, n), b = randQ(r, n);
      expect(sk.getBackend()).toBe(backend);
      // float32 rounding of a 4-term sum of products of values ≤ 1: a few ulps of 1.
      expectClose(sk.quat.multiply(a, b), map(n, (i) => mul(at(a, i, 4), at(b, i, 4))), 1e-6);
      expectClose(sk.quat.conjugate(a), map(n, (i) => conj(at(a, i, 4))), 0);
      expectClose(sk.quat.normalize(a), map(n, (i) => unit(at(a, i, 4))), 0, 1e-6);
      expectClose(sk.quat.invert(a), map(n, (i) => { const q = at(a, i, 4), n2 = norm(q) ** 2; return conj(q).map((x) => x / n2); }), 0, 2e-6);
    });

    it('multiply of batches larger than the caches (streamed stores), aligned and misaligned out', () => {
      // 2^22 items = 64 MiB out: every thread's chunk passes the 4 MiB streaming threshold.
      const n = 1 << 22, a = randQ(r, n), b = randQ(r, n);
      const want = map(n, (i) => mul(at(a, i, 4), at(b, i, 4)));
      expectClose(sk.quat.multiply(a, b), want, 1e-6);
      const shifted = new Float32Array(4 * n + 1).subarray(1); // 4-byte aligned only
      expectClose(sk.quat.multiply(a, b, shifted), want, 1e-6);
    });

    it.each(SIZES)('rotate, toMatrix, fromMatrix: N = %i', (n) => {
      const q = randQ(r, n), v = uniform(r, 3 * n, -10, 10);
      expectClose(sk.quat.rotate(q, v), map(n, (i) => rot(at(q, i, 4), at(v, i, 3))), 1e-5 * 3);
      const m = sk.quat.toMatrix(q);
      expectClose(m, map(n, (i) => mat(at(q, i, 4))), 1e-6);
      // The oracle for fromMatrix is the quaternion the matrix was made from, up to sign.
      const m64 = map(n, (i) => mat(at(q, i, 4)));
      expectClose(sk.quat.fromMatrix(Float32Array.from(m64)), map(n, (i) => canon(unit(at(q, i, 4)))), 2e-6);
    });

    it.each(SIZES)('fromAxisAngle, fromEuler (all orders): N = %i', (n) => {
      const axis = uniform(r, 3 * n), ang = uniform(r, n, -10, 10), e = uniform(r, 3 * n, -Math.PI, Math.PI);
      // sin/cos of |x| ≤ 5: the argument's own float32 rounding dominates (≈ 5·2^-24).
      expectClose(sk.quat.fromAxisAngle(axis, ang), map(n, (i) => axisAngle(at(axis, i, 3), ang[i])), 1e-6);
      for (const o of ORDERS) expectClose(sk.quat.fromEuler(e, o), map(n, (i) => euler(at(e, i, 3), o)), 1e-6);
    });

    it.each(SIZES)('slerp (scalar and per-item t), angle: N = %i', (n) => {
      const a = randQ(r, n), b = randQ(r, n), t = uniform(r, n, -0.25, 1.25);
      expectClose(sk.quat.slerp(a, b, t), map(n, (i) => slerp(at(a, i, 4), at(b, i, 4), t[i])), 3e-6);
      expectClose(sk.quat.slerp(a, b, 0.3), map(n, (i) => slerp(at(a, i, 4), at(b, i, 4), Math.fround(0.3))), 3e-6);
      expectClose(sk.quat.angle(a, b), map(n, (i) => [angleOf(at(a, i, 4), at(b, i, 4))]), 2e-6, 1e-6);
    });

    it.each(SIZES)('random(n, seed) follows the documented stream: N = %i', (n) => {
      const seed = (SEED * 7 + n) >>> 0;
      expectClose(sk.quat.random(n, seed), map(n, (i) => randomQ(seed, i)), 1e-6);
    });
  });

  describe('edge cases', () => {
    it('identity, q vs −q, and 180° rotations', () => {
      const id = Float32Array.of(0, 0, 0, 1);
      const q = sk.quat.normalize(Float32Array.of(0.1, -0.7, 0.3, 0.5));
      const nq = q.map((x) => -x);
      expectClose(sk.quat.multiply(id, q), q, 0);
      expect(sk.quat.angle(q, nq)[0]).toBe(0);
      expectClose(sk.quat.toMatrix(nq), sk.quat.toMatrix(q), 1e-7);
      expectClose(sk.quat.rotate(nq, Float32Array.of(1, 2, 3)), sk.quat.rotate(q, Float32Array.of(1, 2, 3)), 1e-6);
      const half = flat([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [Math.SQRT1_2, Math.SQRT1_2, 0, 0]]);
      expectClose(sk.quat.angle(id, half), [Math.PI, Math.PI, Math.PI, Math.PI], 1e-6);
      expectClose(sk.quat.rotate(half.subarray(0, 4), Float32Array.of(0, 1, 0)), [0, -1, 0], 1e-7);
      // fromMatrix at exactly 180° about each axis and about a diagonal: w = 0, vector part ±axis.
      const m = sk.quat.toMatrix(half);
      const back = sk.quat.fromMatrix(m);
      for (let i = 0; i < 4; i++) expect(Math.abs(sk.quat.angle(back.subarray(4 * i, 4 * i + 4), half.subarray(4 * i, 4 * i + 4))[0])).toBeLessThan(1e-6);
    });

    it('matrices with trace ≤ −0.99 (near 180°) round-trip to ±q', () => {
      const rows: number[][] = [];
      const rr = rng(SEED + 1);
      for (let i = 0; i < 500; i++) {
        const ax = [rr() - 0.5, rr() - 0.5, rr() - 0.5];
        rows.push(axisAngle(ax, Math.PI - 0.1 * rr()));
      }
      const q = flat(rows);
      const m = Float32Array.from(map(rows.length, (i) => mat(rows[i])));
      for (let i = 0; i < rows.length; i++) expect(m[9 * i] + m[9 * i + 4] + m[9 * i + 8]).toBeLessThanOrEqual(-0.99 + 1e-6);
      const back = sk.quat.fromMatrix(m);
      expectClose(back, map(rows.length, (i) => canon(unit(at(q, i, 4)))), 2e-6);
      for (let i = 0; i < rows.length; i++) expect(back[4 * i + 3]).toBeGreaterThanOrEqual(0);
    });

    it('tiny angles: angle() is accurate at 1e-7 rad', () => {
      const base = sk.quat.normalize(Float32Array.of(0.3, -0.2, 0.6, 0.7));
      const tiny = [1e-7, 3e-7, 1e-6, 1e-5];
      const a = flat(tiny.map(() => Array.from(base)));
      // b = base ⊗ exp(θ/2 · axis), rounded to float32; the oracle takes the float32 inputs as given.
      const b = flat(tiny.map((th) => mul(Array.from(base), axisAngle([0.48, 0.6, 0.64], th))));
      const got = sk.quat.angle(a, b);
      const want = tiny.map((_, i) => angleOf(at(a, i, 4), at(b, i, 4)));
      expectClose(got, want, 1e-12, 1e-5);
      expect(sk.quat.angle(base, base)[0]).toBe(0);
    });

    it('near-parallel slerp stays on the arc and hits the endpoints', () => {
      const a = sk.quat.normalize(Float32Array.of(0.1, 0.2, 0.3, 0.9));
      const b = Float32Array.from(mul(Array.from(a), axisAngle([0, 0, 1], 2e-6)));
      for (const t of [0, 0.25, 0.5, 1]) {
        const s = sk.quat.slerp(a, b, t);
        // Components near 0.92: 4 float32 ulps (6e-8 each) of rounding in the weighted sum.
        expectClose(s, slerp(Array.from(a), Array.from(b), Math.fround(t)), 3e-7);
      }
      expectClose(sk.quat.slerp(a, a, 0.5), a, 3e-7);
      // Shortest path: b and −b give the same result.
      const c = sk.quat.normalize(Float32Array.of(0.5, -0.5, 0.5, 0.1));
      expectClose(sk.quat.slerp(a, c, 0.4), sk.quat.slerp(a, c.map((x) => -x), 0.4), 1e-6);
    });

    it('gimbal-lock Euler angles (middle angle ±π/2)', () => {
      const rows: number[][] = [];
      for (const s of [1, -1]) for (const x of [-2, 0, 0.7]) for (const z of [-1, 0.3]) rows.push([x, s * Math.PI / 2, z]);
      const e = flat(rows);
      for (const o of ORDERS) expectClose(sk.quat.fromEuler(e, o), map(rows.length, (i) => euler(at(e, i, 3), o)), 1e-6);
    });

    it('broadcasts a single item against a batch, and 1 × 0 gives empty', () => {
      const q = randQ(r, 1), v = uniform(r, 3 * 50, -2, 2), b = randQ(r, 50);
      expectClose(sk.quat.rotate(q, v), map(50, (i) => rot(at(q, 0, 4), at(v, i, 3))), 1e-5);
      expectClose(sk.quat.multiply(b, q), map(50, (i) => mul(at(b, i, 4), at(q, 0, 4))), 1e-6);
      expectClose(sk.quat.slerp(q, b, Float32Array.of(0.5)), map(50, (i) => slerp(at(q, 0, 4), at(b, i, 4), 0.5)), 3e-6);
      expect(sk.quat.multiply(q, new Float32Array(0)).length).toBe(0);
      expect(sk.quat.rotate(q, new Float32Array(0)).length).toBe(0);
    });

    it('out may alias an input; inputs are left unchanged otherwise', () => {
      const a = randQ(r, 33), b = randQ(r, 33);
      const a0 = a.slice(), b0 = b.slice();
      const want = sk.quat.multiply(a, b);
      expect(a).toEqual(a0);
      expect(b).toEqual(b0);
      const o = new Float32Array(4 * 33);
      expect(sk.quat.multiply(a, b, o)).toBe(o);
      expect(o).toEqual(want);
      sk.quat.multiply(a, b, a);
      expect(a).toEqual(want);
      // A shifted overlap (out starts one quaternion into the input) is still correct.
      const buf = new Float32Array(4 * 34);
      buf.set(b0, 0);
      const shifted = sk.quat.normalize(buf.subarray(0, 4 * 33), buf.subarray(4, 4 * 34));
      expectClose(shifted, map(33, (i) => unit(at(b0, i, 4))), 0, 1e-6);
    });

    it('SharedArrayBuffer-backed arrays and views at odd offsets work, in and out', async () => {
      const n = 41, src = randQ(r, n);
      const shared = new Float32Array(new SharedArrayBuffer(4 * (4 * n + 1)));
      const view = shared.subarray(1, 1 + 4 * n); // byte offset 4: not 16-byte aligned
      view.set(src);
      const want = map(n, (i) => unit(at(src, i, 4)));
      expectClose(sk.quat.normalize(view), want, 0, 1e-6);
      const out = new Float32Array(new SharedArrayBuffer(16 * n));
      expectClose(await sk.quat.normalizeAsync(view, out), want, 0, 1e-6);
      sk.quat.normalize(view, view);
      expectClose(view, want, 0, 1e-6);
    });
  });

  describe('properties (fast-check)', () => {
    const qArb = fc.tuple(fc.float({ min: -1, max: 1, noNaN: true }), fc.float({ min: -1, max: 1, noNaN: true }),
      fc.float({ min: -1, max: 1, noNaN: true }), fc.float({ min: -1, max: 1, noNaN: true }))
      .filter((q) => Math.hypot(...q) > 0.1).map((q) => Float32Array.from(q));
    const vArb = fc.tuple(fc.float({ min: -100, max: 100, noNaN: true }), fc.float({ min: -100, max: 100, noNaN: true }),
      fc.float({ min: -100, max: 100, noNaN: true })).map((v) => Float32Array.from(v));

    it('rotate(q1 ⊗ q2, v) = rotate(q1, rotate(q2, v))', () => {
      fc.assert(fc.property(qArb, qArb, vArb, (q1, q2, v) => {
        const lhs = sk.quat.rotate(sk.quat.multiply(q1, q2), v), rhs = sk.quat.rotate(q1, sk.quat.rotate(q2, v));
        return worst(lhs, rhs, 1e-4 * (1 + Math.hypot(...v))).ratio <= 1;
      }), { seed: SEED, numRuns: 300 });
    });
    it('fromMatrix(toMatrix(q)) = ±q/|q|', () => {
      fc.assert(fc.property(qArb, (q) => {
        // ±: at w = 0 (180°) both signs satisfy w ≥ 0.
        const back = sk.quat.fromMatrix(sk.quat.toMatrix(q)), u = unit(Array.from(q));
        return Math.min(worst(back, u, 2e-6).ratio, worst(back, u.map((x) => -x), 2e-6).ratio) <= 1;
      }), { seed: SEED, numRuns: 300 });
    });
    it('|rotate(q, v)| = |v|', () => {
      fc.assert(fc.property(qArb, vArb, (q, v) => Math.abs(Math.hypot(...sk.quat.rotate(q, v)) - Math.hypot(...v)) <= 1e-5 * (1 + Math.hypot(...v))),
        { seed: SEED, numRuns: 300 });
    });
    it('angle(a, b) = angle(b, a), in [0, π]', () => {
      fc.assert(fc.property(qArb, qArb, (a, b) => {
        const x = sk.quat.angle(a, b)[0], y = sk.quat.angle(b, a)[0];
        return Math.abs(x - y) <= 1e-6 && x >= 0 && x <= Math.PI + 1e-6;
      }), { seed: SEED, numRuns: 300 });
    });
    it('random() is uniform on SO(3): rotation angles follow (θ − sin θ)/π (KS test)', () => {
      // Haar measure on SO(3): P(angle ≤ θ) = (θ − sin θ)/π. With n = 2e5 the KS statistic of a
      // correct sampler exceeds 1.95/√n with probability < 0.1%; float32 rounding is far below.
      const n = 200_000;
      const q = sk.quat.random(n, SEED >>> 0);
      const ang = Float64Array.from({ length: n }, (_, i) => 2 * Math.acos(Math.min(1, Math.abs(q[4 * i + 3])))).sort();
      let d = 0;
      for (let i = 0; i < n; i++) {
        const F = (ang[i] - Math.sin(ang[i])) / Math.PI;
        d = Math.max(d, Math.abs(F - i / n), Math.abs(F - (i + 1) / n));
      }
      expect(d).toBeLessThan(1.95 / Math.sqrt(n));
      // And the axis is isotropic: each component of the vector part has mean ≈ 0 (|mean| < 5σ).
      for (let k = 0; k < 3; k++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += q[4 * i + k];
        expect(Math.abs(s / n)).toBeLessThan(5 * 0.5 / Math.sqrt(n));
      }
    });
  });

  describe('async twins', () => {
    it('give the same results as the sync calls, large batches included', async () => {
      const n = 200_003, a = randQ(r, n), b = randQ(r, n), v = uniform(r, 3 * n);
      expect(await sk.quat.multiplyAsync(a, b)).toEqual(sk.quat.multiply(a, b));
      expect(await sk.quat.rotateAsync(a, v)).toEqual(sk.quat.rotate(a, v));
      expect(await sk.quat.slerpAsync(a, b, 0.25)).toEqual(sk.quat.slerp(a, b, 0.25));
      expect(await sk.quat.randomAsync(1000, 5)).toEqual(sk.quat.random(1000, 5));
      const all = await Promise.all([1, 2, 3, 4].map((s) => sk.quat.randomAsync(50_000, s)));
      all.forEach((x, i) => expect(x).toEqual(sk.quat.random(50_000, i + 1)));
    });
    it('reject with the same errors, keeping the caller in the stack', async () => {
      const err = await sk.quat.normalizeAsync(new Float32Array(8)).catch((e: Error) => e);
      expect(err).toBeInstanceOf(RangeError);
      expect((err as Error).message).toMatch(/`q\[0\]` has zero/);
      expect((err as Error).stack).toMatch(/quat\.test\.ts/);
    });
  });

  describe('bad input: TypeError/RangeError naming the argument', () => {
    const q4 = Float32Array.of(0, 0, 0, 1);
    it('wrong array types and non-arrays', () => {
      expect(() => sk.quat.multiply(new Float64Array(4) as never, q4)).toThrow(new TypeError('Expected Float32Array of length 4·N for `a` but received Float64Array(4)'));
      expect(() => sk.quat.rotate(q4, [1, 2, 3] as never)).toThrow(/for `v` but received Array\(3\)/);
      expect(() => sk.quat.normalize(null as never)).toThrow(TypeError);
      expect(() => sk.quat.fromEuler(new Float32Array(3), 'abc' as never)).toThrow(new RangeError("Expected one of 'xyz', 'xzy', 'yxz', 'yzx', 'zxy', 'zyx' for `order` but received 'abc'"));
      expect(() => sk.quat.toMatrix(q4, new Float32Array(4))).toThrow(new RangeError('Expected Float32Array of length 9·N for `out` but received Float32Array(4)'));
    });
    it('lengths not a multiple of the item size, mismatched batches, wrong out size', () => {
      expect(() => sk.quat.conjugate(new Float32Array(7))).toThrow(new RangeError('Expected Float32Array of length 4·N for `q` but received Float32Array(7)'));
      expect(() => sk.quat.rotate(q4, new Float32Array(4))).toThrow(/length 3·N for `v`/);
      expect(() => sk.quat.multiply(new Float32Array(20), new Float32Array(12))).toThrow(new RangeError('Expected `b` to hold 1 or 5 items (the batch size of `a`) but received 3'));
      expect(() => sk.quat.multiply(q4, q4, new Float32Array(8))).toThrow(new RangeError('Expected `out` to hold 1 quaternions but received 2'));
      expect(() => sk.quat.slerp(new Float32Array(8), new Float32Array(8), new Float32Array(3))).toThrow(/`t` to hold 1 or 2 items/);
    });
    it('non-finite scalars, bad n and seeds', () => {
      expect(() => sk.quat.slerp(q4, q4, NaN)).toThrow(new RangeError('Expected a finite number for `t` but received the number NaN'));
      expect(() => sk.quat.fromAxisAngle(Float32Array.of(1, 0, 0), Infinity)).toThrow(/finite number for `angle`/);
      expect(() => sk.quat.random(-1, 0)).toThrow(RangeError);
      expect(() => sk.quat.random(2.5, 0)).toThrow(/`n`/);
      expect(() => sk.quat.random(3, 2 ** 32)).toThrow(/`seed`/);
      expect(() => sk.quat.random(3, -1)).toThrow(/`seed`/);
      expect(() => sk.quat.random('3' as never, 0)).toThrow(TypeError);
    });
    it('zero-length or NaN quaternions where a rotation is needed name the index', () => {
      const q = Float32Array.of(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1);
      expect(() => sk.quat.normalize(q)).toThrow(new RangeError('`q[1]` has zero, non-finite or out-of-range length (|q|² outside [2^-126, 2^126])'));
      expect(() => sk.quat.invert(q)).toThrow(/`q\[1\]`/);
      expect(() => sk.quat.toMatrix(q)).toThrow(/`q\[1\]`/);
      expect(() => sk.quat.rotate(q, Float32Array.of(1, 0, 0))).toThrow(/`q\[1\]`/);
      expect(() => sk.quat.angle(Float32Array.of(0, 0, 0, 1), q)).toThrow(/`b\[1\]`/);
      expect(() => sk.quat.slerp(q, Float32Array.of(0, 0, 0, 1), 0.5)).toThrow(/`a\[1\]`/);
      expect(() => sk.quat.normalize(Float32Array.of(NaN, 0, 0, 1))).toThrow(/`q\[0\]`/);
      expect(() => sk.quat.fromAxisAngle(new Float32Array(3), 1)).toThrow(/`axis\[0\]`/);
      // |q| below ~1e-19 or above ~1e19 is out of range (1/|q|² would leave the normal floats).
      expect(() => sk.quat.normalize(Float32Array.of(1e-20, 0, 0, 0))).toThrow(/`q\[0\]`/);
      expect(() => sk.quat.invert(Float32Array.of(0, 0, 0, 1e20))).toThrow(/`q\[0\]`/);
      expect(sk.quat.normalize(Float32Array.of(1e-18, 0, 0, 0))).toEqual(Float32Array.of(1, 0, 0, 0));
      // In place, the first bad item is still the one reported (valid outputs re-check as valid).
      const big = Float32Array.from({ length: 4 * 70_000 }, (_, i) => (i % 4 === 3 ? 2 : 0.5));
      big.fill(0, 4 * 65_537, 4 * 65_538);
      expect(() => sk.quat.invert(big, big)).toThrow(/`q\[65537\]`/);
    });
    it('allocating small calls return a fresh array each, which later calls leave alone', () => {
      // n ≤ 16 floats of output run through a scratch array that is copied out (src/call.ts):
      // a result must never be that scratch, nor share memory with another result.
      const a = randQ(r, 1), b = randQ(r, 1), c = randQ(r, 1), d = randQ(r, 4);
      const ab = sk.quat.multiply(a, b), cd = sk.quat.multiply(c, b);
      expect(ab).not.toBe(cd);
      expectClose(ab, mul(at(a, 0, 4), at(b, 0, 4)), 1e-6);
      expectClose(cd, mul(at(c, 0, 4), at(b, 0, 4)), 1e-6);
      const m1 = sk.quat.toMatrix(a), m2 = sk.quat.toMatrix(c);
      expectClose(m1, mat(at(a, 0, 4)), 1e-6);
      expectClose(m2, mat(at(c, 0, 4)), 1e-6);
      const ang = sk.quat.angle(d, d.map((x) => -x));  // 4 angles of 0 (q and −q)
      sk.quat.angle(d, sk.quat.conjugate(d));  // a later call with the same output length
      expect(Array.from(ang)).toEqual([0, 0, 0, 0]);
      for (const x of [ab, cd, m1, m2, ang]) expect(x.buffer.byteLength).toBe(x.byteLength);
      ab[0] = 42;
      expectClose(sk.quat.multiply(a, b), mul(at(a, 0, 4), at(b, 0, 4)), 1e-6);
    });
    it('detached buffers', () => {
      const a = new Float32Array(8);
      structuredClone(a.buffer, { transfer: [a.buffer] });
      expect(() => sk.quat.normalize(a)).toThrow(new TypeError('Expected Float32Array of length 4·N for `q` but received a detached Float32Array'));
      const o = new Float32Array(4);
      structuredClone(o.buffer, { transfer: [o.buffer] });
      expect(() => sk.quat.conjugate(q4, o)).toThrow(/`out` but received a detached/);
    });
  });
});

describe('the backend boundary checks again (calls that bypass the TypeScript layer)', () => {
  for (const b of sk.backends().filter((x) => x.available)) {
    it(`${b.backend}: wrong types, lengths, detached buffers and bad indices throw, never crash`, async () => {
      const { module } = await import('../src/backend/index.js');
      const k = module(b.backend)!.quat as unknown as Record<string, (...a: unknown[]) => unknown>;
      expect(() => k.multiply(new Float64Array(4), new Float32Array(4), new Float32Array(4))).toThrow(TypeError);
      expect(() => k.multiply(new Float32Array(4), new Float32Array(4), new Float32Array(8))).toThrow(RangeError);
      expect(() => k.multiply(new Float32Array(5), new Float32Array(4), new Float32Array(4))).toThrow(RangeError);
      expect(() => k.multiply(new Float32Array(8), new Float32Array(12), new Float32Array(8))).toThrow(RangeError);
      expect(() => k.multiply()).toThrow(TypeError);
      expect(() => k.rotate(new Float32Array(4), new Float32Array(3))).toThrow(TypeError);
      expect(() => k.fromEuler(new Float32Array(3), 'xxx', new Float32Array(4))).toThrow(RangeError);
      expect(() => k.random(-1, new Float32Array(4))).toThrow(RangeError);
      expect(() => k.random(1.5, new Float32Array(4))).toThrow(RangeError);
      expect(() => k.normalize(new Float32Array(4), new Float32Array(4))).toThrow(/`q\[0\]`/);
      const d = new Float32Array(4);
      structuredClone(d.buffer, { transfer: [d.buffer] });
      expect(() => k.normalize(d, new Float32Array(4))).toThrow(new TypeError('Expected Float32Array of length 4·N for `q` but received a detached Float32Array'));
      expect(() => k.normalize(new Float32Array(4), d)).toThrow(new TypeError('Expected Float32Array of length 4·N for `out` but received a detached Float32Array'));
      // An empty array that is not detached is a valid (empty) batch.
      expect(() => k.normalize(new Float32Array(0), new Float32Array(0))).not.toThrow();
    });
  }
});

describe('the small-call path (issue #17: plain arrays of 1…items items through the backend arena)', () => {
  // Element-wise ops: item i's result does not depend on the batch, so n items through the arena
  // must equal, bit for bit, the same items of a batch too large for it (the array path).
  const OPS: [string, number, number][] = [  // op, second input's item size (0: unary), input item size
    ['multiply', 4, 4], ['conjugate', 0, 4], ['invert', 0, 4], ['normalize', 0, 4], ['toMatrix', 0, 4],
    ['fromMatrix', 0, 9], ['rotate', 3, 4], ['angle', 4, 4],
  ];
  for (const b of sk.backends().filter((x) => x.available)) {
    it(`${b.backend}: every small op equals the array path bit for bit, n = 1…items, with and without out, in place`, async () => {
      const { module } = await import('../src/backend/index.js');
      const small = module(b.backend)!.small;
      if (!small) return;  // the CUDA addon has none
      sk.setBackend(b.backend);
      try {
        const r = rng(SEED + 17);
        const fn = sk.quat as unknown as Record<string, (...a: Float32Array[]) => Float32Array>;
        for (const [op, yItem, xItem] of OPS) {
          const big = small.items + 1;
          const x = uniform(r, xItem * big), y = uniform(r, Math.max(yItem, 1) * big);
          const ref = yItem ? fn[op](x, y) : fn[op](x);
          const outItem = ref.length / big;
          for (const n of [1, 2, 7, small.items]) {
            const xs = x.slice(0, xItem * n), ys = y.slice(0, yItem * n);
            const want = ref.subarray(0, outItem * n);
            expect(yItem ? fn[op](xs, ys) : fn[op](xs), `${op} n=${n}`).toEqual(want);
            const out = new Float32Array(outItem * n);
            expect(yItem ? fn[op](xs, ys, out) : fn[op](xs, out)).toBe(out);
            expect(out, `${op} n=${n} out`).toEqual(want);
            if (outItem === xItem) {  // in place: out is the first input
              const io = xs.slice();
              yItem ? fn[op](io, ys, io) : fn[op](io, io);
              expect(io, `${op} n=${n} in place`).toEqual(want);
            }
          }
        }
      } finally {
        sk.setBackend('auto');
      }
    });

    it(`${b.backend}: the small ops check n at the boundary, name the bad item, and their arena cannot be detached`, async () => {
      const { module } = await import('../src/backend/index.js');
      const small = module(b.backend)!.small;
      if (!small) return;
      const q = small.quat as unknown as Record<string, (...a: unknown[]) => void>;
      const want = (v: string) => `Expected an integer in [1, ${small.items}] for \`n\` but received ${v}`;
      expect(() => q.multiply(0)).toThrow(new RangeError(want('the number 0')));
      expect(() => q.multiply(small.items + 1)).toThrow(new RangeError(want(`the number ${small.items + 1}`)));
      expect(() => q.normalize(1.5)).toThrow(new RangeError(want('the number 1.5')));
      expect(() => q.angle(NaN)).toThrow(new RangeError(want('the number NaN')));
      expect(() => q.rotate('1')).toThrow(new TypeError(want('a string')));
      expect(() => q.toMatrix()).toThrow(new TypeError(want('undefined')));
      // A zero quaternion at item 2 of 3, in the array path's words.
      const f = small.arena;
      f.set([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0], small.x);
      f.set([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1], small.y);
      expect(() => q.normalize(3)).toThrow(new RangeError('`q[2]` has zero, non-finite or out-of-range length (|q|² outside [2^-126, 2^126])'));
      expect(() => q.angle(3)).toThrow(/^`a\[2\]` has zero/);
      expect(() => sk.quat.angle(Float32Array.of(0, 0, 0, 1, 0, 0, 0, 1), Float32Array.of(0, 0, 0, 1, 0, 0, 0, 0))).toThrow(/^`b\[1\]` has zero/);
      // The arena is a WebAssembly.Memory's buffer: a transfer copies it instead of detaching it
      // (V8: non-detachable), so native code may keep its address.
      const bytes = f.buffer.byteLength;
      try { structuredClone(f.buffer, { transfer: [f.buffer as ArrayBuffer] }); } catch { /* refusing is fine too */ }
      const { port1 } = new MessageChannel();
      try { port1.postMessage(f.buffer, [f.buffer as ArrayBuffer]); } catch { /* likewise */ }
      port1.close();
      expect(f.buffer.byteLength).toBe(bytes);
      expect(Array.from(sk.quat.multiply(Float32Array.of(0, 0, 0, 2), Float32Array.of(1, 2, 3, 4)))).toEqual([2, 4, 6, 8]);
    });
  }
});

describe('backends agree', () => {
  const avail = sk.backends().filter((b) => b.available).map((b) => b.backend);
  it(`random(n, seed) is bit-identical on ${avail.join(', ')}`, () => {
    const results = avail.map((name) => { sk.setBackend(name); return sk.quat.random(100_003, 1234); });
    sk.setBackend('auto');
    for (const x of results.slice(1)) expect(Buffer.from(x.buffer).equals(Buffer.from(results[0].buffer))).toBe(true);
  });
});

// ───── Parity with scipy's Rotation: toEuler, rotation vectors, dot, identity ─────
// Oracles: Euler angles read off the rotation matrix (mat(), columns = rotated basis vectors),
// not the kernel's half-angle method; rotation vectors from asin/acos of the unit quaternion.

/** Letters of the intrinsic product R = R_i·R_j·R_k that `order` means (extrinsic: reversed). */
const productAxes = (order: string, extrinsic: boolean): number[] => {
  const ax = [...order].map((c) => 'xyz'.indexOf(c));
  return extrinsic ? ax.reverse() : ax;
};
/** Euler angles by axis of q for R = R_i(a)·R_j(b)·R_k(c): sin b = e·R[i][k] (e = +1 for cyclic i, j, k). */
const eulerOf = (q: number[], order: string, extrinsic: boolean): { angles: number[]; cosMid: number } => {
  const m = mat(q), R = (r: number, c: number): number => m[3 * r + c];
  const [i, j, k] = productAxes(order, extrinsic);
  const e = (j - i + 3) % 3 === 1 ? 1 : -1;
  const angles = [0, 0, 0];
  angles[j] = Math.asin(Math.max(-1, Math.min(1, e * R(i, k))));
  angles[i] = Math.atan2(-e * R(j, k), R(k, k));
  angles[k] = Math.atan2(-e * R(i, j), R(i, i));
  return { angles, cosMid: Math.cos(angles[j]) };
};
/** q of Euler angles by axis under either reading (the fromEuler oracle, reversed when extrinsic). */
const eulerQ = (a: number[], order: string, extrinsic: boolean): number[] =>
  euler(a, productAxes(order, extrinsic).map((x) => 'xyz'[x]).join(''));
/** |a − b| as angles (mod 2π). */
const angDiff = (a: number, b: number): number => Math.abs(Math.atan2(Math.sin(a - b), Math.cos(a - b)));
/** Rotation vector of q: unit axis × angle, with the angle from asin (small) or acos (large) of canon(unit(q)). */
const rotvecOf = (q: number[]): number[] => {
  const u = canon(unit(q)), s = Math.hypot(u[0], u[1], u[2]);
  if (s === 0) return [0, 0, 0];
  const ang = s < 0.7 ? 2 * Math.asin(s) : 2 * Math.acos(u[3]);
  return [u[0] / s * ang, u[1] / s * ang, u[2] / s * ang];
};
const rotvecQ = (v: number[]): number[] => { const t = norm(v); return t === 0 ? [0, 0, 0, 1] : axisAngle(v, t); };

/**
 * Checks toEuler(q, order) against eulerOf: every result reconstructs q's rotation to 2e-6 rad
 * (the gimbal-lock bound included), and where |cos(middle)| ≥ 0.01 the angles match the matrix
 * oracle to (float32 noise) / |cos(middle)|; ranges [−π, π] and [−π/2, π/2].
 */
const checkEuler = (q: Float32Array, got: Float32Array, order: string, extrinsic: boolean): void => {
  const n = q.length / 4;
  const mid = productAxes(order, extrinsic)[1];
  let worstRot = 0, worstAng = 0, at_ = -1, outOfRange = 0;
  for (let i = 0; i < n; i++) {
    const qi = at(q, i, 4), g = at(got, i, 3);
    worstRot = Math.max(worstRot, angleOf(unit(qi), eulerQ(g, order, extrinsic)));
    if (!(Math.abs(g[mid]) <= Math.fround(Math.PI / 2)) || !g.every((x) => Math.abs(x) <= Math.fround(Math.PI))) outOfRange++;
    const want = eulerOf(qi, order, extrinsic);
    if (want.cosMid < 0.01) continue;
    const err = Math.max(...g.map((x, k) => angDiff(x, want.angles[k]))) * want.cosMid;
    if (err > worstAng) { worstAng = err; at_ = i; }
  }
  expect(outOfRange, `${order} extrinsic=${extrinsic}: items outside [−π, π] / [−π/2, π/2]`).toBe(0);
  expect(worstRot, `${order} extrinsic=${extrinsic}: rotation error`).toBeLessThanOrEqual(2e-6);
  expect(worstAng, `${order} extrinsic=${extrinsic}: angle error × cos(middle) at item ${at_}`).toBeLessThanOrEqual(2e-6);
};

eachBackend('quat parity with scipy Rotation', (backend) => {
  beforeAll(() => { sk.setBackend(backend); });
  const r = rng(SEED + 14);

  describe(`against the float64 oracle (seed ${SEED + 14})`, () => {
    // 20 003 (not SIZES' 100 003) keeps twelve float64 matrix oracles per item quick; it still splits over threads.
    it.each([0, 1, 3, 7, 17, 1001, 20_003])('toEuler, all orders, intrinsic and extrinsic: N = %i', (n) => {
      expect(sk.getBackend()).toBe(backend);
      const q = randQ(r, n);
      for (const o of ORDERS) for (const extrinsic of [false, true]) checkEuler(q, sk.quat.toEuler(q, o, { extrinsic }), o, extrinsic);
      for (const o of ORDERS) expect(sk.quat.toEuler(q, o)).toEqual(sk.quat.toEuler(q, o, { extrinsic: false }));
    });

    it.each(SIZES)('toRotvec, fromRotvec, dot: N = %i', (n) => {
      const q = randQ(r, n), v = uniform(r, 3 * n, -3, 3), b = randQ(r, n);
      // |v| ≤ π: a few float32 ulps of π.
      expectClose(sk.quat.toRotvec(q), map(n, (i) => rotvecOf(at(q, i, 4))), 1e-6);
      // Components ≤ 1 from sin/cos of |v|/2 ≤ 2.6: the argument's rounding dominates.
      expectClose(sk.quat.fromRotvec(v), map(n, (i) => rotvecQ(at(v, i, 3))), 1e-6);
      // Four products of values ≤ 1, summed in float32: a few ulps of 1.
      expectClose(sk.quat.dot(q, b), map(n, (i) => [at(q, i, 4).reduce((s, x, k) => s + x * b[4 * i + k], 0)]), 1e-6);
    });

    it('identity(n) and identity with out', () => {
      expect(sk.quat.identity(0)).toEqual(new Float32Array(0));
      expect(sk.quat.identity(3)).toEqual(Float32Array.of(0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1));
      const o = randQ(r, 2);
      expect(sk.quat.identity(2, o)).toBe(o);
      expect(o).toEqual(Float32Array.of(0, 0, 0, 1, 0, 0, 0, 1));
    });
  });

  describe('edge cases', () => {
    // Rows of angles by axis with the middle letter's angle set to `mid`, first/third spread over (−π, π].
    const rowsWithMiddle = (order: string, extrinsic: boolean, mid: number): number[][] => {
      const j = productAxes(order, extrinsic)[1], rows: number[][] = [];
      for (const a of [-Math.PI, -2, 0, 0.7, Math.PI]) for (const c of [-1, 0, 0.3, Math.PI]) {
        const row = [a, c, a + c]; row[j] = mid;
        rows.push(row.map((x, k) => (k === j ? x : Math.atan2(Math.sin(x), Math.cos(x)))));
      }
      return rows;
    };

    it('gimbal lock at exactly ±π/2: last letter 0, middle ±π/2 exactly, rotation kept', () => {
      for (const o of ORDERS) for (const extrinsic of [false, true]) for (const s of [1, -1]) {
        const rows = rowsWithMiddle(o, extrinsic, s * Math.PI / 2);
        const q = flat(rows.map((row) => eulerQ(row, o, extrinsic)));
        const got = sk.quat.toEuler(q, o, { extrinsic });
        const [, j] = productAxes(o, extrinsic), last = 'xyz'.indexOf(o[2]);
        for (let i = 0; i < rows.length; i++) {
          expect(got[3 * i + last], `${o} extrinsic=${extrinsic} row ${rows[i]}`).toBe(0);
          expect(got[3 * i + j]).toBe(Math.fround(s * Math.PI / 2));
        }
        checkEuler(q, got, o, extrinsic);
      }
    });

    it('near gimbal lock (1e-3, 1e-5, 3e-6 rad from ±π/2) and at middle 0: not locked, round trip', () => {
      for (const o of ORDERS) for (const extrinsic of [false, true]) for (const mid of [1 - 1e-3, 1 - 1e-5, 1 - 3e-6, -(1 - 1e-5), 0]) {
        const m = mid * Math.PI / 2, rows = rowsWithMiddle(o, extrinsic, m);
        const q = flat(rows.map((row) => eulerQ(row, o, extrinsic)));
        const got = sk.quat.toEuler(q, o, { extrinsic });
        const j = productAxes(o, extrinsic)[1];
        for (let i = 0; i < rows.length; i++) expect(Math.abs(got[3 * i + j] - m), `${o} row ${rows[i]}`).toBeLessThan(1e-6);
        checkEuler(q, got, o, extrinsic);
        if (mid === 0) {
          // Away from the lock the angles themselves come back (±π wrapped to the same angle).
          for (let i = 0; i < rows.length; i++) for (let k = 0; k < 3; k++) expect(angDiff(got[3 * i + k], rows[i][k])).toBeLessThan(1e-6);
        }
      }
    });

    it('middle angle π (outside [−π/2, π/2]) comes back as the equivalent triple', () => {
      const rows = [[0.3, Math.PI, -0.4], [1, -Math.PI, 2]];
      for (const o of ORDERS) {
        const q = sk.quat.fromEuler(flat(rows), o);
        checkEuler(q, sk.quat.toEuler(q, o), o, false);
      }
    });

    it('toRotvec: identity, 1e-8 rad, q vs −q, scale, exactly and near π', () => {
      expectClose(sk.quat.toRotvec(Float32Array.of(0, 0, 0, 1)), [0, 0, 0], 0);
      expectClose(sk.quat.toRotvec(Float32Array.of(0, 0, 0, -3)), [0, 0, 0], 0);
      const axis = [0.48, 0.6, 0.64];
      for (const th of [1e-8, 1e-12, 1e-30]) {
        const q = Float32Array.from(axisAngle(axis, th)); // w rounds to 1: the angle lives in the vector part
        expectClose(sk.quat.toRotvec(q), axis.map((x) => x * th), 0, 1e-6);
        expectClose(sk.quat.toRotvec(q.map((x) => -2 * x)), axis.map((x) => x * th), 0, 1e-6);
      }
      for (const d of [0, 1e-7, 1e-4]) {
        const q = Float32Array.from(axisAngle(axis, Math.PI - d));
        const want = rotvecOf(Array.from(q));
        expectClose(sk.quat.toRotvec(q), want, 1e-6);
        expect(Math.hypot(...sk.quat.toRotvec(q))).toBeLessThanOrEqual(Math.fround(Math.PI) * (1 + 1e-7));
      }
    });

    it('fromRotvec: zero, 1e-8 rad, |v| = π and beyond', () => {
      expect(sk.quat.fromRotvec(new Float32Array(3))).toEqual(Float32Array.of(0, 0, 0, 1));
      const axis = [0.48, 0.6, 0.64];
      for (const th of [1e-8, 1e-20, 5e-4, 2e-3]) {
        const v = Float32Array.from(axis.map((x) => x * th));
        expectClose(sk.quat.fromRotvec(v), rotvecQ(Array.from(v)), 1e-12, 1e-6);
      }
      for (const th of [Math.PI, 4, 2 * Math.PI]) {
        const v = Float32Array.from(axis.map((x) => x * th));
        expectClose(sk.quat.fromRotvec(v), rotvecQ(Array.from(v)), 1e-6);
      }
    });

    it('dot broadcasts like multiply; 1 × 0 gives empty; out may alias nothing it should not', () => {
      const q = randQ(r, 1), b = randQ(r, 50);
      expectClose(sk.quat.dot(q, b), map(50, (i) => [at(q, 0, 4).reduce((s, x, k) => s + x * b[4 * i + k], 0)]), 1e-6);
      expect(sk.quat.dot(b, q)).toEqual(sk.quat.dot(q, b));
      expect(sk.quat.dot(q, new Float32Array(0)).length).toBe(0);
      const o = new Float32Array(50);
      expect(sk.quat.dot(b, q, o)).toBe(o);
    });

    it('out may overlap the input; inputs are left unchanged', () => {
      const q = randQ(r, 33), q0 = q.slice();
      const e = sk.quat.toEuler(q, 'zyx'), v = sk.quat.toRotvec(q);
      expect(q).toEqual(q0);
      const o3 = new Float32Array(99);
      expect(sk.quat.toEuler(q, 'zyx', { out: o3 })).toBe(o3);
      expect(o3).toEqual(e);
      // toRotvec writing into the first 3N floats of its own input (overlapping, not identical).
      const buf = q.slice();
      expectClose(sk.quat.toRotvec(buf, buf.subarray(0, 99)), v, 0);
      const v0 = v.slice(), back = sk.quat.fromRotvec(v);
      expect(v).toEqual(v0);
      const wide = new Float32Array(4 * 33);
      wide.set(v);
      expectClose(sk.quat.fromRotvec(wide.subarray(0, 99), wide), back, 0);
    });
  });

  describe('properties (fast-check)', () => {
    const ang = (lim: number) => fc.double({ min: -lim, max: lim, noNaN: true });
    it('toEuler(fromEuler(e, o), o) = e away from gimbal lock (|middle| ≤ π/2 − 0.01), every order and reading', () => {
      fc.assert(fc.property(ang(Math.PI - 1e-3), ang(Math.PI / 2 - 0.01), ang(Math.PI - 1e-3), fc.constantFrom(...ORDERS), fc.boolean(),
        (a, b, c, o, extrinsic) => {
          const row = [a, c, a - c]; row[productAxes(o, extrinsic)[1]] = b;
          const e = Float32Array.from(row);
          const q = flat([eulerQ(Array.from(e), o, extrinsic)]);
          const got = sk.quat.toEuler(q, o, { extrinsic });
          // float32 q (6e-8) amplified by 1/cos(middle) ≤ 100 near the lock.
          return [0, 1, 2].every((k) => angDiff(got[k], e[k]) <= 2e-6 / Math.cos(b));
        }), { seed: SEED, numRuns: 500 });
    });
    it('toRotvec(fromRotvec(v)) = v for |v| < π, and fromRotvec(toRotvec(q)) = ±q/|q|', () => {
      fc.assert(fc.property(fc.tuple(ang(1.8), ang(1.8), ang(1.8)).filter((v) => Math.hypot(...v) < Math.PI - 1e-3), qArb4(),
        (v, q) => {
          const vf = Float32Array.from(v);
          const back = sk.quat.toRotvec(sk.quat.fromRotvec(vf));
          const qb = sk.quat.fromRotvec(sk.quat.toRotvec(q)), u = unit(Array.from(q));
          return worst(back, vf, 2e-6).ratio <= 1 && Math.min(worst(qb, u, 1e-6).ratio, worst(qb, u.map((x) => -x), 1e-6).ratio) <= 1;
        }), { seed: SEED, numRuns: 300 });
    });
    it('dot(a, b) = dot(b, a) bit for bit, dot(q, q) = |q|²', () => {
      fc.assert(fc.property(qArb4(), qArb4(), (a, b) => sk.quat.dot(a, b)[0] === sk.quat.dot(b, a)[0]
        && Math.abs(sk.quat.dot(a, a)[0] - norm(Array.from(a)) ** 2) <= 1e-6), { seed: SEED, numRuns: 300 });
    });
  });

  describe('async twins', () => {
    it('give the same results as the sync calls', async () => {
      const n = 100_003, q = randQ(r, n), v = uniform(r, 3 * n, -3, 3), b = randQ(r, n);
      expect(await sk.quat.toEulerAsync(q, 'yzx', { extrinsic: true })).toEqual(sk.quat.toEuler(q, 'yzx', { extrinsic: true }));
      expect(await sk.quat.toRotvecAsync(q)).toEqual(sk.quat.toRotvec(q));
      expect(await sk.quat.fromRotvecAsync(v)).toEqual(sk.quat.fromRotvec(v));
      expect(await sk.quat.dotAsync(q, b)).toEqual(sk.quat.dot(q, b));
      expect(await sk.quat.identityAsync(5)).toEqual(sk.quat.identity(5));
      const err = await sk.quat.toEulerAsync(new Float32Array(8), 'xyz').catch((e: Error) => e);
      expect(err).toBeInstanceOf(RangeError);
      expect((err as Error).message).toMatch(/`q\[0\]` has zero/);
    });
  });

  describe('bad input: TypeError/RangeError naming the argument', () => {
    const q4 = Float32Array.of(0, 0, 0, 1);
    it('types, lengths, orders, options, out sizes', () => {
      expect(() => sk.quat.toEuler(new Float64Array(4) as never, 'xyz')).toThrow(new TypeError('Expected Float32Array of length 4·N for `q` but received Float64Array(4)'));
      expect(() => sk.quat.toEuler(new Float32Array(6), 'xyz')).toThrow(new RangeError('Expected Float32Array of length 4·N for `q` but received Float32Array(6)'));
      expect(() => sk.quat.toEuler(q4, 'xyx' as never)).toThrow(new RangeError("Expected one of 'xyz', 'xzy', 'yxz', 'yzx', 'zxy', 'zyx' for `order` but received 'xyx'"));
      expect(() => sk.quat.toEuler(q4, 'ZYX' as never)).toThrow(/for `order` but received 'ZYX'/);
      expect(() => sk.quat.toEuler(q4, 3 as never)).toThrow(TypeError);
      expect(() => sk.quat.toEuler(q4, 'xyz', { extrinsic: 1 as never })).toThrow(new TypeError('Expected a boolean for `extrinsic` but received the number 1'));
      expect(() => sk.quat.toEuler(q4, 'xyz', { intrinsic: true } as never)).toThrow(new RangeError('Unknown option `intrinsic`; expected `out`, `extrinsic`'));
      expect(() => sk.quat.toEuler(q4, 'xyz', null as never)).toThrow(TypeError);
      expect(() => sk.quat.toEuler(q4, 'xyz', { out: new Float32Array(4) })).toThrow(new RangeError('Expected Float32Array of length 3·N for `out` but received Float32Array(4)'));
      expect(() => sk.quat.toRotvec(q4, new Float32Array(6))).toThrow(new RangeError('Expected `out` to hold 1 vectors but received 2'));
      expect(() => sk.quat.fromRotvec(new Float32Array(4))).toThrow(new RangeError('Expected Float32Array of length 3·N for `v` but received Float32Array(4)'));
      expect(() => sk.quat.fromRotvec([1, 2, 3] as never)).toThrow(/for `v` but received Array\(3\)/);
      expect(() => sk.quat.dot(new Float32Array(8), new Float32Array(12))).toThrow(new RangeError('Expected `b` to hold 1 or 2 items (the batch size of `a`) but received 3'));
      expect(() => sk.quat.dot(q4, q4, new Float32Array(2))).toThrow(new RangeError('Expected `out` to hold 1 values but received 2'));
      expect(() => sk.quat.identity(-1)).toThrow(RangeError);
      expect(() => sk.quat.identity(1.5)).toThrow(/`n`/);
      expect(() => sk.quat.identity('2' as never)).toThrow(TypeError);
      expect(() => sk.quat.identity(2, new Float32Array(4))).toThrow(new RangeError('Expected `out` to hold 2 quaternions but received 1'));
    });
    it('zero-length, NaN or infinite inputs name the index', () => {
      const q = Float32Array.of(0, 0, 0, 1, 0, 0, 0, 0, NaN, 0, 0, 1);
      expect(() => sk.quat.toEuler(q, 'zyx')).toThrow(new RangeError('`q[1]` has zero, non-finite or out-of-range length (|q|² outside [2^-126, 2^126])'));
      expect(() => sk.quat.toEuler(q, 'zyx', { extrinsic: true })).toThrow(/`q\[1\]`/);
      expect(() => sk.quat.toRotvec(q)).toThrow(/`q\[1\]`/);
      expect(() => sk.quat.toRotvec(Float32Array.of(0, 0, 0, 1, NaN, 0, 0, 1))).toThrow(/`q\[1\]`/);
      const v = Float32Array.of(0, 0, 0, 1, 2, 3, 0, NaN, 0, Infinity, 0, 0);
      expect(() => sk.quat.fromRotvec(v)).toThrow(new RangeError('`v[2]` has a non-finite length (|v|² NaN or above 3.4e38)'));
      expect(() => sk.quat.fromRotvec(Float32Array.of(-Infinity, 0, 0))).toThrow(/`v\[0\]`/);
      expect(() => sk.quat.fromRotvec(Float32Array.of(3e19, 3e19, 0))).toThrow(/`v\[0\]`/);
    });
  });
});

const qArb4 = () => fc.tuple(fc.float({ min: -1, max: 1, noNaN: true }), fc.float({ min: -1, max: 1, noNaN: true }),
  fc.float({ min: -1, max: 1, noNaN: true }), fc.float({ min: -1, max: 1, noNaN: true }))
  .filter((q) => Math.hypot(...q) > 0.1).map((q) => Float32Array.from(q));

describe('the backend boundary checks the new quat kernels again (calls that bypass the TypeScript layer)', () => {
  for (const b of sk.backends().filter((x) => x.available)) {
    it(`${b.backend}: toEuler, toRotvec, fromRotvec, dot`, async () => {
      const { module } = await import('../src/backend/index.js');
      const k = module(b.backend)!.quat as unknown as Record<string, (...a: unknown[]) => unknown>;
      const q = Float32Array.of(0, 0, 0, 1), o3 = new Float32Array(3);
      expect(() => k.toEuler(q, 'xyx', false, o3)).toThrow(new RangeError("Expected one of 'xyz', 'xzy', 'yxz', 'yzx', 'zxy', 'zyx' for `order` but received 'xyx'"));
      expect(() => k.toEuler(q, 'xyz', 'yes', o3)).toThrow(TypeError);
      expect(() => k.toEuler(q, 'xyz', 'yes', o3)).toThrow(/^Expected a boolean for `extrinsic` but received /);
      expect(() => k.toEuler(q, 'xyz', false, new Float32Array(4))).toThrow(RangeError);
      expect(() => k.toEuler(new Float32Array(4), 'xyz', false, o3)).toThrow(/`q\[0\]` has zero/);
      expect(() => k.toEuler(new Float64Array(4), 'xyz', false, o3)).toThrow(TypeError);
      expect(() => k.toRotvec(Float32Array.of(NaN, 0, 0, 1), o3)).toThrow(/`q\[0\]`/);
      expect(() => k.toRotvec(q, new Float32Array(4))).toThrow(RangeError);
      expect(() => k.fromRotvec(Float32Array.of(0, NaN, 0), new Float32Array(4))).toThrow(new RangeError('`v[0]` has a non-finite length (|v|² NaN or above 3.4e38)'));
      expect(() => k.fromRotvec(new Float32Array(4), new Float32Array(4))).toThrow(RangeError);
      expect(() => k.dot(new Float32Array(8), new Float32Array(12), new Float32Array(2))).toThrow(RangeError);
      expect(() => k.dot(q, q, new Float32Array(2))).toThrow(RangeError);
      expect(() => k.dot()).toThrow(TypeError);
    });
  }
});
