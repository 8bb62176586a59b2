// CPU driver for oriented-box collision: element-wise overlap and fits over the thread pool.
// The broad phase for pairs lives in cpu/collide_pairs.cc.
#include "kernels/collide.h"

#include <new>
#include <vector>

#include "cpu/loop.h"
#include "drivers/collide.h"

namespace {
// The SAT costs ~200 float64 operations: split much earlier than memory-bound element loops.
constexpr size_t kSatGrain = 2048;
}  // namespace

namespace sk::cpu {

size_t collide_overlap(const float* a, bool ab, const float* b, bool bb, double margin, uint8_t* out, size_t n) {
  return parallel_for(n, kSatGrain, [&](size_t s, size_t e) {
    size_t bad = SIZE_MAX;
    for (size_t i = s; i < e; ++i)
      if (box_overlap(a + (ab ? 10 * i : 0), b + (bb ? 10 * i : 0), margin, out + i) != SK_OK && bad == SIZE_MAX)
        bad = i;
    return bad;
  });
}

size_t collide_fits(const float* cand, size_t m, const float* placed, size_t n, double margin, uint8_t* out) {
  const double grow = 0.5 * margin;
  // Validate every box first (candidates 0..m−1, then placed m..m+n−1) and bound the placed ones.
  size_t bad = parallel_for(m, kSatGrain * 8, [&](size_t s, size_t e) {
    for (size_t i = s; i < e; ++i)
      if (box_check(cand + 10 * i) != BOX_OK) return i;
    return (size_t)SIZE_MAX;
  });
  if (bad != SIZE_MAX) return bad;
  std::vector<float> aabb;
  try {
    aabb.resize(6 * n);
  } catch (const std::bad_alloc&) {
    return kCollideNoMemory;
  }
  bad = parallel_for(n, kSatGrain * 8, [&](size_t s, size_t e) {
    for (size_t j = s; j < e; ++j) {
      if (box_check(placed + 10 * j) != BOX_OK) return m + j;
      obb_frame f;
      obb_frame_of(placed + 10 * j, grow, &f);
      obb_aabb(f, &aabb[6 * j], &aabb[6 * j + 3]);
    }
    return (size_t)SIZE_MAX;
  });
  if (bad != SIZE_MAX) return bad;
  // Grain: about kSatGrain AABB-or-SAT tests per chunk.
  const size_t grain = n ? (kSatGrain + n - 1) / n : m + 1;
  parallel_for(m, grain, [&](size_t s, size_t e) {
    for (size_t i = s; i < e; ++i) {
      obb_frame c;
      float lo[3], hi[3];
      obb_frame_of(cand + 10 * i, grow, &c);
      obb_aabb(c, lo, hi);
      out[i] = box_fits(c, lo, hi, placed, aabb.data(), n, grow);
    }
    return (size_t)SIZE_MAX;
  });
  return SIZE_MAX;
}

}  // namespace sk::cpu
