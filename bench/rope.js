// Benchmark suite for sk.rope (see bench/lib.js for the suite contract).
//
// x = [T, H, D] float32 with T = 4096 tokens, H = 32 heads, D = 129 (QuatRoPE's 43 segments, no
// remainder) and D = 128 (42 segments + 2 trailing values; the size RoPE, M-RoPE and mixed 3-D
// RoPE use), positions uniform in a 10 m cube. Every op on every backend that loads, beside a
// hand-written JS loop over the same flat arrays (same formulas, Math.sin/cos in float64, one
// rotation per token) that is also the reference each output is checked against. `items` are
// the T·H·D values of x; `bytes` = bytes read + written (x in, out out).
import * as sk from 'spatialkit';
import { fill, fmtN, maxDiff } from './lib.js';

const H = 32;
const CHECK = 256;  // values compared with the JS reference (the first tokens)

// ───────────── hand-written JS loops ─────────────

const js = {
  /** QuatRoPE, one θ for every segment: R = Rz(θz)·Ry(θy)·Rx(θx), closed form, per token. */
  quatrope({ x, pos, T, D, theta }, o) {
    const S = Math.floor(D / 3), N = x.length / (H * D);
    for (let i = 0; i < N; i++) {
      const t = i % T;
      const a = theta * pos[3 * t], b = theta * pos[3 * t + 1], c = theta * pos[3 * t + 2];
      const sa = Math.sin(a), ca = Math.cos(a), sb = Math.sin(b), cb = Math.cos(b), sc = Math.sin(c), cc = Math.cos(c);
      const m0 = cc * cb, m1 = cc * sb * sa - sc * ca, m2 = cc * sb * ca + sc * sa;
      const m3 = sc * cb, m4 = sc * sb * sa + cc * ca, m5 = sc * sb * ca - cc * sa;
      const m6 = -sb, m7 = cb * sa, m8 = cb * ca;
      for (let h = 0; h < H; h++) {
        const base = (i * H + h) * D;
        for (let s = 0, j = base; s < S; s++, j += 3) {
          const u = x[j], v = x[j + 1], w = x[j + 2];
          o[j] = m0 * u + m1 * v + m2 * w;
          o[j + 1] = m3 * u + m4 * v + m5 * w;
          o[j + 2] = m6 * u + m7 * v + m8 * w;
        }
        for (let k = 3 * S; k < D; k++) o[base + k] = x[base + k];
      }
    }
    return o;
  },
  /** IGRE, released preset: b = (1, 0, 0), so R·b is R's first column. */
  igre({ x, pos, T, D, igreTheta }, o) {
    const N = x.length / (H * D), W = D + 3;
    for (let i = 0; i < N; i++) {
      const t = i % T;
      const b = igreTheta * pos[3 * t + 1], c = igreTheta * pos[3 * t + 2];
      const e0 = Math.cos(c) * Math.cos(b), e1 = Math.sin(c) * Math.cos(b), e2 = -Math.sin(b);
      for (let h = 0; h < H; h++) {
        const src = (i * H + h) * D, dst = (i * H + h) * W;
        for (let k = 0; k < D; k++) o[dst + k] = x[src + k];
        o[dst + D] = e0; o[dst + D + 1] = e1; o[dst + D + 2] = e2;
      }
    }
    return o;
  },
  /** Pair rotations, half layout, angle φ_j = Σ_a w[j, a]·p_a per token. */
  pairs({ x, T, D }, o, p, A, w) {
    const P = D / 2, N = x.length / (H * D), c = new Float64Array(P), s = new Float64Array(P);
    for (let i = 0; i < N; i++) {
      const t = i % T;
      for (let j = 0; j < P; j++) {
        let phi = 0;
        for (let a = 0; a < A; a++) phi += w[A * j + a] * p[A * t + a];
        c[j] = Math.cos(phi); s[j] = Math.sin(phi);
      }
      for (let h = 0; h < H; h++) {
        const base = (i * H + h) * D;
        for (let j = 0; j < P; j++) {
          const u = x[base + j], v = x[base + j + P];
          o[base + j] = u * c[j] - v * s[j];
          o[base + j + P] = u * s[j] + v * c[j];
        }
      }
    }
    return o;
  },
};

function makeInputs(T, D) {
  const I = { T, D, theta: 0.3, igreTheta: 1e4 ** (-3 / D) };
  I.x = fill(new Float32Array(T * H * D), 1, -1, 1);
  I.pos = fill(new Float32Array(3 * T), 2, 0, 10);
  I.p1 = Float32Array.from({ length: T }, (_, i) => i);
  I.out = new Float32Array(T * H * D).fill(0);   // written once: page faults are not timed
  I.work = I.x.slice();                           // for in-place calls
  I.outIgre = new Float32Array(T * H * (D + 3)).fill(0);
  const P = D / 2;
  I.inv = Float64Array.from({ length: P }, (_, j) => 1e4 ** (-2 * j / D));
  I.sections = [P >> 2, (P - (P >> 2)) >> 1, P - (P >> 2) - ((P - (P >> 2)) >> 1)];
  I.wm = new Float64Array(3 * P);
  for (let j = 0; j < P; j++) I.wm[3 * j + (j < I.sections[0] ? 0 : j < I.sections[0] + I.sections[1] ? 1 : 2)] = I.inv[j];
  I.wx = sk.rope.mixedFrequencies(D);
  return I;
}

/** The first tokens only, for the reference outputs. */
function head(I, tokens) {
  return { ...I, x: I.x.subarray(0, tokens * H * I.D), pos: I.pos.subarray(0, 3 * tokens), p1: I.p1.subarray(0, tokens), T: tokens };
}

function declareTargets(ctx, n128, n129) {
  for (const n of [n128, n129]) {
    const at = `x = [4096, 32, ${n === n128 ? 128 : 129}]`;
    ctx.target({ label: `native quatrope ≥ 80% of copy GB/s, out of place, 1 thread, ${at}`, where: { op: 'quatrope', n, impl: 'native', threads: 1, variant: 'out' }, metric: 'pctCopy', min: 80 });
    ctx.target({ label: `native quatrope allocating (allocOutput) within 2× of out, 1 thread, ${at}`, where: { op: 'quatrope', n, impl: 'native', threads: 1, variant: 'allocOutput' }, metric: 'outRatio', min: 0.5 });
    ctx.target({ label: `native quatrope ≥ 80% of copy GB/s, in place, 1 thread, ${at}`, where: { op: 'quatrope in place', n, impl: 'native', threads: 1, variant: 'out' }, metric: 'pctCopy', min: 80 });
    ctx.target({ label: `wasm quatrope ≥ 1.5× js loop, ${at}`, where: { op: 'quatrope', n, impl: 'wasm', threads: 1, variant: 'out' }, metric: 'x:js loop', min: 1.5 });
  }
  for (const op of ['igre', 'rope1d', 'mrope', 'mixed3d']) {
    ctx.target({ label: `wasm ${op} ≥ 1.5× js loop, x = [4096, 32, 128]`, where: { op, n: n128, impl: 'wasm', threads: 1, variant: 'out' }, metric: 'x:js loop', min: 1.5 });
  }
}

export async function run(ctx) {
  const backends = ctx.backends();
  const T = ctx.quick ? 512 : 4096;
  declareTargets(ctx, T * H * 128, T * H * 129);
  ctx.note(`x = [${T}, ${H}, D] float32, positions uniform in [0, 10]³ m; quatrope θ = 0.3; igre = released preset ` +
    `(b = (1, 0, 0), θ = 1e4^(−3/D)); mrope sections = Qwen2-VL proportions; mixed3d = default frequencies (seed 0); ` +
    `"in place" rows use out = x; js loop = hand-written flat-array loop in float64 (the reference)`);

  const allocators = {};
  for (const b of backends) allocators[b.name] = await ctx.allocator(b.name);

  // Small batches (1, 8, 64 tokens × 32 heads × 128): the per-call cost next to the JS loop.
  for (const t of ctx.quick ? [1, 64] : [1, 8, 64]) {
    const I = makeInputs(t, 128);
    const n = t * H * 128, out = I.out;
    const want = js.quatrope(I, new Float32Array(n));
    const check = () => ({ err: maxDiff(want, out, { count: Math.min(CHECK, n) }), tol: 2e-5 });
    const sub = (o) => sk.rope.quatrope(I.x, I.pos, { heads: H, headDim: 128, out: o });
    for (const b of backends) {
      await ctx.bench({ op: 'quatrope', n, items: n, bytes: 8 * n, impl: b.name, kind: 'subject', threads: 1,
        before: () => sk.setBackend(b.name), fn: () => sub(out), alloc: () => sub(undefined), check });
    }
    await ctx.bench({ op: 'quatrope', n, items: n, bytes: 8 * n, impl: 'js loop', kind: 'peer', fn: () => js.quatrope(I, out), check });
    ctx.note(`n = ${n}: ${t} token${t > 1 ? 's' : ''} × ${H} heads × 128`);
  }

  for (const D of [129, 128]) {
    const I = makeInputs(T, D);
    const n = T * H * D, bytes = 8 * n;
    const ref = (f, len) => f(head(I, 2), new Float32Array(len));
    const checkAgainst = (want, got, tol = 2e-5) => () => ({ err: maxDiff(want, got(), { count: CHECK }), tol });
    const o = { heads: H, headDim: D };
    const ops = [
      {
        op: 'quatrope', want: ref(js.quatrope, 2 * H * D),
        sk: (out) => sk.rope.quatrope(I.x, I.pos, { ...o, out }), js: (out) => js.quatrope(I, out),
      },
      {
        op: 'quatrope in place', want: ref(js.quatrope, 2 * H * D), inPlace: true,
        sk: () => sk.rope.quatrope(I.work, I.pos, { ...o, out: I.work }), js: () => js.quatrope({ ...I, x: I.work }, I.work),
      },
    ];
    if (D === 128) {
      ops.push(
        {
          op: 'igre', want: ref(js.igre, 2 * H * (D + 3)), out: I.outIgre, bytes: 4 * (n + I.outIgre.length),
          sk: (out) => sk.rope.igre(I.x, I.pos, undefined, { ...o, ...sk.rope.igreReleased(D), out }), js: (out) => js.igre(I, out),
        },
        {
          op: 'rope1d', want: ref((h, out) => js.pairs(h, out, h.p1, 1, I.inv), 2 * H * D),
          sk: (out) => sk.rope.rope1d(I.x, I.p1, { ...o, out }), js: (out) => js.pairs(I, out, I.p1, 1, I.inv),
        },
        {
          op: 'mrope', want: ref((h, out) => js.pairs(h, out, h.pos, 3, I.wm), 2 * H * D),
          sk: (out) => sk.rope.mrope(I.x, I.pos, { ...o, sections: I.sections, out }), js: (out) => js.pairs(I, out, I.pos, 3, I.wm),
        },
        {
          op: 'mixed3d', want: ref((h, out) => js.pairs(h, out, h.pos, 3, I.wx), 2 * H * D),
          sk: (out) => sk.rope.mixed3d(I.x, I.pos, { ...o, out }), js: (out) => js.pairs(I, out, I.pos, 3, I.wx),
        },
      );
    }
    for (const d of ops) {
      const out = d.out ?? I.out;
      const base = { op: d.op, n, items: n, bytes: d.bytes ?? bytes };
      // In place, a timed call rotates the previous call's output; the check starts from x again.
      const fresh = () => { I.work.set(I.x); };
      const check = d.inPlace
        ? () => { fresh(); d.sk(); return { err: maxDiff(d.want, I.work, { count: CHECK }), tol: 2e-5 }; }
        : checkAgainst(d.want, () => out);
      for (const b of backends) {
        await ctx.bench({
          ...base, impl: b.name, kind: 'subject', threads: b.threads, before: () => { sk.setBackend(b.name); fresh(); },
          fn: () => d.sk(out), alloc: d.inPlace ? undefined : () => d.sk(undefined), check,
          allocOut: allocators[b.name] && !d.inPlace ? () => d.sk(new Float32Array(allocators[b.name](4 * out.length))) : undefined,
        });
      }
      await ctx.bench({
        ...base, impl: 'js loop', kind: 'peer', before: fresh, fn: () => d.js(out),
        check: d.inPlace ? undefined : checkAgainst(d.want, () => out, 1e-5),
      });
    }
    ctx.note(`D = ${D}: ${fmtN(n)} values per call, ${(bytes / 2 ** 20).toFixed(0)} MiB touched (quatrope)`);
  }
}
