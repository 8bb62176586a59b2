// Metric drivers, implemented by the CPU driver (native/cpu/metrics.cc, SK_DRIVER_NS = sk::cpu)
// and the CUDA driver (native/cuda/metrics.cu, sk::cuda). Declarations only, no include guard
// (see native/drivers/quat.h for why).
#include <stddef.h>
#include <stdint.h>

namespace SK_DRIVER_NS {
// counts[k] = number of codes equal to k, for k in [0, K) (counts is overwritten; exact as
// float64 up to 2^53). Returns the index of the first code outside [0, K), or SIZE_MAX.
size_t metrics_histogram(const int32_t* codes, size_t n, uint32_t K, double* counts);

// values[g] = Normalized Entropy of labels[offsets[g] .. offsets[g+1]) (NaN when that group holds
// fewer than 2 labels); stats = {sum of the non-NaN values, how many}, summed in a fixed order so
// the result does not depend on the thread count. `offsets` has G + 1 entries and must rise from
// 0 to n; returns the first index i of `offsets` that breaks this (offsets[i] < offsets[i − 1],
// offsets[0] ≠ 0 or offsets[G] ≠ n, or a value above n), or SIZE_MAX.
size_t metrics_ne_grouped(const int32_t* labels, size_t n, const uint32_t* offsets, size_t G, double* values,
                          double* stats);
}  // namespace SK_DRIVER_NS
