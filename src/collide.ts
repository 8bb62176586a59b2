/**
 * Collision detection for oriented boxes.
 *
 * Conventions (DESIGN §4): a box is 10 floats `[cx, cy, cz, hx, hy, hz, qx, qy, qz, qw]` —
 * centre, half-extents (≥ 0, zero allowed: plates, segments, points) and a quaternion whose
 * rotation q/|q| orients the box (scale ignored). Batches are flat `Float32Array [N, 10]`.
 * Boxes are closed: touching counts as overlap.
 *
 * `margin` (default 0, finite, ≥ 0) is a required clearance: every half-extent grows by
 * margin/2 before the test, so two boxes closer than `margin` always count as overlapping, and
 * boxes that count are at most √3·margin apart (the grown boxes are boxes, not rounded boxes).
 *
 * The test is the exact 15-axis separating-axis test evaluated in float64 on the float32 inputs.
 * An axis separates only when the gap exceeds 1e-12·S (S = both boxes' half-extent sums plus
 * the centre offset), which absorbs float64 rounding and guards edge axes of (nearly) parallel
 * edges: identical or nearly parallel orientations never produce a false separation, and a
 * face gap of 1e-9 between unit boxes is still a gap.
 *
 * Every box is checked: a non-finite value, a negative half-extent or a zero-length quaternion is
 * a RangeError naming the argument and index (`a[3]` has a negative half-extent). Every function
 * has an `…Async` twin that runs off the event loop on the native backend.
 */
import type { BatchedPairs, CollideKernels } from './backend/kernels.js';
import { call, callAsync, output } from './call.js';
import { array, batch, describe, f32, options as checkedOptions } from './validate.js';

type F32 = Float32Array;

export type { BatchedPairs, CollideKernels };
type Op = keyof CollideKernels;

interface Prepared<R> { args: unknown[]; out: R }

function run<R>(op: Op, p: Prepared<R>): R {
  const r = call('collide', op, p.args as never);
  return (r === undefined ? p.out : r) as R;
}

async function runAsync<R>(op: Op, p: Prepared<R>): Promise<R> {
  const r = await callAsync('collide', op, p.args as never);
  return (r === undefined ? p.out : r) as R;
}

/** Options of {@link overlap} and {@link fits}. */
export interface OverlapOptions {
  /** Required clearance ≥ 0 (default 0): boxes closer than this count as overlapping. */
  margin?: number;
  /** Uint8Array [N] to write into instead of allocating. */
  out?: Uint8Array;
}

/** The options object, checked: a plain object (or undefined) with only the `allowed` keys. */
function options<T extends object>(opts: unknown, allowed: readonly string[]): Partial<T> {
  return checkedOptions<Partial<T>>(opts, 'opts', false, allowed);
}

function margin(v: unknown): number {
  if (v === undefined) return 0;
  const msg = `Expected a finite number ≥ 0 for \`margin\` but received ${describe(v)}`;
  if (typeof v !== 'number') throw new TypeError(msg);
  if (!(v >= 0 && Number.isFinite(v))) throw new RangeError(msg);
  return v;
}

const prepOverlap = (a: F32, b: F32, opts?: OverlapOptions): Prepared<Uint8Array> => {
  const o = options<OverlapOptions>(opts, ['margin', 'out']);
  const na = f32(a, 'a', 10), nb = f32(b, 'b', 10);
  const m = margin(o.margin);
  const n = batch([na, 'a'], [nb, 'b']);
  const out = output(Uint8Array, o.out, n, 1, 'flags');
  return { args: [a, b, m, out], out };
};
/**
 * Element-wise overlap of two batches of oriented boxes.
 * @param a Float32Array [N, 10] (or [1, 10], broadcast), boxes.
 * @param b Float32Array [N, 10] (or [1, 10], broadcast), boxes.
 * @param opts `margin` (clearance ≥ 0, default 0); `out` Uint8Array [N].
 * @returns Uint8Array [N]: 1 where a[i] and b[i] overlap (touching included), else 0.
 * @throws TypeError for non-Float32Array boxes; RangeError for lengths not a multiple of 10, a
 * batch mismatch, a bad margin, or an invalid box (named with its index).
 * @example sk.collide.overlap(boxes, Float32Array.of(0, 0, 0, 1, 1, 1, 0, 0, 0, 1)) // each box vs a 2×2×2 cube at the origin
 */
export function overlap(a: F32, b: F32, opts?: OverlapOptions): Uint8Array {
  return run('overlap', prepOverlap(a, b, opts));
}
export function overlapAsync(a: F32, b: F32, opts?: OverlapOptions): Promise<Uint8Array> {
  return runAsync('overlap', prepOverlap(a, b, opts));
}

const prepFits = (candidate: F32, placed: F32, opts?: OverlapOptions): Prepared<Uint8Array> => {
  const o = options<OverlapOptions>(opts, ['margin', 'out']);
  const m = f32(candidate, 'candidate', 10);
  f32(placed, 'placed', 10);
  const mg = margin(o.margin);
  const out = output(Uint8Array, o.out, m, 1, 'flags');
  return { args: [candidate, placed, mg, out], out };
};
/**
 * The free-space query of rejection sampling: does each candidate box avoid every placed box?
 * Same closed/margin semantics as {@link overlap}: `fits(c, placed)[m] = 1` exactly when
 * `overlap(c[m], placed[n]) = 0` for every n. Candidates are not tested against each other.
 * Cost O(M·N) with an AABB prefilter (stops at a candidate's first overlap); for placing many
 * objects at once, call it once per accepted object with the grown `placed` set.
 * @param candidate Float32Array [M, 10] (M = 1 for one candidate), boxes.
 * @param placed Float32Array [N, 10], boxes already placed (N = 0: everything fits).
 * @param opts `margin` (clearance ≥ 0, default 0); `out` Uint8Array [M].
 * @returns Uint8Array [M]: 1 where candidate m overlaps none of `placed`, else 0.
 * @throws as {@link overlap}, naming `candidate[m]` or `placed[n]`.
 * @example if (sk.collide.fits(box, placed, { margin: 0.05 })[0]) placed = concat(placed, box)
 */
export function fits(candidate: F32, placed: F32, opts?: OverlapOptions): Uint8Array {
  return run('fits', prepFits(candidate, placed, opts));
}
export function fitsAsync(candidate: F32, placed: F32, opts?: OverlapOptions): Promise<Uint8Array> {
  return runAsync('fits', prepFits(candidate, placed, opts));
}

/** Options of {@link pairs} and {@link pairsBatched}. */
export interface PairsOptions {
  /** Required clearance ≥ 0 (default 0): boxes closer than this count as overlapping. */
  margin?: number;
  /**
   * More overlapping pairs than this is a RangeError, raised as soon as the count passes it, so
   * a degenerate input (every box on top of every other) fails fast instead of exhausting memory
   * (a pair takes 8 bytes, twice while collecting). Default 2^28; at most 2^31 − 1, the most a
   * Uint32Array [P, 2] can hold.
   */
  maxPairs?: number;
}

/** Default of {@link PairsOptions.maxPairs}. */
export const MAX_PAIRS = 2 ** 28;

function maxPairs(v: unknown): number {
  if (v === undefined) return MAX_PAIRS;
  const msg = `Expected an integer in [0, 2147483647] for \`maxPairs\` but received ${describe(v)}`;
  if (typeof v !== 'number') throw new TypeError(msg);
  if (!Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1) throw new RangeError(msg);
  return v;
}

function boxCount(boxes: unknown): number {
  const n = f32(boxes, 'boxes', 10);
  if (n > 2 ** 32 - 1) throw new RangeError(`Expected at most 2^32 − 1 boxes for \`boxes\` but received ${n}`);
  return n;
}

const prepPairs = (boxes: F32, opts?: PairsOptions): Prepared<Uint32Array> => {
  const o = options<PairsOptions>(opts, ['margin', 'maxPairs']);
  boxCount(boxes);
  return { args: [boxes, margin(o.margin), maxPairs(o.maxPairs)], out: new Uint32Array(0) };
};
/**
 * Every overlapping pair of a set of boxes: a hierarchical grid (broad phase, near O(N + P) for
 * uniform scenes; levels by size keep mixed sizes and clusters cheap) feeding the float64 SAT of
 * {@link overlap} (narrow phase), on all threads. The pair set equals `overlap` on every i < j.
 * @param boxes Float32Array [N, 10], boxes.
 * @param opts `margin` (clearance ≥ 0, default 0); `maxPairs` (default 2^28).
 * @returns Uint32Array [P, 2]: pairs (i, j) with i < j, sorted lexicographically; a new array.
 * @throws as {@link overlap} (naming `boxes[i]`); RangeError when more than `maxPairs` pairs
 * overlap (never a truncated list) or memory runs out.
 * @example const p = sk.collide.pairs(boxes); for (let k = 0; k < p.length; k += 2) hit(p[k], p[k + 1]);
 */
export function pairs(boxes: F32, opts?: PairsOptions): Uint32Array {
  return run('pairs', prepPairs(boxes, opts));
}
export function pairsAsync(boxes: F32, opts?: PairsOptions): Promise<Uint32Array> {
  return runAsync('pairs', prepPairs(boxes, opts));
}

/** Checks CSR offsets: length ≥ 1, 0 first, non-decreasing, n last (so every box is in a scene). */
function checkOffsets(offsets: unknown, n: number): void {
  const s = array(Uint32Array, offsets, 'offsets');
  const o = offsets as Uint32Array;
  if (s === 0) throw new RangeError(`Expected Uint32Array of length S + 1 ≥ 1 for \`offsets\` but received ${describe(o)}`);
  if (o[0] !== 0) throw new RangeError(`Expected \`offsets[0]\` to be 0 but received ${o[0]}`);
  for (let i = 1; i < s; i++) {
    if (o[i] < o[i - 1]) {
      throw new RangeError(`Expected \`offsets\` to be non-decreasing but \`offsets[${i}]\` = ${o[i]} is less than \`offsets[${i - 1}]\` = ${o[i - 1]}`);
    }
  }
  if (o[s - 1] !== n) {
    throw new RangeError(`Expected the last offset \`offsets[${s - 1}]\` to be the number of boxes (${n}) but received ${o[s - 1]}`);
  }
}

const prepBatched = (boxes: F32, offsets: Uint32Array, opts?: PairsOptions): Prepared<BatchedPairs> => {
  const o = options<PairsOptions>(opts, ['margin', 'maxPairs']);
  const n = boxCount(boxes);
  checkOffsets(offsets, n);
  return { args: [boxes, offsets, margin(o.margin), maxPairs(o.maxPairs)], out: { pairs: new Uint32Array(0), offsets: new Uint32Array(0) } };
};
/**
 * The pairs of many independent scenes in one call (e.g. millions of 2–3 object layouts).
 * Scene s is boxes[offsets[s] … offsets[s + 1] − 1]; boxes of different scenes never pair.
 * Small scenes test every AABB pair, large ones use the grid of {@link pairs}.
 * @param boxes Float32Array [N, 10], the scenes' boxes one scene after another.
 * @param offsets Uint32Array [S + 1]: 0, then non-decreasing, ending at N.
 * @param opts `margin` (clearance ≥ 0, default 0); `maxPairs` (all scenes together, default 2^28).
 * @returns `{pairs: Uint32Array [P, 2], offsets: Uint32Array [S + 1]}`: pairs (i, j), i < j,
 * local to their scene and sorted within it; scene s's pairs are rows offsets[s] … offsets[s + 1] − 1.
 * @throws as {@link pairs}; RangeError naming the offset that breaks the rules.
 * @example const { pairs, offsets } = sk.collide.pairsBatched(boxes, Uint32Array.of(0, 3, 6, 9));
 */
export function pairsBatched(boxes: F32, offsets: Uint32Array, opts?: PairsOptions): BatchedPairs {
  return run('pairsBatched', prepBatched(boxes, offsets, opts));
}
export function pairsBatchedAsync(boxes: F32, offsets: Uint32Array, opts?: PairsOptions): Promise<BatchedPairs> {
  return runAsync('pairsBatched', prepBatched(boxes, offsets, opts));
}
