// Benchmark suite for sk.render (see bench/lib.js for the suite contract).
//
// Scenes: G groups of k boxes (ROTATE-like tables: yaw-only boxes of half-extents 0.2–0.7 on an
// area sized for k; k > 3 also tilted at random), each seen by a ring of 8 cameras at H × W
// (principal point off centre); n = rays per call = G·8·H·W. Two views:
//   ring   ROTATE's default ring (radius 10, height 6, fx = 0.9·W): the boxes cover ~2–5% of the
//          pixels, so most rays hit nothing (what a visibility filter at the defaults casts);
//   close  radius 5, height 3, fx = 1.3·W: the boxes cover ~20–40% of the pixels.
// Ops: raycast (instance + depth), visibility (the per-(camera, box) records; maps not returned).
// bytes = 2 × the maps' bytes (8 per ray), so % of copy compares with a copy writing as many bytes.
// Peers, single-threaded, on the same boxes and the same rays (sk.camera.rayMap's, from the
// camera centres):
//   embree      Embree 3 (Debian's libembree3, the BVH behind Open3D's RaycastingScene), each box
//               12 triangles in its own geometry, one BVH per scene built before timing;
//               rtcIntersect1 per ray (bench/render-embree.cc, built here with g++). The bench
//               installs libembree-dev with apt-get when it is missing (root only).
//   embree ×16  the same with rtcIntersect16 over 16 neighbouring rays (coherent packets).
//   three.js    THREE.Raycaster.intersectObjects over BoxGeometry meshes (the small sizes only).
//   js slab     a float64 slab test per ray and box written here; also the reference every
//               result is checked against (on the first 4096 rays: ids may differ only on rays
//               grazing an edge, err = share of differing ids, tol 1e-3).
// Targets (issue 11): native raycast ≥ 1.5× embree per core on scenes of ≤ 8 boxes, ≥ 50× three.js.
import * as sk from 'spatialkit';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmtN, PACKAGE_ROOT } from './lib.js';

const CHECK_RAYS = 4096;

function lcg(seed) {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}
function quat(r, tilt) {
  if (!tilt) { const a = Math.PI * r(); return [0, 0, Math.sin(a), Math.cos(a)]; }
  const u1 = r(), u2 = r(), u3 = r();  // Shoemake: uniform on SO(3)
  return [Math.sqrt(1 - u1) * Math.sin(2 * Math.PI * u2), Math.sqrt(1 - u1) * Math.cos(2 * Math.PI * u2),
    Math.sqrt(u1) * Math.sin(2 * Math.PI * u3), Math.sqrt(u1) * Math.cos(2 * Math.PI * u3)];
}

/** G groups of k boxes, 8 cameras each on a ring looking at the group's centre. */
function makeCase(G, k, h, w, view, seed) {
  const radius = view === 'ring' ? 10 : 5, height = view === 'ring' ? 6 : 3, f = view === 'ring' ? 0.9 : 1.3;
  const r = lcg(seed), side = 1.5 * Math.sqrt(k), tilt = k > 3;
  const boxes = new Float32Array(10 * G * k), offsets = new Uint32Array(G + 1);
  for (let g = 0; g < G; g++) {
    offsets[g + 1] = (g + 1) * k;
    for (let j = 0; j < k; j++) {
      const hz = 0.2 + 0.5 * r();
      boxes.set([side * (r() - 0.5), side * (r() - 0.5), hz, 0.2 + 0.5 * r(), 0.2 + 0.5 * r(), hz, ...quat(r, tilt)], 10 * (g * k + j));
    }
  }
  const n = 8 * G, eye = new Float32Array(3 * n), target = new Float32Array(3 * n), scene = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const a = (Math.PI / 4) * (i % 8);
    eye.set([radius * Math.cos(a), radius * Math.sin(a), height], 3 * i);
    target.set([0, 0, 0.5], 3 * i);
    scene[i] = Math.floor(i / 8);
  }
  const { R, t } = sk.camera.lookAt(eye, target, Float32Array.of(0, 0, 1));
  const K = Float32Array.of(f * w, 0, 0.47 * w, 0, f * w, 0.52 * h, 0, 0, 1);
  return { scenes: { boxes, offsets }, cams: { K, R, t, scene }, n, h, w, rays: n * h * w };
}

/** Each ray as (origin, unit direction) float32: the camera centre and sk.camera.rayMap's d. */
function raysOf(c) {
  const map = sk.camera.rayMap(c.cams, { height: c.h, width: c.w, order: 'd' });
  const out = new Float32Array(6 * c.rays), P = c.h * c.w;
  for (let i = 0; i < c.n; i++) {
    const R = c.cams.R.subarray(9 * i, 9 * i + 9), t = c.cams.t.subarray(3 * i, 3 * i + 3);
    const o = [0, 1, 2].map((a) => -(R[a] * t[0] + R[3 + a] * t[1] + R[6 + a] * t[2]));
    for (let p = 0; p < P; p++) {
      const k = i * P + p;
      out.set(o, 6 * k);
      out.set(map.subarray(3 * k, 3 * k + 3), 6 * k + 3);
    }
  }
  return out;
}

// ───────────── the JS slab test (float64): peer and reference ─────────────

function frames(boxes) {
  const m = boxes.length / 10, f = [];
  for (let j = 0; j < m; j++) {
    const b = boxes.subarray(10 * j, 10 * j + 10), n = Math.hypot(b[6], b[7], b[8], b[9]);
    const [x, y, z, w] = [b[6] / n, b[7] / n, b[8] / n, b[9] / n];
    const ax = [[1 - 2 * (y * y + z * z), 2 * (x * y + z * w), 2 * (x * z - y * w)],
      [2 * (x * y - z * w), 1 - 2 * (x * x + z * z), 2 * (y * z + x * w)],
      [2 * (x * z + y * w), 2 * (y * z - x * w), 1 - 2 * (x * x + y * y)]];
    f.push({ c: [b[0], b[1], b[2]], h: [b[3], b[4], b[5]], ax });
  }
  return f;
}
function jsCast(c, rays, count, ids) {
  const P = c.h * c.w, { boxes, offsets } = c.scenes, fr = frames(boxes);
  for (let k = 0; k < count; k++) {
    const s = c.cams.scene[Math.floor(k / P)];
    const ox = rays[6 * k], oy = rays[6 * k + 1], oz = rays[6 * k + 2], dx = rays[6 * k + 3], dy = rays[6 * k + 4], dz = rays[6 * k + 5];
    let best = Infinity, id = -1;
    for (let j = offsets[s]; j < offsets[s + 1]; j++) {
      const { c: ce, h, ax } = fr[j];
      let t0 = 0, t1 = Infinity;
      for (let a = 0; a < 3 && t0 <= t1; a++) {
        const u = ax[a], o = u[0] * (ox - ce[0]) + u[1] * (oy - ce[1]) + u[2] * (oz - ce[2]), d = u[0] * dx + u[1] * dy + u[2] * dz;
        if (d === 0) { if (Math.abs(o) > h[a]) t0 = Infinity; continue; }
        const ta = (-h[a] - o) / d, tb = (h[a] - o) / d;
        t0 = Math.max(t0, Math.min(ta, tb));
        t1 = Math.min(t1, Math.max(ta, tb));
      }
      if (t0 <= t1 && t0 < best) { best = t0; id = j - offsets[s]; }
    }
    ids[k] = id;
  }
  return ids;
}
const mismatch = (a, b, count) => {
  let d = 0;
  for (let k = 0; k < count; k++) d += a[k] !== b[k] ? 1 : 0;
  return d / count;
};

// ───────────── three.js ─────────────

function threeScenes(THREE, c) {
  const { boxes, offsets } = c.scenes, out = [];
  for (let s = 0; s + 1 < offsets.length; s++) {
    const meshes = [];
    for (let j = offsets[s]; j < offsets[s + 1]; j++) {
      const b = boxes.subarray(10 * j, 10 * j + 10);
      const mesh = new THREE.Mesh(new THREE.BoxGeometry(2 * b[3], 2 * b[4], 2 * b[5]), new THREE.MeshBasicMaterial());
      mesh.position.set(b[0], b[1], b[2]);
      mesh.quaternion.set(b[6], b[7], b[8], b[9]);
      mesh.updateMatrixWorld(true);
      mesh.userData.id = j - offsets[s];
      meshes.push(mesh);
    }
    out.push(meshes);
  }
  return out;
}
function threeCast(THREE, meshes, c, rays, ids) {
  const P = c.h * c.w, rc = new THREE.Raycaster(), o = new THREE.Vector3(), d = new THREE.Vector3();
  for (let k = 0; k < c.rays; k++) {
    o.set(rays[6 * k], rays[6 * k + 1], rays[6 * k + 2]);
    d.set(rays[6 * k + 3], rays[6 * k + 4], rays[6 * k + 5]);
    rc.set(o, d);
    const hit = rc.intersectObjects(meshes[c.cams.scene[Math.floor(k / P)]], false);
    ids[k] = hit.length ? hit[0].object.userData.id : -1;
  }
  return ids;
}

// ───────────── Embree (a C++ program against libembree3) ─────────────

const EMBREE_SRC = path.join(PACKAGE_ROOT, 'bench', 'render-embree.cc');
const EMBREE_BIN = path.join(PACKAGE_ROOT, 'build', 'bench', 'render-embree');  // build/ is git-ignored

/** Builds the Embree peer (installing libembree-dev with apt-get when absent); null + reason on failure. */
function embreeBinary() {
  if (!fs.existsSync(EMBREE_SRC)) return { reason: `${path.relative(PACKAGE_ROOT, EMBREE_SRC)} is missing from this install` };
  if (!fs.existsSync('/usr/include/embree3/rtcore.h')) {
    if (process.getuid?.() !== 0) return { reason: 'libembree-dev is not installed (apt-get install libembree-dev needs root)' };
    const apt = ['-o', 'DPkg::Lock::Timeout=600'];
    const r = spawnSync('apt-get', [...apt, 'install', '-y', '-qq', '--no-install-recommends', 'libembree-dev'],
      { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) return { reason: `apt-get install libembree-dev failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}` };
  }
  const stale = !fs.existsSync(EMBREE_BIN) || fs.statSync(EMBREE_BIN).mtimeMs < fs.statSync(EMBREE_SRC).mtimeMs;
  if (stale) {
    fs.mkdirSync(path.dirname(EMBREE_BIN), { recursive: true });
    const r = spawnSync('g++', ['-O2', '-std=c++17', EMBREE_SRC, '-lembree3', '-o', EMBREE_BIN], { encoding: 'utf8' });
    if (r.status !== 0) return { reason: `building the Embree peer failed: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}` };
  }
  const v = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'libembree3-3'], { encoding: 'utf8' });
  return { bin: EMBREE_BIN, version: v.status === 0 ? v.stdout.trim() : '?' };
}

/** Runs the Embree peer on the case; returns its timing and ids. */
function embreeCast(bin, c, rays, packet, repeats) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sk-embree-'));
  try {
    const { boxes, offsets } = c.scenes;
    const u32 = (a) => Buffer.from(Uint32Array.from(a).buffer);
    fs.writeFileSync(path.join(dir, 'in'), Buffer.concat([u32([offsets.length - 1, boxes.length / 10]), Buffer.from(boxes.buffer, boxes.byteOffset, boxes.byteLength),
      u32(offsets), u32([c.n, c.h * c.w]), u32(c.cams.scene), Buffer.from(rays.buffer, rays.byteOffset, rays.byteLength)]));
    const r = spawnSync(bin, [path.join(dir, 'in'), path.join(dir, 'out'), String(packet), String(repeats)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`render-embree exited ${r.status}: ${r.stderr}`);
    const res = JSON.parse(r.stdout);
    const buf = fs.readFileSync(path.join(dir, 'out'));
    return { ...res, ids: new Int32Array(buf.buffer, buf.byteOffset, c.rays).slice() };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A peer row measured outside this process, in the shape ctx.bench gives (mode 'one' only). */
function externalRow(ctx, { op, n, label, items, bytes, ns, cpuNs, samples, err }) {
  const sorted = samples.slice().sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const sd = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, samples.length - 1));
  const row = {
    suite: ctx.suite, op, n, impl: label, label, kind: 'peer', variant: 'out', threads: 1, items, bytes,
    ns, minNs: sorted[0], maxNs: sorted[sorted.length - 1], samples: samples.length,
    rme: samples.length > 1 ? (100 * 1.96 * sd) / Math.sqrt(samples.length) / mean : 0,
    cpuNs, onCpu: cpuNs / ns, calls: samples.length, sampler: 'external', melemPerS: (items * 1e3) / ns, gbps: bytes / ns, maxErr: err,
  };
  if (!(err <= 1e-3)) row.note = `differs from the reference by ${err.toPrecision(3)} (tol 0.001)`;
  ctx.rows.push(row);
  process.stderr.write(`  ${op.padEnd(14)} ${fmtN(n).padStart(4)} ${label.padEnd(16)} ${(row.melemPerS).toFixed(1).padStart(9)} M/s  out (external)\n`);
}

export async function run(ctx) {
  const backends = ctx.backends();
  const cases = ctx.quick
    ? [{ G: 2, k: 3, h: 64, w: 64, view: 'ring', three: true }, { G: 2, k: 8, h: 64, w: 64, view: 'close' }]
    : [{ G: 2, k: 3, h: 64, w: 64, view: 'ring', three: true }, { G: 2, k: 8, h: 64, w: 64, view: 'close', three: true },
      { G: 8, k: 3, h: 128, w: 128, view: 'ring' }, { G: 8, k: 3, h: 128, w: 128, view: 'close' },
      { G: 8, k: 8, h: 128, w: 128, view: 'close' }, { G: 1, k: 64, h: 128, w: 128, view: 'close' }];
  ctx.note('n = rays per call (G groups × 8 cameras × H × W); bytes = 2 × (instance + depth) bytes; rays/s per core = the M elem/s of the 1-thread rows');
  const THREE = await ctx.peer('three', 'three.js');
  const eb = ctx.mode === 'one' ? embreeBinary() : null;
  if (eb?.reason) ctx.skip({ impl: 'embree', reason: eb.reason });
  else if (eb) ctx.note(`peer embree: libembree3 ${eb.version} (Debian), bench/render-embree.cc built with g++ -O2`);

  for (const spec of cases) {
    const c = makeCase(spec.G, spec.k, spec.h, spec.w, spec.view, 7 + spec.k);
    const what = `${spec.k} boxes ${spec.view}`, op = `raycast ${what}`, vop = `visibility ${what}`, n = c.rays, bytes = 2 * 8 * n;
    if (spec.k <= 8 && !ctx.quick) {
      ctx.target({ label: `native ${op} ≥ 1.5× embree per core, n = ${fmtN(n)}`, where: { op, n, impl: 'native', threads: 1 }, metric: 'x:embree', min: 1.5 });
      if (spec.three) ctx.target({ label: `native ${op} ≥ 50× three.js, n = ${fmtN(n)}`, where: { op, n, impl: 'native', threads: 1 }, metric: 'x:three.js', min: 50 });
    }
    const rays = raysOf(c);
    const check = Math.min(CHECK_RAYS, n);
    const ref = jsCast(c, rays, check, new Int32Array(check));
    const covered = jsCast(c, rays, n, new Int32Array(n)).filter((x) => x >= 0).length / n;
    ctx.note(`${op}, n = ${fmtN(n)}: ${spec.G} group${spec.G > 1 ? 's' : ''} × 8 cameras at ${spec.h} × ${spec.w}, ${(100 * covered).toFixed(1)}% of rays hit a box`);
    const out = { instance: new Int32Array(n).fill(0), depth: new Float32Array(n).fill(0) };
    const opts = { height: c.h, width: c.w };
    for (const b of backends) {
      const before = () => sk.setBackend(b.name);
      await ctx.bench({ op, n, items: n, bytes, impl: b.name, kind: 'subject', threads: b.threads, before,
        fn: () => sk.render.raycast(c.scenes, c.cams, { ...opts, out }), alloc: () => sk.render.raycast(c.scenes, c.cams, opts),
        check: () => ({ err: mismatch(sk.render.raycast(c.scenes, c.cams, opts).instance, ref, check), tol: 1e-3 }) });
      await ctx.bench({ op: vop, n, items: n, bytes, impl: b.name, kind: 'subject', threads: b.threads, before,
        fn: () => sk.render.visibility(c.scenes, c.cams, opts) });
    }
    if (n <= 2 ** 16 || !ctx.quick) {
      const ids = new Int32Array(n);
      await ctx.bench({ op, n, items: n, bytes, impl: 'js slab', kind: 'peer', fn: () => jsCast(c, rays, n, ids),
        check: () => ({ err: mismatch(jsCast(c, rays, n, ids), ref, check), tol: 1e-3 }) });
    }
    if (THREE && spec.three) {
      const meshes = threeScenes(THREE, c), ids = new Int32Array(n);
      await ctx.bench({ op, n, items: n, bytes, impl: 'three.js', kind: 'peer', fn: () => threeCast(THREE, meshes, c, rays, ids),
        check: () => ({ err: mismatch(threeCast(THREE, meshes, c, rays, ids), ref, check), tol: 1e-3 }) });
    }
    if (eb?.bin) {
      for (const [packet, label] of [[1, 'embree'], [16, 'embree ×16']]) {
        try {
          const repeats = ctx.quick ? 3 : n > 2 ** 18 ? 7 : 15;
          const e = embreeCast(eb.bin, c, rays, packet, repeats);
          externalRow(ctx, { op, n, label, items: n, bytes, ns: e.ns, cpuNs: e.cpuNs, samples: e.samples, err: mismatch(e.ids, ref, check) });
          ctx.note(`${label} BVH build for ${op}, n = ${fmtN(n)} (not timed above): ${(e.buildNs / 1e6).toFixed(2)} ms for ${spec.G} scene${spec.G > 1 ? 's' : ''}`);
        } catch (err) {
          ctx.skip({ op, n, impl: label, reason: `failed: ${err.message}` });
        }
      }
    }
  }
}
