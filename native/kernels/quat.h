// Quaternion kernel bodies. Layout [x, y, z, w] (scalar last), Hamilton product (DESIGN §4).
// Each body reads all of its inputs into locals before writing, so `out` may alias an input.
// Bodies that need a rotation use q/|q| and return SK_BAD unless |q|² is a normal float in
// [2^-126, 2^126]: then 1/|q|² and 1/|q| are normal too, so every valid in-place output is again a
// valid input (the driver re-checks a failing range to find its first bad item).
#pragma once
#include "common.h"
#include "math.h"

// False for NaN too. `&` rather than `&&`: no branch, so loops that use it stay vectorizable.
SK_HD bool quat_norm2_ok(float n2) { return (n2 >= 1.17549435e-38f) & (n2 <= 8.50705917e+37f); }

SK_HD void quat_multiply(const float* a, const float* b, float* o) {
  const float ax = a[0], ay = a[1], az = a[2], aw = a[3];
  const float bx = b[0], by = b[1], bz = b[2], bw = b[3];
  // Subtractions written as sums of negated products: the same IEEE result, but it keeps GCC's
  // SLP vectorizer from fusing the mixed add/sub lanes into vfmsubadd (which ignores
  // -ffp-contract=off), so every ISA level and backend rounds identically.
  o[0] = aw * bx + ax * bw + ay * bz + -az * by;
  o[1] = aw * by + -ax * bz + ay * bw + az * bx;
  o[2] = aw * bz + ax * by + -ay * bx + az * bw;
  o[3] = aw * bw + -ax * bx + -ay * by + -az * bz;
}

SK_HD void quat_conjugate(const float* q, float* o) {
  const float x = q[0], y = q[1], z = q[2], w = q[3];
  o[0] = -x; o[1] = -y; o[2] = -z; o[3] = w;
}

// True inverse conj(q)/|q|².
SK_HD int quat_invert(const float* q, float* o) {
  const float x = q[0], y = q[1], z = q[2], w = q[3];
  const float n2 = x * x + y * y + z * z + w * w;
  const float s = 1.0f / n2;
  o[0] = -x * s; o[1] = -y * s; o[2] = -z * s; o[3] = w * s;
  return quat_norm2_ok(n2) ? SK_OK : SK_BAD;
}

SK_HD int quat_normalize(const float* q, float* o) {
  const float x = q[0], y = q[1], z = q[2], w = q[3];
  const float n2 = x * x + y * y + z * z + w * w;
  const float s = 1.0f / sqrtf(n2);
  o[0] = x * s; o[1] = y * s; o[2] = z * s; o[3] = w * s;
  return quat_norm2_ok(n2) ? SK_OK : SK_BAD;
}

// v' = v + (2/|q|²)·(w·(u×v) + u×(u×v)), u = vector part: the rotation of q/|q| without a sqrt.
SK_HD int quat_rotate(const float* q, const float* v, float* o) {
  const float x = q[0], y = q[1], z = q[2], w = q[3];
  const float vx = v[0], vy = v[1], vz = v[2];
  const float n2 = x * x + y * y + z * z + w * w;
  const float s = 2.0f / n2;
  const float cx = y * vz - z * vy, cy = z * vx - x * vz, cz = x * vy - y * vx;   // u×v
  const float dx = y * cz - z * cy, dy = z * cx - x * cz, dz = x * cy - y * cx;   // u×(u×v)
  o[0] = vx + s * (w * cx + dx);
  o[1] = vy + s * (w * cy + dy);
  o[2] = vz + s * (w * cz + dz);
  return quat_norm2_ok(n2) ? SK_OK : SK_BAD;
}

SK_HD int quat_from_axis_angle(const float* axis, float angle, float* o) {
  const float ax = axis[0], ay = axis[1], az = axis[2];
  const float n2 = ax * ax + ay * ay + az * az;
  float s, c;
  sk_sincosf(0.5f * angle, &s, &c);
  const float k = s / sqrtf(n2);
  o[0] = ax * k; o[1] = ay * k; o[2] = az * k; o[3] = c;
  return quat_norm2_ok(n2) ? SK_OK : SK_BAD;
}

// Euler orders as axis indices, first letter = leftmost factor: 'zyx' = q_z ⊗ q_y ⊗ q_x
// (x applied first). `a` holds (a_x, a_y, a_z) by axis whatever the order.
enum quat_euler_order : int { EULER_XYZ = 0, EULER_XZY, EULER_YXZ, EULER_YZX, EULER_ZXY, EULER_ZYX };
SK_HD int quat_euler_axis(int order, int k) {
  // Digits of each order's axes, packed: xyz=012, xzy=021, yxz=102, yzx=120, zxy=201, zyx=210.
  // Ternaries rather than a table, so a constant order folds and the loop vectorizes.
  const int packed = order == EULER_XYZ ? 0x012 : order == EULER_XZY ? 0x021 : order == EULER_YXZ ? 0x102
                   : order == EULER_YZX ? 0x120 : order == EULER_ZXY ? 0x201 : 0x210;
  return (packed >> (4 * (2 - k))) & 0xF;
}

SK_HD void quat_from_euler(const float* a, int order, float* o) {
  float s[3], c[3];
  sk_sincosf(0.5f * a[0], &s[0], &c[0]);
  sk_sincosf(0.5f * a[1], &s[1], &c[1]);
  sk_sincosf(0.5f * a[2], &s[2], &c[2]);
  float q[4] = {0.0f, 0.0f, 0.0f, 1.0f};
  for (int k = 0; k < 3; ++k) {
    const int ax = quat_euler_axis(order, k);
    float e[4] = {0.0f, 0.0f, 0.0f, c[ax]};
    e[ax] = s[ax];
    quat_multiply(q, e, q);
  }
  o[0] = q[0]; o[1] = q[1]; o[2] = q[2]; o[3] = q[3];
}

// Row-major 3×3 matrix of the rotation q/|q|.
// The row-major rotation matrix of q/|q| from (x, y, z, w) and n2 = |q|², in T arithmetic: float
// for sk.quat.toMatrix, double for the boxes of kernels/collide.h.
template <class T>
SK_HD void quat_matrix_of(T x, T y, T z, T w, T n2, T* m) {
  const T s = T(2) / n2;
  const T xx = s * x * x, yy = s * y * y, zz = s * z * z;
  const T xy = s * x * y, xz = s * x * z, yz = s * y * z;
  const T xw = s * x * w, yw = s * y * w, zw = s * z * w;
  m[0] = T(1) - (yy + zz); m[1] = xy - zw;          m[2] = xz + yw;
  m[3] = xy + zw;          m[4] = T(1) - (xx + zz); m[5] = yz - xw;
  m[6] = xz - yw;          m[7] = yz + xw;          m[8] = T(1) - (xx + yy);
}

SK_HD int quat_to_matrix(const float* q, float* m) {
  const float x = q[0], y = q[1], z = q[2], w = q[3];
  const float n2 = x * x + y * y + z * z + w * w;
  quat_matrix_of(x, y, z, w, n2, m);
  return quat_norm2_ok(n2) ? SK_OK : SK_BAD;
}

// Shepperd's method without branches: take the largest of 4w², 4x², 4y², 4z² from the diagonal,
// the other three from off-diagonal sums, so accuracy holds near 180° (trace → −1). w ≥ 0.
SK_HD void quat_from_matrix(const float* m, float* o) {
  const float m00 = m[0], m01 = m[1], m02 = m[2], m10 = m[3], m11 = m[4], m12 = m[5];
  const float m20 = m[6], m21 = m[7], m22 = m[8];
  const float t0 = 1.0f + m00 + m11 + m22, t1 = 1.0f + m00 - m11 - m22;
  const float t2 = 1.0f - m00 + m11 - m22, t3 = 1.0f - m00 - m11 + m22;
  const int k01 = t1 > t0 ? 1 : 0, k23 = t3 > t2 ? 3 : 2;
  const float t01 = k01 ? t1 : t0, t23 = k23 == 3 ? t3 : t2;
  const int k = t23 > t01 ? k23 : k01;
  const float t = t23 > t01 ? t23 : t01;
  const float f = 0.5f / sqrtf(t), big = t * f;
  const float p = (m21 - m12) * f, q = (m02 - m20) * f, r = (m10 - m01) * f;
  const float s01 = (m01 + m10) * f, s02 = (m02 + m20) * f, s12 = (m12 + m21) * f;
  float x = k == 0 ? p : (k == 1 ? big : (k == 2 ? s01 : s02));
  float y = k == 0 ? q : (k == 1 ? s01 : (k == 2 ? big : s12));
  float z = k == 0 ? r : (k == 1 ? s02 : (k == 2 ? s12 : big));
  float w = k == 0 ? big : (k == 1 ? p : (k == 2 ? q : r));
  const float sign = w < 0.0f ? -1.0f : 1.0f;
  const float inv = sign / sqrtf(x * x + y * y + z * z + w * w);  // re-unit for slightly non-orthonormal input
  o[0] = x * inv; o[1] = y * inv; o[2] = z * inv; o[3] = w * inv;
}

// Shortest-arc slerp of a/|a| and b/|b| (b flipped only when dot < 0). The half-angle
// θ = 2·atan2(|a−b|, |a+b|) stays accurate for nearly equal inputs, where acos(dot) does not.
SK_HD int quat_slerp(const float* a, const float* b, float t, float* o) {
  float ax = a[0], ay = a[1], az = a[2], aw = a[3];
  float bx = b[0], by = b[1], bz = b[2], bw = b[3];
  const float na2 = ax * ax + ay * ay + az * az + aw * aw;
  const float nb2 = bx * bx + by * by + bz * bz + bw * bw;
  const float ia = 1.0f / sqrtf(na2);
  const float ib0 = 1.0f / sqrtf(nb2);
  const float dot = ax * bx + ay * by + az * bz + aw * bw;
  const float ib = dot < 0.0f ? -ib0 : ib0;
  ax *= ia; ay *= ia; az *= ia; aw *= ia;
  bx *= ib; by *= ib; bz *= ib; bw *= ib;
  const float dx = ax - bx, dy = ay - by, dz = az - bz, dw = aw - bw;
  const float sx = ax + bx, sy = ay + by, sz = az + bz, sw = aw + bw;
  const float theta = 2.0f * sk_atan2_pos(sqrtf(dx * dx + dy * dy + dz * dz + dw * dw),
                                          sqrtf(sx * sx + sy * sy + sz * sz + sw * sw));
  float st, ct, s0, c0, s1, c1;
  sk_sincosf(theta, &st, &ct);
  sk_sincosf((1.0f - t) * theta, &s0, &c0);
  sk_sincosf(t * theta, &s1, &c1);
  // Below 1e-6 rad the sine ratios are 1 − t and t to float precision (and θ = 0 would be 0/0).
  const bool tiny = theta < 1e-6f;
  const float wa = tiny ? 1.0f - t : s0 / st;
  const float wb = tiny ? t : s1 / st;
  o[0] = wa * ax + wb * bx; o[1] = wa * ay + wb * by; o[2] = wa * az + wb * bz; o[3] = wa * aw + wb * bw;
  return quat_norm2_ok(na2) & quat_norm2_ok(nb2) ? SK_OK : SK_BAD;
}

// Geodesic angle in [0, π] between the rotations of a and b: 2·atan2(|vec(ā⊗b)|, |w(ā⊗b)|).
// Scale cancels in the ratio, so no normalisation; the product is formed in float64 because its
// vector part cancels catastrophically in float32 for angles near 1e-7 rad.
SK_HD int quat_angle(const float* a, const float* b, float* o) {
  const double ax = a[0], ay = a[1], az = a[2], aw = a[3];
  const double bx = b[0], by = b[1], bz = b[2], bw = b[3];
  const double vx = aw * bx - bw * ax - (ay * bz - az * by);
  const double vy = aw * by - bw * ay - (az * bx - ax * bz);
  const double vz = aw * bz - bw * az - (ax * by - ay * bx);
  const double w = aw * bw + ax * bx + ay * by + az * bz;
  const double nv = sqrt(vx * vx + vy * vy + vz * vz), aw_ = fabs(w);
  // Ratio in float64, arctangent in float32: the angle then has float32 relative accuracy.
  const bool swap = nv > aw_;
  const double num = swap ? aw_ : nv, den = swap ? nv : aw_;
  const float at = sk_atanf(den > 0.0 ? (float)(num / den) : 0.0f);
  o[0] = 2.0f * (swap ? 1.5707963267948966f - at : at);
  const float na2 = (float)(ax * ax + ay * ay + az * az + aw * aw);
  const float nb2 = (float)(bx * bx + by * by + bz * bz + bw * bw);
  return quat_norm2_ok(na2) & quat_norm2_ok(nb2) ? SK_OK : SK_BAD;
}

// Counter-based random numbers: element i of seed s depends on (s, i) only, so every backend,
// thread split and chunking gives the same bits. lowbias32 (C. Wellons) as the mixer.
SK_HD uint32_t sk_hash32(uint32_t x) {
  x ^= x >> 16; x *= 0x7feb352du; x ^= x >> 15; x *= 0x846ca68bu; x ^= x >> 16;
  return x;
}
SK_HD float sk_uniform(uint32_t seed, uint32_t i, uint32_t k) {  // [0, 1), 24 bits
  const uint32_t h = sk_hash32(sk_hash32(sk_hash32(seed) ^ i) + k * 0x9e3779b9u);
  return (float)(h >> 8) * 5.9604644775390625e-8f;
}

// Uniform on SO(3): Shoemake, "Uniform random rotations", Graphics Gems III (1992).
SK_HD void quat_random(uint32_t seed, uint32_t i, float* o) {
  const float u1 = sk_uniform(seed, i, 0), u2 = sk_uniform(seed, i, 1), u3 = sk_uniform(seed, i, 2);
  const float r1 = sqrtf(1.0f - u1), r2 = sqrtf(u1);
  float s2, c2, s3, c3;
  sk_sincosf(6.283185307179586f * u2, &s2, &c2);
  sk_sincosf(6.283185307179586f * u3, &s3, &c3);
  o[0] = r1 * s2; o[1] = r1 * c2; o[2] = r2 * s3; o[3] = r2 * c3;
}

// ───── Parity with scipy's Rotation: Euler angles out, rotation vectors, dot ─────

// Wraps an angle in [−2π, 2π] into [−π, π].
SK_HD float quat_wrap_pi(float a) {
  return a < -3.14159265358979f ? a + 6.28318530717959f : (a > 3.14159265358979f ? a - 6.28318530717959f : a);
}

// Euler angles of q/|q| for the orders of quat_from_euler, written by axis (a_x, a_y, a_z) as
// quat_from_euler reads them, in radians: the middle letter's angle in [−π/2, π/2], the others in
// [−π, π]. extrinsic = 0 reads the order's letters as quat_from_euler does (factors left to right,
// i.e. intrinsic rotations: scipy's upper case); 1 reads them as rotations about the fixed axes in
// the order applied (scipy's lower case), i.e. the product reversed.
// Method: Bernardes & Viollet, "Quaternion to Euler angles conversion: a direct, general and
// computationally efficient method", PLoS ONE 17(11), 2022 (eqs. 3–8; scipy's as_euler), stated
// for the extrinsic sequence (i, j, k) with R = R_k·R_j·R_i.
// Gimbal lock (middle angle within kGimbal of ±π/2): only the sum or difference of the other two
// angles is defined; as scipy, the angle of the order's last letter is set to 0 and the first
// takes the whole; the middle angle is set to exactly ±π/2 (float32), which bounds the rotation
// error of the result by the distance to the lock instead of π times it. kGimbal = 2^-20 rad (~9.5e-7): float32 rounding of a quaternion built at
// exactly ±90° (fromEuler with float32 π/2) leaves |middle ∓ π/2| up to ~2.4e-7 (measured over
// 1.2e6 such inputs), which must still count as locked; the rotation error of a locked result is
// then at most ~kGimbal (checked in the tests).
SK_HD int quat_to_euler(const float* q, int order, int extrinsic, float* o) {
  const float x = q[0], y = q[1], z = q[2], w = q[3];
  const float n2 = x * x + y * y + z * z + w * w;
  const float inv = 1.0f / sqrtf(n2);  // unit q: the squares below can neither overflow nor underflow early
  const float u[3] = {x * inv, y * inv, z * inv};
  const float s = w * inv;
  const int o0 = quat_euler_axis(order, 0), j = quat_euler_axis(order, 1), o2 = quat_euler_axis(order, 2);
  const int i = extrinsic ? o0 : o2, k = extrinsic ? o2 : o0;
  const float sign = (i - j) * (j - k) * (k - i) > 0 ? 1.0f : -1.0f;  // +1 for a cyclic (i, j, k)
  const float qi = u[i], qj = u[j], qk = sign * u[k];
  const float a = s - qj, b = qi + qk, c = qj + s, d = qk - qi;  // paper eq. 5 (Tait–Bryan)
  const float hab = sqrtf(a * a + b * b), hcd = sqrtf(c * c + d * d);
  const float beta = 2.0f * sk_atan2_pos(hcd, hab) - 1.5707963267948966f;
  const float half_sum = sk_atan2f(b, a), half_diff = sk_atan2f(d, c);
  // tan(kGimbal/2) ≈ kGimbal/2 = 2^-21: compare the ratio, no second arctangent.
  const bool lock_lo = hcd <= 4.76837158203125e-7f * hab;  // β ≈ −π/2: only α + sign·γ = 2·half_sum is defined
  const bool lock_hi = hab <= 4.76837158203125e-7f * hcd;  // β ≈ +π/2: only α − sign·γ = −2·half_diff is
  const float both = lock_lo ? 2.0f * half_sum : -2.0f * half_diff;
  const bool lock = lock_lo | lock_hi;
  // Unlocked: α = half_sum − half_diff, γ = sign·(half_sum + half_diff) (eq. 8).
  float alpha = half_sum - half_diff, gamma = sign * (half_sum + half_diff);
  // Locked: the last letter's angle is 0 — γ (axis k) when extrinsic, α (axis i) otherwise.
  alpha = lock ? (extrinsic ? both : 0.0f) : alpha;
  gamma = lock ? (extrinsic ? 0.0f : (lock_lo ? sign * both : -sign * both)) : gamma;
  float r[3];
  r[i] = quat_wrap_pi(alpha);
  r[j] = lock_lo ? -1.5707963267948966f : (lock_hi ? 1.5707963267948966f : beta);
  r[k] = quat_wrap_pi(gamma);
  o[0] = r[0]; o[1] = r[1]; o[2] = r[2];
  return quat_norm2_ok(n2) ? SK_OK : SK_BAD;
}

// Rotation vector (unit axis × angle, angle in [0, π]) of q/|q|. With q scaled to w ≥ 0 (the
// shorter of the two arcs), angle = 2·atan2(|u|, w) for the vector part u, and v = u·angle/|u|.
// That ratio is 2·atan(|u|/w)/|u|: no cancellation, so angles down to 1e-30 keep float32 relative
// accuracy with no series; where |u|² is below 2^-100 (|u| < 9e-16) the ratio is its limit 2/w to
// float precision (and u = 0 would be 0/0). Near π, w → 0 and atan2 stays well conditioned.
SK_HD int quat_to_rotvec(const float* q, float* o) {
  const float x = q[0], y = q[1], z = q[2], w = q[3];
  const float n2 = x * x + y * y + z * z + w * w;
  const float inv = (w < 0.0f ? -1.0f : 1.0f) / sqrtf(n2);
  const float ux = x * inv, uy = y * inv, uz = z * inv, s = w * inv;
  const float un2 = ux * ux + uy * uy + uz * uz, un = sqrtf(un2);
  const float angle = 2.0f * sk_atan2_pos(un, s);
  const float f = un2 > 7.88860905e-31f ? angle / un : 2.0f / s;
  o[0] = ux * f; o[1] = uy * f; o[2] = uz * f;
  return quat_norm2_ok(n2) ? SK_OK : SK_BAD;
}

// Unit quaternion of the rotation vector v (angle θ = |v| about v/|v|): (v·sin(θ/2)/θ, cos(θ/2)).
// Below θ = 1e-3, sin(θ/2)/θ = 1/2 − θ²/48 + θ⁴/3840 − …, whose θ⁴ term (< 3e-16) is below float
// precision; the series also covers θ = 0 and θ² underflowing. SK_BAD when |v|² is not finite
// (a NaN or infinite component, or a length overflowing float32).
SK_HD int quat_from_rotvec(const float* v, float* o) {
  const float vx = v[0], vy = v[1], vz = v[2];
  const float t2 = vx * vx + vy * vy + vz * vz, t = sqrtf(t2);
  float s, c;
  sk_sincosf(0.5f * t, &s, &c);
  const float f = t < 1e-3f ? 0.5f - t2 * 2.0833333333333333e-2f : s / t;
  o[0] = vx * f; o[1] = vy * f; o[2] = vz * f; o[3] = c;
  return t2 <= 3.40282347e+38f ? SK_OK : SK_BAD;
}

// 4-D dot product a·b (x, y, z, w in that order), no normalisation: cos of half the angle between
// the rotations for unit inputs, up to sign.
SK_HD void quat_dot(const float* a, const float* b, float* o) {
  o[0] = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
}
