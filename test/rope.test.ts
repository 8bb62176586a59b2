// sk.rope on every backend against float64 oracles written here (not the code under test).
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as sk from 'spatialkit';
import { eachBackend, expectClose, expectedIsa, rng, SEED, uniform, worst } from './helpers.js';

// ---------- float64 oracles ----------
type M3 = number[][];
const matmul = (A: M3, B: M3): M3 => A.map((row) => [0, 1, 2].map((j) => row[0] * B[0][j] + row[1] * B[1][j] + row[2] * B[2][j]));
const Rx = (a: number): M3 => [[1, 0, 0], [0, Math.cos(a), -Math.sin(a)], [0, Math.sin(a), Math.cos(a)]];
const Ry = (b: number): M3 => [[Math.cos(b), 0, Math.sin(b)], [0, 1, 0], [-Math.sin(b), 0, Math.cos(b)]];
const Rz = (c: number): M3 => [[Math.cos(c), -Math.sin(c), 0], [Math.sin(c), Math.cos(c), 0], [0, 0, 1]];
// R(p) = Rz(θz·pz)·Ry(θy·py)·Rx(θx·px), built by multiplying the three factors.
const quatR = (p: ArrayLike<number>, th: number[]): M3 => matmul(matmul(Rz(th[2] * p[2]), Ry(th[1] * p[1])), Rx(th[0] * p[0]));

/** θ per segment and axis from the documented forms. */
function thetaRows(S: number, theta: number | number[] = 0.3, scale = [1, 1, 1]): number[][] {
  return Array.from({ length: S }, (_, s) => [0, 1, 2].map((a) => {
    const t = typeof theta === 'number' ? theta : theta.length === S ? theta[s] : theta.length === 3 * S ? theta[3 * s + a] : theta[a];
    return t * scale[a];
  }));
}

function quatropeRef(x: ArrayLike<number>, pos: ArrayLike<number>, th: number[][], T: number, H: number, D: number, mask?: Uint8Array): Float64Array {
  const o = Float64Array.from(x);
  const N = x.length / (H * D);
  for (let i = 0; i < N; i++) {
    const t = i % T;
    if (mask && !mask[t]) continue;
    const p = [pos[3 * t], pos[3 * t + 1], pos[3 * t + 2]];
    const R = th.map((row) => quatR(p, row));
    for (let h = 0; h < H; h++) {
      const b = (i * H + h) * D;
      for (let s = 0; s < th.length; s++) {
        const v = [x[b + 3 * s], x[b + 3 * s + 1], x[b + 3 * s + 2]];
        for (let r = 0; r < 3; r++) o[b + 3 * s + r] = R[s][r][0] * v[0] + R[s][r][1] * v[1] + R[s][r][2] * v[2];
      }
    }
  }
  return o;
}

function igreRef(x: ArrayLike<number>, pos: ArrayLike<number>, mask: Uint8Array | undefined, th: number[][], b: number[], T: number, H: number, D: number): Float64Array {
  const S = th.length, W = D + 3 * S, N = x.length / (H * D);
  const nb = Math.hypot(...b), u = b.map((v) => v / nb);
  const o = new Float64Array(N * H * W);
  for (let i = 0; i < N; i++) {
    const t = i % T;
    for (let h = 0; h < H; h++) {
      for (let k = 0; k < D; k++) o[(i * H + h) * W + k] = x[(i * H + h) * D + k];
      if (mask && !mask[t]) continue;
      for (let s = 0; s < S; s++) {
        const R = quatR([pos[3 * t], pos[3 * t + 1], pos[3 * t + 2]], th[s]);
        for (let r = 0; r < 3; r++) o[(i * H + h) * W + D + 3 * s + r] = R[r][0] * u[0] + R[r][1] * u[1] + R[r][2] * u[2];
      }
    }
  }
  return o;
}

/** Pair rotations given the angle of pair j for token row t. */
function pairsRef(x: ArrayLike<number>, angle: (t: number, j: number) => number, T: number, H: number, D: number,
  layout: 'half' | 'interleaved', mask?: Uint8Array): Float64Array {
  const o = Float64Array.from(x), P = D / 2, N = x.length / (H * D);
  for (let i = 0; i < N; i++) {
    const t = i % T;
    if (mask && !mask[t]) continue;
    for (let h = 0; h < H; h++) {
      const b = (i * H + h) * D;
      for (let j = 0; j < P; j++) {
        const [ia, ib] = layout === 'half' ? [b + j, b + j + P] : [b + 2 * j, b + 2 * j + 1];
        const phi = angle(t, j), a = x[ia], bb = x[ib];
        o[ia] = a * Math.cos(phi) - bb * Math.sin(phi);
        o[ib] = a * Math.sin(phi) + bb * Math.cos(phi);
      }
    }
  }
  return o;
}
const invFreq = (D: number, base = 1e4) => (j: number): number => Math.pow(base, (-2 * j) / D);
// Qwen2-VL: cos/sin of the three axes over emb = cat(freqs, freqs), split by sections·2, chunk i from axis i mod 3.
function qwenAxisOfDim(sections: number[], D: number): number[] {
  const chunks = [...sections, ...sections], axis: number[] = [];
  chunks.forEach((len, i) => { for (let k = 0; k < len; k++) axis.push(i % 3); });
  expect(axis.length).toBe(D);
  return axis;
}

// float16 / bfloat16 decoders written from the formats' definitions.
const f16 = (h: number): number => {
  const e = (h >> 10) & 31, m = h & 1023, s = h & 0x8000 ? -1 : 1;
  return e === 31 ? (m ? NaN : s * Infinity) : s * (e ? (1 + m / 1024) * 2 ** (e - 15) : m * 2 ** -24);
};
const bf16 = (h: number): number => new Float32Array(new Uint32Array([h << 16]).buffer)[0];
const decode = (a: Uint16Array, dt: 'float16' | 'bfloat16'): Float64Array => Float64Array.from(a, dt === 'float16' ? f16 : bf16);

const bits = (a: Float32Array | Uint16Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>, from = 0, to = a.length): number => {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i] * b[i];
  return s;
};

// Shapes: odd D (trailing values), D = 3 (one segment), SIMD-unfriendly sizes, and one above the thread split.
const QUAT_SHAPES: [number, number, number][] = [[0, 1, 3], [1, 1, 3], [5, 3, 4], [7, 2, 5], [33, 4, 128], [17, 3, 129], [300, 8, 129]];
const PAIR_SHAPES: [number, number, number][] = [[0, 1, 2], [1, 1, 2], [5, 3, 6], [33, 4, 64], [300, 8, 128]];

eachBackend('rope', (backend) => {
  beforeAll(() => { sk.setBackend(backend); });
  const r = rng(SEED);

  describe(`QuatRoPE against the float64 oracle (seed ${SEED})`, () => {
    it.each(QUAT_SHAPES)('T = %i, H = %i, D = %i: scalar θ, ladder, [S, 3], per-axis triple, axisScale', (T, H, D) => {
      expect(sk.getBackend()).toBe(backend);
      const S = Math.floor(D / 3), x = uniform(r, T * H * D), pos = uniform(r, 3 * T, -10, 10);
      const ladderT = Array.from({ length: S }, () => 2 * r());
      const full = Array.from({ length: 3 * S }, () => r() - 0.5);
      const cases: [sk.rope.QuatRopeOptions, number[][]][] = [
        [{ heads: H, headDim: D }, thetaRows(S)],
        [{ heads: H, headDim: D, theta: ladderT }, thetaRows(S, ladderT)],
        [{ heads: H, headDim: D, theta: Float64Array.from(full) }, thetaRows(S, full)],
        [{ heads: H, headDim: D, theta: 0.8, axisScale: [1, -2, 0.5] }, thetaRows(S, 0.8, [1, -2, 0.5])],
      ];
      cases.push([{ heads: H, headDim: D, theta: [0.1, 0.2, 0.7] }, thetaRows(S, [0.1, 0.2, 0.7])]);  // S = 3: per segment
      for (const [opts, th] of cases) {
        const got = sk.rope.quatrope(x, pos, opts);
        // |x| ≤ 1, three-term sums of float32 products with angles reduced in float64: a few ulps.
        expectClose(got, quatropeRef(x, pos, th, T, H, D), 2e-6);
        for (let i = 0; i < T * H; i++) for (let k = 3 * S; k < D; k++) expect(got[i * D + k]).toBe(x[i * D + k]);
      }
    });

    it('mask 0 leaves tokens bit-identical (their positions may be NaN); [B, T, H, D] shares positions', () => {
      const T = 9, H = 2, D = 7, B = 3, x = uniform(r, B * T * H * D), pos = uniform(r, 3 * T, -5, 5);
      const mask = Uint8Array.from({ length: T }, (_, i) => i % 3 ? 1 : 0);
      for (let t = 0; t < T; t++) if (!mask[t]) pos[3 * t + 1] = NaN;
      const got = sk.rope.quatrope(x, pos, { heads: H, headDim: D, mask });
      expectClose(got, quatropeRef(x, pos, thetaRows(2), T, H, D, mask), 2e-6);
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) if (!mask[t]) {
        const o = ((b * T + t) * H) * D;
        expect(Array.from(got.subarray(o, o + H * D))).toEqual(Array.from(x.subarray(o, o + H * D)));
      }
    });

    it('large positions (|p| up to 1e5, θ = 1): angles reduced in float64', () => {
      const T = 64, H = 2, D = 6, x = uniform(r, T * H * D), pos = uniform(r, 3 * T, -1e5, 1e5);
      expectClose(sk.rope.quatrope(x, pos, { heads: H, headDim: D, theta: 1 }), quatropeRef(x, pos, thetaRows(2, 1), T, H, D), 3e-6);
    });
  });

  describe('IGRE against the float64 oracle', () => {
    it.each([[1, 1, 3, 1], [6, 2, 8, 1], [33, 4, 128, 2], [200, 8, 64, 3]])('T = %i, H = %i, D = %i, S = %i', (T, H, D, S) => {
      const x = uniform(r, T * H * D), pos = uniform(r, 3 * T, -10, 10);
      const mask = Uint8Array.from({ length: T }, () => (r() < 0.7 ? 1 : 0));
      const theta = Array.from(sk.rope.ladder(S));
      const b = [0.3, -1, 2];
      const got = sk.rope.igre(x, pos, mask, { heads: H, headDim: D, segments: S, theta, baseVector: b });
      expect(got.length).toBe(T * H * (D + 3 * S));
      expectClose(got, igreRef(x, pos, mask, thetaRows(S, theta), b, T, H, D), 2e-6);
      const W = D + 3 * S;
      for (let i = 0; i < T * H; i++) {
        const t = Math.floor(i / H);
        // original D values unchanged, bit for bit
        expect(Array.from(got.subarray(i * W, i * W + D))).toEqual(Array.from(x.subarray(i * D, i * D + D)));
        for (let s = 0; s < S; s++) {
          const e = got.subarray(i * W + D + 3 * s, i * W + D + 3 * s + 3);
          if (mask[t]) expect(Math.abs(Math.hypot(...e) - 1)).toBeLessThan(1e-6);  // unit rows for objects
          else expect(Array.from(e)).toEqual([0, 0, 0]);                              // zero rows otherwise
        }
      }
    });

    it("the released-code preset for the paper's model, Llama-3.2-1B (head_dim 64, rope_theta 5e5): θ = 0.541, not the default's 0.649", () => {
      // θ = rope_theta^(−3/D) written as exp(−3·ln(rope_theta)/D).
      const paper = sk.rope.igreReleased(64, 5e5), byDefault = sk.rope.igreReleased(64);
      expect(paper.theta).toBeCloseTo(Math.exp((-3 * Math.log(5e5)) / 64), 14);
      expect(paper.theta).toBeCloseTo(0.541, 3);
      expect(byDefault.theta).toBeCloseTo(0.649, 3);
      expect(paper).toEqual({ segments: 1, baseVector: [1, 0, 0], theta: paper.theta });
    });

    it('the released-code preset: θ = 1e4^(−3/128) = 0.80584, b = (1, 0, 0), x never enters', () => {
      const pre = sk.rope.igreReleased(128);
      expect(pre.theta).toBeCloseTo(0.80584, 5);
      expect(pre).toEqual({ segments: 1, baseVector: [1, 0, 0], theta: 1e4 ** (-3 / 128) });
      expect(sk.rope.ladder(1, { dims: 128, start: 1 })[0]).toBe(pre.theta);
      const T = 50, H = 2, D = 128, x = uniform(r, T * H * D), pos = uniform(r, 3 * T, -10, 10);
      const got = sk.rope.igre(x, pos, undefined, { heads: H, headDim: D, ...pre });
      expectClose(got, igreRef(x, pos, undefined, thetaRows(1, pre.theta), [1, 0, 0], T, H, D), 2e-6);
      const moved = pos.map((v, i) => (i % 3 === 0 ? v + 7.5 : v));
      expect(sk.rope.igre(x, moved, undefined, { heads: H, headDim: D, ...pre })).toEqual(got);
    });
  });

  describe('RoPE, M-RoPE, mixed 3-D RoPE against float64 oracles', () => {
    it.each(PAIR_SHAPES)('rope1d, both layouts: T = %i, H = %i, D = %i', (T, H, D) => {
      const x = uniform(r, T * H * D), pos = Float32Array.from({ length: T }, (_, i) => i * 37 + r());
      for (const layout of ['half', 'interleaved'] as const) {
        for (const base of [1e4, 500]) {
          const got = sk.rope.rope1d(x, pos, { heads: H, headDim: D, layout, base });
          const f = invFreq(D, base);
          expectClose(got, pairsRef(x, (t, j) => pos[t] * f(j), T, H, D, layout), 2e-6);
        }
      }
      if (T) expectClose(sk.rope.rope1d(x, pos, { heads: H, headDim: D }), pairsRef(x, (t, j) => pos[t] * invFreq(D)(j), T, H, D, 'half'), 2e-6);
    });

    it('rope1d at positions up to 1e6 keeps float32 accuracy', () => {
      const T = 40, H = 1, D = 16, x = uniform(r, T * H * D), pos = Float32Array.from({ length: T }, () => Math.round(1e6 * r()));
      expectClose(sk.rope.rope1d(x, pos, { heads: H, headDim: D }), pairsRef(x, (t, j) => pos[t] * invFreq(D)(j), T, H, D, 'half'), 2e-6);
    });

    it.each(PAIR_SHAPES.filter(([, , D]) => D >= 6))('mrope as Qwen2-VL (sections·2 chunks): T = %i, H = %i, D = %i', (T, H, D) => {
      const P = D / 2, s0 = Math.floor(P / 4), s1 = Math.floor((P - s0) / 2), sections = [s0, s1, P - s0 - s1];
      const x = uniform(r, T * H * D), pos = Float32Array.from({ length: 3 * T }, () => Math.floor(100 * r()));
      const axis = qwenAxisOfDim(sections, D);
      const got = sk.rope.mrope(x, pos, { heads: H, headDim: D, sections });
      expectClose(got, pairsRef(x, (t, j) => pos[3 * t + axis[j]] * invFreq(D)(j), T, H, D, 'half'), 2e-6);
      const inter = sk.rope.mrope(x, pos, { heads: H, headDim: D, sections, layout: 'interleaved' });
      expectClose(inter, pairsRef(x, (t, j) => pos[3 * t + axis[j]] * invFreq(D)(j), T, H, D, 'interleaved'), 2e-6);
    });

    it('mrope with sections [16, 24, 24] at D = 128 (Qwen2-VL-7B)', () => {
      const T = 20, H = 2, D = 128, sections = [16, 24, 24], x = uniform(r, T * H * D);
      const pos = Float32Array.from({ length: 3 * T }, () => Math.floor(50 * r()));
      const axis = qwenAxisOfDim(sections, D);
      expectClose(sk.rope.mrope(x, pos, { heads: H, headDim: D, sections }),
        pairsRef(x, (t, j) => pos[3 * t + axis[j]] * invFreq(D)(j), T, H, D, 'half'), 2e-6);
    });

    it.each(PAIR_SHAPES)('mixed3d with given and default frequencies: T = %i, H = %i, D = %i', (T, H, D) => {
      const x = uniform(r, T * H * D), pos = uniform(r, 3 * T, -10, 10), P = D / 2;
      const w = Array.from({ length: 3 * P }, () => 2 * r() - 1);
      for (const layout of ['half', 'interleaved'] as const) {
        const got = sk.rope.mixed3d(x, pos, { heads: H, headDim: D, frequencies: w, layout });
        expectClose(got, pairsRef(x, (t, j) => w[3 * j] * pos[3 * t] + w[3 * j + 1] * pos[3 * t + 1] + w[3 * j + 2] * pos[3 * t + 2], T, H, D, layout), 3e-6);
      }
      const dflt = sk.rope.mixedFrequencies(D, { seed: 7 });
      expectClose(sk.rope.mixed3d(x, pos, { heads: H, headDim: D, seed: 7 }),
        pairsRef(x, (t, j) => dflt[3 * j] * pos[3 * t] + dflt[3 * j + 1] * pos[3 * t + 1] + dflt[3 * j + 2] * pos[3 * t + 2], T, H, D, 'half'), 3e-6);
    });

    it('default mixed frequencies: |ω_j| = base^(−2j/D), directions spread over the sphere, seeded', () => {
      const D = 256, w = sk.rope.mixedFrequencies(D, { seed: 3 });
      for (let j = 0; j < D / 2; j++) expect(Math.hypot(w[3 * j], w[3 * j + 1], w[3 * j + 2]) / invFreq(D)(j)).toBeCloseTo(1, 12);
      expect(sk.rope.mixedFrequencies(D, { seed: 3 })).toEqual(w);
      expect(sk.rope.mixedFrequencies(D, { seed: 4 })).not.toEqual(w);
      // mean unit direction over 128 pairs is near 0 (each component has σ = 1/√3/√128 ≈ 0.05)
      for (let a = 0; a < 3; a++) {
        let s = 0;
        for (let j = 0; j < D / 2; j++) s += w[3 * j + a] / invFreq(D)(j);
        expect(Math.abs(s / (D / 2))).toBeLessThan(0.3);
      }
    });
  });

  describe('float16 and bfloat16 storage (Uint16Array), computed in float32', () => {
    const cases = [['float16', 2 ** -11], ['bfloat16', 2 ** -8]] as const;
    it.each(cases)('%s: each encoding within half an output ulp of the float64 oracle', (dtype, eps) => {
      const enc = dtype === 'float16' ? sk.rope.toFloat16 : sk.rope.toBFloat16;
      const T = 21, H = 3, D = 12, x = enc(uniform(r, T * H * D, -4, 4)), xd = decode(x, dtype);
      const pos = uniform(r, 3 * T, -10, 10), p1 = Float32Array.from({ length: T }, (_, i) => 3 * i);
      // RNE of a float32 result that is itself within ~1e-6 of the exact value.
      const tol = (got: Uint16Array, want: Float64Array): void => expectClose(decode(got, dtype), want, 4e-6, eps);
      tol(sk.rope.quatrope(x, pos, { heads: H, headDim: D, dtype }), quatropeRef(xd, pos, thetaRows(4), T, H, D));
      tol(sk.rope.rope1d(x, p1, { heads: H, headDim: D, dtype, layout: 'interleaved' }), pairsRef(xd, (t, j) => p1[t] * invFreq(D)(j), T, H, D, 'interleaved'));
      const axis = qwenAxisOfDim([1, 2, 3], D);
      tol(sk.rope.mrope(x, pos, { heads: H, headDim: D, dtype, sections: [1, 2, 3] }), pairsRef(xd, (t, j) => pos[3 * t + axis[j]] * invFreq(D)(j), T, H, D, 'half'));
      const w = sk.rope.mixedFrequencies(D);
      tol(sk.rope.mixed3d(x, pos, { heads: H, headDim: D, dtype }), pairsRef(xd, (t, j) => w[3 * j] * pos[3 * t] + w[3 * j + 1] * pos[3 * t + 1] + w[3 * j + 2] * pos[3 * t + 2], T, H, D, 'half'));
      const mask = Uint8Array.from({ length: T }, (_, i) => i & 1);
      tol(sk.rope.igre(x, pos, mask, { heads: H, headDim: D, dtype }), igreRef(xd, pos, mask, thetaRows(1), [1, 0, 0], T, H, D));
    });

    it.each(cases)('%s: conversion helpers round to nearest even and round-trip exactly', (dtype, eps) => {
      const [to, from] = dtype === 'float16' ? [sk.rope.toFloat16, sk.rope.fromFloat16] : [sk.rope.toBFloat16, sk.rope.fromBFloat16];
      // every bit pattern decodes as the format says and re-encodes to itself (NaNs stay NaN)
      const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
      const vals = from(all);
      const want = decode(all, dtype);
      for (let i = 0; i < 65536; i++) {
        if (Number.isNaN(want[i])) { expect(Number.isNaN(vals[i])).toBe(true); continue; }
        expect(vals[i]).toBe(want[i]);
      }
      const back = to(vals);
      for (let i = 0; i < 65536; i++) if (!Number.isNaN(want[i])) expect(back[i]).toBe(i);
      // random float32 values: the nearest representable value, ties to even
      const v = uniform(r, 20000, -70000, 70000).map((a, i) => (i % 2 ? a * 1e-6 : a));
      const enc = to(v), dec = decode(enc, dtype);
      for (let i = 0; i < v.length; i++) {
        if (!Number.isFinite(dec[i])) { expect(Math.abs(v[i])).toBeGreaterThanOrEqual(dtype === 'float16' ? 65504 : 3e38); continue; }
        expect(Math.abs(dec[i] - v[i])).toBeLessThanOrEqual(Math.max(Math.abs(v[i]) * eps, dtype === 'float16' ? 2 ** -25 : 0));
      }
    });

    it.each(cases)('%s: toFloat16/toBFloat16 (the one TypeScript rounding) equal the kernels\' storage rounding bit for bit', (dtype) => {
      // The kernel computes in float32 whatever the storage: so its float16/bfloat16 result must be
      // the TypeScript rounding of its float32 result on the same values. Magnitudes from 2^-30
      // to 2^20 cover subnormals and overflow to infinity of both formats; 2^18 values per layout
      // give a few exact ties even for bfloat16 (one result in 2^16 is a tie).
      const [to, from] = dtype === 'float16' ? [sk.rope.toFloat16, sk.rope.fromFloat16] : [sk.rope.toBFloat16, sk.rope.fromBFloat16];
      const T = 512, H = 8, D = 64;
      const v = uniform(r, T * H * D).map((a) => a * 2 ** Math.floor(-30 + 50 * r()));
      const x16 = to(v), x32 = from(x16);
      const pos = Float32Array.from({ length: T }, () => 100 * r());
      for (const layout of ['half', 'interleaved'] as const) {
        const want = to(sk.rope.rope1d(x32, pos, { heads: H, headDim: D, layout }));
        const got = sk.rope.rope1d(x16, pos, { heads: H, headDim: D, layout, dtype });
        const bad = got.findIndex((g, i) => g !== want[i]);
        expect(bad, `${layout}: first differing value at ${bad}: kernel ${got[bad]}, TypeScript ${want[bad]}`).toBe(-1);
      }
    });

    it('in place and out of place agree for Uint16Array storage', () => {
      const T = 11, H = 2, D = 9, x = sk.rope.toBFloat16(uniform(r, T * H * D)), pos = uniform(r, 3 * T);
      const want = sk.rope.quatrope(x, pos, { heads: H, headDim: D, dtype: 'bfloat16' });
      const y = x.slice();
      expect(sk.rope.quatrope(y, pos, { heads: H, headDim: D, dtype: 'bfloat16', out: y })).toBe(y);
      expect(y).toEqual(want);
    });
  });

  describe('properties (fast-check)', () => {
    const coord = fc.float({ min: -10, max: 10, noNaN: true });
    const p3 = fc.tuple(coord, coord, coord);
    const D = 24, H = 2;
    const vec = (seed: number): Float32Array => uniform(rng(seed), H * D, -1, 1);
    // score between token 0 of f(q, ·) and token 1 of f(k, ·), per head, summed over heads
    const score = (f: (x: Float32Array, p: Float32Array) => Float32Array, q: Float32Array, k: Float32Array, m: number[], n: number[]): number => {
      const x = new Float32Array(2 * H * D);
      x.set(q, 0); x.set(k, H * D);
      const e = f(x, Float32Array.from([...m, ...n]));
      return dot(e.subarray(0, H * D), e.subarray(H * D));
    };
    const add = (a: number[], d: number[]): number[] => a.map((v, i) => Math.fround(v + d[i]));
    // float32 rounding: positions ≤ 20 (ulp 2e-6) times frequencies ≤ 1, over H·D/2 pairs of unit-scale values.
    const TOL = 2e-5;
    const relative: [string, (x: Float32Array, p: Float32Array) => Float32Array][] = [
      ['rope1d', (x, p) => sk.rope.rope1d(x, Float32Array.of(p[0], p[3]), { heads: H, headDim: D })],
      ['rope1d interleaved', (x, p) => sk.rope.rope1d(x, Float32Array.of(p[0], p[3]), { heads: H, headDim: D, layout: 'interleaved' })],
      ['mrope', (x, p) => sk.rope.mrope(x, p, { heads: H, headDim: D, sections: [4, 4, 4] })],
      ['mixed3d', (x, p) => sk.rope.mixed3d(x, p, { heads: H, headDim: D, base: 30 })],
    ];
    for (const [name, f] of relative) {
      it(`${name}: ⟨f(q, m + Δ), f(k, n + Δ)⟩ = ⟨f(q, m), f(k, n)⟩ (exactly relative, to float32 rounding)`, () => {
        fc.assert(fc.property(p3, p3, p3, fc.integer(), (m, n, d, s) => {
          const q = vec(s), k = vec(s + 1);
          return Math.abs(score(f, q, k, add(m, d), add(n, d)) - score(f, q, k, m, n)) <= TOL;
        }), { seed: SEED, numRuns: 200 });
      });
    }
    const quat = (x: Float32Array, p: Float32Array): Float32Array => sk.rope.quatrope(x, p, { heads: H, headDim: D, theta: sk.rope.ladder(8, { base: 10 }) });
    it('quatrope: exactly invariant under z-translation (Rz is the outermost factor)', () => {
      fc.assert(fc.property(p3, p3, coord, fc.integer(), (m, n, dz, s) => {
        const q = vec(s), k = vec(s + 1);
        return Math.abs(score(quat, q, k, add(m, [0, 0, dz]), add(n, [0, 0, dz])) - score(quat, q, k, m, n)) <= TOL;
      }), { seed: SEED, numRuns: 200 });
    });
    it('quatrope: not invariant under x-translation at θ = 0.3 (a witness exists)', () => {
      const q = vec(1), k = vec(2), f = (x: Float32Array, p: Float32Array) => sk.rope.quatrope(x, p, { heads: H, headDim: D });
      let worstChange = 0;
      for (let i = 0; i < 20; i++) worstChange = Math.max(worstChange, Math.abs(score(f, q, k, [i, 1, 2], [3, 4 - i, 5]) - score(f, q, k, [i + 4, 1, 2], [7, 4 - i, 5])));
      expect(worstChange).toBeGreaterThan(0.05);
    });
    it('quatrope: norm-preserving per segment', () => {
      fc.assert(fc.property(p3, fc.integer(), fc.float({ min: -3, max: 3, noNaN: true }), (p, s, th) => {
        const x = vec(s), y = sk.rope.quatrope(x, Float32Array.from(p), { heads: H, headDim: D, theta: th });
        for (let g = 0; g < (H * D) / 3; g++) {
          const a = Math.hypot(x[3 * g], x[3 * g + 1], x[3 * g + 2]), b = Math.hypot(y[3 * g], y[3 * g + 1], y[3 * g + 2]);
          if (Math.abs(a - b) > 1e-6 * (1 + a)) return false;
        }
        return true;
      }), { seed: SEED, numRuns: 200 });
    });
    it('in place equals out of place, bit for bit, for every encoding', () => {
      fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.integer(), (T, s) => {
        const rr = rng(s), x = uniform(rr, T * H * D), pos = uniform(rr, 3 * T, -10, 10), p1 = uniform(rr, T, 0, 100);
        const ops: ((x: Float32Array, out?: Float32Array) => Float32Array)[] = [
          (x, out) => sk.rope.quatrope(x, pos, { heads: H, headDim: D, out }),
          (x, out) => sk.rope.rope1d(x, p1, { heads: H, headDim: D, out, layout: 'interleaved' }),
          (x, out) => sk.rope.mrope(x, pos, { heads: H, headDim: D, out, sections: [2, 4, 6] }),
          (x, out) => sk.rope.mixed3d(x, pos, { heads: H, headDim: D, out }),
        ];
        return ops.every((op) => {
          const want = op(x), y = x.slice();
          op(y, y);
          return Buffer.from(bits(y)).equals(Buffer.from(bits(want)));
        });
      }), { seed: SEED, numRuns: 50 });
    });
  });

  describe('analysis helpers: the findings in the README (sk.rope)', () => {
    it('invariance: QuatRoPE at θ = 0.3 over 10 m moves under x/y shifts, not under z', () => {
      const rep = sk.rope.invariance('quatrope', { samples: 400 });
      expect(rep.perAxis.x.mean).toBeGreaterThan(0.01);
      expect(rep.perAxis.y.mean).toBeGreaterThan(0.01);
      expect(rep.perAxis.z.max).toBeLessThan(1e-5);
      expect(rep.overall.mean).toBeGreaterThan(0.01);
    });
    it('invariance: the released IGRE preset never sees x; RoPE, M-RoPE and mixed3d are exactly relative', () => {
      const pre = sk.rope.invariance('igre', { samples: 400, ...sk.rope.igreReleased(128) });
      expect(pre.sensitivity.x).toBe(0);
      expect(pre.perAxis.x.max).toBe(0);
      expect(pre.sensitivity.y).toBeGreaterThan(0.01);
      expect(pre.perAxis.y.mean).toBeGreaterThan(1e-3);  // not relative in y either
      for (const enc of ['rope1d', 'mrope', 'mixed3d'] as const) {
        const rep = sk.rope.invariance(enc, { samples: 400 });
        expect(rep.overall.max, enc).toBeLessThan(1e-5);
      }
      const mixed = sk.rope.invariance('mixed3d', { samples: 400, base: 100 });
      for (const a of ['x', 'y', 'z'] as const) expect(mixed.sensitivity[a]).toBeGreaterThan(0.01);
    });
    it('scoreMatrix: symmetric, unit diagonal; for relative encodings a translated scene gives the same matrix', () => {
      const n = 12, pos = uniform(r, 3 * n, 0, 10), moved = pos.map((v, i) => v + [3, -2, 5][i % 3]);
      for (const enc of sk.rope.ENCODINGS) {
        const G = sk.rope.scoreMatrix(enc, pos, { headDim: 48 });
        for (let i = 0; i < n; i++) {
          expect(G[i * n + i]).toBeCloseTo(1, 5);
          for (let j = 0; j < n; j++) expect(G[i * n + j]).toBe(G[j * n + i]);
        }
        const G2 = sk.rope.scoreMatrix(enc, moved, { headDim: 48 });
        if (enc === 'rope1d' || enc === 'mrope' || enc === 'mixed3d') expectClose(G2, G, 2e-5);
        else expect(worst(G2, G, 1e-3).ratio).toBeGreaterThan(1);
      }
    });
  });

  describe('async twins', () => {
    it('give the same results as the sync calls', async () => {
      const T = 500, H = 4, D = 33, x = uniform(r, T * H * D), pos = uniform(r, 3 * T, -10, 10);
      const p1 = uniform(r, T, 0, 1000), mask = Uint8Array.from({ length: T }, (_, i) => i % 5 ? 1 : 0);
      expect(await sk.rope.quatropeAsync(x, pos, { heads: H, headDim: D, mask })).toEqual(sk.rope.quatrope(x, pos, { heads: H, headDim: D, mask }));
      expect(await sk.rope.igreAsync(x, pos, mask, { heads: H, headDim: D, segments: 2 })).toEqual(sk.rope.igre(x, pos, mask, { heads: H, headDim: D, segments: 2 }));
      const E = 32, y = uniform(r, T * H * E);
      expect(await sk.rope.rope1dAsync(y, p1, { heads: H, headDim: E })).toEqual(sk.rope.rope1d(y, p1, { heads: H, headDim: E }));
      expect(await sk.rope.mropeAsync(y, pos, { heads: H, headDim: E, sections: [4, 6, 6] })).toEqual(sk.rope.mrope(y, pos, { heads: H, headDim: E, sections: [4, 6, 6] }));
      expect(await sk.rope.mixed3dAsync(y, pos, { heads: H, headDim: E })).toEqual(sk.rope.mixed3d(y, pos, { heads: H, headDim: E }));
      const z = y.slice();
      await sk.rope.rope1dAsync(z, p1, { heads: H, headDim: E, out: z });
      expect(z).toEqual(sk.rope.rope1d(y, p1, { heads: H, headDim: E }));
    });
    it('reject with the same errors, keeping the caller in the stack', async () => {
      const err = await sk.rope.quatropeAsync(new Float32Array(6), Float32Array.of(0, NaN, 0, 1, 2, 3), { heads: 1, headDim: 3 }).catch((e: Error) => e);
      expect(err).toEqual(new RangeError('`positions[0]` is not finite'));
      expect((err as Error).stack).toMatch(/rope\.test\.ts/);
    });
  });

  describe('bad input: TypeError/RangeError naming the argument, nothing written', () => {
    const x = new Float32Array(2 * 6), pos = new Float32Array(6), o = { heads: 1, headDim: 6 };
    it('x, dtype, positions, heads, headDim', () => {
      expect(() => sk.rope.quatrope(new Float64Array(12) as never, pos, o)).toThrow(new TypeError('Expected Float32Array or Uint16Array (float16/bfloat16 bits) for `x` but received Float64Array(12)'));
      expect(() => sk.rope.quatrope(new Uint16Array(12), pos, o)).toThrow(new TypeError("Expected one of 'float16', 'bfloat16' for `dtype` but received undefined"));
      expect(() => sk.rope.quatrope(x, pos, { ...o, dtype: 'float16' })).toThrow(new RangeError("Expected one of 'float32' for `dtype` but received 'float16'"));
      expect(() => sk.rope.quatrope(x, new Float32Array(5), o)).toThrow(new RangeError('Expected Float32Array of length 3·N for `positions` but received Float32Array(5)'));
      expect(() => sk.rope.quatrope(new Float32Array(13), pos, o)).toThrow(new RangeError('Expected `x` to hold B × 2 × 1 × 6 values ([B, T, H, D], T = rows of `positions`) but received 13'));
      expect(() => sk.rope.quatrope(x, pos, { heads: 1, headDim: 2 })).toThrow(new RangeError('Expected an integer in [3, 65536] for `headDim` but received the number 2'));
      expect(() => sk.rope.quatrope(x, pos, { headDim: 6 } as never)).toThrow(new TypeError('Expected an integer in [1, 65536] for `heads` but received undefined'));
      expect(() => sk.rope.quatrope(x, pos, undefined as never)).toThrow(new TypeError('Expected an options object for `opts` but received undefined'));
      expect(() => sk.rope.rope1d(new Float32Array(10), new Float32Array(2), { heads: 1, headDim: 5 })).toThrow(new RangeError('Expected an even `headDim` but received 5'));
    });
    it('NaN positions name the row; masked rows may be NaN', () => {
      const p = Float32Array.of(0, 0, 0, 1, NaN, 2);
      const y = x.slice();
      expect(() => sk.rope.quatrope(y, p, { ...o, out: y })).toThrow(new RangeError('`positions[1]` is not finite'));
      expect(y).toEqual(x);  // checked before anything is written
      expect(() => sk.rope.mrope(x, p, { ...o, sections: [1, 1, 1] })).toThrow(new RangeError('`positions[1]` is not finite'));
      expect(() => sk.rope.rope1d(x, Float32Array.of(1, Infinity), o)).toThrow(new RangeError('`positions[1]` is not finite'));
      expect(() => sk.rope.igre(x, p, Uint8Array.of(1, 1), o)).toThrow(new RangeError('`positions[1]` is not finite'));
      expect(() => sk.rope.igre(x, p, Uint8Array.of(1, 0), o)).not.toThrow();
    });
    it('theta, axisScale, mask, sections, frequencies, base, layout, baseVector, out', () => {
      expect(() => sk.rope.quatrope(x, pos, { ...o, theta: NaN })).toThrow(new RangeError('Expected a finite number for `theta` but received the number NaN'));
      expect(() => sk.rope.quatrope(x, pos, { ...o, theta: [1, Infinity] })).toThrow(new RangeError('Expected finite numbers for `theta` but received Infinity at index 1'));
      expect(() => sk.rope.quatrope(x, pos, { ...o, theta: [1, 2, 3, 4, 5] })).toThrow(new RangeError('Expected `theta` to be a number or hold 2 (per segment), 3 (per axis) or 6 (per segment and axis) values but received 5'));
      expect(() => sk.rope.quatrope(x, pos, { ...o, theta: 'a' as never })).toThrow(TypeError);
      expect(() => sk.rope.quatrope(x, pos, { ...o, axisScale: [1, 1] })).toThrow(new RangeError('Expected 3 values for `axisScale` but received 2'));
      expect(() => sk.rope.quatrope(x, pos, { ...o, mask: new Uint8Array(3) })).toThrow(new RangeError('Expected `mask` to hold 2 values (one per position) but received 3'));
      expect(() => sk.rope.quatrope(x, pos, { ...o, mask: [1, 1] as never })).toThrow(new TypeError('Expected Uint8Array for `mask` but received Array(2)'));
      expect(() => sk.rope.mrope(x, pos, { ...o, sections: [1, 1, 2] })).toThrow(new RangeError('Expected `sections` to sum to headDim / 2 = 3 but received [1, 1, 2]'));
      expect(() => sk.rope.mrope(x, pos, o as never)).toThrow(new TypeError('Expected an array of 3 integers for `sections` but received undefined'));
      expect(() => sk.rope.mrope(x, pos, { ...o, sections: [0.5, 0.5, 2] })).toThrow(/non-negative integers for `sections`/);
      expect(() => sk.rope.mixed3d(x, pos, { ...o, frequencies: [1, 2] })).toThrow(new RangeError('Expected `frequencies` to hold 9 values ([D/2, 3]) but received 2'));
      expect(() => sk.rope.rope1d(x, new Float32Array(2), { ...o, base: -1 })).toThrow(new RangeError('Expected a positive number for `base` but received the number -1'));
      expect(() => sk.rope.rope1d(x, new Float32Array(2), { ...o, layout: 'neox' as never })).toThrow(new RangeError("Expected one of 'half', 'interleaved' for `layout` but received 'neox'"));
      expect(() => sk.rope.igre(x, pos, undefined, { ...o, baseVector: [0, 0, 0] })).toThrow(new RangeError('Expected a finite non-zero vector for `baseVector`'));
      expect(() => sk.rope.quatrope(x, pos, { ...o, out: new Float32Array(11) })).toThrow(new RangeError('Expected `out` to hold 12 values but received 11'));
      expect(() => sk.rope.igre(x, pos, undefined, { ...o, out: new Float32Array(12) })).toThrow(new RangeError('Expected `out` to hold 18 values but received 12'));
    });
    it('shifted overlaps of out and x are handled by copying; detached buffers are refused', () => {
      const T = 4, H = 1, D = 6, buf = uniform(r, (T + 1) * H * D), p = uniform(r, 3 * T);
      const src = buf.slice(0, T * D);
      const want = sk.rope.quatrope(src, p, { heads: H, headDim: D });
      expect(sk.rope.quatrope(buf.subarray(0, T * D), p, { heads: H, headDim: D, out: buf.subarray(D) })).toEqual(want);
      const d = new Float32Array(12);
      structuredClone(d.buffer, { transfer: [d.buffer] });
      expect(() => sk.rope.quatrope(d, pos, o)).toThrow(new TypeError('Expected Float32Array or Uint16Array (float16/bfloat16 bits) for `x` but received a detached Float32Array'));
    });
  });
});

describe('the rope backend boundary checks again (calls that bypass the TypeScript layer)', () => {
  for (const b of sk.backends().filter((x) => x.available)) {
    it(`${b.backend}: wrong types, lengths, tables and overlaps throw the TypeScript sentences, never crash`, async () => {
      const { module } = await import('../src/backend/index.js');
      const k = module(b.backend)!.rope as unknown as Record<string, (...a: unknown[]) => unknown>;
      const x = new Float32Array(12), pos = new Float32Array(6), th = new Float64Array(6), o = new Float32Array(12);
      expect(() => k.quatrope(x, 'float32', pos, th, undefined, 1, 6, o)).not.toThrow();
      expect(() => k.quatrope(x, 'float64', pos, th, undefined, 1, 6, o)).toThrow(new RangeError("Expected one of 'float32', 'float16', 'bfloat16' for `dtype` but received 'float64'"));
      expect(() => k.quatrope(new Uint16Array(12), 'float32', pos, th, undefined, 1, 6, o)).toThrow(TypeError);
      expect(() => k.quatrope(x, 'float32', pos, th, undefined, 1, 2, o)).toThrow(new RangeError('Expected an integer in [3, 65536] for `headDim` but received the number 2'));
      expect(() => k.quatrope(x, 'float32', pos, new Float64Array(3), undefined, 1, 6, o)).toThrow(RangeError);
      expect(() => k.quatrope(x, 'float32', pos, Float64Array.of(1, 2, NaN, 0, 0, 0), undefined, 1, 6, o)).toThrow(new RangeError('Expected finite numbers for `theta` but received NaN at index 2'));
      expect(() => k.quatrope(new Float32Array(13), 'float32', pos, th, undefined, 1, 6, o)).toThrow(new RangeError('Expected `x` to hold B × 2 × 1 × 6 values ([B, T, H, D], T = rows of `positions`) but received 13'));
      expect(() => k.quatrope(x, 'float32', pos, th, new Uint8Array(3), 1, 6, o)).toThrow(new RangeError('Expected `mask` to hold 2 values (one per position) but received 3'));
      expect(() => k.quatrope(x, 'float32', Float32Array.of(0, 0, 0, NaN, 0, 0), th, undefined, 1, 6, o)).toThrow(new RangeError('`positions[1]` is not finite'));
      expect(() => k.quatrope(x, 'float32', pos, th, undefined, 1, 6, new Float32Array(6))).toThrow(new RangeError('Expected `out` to hold 12 values but received 6'));
      // A shifted overlap of x and out is handled at the boundary too (the input is copied first).
      const buf = Float32Array.from({ length: 18 }, (_, i) => Math.sin(i)), posR = Float32Array.of(1, 2, 3, -1, 0.5, 2);
      const thR = Float64Array.of(0.3, 0.3, 0.3, 0.1, 0.2, 0.3), want = new Float32Array(12);
      k.quatrope(buf.slice(0, 12), 'float32', posR, thR, undefined, 1, 6, want);
      k.quatrope(buf.subarray(0, 12), 'float32', posR, thR, undefined, 1, 6, buf.subarray(6));
      expect(buf.subarray(6)).toEqual(want);
      expect(() => k.igre(x, 'float32', pos, Float64Array.of(1, 1, 1), Float32Array.of(0, 0, 0), undefined, 1, 6, new Float32Array(18))).toThrow(new RangeError('Expected a finite non-zero vector for `baseVector`'));
      expect(() => k.rotatePairs(x, 'float32', pos, 2, new Float64Array(6), 'half', undefined, 1, 6, o)).toThrow(RangeError);
      expect(() => k.rotatePairs(x, 'float32', pos, 3, new Float64Array(9), 'x', undefined, 1, 6, o)).toThrow(new RangeError("Expected one of 'half', 'interleaved' for `layout` but received 'x'"));
      expect(() => k.rotatePairs(x, 'float32', pos, 3, new Float64Array(9), 'half', undefined, 1, 6, o)).not.toThrow();
      expect(() => k.rotatePairs()).toThrow(TypeError);
      const d = new Float32Array(12);
      structuredClone(d.buffer, { transfer: [d.buffer] });
      expect(() => k.quatrope(d, 'float32', pos, th, undefined, 1, 6, o)).toThrow(TypeError);
      expect(() => k.quatrope(x, 'float32', pos, th, undefined, 1, 6, d)).toThrow(TypeError);
    });
  }
});

describe('rope backends agree', () => {
  const avail = sk.backends().filter((b) => b.available).map((b) => b.backend);
  it(`quatrope, mixed3d and rope1d are bit-identical on ${avail.join(', ')}`, () => {
    const rr = rng(99), T = 257, H = 3, x = uniform(rr, T * H * 24), pos = uniform(rr, 3 * T, -10, 10);
    const results = avail.map((name) => {
      sk.setBackend(name);
      return [sk.rope.quatrope(x, pos, { heads: H, headDim: 24, theta: sk.rope.ladder(8) }),
        sk.rope.mixed3d(x, pos, { heads: H, headDim: 24 }),
        sk.rope.quatrope(x, pos, { heads: H, headDim: 24 }),                       // one θ, D % 3 = 0: one run per token
        sk.rope.quatrope(x.subarray(0, T * H * 22), pos, { heads: H, headDim: 22 }),  // one θ, trailing values
        sk.rope.rope1d(x, pos.subarray(0, T), { heads: H, headDim: 24, layout: 'interleaved' })] as const;
    });
    sk.setBackend('auto');
    for (const res of results.slice(1)) for (const i of [0, 1, 2, 3, 4]) expect(Buffer.from(bits(res[i])).equals(Buffer.from(bits(results[0][i])))).toBe(true);
  });
});

// Each native loop is compiled for three ISA levels, fixed at load by SPATIALKIT_ISA: run the
// kernels in child processes and require bit-identical outputs (as test/isa.test.ts for quat).
const isaScript = `
const k = require('node-gyp-build')(process.cwd()), crypto = require('crypto');
let s = 7; const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
const T = 301, H = 3, D = 50, x = Float32Array.from({ length: T * H * D }, r), pos = Float32Array.from({ length: 3 * T }, () => 10 * r());
const p1 = Float32Array.from({ length: T }, (_, i) => i * 13 + r()), x16 = Uint16Array.from(x, (v) => (v * 3000) & 0x7bff);
const th = Float64Array.from({ length: 3 * 16 }, r), th1 = new Float64Array(48).fill(0.3), w3 = Float64Array.from({ length: 75 }, r), w1 = Float64Array.from({ length: 25 }, (_, j) => 1e4 ** (-j / 25));
const out = {}, h = (name, o) => { out[name] = crypto.createHash('sha1').update(Buffer.from(o.buffer)).digest('hex'); };
for (const dt of ['float32', 'float16', 'bfloat16']) {
  const xx = dt === 'float32' ? x : x16, o = () => new xx.constructor(xx.length);
  let y = o(); k.rope.quatrope(xx, dt, pos, th, undefined, H, D, y); h('quat ladder ' + dt, y);
  y = o(); k.rope.quatrope(xx, dt, pos, th1, undefined, H, D, y); h('quat ' + dt, y);
  for (const layout of ['half', 'interleaved']) {
    y = o(); k.rope.rotatePairs(xx, dt, p1, 1, w1, layout, undefined, H, D, y); h('rope1d ' + layout + ' ' + dt, y);
    y = o(); k.rope.rotatePairs(xx, dt, pos, 3, w3, layout, undefined, H, D, y); h('mixed ' + layout + ' ' + dt, y);
  }
  y = new xx.constructor(T * H * (D + 9)); k.rope.igre(xx, dt, pos, th.subarray(0, 9), Float32Array.of(0.6, 0, 0.8), undefined, H, D, y); h('igre ' + dt, y);
}
out.isa = k.info().isa;
console.log(JSON.stringify(out));
`;
describe.skipIf(!sk.backends().find((b) => b.backend === 'native')?.available)('rope on every native ISA level', () => {
  it('baseline, AVX2 and AVX-512 builds of every rope loop give bit-identical results', async () => {
    const { execFileSync } = await import('node:child_process');
    const runWith = (isa: string): Record<string, string> =>
      JSON.parse(execFileSync(process.execPath, ['-e', isaScript], { env: { ...process.env, SPATIALKIT_ISA: isa }, encoding: 'utf8' }));
    const best = runWith('');
    expect(best.isa).toBe(expectedIsa(''));
    for (const isa of ['baseline', 'avx2'] as const) {
      const got = runWith(isa);
      expect(got.isa, `the child started with SPATIALKIT_ISA=${isa} ran on`).toBe(expectedIsa(isa));
      const differ = Object.keys(best).filter((op) => op !== 'isa' && got[op] !== best[op]);
      console.log(`rope: ${best.isa} vs ${got.isa}: ops that differ: ${differ.join(', ') || 'none'}`);
      expect(differ).toEqual([]);
    }
  });
});

describe('rope on the wasm backend with arrays in wasm memory (zero copy)', () => {
  const wasm = sk.backends().find((b) => b.backend === 'wasm');
  it.skipIf(!wasm?.available)('resident x and out (in place, out of place) match JS-array calls; large batches stream', async () => {
    const { module } = await import('../src/backend/index.js');
    const w = module('wasm') as unknown as { alloc(n: number): { array: Float32Array; free(): void } };
    sk.setBackend('wasm');
    const rr = rng(5), T = 300, H = 4, D = 50, x = uniform(rr, T * H * D), pos = uniform(rr, 3 * T, -10, 10);
    const want = sk.rope.quatrope(x, pos, { heads: H, headDim: D });
    const bx = w.alloc(x.length), bo = w.alloc(x.length);
    bx.array.set(x);
    sk.rope.quatrope(bx.array, pos, { heads: H, headDim: D, out: bo.array });
    expect(bo.array).toEqual(want);
    sk.rope.quatrope(bx.array, pos, { heads: H, headDim: D, out: bx.array });
    expect(bx.array).toEqual(want);
    const p1 = uniform(rr, T, 0, 100), y = sk.rope.rope1d(x, p1, { heads: H, headDim: D });
    bx.array.set(x);
    expect(sk.rope.rope1d(bx.array, p1, { heads: H, headDim: D })).toEqual(y);    // resident in, JS out
    expect(sk.rope.rope1d(x, p1, { heads: H, headDim: D, out: bo.array })).toEqual(y);  // JS in, resident out
    bx.free(); bo.free();
    sk.setBackend('auto');
  });
});
