// The page encodings `rotate --format parquet` writes, on flat typed arrays and one growable byte
// buffer: the RLE/bit-packed hybrid (levels, dictionary indexes, booleans), PLAIN values, and the
// dictionary choice. They make the bytes hyparquet-writer's column writer makes from the same values
// (its choices, byte for byte: test/parquet-pages.test.ts), without its per-value costs — a
// TextEncoder per string, a DataView call and a bounds check per byte, arrays sliced per page.
// Format: https://parquet.apache.org/docs/file-format/data-pages/encodings/

/** A growable byte buffer written in place. */
export class Bytes {
  buf = Buffer.allocUnsafe(1 << 16);
  view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  n = 0;
  /** Makes room for `k` more bytes. */
  reserve(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const b = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.n + k));
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
    this.view = new DataView(b.buffer, b.byteOffset, b.length);
  }
  u32(v: number): void { this.reserve(4); this.view.setUint32(this.n, v, true); this.n += 4; }
  varint(v: number): void {
    this.reserve(5);
    while (v > 0x7f) { this.buf[this.n++] = (v & 0x7f) | 0x80; v >>>= 7; }
    this.buf[this.n++] = v;
  }
  /** The bytes written (a view: valid until the next write). */
  bytes(): Uint8Array { return this.buf.subarray(0, this.n); }
}

/** Bits for values 0…max: ⌈log2(max + 1)⌉. */
export const bitWidth = (max: number): number => (max > 0 ? 32 - Math.clz32(max) : 0);

/**
 * Appends `a[from…to)` in the RLE/bit-packed hybrid at `width` bits per value (without the length
 * prefix); returns the bytes written. Greedy, as hyparquet-writer: a run of 8 or more equal values
 * is one RLE run, anything else goes into bit-packed groups of 8 values (the last padded with 0).
 */
export function rleHybrid(out: Bytes, a: ArrayLike<number>, from: number, to: number, width: number): number {
  const start = out.n;
  let i = from, pending = 0, packFrom = 0;
  while (i < to) {
    const v = a[i];
    let run = 1;
    while (i + run < to && a[i + run] === v) run++;
    if (run >= 8) {
      if (pending) { bitPack(out, a, packFrom, pending, to, width); pending = 0; }
      out.varint(run << 1);
      out.reserve(4);
      for (let b = 0; b < width; b += 8) out.buf[out.n++] = (v >>> b) & 0xff;
      i += run;
    } else {
      if (!pending) packFrom = i;
      pending++;
      i += 8;
    }
  }
  if (pending) bitPack(out, a, packFrom, pending, to, width);
  return out.n - start;
}

/** `groups` bit-packed groups of 8 values from `a[from]` (values at `to` and beyond are 0), LSB first. */
function bitPack(out: Bytes, a: ArrayLike<number>, from: number, groups: number, to: number, width: number): void {
  out.varint((groups << 1) | 1);
  out.reserve(groups * width);
  const buf = out.buf, mask = width === 32 ? -1 : (1 << width) - 1;
  let n = out.n, acc = 0, bits = 0;
  for (let i = from, end = from + groups * 8; i < end; i++) {
    // acc holds < 8 bits before the add, so widths up to 24 fit in its 32 bits.
    acc |= (i < to ? a[i] & mask : 0) << bits;
    bits += width;
    while (bits >= 8) { buf[n++] = acc & 0xff; acc >>>= 8; bits -= 8; }
  }
  if (bits > 0) buf[n++] = acc & 0xff;
  out.n = n;
}


/**
 * PLAIN BYTE_ARRAY: each string's UTF-8 length (4 bytes, little-endian) and bytes. Short ASCII
 * strings are copied in a loop; longer ones (and any other) by Buffer#write, one native call, which
 * writes what TextEncoder does (a lone surrogate as U+FFFD). With `ends`, ends[k + 1 − from] = where
 * value k's bytes end (ends[0] = where the first starts).
 */
export function plainStrings(out: Bytes, s: readonly string[], from: number, to: number, ends?: Int32Array): void {
  if (ends) ends[0] = out.n;
  for (let k = from; k < to; k++) {
    const v = s[k];
    out.reserve(4 + 3 * v.length);  // a UTF-16 code unit is at most 3 UTF-8 bytes
    const buf = out.buf, at = out.n + 4;
    let n = at;
    if (v.length > 24) n += buf.write(v, at);
    else {
      for (let c = 0; c < v.length; c++) {
        const x = v.charCodeAt(c);
        if (x >= 0x80) { n = at + buf.write(v, at); break; }
        buf[n++] = x;
      }
    }
    out.view.setUint32(out.n, n - at, true);
    out.n = n;
    if (ends) ends[k + 1 - from] = n;
  }
}

/** PLAIN INT32 / DOUBLE. */
export function plainNumbers(out: Bytes, v: readonly number[], from: number, to: number, type: 'INT32' | 'DOUBLE'): void {
  const size = type === 'INT32' ? 4 : 8;
  out.reserve((to - from) * size);
  const view = out.view;
  let n = out.n;
  if (type === 'INT32') for (let k = from; k < to; k++, n += 4) view.setInt32(n, v[k], true);
  else for (let k = from; k < to; k++, n += 8) view.setFloat64(n, v[k], true);
  out.n = n;
}

/** PLAIN BOOLEAN: one bit per value, LSB first. */
export function plainBooleans(out: Bytes, v: ArrayLike<number>, from: number, to: number): void {
  const bytes = (to - from + 7) >> 3;
  out.reserve(bytes);
  out.buf.fill(0, out.n, out.n + bytes);
  for (let k = from; k < to; k++) out.buf[out.n + ((k - from) >> 3)] |= v[k] << ((k - from) & 7);
  out.n += bytes;
}

/**
 * The dictionary of `values` (the column's non-null values) and each value's index into it, or
 * null where PLAIN is the better choice — hyparquet-writer's rule: a sample of up to 1,000 of the
 * column's `slots` (nulls included; `present(slot)` says which hold a value) whose distinct values
 * make over 90 % of its bytes is PLAIN; otherwise the whole dictionary is built and kept if it and
 * its bit-packed indexes take at most half the PLAIN bytes. Sizes are as hyparquet-writer counts
 * them here: a string's length in UTF-16 code units (+ 4), a number 4 or 8 bytes. Values are
 * distinct as a Map's keys are (SameValueZero); the dictionary holds each one as first seen.
 */
export function chooseDictionary(values: readonly (string | number)[], type: 'BYTE_ARRAY' | 'INT32' | 'DOUBLE', slots: number,
  present: ((slot: number) => boolean) | null): { dictionary: (string | number)[]; indexes: Int32Array } | null {
  const strings = type === 'BYTE_ARRAY', width = type === 'INT32' ? 4 : 8;
  const prefix = strings ? 4 : 0;
  const samples = Math.min(slots, 1000);
  const seen = new Set<unknown>();
  let distinct = 0, total = 0;
  // The sampled slots are increasing: walk the values alongside them.
  for (let i = 0, slot = 0, value = 0; i < samples; i++) {
    const s = samples === 1 ? 0 : Math.floor(i * (slots - 1) / (samples - 1));
    if (present) { for (; slot < s; slot++) if (present(slot)) value++; } else value = s;
    if (present && !present(s)) continue;
    const v = values[value], bytes = (strings ? (v as string).length : width) + prefix;
    if (!seen.has(v)) { seen.add(v); distinct += bytes; }
    total += bytes;
  }
  if (!total || distinct / total > 0.9) return null;
  const d = strings ? indexStrings(values as string[]) : indexNumbers(values as number[]);
  const n = values.length, entries = d.dictionary.length;
  const plainBytes = strings ? d.bytes : n * width, dictBytes = strings ? d.dictBytes : entries * width;
  const indexBytes = Math.ceil(n * Math.ceil(Math.log2(entries)) / 8);
  if (2 * (dictBytes + entries * prefix + indexBytes) > plainBytes + n * prefix) return null;
  return d;
}

/** Strings by a Map; `bytes`, `dictBytes`: the UTF-16 lengths of all values and of the distinct ones. */
function indexStrings(values: readonly string[]): { dictionary: string[]; indexes: Int32Array; bytes: number; dictBytes: number } {
  const index = new Map<string, number>();
  const dictionary: string[] = [];
  const indexes = new Int32Array(values.length);
  let bytes = 0, dictBytes = 0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    let j = index.get(v);
    if (j === undefined) { j = dictionary.length; dictionary.push(v); index.set(v, j); dictBytes += v.length; }
    bytes += v.length;
    indexes[k] = j;
  }
  return { dictionary, indexes, bytes, dictBytes };
}

const f64 = new Float64Array(1), words = new Uint32Array(f64.buffer);
/**
 * Numbers by an open-addressing table on their bits (a Map keyed by numbers boxes each one): 0 and
 * −0 are one value, all NaNs one value, as in a Map.
 */
function indexNumbers(values: readonly number[]): { dictionary: number[]; indexes: Int32Array; bytes: number; dictBytes: number } {
  const dictionary: number[] = [];
  const indexes = new Int32Array(values.length);
  let mask = 1023, table = new Int32Array(mask + 1).fill(-1);
  const slotOf = (v: number): number => {
    let h = 0;
    if (v === v) {  // NaN hashes to 0
      f64[0] = v === 0 ? 0 : v;
      h = Math.imul(words[0] ^ Math.imul(words[1], 0x9e3779b1), 0x85ebca6b);
      h ^= h >>> 15;
    }
    for (h &= mask; ; h = (h + 1) & mask) {
      const j = table[h];
      if (j < 0) return h;
      const d = dictionary[j];
      if (d === v || (d !== d && v !== v)) return h;
    }
  };
  for (let k = 0; k < values.length; k++) {
    const v = values[k], at = slotOf(v);
    let j = table[at];
    if (j < 0) {
      j = dictionary.length;
      dictionary.push(v);
      table[at] = j;
      if (2 * dictionary.length > mask) {  // keep the table at most half full
        mask = 2 * mask + 1;
        table = new Int32Array(mask + 1).fill(-1);
        for (let i = 0; i < dictionary.length; i++) table[slotOf(dictionary[i])] = i;
      }
    }
    indexes[k] = j;
  }
  return { dictionary, indexes, bytes: 0, dictBytes: 0 };
}
