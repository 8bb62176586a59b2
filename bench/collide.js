// Benchmark suite for sk.collide (see bench/lib.js for the suite contract).
//
//   pairs 3-D / pairs yaw   N oriented boxes, centres uniform in a cube sized so that about 2N
//                           pairs overlap, half-extents uniform in [0.2, 0.6], rotations uniform
//                           on SO(3) (3-D) or about z only (yaw). Every impl returns every
//                           overlapping pair once; items = boxes.
//   batched 3 / batched 32  many independent scenes of 3 (ROTATE layouts) or 32 boxes through
//                           pairsBatched; items = scenes, so M/s is millions of scenes per second.
//   overlap                 N element-wise pairs straddling contact; items = pairs.
// Peers (single-threaded, same boxes):
//   box-intersect+SAT  box-intersect (Zomorodian–Edelsbrunner streaming segment trees) on the
//                      float64 AABBs, each reported pair confirmed by a float64 15-axis SAT in JS
//                      (Ericson's form); rotation matrices and AABBs are built inside the timing.
//                      Its pair set is the float64 oracle every other result is checked against.
//   rapier             @dimforge/rapier3d-compat: one kinematic body per box with a cuboid
//                      sensor collider (ActiveCollisionTypes.ALL), one world.step, then every
//                      intersection pair read back; world construction is inside the timing
//                      (the library call takes boxes and returns pairs too). Rapier works in
//                      float32: its pairs are compared with the oracle and differences noted.
//   js SAT             per scene, every pair of boxes through an AABB test and the JS SAT
//                      (pairsBatched and overlap).
// Targets (the issue): pairs on native ≥ 10× rapier and ≥ 4× box-intersect+SAT at N = 1e5 and
// 1e6 with the oracle's pair set; pairsBatched ≥ 1e6 three-box scenes per second.
// The peers take seconds per call at N = 1e6 (rapier most of a minute): SK_BENCH_COLLIDE_SIZES
// (e.g. "1e3,1e4,1e5"; default all four, --quick up to 1e5) picks the N of the pairs cases.
import * as sk from 'spatialkit';
import { fmtN } from './lib.js';

// ───────────── inputs (pure JS, independent of any backend) ─────────────

function lcg(seed) {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

function quat(r, yaw) {
  if (yaw) { const a = Math.PI * r(); return [0, 0, Math.sin(a), Math.cos(a)]; }
  const u1 = r(), u2 = r(), u3 = r();  // Shoemake: uniform on SO(3)
  return [Math.sqrt(1 - u1) * Math.sin(2 * Math.PI * u2), Math.sqrt(1 - u1) * Math.cos(2 * Math.PI * u2),
    Math.sqrt(u1) * Math.sin(2 * Math.PI * u3), Math.sqrt(u1) * Math.cos(2 * Math.PI * u3)];
}

/** n boxes, about 2n overlapping pairs (the cube's side L is calibrated for that). */
function scene(n, yaw, seed) {
  const r = lcg(seed), lo = 0.2, hi = 0.6;
  const L = Math.cbrt(n * (yaw ? 1.14 : 1.38));
  const b = new Float32Array(10 * n);
  for (let i = 0; i < n; i++) {
    b.set([(r() - 0.5) * L, (r() - 0.5) * L, (r() - 0.5) * L, lo + (hi - lo) * r(), lo + (hi - lo) * r(), lo + (hi - lo) * r(),
      ...quat(r, yaw)], 10 * i);
  }
  return b;
}

/** S scenes of k boxes laid out like ROTATE tables (yaw-only objects on a 3 × 3 area, some touching). */
function scenes(S, k, seed) {
  const r = lcg(seed), boxes = new Float32Array(10 * S * k), offsets = new Uint32Array(S + 1);
  const side = k <= 3 ? 3 : Math.cbrt(k) * 2.2;
  for (let s = 0; s < S; s++) {
    offsets[s + 1] = (s + 1) * k;
    for (let j = 0; j < k; j++) {
      boxes.set([side * r(), side * r(), k <= 3 ? 0.5 : side * r(), 0.2 + 0.5 * r(), 0.2 + 0.5 * r(), 0.2 + 0.5 * r(),
        ...quat(r, k <= 3)], 10 * (s * k + j));
    }
  }
  return { boxes, offsets };
}

/** n element-wise pairs at distances around contact. */
function nearPairs(n, seed) {
  const r = lcg(seed), a = new Float32Array(10 * n), b = new Float32Array(10 * n);
  for (let i = 0; i < n; i++) {
    const d = 0.9 * r();
    a.set([0, 0, 0, 0.2 + 0.3 * r(), 0.2 + 0.3 * r(), 0.2 + 0.3 * r(), ...quat(r, false)], 10 * i);
    b.set([d * (r() - 0.5) * 2, d * (r() - 0.5) * 2, d * (r() - 0.5) * 2, 0.2 + 0.3 * r(), 0.2 + 0.3 * r(), 0.2 + 0.3 * r(), ...quat(r, false)], 10 * i);
  }
  return { a, b };
}

// ───────────── the JS SAT (float64, Ericson's form) ─────────────

/** Float64 rotation matrices (row-major, columns = box axes) and AABBs of all boxes. */
function frames(b) {
  const n = b.length / 10, R = new Float64Array(9 * n), box = new Float64Array(6 * n);
  for (let i = 0; i < n; i++) {
    const o = 10 * i, x = b[o + 6], y = b[o + 7], z = b[o + 8], w = b[o + 9], s = 2 / (x * x + y * y + z * z + w * w);
    const m = [1 - s * (y * y + z * z), s * (x * y - z * w), s * (x * z + y * w), s * (x * y + z * w), 1 - s * (x * x + z * z),
      s * (y * z - x * w), s * (x * z - y * w), s * (y * z + x * w), 1 - s * (x * x + y * y)];
    R.set(m, 9 * i);
    for (let k = 0; k < 3; k++) {
      const wk = b[o + 3] * Math.abs(m[3 * k]) + b[o + 4] * Math.abs(m[3 * k + 1]) + b[o + 5] * Math.abs(m[3 * k + 2]);
      box[6 * i + k] = b[o + k] - wk;
      box[6 * i + 3 + k] = b[o + k] + wk;
    }
  }
  return { R, box };
}

const t = new Float64Array(3), Rm = new Float64Array(9), Q = new Float64Array(9);
/** True when boxes i and j (of b, frames R) overlap: the 15-axis SAT with Ericson's ε = 1e-12 on |R|. */
function jsSat(b, R, i, j) {
  const oa = 10 * i, ob = 10 * j, A = 9 * i, B = 9 * j;
  const a0 = b[oa + 3], a1 = b[oa + 4], a2 = b[oa + 5], b0 = b[ob + 3], b1 = b[ob + 4], b2 = b[ob + 5];
  const T0 = b[ob] - b[oa], T1 = b[ob + 1] - b[oa + 1], T2 = b[ob + 2] - b[oa + 2];
  for (let p = 0; p < 3; p++) {
    t[p] = R[A + p] * T0 + R[A + 3 + p] * T1 + R[A + 6 + p] * T2;
    for (let q = 0; q < 3; q++) {
      const v = R[A + p] * R[B + q] + R[A + 3 + p] * R[B + 3 + q] + R[A + 6 + p] * R[B + 6 + q];
      Rm[3 * p + q] = v;
      Q[3 * p + q] = Math.abs(v) + 1e-12;
    }
  }
  const a = [a0, a1, a2], bb = [b0, b1, b2];
  for (let p = 0; p < 3; p++) if (Math.abs(t[p]) > a[p] + b0 * Q[3 * p] + b1 * Q[3 * p + 1] + b2 * Q[3 * p + 2]) return false;
  for (let q = 0; q < 3; q++) {
    if (Math.abs(t[0] * Rm[q] + t[1] * Rm[3 + q] + t[2] * Rm[6 + q]) > a0 * Q[q] + a1 * Q[3 + q] + a2 * Q[6 + q] + bb[q]) return false;
  }
  for (let p = 0; p < 3; p++) {
    const p1 = p === 0 ? 1 : 0, p2 = p === 2 ? 1 : 2;
    for (let q = 0; q < 3; q++) {
      const q1 = q === 0 ? 1 : 0, q2 = q === 2 ? 1 : 2;
      if (Math.abs(t[p2] * Rm[3 * p1 + q] - t[p1] * Rm[3 * p2 + q]) >
        a[p1] * Q[3 * p2 + q] + a[p2] * Q[3 * p1 + q] + bb[q1] * Q[3 * p + q2] + bb[q2] * Q[3 * p + q1]) return false;
    }
  }
  return true;
}

/** box-intersect on the AABBs, then the SAT: sorted flat pair list. */
function boxIntersectSat(boxIntersect, b) {
  const n = b.length / 10, { R, box } = frames(b);
  const aabbs = new Array(n);
  for (let i = 0; i < n; i++) aabbs[i] = Array.from(box.subarray(6 * i, 6 * i + 6));
  const keys = [];
  boxIntersect(aabbs, (i, j) => { if (jsSat(b, R, i, j)) keys.push(i < j ? i * n + j : j * n + i); });
  return keys;
}
const sortedPairs = (keys, n) => {
  const s = Float64Array.from(keys).sort(), out = new Uint32Array(2 * s.length);
  for (let k = 0; k < s.length; k++) { out[2 * k] = Math.floor(s[k] / n); out[2 * k + 1] = s[k] % n; }
  return out;
};

/** Rapier: kinematic bodies with sensor colliders, one step, every intersection pair. */
function rapierPairs(RAPIER, b) {
  const n = b.length / 10, world = new RAPIER.World({ x: 0, y: 0, z: 0 }), index = new Map(), keys = [];
  for (let i = 0; i < n; i++) {
    const o = 10 * i;
    const body = world.createRigidBody(RAPIER.RigidBodyDesc.kinematicPositionBased()
      .setTranslation(b[o], b[o + 1], b[o + 2]).setRotation({ x: b[o + 6], y: b[o + 7], z: b[o + 8], w: b[o + 9] }));
    const c = world.createCollider(RAPIER.ColliderDesc.cuboid(b[o + 3], b[o + 4], b[o + 5]).setSensor(true)
      .setActiveCollisionTypes(RAPIER.ActiveCollisionTypes.ALL), body);
    index.set(c.handle, i);
  }
  world.step();
  world.forEachCollider((c) => {
    const i = index.get(c.handle);
    world.intersectionPairsWith(c, (c2) => { const j = index.get(c2.handle); if (i < j) keys.push(i * n + j); });
  });
  world.free();
  return keys;
}

/**
 * Rapier's float32 narrow phase near contact: `count` same-orientation box pairs whose faces are
 * ±gap apart (half overlap by gap, half are gap apart), Cuboid.intersectsShape against
 * sk.collide.overlap (float64). Not timed: a note of how many pairs Rapier gets wrong.
 */
function rapierNearContact(RAPIER, gap, count) {
  const r = lcg(97), a = new Float32Array(10 * count), b = new Float32Array(10 * count);
  for (let k = 0; k < count; k++) {
    const q = quat(r, false), [x, y, z, w] = q, h = [0.3 + 0.4 * r(), 0.3 + 0.4 * r(), 0.3 + 0.4 * r()];
    const ax = [1 - 2 * (y * y + z * z), 2 * (x * y + z * w), 2 * (x * z - y * w)], d = 2 * h[0] + (k % 2 ? gap : -gap);
    a.set([0, 0, 0, ...h, ...q], 10 * k);
    b.set([d * ax[0], d * ax[1], d * ax[2], ...h, ...q], 10 * k);
  }
  const ours = sk.collide.overlap(a, b);
  let missed = 0, extra = 0;
  for (let k = 0; k < count; k++) {
    const o = 10 * k, s1 = new RAPIER.Cuboid(a[o + 3], a[o + 4], a[o + 5]), s2 = new RAPIER.Cuboid(b[o + 3], b[o + 4], b[o + 5]);
    const hit = s1.intersectsShape({ x: 0, y: 0, z: 0 }, { x: a[o + 6], y: a[o + 7], z: a[o + 8], w: a[o + 9] }, s2,
      { x: b[o], y: b[o + 1], z: b[o + 2] }, { x: b[o + 6], y: b[o + 7], z: b[o + 8], w: b[o + 9] });
    if (hit && !ours[k]) extra++;
    else if (!hit && ours[k]) missed++;
  }
  return { missed, extra };
}

/** Per scene, every AABB-overlapping pair through the JS SAT (pairsBatched's peer). */
function jsBatched(boxes, offsets) {
  const { R, box } = frames(boxes), out = [], off = new Uint32Array(offsets.length);
  for (let s = 0; s + 1 < offsets.length; s++) {
    const a = offsets[s], e = offsets[s + 1];
    for (let i = a; i < e; i++) {
      for (let j = i + 1; j < e; j++) {
        if (box[6 * i] > box[6 * j + 3] || box[6 * j] > box[6 * i + 3] || box[6 * i + 1] > box[6 * j + 4] ||
          box[6 * j + 1] > box[6 * i + 4] || box[6 * i + 2] > box[6 * j + 5] || box[6 * j + 2] > box[6 * i + 5]) continue;
        if (jsSat(boxes, R, i, j)) out.push(i - a, j - a);
      }
    }
    off[s + 1] = out.length / 2;
  }
  return { pairs: Uint32Array.from(out), offsets: off };
}

/** Pairs in a but not b, and in b but not a (sorted flat lists). */
function diff(a, b) {
  let i = 0, j = 0, onlyA = 0, onlyB = 0;
  const key = (p, k) => p[2 * k] * 2 ** 32 + p[2 * k + 1];
  while (i < a.length / 2 || j < b.length / 2) {
    if (j >= b.length / 2 || (i < a.length / 2 && key(a, i) < key(b, j))) { onlyA++; i++; }
    else if (i >= a.length / 2 || key(b, j) < key(a, i)) { onlyB++; j++; }
    else { i++; j++; }
  }
  return { onlyA, onlyB };
}
const same = (a, b) => a.length === b.length && a.every((x, k) => x === b[k]);

// ───────────── suite ─────────────

export async function run(ctx) {
  const backends = ctx.backends();
  const env = process.env.SK_BENCH_COLLIDE_SIZES;
  const sizes = env ? env.split(',').map(Number).filter((n) => n >= 2) : [1e3, 1e4, 1e5, 1e6].filter((n) => !ctx.quick || n <= 1e5);
  const boxIntersect = (await ctx.peer('box-intersect', 'box-intersect+SAT'))?.default ?? null;
  let RAPIER = (await ctx.peer('@dimforge/rapier3d-compat', 'rapier'))?.default ?? null;
  if (RAPIER) {
    try { await RAPIER.init(); } catch (e) { ctx.skip({ impl: 'rapier', reason: `init failed: ${e.message}` }); RAPIER = null; }
  }
  for (const n of [1e5, 1e6].filter((x) => sizes.includes(x))) {
    const nt = backends.find((b) => b.name === 'native')?.threads ?? 1;
    ctx.target({ label: `native pairs 3-D ≥ 10× rapier, N = ${fmtN(n)}`, where: { op: 'pairs 3-D', n, impl: 'native', threads: nt }, metric: 'x:rapier', min: 10 });
    ctx.target({ label: `native pairs 3-D ≥ 4× box-intersect+SAT, N = ${fmtN(n)}`, where: { op: 'pairs 3-D', n, impl: 'native', threads: nt }, metric: 'x:box-intersect+SAT', min: 4 });
  }
  ctx.target({ label: 'native pairsBatched ≥ 1e6 three-box scenes/s (1 thread)', where: { op: 'batched 3', n: 1e5, impl: 'native', threads: 1 }, metric: 'melemPerS', min: 1 });
  ctx.note('pairs: about 2N overlapping pairs, half-extents in [0.2, 0.6]; box-intersect+SAT = box-intersect on float64 AABBs + a float64 JS SAT ' +
    '(also the oracle); rapier = kinematic bodies with sensor cuboids, one step, intersection pairs (world construction timed)');

  if (RAPIER && ctx.mode === 'one') {
    for (const gap of [1e-5, 1e-6, 1e-7]) {
      const { missed, extra } = rapierNearContact(RAPIER, gap, 20000);
      ctx.note(`rapier near contact (20000 face pairs ±${gap} apart): ${missed} overlapping pairs missed, ${extra} separated pairs reported`);
    }
  }

  // Small batches (1, 8, 64 boxes): the per-call cost next to the JS loop (the JS SAT over every
  // AABB-overlapping pair).
  for (const n of ctx.quick ? [1, 64] : [1, 8, 64]) {
    const b = scene(n, false, 7), whole = Uint32Array.of(0, n);
    const ref = jsBatched(b, whole).pairs;
    const check = (get) => () => ({ err: same(get(), ref) ? 0 : 1, tol: 0 });
    const bytes = 40 * n + 8 * (ref.length / 2);
    for (const be of backends) {
      let last = null;
      await ctx.bench({ op: 'pairs 3-D', n, impl: be.name, threads: 1, items: n, bytes, before: () => sk.setBackend(be.name),
        fn: () => (last = sk.collide.pairs(b)), check: check(() => last) });
    }
    let lastJs = null;
    await ctx.bench({ op: 'pairs 3-D', n, impl: 'js SAT', kind: 'peer', items: n, bytes,
      fn: () => (lastJs = jsBatched(b, whole).pairs), check: check(() => lastJs) });
  }

  for (const yaw of [false, true]) {
    const op = yaw ? 'pairs yaw' : 'pairs 3-D';
    for (const n of sizes.filter((x) => !yaw || x <= 1e5)) {  // yaw at 1e6 adds minutes of peers and no target
      const b = scene(n, yaw, yaw ? 11 : 7);
      // The oracle: box-intersect + float64 SAT (computed once, outside any timing).
      const oracle = boxIntersect && ctx.mode === 'one' ? sortedPairs(boxIntersectSat(boxIntersect, b), n) : null;
      const P = oracle ? oracle.length / 2 : null;
      if (oracle && ctx.mode === 'one') ctx.note(`${op} N = ${fmtN(n)}: ${P} pairs (${(P / n).toFixed(2)} per box)`);
      const bytes = 40 * n + 8 * (P ?? 2 * n);
      const check = (get) => () => {
        if (!oracle) return 0;
        const { onlyA, onlyB } = diff(get(), oracle);
        return { err: onlyA + onlyB, tol: 0 };
      };
      for (const be of backends) {
        let last = null;
        await ctx.bench({
          op, n, impl: be.name, threads: be.threads, items: n, bytes, before: () => sk.setBackend(be.name),
          fn: () => (last = sk.collide.pairs(b)), check: check(() => last),
        });
      }
      if (boxIntersect) {
        let keys = null;
        await ctx.bench({ op, n, impl: 'box-intersect+SAT', kind: 'peer', items: n, bytes,
          fn: () => (keys = boxIntersectSat(boxIntersect, b)), check: check(() => sortedPairs(keys, n)) });
      }
      if (RAPIER && !yaw) {
        let keys = null;
        await ctx.bench({ op, n, impl: 'rapier', kind: 'peer', items: n, bytes, fn: () => (keys = rapierPairs(RAPIER, b)) });
        if (keys && oracle && ctx.mode === 'one') {
          const { onlyA, onlyB } = diff(sortedPairs(keys, n), oracle);
          ctx.note(`rapier ${op} N = ${fmtN(n)}: ${onlyB} oracle pairs missed, ${onlyA} pairs the oracle does not have (float32)`);
        }
      }
    }
  }

  for (const [op, S, k] of [['batched 3', 1e5, 3], ['batched 32', 2e3, 32]]) {
    const { boxes, offsets } = scenes(S, k, 5 + k);
    const ref = ctx.mode === 'one' ? jsBatched(boxes, offsets) : { pairs: new Uint32Array(0), offsets };
    if (ctx.mode === 'one') ctx.note(`${op}: ${S} scenes of ${k} boxes, ${ref.pairs.length / 2} pairs`);
    const check = (get) => () => ({ err: same(get().pairs, ref.pairs) && same(get().offsets, ref.offsets) ? 0 : 1, tol: 0 });
    const bytes = boxes.byteLength + offsets.byteLength + 2 * ref.pairs.byteLength + 4 * (S + 1);
    for (const be of backends) {
      let last = null;
      await ctx.bench({
        op, n: S, impl: be.name, threads: be.threads, items: S, bytes, before: () => sk.setBackend(be.name),
        fn: () => (last = sk.collide.pairsBatched(boxes, offsets)), check: check(() => last),
      });
    }
    let lastJs = null;
    await ctx.bench({ op, n: S, impl: 'js SAT', kind: 'peer', items: S, bytes, fn: () => (lastJs = jsBatched(boxes, offsets)), check: check(() => lastJs) });
  }

  {
    const n = ctx.quick ? 1e5 : 1e6, { a, b } = nearPairs(n, 3), out = new Uint8Array(n).fill(0);
    const ab = new Float32Array(20 * n);
    ab.set(a);
    ab.set(b, 10 * n);
    const { R } = frames(ab);
    const ref = new Uint8Array(n);
    for (let i = 0; i < n; i++) ref[i] = jsSat(ab, R, i, n + i) ? 1 : 0;
    const check = (get) => () => ({ err: same(get(), ref) ? 0 : 1, tol: 0 });
    for (const be of backends) {
      await ctx.bench({
        op: 'overlap', n, impl: be.name, threads: be.threads, items: n, bytes: 81 * n, before: () => sk.setBackend(be.name),
        fn: () => sk.collide.overlap(a, b, { out }), alloc: () => sk.collide.overlap(a, b), check: check(() => out),
      });
    }
    const jsOut = new Uint8Array(n);
    await ctx.bench({
      op: 'overlap', n, impl: 'js SAT', kind: 'peer', items: n, bytes: 81 * n,
      fn: () => { const f = frames(ab); for (let i = 0; i < n; i++) jsOut[i] = jsSat(ab, f.R, i, n + i) ? 1 : 0; },
      check: check(() => jsOut),
    });
  }
}

// For ad-hoc measurements (node -e "import('./bench/collide.js')…").
export { scenes, jsBatched };
