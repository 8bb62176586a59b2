// Browser throughput: quat multiply and QuatRoPE on the wasm backend in headless Chromium (the
// browser bundle, dist/browser.js) against Node's wasm backend, in the same run, with the copy
// kernel (TypedArray.set of the same bytes) timed in both as the bandwidth reference. The goal
// (issue 14): the browser within 1.5× of Node.
//   node bench/browser.js [--quick] [--json FILE]       (needs npm run build:ts and Chromium)
// The same `work` function runs in both places (in the page it is sent as source text).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sk from 'spatialkit';
import { chromiumPath, launch, NO_CHROMIUM, pageValue, serve } from '../scripts/chromium.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const jsonAt = process.argv.indexOf('--json');

/** Times each case (median of `samples` samples of ~20 ms of calls each); returns ns per call. */
async function work(sk, { quick }) {
  const samples = quick ? 5 : 11;
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
  function time(fn) {
    let calls = 0;
    const w0 = performance.now();
    while (performance.now() - w0 < 50 || calls < 3) { fn(); calls++; }  // warm up (JIT, wasm tier-up)
    const reps = Math.max(1, Math.round((calls * 20) / (performance.now() - w0)));  // ~20 ms a sample
    const xs = [];
    for (let s = 0; s < samples; s++) {
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) fn();
      xs.push(((performance.now() - t0) * 1e6) / reps);
    }
    return median(xs);
  }
  const fill = (a, seed) => { let s = seed >>> 0; for (let i = 0; i < a.length; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = s / 2 ** 32 - 0.5; } return a; };
  sk.setBackend('wasm');
  const rows = [];
  const n = quick ? 1 << 16 : 1 << 20;
  const qa = fill(new Float32Array(4 * n), 1), qb = fill(new Float32Array(4 * n), 2), qo = new Float32Array(4 * n).fill(0);
  const quatBytes = 3 * 16 * n;
  const copyQ = new Float32Array(quatBytes / 8).fill(0), copyQsrc = fill(new Float32Array(quatBytes / 8), 3);
  rows.push({ op: 'copy (quat bytes)', n, bytes: quatBytes, ns: time(() => copyQ.set(copyQsrc)) });
  rows.push({ op: 'quat.multiply', n, bytes: quatBytes, ns: time(() => sk.quat.multiply(qa, qb, qo)) });
  const T = quick ? 256 : 4096, H = 8, D = 96;
  const x = fill(new Float32Array(T * H * D), 4), out = new Float32Array(T * H * D).fill(0);
  const pos = fill(new Float32Array(T * 3), 5).map((v) => (v + 0.5) * 10);
  const ropeBytes = 2 * 4 * T * H * D + 12 * T;
  const copyR = new Float32Array(ropeBytes / 8).fill(0), copyRsrc = fill(new Float32Array(ropeBytes / 8), 6);
  rows.push({ op: 'copy (quatrope bytes)', n: T, bytes: ropeBytes, ns: time(() => copyR.set(copyRsrc)) });
  rows.push({ op: 'rope.quatrope', n: T, bytes: ropeBytes, ns: time(() => sk.rope.quatrope(x, pos, { heads: H, headDim: D, theta: 0.3, out })) });
  return rows;
}

async function main() {
  if (!chromiumPath()) { console.log(`bench/browser: skipped — ${NO_CHROMIUM}`); return; }
  const node = await work(sk, { quick });
  const page = `import * as sk from '/dist/browser.js';\nconst work = ${work.toString()};\n` +
    `globalThis.__rows = await work(sk, ${JSON.stringify({ quick })});\n`;
  const server = await serve({
    '/': { type: 'text/html', body: '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>' },
    '/page.js': { type: 'text/javascript', body: page },
    '/dist/browser.js': { type: 'text/javascript', body: fs.readFileSync(path.join(ROOT, 'dist', 'browser.js')) },
    '/wasm/build/spatialkit.wasm': { type: 'application/wasm', body: fs.readFileSync(path.join(ROOT, 'wasm', 'build', 'spatialkit.wasm')) },
  });
  const browser = await launch();
  let chrome;
  try {
    const { value, errors } = await pageValue(browser, `${server.url}/`, '__rows');
    if (errors.length) throw new Error(`the bench page failed: ${errors.join('; ')}`);
    chrome = value;
  } finally {
    await browser.close();
    await server.close();
  }
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`browser vs Node wasm (${quick ? 'quick' : 'full'}; median; load average ${load}; node ${process.version})`);
  console.log(`${'op'.padEnd(24)}${'n'.padStart(9)}  ${'node GB/s'.padStart(10)}  ${'chromium GB/s'.padStart(14)}  ${'chromium/node time'.padStart(19)}`);
  const result = [];
  for (let i = 0; i < node.length; i++) {
    const a = node[i], b = chrome[i];
    const ratio = b.ns / a.ns;
    result.push({ op: a.op, n: a.n, bytes: a.bytes, nodeNs: a.ns, chromiumNs: b.ns, ratio });
    console.log(`${a.op.padEnd(24)}${String(a.n).padStart(9)}  ${(a.bytes / a.ns).toFixed(2).padStart(10)}  ${(b.bytes / b.ns).toFixed(2).padStart(14)}  ${ratio.toFixed(2).padStart(18)}×`);
  }
  for (const r of result.filter((r) => !r.op.startsWith('copy'))) {
    console.log(`target: ${r.op} in Chromium within 1.5× of Node's wasm: ${r.ratio.toFixed(2)}× — ${r.ratio <= 1.5 ? 'met' : 'NOT met'}`);
  }
  if (jsonAt > 0) fs.writeFileSync(process.argv[jsonAt + 1], JSON.stringify({ quick, load, rows: result }, null, 2));
}

await main();
