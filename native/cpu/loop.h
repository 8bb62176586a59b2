// The CPU driver's element loop, shared by every domain.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <type_traits>
#include <utility>

#include "cpu/dispatch.h"
#include "cpu/pool.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>  // _mm_stream_ps / _mm_sfence: SSE, so every ISA level has them
#define SK_HAVE_STREAM 1
#endif

namespace sk {

// Runs body(i) for i in [b, e) and returns the first i whose body returned non-zero, or SIZE_MAX.
// The status is OR-reduced so the loop stays vectorizable (GCC 12 does not vectorize a
// first-index reduction); only a failing range is re-scanned. That re-scan reads in-place
// outputs, so it is right only where a valid item's output re-checks as valid (see
// kernels/quat.h); `each_block` re-scans its own copy of the inputs and has no such condition.
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

// A driver: [0, n) split over the pool in pieces of about `grain`, each run by the build of `range`
// (an SK_MULTIVERSION table, name##_isa) that this CPU's ISA level selects, as range(args..., s, e).
template <size_t N, class... P, class... A>
size_t pooled(size_t n, size_t grain, size_t (*const (&range)[N])(P...), A... args) {
  return parallel_for(n, grain, [&](size_t s, size_t e) { return range[isa()](args..., s, e); });
}

// Calls f(A, B) with std::integral_constant<bool> arguments, so a broadcast (false) or batched
// (true) operand becomes a compile-time stride and each combination vectorizes on its own.
template <class F>
SK_INLINE size_t bcast(bool a, bool b, F&& f) {
  using T = std::true_type;
  using U = std::false_type;
  return a ? (b ? f(T{}, T{}) : f(T{}, U{})) : (b ? f(U{}, T{}) : f(U{}, U{}));
}

// ───── Blocked loops: AoS items through SoA blocks ─────
// `each` leaves data movement to GCC, which vectorizes a body's interleaved accesses only for items
// of 1, 2, 3, 4 or 8 floats (GCC 12: "size of the group of accesses is not a power of 2 or not equal
// to 3"): 9-float matrices, 6-float rays and the like stay scalar. `each_block` runs the body over
// blocks of W items instead: each input block is transposed into a local SoA buffer, the body runs
// once per lane on per-lane local copies (SRA turns them into registers, so the lane loop is plain
// element-wise SIMD at every ISA level), and the output block is transposed back. The body is the
// same callable the CUDA launcher takes (cuda/launch.h): body(i, out_i, in_0_i, ...) over raw
// pointers, returning void or an sk_status; the arithmetic is untouched, only the data moves.
//
// Status: as `each`, the first i whose body returned non-zero, or SIZE_MAX; every output is
// written either way. The failing block is re-scanned from its SoA copy, so the re-scan never
// reads outputs and in-place calls get the same outputs as out-of-place ones.
// Aliasing: `out` may equal an input (a block's inputs are copied before its outputs are written);
// partial overlaps are not supported.

// An input of K floats per item: item i at p + K·i (Batch) or one item broadcast to every i.
template <int K, bool Batch = true>
struct BlockIn {
  const float* p;
};
template <int K>
SK_INLINE BlockIn<K, true> in(const float* p) { return {p}; }
// With a `bcast` flag: in<4>(a, A) is batched when A is std::true_type.
template <int K, class B>
SK_INLINE BlockIn<K, B::value> in(const float* p, B) { return {p}; }

template <int K>
struct BlockOut {
  float* p;
  bool stream;  // large batches bypass the caches on store (see store_stream)
};
// `stream`: opt in where the body is cheap enough that stores bound it (quat multiply: 1.45× at
// 1e7); where the body costs more, the extra pass through the staging buffer made it slower
// (toMatrix, slerp), so the default is off.
template <int K>
SK_INLINE BlockOut<K> out(float* p, bool stream = false) { return {p, stream}; }

namespace block_detail {

template <int K>
struct Item {  // one lane's copy of an item, handed to the body as a pointer
  float v[K];
};
// GCC vectorizes an interleaved group of a·W floats only for a power of two or 3 (see above). An
// item of K = a·b floats with both factors such is moved in two vectorizable steps: the lane loop
// reads or writes it with stride a, the load/store loop with stride b. K = 1, 2, 3, 4, 8: a = 1
// (plain SoA); 6 = 2·3, 9 = 3·3, 12 = 3·4; other K fall back to a scalar load/store loop.
// E.g. a 3×3 matrix (K = 9, a = b = 3): row r of lane l's matrix goes to position 3·l + r of
// three component planes, one per column; the store loop then writes the planes out as a stream
// of 3-float rows, which is the AoS matrix layout again.
SK_INLINE constexpr bool interleavable(int n) { return n == 3 || (n > 0 && (n & (n - 1)) == 0); }
SK_INLINE constexpr int stride_a(int k) {
  if (interleavable(k)) return 1;
  for (int a = 2; a < k; ++a)
    if (k % a == 0 && interleavable(a) && interleavable(k / a)) return a;
  return 1;
}
template <int K, int W>
struct Layout {  // a block of W items; component k of lane l at (k % B)·A·W + A·l + k / B
  static constexpr int A = stride_a(K), B = K / A;
  SK_INLINE static constexpr int at(int k, size_t l) { return (k % B) * A * W + A * (int)l + k / B; }
};

// AoS → block layout for items [i0, i0 + c). Broadcast inputs have no buffer: `lane` reads them.
template <int W, int K, bool Batch>
SK_INLINE void load(float* s, BlockIn<K, Batch> in, size_t i0, size_t c) {
  if constexpr (Batch) {
    constexpr int A = Layout<K, W>::A, B = Layout<K, W>::B;
    const float* p = in.p + K * i0;
    for (size_t j = 0; j < A * c; ++j)
      for (int k = 0; k < B; ++k) s[k * A * W + j] = p[B * j + k];
  }
}
template <int W, int K, bool Batch>
SK_INLINE Item<K> lane(const float* s, BlockIn<K, Batch> in, size_t l) {
  Item<K> x;
  for (int k = 0; k < K; ++k) x.v[k] = Batch ? s[Layout<K, W>::at(k, l)] : in.p[k];
  return x;
}
template <int W, int K>
SK_INLINE void store(BlockOut<K> out, const float* s, size_t i0, size_t c) {
  constexpr int A = Layout<K, W>::A, B = Layout<K, W>::B;
  float* p = out.p + K * i0;
  for (size_t j = 0; j < A * c; ++j)
    for (int k = 0; k < B; ++k) p[B * j + k] = s[k * A * W + j];
}
#ifdef SK_HAVE_STREAM
// The same, for a full block of a large batch into 16-byte aligned memory: transpose into a cached
// buffer, then write the block with non-temporal stores, which skip the read-for-ownership of the
// destination lines — what lets a copy of a batch larger than the caches beat ordinary stores.
template <int W, int K>
SK_INLINE void store_stream(BlockOut<K> out, const float* s, size_t i0) {
  constexpr int A = Layout<K, W>::A, B = Layout<K, W>::B;
  alignas(64) float t[K * W];
  for (size_t j = 0; j < (size_t)A * W; ++j)
    for (int k = 0; k < B; ++k) t[B * j + k] = s[k * A * W + j];
  float* p = out.p + K * i0;
  for (int f = 0; f < K * W; f += 4) _mm_stream_ps(p + f, _mm_load_ps(t + f));
}
#endif

// The body's status, 0 for a void body. No std:: helpers in this path (std::forward, std::get):
// a caller compiled under `#pragma GCC optimize` could not inline them, and one call left in the
// lane loop stops it vectorizing.
template <class Body, class... Args>
SK_INLINE int status(Body& body, Args&&... args) {
  if constexpr (std::is_void<decltype(body(static_cast<Args&&>(args)...))>::value) {
    body(static_cast<Args&&>(args)...);
    return 0;
  } else {
    return body(static_cast<Args&&>(args)...);
  }
}

template <int W, class In>
struct Floats;  // buffer floats an input needs per block
template <int W, int K, bool Batch>
struct Floats<W, BlockIn<K, Batch>> {
  static constexpr int n = Batch ? K * W : 0;
};
template <int W, class... In>
struct Offsets {  // where each input's buffer starts in the block's one buffer
  static constexpr int n[] = {Floats<W, In>::n..., 0};
  SK_INLINE static constexpr int at(size_t j) {
    int t = 0;
    for (size_t i = 0; i < j; ++i) t += n[i];
    return t;
  }
  static constexpr int total = at(sizeof...(In));
};

// One block of c ≤ W items at i0; records the first failing item in `first` (if still SIZE_MAX).
// One uninitialised buffer (a std::tuple of arrays would be zeroed every block).
template <int W, int KO, class Body, int... J, class... In>
SK_INLINE void block(size_t i0, size_t c, BlockOut<KO> out, Body& body, size_t& first, bool stream,
                     std::integer_sequence<int, J...>, In... ins) {
  using O = Offsets<W, In...>;
  alignas(64) float buf[O::total + KO * W];
  float* const ob = buf + O::total;
  (load<W>(buf + O::at(J), ins, i0, c), ...);
  int bad = 0;
  // One vector iteration per trip: fully unrolling the W / VF trips raised register pressure
  // and spilled in the longer bodies (slerp, random, toMatrix 5–10% slower).
#pragma GCC unroll 1
  for (size_t l = 0; l < c; ++l) {
    Item<KO> y;
    bad |= status(body, i0 + l, y.v, lane<W>(buf + O::at(J), ins, l).v...);
    for (int k = 0; k < KO; ++k) ob[Layout<KO, W>::at(k, l)] = y.v[k];
  }
  if (bad && first == SIZE_MAX) {
    for (size_t l = 0; l < c; ++l) {
      Item<KO> y;
      if (status(body, i0 + l, y.v, lane<W>(buf + O::at(J), ins, l).v...)) {
        first = i0 + l;
        break;
      }
    }
  }
#ifdef SK_HAVE_STREAM
  if (stream) return store_stream<W>(out, ob, i0);
#endif
  (void)stream;
  store<W>(out, ob, i0, c);
}

}  // namespace block_detail

// Runs body(i, out + KO·i, <input i>...) for i in [b, e) in blocks of W items (see above).
// W = 32: two AVX-512 vectors per row; 16 and 64 measured slower for most quat ops.
template <int W = 32, int KO, class Body, class... In>
SK_INLINE size_t each_block(size_t b, size_t e, BlockOut<KO> out, Body&& body, In... ins) {
  using Seq = std::make_integer_sequence<int, sizeof...(In)>;
  size_t first = SIZE_MAX;
  size_t i = b;
  // Ranges whose output outgrows the caches stream full blocks past them (a block is K·W floats,
  // a multiple of 16 bytes, so 16-byte alignment of the range start holds for every block).
  constexpr size_t kStreamBytes = size_t(4) << 20;
  const bool stream = out.stream && (e - b) * KO * sizeof(float) >= kStreamBytes && ((uintptr_t)(out.p + KO * b) & 15) == 0;
  // Full blocks with the constant W, then the tail through the same code.
  for (; e - i >= (size_t)W; i += W) block_detail::block<W>(i, (size_t)W, out, body, first, stream, Seq{}, ins...);
  if (i < e) block_detail::block<W>(i, e - i, out, body, first, false, Seq{}, ins...);
#ifdef SK_HAVE_STREAM
  if (stream) _mm_sfence();  // order the streamed stores before the range is reported done
#endif
  return first;
}

// Elements per chunk below which a batch stays on the calling thread.
constexpr size_t kGrain = 1 << 15;

}  // namespace sk
