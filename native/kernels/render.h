// Ray-casting kernel bodies for sk.render (DESIGN §4 "Rendering").
//
// A pixel's ray is camera_ray() of native/kernels/camera.h for the camera's 12 constants, so the
// rays are exactly sk.camera.rayMap's. A camera reaches these kernels as RENDER_CONSTS floats
// derived once in float64 (src/render.ts): the 12 camera constants (M = Rᵀ·K⁻¹, centre o), then
// P = K·R (row-major), which projects a world point p to (P·(p − o)) / (P·(p − o))_z in K's units.
// P's last row is R's (K's last row is (0, 0, 1)): the camera's forward axis, so the camera-frame
// depth of the point o + t·d is t·(P₂·d).
//
// A box is sk.collide's [cx, cy, cz, hx, hy, hz, qx, qy, qz, qw], closed, with half-extents > 0
// and a quaternion of unit length within kRenderQuatTol. Per (camera, box) a render_frame is
// formed once in float64 and rounded (render_frame_of); per pixel, the slab test
// (render_box_hit, Kay & Kajiya, "Ray tracing complex scenes", SIGGRAPH 1986) runs in float32 in
// the box's frame. A pixel takes the nearest hit of its scene's boxes; equal distances go to the
// lower index (boxes are visited in index order and only a strictly nearer hit replaces one).
#pragma once
#include "camera.h"
#include "collide.h"
#include "common.h"

enum render_const : int { RENDER_CONSTS = 21 };  // camera constants (12), then P = K·R (9)

enum render_box_status : int { RENDER_BOX_OK = 0, RENDER_BOX_NONFINITE = 1, RENDER_BOX_EXTENT = 2, RENDER_BOX_QUAT = 3 };

// | |q|² − 1 | above this is a RangeError: float32 unit quaternions carry ~1e-7, quaternions
// written with 4 decimals ~2e-4; anything further is a caller's bug, not rounding (|q| ≈ 1 ± 1e-3).
constexpr double kRenderQuatTol = 2e-3;

// Which rule box b breaks, first in the order listed (RENDER_BOX_OK if none).
SK_HD int render_box_check(const float* b) {
  if (box_check(b) == BOX_NONFINITE) return RENDER_BOX_NONFINITE;
  if (!(b[3] > 0.0f && b[4] > 0.0f && b[5] > 0.0f)) return RENDER_BOX_EXTENT;
  const double x = b[6], y = b[7], z = b[8], w = b[9];
  if (!(fabs(x * x + y * y + z * z + w * w - 1.0) <= kRenderQuatTol)) return RENDER_BOX_QUAT;
  return RENDER_BOX_OK;
}

// A direction component below this is parallel to the slab: 1/d would overflow float32 (or be
// ±inf), and a ray this close to parallel enters or leaves the slab only beyond ~2^100 units.
constexpr float kRenderParallel = 0x1p-100f;
constexpr float kRenderMiss = INFINITY;

struct render_frame {
  float r[9];        // the box's axes as rows (Qᵀ): box-frame direction = r·d
  float lo[3];       // −h − o', o' = the camera centre in the box frame (slab numerators)
  float hi[3];       // h − o'
  int32_t rect[4];   // pixels [u0, u1) × [v0, v1) whose ray may hit the box (conservative)
};

// What visibility() reports about a box's projection (see render_frame_of).
struct render_amodal {
  float clipped[4];    // [x0, y0, x1, y1] ∩ the image; zeros when that is empty
  float unclipped[4];  // [x0, y0, x1, y1]; zeros when the box lies wholly behind the camera
  float in_frame;      // area(clipped) / area(unclipped), 0 when the latter is 0
  uint8_t behind;      // a corner lies behind the camera plane (z < kRenderNear·(hx + hy + hz))
};

// Corners nearer the camera plane than this (relative to hx + hy + hz) are cut off: the box is
// clipped at that plane before projecting, so a box crossing the camera plane still has a finite
// (if huge) unclipped amodal box, and its clipped box covers the image edges it reaches.
constexpr double kRenderNear = 1e-6;
// The culling rectangle is widened by this many pixels plus kRenderPadRel of the coordinates:
// the float32 ray and slab arithmetic misplaces a silhouette edge by ~1e-3 px (at |x| ~ 1e3).
constexpr double kRenderPad = 2.0;
constexpr double kRenderPadRel = 1e-5;

SK_HD double render_min(double a, double b) { return b < a ? b : a; }
SK_HD double render_max(double a, double b) { return a < b ? b : a; }
// x clamped to [0, n] as an integer; NaN (a box made of NaN by an output aliasing it) gives 0.
SK_HD int32_t render_clamp_px(double x, size_t n) {
  return !(x > 0.0) ? 0 : x >= (double)n ? (int32_t)n : (int32_t)x;
}

// The frame of box b for camera `cam` (RENDER_CONSTS floats) at h × w pixels sampled at
// (u + pc, v + pc) in K's units, and the box's amodal projection. Corner-origin pixel x = K-unit
// x + 0.5 − pc. Corners are P·(c ± h_j·axis_j − o) in float64; with every corner in front the
// unclipped box is their bounding box, and the culling rectangle is the pixels whose sample point
// (u + 0.5 corner-origin) lies in it, widened by the pad. Otherwise the box is cut at the near
// plane z = kRenderNear·(hx + hy + hz) (corners in front plus the 12 edges' crossings), and no
// pixel is culled.
SK_HD void render_frame_of(const float* cam, const float* b, size_t h, size_t w, float pc, render_frame* f,
                           render_amodal* a) {
  obb_frame ob;
  obb_frame_of(b, 0.0, &ob);
  const double e0 = (double)cam[9] - ob.c[0], e1 = (double)cam[10] - ob.c[1], e2 = (double)cam[11] - ob.c[2];
  for (int k = 0; k < 3; ++k) {
    const double ok = ob.r[k] * e0 + ob.r[3 + k] * e1 + ob.r[6 + k] * e2;  // axis k · (o − c)
    f->r[3 * k] = (float)ob.r[k];
    f->r[3 * k + 1] = (float)ob.r[3 + k];
    f->r[3 * k + 2] = (float)ob.r[6 + k];
    f->lo[k] = (float)(-ob.h[k] - ok);
    f->hi[k] = (float)(ob.h[k] - ok);
  }
  // Camera-frame centre X (P·(c − o)) and half-axis vectors A_j = P·(h_j·axis_j), K's units.
  const float* P = cam + CAMERA_CONSTS;
  double X[3], A[3][3];
  for (int r = 0; r < 3; ++r) {
    const double p0 = P[3 * r], p1 = P[3 * r + 1], p2 = P[3 * r + 2];
    X[r] = -(p0 * e0 + p1 * e1 + p2 * e2);
    for (int j = 0; j < 3; ++j) A[j][r] = ob.h[j] * (p0 * ob.r[j] + p1 * ob.r[3 + j] + p2 * ob.r[6 + j]);
  }
  double C[8][3];  // corner k: X + Σ_j (bit j of k ? +A_j : −A_j)
  double zmin = INFINITY;
  for (int k = 0; k < 8; ++k) {
    for (int r = 0; r < 3; ++r) {
      double s = X[r];
      for (int j = 0; j < 3; ++j) s = (k >> j) & 1 ? s + A[j][r] : s - A[j][r];
      C[k][r] = s;
    }
    zmin = render_min(zmin, C[k][2]);
  }
  const double near = kRenderNear * (ob.h[0] + ob.h[1] + ob.h[2]), shift = 0.5 - (double)pc;
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  a->behind = zmin < near;
  for (int k = 0; k < 8; ++k) {
    if (C[k][2] >= near) {
      const double x = C[k][0] / C[k][2], y = C[k][1] / C[k][2];
      x0 = render_min(x0, x); x1 = render_max(x1, x); y0 = render_min(y0, y); y1 = render_max(y1, y);
    }
    if (!a->behind) continue;
    for (int j = 0; j < 3; ++j) {  // the edge to corner k + 2^j, crossing the near plane
      if ((k >> j) & 1) continue;
      const double* p = C[k];
      const double* q = C[k | (1 << j)];
      if ((p[2] < near) == (q[2] < near)) continue;
      const double s = (near - p[2]) / (q[2] - p[2]);
      const double x = (p[0] + s * (q[0] - p[0])) / near, y = (p[1] + s * (q[1] - p[1])) / near;
      x0 = render_min(x0, x); x1 = render_max(x1, x); y0 = render_min(y0, y); y1 = render_max(y1, y);
    }
  }
  const bool seen = x0 <= x1;  // some part of the box lies in front of the near plane
  x0 += shift; x1 += shift; y0 += shift; y1 += shift;
  const double W = (double)w, H = (double)h;
  const double cx0 = render_max(x0, 0.0), cx1 = render_min(x1, W), cy0 = render_max(y0, 0.0), cy1 = render_min(y1, H);
  const bool inside = seen && cx0 < cx1 && cy0 < cy1;
  const double area = (x1 - x0) * (y1 - y0);
  for (int k = 0; k < 4; ++k) a->unclipped[k] = 0.0f, a->clipped[k] = 0.0f;
  if (seen) {
    a->unclipped[0] = (float)x0; a->unclipped[1] = (float)y0; a->unclipped[2] = (float)x1; a->unclipped[3] = (float)y1;
  }
  if (inside) {
    a->clipped[0] = (float)cx0; a->clipped[1] = (float)cy0; a->clipped[2] = (float)cx1; a->clipped[3] = (float)cy1;
  }
  const double ratio = inside && area > 0.0 ? (cx1 - cx0) * (cy1 - cy0) / area : 0.0;
  a->in_frame = (float)ratio;
  if (a->behind) {
    f->rect[0] = 0; f->rect[1] = 0; f->rect[2] = (int32_t)w; f->rect[3] = (int32_t)h;
  } else {
    const double px = kRenderPad + kRenderPadRel * (fabs(x0) + fabs(x1)), py = kRenderPad + kRenderPadRel * (fabs(y0) + fabs(y1));
    f->rect[0] = render_clamp_px(floor(x0 - 0.5 - px), w);
    f->rect[1] = render_clamp_px(floor(y0 - 0.5 - py), h);
    f->rect[2] = render_clamp_px(ceil(x1 - 0.5 + px) + 1.0, w);
    f->rect[3] = render_clamp_px(ceil(y1 - 0.5 + py) + 1.0, h);
  }
}

SK_HD float render_minf(float a, float b) { return b < a ? b : a; }
SK_HD float render_maxf(float a, float b) { return a < b ? b : a; }

// Distance t ≥ 0 along the unit ray d (world frame) from the camera centre to the closed box of
// frame f, or kRenderMiss. Per box axis k the ray is inside the slab for t between
// lo_k/d'_k and hi_k/d'_k; a ray parallel to the slab is inside it for every t or for none. The
// hit is the entry into all three slabs, clamped to 0 (a camera inside a box sees it at t = 0).
// Branch-free (selects only) so the CPU loop vectorizes; no NaN reaches a comparison.
SK_HD float render_box_hit(const render_frame& f, float dx, float dy, float dz) {
  float t0 = 0.0f, t1 = kRenderMiss;
  for (int k = 0; k < 3; ++k) {
    const float d = f.r[3 * k] * dx + f.r[3 * k + 1] * dy + f.r[3 * k + 2] * dz;
    const bool parallel = fabsf(d) < kRenderParallel;
    const float inv = 1.0f / (parallel ? 1.0f : d);
    const float a = f.lo[k] * inv, b = f.hi[k] * inv;
    const bool inside = f.lo[k] <= 0.0f && f.hi[k] >= 0.0f;
    const float near = parallel ? (inside ? -kRenderMiss : kRenderMiss) : render_minf(a, b);
    const float far = parallel ? kRenderMiss : render_maxf(a, b);
    t0 = render_maxf(t0, near);
    t1 = render_minf(t1, far);
  }
  return t0 <= t1 ? t0 : kRenderMiss;
}

SK_HD bool render_in_rect(const render_frame& f, int32_t u, int32_t v) {
  return u >= f.rect[0] && u < f.rect[2] && v >= f.rect[1] && v < f.rect[3];
}

// Camera-frame depth of the hit at distance t along d: t·(P₂·d).
SK_HD float render_depth(const float* cam, float t, const float* d) {
  const float* f = cam + CAMERA_CONSTS + 6;
  return t * (f[0] * d[0] + f[1] * d[1] + f[2] * d[2]);
}

// Pixel (u, v) of a camera whose scene has m boxes with frames `frames`: the local index of the
// nearest box hit (−1 for none, ties to the lower index) and its depth (+inf for none).
// on_hit(j) is called for every box j the ray hits (visibility's pixelsAlone).
template <class OnHit>
SK_HD int32_t render_pixel(const float* cam, const render_frame* frames, uint32_t m, int32_t u, int32_t v, float pc,
                           float* depth, OnHit&& on_hit) {
  float d[3], mo[3];
  camera_ray(cam, (float)u + pc, (float)v + pc, d, mo);
  float best = kRenderMiss;
  int32_t id = -1;
  for (uint32_t j = 0; j < m; ++j) {
    if (!render_in_rect(frames[j], u, v)) continue;
    const float t = render_box_hit(frames[j], d[0], d[1], d[2]);
    if (t < kRenderMiss) on_hit(j);
    if (t < best) best = t, id = (int32_t)j;
  }
  *depth = id >= 0 ? render_depth(cam, best, d) : kRenderMiss;
  return id;
}

// Visibility accumulators of one (camera, box) row while pixels are cast: `box` holds
// [u_min, v_min, u_max, v_max] of the pixels the box wins (INT32_MAX, INT32_MAX, −1, −1 before
// any); render_visibility_finish turns them into the half-open [x0, y0, x1, y1] (zeros for none)
// and the visible fraction.
SK_HD void render_visibility_start(int32_t* box, uint32_t* alone, uint32_t* visible) {
  box[0] = INT32_MAX; box[1] = INT32_MAX; box[2] = -1; box[3] = -1;
  *alone = 0;
  *visible = 0;
}
SK_HD void render_visibility_finish(int32_t* box, uint32_t alone, uint32_t visible, float* fraction) {
  if (visible == 0) box[0] = box[1] = box[2] = box[3] = 0;
  else box[2] += 1, box[3] += 1;
  *fraction = alone ? (float)((double)visible / (double)alone) : 0.0f;
}
