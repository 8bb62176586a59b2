// N-API glue for sk.quat: argument checks, then one driver call (CPU or CUDA, SK_DRIVER_NS).
#include "drivers/quat.h"
#include "kernels/quat.h"
#include "napi/glue.h"

namespace sk::napi {
namespace {
namespace drv = SK_DRIVER_NS;

std::string zero_length(const char* name, size_t i) {
  return "`" + std::string(name) + "[" + std::to_string(i) + "]` has zero, non-finite or out-of-range length (|q|² outside [2^-126, 2^126])";
}
std::string rotvec_not_finite(size_t i) {
  return "`v[" + std::to_string(i) + "]` has a non-finite length (|v|² NaN or above 3.4e38)";
}
// For two-input ops: name the input whose item i (or its broadcast item) is not a valid rotation.
std::string zero_length2(const Call& c, const Arr& a, const char* an, const Arr& b, const char* bn, size_t i,
                         size_t item) {
  const float* p = c.ptr<float>(a) + (a.count > 1 ? i * item : 0);
  float n2 = 0;
  for (size_t k = 0; k < item; ++k) n2 += p[k] * p[k];
  const bool a_bad = !quat_norm2_ok(n2);
  return zero_length(a_bad ? an : bn, a_bad ? (a.count > 1 ? i : 0) : (b.count > 1 ? i : 0));
}

// (a [N|1, 4], b [N|1, 4], out [N, 4])
void multiply(Call& c) {
  Arr a = c.array<float>(0, "a", 4), b = c.array<float>(1, "b", 4), o = c.array<float>(2, "out", 4, true);
  const size_t n = c.batch({{&a, "a"}, {&b, "b"}});
  c.expect_count(o, "out", n, "quaternions");
  c.run = [&c, a, b, o, n] {
    return drv::quat_multiply(c.ptr<float>(a), a.count > 1, c.ptr<float>(b), b.count > 1, c.ptr<float>(o), n);
  };
}

// (q [N, 4], out [N, 4]) for the unary ops.
template <size_t (*F)(const float*, float*, size_t), size_t OutItem>
void unary(Call& c) {
  Arr q = c.array<float>(0, "q", 4), o = c.array<float>(1, "out", OutItem, true);
  c.expect_count(o, "out", q.count, OutItem == 9 ? "matrices" : "quaternions");
  c.run = [&c, q, o] { return F(c.ptr<float>(q), c.ptr<float>(o), q.count); };
  c.bad = [](size_t i) { return zero_length("q", i); };
}

// (m [N, 9], out [N, 4])
void from_matrix(Call& c) {
  Arr m = c.array<float>(0, "m", 9), o = c.array<float>(1, "out", 4, true);
  c.expect_count(o, "out", m.count, "quaternions");
  c.run = [&c, m, o] { return drv::quat_from_matrix(c.ptr<float>(m), c.ptr<float>(o), m.count); };
}

// (q [N|1, 4], v [N|1, 3], out [N, 3])
void rotate(Call& c) {
  Arr q = c.array<float>(0, "q", 4), v = c.array<float>(1, "v", 3), o = c.array<float>(2, "out", 3, true);
  const size_t n = c.batch({{&q, "q"}, {&v, "v"}});
  c.expect_count(o, "out", n, "vectors");
  c.run = [&c, q, v, o, n] {
    return drv::quat_rotate(c.ptr<float>(q), q.count > 1, c.ptr<float>(v), v.count > 1, c.ptr<float>(o), n);
  };
  c.bad = [q](size_t i) { return zero_length("q", q.count > 1 ? i : 0); };
}

// (axis [N|1, 3], angle [N|1], out [N, 4])
void from_axis_angle(Call& c) {
  Arr ax = c.array<float>(0, "axis", 3), an = c.array<float>(1, "angle", 1), o = c.array<float>(2, "out", 4, true);
  const size_t n = c.batch({{&ax, "axis"}, {&an, "angle"}});
  c.expect_count(o, "out", n, "quaternions");
  c.run = [&c, ax, an, o, n] {
    return drv::quat_from_axis_angle(c.ptr<float>(ax), ax.count > 1, c.ptr<float>(an), an.count > 1,
                                     c.ptr<float>(o), n);
  };
  c.bad = [ax](size_t i) { return zero_length("axis", ax.count > 1 ? i : 0); };
}

// (a [N, 3], order, out [N, 4])
void from_euler(Call& c) {
  Arr a = c.array<float>(0, "angles", 3);
  const int order = c.choice(1, "order", {"xyz", "xzy", "yxz", "yzx", "zxy", "zyx"});
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
  c.bad = [&c, a, b](size_t i) { return zero_length2(c, a, "a", b, "b", i, 4); };
}

// (a [N|1, 4], b [N|1, 4], out [N])
void angle(Call& c) {
  Arr a = c.array<float>(0, "a", 4), b = c.array<float>(1, "b", 4), o = c.array<float>(2, "out", 1, true);
  const size_t n = c.batch({{&a, "a"}, {&b, "b"}});
  c.expect_count(o, "out", n, "angles");
  c.run = [&c, a, b, o, n] {
    return drv::quat_angle(c.ptr<float>(a), a.count > 1, c.ptr<float>(b), b.count > 1, c.ptr<float>(o), n);
  };
  c.bad = [&c, a, b](size_t i) { return zero_length2(c, a, "a", b, "b", i, 4); };
}

// (seed, out [N, 4])
void random(Call& c) {
  const uint32_t seed = c.uint32(0, "seed");
  Arr o = c.array<float>(1, "out", 4, true);
  if (o.count > 0xFFFFFFFFull) c.range_error("Expected at most 2^32 − 1 quaternions for `out`");
  c.run = [&c, seed, o] { return drv::quat_random(seed, c.ptr<float>(o), o.count); };
}

// ───── Parity with scipy's Rotation ─────

// (q [N, 4], order, extrinsic, out [N, 3])
void to_euler(Call& c) {
  Arr q = c.array<float>(0, "q", 4);
  const int order = c.choice(1, "order", {"xyz", "xzy", "yxz", "yzx", "zxy", "zyx"});
  const bool extrinsic = c.boolean(2, "extrinsic");
  Arr o = c.array<float>(3, "out", 3, true);
  c.expect_count(o, "out", q.count, "angle triples");
  c.run = [&c, q, order, extrinsic, o] {
    return drv::quat_to_euler(c.ptr<float>(q), order, extrinsic, c.ptr<float>(o), q.count);
  };
  c.bad = [](size_t i) { return zero_length("q", i); };
}

// (q [N, 4], out [N, 3])
void to_rotvec(Call& c) {
  Arr q = c.array<float>(0, "q", 4), o = c.array<float>(1, "out", 3, true);
  c.expect_count(o, "out", q.count, "vectors");
  c.run = [&c, q, o] { return drv::quat_to_rotvec(c.ptr<float>(q), c.ptr<float>(o), q.count); };
  c.bad = [](size_t i) { return zero_length("q", i); };
}

// (v [N, 3], out [N, 4])
void from_rotvec(Call& c) {
  Arr v = c.array<float>(0, "v", 3), o = c.array<float>(1, "out", 4, true);
  c.expect_count(o, "out", v.count, "quaternions");
  c.run = [&c, v, o] { return drv::quat_from_rotvec(c.ptr<float>(v), c.ptr<float>(o), v.count); };
  c.bad = [](size_t i) { return rotvec_not_finite(i); };
}

// (a [N|1, 4], b [N|1, 4], out [N])
void dot(Call& c) {
  Arr a = c.array<float>(0, "a", 4), b = c.array<float>(1, "b", 4), o = c.array<float>(2, "out", 1, true);
  const size_t n = c.batch({{&a, "a"}, {&b, "b"}});
  c.expect_count(o, "out", n, "values");
  c.run = [&c, a, b, o, n] {
    return drv::quat_dot(c.ptr<float>(a), a.count > 1, c.ptr<float>(b), b.count > 1, c.ptr<float>(o), n);
  };
}

}  // namespace

void init_quat(Napi::Env env, Napi::Object exports) {
  Napi::Object q = Napi::Object::New(env);
  define<multiply>(env, q, "multiply");
  define<unary<drv::quat_conjugate, 4>>(env, q, "conjugate");
  define<unary<drv::quat_invert, 4>>(env, q, "invert");
  define<unary<drv::quat_normalize, 4>>(env, q, "normalize");
  define<unary<drv::quat_to_matrix, 9>>(env, q, "toMatrix");
  define<from_matrix>(env, q, "fromMatrix");
  define<rotate>(env, q, "rotate");
  define<from_axis_angle>(env, q, "fromAxisAngle");
  define<from_euler>(env, q, "fromEuler");
  define<slerp>(env, q, "slerp");
  define<angle>(env, q, "angle");
  define<random>(env, q, "random");
  define<to_euler>(env, q, "toEuler");
  define<to_rotvec>(env, q, "toRotvec");
  define<from_rotvec>(env, q, "fromRotvec");
  define<dot>(env, q, "dot");
  exports.Set("quat", q);
}

}  // namespace sk::napi
