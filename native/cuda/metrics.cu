// CUDA drivers for the metric kernels, as Thrust algorithms over the SK_HD bodies of
// native/kernels/metrics.h (DESIGN §2): no <<<>>>, so g++ builds the same source on Thrust's
// CPP device system for the native tests.
//  - histogram: sort the codes, then upper_bound of every bin and the adjacent difference (the
//    sort-based histogram of the Thrust examples: deterministic, no atomics).
//  - grouped NE: when every group holds at most SK_METRICS_SMALL_GROUP labels, one thread per group
//    runs metrics_ne_small on the unsorted labels, as the CPU driver does; otherwise a segmented
//    sort (stable sort by label, then by group) puts equal labels side by side inside each group
//    and metrics_ne_sorted scores every group.
// sk::cuda::device::metrics_* run on device memory (cuda/device.h, offsets checked there); the
// host drivers copy the inputs in, run those, and copy the result out.

#include <thrust/binary_search.h>
#include <thrust/sort.h>
#include <thrust/transform.h>

#include "cuda/device.h"
#include "cuda/launch.h"
#include "drivers/metrics.h"
#include "kernels/metrics.h"

namespace sk::cuda {
namespace {

using thrust::counting_iterator;

struct BadCode {
  const int32_t* codes;
  uint32_t K;
  SK_HD bool operator()(size_t i) const { return metrics_code_bin(codes[i], K) == K; }
};

// counts[k] = ends[k] − ends[k − 1]: the adjacent difference, on raw pointers (Thrust's own
// adjacent_difference on the CPP system binds a null reference, which UBSan reports).
struct BinCount {
  const uint64_t* ends;
  SK_HD double operator()(size_t k) const { return (double)(ends[k] - (k ? ends[k - 1] : 0)); }
};

// Index i of offsets[0..G] breaks "rises from 0 to n" (drivers/metrics.h); the smallest such i
// is the index the sequential check reports.
struct BadOffset {
  const uint32_t* off;
  size_t G, n;
  SK_HD bool operator()(size_t i) const {
    return (i == 0 && off[0] != 0) || (i > 0 && (off[i] < off[i - 1] || off[i] > n)) || (i == G && off[G] != n);
  }
};
struct GroupLength {
  const uint32_t* off;
  SK_HD uint32_t operator()(size_t g) const { return off[g + 1] - off[g]; }
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

// A device copy of n values of device memory (the sorts below must not reorder the caller's array).
template <class T>
thrust::device_vector<T> copy_of(const T* dev, size_t n) {
  const thrust::device_ptr<const T> p = thrust::device_pointer_cast(dev);
  return thrust::device_vector<T>(p, p + n);
}

// Device memory in and out.
size_t histogram_on_device(const int32_t* codes, size_t n, uint32_t K, double* counts) {
  const size_t bad = first_where(n, BadCode{codes, K});
  if (bad != SIZE_MAX) return bad;
  thrust::device_vector<int32_t> sorted = copy_of(codes, n);
  int32_t* c = raw(sorted);
  thrust::sort(thrust::device, c, c + n);
  thrust::device_vector<uint64_t> ends(K);
  thrust::upper_bound(thrust::device, c, c + n, counting_iterator<int32_t>(0), counting_iterator<int32_t>((int32_t)K),
                      raw(ends));
  thrust::transform(thrust::device, counting_iterator<size_t>(0), counting_iterator<size_t>(K), counts,
                    BinCount{raw(ends)});
  return SIZE_MAX;
}

// labels, offsets and values device memory; stats host memory.
size_t ne_on_device(const int32_t* labels, size_t n, const uint32_t* off, size_t G, double* values, double* stats) {
  const size_t bad = first_where(G + 1, BadOffset{off, G, n});
  if (bad != SIZE_MAX) return bad;
  if (G == 0) {
    stats[0] = stats[1] = 0.0;
    return SIZE_MAX;
  }
  const counting_iterator<size_t> groups(0);
  const uint32_t longest =
      thrust::transform_reduce(thrust::device, groups, groups + G, GroupLength{off}, 0u, thrust::maximum<uint32_t>());
  if (longest <= SK_METRICS_SMALL_GROUP) {
    each(G, NeSmall{labels, off, values});
  } else {
    // Group of each label: the number of offsets[1..G] at or below its index.
    thrust::device_vector<int32_t> lab = copy_of(labels, n);
    thrust::device_vector<uint32_t> seg(n);
    int32_t* l = raw(lab);
    uint32_t* sg = raw(seg);
    thrust::upper_bound(thrust::device, off + 1, off + G + 1, counting_iterator<uint32_t>(0),
                        counting_iterator<uint32_t>((uint32_t)n), sg);
    thrust::stable_sort_by_key(thrust::device, l, l + n, sg);
    thrust::stable_sort_by_key(thrust::device, sg, sg + n, l);
    each(G, NeSorted{l, off, values});
  }
  const auto s =
      thrust::transform_reduce(thrust::device, values, values + G, SumValid{}, thrust::make_pair(0.0, 0.0), AddPairs{});
  stats[0] = s.first;
  stats[1] = s.second;
  return SIZE_MAX;
}

}  // namespace

size_t metrics_histogram(const int32_t* codes, size_t n, uint32_t K, double* counts) {
  return guarded([&]() -> size_t {
    const thrust::device_vector<int32_t> d = upload(codes, n);
    thrust::device_vector<double> dc(K);
    const size_t bad = histogram_on_device(raw(d), n, K, raw(dc));
    if (bad == SIZE_MAX) download(dc, counts);
    return bad;
  });
}

size_t metrics_ne_grouped(const int32_t* labels, size_t n, const uint32_t* offsets, size_t G, double* values,
                          double* stats) {
  return guarded([&]() -> size_t {
    const thrust::device_vector<int32_t> lab = upload(labels, n);
    const thrust::device_vector<uint32_t> off = upload(offsets, G + 1);
    thrust::device_vector<double> val(G);
    const size_t bad = ne_on_device(raw(lab), n, raw(off), G, raw(val), stats);
    if (bad == SIZE_MAX) download(val, values);
    return bad;
  });
}

namespace device {

size_t metrics_histogram(const int32_t* codes, size_t n, uint32_t K, double* counts) {
  return guarded([&] { return histogram_on_device(codes, n, K, counts); });
}

size_t metrics_ne_grouped(const int32_t* labels, size_t n, const uint32_t* offsets, size_t G, double* values,
                          double* stats) {
  return guarded([&] { return ne_on_device(labels, n, offsets, G, values, stats); });
}

}  // namespace device
}  // namespace sk::cuda
