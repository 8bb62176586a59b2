// CPU driver for camera ray maps: multiversioned row loops over native/kernels/camera.h, rows
// split over the thread pool. Layout and channel order are template parameters so every store
// offset is a constant and the column loop vectorizes.
#include "kernels/camera.h"

#include <string.h>

#include <vector>

#include "cpu/loop.h"
#include "drivers/camera.h"

namespace {

// Columns [u0, u0 + w) of one row into channel planes q0..q5 at [0, w) (q3..q5 unused for ORDER_D). The planes
// are separate restrict pointers: without that the compiler must assume plane k + 1 may overlap
// plane k and gives up vectorizing the six store streams.
template <int Order>
SK_INLINE void ray_planes(const float* c, float y, float pc, int32_t u0, int32_t w, float* __restrict q0, float* __restrict q1,
                          float* __restrict q2, float* __restrict q3, float* __restrict q4, float* __restrict q5) {
  for (int32_t u = 0; u < w; ++u) {
    float d[3], m[3];
    camera_ray(c, (float)(u0 + u) + pc, y, d, m);
    const float* a = Order == ORDER_MD ? m : d;  // channels 0..2
    const float* b = Order == ORDER_MD ? d : m;  // channels 3..5
    q0[u] = a[0]; q1[u] = a[1]; q2[u] = a[2];
    if (Order != ORDER_D) { q3[u] = b[0]; q4[u] = b[1]; q5[u] = b[2]; }
  }
}

// 4-float vectors for the 'hwc' interleave (GCC/Clang vector extensions; each ISA build lowers
// them to its own shuffles).
typedef float v4 __attribute__((vector_size(16)));
SK_INLINE v4 ld4(const float* p) { v4 v; memcpy(&v, p, 16); return v; }
SK_INLINE void st4(float* p, v4 v) { memcpy(p, &v, 16); }
#define SK_SHUF(a, b, i, j, k, l) __builtin_shufflevector(a, b, i, j, k, l)

// Channel planes t[0..C) (kTile floats each) → `e` interleaved rays of C floats at p. Four rays
// at a time as explicit shuffles (a 4×4 transpose plus pairs for C = 6, the 3-way zip for C = 3):
// measured 1.5× faster than the compiler's own lowering of the strided stores.
template <size_t C, size_t T>
SK_INLINE void interleave(const float (&t)[6][T], int32_t e, float* p) {
  int32_t j = 0;
  for (; j + 4 <= e; j += 4, p += 4 * C) {
    const v4 a = ld4(&t[0][j]), b = ld4(&t[1][j]), c = ld4(&t[2][j]);
    if (C == 3) {  // x0 y0 z0 x1 | y1 z1 x2 y2 | z2 x3 y3 z3
      const v4 ab01 = SK_SHUF(a, b, 0, 4, 1, 5), ca01 = SK_SHUF(c, a, 0, 4, 1, 5);
      const v4 bc01 = SK_SHUF(b, c, 0, 4, 1, 5), ab23 = SK_SHUF(a, b, 2, 6, 3, 7);
      const v4 ca23 = SK_SHUF(c, a, 2, 6, 3, 7), bc23 = SK_SHUF(b, c, 2, 6, 3, 7);
      st4(p, SK_SHUF(ab01, ca01, 0, 1, 4, 7));
      st4(p + 4, SK_SHUF(bc01, ab23, 2, 3, 4, 5));
      st4(p + 8, SK_SHUF(ca23, bc23, 0, 3, 6, 7));
    } else {
      const v4 d = ld4(&t[3][j]), f = ld4(&t[4][j]), g = ld4(&t[5][j]);
      const v4 ab01 = SK_SHUF(a, b, 0, 4, 1, 5), ab23 = SK_SHUF(a, b, 2, 6, 3, 7);
      const v4 cd01 = SK_SHUF(c, d, 0, 4, 1, 5), cd23 = SK_SHUF(c, d, 2, 6, 3, 7);
      const v4 p0 = SK_SHUF(ab01, cd01, 0, 1, 4, 5), p1 = SK_SHUF(ab01, cd01, 2, 3, 6, 7);
      const v4 p2 = SK_SHUF(ab23, cd23, 0, 1, 4, 5), p3 = SK_SHUF(ab23, cd23, 2, 3, 6, 7);
      const v4 q01 = SK_SHUF(f, g, 0, 4, 1, 5), q23 = SK_SHUF(f, g, 2, 6, 3, 7);
      st4(p, p0);
      st4(p + 4, SK_SHUF(q01, p1, 0, 1, 4, 5));
      st4(p + 8, SK_SHUF(p1, q01, 2, 3, 6, 7));
      st4(p + 12, p2);
      st4(p + 16, SK_SHUF(q23, p3, 0, 1, 4, 5));
      st4(p + 20, SK_SHUF(p3, q23, 2, 3, 6, 7));
    }
  }
  for (int32_t k = 0; j < e; ++j, ++k)
    for (size_t c = 0; c < C; ++c) p[C * k + c] = t[c][j];
}

// Rows [r0, r1) of the flattened [n·h] row index. 'chw' writes the planes directly; 'hwc' computes
// a tile of kTile rays into planes on the stack, then interleaves them (storing each ray's
// channels at stride C straight from the ray loop vectorizes poorly: measured 2–3× slower).
constexpr int32_t kTile = 64;
template <int Layout, int Order>
SK_INLINE size_t map_rows_t(const float* consts, size_t h, size_t w, float pc, float* out, size_t r0, size_t r1) {
  constexpr size_t ch = Order == ORDER_D ? 3 : 6;
  const int32_t wi = (int32_t)w;  // w ≤ 2^22 (checked by the glue): exact as int32 and float
  for (size_t r = r0; r < r1; ++r) {
    const size_t n = r / h, v = r - n * h;
    float c[CAMERA_CONSTS];  // a local copy: stores to `out` cannot alias it, so it stays in registers
    for (int k = 0; k < CAMERA_CONSTS; ++k) c[k] = consts[CAMERA_CONSTS * n + k];
    const float y = (float)v + pc;
    if (Layout == LAYOUT_CHW) {
      const size_t hw = h * w;
      float* o = out + ch * hw * n + v * w;
      float* o3 = Order == ORDER_D ? o : o + 3 * hw;  // unused for ORDER_D; keep in bounds
      ray_planes<Order>(c, y, pc, 0, wi, o, o + hw, o + 2 * hw, o3, o3 + hw, o3 + 2 * hw);
    } else {
      alignas(64) float t[6][kTile];
      float* o = out + ch * w * r;
      for (int32_t u0 = 0; u0 < wi; u0 += kTile) {
        const int32_t e = wi - u0 < kTile ? wi - u0 : kTile;
        ray_planes<Order>(c, y, pc, u0, kTile, t[0], t[1], t[2], t[3], t[4], t[5]);
        interleave<ch>(t, e, o + ch * (size_t)u0);
      }
    }
  }
  return SIZE_MAX;
}

SK_INLINE size_t map_rows(const float* consts, size_t h, size_t w, float pc, int layout, int order, float* out,
                          size_t r0, size_t r1) {
  if (layout == LAYOUT_HWC) {
    if (order == ORDER_MD) return map_rows_t<LAYOUT_HWC, ORDER_MD>(consts, h, w, pc, out, r0, r1);
    if (order == ORDER_DM) return map_rows_t<LAYOUT_HWC, ORDER_DM>(consts, h, w, pc, out, r0, r1);
    return map_rows_t<LAYOUT_HWC, ORDER_D>(consts, h, w, pc, out, r0, r1);
  }
  if (order == ORDER_MD) return map_rows_t<LAYOUT_CHW, ORDER_MD>(consts, h, w, pc, out, r0, r1);
  if (order == ORDER_DM) return map_rows_t<LAYOUT_CHW, ORDER_DM>(consts, h, w, pc, out, r0, r1);
  return map_rows_t<LAYOUT_CHW, ORDER_D>(consts, h, w, pc, out, r0, r1);
}
SK_MULTIVERSION(map_rows,
                (const float* consts, size_t h, size_t w, float pc, int layout, int order, float* out, size_t r0,
                 size_t r1),
                (consts, h, w, pc, layout, order, out, r0, r1))

template <int Order>
SK_INLINE size_t points_t(const float* consts, bool cb, const float* pts, bool shared, size_t p, float* out, size_t s,
                          size_t e) {
  return sk::each(s, e, [&](size_t i) SK_LAMBDA {
    camera_ray_point(consts, cb, pts, shared, p, i, Order, out + (Order == ORDER_D ? 3 : 6) * i);
    return 0;
  });
}
SK_INLINE size_t points(const float* consts, bool cb, const float* pts, bool shared, size_t p, int order, float* out,
                        size_t s, size_t e) {
  if (order == ORDER_MD) return points_t<ORDER_MD>(consts, cb, pts, shared, p, out, s, e);
  if (order == ORDER_DM) return points_t<ORDER_DM>(consts, cb, pts, shared, p, out, s, e);
  return points_t<ORDER_D>(consts, cb, pts, shared, p, out, s, e);
}
SK_MULTIVERSION(points,
                (const float* consts, bool cb, const float* pts, bool shared, size_t p, int order, float* out, size_t s,
                 size_t e),
                (consts, cb, pts, shared, p, order, out, s, e))

template <int Layout, int Order>
SK_INLINE void moments_t(const float* map, size_t n, size_t v0, size_t v1, size_t h, size_t w, float pc, double* acc) {
  camera_moments_rows(map, n, v0, v1, h, w, pc, Layout, Order, acc);
}
// Moments of blocks [b0, b1); block b covers rows [b·rows, …) of camera b / per_camera.
SK_INLINE size_t moments_blocks(const float* map, size_t h, size_t w, float pc, int layout, int order, size_t rows,
                                size_t per_camera, double* partial, size_t b0, size_t b1) {
  for (size_t b = b0; b < b1; ++b) {
    const size_t n = b / per_camera, v0 = (b - n * per_camera) * rows, v1 = v0 + rows < h ? v0 + rows : h;
    double* acc = partial + CAMERA_MOMENTS * b;
    for (int k = 0; k < CAMERA_MOMENTS; ++k) acc[k] = 0.0;
    if (layout == LAYOUT_HWC) {
      if (order == ORDER_MD) moments_t<LAYOUT_HWC, ORDER_MD>(map, n, v0, v1, h, w, pc, acc);
      else moments_t<LAYOUT_HWC, ORDER_DM>(map, n, v0, v1, h, w, pc, acc);
    } else {
      if (order == ORDER_MD) moments_t<LAYOUT_CHW, ORDER_MD>(map, n, v0, v1, h, w, pc, acc);
      else moments_t<LAYOUT_CHW, ORDER_DM>(map, n, v0, v1, h, w, pc, acc);
    }
  }
  return SIZE_MAX;
}
SK_MULTIVERSION(moments_blocks,
                (const float* map, size_t h, size_t w, float pc, int layout, int order, size_t rows, size_t per_camera,
                 double* partial, size_t b0, size_t b1),
                (map, h, w, pc, layout, order, rows, per_camera, partial, b0, b1))

// A ray costs a few times a quaternion op: split at ~8k rays per chunk.
constexpr size_t kRayGrain = sk::kGrain / 4;
}  // namespace

namespace sk::cpu {

void camera_ray_map(const float* consts, size_t n, size_t h, size_t w, float pc, int layout, int order, float* out) {
  const size_t rows = n * h, grain = w >= kRayGrain ? 1 : kRayGrain / w;
  parallel_for(rows, grain, [&](size_t s, size_t e) {
    return SK_DISPATCH(map_rows)(consts, h, w, pc, layout, order, out, s, e);
  });
}

void camera_rays(const float* consts, bool cb, const float* pts, bool shared, size_t p, size_t count, int order,
                 float* out) {
  parallel_for(count, kRayGrain, [&](size_t s, size_t e) {
    return SK_DISPATCH(points)(consts, cb, pts, shared, p, order, out, s, e);
  });
}

void camera_moments(const float* map, size_t n, size_t h, size_t w, float pc, int layout, int order, double* out) {
  const size_t rows = camera_moments_block_rows(w), per_camera = (h + rows - 1) / rows, blocks = n * per_camera;
  std::vector<double> partial(CAMERA_MOMENTS * blocks);
  // At most the AVX2 build: the scalar float64 loop ran 1.35× slower in the AVX-512 build on the
  // development machine (AMD EPYC; 50 vs 37 ms for 16 × 512²), and every level gives the same bits.
  const int level = sk::isa() < ISA_AVX2 ? sk::isa() : ISA_AVX2;
  parallel_for(blocks, kRayGrain / (rows * w) + 1, [&](size_t s, size_t e) {
    return moments_blocks_isa[level](map, h, w, pc, layout, order, rows, per_camera, partial.data(), s, e);
  });
  for (size_t c = 0; c < n; ++c)
    camera_moments_merge(partial.data() + CAMERA_MOMENTS * per_camera * c, per_camera, out + CAMERA_MOMENTS * c);
}

}  // namespace sk::cpu
