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
import { active } from './backend/index.js';
import type { AsyncTwins } from './backend/types.js';
import { batch, describe, f32, output, withCallerStack } from './validate.js';

type F32 = Float32Array;

/** The kernels a backend provides for this module (arguments already validated). */
export interface CollideKernels {
  overlap(a: F32, b: F32, margin: number, out: Uint8Array): void;
  fits(candidate: F32, placed: F32, margin: number, out: Uint8Array): void;
}

type Kernels = CollideKernels & AsyncTwins<CollideKernels>;
type Op = keyof CollideKernels;

function kernels(): Kernels {
  return active().module.collide as Kernels;
}

interface Prepared<R> { args: unknown[]; out: R }

function run<R>(op: Op, p: Prepared<R>): R {
  const r = (kernels()[op] as (...a: unknown[]) => unknown)(...p.args);
  return (r === undefined ? p.out : r) as R;
}

async function runAsync<R>(op: Op, p: Prepared<R>): Promise<R> {
  const k = kernels();
  const twin = k[`${op}Async`] as ((...a: unknown[]) => Promise<unknown>) | undefined;
  const r = twin ? await withCallerStack(() => twin(...p.args)) : (k[op] as (...a: unknown[]) => unknown)(...p.args);
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
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts) || ArrayBuffer.isView(opts)) {
    throw new TypeError(`Expected an options object for \`opts\` but received ${describe(opts)}`);
  }
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) {
      throw new RangeError(`Unknown option \`${key}\`; expected ${allowed.map((a) => `\`${a}\``).join(', ')}`);
    }
  }
  return opts as Partial<T>;
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
