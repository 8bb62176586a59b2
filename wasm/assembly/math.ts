// Float32 elementary functions of native/kernels/math.h, four lanes at a time (f32x4), plus the
// lane vocabulary the kernel bodies are written in.
//
// Bit-identity with native: every lane runs the same IEEE operations in the same order as the C
// body (native builds with -ffp-contract=off, wasm has no fused multiply-add, f32x4 add/mul/div/
// sqrt/floor are correctly rounded like their scalar x86 counterparts), so seeded outputs agree
// bit for bit. Keep the operation order when editing: `a * b * c` in C is `mul(mul(a, b), c)`.
// Decimal constants are the C `…f` literals; each was checked to round to the same float32 from
// double as from decimal (no double-rounding differences).

// ---- Lane vocabulary ------------------------------------------------------------------------

@inline export function add(a: v128, b: v128): v128 { return f32x4.add(a, b); }
@inline export function sub(a: v128, b: v128): v128 { return f32x4.sub(a, b); }
@inline export function mul(a: v128, b: v128): v128 { return f32x4.mul(a, b); }
@inline export function div(a: v128, b: v128): v128 { return f32x4.div(a, b); }
@inline export function neg(a: v128): v128 { return f32x4.neg(a); }
@inline export function sqrt(a: v128): v128 { return f32x4.sqrt(a); }
@inline export function abs(a: v128): v128 { return f32x4.abs(a); }
@inline export function splat(x: f32): v128 { return f32x4.splat(x); }
@inline export function lt(a: v128, b: v128): v128 { return f32x4.lt(a, b); }
@inline export function gt(a: v128, b: v128): v128 { return f32x4.gt(a, b); }
/** C's `m ? a : b` lane by lane (m an all-ones/all-zeros lane mask). */
@inline export function sel(m: v128, a: v128, b: v128): v128 { return v128.bitselect(a, b, m); }

/** Lane mask of `!(2^-126 <= n2 <= 2^126)`: zero, NaN, tiny or huge |q|² (quat_norm2_ok negated). */
@inline export function norm2_bad(n2: v128): v128 {
  return v128.not(v128.and(f32x4.ge(n2, splat(1.17549435e-38)), f32x4.le(n2, splat(8.50705917e+37))));
}

// AoS ↔ SoA. Four items of 4 floats are a 4×4 transpose (the inner shuffles are shared between
// the four helpers and merged by CSE); items of 3 floats take two shuffles per component.
@inline function lo01(r0: v128, r1: v128): v128 { return v128.shuffle<f32>(r0, r1, 0, 4, 1, 5); }
@inline function hi23(r0: v128, r1: v128): v128 { return v128.shuffle<f32>(r0, r1, 2, 6, 3, 7); }
@inline export function t4x(r0: v128, r1: v128, r2: v128, r3: v128): v128 { return v128.shuffle<f32>(lo01(r0, r1), lo01(r2, r3), 0, 1, 4, 5); }
@inline export function t4y(r0: v128, r1: v128, r2: v128, r3: v128): v128 { return v128.shuffle<f32>(lo01(r0, r1), lo01(r2, r3), 2, 3, 6, 7); }
@inline export function t4z(r0: v128, r1: v128, r2: v128, r3: v128): v128 { return v128.shuffle<f32>(hi23(r0, r1), hi23(r2, r3), 0, 1, 4, 5); }
@inline export function t4w(r0: v128, r1: v128, r2: v128, r3: v128): v128 { return v128.shuffle<f32>(hi23(r0, r1), hi23(r2, r3), 2, 3, 6, 7); }

/** Stores lanes x, y, z, w as four consecutive items [x, y, z, w] at p (the same transpose). */
@inline export function store4(p: usize, x: v128, y: v128, z: v128, w: v128): void {
  v128.store(p, t4x(x, y, z, w));
  v128.store(p, t4y(x, y, z, w), 16);
  v128.store(p, t4z(x, y, z, w), 32);
  v128.store(p, t4w(x, y, z, w), 48);
}

// Three rows r0 = [x0 y0 z0 x1], r1 = [y1 z1 x2 y2], r2 = [z2 x3 y3 z3]. Every shuffle here and
// below has the shufps form (lanes 0–1 from the first operand, 2–3 from the second) or the
// unpcklps/unpckhps form, one instruction each in V8; other lane patterns cost three.
@inline export function t3x(r0: v128, r1: v128, r2: v128): v128 {
  return v128.shuffle<f32>(r0, v128.shuffle<f32>(r1, r2, 2, 2, 5, 5), 0, 3, 4, 6);
}
@inline export function t3y(r0: v128, r1: v128, r2: v128): v128 {
  return v128.shuffle<f32>(v128.shuffle<f32>(r0, r1, 1, 1, 4, 4), v128.shuffle<f32>(r1, r2, 3, 3, 6, 6), 0, 2, 4, 6);
}
@inline export function t3z(r0: v128, r1: v128, r2: v128): v128 {
  return v128.shuffle<f32>(v128.shuffle<f32>(r0, r1, 2, 2, 5, 5), r2, 0, 2, 4, 7);
}

@inline function unpacklo(a: v128, b: v128): v128 { return v128.shuffle<f32>(a, b, 0, 4, 1, 5); }
@inline function unpackhi(a: v128, b: v128): v128 { return v128.shuffle<f32>(a, b, 2, 6, 3, 7); }
@inline export function store3(p: usize, x: v128, y: v128, z: v128): void {
  v128.store(p, v128.shuffle<f32>(unpacklo(x, y), unpacklo(z, x), 0, 1, 4, 7));      // x0 y0 z0 x1
  v128.store(p, v128.shuffle<f32>(unpacklo(y, z), unpackhi(x, y), 2, 3, 4, 5), 16);  // y1 z1 x2 y2
  v128.store(p, v128.shuffle<f32>(unpackhi(z, x), unpackhi(y, z), 0, 3, 6, 7), 32);  // z2 x3 y3 z3
}

// Four row-major 3×3 matrices (36 floats, nine rows of four) ↔ one lanes vector per entry:
// [a[i], b[j], c[k], d[l]] = shuffle(shuffle(a, b, i, i, 4+j, 4+j), shuffle(c, d, k, k, 4+l, 4+l), 0, 2, 4, 6).
@inline export function t9_0(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, m6: v128, m7: v128, m8: v128): v128 { return v128.shuffle<f32>(v128.shuffle<f32>(m0, m2, 0, 0, 5, 5), v128.shuffle<f32>(m4, m6, 2, 2, 7, 7), 0, 2, 4, 6); }
@inline export function t9_1(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, m6: v128, m7: v128, m8: v128): v128 { return v128.shuffle<f32>(v128.shuffle<f32>(m0, m2, 1, 1, 6, 6), v128.shuffle<f32>(m4, m7, 3, 3, 4, 4), 0, 2, 4, 6); }
@inline export function t9_2(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, m6: v128, m7: v128, m8: v128): v128 { return v128.shuffle<f32>(v128.shuffle<f32>(m0, m2, 2, 2, 7, 7), v128.shuffle<f32>(m5, m7, 0, 0, 5, 5), 0, 2, 4, 6); }
@inline export function t9_3(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, m6: v128, m7: v128, m8: v128): v128 { return v128.shuffle<f32>(v128.shuffle<f32>(m0, m3, 3, 3, 4, 4), v128.shuffle<f32>(m5, m7, 1, 1, 6, 6), 0, 2, 4, 6); }
@inline export function t9_4(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, m6: v128, m7: v128, m8: v128): v128 { return v128.shuffle<f32>(v128.shuffle<f32>(m1, m3, 0, 0, 5, 5), v128.shuffle<f32>(m5, m7, 2, 2, 7, 7), 0, 2, 4, 6); }
@inline export function t9_5(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, m6: v128, m7: v128, m8: v128): v128 { return v128.shuffle<f32>(v128.shuffle<f32>(m1, m3, 1, 1, 6, 6), v128.shuffle<f32>(m5, m8, 3, 3, 4, 4), 0, 2, 4, 6); }
@inline export function t9_6(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, m6: v128, m7: v128, m8: v128): v128 { return v128.shuffle<f32>(v128.shuffle<f32>(m1, m3, 2, 2, 7, 7), v128.shuffle<f32>(m6, m8, 0, 0, 5, 5), 0, 2, 4, 6); }
@inline export function t9_7(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, m6: v128, m7: v128, m8: v128): v128 { return v128.shuffle<f32>(v128.shuffle<f32>(m1, m4, 3, 3, 4, 4), v128.shuffle<f32>(m6, m8, 1, 1, 6, 6), 0, 2, 4, 6); }
@inline export function t9_8(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, m6: v128, m7: v128, m8: v128): v128 { return v128.shuffle<f32>(v128.shuffle<f32>(m2, m4, 0, 0, 5, 5), v128.shuffle<f32>(m6, m8, 2, 2, 7, 7), 0, 2, 4, 6); }

@inline export function store9(p: usize, c0: v128, c1: v128, c2: v128, c3: v128, c4: v128, c5: v128, c6: v128, c7: v128, c8: v128): void {
  v128.store(p, v128.shuffle<f32>(v128.shuffle<f32>(c0, c1, 0, 0, 4, 4), v128.shuffle<f32>(c2, c3, 0, 0, 4, 4), 0, 2, 4, 6), 0);
  v128.store(p, v128.shuffle<f32>(v128.shuffle<f32>(c4, c5, 0, 0, 4, 4), v128.shuffle<f32>(c6, c7, 0, 0, 4, 4), 0, 2, 4, 6), 16);
  v128.store(p, v128.shuffle<f32>(v128.shuffle<f32>(c8, c0, 0, 0, 5, 5), v128.shuffle<f32>(c1, c2, 1, 1, 5, 5), 0, 2, 4, 6), 32);
  v128.store(p, v128.shuffle<f32>(v128.shuffle<f32>(c3, c4, 1, 1, 5, 5), v128.shuffle<f32>(c5, c6, 1, 1, 5, 5), 0, 2, 4, 6), 48);
  v128.store(p, v128.shuffle<f32>(v128.shuffle<f32>(c7, c8, 1, 1, 5, 5), v128.shuffle<f32>(c0, c1, 2, 2, 6, 6), 0, 2, 4, 6), 64);
  v128.store(p, v128.shuffle<f32>(v128.shuffle<f32>(c2, c3, 2, 2, 6, 6), v128.shuffle<f32>(c4, c5, 2, 2, 6, 6), 0, 2, 4, 6), 80);
  v128.store(p, v128.shuffle<f32>(v128.shuffle<f32>(c6, c7, 2, 2, 6, 6), v128.shuffle<f32>(c8, c0, 2, 2, 7, 7), 0, 2, 4, 6), 96);
  v128.store(p, v128.shuffle<f32>(v128.shuffle<f32>(c1, c2, 3, 3, 7, 7), v128.shuffle<f32>(c3, c4, 3, 3, 7, 7), 0, 2, 4, 6), 112);
  v128.store(p, v128.shuffle<f32>(v128.shuffle<f32>(c5, c6, 3, 3, 7, 7), v128.shuffle<f32>(c7, c8, 3, 3, 7, 7), 0, 2, 4, 6), 128);
}

// ---- Driver helpers: broadcast, tail staging, first bad index --------------------------------
// A driver walks its batch in blocks of four items (one per lane). A broadcast argument is
// replicated four times into a static block and read with block stride 0; the last, partial
// block reads its batched arguments from staging copies padded with the last item (so padded
// lanes are valid exactly when that item is) and writes through a staging output. Bodies read
// a whole block before writing it, so `out` may equal an input (same offset and item size).

/** Largest item: a 3×3 matrix of float32. */
const MAX_BLOCK: i32 = 4 * 9 * 4;
export const BCAST0: usize = memory.data(MAX_BLOCK);
export const BCAST1: usize = memory.data(MAX_BLOCK);
export const BCAST2: usize = memory.data(MAX_BLOCK);
export const STAGE0: usize = memory.data(MAX_BLOCK);
export const STAGE1: usize = memory.data(MAX_BLOCK);
export const STAGE2: usize = memory.data(MAX_BLOCK);
export const STAGE_OUT: usize = memory.data(MAX_BLOCK);

/** Bytes between consecutive blocks of an argument with `item` bytes per item. */
@inline export function block_step(batched: bool, item: usize): usize { return batched ? item << 2 : 0; }

/** `p` itself when batched, else its single item replicated into `buf`. */
@inline export function broadcast(p: usize, batched: bool, item: usize, buf: usize): usize {
  if (batched) return p;
  for (let k: usize = 0; k < 4; ++k) memory.copy(buf + k * item, p, item);
  return buf;
}

/** The last `r` (< 4) items of a batched argument, padded with copies of the last one. */
@inline export function stage(p: usize, batched: bool, item: usize, r: usize, buf: usize): usize {
  if (!batched) return p;
  memory.copy(buf, p, r * item);
  for (let k = r; k < 4; ++k) memory.copy(buf + k * item, p + (r - 1) * item, item);
  return buf;
}

/** `bad` if already set, else the index of the first lane set in `mask` (block starts at i), else -1. */
@inline export function first_bad(bad: i32, mask: v128, i: i32): i32 {
  if (bad >= 0 || !v128.any_true(mask)) return bad;
  return i + ctz(i32x4.bitmask(mask));
}

// ---- native/kernels/math.h --------------------------------------------------------------------

/**
 * sin and cos of x, |x| < ~1e5 (Cody–Waite reduction by π/2, Cephes minimax polynomials on
 * [−π/4, π/4]); writes the sines to s_out and the cosines to c_out (one v128 each).
 */
@inline export function sk_sincosf(x: v128, s_out: usize, c_out: usize): void {
  const j = f32x4.floor(add(mul(x, splat(0.636619772)), splat(0.5)));
  // π/2 split in three parts whose leading part has few bits, so j·PIO2_1 is exact for |j| < 2^16.
  let r = sub(x, mul(j, splat(1.5703125)));
  r = sub(r, mul(j, splat(4.837512969970703125e-4)));
  r = sub(r, mul(j, splat(7.54978995489188216e-8)));
  const z = mul(r, r);
  const s = add(r, mul(mul(r, z), add(splat(-1.6666654611e-1), mul(z, add(splat(8.3321608736e-3), mul(z, splat(-1.9515295891e-4)))))));
  const c = add(sub(splat(1.0), mul(splat(0.5), z)),
    mul(mul(z, z), add(splat(4.166664568298827e-2), mul(z, add(splat(-1.388731625493765e-3), mul(z, splat(2.443315711809948e-5)))))));
  // (int)j & 3. x86 converts NaN and |j| ≥ 2^31 to INT_MIN (& 3 = 0); trunc_sat gives INT_MAX for
  // j ≥ 2^31, so clamp first: every float32 ≥ 2^26 is a multiple of 4, so the clamp keeps j mod 4.
  const q = v128.and(i32x4.trunc_sat_f32x4_s(f32x4.min(j, splat(1073741824.0))), i32x4.splat(3));
  const odd = i32x4.ne(v128.and(q, i32x4.splat(1)), i32x4.splat(0));
  const sv = sel(odd, c, s);
  const cv = sel(odd, s, c);
  // `(q & 2) ? -v : v` is a sign flip: xor the sign bit with bit 1 of q moved to bit 31.
  v128.store(s_out, v128.xor(sv, i32x4.shl(v128.and(q, i32x4.splat(2)), 30)));
  v128.store(c_out, v128.xor(cv, i32x4.shl(v128.and(i32x4.add(q, i32x4.splat(1)), i32x4.splat(2)), 30)));
}

/** atan(x) for finite x or ±inf (Cephes atanf: two range reductions, then an odd polynomial). */
@inline export function sk_atanf(x: v128): v128 {
  const ax = abs(x);
  const big = gt(ax, splat(2.414213562373095));   // tan(3π/8)
  const mid = gt(ax, splat(0.4142135623730950));  // tan(π/8)
  const y0 = sel(big, splat(1.5707963267948966), sel(mid, splat(0.7853981633974483), splat(0.0)));
  const xr = sel(big, div(splat(-1.0), ax), sel(mid, div(sub(ax, splat(1.0)), add(ax, splat(1.0))), ax));
  const z = mul(xr, xr);
  const p = add(mul(mul(sub(mul(add(mul(sub(mul(splat(8.05374449538e-2), z), splat(1.38776856032e-1)), z),
    splat(1.99777106478e-1)), z), splat(3.33329491539e-1)), z), xr), xr);
  const r = add(y0, p);
  return sel(lt(x, splat(0.0)), neg(r), r);
}

/** atan2(y, x) for y ≥ 0, x ≥ 0 (all callers pass magnitudes), in [0, π/2]; atan2(0, 0) = 0. */
@inline export function sk_atan2_pos(y: v128, x: v128): v128 {
  const swap = gt(y, x);
  const num = sel(swap, x, y), den = sel(swap, y, x);
  const a = sk_atanf(sel(gt(den, splat(0.0)), div(num, den), splat(0.0)));
  return sel(swap, sub(splat(1.5707963267948966), a), a);
}

/** atan2(y, x) in [−π, π]: the first-quadrant angle of (|x|, |y|) reflected into x's and y's quadrant. */
@inline export function sk_atan2f(y: v128, x: v128): v128 {
  const r = sk_atan2_pos(abs(y), abs(x));
  const h = sel(lt(x, splat(0.0)), sub(splat(3.14159265358979), r), r);
  return sel(lt(y, splat(0.0)), neg(h), h);
}
