// N-API glue for sk.metrics: argument checks, then one driver call (CPU or CUDA, SK_DRIVER_NS).
#include "drivers/metrics.h"
#include "napi/glue.h"
#include "napi/limits.h"

namespace sk::napi {
namespace {
namespace drv = SK_DRIVER_NS;

// Bins a histogram may have: the CPU driver keeps one uint32 table of K + 1 bins per thread.
uint32_t bins(Call& c, size_t i, const char* name) { return c.integer(i, name, 1, limits::kMaxBins); }

// (codes Int32Array [N], K, counts Float64Array [K])
void histogram(Call& c) {
  Arr codes = c.array<int32_t>(0, "codes", 1);
  const uint32_t K = bins(c, 1, "K");
  Arr counts = c.array<double>(2, "counts", 1, true);
  c.expect_count(counts, "counts", K, "bins");
  c.run = [&c, codes, K, counts] { return drv::metrics_histogram(c.ptr<int32_t>(codes), codes.count, K, c.ptr<double>(counts)); };
  c.bad = [&c, codes, K](size_t i) {
    return "Expected an integer in [0, " + std::to_string(K) + ") for `codes[" + std::to_string(i) +
           "]` but received the number " + std::to_string(c.ptr<int32_t>(codes)[i]);
  };
}

// (labels Int32Array [N], offsets Uint32Array [G + 1], values Float64Array [G], stats Float64Array [2])
void ne_grouped(Call& c) {
  Arr labels = c.array<int32_t>(0, "labels", 1), offsets = c.array<uint32_t>(1, "offsets", 1);
  if (offsets.count < 1) c.range_error("Expected Uint32Array of length G + 1 ≥ 1 for `offsets` but received Uint32Array(0)");
  // The driver checks each offset where it uses it; the snapshot keeps the RangeError naming the
  // values that were used.
  c.snapshot(offsets);
  const size_t G = offsets.count - 1;
  Arr values = c.array<double>(2, "out", 1, true), stats = c.array<double>(3, "stats", 1, true);
  c.expect_count(values, "out", G, "values");
  c.expect_count(stats, "stats", 2, "values");
  c.run = [&c, labels, offsets, values, stats, G] {
    return drv::metrics_ne_grouped(c.ptr<int32_t>(labels), labels.count, c.ptr<uint32_t>(offsets), G,
                                   c.ptr<double>(values), c.ptr<double>(stats));
  };
  c.bad = [&c, labels, offsets](size_t i) {
    return "Expected `offsets` to rise from 0 to " + std::to_string(labels.count) +
           " (the length of `labels`) but offsets[" + std::to_string(i) + "] is " +
           std::to_string(c.ptr<uint32_t>(offsets)[i]);
  };
}

}  // namespace

void init_metrics(Napi::Env env, Napi::Object exports) {
  define_domain(env, exports, "metrics", {op<histogram>("histogram"), op<ne_grouped>("neGrouped")});
}

}  // namespace sk::napi
