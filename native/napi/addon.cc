// Module entry for both addons: the CPU build (binding.gyp) and the CUDA build (CMakeLists.txt,
// SK_CUDA) register the same glue; only `info()` differs.
#include "napi/glue.h"
#include "napi/limits.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#endif

#ifdef SK_CUDA
#include "cuda/status.h"
#else
#include "cpu/dispatch.h"
#include "cpu/pool.h"
#endif

namespace {

Napi::Value info_object(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
#ifdef SK_CUDA
  std::string reason;
  const bool ok = sk::cuda::available(&reason);
  o.Set("backend", "cuda");
  o.Set("available", ok);
  o.Set("reason", reason);
  o.Set("devices", sk::cuda::device_summary());
#else
  o.Set("backend", "native");
  o.Set("available", true);
  o.Set("isa", sk::isa_name(sk::isa()));
  o.Set("isaSupported", sk::isa_name(sk::isa_supported()));
  o.Set("threads", sk::threads());
#endif
  o.Set("napiVersion", NAPI_VERSION);
  o.Set("allocOutput", sk::napi::alloc_mode());
  o.Set("allocMappedBytes", (double)sk::napi::alloc_mapped_bytes());
  return o;
}

// native/napi/limits.h for JS: test/structure.test.ts holds it equal to src/backend/kernels.ts LIMITS.
Napi::Object limits_object(Napi::Env env) {
  namespace L = sk::napi::limits;
  Napi::Object o = Napi::Object::New(env);
  o.Set("maxDim", L::kMaxDim);
  o.Set("maxSide", L::kMaxSide);
  o.Set("maxMapFloats", L::kMaxMapFloats);
  o.Set("maxBins", L::kMaxBins);
  o.Set("maxPairs", L::kMaxPairs);
  o.Set("maxCount", (double)L::kMaxCount);
  Napi::Array orders = Napi::Array::New(env, L::kEulerOrderCount);
  for (uint32_t k = 0; k < L::kEulerOrderCount; ++k) orders.Set(k, L::kEulerOrders[k]);
  o.Set("eulerOrders", orders);
  return o;
}

Napi::Value info(const Napi::CallbackInfo& cb) {
  return sk::napi::guard(cb, [&] { return info_object(cb.Env()); });
}

// Keeps this library loaded for the life of the process. When the last worker thread that loaded
// it exits, Node unloads the addon — while the thread pool's persistent threads (and libuv
// threads finishing an …Async call) still run its code: SIGSEGV in unmapped code. Worker pools
// start and terminate workers all the time.
void pin_library() {
#ifdef _WIN32
  HMODULE self;
  GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                     reinterpret_cast<LPCWSTR>(&pin_library), &self);
#else
  Dl_info self;
  if (dladdr(reinterpret_cast<void*>(&pin_library), &self) && self.dli_fname)
    dlopen(self.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);  // a reference never closed
#endif
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  pin_library();
  exports.Set("info", Napi::Function::New(env, info, "info"));
  exports.Set("limits", limits_object(env));
  sk::napi::init_quat(env, exports);
  sk::napi::init_rope(env, exports);
  sk::napi::init_camera(env, exports);
  sk::napi::init_collide(env, exports);
  sk::napi::init_metrics(env, exports);
  sk::napi::init_render(env, exports);
  sk::napi::init_alloc(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(spatialkit, init)
