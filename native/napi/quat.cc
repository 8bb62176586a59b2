// N-API glue for sk.quat: argument checks, then one driver call (CPU or CUDA, SK_DRIVER_NS).
#include "drivers/quat.h"
#include "kernels/quat.h"
#include "napi/glue.h"
#include "napi/limits.h"

namespace sk::napi {
namespace {
namespace drv = SK_DRIVER_NS;

std::string zero_length(const char* name, size_t i) {
  return "`" + std::string(name) + "[" + std::to_string(i) + "]` has zero, non-finite or out-of-range length (|q|² outside [2^-126, 2^126])";
}
std::string rotvec_not_finite(size_t i) {
  return "`v[" + std::to_string(i) + "]` has a non-finite length (|v|² NaN or above 3.4e38)";
}
// For two-input ops: name the input whose item i (or its broadcast item) is not a valid rotation;
// `a` points at the first input's items, ab/bb say whether each input is a batch.
std::string zero_length2(const float* a, bool ab, const char* an, bool bb, const char* bn, size_t i, size_t item) {
  const float* p = a + (ab ? i * item : 0);
  float n2 = 0;
  for (size_t k = 0; k < item; ++k) n2 += p[k] * p[k];
  const bool a_bad = !quat_norm2_ok(n2);
  return zero_length(a_bad ? an : bn, a_bad ? (ab ? i : 0) : (bb ? i : 0));
}

// Who is named when item i is not a valid rotation.
enum class Blame { none, first, either };

// An element-wise op with one or two batch inputs, described once: argument names and item sizes,
// the output's item size and unit, the driver, and who to blame for a bad item. unary<D> and
// binary<D> make its parser (and define_domain its sync and async entries) from that description.
struct Unary {
  const char* in;
  size_t in_item, out_item;
  const char* unit;
  size_t (*driver)(const float*, float*, size_t);
  std::string (*bad)(size_t);  // nullptr: the driver never reports a bad item
};
struct Binary {
  const char *a, *b;
  size_t a_item, b_item, out_item;
  const char* unit;
  size_t (*driver)(const float*, bool, const float*, bool, float*, size_t);
  Blame blame;
};

// (in [N, in_item], out [N, out_item])
template <const Unary& D>
void unary(Call& c) {
  Arr q = c.array<float>(0, D.in, D.in_item), o = c.array<float>(1, "out", D.out_item, true);
  c.expect_count(o, "out", q.count, D.unit);
  c.run = [&c, q, o] { return D.driver(c.ptr<float>(q), c.ptr<float>(o), q.count); };
  c.bad = D.bad;  // a null pointer leaves it empty: the driver never reports a bad item
}

// (a [N|1, a_item], b [N|1, b_item], out [N, out_item])
template <const Binary& D>
void binary(Call& c) {
  Arr a = c.array<float>(0, D.a, D.a_item), b = c.array<float>(1, D.b, D.b_item);
  Arr o = c.array<float>(2, "out", D.out_item, true);
  const size_t n = c.batch({{&a, D.a}, {&b, D.b}});
  c.expect_count(o, "out", n, D.unit);
  c.run = [&c, a, b, o, n] {
    return D.driver(c.ptr<float>(a), a.count > 1, c.ptr<float>(b), b.count > 1, c.ptr<float>(o), n);
  };
  if (D.blame == Blame::first) c.bad = [a](size_t i) { return zero_length(D.a, a.count > 1 ? i : 0); };
  if (D.blame == Blame::either) c.bad = [&c, a, b](size_t i) { return zero_length2(c.ptr<float>(a), a.count > 1, D.a, b.count > 1, D.b, i, 4); };
}

std::string q_zero_length(size_t i) { return zero_length("q", i); }

// The same ops on the small-call arena (glue.h): inputs at 0 and kSmallY, n items each (the
// TypeScript layer sends no broadcasts here), output at kSmallOut.
template <const Unary& D>
size_t small_unary(float* f, size_t n) { return D.driver(f, f + kSmallOut, n); }
template <const Unary& D>
std::string small_unary_bad(const float*, size_t i) { return D.bad(i); }
template <const Binary& D>
size_t small_binary(float* f, size_t n) { return D.driver(f, true, f + kSmallY, true, f + kSmallOut, n); }
template <const Binary& D>
std::string small_binary_bad(const float* f, size_t i) {
  return D.blame == Blame::first ? zero_length(D.a, i) : zero_length2(f, true, D.a, true, D.b, i, D.a_item);
}
constexpr bool reports_bad(const Unary& d) { return d.bad != nullptr; }
template <const Unary& D>
constexpr SmallOp small_op(const char* name) {
  return {name, small_entry<small_unary<D>, reports_bad(D) ? small_unary_bad<D> : nullptr>};
}
template <const Binary& D>
constexpr SmallOp small_op(const char* name) {
  return {name, small_entry<small_binary<D>, D.blame == Blame::none ? nullptr : small_binary_bad<D>>};
}

constexpr Unary kConjugate{"q", 4, 4, "quaternions", drv::quat_conjugate, q_zero_length};
constexpr Unary kInvert{"q", 4, 4, "quaternions", drv::quat_invert, q_zero_length};
constexpr Unary kNormalize{"q", 4, 4, "quaternions", drv::quat_normalize, q_zero_length};
constexpr Unary kToMatrix{"q", 4, 9, "matrices", drv::quat_to_matrix, q_zero_length};
constexpr Unary kFromMatrix{"m", 9, 4, "quaternions", drv::quat_from_matrix, nullptr};
constexpr Unary kToRotvec{"q", 4, 3, "vectors", drv::quat_to_rotvec, q_zero_length};
constexpr Unary kFromRotvec{"v", 3, 4, "quaternions", drv::quat_from_rotvec, rotvec_not_finite};
constexpr Binary kMultiply{"a", "b", 4, 4, 4, "quaternions", drv::quat_multiply, Blame::none};
constexpr Binary kRotate{"q", "v", 4, 3, 3, "vectors", drv::quat_rotate, Blame::first};
constexpr Binary kFromAxisAngle{"axis", "angle", 3, 1, 4, "quaternions", drv::quat_from_axis_angle, Blame::first};
constexpr Binary kAngle{"a", "b", 4, 4, 1, "angles", drv::quat_angle, Blame::either};
constexpr Binary kDot{"a", "b", 4, 4, 1, "values", drv::quat_dot, Blame::none};

// (a [N, 3], order, out [N, 4])
void from_euler(Call& c) {
  Arr a = c.array<float>(0, "angles", 3);
  const int order = c.choice(1, "order", limits::kEulerOrders);
  Arr o = c.array<float>(2, "out", 4, true);
  c.expect_count(o, "out", a.count, "quaternions");
  c.run = [&c, a, order, o] { return drv::quat_from_euler(c.ptr<float>(a), order, c.ptr<float>(o), a.count); };
}

// (a [N|1, 4], b [N|1, 4], t [N|1], out [N, 4])
void slerp(Call& c) {
  Arr a = c.array<float>(0, "a", 4), b = c.array<float>(1, "b", 4), t = c.array<float>(2, "t", 1);
  Arr o = c.array<float>(3, "out", 4, true);
  const size_t n = c.batch({{&a, "a"}, {&b, "b"}, {&t, "t"}});
  c.expect_count(o, "out", n, "quaternions");
  c.run = [&c, a, b, t, o, n] {
    return drv::quat_slerp(c.ptr<float>(a), a.count > 1, c.ptr<float>(b), b.count > 1, c.ptr<float>(t),
                           t.count > 1, c.ptr<float>(o), n);
  };
  c.bad = [&c, a, b](size_t i) { return zero_length2(c.ptr<float>(a), a.count > 1, "a", b.count > 1, "b", i, 4); };
}

// (seed, out [N, 4])
void random(Call& c) {
  const uint32_t seed = c.uint32(0, "seed");
  Arr o = c.array<float>(1, "out", 4, true);
  if (o.count > limits::kMaxCount) c.range_error("Expected at most 2^32 − 1 quaternions for `out`");
  c.run = [&c, seed, o] { return drv::quat_random(seed, c.ptr<float>(o), o.count); };
}

// ───── Parity with scipy's Rotation ─────

// (q [N, 4], order, extrinsic, out [N, 3])
void to_euler(Call& c) {
  Arr q = c.array<float>(0, "q", 4);
  const int order = c.choice(1, "order", limits::kEulerOrders);
  const bool extrinsic = c.boolean(2, "extrinsic");
  Arr o = c.array<float>(3, "out", 3, true);
  c.expect_count(o, "out", q.count, "angle triples");
  c.run = [&c, q, order, extrinsic, o] {
    return drv::quat_to_euler(c.ptr<float>(q), order, extrinsic, c.ptr<float>(o), q.count);
  };
  c.bad = q_zero_length;
}

}  // namespace

void init_quat(Napi::Env env, Napi::Object exports) {
  define_domain(env, exports, "quat",
                {op<binary<kMultiply>>("multiply"), op<unary<kConjugate>>("conjugate"),
                 op<unary<kInvert>>("invert"), op<unary<kNormalize>>("normalize"),
                 op<unary<kToMatrix>>("toMatrix"), op<unary<kFromMatrix>>("fromMatrix"),
                 op<binary<kRotate>>("rotate"), op<binary<kFromAxisAngle>>("fromAxisAngle"),
                 op<from_euler>("fromEuler"), op<slerp>("slerp"), op<binary<kAngle>>("angle"),
                 op<random>("random"), op<to_euler>("toEuler"), op<unary<kToRotvec>>("toRotvec"),
                 op<unary<kFromRotvec>>("fromRotvec"), op<binary<kDot>>("dot")});
#ifndef SK_CUDA  // a GPU launch per small call would cost more than the array path
  define_small(env, exports, "quat",
               {small_op<kMultiply>("multiply"), small_op<kConjugate>("conjugate"), small_op<kInvert>("invert"),
                small_op<kNormalize>("normalize"), small_op<kToMatrix>("toMatrix"),
                small_op<kFromMatrix>("fromMatrix"), small_op<kRotate>("rotate"), small_op<kAngle>("angle")});
#endif
}

}  // namespace sk::napi
