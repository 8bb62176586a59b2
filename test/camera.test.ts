// sk.camera against float64 oracles written here (not the code under test).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as sk from 'spatialkit';
import { rng, SEED, uniform, worst } from './helpers.js';

// ---------- float64 oracle ----------
type V = [number, number, number];
const at = (a: ArrayLike<number>, i: number, k: number): number[] => Array.from({ length: k }, (_, j) => a[i * k + j]);
const sub = (a: number[], b: number[]): V => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: number[], b: number[]): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: number[], b: number[]): V => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const unit = (a: number[]): V => { const n = Math.hypot(a[0], a[1], a[2]); return [a[0] / n, a[1] / n, a[2] / n]; };
const scale = (a: number[], s: number): V => [a[0] * s, a[1] * s, a[2] * s];
const mulMV = (m: ArrayLike<number>, v: number[]): V => [0, 1, 2].map((r) => m[3 * r] * v[0] + m[3 * r + 1] * v[1] + m[3 * r + 2] * v[2]) as V;

// lookAt by Gram–Schmidt (a different construction from the code's cross products):
// z = forward, y = −(up − (up·z)z) normalised (image down), x = y × z.
const lookAtOracle = (eye: number[], target: number[], up: number[]): { R: number[]; t: number[] } => {
  const z = unit(sub(target, eye));
  const y = unit(scale(sub(up, scale(z, dot(up, z))), -1));
  const x = cross(y, z);
  const R = [...x, ...y, ...z];
  return { R, t: scale(mulMV(R, eye), -1) };
};

const expectClose = (got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol = 0): void => {
  const w = worst(got, want, atol, rtol);
  expect(w.ratio, `worst at ${w.index}: got ${got[w.index]}, want ${want[w.index]}`).toBeLessThanOrEqual(1);
};

describe(`lookAt (seed ${SEED})`, () => {
  const r = rng(SEED);

  it.each([0, 1, 8, 1001])('matches the Gram–Schmidt oracle: N = %i', (n) => {
    const eye = uniform(r, 3 * n, -20, 20), target = uniform(r, 3 * n, -5, 5), up = uniform(r, 3 * n);
    const { R, t } = sk.camera.lookAt(eye, target, up);
    expect(R.length).toBe(9 * n);
    expect(t.length).toBe(3 * n);
    for (let i = 0; i < n; i++) {
      const o = lookAtOracle(at(eye, i, 3), at(target, i, 3), at(up, i, 3));
      // Random up may be within a few degrees of the view axis: the roll's condition number is
      // 1/sin(angle); keep the bound honest by scaling with it.
      const s = Math.hypot(...cross(unit(sub(at(target, i, 3), at(eye, i, 3))), unit(at(up, i, 3))));
      expectClose(R.subarray(9 * i, 9 * i + 9), o.R, 1e-7 / s + 1e-7);
      expectClose(t.subarray(3 * i, 3 * i + 3), o.t, 40 * (1e-7 / s + 1e-7));
    }
  });

  it('a ring camera: eye (10, 0, 6) looking at the origin, z up', () => {
    const { R, t } = sk.camera.lookAt(Float32Array.of(10, 0, 6), Float32Array.of(0, 0, 0), Float32Array.of(0, 0, 1));
    const h = Math.hypot(10, 6);
    // Facing −x with z up: x (image right) = +y world; z = towards the origin; y (image down) has
    // a negative world-z component.
    expectClose(R, [0, 1, 0, 6 / h, 0, -10 / h, -10 / h, 0, -6 / h], 1e-7);
    expectClose(t, [0, 0, h], 2e-6);
    // The target projects onto the optical axis, in front of the camera.
    const c = mulMV(R, [0, 0, 0]).map((x, k) => x + t[k]);
    expectClose(c.slice(0, 2), [0, 0], 1e-6);
    expect(c[2]).toBeGreaterThan(0);
  });

  it('broadcasts one eye/target/up against a batch', () => {
    const n = 8, eye = new Float32Array(3 * n);
    for (let k = 0; k < n; k++) eye.set([10 * Math.cos(k * Math.PI / 4), 10 * Math.sin(k * Math.PI / 4), 6], 3 * k);
    const { R, t } = sk.camera.lookAt(eye, new Float32Array(3), Float32Array.of(0, 0, 1));
    for (let k = 0; k < n; k++) {
      const o = lookAtOracle(at(eye, k, 3), [0, 0, 0], [0, 0, 1]);
      expectClose(R.subarray(9 * k, 9 * k + 9), o.R, 1e-7);
      expectClose(t.subarray(3 * k, 3 * k + 3), o.t, 2e-6);
    }
    expect(sk.camera.lookAt(Float32Array.of(1, 2, 3), new Float32Array(0), Float32Array.of(0, 0, 1)).R.length).toBe(0);
  });

  const vArb = fc.tuple(fc.float({ min: -50, max: 50, noNaN: true }), fc.float({ min: -50, max: 50, noNaN: true }),
    fc.float({ min: -50, max: 50, noNaN: true })).map((v) => Float32Array.from(v));
  it('R is a rotation (RRᵀ = I, det +1), R·eye + t = 0, target on the +z axis, image-up along +up', () => {
    fc.assert(fc.property(vArb, vArb, vArb, (eye, target, up) => {
      const f = sub(Array.from(target), Array.from(eye));
      const s = Math.hypot(...cross(f, Array.from(up))) / (Math.hypot(...f) * Math.hypot(...up));
      fc.pre(Math.hypot(...f) > 1e-3 && s > 1e-3);
      const { R, t } = sk.camera.lookAt(eye, target, up);
      const rows = [at(R, 0, 3), at(R, 1, 3), at(R, 2, 3)];
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) if (Math.abs(dot(rows[a], rows[b]) - (a === b ? 1 : 0)) > 1e-6) return false;
      if (Math.abs(dot(cross(rows[0], rows[1]), rows[2]) - 1) > 1e-6) return false;
      const e = mulMV(R, Array.from(eye)).map((x, k) => x + t[k]);
      const g = mulMV(R, Array.from(target)).map((x, k) => x + t[k]);
      const scaleE = 1e-6 * (1 + Math.hypot(...Array.from(eye)) + Math.hypot(...Array.from(target)));
      return Math.hypot(...e) <= scaleE && Math.hypot(g[0], g[1]) <= scaleE / s && g[2] > 0 &&
        Math.abs(dot(rows[0], Array.from(up))) <= 1e-6 * Math.hypot(...Array.from(up)) && dot(rows[1], Array.from(up)) < 0;
    }), { seed: SEED, numRuns: 300 });
  });

  describe('bad input', () => {
    const p = Float32Array.of(1, 2, 3), z = Float32Array.of(0, 0, 1);
    it('types, lengths and batches', () => {
      expect(() => sk.camera.lookAt(new Float64Array(3) as never, p, z)).toThrow(new TypeError('Expected Float32Array of length 3·N for `eye` but received Float64Array(3)'));
      expect(() => sk.camera.lookAt(p, [0, 0, 0] as never, z)).toThrow(new TypeError('Expected Float32Array of length 3·N for `target` but received Array(3)'));
      expect(() => sk.camera.lookAt(p, p, new Float32Array(4))).toThrow(new RangeError('Expected Float32Array of length 3·N for `up` but received Float32Array(4)'));
      expect(() => sk.camera.lookAt(new Float32Array(6), new Float32Array(9), z)).toThrow(new RangeError('Expected `target` to hold 1 or 2 items (the batch size of `eye`) but received 3'));
    });
    it('degenerate cameras name the index', () => {
      expect(() => sk.camera.lookAt(Float32Array.of(0, 0, 0, 1, 2, 3), p, z)).toThrow(new RangeError('`target[0]` equals `eye[1]`: no viewing direction'));
      expect(() => sk.camera.lookAt(Float32Array.of(0, 0, 5), new Float32Array(3), z)).toThrow(new RangeError('`up[0]` is zero or parallel to the viewing direction `target[0]` − `eye[0]`'));
      expect(() => sk.camera.lookAt(p, new Float32Array(3), new Float32Array(3))).toThrow(/`up\[0\]` is zero or parallel/);
      expect(() => sk.camera.lookAt(Float32Array.of(0, 0, 0, NaN, 0, 0), p, z)).toThrow(new RangeError('`eye[1]` has a non-finite value'));
      expect(() => sk.camera.lookAt(p, Float32Array.of(Infinity, 0, 0), z)).toThrow(/`target\[0\]` has a non-finite value/);
    });
  });
});
