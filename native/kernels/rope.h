// RoPE-family kernel bodies (DESIGN §4): QuatRoPE, IGRE, and the pair rotations behind RoPE,
// M-RoPE and mixed 3-D RoPE. Each operation is split in two:
//   a per-token table — the rotation of each 3-dim segment (3×3 matrix) or of each pair (cos, sin),
//     computed once per token from its position, with the angle reduced in float64;
//   a per-element apply — a few multiply-adds from that table, which is all the memory-bound loop
//     over the token's H·D values does.
// Drivers (CPU, CUDA) and the AssemblyScript port (wasm/assembly/rope.ts) call these bodies in the
// same order of operations, so every backend rounds alike.
#pragma once
#include "common.h"
#include "math.h"

// Storage types of x and out: float32, or IEEE binary16 / bfloat16 bits in a uint16 (computed in
// float32, rounded to nearest even on store).
enum rope_dtype : int { ROPE_F32 = 0, ROPE_F16 = 1, ROPE_BF16 = 2 };

SK_HD float rope_bits_to_float(uint32_t u) { union { uint32_t u; float f; } v; v.u = u; return v.f; }
SK_HD uint32_t rope_float_to_bits(float f) { union { float f; uint32_t u; } v; v.f = f; return v.u; }

// binary16 → float32, exact, branch-free: the exponent/mantissa bits shifted into float position
// are the value times 2^-112 (subnormals included), so one multiply by 2^112 rebiases; inf/NaN get
// the all-ones exponent back (F. Giesen, "half_to_float_fast5").
SK_HD float rope_f16_to_f32(uint16_t h) {
  const uint32_t em = (uint32_t)(h & 0x7fffu);
  const float mag = rope_bits_to_float(em << 13) * 5.192296858534828e+33f;  // 2^112
  const uint32_t bits = rope_float_to_bits(mag) | (em >= 0x7c00u ? 0x7f800000u : 0u);
  return rope_bits_to_float(bits | ((uint32_t)(h & 0x8000u) << 16));
}

// float32 → binary16, round to nearest even, branch-free (Giesen, "float_to_half_fast3_rtne"):
// overflow → inf, NaN → quiet NaN, results below 2^-14 rounded by adding 0.5f (aligns the 10
// mantissa bits at the bottom so the FPU's own rounding does the work).
SK_HD uint16_t rope_f32_to_f16(float f) {
  const uint32_t x = rope_float_to_bits(f);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t a = x & 0x7fffffffu;
  const uint32_t inf_nan = a > 0x7f800000u ? 0x7e00u : 0x7c00u;
  const uint32_t sub = rope_float_to_bits(rope_bits_to_float(a) + 0.5f) - 0x3f000000u;
  const uint32_t nrm = (a + 0xc8000fffu + ((a >> 13) & 1u)) >> 13;  // rebias (15 − 127) << 23, round
  const uint32_t o = a >= 0x47800000u ? inf_nan : (a < 0x38800000u ? sub : nrm);
  return (uint16_t)(o | sign);
}

SK_HD float rope_bf16_to_f32(uint16_t h) { return rope_bits_to_float((uint32_t)h << 16); }

// float32 → bfloat16, round to nearest even; NaN stays a (quiet) NaN.
SK_HD uint16_t rope_f32_to_bf16(float f) {
  const uint32_t x = rope_float_to_bits(f);
  const uint32_t r = (x + 0x7fffu + ((x >> 16) & 1u)) >> 16;
  return (uint16_t)((x & 0x7fffffffu) > 0x7f800000u ? (x >> 16) | 0x40u : r);
}

template <int DT> struct rope_store;
template <> struct rope_store<ROPE_F32> {
  using T = float;
  static SK_HD float load(float v) { return v; }
  static SK_HD float store(float v) { return v; }
};
template <> struct rope_store<ROPE_F16> {
  using T = uint16_t;
  static SK_HD float load(uint16_t v) { return rope_f16_to_f32(v); }
  static SK_HD uint16_t store(float v) { return rope_f32_to_f16(v); }
};
template <> struct rope_store<ROPE_BF16> {
  using T = uint16_t;
  static SK_HD float load(uint16_t v) { return rope_bf16_to_f32(v); }
  static SK_HD uint16_t store(float v) { return rope_f32_to_bf16(v); }
};

// An angle given in float64 (positions up to ~1e4 times frequencies up to ~1), reduced to [−π, π]
// in float64 so that the float32 sin/cos of math.h works on a small argument.
SK_HD float rope_reduce(double phi) {
  const double k = floor(phi * 0.15915494309189535 + 0.5);
  return (float)(phi - k * 6.283185307179586);
}

// QuatRoPE rotation of one segment: R = Rz(c)·Ry(b)·Rx(a), with (a, b, c) = θ_s·(sx·px, sy·py,
// sz·pz) (`theta3` holds θ_s·s per axis), row-major into m[9].
SK_HD void rope_quat_matrix(const float* p, const double* theta3, float* m) {
  float sa, ca, sb, cb, sc, cc;
  sk_sincosf(rope_reduce(theta3[0] * (double)p[0]), &sa, &ca);
  sk_sincosf(rope_reduce(theta3[1] * (double)p[1]), &sb, &cb);
  sk_sincosf(rope_reduce(theta3[2] * (double)p[2]), &sc, &cc);
  const float sbsa = sb * sa, sbca = sb * ca;
  m[0] = cc * cb; m[1] = cc * sbsa - sc * ca; m[2] = cc * sbca + sc * sa;
  m[3] = sc * cb; m[4] = sc * sbsa + cc * ca; m[5] = sc * sbca - cc * sa;
  m[6] = -sb;     m[7] = cb * sa;             m[8] = cb * ca;
}

// Element k = 3s + r of a segment: out_r = M[r][r]·x_r + M[r][r+1]·x_{r+1} + M[r][r+2]·x_{r+2}
// (indices mod 3). The table holds these three coefficients per element (c0, c1, c2), so the
// apply loop is the same three multiply-adds for every element and vectorizes.
SK_HD void rope_quat_coeffs(const float* m, int r, float* c0, float* c1, float* c2) {
  const int r1 = r == 2 ? 0 : r + 1, r2 = r == 0 ? 2 : r - 1;
  *c0 = m[3 * r + r]; *c1 = m[3 * r + r1]; *c2 = m[3 * r + r2];
}
SK_HD float rope_quat_apply(float c0, float c1, float c2, float xr, float x1, float x2) {
  return c0 * xr + c1 * x1 + c2 * x2;
}

// IGRE extension segment: R_s(p)·b (b unit), three values.
SK_HD void rope_igre_segment(const float* p, const double* theta3, const float* b, float* e) {
  float m[9];
  rope_quat_matrix(p, theta3, m);
  e[0] = m[0] * b[0] + m[1] * b[1] + m[2] * b[2];
  e[1] = m[3] * b[0] + m[4] * b[1] + m[5] * b[2];
  e[2] = m[6] * b[0] + m[7] * b[1] + m[8] * b[2];
}

// Pair rotations: pair j turns by φ_j = Σ_a W[j, a]·p_a (A = 1: RoPE, W = inv_freq; A = 3:
// M-RoPE with one non-zero per row, or mixed 3-D RoPE with ω_j). Sum in float64, then reduce.
SK_HD void rope_pair_angle(const float* p, int A, const double* w, float* c, float* s) {
  double phi = w[0] * (double)p[0];
  for (int a = 1; a < A; ++a) phi += w[a] * (double)p[a];
  sk_sincosf(rope_reduce(phi), s, c);
}
// (a, b) → (a cosφ − b sinφ, a sinφ + b cosφ).
SK_HD float rope_pair_first(float c, float s, float a, float b) { return a * c - b * s; }
SK_HD float rope_pair_second(float c, float s, float a, float b) { return a * s + b * c; }

// A position row is usable when all of its A coordinates are finite.
SK_HD bool rope_position_ok(const float* p, int A) {
  bool ok = true;
  for (int a = 0; a < A; ++a) ok = ok && isfinite(p[a]);
  return ok;
}
