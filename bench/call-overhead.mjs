// node bench/call-overhead.mjs [native|wasm] (SPATIALKIT_THREADS=1): where the time of one small
// call goes, layer by layer, for quat.multiply of one quaternion — the backend's small-call op on
// its arena (the boundary with a number only + the kernel: src/backend/small.ts), the backend's
// array kernel called directly (the boundary's array checks + the kernel), the public function
// with `out` (the small-call path: checks, copies, the op) and without `out` (plus a fresh
// result), and gl-matrix's multiply for scale; then n = 8 and 64 beside gl-matrix. CPU time per call (process.cpuUsage),
// median of 7 rounds of 2e5 calls, so other load on a shared machine counts less. bench/small-calls.js
// has the same calls next to gl-matrix in the bench tables; figures in docs/perf.md.
import * as sk from 'spatialkit';
import { quat as glm } from 'gl-matrix';
import { module } from '../dist/backend/index.js';

const name = process.argv[2] ?? 'native';
sk.setBackend(name);
const kernel = module(name).quat, small = module(name).small;
const a = Float32Array.of(0, 0, 0, 1), b = Float32Array.of(0.5, 0.5, 0.5, 0.5), out = new Float32Array(4);
if (small) {  // the small op reads its inputs from the arena
  small.arena.set(a, small.x);
  small.arena.set(b, small.y);
}
const perCall = (f, calls = 2e5) => {
  const rounds = [];
  for (let r = 0; r < 7; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < calls; i++) f();
    const c = process.cpuUsage(c0);
    rounds.push(((c.user + c.system) * 1e3) / calls);
  }
  return rounds.sort((x, y) => x - y)[3];
};
for (const [label, f] of [
  ...(small ? [['backend small op (arena)', () => small.quat.multiply(1)]] : []),
  ['backend kernel, out', () => kernel.multiply(a, b, out)],
  ['sk.quat.multiply, out', () => sk.quat.multiply(a, b, out)],
  ['sk.quat.multiply, no out', () => sk.quat.multiply(a, b)],
  ['gl-matrix quat.multiply', () => glm.multiply(out, a, b)],
]) {
  perCall(f, 2e4);  // warm-up
  console.log(`${name} ${label.padEnd(26)} ${perCall(f).toFixed(0).padStart(6)} ns per call`);
}

// n = 8 and 64: sk.quat.multiply with `out` against gl-matrix over the same n quaternions
// (scratch quats loaded and stored by index, as bench/small-calls.js), ns per call of n items.
for (const n of [8, 64]) {
  const x = new Float32Array(4 * n).map((_, i) => (i % 4 === 3 ? 1 : 0.1)), y = x.slice(), o = new Float32Array(4 * n);
  const qa = glm.create(), qb = glm.create(), qo = glm.create();
  const loop = () => {
    for (let i = 0, k = 0; i < n; i++, k += 4) {
      qa[0] = x[k]; qa[1] = x[k + 1]; qa[2] = x[k + 2]; qa[3] = x[k + 3];
      qb[0] = y[k]; qb[1] = y[k + 1]; qb[2] = y[k + 2]; qb[3] = y[k + 3];
      glm.multiply(qo, qa, qb);
      o[k] = qo[0]; o[k + 1] = qo[1]; o[k + 2] = qo[2]; o[k + 3] = qo[3];
    }
  };
  const call = () => sk.quat.multiply(x, y, o);
  for (const [label, f] of [[`sk.quat.multiply, out, n=${n}`, call], [`gl-matrix loop, n=${n}`, loop]]) {
    perCall(f, 2e4);
    console.log(`${name} ${label.padEnd(26)} ${perCall(f).toFixed(0).padStart(6)} ns per call`);
  }
}
