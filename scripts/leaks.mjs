// `node --expose-gc scripts/leaks.mjs [--calls 1000000] [--backend native|wasm] [--budget 15]`
// (after `npm run build`): no-leak figures for issue 8. Each function with a fuzz model
// (test/fuzz/core.mjs) is called `calls` times on one small valid input (or as many times as fit
// in `budget` seconds, for functions that do real work per call, e.g. scene generation); RSS is
// measured after a warm-up and at the end, both after a full GC. Async twins run `calls / 10`
// times, 64 in flight. Then the wasm backend's memory after large batches: arena back to its
// baseline, heap high-water mark.
import { MODELS, rng, discover } from '../test/fuzz/core.mjs';

const arg = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? process.argv[i + 1] : d; };
const calls = Number(arg('calls', 1e6)), budget = Number(arg('budget', 15)), only = arg('backend', undefined);
const sk = await import('../dist/index.js');
const gc = globalThis.gc ?? (() => { throw new Error('run with node --expose-gc'); });
const rss = () => { gc(); gc(); return process.memoryUsage().rss / 2 ** 20; };
const names = sk.backends().filter((b) => b.available && (!only || b.backend === only)).map((b) => b.backend);
let worst = { mb: -Infinity };
for (const b of names) {
  sk.setBackend(b);
  for (const t of discover(sk).filter((t) => MODELS[t.base])) {
    const isAsync = t.name.endsWith('Async');
    // One small valid input (batch 1 where the model draws a batch size).
    let c;
    for (let s = 1; s < 200; s++) { const m = MODELS[t.base](rng(s), {}); try { await t.fn(...m.args); c = m; break; } catch { /* try another */ } }
    if (!c) { console.log(`${b} ${t.name}: no valid small input found (skipped)`); continue; }
    const n = isAsync ? calls / 10 : calls;
    for (let i = 0; i < Math.min(n, 1e5); i++) isAsync ? await t.fn(...c.args) : t.fn(...c.args);
    const before = rss(), t0 = performance.now();
    let done = 0;
    if (isAsync) {
      while (done < n && performance.now() - t0 < budget * 1000) { await Promise.all(Array.from({ length: 64 }, () => t.fn(...c.args))); done += 64; }
    } else {
      while (done < n && performance.now() - t0 < budget * 1000) { for (let k = 0; k < 1000; k++) t.fn(...c.args); done += 1000; }
    }
    const after = rss(), mb = after - before;
    if (mb > worst.mb) worst = { mb, what: `${b} ${t.name}` };
    console.log(`${b} ${t.name}: ${done} calls, RSS ${before.toFixed(1)} → ${after.toFixed(1)} MB (${mb >= 0 ? '+' : ''}${mb.toFixed(2)} MB)${mb >= 10 ? '  LEAK?' : ''}`);
  }
}
console.log(`largest RSS growth: ${worst.mb.toFixed(2)} MB (${worst.what})`);

if (sk.backends().find((b) => b.backend === 'wasm')?.available && (!only || only === 'wasm')) {
  sk.setBackend('wasm');
  const info = () => sk.backends().find((b) => b.backend === 'wasm');
  const i0 = info();
  for (const n of [1e5, 1e6, 4e6]) {
    const q = sk.quat.random(n, 1), v = new Float32Array(3 * n).fill(1);
    sk.quat.rotate(q, v);
    sk.rope.quatrope(new Float32Array(n * 3), new Float32Array(n * 3), { heads: 1, headDim: 3 });
  }
  const i1 = info();
  console.log(`wasm memory: before ${JSON.stringify({ memoryBytes: i0.memoryBytes, arenaBytes: i0.arenaBytes, heapHighWater: i0.heapHighWater })}`);
  console.log(`wasm memory: after 4e6-item batches ${JSON.stringify({ memoryBytes: i1.memoryBytes, arenaBytes: i1.arenaBytes, arenaBaseline: i1.arenaBaseline, heapHighWater: i1.heapHighWater, userBytes: i1.userBytes })}`);
  console.log(`wasm arena back to baseline: ${i1.arenaBytes === i1.arenaBaseline}`);
}
