// The tests' own honesty (issue 16): the helpers and scripts every other test relies on must be
// able to fail. Each case here failed on the code before the fix.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../src/backend/index.js';
import { rng, testStream, worst } from '../helpers.js';
// @ts-expect-error plain JS module without types
import { countNative, countPack, countVitest } from '../../scripts/test-counts.mjs';

describe('worst(): the closeness check every oracle comparison uses', () => {
  it('a NaN where a number is expected fails, wherever it is — the next finite value does not hide it', () => {
    expect(worst([NaN, NaN, NaN, 1], [0.1, 0.2, 0.3, 1], 1e-6)).toEqual({ ratio: Infinity, index: 0 });
    expect(worst([1, NaN, 2], [1, 5, 2], 1e-6)).toEqual({ ratio: Infinity, index: 1 });
    expect(worst([0.1, 0.2], [NaN, 0.2], 1e-6).ratio).toBe(Infinity);  // the oracle's NaN against a number
  });
  it('infinities: equal ones agree, one against a finite value fails', () => {
    expect(worst([Infinity, -Infinity], [Infinity, -Infinity], 1e-6).ratio).toBe(0);
    expect(worst([1, Infinity], [1, 3e38], 1e-6)).toEqual({ ratio: Infinity, index: 1 });
  });
  it('NaN on both sides agrees; ordinary values give the largest ratio and its index', () => {
    expect(worst([NaN, 1], [NaN, 1], 1e-6).ratio).toBe(0);
    expect(worst([1, 2.5, 3], [1, 2, 3.1], 0.1)).toEqual({ ratio: 5, index: 1 });
  });
});

describe('random streams: a test re-run alone sees the inputs it failed on', () => {
  const r = rng(1234);  // once per describe, as the suites use it
  const seen: Record<string, { name: string; values: number[] }> = {};
  const record = (key: string, k: number) => { seen[key] = { name: expect.getState().currentTestName!, values: Array.from({ length: k }, r) }; };
  it('first test draws', () => record('a', 3));
  it('second test draws', () => record('b', 4));
  it('each test drew the stream of (seed, its own name), whatever ran before it', () => {
    for (const { name, values } of Object.values(seen)) {
      const alone = testStream(1234, name);
      expect(values).toEqual(values.map(() => alone()));
    }
    expect(seen.a.values).not.toEqual(seen.b.values.slice(0, 3));
  });
});

describe('npm test counts each test once', () => {
  it('vitest: tests, not files; a file that fails outside its tests is one failure; skipped tests are shown', () => {
    // One failing test in a run of 4 files used to print "1 passed, 4 failed".
    const report = { numPassedTests: 1, numFailedTests: 1, numFailedTestSuites: 4, numPendingTests: 204, numTodoTests: 0,
      testResults: [
        { name: 'a.test.ts', status: 'failed', assertionResults: [{ status: 'failed' }, { status: 'passed' }] },
        { name: 'b.test.ts', status: 'passed', assertionResults: [{ status: 'pending' }] },
      ] };
    expect(countVitest(report)).toMatchObject({ passed: 1, failed: 1, skipped: 204 });
    const broken = { ...report, testResults: [...report.testResults, { name: 'c.test.ts', status: 'failed', message: 'SyntaxError', assertionResults: [] }] };
    expect(countVitest(broken)).toMatchObject({ passed: 1, failed: 2 });
  });

  it('native: a check once over lines, binary summaries, ISA runs and sanitizer builds; a dead run is a failure', () => {
    const run = (isa: string, err: string, fail = false) => [
      `== quat_driver_test [host${isa}]`,
      `sk::cpu ISA: ${isa ? 'x86-64 baseline (SSE2)' : 'x86-64-v3 (AVX2, FMA)'}`,
      `PASS sk::cpu     multiply    12 calls,   1000 values, max err ${err} (0.5 ulp) of tol 1e-06`,
      `${fail ? 'FAIL' : 'PASS'} sk::cuda    normalize   12 calls,   1000 values, max err ${err} (0.5 ulp) of tol 1e-06`,
      `${fail ? 'FAIL quat_driver_test: 1' : 'PASS quat_driver_test: 0'} failing line(s)`,
      `${fail ? 'FAIL' : 'PASS'} quat_driver_test [host${isa}]${fail ? ' (exit 1)' : ''}`,
    ].join('\n');
    const plain = [run(', SPATIALKIT_ISA=baseline', '1.2e-07'), run('', '2.4e-07'), 'SKIP cuda: no CUDA device', 'PASS test:native'].join('\n');
    expect(countNative([plain])).toMatchObject({ passed: 2, failed: 0, skipped: 1 });
    expect(countNative([plain, plain])).toMatchObject({ passed: 2, failed: 0, skipped: 1 });  // + the sanitizer build
    expect(countNative([plain, run('', '1e-07', true)])).toMatchObject({ passed: 1, failed: 1, skipped: 1 });
    const died = '== rope_driver_test [host]\nPASS sk::cpu rope1d\nFAIL rope_driver_test [host] (exit 134)\nFAIL test:native';
    expect(countNative([died])).toMatchObject({ passed: 1, failed: 1, skipped: 0 });
    // Checks that differ only by a number are two checks.
    expect(countNative(['== c_test [host]\nPASS pairs: margin 0.000000: 8 pairs\nPASS pairs: margin 0.050000: 9 pairs'])).toMatchObject({ passed: 2 });
  });

  it('native: a run started with SPATIALKIT_ISA=baseline must report that it ran at the baseline', () => {
    const run = (isa: string) => `== quat_driver_test [host, SPATIALKIT_ISA=baseline]\nsk::cpu ISA: ${isa}; bit-identity required\nPASS sk::cpu multiply`;
    expect(countNative([run('x86-64 baseline (SSE2)')])).toMatchObject({ passed: 1, failed: 0 });
    const wrong = countNative([run('x86-64-v3 (AVX2, FMA)')]);
    expect(wrong).toMatchObject({ passed: 1, failed: 1 });
    expect(wrong.problems[0]).toMatch(/SPATIALKIT_ISA=baseline ran on x86-64-v3/);
  });

  it('pack: each line; a failing script without a FAIL line is a failure', () => {
    expect(countPack('PASS pack: a\nFAIL pack: b\n', 1)).toEqual({ passed: 1, failed: 1 });
    expect(countPack('PASS pack: a\n', 2)).toEqual({ passed: 1, failed: 1 });
  });

  it('scripts/test.mjs ends with "N passed, N failed, N skipped" (the line CI reads starts with "N passed, N failed")', () => {
    const src = fs.readFileSync(path.join(packageRoot, 'scripts', 'test.mjs'), 'utf8');
    expect(src).toContain('console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);');
  });
});

describe('scripts/pack-check.sh', () => {
  it('check() returns non-zero for a failing condition, so `check … || exit 1` fires', () => {
    const script = fs.readFileSync(path.join(packageRoot, 'scripts', 'pack-check.sh'), 'utf8');
    const defs = script.split('\n').filter((l) => /^(status=0|check\(\))/.test(l)).join('\n');
    const r = spawnSync('bash', ['-c', `${defs}\ncheck "always false" false || { echo "exit fired"; exit 7; }`], { encoding: 'utf8' });
    expect(r.stdout).toBe('FAIL pack: always false\nexit fired\n');
    expect(r.status).toBe(7);
    const ok = spawnSync('bash', ['-c', `${defs}\ncheck "always true" true || exit 7\necho "went on, status $status"`], { encoding: 'utf8' });
    expect(ok.stdout).toBe('PASS pack: always true\nwent on, status 0\n');
  });
});
