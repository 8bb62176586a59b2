// Benchmark suite for sk.metrics (see bench/lib.js for the suite contract).
//
//   codebookUsage  N codes (Int32Array) over K = 2048 entries: histogram + entropy + usage.
//                  Codes are uniform on [0, K) (every bin hit at random: the scatter pattern
//                  of a healthy codebook). Peer 'js loop': the hand-written `counts[code]++`
//                  loop into a Float64Array plus the same entropy sum (no range check, which
//                  the library does).
//   neGrouped      G groups of 8 labels (ROTATE: one question over 8 cameras), labels from 8
//                  categories with agreement more likely than not. Peers: 'js loop' — per group a
//                  Map of counts and −Σ p log2 p (the idiom); 'js count' — the kernel's own
//                  algorithm in JS (per label, count its equals: NE = 1 − log2 Π m_i / (N log2 N)).
// Targets (the issue): ≥ 5× the js loop on native at the largest N, with every core; the
// one-thread figures are printed next to them.
import os from 'node:os';
import * as sk from 'spatialkit';
import { fmtN } from './lib.js';

const K = 2048;
const GROUP = 8;

function lcg(seed) {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s; };
}

function makeCodes(n) {
  const next = lcg(17), codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = (next() >>> 8) % K;
  return codes;
}

function makeGroups(G) {
  const next = lcg(29);
  const offsets = new Uint32Array(G + 1);
  for (let g = 0; g <= G; g++) offsets[g] = g * GROUP;
  const labels = new Int32Array(G * GROUP);
  for (let g = 0; g < G; g++) {
    const mode = next() % 8;
    for (let k = 0; k < GROUP; k++) labels[g * GROUP + k] = next() % 3 ? mode : next() % 8;  // ~2/3 agree
  }
  return { labels, offsets };
}

// ───────────── hand-written JS loops ─────────────

function jsCodebook(codes, K) {
  const counts = new Float64Array(K);
  for (let i = 0; i < codes.length; i++) counts[codes[i]]++;
  let used = 0, acc = 0;
  for (let k = 0; k < K; k++) {
    const c = counts[k];
    if (c > 0) { used++; acc += c * Math.log2(c); }
  }
  const bits = Math.log2(codes.length) - acc / codes.length;
  return { used, usage: used / K, entropyBits: bits, perplexity: 2 ** bits };
}

/** NE of every group of the CSR (labels, offsets) into out, each group's entropy in bits by `bits(labels, a, b)`. */
function jsNe(labels, offsets, out, bits) {
  const G = offsets.length - 1;
  let sum = 0, count = 0;
  for (let g = 0; g < G; g++) {
    const a = offsets[g], b = offsets[g + 1], n = b - a;
    if (n < 2) { out[g] = NaN; continue; }
    out[g] = bits(labels, a, b) / Math.log2(n);
    sum += out[g]; count++;
  }
  return { values: out, mean: count ? sum / count : null };
}

/** Entropy of one group by a Map of counts. */
function mapBits(labels, a, b) {
  const n = b - a, m = new Map();
  for (let i = a; i < b; i++) m.set(labels[i], (m.get(labels[i]) ?? 0) + 1);
  let h = 0;
  for (const c of m.values()) { const p = c / n; h -= p * Math.log2(p); }
  return h;
}

/** Entropy of one group without a Map: Σ_i log2(m_i) over items i with m_i = count of its label, so H = log2 n − Σ log2 m_i / n. */
function countBits(labels, a, b) {
  const n = b - a;
  let prod = 1;
  for (let i = a; i < b; i++) {
    const v = labels[i];
    let m = 0;
    for (let j = a; j < b; j++) m += labels[j] === v ? 1 : 0;
    prod *= m;
  }
  return Math.log2(n) - Math.log2(prod) / n;
}

const jsNeMap = (labels, offsets, out) => jsNe(labels, offsets, out, mapBits);
const jsNeCount = (labels, offsets, out) => jsNe(labels, offsets, out, countBits);

// ───────────── suite ─────────────

export async function run(ctx) {
  const backends = ctx.backends();
  // n = 1, 8, 64 (codes; groups): the per-call cost of small batches next to the JS loop.
  const codeSizes = ctx.quick ? [1, 64, 1e7] : [1, 8, 64, 1e7, 1e8];
  const groupSizes = ctx.quick ? [1, 64, 1e5] : [1, 8, 64, 1e5, 1e6];
  const cores = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  const nc = codeSizes[codeSizes.length - 1], ng = groupSizes[groupSizes.length - 1];
  for (const [op, n] of [['codebookUsage', nc], ['neGrouped', ng]]) {
    if (cores > 1) {
      ctx.target({ label: `native ${op} ≥ 5× js loop, ${cores} threads, N = ${fmtN(n)}`, where: { op, n, impl: 'native', threads: cores }, metric: 'x:js loop', min: 5 });
    }
    ctx.target({ label: `native ${op} ≥ 2.5× js loop, 1 thread, N = ${fmtN(n)}`, where: { op, n, impl: 'native', threads: 1 }, metric: 'x:js loop', min: 2.5 });
  }
  ctx.note(`codebookUsage: uniform codes over K = ${K}; neGrouped: groups of ${GROUP} labels, 8 categories, ~2/3 agreeing; ` +
    "js loop = the hand-written idiom (Float64Array histogram; Map per group), js count = the kernel's algorithm in JS");

  for (const n of codeSizes) {
    let codes = makeCodes(n);
    const ref = jsCodebook(codes, K);
    const check = (r) => () => ({ err: Math.abs(r().entropyBits - ref.entropyBits) + Math.abs(r().used - ref.used), tol: 1e-9 });
    const base = { op: 'codebookUsage', n, items: n, bytes: 4 * n };
    for (const b of backends) {
      let last = null;
      await ctx.bench({
        ...base, impl: b.name, threads: b.threads, before: () => sk.setBackend(b.name),
        fn: () => (last = sk.metrics.codebookUsage(codes, K)), check: check(() => last),
      });
    }
    let lastJs = null;
    await ctx.bench({ ...base, impl: 'js loop', kind: 'peer', fn: () => (lastJs = jsCodebook(codes, K)), check: check(() => lastJs) });
    codes = null;
  }

  for (const G of groupSizes) {
    const { labels, offsets } = makeGroups(G);
    const out = new Float64Array(G).fill(0);
    const ref = jsNeMap(labels, offsets, new Float64Array(G));
    const check = (r) => () => {
      let err = Math.abs(r().mean - ref.mean);
      for (let g = 0; g < G; g += G > 997 ? 997 : 1) err = Math.max(err, Math.abs(r().values[g] - ref.values[g]));
      return { err, tol: 1e-12 };
    };
    const base = { op: 'neGrouped', n: G, items: G, bytes: 4 * labels.length + 4 * offsets.length + 8 * G };
    for (const b of backends) {
      let last = null;
      await ctx.bench({
        ...base, impl: b.name, threads: b.threads, before: () => sk.setBackend(b.name),
        fn: () => (last = sk.metrics.normalizedEntropyGrouped(labels, offsets, { out })),
        alloc: () => sk.metrics.normalizedEntropyGrouped(labels, offsets), check: check(() => last),
      });
    }
    let a = null, c = null;
    await ctx.bench({ ...base, impl: 'js loop', kind: 'peer', fn: () => (a = jsNeMap(labels, offsets, out)), check: check(() => a) });
    await ctx.bench({ ...base, impl: 'js count', kind: 'peer', fn: () => (c = jsNeCount(labels, offsets, out)), check: check(() => c) });
  }
}
