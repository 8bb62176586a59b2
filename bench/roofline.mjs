// node bench/roofline.mjs (SPATIALKIT_THREADS=1): per-element cost of quat.toMatrix and quat.angle
// with their data in cache (N = 4096, repeated: the compute ceiling) and in DRAM (N = 1e7), next to
// the copy kernel moving the same bytes per element; CPU time (process.cpuUsage), so other load on
// a shared machine counts less. The figures in docs/perf.md.
import * as sk from 'spatialkit';
sk.setBackend('native');
const cpu = (f, reps) => { f(); const c0 = process.cpuUsage(); for (let i = 0; i < reps; i++) f(); const c = process.cpuUsage(c0); return (c.user + c.system) * 1e3 / reps; };
const med = (f) => { const t = [0, 0, 0, 0, 0].map(f); t.sort((a, b) => a - b); return t[2]; };
for (const [op, inB, outB, call] of [
  ['toMatrix', 16, 36, (I, o) => sk.quat.toMatrix(I.a, o)],
  ['angle', 32, 4, (I, o) => sk.quat.angle(I.a, I.b, o)],
  ['multiply', 32, 16, (I, o) => sk.quat.multiply(I.a, I.b, o)],
]) {
  const row = { op };
  for (const [label, n, reps] of [['cache', 4096, 2000], ['dram', 1e7, 3]]) {
    const I = { a: sk.quat.random(n, 1), b: sk.quat.random(n, 2) };
    const o = new Float32Array((outB / 4) * n).fill(0);
    row[label] = med(() => cpu(() => call(I, o), reps)) / n;  // ns per element
    if (label === 'dram') {  // the copy kernel touching the same bytes (read + written)
      const bytes = (inB + outB) * n, src = new Float32Array(bytes / 8).fill(1), dst = new Float32Array(bytes / 8).fill(0);
      row.copy = med(() => cpu(() => dst.set(src), reps)) / n;
    }
  }
  console.log(`${op}: ${inB + outB} B/elem; in cache ${row.cache.toFixed(2)} ns/elem, in DRAM ${row.dram.toFixed(2)} ns/elem, ` +
    `copy ${row.copy.toFixed(2)} ns/elem → ${(100 * row.copy / row.dram).toFixed(0)} % of copy; ` +
    `compute ceiling ${((inB + outB) / row.cache).toFixed(1)} GB/s vs copy ${((inB + outB) / row.copy).toFixed(1)} GB/s`);
}
