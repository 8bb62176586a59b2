// Shared test helpers: the backends to run every suite on, seeded random inputs, comparisons.
import * as sk from 'spatialkit';
import { describe, expect } from 'vitest';

export type Backend = sk.BackendName;

/** Every backend, with whether it is available here and why not. */
export function backendMatrix(): { name: Backend; available: boolean; reason?: string }[] {
  return sk.backends().map((b) => ({ name: b.backend, available: b.available, reason: b.reason }));
}

/**
 * describe.each over the backends: available ones run the body with that backend selected;
 * unavailable ones are skipped with the reason in the title (CUDA without a GPU, say).
 */
export function eachBackend(title: string, body: (name: Backend) => void): void {
  for (const b of backendMatrix()) {
    if (b.available) {
      describe(`${title} [${b.name}]`, () => {
        // Select per test: describe bodies are collected before any test runs.
        body(b.name);
      });
    } else {
      describe.skip(`${title} [${b.name}: unavailable — ${b.reason}]`, () => body(b.name));
    }
  }
}

/** mulberry32: a tiny seeded PRNG (the library's own; it only draws inputs, it is no oracle). */
export { mulberry32 } from '../src/scene/random.js';
import { mulberry32 } from '../src/scene/random.js';

/** The stream a test named `testName` draws from rng(seed): mulberry32 of seed and the name (FNV-1a). */
export function testStream(seed: number, testName: string): () => number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < testName.length; i++) h = Math.imul(h ^ testName.charCodeAt(i), 0x01000193);
  return mulberry32(h >>> 0);
}

/**
 * Seeded random test inputs (the seed is printed in titles for reruns). Each test draws from its
 * own stream — testStream(seed, its full name) — even when rng() was created once for a whole
 * `describe`: so a failing test re-run alone (`-t`, same TEST_SEED) sees exactly the inputs it
 * failed on, whatever ran before it. Draws outside a test (while collecting) share one stream.
 */
export function rng(seed: number): () => number {
  const streams = new Map<string, () => number>();
  return () => {
    const name = expect.getState().currentTestName ?? '';
    let s = streams.get(name);
    if (!s) streams.set(name, (s = testStream(seed, name)));
    return s();
  };
}

export const SEED = Number(process.env.TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));

export function uniform(r: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

/**
 * Largest |a[i] − b[i]| / (atol + rtol·|b[i]|); ≤ 1 means within tolerance. Equal values (equal
 * infinities included) count 0; a NaN on one side only, or an infinity against a finite value,
 * counts Infinity — the first such index is reported and nothing replaces it. NaN on both sides
 * counts 0 (the oracle says the value is undefined, and the kernel agrees).
 */
export function worst(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol = 0): { ratio: number; index: number } {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let ratio = 0, index = -1;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    let r: number;
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) r = 0;
    else if (Number.isNaN(x) || Number.isNaN(y)) r = Infinity;
    else r = Math.abs(x - y) / (atol + rtol * Math.abs(y));  // Infinity against a finite value, or atol = rtol = 0
    if (r > ratio) { ratio = r; index = i; }
  }
  return { ratio, index };
}

/** Fails the test unless every |got − want| ≤ atol + rtol·|want| (see `worst`), naming the worst index. */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol = 0): void {
  const w = worst(got, want, atol, rtol);
  expect(w.ratio, `worst at ${w.index}: got ${got[w.index]}, want ${want[w.index]}`).toBeLessThanOrEqual(1);
}

/** What native info().isa reports at each level (native/cpu/dispatch.cc isa_name), lowest first. */
const ISA_LEVELS = [['baseline', 'x86-64 baseline (SSE2)'], ['avx2', 'x86-64-v3 (AVX2, FMA)'], ['avx512', 'x86-64-v4 (AVX-512)']] as const;

/**
 * The ISA a native child process started with SPATIALKIT_ISA=cap must report in info().isa on
 * this CPU: the cap, or the best level the CPU supports when that is lower ('' = no cap). The ISA
 * tests check it, so a child that ignored the variable cannot pass as a comparison of two levels.
 */
export function expectedIsa(cap: '' | 'baseline' | 'avx2' | 'avx512'): string {
  const supported = sk.backends().find((b) => b.backend === 'native')?.isaSupported;
  const best = ISA_LEVELS.findIndex(([, name]) => name === supported);
  if (best < 0) throw new Error(`native info() reports an unknown isaSupported: ${supported}`);
  const capped = cap ? ISA_LEVELS.findIndex(([env]) => env === cap) : best;
  return ISA_LEVELS[Math.min(best, capped)][1];
}
