// node bench/alloc-paths.mjs (SPATIALKIT_THREADS=1, ONLY=quat|rope|ray): ms per call of a kernel with `out`, allocating
// plainly, and through the native allocOutput with the event loop turning between calls and in a
// synchronous loop, next to the copy kernel; the figures in docs/perf.md.
import * as sk from 'spatialkit';
const { module } = await import('../dist/backend/index.js');
sk.setBackend('native');
const alloc = module('native').allocOutput;
const med = (t) => { t.sort((x, y) => x - y); return t[t.length >> 1]; };
function sync(f, k = 5) { const t = []; f(); for (let i = 0; i < k; i++) { const t0 = performance.now(); f(); t.push(performance.now() - t0); } return med(t); }
async function yielding(f, k = 5) { const t = []; f(); for (let i = 0; i < k; i++) { await new Promise(setImmediate); const t0 = performance.now(); f(); t.push(performance.now() - t0); } return med(t); }
async function row(name, bytes, call) {
  const out = new Float32Array(bytes / 4).fill(0);
  const r = { out: sync(() => call(out)), plain: sync(() => call(undefined)),
    allocOutputYielding: await yielding(() => call(new Float32Array(alloc(bytes)))),
    allocOutputSync: sync(() => call(new Float32Array(alloc(bytes)))) };
  const src = new Float32Array(bytes / 4).fill(1);
  r.copy = sync(() => out.set(src));
  console.log(name, Object.entries(r).map(([k, v]) => `${k} ${v.toFixed(1)} ms`).join(', '),
    `| allocOutput/out ${(r.allocOutputYielding / r.out).toFixed(2)}× (yielding), ${(r.allocOutputSync / r.out).toFixed(2)}× (sync); plain/out ${(r.plain / r.out).toFixed(2)}×`);
}
const N = 1e7, qa = sk.quat.random(N, 1), qb = sk.quat.random(N, 2);
if (!process.env.ONLY || process.env.ONLY === 'quat') await row('quat.multiply N=1e7', 16 * N, (o) => sk.quat.multiply(qa, qb, o));
const T = 4096, H = 32, D = 128, x = new Float32Array(T * H * D).map((_, i) => Math.sin(i)), pos = new Float32Array(3 * T).map((_, i) => i % 10);
if (!process.env.ONLY || process.env.ONLY === 'rope') await row('rope.quatrope [4096,32,128]', 4 * x.length, (o) => sk.rope.quatrope(x, pos, { heads: H, headDim: D, out: o }));
const C = { K: Float32Array.of(3686, 1.5, 2100, 0, 3686, 2000, 0, 0, 1), R: Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), t: Float32Array.of(0, 0, 5) };
if (!process.env.ONLY || process.env.ONLY === 'ray') await row('camera.rayMap 1×4096×4096', 6 * 4 * 4096 * 4096, (o) => sk.camera.rayMap(C, { height: 4096, width: 4096, out: o }));
