// Camera kernel bodies: Plücker rays (DESIGN §4) and the moments that recover a camera from rays.
//
// A camera reaches the kernels as 12 float32 constants derived once per camera in float64
// (src/camera.ts): c[0..8] = M = Rᵀ·K⁻¹ row-major, c[9..11] = o = −Rᵀ·t, the centre. The ray
// through image point (x, y) (K's units: pixel (u, v) is sampled at (u + pc, v + pc)) is then
//   d = M·(x, y, 1) / |M·(x, y, 1)|   (unit, world frame),   m = o × d   (Plücker moment).
// Since K's last row is (0, 0, 1), (K⁻¹·(x, y, 1))_z = 1 > 0: d always points in front of the camera.
#pragma once
#include "common.h"

enum camera_const : int { CAMERA_CONSTS = 12 };
// Channel orders: [m, d] (default), [d, m] (RayDiffusion), [d] (direction only).
enum camera_order : int { ORDER_MD = 0, ORDER_DM = 1, ORDER_D = 2 };
// Map layouts: [N, H, W, C] or [N, C, H, W].
enum camera_layout : int { LAYOUT_HWC = 0, LAYOUT_CHW = 1 };

SK_HD int camera_channels(int order) { return order == ORDER_D ? 3 : 6; }
SK_HD int camera_d_offset(int order) { return order == ORDER_MD ? 3 : 0; }
SK_HD int camera_m_offset(int order) { return order == ORDER_DM ? 3 : 0; }

// The ray through (x, y). Normalised with 1/sqrt (correctly rounded sqrt, one division): |d| = 1
// to about 1 ulp, where the reciprocal-square-root estimate would leave ~1e-4.
SK_HD void camera_ray(const float* c, float x, float y, float* d, float* m) {
  const float a = c[0] * x + c[1] * y + c[2];
  const float b = c[3] * x + c[4] * y + c[5];
  const float e = c[6] * x + c[7] * y + c[8];
  const float inv = 1.0f / sqrtf(a * a + b * b + e * e);
  const float dx = a * inv, dy = b * inv, dz = e * inv;
  const float ox = c[9], oy = c[10], oz = c[11];
  d[0] = dx; d[1] = dy; d[2] = dz;
  m[0] = oy * dz - oz * dy;
  m[1] = oz * dx - ox * dz;
  m[2] = ox * dy - oy * dx;
}

// Writes one ray's channels at `o`, channel k at o[k·cs].
SK_HD void camera_store(const float* d, const float* m, int order, float* o, size_t cs) {
  const int od = camera_d_offset(order);
  o[od * cs] = d[0]; o[(od + 1) * cs] = d[1]; o[(od + 2) * cs] = d[2];
  if (order != ORDER_D) {
    const int om = camera_m_offset(order);
    o[om * cs] = m[0]; o[(om + 1) * cs] = m[1]; o[(om + 2) * cs] = m[2];
  }
}

// Pixel i of a ray map over [N, H, W] (row-major): camera n = i / (H·W), row v, column u.
SK_HD void camera_ray_map_pixel(const float* consts, size_t i, size_t h, size_t w, float pc, int layout, int order,
                                float* out) {
  const size_t hw = h * w, n = i / hw, p = i - n * hw, v = p / w, u = p - v * w;
  float d[3], m[3];
  camera_ray(consts + CAMERA_CONSTS * n, (float)u + pc, (float)v + pc, d, m);
  const size_t ch = (size_t)camera_channels(order);
  if (layout == LAYOUT_HWC) camera_store(d, m, order, out + ch * i, 1);
  else camera_store(d, m, order, out + ch * hw * n + p, hw);
}

// Sample point i of rays(), written to o (its C floats): camera i / P (or camera 0 when one
// camera broadcasts), point i, or point i mod P when every camera shares the same P points.
SK_HD void camera_ray_point(const float* consts, bool consts_batch, const float* pts, bool shared, size_t p, size_t i,
                            int order, float* o) {
  const size_t n = consts_batch ? i / p : 0, k = shared ? i % p : i;
  float d[3], m[3];
  camera_ray(consts + CAMERA_CONSTS * n, pts[2 * k], pts[2 * k + 1], d, m);
  camera_store(d, m, order, o, 1);
}

// Moments of one ray for fromRays (float64). (x, y) are the pixel's sample point in normalised
// coordinates ((q − W/2)/s, (q − H/2)/s, s = max(W, H)/2, Hartley's conditioning). d is rescaled
// to unit length with m, so maps with unnormalised directions work too. acc[30]:
//   [0, 6)   Σ d dᵀ            (xx, xy, xz, yy, yz, zz)   — camera centre and K·R fit
//   [6, 12)  Σ x d dᵀ,  [12, 18) Σ y d dᵀ,  [18, 24) Σ (x² + y²) d dᵀ   — K·R fit (DLT)
//   [24, 27) Σ d × m                                      — camera centre
//   [27, 30) Σ d                                          — the sign of K·R
// A zero, NaN or infinite ray makes the sums non-finite, which the caller reports.
SK_HD void camera_moments_add(const float* df, const float* mf, double x, double y, double* acc) {
  double dx = df[0], dy = df[1], dz = df[2];
  const double s = 1.0 / sqrt(dx * dx + dy * dy + dz * dz);
  dx *= s; dy *= s; dz *= s;
  const double mx = mf[0] * s, my = mf[1] * s, mz = mf[2] * s;
  const double q[6] = {dx * dx, dx * dy, dx * dz, dy * dy, dy * dz, dz * dz};
  const double r2 = x * x + y * y;
  for (int k = 0; k < 6; ++k) {
    acc[k] += q[k];
    acc[6 + k] += x * q[k];
    acc[12 + k] += y * q[k];
    acc[18 + k] += r2 * q[k];
  }
  acc[24] += dy * mz - dz * my;
  acc[25] += dz * mx - dx * mz;
  acc[26] += dx * my - dy * mx;
  acc[27] += dx; acc[28] += dy; acc[29] += dz;
}
enum camera_moments : int { CAMERA_MOMENTS = 30 };

// Pointers to ray (n, v, u)'s d and m in a map, and the channel stride.
SK_HD size_t camera_map_offset(size_t n, size_t v, size_t u, size_t h, size_t w, int layout, int order, size_t* cs,
                               size_t* od, size_t* om) {
  const size_t ch = (size_t)camera_channels(order), hw = h * w;
  *cs = layout == LAYOUT_HWC ? 1 : hw;
  *od = (size_t)camera_d_offset(order) * *cs;
  *om = (size_t)camera_m_offset(order) * *cs;
  return layout == LAYOUT_HWC ? ch * (n * hw + v * w + u) : ch * hw * n + v * w + u;
}

// fromRays sums are formed per block of this many rows, then added block by block in order, on
// every backend: the result is then the same bits whatever the thread count or device.
SK_HD size_t camera_moments_block_rows(size_t w) { return w >= 4096 ? 1 : 4096 / w; }

// Adds the moments of rows [v0, v1) of camera n to acc (the caller zeroes acc; blocks are fixed
// by the caller and merged in order, so the sums do not depend on the thread count).
SK_HD void camera_moments_rows(const float* map, size_t n, size_t v0, size_t v1, size_t h, size_t w, float pc,
                               int layout, int order, double* acc) {
  const double s = 0.5 * (double)(w > h ? w : h), cx = 0.5 * (double)w, cy = 0.5 * (double)h;
  for (size_t v = v0; v < v1; ++v) {
    const double y = ((double)v + pc - cy) / s;
    for (size_t u = 0; u < w; ++u) {
      size_t cs, od, om;
      const float* p = map + camera_map_offset(n, v, u, h, w, layout, order, &cs, &od, &om);
      const float d[3] = {p[od], p[od + cs], p[od + 2 * cs]};
      const float m[3] = {p[om], p[om + cs], p[om + 2 * cs]};
      camera_moments_add(d, m, ((double)u + pc - cx) / s, y, acc);
    }
  }
}

// Sums the block partials of one camera (blocks consecutive, in row order) into out[30].
SK_HD void camera_moments_merge(const double* partial, size_t blocks, double* out) {
  for (int k = 0; k < CAMERA_MOMENTS; ++k) out[k] = 0.0;
  for (size_t b = 0; b < blocks; ++b)
    for (int k = 0; k < CAMERA_MOMENTS; ++k) out[k] += partial[CAMERA_MOMENTS * b + k];
}
