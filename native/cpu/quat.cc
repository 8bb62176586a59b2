// CPU driver for quaternion batches: multiversioned loops over native/kernels/quat.h, split over
// the thread pool for large batches.
#include "kernels/quat.h"

#include "cpu/loop.h"
#include "drivers/quat.h"

namespace {
using sk::bcast;
using sk::each;

SK_INLINE size_t multiply_range(const float* a, bool ab, const float* b, bool bb, float* o, size_t s, size_t e) {
  return bcast(ab, bb, [&](auto A, auto B) SK_LAMBDA {
    return each(s, e, [&](size_t i) SK_LAMBDA {
      quat_multiply(a + (A ? 4 * i : 0), b + (B ? 4 * i : 0), o + 4 * i);
      return 0;
    });
  });
}
SK_MULTIVERSION(multiply_range, (const float* a, bool ab, const float* b, bool bb, float* o, size_t s, size_t e),
                (a, ab, b, bb, o, s, e))

SK_INLINE size_t conjugate_range(const float* q, float* o, size_t s, size_t e) {
  return each(s, e, [&](size_t i) SK_LAMBDA { quat_conjugate(q + 4 * i, o + 4 * i); return 0; });
}
SK_MULTIVERSION(conjugate_range, (const float* q, float* o, size_t s, size_t e), (q, o, s, e))

SK_INLINE size_t invert_range(const float* q, float* o, size_t s, size_t e) {
  return each(s, e, [&](size_t i) SK_LAMBDA { return quat_invert(q + 4 * i, o + 4 * i); });
}
SK_MULTIVERSION(invert_range, (const float* q, float* o, size_t s, size_t e), (q, o, s, e))

SK_INLINE size_t normalize_range(const float* q, float* o, size_t s, size_t e) {
  return each(s, e, [&](size_t i) SK_LAMBDA { return quat_normalize(q + 4 * i, o + 4 * i); });
}
SK_MULTIVERSION(normalize_range, (const float* q, float* o, size_t s, size_t e), (q, o, s, e))

SK_INLINE size_t rotate_range(const float* q, bool qb, const float* v, bool vb, float* o, size_t s, size_t e) {
  return bcast(qb, vb, [&](auto Q, auto V) SK_LAMBDA {
    return each(s, e, [&](size_t i) SK_LAMBDA {
      return quat_rotate(q + (Q ? 4 * i : 0), v + (V ? 3 * i : 0), o + 3 * i);
    });
  });
}
SK_MULTIVERSION(rotate_range, (const float* q, bool qb, const float* v, bool vb, float* o, size_t s, size_t e),
                (q, qb, v, vb, o, s, e))

SK_INLINE size_t axis_angle_range(const float* ax, bool axb, const float* an, bool anb, float* o, size_t s,
                                  size_t e) {
  return bcast(axb, anb, [&](auto X, auto N) SK_LAMBDA {
    return each(s, e, [&](size_t i) SK_LAMBDA {
      return quat_from_axis_angle(ax + (X ? 3 * i : 0), an[N ? i : 0], o + 4 * i);
    });
  });
}
SK_MULTIVERSION(axis_angle_range,
                (const float* ax, bool axb, const float* an, bool anb, float* o, size_t s, size_t e),
                (ax, axb, an, anb, o, s, e))

template <int Order>
SK_INLINE size_t euler_loop(const float* a, float* o, size_t s, size_t e) {
  return each(s, e, [&](size_t i) SK_LAMBDA { quat_from_euler(a + 3 * i, Order, o + 4 * i); return 0; });
}
SK_INLINE size_t euler_range(const float* a, int order, float* o, size_t s, size_t e) {
  switch (order) {  // a constant order lets the three factor products fold
    case EULER_XYZ: return euler_loop<EULER_XYZ>(a, o, s, e);
    case EULER_XZY: return euler_loop<EULER_XZY>(a, o, s, e);
    case EULER_YXZ: return euler_loop<EULER_YXZ>(a, o, s, e);
    case EULER_YZX: return euler_loop<EULER_YZX>(a, o, s, e);
    case EULER_ZXY: return euler_loop<EULER_ZXY>(a, o, s, e);
    default: return euler_loop<EULER_ZYX>(a, o, s, e);
  }
}
SK_MULTIVERSION(euler_range, (const float* a, int order, float* o, size_t s, size_t e), (a, order, o, s, e))

SK_INLINE size_t to_matrix_range(const float* q, float* o, size_t s, size_t e) {
  return each(s, e, [&](size_t i) SK_LAMBDA { return quat_to_matrix(q + 4 * i, o + 9 * i); });
}
SK_MULTIVERSION(to_matrix_range, (const float* q, float* o, size_t s, size_t e), (q, o, s, e))

SK_INLINE size_t from_matrix_range(const float* m, float* o, size_t s, size_t e) {
  return each(s, e, [&](size_t i) SK_LAMBDA { quat_from_matrix(m + 9 * i, o + 4 * i); return 0; });
}
SK_MULTIVERSION(from_matrix_range, (const float* m, float* o, size_t s, size_t e), (m, o, s, e))

template <bool A, bool B, bool T>
SK_INLINE size_t slerp_loop(const float* a, const float* b, const float* t, float* o, size_t s, size_t e) {
  return each(s, e, [&](size_t i) SK_LAMBDA {
    return quat_slerp(a + (A ? 4 * i : 0), b + (B ? 4 * i : 0), t[T ? i : 0], o + 4 * i);
  });
}
SK_INLINE size_t slerp_range(const float* a, bool ab, const float* b, bool bb, const float* t, bool tb, float* o,
                             size_t s, size_t e) {
  return bcast(ab, bb, [&](auto A, auto B) SK_LAMBDA {
    return tb ? slerp_loop<A, B, true>(a, b, t, o, s, e) : slerp_loop<A, B, false>(a, b, t, o, s, e);
  });
}
SK_MULTIVERSION(slerp_range,
                (const float* a, bool ab, const float* b, bool bb, const float* t, bool tb, float* o, size_t s,
                 size_t e),
                (a, ab, b, bb, t, tb, o, s, e))

SK_INLINE size_t angle_range(const float* a, bool ab, const float* b, bool bb, float* o, size_t s, size_t e) {
  return bcast(ab, bb, [&](auto A, auto B) SK_LAMBDA {
    return each(s, e, [&](size_t i) SK_LAMBDA { return quat_angle(a + (A ? 4 * i : 0), b + (B ? 4 * i : 0), o + i); });
  });
}
SK_MULTIVERSION(angle_range, (const float* a, bool ab, const float* b, bool bb, float* o, size_t s, size_t e),
                (a, ab, b, bb, o, s, e))

SK_INLINE size_t random_range(uint32_t seed, float* o, size_t s, size_t e) {
  return each(s, e, [&](size_t i) SK_LAMBDA { quat_random(seed, (uint32_t)i, o + 4 * i); return 0; });
}
SK_MULTIVERSION(random_range, (uint32_t seed, float* o, size_t s, size_t e), (seed, o, s, e))

// Compute-heavy ops (sin/cos, atan) split earlier than memory-bound ones.
constexpr size_t kHeavyGrain = sk::kGrain / 8;
}  // namespace

namespace sk::cpu {

size_t quat_multiply(const float* a, bool ab, const float* b, bool bb, float* out, size_t n) {
  return parallel_for(n, kGrain, [&](size_t s, size_t e) { return SK_DISPATCH(multiply_range)(a, ab, b, bb, out, s, e); });
}
size_t quat_conjugate(const float* q, float* out, size_t n) {
  return parallel_for(n, kGrain, [&](size_t s, size_t e) { return SK_DISPATCH(conjugate_range)(q, out, s, e); });
}
size_t quat_invert(const float* q, float* out, size_t n) {
  return parallel_for(n, kGrain, [&](size_t s, size_t e) { return SK_DISPATCH(invert_range)(q, out, s, e); });
}
size_t quat_normalize(const float* q, float* out, size_t n) {
  return parallel_for(n, kGrain, [&](size_t s, size_t e) { return SK_DISPATCH(normalize_range)(q, out, s, e); });
}
size_t quat_rotate(const float* q, bool qb, const float* v, bool vb, float* out, size_t n) {
  return parallel_for(n, kGrain, [&](size_t s, size_t e) { return SK_DISPATCH(rotate_range)(q, qb, v, vb, out, s, e); });
}
size_t quat_from_axis_angle(const float* axis, bool axb, const float* angle, bool anb, float* out, size_t n) {
  return parallel_for(n, kHeavyGrain,
                      [&](size_t s, size_t e) { return SK_DISPATCH(axis_angle_range)(axis, axb, angle, anb, out, s, e); });
}
size_t quat_from_euler(const float* a, int order, float* out, size_t n) {
  return parallel_for(n, kHeavyGrain, [&](size_t s, size_t e) { return SK_DISPATCH(euler_range)(a, order, out, s, e); });
}
size_t quat_to_matrix(const float* q, float* out, size_t n) {
  return parallel_for(n, kGrain, [&](size_t s, size_t e) { return SK_DISPATCH(to_matrix_range)(q, out, s, e); });
}
size_t quat_from_matrix(const float* m, float* out, size_t n) {
  return parallel_for(n, kGrain, [&](size_t s, size_t e) { return SK_DISPATCH(from_matrix_range)(m, out, s, e); });
}
size_t quat_slerp(const float* a, bool ab, const float* b, bool bb, const float* t, bool tb, float* out, size_t n) {
  return parallel_for(n, kHeavyGrain,
                      [&](size_t s, size_t e) { return SK_DISPATCH(slerp_range)(a, ab, b, bb, t, tb, out, s, e); });
}
size_t quat_angle(const float* a, bool ab, const float* b, bool bb, float* out, size_t n) {
  return parallel_for(n, kHeavyGrain, [&](size_t s, size_t e) { return SK_DISPATCH(angle_range)(a, ab, b, bb, out, s, e); });
}
size_t quat_random(uint32_t seed, float* out, size_t n) {
  return parallel_for(n, kHeavyGrain, [&](size_t s, size_t e) { return SK_DISPATCH(random_range)(seed, out, s, e); });
}

}  // namespace sk::cpu
