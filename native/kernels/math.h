// Branch-free float32 elementary functions that vectorize (libm's scalar sinf/cosf are 10–25×
// slower in a batch loop). Written without fused multiply-adds in mind: the build uses
// -ffp-contract=off so that native, CUDA (--fmad=false) and the AssemblyScript port
// (wasm/assembly/math.ts) round identically and seeded outputs are bit-identical.
#pragma once
#include "common.h"

// sin and cos of x, |x| < ~1e5 (Cody–Waite reduction by π/2, Cephes minimax polynomials on
// [−π/4, π/4]; max error ≈ 1 ulp + |x|·2^-24·|x|/1e5 for large arguments).
SK_HD void sk_sincosf(float x, float* s_out, float* c_out) {
  const float j = floorf(x * 0.636619772f + 0.5f);
  // π/2 split in three parts whose leading part has few bits, so j·PIO2_1 is exact for |j| < 2^16.
  float r = x - j * 1.5703125f;
  r = r - j * 4.837512969970703125e-4f;
  r = r - j * 7.54978995489188216e-8f;
  const float z = r * r;
  const float s = r + r * z * (-1.6666654611e-1f + z * (8.3321608736e-3f + z * -1.9515295891e-4f));
  const float c = 1.0f - 0.5f * z + z * z * (4.166664568298827e-2f + z * (-1.388731625493765e-3f + z * 2.443315711809948e-5f));
  const int q = (int)j & 3;
  const float sv = (q & 1) ? c : s;
  const float cv = (q & 1) ? s : c;
  *s_out = (q & 2) ? -sv : sv;
  *c_out = ((q + 1) & 2) ? -cv : cv;
}

// atan(x) for finite x or ±inf (Cephes atanf: two range reductions, then an odd polynomial).
SK_HD float sk_atanf(float x) {
  const float ax = fabsf(x);
  const bool big = ax > 2.414213562373095f;   // tan(3π/8)
  const bool mid = ax > 0.4142135623730950f;  // tan(π/8)
  const float y0 = big ? 1.5707963267948966f : (mid ? 0.7853981633974483f : 0.0f);
  const float xr = big ? -1.0f / ax : (mid ? (ax - 1.0f) / (ax + 1.0f) : ax);
  const float z = xr * xr;
  const float p = (((8.05374449538e-2f * z - 1.38776856032e-1f) * z + 1.99777106478e-1f) * z - 3.33329491539e-1f) * z * xr + xr;
  const float r = y0 + p;
  return x < 0.0f ? -r : r;
}

// atan2(y, x) for y ≥ 0, x ≥ 0 (all our callers pass magnitudes), in [0, π/2]; atan2(0, 0) = 0.
SK_HD float sk_atan2_pos(float y, float x) {
  const bool swap = y > x;
  const float num = swap ? x : y, den = swap ? y : x;
  const float a = sk_atanf(den > 0.0f ? num / den : 0.0f);
  return swap ? 1.5707963267948966f - a : a;
}

// atan2(y, x) in [−π, π] for finite or infinite inputs: the first-quadrant angle of (|x|, |y|)
// reflected into x's and y's quadrant. atan2(±0, x ≥ 0) = 0, atan2(±0, x < 0) = π.
SK_HD float sk_atan2f(float y, float x) {
  const float r = sk_atan2_pos(fabsf(y), fabsf(x));
  const float h = x < 0.0f ? 3.14159265358979f - r : r;
  return y < 0.0f ? -h : h;
}
