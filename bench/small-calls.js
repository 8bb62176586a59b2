// Benchmark suite for small calls (issue #17): the per-call cost of sk.quat at n = 1, 8 and 64
// items, where the TypeScript layer and the boundary, not the kernel, decide the time. Beside
// gl-matrix in its fastest style (scratch quats loaded and stored by index, bench/quat.js's
// "glm batch"). Every output is checked against the reference loops below (not timed: bench/quat.js
// times the hand-written JS loop). Goals: ≤ 200 ns per call at n = 1 on native and wasm; break-even with gl-matrix at
// n ≤ 8. Run: `node dist/cli/main.js bench --suite small-calls` (see bench/lib.js).
import * as sk from 'spatialkit';
import { maxDiff } from './lib.js';

const SIZES = [1, 8, 64];

function unitQuats(n, seed) {
  const q = new Float32Array(4 * n);
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  for (let i = 0; i < n; i++) {
    const x = next(), y = next(), z = next(), w = next(), r = Math.hypot(x, y, z, w) || 1;
    q.set([x / r, y / r, z / r, w / r], 4 * i);
  }
  return q;
}

// The reference (float64 JS, formulas other than the kernels') (Hamilton product as a matrix; v' = v + 2w(u×v) + 2u×(u×v) for a unit q = (u, w)).
const js = {
  multiply(I, o) {
    // a ⊗ b = L(a)·b, L(a) the 4×4 left-multiplication matrix of a = (x, y, z, w) (xyzw order).
    for (let i = 0; i < I.n; i++) {
      const k = 4 * i, [x, y, z, w] = I.a.subarray(k, k + 4);
      const L = [w, -z, y, x, z, w, -x, y, -y, x, w, z, -x, -y, -z, w];
      for (let r = 0; r < 4; r++) o[k + r] = L[4 * r] * I.b[k] + L[4 * r + 1] * I.b[k + 1] + L[4 * r + 2] * I.b[k + 2] + L[4 * r + 3] * I.b[k + 3];
    }
    return o;
  },
  rotate(I, o) {
    const q = I.a, v = I.v;
    for (let i = 0; i < I.n; i++) {
      const k = 4 * i, j = 3 * i, x = q[k], y = q[k + 1], z = q[k + 2], w = q[k + 3], vx = v[j], vy = v[j + 1], vz = v[j + 2];
      const tx = 2 * (y * vz - z * vy), ty = 2 * (z * vx - x * vz), tz = 2 * (x * vy - y * vx);
      o[j] = vx + w * tx + (y * tz - z * ty);
      o[j + 1] = vy + w * ty + (z * tx - x * tz);
      o[j + 2] = vz + w * tz + (x * ty - y * tx);
    }
    return o;
  },
  normalize(I, o) {
    const q = I.b;
    for (let i = 0; i < I.n; i++) {
      const k = 4 * i, r = 1 / Math.hypot(q[k], q[k + 1], q[k + 2], q[k + 3]);
      for (let c = 0; c < 4; c++) o[k + c] = q[k + c] * r;
    }
    return o;
  },
};

// gl-matrix, fastest style: scratch quats/vec3s, loaded and stored by index.
function glmBatch(G) {
  const qa = G.quat.create(), qb = G.quat.create(), qo = G.quat.create(), v = G.vec3.create(), vo = G.vec3.create();
  const load4 = (d, s, k) => { d[0] = s[k]; d[1] = s[k + 1]; d[2] = s[k + 2]; d[3] = s[k + 3]; };
  const store4 = (o, s, k) => { o[k] = s[0]; o[k + 1] = s[1]; o[k + 2] = s[2]; o[k + 3] = s[3]; };
  return {
    multiply(I, o) {
      for (let i = 0; i < I.n; i++) { const k = 4 * i; load4(qa, I.a, k); load4(qb, I.b, k); G.quat.multiply(qo, qa, qb); store4(o, qo, k); }
      return o;
    },
    rotate(I, o) {
      for (let i = 0; i < I.n; i++) {
        const k = 4 * i, j = 3 * i;
        load4(qa, I.a, k); v[0] = I.v[j]; v[1] = I.v[j + 1]; v[2] = I.v[j + 2];
        G.vec3.transformQuat(vo, v, qa);
        o[j] = vo[0]; o[j + 1] = vo[1]; o[j + 2] = vo[2];
      }
      return o;
    },
    normalize(I, o) {
      for (let i = 0; i < I.n; i++) { const k = 4 * i; load4(qb, I.b, k); G.quat.normalize(qo, qb); store4(o, qo, k); }
      return o;
    },
  };
}

const OPS = [
  { op: 'multiply', item: 4, out: 'q4', bytes: 48, sk: (I, o) => sk.quat.multiply(I.a, I.b, o) },
  { op: 'rotate', item: 3, out: 'v3', bytes: 40, sk: (I, o) => sk.quat.rotate(I.a, I.v, o) },
  { op: 'normalize', item: 4, out: 'q4', bytes: 32, sk: (I, o) => sk.quat.normalize(I.b, o) },
];

export async function run(ctx) {
  const backends = ctx.backends();
  const glmMod = await ctx.peer('gl-matrix', 'gl-matrix');
  const G = glmMod && (glmMod.quat ? glmMod : glmMod.default);
  const glm = G && glmBatch(G);
  ctx.note('small calls: inputs are separate plain Float32Arrays of n items; `out` preallocated (fn) or not (alloc); ' +
    'gl-matrix = scratch quats + index loads (bench/quat.js "glm batch"); the numbers to read are ns per call');
  for (const b of backends) {
    ctx.target({ label: `${b.name} multiply at n = 1 within 200 ns per call`, where: { op: 'multiply', n: 1, impl: b.name }, metric: 'melemPerS', min: 5 });
    ctx.target({ label: `${b.name} multiply at n = 8 at least gl-matrix`, where: { op: 'multiply', n: 8, impl: b.name }, metric: 'x:gl-matrix', min: 1 });
  }
  for (const n of SIZES) {
    const I = { n, a: unitQuats(n, 1), b: unitQuats(n, 2), v: unitQuats(n, 3).subarray(0, 3 * n).slice() };
    for (const d of OPS) {
      const o = d.item === 4 ? new Float32Array(4 * n) : new Float32Array(3 * n);
      const ref = js[d.op](I, new Float32Array(o.length));
      const check = () => ({ err: maxDiff(ref, o, { item: d.item, count: n }), tol: 1e-5 });
      const base = { op: d.op, n, items: n, bytes: n * d.bytes };
      for (const b of backends) {
        await ctx.bench({
          ...base, impl: b.name, kind: 'subject', before: () => sk.setBackend(b.name),
          fn: () => d.sk(I, o), alloc: () => d.sk(I), check,
        });
      }
      if (glm) await ctx.bench({ ...base, impl: 'gl-matrix', kind: 'peer', fn: () => glm[d.op](I, o), check });
    }
  }
}
