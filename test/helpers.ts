// Shared test helpers: the backends to run every suite on, seeded random inputs, comparisons.
import * as sk from 'spatialkit';
import { describe } from 'vitest';

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

/** mulberry32: a tiny seeded PRNG for test inputs (the seed is printed in titles for reruns). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SEED = Number(process.env.TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));

export function uniform(r: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

/** Largest |a[i] − b[i]| / (atol + rtol·|b[i]|); ≤ 1 means within tolerance. */
export function worst(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol = 0): { ratio: number; index: number } {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let ratio = 0, index = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    const r = d === 0 ? 0 : d / (atol + rtol * Math.abs(b[i]));
    if (!(r <= ratio)) { ratio = r; index = i; }
  }
  return { ratio, index };
}
