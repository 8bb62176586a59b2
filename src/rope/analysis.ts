/**
 * What each encoding does to attention scores (DESIGN §6): `invariance` measures how far
 * ⟨f(q, m), f(k, n)⟩ moves when both positions are translated (zero for an exactly relative
 * encoding, up to float32 rounding) and how strongly it reacts to each axis; `scoreMatrix` gives
 * the scene-level picture. Both run the kernels of `sk.rope` on the current backend (float32) and
 * sum dot products in float64.
 */
import { mulberry32 } from '../scene/random.js';
import { choice, f32, finite, integer, options } from '../validate.js';
import * as rope from './rope.js';
import type { Encoding } from './rope.js';

/** Encoding options as the kernels take them (heads, headDim and out are set here). */
export interface AnalysisEncodingOptions {
  theta?: number | ArrayLike<number>;
  axisScale?: ArrayLike<number>;
  segments?: number;
  baseVector?: ArrayLike<number>;
  base?: number;
  layout?: rope.Layout;
  sections?: ArrayLike<number>;
  frequencies?: ArrayLike<number>;
  seed?: number;
}
export interface InvarianceOptions extends AnalysisEncodingOptions {
  /** D, default 128. */
  headDim?: number;
  /** Random (q, k, m, n, Δ) draws per measurement, default 2000. */
  samples?: number;
  /** Positions uniform in [0, extent]³, translations uniform in [−extent, extent] per axis; default 10 (metres). */
  extent?: number;
  /** Seed of the draws (mulberry32), default 1. */
  sampleSeed?: number;
}
export interface Stat { mean: number; max: number }
export interface InvarianceReport {
  encoding: Encoding;
  headDim: number;
  samples: number;
  extent: number;
  /** |s(m + Δ, n + Δ) − s(m, n)| for Δ random in all three axes. */
  overall: Stat;
  /** The same with Δ along one axis only. */
  perAxis: { x: Stat; y: Stat; z: Stat };
  /** Mean |s(m, n + δ·e_a) − s(m, n)|: 0 means the encoding never sees axis a. */
  sensitivity: { x: number; y: number; z: number };
  /** Mean |s(m, n)|, the scale the changes compare with (q, k unit vectors). */
  meanAbsScore: number;
}
export interface ScoreMatrixOptions extends AnalysisEncodingOptions {
  /** D, default 128. */
  headDim?: number;
  /** The vector encoded at every position, Float32Array [D]; default a fixed random unit vector
   * (mulberry32 seed 12345, Box–Muller); IGRE: zeros, so only the extension counts. */
  vector?: Float32Array;
}

/** Qwen2-VL's proportions (16, 24, 24 of 64) for any D: a quarter of the slots to x, the rest split. */
function defaultSections(D: number): number[] {
  const P = D >> 1, s0 = P >> 2, s1 = (P - s0) >> 1;
  return [s0, s1, P - s0 - s1];
}

interface Encoder { width: number; encode(x: Float32Array, pos: Float32Array): Float32Array }

function encoder(encoding: Encoding, D: number, o: AnalysisEncodingOptions): Encoder {
  const common = { heads: 1, headDim: D };
  switch (encoding) {
    case 'quatrope':
      return { width: D, encode: (x, p) => rope.quatrope(x, p, { ...common, theta: o.theta, axisScale: o.axisScale }) };
    case 'igre': {
      const opts = { ...common, theta: o.theta, axisScale: o.axisScale, segments: o.segments, baseVector: o.baseVector };
      const probe = rope.igre(new Float32Array(D), new Float32Array(3), undefined, opts);
      return { width: probe.length, encode: (x, p) => rope.igre(x, p, undefined, opts) };
    }
    case 'rope1d':
      return {
        width: D,
        encode: (x, p) => rope.rope1d(x, Float32Array.from({ length: p.length / 3 }, (_, i) => p[3 * i]),
          { ...common, base: o.base, layout: o.layout }),
      };
    case 'mrope':
      return { width: D, encode: (x, p) => rope.mrope(x, p, { ...common, base: o.base, layout: o.layout, sections: o.sections ?? defaultSections(D) }) };
    case 'mixed3d':
      return { width: D, encode: (x, p) => rope.mixed3d(x, p, { ...common, base: o.base, layout: o.layout, frequencies: o.frequencies, seed: o.seed }) };
  }
}

function dots(a: Float32Array, b: Float32Array, n: number, w: number): Float64Array {
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let k = 0; k < w; k++) acc += a[i * w + k] * b[i * w + k];
    s[i] = acc;
  }
  return s;
}

/**
 * Translation invariance and axis sensitivity of an encoding's attention scores.
 * For `samples` random unit q, k ∈ R^D, positions m, n ∈ [0, extent]³ and translations Δ:
 * s(m, n) = ⟨f(q, m), f(k, n)⟩ (IGRE: the dot product of the extended vectors of two object
 * tokens; rope1d: the x coordinate is its position).
 * @param encoding 'quatrope' | 'igre' | 'rope1d' | 'mrope' | 'mixed3d'.
 * @param opts `{headDim = 128, samples = 2000, extent = 10, sampleSeed = 1}` plus that encoding's
 *   options (theta, axisScale, segments, baseVector, base, layout, sections (default
 *   Qwen2-VL's proportions), frequencies, seed).
 * @returns `{overall, perAxis: {x, y, z}, sensitivity: {x, y, z}, meanAbsScore, …}`.
 * @example sk.rope.invariance('quatrope', {theta: 0.3}).perAxis // x, y change; z ≈ 1e-7
 */
export function invariance(encoding: Encoding, opts: InvarianceOptions = {}): InvarianceReport {
  options(opts);
  choice(encoding, 'encoding', rope.ENCODINGS);
  const D = opts.headDim === undefined ? 128 : integer(opts.headDim, 'headDim', 2, rope.MAX_DIM);
  const n = opts.samples === undefined ? 2000 : integer(opts.samples, 'samples', 1, 1 << 20);
  const extent = opts.extent === undefined ? 10 : finite(opts.extent, 'extent');
  const r = mulberry32(opts.sampleSeed === undefined ? 1 : integer(opts.sampleSeed, 'sampleSeed', 0, 2 ** 32 - 1));
  const enc = encoder(encoding, D, opts);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const unitRows = (): Float32Array => {
    const v = new Float32Array(n * D);
    for (let i = 0; i < n; i++) {
      const row = Array.from({ length: D }, normal), len = Math.hypot(...row);
      for (let k = 0; k < D; k++) v[i * D + k] = row[k] / len;
    }
    return v;
  };
  const q = unitRows(), k = unitRows();
  const m = Float32Array.from({ length: 3 * n }, () => extent * r());
  const p = Float32Array.from({ length: 3 * n }, () => extent * r());
  const base = dots(enc.encode(q, m), enc.encode(k, p), n, enc.width);
  const score = (mm: Float32Array, pp: Float32Array): Float64Array => dots(enc.encode(q, mm), enc.encode(k, pp), n, enc.width);
  const shifted = (src: Float32Array, d: Float32Array): Float32Array => Float32Array.from(src, (v, i) => v + d[i]);
  const stat = (s: Float64Array): Stat => {
    let sum = 0, max = 0;
    for (let i = 0; i < n; i++) { const c = Math.abs(s[i] - base[i]); sum += c; max = Math.max(max, c); }
    return { mean: sum / n, max };
  };
  const delta = (axes: number[]): Float32Array => {
    const d = new Float32Array(3 * n);
    for (let i = 0; i < n; i++) for (const a of axes) d[3 * i + a] = extent * (2 * r() - 1);
    return d;
  };
  const translate = (axes: number[]): Stat => { const d = delta(axes); return stat(score(shifted(m, d), shifted(p, d))); };
  const overall = translate([0, 1, 2]);
  const perAxis = { x: translate([0]), y: translate([1]), z: translate([2]) };
  const sens = (a: number): number => stat(score(m, shifted(p, delta([a])))).mean;
  let abs = 0;
  for (let i = 0; i < n; i++) abs += Math.abs(base[i]);
  return {
    encoding, headDim: D, samples: n, extent, overall, perAxis,
    sensitivity: { x: sens(0), y: sens(1), z: sens(2) }, meanAbsScore: abs / n,
  };
}

/**
 * The n×n matrix of encoded-vector dot products for a scene: G[i, j] = ⟨f(v, p_i), f(v, p_j)⟩/|v|²
 * (IGRE with the default v: Σ_s ⟨R_s(p_i)b, R_s(p_j)b⟩ / S). For an exactly relative encoding
 * G[i, j] depends on p_j − p_i only; per-axis encodings score far-apart objects that share one
 * coordinate as if they were near ("false nearby").
 * @param encoding 'quatrope' | 'igre' | 'rope1d' | 'mrope' | 'mixed3d'.
 * @param positions Float32Array [n, 3].
 * @param opts `{headDim = 128, vector?}` plus that encoding's options.
 * @returns Float64Array [n, n], symmetric, diagonal 1.
 */
export function scoreMatrix(encoding: Encoding, positions: Float32Array, opts: ScoreMatrixOptions = {}): Float64Array {
  options(opts);
  choice(encoding, 'encoding', rope.ENCODINGS);
  const D = opts.headDim === undefined ? 128 : integer(opts.headDim, 'headDim', 2, rope.MAX_DIM);
  const n = f32(positions, 'positions', 3);
  let v: Float32Array;
  if (opts.vector !== undefined) {
    if (f32(opts.vector, 'vector') !== D) throw new RangeError(`Expected \`vector\` to hold ${D} values but received ${opts.vector.length}`);
    v = opts.vector;
  } else if (encoding === 'igre') v = new Float32Array(D);
  else {
    // A fixed random direction: a structured probe such as all ones lies on the rotation axis of
    // diagonal displacements under QuatRoPE and would hide them.
    const r = mulberry32(12345), g = Array.from({ length: D }, () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
    const len = Math.hypot(...g);
    v = Float32Array.from(g, (x) => x / len);
  }
  const enc = encoder(encoding, D, opts);
  const x = new Float32Array(n * D);
  for (let i = 0; i < n; i++) x.set(v, i * D);
  const f = enc.encode(x, positions), w = enc.width;
  let norm = 0;
  for (let k = 0; k < w; k++) norm += f[k] * f[k];
  const G = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let acc = 0;
      for (let k = 0; k < w; k++) acc += f[i * w + k] * f[j * w + k];
      G[i * n + j] = G[j * n + i] = acc / norm;
    }
  }
  return G;
}
