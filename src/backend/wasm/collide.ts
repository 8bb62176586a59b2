// sk.collide on the wasm backend: the adapter table over wasm/assembly/collide.ts drivers,
// mirroring native/napi/collide.cc parser for parser (same argument names, checks, order and
// sentences). Pair lists have a size known only after the narrow phase: the drivers count past
// the capacity they are given, and the adapter calls again with the exact size when a first
// guess (4 pairs per box) was short.
import { LIMITS, type BatchedPairs, type CollideKernels } from '../kernels.js';
import { boxCount, integer, nonNegative, offsetsError } from '../../validate.js';
import { align16, type Arr, type WasmRuntime } from './runtime.js';

interface CollideExports {
  collide_overlap_batch(a: number, ab: boolean, b: number, bb: boolean, margin: number, out: number, n: number): number;
  collide_fits_batch(cand: number, m: number, placed: number, n: number, margin: number, aabb: number, out: number): number;
  collide_grid_scratch(n: number): number;
  collide_pairs_batch(boxes: number, n: number, margin: number, maxPairs: number, scratch: number, cap: number,
    tmp: number, out: number): number;
  collide_pairs_batched_batch(boxes: number, n: number, offsets: number, S: number, margin: number, maxPairs: number,
    scratch: number, cap: number, tmp: number, out: number, sceneOut: number): number;
}

/** The largest `maxPairs` (kCollideMaxPairs). */

/** Which rule box i of `a` breaks (as box_check): 0 none, 1 non-finite, 2 negative, 3 zero quaternion. */
function boxStatus(a: Float32Array, i: number): number {
  const o = 10 * i;
  for (let k = 0; k < 10; k++) if (!Number.isFinite(a[o + k])) return 1;
  if (a[o + 3] < 0 || a[o + 4] < 0 || a[o + 5] < 0) return 2;
  const x = a[o + 6], y = a[o + 7], z = a[o + 8], w = a[o + 9];
  return x * x + y * y + z * z + w * w === 0 ? 3 : 0;
}
function boxError(name: string, i: number, a: Float32Array): string {
  const s = boxStatus(a, i);
  const what = s === 1 ? 'a non-finite value' : s === 2 ? 'a negative half-extent' : 'a zero-length quaternion';
  return `\`${name}[${i}]\` has ${what}`;
}
const marginArg = (v: unknown): number => nonNegative(v, 'margin');
const maxPairsArg = (v: unknown): number => integer(v, 'maxPairs', 0, LIMITS.maxPairs);
const tooMany = (maxPairs: number): string =>
  `More than \`maxPairs\` = ${maxPairs} pairs overlap; raise \`maxPairs\` (at most 2^31 − 1) to collect them`;
export function collideKernels(rt: WasmRuntime): CollideKernels {
  const w = rt.exports as unknown as CollideExports;

  /**
   * Places the boxes (and `extra` input bytes) in one arena block with `scratch` and the two
   * pair buffers of `cap` pairs, runs `call(boxes, extra, scratch, tmp, out)`, and returns its
   * result with the block's addresses; retries with the exact capacity when the first was short.
   */
  function withPairs<R>(B: Arr, extra: Uint32Array | null, scratchBytes: number, cap0: number, maxPairs: number,
    call: (boxes: number, extra: number, scratch: number, tmp: number, out: number, cap: number) => number,
    done: (r: number, out: number, extra: number) => R): R {
    let cap = Math.min(cap0, maxPairs);
    for (;;) {
      const boxBytes = B.resident ? 0 : align16(B.bytes), extraBytes = extra ? align16(extra.byteLength) : 0;
      const base = rt.acquire(boxBytes + extraBytes + align16(scratchBytes) + 16 * cap + 16);  // may grow memory
      let r: number;
      try {
        const boxes = B.resident ? B.offset : base;
        if (!B.resident) rt.view('Float32Array').set(B.array as Float32Array, base / 4);
        const ex = base + boxBytes;
        if (extra) rt.view('Uint32Array').set(extra, ex / 4);
        const scratch = ex + extraBytes, tmp = scratch + align16(scratchBytes), out = tmp + 8 * cap;
        r = call(boxes, ex, scratch, tmp, out, cap);
        if (r === -1) throw new RangeError(tooMany(maxPairs));
        if (r <= -2) throw new RangeError(boxError('boxes', -2 - r, B.array as Float32Array));
        if (r <= cap) return done(r, out, ex);
      } finally {
        rt.release();
      }
      cap = r;  // the exact count: the second call fits
    }
  }

  return {
    // (a [N|1, 10], b [N|1, 10], margin, out Uint8Array [N])
    overlap(a, b, margin, out) {
      const c = rt.call([a, b, margin, out]);
      const A = c.array(0, 'a', 10), B = c.array(1, 'b', 10);
      const m = marginArg(margin);
      const O = c.array(3, 'out', 1, true, 'Uint8Array');
      const n = c.batch(A, B);
      c.expectCount(O, n, 'flags');
      c.each(n, (k) => w.collide_overlap_batch(A.ptr, A.batched, B.ptr, B.batched, m, O.ptr, k), (i) => {
        const ia = A.batched ? i : 0, ib = B.batched ? i : 0;
        return boxStatus(A.array as Float32Array, ia) ? boxError('a', ia, A.array as Float32Array) : boxError('b', ib, B.array as Float32Array);
      });
    },

    // (candidate [M, 10], placed [N, 10], margin, out Uint8Array [M])
    fits(candidate, placed, margin, out) {
      const args: unknown[] = [candidate, placed, margin, out];
      const c = rt.call(args);
      const K = c.array(0, 'candidate', 10), P = c.array(1, 'placed', 10);
      const m = marginArg(margin);
      const O = c.array(3, 'out', 1, true, 'Uint8Array');
      c.expectCount(O, K.count, 'flags');
      args.push(new Float32Array(6 * P.count));  // the placed boxes' AABBs
      const S = c.array(4, 'scratch', 1);
      c.run(() => w.collide_fits_batch(K.ptr, K.count, P.ptr, P.count, m, S.ptr, O.ptr), (i) =>
        i < K.count ? boxError('candidate', i, K.array as Float32Array) : boxError('placed', i - K.count, P.array as Float32Array));
    },

    // (boxes [N, 10], margin, maxPairs) → Uint32Array [P, 2]
    pairs(boxes, margin, maxPairs) {
      const c = rt.call([boxes, margin, maxPairs]);
      const B = c.array(0, 'boxes', 10);
      const n = boxCount(B.count);
      const m = marginArg(margin), mp = maxPairsArg(maxPairs);
      return withPairs(B, null, 24 * n + w.collide_grid_scratch(n), Math.max(64, 4 * n), mp,
        (bx, _ex, scratch, tmp, out, cap) => w.collide_pairs_batch(bx, n, m, mp, scratch, cap, tmp, out),
        (r, out) => new Uint32Array(rt.buffer, out, 2 * r).slice());
    },

    // (boxes [N, 10], offsets Uint32Array [S + 1], margin, maxPairs) → {pairs, offsets}
    pairsBatched(boxes, offsets, margin, maxPairs): BatchedPairs {
      const c = rt.call([boxes, offsets, margin, maxPairs]);
      const B = c.array(0, 'boxes', 10);
      const n = boxCount(B.count);
      const F = c.array(1, 'offsets', 1, false, 'Uint32Array');
      if (F.count === 0) c.rangeError('Expected Uint32Array of length S + 1 ≥ 1 for `offsets` but received Uint32Array(0)');
      c.snapshot(F);  // the driver trusts checked offsets: check and use the same values
      const off = F.array as Uint32Array;
      const why = offsetsError(off, n);
      if (why) c.rangeError(why);
      const m = marginArg(margin), mp = maxPairsArg(maxPairs);
      const S = F.count - 1;
      let largest = 0;
      for (let s = 0; s < S; s++) largest = Math.max(largest, off[s + 1] - off[s]);
      // The extra block holds the offsets (S + 1) and, after them, the driver's scene offsets (S + 1).
      const extra = new Uint32Array(2 * (S + 1));
      extra.set(off);
      return withPairs(B, extra, 24 * n + w.collide_grid_scratch(largest), Math.max(64, 4 * n), mp,
        (bx, ex, scratch, tmp, out, cap) =>
          w.collide_pairs_batched_batch(bx, n, ex, S, m, mp, scratch, cap, tmp, out, ex + 4 * (S + 1)),
        (r, out, ex) => ({
          pairs: new Uint32Array(rt.buffer, out, 2 * r).slice(),
          offsets: new Uint32Array(rt.buffer, ex + 4 * (S + 1), S + 1).slice(),
        }));
    },
  };
}
