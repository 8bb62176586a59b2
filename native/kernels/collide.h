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
#include "quat.h"

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
  quat_matrix_of(x, y, z, w, x * x + y * y + z * z + w * w, f->r);
}

// float32 bounds of a double: v moved outward by d = |v|·2^-22 + 2^-140 before rounding to
// nearest, which moves by at most |v − d|·2^-24 (half an ulp; 2^-150 among subnormals) < d, so
// the result lies on the right side of v. Branch-free (an exact nextafter step would branch on
// a coin flip per bound); the AABB is 2 ulps looser, far inside kAabbPad.
SK_HD float sk_f32_down(double v) { return (float)(v - (fabs(v) * 0x1p-22 + 0x1p-140)); }
SK_HD float sk_f32_up(double v) { return (float)(v + (fabs(v) * 0x1p-22 + 0x1p-140)); }

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

// `&`, not `&&`: six short-circuit branches on random AABBs mispredict; one on the result does not.
SK_HD bool aabb_overlap(const float* alo, const float* ahi, const float* blo, const float* bhi) {
  return (alo[0] <= bhi[0]) & (blo[0] <= ahi[0]) & (alo[1] <= bhi[1]) & (blo[1] <= ahi[1]) & (alo[2] <= bhi[2]) &
         (blo[2] <= ahi[2]);
}

// 1 when the closed boxes A and B intersect (15-axis SAT, tolerance as in the header comment).
SK_HD int obb_obb_overlap(const obb_frame& A, const obb_frame& B) {
  const double* a = A.h;
  const double* b = B.h;
  const double T0 = B.c[0] - A.c[0], T1 = B.c[1] - A.c[1], T2 = B.c[2] - A.c[2];  // exact for float32 centres
  // t = the centre offset in A's frame; R[i][j] = A_i · B_j (B's axes in A's frame), row i
  // computed just before A's face test i, so that most separated pairs skip the rest.
  double t[3], R[3][3], Q[3][3];
  for (int i = 0; i < 3; ++i) t[i] = A.r[i] * T0 + A.r[3 + i] * T1 + A.r[6 + i] * T2;
  const double tol = kSatTol * (a[0] + a[1] + a[2] + b[0] + b[1] + b[2] + fabs(t[0]) + fabs(t[1]) + fabs(t[2]));

  // Face axes of A: L = A_i.
  for (int i = 0; i < 3; ++i) {
    const double ai0 = A.r[i], ai1 = A.r[3 + i], ai2 = A.r[6 + i];
    for (int j = 0; j < 3; ++j) {
      R[i][j] = ai0 * B.r[j] + ai1 * B.r[3 + j] + ai2 * B.r[6 + j];
      Q[i][j] = fabs(R[i][j]);
    }
    if (fabs(t[i]) > a[i] + b[0] * Q[i][0] + b[1] * Q[i][1] + b[2] * Q[i][2] + tol) return 0;
  }
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

// A pair (i, j) as the 8 bytes of two consecutive uint32 (i first in memory), so a pair list
// of these words is a Uint32Array [P, 2]; numeric order of words with equal i follows j.
SK_HD uint64_t pair_word(uint32_t i, uint32_t j) {
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return ((uint64_t)i << 32) | j;
#else
  return ((uint64_t)j << 32) | i;
#endif
}
SK_HD uint32_t pair_first(uint64_t w) {
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return (uint32_t)(w >> 32);
#else
  return (uint32_t)w;
#endif
}

// Driver status codes besides "first bad box" (SIZE_MAX = success).
constexpr size_t kCollideTooManyPairs = SIZE_MAX - 1;  // more pairs than the caller's limit
constexpr size_t kCollideNoMemory = SIZE_MAX - 2;
// The largest limit: a pair list is a Uint32Array [P, 2] (2P < 2^32) and pairsBatched's offsets
// count pairs in uint32.
constexpr size_t kCollideMaxPairs = 0x7FFFFFFF;

// ---------------------------------------------------------------------------------------------
// Broad phase: a hierarchical uniform grid (Mirtich's "hierarchical hash grid" without hashing).
//
// Contract: reports every pair whose padded AABBs intersect to the narrow phase exactly once, and
// may pass it pairs that do not overlap; a test holds pairs() to brute force.
//
// Level ℓ has cells of size s_ℓ = s_0·2^ℓ; a box lives at the finest level whose cell is at
// least its largest AABB extent, in the cell of its AABB's min corner. Every level shares the
// finest level's integer coordinates (level ℓ's = finest >> ℓ), so cells nest. Two overlapping
// boxes A (level ℓ_A) and B (level ℓ ≥ ℓ_A) satisfy, per axis,
//   B.lo ≥ A.lo − extent(B) > A.lo − s_ℓ  and  B.lo ≤ A.hi,
// so B's cell lies in [cell(A.lo) − 1, cell(A.hi)] at level ℓ: at most 3 cells per axis. Keys
// are row-major with x fastest, and x is kept at 1/2^kGridSub of a cell, so each (y, z) row of
// that block is one contiguous run of the sorted keys holding only boxes with
// B.lo.x ∈ [A.lo.x − s_ℓ, A.hi.x] (to 1/2^kGridSub of a cell). A therefore finds every partner
// at its own or a coarser level with at most 9 runs per level; a pair at one level is reported
// by the box earlier in sorted order, which lets the own level skip rows before its own and
// start its own row right after it. Levels are separated by factor 2 from the largest box down
// to the smallest, so mixed sizes cost O(log(size ratio)) searches per box, and uniform scenes
// stay near O(N + P).
constexpr int kGridMaxLevels = 24;
// Finest-level coordinates per axis stay below 2^kGridBits, x sub-cells below
// 2^(kGridBits + kGridSub) (keys then fit 56 bits with all levels stacked); very sparse scenes
// get larger finest cells instead.
constexpr int kGridBits = 17;
constexpr int kGridSub = 4;
// A box goes to a level whose cell exceeds its extent by this relative slack, so that the
// float64 cell coordinates (relative error < 2^-32) never put a partner one cell too far.
constexpr double kGridSlack = 1.0 / (1 << 20);

// Candidates are tested kGridBlock at a time by fixed-length loops that compilers vectorize;
// the sorted arrays carry kGridBlock entries of padding (keys UINT64_MAX, AABBs NaN).
constexpr int kGridBlock = 16;

struct collide_grid {
  const uint64_t* key;   // sorted: base[ℓ] + (z·dim[ℓ][1] + y)·dim[ℓ][0] + x (x in sub-cells)
  const float* lo[3];    // AABB min corner by axis, sorted order (+ kGridBlock NaN padding)
  const float* hi[3];    // AABB max corner by axis
  const float* box;      // sorted order, 10 floats per box
  const double* rot;     // sorted order, the 9 entries of obb_frame::r per box (or null)
  const uint32_t* id;    // the box's index in the caller's array
  size_t seg[kGridMaxLevels + 1];  // level ℓ occupies sorted positions [seg[ℓ], seg[ℓ + 1])
  uint64_t base[kGridMaxLevels + 1];  // first key of each level; base[levels] = one past the last
  int64_t dim[kGridMaxLevels][3];  // cells per axis at each level (x: sub-cells)
  int levels;
  float origin[3];
  double scale[3];  // finest coordinate per unit length: 2^kGridSub / s_0 for x, 1 / s_0 for y, z
  double grow;      // margin / 2
};

// The frame of the box at sorted position p (its rotation precomputed when rot is given).
SK_HD void grid_frame(const collide_grid& g, size_t p, obb_frame* f) {
  const float* b = g.box + 10 * p;
  if (!g.rot) {
    obb_frame_of(b, g.grow, f);
    return;
  }
  for (int k = 0; k < 3; ++k) {
    f->c[k] = b[k];
    f->h[k] = b[3 + k] + g.grow;
  }
  for (int k = 0; k < 9; ++k) f->r[k] = g.rot[9 * p + k];
}

// Finest-level integer coordinate of x ≥ origin, clamped to [0, last]. Truncation is floor for
// v ≥ 0; NaN (an infinite AABB from an absurd margin: inf − inf) maps to 0, so such a scene
// degrades to one cell instead of an undefined conversion.
SK_HD int64_t grid_coord(float x, float origin, double inv, int64_t last) {
  const double v = ((double)x - (double)origin) * inv;
  if (!(v >= 0.0)) return 0;
  return v < (double)last ? (int64_t)v : last;
}

// Extent of a set of boxes: union of their AABBs, largest and smallest positive AABB extent.
struct collide_extent {
  float lo[3] = {INFINITY, INFINITY, INFINITY};
  float hi[3] = {-INFINITY, -INFINITY, -INFINITY};
  double emax = 0.0, emin = INFINITY;
  SK_HD void add(const float* b) {  // b = AABB: lo xyz, hi xyz
    double e = 0.0;
    for (int d = 0; d < 3; ++d) {
      lo[d] = b[d] < lo[d] ? b[d] : lo[d];
      hi[d] = b[3 + d] > hi[d] ? b[3 + d] : hi[d];
      const double ed = (double)b[3 + d] - (double)b[d];
      e = ed > e ? ed : e;
    }
    emax = e > emax ? e : emax;
    if (e > 0.0 && e < emin) emin = e;
  }
  SK_HD void merge(const collide_extent& o) {
    for (int d = 0; d < 3; ++d) {
      lo[d] = o.lo[d] < lo[d] ? o.lo[d] : lo[d];
      hi[d] = o.hi[d] > hi[d] ? o.hi[d] : hi[d];
    }
    emax = o.emax > emax ? o.emax : emax;
    emin = o.emin < emin ? o.emin : emin;
  }
};

// Levels and cell sizes of the grid over n boxes of extent x: the coarsest cell just holds the
// largest box, levels halve down to the smallest box, and the finest coordinates stay below
// 2^kGridBits per axis (sparser scenes get coarser finest cells). Sets everything but the arrays
// and seg (which depend on the sorted keys).
SK_HD void grid_layout(const collide_extent& x, size_t n, double grow, collide_grid* g) {
  double span = 0.0;
  for (int d = 0; d < 3; ++d) {
    const double s = (double)x.hi[d] - (double)x.lo[d];
    span = s > span ? s : span;
  }
  const double min_cell = span / (double)((1 << kGridBits) - 2);
  double top = x.emax > 0.0 ? x.emax * (1.0 + 2.0 * kGridSlack)
                            : (span > 0.0 ? span / cbrt((double)n) : 1.0);  // points only
  top = top > min_cell ? top : min_cell;
  int levels = 1;
  while (levels < kGridMaxLevels && ldexp(top, -levels) >= x.emin && ldexp(top, -levels) >= min_cell) ++levels;
  const double s0 = ldexp(top, 1 - levels);
  g->levels = levels;
  g->grow = grow;
  g->scale[0] = ldexp(1.0 / s0, kGridSub);
  g->scale[1] = g->scale[2] = 1.0 / s0;
  int64_t last[3];
  for (int d = 0; d < 3; ++d) {
    g->origin[d] = x.lo[d];
    last[d] = grid_coord(x.hi[d], x.lo[d], g->scale[d], (int64_t)1 << 40);
  }
  uint64_t base = 0;
  for (int l = 0; l < levels; ++l) {
    for (int d = 0; d < 3; ++d) g->dim[l][d] = (last[d] >> l) + 1;
    g->base[l] = base;
    base += (uint64_t)(g->dim[l][0] * g->dim[l][1] * g->dim[l][2]);
  }
  g->base[levels] = base;  // one past the last level's keys
}

// Sort key of the box with AABB b (lo xyz, hi xyz): its level's base + its cell, row-major.
SK_HD uint64_t grid_key(const collide_grid& g, const float* b) {
  double e = 0.0;
  for (int d = 0; d < 3; ++d) {
    const double ed = (double)b[3 + d] - (double)b[d];
    e = ed > e ? ed : e;
  }
  e *= g.scale[1];
  int l = 0;
  while (l + 1 < g.levels && e > ldexp(1.0 - kGridSlack, l)) ++l;
  int64_t c[3];
  for (int d = 0; d < 3; ++d) c[d] = grid_coord(b[d], g.origin[d], g.scale[d], g.dim[0][d] - 1) >> l;
  return g.base[l] + (uint64_t)((c[2] * g.dim[l][1] + c[1]) * g.dim[l][0] + c[0]);
}

// First position in [lo, hi) whose key is ≥ t, galloping from `hint` (amortised O(1) when
// successive queries move forward a little, O(log n) otherwise).
SK_HD size_t grid_seek(const uint64_t* k, size_t lo, size_t hi, uint64_t t, size_t hint) {
  size_t a, b;
  if (hint < lo || hint > hi) hint = lo;
  if (hint < hi && k[hint] < t) {
    a = hint + 1;
    b = a;
    for (size_t step = 1; b < hi && k[b] < t; step <<= 1) {
      a = b + 1;
      b = a + step;
    }
    if (b > hi) b = hi;
  } else {
    b = hint;
    for (size_t step = 1;; step <<= 1) {
      if (b - lo <= step) { a = lo; break; }
      a = b - step;
      if (k[a] < t) break;
      b = a;
    }
  }
  while (a < b) {
    const size_t m = a + (b - a) / 2;
    if (k[m] < t) a = m + 1;
    else b = m;
  }
  return a;
}

// The box at sorted position p against sorted positions q, q + 1, … while their key is ≤ kend
// (keys are padded with UINT64_MAX, and later levels have larger keys, so the run ends in time):
// narrow phase for every AABB hit, emit(i, j) (callers' indices, i < j) for every overlap.
// Branch-free blocks: the run's end and the AABB tests are counted, not branched on.
template <class Emit>
SK_HD void grid_run(const collide_grid& g, size_t p, const float* a, obb_frame& fa, bool& have_a, size_t q,
                    uint64_t kend, Emit& emit) {
  for (;; q += kGridBlock) {
    int in_run = 0;
    unsigned char hit[kGridBlock];
    for (int k = 0; k < kGridBlock; ++k) in_run += g.key[q + k] <= kend;
    for (int k = 0; k < kGridBlock; ++k)
      hit[k] = (g.lo[0][q + k] <= a[3]) & (g.hi[0][q + k] >= a[0]) & (g.lo[1][q + k] <= a[4]) &
               (g.hi[1][q + k] >= a[1]) & (g.lo[2][q + k] <= a[5]) & (g.hi[2][q + k] >= a[2]);
    for (int k = 0; k < in_run; ++k) {
      if (!hit[k]) continue;
      if (!have_a) {
        grid_frame(g, p, &fa);
        have_a = true;
      }
      obb_frame fb;
      grid_frame(g, q + k, &fb);
      if (obb_obb_overlap(fa, fb)) {
        const uint32_t ia = g.id[p], ib = g.id[q + k];
        if (ia < ib) emit(ia, ib);
        else emit(ib, ia);
      }
    }
    if (in_run < kGridBlock) return;
  }
}

// Every partner of the box at sorted position p at its own level (later in sorted order) or a
// coarser one: emit(i, j) with i < j the callers' indices, for each pair that overlaps.
// `hints` (levels × 9 positions, or null) carries search positions between successive calls.
template <class Emit>
SK_HD void grid_query(const collide_grid& g, size_t p, Emit& emit, size_t* hints) {
  const float a[6] = {g.lo[0][p], g.lo[1][p], g.lo[2][p], g.hi[0][p], g.hi[1][p], g.hi[2][p]};
  int la = 0;
  while (p >= g.seg[la + 1]) ++la;
  int64_t m[3], M[3];  // finest coordinates of A's corners
  for (int d = 0; d < 3; ++d) {
    m[d] = grid_coord(a[d], g.origin[d], g.scale[d], g.dim[0][d] - 1);
    M[d] = grid_coord(a[3 + d], g.origin[d], g.scale[d], g.dim[0][d] - 1);
  }
  obb_frame fa{};  // computed at the first AABB hit
  bool have_a = false;
  for (int l = la; l < g.levels; ++l) {
    const size_t lo = g.seg[l], hi = g.seg[l + 1];
    if (lo == hi) continue;
    const int64_t* dim = g.dim[l];
    // B.lo's cell range at level l (x in sub-cells: back by one whole cell). A's extent fits a
    // cell of its level la ≤ l, so M >> l ≤ (m >> l) + one cell; the range is clamped to that
    // too, because boxes rewritten by another thread while the grid was built (a shared buffer)
    // can leave A's AABB far larger than its level: garbage in, but never a sweep of the grid.
    int64_t c0[3], c1[3];
    for (int d = 0; d < 3; ++d) {
      const int64_t cell = d == 0 ? (1 << kGridSub) : 1;
      c0[d] = (m[d] >> l) >= cell ? (m[d] >> l) - cell : 0;
      c1[d] = (M[d] >> l) < dim[d] ? (M[d] >> l) : dim[d] - 1;
      if (c1[d] > (m[d] >> l) + cell) c1[d] = (m[d] >> l) + cell;
    }
    const int64_t cy = m[1] >> l, cz = m[2] >> l;  // A's own row at level l
    for (int64_t z = c0[2]; z <= c1[2]; ++z)
      for (int64_t y = c0[1]; y <= c1[1]; ++y) {
        if (l == la && (z < cz || (z == cz && y < cy))) continue;  // all before p in sorted order
        const uint64_t row = g.base[l] + (uint64_t)((z * dim[1] + y) * dim[0]);
        // At most 3 rows per axis (extents fit the cell), so 9 hint slots per level suffice.
        const int64_t dz = z - c0[2], dy = y - c0[1];
        size_t* h = hints && dz < 3 && dy < 3 ? hints + 9 * l + 3 * dz + dy : nullptr;
        size_t q;
        if (l == la && z == cz && y == cy) {
          q = p + 1;
        } else {
          q = grid_seek(g.key, lo, hi, row + (uint64_t)c0[0], h ? *h : lo);
          if (h) *h = q;
        }
        grid_run(g, p, a, fa, have_a, q, row + (uint64_t)c1[0], emit);
      }
  }
}

// Frames of boxes computed on demand (frame_of(i, &f)), for scene_pairs_brute.
struct box_frames {
  const float* boxes;
  double grow;
  SK_HD void operator()(size_t i, obb_frame* f) const { obb_frame_of(boxes + 10 * i, grow, f); }
};

// All overlapping pairs among n boxes by testing every AABB pair (small scenes), emitted in
// lexicographic order of (i, j). `aabb` as obb_aabb for the same margin; frame_of(i, &f) gives
// box i's frame (computed, or copied from frames the caller already has).
template <class Frames, class Emit>
SK_HD void scene_pairs_brute(const Frames& frame_of, const float* aabb, size_t n, Emit& emit) {
  for (size_t i = 0; i + 1 < n; ++i) {
    const float* alo = aabb + 6 * i;
    obb_frame fa{};
    bool have_a = false;
    for (size_t j = i + 1; j < n; ++j) {
      const float* blo = aabb + 6 * j;
      if (!aabb_overlap(alo, alo + 3, blo, blo + 3)) continue;
      if (!have_a) {
        frame_of(i, &fa);
        have_a = true;
      }
      obb_frame fb;
      frame_of(j, &fb);
      if (obb_obb_overlap(fa, fb)) emit((uint32_t)i, (uint32_t)j);
    }
  }
}
