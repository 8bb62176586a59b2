// sk.rope on the wasm backend: the adapter over wasm/assembly/rope.ts drivers, mirroring
// native/napi/rope.cc parser for parser (same argument names, checks, order and sentences).
// The drivers are per token (position rows shared by the B sequences), so x and out stream
// through the arena a few tokens at a time (streamTokens) while positions, tables and mask are
// placed once; arrays already in wasm memory are used in place.
import { LIMITS, type RopeKernels } from '../kernels.js';
import { align16, describe, type Arr, type Call, type WasmRuntime } from './runtime.js';
import { integer, tokensOf, typedArrayName, typedFacts } from '../../validate.js';

interface RopeExports {
  rope_quatrope_batch(x: number, dt: number, pos: number, th: number, mask: number, first: number, count: number,
    T: number, H: number, D: number, o: number, scratch: number): number;
  rope_igre_batch(x: number, dt: number, pos: number, th: number, S: number, base: number, mask: number, first: number,
    count: number, T: number, H: number, D: number, o: number, scratch: number): number;
  rope_pairs_batch(x: number, dt: number, pos: number, A: number, w: number, layout: number, mask: number, first: number,
    count: number, T: number, H: number, D: number, o: number, scratch: number): number;
  rope_scratch_bytes(D: number, S: number): number;
  rope_scratch: WebAssembly.Global;
  rope_scratch_size: WebAssembly.Global;
}

const MAX_DIM = LIMITS.maxDim;
const DTYPES = ['float32', 'float16', 'bfloat16'] as const;

const intIn = (args: readonly unknown[], i: number, name: string, lo: number, hi: number): number => integer(args[i], name, lo, hi);

const storage = (c: Call, i: number, name: string, dt: number, output = false): Arr =>
  c.array(i, name, 1, output, dt === 0 ? 'Float32Array' : 'Uint16Array');

function maskArg(c: Call, args: readonly unknown[], i: number, T: number): Arr | undefined {
  if (args[i] === undefined || args[i] === null) return undefined;
  const m = c.array(i, 'mask', 1, false, 'Uint8Array');
  c.expectCount(m, T, 'values (one per position)');
  return m;
}

function finiteValues(a: Arr, name: string): void {
  const v = a.array as Float64Array;
  for (let k = 0; k < v.length; k++) {
    if (!Number.isFinite(v[k])) {
      throw new RangeError(`Expected finite numbers for \`${name}\` but received ${Number.isNaN(v[k]) ? 'NaN' : v[k] > 0 ? 'Infinity' : '-Infinity'} at index ${k}`);
    }
  }
}

function expectValues(o: Arr, n: number): void {
  if (o.length !== n) throw new RangeError(`Expected \`out\` to hold ${n} values but received ${o.length}`);
}

/** The first row an unmasked token uses whose A coordinates are not all finite (drivers assume none). */
function checkPositions(p: Arr, A: number, mask: Arr | undefined): void {
  const v = p.array as Float32Array, m = mask?.array as Uint8Array | undefined;
  for (let t = 0; t < p.count; t++) {
    if (m && !m[t]) continue;
    for (let a = 0; a < A; a++) if (!Number.isFinite(v[A * t + a])) throw new RangeError(`\`positions[${t}]\` is not finite`);
  }
}


/**
 * Runs invoke(xPtr, outPtr, first, count) over token chunks. `fixed` arrays (positions, tables,
 * mask) are placed once; x and out (xPer / outPer elements per token) are used in place when they
 * live in wasm memory and otherwise copied through the arena's baseline chunk by chunk, so the
 * copies stay in cache and memory does not grow with the batch. out may be exactly x (in place:
 * they share the chunk); inputs overlapping out otherwise were copied first (Call.separateOverlaps).
 */
function streamTokens(rt: WasmRuntime, fixed: (Arr | undefined)[], x: Arr, o: Arr, tokens: number, xPer: number, oPer: number,
  invoke: (xp: number, op: number, first: number, count: number) => number): void {
  const es = x.array.BYTES_PER_ELEMENT, xTok = xPer * es, oTok = oPer * es;
  const same = x.buffer === o.buffer && x.offset === o.offset && x.bytes === o.bytes;
  const streamX = !x.resident, streamO = !o.resident && !same;
  let fixedBytes = 0;
  for (const a of fixed) if (a && !a.resident) fixedBytes += align16(a.bytes);
  const perTok = (streamX ? xTok : 0) + (streamO ? oTok : 0);
  const chunk = perTok ? Math.max(1, Math.floor((rt.baseline - fixedBytes - 64) / perTok)) : tokens;
  let cur = rt.acquire(Math.max(rt.baseline, fixedBytes + 64 + chunk * perTok));  // may grow memory
  try {
    for (const a of fixed) {
      if (!a) continue;
      if (a.resident) { a.ptr = a.offset; continue; }
      a.ptr = cur;
      rt.view(a.kind).set(a.array as never, cur / a.array.BYTES_PER_ELEMENT);
      cur += align16(a.bytes);
    }
    const xs = cur, os = streamX ? xs + align16(chunk * xTok) : xs;
    for (let start = 0; start < tokens; start += chunk) {
      const count = Math.min(chunk, tokens - start);
      const xp = streamX ? xs : x.offset + start * xTok;
      if (streamX) rt.view(x.kind).set(x.array.subarray(start * xPer, (start + count) * xPer) as never, xs / es);
      const op = o.resident ? o.offset + start * oTok : same ? xs : os;
      invoke(xp, op, start, count);
      if (!o.resident) o.array.set(rt.view(o.kind).subarray(op / es, op / es + count * oPer) as never, start * oPer);
    }
  } finally {
    rt.release();
  }
}

export function ropeKernels(rt: WasmRuntime): RopeKernels {
  const w = rt.exports as unknown as RopeExports;
  const staticScratch = w.rope_scratch.value as number, staticBytes = w.rope_scratch_size.value as number;
  let heapScratch = 0, heapBytes = 0;
  // Scratch for one token's tables. Taken before any argument is checked: a heap block (heads
  // over ~500 values) may grow memory, which must not happen once arrays are recorded.
  const scratchFor = (D: unknown, S: number): number => {
    if (typeof D !== 'number' || !(D >= 1 && D <= MAX_DIM) || !(S >= 0 && S <= 3 * MAX_DIM)) return staticScratch;
    const need = w.rope_scratch_bytes(Math.max(D, 3 * S), S) >>> 0;
    if (need <= staticBytes) return staticScratch;
    if (need > heapBytes) {
      if (heapScratch) rt.free(heapScratch);
      heapScratch = 0;
      heapScratch = rt.alloc(need);
      heapBytes = need;
    }
    return heapScratch;
  };
  const maskPtr = (m: Arr | undefined): number => (m ? m.ptr : 0);

  return {
    // (x, dtype, positions [T, 3], theta [S, 3] f64, mask?, heads, headDim, out)
    quatrope(...args: Parameters<RopeKernels['quatrope']>) {
      const scratch = scratchFor(args[6], Math.floor((args[6] as number) / 3));
      const c = rt.call(args);
      const dt = c.choice(1, 'dtype', DTYPES);
      const X = storage(c, 0, 'x', dt);
      const P = c.array(2, 'positions', 3);
      const TH = c.array(3, 'theta', 3, false, 'Float64Array');
      const M = maskArg(c, args, 4, P.count);
      const H = intIn(args, 5, 'heads', 1, MAX_DIM), D = intIn(args, 6, 'headDim', 3, MAX_DIM);
      const O = storage(c, 7, 'out', dt, true);
      c.expectCount(TH, Math.floor(D / 3), 'segments');
      finiteValues(TH, 'theta');
      const n = tokensOf(X.length, P.count, H, D);
      expectValues(O, X.length);
      c.separateOverlaps();
      checkPositions(P, 3, M);
      if (n === 0) return;
      streamTokens(rt, [P, TH, M], X, O, n, H * D, H * D,
        (xp, op, first, k) => w.rope_quatrope_batch(xp, dt, P.ptr, TH.ptr, maskPtr(M), first, k, P.count, H, D, op, scratch));
    },

    // (x, dtype, positions [T, 3], theta [S, 3] f64, baseVector [3], mask?, heads, headDim, out)
    igre(...args: Parameters<RopeKernels['igre']>) {
      const th = args[3] as unknown;
      const scratch = scratchFor(args[7], typedArrayName(th) === 'Float64Array' ? Math.floor(typedFacts(th as Float64Array).length / 3) : 0);
      const c = rt.call(args);
      const dt = c.choice(1, 'dtype', DTYPES);
      const X = storage(c, 0, 'x', dt);
      const P = c.array(2, 'positions', 3);
      const TH = c.array(3, 'theta', 3, false, 'Float64Array');
      const B = c.array(4, 'baseVector', 3);
      const M = maskArg(c, args, 5, P.count);
      const H = intIn(args, 6, 'heads', 1, MAX_DIM), D = intIn(args, 7, 'headDim', 1, MAX_DIM);
      const O = storage(c, 8, 'out', dt, true);
      if (TH.count < 1) c.rangeError('Expected `theta` to hold at least 1 segments but received 0');
      finiteValues(TH, 'theta');
      c.expectCount(B, 1, 'vectors');
      const b = B.array as Float32Array, bn = Math.hypot(b[0], b[1], b[2]);
      if (!(bn > 0 && Number.isFinite(bn))) c.rangeError('Expected a finite non-zero vector for `baseVector`');
      const n = tokensOf(X.length, P.count, H, D), S = TH.count;
      expectValues(O, n * H * (D + 3 * S));
      c.separateOverlaps();
      checkPositions(P, 3, M);
      if (n === 0) return;
      streamTokens(rt, [P, TH, B, M], X, O, n, H * D, H * (D + 3 * S),
        (xp, op, first, k) => w.rope_igre_batch(xp, dt, P.ptr, TH.ptr, S, B.ptr, maskPtr(M), first, k, P.count, H, D, op, scratch));
    },

    // (x, dtype, positions [T, A], axes A, frequencies [D/2, A] f64, layout, mask?, heads, headDim, out)
    rotatePairs(...args: Parameters<RopeKernels['rotatePairs']>) {
      const scratch = scratchFor(args[8], Math.floor((args[8] as number) / 2));
      const c = rt.call(args);
      const dt = c.choice(1, 'dtype', DTYPES);
      const X = storage(c, 0, 'x', dt);
      const A = intIn(args, 3, 'axes', 1, 3);
      if (A === 2) c.rangeError('Expected 1 or 3 for `axes` but received the number 2');
      const P = c.array(2, 'positions', A);
      const W = c.array(4, 'frequencies', A, false, 'Float64Array');
      const layout = c.choice(5, 'layout', ['half', 'interleaved']);
      const M = maskArg(c, args, 6, P.count);
      const H = intIn(args, 7, 'heads', 1, MAX_DIM), D = intIn(args, 8, 'headDim', 2, MAX_DIM);
      const O = storage(c, 9, 'out', dt, true);
      if (D % 2) c.rangeError(`Expected an even \`headDim\` but received ${D}`);
      c.expectCount(W, D / 2, 'rows (headDim / 2)');
      finiteValues(W, 'frequencies');
      const n = tokensOf(X.length, P.count, H, D);
      expectValues(O, X.length);
      c.separateOverlaps();
      checkPositions(P, A, M);
      if (n === 0) return;
      streamTokens(rt, [P, W, M], X, O, n, H * D, H * D,
        (xp, op, first, k) => w.rope_pairs_batch(xp, dt, P.ptr, A, W.ptr, layout, maskPtr(M), first, k, P.count, H, D, op, scratch));
    },
  };
}


