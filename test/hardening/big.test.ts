// Sizes past 2^31 bytes on the wasm backend (issue 16): normalizedEntropyGrouped at 2^29 + 5
// labels gave "RangeError: offset is out of bounds" (the adapter rounded sizes with `& ~15`, which
// wraps at 2^31); it must give the right values, and 2^30 labels (4 GiB, more than wasm memory
// can hold) a RangeError naming the size. The 2^29 case copies 2 GiB into wasm memory and sorts
// a 2^29-label group (~2.7 GB of RSS, 10–40 s): it runs only with SPATIALKIT_BIG_TESTS=1.
import { describe, expect, it } from 'vitest';
import * as sk from 'spatialkit';
import { align16 } from '../../src/backend/wasm/runtime.js';

const wasm = sk.backends().find((b) => b.backend === 'wasm')!;

/** NE of one group by its definition: (−Σ p log2 p) / log2 N. */
function ne(labels: number[]): number {
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) h -= (c / labels.length) * Math.log2(c / labels.length);
  return h / Math.log2(labels.length);
}

describe('wasm sizes past 2^31 bytes', () => {
  it('align16 rounds sizes of 2^31 bytes and more up to 16 without wrapping', () => {
    expect(align16(2 ** 31 + 1)).toBe(2 ** 31 + 16);
    expect(align16(2 ** 32 + 20)).toBe(2 ** 32 + 32);
    expect(align16(4 * (2 ** 29 + 5))).toBe(2 ** 31 + 32);
  });

  it.skipIf(!wasm.available || process.env.SPATIALKIT_BIG_TESTS !== '1')(
    'normalizedEntropyGrouped at 2^29 + 5 labels is right; at 2^30 it is a RangeError naming the size [wasm; SPATIALKIT_BIG_TESTS=1]', () => {
      sk.setBackend('wasm');
      const n = 2 ** 29 + 5, labels = new Int32Array(n);  // zero pages until written: only the wasm copy is resident
      const head = [1, 1, 2, 3, 1], tail = [7, 8, 7];
      labels.set(head);
      labels.set(tail, n - 3);
      const r = sk.metrics.normalizedEntropyGrouped(labels, Uint32Array.of(0, 5, n - 3, n));
      const want = [ne(head), 0, ne(tail)];
      r.values.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-12));
      expect(Math.abs(r.mean! - (want[0] + want[1] + want[2]) / 3)).toBeLessThan(1e-12);

      const huge = new Int32Array(2 ** 30);
      expect(() => sk.metrics.normalizedEntropyGrouped(huge, Uint32Array.of(0, 2 ** 30)))
        .toThrow(/^spatialkit wasm: cannot allocate \d{10} bytes of wasm memory .*at most 4 GiB/);
    }, 600_000);
});
