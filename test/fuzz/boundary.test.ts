// The short boundary-fuzz run that is part of `npm test` (the long one: `npm run fuzz`).
// FUZZ_SEED picks the run (printed in the title); FUZZ_CASES the number of cases (each case is one
// call per backend, plus raw-kernel calls).
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import * as sk from 'spatialkit';
import * as backend from '../../src/backend/index.js';
// @ts-expect-error plain JS module without types
import { fuzz } from './core.mjs';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CASES = Number(process.env.FUZZ_CASES ?? 4000);

describe(`boundary fuzz (FUZZ_SEED=${SEED})`, () => {
  it(`${CASES} cases on every backend: each call returns a correct-shaped result or throws TypeError/RangeError naming an argument; backends agree`, async () => {
    const r = await fuzz({ sk, backend, calls: CASES, seed: SEED, log: (s: string) => console.log(s), trace: process.env.FUZZ_TRACE ? (s: string) => fs.writeSync(2, s + "\n") : undefined });
    console.log(`fuzz: ${r.calls} public calls on ${r.backends.join(', ')}, ${r.rawCalls} raw-kernel calls over ${r.rawKernels.length} kernels; ${r.findings.length} findings; ${r.notes.length} value notes`);
    if (r.unmodelled.length) console.log(`fuzz: no model (error rule only) for ${r.unmodelled.join(', ')}`);
    for (const n of r.notes.slice(0, 5)) console.log(`note: ${n}`);
    expect(r.calls).toBeGreaterThanOrEqual(5000);
    expect(r.findings.map((f: { fn: string; backend: string; kind: string; problem: string }) => `${f.fn} [${f.backend}] ${f.kind}: ${f.problem}`)).toEqual([]);
  }, 120_000);
});
