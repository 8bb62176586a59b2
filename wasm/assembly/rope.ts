// RoPE-family kernel bodies and drivers: the AssemblyScript port of native/kernels/rope.h (bodies,
// same names) and native/cpu/rope.cc (drivers, `…_batch`). Per token a table is built (3×3
// matrices per segment as nine arrays, or cos/sin per pair) with angles formed and reduced mod 2π
// in float64, then the token's heads are streamed through it four segments or pairs per f32x4.
// Same IEEE operations in the same order as C, so outputs are bit-identical to native.
//
// Storage: float32, or binary16 / bfloat16 bits in u16 (dtype 1 / 2). A 16-bit head is converted
// into a float buffer, rotated there, and converted back, as the CPU driver does.
import { add, mul, neg, splat, t3x, t3y, t3z, store3, sk_sincosf } from './math';

const ROPE_F32 = 0, ROPE_F16 = 1;

// ---- Storage conversions (native/kernels/rope.h) ------------------------------------------------

/** binary16 → float32, exact (the shifted bits times 2^112; inf/NaN get the all-ones exponent). */
@inline export function rope_f16_to_f32(h: u32): f32 {
  const em = h & 0x7fff;
  const mag = reinterpret<f32>(em << 13) * <f32>5.192296858534828e+33;  // 2^112
  const bits = reinterpret<u32>(mag) | (em >= 0x7c00 ? 0x7f800000 : 0);
  return reinterpret<f32>(bits | ((h & 0x8000) << 16));
}

/** float32 → binary16, round to nearest even (overflow → inf, NaN → quiet NaN). */
@inline export function rope_f32_to_f16(f: f32): u32 {
  const x = reinterpret<u32>(f);
  const sign = (x >> 16) & 0x8000;
  const a = x & 0x7fffffff;
  const inf_nan: u32 = a > 0x7f800000 ? 0x7e00 : 0x7c00;
  const sub = reinterpret<u32>(reinterpret<f32>(a) + <f32>0.5) - 0x3f000000;
  const nrm = (a + 0xc8000fff + ((a >> 13) & 1)) >> 13;
  const o = a >= 0x47800000 ? inf_nan : (a < 0x38800000 ? sub : nrm);
  return (o | sign) & 0xffff;
}

@inline export function rope_bf16_to_f32(h: u32): f32 { return reinterpret<f32>(h << 16); }

/** float32 → bfloat16, round to nearest even; NaN stays a (quiet) NaN. */
@inline export function rope_f32_to_bf16(f: f32): u32 {
  const x = reinterpret<u32>(f);
  const r = (x + 0x7fff + ((x >> 16) & 1)) >> 16;
  return ((x & 0x7fffffff) > 0x7f800000 ? (x >> 16) | 0x40 : r) & 0xffff;
}

@inline function load_f(p: usize, dt: i32): f32 {
  if (dt == ROPE_F32) return load<f32>(p);
  const h = <u32>load<u16>(p);
  return dt == ROPE_F16 ? rope_f16_to_f32(h) : rope_bf16_to_f32(h);
}
@inline function store_f(p: usize, dt: i32, v: f32): void {
  if (dt == ROPE_F32) store<f32>(p, v);
  else store<u16>(p, <u16>(dt == ROPE_F16 ? rope_f32_to_f16(v) : rope_f32_to_bf16(v)));
}

// ---- Bodies ------------------------------------------------------------------------------------

/** An angle given in float64, reduced to [−π, π] in float64. */
@inline export function rope_reduce(phi: f64): f32 {
  const k = Math.floor(phi * 0.15915494309189535 + 0.5);
  return <f32>(phi - k * 6.283185307179586);
}

/** Four segments' R = Rz(c)·Ry(b)·Rx(a) from their sines and cosines, entry e at m + e·stride. */
@inline export function rope_quat_matrix(sa: v128, ca: v128, sb: v128, cb: v128, sc: v128, cc: v128, m: usize, stride: usize): void {
  const sbsa = mul(sb, sa), sbca = mul(sb, ca);
  v128.store(m, mul(cc, cb));
  v128.store(m + stride, add(mul(cc, sbsa), mul(neg(sc), ca)));
  v128.store(m + 2 * stride, add(mul(cc, sbca), mul(sc, sa)));
  v128.store(m + 3 * stride, mul(sc, cb));
  v128.store(m + 4 * stride, add(mul(sc, sbsa), mul(cc, ca)));
  v128.store(m + 5 * stride, add(mul(sc, sbca), mul(neg(cc), sa)));
  v128.store(m + 6 * stride, neg(sb));
  v128.store(m + 7 * stride, mul(cb, sa));
  v128.store(m + 8 * stride, mul(cb, ca));
}

/** Row r of R times the segment (a, b, c): m0·a + m1·b + m2·c. */
@inline export function rope_quat_apply(m0: v128, m1: v128, m2: v128, a: v128, b: v128, c: v128): v128 {
  return add(add(mul(m0, a), mul(m1, b)), mul(m2, c));
}
@inline function rope_quat_apply_s(m0: f32, m1: f32, m2: f32, a: f32, b: f32, c: f32): f32 { return m0 * a + m1 * b + m2 * c; }

/** (a, b) → (a cosφ − b sinφ, a sinφ + b cosφ), the subtraction as a sum of a negated product. */
@inline export function rope_pair_first(c: v128, s: v128, a: v128, b: v128): v128 { return add(mul(a, c), mul(neg(b), s)); }
@inline export function rope_pair_second(c: v128, s: v128, a: v128, b: v128): v128 { return add(mul(a, s), mul(b, c)); }

// ---- Scratch --------------------------------------------------------------------------------------
// Tables for one token. Static up to SCRATCH_BYTES; the adapter passes a heap block for larger D.
export const SCRATCH_BYTES: usize = 16 << 10;  // heads up to D ≈ 500; the module keeps one initial page
export const SCRATCH: usize = memory.data(<i32>SCRATCH_BYTES, 16);

/** Bytes of scratch a call with head size D and S segments needs (rounded for four-lane tails). */
export function rope_scratch_bytes(D: u32, S: u32): usize {
  const s4 = (<usize>S + 3) & ~3, d4 = (<usize>D + 7) & ~7;
  return 4 * (6 * s4 + 9 * s4 + 2 * d4 + 16) + 64;
}

// QuatRoPE table: θ·scale as f64 [S, 3] at th; Sd = 1 when all segments share θ. Writes the nine
// entry arrays m_e[s] (stride 4·S4 bytes) at mat; uses ang (6·S4 floats) for sines and cosines.
function quat_table(p: usize, th: usize, S: usize, Sd: usize, S4: usize, ang: usize, mat: usize): void {
  const sn = ang, cs = ang + 12 * S4;  // [3][S4] each
  for (let a: usize = 0; a < 3; ++a) {
    const pa = <f64>load<f32>(p + 4 * a);
    // rope_angle: reduced angles first, then sin and cos four lanes at a time (in place; lanes
    // past Sd hold scratch values and are never used).
    for (let s: usize = 0; s < Sd; ++s) store<f32>(sn + 4 * (a * S4 + s), rope_reduce(load<f64>(th + 8 * (3 * s + a)) * pa));
    for (let s: usize = 0; s < Sd; s += 4) sk_sincosf(v128.load(sn + 4 * (a * S4 + s)), sn + 4 * (a * S4 + s), cs + 4 * (a * S4 + s));
  }
  const stride: usize = 4 * S4;
  for (let s: usize = 0; s < Sd; s += 4) {
    rope_quat_matrix(v128.load(sn + 4 * s), v128.load(cs + 4 * s), v128.load(sn + 4 * (S4 + s)), v128.load(cs + 4 * (S4 + s)),
      v128.load(sn + 4 * (2 * S4 + s)), v128.load(cs + 4 * (2 * S4 + s)), mat + 4 * s, stride);
  }
  if (Sd < S) {
    for (let e: usize = 0; e < 9; ++e) {
      const v = load<f32>(mat + e * stride);
      for (let s: usize = 1; s < S; ++s) store<f32>(mat + e * stride + 4 * s, v);
    }
  }
}

/**
 * S segments from xh (float, xh may equal oh) times the nine entry arrays (stride 4·S4 bytes); with
 * `uniform` (every segment shares θ) the one matrix is splatted once instead of loaded per block.
 */
function quat_head(xh: usize, oh: usize, mat: usize, S: usize, S4: usize, uniform: bool): void {
  const st: usize = 4 * S4;
  let s: usize = 0;
  if (uniform) {
    const u0 = v128.load32_splat(mat), u1 = v128.load32_splat(mat + st), u2 = v128.load32_splat(mat + 2 * st);
    const u3 = v128.load32_splat(mat + 3 * st), u4 = v128.load32_splat(mat + 4 * st), u5 = v128.load32_splat(mat + 5 * st);
    const u6 = v128.load32_splat(mat + 6 * st), u7 = v128.load32_splat(mat + 7 * st), u8 = v128.load32_splat(mat + 8 * st);
    for (; s + 4 <= S; s += 4) {
      const r0 = v128.load(xh + 12 * s), r1 = v128.load(xh + 12 * s, 16), r2 = v128.load(xh + 12 * s, 32);
      const a = t3x(r0, r1, r2), b = t3y(r0, r1, r2), c = t3z(r0, r1, r2);
      store3(oh + 12 * s, rope_quat_apply(u0, u1, u2, a, b, c), rope_quat_apply(u3, u4, u5, a, b, c), rope_quat_apply(u6, u7, u8, a, b, c));
    }
  }
  for (; s + 4 <= S; s += 4) {
    const r0 = v128.load(xh + 12 * s), r1 = v128.load(xh + 12 * s, 16), r2 = v128.load(xh + 12 * s, 32);
    const a = t3x(r0, r1, r2), b = t3y(r0, r1, r2), c = t3z(r0, r1, r2);
    const m = mat + 4 * s;
    store3(oh + 12 * s,
      rope_quat_apply(v128.load(m), v128.load(m + st), v128.load(m + 2 * st), a, b, c),
      rope_quat_apply(v128.load(m + 3 * st), v128.load(m + 4 * st), v128.load(m + 5 * st), a, b, c),
      rope_quat_apply(v128.load(m + 6 * st), v128.load(m + 7 * st), v128.load(m + 8 * st), a, b, c));
  }
  for (; s < S; ++s) {
    const a = load<f32>(xh + 12 * s), b = load<f32>(xh + 12 * s + 4), c = load<f32>(xh + 12 * s + 8);
    const m = mat + (uniform ? 0 : 4 * s);
    store<f32>(oh + 12 * s, rope_quat_apply_s(load<f32>(m), load<f32>(m + st), load<f32>(m + 2 * st), a, b, c));
    store<f32>(oh + 12 * s + 4, rope_quat_apply_s(load<f32>(m + 3 * st), load<f32>(m + 4 * st), load<f32>(m + 5 * st), a, b, c));
    store<f32>(oh + 12 * s + 8, rope_quat_apply_s(load<f32>(m + 6 * st), load<f32>(m + 7 * st), load<f32>(m + 8 * st), a, b, c));
  }
}

/** Whether token t's row is unmasked (mask 0 = no mask). */
@inline function active(mask: usize, t: usize): bool { return mask == 0 || load<u8>(mask + t) != 0; }

/**
 * QuatRoPE on tokens first … first + count − 1 (x and o point at token `first`): rows t = token
 * mod T of pos [T, 3]; th: f64 [S, 3]; D % 3 trailing values and masked tokens keep their bits.
 * Positions were checked by the caller (the adapter reports a bad row before calling).
 */
export function rope_quatrope_batch(x: usize, dt: i32, pos: usize, th: usize, mask: usize, first: u32, count: u32,
  T: u32, H: u32, D: u32, o: usize, scratch: usize): i32 {
  const S = <usize>(D / 3), S4 = (S + 3) & ~3, es: usize = dt == ROPE_F32 ? 4 : 2;
  let Sd: usize = S > 0 ? 1 : 0;
  for (let s: usize = 1; s < S && Sd == 1; ++s)
    for (let a: usize = 0; a < 3; ++a) if (load<f64>(th + 8 * (3 * s + a)) != load<f64>(th + 8 * a)) Sd = S;
  const ang = scratch, mat = ang + 24 * S4, buf = mat + 36 * S4;
  const n = <usize>H * <usize>D;
  for (let i: usize = 0; i < <usize>count; ++i) {
    const t = (<usize>first + i) % <usize>T;
    const xi = x + i * n * es, oi = o + i * n * es;
    if (!active(mask, t)) {
      if (oi != xi) memory.copy(oi, xi, n * es);
      continue;
    }
    quat_table(pos + 12 * t, th, S, Sd, S4, ang, mat);
    if (dt == ROPE_F32 && Sd == 1 && 3 * S == <usize>D) {  // one matrix, no trailing values: one run of H·S segments
      quat_head(xi, oi, mat, <usize>H * S, S4, true);
      continue;
    }
    for (let h: usize = 0; h < <usize>H; ++h) {
      const xh = xi + h * <usize>D * es, oh = oi + h * <usize>D * es;
      if (dt == ROPE_F32) {
        quat_head(xh, oh, mat, S, S4, Sd == 1);
        if (oh != xh) for (let k: usize = 3 * S; k < <usize>D; ++k) store<u32>(oh + 4 * k, load<u32>(xh + 4 * k));  // ≤ 2 trailing values, bits kept
      } else {
        for (let k: usize = 0; k < 3 * S; ++k) store<f32>(buf + 4 * k, load_f(xh + 2 * k, dt));
        quat_head(buf, buf, mat, S, S4, Sd == 1);
        // The D % 3 trailing values keep their bits (read before the head is written: oh may be xh).
        const nt = <usize>D - 3 * S;
        const t0 = nt > 0 ? load<u16>(xh + 6 * S) : 0, t1 = nt > 1 ? load<u16>(xh + 6 * S + 2) : 0;
        for (let k: usize = 0; k < 3 * S; ++k) store_f(oh + 2 * k, dt, load<f32>(buf + 4 * k));
        if (nt > 0) store<u16>(oh + 6 * S, t0);
        if (nt > 1) store<u16>(oh + 6 * S + 2, t1);
      }
    }
  }
  return -1;
}

/**
 * IGRE: out token i head h = [x (D values), R_s(p)·b per segment (3S values)], zeros for mask 0.
 * base: unit f32 [3]; th: f64 [S, 3].
 */
export function rope_igre_batch(x: usize, dt: i32, pos: usize, th: usize, S: u32, base: usize, mask: usize, first: u32,
  count: u32, T: u32, H: u32, D: u32, o: usize, scratch: usize): i32 {
  const s_ = <usize>S, S4 = (s_ + 3) & ~3, es: usize = dt == ROPE_F32 ? 4 : 2, st: usize = 4 * S4;
  const ang = scratch, mat = ang + 24 * S4, ext = mat + 36 * S4;
  const W = <usize>D + 3 * s_;
  const b0 = load<f32>(base), b1 = load<f32>(base, 4), b2 = load<f32>(base, 8);
  for (let i: usize = 0; i < <usize>count; ++i) {
    const t = (<usize>first + i) % <usize>T;
    const obj = active(mask, t);
    if (obj) quat_table(pos + 12 * t, th, s_, s_, S4, ang, mat);
    for (let g: usize = 0; g < s_; ++g) {
      const m = mat + 4 * g;
      for (let r: usize = 0; r < 3; ++r) {
        // rope_igre_segment: row r of R_s times b.
        const v = obj ? rope_quat_apply_s(load<f32>(m + 3 * r * st), load<f32>(m + (3 * r + 1) * st), load<f32>(m + (3 * r + 2) * st), b0, b1, b2) : <f32>0;
        store_f(ext + es * (3 * g + r), dt, v);
      }
    }
    for (let h: usize = 0; h < <usize>H; ++h) {
      const oh = o + (i * <usize>H + h) * W * es;
      memory.copy(oh, x + (i * <usize>H + h) * <usize>D * es, <usize>D * es);
      memory.copy(oh + <usize>D * es, ext, 3 * s_ * es);
    }
  }
  return -1;
}

/**
 * Pair rotations: pair j turns by φ_j = Σ_a w[j, a]·p_a (w: f64 [D/2, A], A = 1 or 3, summed in
 * float64 in axis order); layout 0 = half (j, j + D/2), 1 = interleaved (2j, 2j + 1).
 */
export function rope_pairs_batch(x: usize, dt: i32, pos: usize, A: u32, w: usize, layout: i32, mask: usize, first: u32,
  count: u32, T: u32, H: u32, D: u32, o: usize, scratch: usize): i32 {
  const P = <usize>(D >> 1), P4 = (P + 3) & ~3, es: usize = dt == ROPE_F32 ? 4 : 2, a_ = <usize>A;
  const c = scratch, sn = c + 4 * P4, ang = sn + 4 * P4, buf = ang + 4 * P4;
  const n = <usize>H * <usize>D;
  for (let i: usize = 0; i < <usize>count; ++i) {
    const t = (<usize>first + i) % <usize>T;
    const xi = x + i * n * es, oi = o + i * n * es;
    if (!active(mask, t)) {
      if (oi != xi) memory.copy(oi, xi, n * es);
      continue;
    }
    // rope_pair_angle, four pairs at a time for the sine and cosine.
    const p = pos + 4 * a_ * t;
    for (let j: usize = 0; j < P; ++j) {
      let phi = load<f64>(w + 8 * a_ * j) * <f64>load<f32>(p);
      if (a_ == 3) {
        phi += load<f64>(w + 8 * (3 * j + 1)) * <f64>load<f32>(p, 4);
        phi += load<f64>(w + 8 * (3 * j + 2)) * <f64>load<f32>(p, 8);
      }
      store<f32>(ang + 4 * j, rope_reduce(phi));
    }
    for (let j: usize = 0; j < P; j += 4) sk_sincosf(v128.load(ang + 4 * j), sn + 4 * j, c + 4 * j);
    for (let h: usize = 0; h < <usize>H; ++h) {
      const xh = xi + h * <usize>D * es, oh = oi + h * <usize>D * es;
      let src = xh, dst = oh;
      if (dt != ROPE_F32) {
        for (let k: usize = 0; k < <usize>D; ++k) store<f32>(buf + 4 * k, load_f(xh + 2 * k, dt));
        src = buf; dst = buf;
      }
      pairs_head(src, dst, c, sn, P, layout);
      if (dt != ROPE_F32) for (let k: usize = 0; k < <usize>D; ++k) store_f(oh + 2 * k, dt, load<f32>(buf + 4 * k));
    }
  }
  return -1;
}

/** One float head's pairs turned by (c_j, s_j); both values of a pair are read before either is written. */
function pairs_head(xh: usize, oh: usize, c: usize, sn: usize, P: usize, layout: i32): void {
  let j: usize = 0;
  if (layout == 0) {
    for (; j + 4 <= P; j += 4) {
      const a = v128.load(xh + 4 * j), b = v128.load(xh + 4 * (j + P));
      const cj = v128.load(c + 4 * j), sj = v128.load(sn + 4 * j);
      v128.store(oh + 4 * j, rope_pair_first(cj, sj, a, b));
      v128.store(oh + 4 * (j + P), rope_pair_second(cj, sj, a, b));
    }
    for (; j < P; ++j) {
      const a = load<f32>(xh + 4 * j), b = load<f32>(xh + 4 * (j + P)), cj = load<f32>(c + 4 * j), sj = load<f32>(sn + 4 * j);
      store<f32>(oh + 4 * j, a * cj + -b * sj);
      store<f32>(oh + 4 * (j + P), a * sj + b * cj);
    }
  } else {
    for (; j + 4 <= P; j += 4) {
      const v0 = v128.load(xh + 8 * j), v1 = v128.load(xh + 8 * j, 16);
      const a = v128.shuffle<f32>(v0, v1, 0, 2, 4, 6), b = v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
      const cj = v128.load(c + 4 * j), sj = v128.load(sn + 4 * j);
      const f = rope_pair_first(cj, sj, a, b), s = rope_pair_second(cj, sj, a, b);
      v128.store(oh + 8 * j, v128.shuffle<f32>(f, s, 0, 4, 1, 5));
      v128.store(oh + 8 * j, v128.shuffle<f32>(f, s, 2, 6, 3, 7), 16);
    }
    for (; j < P; ++j) {
      const a = load<f32>(xh + 8 * j), b = load<f32>(xh + 8 * j + 4), cj = load<f32>(c + 4 * j), sj = load<f32>(sn + 4 * j);
      store<f32>(oh + 8 * j, a * cj + -b * sj);
      store<f32>(oh + 8 * j + 4, a * sj + b * cj);
    }
  }
}
