// allocOutput (native/napi/alloc.cc): the native addon's allocator for large outputs. Memory
// behaviour (reuse after GC, RSS, worker termination, the Electron fallback) is checked in child
// processes: they need --expose-gc or an environment set before the addon loads, and a crash there
// must fail a test, not the runner.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as sk from 'spatialkit';
import { module as backendModule, packageRoot } from '../src/backend/index.js';
import { rng } from './helpers.js';

type Alloc = { allocOutput(byteLength: number): ArrayBuffer; info(): Record<string, unknown> };
const native = (() => {
  try {
    return backendModule('native') as unknown as Alloc | undefined;
  } catch {
    return undefined;
  }
})();
const MiB = 1 << 20;

/** Runs `body` (an ES module) in a fresh node with the addon loaded as `addon`; returns its JSON. */
// Children map from 1 MiB on (SPATIALKIT_ALLOC_MIN_MB; 32 by default), so the mapped path is
// exercised with small buffers.
function child(body: string, env: Record<string, string> = {}, flags: string[] = []): any {
  const src = `import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(packageRoot + '/')});
const addon = require('node-gyp-build')(${JSON.stringify(packageRoot)});
const out = (v) => process.stdout.write('RESULT ' + JSON.stringify(v) + '\\n');
${body}`;
  const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', src], {
    env: { ...process.env, SPATIALKIT_ALLOC_MIN_MB: '1', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.signal, `child killed by ${r.signal}: ${r.stderr}`).toBeNull();
  expect(r.status, r.stderr).toBe(0);
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  expect(line, r.stdout + r.stderr).toBeDefined();
  return JSON.parse(line!.slice(7));
}

const describeNative = native ? describe : describe.skip;

describeNative('allocOutput [native]', () => {
  const a = native!;

  it('returns a zero-filled ArrayBuffer of exactly byteLength, small and large', () => {
    for (const n of [0, 1, 4096, MiB - 4, MiB, 3 * MiB + 12, 32 * MiB, 33 * MiB + 4]) {
      const ab = a.allocOutput(n);
      expect(ab).toBeInstanceOf(ArrayBuffer);
      expect(ab.byteLength).toBe(n);
      const u = new Uint8Array(ab);
      expect(u.every((x) => x === 0)).toBe(true);
      if (n > 1) {
        u[0] = 1;
        u[n - 1] = 2;
        expect(u[0] + u[n - 1]).toBe(3);
      }
    }
  });

  it('is usable as `out` of a kernel: quat.multiply matches a float64 oracle', () => {
    sk.setBackend('native');
    const r = rng(17);
    const n = 2_100_000;  // 32.04 MiB of output: the mapped path
    const qa = new Float32Array(4 * n);
    const qb = new Float32Array(4 * n);
    for (let k = 0; k < 4 * n; k++) { qa[k] = 2 * r() - 1; qb[k] = 2 * r() - 1; }
    const out = new Float32Array(a.allocOutput(16 * n));
    expect(sk.quat.multiply(qa, qb, out)).toBe(out);
    let worst = 0;
    for (let i = 0; i < n; i += 1 + Math.floor(r() * 200)) {  // ~20 000 items spread over all of it
      const ax = qa[4 * i], ay = qa[4 * i + 1], az = qa[4 * i + 2], aw = qa[4 * i + 3];
      const bx = qb[4 * i], by = qb[4 * i + 1], bz = qb[4 * i + 2], bw = qb[4 * i + 3];
      // Hamilton product as (w, v) algebra: w = aw·bw − a·b, v = aw·b + bw·a + a × b.
      const dot = ax * bx + ay * by + az * bz;
      const ref = [aw * bx + bw * ax + (ay * bz - az * by), aw * by + bw * ay + (az * bx - ax * bz),
        aw * bz + bw * az + (ax * by - ay * bx), aw * bw - dot];
      for (let k = 0; k < 4; k++) worst = Math.max(worst, Math.abs(out[4 * i + k] - ref[k]));
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('refuses a bad byteLength with a TypeError or RangeError naming it', () => {
    expect(() => a.allocOutput('8' as unknown as number)).toThrow(TypeError);
    expect(() => a.allocOutput(undefined as unknown as number)).toThrow(/`byteLength` but received undefined/);
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
      expect(() => a.allocOutput(bad)).toThrow(RangeError);
      expect(() => a.allocOutput(bad)).toThrow(/Expected an integer in \[0, 2\^53\) for `byteLength`/);
    }
  });

  it('reports its mode in info()', () => {
    expect(a.info().allocOutput).toBe('mmap');
  });

  it('a block reused after GC is zero-filled again, and reuse maps nothing new', () => {
    const r = child(`
      const sizes = [];
      for (let i = 0; i < 6; i++) {
        const u = new Uint8Array(addon.allocOutput(5 * ${MiB}));
        if (u.some((x) => x !== 0)) { out({ dirty: i }); process.exit(0); }
        u.fill(0xab);
        globalThis.gc();
        sizes.push(addon.info().allocMappedBytes);
      }
      out({ sizes });`, {}, ['--expose-gc']);
    expect(r.dirty).toBeUndefined();
    // 5 MiB rounds up to 6 MiB; after the first GC every call reuses a collected block.
    expect(new Set(r.sizes.slice(1)).size).toBe(1);
    expect(r.sizes[5]).toBeLessThanOrEqual(2 * 6 * MiB);
  });

  it('blocks come back when the event loop turns: in a loop that yields the mapped total stays bounded', () => {
    const r = child(`
      const sizes = [];
      let dirty = false;
      for (let i = 0; i < 16; i++) {
        const u = new Uint8Array(addon.allocOutput(48 * ${MiB}));
        for (let k = 0; k < u.length; k += 4096) if (u[k] !== 0) dirty = true;
        u.fill(0x5a);
        await new Promise(setImmediate);
        sizes.push(addon.info().allocMappedBytes);
      }
      out({ dirty, last: sizes.slice(8) });`);
    expect(r.dirty).toBe(false);
    // After warm-up a few blocks go round (16 fresh 48 MiB blocks would be 768 MiB). When GC runs
    // is V8's choice; the 48 MiB reported per block makes it run often.
    expect(Math.max(...r.last)).toBeLessThanOrEqual(5 * 48 * MiB);
  });

  it('RSS stays bounded over 1e4 allocate/drop cycles with GC', () => {
    const r = child(`
      const rss0 = process.memoryUsage().rss;
      let peak = 0;
      for (let i = 0; i < 10000; i++) {
        const u = new Uint8Array(addon.allocOutput(${MiB} + (i % 7) * 4096));
        for (let k = 0; k < u.length; k += 4096) u[k] = 1;  // touch every page
        if (i % 100 === 99) { globalThis.gc(); peak = Math.max(peak, process.memoryUsage().rss - rss0); }
      }
      out({ peakMiB: peak / ${MiB}, mappedMiB: addon.info().allocMappedBytes / ${MiB} });`, {}, ['--expose-gc']);
    // 100 cycles between collections at 2 MiB a block: at most ~200 MiB live between GCs.
    expect(r.peakMiB).toBeLessThan(400);
    expect(r.mappedMiB).toBeLessThan(400);
  });

  it('RSS stays bounded by the cap in a synchronous loop without GC (finalisers never run)', () => {
    const r = child(`
      const rss0 = process.memoryUsage().rss;
      let peak = 0;
      for (let i = 0; i < 300; i++) {
        const u = new Uint8Array(addon.allocOutput(4 * ${MiB}));
        for (let k = 0; k < u.length; k += 4096) u[k] = 1;
        peak = Math.max(peak, process.memoryUsage().rss - rss0);
      }
      out({ peakMiB: peak / ${MiB}, mappedMiB: addon.info().allocMappedBytes / ${MiB} });`,
    { SPATIALKIT_ALLOC_CAP_MB: '64' });
    // 300 × 4 MiB = 1200 MiB touched; mapped blocks stop at the 64 MiB cap, and the plain
    // ArrayBuffers past it are V8's own, which its GC frees without the event loop turning.
    expect(r.mappedMiB).toBeLessThanOrEqual(64);
    expect(r.peakMiB).toBeLessThan(600);
  });

  it('survives terminating a worker that holds mapped buffers, and keeps allocating', () => {
    const r = child(`
      import { Worker } from 'node:worker_threads';
      const src = \`
        const { parentPort } = await import('node:worker_threads');
        const { createRequire } = await import('node:module');
        const root = \${JSON.stringify(${JSON.stringify(packageRoot)})};
        const addon = createRequire(root + '/')('node-gyp-build')(root);
        const keep = [];
        for (let i = 0; i < 8; i++) { const u = new Uint8Array(addon.allocOutput(3 << 20)); u.fill(7); keep.push(u); }
        parentPort.postMessage(keep.length);
        setInterval(() => { keep[0][0]++; }, 1);\`;
      for (let round = 0; round < 3; round++) {
        const w = new Worker(src, { eval: true });
        await new Promise((res, rej) => { w.once('message', res); w.once('error', rej); });
        await w.terminate();
      }
      const u = new Uint8Array(addon.allocOutput(3 << 20));
      out({ zero: u.every((x) => x === 0), n: u.length });`);
    expect(r).toEqual({ zero: true, n: 3 * MiB });
  });

  it('falls back to plain ArrayBuffers where external buffers are forbidden (Electron)', () => {
    const r = child(`
      const before = addon.info().allocOutput;
      const u = new Float32Array(addon.allocOutput(4 * ${MiB}));
      const zero = u.every((x) => x === 0);
      u.fill(1.5);
      out({ before, after: addon.info().allocOutput, zero, len: u.length, mapped: addon.info().allocMappedBytes, sum: u[0] + u[u.length - 1] });`,
    { SPATIALKIT_NO_EXTERNAL_BUFFERS: '1' });
    expect(r).toEqual({ before: 'mmap', after: 'arraybuffer', zero: true, len: MiB, mapped: 0, sum: 3 });
  });
});
