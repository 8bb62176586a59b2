// N-API glue for sk.collide: argument checks, then one driver call (CPU or CUDA, SK_DRIVER_NS).
// Messages match src/collide.ts word for word.
#include "drivers/collide.h"
#include "kernels/collide.h"
#include "napi/glue.h"

#include <math.h>

namespace sk::napi {
namespace {
namespace drv = SK_DRIVER_NS;

// "`a[3]` has a negative half-extent": what is wrong with box i of `name`.
std::string box_error(const char* name, size_t i, const float* box) {
  const int s = box_check(box);
  const char* what = s == BOX_NONFINITE ? "a non-finite value"
                     : s == BOX_NEGATIVE ? "a negative half-extent"
                                         : "a zero-length quaternion";
  return "`" + std::string(name) + "[" + std::to_string(i) + "]` has " + what;
}

// Messages for the driver codes that are not box indices; empty for a box index.
std::string code_error(size_t code) {
  if (code == kCollideTooManyPairs)
    return "The pair list would hold more than " + std::to_string(kCollideMaxPairs) + " pairs (2^31 − 1)";
  if (code == kCollideNoMemory) return "Out of memory while collecting pairs";
  return "";
}

double margin_arg(Call& c, size_t i) {
  const Napi::Value v = i < c.argc() ? c.arg(i) : c.env().Undefined();
  const std::string msg = "Expected a finite number ≥ 0 for `margin` but received " + describe(v);
  if (!v.IsNumber()) c.type_error(msg);
  const double m = v.As<Napi::Number>().DoubleValue();
  if (!(m >= 0.0 && isfinite(m))) c.range_error(msg);
  return m;
}

// (a [N|1, 10], b [N|1, 10], margin, out Uint8Array [N])
void overlap(Call& c) {
  Arr a = c.array<float>(0, "a", 10), b = c.array<float>(1, "b", 10);
  const double margin = margin_arg(c, 2);
  Arr o = c.array<uint8_t>(3, "out", 1, true);
  const size_t n = c.batch({{&a, "a"}, {&b, "b"}});
  c.expect_count(o, "out", n, "flags");
  c.run = [&c, a, b, o, n, margin] {
    return drv::collide_overlap(c.ptr<float>(a), a.count > 1, c.ptr<float>(b), b.count > 1, margin, c.ptr<uint8_t>(o), n);
  };
  c.bad = [&c, a, b](size_t i) {
    if (!code_error(i).empty()) return code_error(i);
    const size_t ia = a.count > 1 ? i : 0, ib = b.count > 1 ? i : 0;
    const float* pa = c.ptr<float>(a) + 10 * ia;
    return box_check(pa) != BOX_OK ? box_error("a", ia, pa) : box_error("b", ib, c.ptr<float>(b) + 10 * ib);
  };
}

// (candidate [M, 10], placed [N, 10], margin, out Uint8Array [M])
void fits(Call& c) {
  Arr k = c.array<float>(0, "candidate", 10), p = c.array<float>(1, "placed", 10);
  const double margin = margin_arg(c, 2);
  Arr o = c.array<uint8_t>(3, "out", 1, true);
  c.expect_count(o, "out", k.count, "flags");
  c.run = [&c, k, p, o, margin] {
    return drv::collide_fits(c.ptr<float>(k), k.count, c.ptr<float>(p), p.count, margin, c.ptr<uint8_t>(o));
  };
  c.bad = [&c, k, p](size_t i) {
    if (!code_error(i).empty()) return code_error(i);
    return i < k.count ? box_error("candidate", i, c.ptr<float>(k) + 10 * i)
                       : box_error("placed", i - k.count, c.ptr<float>(p) + 10 * (i - k.count));
  };
}

}  // namespace

void init_collide(Napi::Env env, Napi::Object exports) {
  Napi::Object o = Napi::Object::New(env);
  define<overlap>(env, o, "overlap");
  define<fits>(env, o, "fits");
  exports.Set("collide", o);
}

}  // namespace sk::napi
