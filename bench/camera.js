// Benchmark suite for sk.camera (see bench/lib.js for the suite contract).
//
// Plücker ray maps for N = 16 cameras at 512 × 512 and 1 camera at 4096 × 4096 (issue 4), on every
// backend that loads, beside:
//   js loop — a hand-written loop over the flat output with the same formulas (per-camera
//             constants M = Rᵀ·K⁻¹ and o = −Rᵀ·t in float64, then d = M·(u + ½, v + ½, 1)/|·|,
//             m = o × d per pixel); it is also the reference every output is checked against.
//   copy    — the harness's copy kernel. A map is written, not read, so each case passes
//             bytes = 2 × map bytes: the copy kernel then writes as many bytes as the map has, and
//             "% of copy" is the map's write bandwidth relative to the copy's (the metric).
//             The GB/s column therefore counts twice the bytes written.
// Also timed: the 'chw' layout and fromRays (the moments pass over the map plus the float64 solve).
import * as sk from 'spatialkit';
import { fmtN, maxDiff } from './lib.js';

const CHECK_ITEMS = 256;

/** N cameras on a ring looking at the origin, with skew and an off-centre principal point. */
function makeCameras(n, h, w) {
  const eye = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    eye.set([10 * Math.cos(a), 10 * Math.sin(a), 6], 3 * i);
  }
  const { R, t } = sk.camera.lookAt(eye, new Float32Array(3), Float32Array.of(0, 0, 1));
  const K = Float32Array.of(0.9 * w, 1.5, 0.47 * w, 0, 0.95 * w, 0.52 * h, 0, 0, 1);
  return { K, R, t };
}

// ───────────── the hand-written JS loop ─────────────

/** Per-camera constants in float64 (the same derivation the library documents). */
function constants(cams, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const k = cams.K.length > 9 ? 9 * i : 0, r = cams.R.length > 9 ? 9 * i : 0, tt = cams.t.length > 3 ? 3 * i : 0;
    const K = cams.K, R = cams.R, t = cams.t;
    // K⁻¹ of an upper-triangular K with K₂₂ = 1
    const fx = K[k], s = K[k + 1], cx = K[k + 2], fy = K[k + 4], cy = K[k + 5];
    const Ki = [1 / fx, -s / (fx * fy), (s * cy - cx * fy) / (fx * fy), 0, 1 / fy, -cy / fy, 0, 0, 1];
    const c = new Float64Array(12);
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) c[3 * a + b] = R[r + a] * Ki[b] + R[r + 3 + a] * Ki[3 + b] + R[r + 6 + a] * Ki[6 + b];
      c[9 + a] = -(R[r + a] * t[tt] + R[r + 3 + a] * t[tt + 1] + R[r + 6 + a] * t[tt + 2]);
    }
    out.push(c);
  }
  return out;
}

function jsRayMap(cams, n, h, w, o) {
  const cs = constants(cams, n);
  let j = 0;
  for (let i = 0; i < n; i++) {
    const c = cs[i];
    const c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3], c4 = c[4], c5 = c[5], c6 = c[6], c7 = c[7], c8 = c[8];
    const ox = c[9], oy = c[10], oz = c[11];
    for (let v = 0; v < h; v++) {
      const y = v + 0.5;
      const by = c1 * y + c2, ey = c4 * y + c5, fy = c7 * y + c8;
      for (let u = 0; u < w; u++) {
        const x = u + 0.5;
        const a = c0 * x + by, b = c3 * x + ey, e = c6 * x + fy;
        const inv = 1 / Math.sqrt(a * a + b * b + e * e);
        const dx = a * inv, dy = b * inv, dz = e * inv;
        o[j] = oy * dz - oz * dy; o[j + 1] = oz * dx - ox * dz; o[j + 2] = ox * dy - oy * dx;
        o[j + 3] = dx; o[j + 4] = dy; o[j + 5] = dz;
        j += 6;
      }
    }
  }
  return o;
}

// ───────────── cases ─────────────

const SHAPES = [{ n: 16, h: 512, w: 512 }, { n: 1, h: 4096, w: 4096 }];

function declareTargets(ctx, items) {
  for (const it of items) {
    const at = `${it.n} × ${it.h}×${it.w}`;
    ctx.target({ label: `native rayMap ≥ 70% of copy write bandwidth, 1 thread, ${at}`, where: { op: 'rayMap', n: it.rays, impl: 'native', threads: 1 }, metric: 'pctCopy', min: 70 });
    ctx.target({ label: `native rayMap allocating (allocOutput) within 2× of out, 1 thread, ${at}`, where: { op: 'rayMap', n: it.rays, impl: 'native', threads: 1, variant: 'allocOutput' }, metric: 'outRatio', min: 0.5 });
    ctx.target({ label: `wasm rayMap ≥ 1.5× js loop, ${at}`, where: { op: 'rayMap', n: it.rays, impl: 'wasm', threads: 1 }, metric: 'x:js loop', min: 1.5 });
  }
}

export async function run(ctx) {
  const backends = ctx.backends();
  // 1, 8 and 64 rays (one camera): the per-call cost of small batches, rayMap only.
  const small = (ctx.quick ? [[1, 1], [8, 8]] : [[1, 1], [1, 8], [8, 8]]).map(([h, w]) => ({ n: 1, h, w, small: true }));
  const shapes = [...small, ...(ctx.quick ? [{ n: 4, h: 256, w: 256 }] : SHAPES)];
  const items = shapes.map((s) => ({ ...s, rays: s.n * s.h * s.w }));
  // The targets are about maps larger than the caches; the quick shape (6 MiB) is not one.
  if (!ctx.quick) declareTargets(ctx, items.filter((s) => !s.small));
  const allocators = {};
  for (const b of backends) allocators[b.name] = await ctx.allocator(b.name);
  ctx.note('n = rays per call (N cameras × H × W); bytes = 2 × map bytes, so % of copy = write bandwidth vs a copy writing the same bytes; ' +
    'cameras: a ring looking at the origin, fx = 0.9·W, skew 1.5 px, principal point off centre');
  for (const { n: cams, h, w, rays, small: isSmall } of items) {
    ctx.note(`n = ${fmtN(rays)}: ${cams} camera${cams > 1 ? 's' : ''} at ${h} × ${w}`);
    const C = makeCameras(cams, h, w);
    const out = new Float32Array(rays * 6).fill(0);  // page faults outside the timed calls
    const ref = jsRayMap({ K: C.K, R: C.R.subarray(0, 9), t: C.t.subarray(0, 3) }, 1, 1, Math.min(w, CHECK_ITEMS), new Float32Array(6 * Math.min(w, CHECK_ITEMS)));
    const check = () => ({ err: maxDiff(ref, out, { item: 6, count: Math.min(w, CHECK_ITEMS) }), tol: 1e-5 });
    const bytes = 2 * rays * 6 * 4;
    const opts = { height: h, width: w, out };
    for (const b of backends) {
      const before = () => sk.setBackend(b.name);
      await ctx.bench({ op: 'rayMap', n: rays, items: rays, bytes, impl: b.name, kind: 'subject', threads: b.threads, before,
        fn: () => sk.camera.rayMap(C, opts), alloc: () => sk.camera.rayMap(C, { height: h, width: w }), check,
        allocOut: allocators[b.name] && out.byteLength >= 1 << 20
          ? () => sk.camera.rayMap(C, { height: h, width: w, out: new Float32Array(allocators[b.name](out.byteLength)) }) : undefined });
      if (isSmall) continue;
      await ctx.bench({ op: 'rayMap chw', n: rays, items: rays, bytes, impl: b.name, kind: 'subject', threads: b.threads, before,
        fn: () => sk.camera.rayMap(C, { ...opts, layout: 'chw' }) });
    }
    await ctx.bench({ op: 'rayMap', n: rays, items: rays, bytes, impl: 'js loop', kind: 'peer',
      fn: () => jsRayMap(C, cams, h, w, out), alloc: () => jsRayMap(C, cams, h, w, new Float32Array(rays * 6)), check });

    if (isSmall) continue;
    // fromRays: reads the map once (bytes = map bytes, no output of size).
    const map = sk.camera.rayMap(C, { height: h, width: w });
    for (const b of backends) {
      await ctx.bench({ op: 'fromRays', n: rays, items: rays, bytes: rays * 6 * 4, impl: b.name, kind: 'subject', threads: b.threads,
        before: () => sk.setBackend(b.name), fn: () => sk.camera.fromRays(map, { height: h, width: w }),
        check: () => {
          const rec = sk.camera.fromRays(map, { height: h, width: w });
          let err = 0;
          for (let k = 0; k < 9; k++) err = Math.max(err, Math.abs(rec[0].K[k] - C.K[k]) / w, Math.abs(rec[0].R[k] - C.R[k]));
          return { err, tol: 1e-5 };
        } });
    }
  }
}
