// One race scenario in a child process (spawned by races.test.ts, which watches for a crash or a
// hang): the call's shared inputs are rewritten by a worker thread for the whole run — flipped
// between valid values and values that break what a check-then-use would trust — while this
// thread calls the function for `ms` milliseconds. Every call must return or throw
// TypeError/RangeError; anything else exits 1. Prints one JSON line:
// {scenario, backend, mode, calls, ok, threw, maxMs}.
//
//   node --import ./test/hardening/ts-register.mjs test/hardening/race-child.mjs SCENARIO BACKEND sync|async|raw MS
// `raw` calls the backend module's kernel directly (the boundary without the TypeScript checks).
import { Worker } from 'node:worker_threads';
import * as sk from '../../src/index.ts';
import { module as backendModule } from '../../src/backend/index.ts';

const [scenario, backend, mode, msArg] = process.argv.slice(2);
const ms = Number(msArg ?? 1500);
sk.setBackend(backend);

/** A copy of `a` in a SharedArrayBuffer. */
function shared(a) {
  const s = new a.constructor(new SharedArrayBuffer(Math.max(a.byteLength, 8)), 0, a.length);
  s.set(a);
  return s;
}
/** A worker that rewrites shared array `a` with `bad`, then its present values, forever. */
function flip(a, bad) {
  return new Worker(`
    const { workerData: d } = require('node:worker_threads');
    const a = new globalThis[d.kind](d.buffer, d.offset, d.length);
    for (;;) { a.set(d.bad); a.set(d.good); }`,
  { eval: true, workerData: { buffer: a.buffer, offset: a.byteOffset, length: a.length, kind: a.constructor.name, good: a.slice(), bad } });
}

function boxes(n, spread, seed = 1) {
  let s = seed;
  const r = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const b = new Float32Array(10 * n);
  for (let i = 0; i < n; i++) b.set([r() * spread, r() * spread, r() * spread, 0.3, 0.2, 0.4, r() - 0.5, r() - 0.5, r() - 0.5, 1], 10 * i);
  return b;
}
/**
 * Every 58th box (from `first`) grown to a huge extent: valid, but far beyond the grid level the
 * box may have been sorted into. Two such sets flipped: whatever the moment, some boxes are huge
 * (the grid is fine and wide), and boxes bounded small may be huge when the grid is built.
 */
function grown(b, first) {
  const g = b.slice();
  for (let i = first; i < g.length / 10; i += 58) g.set([1e5, 1e5, 1e5], 10 * i + 3);
  return g;
}
const offsetsOf = (sizes) => { const o = new Uint32Array(sizes.length + 1); sizes.forEach((k, s) => { o[s + 1] = o[s] + k; }); return o; };

// Each scenario: the shared arrays with their adversarial values, and the call.
const SCENARIOS = {
  // Offsets checked, then read again by the driver (issue 16: SIGSEGV native, hang wasm).
  'collide.pairsBatched offsets': () => {
    const S = 64, b = boxes(10 * S, 12);
    const off = shared(offsetsOf(Array(S).fill(10)));
    const bad = off.slice();
    for (let s = 1; s < S; s++) bad[s] = s % 2 ? 0xfffffff0 : 3;
    return { flips: [[off, bad]], call: { fn: 'collide.pairsBatched', raw: 'collide.pairsBatched', args: [b, off], rawArgs: [b, off, 0, 2 ** 28] } };
  },
  // Valid offsets both ways, but scene sizes that differ: a large scene in one, small in the other.
  'collide.pairsBatched offsets (valid both ways)': () => {
    const b = boxes(600, 6);
    const off = shared(offsetsOf([10, 10, 580]));
    return { flips: [[off, offsetsOf([580, 10, 10])]], call: { fn: 'collide.pairsBatched', raw: 'collide.pairsBatched', args: [b, off], rawArgs: [b, off, 0, 2 ** 28] } };
  },
  // Boxes bounded once, then read again by the grid build (issue 16: native pairs never returned).
  'collide.pairs boxes': () => {
    const plain = boxes(3000, 40), b = shared(grown(plain, 0));
    return { flips: [[b, grown(plain, 29)]], call: { fn: 'collide.pairs', raw: 'collide.pairs', args: [b, { maxPairs: 2 ** 28 }], rawArgs: [b, 0, 2 ** 28] } };
  },
  'collide.pairsBatched boxes': () => {
    const plain = boxes(3000, 30), b = shared(grown(plain, 0));
    const off = offsetsOf([20, 2980]);
    return { flips: [[b, grown(plain, 29)]], call: { fn: 'collide.pairsBatched', raw: 'collide.pairsBatched', args: [b, off], rawArgs: [b, off, 0, 2 ** 28] } };
  },
  // Boxes valid ↔ invalid: the check and the error message read different values.
  'collide.overlap and fits boxes': () => {
    const a = shared(boxes(4000, 5)), bad = a.slice();
    for (let i = 0; i < 4000; i += 3) bad[10 * i + 4] = -1;
    return { flips: [[a, bad]], call: { fn: 'collide.fits', raw: 'collide.fits', args: [a, boxes(50, 5, 7)], rawArgs: [a, boxes(50, 5, 7), 0, new Uint8Array(4000)] } };
  },
  // Offsets sizing a scratch buffer (wasm) from one read, the driver reading another.
  // (wasm: a sort scratch sized for groups of 1024, then 2^16 labels sorted into it — past the
  // end of wasm memory.)
  'metrics.normalizedEntropyGrouped offsets': () => {
    const n = 1 << 16, G = 64, labels = Int32Array.from({ length: n }, (_, i) => (i * 7919) % 13);
    const off = shared(offsetsOf(Array(G).fill(n / G)));
    const big = offsetsOf([n, ...Array(G - 1).fill(0)]);
    return { flips: [[off, big]], call: { fn: 'metrics.normalizedEntropyGrouped', raw: 'metrics.neGrouped', args: [labels, off],
      rawArgs: [labels, off, new Float64Array(G), new Float64Array(2)] } };
  },
  // Plain data rewritten: garbage values, never a crash.
  'quat.multiply and rope.quatrope data': () => {
    const q = shared(sk.quat.random(20000, 3)), bad = q.map((v, i) => (i % 5 ? v : i % 2 ? NaN : 3e38));
    return { flips: [[q, bad]], call: { fn: 'rope.quatrope', raw: 'quat.multiply', args: [q.subarray(0, 60000), new Float32Array(30000).fill(1), { heads: 2, headDim: 3 }],
      rawArgs: [q, q, new Float32Array(q.length)] } };
  },
};

const at = (path, root) => path.split('.').reduce((o, k) => o[k], root);
const { flips, call } = SCENARIOS[scenario]();
const workers = flips.map(([a, bad]) => flip(a, bad));
await new Promise((r) => setTimeout(r, 20));  // let the writers start

const raw = mode === 'raw' ? at(call.raw, backendModule(backend)) : undefined;
const fn = mode === 'async' ? at(`${call.fn}Async`, sk) : at(call.fn, sk);
const args = mode === 'raw' ? call.rawArgs : call.args;
let calls = 0, ok = 0, threw = 0, maxMs = 0;
const judge = (e) => {
  if (e instanceof TypeError || e instanceof RangeError) { threw++; return; }
  console.error(`${scenario} [${backend} ${mode}]: threw ${e?.constructor?.name}: ${e?.message}`);
  process.exit(1);
};
const t0 = performance.now();
while (performance.now() - t0 < ms) {
  const c0 = performance.now();
  if (mode === 'async') {
    // Four calls in flight at a time.
    const batch = Array.from({ length: 4 }, () => Promise.resolve().then(() => fn(...args)).then(() => { ok++; }, judge));
    await Promise.all(batch);
    calls += 4;
  } else {
    try { (raw ?? fn)(...args); ok++; } catch (e) { judge(e); }
    calls++;
  }
  maxMs = Math.max(maxMs, performance.now() - c0);
}
await Promise.all(workers.map((w) => w.terminate()));
console.log(JSON.stringify({ scenario, backend, mode, calls, ok, threw, maxMs: Math.round(maxMs) }));
