// CPU driver for sk.render: per (camera, box) frames first (render_frame_of), then rows of pixels
// split over the thread pool. A row is cast in tiles of kTile pixels box by box: the tile's rays
// (camera_ray) go into planes on the stack, then each box whose culling rectangle meets the tile
// runs render_box_hit over it in one vectorizable loop that keeps the nearest hit per pixel.
// Boxes are visited in index order and only a strictly nearer hit replaces one, so every pixel
// gets the answer of render_pixel (the per-pixel body the CUDA launcher runs), ties included.
//
// Visibility is counted in the same pass: per row, hits per box (pixelsAlone) and the pixels each
// box wins, then added to the (camera, box) row with atomics. Counts, minima and maxima of
// integers do not depend on the order of the additions, so the result is the same for any
// thread count.
#include "kernels/render.h"

#include <algorithm>
#include <vector>

#include "cpu/loop.h"
#include "drivers/render.h"

namespace {

constexpr int32_t kTile = 64;
constexpr int32_t kLanes = 16;  // box_tile's block: one AVX-512 vector, two AVX2 ones

struct Cast {
  const float* consts;
  const uint32_t* rows;
  const render_frame* frames;
  size_t h, w;
  float pc;
  render_outputs out;
  bool vis;
};

// Per-row scratch of one chunk: the boxes meeting the row and their counts.
struct RowScratch {
  uint32_t* active;
  uint32_t* alone;
  uint32_t* won;
  int32_t* umin;
  int32_t* umax;
};

// One box over pixels [b, e) of a tile: nearest-hit update, returns the number of hits. The loop
// runs over whole blocks of kLanes pixels with the pixels outside [b, e) masked: boxes cover short
// runs of a row, and GCC's scalar remainder loop (up to 15 pixels with 3 divisions each) cost more
// than the masked lanes. The count is a second loop over the distances: GCC 12 does not vectorize
// the first loop with an integer reduction in it ("unsupported use in stmt").
SK_INLINE uint32_t box_tile(const render_frame& frame, const float* __restrict dx, const float* __restrict dy,
                            const float* __restrict dz, int32_t b, int32_t e, int32_t j, float* __restrict best,
                            int32_t* __restrict id, float* __restrict dist) {
  const render_frame f = frame;  // a local copy: the stores below cannot alias it
  for (int32_t u0 = b & ~(kLanes - 1); u0 < e; u0 += kLanes) {
    for (int32_t l = 0; l < kLanes; ++l) {
      const int32_t u = u0 + l;
      const float t = u >= b && u < e ? render_box_hit(f, dx[u], dy[u], dz[u]) : kRenderMiss;
      dist[u] = t;
      const bool nearer = t < best[u];
      best[u] = nearer ? t : best[u];
      id[u] = nearer ? j : id[u];
    }
  }
  uint32_t hits = 0;
  for (int32_t u = b; u < e; ++u) hits += dist[u] < kRenderMiss;
  return hits;
}

inline void atomic_min(int32_t* p, int32_t v) {
  int32_t cur = __atomic_load_n(p, __ATOMIC_RELAXED);
  while (v < cur && !__atomic_compare_exchange_n(p, &cur, v, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
  }
}
inline void atomic_max(int32_t* p, int32_t v) {
  int32_t cur = __atomic_load_n(p, __ATOMIC_RELAXED);
  while (v > cur && !__atomic_compare_exchange_n(p, &cur, v, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
  }
}

// Rows [r0, r1) of the flattened n·h rows.
SK_INLINE size_t cast_rows(const Cast* a, RowScratch* s, size_t r0, size_t r1) {
  // Rays are computed only where some box may be hit; the other lanes keep these zeros.
  alignas(64) float dx[kTile] = {}, dy[kTile] = {}, dz[kTile] = {}, best[kTile], dist[kTile];
  alignas(64) int32_t id[kTile];
  const int32_t w = (int32_t)a->w;  // w ≤ 2^22 (checked by the glue)
  for (size_t r = r0; r < r1; ++r) {
    const size_t n = r / a->h;
    const int32_t v = (int32_t)(r - n * a->h);
    float c[RENDER_CONSTS];
    for (int k = 0; k < RENDER_CONSTS; ++k) c[k] = a->consts[RENDER_CONSTS * n + k];
    const uint32_t m = a->rows[n + 1] - a->rows[n];
    const render_frame* fr = a->frames + a->rows[n];
    uint32_t active = 0;
    for (uint32_t j = 0; j < m; ++j)
      if (v >= fr[j].rect[1] && v < fr[j].rect[3] && fr[j].rect[0] < fr[j].rect[2]) {
        s->active[active++] = j;
        if (a->vis) s->alone[j] = 0, s->won[j] = 0, s->umin[j] = INT32_MAX, s->umax[j] = -1;
      }
    const float y = (float)v + a->pc;
    for (int32_t u0 = 0; u0 < w; u0 += kTile) {
      const int32_t e = w - u0 < kTile ? w - u0 : kTile;
      for (int32_t u = 0; u < kTile; ++u) best[u] = kRenderMiss, id[u] = -1;
      // The pixels [lo, hi) of the tile some box's rectangle covers; rays there only, in whole blocks.
      int32_t lo = e, hi = 0;
      for (uint32_t k = 0; k < active; ++k) {
        const render_frame& f = fr[s->active[k]];
        const int32_t b = std::max(f.rect[0] - u0, 0), g = std::min(f.rect[2] - u0, e);
        if (b < g) lo = std::min(lo, b), hi = std::max(hi, g);
      }
      if (lo < hi) {
        const int32_t rb = lo & ~(kLanes - 1), re = std::min(kTile, (hi + kLanes - 1) & ~(kLanes - 1));
        for (int32_t u = rb; u < re; ++u) {
          float d[3], mo[3];
          camera_ray(c, (float)(u0 + u) + a->pc, y, d, mo);
          dx[u] = d[0]; dy[u] = d[1]; dz[u] = d[2];
        }
        for (uint32_t k = 0; k < active; ++k) {
          const uint32_t j = s->active[k];
          const int32_t b = std::max(fr[j].rect[0] - u0, 0), f = std::min(fr[j].rect[2] - u0, e);
          if (b >= f) continue;
          const uint32_t hits = box_tile(fr[j], dx, dy, dz, b, f, (int32_t)j, best, id, dist);
          if (a->vis) s->alone[j] += hits;
        }
      }
      const size_t at = r * a->w + (size_t)u0;
      if (a->out.instance)
        for (int32_t u = 0; u < e; ++u) a->out.instance[at + u] = id[u];
      if (a->out.depth)
        for (int32_t u = 0; u < e; ++u) {
          const float d[3] = {dx[u], dy[u], dz[u]};
          a->out.depth[at + u] = id[u] >= 0 ? render_depth(c, best[u], d) : kRenderMiss;
        }
      if (a->vis && lo < hi)
        for (int32_t u = lo; u < hi; ++u) {
          const int32_t j = id[u];
          if (j < 0) continue;
          if (s->won[j]++ == 0) s->umin[j] = u0 + u;
          s->umax[j] = u0 + u;
        }
    }
    if (!a->vis) continue;
    for (uint32_t k = 0; k < active; ++k) {
      const uint32_t j = s->active[k];
      const size_t row = a->rows[n] + j;
      if (s->alone[j]) __atomic_fetch_add(a->out.alone + row, s->alone[j], __ATOMIC_RELAXED);
      if (!s->won[j]) continue;
      __atomic_fetch_add(a->out.pixels + row, s->won[j], __ATOMIC_RELAXED);
      int32_t* box = a->out.visible + 4 * row;
      atomic_min(box, s->umin[j]);
      atomic_min(box + 1, v);
      atomic_max(box + 2, s->umax[j]);
      atomic_max(box + 3, v);
    }
  }
  return SIZE_MAX;
}
SK_MULTIVERSION(cast_rows, (const Cast* a, RowScratch* s, size_t r0, size_t r1), (a, s, r0, r1))

// About this many ray-box tests per chunk.
constexpr size_t kTestGrain = sk::kGrain;

}  // namespace

namespace sk::cpu {

void render_cast(const float* consts, size_t n, size_t h, size_t w, float pc, const float* boxes, size_t,
                 const uint32_t* first, const uint32_t* rows, const render_outputs& out) {
  const size_t R = rows[n];
  const bool vis = out.alone != nullptr;
  std::vector<render_frame> frames(R);
  uint32_t most = 0;  // the largest scene any camera views
  for (size_t i = 0; i < n; ++i) most = std::max(most, rows[i + 1] - rows[i]);
  parallel_for(n, 1 + 256 / (most + 1), [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      for (uint32_t j = 0; j < rows[i + 1] - rows[i]; ++j) {
        const size_t row = rows[i] + j;
        render_amodal am;
        render_frame_of(consts + RENDER_CONSTS * i, boxes + 10 * ((size_t)first[i] + j), h, w, pc, &frames[row], &am);
        if (!vis) continue;
        for (int k = 0; k < 4; ++k) out.amodal[4 * row + k] = am.clipped[k], out.unclipped[4 * row + k] = am.unclipped[k];
        out.behind[row] = am.behind;
        out.in_frame[row] = am.in_frame;
        render_visibility_start(out.visible + 4 * row, out.alone + row, out.pixels + row);
      }
    }
    return SIZE_MAX;
  });

  const Cast a{consts, rows, frames.data(), h, w, pc, out, vis};
  const size_t per_row = w * (most ? most : 1), grain = per_row >= kTestGrain ? 1 : kTestGrain / per_row;
  parallel_for(n * h, grain, [&](size_t b, size_t e) {
    std::vector<uint32_t> u32(3 * (size_t)most);
    std::vector<int32_t> i32(2 * (size_t)most);
    RowScratch s{u32.data(), u32.data() + most, u32.data() + 2 * (size_t)most, i32.data(), i32.data() + most};
    return SK_DISPATCH(cast_rows)(&a, &s, b, e);
  });

  if (!vis) return;
  parallel_for(R, kTestGrain, [&](size_t b, size_t e) {
    for (size_t row = b; row < e; ++row)
      render_visibility_finish(out.visible + 4 * row, out.alone[row], out.pixels[row], out.fraction + row);
    return SIZE_MAX;
  });
}

}  // namespace sk::cpu
