// Seeded randomness, the one TypeScript module of it (scenes, src/rope/analysis.ts, rope's hash).
// Every scene group draws from its own streams, keyed by (seed, group, stream), so a group's
// content does not depend on which groups were generated before it: shards are exact slices and
// text templates can change without moving any object.

/** lowbias32 (Chris Wellons' integer hash; bias 0.17): a good 32-bit mix in a few operations. */
export function hash32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** mulberry32 (Tommy Ettinger): a tiny seeded generator of uniform numbers in [0, 1) with 32 random bits. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit key from several integers (order matters). */
export function key(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) h = hash32((h ^ hash32(p >>> 0)) + 0x9e3779b9);
  return h >>> 0;
}

/** The streams a group draws from. */
export const STREAM = { layout: 1, text: 2, qa: 3, sdg: 4, split: 5 } as const;

/** A small seeded generator: sfc32 (Chris Doty-Humphrey's Small Fast Counter, PractRand-clean). */
export class Rng {
  private a: number; private b: number; private c: number; private d: number;
  constructor(seed: number) {
    this.a = hash32(seed ^ 0xa341316c); this.b = hash32(seed ^ 0xc8013ea4);
    this.c = hash32(seed ^ 0xad90777d); this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }
  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }
  /** Uniform in [0, 1) with 32 random bits. */
  next(): number { return this.u32() / 4294967296; }
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number { return lo + (hi - lo) * this.next(); }
  /** Uniform integer in [0, n). */
  int(n: number): number { return Math.floor(this.next() * n); }
  /** A uniformly chosen element. */
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]; }
  /** Fisher–Yates shuffle in place. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i]; a[i] = a[j]; a[j] = t;
    }
    return a;
  }
}

/** The generator for one stream of one group. */
export const groupRng = (seed: number, group: number, stream: number): Rng => new Rng(key(seed, group, stream));
