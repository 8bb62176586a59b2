// RoPE-family kernel bodies (DESIGN §4): QuatRoPE, IGRE, and the pair rotations behind RoPE,
// M-RoPE and mixed 3-D RoPE. Each operation is split in two:
//   a per-token table — the rotation of each 3-dim segment (3×3 matrix) or of each pair (cos, sin),
//     computed once per token from its position, with the angle reduced in float64;
//   a per-element apply — a few multiply-adds from that table, which is all the memory-bound loop
//     over the token's H·D values does (QuatRoPE: a 3×3 matrix times each segment).
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

// QuatRoPE rotation of one segment: R = Rz(c)·Ry(b)·Rx(a) with (a, b, c) = θ_s·(sx·px, sy·py, sz·pz),
// from the sines and cosines of the three angles; row-major into m[0], m[stride], …, m[8·stride]
// (stride S lets the CPU driver keep one array per matrix entry, so the apply loop vectorizes).
SK_HD void rope_quat_matrix(float sa, float ca, float sb, float cb, float sc, float cc, float* m, size_t stride) {
  // x − y written as x + −y throughout this file: the same IEEE result, but GCC's SLP vectorizer
  // then cannot fuse mixed add/sub lanes into vfmaddsub (which ignores -ffp-contract=off), so
  // every ISA level and backend rounds identically (see quat_multiply).
  const float sbsa = sb * sa, sbca = sb * ca;
  m[0] = cc * cb;          m[stride] = cc * sbsa + -sc * ca;     m[2 * stride] = cc * sbca + sc * sa;
  m[3 * stride] = sc * cb; m[4 * stride] = sc * sbsa + cc * ca;  m[5 * stride] = sc * sbca + -cc * sa;
  m[6 * stride] = -sb;     m[7 * stride] = cb * sa;              m[8 * stride] = cb * ca;
}

// sin and cos of θ·p for one axis of one segment (θ already times the axis scale).
SK_HD void rope_angle(double theta, float p, float* s, float* c) { sk_sincosf(rope_reduce(theta * (double)p), s, c); }

// Row r of R times the segment (a, b, c): m0·a + m1·b + m2·c.
SK_HD float rope_quat_apply(float m0, float m1, float m2, float a, float b, float c) { return m0 * a + m1 * b + m2 * c; }

// IGRE extension segment: R_s(p)·b (b unit), three values, from the segment's matrix m[9].
SK_HD void rope_igre_segment(const float* m, const float* b, float* e) {
  e[0] = rope_quat_apply(m[0], m[1], m[2], b[0], b[1], b[2]);
  e[1] = rope_quat_apply(m[3], m[4], m[5], b[0], b[1], b[2]);
  e[2] = rope_quat_apply(m[6], m[7], m[8], b[0], b[1], b[2]);
}

// Pair rotations: pair j turns by φ_j = Σ_a W[j, a]·p_a (A = 1 or 3; A = 1: RoPE, W = inv_freq; A = 3:
// M-RoPE with one non-zero per row, or mixed 3-D RoPE with ω_j). Sum in float64, then reduce.
// w holds pair j's A weights at w[0], w[stride], … (stride P: one array per axis, vectorizes over j).
SK_HD void rope_pair_angle(const float* p, int A, const double* w, size_t stride, float* c, float* s) {
  double phi = w[0] * (double)p[0];
  if (A == 3) {  // no loop: a constant A then leaves straight-line code that vectorizes over j
    phi += w[stride] * (double)p[1];
    phi += w[2 * stride] * (double)p[2];
  }
  sk_sincosf(rope_reduce(phi), s, c);
}
// (a, b) → (a cosφ − b sinφ, a sinφ + b cosφ).
SK_HD float rope_pair_first(float c, float s, float a, float b) { return a * c + -b * s; }
SK_HD float rope_pair_second(float c, float s, float a, float b) { return a * s + b * c; }

// A position row is usable when all of its A coordinates are finite.
SK_HD bool rope_position_ok(const float* p, int A) {
  bool ok = true;
  for (int a = 0; a < A; ++a) ok = ok && isfinite(p[a]);
  return ok;
}
