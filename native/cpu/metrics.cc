// CPU driver for the metric kernels: a chunked histogram (one private table per chunk, merged in
// chunk order) and grouped Normalized Entropy (fixed blocks of groups, partial sums added in
// block order), both split over the thread pool. The results do not depend on the thread count.
#include <algorithm>
#include <vector>

#include "cpu/loop.h"
#include "drivers/metrics.h"
#include "kernels/metrics.h"

namespace {

// Counts codes [b, e) into h[0..K] (h[K] collects bad codes). One table: on the CPUs measured
// (Zen 5) store-to-load forwarding keeps up even when every code is the same, and 2–8 interleaved
// sub-tables were 20–35% slower. Four bins are computed before their four increments, so the
// code loads are not queued behind the table's read-modify-writes: 15–25% faster on 1e7 uniform
// codes over K = 2048 (issue #17; a C loop of its own, 6.4–7.2 vs 8.0–9.9 ms, EPYC, shared VM).
void histogram_range(const int32_t* codes, size_t b, size_t e, uint32_t K, uint32_t* h) {
  size_t i = b;
  for (; i + 4 <= e; i += 4) {
    const uint32_t k0 = metrics_code_bin(codes[i], K), k1 = metrics_code_bin(codes[i + 1], K);
    const uint32_t k2 = metrics_code_bin(codes[i + 2], K), k3 = metrics_code_bin(codes[i + 3], K);
    ++h[k0];
    ++h[k1];
    ++h[k2];
    ++h[k3];
  }
  for (; i < e; ++i) ++h[metrics_code_bin(codes[i], K)];
}

size_t first_bad_code(const int32_t* codes, size_t b, size_t e, uint32_t K) {
  for (size_t i = b; i < e; ++i)
    if (metrics_code_bin(codes[i], K) == K) return i;
  return SIZE_MAX;
}

// Groups per block of the grouped-NE sum: the unit whose partial sum is fixed whatever the split.
constexpr size_t kNeBlock = 4096;

// NE of the groups of one block into values; returns the first bad offsets index or SIZE_MAX.
SK_INLINE size_t ne_block(const int32_t* labels, size_t n, const uint32_t* off, size_t g0, size_t g1, double* values,
                          double* sum, double* count, std::vector<int32_t>& scratch) {
  double s = 0.0, c = 0.0;
  for (size_t g = g0; g < g1; ++g) {
    const uint32_t a = off[g], b = off[g + 1];
    if (b < a || b > n) return g + 1;
    const uint32_t len = b - a;
    double v;
    if (len <= SK_METRICS_SMALL_GROUP) {
      v = metrics_ne_small(labels + a, len);
    } else {
      scratch.assign(labels + a, labels + b);
      std::sort(scratch.begin(), scratch.end());
      v = metrics_ne_sorted(scratch.data(), len);
    }
    values[g] = v;
    if (len >= 2) { s += v; c += 1.0; }
  }
  *sum = s;
  *count = c;
  return SIZE_MAX;
}
// The counting loop of metrics_ne_small vectorizes (one AVX2 compare covers a group of 8).
SK_MULTIVERSION(ne_block,
                (const int32_t* labels, size_t n, const uint32_t* off, size_t g0, size_t g1, double* values,
                 double* sum, double* count, std::vector<int32_t>& scratch),
                (labels, n, off, g0, g1, values, sum, count, scratch))

}  // namespace

namespace sk::cpu {

size_t metrics_histogram(const int32_t* codes, size_t n, uint32_t K, double* counts) {
  // Chunks of at most 2^31 codes keep the uint32 tables from overflowing.
  const size_t by_size = (n + (size_t(1) << 31) - 1) >> 31;
  const size_t chunks = std::max<size_t>(1, std::max(by_size, std::min<size_t>(threads(), n / kGrain)));
  const size_t step = (n + chunks - 1) / chunks, bins = (size_t)K + 1;
  std::vector<uint32_t> tables(chunks * bins, 0);
  const size_t bad = parallel_for(chunks, 1, [&](size_t c0, size_t c1) {
    size_t first = SIZE_MAX;
    for (size_t c = c0; c < c1; ++c) {
      const size_t b = std::min(n, c * step), e = std::min(n, b + step);
      uint32_t* h = tables.data() + c * bins;
      histogram_range(codes, b, e, K, h);
      if (h[K] && first == SIZE_MAX) first = first_bad_code(codes, b, e, K);
    }
    return first;
  });
  if (bad != SIZE_MAX) return bad;
  for (size_t k = 0; k < K; ++k) counts[k] = 0.0;
  for (size_t c = 0; c < chunks; ++c) {  // fixed merge order (integers: exact either way)
    const uint32_t* h = tables.data() + c * bins;
    for (size_t k = 0; k < K; ++k) counts[k] += (double)h[k];
  }
  return SIZE_MAX;
}

size_t metrics_ne_grouped(const int32_t* labels, size_t n, const uint32_t* offsets, size_t G, double* values,
                          double* stats) {
  if (offsets[0] != 0) return 0;
  const size_t blocks = (G + kNeBlock - 1) / kNeBlock;
  std::vector<double> sums(blocks), counts(blocks);
  size_t bad = parallel_for(blocks, 2, [&](size_t k0, size_t k1) {
    std::vector<int32_t> scratch;
    for (size_t k = k0; k < k1; ++k) {
      const size_t r = SK_DISPATCH(ne_block)(labels, n, offsets, k * kNeBlock, std::min(G, (k + 1) * kNeBlock), values,
                                &sums[k], &counts[k], scratch);
      if (r != SIZE_MAX) return r;
    }
    return SIZE_MAX;
  });
  if (bad == SIZE_MAX && offsets[G] != n) bad = G;
  if (bad != SIZE_MAX) return bad;
  double s = 0.0, c = 0.0;
  for (size_t k = 0; k < blocks; ++k) { s += sums[k]; c += counts[k]; }
  stats[0] = s;
  stats[1] = c;
  return SIZE_MAX;
}

}  // namespace sk::cpu
