// The CPU driver's element loop, shared by every domain.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <type_traits>

#include "cpu/dispatch.h"
#include "cpu/pool.h"

namespace sk {

// Runs body(i) for i in [b, e) and returns the first i whose body returned non-zero, or SIZE_MAX.
// The status is OR-reduced so the loop stays vectorizable (GCC 12 does not vectorize a
// first-index reduction); only a failing range is re-scanned. That re-scan stays right for
// in-place calls because bodies map valid inputs to valid outputs (see kernels/quat.h).
// ivdep: bodies read an element's inputs before writing its output, so `out` may equal an input.
template <class F>
SK_INLINE size_t each(size_t b, size_t e, F&& body) {
  int bad = 0;
#pragma GCC ivdep
  for (size_t i = b; i < e; ++i) bad |= body(i);
  if (!bad) return SIZE_MAX;
  for (size_t i = b; i < e; ++i)
    if (body(i)) return i;
  return SIZE_MAX;
}

// Calls f(A, B) with std::integral_constant<bool> arguments, so a broadcast (false) or batched
// (true) operand becomes a compile-time stride and each combination vectorizes on its own.
template <class F>
SK_INLINE size_t bcast(bool a, bool b, F&& f) {
  using T = std::true_type;
  using U = std::false_type;
  return a ? (b ? f(T{}, T{}) : f(T{}, U{})) : (b ? f(U{}, T{}) : f(U{}, U{}));
}

// Elements per chunk below which a batch stays on the calling thread.
constexpr size_t kGrain = 1 << 15;

}  // namespace sk
