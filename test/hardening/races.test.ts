// Racing inputs (issue 16): shared memory rewritten by another thread while a call reads it is
// garbage in — but every call must return or throw TypeError/RangeError in bounded time, never
// crash or hang. Each scenario runs in a child process (./race-child.mjs) that a crash would
// kill and a hang would stall; the parent gives it a deadline. Also here: worker termination with
// async calls in flight (./shutdown-child.mjs) and memory held by tight synchronous loops.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';
import * as sk from 'spatialkit';
import { packageRoot } from '../../src/backend/index.js';

const here = path.join(packageRoot, 'test', 'hardening');
const register = path.join(here, 'ts-register.mjs');

/** Runs a child with a deadline: {status, signal, stdout, stderr, timedOut}. */
function child(args: string[], deadlineMs: number, nodeArgs: string[] = ['--import', register]) {
  return new Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string; timedOut: boolean }>((resolve) => {
    const p = spawn(process.execPath, [...nodeArgs, ...args], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', timedOut = false;
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { timedOut = true; p.kill('SIGKILL'); }, deadlineMs);
    p.on('exit', (status, signal) => { clearTimeout(timer); resolve({ status, signal, stdout, stderr, timedOut }); });
  });
}

const available = sk.backends().filter((b) => b.available && b.backend !== 'cuda').map((b) => b.backend);
const SCENARIOS = [
  'collide.pairsBatched offsets',
  'collide.pairsBatched offsets (valid both ways)',
  'collide.pairs boxes',
  'collide.pairsBatched boxes',
  'collide.overlap and fits boxes',
  'metrics.normalizedEntropyGrouped offsets',
  'quat.multiply and rope.quatrope data',
];
// Calls run for RUN_MS each; a child must be done within DEADLINE_MS (start-up included), and no
// single call may take longer than CALL_MS — the slowest legitimate call here takes ~1 s on a
// loaded 2-core machine (thousands of pairs per huge box), a hang never ends.
const RUN_MS = 1000, DEADLINE_MS = 90_000, CALL_MS = 20_000;

describe('racing inputs: shared arrays rewritten by a worker during the call', () => {
  for (const backend of available) {
    for (const scenario of SCENARIOS) {
      it(`${scenario} [${backend}]: sync, async and raw-kernel calls return or throw TypeError/RangeError in bounded time`, async () => {
        for (const mode of ['sync', 'async', 'raw']) {
          const r = await child([path.join(here, 'race-child.mjs'), scenario, backend, mode, String(RUN_MS)], DEADLINE_MS);
          const what = `${scenario} [${backend} ${mode}]: exit ${r.status}, signal ${r.signal}${r.timedOut ? ', killed at the deadline (hang)' : ''}\n${r.stderr.slice(-2000)}`;
          expect(r.timedOut, what).toBe(false);
          expect(r.signal, what).toBeNull();
          expect(r.status, what).toBe(0);
          const res = JSON.parse(r.stdout.trim().split('\n').pop()!);
          console.log(`race ${scenario} [${backend} ${mode}]: ${res.calls} calls (${res.ok} returned, ${res.threw} threw), slowest ${res.maxMs} ms`);
          expect(res.calls).toBeGreaterThan(0);
          expect(res.maxMs, what).toBeLessThan(CALL_MS);
        }
      }, 4 * DEADLINE_MS);
    }
  }
});

const native = sk.backends().find((b) => b.backend === 'native')!;

describe.skipIf(!native.available)('worker.terminate() with native …Async calls in flight', () => {
  it('20 rounds on the raw addon (calls in flight and being made when terminated): the process survives', async () => {
    const r = await child([path.join(here, 'shutdown-child.mjs'), '20'], DEADLINE_MS, []);
    expect(r.stderr).not.toMatch(/terminate called/);
    expect({ status: r.status, signal: r.signal, timedOut: r.timedOut }).toEqual({ status: 0, signal: null, timedOut: false });
    expect(r.stdout).toMatch(/ROUNDS 20/);
  }, 2 * DEADLINE_MS);
  it('20 rounds through the public API: the process survives', async () => {
    const r = await child([path.join(here, 'shutdown-child.mjs'), '20', 'public'], DEADLINE_MS, []);
    expect(r.stderr).not.toMatch(/terminate called/);
    expect({ status: r.status, signal: r.signal, timedOut: r.timedOut }).toEqual({ status: 0, signal: null, timedOut: false });
    expect(r.stdout).toMatch(/ROUNDS 20/);
  }, 2 * DEADLINE_MS);
});

describe('memory of tight synchronous loops', () => {
  // Rejection sampling calls pairs() on 2–3 boxes millions of times without yielding. Each call
  // used to hold ~300 B (an external buffer's finalizer, run only when the event loop turns):
  // 1 M calls grew the RSS by ~300 MB. Released per call, the growth is the JS heap's (~10 MB).
  for (const backend of available) {
    it(`1 M collide.pairs calls without yielding [${backend}]: RSS grows by less than 64 MB`, async () => {
      const script = `
        const sk = await import(${JSON.stringify(path.join(packageRoot, 'src', 'index.ts'))});
        sk.setBackend('${backend}');
        const b = new Float32Array(30);
        for (let i = 0; i < 3; i++) b.set([i * 0.5, 0, 0, 0.5, 0.5, 0.5, 0, 0, 0, 1], 10 * i);
        if (sk.collide.pairs(b).length !== 6) throw new Error('expected 3 pairs');
        for (let i = 0; i < 20000; i++) sk.collide.pairs(b);
        const r0 = process.memoryUsage.rss();
        for (let i = 0; i < 1e6; i++) sk.collide.pairs(b);
        console.log(JSON.stringify({ grewMB: (process.memoryUsage.rss() - r0) / 2 ** 20 }));`;
      const r = await child(['--input-type=module', '-e', script], DEADLINE_MS);
      expect(r.status, r.stderr).toBe(0);
      const { grewMB } = JSON.parse(r.stdout.trim().split('\n').pop()!);
      console.log(`1 M pairs() calls [${backend}]: RSS +${grewMB.toFixed(1)} MB`);
      expect(grewMB).toBeLessThan(64);
    }, 2 * DEADLINE_MS);
  }
});
