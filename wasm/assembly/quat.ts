// Quaternion kernel bodies and batch drivers: the AssemblyScript port of native/kernels/quat.h
// (bodies, same names) and native/cpu/quat.cc (drivers, `…_batch`). Layout [x, y, z, w] (scalar
// last), Hamilton product (DESIGN §4).
//
// A body here handles four consecutive items, one per f32x4 lane: it loads the block at its
// pointers, transposes to one vector per component, runs the C body's operations in the C body's
// order on all lanes, and stores the block. It reads the whole block before writing, so `out`
// may equal an input. Bodies that need a rotation return a lane mask of items whose |q|² is zero,
// NaN or overflows (SK_BAD in C).
import {
  add, sub, mul, div, neg, sqrt, splat, lt, gt, sel, norm2_bad,
  t4x, t4y, t4z, t4w, store4, t3x, t3y, t3z, store3,
  t9_0, t9_1, t9_2, t9_3, t9_4, t9_5, t9_6, t9_7, t9_8, store9,
  BCAST0, BCAST1, BCAST2, STAGE0, STAGE1, STAGE2, STAGE_OUT, block_step, broadcast, stage, first_bad,
  sk_sincosf, sk_atanf, sk_atan2_pos, sk_atan2f,
} from './math';

// sk_sincosf results (C passes float* s_out, c_out): three consecutive 16-byte slots for sines,
// three for cosines, so quat_from_euler can index them by axis.
const S0: usize = memory.data(48), S1: usize = S0 + 16, S2: usize = S0 + 32;
const C0: usize = memory.data(48), C1: usize = C0 + 16, C2: usize = C0 + 32;

// Components of the Hamilton product a ⊗ b, shared by quat_multiply and quat_from_euler. As in
// C, subtractions are sums of negated products (the same IEEE result either way).
@inline function hx(ax: v128, ay: v128, az: v128, aw: v128, bx: v128, by: v128, bz: v128, bw: v128): v128 {
  return add(add(add(mul(aw, bx), mul(ax, bw)), mul(ay, bz)), mul(neg(az), by));  // aw*bx + ax*bw + ay*bz + -az*by
}
@inline function hy(ax: v128, ay: v128, az: v128, aw: v128, bx: v128, by: v128, bz: v128, bw: v128): v128 {
  return add(add(add(mul(aw, by), mul(neg(ax), bz)), mul(ay, bw)), mul(az, bx));  // aw*by + -ax*bz + ay*bw + az*bx
}
@inline function hz(ax: v128, ay: v128, az: v128, aw: v128, bx: v128, by: v128, bz: v128, bw: v128): v128 {
  return add(add(add(mul(aw, bz), mul(ax, by)), mul(neg(ay), bx)), mul(az, bw));  // aw*bz + ax*by + -ay*bx + az*bw
}
@inline function hw(ax: v128, ay: v128, az: v128, aw: v128, bx: v128, by: v128, bz: v128, bw: v128): v128 {
  return add(add(add(mul(aw, bw), mul(neg(ax), bx)), mul(neg(ay), by)), mul(neg(az), bz));  // aw*bw + -ax*bx + -ay*by + -az*bz
}

/** x*x + y*y + z*z + w*w, left to right. */
@inline function norm2(x: v128, y: v128, z: v128, w: v128): v128 {
  return add(add(add(mul(x, x), mul(y, y)), mul(z, z)), mul(w, w));
}

// ---- Bodies (native/kernels/quat.h) -------------------------------------------------------------

@inline export function quat_multiply(a: usize, b: usize, o: usize): void {
  const a0 = v128.load(a), a1 = v128.load(a, 16), a2 = v128.load(a, 32), a3 = v128.load(a, 48);
  const b0 = v128.load(b), b1 = v128.load(b, 16), b2 = v128.load(b, 32), b3 = v128.load(b, 48);
  const ax = t4x(a0, a1, a2, a3), ay = t4y(a0, a1, a2, a3), az = t4z(a0, a1, a2, a3), aw = t4w(a0, a1, a2, a3);
  const bx = t4x(b0, b1, b2, b3), by = t4y(b0, b1, b2, b3), bz = t4z(b0, b1, b2, b3), bw = t4w(b0, b1, b2, b3);
  store4(o, hx(ax, ay, az, aw, bx, by, bz, bw), hy(ax, ay, az, aw, bx, by, bz, bw),
    hz(ax, ay, az, aw, bx, by, bz, bw), hw(ax, ay, az, aw, bx, by, bz, bw));
}

/** (-x, -y, -z, w): a sign flip of three lanes per item, no transpose needed. */
@inline export function quat_conjugate(q: usize, o: usize): void {
  const m = i32x4(i32.MIN_VALUE, i32.MIN_VALUE, i32.MIN_VALUE, 0);
  const r0 = v128.load(q), r1 = v128.load(q, 16), r2 = v128.load(q, 32), r3 = v128.load(q, 48);
  v128.store(o, v128.xor(r0, m));
  v128.store(o, v128.xor(r1, m), 16);
  v128.store(o, v128.xor(r2, m), 32);
  v128.store(o, v128.xor(r3, m), 48);
}

/** True inverse conj(q)/|q|². */
@inline export function quat_invert(q: usize, o: usize): v128 {
  const r0 = v128.load(q), r1 = v128.load(q, 16), r2 = v128.load(q, 32), r3 = v128.load(q, 48);
  const x = t4x(r0, r1, r2, r3), y = t4y(r0, r1, r2, r3), z = t4z(r0, r1, r2, r3), w = t4w(r0, r1, r2, r3);
  const n2 = norm2(x, y, z, w);
  const s = div(splat(1.0), n2);
  store4(o, mul(neg(x), s), mul(neg(y), s), mul(neg(z), s), mul(w, s));
  return norm2_bad(n2);
}

@inline export function quat_normalize(q: usize, o: usize): v128 {
  const r0 = v128.load(q), r1 = v128.load(q, 16), r2 = v128.load(q, 32), r3 = v128.load(q, 48);
  const x = t4x(r0, r1, r2, r3), y = t4y(r0, r1, r2, r3), z = t4z(r0, r1, r2, r3), w = t4w(r0, r1, r2, r3);
  const n2 = norm2(x, y, z, w);
  const s = div(splat(1.0), sqrt(n2));
  store4(o, mul(x, s), mul(y, s), mul(z, s), mul(w, s));
  return norm2_bad(n2);
}

/** v' = v + (2/|q|²)·(w·(u×v) + u×(u×v)), u = vector part: the rotation of q/|q| without a sqrt. */
@inline export function quat_rotate(q: usize, v: usize, o: usize): v128 {
  const r0 = v128.load(q), r1 = v128.load(q, 16), r2 = v128.load(q, 32), r3 = v128.load(q, 48);
  const x = t4x(r0, r1, r2, r3), y = t4y(r0, r1, r2, r3), z = t4z(r0, r1, r2, r3), w = t4w(r0, r1, r2, r3);
  const v0 = v128.load(v), v1 = v128.load(v, 16), v2 = v128.load(v, 32);
  const vx = t3x(v0, v1, v2), vy = t3y(v0, v1, v2), vz = t3z(v0, v1, v2);
  const n2 = norm2(x, y, z, w);
  const s = div(splat(2.0), n2);
  const cx = sub(mul(y, vz), mul(z, vy)), cy = sub(mul(z, vx), mul(x, vz)), cz = sub(mul(x, vy), mul(y, vx));  // u×v
  const dx = sub(mul(y, cz), mul(z, cy)), dy = sub(mul(z, cx), mul(x, cz)), dz = sub(mul(x, cy), mul(y, cx));  // u×(u×v)
  store3(o, add(vx, mul(s, add(mul(w, cx), dx))), add(vy, mul(s, add(mul(w, cy), dy))), add(vz, mul(s, add(mul(w, cz), dz))));
  return norm2_bad(n2);
}

/** `angle` points at four consecutive angles. */
@inline export function quat_from_axis_angle(axis: usize, angle: usize, o: usize): v128 {
  const v0 = v128.load(axis), v1 = v128.load(axis, 16), v2 = v128.load(axis, 32);
  const ax = t3x(v0, v1, v2), ay = t3y(v0, v1, v2), az = t3z(v0, v1, v2);
  const n2 = add(add(mul(ax, ax), mul(ay, ay)), mul(az, az));
  sk_sincosf(mul(splat(0.5), v128.load(angle)), S0, C0);
  const k = div(v128.load(S0), sqrt(n2));
  store4(o, mul(ax, k), mul(ay, k), mul(az, k), v128.load(C0));
  return norm2_bad(n2);
}

// Euler orders as axis indices, first letter = leftmost factor: 'zyx' = q_z ⊗ q_y ⊗ q_x
// (x applied first). `a` holds (a_x, a_y, a_z) by axis whatever the order.
export const EULER_XYZ = 0, EULER_XZY = 1, EULER_YXZ = 2, EULER_YZX = 3, EULER_ZXY = 4, EULER_ZYX = 5;
@inline export function quat_euler_axis(order: i32, k: i32): i32 {
  // Digits of each order's axes, packed: xyz=012, xzy=021, yxz=102, yzx=120, zxy=201, zyx=210.
  const packed = order == 0 ? 0x012 : order == 1 ? 0x021 : order == 2 ? 0x102 : order == 3 ? 0x120 : order == 4 ? 0x201 : 0x210;
  return (packed >> (4 * (2 - k))) & 0xF;
}

@inline export function quat_from_euler(a: usize, order: i32, o: usize): void {
  const v0 = v128.load(a), v1 = v128.load(a, 16), v2 = v128.load(a, 32);
  sk_sincosf(mul(splat(0.5), t3x(v0, v1, v2)), S0, C0);
  sk_sincosf(mul(splat(0.5), t3y(v0, v1, v2)), S1, C1);
  sk_sincosf(mul(splat(0.5), t3z(v0, v1, v2)), S2, C2);
  const zero = splat(0.0);
  let qx = zero, qy = zero, qz = zero, qw = splat(1.0);
  for (let k = 0; k < 3; ++k) {
    // e = (0, 0, 0, c[ax]) with e[ax] = s[ax]; q = q ⊗ e with its zero terms kept, as in C.
    const ax = quat_euler_axis(order, k);
    const s = v128.load(S0 + <usize>(16 * ax)), c = v128.load(C0 + <usize>(16 * ax));
    const ex = ax == 0 ? s : zero, ey = ax == 1 ? s : zero, ez = ax == 2 ? s : zero;
    const x = hx(qx, qy, qz, qw, ex, ey, ez, c), y = hy(qx, qy, qz, qw, ex, ey, ez, c);
    const z = hz(qx, qy, qz, qw, ex, ey, ez, c), w = hw(qx, qy, qz, qw, ex, ey, ez, c);
    qx = x; qy = y; qz = z; qw = w;
  }
  store4(o, qx, qy, qz, qw);
}

/** Row-major 3×3 matrix of the rotation q/|q|. */
@inline export function quat_to_matrix(q: usize, m: usize): v128 {
  const r0 = v128.load(q), r1 = v128.load(q, 16), r2 = v128.load(q, 32), r3 = v128.load(q, 48);
  const x = t4x(r0, r1, r2, r3), y = t4y(r0, r1, r2, r3), z = t4z(r0, r1, r2, r3), w = t4w(r0, r1, r2, r3);
  const n2 = norm2(x, y, z, w);
  const s = div(splat(2.0), n2);
  const xx = mul(mul(s, x), x), yy = mul(mul(s, y), y), zz = mul(mul(s, z), z);
  const xy = mul(mul(s, x), y), xz = mul(mul(s, x), z), yz = mul(mul(s, y), z);
  const xw = mul(mul(s, x), w), yw = mul(mul(s, y), w), zw = mul(mul(s, z), w);
  const one = splat(1.0);
  store9(m,
    sub(one, add(yy, zz)), sub(xy, zw), add(xz, yw),
    add(xy, zw), sub(one, add(xx, zz)), sub(yz, xw),
    sub(xz, yw), add(yz, xw), sub(one, add(xx, yy)));
  return norm2_bad(n2);
}

/**
 * Shepperd's method without branches: take the largest of 4w², 4x², 4y², 4z² from the diagonal,
 * the other three from off-diagonal sums, so accuracy holds near 180° (trace → −1). w ≥ 0.
 */
@inline export function quat_from_matrix(m: usize, o: usize): void {
  const r0 = v128.load(m), r1 = v128.load(m, 16), r2 = v128.load(m, 32), r3 = v128.load(m, 48), r4 = v128.load(m, 64);
  const r5 = v128.load(m, 80), r6 = v128.load(m, 96), r7 = v128.load(m, 112), r8 = v128.load(m, 128);
  const m00 = t9_0(r0, r1, r2, r3, r4, r5, r6, r7, r8), m01 = t9_1(r0, r1, r2, r3, r4, r5, r6, r7, r8);
  const m02 = t9_2(r0, r1, r2, r3, r4, r5, r6, r7, r8), m10 = t9_3(r0, r1, r2, r3, r4, r5, r6, r7, r8);
  const m11 = t9_4(r0, r1, r2, r3, r4, r5, r6, r7, r8), m12 = t9_5(r0, r1, r2, r3, r4, r5, r6, r7, r8);
  const m20 = t9_6(r0, r1, r2, r3, r4, r5, r6, r7, r8), m21 = t9_7(r0, r1, r2, r3, r4, r5, r6, r7, r8);
  const m22 = t9_8(r0, r1, r2, r3, r4, r5, r6, r7, r8);
  const one = splat(1.0);
  const t0 = add(add(add(one, m00), m11), m22), t1 = sub(sub(add(one, m00), m11), m22);
  const t2 = sub(add(sub(one, m00), m11), m22), t3 = add(sub(sub(one, m00), m11), m22);
  // k01 = t1 > t0 ? 1 : 0, k23 = t3 > t2 ? 3 : 2, k = t23 > t01 ? k23 : k01, as lane integers.
  const g01 = gt(t1, t0), g23 = gt(t3, t2);
  const k01 = v128.and(g01, i32x4.splat(1)), k23 = i32x4.sub(i32x4.splat(2), g23);  // mask is −1
  const t01 = sel(g01, t1, t0), t23 = sel(g23, t3, t2);
  const g = gt(t23, t01);
  const k = sel(g, k23, k01);
  const t = sel(g, t23, t01);
  const f = div(splat(0.5), sqrt(t)), big = mul(t, f);
  const p = mul(sub(m21, m12), f), q = mul(sub(m02, m20), f), r = mul(sub(m10, m01), f);
  const s01 = mul(add(m01, m10), f), s02 = mul(add(m02, m20), f), s12 = mul(add(m12, m21), f);
  const is0 = i32x4.eq(k, i32x4.splat(0)), is1 = i32x4.eq(k, i32x4.splat(1)), is2 = i32x4.eq(k, i32x4.splat(2));
  const x = sel(is0, p, sel(is1, big, sel(is2, s01, s02)));
  const y = sel(is0, q, sel(is1, s01, sel(is2, big, s12)));
  const z = sel(is0, r, sel(is1, s02, sel(is2, s12, big)));
  const w = sel(is0, big, sel(is1, p, sel(is2, q, r)));
  const sign = sel(lt(w, splat(0.0)), splat(-1.0), one);
  const inv = div(sign, sqrt(norm2(x, y, z, w)));  // re-unit for slightly non-orthonormal input
  store4(o, mul(x, inv), mul(y, inv), mul(z, inv), mul(w, inv));
}

/**
 * Shortest-arc slerp of a/|a| and b/|b| (b flipped only when dot < 0). The half-angle
 * θ = 2·atan2(|a−b|, |a+b|) stays accurate for nearly equal inputs, where acos(dot) does not.
 * `t` points at four consecutive parameters. Returns the bad lanes of a or b; `bad_a` receives
 * a's mask alone (the caller names the input at fault).
 */
@inline export function quat_slerp(a: usize, b: usize, t: usize, o: usize, bad_a: usize): v128 {
  const a0 = v128.load(a), a1 = v128.load(a, 16), a2 = v128.load(a, 32), a3 = v128.load(a, 48);
  const b0 = v128.load(b), b1 = v128.load(b, 16), b2 = v128.load(b, 32), b3 = v128.load(b, 48);
  let ax = t4x(a0, a1, a2, a3), ay = t4y(a0, a1, a2, a3), az = t4z(a0, a1, a2, a3), aw = t4w(a0, a1, a2, a3);
  let bx = t4x(b0, b1, b2, b3), by = t4y(b0, b1, b2, b3), bz = t4z(b0, b1, b2, b3), bw = t4w(b0, b1, b2, b3);
  const tt = v128.load(t);
  const na2 = norm2(ax, ay, az, aw);
  const nb2 = norm2(bx, by, bz, bw);
  const ia = div(splat(1.0), sqrt(na2));
  const ib0 = div(splat(1.0), sqrt(nb2));
  const dot = add(add(add(mul(ax, bx), mul(ay, by)), mul(az, bz)), mul(aw, bw));
  const ib = sel(lt(dot, splat(0.0)), neg(ib0), ib0);
  ax = mul(ax, ia); ay = mul(ay, ia); az = mul(az, ia); aw = mul(aw, ia);
  bx = mul(bx, ib); by = mul(by, ib); bz = mul(bz, ib); bw = mul(bw, ib);
  const dx = sub(ax, bx), dy = sub(ay, by), dz = sub(az, bz), dw = sub(aw, bw);
  const sx = add(ax, bx), sy = add(ay, by), sz = add(az, bz), sw = add(aw, bw);
  const theta = mul(splat(2.0), sk_atan2_pos(sqrt(norm2(dx, dy, dz, dw)), sqrt(norm2(sx, sy, sz, sw))));
  sk_sincosf(theta, S0, C0);
  sk_sincosf(mul(sub(splat(1.0), tt), theta), S1, C1);
  sk_sincosf(mul(tt, theta), S2, C2);
  const st = v128.load(S0), s0 = v128.load(S1), s1 = v128.load(S2);
  // Below 1e-6 rad the sine ratios are 1 − t and t to float precision (and θ = 0 would be 0/0).
  const tiny = lt(theta, splat(1e-6));
  const wa = sel(tiny, sub(splat(1.0), tt), div(s0, st));
  const wb = sel(tiny, tt, div(s1, st));
  store4(o, add(mul(wa, ax), mul(wb, bx)), add(mul(wa, ay), mul(wb, by)), add(mul(wa, az), mul(wb, bz)),
    add(mul(wa, aw), mul(wb, bw)));
  const ma = norm2_bad(na2);
  v128.store(bad_a, ma);
  return v128.or(ma, norm2_bad(nb2));
}

// quat_angle in float64 works on two lanes at a time (f64x2): promote the low or high half.
@inline function lo(v: v128): v128 { return f64x2.promote_low_f32x4(v); }
@inline function hi(v: v128): v128 { return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)); }
@inline function dmul(a: v128, b: v128): v128 { return f64x2.mul(a, b); }
@inline function dadd(a: v128, b: v128): v128 { return f64x2.add(a, b); }
@inline function dsub(a: v128, b: v128): v128 { return f64x2.sub(a, b); }
/** (float)(x*x + y*y + z*z + w*w) with the sum in float64, for two lanes. */
@inline function dnorm2(x: v128, y: v128, z: v128, w: v128): v128 {
  return f32x4.demote_f64x2_zero(dadd(dadd(dadd(dmul(x, x), dmul(y, y)), dmul(z, z)), dmul(w, w)));
}
/** Two lanes of quat_angle up to the arctangent: the float32 ratio (low half) to ratio_out, the
 *  swap mask (as 64-bit lanes) to swap_out. */
@inline function angle_ratio(ax: v128, ay: v128, az: v128, aw: v128, bx: v128, by: v128, bz: v128, bw: v128,
  ratio_out: usize, swap_out: usize): void {
  const vx = dsub(dsub(dmul(aw, bx), dmul(bw, ax)), dsub(dmul(ay, bz), dmul(az, by)));
  const vy = dsub(dsub(dmul(aw, by), dmul(bw, ay)), dsub(dmul(az, bx), dmul(ax, bz)));
  const vz = dsub(dsub(dmul(aw, bz), dmul(bw, az)), dsub(dmul(ax, by), dmul(ay, bx)));
  const w = dadd(dadd(dadd(dmul(aw, bw), dmul(ax, bx)), dmul(ay, by)), dmul(az, bz));
  const nv = f64x2.sqrt(dadd(dadd(dmul(vx, vx), dmul(vy, vy)), dmul(vz, vz))), aw_ = f64x2.abs(w);
  const swap = f64x2.gt(nv, aw_);
  const num = v128.bitselect(aw_, nv, swap), den = v128.bitselect(nv, aw_, swap);
  // den > 0 ? (float)(num / den) : 0
  v128.store(ratio_out, f32x4.demote_f64x2_zero(v128.and(f64x2.div(num, den), f64x2.gt(den, f64x2.splat(0.0)))));
  v128.store(swap_out, swap);
}
const RATIO_LO: usize = memory.data(16), RATIO_HI: usize = memory.data(16);
const SWAP_LO: usize = memory.data(16), SWAP_HI: usize = memory.data(16);

/**
 * Geodesic angle in [0, π] between the rotations of a and b: 2·atan2(|vec(ā⊗b)|, |w(ā⊗b)|).
 * Scale cancels in the ratio, so no normalisation; the product is formed in float64 because its
 * vector part cancels catastrophically in float32 for angles near 1e-7 rad. Ratio in float64,
 * arctangent in float32: the angle then has float32 relative accuracy. `bad_a` as in quat_slerp.
 */
@inline export function quat_angle(a: usize, b: usize, o: usize, bad_a: usize): v128 {
  const a0 = v128.load(a), a1 = v128.load(a, 16), a2 = v128.load(a, 32), a3 = v128.load(a, 48);
  const b0 = v128.load(b), b1 = v128.load(b, 16), b2 = v128.load(b, 32), b3 = v128.load(b, 48);
  const ax = t4x(a0, a1, a2, a3), ay = t4y(a0, a1, a2, a3), az = t4z(a0, a1, a2, a3), aw = t4w(a0, a1, a2, a3);
  const bx = t4x(b0, b1, b2, b3), by = t4y(b0, b1, b2, b3), bz = t4z(b0, b1, b2, b3), bw = t4w(b0, b1, b2, b3);
  angle_ratio(lo(ax), lo(ay), lo(az), lo(aw), lo(bx), lo(by), lo(bz), lo(bw), RATIO_LO, SWAP_LO);
  angle_ratio(hi(ax), hi(ay), hi(az), hi(aw), hi(bx), hi(by), hi(bz), hi(bw), RATIO_HI, SWAP_HI);
  const ratio = v128.shuffle<f32>(v128.load(RATIO_LO), v128.load(RATIO_HI), 0, 1, 4, 5);
  const swap = v128.shuffle<i32>(v128.load(SWAP_LO), v128.load(SWAP_HI), 0, 2, 4, 6);
  const at = sk_atanf(ratio);
  v128.store(o, mul(splat(2.0), sel(swap, sub(splat(1.5707963267948966), at), at)));
  const na2 = v128.shuffle<f32>(dnorm2(lo(ax), lo(ay), lo(az), lo(aw)), dnorm2(hi(ax), hi(ay), hi(az), hi(aw)), 0, 1, 4, 5);
  const nb2 = v128.shuffle<f32>(dnorm2(lo(bx), lo(by), lo(bz), lo(bw)), dnorm2(hi(bx), hi(by), hi(bz), hi(bw)), 0, 1, 4, 5);
  const ma = norm2_bad(na2);
  v128.store(bad_a, ma);
  return v128.or(ma, norm2_bad(nb2));
}

// Counter-based random numbers: element i of seed s depends on (s, i) only, so every backend,
// thread split and chunking gives the same bits. lowbias32 (C. Wellons) as the mixer; u32 lanes.
@inline export function sk_hash32(x: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16)); x = i32x4.mul(x, i32x4.splat(0x7feb352d));
  x = v128.xor(x, i32x4.shr_u(x, 15)); x = i32x4.mul(x, i32x4.splat(<i32>0x846ca68b));
  x = v128.xor(x, i32x4.shr_u(x, 16));
  return x;
}
/** [0, 1), 24 bits, for lanes i (u32 lanes) of seed `seed` (all lanes equal). */
@inline export function sk_uniform(seed: v128, i: v128, k: u32): v128 {
  const h = sk_hash32(i32x4.add(sk_hash32(v128.xor(sk_hash32(seed), i)), i32x4.splat(<i32>(k * 0x9e3779b9))));
  return mul(f32x4.convert_i32x4_u(i32x4.shr_u(h, 8)), splat(5.9604644775390625e-8));
}

/** Uniform on SO(3): Shoemake, "Uniform random rotations", Graphics Gems III (1992). Items i..i+3. */
@inline export function quat_random(seed: u32, i: u32, o: usize): void {
  const sv = i32x4.splat(seed), iv = i32x4.add(i32x4.splat(i), i32x4(0, 1, 2, 3));
  const u1 = sk_uniform(sv, iv, 0), u2 = sk_uniform(sv, iv, 1), u3 = sk_uniform(sv, iv, 2);
  const r1 = sqrt(sub(splat(1.0), u1)), r2 = sqrt(u1);
  sk_sincosf(mul(splat(6.283185307179586), u2), S0, C0);
  sk_sincosf(mul(splat(6.283185307179586), u3), S1, C1);
  store4(o, mul(r1, v128.load(S0)), mul(r1, v128.load(C0)), mul(r2, v128.load(S1)), mul(r2, v128.load(C1)));
}

// ---- Drivers (native/drivers/quat.h) ----------------------------------------------------------
// Pointers into linear memory, `*_batch` false = broadcast that argument's single item, n = item
// count of the output. Each returns the index of the first item whose input was invalid, or -1.
// quat_slerp_batch and quat_angle_batch also record which input that was (bad_input()).

const BAD_A: usize = memory.data(16);
let badInput: i32 = -1;
/** After a failing quat_slerp_batch or quat_angle_batch: 0 if `a` was bad at that index, else 1 (`b`). */
export function bad_input(): i32 { return badInput; }

export function quat_multiply_batch(a: usize, a_batch: bool, b: usize, b_batch: bool, o: usize, n: i32): i32 {
  if (n <= 0) return -1;
  const sa = block_step(a_batch, 16), sb = block_step(b_batch, 16);
  a = broadcast(a, a_batch, 16, BCAST0); b = broadcast(b, b_batch, 16, BCAST1);
  for (let i = 0; i < n; i += 4) {
    const r = <usize>(n - i), tail = r < 4;
    quat_multiply(tail ? stage(a, a_batch, 16, r, STAGE0) : a, tail ? stage(b, b_batch, 16, r, STAGE1) : b,
      tail ? STAGE_OUT : o);
    if (tail) memory.copy(o, STAGE_OUT, r * 16);
    a += sa; b += sb; o += 64;
  }
  return -1;
}

export function quat_conjugate_batch(q: usize, o: usize, n: i32): i32 {
  for (let i = 0; i < n; i += 4) {
    const r = <usize>(n - i), tail = r < 4;
    quat_conjugate(tail ? stage(q, true, 16, r, STAGE0) : q, tail ? STAGE_OUT : o);
    if (tail) memory.copy(o, STAGE_OUT, r * 16);
    q += 64; o += 64;
  }
  return -1;
}

export function quat_invert_batch(q: usize, o: usize, n: i32): i32 {
  let bad = -1;
  for (let i = 0; i < n; i += 4) {
    const r = <usize>(n - i), tail = r < 4;
    const m = quat_invert(tail ? stage(q, true, 16, r, STAGE0) : q, tail ? STAGE_OUT : o);
    if (tail) memory.copy(o, STAGE_OUT, r * 16);
    bad = first_bad(bad, m, i);
    q += 64; o += 64;
  }
  return bad;
}

export function quat_normalize_batch(q: usize, o: usize, n: i32): i32 {
  let bad = -1;
  for (let i = 0; i < n; i += 4) {
    const r = <usize>(n - i), tail = r < 4;
    const m = quat_normalize(tail ? stage(q, true, 16, r, STAGE0) : q, tail ? STAGE_OUT : o);
    if (tail) memory.copy(o, STAGE_OUT, r * 16);
    bad = first_bad(bad, m, i);
    q += 64; o += 64;
  }
  return bad;
}

export function quat_rotate_batch(q: usize, q_batch: bool, v: usize, v_batch: bool, o: usize, n: i32): i32 {
  if (n <= 0) return -1;
  const sq = block_step(q_batch, 16), sv = block_step(v_batch, 12);
  q = broadcast(q, q_batch, 16, BCAST0); v = broadcast(v, v_batch, 12, BCAST1);
  let bad = -1;
  for (let i = 0; i < n; i += 4) {
    const r = <usize>(n - i), tail = r < 4;
    const m = quat_rotate(tail ? stage(q, q_batch, 16, r, STAGE0) : q, tail ? stage(v, v_batch, 12, r, STAGE1) : v,
      tail ? STAGE_OUT : o);
    if (tail) memory.copy(o, STAGE_OUT, r * 12);
    bad = first_bad(bad, m, i);
    q += sq; v += sv; o += 48;
  }
  return bad;
}

export function quat_from_axis_angle_batch(axis: usize, axis_batch: bool, angle: usize, angle_batch: bool,
  o: usize, n: i32): i32 {
  if (n <= 0) return -1;
  const sx = block_step(axis_batch, 12), sa = block_step(angle_batch, 4);
  axis = broadcast(axis, axis_batch, 12, BCAST0); angle = broadcast(angle, angle_batch, 4, BCAST1);
  let bad = -1;
  for (let i = 0; i < n; i += 4) {
    const r = <usize>(n - i), tail = r < 4;
    const m = quat_from_axis_angle(tail ? stage(axis, axis_batch, 12, r, STAGE0) : axis,
      tail ? stage(angle, angle_batch, 4, r, STAGE1) : angle, tail ? STAGE_OUT : o);
    if (tail) memory.copy(o, STAGE_OUT, r * 16);
    bad = first_bad(bad, m, i);
    axis += sx; angle += sa; o += 64;
  }
  return bad;
}

export function quat_from_euler_batch(a: usize, order: i32, o: usize, n: i32): i32 {
  for (let i = 0; i < n; i += 4) {
    const r = <usize>(n - i), tail = r < 4;
    quat_from_euler(tail ? stage(a, true, 12, r, STAGE0) : a, order, tail ? STAGE_OUT : o);
    if (tail) memory.copy(o, STAGE_OUT, r * 16);
    a += 48; o += 64;
  }
  return -1;
}

export function quat_to_matrix_batch(q: usize, o: usize, n: i32): i32 {
  let bad = -1;
  for (let i = 0; i < n; i += 4) {
    const r = <usize>(n - i), tail = r < 4;
    const m = quat_to_matrix(tail ? stage(q, true, 16, r, STAGE0) : q, tail ? STAGE_OUT : o);
    if (tail) memory.copy(o, STAGE_OUT, r * 36);
    bad = first_bad(bad, m, i);
    q += 64; o += 144;
  }
  return bad;
}

export function quat_from_matrix_batch(m: usize, o: usize, n: i32): i32 {
  for (let i = 0; i < n; i += 4) {
    const r = <usize>(n - i), tail = r < 4;
    quat_from_matrix(tail ? stage(m, true, 36, r, STAGE0) : m, tail ? STAGE_OUT : o);
    if (tail) memory.copy(o, STAGE_OUT, r * 16);
    m += 144; o += 64;
  }
  return -1;
}

/** The first bad item of a two-input body, recording in badInput whether `a` (0) or `b` (1) was bad. */
@inline function first_bad2(bad: i32, m: v128, i: i32): i32 {
  const k = first_bad(bad, m, i);
  if (k >= 0 && bad < 0) badInput = (i32x4.bitmask(v128.load(BAD_A)) >> (k - i)) & 1 ? 0 : 1;
  return k;
}

export function quat_slerp_batch(a: usize, a_batch: bool, b: usize, b_batch: bool, t: usize, t_batch: bool,
  o: usize, n: i32): i32 {
  badInput = -1;
  if (n <= 0) return -1;
  const sa = block_step(a_batch, 16), sb = block_step(b_batch, 16), st = block_step(t_batch, 4);
  a = broadcast(a, a_batch, 16, BCAST0); b = broadcast(b, b_batch, 16, BCAST1); t = broadcast(t, t_batch, 4, BCAST2);
  let bad = -1;
  for (let i = 0; i < n; i += 4) {
    const r = <usize>(n - i), tail = r < 4;
    const m = quat_slerp(tail ? stage(a, a_batch, 16, r, STAGE0) : a, tail ? stage(b, b_batch, 16, r, STAGE1) : b,
      tail ? stage(t, t_batch, 4, r, STAGE2) : t, tail ? STAGE_OUT : o, BAD_A);
    if (tail) memory.copy(o, STAGE_OUT, r * 16);
    bad = first_bad2(bad, m, i);
    a += sa; b += sb; t += st; o += 64;
  }
  return bad;
}

export function quat_angle_batch(a: usize, a_batch: bool, b: usize, b_batch: bool, o: usize, n: i32): i32 {
  badInput = -1;
  if (n <= 0) return -1;
  const sa = block_step(a_batch, 16), sb = block_step(b_batch, 16);
  a = broadcast(a, a_batch, 16, BCAST0); b = broadcast(b, b_batch, 16, BCAST1);
  let bad = -1;
  for (let i = 0; i < n; i += 4) {
    const r = <usize>(n - i), tail = r < 4;
    const m = quat_angle(tail ? stage(a, a_batch, 16, r, STAGE0) : a, tail ? stage(b, b_batch, 16, r, STAGE1) : b,
      tail ? STAGE_OUT : o, BAD_A);
    if (tail) memory.copy(o, STAGE_OUT, r * 4);
    bad = first_bad2(bad, m, i);
    a += sa; b += sb; o += 16;
  }
  return bad;
}

/** Items first .. first + n − 1 of the sequence of `seed` (counter-based: any split gives the same bits). */
export function quat_random_batch(seed: u32, first: u32, o: usize, n: i32): i32 {
  for (let i = 0; i < n; i += 4) {
    const r = <usize>(n - i), tail = r < 4;
    quat_random(seed, first + <u32>i, tail ? STAGE_OUT : o);
    if (tail) memory.copy(o, STAGE_OUT, r * 16);
    o += 64;
  }
  return -1;
}

// ---- Parity with scipy's Rotation: bodies (native/kernels/quat.h) ------------------------------

/** Wraps an angle in [−2π, 2π] into [−π, π]. */
@inline function quat_wrap_pi(a: v128): v128 {
  return sel(lt(a, splat(-3.14159265358979)), add(a, splat(6.28318530717959)),
    sel(gt(a, splat(3.14159265358979)), sub(a, splat(6.28318530717959)), a));
}
/** Component `axis` (0, 1, 2) of (x, y, z). */
@inline function pick(axis: i32, x: v128, y: v128, z: v128): v128 { return axis == 0 ? x : axis == 1 ? y : z; }

/**
 * Euler angles of q/|q| by axis (a_x, a_y, a_z): Bernardes & Viollet, PLoS ONE 17(11), 2022, for
 * the extrinsic sequence (i, j, k); gimbal lock within 2^-20 rad of ±π/2 sets the angle of the
 * order's last letter to 0 and the middle to exactly ±π/2. See the C body for the conventions.
 */
@inline export function quat_to_euler(q: usize, order: i32, extrinsic: bool, o: usize): v128 {
  const r0 = v128.load(q), r1 = v128.load(q, 16), r2 = v128.load(q, 32), r3 = v128.load(q, 48);
  const x = t4x(r0, r1, r2, r3), y = t4y(r0, r1, r2, r3), z = t4z(r0, r1, r2, r3), w = t4w(r0, r1, r2, r3);
  const n2 = norm2(x, y, z, w);
  const inv = div(splat(1.0), sqrt(n2));
  const ux = mul(x, inv), uy = mul(y, inv), uz = mul(z, inv);
  const s = mul(w, inv);
  const o0 = quat_euler_axis(order, 0), j = quat_euler_axis(order, 1), o2 = quat_euler_axis(order, 2);
  const i = extrinsic ? o0 : o2, k = extrinsic ? o2 : o0;
  const sign: f32 = (i - j) * (j - k) * (k - i) > 0 ? 1.0 : -1.0;  // +1 for a cyclic (i, j, k)
  const qi = pick(i, ux, uy, uz), qj = pick(j, ux, uy, uz), qk = mul(splat(sign), pick(k, ux, uy, uz));
  const a = sub(s, qj), b = add(qi, qk), c = add(qj, s), d = sub(qk, qi);
  const hab = sqrt(add(mul(a, a), mul(b, b))), hcd = sqrt(add(mul(c, c), mul(d, d)));
  const beta = sub(mul(splat(2.0), sk_atan2_pos(hcd, hab)), splat(1.5707963267948966));
  const half_sum = sk_atan2f(b, a), half_diff = sk_atan2f(d, c);
  const lock_lo = f32x4.le(hcd, mul(splat(4.76837158203125e-7), hab));
  const lock_hi = f32x4.le(hab, mul(splat(4.76837158203125e-7), hcd));
  const both = sel(lock_lo, mul(splat(2.0), half_sum), mul(splat(-2.0), half_diff));
  const lock = v128.or(lock_lo, lock_hi);
  const zero = splat(0.0);
  const alpha = sel(lock, extrinsic ? both : zero, sub(half_sum, half_diff));
  const gamma = sel(lock, extrinsic ? zero : sel(lock_lo, mul(splat(sign), both), mul(splat(-sign), both)),
    mul(splat(sign), add(half_sum, half_diff)));
  const A = quat_wrap_pi(alpha), G = quat_wrap_pi(gamma);
  const B = sel(lock_lo, splat(-1.5707963267948966), sel(lock_hi, splat(1.5707963267948966), beta));
  store3(o, i == 0 ? A : j == 0 ? B : G, i == 1 ? A : j == 1 ? B : G, i == 2 ? A : j == 2 ? B : G);
  return norm2_bad(n2);
}

/** Rotation vector (axis × angle, angle in [0, π]) of q/|q|; see the C body for the accuracy argument. */
@inline export function quat_to_rotvec(q: usize, o: usize): v128 {
  const r0 = v128.load(q), r1 = v128.load(q, 16), r2 = v128.load(q, 32), r3 = v128.load(q, 48);
  const x = t4x(r0, r1, r2, r3), y = t4y(r0, r1, r2, r3), z = t4z(r0, r1, r2, r3), w = t4w(r0, r1, r2, r3);
  const n2 = norm2(x, y, z, w);
  const inv = div(sel(lt(w, splat(0.0)), splat(-1.0), splat(1.0)), sqrt(n2));
  const ux = mul(x, inv), uy = mul(y, inv), uz = mul(z, inv), s = mul(w, inv);
  const un2 = add(add(mul(ux, ux), mul(uy, uy)), mul(uz, uz)), un = sqrt(un2);
  const angle = mul(splat(2.0), sk_atan2_pos(un, s));
  const f = sel(gt(un2, splat(7.88860905e-31)), div(angle, un), div(splat(2.0), s));
  store3(o, mul(ux, f), mul(uy, f), mul(uz, f));
  return norm2_bad(n2);
}

/** Unit quaternion of the rotation vector v; series below |v| = 1e-3. Bad lanes: |v|² not finite. */
@inline export function quat_from_rotvec(v: usize, o: usize): v128 {
  const v0 = v128.load(v), v1 = v128.load(v, 16), v2 = v128.load(v, 32);
  const vx = t3x(v0, v1, v2), vy = t3y(v0, v1, v2), vz = t3z(v0, v1, v2);
  const t2 = add(add(mul(vx, vx), mul(vy, vy)), mul(vz, vz)), t = sqrt(t2);
  sk_sincosf(mul(splat(0.5), t), S0, C0);
  const f = sel(lt(t, splat(1e-3)), sub(splat(0.5), mul(t2, splat(2.0833333333333333e-2))), div(v128.load(S0), t));
  store4(o, mul(vx, f), mul(vy, f), mul(vz, f), v128.load(C0));
  return v128.not(f32x4.le(t2, splat(3.40282347e+38)));
}

/** a·b, x, y, z, w in that order. */
@inline export function quat_dot(a: usize, b: usize, o: usize): void {
  const a0 = v128.load(a), a1 = v128.load(a, 16), a2 = v128.load(a, 32), a3 = v128.load(a, 48);
  const b0 = v128.load(b), b1 = v128.load(b, 16), b2 = v128.load(b, 32), b3 = v128.load(b, 48);
  const ax = t4x(a0, a1, a2, a3), ay = t4y(a0, a1, a2, a3), az = t4z(a0, a1, a2, a3), aw = t4w(a0, a1, a2, a3);
  const bx = t4x(b0, b1, b2, b3), by = t4y(b0, b1, b2, b3), bz = t4z(b0, b1, b2, b3), bw = t4w(b0, b1, b2, b3);
  v128.store(o, add(add(add(mul(ax, bx), mul(ay, by)), mul(az, bz)), mul(aw, bw)));
}

// ---- Parity with scipy's Rotation: drivers (native/drivers/quat.h) -----------------------------

export function quat_to_euler_batch(q: usize, order: i32, extrinsic: bool, o: usize, n: i32): i32 {
  let bad = -1;
  for (let i = 0; i < n; i += 4) {
    const r = <usize>(n - i), tail = r < 4;
    const m = quat_to_euler(tail ? stage(q, true, 16, r, STAGE0) : q, order, extrinsic, tail ? STAGE_OUT : o);
    if (tail) memory.copy(o, STAGE_OUT, r * 12);
    bad = first_bad(bad, m, i);
    q += 64; o += 48;
  }
  return bad;
}

export function quat_to_rotvec_batch(q: usize, o: usize, n: i32): i32 {
  let bad = -1;
  for (let i = 0; i < n; i += 4) {
    const r = <usize>(n - i), tail = r < 4;
    const m = quat_to_rotvec(tail ? stage(q, true, 16, r, STAGE0) : q, tail ? STAGE_OUT : o);
    if (tail) memory.copy(o, STAGE_OUT, r * 12);
    bad = first_bad(bad, m, i);
    q += 64; o += 48;
  }
  return bad;
}

export function quat_from_rotvec_batch(v: usize, o: usize, n: i32): i32 {
  let bad = -1;
  for (let i = 0; i < n; i += 4) {
    const r = <usize>(n - i), tail = r < 4;
    const m = quat_from_rotvec(tail ? stage(v, true, 12, r, STAGE0) : v, tail ? STAGE_OUT : o);
    if (tail) memory.copy(o, STAGE_OUT, r * 16);
    bad = first_bad(bad, m, i);
    v += 48; o += 64;
  }
  return bad;
}

export function quat_dot_batch(a: usize, a_batch: bool, b: usize, b_batch: bool, o: usize, n: i32): i32 {
  if (n <= 0) return -1;
  const sa = block_step(a_batch, 16), sb = block_step(b_batch, 16);
  a = broadcast(a, a_batch, 16, BCAST0); b = broadcast(b, b_batch, 16, BCAST1);
  for (let i = 0; i < n; i += 4) {
    const r = <usize>(n - i), tail = r < 4;
    quat_dot(tail ? stage(a, a_batch, 16, r, STAGE0) : a, tail ? stage(b, b_batch, 16, r, STAGE1) : b,
      tail ? STAGE_OUT : o);
    if (tail) memory.copy(o, STAGE_OUT, r * 4);
    a += sa; b += sb; o += 16;
  }
  return -1;
}
