// Native driver test for sk.quat: the CPU driver (sk::cpu) and the CUDA launchers (sk::cuda)
// against one float64 scalar oracle written here, independent of native/kernels/quat.h.
//
// Built twice by scripts/test-native.sh:
//  - g++ with native/cuda/*.cu compiled as C++ on Thrust's CPP device system (SK_THRUST_HOST):
//    sk::cuda runs the very launcher code the GPU runs, on the host, and must pass — including
//    bit-identity with sk::cpu at every ISA level (DESIGN §2: seeded outputs match across
//    backends; the bodies avoid the add/sub lane patterns g++ 12 would fuse into vfmsubadd).
//    SK_TEST_STRICT_BITS=0 turns a bit difference into a WARN line (for experiments).
//  - nvcc (when present): on a machine without a GPU sk::cuda reports unavailable; the test then
//    checks that a launcher throws a clean std::runtime_error, prints "SKIP cuda: <reason>" and
//    passes on the CPU checks alone.
//
// Tolerance: |got − want| ≤ kTol · scale per component, where scale is the natural magnitude of
// the result (|a||b| for a product, |v| for a rotated vector, 1 for unit quaternions and rotation
// matrices, the angle itself for `angle`). kTol = 1e-5 ≈ 84 float32 ulps at 1.0: the bodies use
// float32 polynomials of ~1–2 ulp and a few roundings per component, so the observed maximum
// (printed) is a few ulps; the margin keeps the test about correctness, not last-bit tuning.
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <exception>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#define SK_TEST_DRIVERS "drivers/quat.h"
#include "test/harness.h"

namespace {

constexpr double kTol = 1e-5;
constexpr double kPi = 3.14159265358979323846;
const size_t kSizes[] = {0, 1, 7, 100003};

// ---------------------------------------------------------------------------------------------
// The two drivers as tables of the same function pointers.
struct Driver {
  const char* name;
  decltype(&sk::cpu::quat_multiply) multiply;
  decltype(&sk::cpu::quat_conjugate) conjugate;
  decltype(&sk::cpu::quat_invert) invert;
  decltype(&sk::cpu::quat_normalize) normalize;
  decltype(&sk::cpu::quat_rotate) rotate;
  decltype(&sk::cpu::quat_from_axis_angle) from_axis_angle;
  decltype(&sk::cpu::quat_from_euler) from_euler;
  decltype(&sk::cpu::quat_to_matrix) to_matrix;
  decltype(&sk::cpu::quat_from_matrix) from_matrix;
  decltype(&sk::cpu::quat_slerp) slerp;
  decltype(&sk::cpu::quat_angle) angle;
  decltype(&sk::cpu::quat_random) random;
};
#define SK_DRIVER_TABLE(ns)                                                                              \
  Driver {                                                                                               \
    #ns, ns::quat_multiply, ns::quat_conjugate, ns::quat_invert, ns::quat_normalize, ns::quat_rotate,    \
        ns::quat_from_axis_angle, ns::quat_from_euler, ns::quat_to_matrix, ns::quat_from_matrix,         \
        ns::quat_slerp, ns::quat_angle, ns::quat_random                                                  \
  }

// ---------------------------------------------------------------------------------------------
// float64 oracle. Quaternions [x, y, z, w], Hamilton product (DESIGN §4).
struct Q {
  double x, y, z, w;
};
Q load_q(const float* p) { return {p[0], p[1], p[2], p[3]}; }
double norm(const Q& q) { return sqrt(q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w); }
Q scale(const Q& q, double s) { return {q.x * s, q.y * s, q.z * s, q.w * s}; }
Q conj(const Q& q) { return {-q.x, -q.y, -q.z, q.w}; }
Q mul(const Q& a, const Q& b) {
  return {a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y, a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
          a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w, a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z};
}
double dot(const Q& a, const Q& b) { return a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w; }
void store(const Q& q, double* o) { o[0] = q.x; o[1] = q.y; o[2] = q.z; o[3] = q.w; }
Q axis_q(int axis, double angle) {  // rotation by `angle` about x (0), y (1) or z (2)
  Q q{0, 0, 0, cos(angle / 2)};
  (&q.x)[axis] = sin(angle / 2);
  return q;
}
// Rotation matrix (row-major) of the unit quaternion q.
void matrix(const Q& q, double* m) {
  const double x = q.x, y = q.y, z = q.z, w = q.w;
  m[0] = 1 - 2 * (y * y + z * z); m[1] = 2 * (x * y - z * w);     m[2] = 2 * (x * z + y * w);
  m[3] = 2 * (x * y + z * w);     m[4] = 1 - 2 * (x * x + z * z); m[5] = 2 * (y * z - x * w);
  m[6] = 2 * (x * z - y * w);     m[7] = 2 * (y * z + x * w);     m[8] = 1 - 2 * (x * x + y * y);
}
// Geodesic angle between the rotations of a and b: 2·atan2(|vec(ā⊗b)|, |w(ā⊗b)|).
double geodesic(const Q& a, const Q& b) {
  const Q d = mul(conj(a), b);
  return 2 * atan2(sqrt(d.x * d.x + d.y * d.y + d.z * d.z), fabs(d.w));
}
// lowbias32 (C. Wellons) and the 24-bit uniform, as DESIGN's counter-based random numbers.
uint32_t hash32(uint32_t x) {
  x ^= x >> 16; x *= 0x7feb352du; x ^= x >> 15; x *= 0x846ca68bu; x ^= x >> 16;
  return x;
}
double uniform(uint32_t seed, uint32_t i, uint32_t k) {
  return (hash32(hash32(hash32(seed) ^ i) + k * 0x9e3779b9u) >> 8) / 16777216.0;
}
const char* kOrders[6] = {"xyz", "xzy", "yxz", "yzx", "zxy", "zyx"};  // enum quat_euler_order

// ---------------------------------------------------------------------------------------------
// Inputs.
struct Gen {
  std::mt19937_64 g{20240611};
  double u(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(g); }
  // Quaternions with |q| spread over 2^±4 (rotations must ignore scale).
  std::vector<float> quats(size_t n) {
    std::vector<float> v(4 * n);
    for (size_t i = 0; i < n; ++i) {
      const double s = exp2(u(-4, 4));
      Q q;
      do q = {u(-1, 1), u(-1, 1), u(-1, 1), u(-1, 1)}; while (norm(q) < 0.05);
      for (int k = 0; k < 4; ++k) v[4 * i + k] = (float)((&q.x)[k] * s);
    }
    return v;
  }
  // Partners of `a` for two-quaternion ops: a third unrelated, a third within ~1e-6 rad of a
  // (small-angle accuracy), a third near −a (double cover: same rotation, slerp must flip).
  std::vector<float> partners(const std::vector<float>& a) {
    std::vector<float> b = quats(a.size() / 4);
    for (size_t i = 0; i < a.size() / 4; ++i) {
      const int kind = (int)(i % 3);
      if (kind == 0) continue;
      const double s = kind == 1 ? 1.7 : -0.6;
      for (int k = 0; k < 4; ++k) b[4 * i + k] = (float)(a[4 * i + k] * s * (1 + u(-1e-6, 1e-6)));
    }
    return b;
  }
  std::vector<float> uniform(size_t count, double lo, double hi) {
    std::vector<float> v(count);
    for (float& x : v) x = (float)u(lo, hi);
    return v;
  }
  // Rotation matrices of random unit quaternions, one in ten near 180° (trace ≈ −1, where a
  // trace-only method loses accuracy); `want` gets the generating quaternions with w ≥ 0.
  std::vector<float> matrices(size_t n, std::vector<double>* want) {
    std::vector<float> m(9 * n);
    want->assign(4 * n, 0);
    for (size_t i = 0; i < n; ++i) {
      Q q;
      do q = {u(-1, 1), u(-1, 1), u(-1, 1), i % 10 == 3 ? u(-1e-3, 1e-3) : u(-1, 1)}; while (norm(q) < 0.05);
      q = scale(q, (q.w < 0 ? -1 : 1) / norm(q));
      double r[9];
      matrix(q, r);
      for (int k = 0; k < 9; ++k) m[9 * i + k] = (float)r[k];
      store(q, &(*want)[4 * i]);
    }
    return m;
  }
};

// ---------------------------------------------------------------------------------------------
// Bookkeeping: one line per driver and op.
struct Stat {
  std::string op;
  size_t values = 0, calls = 0;
  double max_err = 0;  // in units of scale
  int fails = 0;
  std::string first_fail;
  size_t bit_diffs = 0;  // sk::cuda only: values that differ from sk::cpu in any bit
  bool compared_bits = false;
};

struct Suite {
  std::vector<Driver> drivers;
  std::vector<std::vector<Stat>> stats;  // [driver][op]

  Stat& stat(size_t d, const std::string& op) {
    for (Stat& s : stats[d])
      if (s.op == op) return s;
    stats[d].emplace_back();
    stats[d].back().op = op;
    return stats[d].back();
  }
  void fail(Stat& s, const std::string& why) {
    if (!s.fails++) s.first_fail = why;
  }

  // Runs `run(driver, out)` on every driver for a batch of n items of out_item floats; checks the
  // return value is SIZE_MAX and every component against `want(i, got_i, double* w)` (which
  // returns the scale), plus `extra(i, got_i)` if given; for sk::cuda also checks bit-identity
  // with sk::cpu's output.
  void values(const std::string& op, const std::string& label, size_t n, size_t out_item,
              const std::function<size_t(const Driver&, float*)>& run,
              const std::function<double(size_t, const float*, double*)>& want,
              const std::function<bool(size_t, const float*)>& extra = nullptr) {
    std::vector<float> first;
    std::vector<double> w(out_item);
    for (size_t d = 0; d < drivers.size(); ++d) {
      Stat& s = stat(d, op);
      std::vector<float> out(n > 0 ? n * out_item : 1, -12345.0f);
      size_t bad;
      try {
        bad = run(drivers[d], out.data());
      } catch (const std::exception& e) {
        fail(s, label + ": threw " + e.what());
        continue;
      }
      ++s.calls;
      if (bad != SIZE_MAX) fail(s, label + ": returned bad index " + std::to_string(bad) + " for valid input");
      for (size_t i = 0; i < n; ++i) {
        const float* g = &out[i * out_item];
        const double sc = want(i, g, w.data());
        double err = 0;
        size_t worst = 0;
        for (size_t k = 0; k < out_item; ++k) {
          const double e = fabs(g[k] - w[k]) / sc;
          if (!(e <= err)) err = e, worst = k;  // NaN counts as worst
        }
        if (!(err <= kTol) || (extra && !extra(i, g))) {
          char buf[256];
          snprintf(buf, sizeof buf, "%s: item %zu component %zu got %.9g want %.9g (err %.3g of scale %.3g)",
                   label.c_str(), i, worst, g[worst], w[worst], err, sc);
          fail(s, buf);
        }
        if (err == err) s.max_err = fmax(s.max_err, err);
        s.values += out_item;
      }
      if (d == 0) {
        first = out;
      } else {
        s.compared_bits = true;
        for (size_t k = 0; k < n * out_item; ++k)
          if (memcmp(&out[k], &first[k], sizeof(float)) != 0) ++s.bit_diffs;
      }
    }
  }

  // Every driver must report `want` as the first bad index.
  void first_bad(const std::string& op, const std::string& label, size_t n, size_t out_item,
                 const std::function<size_t(const Driver&, float*)>& run, size_t want) {
    for (size_t d = 0; d < drivers.size(); ++d) {
      Stat& s = stat(d, op);
      std::vector<float> out(n > 0 ? n * out_item : 1);
      try {
        const size_t got = run(drivers[d], out.data());
        ++s.calls;
        if (got != want)
          fail(s, label + ": first bad index " + (got == SIZE_MAX ? std::string("none") : std::to_string(got)) +
                      ", want " + std::to_string(want));
      } catch (const std::exception& e) {
        fail(s, label + ": threw " + e.what());
      }
    }
  }

  // `out` aliasing an input: run(driver, in_copy_that_is_also_out) must give the separate-out result.
  void aliasing(const std::string& op, size_t n, const std::vector<float>& input, size_t item,
                const std::function<size_t(const Driver&, const float* in, float* out)>& run) {
    for (size_t d = 0; d < drivers.size(); ++d) {
      Stat& s = stat(d, op);
      std::vector<float> separate(n * item), inplace = input;
      try {
        run(drivers[d], input.data(), separate.data());
        run(drivers[d], inplace.data(), inplace.data());
        ++s.calls;
      } catch (const std::exception& e) {
        fail(s, std::string("aliasing: threw ") + e.what());
        continue;
      }
      if (memcmp(separate.data(), inplace.data(), separate.size() * sizeof(float)) != 0)
        fail(s, "n=" + std::to_string(n) + " out aliasing the input differs from a separate out");
    }
  }
};

std::string bcast_label(size_t n, bool a, bool b) {
  return "n=" + std::to_string(n) + (a ? " a[N]" : " a[1]") + (b ? " b[N]" : " b[1]");
}

// Item i of a batch of `item` floats, or item 0 when broadcast.
const float* at(const std::vector<float>& v, size_t item, bool batch, size_t i) { return &v[batch ? item * i : 0]; }

// ---------------------------------------------------------------------------------------------
void test_all(Suite& t) {
  Gen gen;
  const float kNaN = NAN, kInf = INFINITY;
  const bool tf[2] = {true, false};

  for (size_t n : kSizes) {
    const std::string N = "n=" + std::to_string(n);
    const std::vector<float> a = gen.quats(n), b = gen.partners(a);
    const std::vector<float> a1 = gen.quats(1), b1 = gen.quats(1);
    const std::vector<float> v = gen.uniform(3 * n, -10, 10), v1 = gen.uniform(3, -10, 10);
    const std::vector<float> ang = gen.uniform(n, -2 * kPi, 2 * kPi), ang1 = gen.uniform(1, -2 * kPi, 2 * kPi);
    const std::vector<float> tt = gen.uniform(n, 0, 1), tt1 = gen.uniform(1, 0, 1);
    const std::vector<float> eul = gen.uniform(3 * n, -2 * kPi, 2 * kPi);
    const std::vector<float> axes = gen.uniform(3 * n, -3, 3), axes1 = gen.uniform(3, -3, 3);
    std::vector<double> mq;
    const std::vector<float> mats = gen.matrices(n, &mq);

    // Batched (true) or broadcast (false) versions of each input: the broadcast one is a
    // separate single item, so a driver that ignores the flag reads the wrong data.
    auto A = [&](bool batch) -> const std::vector<float>& { return batch ? a : a1; };
    auto B = [&](bool batch) -> const std::vector<float>& { return batch ? b : b1; };

    // multiply
    for (bool ab : tf)
      for (bool bb : tf) {
        if (n == 0 && !(ab && bb)) continue;
        const auto &x = A(ab), &y = B(bb);
        t.values("quat_multiply", bcast_label(n, ab, bb), n, 4,
                 [&](const Driver& d, float* o) { return d.multiply(x.data(), ab, y.data(), bb, o, n); },
                 [&](size_t i, const float*, double* w) {
                   const Q p = load_q(at(x, 4, ab, i)), q = load_q(at(y, 4, bb, i));
                   store(mul(p, q), w);
                   return norm(p) * norm(q);
                 });
      }

    // conjugate, invert, normalize, to_matrix: (q [N, 4]) → [N, item]
    t.values("quat_conjugate", N, n, 4, [&](const Driver& d, float* o) { return d.conjugate(a.data(), o, n); },
             [&](size_t i, const float*, double* w) {
               const Q q = load_q(&a[4 * i]);
               store(conj(q), w);
               return norm(q);
             });
    t.values("quat_invert", N, n, 4, [&](const Driver& d, float* o) { return d.invert(a.data(), o, n); },
             [&](size_t i, const float*, double* w) {
               const Q q = load_q(&a[4 * i]);
               const double n2 = dot(q, q);
               store(scale(conj(q), 1 / n2), w);
               return 1 / sqrt(n2);
             });
    t.values("quat_normalize", N, n, 4, [&](const Driver& d, float* o) { return d.normalize(a.data(), o, n); },
             [&](size_t i, const float*, double* w) {
               const Q q = load_q(&a[4 * i]);
               store(scale(q, 1 / norm(q)), w);
               return 1.0;
             });
    t.values("quat_to_matrix", N, n, 9, [&](const Driver& d, float* o) { return d.to_matrix(a.data(), o, n); },
             [&](size_t i, const float*, double* w) {
               const Q q = load_q(&a[4 * i]);
               matrix(scale(q, 1 / norm(q)), w);
               return 1.0;
             });

    // rotate: q v q⁻¹ as a product, not the kernel's cross-product form.
    for (bool qb : tf)
      for (bool vb : tf) {
        if (n == 0 && !(qb && vb)) continue;
        const auto &x = A(qb), &y = vb ? v : v1;
        t.values("quat_rotate", bcast_label(n, qb, vb), n, 3,
                 [&](const Driver& d, float* o) { return d.rotate(x.data(), qb, y.data(), vb, o, n); },
                 [&](size_t i, const float*, double* w) {
                   const Q q = load_q(at(x, 4, qb, i));
                   const float* p = at(y, 3, vb, i);
                   const Q r = mul(mul(q, Q{p[0], p[1], p[2], 0}), scale(conj(q), 1 / dot(q, q)));
                   w[0] = r.x; w[1] = r.y; w[2] = r.z;
                   return sqrt((double)p[0] * p[0] + (double)p[1] * p[1] + (double)p[2] * p[2]);
                 });
      }

    // from_axis_angle
    for (bool xb : tf)
      for (bool nb : tf) {
        if (n == 0 && !(xb && nb)) continue;
        const auto &x = xb ? axes : axes1, &y = nb ? ang : ang1;
        t.values("quat_from_axis_angle", bcast_label(n, xb, nb), n, 4,
                 [&](const Driver& d, float* o) { return d.from_axis_angle(x.data(), xb, y.data(), nb, o, n); },
                 [&](size_t i, const float*, double* w) {
                   const float* p = at(x, 3, xb, i);
                   const double th = *at(y, 1, nb, i);
                   const double len = sqrt((double)p[0] * p[0] + (double)p[1] * p[1] + (double)p[2] * p[2]);
                   const double s = sin(th / 2) / len;
                   store(Q{p[0] * s, p[1] * s, p[2] * s, cos(th / 2)}, w);
                   return 1.0;
                 });
      }

    // from_euler: first letter of the order = leftmost factor.
    for (int order = 0; order < 6; ++order)
      t.values("quat_from_euler", N + " order=" + kOrders[order], n, 4,
               [&](const Driver& d, float* o) { return d.from_euler(eul.data(), order, o, n); },
               [&](size_t i, const float*, double* w) {
                 Q q{0, 0, 0, 1};
                 for (int k = 0; k < 3; ++k) {
                   const int axis = kOrders[order][k] - 'x';
                   q = mul(q, axis_q(axis, eul[3 * i + axis]));
                 }
                 store(q, w);
                 return 1.0;
               });

    // from_matrix: up to sign where w ≈ 0 (both signs are the rotation); w ≥ 0 checked apart.
    t.values("quat_from_matrix", N, n, 4, [&](const Driver& d, float* o) { return d.from_matrix(mats.data(), o, n); },
             [&](size_t i, const float* g, double* w) {
               const double* r = &mq[4 * i];
               const double sign = g[0] * r[0] + g[1] * r[1] + g[2] * r[2] + g[3] * r[3] < 0 ? -1 : 1;
               for (int k = 0; k < 4; ++k) w[k] = sign * r[k];
               return 1.0;
             },
             [](size_t, const float* g) { return g[3] >= 0; });

    // slerp: shortest arc between a/|a| and b/|b|.
    for (bool ab : tf)
      for (bool bb : tf)
        for (bool tb : tf) {
          if (n == 0 && !(ab && bb && tb)) continue;
          const auto &x = A(ab), &y = B(bb), &s = tb ? tt : tt1;
          t.values("quat_slerp", bcast_label(n, ab, bb) + (tb ? " t[N]" : " t[1]"), n, 4,
                   [&](const Driver& d, float* o) { return d.slerp(x.data(), ab, y.data(), bb, s.data(), tb, o, n); },
                   [&](size_t i, const float*, double* w) {
                     Q p = load_q(at(x, 4, ab, i)), q = load_q(at(y, 4, bb, i));
                     const double u = *at(s, 1, tb, i);
                     p = scale(p, 1 / norm(p));
                     q = scale(q, (dot(p, q) < 0 ? -1 : 1) / norm(q));
                     const double th = acos(fmin(1.0, dot(p, q)));
                     const double wa = th < 1e-9 ? 1 - u : sin((1 - u) * th) / sin(th);
                     const double wb = th < 1e-9 ? u : sin(u * th) / sin(th);
                     store(Q{wa * p.x + wb * q.x, wa * p.y + wb * q.y, wa * p.z + wb * q.z, wa * p.w + wb * q.w}, w);
                     return 1.0;
                   });
        }

    // angle: relative accuracy down to the ~1e-6 rad pairs.
    for (bool ab : tf)
      for (bool bb : tf) {
        if (n == 0 && !(ab && bb)) continue;
        const auto &x = A(ab), &y = B(bb);
        t.values("quat_angle", bcast_label(n, ab, bb), n, 1,
                 [&](const Driver& d, float* o) { return d.angle(x.data(), ab, y.data(), bb, o, n); },
                 [&](size_t i, const float*, double* w) {
                   w[0] = geodesic(load_q(at(x, 4, ab, i)), load_q(at(y, 4, bb, i)));
                   return fmax(w[0], 1e-30);
                 });
      }

    // random: Shoemake (Graphics Gems III) on the same counter-based uniforms, in float64.
    for (uint32_t seed : {0u, 12345u})
      t.values("quat_random", N + " seed=" + std::to_string(seed), n, 4,
               [&](const Driver& d, float* o) { return d.random(seed, o, n); },
               [&](size_t i, const float*, double* w) {
                 const double u1 = uniform(seed, (uint32_t)i, 0), u2 = uniform(seed, (uint32_t)i, 1),
                              u3 = uniform(seed, (uint32_t)i, 2);
                 const double r1 = sqrt(1 - u1), r2 = sqrt(u1);
                 store(Q{r1 * sin(2 * kPi * u2), r1 * cos(2 * kPi * u2), r2 * sin(2 * kPi * u3), r2 * cos(2 * kPi * u3)}, w);
                 return 1.0;
               });

    if (n == 0) continue;

    // First bad index: a zero item at n/2 and a NaN item at n − 1 → n/2 (a lone item → 0).
    const size_t bad = n / 2;
    auto poisoned = [&](std::vector<float> q, size_t item) {
      for (size_t k = 0; k < item; ++k) q[bad * item + k] = 0;
      if (n > 1) q[(n - 1) * item] = kNaN;
      return q;
    };
    const std::vector<float> pa = poisoned(a, 4), pb = poisoned(b, 4), pax = poisoned(axes, 3);
    t.first_bad("quat_invert", N + " zero/NaN", n, 4, [&](const Driver& d, float* o) { return d.invert(pa.data(), o, n); }, bad);
    t.first_bad("quat_normalize", N + " zero/NaN", n, 4, [&](const Driver& d, float* o) { return d.normalize(pa.data(), o, n); }, bad);
    t.first_bad("quat_to_matrix", N + " zero/NaN", n, 9, [&](const Driver& d, float* o) { return d.to_matrix(pa.data(), o, n); }, bad);
    t.first_bad("quat_rotate", N + " zero/NaN q", n, 3,
                [&](const Driver& d, float* o) { return d.rotate(pa.data(), true, v.data(), true, o, n); }, bad);
    t.first_bad("quat_from_axis_angle", N + " zero/NaN axis", n, 4,
                [&](const Driver& d, float* o) { return d.from_axis_angle(pax.data(), true, ang.data(), true, o, n); }, bad);
    t.first_bad("quat_slerp", N + " zero/NaN b", n, 4,
                [&](const Driver& d, float* o) { return d.slerp(a.data(), true, pb.data(), true, tt.data(), true, o, n); }, bad);
    t.first_bad("quat_angle", N + " zero/NaN a", n, 1,
                [&](const Driver& d, float* o) { return d.angle(pa.data(), true, b.data(), true, o, n); }, bad);
    // |q|² overflowing float32 is as bad as zero; a broadcast bad item is bad at index 0.
    std::vector<float> big = a;
    big[4 * bad] = 3e19f;
    t.first_bad("quat_angle", N + " overflow", n, 1,
                [&](const Driver& d, float* o) { return d.angle(a.data(), true, big.data(), true, o, n); }, bad);
    const std::vector<float> zero1(4, 0.0f), inf1 = {kInf, 0, 0, 1};
    t.first_bad("quat_rotate", N + " zero q[1]", n, 3,
                [&](const Driver& d, float* o) { return d.rotate(zero1.data(), false, v.data(), true, o, n); }, 0);
    t.first_bad("quat_slerp", N + " inf a[1]", n, 4,
                [&](const Driver& d, float* o) { return d.slerp(inf1.data(), false, b.data(), true, tt.data(), true, o, n); }, 0);

    // out aliasing an input (the glue allows it for in-place work).
    t.aliasing("quat_multiply", n, a, 4,
               [&](const Driver& d, const float* in, float* o) { return d.multiply(in, true, b.data(), true, o, n); });
    t.aliasing("quat_conjugate", n, a, 4, [&](const Driver& d, const float* in, float* o) { return d.conjugate(in, o, n); });
    t.aliasing("quat_invert", n, a, 4, [&](const Driver& d, const float* in, float* o) { return d.invert(in, o, n); });
    t.aliasing("quat_normalize", n, a, 4, [&](const Driver& d, const float* in, float* o) { return d.normalize(in, o, n); });
    t.aliasing("quat_rotate", n, v, 3,
               [&](const Driver& d, const float* in, float* o) { return d.rotate(a.data(), true, in, true, o, n); });
    t.aliasing("quat_slerp", n, b, 4, [&](const Driver& d, const float* in, float* o) {
      return d.slerp(a.data(), true, in, true, tt.data(), true, o, n);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Parity with scipy's Rotation: to_euler, to_rotvec, from_rotvec, dot. A second table of the new
// drivers, found by the Driver's name, so the table above stays as it is.
struct ParityDriver {
  const char* name;
  decltype(&sk::cpu::quat_to_euler) to_euler;
  decltype(&sk::cpu::quat_to_rotvec) to_rotvec;
  decltype(&sk::cpu::quat_from_rotvec) from_rotvec;
  decltype(&sk::cpu::quat_dot) dot;
};
const ParityDriver kParity[2] = {
    {"sk::cpu", sk::cpu::quat_to_euler, sk::cpu::quat_to_rotvec, sk::cpu::quat_from_rotvec, sk::cpu::quat_dot},
    {"sk::cuda", sk::cuda::quat_to_euler, sk::cuda::quat_to_rotvec, sk::cuda::quat_from_rotvec, sk::cuda::quat_dot},
};
const ParityDriver& parity(const Driver& d) { return kParity[strcmp(d.name, "sk::cpu") == 0 ? 0 : 1]; }

// Euler angles by axis read off the rotation matrix (not the kernel's half-angle method): for the
// product R = R_i(a)·R_j(b)·R_k(c), sin b = e·R[i][k] with e = +1 for a cyclic (i, j, k).
// Returns cos(b); angles near the lock (cos b → 0) are ill-conditioned and checked by rotation.
double euler_oracle(const Q& q, int order, bool extrinsic, double* out) {
  double m[9];
  matrix(scale(q, 1 / norm(q)), m);
  int ax[3] = {kOrders[order][0] - 'x', kOrders[order][1] - 'x', kOrders[order][2] - 'x'};
  if (extrinsic) std::swap(ax[0], ax[2]);
  const int i = ax[0], j = ax[1], k = ax[2];
  const double e = (j - i + 3) % 3 == 1 ? 1 : -1;
  out[j] = asin(fmax(-1.0, fmin(1.0, e * m[3 * i + k])));
  out[i] = atan2(-e * m[3 * j + k], m[3 * k + k]);
  out[k] = atan2(-e * m[3 * i + j], m[3 * i + i]);
  return cos(out[j]);
}
// The rotation of Euler angles `a` (by axis) under `order` and the reading, as a quaternion.
Q euler_q(const float* a, int order, bool extrinsic) {
  Q q{0, 0, 0, 1};
  for (int n = 0; n < 3; ++n) {
    const int axis = kOrders[order][extrinsic ? 2 - n : n] - 'x';
    q = mul(q, axis_q(axis, a[axis]));
  }
  return q;
}

void test_parity(Suite& t) {
  Gen gen;
  const bool tf[2] = {true, false};
  for (size_t n : kSizes) {
    const std::string N = "n=" + std::to_string(n);
    const std::vector<float> a = gen.quats(n), b = gen.partners(a), a1 = gen.quats(1), b1 = gen.quats(1);
    const std::vector<float> v = gen.uniform(3 * n, -3.6, 3.6);

    // to_euler: angles within kTol·scale of the matrix oracle, scale = 1/cos(middle) (their
    // conditioning), taken mod 2π; within 0.01 of the lock only the rotation is checked (2e-6 rad).
    for (int order = 0; order < 6; ++order)
      for (bool ex : tf)
        t.values("quat_to_euler", N + " order=" + kOrders[order] + (ex ? " extrinsic" : ""), n, 3,
                 [&](const Driver& d, float* o) { return parity(d).to_euler(a.data(), order, ex, o, n); },
                 [&](size_t i, const float* g, double* w) {
                   const double c = euler_oracle(load_q(&a[4 * i]), order, ex, w);
                   for (int k = 0; k < 3; ++k) {
                     if (c < 0.01) w[k] = g[k];
                     else w[k] = g[k] - remainder(g[k] - w[k], 2 * kPi);
                   }
                   return 1 / fmax(c, 0.01);
                 },
                 [&](size_t i, const float* g) {
                   const Q q = load_q(&a[4 * i]);
                   return geodesic(scale(q, 1 / norm(q)), euler_q(g, order, ex)) <= 2e-6 && fabs(g[0]) <= kPi &&
                          fabs(g[1]) <= kPi && fabs(g[2]) <= kPi;
                 });

    // to_rotvec: unit axis × angle in [0, π] from asin/acos of the canonical unit quaternion.
    t.values("quat_to_rotvec", N, n, 3, [&](const Driver& d, float* o) { return parity(d).to_rotvec(a.data(), o, n); },
             [&](size_t i, const float*, double* w) {
               Q q = load_q(&a[4 * i]);
               q = scale(q, (q.w < 0 ? -1 : 1) / norm(q));
               const double s = sqrt(q.x * q.x + q.y * q.y + q.z * q.z);
               const double ang = s < 0.7 ? 2 * asin(s) : 2 * acos(q.w), f = s > 0 ? ang / s : 0;
               w[0] = q.x * f; w[1] = q.y * f; w[2] = q.z * f;
               return 1.0;
             });

    // from_rotvec: axis–angle with the angle |v|.
    t.values("quat_from_rotvec", N, n, 4, [&](const Driver& d, float* o) { return parity(d).from_rotvec(v.data(), o, n); },
             [&](size_t i, const float*, double* w) {
               const double x = v[3 * i], y = v[3 * i + 1], z = v[3 * i + 2], th = sqrt(x * x + y * y + z * z);
               const double s = th > 0 ? sin(th / 2) / th : 0.5;
               store(Q{x * s, y * s, z * s, cos(th / 2)}, w);
               return 1.0;
             });

    // dot, every broadcast combination.
    for (bool ab : tf)
      for (bool bb : tf) {
        if (n == 0 && !(ab && bb)) continue;
        const auto &x = ab ? a : a1, &y = bb ? b : b1;
        t.values("quat_dot", bcast_label(n, ab, bb), n, 1,
                 [&](const Driver& d, float* o) { return parity(d).dot(x.data(), ab, y.data(), bb, o, n); },
                 [&](size_t i, const float*, double* w) {
                   const Q p = load_q(at(x, 4, ab, i)), q = load_q(at(y, 4, bb, i));
                   w[0] = dot(p, q);
                   return norm(p) * norm(q);
                 });
      }

    if (n == 0) continue;
    // First bad index: zero at n/2, NaN at n − 1 → n/2.
    const size_t bad = n / 2;
    std::vector<float> pa = a, pv = v;
    for (int k = 0; k < 4; ++k) pa[4 * bad + k] = 0;
    pv[3 * bad + 1] = NAN;
    if (n > 1) pa[4 * (n - 1)] = NAN, pv[3 * (n - 1)] = INFINITY;
    t.first_bad("quat_to_euler", N + " zero/NaN", n, 3,
                [&](const Driver& d, float* o) { return parity(d).to_euler(pa.data(), 5, true, o, n); }, bad);
    t.first_bad("quat_to_rotvec", N + " zero/NaN", n, 3,
                [&](const Driver& d, float* o) { return parity(d).to_rotvec(pa.data(), o, n); }, bad);
    t.first_bad("quat_from_rotvec", N + " NaN/inf", n, 4,
                [&](const Driver& d, float* o) { return parity(d).from_rotvec(pv.data(), o, n); }, bad);
  }
}

}  // namespace

int main() {
  Suite t;
  t.drivers.push_back(SK_DRIVER_TABLE(sk::cpu));
  const float q[4] = {0, 0, 0, 1};
  float o[4];
  if (sk_test::cuda_usable("quat_multiply", [&] { sk::cuda::quat_multiply(q, true, q, true, o, 1); }))
    t.drivers.push_back(SK_DRIVER_TABLE(sk::cuda));
  t.stats.resize(t.drivers.size());

  test_all(t);
  test_parity(t);

  const char* strict_env = getenv("SK_TEST_STRICT_BITS");
  const bool strict_bits = !(strict_env && !strcmp(strict_env, "0"));
  if (t.drivers.size() > 1)
    printf("sk::cpu ISA: %s; bit-identity sk::cuda = sk::cpu is %s\n", sk::isa_name(sk::isa()),
           strict_bits ? "required" : "reported (WARN)");
  else
    sk_test::print_isa();
  for (size_t d = 0; d < t.drivers.size(); ++d)
    for (const Stat& s : t.stats[d]) {
      const bool bits_ok = !s.compared_bits || s.bit_diffs == 0;
      const bool ok = s.fails == 0 && (bits_ok || !strict_bits);
      sk_test::failures += !ok;
      printf("%s %-9s %-21s %4zu calls, %8zu values, max err %.2g (%.1f ulp) of tol %.0e%s\n", ok ? "PASS" : "FAIL",
             t.drivers[d].name, s.op.c_str(), s.calls, s.values, s.max_err, s.max_err / FLT_EPSILON, kTol,
             s.compared_bits ? (bits_ok ? ", bit-identical to sk::cpu" : "") : "");
      if (s.fails) printf("     %d failing checks; first: %s\n", s.fails, s.first_fail.c_str());
      if (!bits_ok)
        printf("%s %-9s %-21s %zu values differ from sk::cpu [%s] in some bit\n", strict_bits ? "    " : "WARN",
               t.drivers[d].name, s.op.c_str(), s.bit_diffs, sk::isa_name(sk::isa()));
    }
  return sk_test::finish("quat_driver_test");
}
