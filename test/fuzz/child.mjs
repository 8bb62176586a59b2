// The long fuzz run's child process (spawned and watched by scripts/fuzz.mjs): runs the fuzzer
// on the built package (dist/), writing each call to the trace file before making it, so that an
// abort or signal can be traced to its call. Prints one JSON line with the results at the end.
import fs from 'node:fs';
import { fuzz } from './core.mjs';

const [calls, seed, traceFile] = process.argv.slice(2);
const sk = await import('../../dist/index.js');
const backend = await import('../../dist/backend/index.js');
const fd = fs.openSync(traceFile, 'w');
let n = 0;
const trace = (s) => { if (++n % 64 === 0) fs.ftruncateSync(fd, 0); fs.writeSync(fd, s + '\n', 0); };
const names = sk.backends().filter((b) => b.available).length;
const t0 = performance.now();
const workerEntry = { url: new URL('../../dist/index.js', import.meta.url).href };
const r = await fuzz({ sk, backend, calls: Math.ceil(Number(calls) / names), seed: Number(seed), trace, workerEntry });
r.seconds = (performance.now() - t0) / 1000;
r.rssMB = process.memoryUsage().rss / 2 ** 20;
process.stdout.write(JSON.stringify(r) + '\n');
