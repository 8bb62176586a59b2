#include "napi/glue.h"

#include <math.h>
#include <string.h>

namespace sk::napi {

namespace {
// Raw typed-array facts through the C API: node-addon-api's ArrayBuffer() wrapper rejects views of
// a SharedArrayBuffer, which are valid (and never detachable) inputs here.
struct ViewInfo {
  void* data = nullptr;
  size_t length = 0;
  bool detached = false;
};
ViewInfo view_info(const Napi::TypedArray& t) {
  napi_env env = t.Env();
  ViewInfo v;
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, t, &type, &v.length, &v.data, &buffer, &offset) != napi_ok) {
    v.detached = true;
    return v;
  }
  bool plain = false;
  napi_is_arraybuffer(env, buffer, &plain);
  if (plain) napi_is_detached_arraybuffer(env, buffer, &v.detached);
  return v;
}
}  // namespace

std::string describe(const Napi::Value& v) {
  if (v.IsTypedArray()) {
    Napi::TypedArray t = v.As<Napi::TypedArray>();
    static const char* names[] = {"Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array",
                                  "Uint16Array", "Int32Array", "Uint32Array", "Float32Array",
                                  "Float64Array", "BigInt64Array", "BigUint64Array"};
    const int k = (int)t.TypedArrayType();
    std::string s = k >= 0 && k < 11 ? names[k] : "TypedArray";
    if (view_info(t).detached) return "a detached " + s;
    return s + "(" + std::to_string(t.ElementLength()) + ")";
  }
  if (v.IsArray()) return "Array(" + std::to_string(v.As<Napi::Array>().Length()) + ")";
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsNumber()) return "the number " + v.ToString().Utf8Value();  // as JS prints it, like src/validate.ts
  if (v.IsString()) return "a string";
  if (v.IsBoolean()) return "a boolean";
  if (v.IsArrayBuffer()) return "an ArrayBuffer";
  if (v.IsFunction()) return "a function";
  return "an object";
}

void Call::type_error(const std::string& msg) const { throw Napi::TypeError::New(env_, msg); }
void Call::range_error(const std::string& msg) const { throw Napi::RangeError::New(env_, msg); }

namespace {
// "Float32Array of length 4·N": what an array argument must be, built only when an error needs it.
std::string wanted(const char* type_name, size_t item) {
  return item > 1 ? std::string(type_name) + " of length " + std::to_string(item) + "·N" : std::string(type_name);
}
}  // namespace

// One napi_get_typedarray_info answers type, length and address (it fails for anything that is
// not a typed array); the detached check runs only for length 0, which is what a detached view
// reports. No string is built unless an error is thrown, and sync calls take no Reference (the
// arguments outlive the call): issue #17 measured ~1.9 µs per small call before, most of it here.
Arr Call::array_impl(size_t i, const char* name, size_t item, bool output, napi_typedarray_type type,
                     const char* type_name, size_t elem) {
  const Napi::Value v = i < argc() ? arg(i) : env_.Undefined();
  napi_typedarray_type got;
  size_t len = 0;
  void* data = nullptr;
  napi_value buffer;
  size_t offset;
  if (v.IsEmpty() || napi_get_typedarray_info(env_, v, &got, &len, &data, &buffer, &offset) != napi_ok || got != type)
    type_error("Expected " + wanted(type_name, item) + " for `" + name + "` but received " + describe(v));
  if (len == 0 && view_info(v.As<Napi::TypedArray>()).detached)
    type_error("Expected " + wanted(type_name, item) + " for `" + name + "` but received " + describe(v));
  if (item > 1 && len % item != 0)
    range_error("Expected " + wanted(type_name, item) + " for `" + name + "` but received " + describe(v));
  Slot& s = slots_.emplace_back();
  s.data = data;
  s.length = len;
  s.bytes = len * elem;
  s.items = item ? len / item : len;
  s.type = type;
  s.output = output;
  s.name = name;
  if (keep_refs_) s.ref = Napi::Reference<Napi::TypedArray>::New(v.As<Napi::TypedArray>(), 1);
  // Empty arrays may have a null data pointer; give kernels a valid one (they touch 0 items).
  static uint64_t empty_sentinel;
  if (!s.data) s.data = &empty_sentinel;
  return Arr{(int)slots_.size() - 1, len, item ? len / item : len};
}

size_t Call::batch(std::initializer_list<std::pair<const Arr*, const char*>> inputs) {
  size_t n = 1;
  const char* who = nullptr;
  for (auto& [a, name] : inputs)
    if (a->count != 1) {
      if (who && a->count != n)
        range_error(std::string("Expected `") + name + "` to hold 1 or " + std::to_string(n) +
                    " items (the batch size of `" + who + "`) but received " + std::to_string(a->count));
      n = a->count;
      who = name;
    }
  return n;
}

void Call::expect_count(const Arr& a, const char* name, size_t n, const char* unit) {
  if (a.count != n)
    range_error(std::string("Expected `") + name + "` to hold " + std::to_string(n) + " " + unit +
                " but received " + std::to_string(a.count));
}

double Call::number(size_t i, const char* name) {
  const Napi::Value v = i < argc() ? arg(i) : env_.Undefined();
  if (!v.IsNumber()) type_error(std::string("Expected a finite number for `") + name + "` but received " + describe(v));
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!isfinite(d)) range_error(std::string("Expected a finite number for `") + name + "` but received " + describe(v));
  return d;
}

uint32_t Call::uint32(size_t i, const char* name) {
  const Napi::Value v = i < argc() ? arg(i) : env_.Undefined();
  if (!v.IsNumber())
    type_error(std::string("Expected an integer in [0, 2^32) for `") + name + "` but received " + describe(v));
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d < 4294967296.0 && floor(d) == d))
    range_error(std::string("Expected an integer in [0, 2^32) for `") + name + "` but received " + describe(v));
  return (uint32_t)d;
}

uint32_t Call::integer(size_t i, const char* name, uint32_t min, uint32_t max) {
  const Napi::Value v = i < argc() ? arg(i) : env_.Undefined();
  const std::string want = "Expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "] for `" +
                           name + "` but received " + describe(v);
  if (!v.IsNumber()) type_error(want);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= min && d <= max && floor(d) == d)) range_error(want);
  return (uint32_t)d;
}

std::string offsets_error(const uint32_t* o, size_t len, size_t n) {
  if (len == 0) return "Expected Uint32Array of length S + 1 ≥ 1 for `offsets` but received Uint32Array(0)";
  if (o[0] != 0) return "Expected `offsets[0]` to be 0 but received " + std::to_string(o[0]);
  for (size_t s = 1; s < len; ++s)
    if (o[s] < o[s - 1])
      return "Expected `offsets` to be non-decreasing but `offsets[" + std::to_string(s) + "]` = " + std::to_string(o[s]) +
             " is less than `offsets[" + std::to_string(s - 1) + "]` = " + std::to_string(o[s - 1]);
  if (o[len - 1] != n)
    return "Expected the last offset `offsets[" + std::to_string(len - 1) + "]` to be the number of boxes (" +
           std::to_string(n) + ") but received " + std::to_string(o[len - 1]);
  return "";
}

bool Call::boolean(size_t i, const char* name) {
  const Napi::Value v = i < argc() ? arg(i) : env_.Undefined();
  if (!v.IsBoolean()) type_error(std::string("Expected a boolean for `") + name + "` but received " + describe(v));
  return v.As<Napi::Boolean>().Value();
}

int Call::choice(size_t i, const char* name, const char* const* allowed, size_t count) {
  const Napi::Value v = i < argc() ? arg(i) : env_.Undefined();
  std::string list;
  for (size_t k = 0; k < count; ++k) list += (list.empty() ? "'" : ", '") + std::string(allowed[k]) + "'";
  if (v.IsString()) {
    const std::string s = v.As<Napi::String>().Utf8Value();
    for (size_t k = 0; k < count; ++k)
      if (s == allowed[k]) return (int)k;
    range_error(std::string("Expected one of ") + list + " for `" + name + "` but received '" + s + "'");
  }
  type_error(std::string("Expected one of ") + list + " for `" + name + "` but received " + describe(v));
}

namespace {
void own_copy(Slot& s) {
  s.own.resize(s.bytes ? s.bytes : 8);
  memcpy(s.own.data(), s.data, s.bytes);
  s.data = s.own.data();
  s.owned = true;
}
}  // namespace

void Call::snapshot(const Arr& a) { own_copy(slots_[a.slot]); }

void Call::separate_overlaps() {
  for (Slot& in : slots_) {
    if (in.output || in.owned || !in.bytes) continue;
    const uintptr_t a0 = (uintptr_t)in.data, a1 = a0 + in.bytes;
    for (const Slot& out : slots_) {
      if (!out.output || !out.bytes) continue;
      const uintptr_t b0 = (uintptr_t)out.data, b1 = b0 + out.bytes;
      if (!(a0 < b1 && b0 < a1)) continue;
      if (a0 == b0 && a1 == b1 && in.type == out.type && in.items == out.items) continue;  // exactly in place
      own_copy(in);
      break;
    }
  }
}

void Call::own_copies() {
  for (Slot& s : slots_)
    if (!s.owned) own_copy(s);  // outputs too: an in-place op reads its output
}

bool Call::copy_outputs_back(std::string* why) {
  for (Slot& s : slots_) {
    if (!s.output) continue;
    Napi::TypedArray t = s.ref.Value();
    const ViewInfo info = t.IsEmpty() ? ViewInfo{nullptr, 0, true} : view_info(t);
    if (info.detached || info.length != s.length) {
      *why = std::string("`") + (s.name ? s.name : "out") + "` was detached or resized while the async call ran";
      return false;
    }
    if (s.bytes) memcpy(info.data, s.own.data(), s.bytes);
  }
  return true;
}

void throw_into_js(napi_env env, const Napi::Error& e) noexcept {
  try {
    napi_throw(env, e.Value());
  } catch (const Napi::Error&) {
    // The env is shutting down.
  }
}

Napi::Value run_sync(const Napi::CallbackInfo& info, const char* fn, Parser p) {
  Call call(info, fn);
  p(call);
  call.separate_overlaps();
  size_t bad;
  try {
    bad = call.run ? call.run() : SIZE_MAX;
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {  // e.g. the CUDA launchers' runtime errors, std::bad_alloc
    throw Napi::Error::New(info.Env(), e.what());
  }
  if (bad != SIZE_MAX) call.range_error(call.bad ? call.bad(bad) : "invalid input at index " + std::to_string(bad));
  return call.result ? call.result(info.Env()) : info.Env().Undefined();
}

namespace {
class Worker : public Napi::AsyncWorker {
 public:
  Worker(Napi::Env env, std::unique_ptr<Call> call)
      : Napi::AsyncWorker(env, "spatialkit"), deferred_(Napi::Promise::Deferred::New(env)), call_(std::move(call)) {}
  Napi::Promise promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      bad_ = call_->run ? call_->run() : SIZE_MAX;
    } catch (const std::exception& e) {
      failed_ = true;
      error_ = e.what();
    }
  }
  // Replaces AsyncWorker's completion, which settles inside node-addon-api's rethrowing wrapper:
  // while a worker thread is terminated, settling fails, the rethrow fails, and the exception
  // escapes into libuv (std::terminate, SIGABRT; guard() in glue.h). Here a settlement that
  // fails is dropped — nothing is left that could observe the promise.
  void OnWorkComplete(Napi::Env env, napi_status status) override {
    if (status != napi_cancelled) {
      napi_handle_scope scope;
      if (napi_open_handle_scope(env, &scope) == napi_ok) {
        try {
          settle(env);
        } catch (const Napi::Error& e) {
          try {
            deferred_.Reject(e.Value());  // an error building the result, in a live env
          } catch (const Napi::Error&) {
            // The env is shutting down (see guard() in glue.h).
          }
        }
        napi_close_handle_scope(env, scope);
      }
    }
    Destroy();
  }

 private:
  void settle(Napi::Env env) {
    std::string why;
    if (failed_) {
      deferred_.Reject(Napi::Error::New(env, error_).Value());
    } else if (bad_ != SIZE_MAX) {
      deferred_.Reject(Napi::RangeError::New(env, call_->bad ? call_->bad(bad_) : "invalid input").Value());
    } else if (!call_->copy_outputs_back(&why)) {
      deferred_.Reject(Napi::TypeError::New(env, why).Value());
    } else {
      deferred_.Resolve(call_->result ? call_->result(env) : env.Undefined());
    }
  }

  Napi::Promise::Deferred deferred_;
  std::unique_ptr<Call> call_;
  size_t bad_ = SIZE_MAX;
  bool failed_ = false;  // the run threw a C++ exception (std::bad_alloc, a CUDA launcher's error)
  std::string error_;
};
}  // namespace

Napi::Value run_async(const Napi::CallbackInfo& info, const char* fn, Parser p) {
  auto call = std::make_unique<Call>(info, fn, /*keep_refs=*/true);
  p(*call);  // argument errors throw synchronously, like the TS layer
  call->own_copies();
  call->release();
  auto* w = new Worker(info.Env(), std::move(call));
  Napi::Promise promise = w->promise();
  w->Queue();
  return promise;
}

void define_domain(Napi::Env env, Napi::Object exports, const char* domain, std::initializer_list<Op> ops) {
  Napi::Object d = Napi::Object::New(env);
  for (const Op& o : ops) {
    const std::string twin = std::string(o.name) + "Async";
    d.Set(o.name, Napi::Function::New(env, o.sync, o.name));
    d.Set(twin, Napi::Function::New(env, o.async, twin));
  }
  exports.Set(domain, d);
}

namespace {
// The env's arena (see glue.h), made with exports.small on first use; nullptr where it cannot be.
float* small_arena(Napi::Env env, Napi::Object exports) {
  try {
    if (!exports.Has("small")) {
      const Napi::Value wasm = env.Global().Get("WebAssembly");
      if (!wasm.IsObject()) return nullptr;
      const Napi::Value ctor = wasm.As<Napi::Object>().Get("Memory");
      if (!ctor.IsFunction()) return nullptr;
      Napi::Object opts = Napi::Object::New(env);
      opts.Set("initial", 1);  // one 64 KiB page, never grown
      Napi::Object memory = ctor.As<Napi::Function>().New({opts});
      const Napi::Value buffer = memory.Get("buffer");
      if (!buffer.IsArrayBuffer() || buffer.As<Napi::ArrayBuffer>().ByteLength() < kSmallFloats * sizeof(float))
        return nullptr;
      // Held for the env's life (never released: env teardown frees it), so a function kept after
      // exports.small is gone still writes live memory.
      napi_ref keep;
      if (napi_create_reference(env, memory, 1, &keep) != napi_ok) return nullptr;
      Napi::Object small = Napi::Object::New(env);
      small.Set("arena", Napi::Float32Array::New(env, kSmallFloats, buffer.As<Napi::ArrayBuffer>(), 0));
      small.Set("items", kSmallItems);
      small.Set("x", 0);
      small.Set("y", kSmallY);
      small.Set("out", kSmallOut);
      exports.Set("small", small);
    }
    const Napi::Value arena = exports.Get("small").As<Napi::Object>().Get("arena");
    return static_cast<float*>(arena.As<Napi::TypedArray>().ArrayBuffer().Data());
  } catch (const Napi::Error&) {  // e.g. a runtime without WebAssembly (--jitless)
    return nullptr;
  }
}
}  // namespace

void define_small(Napi::Env env, Napi::Object exports, const char* domain, std::initializer_list<SmallOp> ops) {
  float* arena = small_arena(env, exports);
  if (!arena) return;
  Napi::Object d = Napi::Object::New(env);
  for (const SmallOp& o : ops) {
    napi_value fn;
    if (napi_create_function(env, o.name, NAPI_AUTO_LENGTH, o.fn, arena, &fn) != napi_ok) return;
    d.Set(o.name, Napi::Value(env, fn));
  }
  exports.Get("small").As<Napi::Object>().Set(domain, d);
}

// A plain napi_callback (no CallbackInfo, no Call, nothing on the heap unless it throws): one
// argument, the item count, checked in the words of Call::integer.
napi_value small_call(napi_env env, napi_callback_info info, SmallBody body, SmallBad bad) noexcept {
  size_t argc = 1;
  napi_value arg = nullptr;
  void* data = nullptr;
  if (napi_get_cb_info(env, info, &argc, &arg, nullptr, &data) != napi_ok) return nullptr;
  double d = 0;
  const bool number = argc >= 1 && napi_get_value_double(env, arg, &d) == napi_ok;
  try {
    if (!(number && d >= 1 && d <= kSmallItems && floor(d) == d)) {
      const std::string msg = "Expected an integer in [1, " + std::to_string(kSmallItems) + "] for `n` but received " +
                              describe(argc >= 1 ? Napi::Value(env, arg) : Napi::Env(env).Undefined());
      if (number) napi_throw_range_error(env, nullptr, msg.c_str());
      else napi_throw_type_error(env, nullptr, msg.c_str());
      return nullptr;
    }
    float* arena = static_cast<float*>(data);
    const size_t first = body(arena, (size_t)d);
    if (first != SIZE_MAX) {
      const std::string msg = bad ? bad(arena, first) : "invalid input at index " + std::to_string(first);
      napi_throw_range_error(env, nullptr, msg.c_str());
    }
  } catch (const std::exception& e) {  // describe() failing in a dying env, std::bad_alloc
    napi_throw_error(env, nullptr, e.what());
  }
  return nullptr;
}

}  // namespace sk::napi
