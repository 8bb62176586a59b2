// N-API glue shared by every domain: argument checks with the same sentences as the TypeScript
// layer (src/validate.ts), and one registration that gives each operation a sync function and an
// `…Async` twin from a single parser.
//
// An operation is a parser `void op(Call&)`: it checks the JS arguments, records the typed arrays
// it uses as slots, and sets `call.run`, a closure that touches only raw memory through the slots.
// Sync calls run it at once on the caller's memory (zero copy). Async calls copy the slots first
// (an ArrayBuffer can be detached and freed by a transfer while a worker runs) and copy outputs
// back when the worker finishes, rejecting if an output was detached meanwhile.
//
// Memory another thread may write while we read (a SharedArrayBuffer) is garbage in, but never a
// crash or a hang out. Two rules keep it so:
//  - an array whose values native code trusts (offsets, indices) is snapshot() into private
//    memory *before* the parser checks it, so the values checked are the values used;
//  - every other array is read as data whose every value is safe (kernels check items where they
//    use them, and bound every loop without trusting the data).
// Overlap is decided by address, for every operation, here: an input whose bytes overlap an
// output's is copied before a sync call runs, unless it is exactly that output item for item
// (same address, type and item count: bodies read an item before writing it). Two typed arrays
// over one memory through different buffer objects (a SharedArrayBuffer received twice) are
// caught too — the TypeScript layer cannot see that.
#pragma once
#include <napi.h>
#include <stdint.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sk::napi {

template <class T> struct ArrayKind;
template <> struct ArrayKind<float> { static constexpr napi_typedarray_type type = napi_float32_array; static constexpr const char* name = "Float32Array"; };
template <> struct ArrayKind<double> { static constexpr napi_typedarray_type type = napi_float64_array; static constexpr const char* name = "Float64Array"; };
template <> struct ArrayKind<uint8_t> { static constexpr napi_typedarray_type type = napi_uint8_array; static constexpr const char* name = "Uint8Array"; };
template <> struct ArrayKind<uint16_t> { static constexpr napi_typedarray_type type = napi_uint16_array; static constexpr const char* name = "Uint16Array"; };
template <> struct ArrayKind<int32_t> { static constexpr napi_typedarray_type type = napi_int32_array; static constexpr const char* name = "Int32Array"; };
template <> struct ArrayKind<uint32_t> { static constexpr napi_typedarray_type type = napi_uint32_array; static constexpr const char* name = "Uint32Array"; };

// "Float64Array(7)", "Array(3)", "a number", …: how error messages name what they received.
std::string describe(const Napi::Value& v);

// What breaks the rules of scene offsets o[len] over n items (0 first, non-decreasing, n last),
// in the TypeScript layer's words (src/validate.ts offsetsError); empty when they hold.
std::string offsets_error(const uint32_t* o, size_t len, size_t n);

struct Slot {
  void* data = nullptr;
  size_t bytes = 0;
  size_t length = 0;  // elements
  size_t items = 0;
  napi_typedarray_type type = napi_uint8_array;
  bool output = false;
  bool owned = false;                     // data points into `own` (a snapshot or the async copy)
  const char* name = nullptr;             // the argument's name, for errors after an async call
  Napi::Reference<Napi::TypedArray> ref;  // keeps the array alive for async calls (empty in sync ones)
  std::vector<uint8_t> own;               // the private copy (snapshot, overlap or async)
};

// A typed-array argument, by slot index; `count` = items (length / item size).
struct Arr {
  int slot = -1;
  size_t length = 0;
  size_t count = 0;
};

class Call {
 public:
  // keep_refs: hold a Reference to every array argument (async calls; a sync call's arguments
  // outlive it).
  Call(const Napi::CallbackInfo& info, const char* fn, bool keep_refs = false)
      : info_(&info), env_(info.Env()), fn_(fn), keep_refs_(keep_refs) {
    slots_.reserve(4);
  }

  Napi::Env env() const { return env_; }
  size_t argc() const { return info_->Length(); }
  Napi::Value arg(size_t i) const { return (*info_)[i]; }

  // A typed array of element type T whose length is a multiple of `item` (> 0 items unless
  // `allow_empty`). Throws TypeError for a wrong type, RangeError for a wrong length.
  template <class T>
  Arr array(size_t i, const char* name, size_t item, bool output = false) {
    return array_impl(i, name, item, output, ArrayKind<T>::type, ArrayKind<T>::name, sizeof(T));
  }
  // Item count n of the operation from its inputs: each holds 1 (broadcast) or n items.
  size_t batch(std::initializer_list<std::pair<const Arr*, const char*>> inputs);
  // `out` must hold exactly n items.
  void expect_count(const Arr& a, const char* name, size_t n, const char* unit);

  double number(size_t i, const char* name);          // finite
  uint32_t uint32(size_t i, const char* name);        // integer in [0, 2^32)
  uint32_t integer(size_t i, const char* name, uint32_t min, uint32_t max);  // integer in [min, max]
  bool boolean(size_t i, const char* name);
  // One of `allowed`; returns its index.
  int choice(size_t i, const char* name, const char* const* allowed, size_t count);
  int choice(size_t i, const char* name, std::initializer_list<const char*> allowed) {
    return choice(i, name, allowed.begin(), allowed.size());
  }
  template <size_t N>
  int choice(size_t i, const char* name, const char* const (&allowed)[N]) { return choice(i, name, allowed, N); }

  template <class T>
  T* ptr(const Arr& a) const { return static_cast<T*>(slots_[a.slot].data); }

  // Copies the array into private memory now; later reads (checks, the run, async) see the copy.
  // For arrays whose values native code trusts once checked: offsets, indices.
  void snapshot(const Arr& a);
  // Copies every input that overlaps an output other than exactly in place (see the file comment).
  void separate_overlaps();

  [[noreturn]] void type_error(const std::string& msg) const;
  [[noreturn]] void range_error(const std::string& msg) const;

  // Set by the parser. run() returns the first bad item or SIZE_MAX; bad(i) words the error.
  std::function<size_t()> run;
  std::function<std::string(size_t)> bad;
  std::function<Napi::Value(Napi::Env)> result;  // default: undefined

  // Async support.
  void own_copies();
  bool copy_outputs_back(std::string* why);
  void release() { info_ = nullptr; }
  bool sync() const { return info_ != nullptr; }  // false once released to an async worker
  const char* fn() const { return fn_; }

 private:
  Arr array_impl(size_t i, const char* name, size_t item, bool output, napi_typedarray_type type,
                 const char* type_name, size_t elem);
  const Napi::CallbackInfo* info_;
  Napi::Env env_;
  const char* fn_;
  bool keep_refs_;
  std::vector<Slot> slots_;
};

using Parser = void (*)(Call&);

Napi::Value run_sync(const Napi::CallbackInfo& info, const char* fn, Parser p);
Napi::Value run_async(const Napi::CallbackInfo& info, const char* fn, Parser p);

// Throws `e` into JS through the C API; drops it when that fails (see guard).
void throw_into_js(napi_env env, const Napi::Error& e) noexcept;

// Every exported function runs inside guard(): its errors become JS exceptions here.
// node-addon-api's own wrapper rethrows a Napi::Error into JS and, when that rethrow fails,
// throws again — out of the callback, into V8: std::terminate, SIGABRT. That happens whenever a
// worker thread is terminated in the middle of a call: JS can no longer run, every N-API call
// that needs it fails. Here an error that cannot be thrown is dropped; nothing is left to catch it.
template <class F>
Napi::Value guard(const Napi::CallbackInfo& info, F&& f) {
  try {
    return f();
  } catch (const Napi::Error& e) {
    throw_into_js(info.Env(), e);
  } catch (const std::exception& e) {
    napi_throw_error(info.Env(), nullptr, e.what());
  }
  return Napi::Value();
}

template <Parser P>
Napi::Value sync_entry(const Napi::CallbackInfo& info) { return guard(info, [&] { return run_sync(info, "", P); }); }
template <Parser P>
Napi::Value async_entry(const Napi::CallbackInfo& info) { return guard(info, [&] { return run_async(info, "", P); }); }

// One operation of a domain: its JS name and the sync and async entry points of its parser.
struct Op {
  const char* name;
  Napi::Function::Callback sync;
  Napi::Function::Callback async;
};
template <Parser P>
constexpr Op op(const char* name) { return {name, sync_entry<P>, async_entry<P>}; }

// Sets exports[domain] to an object holding each op as `name` and `nameAsync`.
void define_domain(Napi::Env env, Napi::Object exports, const char* domain, std::initializer_list<Op> ops);

// ───── Small calls (issue #17) ─────
// A call on one quaternion spent ~600 ns here, almost all of it in the boundary: node-addon-api's
// CallbackInfo, V8's answers about each typed array (napi_get_typedarray_info asks up to eleven
// Is…Array() questions and materialises the buffer), the Call's slots and closures. For
// element-wise ops on at most kSmallItems items the TypeScript layer (src/backend/small.ts smallRun)
// instead copies the inputs into one fixed arena, calls the op with the item count only, and
// copies the output back: the boundary then checks a number, not arrays. The arena is the
// buffer of a WebAssembly.Memory this addon creates and keeps: such a buffer cannot be detached
// or transferred from JS (only its Memory's grow() could, and nothing outside sees the Memory),
// so its address stays valid for the env's life without a check per call.
// Layout in floats: x at 0 (items of up to 9 floats), y at kSmallY (up to 4), out at kSmallOut (up to 9).
constexpr uint32_t kSmallItems = 64, kSmallY = 9 * kSmallItems, kSmallOut = 13 * kSmallItems,
                   kSmallFloats = 22 * kSmallItems;

// body(arena, n) runs the op on n items and returns the first bad item or SIZE_MAX; bad(arena, i)
// words the error for item i (nullptr: the op never reports one).
using SmallBody = size_t (*)(float* arena, size_t n);
using SmallBad = std::string (*)(const float* arena, size_t i);
napi_value small_call(napi_env env, napi_callback_info info, SmallBody body, SmallBad bad) noexcept;
template <SmallBody B, SmallBad W>
napi_value small_entry(napi_env env, napi_callback_info info) { return small_call(env, info, B, W); }
struct SmallOp {
  const char* name;
  napi_callback fn;
};
// Sets exports.small = {arena: Float32Array [kSmallFloats], items, x, y, out} once per env (no-op
// where WebAssembly.Memory is unavailable: the TypeScript layer then takes the array path) and
// exports.small[domain] = each op as a function of the item count.
void define_small(Napi::Env env, Napi::Object exports, const char* domain, std::initializer_list<SmallOp> ops);

// Each domain's glue file (native/napi/<domain>.cc) defines one of these; addon.cc calls them all.
void init_quat(Napi::Env env, Napi::Object exports);
void init_rope(Napi::Env env, Napi::Object exports);
void init_camera(Napi::Env env, Napi::Object exports);
void init_collide(Napi::Env env, Napi::Object exports);
void init_metrics(Napi::Env env, Napi::Object exports);
void init_render(Napi::Env env, Napi::Object exports);
// allocOutput (native/napi/alloc.cc) and what info() reports about it.
void init_alloc(Napi::Env env, Napi::Object exports);
const char* alloc_mode();
size_t alloc_mapped_bytes();

}  // namespace sk::napi
