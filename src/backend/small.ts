// The small-call path (issue #17): element-wise float32 ops on a few items, where checking and
// placing arrays costs more than the work. When every array is a plain Float32Array
// (src/validate.ts plainF32Length) holding the same n items, 1 ≤ n ≤ the backend's `items` (no
// broadcasting), the inputs are copied into the backend's fixed arena with plain loops, the op
// runs with the item count as its only argument, and the output is copied back. Copying every
// input before the op runs makes any overlap of input and output safe. Anything else takes the
// array path, which checks every argument and words every error; the backend checks n again.
// Used by the domain modules (src/call.ts) and by the wasm backend's own kernels.
import type { SmallCalls } from './kernels.js';
import { plainF32Length } from '../validate.js';

/**
 * n when `x` (and `y`, unless yItem is 0) are plain Float32Arrays holding the same n items,
 * 1 ≤ n ≤ maxItems, and `out` is undefined or a plain Float32Array of n·outItem floats; else 0.
 * The one test of both small paths: this arena path (maxItems = the backend's `items`) and the
 * direct kernel call of larger batches (src/call.ts smallOutput, no limit).
 */
export function smallCount(maxItems: number, x: unknown, xItem: number, y: unknown, yItem: number, out: unknown, outItem: number): number {
  const lx = plainF32Length(x);
  if (lx <= 0 || lx > maxItems * xItem || lx % xItem !== 0) return 0;
  const n = lx / xItem;
  if (yItem !== 0 && plainF32Length(y) !== n * yItem) return 0;
  if (out !== undefined && plainF32Length(out) !== n * outItem) return 0;
  return n;
}

/**
 * Runs `op` (one of s.quat) on the n items smallCount accepted; returns `out`, or a new array when it is
 * undefined. When the op throws for a bad item, `out` still receives every output first.
 */
export function smallRun(s: SmallCalls, op: (n: number) => void, n: number, x: Float32Array, xItem: number,
  y: Float32Array | undefined, yItem: number, out: Float32Array | undefined, outItem: number): Float32Array {
  const f = s.arena;
  const lx = n * xItem, ly = n * yItem, len = n * outItem;
  // Element loops for a few floats; from 16 on, set() (a memcpy) costs less than the loop.
  if (lx < 16) for (let i = 0, X = s.x; i < lx; i++) f[X + i] = x[i];
  else f.set(x, s.x);
  if (y !== undefined) {
    if (ly < 16) for (let i = 0, Y = s.y; i < ly; i++) f[Y + i] = y[i];
    else f.set(y, s.y);
  }
  const o = out ?? new Float32Array(len);
  try {
    op(n);
  } finally {
    if (len < 16) for (let i = 0, O = s.out; i < len; i++) o[i] = f[O + i];
    else o.set(f.subarray(s.out, s.out + len));
  }
  return o;
}
