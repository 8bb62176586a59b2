// sk.camera against float64 oracles written here (not the code under test).
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import * as sk from 'spatialkit';
import { eachBackend, expectClose, expectedIsa, rng, SEED, uniform, worst } from './helpers.js';

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

// Rays: d = Rᵀ·K⁻¹·(x, y, 1) normalised, m = o × d, o = −Rᵀ·t. K⁻¹·p by Gaussian elimination with
// partial pivoting (the code under test uses an adjugate inverse and a float32 product).
const solve3 = (A: number[], b: number[]): V => {
  const M = [0, 1, 2].map((r) => [A[3 * r], A[3 * r + 1], A[3 * r + 2], b[r]]);
  for (let c = 0; c < 3; c++) {
    let p = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < 3; r++) { const f = M[r][c] / M[c][c]; for (let k = c; k < 4; k++) M[r][k] -= f * M[c][k]; }
  }
  const x = [0, 0, 0];
  for (let r = 2; r >= 0; r--) x[r] = (M[r][3] - (r < 2 ? M[r][r + 1] * x[r + 1] : 0) - (r < 1 ? M[r][2] * x[2] : 0)) / M[r][r];
  return x as V;
};
const transpose = (R: ArrayLike<number>): number[] => [R[0], R[3], R[6], R[1], R[4], R[7], R[2], R[5], R[8]];
interface Cam { K: number[]; R: number[]; t: number[] }
const camAt = (c: sk.camera.Cameras, i: number): Cam => ({
  K: at(c.K, c.K.length > 9 ? i : 0, 9), R: at(c.R, c.R.length > 9 ? i : 0, 9), t: at(c.t, c.t.length > 3 ? i : 0, 3),
});
const centerOf = (c: Cam): V => scale(mulMV(transpose(c.R), c.t), -1);
const rayOracle = (c: Cam, x: number, y: number): { d: V; m: V } => {
  const d = unit(mulMV(transpose(c.R), solve3(c.K, [x, y, 1])));
  return { d, m: cross(centerOf(c), d) };
};
// Random cameras: skew, off-centre principal point, non-square pixels.
const randomCameras = (r: () => number, n: number, h: number, w: number): sk.camera.Cameras => {
  const K = new Float32Array(9 * n), R = new Float32Array(9 * n), t = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const fx = 0.5 * w + r() * 1.5 * w, fy = fx * (0.8 + 0.45 * r());
    K.set([fx, (r() - 0.5) * 10, w * (0.1 + 0.8 * r()), 0, fy, h * (0.1 + 0.8 * r()), 0, 0, 1], 9 * i);
    const q = unit4([r() - 0.5, r() - 0.5, r() - 0.5, r() - 0.5]);
    R.set(quatMatrix(q), 9 * i);
    t.set([(r() - 0.5) * 10, (r() - 0.5) * 10, (r() - 0.5) * 10], 3 * i);
  }
  return { K, R, t };
};
const unit4 = (q: number[]): number[] => { const n = Math.hypot(...q); return q.map((x) => x / n); };
const quatMatrix = ([x, y, z, w]: number[]): number[] => [
  1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
  2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
  2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)];
// The oracle map, laid out as the options say.
const mapOracle = (c: sk.camera.Cameras, n: number, h: number, w: number, layout: string, order: string, pc: number): Float64Array => {
  const ch = order === 'd' ? 3 : 6, out = new Float64Array(n * h * w * ch);
  for (let i = 0; i < n; i++) {
    const cam = camAt(c, i);
    for (let v = 0; v < h; v++) {
      for (let u = 0; u < w; u++) {
        const { d, m } = rayOracle(cam, u + Math.fround(pc), v + Math.fround(pc));
        const vals = order === 'md' ? [...m, ...d] : order === 'dm' ? [...d, ...m] : d;
        for (let k = 0; k < ch; k++) {
          out[layout === 'hwc' ? ((i * h + v) * w + u) * ch + k : ((i * ch + k) * h + v) * w + u] = vals[k];
        }
      }
    }
  }
  return out;
};
/** Channel k of ray (i, v, u) of a map. */
const mapAt = (a: ArrayLike<number>, i: number, v: number, u: number, k: number, h: number, w: number, ch: number, layout: string): number =>
  a[layout === 'hwc' ? ((i * h + v) * w + u) * ch + k : ((i * ch + k) * h + v) * w + u];
const sameBits = (a: Float32Array, b: Float32Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const relErr = (got: ArrayLike<number>, want: ArrayLike<number>): number => {
  let e = 0, s = 0;
  for (let k = 0; k < want.length; k++) { e = Math.max(e, Math.abs(got[k] - want[k])); s = Math.max(s, Math.abs(want[k])); }
  return e / s;
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

const LAYOUTS = ['hwc', 'chw'] as const;
const ORDERS = ['md', 'dm', 'd'] as const;

eachBackend('camera', (backend) => {
  beforeAll(() => { sk.setBackend(backend); });
  const r = rng(SEED + 17);

  describe(`rayMap and rays against the float64 oracle (seed ${SEED})`, () => {
    it.each([[1, 1, 1], [3, 7, 5], [2, 33, 70], [1, 64, 129]])('N = %i cameras at %i × %i, every layout, order and pixelCenter', (n, h, w) => {
      expect(sk.getBackend()).toBe(backend);
      const cams = randomCameras(r, n, h, w);
      for (const layout of LAYOUTS) {
        for (const order of ORDERS) {
          for (const pc of [0.5, 0, 0.3]) {
            const got = sk.camera.rayMap(cams, { height: h, width: w, layout, order, pixelCenter: pc });
            const want = mapOracle(cams, n, h, w, layout, order, pc);
            // d: float32 constants and arithmetic, |terms| ≲ 3 → a few 1e-7. m = o × d: |o| ≤ 9.
            expectClose(got, want, 1e-5, 0);
            const ch = order === 'd' ? 3 : 6, od = order === 'md' ? 3 : 0;
            for (let i = 0; i < n; i++) {
              for (let k = 0; k < 3; k++) {
                const g = mapAt(got, i, h - 1, w - 1, od + k, h, w, ch, layout), e = mapAt(want, i, h - 1, w - 1, od + k, h, w, ch, layout);
                expect(Math.abs(g - e)).toBeLessThanOrEqual(1e-6);
              }
            }
          }
        }
      }
    });

    it('direction error ≤ 1e-6 and moment error ≤ 1e-6·(1 + |o|) on 4 × 96 × 128', () => {
      const n = 4, h = 96, w = 128, cams = randomCameras(r, n, h, w);
      const got = sk.camera.rayMap(cams, { height: h, width: w });
      const want = mapOracle(cams, n, h, w, 'hwc', 'md', 0.5);
      for (let i = 0; i < n; i++) {
        const o = Math.hypot(...centerOf(camAt(cams, i)));
        const s = i * h * w * 6, e = s + h * w * 6;
        const dg = got.subarray(s, e).filter((_, k) => k % 6 >= 3), dw = want.subarray(s, e).filter((_, k) => k % 6 >= 3);
        const mg = got.subarray(s, e).filter((_, k) => k % 6 < 3), mw = want.subarray(s, e).filter((_, k) => k % 6 < 3);
        expectClose(dg, dw, 1e-6);
        expectClose(mg, mw, 1e-6 * (1 + o));
      }
    });

    it('every ray is a unit Plücker line through the pixel\'s unprojection: |d| = 1, m·d = 0, (X × d = m for X on the ray)', () => {
      const n = 3, h = 40, w = 50, cams = randomCameras(r, n, h, w);
      const map = sk.camera.rayMap(cams, { height: h, width: w });
      for (let i = 0; i < n; i++) {
        const cam = camAt(cams, i), o = centerOf(cam);
        for (let v = 0; v < h; v += 3) {
          for (let u = 0; u < w; u += 7) {
            const base = ((i * h + v) * w + u) * 6, m = at(map, base / 6, 6).slice(0, 3), d = at(map, base / 6, 6).slice(3);
            expect(Math.abs(Math.hypot(...d) - 1)).toBeLessThanOrEqual(3e-7);
            expect(Math.abs(dot(m, d))).toBeLessThanOrEqual(1e-6 * (1 + Math.hypot(...o)));
            // X = unprojection of the pixel centre at depth z: Rᵀ(z·K⁻¹p − t).
            const z = 0.5 + 10 * r();
            const X = mulMV(transpose(cam.R), sub(scale(solve3(cam.K, [u + 0.5, v + 0.5, 1]), z), cam.t));
            const miss = Math.hypot(...sub(cross(X, d), m));
            expect(miss).toBeLessThanOrEqual(2e-6 * (1 + Math.hypot(...X)));
          }
        }
      }
    });

    it('rays() at sub-pixel points matches the oracle; at pixel centres it equals rayMap bit for bit', () => {
      const n = 5, h = 30, w = 40, p = 37, cams = randomCameras(r, n, h, w);
      const pts = uniform(r, 2 * n * p, -10, 50);
      for (const order of ORDERS) {
        const got = sk.camera.rays(cams, pts, { order });
        const ch = order === 'd' ? 3 : 6;
        expect(got.length).toBe(n * p * ch);
        const want = Array.from({ length: n * p }, (_, j) => {
          const { d, m } = rayOracle(camAt(cams, Math.floor(j / p)), pts[2 * j], pts[2 * j + 1]);
          return order === 'md' ? [...m, ...d] : order === 'dm' ? [...d, ...m] : d;
        }).flat();
        expectClose(got, want, 1e-5);
      }
      // shared: the same P points for every camera
      const sp = uniform(r, 2 * p, 0, 30);
      const shared = sk.camera.rays(cams, sp, { shared: true });
      for (let i = 0; i < n; i++) {
        const one = sk.camera.rays({ K: cams.K.subarray(9 * i, 9 * i + 9), R: cams.R.subarray(9 * i, 9 * i + 9), t: cams.t.subarray(3 * i, 3 * i + 3) }, sp);
        expect(shared.subarray(6 * p * i, 6 * p * (i + 1))).toEqual(one);
      }
      // Pixel centres of every pixel, per camera, against the map (same body, same inputs).
      const centres = new Float32Array(2 * h * w);
      for (let v = 0; v < h; v++) for (let u = 0; u < w; u++) centres.set([u + 0.5, v + 0.5], 2 * (v * w + u));
      for (const layout of LAYOUTS) {
        const map = sk.camera.rayMap(cams, { height: h, width: w, layout, order: 'dm' });
        const viaRays = sk.camera.rays(cams, centres, { shared: true, order: 'dm' });
        const hwc = layout === 'hwc' ? map : Float32Array.from({ length: map.length }, (_, k) => {
          const c = k % 6, pix = (k - c) / 6, i = Math.floor(pix / (h * w)), q = pix % (h * w);
          return map[(i * 6 + c) * h * w + q];
        });
        expect(sameBits(hwc, viaRays)).toBe(true);
      }
    });

    it('out may overlap points (the points are read first); inputs are left unchanged otherwise', () => {
      const cams = randomCameras(r, 1, 20, 20), p = 50, pts = uniform(r, 2 * p, 0, 20);
      const want = sk.camera.rays(cams, pts);
      const buf = new Float32Array(6 * p);
      buf.set(pts);
      expect(sameBits(sk.camera.rays(cams, buf.subarray(0, 2 * p), { out: buf }), want)).toBe(true);
      const K0 = cams.K.slice(), pts0 = pts.slice();
      sk.camera.rayMap(cams, { height: 5, width: 5 });
      sk.camera.rays(cams, pts);
      expect(cams.K).toEqual(K0);
      expect(pts).toEqual(pts0);
    });

    it('one camera broadcasts; length-1 K, R or t broadcast against the others; N = 0 gives empty', () => {
      const cams = randomCameras(r, 3, 10, 10);
      const K1 = cams.K.subarray(0, 9);
      const mixed = { K: K1, R: cams.R, t: cams.t };
      const got = sk.camera.rayMap(mixed, { height: 4, width: 6 });
      for (let i = 0; i < 3; i++) {
        const single = sk.camera.rayMap({ K: K1, R: cams.R.subarray(9 * i, 9 * i + 9), t: cams.t.subarray(3 * i, 3 * i + 3) }, { height: 4, width: 6 });
        expect(got.subarray(i * 144, (i + 1) * 144)).toEqual(single);
      }
      expect(sk.camera.rayMap({ K: K1, R: new Float32Array(0), t: cams.t }, { height: 4, width: 6 }).length).toBe(0);
      expect(sk.camera.rays(cams, new Float32Array(0)).length).toBe(0);
    });

    it('out receives the map; a large map (2 threads) equals the sum of its parts', () => {
      const cams = randomCameras(r, 2, 300, 300);
      const out = new Float32Array(2 * 300 * 300 * 6);
      expect(sk.camera.rayMap(cams, { height: 300, width: 300, out })).toBe(out);
      const first = sk.camera.rayMap({ K: cams.K.subarray(0, 9), R: cams.R.subarray(0, 9), t: cams.t.subarray(0, 3) }, { height: 300, width: 300 });
      expect(sameBits(out.subarray(0, first.length), first)).toBe(true);
    });
  });

  describe('fromRays', () => {
    const recoverErr = (cam: Cam, rec: sk.camera.RecoveredCamera): { K: number; R: number; t: number; c: number } => ({
      K: relErr(rec.K, cam.K), R: relErr(rec.R, cam.R), t: relErr(rec.t, cam.t), c: relErr(rec.center, centerOf(cam)),
    });

    it.each([[3, 48, 64], [2, 97, 31]])('rayMap → fromRays recovers K (any principal point, skew), R, t to ≤ 1e-6: %i × %i × %i', (n, h, w) => {
      const cams = randomCameras(r, n, h, w);
      for (const layout of LAYOUTS) {
        for (const order of ['md', 'dm'] as const) {
          for (const pc of [0.5, 0]) {
            const map = sk.camera.rayMap(cams, { height: h, width: w, layout, order, pixelCenter: pc });
            const rec = sk.camera.fromRays(map, { height: h, width: w, layout, order, pixelCenter: pc });
            expect(rec.length).toBe(n);
            rec.forEach((c, i) => {
              const e = recoverErr(camAt(cams, i), c);
              expect(Math.max(e.K, e.R, e.t, e.c), JSON.stringify(e)).toBeLessThanOrEqual(1e-6);
              expect(c.K[3]).toBe(0); expect(c.K[6]).toBe(0); expect(c.K[7]).toBe(0); expect(c.K[8]).toBe(1);
            });
          }
        }
      }
    });

    it('extreme intrinsics: principal point far outside the image, strong skew, narrow and wide fields of view', () => {
      const h = 64, w = 80;
      const Ks = [[2000, 0, -300, 0, 2100, 500, 0, 0, 1], [50, 40, 40, 0, 45, 32, 0, 0, 1], [120, -30, 400, 0, 90, -200, 0, 0, 1]];
      const R = Float32Array.from(quatMatrix(unit4([0.3, -0.2, 0.8, 0.4])));
      for (const k of Ks) {
        const cams = { K: Float32Array.from(k), R, t: Float32Array.of(0.5, -2, 3) };
        const [rec] = sk.camera.fromRays(sk.camera.rayMap(cams, { height: h, width: w }), { height: h, width: w });
        const e = recoverErr(camAt(cams, 0), rec);
        // The narrow view (f = 2000 px over 80 px, 2.3°) has directions spanning ±0.02: the fit of K
        // is then conditioned ~50× worse than at 45°.
        expect(Math.max(e.K, e.R, e.t, e.c), JSON.stringify(e)).toBeLessThanOrEqual(k[0] > 1000 ? 2e-5 : 1e-6);
      }
    });

    it('beats RayDiffusion\'s recovery (Procrustes on rays of a centred-principal-point camera) on an off-centre camera', () => {
      // RayDiffusion's rays_to_cameras aligns the rays of a camera with known focal length and a
      // centred principal point to the predicted directions (orthogonal Procrustes). Oracle of that
      // method in float64: Q = polar(Σ b aᵀ) over a = unit(K_c⁻¹ p), b = d, so Q ≈ Rᵀ.
      const h = 96, w = 128;
      const K = Float32Array.of(0.9 * w, 0, 0.65 * w, 0, 0.9 * w, 0.4 * h, 0, 0, 1);  // pp off by (0.15 W, −0.1 H)
      const R = Float32Array.from(quatMatrix(unit4([0.2, 0.7, -0.1, 0.6])));
      const cams = { K, R, t: Float32Array.of(0.3, 0.2, 4) };
      const map = sk.camera.rayMap(cams, { height: h, width: w });
      const Kc = [K[0], 0, w / 2, 0, K[4], h / 2, 0, 0, 1];
      const H = new Array(9).fill(0);
      for (let v = 0; v < h; v++) {
        for (let u = 0; u < w; u++) {
          const a = unit(solve3(Kc, [u + 0.5, v + 0.5, 1])), b = at(map, v * w + u, 6).slice(3);
          for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) H[3 * r + c] += b[r] * a[c];
        }
      }
      // polar factor by Newton's iteration X ← (X + X⁻ᵀ)/2
      let X = H.map((x) => x / Math.hypot(...H));
      for (let k = 0; k < 50; k++) {
        const cols = [0, 1, 2].map((c) => solve3(transpose(X), [0, 1, 2].map((r) => (r === c ? 1 : 0))));  // columns of X⁻ᵀ
        X = X.map((x, j) => 0.5 * (x + cols[j % 3][(j / 3) | 0]));
      }
      // Rotation angle between A and B: ‖A − B‖_F = 2√2·sin(θ/2), accurate for tiny θ (acos is not).
      const angleOf = (A: ArrayLike<number>, B: ArrayLike<number>): number =>
        2 * Math.asin(Math.min(1, Math.hypot(...Array.from(A, (x, k) => x - B[k])) / (2 * Math.SQRT2)));
      const rd = angleOf(transpose(X), R);
      const [rec] = sk.camera.fromRays(map, { height: h, width: w });
      const ours = angleOf(rec.R, R);
      console.log(`[${backend}] principal point off centre by (0.15 W, −0.1 H): RayDiffusion-style rotation error ${(rd * 180 / Math.PI).toFixed(2)}°, fromRays ${(ours * 180 / Math.PI).toExponential(1)}°`);
      expect(rd).toBeGreaterThan(2 * Math.PI / 180);
      expect(ours).toBeLessThan(1e-6);
    });

    it('noise σ = 1e-3 on every map value: the error stays proportional (reported)', () => {
      const n = 4, h = 128, w = 128, cams = randomCameras(rng(SEED + 3), n, h, w);
      const map = sk.camera.rayMap(cams, { height: h, width: w });
      const g = rng(SEED + 5);
      const noisy = map.map((x) => x + 1e-3 * Math.sqrt(-2 * Math.log(1 - g())) * Math.cos(2 * Math.PI * g()));
      const rec = sk.camera.fromRays(noisy, { height: h, width: w });
      const errs = rec.map((c, i) => recoverErr(camAt(cams, i), c));
      const worstE = { K: Math.max(...errs.map((e) => e.K)), R: Math.max(...errs.map((e) => e.R)), t: Math.max(...errs.map((e) => e.t)) };
      console.log(`[${backend}] fromRays at σ = 1e-3 (${n} cameras, ${h}×${w}): max relative error K ${worstE.K.toExponential(2)}, R ${worstE.R.toExponential(2)}, t ${worstE.t.toExponential(2)}`);
      // Per-ray direction noise 1e-3 averaged over 16k rays: a few 1e-4 at worst; 1e-2 leaves
      // room for the ill-conditioned cameras of the random draw.
      expect(Math.max(worstE.K, worstE.R, worstE.t)).toBeLessThan(1e-2);
    });

    it('unnormalised directions (d scaled per ray, m with it) give the same camera', () => {
      const h = 20, w = 30, cams = randomCameras(r, 1, h, w);
      const map = sk.camera.rayMap(cams, { height: h, width: w });
      const scaled = map.map((x, k) => x * (1 + ((k / 6) | 0) % 7));
      const [a] = sk.camera.fromRays(map, { height: h, width: w }), [b] = sk.camera.fromRays(scaled, { height: h, width: w });
      // Scaling in float32 rounds each value once (≈ 6e-8 relative): the fit moves by less than that.
      expect(relErr(b.K, a.K)).toBeLessThanOrEqual(1e-7);
      expect(relErr(b.t, a.t)).toBeLessThanOrEqual(1e-7);
    });
  });

  describe('augmentation keeps the ray-map guarantee', () => {
    // The augmented camera's pixel (u, v) sees the original camera's ray at A⁻¹·(u + pc, v + pc).
    const viaParent = (cams: sk.camera.Cameras, h: number, w: number, pc: number, back: (x: number, y: number) => [number, number]): Float32Array => {
      const pts = new Float32Array(2 * h * w);
      for (let v = 0; v < h; v++) for (let u = 0; u < w; u++) pts.set(back(u + pc, v + pc), 2 * (v * w + u));
      return sk.camera.rays(cams, pts, { shared: true });
    };
    const withK = (cams: sk.camera.Cameras, K: Float32Array): sk.camera.Cameras => ({ ...cams, K });

    it('crop: the cropped map equals the parent\'s sub-block', () => {
      const cams = randomCameras(r, 2, 60, 80);
      const parent = sk.camera.rayMap(cams, { height: 60, width: 80 });
      const K = sk.camera.crop(cams.K, { x: 17, y: Float32Array.of(5, 9) });
      const child = sk.camera.rayMap(withK(cams, K), { height: 30, width: 40 });
      const y0 = [5, 9];
      const block = Float32Array.from({ length: child.length }, (_, k) => {
        const c = k % 6, pix = (k - c) / 6, i = Math.floor(pix / 1200), q = pix % 1200, v = Math.floor(q / 40), u = q % 40;
        return parent[((i * 60 + v + y0[i]) * 80 + u + 17) * 6 + c];
      });
      expectClose(child, block, 1e-5);
      expect(Array.from(K.subarray(0, 9))).toEqual(Array.from(cams.K.subarray(0, 9)).map((x, k) => (k === 2 ? x - 17 : k === 5 ? x - 5 : x)).map(Math.fround));
    });

    it('resize by ½ equals the parent sampled at the new pixel centres — not parent[::2, ::2]', () => {
      const cams = randomCameras(r, 1, 64, 64);
      for (const pc of [0.5, 0]) {
        const K = sk.camera.resize(cams.K, { sx: 0.5, sy: 0.5, pixelCenter: pc });
        const e = 0.5 - pc;
        const child = sk.camera.rayMap(withK(cams, K), { height: 32, width: 32, pixelCenter: pc });
        // q' = s·q + (s − 1)·e  ⇒  q = (q' − (s − 1)·e)/s
        expectClose(child, viaParent(cams, 32, 32, pc, (x, y) => [(x + 0.5 * e) / 0.5, (y + 0.5 * e) / 0.5]), 1e-5);
        const parent = sk.camera.rayMap(cams, { height: 64, width: 64, pixelCenter: pc });
        const strided = Float32Array.from({ length: child.length }, (_, k) => {
          const c = k % 6, pix = (k - c) / 6, v = Math.floor(pix / 32), u = pix % 32;
          return parent[((2 * v) * 64 + 2 * u) * 6 + c];
        });
        expect(worst(child, strided, 1e-4).ratio).toBeGreaterThan(1);
      }
      // cx' = s·cx (pc = 0.5); cx' = s(cx + 0.5) − 0.5 (pc = 0)
      const K1 = Float32Array.of(100, 2, 40, 0, 120, 30, 0, 0, 1);
      expect(Array.from(sk.camera.resize(K1, { sx: 0.5, sy: 2 }))).toEqual([50, 1, 20, 0, 240, 60, 0, 0, 1]);
      expect(Array.from(sk.camera.resize(K1, { sx: 0.5, sy: 2, pixelCenter: 0 }))).toEqual([50, 1, 0.5 * 40.5 - 0.5, 0, 240, 2 * 30.5 - 0.5, 0, 0, 1]);
    });

    it('zoom about the centre and shift follow the same guarantee', () => {
      const cams = randomCameras(r, 3, 48, 64);
      const f = Float32Array.of(1.5, 0.8, 2);
      for (const pc of [0.5, 0]) {
        const e = 0.5 - pc;
        const K = sk.camera.zoom(cams.K, f, { width: 64, height: 48, pixelCenter: pc });
        const child = sk.camera.rayMap(withK(cams, K), { height: 48, width: 64, pixelCenter: pc });
        for (let i = 0; i < 3; i++) {
          const one = { K: cams.K.subarray(9 * i, 9 * i + 9), R: cams.R.subarray(9 * i, 9 * i + 9), t: cams.t.subarray(3 * i, 3 * i + 3) };
          // corner-origin c = q + e zooms about (W/2, H/2): c' = f·(c − C) + C
          const back = (x: number, y: number): [number, number] => [(x + e - 32) / f[i] + 32 - e, (y + e - 24) / f[i] + 24 - e];
          expectClose(child.subarray(i * 48 * 64 * 6, (i + 1) * 48 * 64 * 6), viaParent(one, 48, 64, pc, back), 1e-5);
        }
      }
      // The centre pixel's ray is unchanged by a zoom with even sizes and pc = 0.5 (it sits on C ± ½).
      const K = sk.camera.shift(cams.K, { x: 3.25, y: -2 });
      const child = sk.camera.rayMap(withK(cams, K), { height: 48, width: 64 });
      const one = { K: cams.K.subarray(0, 9), R: cams.R.subarray(0, 9), t: cams.t.subarray(0, 3) };
      expectClose(child.subarray(0, 48 * 64 * 6), viaParent(one, 48, 64, 0.5, (x, y) => [x - 3.25, y + 2]), 1e-5);
    });
  });

  describe('properties (fast-check)', () => {
    const f = (min: number, max: number) => fc.double({ min, max, noNaN: true });
    const camArb = fc.record({
      fx: f(20, 400), aspect: f(0.7, 1.4), skew: f(-20, 20), cx: f(-50, 100), cy: f(-50, 100),
      q: fc.tuple(f(-1, 1), f(-1, 1), f(-1, 1), f(-1, 1)).filter((q) => Math.hypot(...q) > 0.1),
      t: fc.tuple(f(-5, 5), f(-5, 5), f(-5, 5)),
    }).map((c) => ({
      K: Float32Array.of(c.fx, c.skew, c.cx, 0, c.fx * c.aspect, c.cy, 0, 0, 1),
      R: Float32Array.from(quatMatrix(unit4(c.q))), t: Float32Array.from(c.t),
    }));
    it('fromRays(rayMap(c)) = c: K, R within 1e-5 relative, t within 1e-5·(1 + |t|), for any camera (principal point even outside the image)', () => {
      fc.assert(fc.property(camArb, (cams) => {
        const [rec] = sk.camera.fromRays(sk.camera.rayMap(cams, { height: 24, width: 32 }), { height: 24, width: 32 });
        const c = camAt(cams, 0);
        // Narrow views (f up to 400 px over 32 px) condition the K fit up to ~10× worse than 45°.
        return relErr(rec.K, c.K) <= 1e-5 && relErr(rec.R, c.R) <= 1e-5 && worst(rec.t, c.t, 1e-5 * (1 + Math.hypot(...c.t))).ratio <= 1;
      }), { seed: SEED, numRuns: 100 });
    });
    it('crop(K, {x, y}) maps equal the parent\'s sub-block for any integer offset', () => {
      fc.assert(fc.property(camArb, fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 8 }), (cams, x, y) => {
        const parent = sk.camera.rayMap(cams, { height: 16, width: 20 });
        const child = sk.camera.rayMap({ ...cams, K: sk.camera.crop(cams.K, { x, y }) }, { height: 8, width: 8 });
        const block = Float32Array.from({ length: child.length }, (_, k) => {
          const c = k % 6, pix = (k - c) / 6, v = Math.floor(pix / 8), u = pix % 8;
          return parent[((v + y) * 20 + u + x) * 6 + c];
        });
        return worst(child, block, 2e-5 * (1 + Math.hypot(...centerOf(camAt(cams, 0))))).ratio <= 1;
      }), { seed: SEED, numRuns: 100 });
    });
  });

  describe('async twins', () => {
    it('give the same results as the sync calls', async () => {
      const cams = randomCameras(r, 3, 100, 120), opts = { height: 100, width: 120, layout: 'chw' as const, order: 'dm' as const };
      const map = sk.camera.rayMap(cams, opts);
      expect(sameBits(await sk.camera.rayMapAsync(cams, opts), map)).toBe(true);
      const pts = uniform(r, 2 * 3 * 50, 0, 100);
      expect(await sk.camera.raysAsync(cams, pts)).toEqual(sk.camera.rays(cams, pts));
      expect(await sk.camera.fromRaysAsync(map, opts)).toEqual(sk.camera.fromRays(map, opts));
      const all = await Promise.all([0, 1, 2].map(() => sk.camera.rayMapAsync(cams, opts)));
      all.forEach((x) => expect(sameBits(x, map)).toBe(true));
    });
    it('reject with the same errors, keeping the caller in the stack', async () => {
      const err = await sk.camera.fromRaysAsync(new Float32Array(4 * 4 * 6).fill(NaN), { height: 4, width: 4 }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(RangeError);
      expect((err as Error).message).toBe('`map` holds non-finite or zero-length rays for camera 0');
      expect((err as Error).stack).toMatch(/camera\.test\.ts/);
      expect(() => sk.camera.rayMapAsync({ K: new Float32Array(9), R: new Float32Array(9), t: new Float32Array(3) }, { height: 1, width: 1 })).toThrow(/`K\[0\]` must have the last row/);
    });
  });
});

describe('convert between opencv, opengl and pytorch3d', () => {
  const r = rng(SEED + 29);
  const h = 90, w = 160;
  const cams = randomCameras(r, 6, h, w);
  const opts = { height: h, width: w };

  it('round trips: opencv → X → opencv and opengl → pytorch3d → opengl are the identity', () => {
    for (const via of sk.camera.CONVENTIONS) {
      const back = sk.camera.convert(sk.camera.convert(cams, 'opencv', via, opts), via, 'opencv', opts);
      expectClose(back.K, cams.K, 0, 1e-6);
      expect(back.R).toEqual(cams.R); // sign flips and transposes only
      expect(back.t).toEqual(cams.t);
    }
    const gl = sk.camera.convert(cams, 'opencv', 'opengl');
    const back = sk.camera.convert(sk.camera.convert(gl, 'opengl', 'pytorch3d', opts), 'pytorch3d', 'opengl', opts);
    expectClose(back.K, gl.K, 0, 1e-6);
    expectClose(back.R, gl.R, 1e-7);
  });

  it('every convention projects a world point to the same image point (its own formulas, float64)', () => {
    const gl = sk.camera.convert(cams, 'opencv', 'opengl');
    const p3 = sk.camera.convert(cams, 'opencv', 'pytorch3d', opts);
    const S = Math.min(h, w) / 2;
    for (let i = 0; i < 6; i++) {
      const cv = camAt(cams, i), g = camAt(gl, i), p = camAt(p3, i);
      const X = add3(centerOf(cv), scale(at(cv.R, 2, 3), 5)); // 5 units in front of the camera
      // OpenCV: pixel = K·(R X + t) / z
      const xc = add3(mulMV(cv.R, X), cv.t), uv = mulMV(cv.K, xc.map((v) => v / xc[2]));
      // OpenGL: camera looks down −z with y up: x_gl = (x, −y, −z) of OpenCV's.
      const xg = add3(mulMV(g.R, X), g.t);
      expectClose(xg, [xc[0], -xc[1], -xc[2]], 1e-5);
      // pytorch3d: x_view = X·R + T (row vector); ndc = (fx·x/z + s·y/z + px, fy·y/z + py);
      // pixel (corner origin) = (W/2 − S·ndc_x, H/2 − S·ndc_y).
      const xv = add3(mulMV(transpose(p.R), X), p.t);
      const ndc = [p.K[0] * xv[0] / xv[2] + p.K[1] * xv[1] / xv[2] + p.K[2], p.K[4] * xv[1] / xv[2] + p.K[5]];
      expectClose([w / 2 - S * ndc[0], h / 2 - S * ndc[1]], [uv[0], uv[1]], 1e-3);
    }
  });

  it('RayDiffusion order: a pytorch3d camera converted to opencv gives its [d, m] map', () => {
    const p3 = sk.camera.convert(cams, 'opencv', 'pytorch3d', opts);
    const map = sk.camera.rayMap(sk.camera.convert(p3, 'pytorch3d', 'opencv', opts), { ...opts, order: 'dm' });
    expectClose(map, sk.camera.rayMap(cams, { ...opts, order: 'dm' }), 1e-5);
  });
});

const add3 = (a: number[], b: number[]): V => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];

describe('bad input: TypeError/RangeError naming the argument', () => {
  const K = Float32Array.of(100, 0, 50, 0, 100, 50, 0, 0, 1), R = Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), t = new Float32Array(3);
  const cams = { K, R, t };
  const hw = { height: 4, width: 4 };
  it('cameras', () => {
    expect(() => sk.camera.rayMap(null as never, hw)).toThrow(new TypeError('Expected an object {K, R, t} for `cameras` but received null'));
    expect(() => sk.camera.rayMap({ K: new Float64Array(9), R, t } as never, hw)).toThrow(new TypeError('Expected Float32Array of length 9·N for `K` but received Float64Array(9)'));
    expect(() => sk.camera.rayMap({ K, R, t: new Float32Array(4) }, hw)).toThrow(new RangeError('Expected Float32Array of length 3·N for `t` but received Float32Array(4)'));
    expect(() => sk.camera.rayMap({ K: new Float32Array(18), R: new Float32Array(27), t }, hw)).toThrow(new RangeError('Expected `R` to hold 1 or 2 items (the batch size of `K`) but received 3'));
    expect(() => sk.camera.rayMap({ K: Float32Array.of(100, 0, 50, 0, 0, 50, 0, 0, 1), R, t }, hw)).toThrow(new RangeError('`K[0]` is not invertible'));
    expect(() => sk.camera.rayMap({ K: Float32Array.of(100, 0, 50, 0, 100, 50, 0, 1, 1), R, t }, hw)).toThrow(new RangeError('`K[0]` must have the last row (0, 0, 1) but has (0, 1, 1)'));
    expect(() => sk.camera.rayMap({ K: Float32Array.of(100, 0, NaN, 0, 100, 50, 0, 0, 1), R, t }, hw)).toThrow(new RangeError('`K[0]` has a non-finite value'));
    expect(() => sk.camera.rayMap({ K, R: Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1.01, 0, 0, 0, 1), t }, hw)).toThrow(/^`R\[1\]` is not a rotation \(\|RRᵀ − I\| = 0\.0201/);
    expect(() => sk.camera.rayMap({ K, R: Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, -1), t }, hw)).toThrow(/`R\[0\]` is not a rotation .*det = -1/);
    expect(() => sk.camera.rayMap({ K, R, t: Float32Array.of(0, Infinity, 0) }, hw)).toThrow(new RangeError('`t[0]` has a non-finite value'));
  });
  it('options: sizes, layout/order typos, pixelCenter, out, overflow', () => {
    expect(() => sk.camera.rayMap(cams, undefined as never)).toThrow(new TypeError('Expected an integer in [1, 4194304] for `height` but received undefined'));
    expect(() => sk.camera.rayMap(cams, 5 as never)).toThrow(new TypeError('Expected an options object {height, width, …} for `opts` but received the number 5'));
    expect(() => sk.camera.rayMap(cams, { height: 0, width: 4 })).toThrow(new RangeError('Expected an integer in [1, 4194304] for `height` but received the number 0'));
    expect(() => sk.camera.rayMap(cams, { height: 4, width: 2 ** 22 + 1 })).toThrow(/for `width` but received the number 4194305/);
    expect(() => sk.camera.rayMap(cams, { height: 4.5, width: 4 })).toThrow(RangeError);
    expect(() => sk.camera.rayMap(cams, { ...hw, layout: 'HWC' as never })).toThrow(new RangeError("Expected one of 'hwc', 'chw' for `layout` but received 'HWC'"));
    expect(() => sk.camera.rayMap(cams, { ...hw, order: 'm' as never })).toThrow(new RangeError("Expected one of 'md', 'dm', 'd' for `order` but received 'm'"));
    expect(() => sk.camera.rayMap(cams, { ...hw, pixelCenter: NaN })).toThrow(new RangeError('Expected a finite number for `pixelCenter` but received the number NaN'));
    expect(() => sk.camera.rayMap(cams, { ...hw, out: new Float32Array(95) })).toThrow(new RangeError('Expected Float32Array of length 6·N for `out` but received Float32Array(95)'));
    expect(() => sk.camera.rayMap(cams, { ...hw, out: new Float32Array(90) })).toThrow(new RangeError('Expected `out` to hold 16 rays but received 15'));
    expect(() => sk.camera.rayMap(cams, { height: 70000, width: 70000 })).toThrow(new RangeError('Expected at most 2^32 floats in the ray map but received 1 × 70000 × 70000 × 6'));
    expect(() => sk.camera.rays(cams, new Float32Array(3))).toThrow(new RangeError('Expected Float32Array of length 2·N for `points` but received Float32Array(3)'));
    expect(() => sk.camera.rays({ K: new Float32Array(18).map((_, k) => K[k % 9]), R, t }, new Float32Array(6))).toThrow(new RangeError('Expected `points` to hold P points for each of the 2 cameras but received 3 points'));
    expect(() => sk.camera.rays(cams, new Float32Array(2), { shared: 1 as never })).toThrow(new TypeError('Expected a boolean for `shared` but received the number 1'));
  });
  it('fromRays: sizes, NaN, parallel rays, degenerate directions', () => {
    const map = sk.camera.rayMap(cams, hw);
    expect(() => sk.camera.fromRays(map, { height: 1, width: 16 })).toThrow(new RangeError('Expected an integer in [2, 4194304] for `height` but received the number 1'));
    expect(() => sk.camera.fromRays(map, { height: 4, width: 5 })).toThrow(new RangeError('Expected `map` to hold N × 4 × 5 × 6 floats but received Float32Array(96)'));
    expect(() => sk.camera.fromRays(map, { ...hw, order: 'd' as never })).toThrow(new RangeError("Expected one of 'md', 'dm' for `order` but received 'd'"));
    const nan = map.slice(); nan[7] = NaN;
    expect(() => sk.camera.fromRays(nan, hw)).toThrow(new RangeError('`map` holds non-finite or zero-length rays for camera 0'));
    const zero = map.slice(); zero.fill(0, 6, 12);
    expect(() => sk.camera.fromRays(zero, hw)).toThrow(/zero-length rays/);
    // All rays parallel to z, through different points: no centre.
    const par = new Float32Array(96);
    for (let k = 0; k < 16; k++) par.set([k % 4, -(k >> 2), 0, 0, 0, 1], 6 * k); // m = p × ẑ for p = (−(k>>2)… ) any
    expect(() => sk.camera.fromRays(par, hw)).toThrow(new RangeError('`map`: the rays of camera 0 are (nearly) parallel, so they meet in no single centre'));
    // Rays through one centre but only two distinct directions: no K·R.
    const two = new Float32Array(96);
    for (let k = 0; k < 16; k++) two.set(k % 2 ? [0, 0, 0, 0, 0, 1] : [0, 0, 0, 0.6, 0, 0.8], 6 * k);
    expect(() => sk.camera.fromRays(two, hw)).toThrow(new RangeError('`map`: the rays of camera 0 do not determine K·R (degenerate directions)'));
  });
  it('convert and augmentation', () => {
    expect(() => sk.camera.convert(cams, 'opencv', 'colmap' as never)).toThrow(new RangeError("Expected one of 'opencv', 'opengl', 'pytorch3d' for `to` but received 'colmap'"));
    expect(() => sk.camera.convert(cams, 'opencv', 'pytorch3d')).toThrow(new TypeError('Expected an integer in [1, 4194304] for `height` but received undefined'));
    expect(() => sk.camera.crop(K, { x: 1 } as never)).toThrow(new TypeError('Expected Float32Array for `y` but received undefined'));
    expect(() => sk.camera.crop(K, { x: NaN, y: 0 })).toThrow(new RangeError('Expected a finite number for `x` but received the number NaN'));
    expect(() => sk.camera.resize(K, { sx: 0, sy: 1 })).toThrow(new RangeError('Expected `sx` and `sy` > 0 but received 0 and 1'));
    expect(() => sk.camera.zoom(K, -2, hw)).toThrow(new RangeError('Expected `factor` > 0 but received -2'));
    expect(() => sk.camera.shift(new Float32Array(18), { x: new Float32Array(3), y: 0 })).toThrow(new RangeError('Expected `x` to hold 1 or 2 items (the batch size of `K`) but received 3'));
  });
});

describe('the backend boundary checks again (calls that bypass the TypeScript layer)', () => {
  for (const b of sk.backends().filter((x) => x.available)) {
    it(`${b.backend}: wrong types, sizes, overflowing maps and detached buffers throw, never crash`, async () => {
      const { module } = await import('../src/backend/index.js');
      const k = module(b.backend)!.camera as unknown as Record<string, (...a: unknown[]) => unknown>;
      const c = new Float32Array(12);
      expect(() => k.rayMap(new Float64Array(12), 2, 2, 0.5, 'hwc', 'md', new Float32Array(24))).toThrow(TypeError);
      expect(() => k.rayMap(new Float32Array(13), 2, 2, 0.5, 'hwc', 'md', new Float32Array(24))).toThrow(RangeError);
      expect(() => k.rayMap(c, 2, 2, 0.5, 'hwc', 'md', new Float32Array(18))).toThrow(new RangeError('Expected `out` to hold 4 rays but received 3'));
      expect(() => k.rayMap(c, 0, 2, 0.5, 'hwc', 'md', new Float32Array(0))).toThrow(new RangeError('Expected an integer in [1, 4194304] for `height` but received the number 0'));
      expect(() => k.rayMap(c, 2, 2, NaN, 'hwc', 'md', new Float32Array(24))).toThrow(/`pixelCenter`/);
      expect(() => k.rayMap(c, 2, 2, 0.5, 'hw', 'md', new Float32Array(24))).toThrow(/`layout`/);
      expect(() => k.rayMap(c, 2, 2, 0.5, 'hwc', 'mm', new Float32Array(24))).toThrow(/`order`/);
      expect(() => k.rayMap(new Float32Array(12 * 16), 70000, 70000, 0.5, 'hwc', 'md', new Float32Array(6))).toThrow(new RangeError('Expected at most 2^32 floats in the ray map but received 16 × 70000 × 70000 × 6'));
      expect(() => k.rayMap()).toThrow(TypeError);
      expect(() => k.rays(new Float32Array(24), new Float32Array(6), false, 'md', new Float32Array(18))).toThrow(/for each of the 2 cameras/);
      expect(() => k.rays(c, new Float32Array(6), true, 'md', new Float32Array(12))).toThrow(RangeError);
      expect(() => k.moments(new Float32Array(96), 1, 4, 5, 0.5, 'hwc', 'md', new Float64Array(30))).toThrow(/`map` to hold 1 × 4 × 5 × 6 floats/);
      expect(() => k.moments(new Float32Array(96), 2, 4, 4, 0.5, 'hwc', 'md', new Float64Array(30))).toThrow(RangeError);
      expect(() => k.moments(new Float32Array(96), 1, 4, 4, 0.5, 'hwc', 'd', new Float64Array(30))).toThrow(/`order`/);
      expect(() => k.moments(new Float32Array(96), 1, 4, 4, 0.5, 'hwc', 'md', new Float32Array(30))).toThrow(TypeError);
      const d = new Float32Array(24);
      structuredClone(d.buffer, { transfer: [d.buffer] });
      expect(() => k.rayMap(c, 2, 2, 0.5, 'hwc', 'md', d)).toThrow(TypeError);
      expect(() => k.rays(c, d, true, 'md', new Float32Array(0))).toThrow(TypeError);
    });
  }
});

describe.skipIf(!sk.backends().find((b) => b.backend === 'native')?.available)('native ISA levels', () => {
  // Each level is fixed at load (SPATIALKIT_ISA), so each runs in a child process; with no
  // contraction and IEEE sqrt/division every level must give the same bits.
  const script = `
const addon = require('node-gyp-build')(process.cwd()), k = addon.camera, h = require('crypto');
const c = Float32Array.from({ length: 36 }, (_, i) => [0.002, 1e-5, -0.6, 0.0003, 0.0021, -0.4, 0.1, 0.05, 1, 1, -2, 3][i % 12] * (1 + i / 100));
const hash = (a) => h.createHash('sha1').update(Buffer.from(a.buffer)).digest('hex');
const out = {};
for (const layout of ['hwc', 'chw']) for (const order of ['md', 'dm', 'd']) {
  const o = new Float32Array(3 * 61 * 127 * (order === 'd' ? 3 : 6)); k.rayMap(c, 61, 127, 0.5, layout, order, o); out[layout + order] = hash(o);
}
const pts = Float32Array.from({ length: 2 * 3 * 999 }, (_, i) => (i * 7919) % 1000 / 7);
const r = new Float32Array(3 * 999 * 6); k.rays(c, pts, false, 'md', r); out.rays = hash(r);
const map = new Float32Array(3 * 61 * 127 * 6); k.rayMap(c, 61, 127, 0.5, 'hwc', 'md', map);
const m = new Float64Array(90); k.moments(map, 3, 61, 127, 0.5, 'hwc', 'md', m); out.moments = hash(m);
out.isa = addon.info().isa;
console.log(JSON.stringify(out));`;
  const runWith = (isa: string): Record<string, string> =>
    JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, SPATIALKIT_ISA: isa }, encoding: 'utf8' }));
  it('baseline, AVX2 and AVX-512 builds of rayMap, rays and the fromRays sums give bit-identical results', () => {
    const { isa: bestIsa, ...bestOut } = runWith('');
    expect(bestIsa).toBe(expectedIsa(''));
    for (const isa of ['baseline', 'avx2'] as const) {
      const { isa: used, ...got } = runWith(isa);
      expect(used, `the child started with SPATIALKIT_ISA=${isa} ran on`).toBe(expectedIsa(isa));
      expect(got).toEqual(bestOut);
    }
  });
});

describe('backends agree', () => {
  const avail = sk.backends().filter((b) => b.available).map((b) => b.backend);
  it(`rayMap (every layout and order), rays and fromRays are bit-identical on ${avail.join(', ')}`, () => {
    const r = rng(SEED + 41), cams = randomCameras(r, 3, 37, 53), pts = uniform(r, 2 * 3 * 101, -5, 60);
    const run = (name: sk.BackendName): Float32Array[] => {
      sk.setBackend(name);
      const maps = LAYOUTS.flatMap((layout) => ORDERS.map((order) => sk.camera.rayMap(cams, { height: 37, width: 53, layout, order, pixelCenter: 0.3 })));
      const rec = sk.camera.fromRays(maps[0], { height: 37, width: 53, pixelCenter: 0.3 });
      return [...maps, sk.camera.rays(cams, pts), sk.camera.rays(cams, pts.subarray(0, 202), { shared: true, order: 'd' }),
        ...rec.map((c) => new Float32Array(Float64Array.from([...c.K, ...c.R, ...c.t, ...c.center]).buffer))];
    };
    const results = avail.map(run);
    sk.setBackend('auto');
    for (const x of results.slice(1)) x.forEach((a, k) => expect(sameBits(a, results[0][k]), `output ${k}`).toBe(true));
  });
});
