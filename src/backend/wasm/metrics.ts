// sk.metrics on the wasm backend: the adapter table over wasm/assembly/metrics.ts drivers,
// mirroring native/napi/metrics.cc parser for parser (same argument names, checks and sentences).
import { LIMITS, type MetricsKernels } from '../kernels.js';
import { integer } from '../../validate.js';
import type { WasmRuntime } from './runtime.js';

interface MetricsExports {
  metrics_histogram_batch(codes: number, n: number, K: number, table: number): number;
  metrics_ne_grouped_batch(labels: number, n: number, offsets: number, G: number, values: number, stats: number,
    scratch: number): number;
}

/** As native/napi/metrics.cc kMaxBins. */
/** As SK_METRICS_SMALL_GROUP: longer groups need a scratch copy to sort. */
const SMALL_GROUP = 32;
/** Codes copied into wasm memory per driver call when they do not live there already. */
const CHUNK = 1 << 16;

const bins = (v: unknown, name: string): number => integer(v, name, 1, LIMITS.maxBins);

const badCode = (codes: Int32Array, K: number, i: number): string =>
  `Expected an integer in [0, ${K}) for \`codes[${i}]\` but received the number ${codes[i]}`;
const badOffset = (n: number, offsets: Uint32Array, i: number): string =>
  `Expected \`offsets\` to rise from 0 to ${n} (the length of \`labels\`) but offsets[${i}] is ${offsets[i]}`;

export function metricsKernels(rt: WasmRuntime): MetricsKernels {
  const w = rt.exports as unknown as MetricsExports;
  return {
    // (codes Int32Array [N], K, counts Float64Array [K]). A reduction, so not Call.each: the codes
    // stream through the arena in chunks into one u32 table of K + 1 bins that lives there for the
    // whole call; counts is written only when every code was in range, as native does.
    histogram(codes, K, counts) {
      const c = rt.call([codes, K, counts]);
      const C = c.array(0, 'codes', 1, false, 'Int32Array');
      const k = bins(K, 'K');
      const O = c.array(2, 'counts', 1, true, 'Float64Array');
      c.expectCount(O, k, 'bins');
      const n = C.length, tableBytes = 4 * (k + 1);
      const chunk = C.resident ? 0 : Math.min(n, CHUNK);
      const base = rt.acquire(tableBytes + 4 * chunk);  // may grow memory: views are taken after
      try {
        const table = base, slot = base + tableBytes;
        rt.view('Uint32Array').fill(0, table / 4, table / 4 + k + 1);
        if (C.resident) {
          const bad = w.metrics_histogram_batch(C.offset, n, k, table);
          if (bad >= 0) throw new RangeError(badCode(rt.view('Int32Array').subarray(C.offset / 4), k, bad));
        } else {
          for (let start = 0; start < n; start += chunk) {
            const m = Math.min(chunk, n - start);
            rt.view('Int32Array').set(C.array.subarray(start, start + m) as Int32Array, slot / 4);
            const bad = w.metrics_histogram_batch(slot, m, k, table);
            if (bad >= 0) throw new RangeError(badCode(C.array as Int32Array, k, start + bad));
          }
        }
        (O.array as Float64Array).set(rt.view('Uint32Array').subarray(table / 4, table / 4 + k));
      } finally {
        rt.release();
      }
    },

    // (labels Int32Array [N], offsets Uint32Array [G + 1], out Float64Array [G], stats Float64Array [2])
    neGrouped(labels, offsets, out, stats) {
      const args: unknown[] = [labels, offsets, out, stats];
      const c = rt.call(args);
      const L = c.array(0, 'labels', 1, false, 'Int32Array'), F = c.array(1, 'offsets', 1, false, 'Uint32Array');
      if (F.count < 1) c.rangeError('Expected Uint32Array of length G + 1 ≥ 1 for `offsets` but received Uint32Array(0)');
      c.snapshot(F);  // the scratch below is sized from these offsets: the driver must see the same
      const G = F.count - 1;
      const V = c.array(2, 'out', 1, true, 'Float64Array'), S = c.array(3, 'stats', 1, true, 'Float64Array');
      c.expectCount(V, G, 'values');
      c.expectCount(S, 2, 'values');
      // The longest valid group sizes the sort scratch (only groups over SMALL_GROUP use it); the
      // driver checks the offsets again, in order, and reports the first bad one.
      const off = F.array as Uint32Array, n = L.length;
      let longest = 0;
      for (let g = 0; g < G; g++) {
        const a = off[g], b = off[g + 1];
        if (b < a || b > n) break;
        if (b - a > longest) longest = b - a;
      }
      // Labels copied into wasm memory are sorted in place (scratch 0), which halves the memory of
      // a huge group; labels that live there already are the caller's and get a scratch copy.
      c.separateOverlaps();
      const inPlace = !L.resident;
      args.push(new Int32Array(longest > SMALL_GROUP && !inPlace ? longest : 0));
      const X = c.array(4, 'scratch', 1, false, 'Int32Array');
      c.run(() => w.metrics_ne_grouped_batch(L.ptr, n, F.ptr, G, V.ptr, S.ptr, inPlace ? 0 : X.ptr), (i) => badOffset(n, off, i));
    },
  };
}
