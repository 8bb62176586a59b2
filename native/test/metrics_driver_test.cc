// Native driver test for sk.metrics: the CPU driver (sk::cpu) and the CUDA drivers (sk::cuda,
// Thrust CPP on g++, or nvcc where a GPU exists) against scalar references written here,
// independent of native/kernels/metrics.h: a std::map histogram and NE = H / log2 N with
// H = −Σ p log2 p (the kernels use 1 − Σ n log2 n / (N log2 N)).
//
// Histograms must match exactly (integer counts). NE per group within 1e-13 absolute (both are
// float64 formulas of a few roundings on values ≤ 1); the mean within 1e-12 relative (the drivers
// sum in different orders). Bad inputs must give the first bad index, as documented in
// native/drivers/metrics.h.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#define SK_TEST_DRIVERS "drivers/metrics.h"
#include "test/harness.h"

namespace {

struct Driver {
  const char* name;
  decltype(&sk::cpu::metrics_histogram) histogram;
  decltype(&sk::cpu::metrics_ne_grouped) ne_grouped;
};

using sk_test::failures;
void report(bool ok, const Driver& d, const std::string& what) { sk_test::report(ok, d.name, what); }

double ne_ref(const int32_t* l, size_t n) {
  if (n < 2) return NAN;
  std::map<int32_t, size_t> c;
  for (size_t i = 0; i < n; ++i) ++c[l[i]];
  double h = 0;
  for (auto& [k, v] : c) {
    const double p = (double)v / n;
    h -= p * log2(p);
  }
  return h / log2((double)n);
}

void test_histogram(const Driver& d, std::mt19937& rng) {
  for (size_t n : {size_t(0), size_t(1), size_t(7), size_t(100003), size_t(3000017)}) {
    for (uint32_t K : {1u, 5u, 2048u}) {
      std::vector<int32_t> codes(n);
      for (auto& c : codes) c = (int32_t)(rng() % K);
      if (n > 10 && K > 1) for (size_t i = 0; i < n / 3; ++i) codes[i] = 0;  // a heavy bin
      std::vector<double> want(K, 0.0), got(K, -1.0);
      for (int32_t c : codes) want[c] += 1;
      const size_t bad = d.histogram(codes.data(), n, K, got.data());
      report(bad == SIZE_MAX && got == want, d, "metrics_histogram n=" + std::to_string(n) + " K=" + std::to_string(K));
    }
  }
  // First bad code, wherever the chunks split: one near the end, one before it.
  std::vector<int32_t> codes(2000003, 1);
  codes[1999999] = -5;
  codes[1500000] = 64;
  std::vector<double> got(64);
  size_t bad = d.histogram(codes.data(), codes.size(), 64, got.data());
  report(bad == 1500000, d, "metrics_histogram reports the first code outside [0, K) (got " + std::to_string(bad) + ")");
  codes[1500000] = 63;
  bad = d.histogram(codes.data(), codes.size(), 64, got.data());
  report(bad == 1999999, d, "metrics_histogram reports a negative code");
}

void test_ne(const Driver& d, std::mt19937& rng) {
  struct Case { size_t G; uint32_t max_len; int32_t cats; };
  for (const Case& c : {Case{0, 8, 3}, Case{1, 8, 3}, Case{1000, 8, 8}, Case{200003, 9, 4}, Case{500, 100, 6}, Case{50, 3000, 40}}) {
    std::vector<uint32_t> off(c.G + 1, 0);
    for (size_t g = 0; g < c.G; ++g) off[g + 1] = off[g] + rng() % (c.max_len + 1);
    std::vector<int32_t> lab(off[c.G]);
    for (auto& x : lab) x = (int32_t)(rng() % c.cats) - c.cats / 2;
    std::vector<double> got(c.G, -1.0);
    double stats[2] = {-1, -1};
    const size_t bad = d.ne_grouped(lab.data(), lab.size(), off.data(), c.G, got.data(), stats);
    double worst = 0, sum = 0, count = 0;
    bool nan_ok = true;
    for (size_t g = 0; g < c.G; ++g) {
      const double want = ne_ref(lab.data() + off[g], off[g + 1] - off[g]);
      if (isnan(want)) { nan_ok = nan_ok && isnan(got[g]); continue; }
      worst = std::max(worst, fabs(got[g] - want));
      sum += want;
      count += 1;
    }
    const bool mean_ok = stats[1] == count && (count == 0 ? stats[0] == 0 : fabs(stats[0] / stats[1] - sum / count) <= 1e-12 * (sum / count));
    char buf[160];
    snprintf(buf, sizeof buf, "metrics_ne_grouped G=%zu len<=%u: max err %.2g of tol 1e-13, mean %s", c.G, c.max_len, worst,
             mean_ok ? "ok" : "WRONG");
    report(bad == SIZE_MAX && nan_ok && worst <= 1e-13 && mean_ok, d, buf);
  }
  // Hand-derived: [7, 1] of 8, [4, 4] of 8, 8 distinct, a single label, an empty group.
  const int32_t lab[] = {3, 3, 3, 9, 3, 3, 3, 3, 1, 2, 1, 2, 2, 1, 1, 2, 0, 1, 2, 3, 4, 5, 6, 7, 42};
  const uint32_t off[] = {0, 8, 16, 24, 25, 25};
  double v[5], st[2];
  d.ne_grouped(lab, 25, off, 5, v, st);
  report(fabs(v[0] - 0.1811881477) < 1e-10 && fabs(v[1] - 1.0 / 3.0) < 1e-15 && v[2] == 1.0 && isnan(v[3]) && isnan(v[4]) && st[1] == 3, d,
         "metrics_ne_grouped hand-derived groups (0.1811881477, 1/3, 1, NaN, NaN)");
  // Bad offsets: the first index that does not rise from 0 to n.
  struct Bad { std::vector<uint32_t> off; size_t want; };
  for (const Bad& b : {Bad{{1, 4}, 0}, Bad{{0, 3, 2, 4}, 2}, Bad{{0, 5}, 1}, Bad{{0, 2}, 1}, Bad{{0, 2, 9, 4}, 2}}) {
    const size_t G = b.off.size() - 1;
    std::vector<double> out(G);
    const size_t got = d.ne_grouped(lab, 4, b.off.data(), G, out.data(), st);
    report(got == b.want, d, "metrics_ne_grouped bad offsets → index " + std::to_string(b.want) + " (got " + std::to_string(got) + ")");
  }
}

}  // namespace

int main() {
  std::vector<Driver> drivers{{"sk::cpu", sk::cpu::metrics_histogram, sk::cpu::metrics_ne_grouped}};
  sk_test::print_isa();
  int32_t c = 0;
  double o = 0;
  if (sk_test::cuda_usable("metrics_histogram", [&] { sk::cuda::metrics_histogram(&c, 1, 1, &o); }))
    drivers.push_back({"sk::cuda", sk::cuda::metrics_histogram, sk::cuda::metrics_ne_grouped});
  for (const Driver& d : drivers) {
    std::mt19937 rng(12345);
    test_histogram(d, rng);
    test_ne(d, rng);
  }
  return sk_test::finish("metrics_driver_test");
}
