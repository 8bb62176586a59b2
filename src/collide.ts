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
import { LIMITS, type BatchedPairs, type CollideKernels } from './backend/kernels.js';
import { entries, output, type Prepared } from './call.js';
import { array, batch, boxCount, f32, integer, nonNegative, offsetsError, options as checkedOptions } from './validate.js';

type F32 = Float32Array;

export type { BatchedPairs, CollideKernels };

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

const margin = (v: unknown): number => (v === undefined ? 0 : nonNegative(v, 'margin'));

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
export const [overlap, overlapAsync] = entries('collide', 'overlap', (a: F32, b: F32, opts?: OverlapOptions): Prepared<Uint8Array> => {
  const o = options<OverlapOptions>(opts, ['margin', 'out']);
  const na = f32(a, 'a', 10), nb = f32(b, 'b', 10);
  const m = margin(o.margin);
  const n = batch([na, 'a'], [nb, 'b']);
  const out = output(Uint8Array, o.out, n, 1, 'flags');
  return { args: [a, b, m, out], out };
});

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
export const [fits, fitsAsync] = entries('collide', 'fits', (candidate: F32, placed: F32, opts?: OverlapOptions): Prepared<Uint8Array> => {
  const o = options<OverlapOptions>(opts, ['margin', 'out']);
  const m = f32(candidate, 'candidate', 10);
  f32(placed, 'placed', 10);
  const mg = margin(o.margin);
  const out = output(Uint8Array, o.out, m, 1, 'flags');
  return { args: [candidate, placed, mg, out], out };
});

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

const maxPairs = (v: unknown): number => (v === undefined ? MAX_PAIRS : integer(v, 'maxPairs', 0, LIMITS.maxPairs));

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
export const [pairs, pairsAsync] = entries('collide', 'pairs', (boxes: F32, opts?: PairsOptions): Prepared<Uint32Array> => {
  const o = options<PairsOptions>(opts, ['margin', 'maxPairs']);
  boxCount(f32(boxes, 'boxes', 10));
  return { args: [boxes, margin(o.margin), maxPairs(o.maxPairs)], out: new Uint32Array(0) };
});

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
export const [pairsBatched, pairsBatchedAsync] = entries('collide', 'pairsBatched', (boxes: F32, offsets: Uint32Array, opts?: PairsOptions): Prepared<BatchedPairs> => {
  const o = options<PairsOptions>(opts, ['margin', 'maxPairs']);
  const n = boxCount(f32(boxes, 'boxes', 10));
  array(Uint32Array, offsets, 'offsets');
  const why = offsetsError(offsets, n);
  if (why) throw new RangeError(why);
  return { args: [boxes, offsets, margin(o.margin), maxPairs(o.maxPairs)], out: { pairs: new Uint32Array(0), offsets: new Uint32Array(0) } };
});
