// The page encoders behind `rotate --format parquet` (src/cli/parquet-pages.ts): each against a
// reference written here (a hybrid RLE/bit-packed decoder, TextEncoder, a Map), against the bytes
// and choices of hyparquet-writer's own encoders (the writer they replace must be matched byte for
// byte: `--merge` re-encodes pieces of files the same way), and whole row groups read back by
// hyparquet. pyarrow reads rotate's real files in test/rotate-parquet.test.ts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { writeRleBitPackedHybrid } from 'hyparquet-writer/src/encoding.js';
import { useDictionary } from 'hyparquet-writer/src/dictionary.js';
import { parquetReadObjects } from 'hyparquet';
import { bitWidth, Bytes, chooseDictionary, plainStrings, rleHybrid } from '../src/cli/parquet-pages.js';
import { COMPRESSORS, encodeRowGroup, footer, HEADER, PARQUET_SCHEMAS, SCHEMAS } from '../src/cli/parquet.js';
import { mulberry32 } from './helpers.js';

/** The reference decoder of the RLE/bit-packed hybrid (Parquet spec): `count` values of `width` bits. */
function decodeHybrid(b: Uint8Array, width: number, count: number): number[] {
  const out: number[] = [];
  let at = 0;
  const varint = (): number => { let v = 0, shift = 0, x; do { x = b[at++]; v += (x & 0x7f) * 2 ** shift; shift += 7; } while (x & 0x80); return v; };
  while (out.length < count) {
    const header = varint();
    if (header % 2 === 0) {
      let v = 0;
      for (let k = 0; k < Math.ceil(width / 8); k++) v += b[at++] * 2 ** (8 * k);
      for (let k = 0; k < header / 2; k++) out.push(v);
    } else {
      // Bit-packed groups of 8 values, least significant bit first.
      const n = ((header - 1) / 2) * 8;
      for (let k = 0; k < n; k++) {
        let v = 0;
        for (let bit = 0; bit < width; bit++) {
          const pos = k * width + bit;
          v += ((b[at + (pos >> 3)] >> (pos & 7)) & 1) * 2 ** bit;
        }
        out.push(v);
      }
      at += (n * width) / 8;
    }
  }
  expect(at, 'every byte read').toBe(b.length);
  return out.slice(0, count);
}

/** Values in runs (so both RLE runs and bit-packed groups occur) below 2^width. */
const runs = (width: number): fc.Arbitrary<number[]> =>
  fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** width - 1 }), fc.integer({ min: 1, max: 20 })), { maxLength: 40 })
    .map((rs) => rs.flatMap(([v, n]) => Array<number>(n).fill(v)));

describe('rleHybrid (levels, dictionary indexes, booleans)', () => {
  it('decodes (reference decoder) to the values, and is hyparquet-writer\'s byte for byte, for widths 0–20 and any sub-range', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 20 }).chain((w) => fc.tuple(fc.constant(w), runs(w), fc.nat(), fc.nat())), ([w, values, a, b]) => {
      const from = values.length ? a % values.length : 0, to = from + (values.length ? b % (values.length - from + 1) : 0);
      const out = new Bytes();
      out.n = 3;  // writes after what the buffer holds
      const n = rleHybrid(out, w <= 8 ? Uint8Array.from(values) : values, from, to, w);  // levels come as bytes
      const bytes = out.bytes().subarray(3);
      expect(n).toBe(bytes.length);
      if (w > 0) expect(decodeHybrid(bytes, w, to - from)).toEqual(values.slice(from, to));
      const lib = new ByteWriter();
      writeRleBitPackedHybrid(lib, values.slice(from, to), w);
      expect(Buffer.from(bytes).equals(Buffer.from(lib.getBytes()))).toBe(true);
    }), { numRuns: 300 });
  });
  it('bitWidth(max) = ⌈log2(max + 1)⌉', () => {
    for (const [max, w] of [[0, 0], [1, 1], [2, 2], [3, 2], [4, 3], [255, 8], [256, 9], [2 ** 20, 21]]) expect(bitWidth(max), String(max)).toBe(w);
  });
});

describe('plainStrings (PLAIN BYTE_ARRAY)', () => {
  const pieces = ['a', 'Z', ' ', '~', 'é', '°', '–', '😀', '\ud800', '\udc00', 'the table is to the left of the chair'];
  const strings = fc.array(fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((p) => p.join('')), { maxLength: 30 });
  it('each string as its UTF-8 length (4 bytes LE) and TextEncoder\'s bytes (lone surrogates as U+FFFD), short and long, and where each ends', () => {
    const te = new TextEncoder();
    fc.assert(fc.property(strings, (s) => {
      const out = new Bytes();
      out.n = 1;
      const ends = new Int32Array(s.length + 1);
      plainStrings(out, s, 0, s.length, ends);
      const want: number[] = [];
      const wantEnds = [1];
      for (const v of s) {
        const e = te.encode(v);
        want.push(e.length & 255, (e.length >> 8) & 255, 0, 0, ...e);
        wantEnds.push(1 + want.length);
      }
      expect(Array.from(out.bytes().subarray(1))).toEqual(want);
      expect(Array.from(ends)).toEqual(wantEnds);
    }), { numRuns: 200 });
  });
});

describe('chooseDictionary', () => {
  // Slot-aligned values with nulls, as hyparquet-writer takes them.
  const withNulls = <T>(v: fc.Arbitrary<T>): fc.Arbitrary<(T | null)[]> => fc.array(fc.option(v, { freq: 6 }), { maxLength: 3000 });
  const cases: [string, 'BYTE_ARRAY' | 'INT32' | 'DOUBLE', fc.Arbitrary<(string | number | null)[]>][] = [
    ['strings, few distinct', 'BYTE_ARRAY', withNulls(fc.constantFrom('front', 'back-left', 'é°', '', 'x'.repeat(40)))],
    ['strings, many distinct', 'BYTE_ARRAY', withNulls(fc.string({ maxLength: 8 }))],
    ['int32', 'INT32', withNulls(fc.integer({ min: -3, max: 12 }))],
    ['int32, many distinct', 'INT32', withNulls(fc.integer())],
    ['doubles with 0, −0 and NaN', 'DOUBLE', withNulls(fc.constantFrom(0, -0, NaN, 1.5, -2.25, 1e300, 5e-324))],
    ['doubles, many distinct', 'DOUBLE', withNulls(fc.double())],
  ];
  it.each(cases)('%s: the dictionary (values as first seen) and indexes hyparquet-writer chooses, or PLAIN where it does', (_, type, arb) => {
    fc.assert(fc.property(arb, (slots) => {
      const values = slots.filter((v) => v !== null) as (string | number)[];
      const present = slots.some((v) => v === null) ? (i: number): boolean => slots[i] !== null : null;
      const got = chooseDictionary(values, type, slots.length, present);
      const lib = useDictionary(slots, type, undefined, undefined, undefined, false);
      if (!lib.dictionary) { expect(got).toBeNull(); return; }
      expect(got).not.toBeNull();
      expect(got!.dictionary).toEqual(lib.dictionary);  // toEqual tells −0 from 0
      expect(Array.from(got!.indexes)).toEqual(slots.flatMap((v, i) => (v === null ? [] : [lib.indexes![i]])));
    }), { numRuns: 60 });
  });
  it('a Map\'s notion of one value: 0 and −0 share an entry (the first seen is kept), all NaNs share one', () => {
    const d = chooseDictionary([-0, 0, NaN, 0, NaN, -0, 0, 0, 0, 0, 0, 0], 'DOUBLE', 12, null)!;
    expect(d.dictionary).toEqual([-0, NaN]);
    expect(Array.from(d.indexes)).toEqual([0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    // Also in a table of over 2^17 slots (where the bits of 0 and −0 no longer fall in one slot by chance).
    const big = Array.from({ length: 700_000 }, (_, i) => (i % 10 ? 1 : i / 10 + 0.5)).concat([-0, 0, NaN, NaN]);
    const e = chooseDictionary(big, 'DOUBLE', big.length, null)!;
    expect(e.dictionary.length).toBe(70_003);
    expect(e.dictionary.slice(-2)).toEqual([-0, NaN]);
    expect(Array.from(e.indexes.slice(-4))).toEqual([70_001, 70_001, 70_002, 70_002]);
  });
});

describe('encodeRowGroup on pages over 1 MiB (several pages per column) with nulls and non-ASCII text', () => {
  const rng = mulberry32(7);
  const words = ['left', 'right', 'behind', 'café', '45°', '–', 'the lamp', '😀'];
  const text = (n: number): string => Array.from({ length: n }, () => words[Math.floor(rng() * words.length)]).join(' ');
  const rows = Array.from({ length: 9000 }, (_, i) => ({
    id: `q${i}`, group: i >> 5, subgroup: i & 1, camera: i & 7, image: `g${i >> 5}`, task: rng() < 0.5 ? 'judgement' : 'choice', viewpoint: 'relative',
    relation: 'cardinal', objects: 2 + (i % 2), question: text(20 + Math.floor(rng() * 20)), answer: rng() < 0.5 ? 'yes' : text(3), consistency: `c${i >> 3}`,
    ...(rng() < 0.3 ? { pair: `p${i}` } : {}), ...(rng() < 0.5 ? { viewer: i % 3 } : {}), target: i % 3, reference: rng() < 0.5 ? 1 : null,
    ...(rng() < 0.2 ? { answer_text: text(4) } : {}), split: 'train',
  }));
  it('the bytes of hyparquet-writer\'s ParquetWriter with the same compressors, and hyparquet reads the rows back', async () => {
    const enc = encodeRowGroup('qa', rows);
    const writer = new ByteWriter();
    const pw = new ParquetWriter({ writer, schema: PARQUET_SCHEMAS.qa, codec: 'SNAPPY', statistics: false, compressors: COMPRESSORS });
    pw.write({ columnData: SCHEMAS.qa.map(([name]) => ({ name, data: rows.map((r) => (r as Record<string, unknown>)[name] ?? null), columnIndex: false, offsetIndex: false })), rowGroupSize: rows.length + 1 });
    expect(Buffer.from(enc.bytes).equals(Buffer.from(writer.getBuffer().slice(4)))).toBe(true);
    // Several pages: the question column's PLAIN values pass 1 MiB (pages are cut by UTF-8 bytes).
    const question = pw.row_groups[0].columns.find((c) => c.meta_data?.path_in_schema[0] === 'question')!.meta_data!;
    expect(question.encodings).toEqual(['PLAIN']);
    expect(Number(question.total_uncompressed_size)).toBeGreaterThan(1 << 20);
    const file = Buffer.concat([HEADER, Buffer.from(enc.bytes), footer('qa', [enc.rowGroup!], 200)]);
    const back = await parquetReadObjects({ file: file.buffer.slice(file.byteOffset, file.byteOffset + file.length) as ArrayBuffer });
    expect(back.length).toBe(rows.length);
    for (const [i, r] of rows.entries()) {
      const want = { pair: null, viewer: null, answer_text: null, ...r };
      expect(back[i], `row ${i}`).toEqual(want);
    }
  }, 60_000);
  it('a value of the wrong type is a TypeError naming the field and what it received', () => {
    const row = rows[0];
    expect(() => encodeRowGroup('qa', [row, { ...row, group: 1.5 }])).toThrow(/^parquet: field 'group' expects int32 values but received the number 1\.5/);
    expect(() => encodeRowGroup('qa', [{ ...row, question: 7 }])).toThrow(TypeError);
    expect(() => encodeRowGroup('qa', [{ ...row, question: 7 }])).toThrow(/field 'question' expects string values/);
  });
});
