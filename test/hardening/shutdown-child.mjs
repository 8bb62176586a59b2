// Worker pools terminate workers all the time (issue 16: SIGABRT, "terminate called after
// throwing an instance of 'Napi::Error'"). Run by shutdown.test.ts in a child process: `rounds`
// rounds of starting a worker that keeps native `…Async` calls in flight — and keeps making new
// ones, sync and async — and terminating it mid-flight, at a different moment each round.
// Exits 0 and prints "ROUNDS n" when every round ended with the process alive.
//
//   node test/hardening/shutdown-child.mjs ROUNDS [public]
// `public` drives the package's TypeScript API (through ./ts-register.mjs) instead of the raw addon.
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const rounds = Number(process.argv[2] ?? 20);
const viaPublic = process.argv[3] === 'public';

// The worker body: many calls in flight on several kernels, then a loop making more until killed.
const raw = `
  const { parentPort, workerData } = require('node:worker_threads');
  const m = require('node-gyp-build')(workerData.root);
  const n = 1 << 15, q = new Float32Array(4 * n); m.quat.random(1, q);
  const boxes = new Float32Array(10 * 2000);
  for (let i = 0; i < 2000; i++) boxes.set([i % 40, (i / 40) % 40, i / 1600, .6, .6, .6, 0, 0, 0, 1], 10 * i);
  const start = () => [
    m.quat.normalizeAsync(q, new Float32Array(4 * n)),
    m.collide.pairsAsync(boxes, 0, 1 << 28),
    m.metrics.neGroupedAsync(new Int32Array(n), Uint32Array.of(0, n), new Float64Array(1), new Float64Array(2)),
  ].map((p) => p.catch(() => {}));
  for (let i = 0; i < 32; i++) start();
  parentPort.postMessage('in flight');
  for (let i = 0; ; i++) { start(); if (i % 8 === 0) m.collide.pairs(boxes, 0, 1 << 28); }`;
const pub = `
  import { parentPort } from 'node:worker_threads';
  const sk = await import(${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)});
  sk.setBackend('native');
  const q = sk.quat.random(1 << 15, 1), boxes = new Float32Array(10 * 2000);
  for (let i = 0; i < 2000; i++) boxes.set([i % 40, (i / 40) % 40, i / 1600, .6, .6, .6, 0, 0, 0, 1], 10 * i);
  const start = () => [sk.quat.normalizeAsync(q), sk.collide.pairsAsync(boxes),
    sk.metrics.normalizedEntropyGroupedAsync(new Int32Array(4096), Uint32Array.of(0, 4096))].map((p) => p.catch(() => {}));
  for (let i = 0; i < 32; i++) start();
  parentPort.postMessage('in flight');
  for (;;) { start(); await null; }`;

for (let round = 0; round < rounds; round++) {
  const w = viaPublic
    ? new Worker(new URL(`data:text/javascript,${encodeURIComponent(pub)}`), { execArgv: ['--import', path.join(here, 'ts-register.mjs')] })
    : new Worker(raw, { eval: true, workerData: { root } });
  const failed = new Promise((_, rej) => w.once('error', rej));
  await Promise.race([new Promise((r) => w.once('message', r)), failed]);
  // Vary the moment: at once, after a few ms, after the first completions.
  await new Promise((r) => setTimeout(r, round % 4 === 0 ? 0 : round % 7));
  await w.terminate();
}
console.log(`ROUNDS ${rounds}`);
