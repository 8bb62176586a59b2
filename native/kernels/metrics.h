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
// adjacent (ROTATE, DESIGN §4): NE = H / log2 N with H = −Σ (n_i/N) log2(n_i/N). Written as
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

// Sorts a short run in place (insertion sort: groups of answers are typically 2–8 long, where
// it beats any general sort). Drivers use it for groups up to kMetricsSmallGroup labels.
SK_HD void metrics_sort_small(int32_t* s, uint32_t n) {
  for (uint32_t i = 1; i < n; ++i) {
    const int32_t v = s[i];
    uint32_t j = i;
    while (j > 0 && s[j - 1] > v) {
      s[j] = s[j - 1];
      --j;
    }
    s[j] = v;
  }
}
#define SK_METRICS_SMALL_GROUP 32u
