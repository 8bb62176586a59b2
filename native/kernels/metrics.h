// Metric kernel bodies (DESIGN §4 "Metrics"): the histogram behind codebook usage and the
// Normalized Entropy of one group of answer labels. No N-API, threads or allocation; the CPU
// driver (native/cpu/metrics.cc), the CUDA driver (native/cuda/metrics.cu) and the wasm port
// (wasm/assembly/metrics.ts) run these same definitions.
#pragma once
#include "common.h"

// The histogram bin of one code: the code itself when 0 ≤ code < K, else K, a spare bin that
// drivers allocate so a bad code is counted somewhere harmless (no branch in the hot loop) and
// then reported by index.
SK_HD uint32_t metrics_code_bin(int32_t code, uint32_t K) {
  const uint32_t c = (uint32_t)code;  // negative codes wrap above K
  return c < K ? c : K;
}

// c·log2(c) for a count c ≥ 1 (0 for c = 1).
SK_HD double metrics_xlog2x(double c) { return c * log2(c); }

// Normalized Entropy of one group of N answers, given its labels sorted so equal labels are
// adjacent (ROTATE, DESIGN §4; drivers use it for groups longer than SK_METRICS_SMALL_GROUP): NE = H / log2 N with H = −Σ (n_i/N) log2(n_i/N). Written as
//   NE = 1 − Σ n_i log2 n_i / (N log2 N),
// which needs only logarithms of integers and gives exactly 0 (one category) and exactly 1
// (N distinct) — the two values tests and users compare against. NaN for N < 2 (undefined).
SK_HD double metrics_ne_sorted(const int32_t* s, uint32_t n) {
  if (n < 2) return NAN;
  double acc = 0.0;
  uint32_t run = 1;
  for (uint32_t i = 1; i < n; ++i) {
    if (s[i] == s[i - 1]) {
      ++run;
    } else {
      acc += metrics_xlog2x((double)run);
      run = 1;
    }
  }
  acc += metrics_xlog2x((double)run);
  const double N = (double)n;
  return 1.0 - acc / (N * log2(N));
}

// NE of one short group (n ≤ SK_METRICS_SMALL_GROUP) straight from its unsorted labels. With m_i
// the number of labels equal to label i, Σ_i log2 m_i = Σ_c n_c log2 n_c (each category c counted
// once per member), so NE = 1 − log2(Π_i m_i) / (N log2 N): no sort (whose mispredicted branches
// cost 3–4× more on groups of 8), one logarithm, and Π m_i ≤ N^N ≤ 32^32 stays far inside
// float64's range (32 roundings of the product move NE by < 1e-16). Exactly 0 for one category,
// exactly 1 for N distinct labels (Π m_i = 1).
SK_HD double metrics_ne_small(const int32_t* l, uint32_t n) {
  if (n < 2) return NAN;
  uint32_t m0 = 0;
  for (uint32_t j = 0; j < n; ++j) m0 += l[j] == l[0];
  if (m0 == n) return 0.0;
  double prod = 1.0;
  for (uint32_t i = 0; i < n; ++i) {
    const int32_t v = l[i];
    uint32_t m = 0;
    for (uint32_t j = 0; j < n; ++j) m += l[j] == v;
    prod *= (double)m;
  }
  const double N = (double)n;
  return 1.0 - log2(prod) / (N * log2(N));
}
#define SK_METRICS_SMALL_GROUP 32u
