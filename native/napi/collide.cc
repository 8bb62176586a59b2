// N-API glue for sk.collide: argument checks, then one driver call (CPU or CUDA, SK_DRIVER_NS).
// Messages match src/collide.ts word for word.
#include "drivers/collide.h"
#include "kernels/collide.h"
#include "napi/glue.h"
#include "napi/limits.h"

#include <math.h>
#include <string.h>

#include <memory>
#include <vector>

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
std::string code_error(size_t code, size_t max_pairs = 0) {
  if (code == kCollideTooManyPairs)
    return "More than `maxPairs` = " + std::to_string(max_pairs) +
           " pairs overlap; raise `maxPairs` (at most 2^31 − 1) to collect them";
  if (code == kCollideNoMemory) return "Out of memory while collecting pairs";
  return "";
}

size_t max_pairs_arg(Call& c, size_t i) {
  const Napi::Value v = i < c.argc() ? c.arg(i) : c.env().Undefined();
  const std::string msg = "Expected an integer in [0, " + std::to_string(limits::kMaxPairs) + "] for `maxPairs` but received " + describe(v);
  if (!v.IsNumber()) c.type_error(msg);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= (double)limits::kMaxPairs && floor(d) == d)) c.range_error(msg);
  return (size_t)d;
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

// A Uint32Array over the pair words of `v` ([P, 2]).
// Sync calls copy them into an ArrayBuffer that V8 owns and free the vector at once: an external
// buffer's finalizer runs only when the event loop turns, so a tight synchronous loop of small
// calls (rejection sampling) would hold every result's memory, and N-API's bookkeeping for it,
// until then (~300 B per call). Async calls settle on a loop turn anyway: there the vector's memory
// becomes the ArrayBuffer's (no copy) where the runtime allows external buffers.
Napi::Value pair_array(Napi::Env env, std::vector<uint64_t>& v, bool sync) {
  const size_t bytes = v.size() * sizeof(uint64_t);
  napi_value ab = nullptr;
  if (bytes && sync) {
    Napi::ArrayBuffer copy = Napi::ArrayBuffer::New(env, bytes);
    memcpy(copy.Data(), v.data(), bytes);
    std::vector<uint64_t>().swap(v);
    ab = copy;
  } else if (bytes) {
    auto* owned = new std::vector<uint64_t>(std::move(v));
    const napi_status st = napi_create_external_arraybuffer(
        env, owned->data(), bytes, [](napi_env, void*, void* hint) { delete static_cast<std::vector<uint64_t>*>(hint); },
        owned, &ab);
    if (st != napi_ok) {
      Napi::ArrayBuffer copy = Napi::ArrayBuffer::New(env, bytes);
      memcpy(copy.Data(), owned->data(), bytes);
      delete owned;
      ab = copy;
    }
  } else {
    ab = Napi::ArrayBuffer::New(env, 0);
  }
  return Napi::Uint32Array::New(env, bytes / sizeof(uint32_t), Napi::ArrayBuffer(env, ab), 0);
}

size_t boxes_count(Call& c, const Arr& b) {
  if (b.count > limits::kMaxCount)
    c.range_error("Expected at most 2^32 − 1 boxes for `boxes` but received " + std::to_string(b.count));
  return b.count;
}

struct PairsState {
  std::vector<uint64_t> pairs;
  std::vector<uint32_t> offsets;
};

// (boxes [N, 10], margin, maxPairs) → Uint32Array [P, 2]
void pairs(Call& c) {
  Arr b = c.array<float>(0, "boxes", 10);
  const size_t n = boxes_count(c, b);
  const double margin = margin_arg(c, 1);
  const size_t max_pairs = max_pairs_arg(c, 2);
  auto st = std::make_shared<PairsState>();
  c.run = [&c, b, n, margin, max_pairs, st] {
    return drv::collide_pairs(c.ptr<float>(b), n, margin, max_pairs, &st->pairs);
  };
  c.bad = [&c, b, max_pairs](size_t i) {
    const std::string code = code_error(i, max_pairs);
    return code.empty() ? box_error("boxes", i, c.ptr<float>(b) + 10 * i) : code;
  };
  c.result = [&c, st](Napi::Env env) { return pair_array(env, st->pairs, c.sync()); };
}

// (boxes [N, 10], offsets Uint32Array [S + 1], margin, maxPairs) → {pairs: Uint32Array [P, 2], offsets: Uint32Array [S + 1]}
void pairs_batched(Call& c) {
  Arr b = c.array<float>(0, "boxes", 10);
  const size_t n = boxes_count(c, b);
  Arr o = c.array<uint32_t>(1, "offsets", 1);
  c.snapshot(o);  // the driver trusts checked offsets: check and use the same values
  const std::string why = offsets_error(c.ptr<uint32_t>(o), o.count, n);
  if (!why.empty()) c.range_error(why);
  const double margin = margin_arg(c, 2);
  const size_t max_pairs = max_pairs_arg(c, 3);
  auto st = std::make_shared<PairsState>();
  c.run = [&c, b, n, o, margin, max_pairs, st] {
    return drv::collide_pairs_batched(c.ptr<float>(b), n, c.ptr<uint32_t>(o), o.count - 1, margin, max_pairs,
                                      &st->pairs, &st->offsets);
  };
  c.bad = [&c, b, max_pairs](size_t i) {
    const std::string code = code_error(i, max_pairs);
    return code.empty() ? box_error("boxes", i, c.ptr<float>(b) + 10 * i) : code;
  };
  c.result = [&c, st](Napi::Env env) {
    Napi::Object r = Napi::Object::New(env);
    r.Set("pairs", pair_array(env, st->pairs, c.sync()));
    Napi::Uint32Array off = Napi::Uint32Array::New(env, st->offsets.size());
    if (!st->offsets.empty()) memcpy(off.Data(), st->offsets.data(), st->offsets.size() * sizeof(uint32_t));
    r.Set("offsets", off);
    return r;
  };
}

}  // namespace

void init_collide(Napi::Env env, Napi::Object exports) {
  define_domain(env, exports, "collide",
                {op<overlap>("overlap"), op<fits>("fits"), op<pairs>("pairs"), op<pairs_batched>("pairsBatched")});
}

}  // namespace sk::napi
