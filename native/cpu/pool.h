// A small persistent thread pool (no OpenMP: it would add a libgomp runtime dependency).
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <functional>
#include <utility>

namespace sk {
// Threads a parallel_for may use, the caller included: hardware concurrency, or
// SPATIALKIT_THREADS (≥ 1) when set.
unsigned threads();

// Splits [0, n) into at most 4·threads() contiguous chunks of at least `grain` elements and runs
// fn(begin, end) on them, the calling thread taking one. Returns the smallest value fn returned
// (kernels return the first bad index or SIZE_MAX), so the answer does not depend on the split.
// Safe to call from several threads at once (the caller helps drain the queue while it waits).
size_t parallel_for_pool(size_t n, size_t grain, const std::function<size_t(size_t, size_t)>& fn);

// The same; a batch of at most `grain` elements (one chunk) runs here directly, without wrapping
// fn in a std::function (a heap allocation per call: issue #17's small-call budget).
template <class F>
inline size_t parallel_for(size_t n, size_t grain, F&& fn) {
  if (n <= grain || n <= 1) return n ? fn(size_t{0}, n) : SIZE_MAX;
  return parallel_for_pool(n, grain, std::function<size_t(size_t, size_t)>(std::forward<F>(fn)));
}
}  // namespace sk
