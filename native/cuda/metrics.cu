// CUDA drivers for the metric kernels, as Thrust algorithms over the SK_HD bodies of
// native/kernels/metrics.h (DESIGN §2): no <<<>>>, so g++ builds the same source on Thrust's
// CPP device system for the native tests.
//  - histogram: sort the codes, then upper_bound of every bin and the adjacent difference (the
//    sort-based histogram of the Thrust examples: deterministic, no atomics).
//  - grouped NE: when every group holds at most SK_METRICS_SMALL_GROUP labels, one thread per group
//    runs metrics_ne_small on the unsorted labels, as the CPU driver does; otherwise a segmented
//    sort (stable sort by label, then by group) puts equal labels side by side inside each group
//    and metrics_ne_sorted scores every group.
#include <algorithm>

#include <thrust/binary_search.h>
#include <thrust/sort.h>
#include <thrust/transform.h>

#include "cuda/launch.h"
#include "drivers/metrics.h"
#include "kernels/metrics.h"

namespace sk::cuda {
namespace {

using thrust::counting_iterator;
// Algorithms get raw pointers with the thrust::device policy, not device_vector iterators: on the
// CPP system (native tests) Thrust's device_reference conversions bind a null reference, which
// UBSan reports; on the GPU the two are the same.
template <class T>
T* raw(thrust::device_vector<T>& v) { return thrust::raw_pointer_cast(v.data()); }

struct FirstBadCode {
  const int32_t* codes;
  uint32_t K;
  SK_HD size_t operator()(size_t i) const { return metrics_code_bin(codes[i], K) == K ? i : SIZE_MAX; }
};

// counts[k] = ends[k] − ends[k − 1]: the adjacent difference, on raw pointers (Thrust's own
// adjacent_difference on the CPP system binds a null reference, which UBSan reports).
struct BinCount {
  const uint64_t* ends;
  SK_HD double operator()(size_t k) const { return (double)(ends[k] - (k ? ends[k - 1] : 0)); }
};

// NE of group g from labels already sorted inside each group.
struct NeSorted {
  const int32_t* sorted;
  const uint32_t* off;
  double* values;
  SK_HD void operator()(size_t g) const { values[g] = metrics_ne_sorted(sorted + off[g], off[g + 1] - off[g]); }
};

// NE of a short group g from its unsorted labels.
struct NeSmall {
  const int32_t* labels;
  const uint32_t* off;
  double* values;
  SK_HD void operator()(size_t g) const { values[g] = metrics_ne_small(labels + off[g], off[g + 1] - off[g]); }
};

struct SumValid {  // (value, 1) for a defined NE, (0, 0) for NaN
  SK_HD thrust::pair<double, double> operator()(double v) const {
    return v == v ? thrust::make_pair(v, 1.0) : thrust::make_pair(0.0, 0.0);
  }
};
struct AddPairs {
  SK_HD thrust::pair<double, double> operator()(const thrust::pair<double, double>& a,
                                                const thrust::pair<double, double>& b) const {
    return thrust::make_pair(a.first + b.first, a.second + b.second);
  }
};

template <class F>
auto guarded(F&& f) -> decltype(f()) {
  require_available();
  try {
    return f();
  } catch (const std::exception& x) {
    throw std::runtime_error(std::string("CUDA launcher failed: ") + x.what());
  }
}

}  // namespace

size_t metrics_histogram(const int32_t* codes, size_t n, uint32_t K, double* counts) {
  return guarded([&]() -> size_t {
    thrust::device_vector<int32_t> d(codes, codes + n);
    const counting_iterator<size_t> first(0);
    const size_t bad = thrust::transform_reduce(thrust::device, first, first + n, FirstBadCode{raw(d), K}, (size_t)SIZE_MAX,
                                                thrust::minimum<size_t>());
    if (bad != SIZE_MAX) return bad;
    int32_t* c = raw(d);
    thrust::sort(thrust::device, c, c + n);
    thrust::device_vector<uint64_t> ends(K);
    thrust::upper_bound(thrust::device, c, c + n, counting_iterator<int32_t>(0), counting_iterator<int32_t>((int32_t)K),
                        raw(ends));
    thrust::device_vector<double> dc(K);
    thrust::transform(thrust::device, counting_iterator<size_t>(0), counting_iterator<size_t>(K), raw(dc),
                      BinCount{raw(ends)});
    thrust::copy(dc.begin(), dc.end(), counts);
    return SIZE_MAX;
  });
}

size_t metrics_ne_grouped(const int32_t* labels, size_t n, const uint32_t* offsets, size_t G, double* values,
                          double* stats) {
  return guarded([&]() -> size_t {
    // The offsets are host memory already: check them here, in order, as the CPU driver reports.
    if (offsets[0] != 0) return 0;
    uint32_t longest = 0;
    for (size_t g = 0; g < G; ++g) {
      if (offsets[g + 1] < offsets[g] || offsets[g + 1] > n) return g + 1;
      longest = std::max(longest, offsets[g + 1] - offsets[g]);
    }
    if (offsets[G] != n) return G;
    if (G == 0) { stats[0] = stats[1] = 0.0; return SIZE_MAX; }

    thrust::device_vector<int32_t> lab(labels, labels + n);
    thrust::device_vector<uint32_t> off(offsets, offsets + G + 1);
    thrust::device_vector<double> val(G);
    const counting_iterator<size_t> groups(0);
    if (longest <= SK_METRICS_SMALL_GROUP) {
      thrust::for_each_n(thrust::device, groups, G, NeSmall{raw(lab), raw(off), raw(val)});
    } else {
      // Group of each label: the number of offsets[1..G] at or below its index.
      thrust::device_vector<uint32_t> seg(n);
      int32_t* l = raw(lab);
      uint32_t* sg = raw(seg);
      thrust::upper_bound(thrust::device, raw(off) + 1, raw(off) + G + 1, counting_iterator<uint32_t>(0),
                          counting_iterator<uint32_t>((uint32_t)n), sg);
      thrust::stable_sort_by_key(thrust::device, l, l + n, sg);
      thrust::stable_sort_by_key(thrust::device, sg, sg + n, l);
      thrust::for_each_n(thrust::device, groups, G, NeSorted{raw(lab), raw(off), raw(val)});
    }
    const auto s = thrust::transform_reduce(thrust::device, raw(val), raw(val) + G, SumValid{},
                                            thrust::make_pair(0.0, 0.0), AddPairs{});
    thrust::copy(val.begin(), val.end(), values);
    stats[0] = s.first;
    stats[1] = s.second;
    return SIZE_MAX;
  });
}

}  // namespace sk::cuda
