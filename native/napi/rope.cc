// N-API glue for sk.rope: the backend boundary of src/rope.ts. The TypeScript layer turns the
// user's options into tables (θ per segment and axis, frequencies per pair); this file checks them
// again with the same sentences and calls one driver (CPU or CUDA, SK_DRIVER_NS).
#include <math.h>

#include "drivers/rope.h"
#include "kernels/rope.h"
#include "napi/glue.h"
#include "napi/limits.h"

namespace sk::napi {
namespace {
namespace drv = SK_DRIVER_NS;

constexpr int64_t kMaxDim = limits::kMaxDim;

int64_t int_in(Call& c, size_t i, const char* name, int64_t lo, int64_t hi) {
  const Napi::Value v = i < c.argc() ? c.arg(i) : c.env().Undefined();
  const std::string want = "Expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "] for `" +
                           name + "` but received " + describe(v);
  if (!v.IsNumber()) c.type_error(want);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= (double)lo && d <= (double)hi && floor(d) == d)) c.range_error(want);
  return (int64_t)d;
}

// x or out: Float32Array for 'float32', Uint16Array (the bits) for 'float16' and 'bfloat16'.
Arr storage(Call& c, size_t i, const char* name, int dtype, bool output) {
  return dtype == ROPE_F32 ? c.array<float>(i, name, 1, output) : c.array<uint16_t>(i, name, 1, output);
}

// The optional mask: undefined/null, or a Uint8Array with one byte per position row.
// Returned as a slot (slot −1 when absent): async calls swap slot memory for copies.
Arr mask_arg(Call& c, size_t i, size_t T) {
  const Napi::Value v = i < c.argc() ? c.arg(i) : c.env().Undefined();
  if (v.IsUndefined() || v.IsNull()) return Arr{};
  Arr m = c.array<uint8_t>(i, "mask", 1);
  c.expect_count(m, "mask", T, "values (one per position)");
  return m;
}
const uint8_t* mask_ptr(const Call& c, const Arr& m) { return m.slot < 0 ? nullptr : c.ptr<uint8_t>(m); }

void finite_values(Call& c, const Arr& a, const char* name) {
  const double* p = c.ptr<double>(a);
  for (size_t k = 0; k < a.length; ++k)
    if (!isfinite(p[k]))
      c.range_error(std::string("Expected finite numbers for `") + name + "` but received " +
                    (isnan(p[k]) ? "NaN" : p[k] > 0 ? "Infinity" : "-Infinity") + " at index " + std::to_string(k));
}

// x holds B·T·H·D values (B ≥ 0 sequences sharing the positions).
size_t tokens_of(Call& c, const Arr& x, size_t T, size_t H, size_t D) {
  const size_t per = T * H * D;
  if (per == 0 ? x.length != 0 : x.length % per != 0)
    c.range_error("Expected `x` to hold B × " + std::to_string(T) + " × " + std::to_string(H) + " × " +
                  std::to_string(D) + " values ([B, T, H, D], T = rows of `positions`) but received " +
                  std::to_string(x.length));
  return per ? x.length / (H * D) : 0;
}

void expect_values(Call& c, const Arr& o, const char* name, size_t n) {
  if (o.length != n)
    c.range_error(std::string("Expected `") + name + "` to hold " + std::to_string(n) + " values but received " +
                  std::to_string(o.length));
}

std::string bad_position(size_t i) { return "`positions[" + std::to_string(i) + "]` is not finite"; }

const char* const kDtypes[] = {"float32", "float16", "bfloat16"};
int dtype_arg(Call& c, size_t i) { return c.choice(i, "dtype", {kDtypes[0], kDtypes[1], kDtypes[2]}); }

// quatrope(x, dtype, positions [T, 3], theta [S, 3] float64, mask?, heads, headDim, out)
void quatrope(Call& c) {
  const int dt = dtype_arg(c, 1);
  Arr x = storage(c, 0, "x", dt, false);
  Arr p = c.array<float>(2, "positions", 3);
  Arr th = c.array<double>(3, "theta", 3);
  const Arr mask = mask_arg(c, 4, p.count);
  const size_t H = (size_t)int_in(c, 5, "heads", 1, kMaxDim), D = (size_t)int_in(c, 6, "headDim", 3, kMaxDim);
  Arr o = storage(c, 7, "out", dt, true);
  c.expect_count(th, "theta", D / 3, "segments");
  finite_values(c, th, "theta");
  const size_t n = tokens_of(c, x, p.count, H, D);
  expect_values(c, o, "out", x.length);
  const size_t T = p.count;
  c.run = [&c, x, dt, p, th, mask, n, T, H, D, o] {
    return drv::rope_quatrope(c.ptr<void>(x), dt, c.ptr<float>(p), c.ptr<double>(th), mask_ptr(c, mask), n, T, H, D, c.ptr<void>(o));
  };
  c.bad = bad_position;
}

// igre(x, dtype, positions [T, 3], theta [S, 3] float64, base [3], mask?, heads, headDim, out)
void igre(Call& c) {
  const int dt = dtype_arg(c, 1);
  Arr x = storage(c, 0, "x", dt, false);
  Arr p = c.array<float>(2, "positions", 3);
  Arr th = c.array<double>(3, "theta", 3);
  Arr b = c.array<float>(4, "baseVector", 3);
  const Arr mask = mask_arg(c, 5, p.count);
  const size_t H = (size_t)int_in(c, 6, "heads", 1, kMaxDim), D = (size_t)int_in(c, 7, "headDim", 1, kMaxDim);
  Arr o = storage(c, 8, "out", dt, true);
  if (th.count < 1) c.range_error("Expected `theta` to hold at least 1 segments but received 0");
  finite_values(c, th, "theta");
  c.expect_count(b, "baseVector", 1, "vectors");
  const float* bv = c.ptr<float>(b);
  const double bn = sqrt((double)bv[0] * bv[0] + (double)bv[1] * bv[1] + (double)bv[2] * bv[2]);
  if (!(bn > 0 && isfinite(bn))) c.range_error("Expected a finite non-zero vector for `baseVector`");
  const size_t n = tokens_of(c, x, p.count, H, D), S = th.count;
  expect_values(c, o, "out", n * H * (D + 3 * S));
  const size_t T = p.count;
  c.run = [&c, x, dt, p, th, S, b, mask, n, T, H, D, o] {
    return drv::rope_igre(c.ptr<void>(x), dt, c.ptr<float>(p), c.ptr<double>(th), S, c.ptr<float>(b), mask_ptr(c, mask), n, T, H,
                          D, c.ptr<void>(o));
  };
  c.bad = bad_position;
}

// rotatePairs(x, dtype, positions [T, A], axes A (1 | 3), freqs [D/2, A] float64, layout, mask?, heads, headDim, out)
void rotate_pairs(Call& c) {
  const int dt = dtype_arg(c, 1);
  Arr x = storage(c, 0, "x", dt, false);
  const size_t A = (size_t)int_in(c, 3, "axes", 1, 3);
  if (A == 2) c.range_error("Expected 1 or 3 for `axes` but received the number 2");
  Arr p = c.array<float>(2, "positions", A);
  Arr w = c.array<double>(4, "frequencies", A);
  const int layout = c.choice(5, "layout", {"half", "interleaved"});
  const Arr mask = mask_arg(c, 6, p.count);
  const size_t H = (size_t)int_in(c, 7, "heads", 1, kMaxDim), D = (size_t)int_in(c, 8, "headDim", 2, kMaxDim);
  Arr o = storage(c, 9, "out", dt, true);
  if (D % 2) c.range_error("Expected an even `headDim` but received " + std::to_string(D));
  c.expect_count(w, "frequencies", D / 2, "rows (headDim / 2)");
  finite_values(c, w, "frequencies");
  const size_t n = tokens_of(c, x, p.count, H, D);
  expect_values(c, o, "out", x.length);
  const size_t T = p.count;
  c.run = [&c, x, dt, p, A, w, layout, mask, n, T, H, D, o] {
    return drv::rope_pairs(c.ptr<void>(x), dt, c.ptr<float>(p), A, c.ptr<double>(w), layout, mask_ptr(c, mask), n, T, H, D,
                           c.ptr<void>(o));
  };
  c.bad = bad_position;
}

}  // namespace

void init_rope(Napi::Env env, Napi::Object exports) {
  define_domain(env, exports, "rope", {op<quatrope>("quatrope"), op<igre>("igre"), op<rotate_pairs>("rotatePairs")});
}

}  // namespace sk::napi
