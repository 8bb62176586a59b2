// CPU driver for quaternion batches: multiversioned loops over native/kernels/quat.h, split over
// the thread pool for large batches.
//
// Loop shapes (measured on one thread, N = 1e6 and 1e7, AVX-512): `each_block` (SoA blocks,
// cpu/loop.h) for ops with a 9-float item, which GCC 12 cannot interleave (toMatrix, fromMatrix),
// and wherever GCC's interleaved AoS code was slower (invert, the trig ops); `each` (GCC's own
// interleaved AoS loads/stores) for rotate and normalize, where it was faster or steadier.
//
// floorf (sk_sincosf's range reduction) vectorizes and conditional divisions (sk_atanf) if-convert
// only without trapping math; every build passes -fno-trapping-math (native/flags.json).
#include "kernels/quat.h"

#include "cpu/loop.h"
#include "drivers/quat.h"

namespace {
using sk::bcast;
using sk::each;
using sk::each_block;
using sk::in;
using sk::out;
using sk::pooled;

SK_INLINE size_t multiply_range(const float* a, bool ab, const float* b, bool bb, float* o, size_t s, size_t e) {
  return bcast(ab, bb, [&](auto A, auto B) SK_LAMBDA {
    return each_block(s, e, out<4>(o, true), [](size_t, float* r, const float* x, const float* y) SK_LAMBDA {
      quat_multiply(x, y, r);
    }, in<4>(a, A), in<4>(b, B));
  });
}
SK_MULTIVERSION(multiply_range, (const float* a, bool ab, const float* b, bool bb, float* o, size_t s, size_t e),
                (a, ab, b, bb, o, s, e))

SK_INLINE size_t conjugate_range(const float* q, float* o, size_t s, size_t e) {
  return each_block(s, e, out<4>(o), [](size_t, float* r, const float* x) SK_LAMBDA { quat_conjugate(x, r); }, in<4>(q));
}
SK_MULTIVERSION(conjugate_range, (const float* q, float* o, size_t s, size_t e), (q, o, s, e))

// Block: GCC's AoS invert loop shuffles a lot (0.76 vs 0.43 ms at N = 1e6). At N = 1e7 the block
// runs at copy speed in most processes but at ~65% in some (as normalize below); still ahead on average.
SK_INLINE size_t invert_range(const float* q, float* o, size_t s, size_t e) {
  return each_block(s, e, out<4>(o), [](size_t, float* r, const float* x) SK_LAMBDA { return quat_invert(x, r); },
                    in<4>(q));
}
SK_MULTIVERSION(invert_range, (const float* q, float* o, size_t s, size_t e), (q, o, s, e))

// `each`: in block form this loop ran at either 100% or 65% of copy speed at N = 1e7 depending
// on the process (cause not pinned down); GCC's AoS loop was steady at copy speed.
SK_INLINE size_t normalize_range(const float* q, float* o, size_t s, size_t e) {
  return each(s, e, [&](size_t i) SK_LAMBDA { return quat_normalize(q + 4 * i, o + 4 * i); });
}
SK_MULTIVERSION(normalize_range, (const float* q, float* o, size_t s, size_t e), (q, o, s, e))

// `each`: GCC interleaves the 4-, 3- and 3-float groups in registers; the block's extra trip
// through the stack cost 30% in cache (0.62 vs 0.85 ms at N = 1e6).
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
    return each_block(s, e, out<4>(o), [](size_t, float* r, const float* x, const float* t) SK_LAMBDA {
      return quat_from_axis_angle(x, *t, r);
    }, in<3>(ax, X), in<1>(an, N));
  });
}
SK_MULTIVERSION(axis_angle_range,
                (const float* ax, bool axb, const float* an, bool anb, float* o, size_t s, size_t e),
                (ax, axb, an, anb, o, s, e))

// The trig ops are latency-bound: each vector iteration is one long chain (sqrt → div → atan →
// sincos → div, ~150 cycles) that GCC emits in source order, and x86 GCC does not schedule before
// register allocation by default. Pre-RA scheduling with register-pressure awareness interleaves
// the independent chains (the three sincos, the two norms): slerp 2.9 → 2.0 ms, fromEuler 1.3 → 0.9,
// random 1.13 → 0.81, angle 1.58 → 1.38 per 1e6 on AVX-512; it made toMatrix and rotate slower,
// hence only here. Scheduling reorders instructions, never the arithmetic. Every helper called in
// these loops must be always_inline: GCC does not inline across differing optimize options.
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math", "schedule-insns", "sched-pressure")
template <int Order>
SK_INLINE size_t euler_loop(const float* a, float* o, size_t s, size_t e) {
  return each_block(s, e, out<4>(o), [](size_t, float* r, const float* x) SK_LAMBDA { quat_from_euler(x, Order, r); },
                    in<3>(a));
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

#pragma GCC pop_options

SK_INLINE size_t to_matrix_range(const float* q, float* o, size_t s, size_t e) {
  return each_block(s, e, out<9>(o), [](size_t, float* r, const float* x) SK_LAMBDA { return quat_to_matrix(x, r); },
                    in<4>(q));
}
SK_MULTIVERSION(to_matrix_range, (const float* q, float* o, size_t s, size_t e), (q, o, s, e))

SK_INLINE size_t from_matrix_range(const float* m, float* o, size_t s, size_t e) {
  return each_block(s, e, out<4>(o), [](size_t, float* r, const float* x) SK_LAMBDA { quat_from_matrix(x, r); },
                    in<9>(m));
}
SK_MULTIVERSION(from_matrix_range, (const float* m, float* o, size_t s, size_t e), (m, o, s, e))

#pragma GCC push_options  // as for fromEuler above
#pragma GCC optimize("no-trapping-math", "schedule-insns", "sched-pressure")
SK_INLINE size_t slerp_range(const float* a, bool ab, const float* b, bool bb, const float* t, bool tb, float* o,
                             size_t s, size_t e) {
  return bcast(ab, bb, [&](auto A, auto B) SK_LAMBDA {
    auto run = [&](auto T) SK_LAMBDA {
      return each_block(s, e, out<4>(o), [](size_t, float* r, const float* x, const float* y, const float* u) SK_LAMBDA {
        return quat_slerp(x, y, *u, r);
      }, in<4>(a, A), in<4>(b, B), in<1>(t, T));
    };
    return tb ? run(std::true_type{}) : run(std::false_type{});
  });
}
SK_MULTIVERSION(slerp_range,
                (const float* a, bool ab, const float* b, bool bb, const float* t, bool tb, float* o, size_t s,
                 size_t e),
                (a, ab, b, bb, t, tb, o, s, e))

SK_INLINE size_t angle_range(const float* a, bool ab, const float* b, bool bb, float* o, size_t s, size_t e) {
  return bcast(ab, bb, [&](auto A, auto B) SK_LAMBDA {
    return each_block(s, e, out<1>(o), [](size_t, float* r, const float* x, const float* y) SK_LAMBDA {
      return quat_angle(x, y, r);
    }, in<4>(a, A), in<4>(b, B));
  });
}
SK_MULTIVERSION(angle_range, (const float* a, bool ab, const float* b, bool bb, float* o, size_t s, size_t e),
                (a, ab, b, bb, o, s, e))

SK_INLINE size_t random_range(uint32_t seed, float* o, size_t s, size_t e) {
  return each_block(s, e, out<4>(o), [seed](size_t i, float* r) SK_LAMBDA { quat_random(seed, (uint32_t)i, r); });
}
SK_MULTIVERSION(random_range, (uint32_t seed, float* o, size_t s, size_t e), (seed, o, s, e))

#pragma GCC pop_options

// Compute-heavy ops (sin/cos, atan) split earlier than memory-bound ones.
constexpr size_t kHeavyGrain = sk::kGrain / 8;
}  // namespace

namespace sk::cpu {

size_t quat_multiply(const float* a, bool ab, const float* b, bool bb, float* out, size_t n) {
  return pooled(n, kGrain, multiply_range_isa, a, ab, b, bb, out);
}
size_t quat_conjugate(const float* q, float* out, size_t n) {
  return pooled(n, kGrain, conjugate_range_isa, q, out);
}
size_t quat_invert(const float* q, float* out, size_t n) {
  return pooled(n, kGrain, invert_range_isa, q, out);
}
size_t quat_normalize(const float* q, float* out, size_t n) {
  return pooled(n, kGrain, normalize_range_isa, q, out);
}
size_t quat_rotate(const float* q, bool qb, const float* v, bool vb, float* out, size_t n) {
  return pooled(n, kGrain, rotate_range_isa, q, qb, v, vb, out);
}
size_t quat_from_axis_angle(const float* axis, bool axb, const float* angle, bool anb, float* out, size_t n) {
  return pooled(n, kHeavyGrain, axis_angle_range_isa, axis, axb, angle, anb, out);
}
size_t quat_from_euler(const float* a, int order, float* out, size_t n) {
  return pooled(n, kHeavyGrain, euler_range_isa, a, order, out);
}
size_t quat_to_matrix(const float* q, float* out, size_t n) {
  return pooled(n, kGrain, to_matrix_range_isa, q, out);
}
size_t quat_from_matrix(const float* m, float* out, size_t n) {
  return pooled(n, kGrain, from_matrix_range_isa, m, out);
}
size_t quat_slerp(const float* a, bool ab, const float* b, bool bb, const float* t, bool tb, float* out, size_t n) {
  return pooled(n, kHeavyGrain, slerp_range_isa, a, ab, b, bb, t, tb, out);
}
size_t quat_angle(const float* a, bool ab, const float* b, bool bb, float* out, size_t n) {
  return pooled(n, kHeavyGrain, angle_range_isa, a, ab, b, bb, out);
}
size_t quat_random(uint32_t seed, float* out, size_t n) {
  return pooled(n, kHeavyGrain, random_range_isa, seed, out);
}

}  // namespace sk::cpu

// ───── Parity with scipy's Rotation: toEuler, rotation vectors, dot ─────
namespace {

#pragma GCC push_options  // trig-bound like fromEuler: pre-RA scheduling, see above
#pragma GCC optimize("no-trapping-math", "schedule-insns", "sched-pressure")
template <int Order, bool Extrinsic>
SK_INLINE size_t to_euler_loop(const float* q, float* o, size_t s, size_t e) {
  return each_block(s, e, out<3>(o), [](size_t, float* r, const float* x) SK_LAMBDA {
    return quat_to_euler(x, Order, Extrinsic, r);
  }, in<4>(q));
}
template <bool Extrinsic>
SK_INLINE size_t to_euler_order(const float* q, int order, float* o, size_t s, size_t e) {
  switch (order) {  // a constant order folds the axis indices
    case EULER_XYZ: return to_euler_loop<EULER_XYZ, Extrinsic>(q, o, s, e);
    case EULER_XZY: return to_euler_loop<EULER_XZY, Extrinsic>(q, o, s, e);
    case EULER_YXZ: return to_euler_loop<EULER_YXZ, Extrinsic>(q, o, s, e);
    case EULER_YZX: return to_euler_loop<EULER_YZX, Extrinsic>(q, o, s, e);
    case EULER_ZXY: return to_euler_loop<EULER_ZXY, Extrinsic>(q, o, s, e);
    default: return to_euler_loop<EULER_ZYX, Extrinsic>(q, o, s, e);
  }
}
SK_INLINE size_t to_euler_range(const float* q, int order, bool ex, float* o, size_t s, size_t e) {
  return ex ? to_euler_order<true>(q, order, o, s, e) : to_euler_order<false>(q, order, o, s, e);
}
SK_MULTIVERSION(to_euler_range, (const float* q, int order, bool ex, float* o, size_t s, size_t e),
                (q, order, ex, o, s, e))

SK_INLINE size_t to_rotvec_range(const float* q, float* o, size_t s, size_t e) {
  return each_block(s, e, out<3>(o), [](size_t, float* r, const float* x) SK_LAMBDA { return quat_to_rotvec(x, r); },
                    in<4>(q));
}
SK_MULTIVERSION(to_rotvec_range, (const float* q, float* o, size_t s, size_t e), (q, o, s, e))

SK_INLINE size_t from_rotvec_range(const float* v, float* o, size_t s, size_t e) {
  return each_block(s, e, out<4>(o), [](size_t, float* r, const float* x) SK_LAMBDA { return quat_from_rotvec(x, r); },
                    in<3>(v));
}
SK_MULTIVERSION(from_rotvec_range, (const float* v, float* o, size_t s, size_t e), (v, o, s, e))
#pragma GCC pop_options

SK_INLINE size_t dot_range(const float* a, bool ab, const float* b, bool bb, float* o, size_t s, size_t e) {
  return bcast(ab, bb, [&](auto A, auto B) SK_LAMBDA {
    return each_block(s, e, out<1>(o), [](size_t, float* r, const float* x, const float* y) SK_LAMBDA {
      quat_dot(x, y, r);
    }, in<4>(a, A), in<4>(b, B));
  });
}
SK_MULTIVERSION(dot_range, (const float* a, bool ab, const float* b, bool bb, float* o, size_t s, size_t e),
                (a, ab, b, bb, o, s, e))

}  // namespace

namespace sk::cpu {

size_t quat_to_euler(const float* q, int order, bool extrinsic, float* out, size_t n) {
  return pooled(n, kHeavyGrain, to_euler_range_isa, q, order, extrinsic, out);
}
size_t quat_to_rotvec(const float* q, float* out, size_t n) {
  return pooled(n, kHeavyGrain, to_rotvec_range_isa, q, out);
}
size_t quat_from_rotvec(const float* v, float* out, size_t n) {
  return pooled(n, kHeavyGrain, from_rotvec_range_isa, v, out);
}
size_t quat_dot(const float* a, bool ab, const float* b, bool bb, float* out, size_t n) {
  return pooled(n, kGrain, dot_range_isa, a, ab, b, bb, out);
}

}  // namespace sk::cpu
