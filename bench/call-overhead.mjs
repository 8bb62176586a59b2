// node bench/call-overhead.mjs [native|wasm] (SPATIALKIT_THREADS=1): where the time of one small
// call goes, layer by layer, for quat.multiply of one quaternion — the backend's small-call op on
// its arena (the boundary with a number only + the kernel: src/backend/small.ts), the backend's
// array kernel called directly (the boundary's array checks + the kernel), the public function
// with `out` (the small-call path: checks, copies, the op) and without `out` (plus a fresh
// result), and gl-matrix's multiply for scale. CPU time per call (process.cpuUsage),
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
