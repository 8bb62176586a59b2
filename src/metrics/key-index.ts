/**
 * Strings → dense indices 0, 1, 2, … in insertion order, kept as UTF-8 bytes in typed arrays.
 *
 * Why not a Map: V8 Maps stop at 2^24 entries (a RangeError), and tens of millions of short
 * string keys cost ~100 bytes each on the JS heap, which is what made `spatialkit eval` run out of
 * heap. Here a key costs its UTF-8 length plus 8 bytes, plus 4–11 bytes of hash table (open
 * addressing, linear probing, load ≤ 0.75), all outside the JS heap.
 */

/** Bytes per storage chunk; a key never straddles two, so one key is at most this long. */
const CHUNK_BITS = 22;
const CHUNK = 1 << CHUNK_BITS;
/** 1024 chunks of 4 MiB: the chunk number has the 10 bits above the offset in a uint32. */
const MAX_CHUNKS = 1 << (32 - CHUNK_BITS);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** FNV-1a over bytes, then murmur3's finaliser so that linear probing sees well-mixed bits. */
function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return finish(h);
}
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const grown = (a: Uint32Array<ArrayBuffer>, need: number): Uint32Array<ArrayBuffer> => {
  if (need <= a.length) return a;
  const b = new Uint32Array(Math.max(need, Math.ceil(a.length * 1.5)));
  b.set(a);
  return b;
};

export class KeyIndex {
  /** Number of keys. */
  size = 0;
  private chunks: Uint8Array[] = [new Uint8Array(1 << 16)];
  private used = 0;                        // bytes used in the last chunk
  private loc = new Uint32Array(1024);     // chunk << CHUNK_BITS | offset, per key
  private len = new Uint32Array(1024);     // byte length, per key
  private table = new Uint32Array(2048);   // key index + 1; 0 = empty slot
  private scratch = new Uint8Array(256);

  // The key being looked up: an ASCII string is read directly (its char codes are its UTF-8
  // bytes); any other is encoded into `scratch` first. Either way `hash` is the hash of its bytes.
  private ascii = '';
  private n = 0;
  private hash = 0;

  private prepare(key: string): void {
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c > 0x7f) {
        if (this.scratch.length < 3 * key.length) this.scratch = new Uint8Array(3 * key.length);
        this.ascii = '';
        this.n = encoder.encodeInto(key, this.scratch).written;
        this.hash = hashBytes(this.scratch, 0, this.n);
        return;
      }
      h = Math.imul(h ^ c, 0x01000193);
    }
    this.ascii = key;
    this.n = key.length;
    this.hash = finish(h);
  }

  /** Key i equals the prepared key (compared from the end: ids often share long prefixes). */
  private equals(i: number): boolean {
    const n = this.n;
    if (this.len[i] !== n) return false;
    const c = this.chunks[this.loc[i] >>> CHUNK_BITS], o = this.loc[i] & (CHUNK - 1);
    if (this.ascii !== '' || n === 0) {
      const a = this.ascii;
      for (let k = n - 1; k >= 0; k--) if (c[o + k] !== a.charCodeAt(k)) return false;
    } else {
      const s = this.scratch;
      for (let k = n - 1; k >= 0; k--) if (c[o + k] !== s[k]) return false;
    }
    return true;
  }

  /** The slot holding the prepared key, or the empty slot where it would go. */
  private slot(): number {
    const mask = this.table.length - 1;
    let at = this.hash & mask;
    for (;;) {
      const v = this.table[at];
      if (v === 0 || this.equals(v - 1)) return at;
      at = (at + 1) & mask;
    }
  }

  /** The index of `key`, or −1. */
  get(key: string): number {
    this.prepare(key);
    return this.table[this.slot()] - 1;
  }

  /**
   * Adds `key` if it is new. Returns its index: ≥ 0 for a new key, −1 − index for one already
   * present.
   * @throws RangeError for a key over 4 MiB of UTF-8 or more than 4 GiB of keys in all.
   */
  add(key: string): number {
    this.prepare(key);
    const at = this.slot(), n = this.n;
    if (this.table[at] !== 0) return -this.table[at];
    if (n > CHUNK) throw new RangeError(`Expected a key of at most ${CHUNK} bytes but received one of ${n}`);
    let c = this.chunks.length - 1;
    if (this.used + n > this.chunks[c].length) {
      if (this.used + n <= CHUNK) {
        // Grow the last chunk (they start small so that a small index stays small).
        const b = new Uint8Array(Math.min(CHUNK, Math.max(this.used + n, 2 * this.chunks[c].length)));
        b.set(this.chunks[c].subarray(0, this.used));
        this.chunks[c] = b;
      } else {
        if (this.chunks.length === MAX_CHUNKS) throw new RangeError(`Expected at most ${MAX_CHUNKS * CHUNK} bytes of keys`);
        this.chunks.push(new Uint8Array(CHUNK));
        c++;
        this.used = 0;
      }
    }
    const dst = this.chunks[c], o = this.used;
    if (this.ascii !== '' || n === 0) for (let k = 0; k < n; k++) dst[o + k] = this.ascii.charCodeAt(k);
    else dst.set(this.scratch.subarray(0, n), o);
    const i = this.size++;
    this.loc = grown(this.loc, this.size);
    this.len = grown(this.len, this.size);
    this.loc[i] = ((c << CHUNK_BITS) | this.used) >>> 0;
    this.len[i] = n;
    this.used += n;
    this.table[at] = i + 1;
    if (4 * this.size > 3 * this.table.length) this.rehash();
    return i;
  }

  /** The key with index i. */
  key(i: number): string {
    const c = this.chunks[this.loc[i] >>> CHUNK_BITS], o = this.loc[i] & (CHUNK - 1);
    return decoder.decode(c.subarray(o, o + this.len[i]));
  }

  private rehash(): void {
    const table = new Uint32Array(2 * this.table.length), mask = table.length - 1;
    for (let i = 0; i < this.size; i++) {
      const c = this.chunks[this.loc[i] >>> CHUNK_BITS], o = this.loc[i] & (CHUNK - 1);
      let at = hashBytes(c, o, o + this.len[i]) & mask;
      while (table[at] !== 0) at = (at + 1) & mask;
      table[at] = i + 1;
    }
    this.table = table;
  }
}
