// Ray casting: the AssemblyScript port of native/kernels/render.h (bodies, same names, the same
// float64 and float32 operations in the same order) and of native/cpu/render.cc (the driver,
// single-threaded, four pixels per f32x4). Rays come from camera_ray of ./camera (the port of
// the C camera body), so maps agree with native bit for bit. See the C header for the
// conventions, the frame, the culling rectangle and the tie rule. Boxes are checked by the
// adapter (src/backend/render-types.ts) before the driver runs.
//
// C's render_minf(a, b) = b < a ? b : a is f32x4.pmin(a, b) and render_maxf(a, b) = a < b ? b : a
// is f32x4.pmax(a, b), lane for lane, ±0 and all.
import { camera_ray, camera_splat, D } from './camera';
import { obb_frame_of } from './collide';
import { add, mul, div, abs, splat, sel } from './math';

const RENDER_CONSTS: i32 = 21;
const CAMERA_CONSTS: usize = 12;
const kRenderParallel: f32 = reinterpret<f32>(<u32>(127 - 100) << 23);  // 2^-100
const kRenderNear: f64 = 1e-6;
const kRenderPad: f64 = 2.0;
const kRenderPadRel: f64 = 1e-5;
const MISS: f32 = Infinity;
const TILE: i32 = 64;

// render_frame: r[9], lo[3], hi[3] (f32) at 0, 36, 48; rect[4] (i32) at 60.
export const RENDER_FRAME_BYTES: usize = 76;

// ---- Bodies -------------------------------------------------------------------------------------

@inline function render_min(a: f64, b: f64): f64 { return b < a ? b : a; }
@inline function render_max(a: f64, b: f64): f64 { return a < b ? b : a; }
@inline function render_clamp_px(x: f64, n: i32): i32 {
  return !(x > 0.0) ? 0 : x >= <f64>n ? n : <i32>x;
}

// render_amodal, filled by render_frame_of: clipped f32[4] at 0, unclipped f32[4] at 16,
// in_frame f32 at 32, behind u8 at 36.
const AMODAL: usize = memory.data(40);
const OB: usize = memory.data(120);   // obb_frame: c, h, r (f64)
const XC: usize = memory.data(24);    // X[3]
const AJ: usize = memory.data(72);    // A[j][r]
const CK: usize = memory.data(192);   // C[k][r]
@inline function ob_c(k: i32): f64 { return load<f64>(OB + <usize>(8 * k)); }
@inline function ob_h(k: i32): f64 { return load<f64>(OB + 24 + <usize>(8 * k)); }
@inline function ob_r(k: i32): f64 { return load<f64>(OB + 48 + <usize>(8 * k)); }
@inline function ck(k: i32, r: i32): f64 { return load<f64>(CK + <usize>(8 * (3 * k + r))); }

/** render_frame_of: frame at f (RENDER_FRAME_BYTES), the amodal projection at AMODAL. */
export function render_frame_of(cam: usize, b: usize, h: i32, w: i32, pc: f32, f: usize): void {
  obb_frame_of(b, 0.0, OB);
  const e0 = <f64>load<f32>(cam, 36) - ob_c(0), e1 = <f64>load<f32>(cam, 40) - ob_c(1), e2 = <f64>load<f32>(cam, 44) - ob_c(2);
  for (let k = 0; k < 3; ++k) {
    const ok = ob_r(k) * e0 + ob_r(3 + k) * e1 + ob_r(6 + k) * e2;
    store<f32>(f + <usize>(12 * k), <f32>ob_r(k));
    store<f32>(f + <usize>(12 * k + 4), <f32>ob_r(3 + k));
    store<f32>(f + <usize>(12 * k + 8), <f32>ob_r(6 + k));
    store<f32>(f + 36 + <usize>(4 * k), <f32>(-ob_h(k) - ok));
    store<f32>(f + 48 + <usize>(4 * k), <f32>(ob_h(k) - ok));
  }
  const P = cam + CAMERA_CONSTS * 4;
  for (let r = 0; r < 3; ++r) {
    const p0 = <f64>load<f32>(P + <usize>(12 * r)), p1 = <f64>load<f32>(P + <usize>(12 * r + 4)), p2 = <f64>load<f32>(P + <usize>(12 * r + 8));
    store<f64>(XC + <usize>(8 * r), -(p0 * e0 + p1 * e1 + p2 * e2));
    for (let j = 0; j < 3; ++j) {
      store<f64>(AJ + <usize>(8 * (3 * j + r)), ob_h(j) * (p0 * ob_r(j) + p1 * ob_r(3 + j) + p2 * ob_r(6 + j)));
    }
  }
  let zmin: f64 = Infinity;
  for (let k = 0; k < 8; ++k) {
    for (let r = 0; r < 3; ++r) {
      let s = load<f64>(XC + <usize>(8 * r));
      for (let j = 0; j < 3; ++j) {
        const a = load<f64>(AJ + <usize>(8 * (3 * j + r)));
        s = (k >> j) & 1 ? s + a : s - a;
      }
      store<f64>(CK + <usize>(8 * (3 * k + r)), s);
    }
    zmin = render_min(zmin, ck(k, 2));
  }
  const near = kRenderNear * (ob_h(0) + ob_h(1) + ob_h(2)), shift = 0.5 - <f64>pc;
  let x0: f64 = Infinity, y0: f64 = Infinity, x1: f64 = -Infinity, y1: f64 = -Infinity;
  const behind = zmin < near;
  for (let k = 0; k < 8; ++k) {
    if (ck(k, 2) >= near) {
      const x = ck(k, 0) / ck(k, 2), y = ck(k, 1) / ck(k, 2);
      x0 = render_min(x0, x); x1 = render_max(x1, x); y0 = render_min(y0, y); y1 = render_max(y1, y);
    }
    if (!behind) continue;
    for (let j = 0; j < 3; ++j) {
      if ((k >> j) & 1) continue;
      const q = k | (1 << j);
      if ((ck(k, 2) < near) == (ck(q, 2) < near)) continue;
      const s = (near - ck(k, 2)) / (ck(q, 2) - ck(k, 2));
      const x = (ck(k, 0) + s * (ck(q, 0) - ck(k, 0))) / near, y = (ck(k, 1) + s * (ck(q, 1) - ck(k, 1))) / near;
      x0 = render_min(x0, x); x1 = render_max(x1, x); y0 = render_min(y0, y); y1 = render_max(y1, y);
    }
  }
  const seen = x0 <= x1;
  x0 += shift; x1 += shift; y0 += shift; y1 += shift;
  const W = <f64>w, H = <f64>h;
  const cx0 = render_max(x0, 0.0), cx1 = render_min(x1, W), cy0 = render_max(y0, 0.0), cy1 = render_min(y1, H);
  const inside = seen && cx0 < cx1 && cy0 < cy1;
  const area = (x1 - x0) * (y1 - y0);
  memory.fill(AMODAL, 0, 32);
  if (seen) {
    store<f32>(AMODAL, <f32>x0, 16); store<f32>(AMODAL, <f32>y0, 20); store<f32>(AMODAL, <f32>x1, 24); store<f32>(AMODAL, <f32>y1, 28);
  }
  if (inside) {
    store<f32>(AMODAL, <f32>cx0); store<f32>(AMODAL, <f32>cy0, 4); store<f32>(AMODAL, <f32>cx1, 8); store<f32>(AMODAL, <f32>cy1, 12);
  }
  const ratio = inside && area > 0.0 ? (cx1 - cx0) * (cy1 - cy0) / area : 0.0;
  store<f32>(AMODAL, <f32>ratio, 32);
  store<u8>(AMODAL, behind ? 1 : 0, 36);
  const rect = f + 60;
  if (behind) {
    store<i32>(rect, 0); store<i32>(rect, 0, 4); store<i32>(rect, w, 8); store<i32>(rect, h, 12);
  } else {
    const px = kRenderPad + kRenderPadRel * (Math.abs(x0) + Math.abs(x1)), py = kRenderPad + kRenderPadRel * (Math.abs(y0) + Math.abs(y1));
    store<i32>(rect, render_clamp_px(Math.floor(x0 - 0.5 - px), w));
    store<i32>(rect, render_clamp_px(Math.floor(y0 - 0.5 - py), h), 4);
    store<i32>(rect, render_clamp_px(Math.ceil(x1 - 0.5 + px) + 1.0, w), 8);
    store<i32>(rect, render_clamp_px(Math.ceil(y1 - 0.5 + py) + 1.0, h), 12);
  }
}

// One frame's fields as lane vectors: r[9], lo[3], hi[3], then the three `inside` lane masks.
const FR: usize = memory.data(16 * 18);
@inline function frame_splat(f: usize): void {
  for (let k = 0; k < 15; ++k) v128.store(FR + <usize>(16 * k), v128.load32_splat(f + <usize>(4 * k)));
  for (let k = 0; k < 3; ++k) {
    const inside = load<f32>(f + 36 + <usize>(4 * k)) <= 0 && load<f32>(f + 48 + <usize>(4 * k)) >= 0;
    v128.store(FR + <usize>(16 * (15 + k)), i32x4.splat(inside ? -1 : 0));
  }
}

/** render_box_hit for four rays (the frame splat by frame_splat). */
@inline function render_box_hit(dx: v128, dy: v128, dz: v128): v128 {
  let t0 = splat(0), t1 = splat(MISS);
  for (let k = 0; k < 3; ++k) {
    const r = FR + <usize>(48 * k);
    const d = add(add(mul(v128.load(r), dx), mul(v128.load(r, 16), dy)), mul(v128.load(r, 32), dz));
    const parallel = f32x4.lt(abs(d), splat(kRenderParallel));
    const inv = div(splat(1), sel(parallel, splat(1), d));
    const a = mul(v128.load(FR + 144 + <usize>(16 * k)), inv), b = mul(v128.load(FR + 192 + <usize>(16 * k)), inv);
    const near = sel(parallel, sel(v128.load(FR + 240 + <usize>(16 * k)), splat(-MISS), splat(MISS)), f32x4.pmin(a, b));
    const far = sel(parallel, splat(MISS), f32x4.pmax(a, b));
    t0 = f32x4.pmax(t0, near);
    t1 = f32x4.pmin(t1, far);
  }
  return sel(f32x4.le(t0, t1), t0, splat(MISS));
}

// ---- Driver (native/cpu/render.cc) -----------------------------------------------------------------

// A tile's rays, nearest distances and ids.
const DX: usize = memory.data(4 * TILE, 16), DY: usize = memory.data(4 * TILE, 16), DZ: usize = memory.data(4 * TILE, 16);
const BEST: usize = memory.data(4 * TILE, 16), ID: usize = memory.data(4 * TILE, 16);
const LANES = i32x4(0, 1, 2, 3);

/** Bytes of scratch render_cast_batch needs: R frames and five u32 per box of the largest scene. */
export function render_scratch_bytes(R: u32, most: u32): usize {
  return <usize>R * RENDER_FRAME_BYTES + 20 * <usize>most;
}

/**
 * render_cast over n cameras (pointers into linear memory; see native/drivers/render.h): camera i
 * views boxes first[i] … first[i] + rows[i + 1] − rows[i] − 1; `scratch` holds
 * render_scratch_bytes(rows[n], most). instance/depth are written when `maps` has bit 0/1; the
 * visibility arrays when `vis`.
 */
export function render_cast_batch(consts: usize, n: i32, h: i32, w: i32, pc: f32, boxes: usize, first: usize,
  rows: usize, most: u32, maps: i32, instance: usize, depth: usize, vis: bool, amodal: usize,
  unclipped: usize, behind: usize, visible: usize, alone: usize, pixels: usize, fraction: usize, inFrame: usize,
  scratch: usize): void {
  const frames = scratch;
  const R = load<u32>(rows + <usize>(4 * n));
  const active = frames + <usize>R * RENDER_FRAME_BYTES, aAlone = active + 4 * <usize>most, aWon = aAlone + 4 * <usize>most;
  const aMin = aWon + 4 * <usize>most, aMax = aMin + 4 * <usize>most;
  // Frames (and the amodal boxes).
  for (let i = 0; i < n; ++i) {
    const b0 = <usize>load<u32>(first + <usize>(4 * i));
    const m = load<u32>(rows + <usize>(4 * i + 4)) - load<u32>(rows + <usize>(4 * i));
    for (let j: u32 = 0; j < m; ++j) {
      const row = <usize>load<u32>(rows + <usize>(4 * i)) + <usize>j;
      render_frame_of(consts + <usize>(4 * RENDER_CONSTS * i), boxes + 40 * (b0 + <usize>j), h, w, pc,
        frames + row * RENDER_FRAME_BYTES);
      if (!vis) continue;
      memory.copy(amodal + 16 * row, AMODAL, 16);
      memory.copy(unclipped + 16 * row, AMODAL + 16, 16);
      store<f32>(inFrame + 4 * row, load<f32>(AMODAL, 32));
      store<u8>(behind + row, load<u8>(AMODAL, 36));
      const box = visible + 16 * row;
      store<i32>(box, i32.MAX_VALUE); store<i32>(box, i32.MAX_VALUE, 4); store<i32>(box, -1, 8); store<i32>(box, -1, 12);
      store<u32>(alone + 4 * row, 0);
      store<u32>(pixels + 4 * row, 0);
    }
  }
  // Pixels, row by row.
  for (let r = 0; r < n * h; ++r) {
    const i = r / h, v = r - i * h;
    const cam = consts + <usize>(4 * RENDER_CONSTS * i);
    const c = camera_splat(cam);
    const m = load<u32>(rows + <usize>(4 * i + 4)) - load<u32>(rows + <usize>(4 * i));
    const row0 = <usize>load<u32>(rows + <usize>(4 * i));
    const fr = frames + row0 * RENDER_FRAME_BYTES;
    let nActive: u32 = 0;
    for (let j: u32 = 0; j < m; ++j) {
      const rect = fr + <usize>j * RENDER_FRAME_BYTES + 60;
      if (v >= load<i32>(rect, 4) && v < load<i32>(rect, 12) && load<i32>(rect) < load<i32>(rect, 8)) {
        store<u32>(active + 4 * <usize>nActive, j);
        nActive++;
        if (vis) {
          store<u32>(aAlone + 4 * <usize>j, 0); store<u32>(aWon + 4 * <usize>j, 0);
          store<i32>(aMin + 4 * <usize>j, i32.MAX_VALUE); store<i32>(aMax + 4 * <usize>j, -1);
        }
      }
    }
    const y = splat(<f32>v + pc), pcv = splat(pc);
    for (let u0 = 0; u0 < w; u0 += TILE) {
      const e = w - u0 < TILE ? w - u0 : TILE;
      for (let g = 0; g < e; g += 4) {
        v128.store(BEST + <usize>(4 * g), splat(MISS));
        v128.store(ID + <usize>(4 * g), i32x4.splat(-1));
      }
      // The pixels [lo, hi) of the tile some box's rectangle covers: rays there only.
      let lo = e, hi = 0;
      for (let k: u32 = 0; k < nActive; ++k) {
        const f = fr + <usize>load<u32>(active + 4 * <usize>k) * RENDER_FRAME_BYTES;
        const rb = load<i32>(f, 60) - u0, rf = load<i32>(f, 68) - u0;
        const b = rb > 0 ? rb : 0, fe = rf < e ? rf : e;
        if (b < fe) { lo = b < lo ? b : lo; hi = fe > hi ? fe : hi; }
      }
      if (lo < hi) {
        for (let g = lo & ~3; g < hi; g += 4) {
          camera_ray(c, add(f32x4.convert_i32x4_s(i32x4.add(i32x4.splat(u0 + g), LANES)), pcv), y);
          const o = <usize>(4 * g);
          v128.store(DX + o, v128.load(D)); v128.store(DY + o, v128.load(D, 16)); v128.store(DZ + o, v128.load(D, 32));
        }
        for (let k: u32 = 0; k < nActive; ++k) {
          const j = load<u32>(active + 4 * <usize>k);
          const f = fr + <usize>j * RENDER_FRAME_BYTES;
          const rb = load<i32>(f, 60) - u0, rf = load<i32>(f, 68) - u0;
          const b = rb > 0 ? rb : 0, fe = rf < e ? rf : e;
          if (b >= fe) continue;
          frame_splat(f);
          const bv = i32x4.splat(b), fv = i32x4.splat(fe), jv = i32x4.splat(j);
          let hits: u32 = 0;
          for (let g = b & ~3; g < fe; g += 4) {
            const lane = i32x4.add(i32x4.splat(g), LANES);
            const valid = v128.and(i32x4.ge_s(lane, bv), i32x4.lt_s(lane, fv));
            const o = <usize>(4 * g);
            const t = sel(valid, render_box_hit(v128.load(DX + o), v128.load(DY + o), v128.load(DZ + o)), splat(MISS));
            hits += <u32>popcnt(i32x4.bitmask(f32x4.lt(t, splat(MISS))));
            const best = v128.load(BEST + o);
            const nearer = f32x4.lt(t, best);
            v128.store(BEST + o, sel(nearer, t, best));
            v128.store(ID + o, sel(nearer, jv, v128.load(ID + o)));
          }
          if (vis) store<u32>(aAlone + 4 * <usize>j, load<u32>(aAlone + 4 * <usize>j) + hits);
        }
      }
      const at = (<usize>r * <usize>w + <usize>u0) * 4;
      if (maps & 1) memory.copy(instance + at, ID, <usize>(4 * e));
      if (maps & 2) {
        const f0 = splat(load<f32>(cam, 72)), f1 = splat(load<f32>(cam, 76)), f2 = splat(load<f32>(cam, 80));
        for (let g = 0; g < e; g += 4) {
          const o = <usize>(4 * g);
          const z = mul(v128.load(BEST + o), add(add(mul(f0, v128.load(DX + o)), mul(f1, v128.load(DY + o))), mul(f2, v128.load(DZ + o))));
          v128.store(D, sel(i32x4.ge_s(v128.load(ID + o), i32x4.splat(0)), z, splat(MISS)));
          const lanes: i32 = e - g < 4 ? e - g : 4;
          memory.copy(depth + at + o, D, <usize>(4 * lanes));
        }
      }
      if (vis) {
        for (let u = lo; u < hi; ++u) {
          const j = load<i32>(ID + <usize>(4 * u));
          if (j < 0) continue;
          const won = aWon + 4 * <usize>j;
          const count = load<u32>(won);
          if (count == 0) store<i32>(aMin + 4 * <usize>j, u0 + u);
          store<u32>(won, count + 1);
          store<i32>(aMax + 4 * <usize>j, u0 + u);
        }
      }
    }
    if (!vis) continue;
    for (let k: u32 = 0; k < nActive; ++k) {
      const j = <usize>load<u32>(active + 4 * <usize>k);
      const row = row0 + j;
      store<u32>(alone + 4 * row, load<u32>(alone + 4 * row) + load<u32>(aAlone + 4 * j));
      const won = load<u32>(aWon + 4 * j);
      if (!won) continue;
      store<u32>(pixels + 4 * row, load<u32>(pixels + 4 * row) + won);
      const box = visible + 16 * row;
      const u1 = load<i32>(aMin + 4 * j), u2 = load<i32>(aMax + 4 * j);
      if (u1 < load<i32>(box)) store<i32>(box, u1);
      if (v < load<i32>(box, 4)) store<i32>(box, v, 4);
      if (u2 > load<i32>(box, 8)) store<i32>(box, u2, 8);
      if (v > load<i32>(box, 12)) store<i32>(box, v, 12);
    }
  }
  if (!vis) return;
  // render_visibility_finish
  for (let row: usize = 0; row < <usize>R; ++row) {
    const box = visible + 16 * row;
    const a = load<u32>(alone + 4 * row), won = load<u32>(pixels + 4 * row);
    if (won == 0) memory.fill(box, 0, 16);
    else { store<i32>(box, load<i32>(box, 8) + 1, 8); store<i32>(box, load<i32>(box, 12) + 1, 12); }
    store<f32>(fraction + 4 * row, a ? <f32>(<f64>won / <f64>a) : 0);
  }
}
