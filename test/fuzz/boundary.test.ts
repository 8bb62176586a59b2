// The short boundary-fuzz run that is part of `npm test` (the long one: `npm run fuzz`).
// FUZZ_SEED picks the run (printed in the title); FUZZ_CASES the number of cases (each case is one
// call per backend, plus raw-kernel calls); FUZZ_TRACE=1 prints every call before it is made.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as sk from 'spatialkit';
import * as backend from '../../src/backend/index.js';
// @ts-expect-error plain JS module without types
import { fuzz } from './core.mjs';
// @ts-expect-error plain JS module without types
import { KNOWN, isKnown } from './known.mjs';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CASES = Number(process.env.FUZZ_CASES ?? 4000);
type Finding = { fn: string; backend: string; kind: string; problem: string; repro: string };

describe(`boundary fuzz (FUZZ_SEED=${SEED})`, () => {
  it(`${CASES} cases on every backend: each call returns a correct-shaped result or throws TypeError/RangeError naming an argument; backends agree bit for bit`, async () => {
    // Termination cases load the library in worker threads: src/ through the TypeScript hooks.
    const workerEntry = { url: new URL('../../src/index.ts', import.meta.url).href,
      execArgv: ['--import', fileURLToPath(new URL('../hardening/ts-register.mjs', import.meta.url))] };
    const r = await fuzz({ sk, backend, calls: CASES, seed: SEED, log: () => {}, workerEntry, terminateEvery: 1000,
      trace: process.env.FUZZ_TRACE ? (s: string) => fs.writeSync(2, s + '\n') : undefined });
    const known = (r.findings as Finding[]).filter(isKnown), fresh = (r.findings as Finding[]).filter((f) => !isKnown(f));
    console.log(`fuzz: ${r.calls} public calls on ${r.backends.join(', ')} (${r.racing} with an argument rewritten by a worker), ` +
      `${r.rawCalls} raw-kernel calls over ${r.rawKernels.length} kernels, ${r.terminations} workers terminated mid-call; ` +
      `${fresh.length} new findings, ${known.length} known (${KNOWN.length} open reports)`);
    if (r.unmodelled.length) console.log(`fuzz: no model (error rule only) for ${r.unmodelled.join(', ')}`);
    for (const f of fresh) console.log(`FINDING ${f.fn} [${f.backend}] ${f.kind}: ${f.problem}\n  ${f.repro}`);
    expect(r.calls).toBeGreaterThanOrEqual(5000);
    expect(r.racing).toBeGreaterThan(0);
    expect(r.terminations).toBeGreaterThan(0);
    expect(fresh.map((f) => `${f.fn} [${f.backend}] ${f.kind}: ${f.problem}`)).toEqual([]);
  }, 120_000);
});
