// `npm run fuzz -- [--calls 100000] [--seed S]`: the long boundary-fuzz run (test/fuzz/core.mjs)
// in a child process watched for aborts, signals and hangs. Prints the figures and every finding
// (known open ones separately, test/fuzz/known.mjs); exits non-zero on a new finding or a crash.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isKnown } from '../test/fuzz/known.mjs';

const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : dflt; };
const calls = Number(arg('calls', 100000));
const seed = Number(arg('seed', Math.floor(Math.random() * 2 ** 31)));
const hangSeconds = Number(arg('hang-seconds', 60));
const trace = path.join(os.tmpdir(), `spatialkit-fuzz-${process.pid}.trace`);

console.log(`fuzz: ${calls} public calls, FUZZ_SEED=${seed}, child watched for signals and ${hangSeconds} s without progress`);
const child = spawn(process.execPath, ['test/fuzz/child.mjs', String(calls), String(seed), trace], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
child.stdout.on('data', (d) => { out += d; });
let lastSize = -1, lastChange = Date.now(), hung = false;
const watch = setInterval(() => {
  let m = 0;
  try { m = fs.statSync(trace).mtimeMs; } catch { /* not yet */ }
  if (m !== lastSize) { lastSize = m; lastChange = Date.now(); }
  else if (Date.now() - lastChange > hangSeconds * 1000) { hung = true; child.kill('SIGKILL'); }
}, 1000);
const [code, signal] = await new Promise((res) => child.on('exit', (c, s) => res([c, s])));
clearInterval(watch);
const last = fs.existsSync(trace) ? fs.readFileSync(trace, 'utf8').trim().split('\n').pop() : '';
fs.rmSync(trace, { force: true });

if (code !== 0 || signal || hung) {
  console.log(`fuzz: CHILD ${hung ? 'HUNG' : 'DIED'} (exit ${code}, signal ${signal}); last call: ${last}`);
  console.log(`reproduce: npm run fuzz -- --calls ${calls} --seed ${seed}`);
  process.exit(1);
}
const r = JSON.parse(out.trim().split('\n').pop());
const fresh = r.findings.filter((f) => !isKnown(f)), known = r.findings.filter(isKnown);
console.log(`fuzz: ${r.calls} public calls (${r.cases} cases) on ${r.backends.join(', ')} and ${r.rawCalls} raw-kernel calls over ${r.rawKernels.length} kernels in ${r.seconds.toFixed(1)} s; child exited cleanly (RSS ${r.rssMB.toFixed(0)} MB)`);
console.log(`fuzz: ${r.racing} calls with an argument rewritten by a worker thread during the call; ${r.terminations} worker threads terminated with …Async calls in flight`);
const fns = Object.entries(r.byFunction);
console.log(`fuzz: ${fns.length} functions called; ${fns.reduce((a, [, v]) => a + v.threw, 0)} calls threw TypeError/RangeError as required`);
console.log(`fuzz: ${fresh.length} new findings, ${known.length} matching known open reports`);
for (const f of fresh) console.log(`FINDING ${f.fn} [${f.backend}] ${f.kind}: ${f.problem}\n  ${f.repro}`);
for (const f of known.slice(0, 200)) console.log(`known: ${f.fn} [${f.backend}] ${f.kind}: ${f.problem.slice(0, 160)}`);
process.exit(fresh.length ? 1 : 0);
