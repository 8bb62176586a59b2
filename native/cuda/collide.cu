// CUDA launchers for oriented-box collision: the kernel bodies of native/kernels/collide.h mapped
// over the batch with Thrust (for_each_n over a counting iterator, a min-reduction for the first
// bad index; cuda/launch.h). Built by nvcc for the GPU and by g++ on Thrust's CPP system for the
// native tests. sk::cuda::device::collide_pairs (cuda/device.h) takes the boxes in device memory;
// the host drivers copy their inputs in first.
#include "cuda/device.h"
#include "cuda/launch.h"
#include "drivers/collide.h"
#include "kernels/collide.h"

#include <thrust/binary_search.h>
#include <thrust/device_vector.h>
#include <thrust/fill.h>
#include <thrust/reduce.h>
#include <thrust/scan.h>
#include <thrust/sort.h>

#include <algorithm>
#include <map>
#include <utility>

namespace sk::cuda {
namespace {

const thrust::counting_iterator<size_t> kFirst(0);

// Sorting: CUB's radix sort on the GPU. Thrust's sequential sorts (the CPP system of the host
// test build) bind references through a null policy pointer, which UBSan reports; there the
// "device" memory is host memory, so that build sorts it with std::stable_sort instead (the same
// order as the GPU's stable radix sort).
template <class V>
void sort_by_key(uint64_t* k, size_t n, V* v) {
#ifdef SK_THRUST_HOST
  std::vector<std::pair<uint64_t, V>> kv(n);
  for (size_t i = 0; i < n; ++i) kv[i] = {k[i], v[i]};
  std::stable_sort(kv.begin(), kv.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < n; ++i) k[i] = kv[i].first, v[i] = kv[i].second;
#else
  thrust::sort_by_key(thrust::device, k, k + n, v);
#endif
}
void sort_keys(uint64_t* k, size_t n) {
#ifdef SK_THRUST_HOST
  std::sort(k, k + n);
#else
  thrust::sort(thrust::device, k, k + n);
#endif
}

// Narrow-phase emitters for grid_query / scene_pairs_brute: count, or write lexicographic keys
// (i << 32 | j) that sort into the required order.
struct CountEmit {
  uint32_t n;
  SK_HD void operator()(uint32_t, uint32_t) { ++n; }
};
struct LexEmit {
  uint64_t* out;
  SK_HD void operator()(uint32_t i, uint32_t j) { *out++ = ((uint64_t)i << 32) | j; }
};

struct ExtentOf {
  const float* aabb;
  SK_HD collide_extent operator()(size_t i) const {
    collide_extent e;
    e.add(aabb + 6 * i);
    return e;
  }
};
struct ExtentMerge {
  SK_HD collide_extent operator()(collide_extent a, const collide_extent& b) const {
    a.merge(b);
    return a;
  }
};

// Checks and bounds n boxes on the device: aabb (6 per box); returns the first bad index.
size_t bound(const float* pb, size_t n, double grow, thrust::device_vector<float>& aabb) {
  aabb.resize(6 * n);
  thrust::device_vector<unsigned char> status(n);
  float* pa = raw(aabb);
  unsigned char* ps = raw(status);
  each(n, [=] SK_HD_LAMBDA(size_t i) {
    ps[i] = ::box_check(pb + 10 * i) != BOX_OK;
    if (ps[i]) return;
    obb_frame f;
    ::obb_frame_of(pb + 10 * i, grow, &f);
    ::obb_aabb(f, pa + 6 * i, pa + 6 * i + 3);
  });
  return first_bad(ps, n);
}

// Lexicographic keys → pair words (kernels/collide.h), on the host.
void to_words(const thrust::device_vector<uint64_t>& lex, size_t count, std::vector<uint64_t>* out, size_t at) {
  std::vector<uint64_t> h(count);
  download(raw(lex), count, h.data());
  for (size_t k = 0; k < count; ++k) (*out)[at + k] = pair_word((uint32_t)(h[k] >> 32), (uint32_t)h[k]);
}

// All pairs of n boxes (device arrays, AABBs known) through the grid of kernels/collide.h:
// keys, sort_by_key, gather into sorted order, a counting pass, an exclusive scan, a writing
// pass, a sort. Appends pair words (indices 0 … n − 1) to `out`.
size_t grid_pairs(const float* boxes, const float* aabb, size_t n, double grow, size_t max_pairs,
                  std::vector<uint64_t>* out) {
  if (n < 2) return SIZE_MAX;
  const collide_extent x = thrust::transform_reduce(thrust::device, kFirst, kFirst + n, ExtentOf{aabb},
                                                    collide_extent{}, ExtentMerge{});
  collide_grid g{};
  grid_layout(x, n, grow, &g);
  thrust::device_vector<uint64_t> key(n + kGridBlock, UINT64_MAX);
  thrust::device_vector<uint32_t> id(n);
  uint64_t* pk = raw(key);
  uint32_t* pid = raw(id);
  const collide_grid gl = g;
  each(n, [=] SK_HD_LAMBDA(size_t i) {
    pk[i] = ::grid_key(gl, aabb + 6 * i);
    pid[i] = (uint32_t)i;
  });
  // Raw pointers with the device policy throughout: no thrust::reference proxies on the host.
  sort_by_key(pk, n, pid);
  g.seg[0] = 0;
  for (int l = 1; l < g.levels; ++l) g.seg[l] = (size_t)(thrust::lower_bound(thrust::device, pk, pk + n, g.base[l]) - pk);
  g.seg[g.levels] = n;
  thrust::device_vector<float> lo[3], hi[3], box(10 * n);
  thrust::device_vector<double> rot(9 * n);
  float* plo[3];
  float* phi[3];
  for (int d = 0; d < 3; ++d) {
    lo[d].assign(n + kGridBlock, NAN);
    hi[d].assign(n + kGridBlock, NAN);
    plo[d] = raw(lo[d]);
    phi[d] = raw(hi[d]);
  }
  float* pbox = raw(box);
  double* prot = raw(rot);
  float* lo0 = plo[0]; float* lo1 = plo[1]; float* lo2 = plo[2];
  float* hi0 = phi[0]; float* hi1 = phi[1]; float* hi2 = phi[2];
  each(n, [=] SK_HD_LAMBDA(size_t p) {
    const size_t i = pid[p];
    for (int k = 0; k < 10; ++k) pbox[10 * p + k] = boxes[10 * i + k];
    obb_frame f;
    float b[6];
    ::obb_frame_of(pbox + 10 * p, grow, &f);
    ::obb_aabb(f, b, b + 3);
    lo0[p] = b[0]; lo1[p] = b[1]; lo2[p] = b[2];
    hi0[p] = b[3]; hi1[p] = b[4]; hi2[p] = b[5];
    for (int k = 0; k < 9; ++k) prot[9 * p + k] = f.r[k];
  });
  g.key = pk;
  g.id = pid;
  for (int d = 0; d < 3; ++d) {
    g.lo[d] = plo[d];
    g.hi[d] = phi[d];
  }
  g.box = pbox;
  g.rot = prot;

  thrust::device_vector<uint64_t> start(n);
  uint64_t* pstart = raw(start);
  const collide_grid gq = g;
  each(n, [=] SK_HD_LAMBDA(size_t p) {
    CountEmit e{0};
    ::grid_query(gq, p, e, (size_t*)nullptr);
    pstart[p] = e.n;
  });
  const uint64_t total = thrust::reduce(thrust::device, pstart, pstart + n, (uint64_t)0);
  if (total > max_pairs) return kCollideTooManyPairs;
  thrust::exclusive_scan(thrust::device, pstart, pstart + n, pstart);
  thrust::device_vector<uint64_t> lex(total);
  uint64_t* plex = raw(lex);
  each(n, [=] SK_HD_LAMBDA(size_t p) {
    LexEmit e{plex + pstart[p]};
    ::grid_query(gq, p, e, (size_t*)nullptr);
  });
  sort_keys(plex, total);
  const size_t at = out->size();
  out->resize(at + total);
  to_words(lex, total, out, at);
  return SIZE_MAX;
}

// All pairs of n boxes in device memory: checked and bounded, then through the grid.
size_t pairs_on_device(const float* boxes, size_t n, double margin, size_t max_pairs, std::vector<uint64_t>* pairs) {
  pairs->clear();
  thrust::device_vector<float> aabb;
  const size_t bad = bound(boxes, n, 0.5 * margin, aabb);
  if (bad != SIZE_MAX) return bad;
  return grid_pairs(boxes, raw(aabb), n, 0.5 * margin, max_pairs, pairs);
}

}  // namespace

size_t collide_overlap(const float* a, bool ab, const float* b, bool bb, double margin, uint8_t* out, size_t n) {
  return guarded([&]() -> size_t {
    if (n == 0) return SIZE_MAX;
    const thrust::device_vector<float> da = upload(a, 10 * (ab ? n : 1)), db = upload(b, 10 * (bb ? n : 1));
    thrust::device_vector<uint8_t> dout(n);
    thrust::device_vector<unsigned char> status(n);
    const float* pa = raw(da);
    const float* pb = raw(db);
    uint8_t* po = raw(dout);
    unsigned char* ps = raw(status);
    const size_t sa = ab ? 10 : 0, sb = bb ? 10 : 0;
    each(n, [=] SK_HD_LAMBDA(size_t i) { ps[i] = ::box_overlap(pa + i * sa, pb + i * sb, margin, po + i) != SK_OK; });
    const size_t bad = first_bad(ps, n);
    download(dout, out);
    return bad;
  });
}

size_t collide_fits(const float* cand, size_t m, const float* placed, size_t n, double margin, uint8_t* out) {
  return guarded([&]() -> size_t {
    const double grow = 0.5 * margin;
    const thrust::device_vector<float> dc = upload(cand, 10 * m), dp = upload(placed, 10 * n);
    thrust::device_vector<float> aabb;
    thrust::device_vector<unsigned char> status(m);
    const float* pc = raw(dc);
    const float* pp = raw(dp);
    unsigned char* ps = raw(status);
    each(m, [=] SK_HD_LAMBDA(size_t i) { ps[i] = ::box_check(pc + 10 * i) != BOX_OK; });
    size_t bad = first_bad(ps, m);
    if (bad != SIZE_MAX) return bad;
    bad = bound(pp, n, grow, aabb);
    if (bad != SIZE_MAX) return m + bad;
    if (m == 0) return SIZE_MAX;
    const float* pa = raw(aabb);
    thrust::device_vector<uint8_t> dout(m);
    uint8_t* po = raw(dout);
    each(m, [=] SK_HD_LAMBDA(size_t i) {
      obb_frame c;
      float lo[3], hi[3];
      ::obb_frame_of(pc + 10 * i, grow, &c);
      ::obb_aabb(c, lo, hi);
      po[i] = ::box_fits(c, lo, hi, pp, pa, n, grow);
    });
    download(dout, out);
    return SIZE_MAX;
  });
}

size_t collide_pairs(const float* boxes, size_t n, double margin, size_t max_pairs, std::vector<uint64_t>* pairs) {
  return guarded([&] {
    const thrust::device_vector<float> db = upload(boxes, 10 * n);
    return pairs_on_device(raw(db), n, margin, max_pairs, pairs);
  });
}

size_t device::collide_pairs(const float* boxes, size_t n, double margin, size_t max_pairs,
                             std::vector<uint64_t>* pairs) {
  return guarded([&] { return pairs_on_device(boxes, n, margin, max_pairs, pairs); });
}

// Scenes of up to kBruteScene boxes run one per device thread (every AABB pair); larger ones
// through grid_pairs, one after another.
constexpr uint32_t kBruteScene = 64;

size_t collide_pairs_batched(const float* boxes, size_t n, const uint32_t* offsets, size_t scenes, double margin,
                             size_t max_pairs, std::vector<uint64_t>* pairs, std::vector<uint32_t>* scene_offsets) {
  return guarded([&]() -> size_t {
    pairs->clear();
    const double grow = 0.5 * margin;
    scene_offsets->assign(scenes + 1, 0);
    const thrust::device_vector<float> db = upload(boxes, 10 * n);
    thrust::device_vector<float> aabb;
    const size_t bad = bound(raw(db), n, grow, aabb);
    if (bad != SIZE_MAX) return bad;
    const thrust::device_vector<uint32_t> doff = upload(offsets, scenes + 1);
    thrust::device_vector<uint64_t> start(scenes);
    const float* pb = raw(db);
    const float* pa = raw(aabb);
    const uint32_t* po = raw(doff);
    uint64_t* ps = raw(start);
    each(scenes, [=] SK_HD_LAMBDA(size_t s) {
      const uint32_t o = po[s], k = po[s + 1] - o;
      CountEmit e{0};
      if (k <= kBruteScene) ::scene_pairs_brute(box_frames{pb + 10 * (size_t)o, grow}, pa + 6 * (size_t)o, k, e);
      ps[s] = e.n;
    });
    // Large scenes, on the grid.
    std::map<size_t, std::vector<uint64_t>> large;
    const uint64_t small = thrust::reduce(thrust::device, ps, ps + scenes, (uint64_t)0);
    uint64_t total = small;
    for (size_t s = 0; s < scenes && total <= max_pairs; ++s) {
      const size_t o = offsets[s], k = offsets[s + 1] - o;
      if (k <= kBruteScene) continue;
      std::vector<uint64_t>& v = large[s];
      const size_t st = grid_pairs(pb + 10 * o, pa + 6 * o, k, grow, max_pairs - total, &v);
      if (st != SIZE_MAX) return st;
      total += v.size();
    }
    if (total > max_pairs) return kCollideTooManyPairs;
    std::vector<uint64_t> count(scenes);
    download(start, count.data());
    thrust::exclusive_scan(thrust::device, ps, ps + scenes, ps);
    thrust::device_vector<uint64_t> lex(small);
    uint64_t* pl = raw(lex);
    each(scenes, [=] SK_HD_LAMBDA(size_t s) {
      const uint32_t o = po[s], k = po[s + 1] - o;
      LexEmit e{pl + ps[s]};
      if (k <= kBruteScene) ::scene_pairs_brute(box_frames{pb + 10 * (size_t)o, grow}, pa + 6 * (size_t)o, k, e);
    });
    std::vector<uint64_t> words(small);
    to_words(lex, small, &words, 0);
    pairs->resize(total);
    size_t at = 0, from = 0;
    for (size_t s = 0; s < scenes; ++s) {
      const size_t k = offsets[s + 1] - offsets[s];
      if (k <= kBruteScene) {
        std::copy(words.begin() + from, words.begin() + from + count[s], pairs->begin() + at);
        from += count[s];
        at += count[s];
      } else {
        const std::vector<uint64_t>& v = large[s];
        std::copy(v.begin(), v.end(), pairs->begin() + at);
        at += v.size();
      }
      (*scene_offsets)[s + 1] = (uint32_t)at;
    }
    return SIZE_MAX;
  });
}

}  // namespace sk::cuda
