// Oriented-box collision kernel bodies (DESIGN §4 "Boxes").
//
// A box is 10 floats [cx, cy, cz, hx, hy, hz, qx, qy, qz, qw]: centre, half-extents (≥ 0) and the
// rotation q/|q|. Boxes are closed (touching counts as overlap). A clearance `margin` m ≥ 0 grows
// every half-extent by m/2, so the grown boxes of two boxes closer than m always intersect
// (their midpoint lies in both) and boxes reported overlapping are at most √3·m apart.
//
// Narrow phase: the 15-axis separating-axis test (Gottschalk, Lin, Manocha, "OBBTree", SIGGRAPH
// 1996; formulas as in Ericson, Real-Time Collision Detection, §4.4.1), evaluated in float64 on
// the float32 inputs. An axis separates only if the gap exceeds kSatTol·S, S = the sum of both
// boxes' half-extents and of |t| (the centre offset), which bounds every term of every test:
//  - rounding: the float64 rotation matrices are within a few ulps (≈ 1e-15) of the exact
//    rotations, so every computed projection is within ≈ 1e-14·S of the exact one; the
//    tolerance is 100× that, so rounding never produces a false separation;
//  - parallel edges (Ericson's ε): for an edge pair at angle θ the cross-product axis has length
//    sin θ, and its test is written unnormalised, so near θ = 0 it can only separate by more than
//    kSatTol·S / sin θ — identical or nearly parallel orientations never separate on a
//    degenerate axis (the face axes decide them, as they must when edges are parallel);
//  - a face-axis gap of 1e-9 between unit boxes (S ≈ 6) is still a gap (tolerance 6e-12).
// Everything the test reports as overlapping lies within ≈ √kSatTol·S of touching; the AABBs
// below are padded by kAabbPad (far more) so the broad phase never drops such a pair.
#pragma once
#include "common.h"

enum collide_box_status : int { BOX_OK = 0, BOX_NONFINITE = 1, BOX_NEGATIVE = 2, BOX_ZERO_QUAT = 3 };

constexpr double kSatTol = 1e-12;
// Relative AABB padding (of the box's half-extent sum); see the header comment.
constexpr double kAabbPad = 1.0 / 4096;

// Which rule box b breaks, first in the order listed (BOX_OK if none).
SK_HD int box_check(const float* b) {
  float bad = 0.0f;
  for (int k = 0; k < 10; ++k) bad += b[k] - b[k];  // NaN for NaN or ±Inf
  if (bad != 0.0f) return BOX_NONFINITE;
  if (b[3] < 0.0f || b[4] < 0.0f || b[5] < 0.0f) return BOX_NEGATIVE;
  const double x = b[6], y = b[7], z = b[8], w = b[9];
  if (x * x + y * y + z * z + w * w == 0.0) return BOX_ZERO_QUAT;  // float64: no underflow
  return BOX_OK;
}

// A box in float64: centre, half-extents grown by `grow` (= margin/2), and the row-major
// rotation matrix of q/|q| (column j = the box's axis j in world coordinates).
struct obb_frame {
  double c[3];
  double h[3];
  double r[9];
};

SK_HD void obb_frame_of(const float* b, double grow, obb_frame* f) {
  f->c[0] = b[0]; f->c[1] = b[1]; f->c[2] = b[2];
  f->h[0] = b[3] + grow; f->h[1] = b[4] + grow; f->h[2] = b[5] + grow;
  const double x = b[6], y = b[7], z = b[8], w = b[9];
  const double s = 2.0 / (x * x + y * y + z * z + w * w);
  const double xx = s * x * x, yy = s * y * y, zz = s * z * z;
  const double xy = s * x * y, xz = s * x * z, yz = s * y * z;
  const double xw = s * x * w, yw = s * y * w, zw = s * z * w;
  double* r = f->r;
  r[0] = 1.0 - (yy + zz); r[1] = xy - zw;         r[2] = xz + yw;
  r[3] = xy + zw;         r[4] = 1.0 - (xx + zz); r[5] = yz - xw;
  r[6] = xz - yw;         r[7] = yz + xw;         r[8] = 1.0 - (xx + yy);
}

// float32 bounds of a double, rounded outward.
SK_HD float sk_f32_down(double v) {
  const float f = (float)v;
  return (double)f > v ? nextafterf(f, -INFINITY) : f;
}
SK_HD float sk_f32_up(double v) {
  const float f = (float)v;
  return (double)f < v ? nextafterf(f, INFINITY) : f;
}

// Axis-aligned bounds of the (grown) box, padded by kAabbPad and rounded outward to float32:
// lo = {x, y, z}, hi = {x, y, z}.
SK_HD void obb_aabb(const obb_frame& f, float* lo, float* hi) {
  const double pad = kAabbPad * (f.h[0] + f.h[1] + f.h[2]);
  for (int k = 0; k < 3; ++k) {
    const double* r = f.r + 3 * k;
    const double w = f.h[0] * fabs(r[0]) + f.h[1] * fabs(r[1]) + f.h[2] * fabs(r[2]) + pad;
    lo[k] = sk_f32_down(f.c[k] - w);
    hi[k] = sk_f32_up(f.c[k] + w);
  }
}

SK_HD bool aabb_overlap(const float* alo, const float* ahi, const float* blo, const float* bhi) {
  return alo[0] <= bhi[0] && blo[0] <= ahi[0] && alo[1] <= bhi[1] && blo[1] <= ahi[1] && alo[2] <= bhi[2] &&
         blo[2] <= ahi[2];
}

// 1 when the closed boxes A and B intersect (15-axis SAT, tolerance as in the header comment).
SK_HD int obb_obb_overlap(const obb_frame& A, const obb_frame& B) {
  const double* a = A.h;
  const double* b = B.h;
  const double T0 = B.c[0] - A.c[0], T1 = B.c[1] - A.c[1], T2 = B.c[2] - A.c[2];  // exact for float32 centres
  // t = the centre offset in A's frame; R[i][j] = A_i · B_j (B's axes in A's frame).
  double t[3], R[3][3], Q[3][3];
  for (int i = 0; i < 3; ++i) {
    const double ai0 = A.r[i], ai1 = A.r[3 + i], ai2 = A.r[6 + i];
    t[i] = ai0 * T0 + ai1 * T1 + ai2 * T2;
    for (int j = 0; j < 3; ++j) {
      R[i][j] = ai0 * B.r[j] + ai1 * B.r[3 + j] + ai2 * B.r[6 + j];
      Q[i][j] = fabs(R[i][j]);
    }
  }
  const double tol = kSatTol * (a[0] + a[1] + a[2] + b[0] + b[1] + b[2] + fabs(t[0]) + fabs(t[1]) + fabs(t[2]));

  // Face axes of A: L = A_i.
  for (int i = 0; i < 3; ++i)
    if (fabs(t[i]) > a[i] + b[0] * Q[i][0] + b[1] * Q[i][1] + b[2] * Q[i][2] + tol) return 0;
  // Face axes of B: L = B_j.
  for (int j = 0; j < 3; ++j)
    if (fabs(t[0] * R[0][j] + t[1] * R[1][j] + t[2] * R[2][j]) > a[0] * Q[0][j] + a[1] * Q[1][j] + a[2] * Q[2][j] + b[j] + tol)
      return 0;
  // Edge axes L = A_i × B_j, unnormalised (|L| = sin θ_ij): for i, with (i1, i2) the other two
  // axes of A and (j1, j2) those of B, L·T = t_i2 R_i1j − t_i1 R_i2j, the radius of A is
  // a_i1 |R_i2j| + a_i2 |R_i1j| and that of B is b_j1 |R_ij2| + b_j2 |R_ij1|.
  for (int i = 0; i < 3; ++i) {
    const int i1 = i == 0 ? 1 : 0, i2 = i == 2 ? 1 : 2;
    for (int j = 0; j < 3; ++j) {
      const int j1 = j == 0 ? 1 : 0, j2 = j == 2 ? 1 : 2;
      const double ra = a[i1] * Q[i2][j] + a[i2] * Q[i1][j];
      const double rb = b[j1] * Q[i][j2] + b[j2] * Q[i][j1];
      if (fabs(t[i2] * R[i1][j] - t[i1] * R[i2][j]) > ra + rb + tol) return 0;
    }
  }
  return 1;
}

// Status of the pair (a, b): SK_BAD if either box is invalid, else `*out` = 1 when they overlap
// with clearance `margin` (see the header comment).
SK_HD int box_overlap(const float* a, const float* b, double margin, uint8_t* out) {
  if (box_check(a) != BOX_OK || box_check(b) != BOX_OK) {
    *out = 0;
    return SK_BAD;
  }
  obb_frame fa, fb;
  obb_frame_of(a, 0.5 * margin, &fa);
  obb_frame_of(b, 0.5 * margin, &fb);
  *out = (uint8_t)obb_obb_overlap(fa, fb);
  return SK_OK;
}

// 1 when candidate `c` (frame and AABB given) overlaps none of the n boxes `placed`, whose
// AABBs (6 floats each: lo xyz, hi xyz, computed with obb_aabb for the same margin) are in
// `placed_aabb`. Stops at the first overlap.
SK_HD uint8_t box_fits(const obb_frame& c, const float* clo, const float* chi, const float* placed,
                       const float* placed_aabb, size_t n, double grow) {
  for (size_t j = 0; j < n; ++j) {
    const float* bb = placed_aabb + 6 * j;
    if (!aabb_overlap(clo, chi, bb, bb + 3)) continue;
    obb_frame f;
    obb_frame_of(placed + 10 * j, grow, &f);
    if (obb_obb_overlap(c, f)) return 0;
  }
  return 1;
}

// Driver status codes besides "first bad box" (SIZE_MAX = success).
constexpr size_t kCollideTooManyPairs = SIZE_MAX - 1;  // more than kCollideMaxPairs pairs
constexpr size_t kCollideNoMemory = SIZE_MAX - 2;
// A pair list is a Uint32Array [P, 2] and pairsBatched's offsets count pairs in uint32.
constexpr size_t kCollideMaxPairs = 0x7FFFFFFF;
