// KeyIndex (src/metrics/key-index.ts), the compact string → index map behind `spatialkit eval`, against a
// Map: same indices, same keys back, on ASCII, non-ASCII (UTF-8 slow path) and empty strings.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KeyIndex } from '../src/metrics/key-index.js';
import { SEED } from './helpers.js';

describe('KeyIndex', () => {
  it('property: add/get/key agree with a Map (insertion-order indices, −1 − index for a repeat)', () => {
    const key = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', 'é', 'g000001-s0-c0-q00', '\u{1F600}x', 'a\u0000b'), fc.string({ unit: 'binary', maxLength: 6 }));
    fc.assert(fc.property(fc.array(key, { maxLength: 300 }), (keys) => {
      const k = new KeyIndex(), m = new Map<string, number>();
      for (const s of keys) {
        const want = m.has(s) ? -1 - m.get(s)! : m.size;
        if (!m.has(s)) m.set(s, m.size);
        if (k.add(s) !== want) return false;
      }
      if (k.size !== m.size) return false;
      for (const [s, i] of m) if (k.get(s) !== i || k.key(i) !== s) return false;
      return k.get('\u0001absent\u0002') === (m.has('\u0001absent\u0002') ? m.get('\u0001absent\u0002') : -1);
    }), { seed: SEED, numRuns: 300 });
  });

  it('holds 400 000 ids (7.2 MB: two 4 MiB storage chunks) across table growth, and finds each', () => {
    const k = new KeyIndex();
    const id = (i: number): string => `g${String(i >> 8).padStart(6, '0')}-s${i & 1}-c${(i >> 1) & 7}-q${String(i & 255).padStart(3, '0')}`;
    let wrong = 0;
    for (let i = 0; i < 4e5; i++) if (k.add(id(i)) !== i) wrong++;
    expect(wrong).toBe(0);
    expect(k.size).toBe(4e5);
    for (let i = 0; i < 4e5; i += 397) { expect(k.get(id(i))).toBe(i); expect(k.key(i)).toBe(id(i)); }
    expect(k.add(id(123_456))).toBe(-1 - 123_456);
    expect(k.get('g999999-s0-c0-q000')).toBe(-1);
    // A 5 MiB key is over the 4 MiB limit: a RangeError, and the index is unchanged.
    expect(() => k.add('x'.repeat(5 << 20))).toThrow(new RangeError('Expected a key of at most 4194304 bytes but received one of 5242880'));
    expect(k.size).toBe(4e5);
  });
});
