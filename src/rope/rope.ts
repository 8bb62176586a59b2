/**
 * Positional encodings for 3-D object tokens and the encodings they are compared with.
 *
 * Conventions (DESIGN §4): `x` is `[T, H, D]` (or `[B, T, H, D]`: B sequences sharing the T
 * positions; for per-sequence positions pass `[B·T, 3]`), row-major, stored as Float32Array or, for
 * float16/bfloat16, as their bits in a Uint16Array (`dtype` says which; computed in float32,
 * rounded to nearest even). Positions are `[T, 3]` (x, y, z per token) for everything 3-D and `[T]`
 * for `rope1d`; angles are radians, θ in radians per unit of position. `mask` (Uint8Array [T]): 0
 * leaves a token unchanged (IGRE: zeros in its extension); masked tokens' positions are not read,
 * so they may be NaN. `opts.out` avoids an allocation; for `quatrope`, `rope1d`, `mrope` and
 * `mixed3d` it may be `x` itself (in place).
 *
 * - QuatRoPE: each consecutive 3-dim segment s of every head is rotated by
 *   R(p) = Rz(θ_s·sz·pz)·Ry(θ_s·sy·py)·Rx(θ_s·sx·px); the D % 3 trailing values are unchanged.
 *   Note: ⟨R(m)q, R(n)k⟩ depends on n − m only along z (the outermost factor); see `invariance`.
 * - IGRE: returns `[T, H, D + 3S]`: x, then per extension segment s the rotated base R_s(p)·b for
 *   mask 1, zeros for mask 0. `igreReleased(D)` is the released code's setting (b on the x axis,
 *   so x never reaches attention).
 * - RoPE: inv_freq_j = base^(−2j/D); pair (a, b) → (a cosφ − b sinφ, a sinφ + b cosφ); layout
 *   'half' pairs (j, j + D/2) (GPT-NeoX, HF), 'interleaved' pairs (2j, 2j + 1) (GPT-J).
 * - M-RoPE (Qwen2-VL): frequency slot j < D/2 takes its position from axis a while j is inside
 *   `sections[a]` (sections sum to D/2), half layout by default.
 * - Mixed 3-D RoPE: pair j turns by ω_j · p (`frequencies` [D/2, 3]); exactly relative in 3-D.
 *
 * Angles are formed and reduced mod 2π in float64 once per token, so positions up to ~1e6 times
 * frequencies keep float32 accuracy. Every kernel has an `…Async` twin.
 */
import { LIMITS, type RopeKernels, type Storage } from '../backend/kernels.js';
import { call, callAsync, output } from '../call.js';
import { hash32 } from '../scene/random.js';
import { array, choice, describe, f32, finite, integer, isDetached, tokensOf, typedArrayName, options } from '../validate.js';

export const DTYPES = ['float32', 'float16', 'bfloat16'] as const;
export type Dtype = (typeof DTYPES)[number];
export const LAYOUTS = ['half', 'interleaved'] as const;
export type Layout = (typeof LAYOUTS)[number];
export const ENCODINGS = ['quatrope', 'igre', 'rope1d', 'mrope', 'mixed3d'] as const;
export type Encoding = (typeof ENCODINGS)[number];
export type { RopeKernels, Storage };
type Vec3 = ArrayLike<number>;

/** Largest `heads` and `headDim` accepted. */
export const MAX_DIM = LIMITS.maxDim;
/** QuatRoPE's default θ (the paper's π/10, rounded). */
export const DEFAULT_THETA = 0.3;

type Op = keyof RopeKernels;

/** Options every function takes. */
export interface CommonOptions<T extends Storage = Storage> {
  /** H, heads per token. */
  heads: number;
  /** D, values per head. */
  headDim: number;
  /** Required for a Uint16Array x: 'float16' or 'bfloat16'. */
  dtype?: Dtype;
  /** Uint8Array [T]: 0 leaves the token unchanged. */
  mask?: Uint8Array;
  out?: T;
}
export interface QuatRopeOptions<T extends Storage = Storage> extends CommonOptions<T> {
  /** A number (every segment), S = ⌊D/3⌋ values (one per segment), 3·S values ([S, 3]: per segment and
   * axis), or a per-axis triple (θx, θy, θz) — when S = 3, three values are one per segment (use
   * `axisScale` for a per-axis triple then). Default 0.3. */
  theta?: number | ArrayLike<number>;
  /** [sx, sy, sz] multipliers of θ per axis, default [1, 1, 1]. */
  axisScale?: Vec3;
}
export interface IgreOptions<T extends Storage = Storage> extends Omit<QuatRopeOptions<T>, 'mask'> {
  /** S, extension segments (3 values each), default 1 (or the length of a per-segment theta). */
  segments?: number;
  /** b, rotated by R_s(p); normalised here; default [1, 0, 0]. */
  baseVector?: Vec3;
}
export interface PairOptions<T extends Storage = Storage> extends CommonOptions<T> {
  /** Frequency base, default 1e4. */
  base?: number;
  /** 'half' (default) or 'interleaved'. */
  layout?: Layout;
}
export interface MRopeOptions<T extends Storage = Storage> extends PairOptions<T> {
  /** Frequency slots per axis (x, y, z), summing to D/2, e.g. [16, 24, 24] for D = 128 (Qwen2-VL). */
  sections: Vec3;
}
export interface Mixed3dOptions<T extends Storage = Storage> extends PairOptions<T> {
  /** ω_j per pair, [D/2, 3]; default `mixedFrequencies(D, {seed, base})`. */
  frequencies?: ArrayLike<number>;
  /** Seed of the default frequencies, default 0. */
  seed?: number;
}

// ---------------- validation shared by every function ----------------

/** The storage type of x from its element type (src/validate.ts typedArrayName) and `dtype`. */
function dtypeOf(x: unknown, dtype: unknown): Dtype {
  const kind = typedArrayName(x);
  if ((kind === 'Float32Array' || kind === 'Uint16Array') && !isDetached(x as Storage)) {
    array(kind === 'Float32Array' ? Float32Array : (Uint16Array as unknown as typeof Float32Array), x, 'x');  // its properties must tell its memory
    return kind === 'Float32Array' ? (dtype === undefined ? 'float32' : choice(dtype, 'dtype', ['float32'] as const))
      : choice(dtype, 'dtype', ['float16', 'bfloat16'] as const);
  }
  throw new TypeError(`Expected Float32Array or Uint16Array (float16/bfloat16 bits) for \`x\` but received ${describe(x)}`);
}

function storageOut(dtype: Dtype, out: unknown, n: number): Storage {
  return dtype === 'float32' ? output(Float32Array, out, n, 1, 'values') : output(Uint16Array, out, n, 1, 'values');
}

function maskOf(mask: unknown, T: number): Uint8Array | undefined {
  if (mask === undefined || mask === null) return undefined;
  const n = array(Uint8Array, mask, 'mask');
  if (n !== T) throw new RangeError(`Expected \`mask\` to hold ${T} values (one per position) but received ${n}`);
  return mask as Uint8Array;
}

function numbers(v: unknown, name: string): ArrayLike<number> {
  const ok = Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array));
  if (!ok) throw new TypeError(`Expected a number or an array of numbers for \`${name}\` but received ${describe(v)}`);
  const a = v as ArrayLike<unknown>;
  for (let i = 0; i < a.length; i++) {
    if (typeof a[i] !== 'number') throw new TypeError(`Expected a number or an array of numbers for \`${name}\` but received ${describe(a[i])} at index ${i}`);
    if (!Number.isFinite(a[i])) throw new RangeError(`Expected finite numbers for \`${name}\` but received ${a[i]} at index ${i}`);
  }
  return a as ArrayLike<number>;
}

function vec3(v: unknown, name: string, dflt: number[]): number[] {
  if (v === undefined) return dflt;
  const a = numbers(v, name);
  if (a.length !== 3) throw new RangeError(`Expected 3 values for \`${name}\` but received ${a.length}`);
  return [a[0], a[1], a[2]];
}

/** θ per segment and axis, Float64Array [S, 3] = θ_s,a · axisScale_a (see QuatRopeOptions.theta). */
function thetaTable(theta: unknown, S: number, axisScale: unknown): Float64Array {
  const scale = vec3(axisScale, 'axisScale', [1, 1, 1]);
  const out = new Float64Array(3 * S);
  if (theta === undefined || typeof theta === 'number') {
    const t = theta === undefined ? DEFAULT_THETA : finite(theta, 'theta');
    for (let s = 0; s < S; s++) for (let a = 0; a < 3; a++) out[3 * s + a] = t * scale[a];
    return out;
  }
  const v = numbers(theta, 'theta');
  // One value per segment wins over a per-axis triple when S = 3 (DESIGN §4: theta is per segment).
  const at = v.length === S ? (s: number) => v[s] : v.length === 3 * S ? (s: number, a: number) => v[3 * s + a]
    : v.length === 3 ? (_s: number, a: number) => v[a] : undefined;
  if (!at) {
    throw new RangeError(`Expected \`theta\` to be a number or hold ${S} (per segment), 3 (per axis) or ${3 * S} (per segment and axis) values but received ${v.length}`);
  }
  for (let s = 0; s < S; s++) for (let a = 0; a < 3; a++) out[3 * s + a] = at(s, a) * scale[a];
  return out;
}

interface Prepared { op: Op; args: unknown[]; out: Storage }

function run(p: Prepared): Storage {
  call('rope', p.op, p.args as never);
  return p.out;
}

async function runAsync(p: Prepared): Promise<Storage> {
  await callAsync('rope', p.op, p.args as never);
  return p.out;
}

interface Shape { dtype: Dtype; H: number; D: number; T: number; n: number }
function shape(x: unknown, positions: unknown, axes: number, o: CommonOptions, minD: number): Shape {
  const dtype = dtypeOf(x, o.dtype);
  const H = integer(o.heads, 'heads', 1, MAX_DIM), D = integer(o.headDim, 'headDim', minD, MAX_DIM);
  const T = f32(positions, 'positions', axes);
  return { dtype, H, D, T, n: tokensOf((x as Storage).length, T, H, D) };
}

// ---------------- QuatRoPE ----------------

/** Option keys of every function, and each function's own. */
const COMMON_KEYS = ['heads', 'headDim', 'dtype', 'mask', 'out'];
const QUATROPE_KEYS = [...COMMON_KEYS, 'theta', 'axisScale'];
const IGRE_KEYS = ['heads', 'headDim', 'dtype', 'out', 'theta', 'axisScale', 'segments', 'baseVector'];
const ROPE1D_KEYS = [...COMMON_KEYS, 'base', 'layout'];
const MROPE_KEYS = [...ROPE1D_KEYS, 'sections'];
const MIXED3D_KEYS = [...ROPE1D_KEYS, 'frequencies', 'seed'];

function prepQuat(x: Storage, positions: Float32Array, opts: QuatRopeOptions): Prepared {
  const o = options<QuatRopeOptions>(opts, 'opts', true, QUATROPE_KEYS);
  const s = shape(x, positions, 3, o, 3);
  const mask = maskOf(o.mask, s.T);
  const theta = thetaTable(o.theta, Math.floor(s.D / 3), o.axisScale);
  const out = storageOut(s.dtype, o.out, x.length);
  return { op: 'quatrope', args: [x, s.dtype, positions, theta, mask, s.H, s.D, out], out };
}
/**
 * QuatRoPE: rotates every consecutive 3-dim segment s of every head by
 * R(p) = Rz(θ_s·sz·pz)·Ry(θ_s·sy·py)·Rx(θ_s·sx·px).
 * @param x Float32Array [T, H, D] or [B, T, H, D] (or Uint16Array with `dtype` 'float16' | 'bfloat16'), D ≥ 3.
 * @param positions Float32Array [T, 3], (x, y, z) per token, finite where mask ≠ 0.
 * @param opts `{heads, headDim, theta = 0.3, axisScale = [1, 1, 1], mask?, dtype?, out?}`; out may be x.
 * @returns the same storage type, x's shape; D % 3 trailing values and masked tokens unchanged.
 * @throws TypeError/RangeError naming the argument; RangeError "`positions[t]` is not finite".
 * @example sk.rope.quatrope(q, centres, {heads: 32, headDim: 128})
 */
export function quatrope<T extends Storage>(x: T, positions: Float32Array, opts: QuatRopeOptions<T>): T {
  return run(prepQuat(x, positions, opts)) as T;
}
export function quatropeAsync<T extends Storage>(x: T, positions: Float32Array, opts: QuatRopeOptions<T>): Promise<T> {
  return runAsync(prepQuat(x, positions, opts)) as Promise<T>;
}

// ---------------- IGRE ----------------

/**
 * Options reproducing the released QuatRoPE/IGRE code: one segment, b = (1, 0, 0),
 * θ = ropeTheta^(−3/D), from the language model's head_dim D and rope_theta. Pass both: the
 * default ropeTheta = 1e4 is right only for models whose rope_theta is 1e4. The paper's model,
 * Llama-3.2-1B (head_dim 64, rope_theta 5e5), gives `igreReleased(64, 5e5)` → θ = 0.5406; the
 * default would give 0.6494 for it. With b on the x axis the appended
 * R(p)·b = (cos θpz·cos θpy, sin θpz·cos θpy, −sin θpy) does not depend on x at all.
 * @param headDim the model's head_dim (integer ≥ 1).
 * @param ropeTheta the model's rope_theta (its config.json); default 1e4.
 * @returns `{segments: 1, baseVector: [1, 0, 0], theta}` to spread into `igre`'s options.
 * @example sk.rope.igreReleased(64, 5e5) // Llama-3.2-1B: {segments: 1, baseVector: [1, 0, 0], theta: 0.5406}
 */
export function igreReleased(headDim: number, ropeTheta = 1e4): { segments: number; baseVector: number[]; theta: number } {
  integer(headDim, 'headDim', 1, MAX_DIM);
  finite(ropeTheta, 'ropeTheta');
  return { segments: 1, baseVector: [1, 0, 0], theta: ropeTheta ** (-3 / headDim) };
}

function prepIgre(x: Storage, positions: Float32Array, mask: Uint8Array, opts: IgreOptions): Prepared {
  const o = options<IgreOptions>(opts, 'opts', true, IGRE_KEYS);
  const s = shape(x, positions, 3, o as CommonOptions, 1);
  const m = maskOf(mask, s.T);
  let S = 1;
  if (o.segments !== undefined) S = integer(o.segments, 'segments', 1, MAX_DIM);
  else if (o.theta !== undefined && typeof o.theta !== 'number') {
    const len = numbers(o.theta, 'theta').length;
    S = len === 3 ? 1 : len;  // a per-axis triple or one value per segment
  }
  const theta = thetaTable(o.theta, S, o.axisScale);
  const b = vec3(o.baseVector, 'baseVector', [1, 0, 0]);
  const nb = Math.hypot(b[0], b[1], b[2]);
  if (!(nb > 0) || !Number.isFinite(nb)) throw new RangeError('Expected a finite non-zero vector for `baseVector`');
  const base = Float32Array.from(b, (v) => v / nb);
  const out = storageOut(s.dtype, o.out, s.n * s.H * (s.D + 3 * S));
  return { op: 'igre', args: [x, s.dtype, positions, theta, base, m, s.H, s.D, out], out };
}
/**
 * IGRE: appends to every head of each object token the rotated base vector R_s(p)·b of each
 * extension segment s (zeros for mask 0), leaving the original D values untouched.
 * @param x Float32Array [T, H, D] or [B, T, H, D] (or Uint16Array with `dtype`).
 * @param positions Float32Array [T, 3]; rows with mask 0 are not read.
 * @param mask Uint8Array [T]: 1 = object token, 0 = other token (zeros appended); undefined = all 1.
 * @param opts `{heads, headDim, segments = 1, theta = 0.3, axisScale, baseVector = [1, 0, 0], dtype?, out?}`;
 *   `igreReleased(D)` gives the released code's setting.
 * @returns storage of x's type, [T, H, D + 3S] (or [B, T, H, D + 3S]).
 * @example sk.rope.igre(k, centres, isObject, {heads: 32, headDim: 128, ...sk.rope.igreReleased(128)})
 */
export function igre<T extends Storage>(x: T, positions: Float32Array, mask: Uint8Array | undefined, opts: IgreOptions<T>): T {
  return run(prepIgre(x, positions, mask as Uint8Array, opts)) as T;
}
export function igreAsync<T extends Storage>(x: T, positions: Float32Array, mask: Uint8Array | undefined, opts: IgreOptions<T>): Promise<T> {
  return runAsync(prepIgre(x, positions, mask as Uint8Array, opts)) as Promise<T>;
}

// ---------------- pair rotations ----------------

function baseOf(base: unknown): number {
  if (base === undefined) return 1e4;
  const b = finite(base, 'base');
  if (!(b > 0)) throw new RangeError(`Expected a positive number for \`base\` but received the number ${b}`);
  return b;
}

/** inv_freq_j = base^(−2j/D), j < D/2 (RoPE). */
export function inverseFrequencies(headDim: number, base = 1e4): Float64Array {
  integer(headDim, 'headDim', 1, MAX_DIM);
  baseOf(base);
  const P = headDim >> 1;
  return Float64Array.from({ length: P }, (_, j) => base ** (-(2 * j) / headDim));
}

function prepPairs(x: Storage, positions: Float32Array, opts: PairOptions, axes: 1 | 3,
  freqs: (D: number, o: PairOptions) => Float64Array): Prepared {
  const o = options<PairOptions>(opts, 'opts', true, freqs === ropeFreqs ? ROPE1D_KEYS : freqs === mropeFreqs ? MROPE_KEYS : MIXED3D_KEYS);
  const s = shape(x, positions, axes, o, 2);
  if (s.D % 2) throw new RangeError(`Expected an even \`headDim\` but received ${s.D}`);
  const layout = o.layout === undefined ? 'half' : choice(o.layout, 'layout', LAYOUTS);
  const mask = maskOf(o.mask, s.T);
  const w = freqs(s.D, o);
  const out = storageOut(s.dtype, o.out, x.length);
  return { op: 'rotatePairs', args: [x, s.dtype, positions, axes, w, layout, mask, s.H, s.D, out], out };
}

const ropeFreqs = (D: number, o: PairOptions): Float64Array => inverseFrequencies(D, baseOf(o.base));

/**
 * RoPE over a 1-D position: pair j turns by p·base^(−2j/D).
 * @param x Float32Array [T, H, D] or [B, T, H, D] (or Uint16Array with `dtype`), D even.
 * @param positions Float32Array [T] (token indices or any real positions).
 * @param opts `{heads, headDim, base = 1e4, layout = 'half', mask?, dtype?, out?}`; out may be x.
 * @returns x's storage type and shape.
 * @example sk.rope.rope1d(q, Float32Array.from({length: T}, (_, i) => i), {heads: 32, headDim: 128})
 */
export function rope1d<T extends Storage>(x: T, positions: Float32Array, opts: PairOptions<T>): T {
  return run(prepPairs(x, positions, opts, 1, ropeFreqs)) as T;
}
export function rope1dAsync<T extends Storage>(x: T, positions: Float32Array, opts: PairOptions<T>): Promise<T> {
  return runAsync(prepPairs(x, positions, opts, 1, ropeFreqs)) as Promise<T>;
}

function mropeFreqs(D: number, o: PairOptions): Float64Array {
  const sec = (o as MRopeOptions).sections;
  if (sec === undefined) throw new TypeError('Expected an array of 3 integers for `sections` but received undefined');
  const v = vec3(sec, 'sections', []);
  if (!v.every((n) => Number.isInteger(n) && n >= 0)) throw new RangeError(`Expected non-negative integers for \`sections\` but received [${v.join(', ')}]`);
  if (v[0] + v[1] + v[2] !== D / 2) throw new RangeError(`Expected \`sections\` to sum to headDim / 2 = ${D / 2} but received [${v.join(', ')}]`);
  const inv = inverseFrequencies(D, baseOf(o.base));
  const w = new Float64Array(3 * inv.length);
  for (let j = 0; j < inv.length; j++) w[3 * j + (j < v[0] ? 0 : j < v[0] + v[1] ? 1 : 2)] = inv[j];
  return w;
}
/**
 * M-RoPE as in Qwen2-VL: RoPE whose frequency slot j takes its position from axis a while j is in
 * `sections[a]` (slots 0…s0−1 from x, then s1 slots from y, then s2 from z).
 * @param x Float32Array [T, H, D] or [B, T, H, D] (or Uint16Array with `dtype`), D even.
 * @param positions Float32Array [T, 3].
 * @param opts `{heads, headDim, sections, base = 1e4, layout = 'half', mask?, dtype?, out?}`.
 * @returns x's storage type and shape.
 * @throws RangeError when sections do not sum to D/2.
 */
export function mrope<T extends Storage>(x: T, positions: Float32Array, opts: MRopeOptions<T>): T {
  return run(prepPairs(x, positions, opts, 3, mropeFreqs)) as T;
}
export function mropeAsync<T extends Storage>(x: T, positions: Float32Array, opts: MRopeOptions<T>): Promise<T> {
  return runAsync(prepPairs(x, positions, opts, 3, mropeFreqs)) as Promise<T>;
}

// hash32 is lowbias32 (C. Wellons), the hash of the quaternion sampler (native/kernels/quat.h):
// documented, so the default set is reproducible. Its one TypeScript copy is src/scene/random.ts.
const u01 = (seed: number, i: number, k: number): number =>
  (hash32((hash32((hash32(seed) ^ i) >>> 0) + Math.imul(k, 0x9e3779b9)) >>> 0) >>> 8) / 2 ** 24;

/**
 * The default mixed 3-D frequencies: ω_j = base^(−2j/D)·u_j with u_j a unit direction uniform on
 * the sphere (z = 1 − 2·u(seed, j, 0), azimuth 2π·u(seed, j, 1), u = the lowbias32 stream of
 * `sk.quat.random`). Every pair sees a different mix of x, y and z, so the encoding is holistic.
 * @returns Float64Array [D/2, 3].
 */
export function mixedFrequencies(headDim: number, opts: { seed?: number; base?: number } = {}): Float64Array {
  options(opts, 'opts', false, ['seed', 'base']);
  integer(headDim, 'headDim', 2, MAX_DIM);
  const seed = opts.seed === undefined ? 0 : integer(opts.seed, 'seed', 0, 2 ** 32 - 1);
  const inv = inverseFrequencies(headDim, baseOf(opts.base));
  const w = new Float64Array(3 * inv.length);
  for (let j = 0; j < inv.length; j++) {
    const z = 1 - 2 * u01(seed, j, 0), az = 2 * Math.PI * u01(seed, j, 1), r = Math.sqrt(Math.max(0, 1 - z * z));
    w[3 * j] = inv[j] * r * Math.cos(az); w[3 * j + 1] = inv[j] * r * Math.sin(az); w[3 * j + 2] = inv[j] * z;
  }
  return w;
}

function mixedFreqs(D: number, o: PairOptions): Float64Array {
  const m = o as Mixed3dOptions;
  if (m.frequencies === undefined) return mixedFrequencies(D, { seed: m.seed, base: o.base });
  const f = numbers(m.frequencies, 'frequencies');
  if (f.length !== 3 * (D / 2)) throw new RangeError(`Expected \`frequencies\` to hold ${3 * (D / 2)} values ([D/2, 3]) but received ${f.length}`);
  return Float64Array.from(f);
}
/**
 * Mixed 3-D RoPE: pair j turns by ω_j · p, exactly relative in all three axes.
 * @param x Float32Array [T, H, D] or [B, T, H, D] (or Uint16Array with `dtype`), D even.
 * @param positions Float32Array [T, 3].
 * @param opts `{heads, headDim, frequencies? ([D/2, 3]), seed = 0, base = 1e4, layout = 'half', mask?, dtype?, out?}`.
 * @returns x's storage type and shape.
 */
export function mixed3d<T extends Storage>(x: T, positions: Float32Array, opts: Mixed3dOptions<T>): T {
  return run(prepPairs(x, positions, opts, 3, mixedFreqs)) as T;
}
export function mixed3dAsync<T extends Storage>(x: T, positions: Float32Array, opts: Mixed3dOptions<T>): Promise<T> {
  return runAsync(prepPairs(x, positions, opts, 3, mixedFreqs)) as Promise<T>;
}

/**
 * A frequency ladder for 3-dim segments, as RoPE's for pairs: θ_s = base^(−3(s + start)/dims),
 * s < count (dims defaults to 3·count). `ladder(1, {dims: D, start: 1})` is the released IGRE θ.
 * @returns Float64Array [count].
 */
export function ladder(count: number, opts: { base?: number; dims?: number; start?: number } = {}): Float64Array {
  options(opts, 'opts', false, ['base', 'dims', 'start']);
  integer(count, 'count', 1, MAX_DIM);
  const base = baseOf(opts.base), dims = opts.dims === undefined ? 3 * count : integer(opts.dims, 'dims', 1, MAX_DIM);
  const start = opts.start === undefined ? 0 : integer(opts.start, 'start', 0, MAX_DIM);
  return Float64Array.from({ length: count }, (_, s) => base ** (-3 * (s + start) / dims));
}

// ---------------- float16 / bfloat16 storage ----------------

const f32buf = new Float32Array(1);

/** An Array or numeric typed array (values may be NaN or infinite: they convert like any other). */
function arrayOfNumbers(v: unknown): void {
  if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array))) {
    throw new TypeError(`Expected an array of numbers for \`v\` but received ${describe(v)}`);
  }
}
const u32buf = new Uint32Array(f32buf.buffer);

/** float32 values → float16 bits (round to nearest even). */
export function toFloat16(v: ArrayLike<number>): Uint16Array {
  arrayOfNumbers(v);
  const o = new Uint16Array(v.length);
  for (let i = 0; i < v.length; i++) {
    f32buf[0] = v[i];
    const x = u32buf[0], sign = (x >>> 16) & 0x8000, a = x & 0x7fffffff;
    let h: number;
    if (a >= 0x47800000) h = a > 0x7f800000 ? 0x7e00 : 0x7c00;
    else if (a < 0x38800000) { f32buf[0] = Math.fround(Math.abs(f32buf[0]) + 0.5); h = (u32buf[0] - 0x3f000000) >>> 0; }
    else h = ((a + 0xc8000fff + ((a >>> 13) & 1)) >>> 0) >>> 13;
    o[i] = h | sign;
  }
  return o;
}
/** float16 bits → float32 values (exact). */
export function fromFloat16(h: Uint16Array): Float32Array {
  array(Uint16Array, h, 'h');
  const o = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) {
    const e = (h[i] >> 10) & 31, m = h[i] & 1023, s = h[i] & 0x8000 ? -1 : 1;
    o[i] = e === 31 ? (m ? NaN : s * Infinity) : s * (e ? (1 + m / 1024) * 2 ** (e - 15) : m * 2 ** -24);
  }
  return o;
}
/** float32 values → bfloat16 bits (round to nearest even; NaN stays NaN). */
export function toBFloat16(v: ArrayLike<number>): Uint16Array {
  arrayOfNumbers(v);
  const o = new Uint16Array(v.length);
  for (let i = 0; i < v.length; i++) {
    f32buf[0] = v[i];
    const x = u32buf[0];
    o[i] = (x & 0x7fffffff) > 0x7f800000 ? (x >>> 16) | 0x40 : ((x + 0x7fff + ((x >>> 16) & 1)) >>> 0) >>> 16;
  }
  return o;
}
/** bfloat16 bits → float32 values (exact). */
export function fromBFloat16(h: Uint16Array): Float32Array {
  array(Uint16Array, h, 'h');
  const o = new Uint32Array(h.length);
  for (let i = 0; i < h.length; i++) o[i] = h[i] << 16;
  return new Float32Array(o.buffer);
}

