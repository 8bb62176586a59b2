// Async safety (issues 8, 16): every `…Async` function works on its own copies of the inputs,
// taken when it is called (native/napi/glue.h says so; these tests hold it to that). Detaching,
// transferring or scribbling over an input right after the call changes nothing: the call gives
// exactly what the sync call gives on the original values — the same result, or the same error
// — never a read of freed memory or of the new values; many concurrent calls and calls from
// worker_threads give the serial sync results.
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import * as sk from 'spatialkit';
import { packageRoot, module as backendModule } from '../../src/backend/index.js';
import { eachBackend } from '../helpers.js';
// @ts-expect-error plain JS module without types
import { MODELS, rng, discover } from '../fuzz/core.mjs';

type Case = { args: unknown[]; shape: (v: unknown) => string | null };
type Model = (r: unknown, ctx: unknown) => Case;
const asyncTargets = (discover(sk) as { name: string; fn: (...a: unknown[]) => unknown; base: string }[])
  .filter((t) => t.name.endsWith('Async') && MODELS[t.base]);
/** Functions whose domain the backend provides (the wasm backend has no collide yet: test/fuzz/known.mjs). */
const provided = (b: string) => asyncTargets.filter((t) => {
  const dom = t.name.split('.')[0];
  return (backendModule(b as sk.BackendName) as Record<string, unknown>)[dom] !== undefined;
});
const syncOf = (base: string) => base.split('.').reduce((o: any, k) => o[k], sk) as (...a: unknown[]) => unknown;

/** Every typed array among the arguments (top level and one level into option objects). */
function arrays(args: unknown[]): ArrayBufferView[] {
  const out: ArrayBufferView[] = [];
  const visit = (v: unknown) => { if (ArrayBuffer.isView(v)) out.push(v); };
  for (const a of args) {
    visit(a);
    if (a && typeof a === 'object' && !ArrayBuffer.isView(a) && !Array.isArray(a)) Object.values(a).forEach(visit);
  }
  return out;
}
/** Model args without a caller-provided `out`, so that every typed array in them is an input. */
function inputsOnly(model: Model, seed: number): Case {
  const c = model(rng(seed), {}) as Case & { out?: string | number };
  if (typeof c.out === 'number') c.args = c.args.slice(0, c.out);  // a positional out (quat)
  c.args = c.args.map((a) => {
    if (a && typeof a === 'object' && !ArrayBuffer.isView(a) && !Array.isArray(a) && 'out' in a) { const { out: _o, ...rest } = a as Record<string, unknown>; return rest; }
    return a;
  });
  return c;
}
const detach = (v: ArrayBufferView) => { if (!(v.buffer instanceof SharedArrayBuffer) && v.buffer.byteLength) structuredClone(v.buffer, { transfer: [v.buffer as ArrayBuffer] }); };

eachBackend('async safety', (backend) => {
  it(`every …Async function (${asyncTargets.length}) gives the sync result when its inputs are scribbled over or detached right after the call`, async () => {
    sk.setBackend(backend);
    let checked = 0;
    const targets = provided(backend);
    for (const t of targets) {
      for (let seed = 1; seed <= 6; seed++) {
        const expected = (() => { try { return { ok: true, v: syncOf(t.base)(...inputsOnly(MODELS[t.base], seed).args) }; } catch (e) { return { ok: false, e }; } })();
        for (const attack of ['scribble', 'detach'] as const) {
          const c = inputsOnly(MODELS[t.base], seed);
          const given = arrays(c.args);
          // An in-place call returns one of its inputs: then the "input" is also the output.
          let p: Promise<unknown>;
          try { p = t.fn(...c.args) as Promise<unknown>; } catch (e) { p = Promise.reject(e); }
          for (const a of given) {
            if (attack === 'scribble') new Uint8Array(a.buffer, a.byteOffset, a.byteLength).fill(0xff);
            else detach(a);
          }
          const got = await p.then((v) => ({ ok: true, v }), (e) => ({ ok: false, e }));
          checked++;
          const what = `${t.name} seed ${seed} ${attack}`;
          // No escape hatch: a late read would show as a different value or a different error.
          if (expected.ok) {
            expect(got.ok, `${what}: the sync call returned, the async one threw ${(got as { e?: Error }).e?.message}`).toBe(true);
            expect((got as { v: unknown }).v, what).toEqual(expected.v);
          } else {
            expect(got.ok, `${what}: the sync call threw, the async one returned`).toBe(false);
            const e = (got as { e: Error }).e, want = (expected as { e: Error }).e;
            expect(`${e.constructor.name}: ${e.message}`, what).toBe(`${want.constructor.name}: ${want.message}`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(targets.length * 6);
  });

  it('an output detached while the call runs rejects with a TypeError, and nothing is written to freed memory', async () => {
    sk.setBackend(backend);
    const q = sk.quat.random(4096, 1), out = new Float32Array(4096 * 4);
    const p = sk.quat.normalizeAsync(q, out);
    detach(out);
    const r = await p.then(() => 'resolved', (e: Error) => e);
    // wasm runs synchronously inside the promise, so the output was written before the detach.
    if (r !== 'resolved') expect(r).toBeInstanceOf(TypeError);
    else expect(backend).toBe('wasm');
  });

  it('400 concurrent async calls of mixed functions equal the serial sync results', async () => {
    sk.setBackend(backend);
    const targets = provided(backend);
    const cases = Array.from({ length: 400 }, (_, i) => ({ t: targets[i % targets.length], seed: 1000 + i }));
    const serial = cases.map(({ t, seed }) => { try { return syncOf(t.base)(...inputsOnly(MODELS[t.base], seed).args); } catch (e) { return (e as Error).message; } });
    const parallel = await Promise.all(cases.map(({ t, seed }) => (t.fn(...inputsOnly(MODELS[t.base], seed).args) as Promise<unknown>).catch((e: Error) => e.message)));
    expect(parallel).toEqual(serial);
  });
});

describe('worker_threads', () => {
  it('the native addon loads in 4 workers at once; their sync and async results equal the main thread\'s', async () => {
    const native = sk.backends().find((b) => b.backend === 'native');
    if (!native?.available) return;
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const m = require('node-gyp-build')(workerData.root);
      const n = 50000, q = new Float32Array(4 * n), v = new Float32Array(3 * n);
      m.quat.random(workerData.seed, q);
      for (let i = 0; i < v.length; i++) v[i] = Math.sin(i + workerData.seed);
      const out = new Float32Array(3 * n), outA = new Float32Array(3 * n);
      m.quat.rotate(q, v, out);
      m.quat.rotateAsync(q, v, outA).then(() => parentPort.postMessage({ q, out, outA }));`;
    const run = (seed: number) => new Promise<{ q: Float32Array; out: Float32Array; outA: Float32Array }>((res, rej) => {
      const w = new Worker(code, { eval: true, workerData: { root: packageRoot, seed } });
      w.once('message', (m) => { res(m); void w.terminate(); });
      w.once('error', rej);
    });
    const results = await Promise.all([1, 2, 3, 4].map(run));
    sk.setBackend('native');
    // Bit for bit (toEqual on 150 000 values takes tens of seconds on a loaded machine).
    const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    results.forEach((r, i) => {
      expect(bits(r.q).equals(bits(sk.quat.random(50000, i + 1)))).toBe(true);
      const v = Float32Array.from({ length: 150000 }, (_, k) => Math.sin(k + i + 1));
      const main = sk.quat.rotate(r.q, v);
      expect(bits(r.out).equals(bits(main)), `worker ${i + 1}: sync`).toBe(true);
      expect(bits(r.outA).equals(bits(main)), `worker ${i + 1}: async`).toBe(true);
    });
  });
});
