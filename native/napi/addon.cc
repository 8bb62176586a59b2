// Module entry for both addons: the CPU build (binding.gyp) and the CUDA build (CMakeLists.txt,
// SK_CUDA) register the same glue; only `info()` differs.
#include "napi/glue.h"

#ifdef SK_CUDA
#include "cuda/status.h"
#else
#include "cpu/dispatch.h"
#include "cpu/pool.h"
#endif

namespace {

Napi::Value info(const Napi::CallbackInfo& cb) {
  Napi::Env env = cb.Env();
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
  return o;
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  exports.Set("info", Napi::Function::New(env, info, "info"));
  sk::napi::init_quat(env, exports);
  sk::napi::init_rope(env, exports);
  sk::napi::init_camera(env, exports);
  sk::napi::init_collide(env, exports);
  sk::napi::init_metrics(env, exports);
  sk::napi::init_render(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(spatialkit, init)
