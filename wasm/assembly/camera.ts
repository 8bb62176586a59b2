// Camera kernel bodies and drivers: the AssemblyScript port of native/kernels/camera.h (bodies,
// same names) and native/cpu/camera.cc (drivers). A camera is 12 float32 constants: M = Rᵀ·K⁻¹
// row-major and the centre o (see the C header). Rays are computed four at a time, one per
// f32x4 lane, with the C body's operations in the C body's order (no fused multiply-add here,
// none in the native build), so maps agree with native bit for bit.
import { add, sub, mul, div, sqrt, splat, store3 } from './math';

const CAMERA_CONSTS: i32 = 12;
const CAMERA_MOMENTS: i32 = 30;
// Channel orders and layouts (native/kernels/camera.h).
const ORDER_MD: i32 = 0, ORDER_D: i32 = 2;

// camera_ray's outputs, one lane vector per component (C passes float* d, float* m).
export const D: usize = memory.data(48), M: usize = memory.data(48);
// A partial block's output before the copy of its valid lanes (4 rays × 6 floats).
const STAGE: usize = memory.data(96);
// Four rays' sample points, x then y (rays() gathers them lane by lane).
const PTS: usize = memory.data(32);

// ---- Bodies -------------------------------------------------------------------------------------

/**
 * The rays through (x, y), four lanes: d = M·(x, y, 1)/|·| (1/sqrt: correctly rounded sqrt, one
 * division), m = o × d. `c` holds the 12 constants as lane vectors (camera_splat), so lanes may
 * belong to different cameras.
 */
@inline export function camera_ray(c: usize, x: v128, y: v128): void {
  const a = add(add(mul(v128.load(c), x), mul(v128.load(c, 16), y)), v128.load(c, 32));
  const b = add(add(mul(v128.load(c, 48), x), mul(v128.load(c, 64), y)), v128.load(c, 80));
  const e = add(add(mul(v128.load(c, 96), x), mul(v128.load(c, 112), y)), v128.load(c, 128));
  const inv = div(splat(1.0), sqrt(add(add(mul(a, a), mul(b, b)), mul(e, e))));
  const dx = mul(a, inv), dy = mul(b, inv), dz = mul(e, inv);
  const ox = v128.load(c, 144), oy = v128.load(c, 160), oz = v128.load(c, 176);
  v128.store(D, dx); v128.store(D, dy, 16); v128.store(D, dz, 32);
  v128.store(M, sub(mul(oy, dz), mul(oz, dy)));
  v128.store(M, sub(mul(oz, dx), mul(ox, dz)), 16);
  v128.store(M, sub(mul(ox, dy), mul(oy, dx)), 32);
}

/** Camera `p`'s 12 constants splat into 12 lane vectors at `c`. */
const SPLAT: usize = memory.data(192);
@inline export function camera_splat(p: usize): usize {
  for (let k = 0; k < CAMERA_CONSTS; ++k) v128.store(SPLAT + <usize>(16 * k), v128.load32_splat(p + <usize>(4 * k)));
  return SPLAT;
}

// Channel groups of an order: first three channels, last three (ORDER_D: d only).
@inline function first3(order: i32): usize { return order == ORDER_MD ? M : D; }
@inline function last3(order: i32): usize { return order == ORDER_MD ? D : M; }

/** Four rays' channels as interleaved items of 6 (or 3 for ORDER_D) floats at o. */
@inline function camera_store(order: i32, o: usize): void {
  const f = first3(order), l = last3(order);
  const a = v128.load(f), b = v128.load(f, 16), c = v128.load(f, 32);
  if (order == ORDER_D) { store3(o, a, b, c); return; }
  const d = v128.load(l), e = v128.load(l, 16), g = v128.load(l, 32);
  // 4 rays × 6 channels: the 4×4 transpose of (a, b, c, d) and the pairs (e, g), interleaved.
  const ab01 = v128.shuffle<f32>(a, b, 0, 4, 1, 5), ab23 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
  const cd01 = v128.shuffle<f32>(c, d, 0, 4, 1, 5), cd23 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
  const p0 = v128.shuffle<f32>(ab01, cd01, 0, 1, 4, 5), p1 = v128.shuffle<f32>(ab01, cd01, 2, 3, 6, 7);
  const p2 = v128.shuffle<f32>(ab23, cd23, 0, 1, 4, 5), p3 = v128.shuffle<f32>(ab23, cd23, 2, 3, 6, 7);
  const q01 = v128.shuffle<f32>(e, g, 0, 4, 1, 5), q23 = v128.shuffle<f32>(e, g, 2, 6, 3, 7);
  v128.store(o, p0);
  v128.store(o, v128.shuffle<f32>(q01, p1, 0, 1, 4, 5), 16);
  v128.store(o, v128.shuffle<f32>(p1, q01, 2, 3, 6, 7), 32);
  v128.store(o, p2, 48);
  v128.store(o, v128.shuffle<f32>(q23, p3, 0, 1, 4, 5), 64);
  v128.store(o, v128.shuffle<f32>(p3, q23, 2, 3, 6, 7), 80);
}

/** x = (float)u + pc for the four lanes of column counter `u` (i32x4 [u, u+1, u+2, u+3]). */
@inline function lanes_x(u: v128, pc: v128): v128 {
  return add(f32x4.convert_i32x4_s(u), pc);
}
const LANES = i32x4(0, 1, 2, 3), FOUR = i32x4(4, 4, 4, 4);

// ---- Drivers ------------------------------------------------------------------------------------
// Pointers into linear memory; `consts` holds 12 floats per camera.

/**
 * Rows [r0, r1) of the [n·h] rows of an 'hwc' map; `out` is the address of row r0 (the adapter
 * streams rows through its arena).
 */
export function camera_ray_map_hwc(consts: usize, h: i32, w: i32, pc: f32, order: i32, out: usize, r0: i32, r1: i32): void {
  const ch: usize = order == ORDER_D ? 3 : 6;
  const row = <usize>w * ch * 4;
  const full = w & ~3;
  for (let r = r0; r < r1; ++r) {
    const n = r / h, v = r - n * h;
    const c = camera_splat(consts + <usize>(n * CAMERA_CONSTS * 4));
    const y = splat(<f32>v + pc);
    const o = out + <usize>(r - r0) * row;
    const pcv = splat(pc);
    let uv = LANES;
    for (let u = 0; u < full; u += 4) {
      camera_ray(c, lanes_x(uv, pcv), y);
      camera_store(order, o + <usize>u * ch * 4);
      uv = i32x4.add(uv, FOUR);
    }
    if (full < w) {
      camera_ray(c, lanes_x(uv, pcv), y);
      camera_store(order, STAGE);
      memory.copy(o + <usize>full * ch * 4, STAGE, <usize>(w - full) * ch * 4);
    }
  }
}

/** A whole 'chw' map of n cameras at `out` ([n, C, h, w]). */
export function camera_ray_map_chw(consts: usize, n: i32, h: i32, w: i32, pc: f32, order: i32, out: usize): void {
  const ch: usize = order == ORDER_D ? 3 : 6;
  const plane = <usize>h * <usize>w * 4;
  const full = w & ~3;
  for (let i = 0; i < n; ++i) {
    const c = camera_splat(consts + <usize>(i * CAMERA_CONSTS * 4));
    const base = out + <usize>i * ch * plane;
    for (let v = 0; v < h; ++v) {
      const y = splat(<f32>v + pc);
      const o = base + <usize>v * <usize>w * 4;
      const f = first3(order), l = last3(order);
      const pcv = splat(pc);
      let uv = LANES;
      for (let u = 0; u < w; u += 4) {
        camera_ray(c, lanes_x(uv, pcv), y);
        uv = i32x4.add(uv, FOUR);
        const at = o + <usize>u * 4;
        if (u < full) {
          v128.store(at, v128.load(f)); v128.store(at + plane, v128.load(f, 16)); v128.store(at + 2 * plane, v128.load(f, 32));
          if (order != ORDER_D) {
            v128.store(at + 3 * plane, v128.load(l)); v128.store(at + 4 * plane, v128.load(l, 16)); v128.store(at + 5 * plane, v128.load(l, 32));
          }
        } else {
          const r = <usize>(w - u) * 4;
          for (let k: usize = 0; k < 3; ++k) memory.copy(at + k * plane, f + 16 * k, r);
          if (order != ORDER_D) for (let k: usize = 0; k < 3; ++k) memory.copy(at + (3 + k) * plane, l + 16 * k, r);
        }
      }
    }
  }
}

/**
 * Rays [first, first + count) of rays(): ray i uses camera i / p (camera 0 when !cb) and point i
 * (i mod p when shared); `out` is the address of ray `first`.
 */
export function camera_rays_batch(consts: usize, cb: bool, pts: usize, shared: bool, p: i32, first: i32, count: i32,
  order: i32, out: usize): void {
  const ch: usize = order == ORDER_D ? 3 : 6;
  const c = SPLAT;
  for (let j = 0; j < count; j += 4) {
    // Lane k is ray first + j + k (the last, partial block repeats its last ray).
    for (let k = 0; k < 4; ++k) {
      const i = first + j + (j + k < count ? k : count - 1 - j);
      const cam = cb ? i / p : 0, q = shared ? i % p : i;
      const src = consts + <usize>(cam * CAMERA_CONSTS * 4);
      for (let e = 0; e < CAMERA_CONSTS; ++e) store<f32>(c + <usize>(16 * e + 4 * k), load<f32>(src + <usize>(4 * e)));
      store<f32>(PTS + <usize>(4 * k), load<f32>(pts + <usize>(8 * q)));
      store<f32>(PTS + <usize>(16 + 4 * k), load<f32>(pts + <usize>(8 * q + 4)));
    }
    camera_ray(c, v128.load(PTS), v128.load(PTS, 16));
    const o = out + <usize>j * ch * 4;
    if (j + 4 <= count) camera_store(order, o);
    else {
      camera_store(order, STAGE);
      memory.copy(o, STAGE, <usize>(count - j) * ch * 4);
    }
  }
}

// ---- fromRays moments (float64), as camera_moments_add / camera_moments_rows in C -----------------

const ACC: usize = memory.data(8 * 30);

@inline function camera_moments_add(dxf: f32, dyf: f32, dzf: f32, mxf: f32, myf: f32, mzf: f32, x: f64, y: f64, acc: usize): void {
  let dx = <f64>dxf, dy = <f64>dyf, dz = <f64>dzf;
  const s = 1.0 / Math.sqrt(dx * dx + dy * dy + dz * dz);
  dx *= s; dy *= s; dz *= s;
  const mx = <f64>mxf * s, my = <f64>myf * s, mz = <f64>mzf * s;
  const r2 = x * x + y * y;
  const q0 = dx * dx, q1 = dx * dy, q2 = dx * dz, q3 = dy * dy, q4 = dy * dz, q5 = dz * dz;
  // acc[k] += q[k]; acc[6 + k] += x·q[k]; acc[12 + k] += y·q[k]; acc[18 + k] += r2·q[k]
  for (let k = 0; k < 6; ++k) {
    const q = k == 0 ? q0 : k == 1 ? q1 : k == 2 ? q2 : k == 3 ? q3 : k == 4 ? q4 : q5;
    const a = acc + <usize>(8 * k);
    store<f64>(a, load<f64>(a) + q);
    store<f64>(a, load<f64>(a, 48) + x * q, 48);
    store<f64>(a, load<f64>(a, 96) + y * q, 96);
    store<f64>(a, load<f64>(a, 144) + r2 * q, 144);
  }
  store<f64>(acc, load<f64>(acc, 192) + (dy * mz - dz * my), 192);
  store<f64>(acc, load<f64>(acc, 200) + (dz * mx - dx * mz), 200);
  store<f64>(acc, load<f64>(acc, 208) + (dx * my - dy * mx), 208);
  store<f64>(acc, load<f64>(acc, 216) + dx, 216);
  store<f64>(acc, load<f64>(acc, 224) + dy, 224);
  store<f64>(acc, load<f64>(acc, 232) + dz, 232);
}

@inline function camera_moments_block_rows(w: i32): i32 { return w >= 4096 ? 1 : 4096 / w; }

/**
 * The fromRays sums of n cameras into out [n, 30] (f64): per block of camera_moments_block_rows
 * rows, then block by block in order, exactly as the C driver, so the sums are the same bits.
 */
export function camera_moments_batch(map: usize, n: i32, h: i32, w: i32, pc: f32, layout: i32, order: i32, out: usize): void {
  const rows = camera_moments_block_rows(w);
  const s = 0.5 * <f64>(w > h ? w : h), cx = 0.5 * <f64>w, cy = 0.5 * <f64>h;
  const hw = <usize>h * <usize>w;
  const cs: usize = layout == 0 ? 1 : hw;
  const od: usize = (order == ORDER_MD ? 3 : 0) * cs, om: usize = (order == ORDER_MD ? 0 : 3) * cs;
  for (let i = 0; i < n; ++i) {
    const o = out + <usize>(i * CAMERA_MOMENTS * 8);
    memory.fill(o, 0, CAMERA_MOMENTS * 8);
    for (let v0 = 0; v0 < h; v0 += rows) {
      memory.fill(ACC, 0, CAMERA_MOMENTS * 8);
      const v1 = v0 + rows < h ? v0 + rows : h;
      for (let v = v0; v < v1; ++v) {
        const y = (<f64>v + <f64>pc - cy) / s;
        for (let u = 0; u < w; ++u) {
          const pix: usize = <usize>v * <usize>w + <usize>u, six: usize = 6;
          const at: usize = layout == 0 ? six * (<usize>i * hw + pix) : six * hw * <usize>i + pix;
          const p = map + 4 * at;
          camera_moments_add(load<f32>(p + 4 * od), load<f32>(p + 4 * (od + cs)), load<f32>(p + 4 * (od + 2 * cs)),
            load<f32>(p + 4 * om), load<f32>(p + 4 * (om + cs)), load<f32>(p + 4 * (om + 2 * cs)),
            (<f64>u + <f64>pc - cx) / s, y, ACC);
        }
      }
      for (let k = 0; k < CAMERA_MOMENTS; ++k) {
        const a = o + <usize>(8 * k);
        store<f64>(a, load<f64>(a) + load<f64>(ACC + <usize>(8 * k)));
      }
    }
  }
}
