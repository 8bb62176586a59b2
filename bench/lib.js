/**
 * Benchmark harness shared by every suite in bench/ (quat, rope, camera, collide, metrics, …).
 *
 * Suite contract — a suite is `bench/<name>.js`, an ES module that exports
 *   `async function run(ctx)`; it imports the library as `import * as sk from 'spatialkit'`.
 * The harness runs each suite in child processes: mode 'one' (SPATIALKIT_THREADS=1: every case,
 * plus the copy kernel) and mode 'all' (default native threads: only cases with threads > 1).
 * `ctx` gives:
 *   ctx.suite, ctx.quick, ctx.mode ('one' | 'all'), ctx.sk (the library, once loaded)
 *   ctx.backends() → [{name, threads, info}] — each backend `sk.setBackend(name)` accepts; the
 *       others are recorded as skipped with their reason (so a backend that lands later is
 *       picked up with no change to the suite).
 *   await ctx.peer(specifier, label) → the imported module, or null with a skip note (peers are
 *       devDependencies and may be missing).
 *   await ctx.bench({op, n, impl, kind: 'subject' | 'peer', label?, threads?: 1, items, bytes,
 *       fn, alloc?, allocOut?, before?, check?}) — times fn() (`out` preallocated), alloc()
 *       (allocating call: variant 'alloc') and allocOut() (the output allocated with the
 *       backend's allocOutput, then the `out` call, as the TypeScript layer does for large
 *       outputs: variant 'allocOutput' with the event loop turning between calls, as a pipeline
 *       that awaits between batches; 'allocOutput sync' in a synchronous loop) as median-of-samples; `items` = elements per call, `bytes` = bytes read + written
 *       per call; before() runs before timing (e.g. setBackend); check() → max abs error vs a
 *       reference (or {err, tol}). The first bench of each (op, n) first times the copy kernel
 *       (TypedArray.set of bytes/2 into a preallocated array, i.e. the same bytes touched).
 *       A throwing case becomes a skip row with the error; the suite goes on.
 *   await ctx.allocator(backend) → the backend's allocOutput(byteLength) → ArrayBuffer, or null.
 *   ctx.skip({op?, n?, impl, reason}), ctx.note(text)
 *   ctx.target({label, where: {op, n, impl, variant?, threads?}, metric, min}) — a goal checked
 *       after both modes ran; metric: 'pctCopy' | 'melemPerS' | 'gbps' | 'x:<peer label>' |
 *       'outRatio' (ns of the same case's 'out' row / ns of this row: ≥ 0.5 = within 2× of it).
 * The parent merges both modes, adds GB/s, % of copy and × each peer (peer time / this time,
 * same op, n and variant; peers are single-threaded), prints one table per (suite, n), and writes
 * JSON to bench/results/<suite>-<YYYY-MM-DD>[-quick].json (and --json FILE).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const PACKAGE_ROOT = path.dirname(BENCH_DIR);
const LIB_FILE = fileURLToPath(import.meta.url);
const require = createRequire(import.meta.url);  // `benchmark` is CommonJS

/** Timing settings: full runs fit the quat suite in a few minutes, --quick in well under one. */
export const SETTINGS = {
  full: { minSamples: 5, maxTime: 0.3, minTime: 0.05, slowMinSamples: 3 },
  quick: { minSamples: 3, maxTime: 0.1, minTime: 0.02, slowMinSamples: 2 },
};
/** A case whose single warm-up call takes longer than this (s) gets slowMinSamples samples. */
const SLOW_CALL = 0.1;

// ───────────────────────────── measurement ─────────────────────────────

let Benchmark = null;
let benchmarkNote = null;
function loadBenchmark() {
  if (Benchmark || benchmarkNote) return Benchmark;
  try {
    Benchmark = require('benchmark');
    // Calling fn through the bench object instead of decompiling it keeps closures working.
    Benchmark.support.decompilation = false;
  } catch (e) {
    benchmarkNote = `the 'benchmark' package is not installed (${e.code || e.message}); using the built-in sampler`;
  }
  return Benchmark;
}

function now() { return Number(process.hrtime.bigint()) / 1e9; }

/** Built-in sampler (same statistics) for installs without the `benchmark` devDependency. */
function sampleBuiltin(fn, { minSamples, maxTime, minTime }) {
  const samples = [];
  let count = 1;
  const start = now();
  while (samples.length < minSamples || now() - start < maxTime) {
    const t0 = now();
    for (let i = 0; i < count; i++) fn();
    const dt = now() - t0;
    if (dt < minTime) { count = Math.max(count + 1, Math.ceil(count * minTime / Math.max(dt, 1e-9))); continue; }
    samples.push(dt / count);
  }
  return samples;
}

function sampleBenchmark(fn, { minSamples, maxTime, minTime }) {
  const b = new Benchmark(fn, { minSamples, maxTime, minTime, initCount: 1, async: false, defer: false });
  b.run();
  if (b.error) throw b.error;
  return b.stats.sample.slice();
}

export function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Times fn(): one warm-up call, then median of samples (seconds per call → ns).
 * @returns {{ns: number, minNs: number, maxNs: number, samples: number, rme: number, sampler: string}}
 */
export function measure(fn, quick) {
  const set = quick ? SETTINGS.quick : SETTINGS.full;
  if (globalThis.gc) globalThis.gc();
  const t0 = now();
  fn();
  const first = now() - t0;
  const opts = { ...set, minSamples: first > SLOW_CALL ? set.slowMinSamples : set.minSamples };
  const B = loadBenchmark();
  // CPU time next to wall time: on a shared machine cpu/wall < 1 shows the process was waiting
  // for a core, i.e. that the wall-clock figures of this case are inflated by other load.
  let calls = 0;
  const counted = () => { calls++; return fn(); };
  const c0 = process.cpuUsage(), w0 = now();
  const sec = B ? sampleBenchmark(counted, opts) : sampleBuiltin(counted, opts);
  const cpu = process.cpuUsage(c0), wall = now() - w0, cpuSec = (cpu.user + cpu.system) / 1e6;
  const ns = sec.map((s) => s * 1e9);
  const med = median(ns);
  const mean = ns.reduce((a, b) => a + b, 0) / ns.length;
  const sd = Math.sqrt(ns.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, ns.length - 1));
  return {
    ns: med, minNs: Math.min(...ns), maxNs: Math.max(...ns), samples: ns.length,
    rme: ns.length > 1 ? (100 * 1.96 * sd) / Math.sqrt(ns.length) / mean : 0,
    cpuNs: (cpuSec * 1e9) / calls, onCpu: cpuSec / wall, calls,
    sampler: B ? 'benchmark' : 'builtin',
  };
}

/**
 * Like measure(), but the event loop turns before every call (await setImmediate) and only the
 * call is timed: how a pipeline that awaits between batches calls (finalisers of external
 * buffers run only when the loop turns).
 */
export async function measureYielding(fn, quick) {
  const set = quick ? SETTINGS.quick : SETTINGS.full;
  const ns = [];
  const c0 = process.cpuUsage();
  let busy = 0;
  const start = now();
  await new Promise(setImmediate);
  fn();  // warm-up
  while (ns.length < set.minSamples || (now() - start < set.maxTime && ns.length < 50)) {
    await new Promise(setImmediate);
    const t0 = now();
    fn();
    const dt = now() - t0;
    busy += dt;
    ns.push(dt * 1e9);
  }
  const cpu = process.cpuUsage(c0), cpuSec = (cpu.user + cpu.system) / 1e6;
  const med = median(ns), mean = ns.reduce((a, b) => a + b, 0) / ns.length;
  const sd = Math.sqrt(ns.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, ns.length - 1));
  return {
    ns: med, minNs: Math.min(...ns), maxNs: Math.max(...ns), samples: ns.length,
    rme: ns.length > 1 ? (100 * 1.96 * sd) / Math.sqrt(ns.length) / mean : 0,
    cpuNs: (cpuSec * 1e9) / (ns.length + 1), onCpu: busy > 0 ? Math.min(1, cpuSec / busy) : 1, calls: ns.length + 1,
    sampler: 'yielding',
  };
}

/**
 * The copy kernel: `dst.set(src)` of bytes/2 bytes into a preallocated array, so it touches
 * `bytes` bytes (read + write) like the case it is compared with. One thread (TypedArray.set).
 */
export function measureCopy(bytes, quick) {
  const len = Math.max(1, Math.round(bytes / 2 / 4));
  let src = new Float32Array(len).fill(1.5), dst = new Float32Array(len).fill(0);  // fill: fault pages in now
  const m = measure(() => dst.set(src), quick);
  src = dst = null;
  return { ...m, bytes: len * 8 };
}

/** Fills `arr` with values uniform in [lo, hi) from a 32-bit LCG seeded by `seed` (pure JS: inputs do not depend on a backend). */
export function fill(arr, seed, lo, hi) {
  let s = seed >>> 0;
  const k = (hi - lo) / 2 ** 32;
  for (let i = 0; i < arr.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    arr[i] = lo + k * s;
  }
  return arr;
}

export const gbps = (bytes, ns) => bytes / ns;                 // bytes per ns = GB/s
export const melemPerS = (items, ns) => (items * 1e3) / ns;    // items per ns × 1e3 = M/s

/**
 * Largest absolute difference between the first `count` items of two outputs. With `signFree`
 * an item (of `item` floats) may match up to sign (q and −q are the same rotation).
 * `transposeB` reads b as column-major 3×3 matrices (gl-matrix, three.js) against row-major a.
 */
export function maxDiff(a, b, { item = 1, count = 256, signFree = false, transposeB = false } = {}) {
  let worst = 0;
  const n = Math.min(count, Math.floor(a.length / item), Math.floor(b.length / item));
  for (let i = 0; i < n; i++) {
    let dp = 0, dm = 0;
    for (let k = 0; k < item; k++) {
      const kb = transposeB ? (k % 3) * 3 + Math.floor(k / 3) : k;
      const x = a[i * item + k], y = b[i * item + kb];
      dp = Math.max(dp, Math.abs(x - y));
      dm = Math.max(dm, Math.abs(x + y));
    }
    const d = signFree ? Math.min(dp, dm) : dp;
    worst = Math.max(worst, Number.isNaN(d) ? Infinity : d);
  }
  return worst;
}

// ───────────────────────────── child: one suite, one mode ─────────────────────────────

class Context {
  constructor({ suite, quick, mode }) {
    this.suite = suite;
    this.quick = quick;
    this.mode = mode;
    this.sk = null;
    this.rows = [];
    this.skips = [];
    this.notes = [];
    this.targets = [];
    this.copies = new Map();
    this.backendList = null;
  }

  note(text) { if (!this.notes.includes(text)) this.notes.push(text); }

  /** The backend's allocOutput(byteLength) → ArrayBuffer (native addons have one), or null. */
  async allocator(backend) {
    try {
      const { module } = await import(pathToFileURL(path.join(PACKAGE_ROOT, 'dist', 'backend', 'index.js')).href);
      const m = module(backend);
      return m && typeof m.allocOutput === 'function' ? (bytes) => m.allocOutput(bytes) : null;
    } catch { return null; }
  }

  skip({ op = null, n = null, impl, reason }) {
    const s = { op, n, impl, mode: this.mode, reason: String(reason).split('\n')[0] };
    if (!this.skips.some((k) => k.op === s.op && k.n === s.n && k.impl === s.impl && k.reason === s.reason)) {
      this.skips.push(s);
      log(`  skip ${[s.op, s.n && fmtN(s.n), s.impl].filter(Boolean).join(' ')}: ${s.reason}`);
    }
  }

  target(t) { if (this.mode === 'one') this.targets.push(t); }

  /** Backends that load here, each with its thread count; the rest are skipped with a reason. */
  backends() {
    if (this.backendList) return this.backendList;
    const sk = this.sk;
    const list = [];
    for (const info of sk.backends()) {
      if (!info.available) { this.skip({ impl: info.backend, reason: `unavailable: ${info.reason}` }); continue; }
      try {
        sk.setBackend(info.backend);
        list.push({ name: info.backend, threads: info.threads ?? 1, info });
      } catch (e) {
        this.skip({ impl: info.backend, reason: e.message });
      }
    }
    this.backendList = list;
    return list;
  }

  async peer(specifier, label = specifier) {
    try {
      const m = await import(specifier);
      const version = packageVersion(specifier);
      this.note(`peer ${label}: ${specifier}@${version ?? '?'}`);
      return m;
    } catch (e) {
      this.skip({ impl: label, reason: `peer not installed (${e.code || e.message}); \`npm i -D ${specifier}\` to compare` });
      return null;
    }
  }

  copyFor(op, n, bytes) {
    const key = `${op}|${n}`;
    if (this.copies.has(key)) return this.copies.get(key);
    let c = null;
    if (this.mode === 'one') {
      c = measureCopy(bytes, this.quick);
      this.rows.push({
        suite: this.suite, op, n, impl: 'copy', label: 'copy', kind: 'copy', variant: 'out', threads: 1,
        items: n, bytes: c.bytes, ...timing(c), melemPerS: null, gbps: gbps(c.bytes, c.ns),
      });
      log(`  ${op.padEnd(14)} ${fmtN(n).padStart(4)} ${'copy'.padEnd(16)} ${fmt(gbps(c.bytes, c.ns), 1).padStart(8)} GB/s`);
    }
    this.copies.set(key, c);
    return c;
  }

  async bench(c) {
    const { op, n, impl, kind = 'subject', label = impl, threads = 1, items, bytes, fn, alloc, allocOut, before, check } = c;
    if (this.mode === 'all' && threads <= 1) return;  // single-threaded cases run in mode 'one' only
    this.copyFor(op, n, bytes);
    const variants = [['out', fn], ['alloc', alloc], ['allocOutput', allocOut, true], ['allocOutput sync', allocOut]]
      .filter(([, f]) => typeof f === 'function');
    for (const [variant, f, yielding] of variants) {
      try {
        if (before) before();
        const m = yielding ? await measureYielding(f, this.quick) : measure(f, this.quick);
        const row = {
          suite: this.suite, op, n, impl, label, kind, variant, threads, items, bytes,
          ...timing(m), melemPerS: melemPerS(items, m.ns), gbps: gbps(bytes, m.ns),
        };
        if (variant === 'out' && check && this.mode === 'one') {
          if (before) before();
          const r = check();
          const err = typeof r === 'number' ? r : r.err;
          const tol = typeof r === 'number' ? 1e-3 : r.tol;
          row.maxErr = err;
          if (!(err <= tol)) row.note = `differs from the reference by ${err.toPrecision(3)} (tol ${tol})`;
        }
        this.rows.push(row);
        log(`  ${op.padEnd(14)} ${fmtN(n).padStart(4)} ${`${label}${threads > 1 ? ` ×${threads}` : ''}`.padEnd(16)} ` +
          `${fmt(row.gbps, 1).padStart(8)} GB/s ${fmt(row.melemPerS, 1).padStart(9)} M/s  ${variant}` +
          `${row.note ? `  !! ${row.note}` : ''}`);
      } catch (e) {
        this.skip({ op, n, impl: `${label} (${variant})`, reason: `failed: ${e.message}` });
      }
    }
  }
}

/** The installed version of a package, found from its resolved entry (exports may hide package.json). */
function packageVersion(specifier) {
  try {
    let dir = path.dirname(fileURLToPath(import.meta.resolve(specifier)));
    for (;;) {
      const f = path.join(dir, 'package.json');
      if (fs.existsSync(f)) {
        const pkg = JSON.parse(fs.readFileSync(f, 'utf8'));
        if (pkg.name === specifier) return pkg.version;
      }
      const up = path.dirname(dir);
      if (up === dir) return null;
      dir = up;
    }
  } catch { return null; }
}

function timing(m) {
  return {
    ns: m.ns, minNs: m.minNs, maxNs: m.maxNs, samples: m.samples, rme: m.rme,
    cpuNs: m.cpuNs, onCpu: m.onCpu, calls: m.calls, sampler: m.sampler,
  };
}

function log(line) { process.stderr.write(`${line}\n`); }

/** Size and mtime of the built backends (native addon, CUDA addon, wasm module) this process loads. */
function artifacts() {
  const found = [];
  for (const dir of ['build/Release', 'build-cuda/Release', 'wasm/build']) {
    let names = [];
    try { names = fs.readdirSync(path.join(PACKAGE_ROOT, dir)); } catch { continue; }
    for (const f of names.filter((x) => x.endsWith('.node') || x.endsWith('.wasm')).sort()) {
      const st = fs.statSync(path.join(PACKAGE_ROOT, dir, f));
      found.push({ file: `${dir}/${f}`, bytes: st.size, mtime: st.mtime.toISOString() });
    }
  }
  return found;
}

async function childMain() {
  const job = JSON.parse(process.env.SK_BENCH_JOB);
  const ctx = new Context(job);
  const started = new Date().toISOString();
  const built = artifacts();  // before the suite loads them
  const load0 = os.loadavg();
  let error = null;
  try {
    const mod = await import(pathToFileURL(job.file).href);
    if (typeof mod.run !== 'function') throw new Error(`${path.basename(job.file)} does not export run(ctx)`);
    try { ctx.sk = await import('spatialkit'); } catch (e) { throw new Error(`cannot load spatialkit: ${e.message}`); }
    await mod.run(ctx);
  } catch (e) {
    error = e.stack || String(e);
    log(`  suite ${job.suite} (${job.mode}) failed: ${e.message}`);
  }
  if (benchmarkNote) ctx.note(benchmarkNote);
  let backends = null;
  try { backends = ctx.sk ? ctx.sk.backends() : null; } catch { /* reported above */ }
  const result = {
    mode: job.mode, started, finished: new Date().toISOString(), loadavg: { start: load0, end: os.loadavg() },
    threadsEnv: process.env.SPATIALKIT_THREADS ?? null, backends, artifacts: built, rebuiltDuringRun: JSON.stringify(built) !== JSON.stringify(artifacts()), error,
    rows: ctx.rows, skips: ctx.skips, notes: ctx.notes, targets: ctx.targets,
  };
  fs.writeFileSync(job.out, JSON.stringify(result));
}

// ───────────────────────────── parent: orchestration ─────────────────────────────

/** Suite names in bench/ (every *.js except lib.js), sorted. */
export function listSuites(dir = BENCH_DIR) {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.js') && f !== 'lib.js').map((f) => f.slice(0, -3)).sort();
}

function runChild(job, threadsEnv) {
  const env = { ...process.env, SK_BENCH_JOB: JSON.stringify(job) };
  if (threadsEnv === undefined) delete env.SPATIALKIT_THREADS;
  else if (threadsEnv !== null) env.SPATIALKIT_THREADS = threadsEnv;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', LIB_FILE], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code, signal) => {
      let result = null;
      try { result = JSON.parse(fs.readFileSync(job.out, 'utf8')); } catch { /* crashed before writing */ }
      try { fs.unlinkSync(job.out); } catch { /* absent */ }
      if (!result) result = { mode: job.mode, error: `child exited with ${signal || `code ${code}`}`, rows: [], skips: [], notes: [], targets: [] };
      resolve(result);
    });
  });
}

/**
 * Adds pctCopy, ratios (× peer = peer ns / this ns, same op, n and variant) and, on allocating
 * rows, outRatio (the same case's 'out' ns / this ns).
 */
export function addRatios(rows) {
  const key = (r) => `${r.suite}|${r.op}|${r.n}`;
  const caseKey = (r) => `${key(r)}|${r.label}|${r.threads}`;
  const outRows = new Map(rows.filter((r) => r.variant === 'out' && r.kind !== 'copy').map((r) => [caseKey(r), r]));
  const copy = new Map(rows.filter((r) => r.kind === 'copy').map((r) => [key(r), r]));
  const peers = rows.filter((r) => r.kind === 'peer');
  for (const r of rows) {
    const c = copy.get(key(r));
    r.copyGBps = c ? c.gbps : null;
    r.pctCopy = c && r.kind !== 'copy' ? (100 * r.gbps) / c.gbps : null;
    // The same from CPU time (one-thread rows): close to what an idle core would give when
    // other processes share the machine, since time spent waiting for a core is left out.
    if (r.threads === 1 && r.cpuNs > 0) {
      r.melemPerSCpu = r.kind === 'copy' ? null : (r.items * 1e3) / r.cpuNs;
      r.gbpsCpu = r.bytes / r.cpuNs;
      r.pctCopyCpu = c && c.cpuNs > 0 && r.kind !== 'copy' ? (100 * r.gbpsCpu) / (c.bytes / c.cpuNs) : null;
    }
    r.ratios = {};
    if (r.kind === 'copy') continue;
    const o = r.variant !== 'out' ? outRows.get(caseKey(r)) : null;
    r.outRatio = o ? o.ns / r.ns : null;
    if (r.threads === 1) r.ratiosCpu = {};
    for (const p of peers) {
      if (key(p) !== key(r) || p.variant !== r.variant || p === r) continue;
      r.ratios[p.label] = p.ns / r.ns;
      if (r.ratiosCpu && p.cpuNs > 0 && r.cpuNs > 0) r.ratiosCpu[p.label] = p.cpuNs / r.cpuNs;
    }
  }
  return rows;
}

/** Evaluates declared targets against merged rows. */
export function evaluateTargets(targets, rows, skips) {
  return targets.map((t) => {
    const w = { variant: 'out', ...t.where };
    const row = rows.find((r) => r.kind !== 'copy' && Object.entries(w).every(([k, v]) => r[k] === v));
    if (!row) {
      const why = skips.find((s) => s.impl === w.impl || s.impl?.startsWith(`${w.impl} `));
      return { ...t, value: null, pass: null, why: why ? why.reason : 'not measured' };
    }
    const peer = t.metric.startsWith('x:') ? t.metric.slice(2) : null;
    const value = peer ? row.ratios[peer] ?? null : row[t.metric] ?? null;
    // The same goal on CPU time (one-thread rows), for machines shared with other work.
    const valueCpu = peer ? row.ratiosCpu?.[peer] ?? null : row[`${t.metric}Cpu`] ?? null;
    return { ...t, value, pass: value === null ? null : value >= t.min, valueCpu, passCpu: valueCpu === null ? null : valueCpu >= t.min };
  });
}

export function fmt(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return 'inf';
  if (Math.abs(x) >= 1000) return x.toFixed(0);
  if (Math.abs(x) >= 100) return x.toFixed(Math.max(0, digits - 1));
  return x.toFixed(digits);
}
export function fmtN(n) {
  if (n === null || n === undefined) return '';
  const e = Math.log10(n);
  return Number.isInteger(e) && e >= 3 ? `1e${e}` : String(n);
}

/** One table per (suite, n). Columns: M elem/s, GB/s, % of copy, × each peer, noise (±%). */
export function formatTables(rows) {
  const out = [];
  const suites = [...new Set(rows.map((r) => r.suite))];
  for (const suite of suites) {
    const sr = rows.filter((r) => r.suite === suite);
    const peerLabels = [...new Set(sr.filter((r) => r.kind === 'peer').map((r) => r.label))];
    for (const n of [...new Set(sr.map((r) => r.n))].sort((a, b) => a - b)) {
      const nr = sr.filter((r) => r.n === n);
      const head = ['op', 'impl', 'thr', 'call', 'M elem/s', 'GB/s', '%copy', ...peerLabels.map((l) => `×${l}`), '±%', 'cpu%',
        'M/s@cpu', '%copy@cpu'];
      const lines = [];
      for (const op of [...new Set(nr.map((r) => r.op))]) {
        for (const r of nr.filter((x) => x.op === op)) {
          lines.push([
            op, r.kind === 'copy' ? `copy ${fmt(r.bytes / 2 ** 20, 0)}MiB` : r.label, String(r.threads),
            r.kind === 'copy' ? '' : r.variant, fmt(r.melemPerS, 1), fmt(r.gbps, 2),
            r.kind === 'copy' ? '100' : fmt(r.pctCopy, 0),
            ...peerLabels.map((l) => (r.ratios && r.ratios[l] !== undefined ? fmt(r.ratios[l], 2) : '')),
            fmt(r.rme, 0) + (r.note ? ' !' : ''), fmt((100 * r.onCpu) / r.threads, 0),
            r.threads === 1 && r.kind !== 'copy' ? fmt(r.melemPerSCpu, 1) : '',
            r.threads === 1 && r.kind !== 'copy' ? fmt(r.pctCopyCpu, 0) : '',
          ]);
        }
      }
      const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
      const line = (cells) => cells.map((c, i) => (i < 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
      out.push(`\n${suite}  N = ${fmtN(n)}`);
      out.push(line(head));
      out.push(widths.map((w) => '-'.repeat(w)).join('  '));
      let prev = null;
      for (const l of lines) {
        out.push(line(l[0] === prev ? ['', ...l.slice(1)] : l));
        prev = l[0];
      }
    }
  }
  return out.join('\n');
}

function machine() {
  const cpus = os.cpus();
  return {
    node: process.version, platform: `${process.platform}-${process.arch}`, cpu: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism ? os.availableParallelism() : cpus.length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

function gitCommit() {
  try {
    const head = fs.readFileSync(path.join(PACKAGE_ROOT, '.git', 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head;
    return fs.readFileSync(path.join(PACKAGE_ROOT, '.git', head.slice(5)), 'utf8').trim();
  } catch { return null; }
}

function resultsDir() {
  // Inside node_modules (an installed package) results go to the working directory instead.
  return PACKAGE_ROOT.split(path.sep).includes('node_modules')
    ? path.resolve('spatialkit-bench-results') : path.join(BENCH_DIR, 'results');
}

/**
 * Runs suites and prints their tables. Returns the exit code (0 when every suite ran; skipped
 * backends and peers are not failures).
 * @param {{suites?: string[], quick?: boolean, json?: string, print?: (s: string) => void}} opts
 */
export async function main({ suites, quick = false, json = null, print = (s) => process.stdout.write(`${s}\n`) } = {}) {
  const available = listSuites();
  const names = suites && suites.length ? suites : available;
  const unknown = names.filter((s) => !available.includes(s));
  if (unknown.length) {
    process.stderr.write(`spatialkit bench: unknown suite ${unknown.map((s) => `'${s}'`).join(', ')}; suites: ${available.join(', ')}\n`);
    return 2;
  }
  const date = new Date().toISOString().slice(0, 10);
  const all = [];
  let code = 0;
  const cores = machine().cores;
  for (const suite of names) {
    log(`${suite}: one-thread process (SPATIALKIT_THREADS=1)${quick ? ', quick' : ''}`);
    const file = path.join(BENCH_DIR, `${suite}.js`);
    const tmp = (mode) => path.join(os.tmpdir(), `sk-bench-${process.pid}-${suite}-${mode}.json`);
    const one = await runChild({ suite, file, quick, mode: 'one', out: tmp('one') }, '1');
    let many = null;
    const envThreads = process.env.SPATIALKIT_THREADS;
    if (!one.error && (envThreads ? Number(envThreads) > 1 : cores > 1)) {
      log(`${suite}: all-thread process (SPATIALKIT_THREADS=${envThreads ?? `unset, ${cores} cores`})`);
      many = await runChild({ suite, file, quick, mode: 'all', out: tmp('all') }, envThreads);
    }
    const parts = [one, many].filter(Boolean);
    const rows = addRatios(parts.flatMap((p) => p.rows));
    const skips = parts.flatMap((p) => p.skips);
    const targets = evaluateTargets(one.targets, rows, skips);
    const errors = parts.filter((p) => p.error).map((p) => `${p.mode}: ${p.error}`);
    if (errors.length) code = 1;
    const record = {
      suite, date: new Date().toISOString(), quick, commit: gitCommit(), machine: machine(),
      settings: quick ? SETTINGS.quick : SETTINGS.full,
      processes: parts.map(({ rows: _r, skips: _s, notes: _n, targets: _t, ...meta }) => meta),
      notes: [...new Set(parts.flatMap((p) => p.notes))], skips, targets, errors, rows,
    };
    all.push(record);
    print(report(record));
    const dir = resultsDir();
    const dest = path.join(dir, `${suite}-${date}${quick ? '-quick' : ''}.json`);
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(dest, `${JSON.stringify(record, null, 1)}\n`);
      print(`wrote ${path.relative(process.cwd(), dest) || dest}`);
    } catch (e) {
      process.stderr.write(`spatialkit bench: could not write ${dest}: ${e.message}\n`);
    }
  }
  if (json) {
    fs.mkdirSync(path.dirname(path.resolve(json)), { recursive: true });
    fs.writeFileSync(json, `${JSON.stringify({ suites: all }, null, 1)}\n`);
    print(`wrote ${json}`);
  }
  return code;
}

/** Table, targets, skips, notes and noise of one suite record, as printed text. */
export function report(rec) {
  const lines = [formatTables(rec.rows)];
  const m = rec.machine;
  lines.push(`\n${rec.suite}: ${m.cpu}, ${m.cores} cores, Node ${m.node}; median of ${rec.settings.minSamples}+ samples; ` +
    `copy kernel = TypedArray.set (1 thread) touching the same bytes; × peer = peer time / this time; ` +
    `±% = 95% margin of the mean; cpu% = process CPU time / (wall time × threads): below ~90 the case shared its core(s); ` +
    `M/s@cpu and %copy@cpu (one-thread rows) use CPU time instead of wall time, leaving out time spent waiting for a core.`);
  for (const p of rec.processes) {
    if (!p.loadavg) continue;
    lines.push(`  ${p.mode}-thread process: load average ${p.loadavg.start.map((x) => x.toFixed(2)).join(' ')} → ` +
      `${p.loadavg.end.map((x) => x.toFixed(2)).join(' ')} (a load above 0 on ${m.cores} cores means shared time)`);
  }
  const solo = rec.rows.filter((r) => r.threads === 1 && r.onCpu > 0);
  if (solo.length) {
    const shared = solo.filter((r) => r.onCpu < 0.9).length;
    lines.push(`  cpu: one-thread cases ran on a core ${fmt(100 * median(solo.map((r) => r.onCpu)), 0)}% of their wall time (median); ` +
      `${shared} of ${solo.length} below 90% (their figures are understated by the load of other processes)`);
  }
  const seenBuilds = new Set(rec.processes.map((p) => JSON.stringify(p.artifacts ?? [])));
  if (seenBuilds.size > 1 || rec.processes.some((p) => p.rebuiltDuringRun)) {
    lines.push('  WARNING: a backend (native addon or wasm module) was rebuilt during the run: rows may come from different builds (see processes[].artifacts)');
  }
  const noisy = rec.rows.filter((r) => r.rme > 10);
  if (noisy.length) {
    lines.push(`  noise: ${noisy.length} of ${rec.rows.length} rows have a 95% margin (±%) above 10% of the mean; the median is reported`);
  }
  if (rec.targets.length) {
    lines.push('targets:');
    const skipped = new Map();  // reason → count: one line per reason instead of one per target
    for (const t of rec.targets.filter((x) => x.pass === null)) skipped.set(t.why, (skipped.get(t.why) ?? 0) + 1);
    for (const [why, count] of skipped) lines.push(`  SKIP  ${count} target${count > 1 ? 's' : ''}: ${why}`);
    for (const t of rec.targets.filter((x) => x.pass !== null)) {
      const v = fmt(t.value, 2);
      const c = t.valueCpu === null || t.valueCpu === undefined ? '' : `; on CPU time ${fmt(t.valueCpu, 2)} ${t.passCpu ? 'PASS' : 'MISS'}`;
      lines.push(`  ${t.pass ? 'PASS' : 'MISS'}  ${t.label}: ${v} (goal ≥ ${t.min}${c})`);
    }
  }
  const bad = rec.rows.filter((r) => r.note);
  for (const r of bad) lines.push(`  check: ${r.op} ${fmtN(r.n)} ${r.label}: ${r.note}`);
  const seen = new Set();
  for (const s of rec.skips) {
    const k = `${s.impl}|${s.reason}`;
    if (seen.has(k)) continue;
    seen.add(k);
    lines.push(`  skipped ${[s.op, fmtN(s.n), s.impl].filter(Boolean).join(' ')}: ${s.reason}`);
  }
  for (const n of rec.notes) lines.push(`  note: ${n}`);
  for (const e of rec.errors) lines.push(`  ERROR ${e.split('\n').slice(0, 3).join(' | ')}`);
  return lines.join('\n');
}

if (process.env.SK_BENCH_JOB && path.resolve(process.argv[1] || '') === LIB_FILE) {
  childMain().catch((e) => { log(e.stack || String(e)); process.exitCode = 1; });
}
