// N-API glue for sk.camera (to be filled in by the camera issue).
#include "napi/glue.h"

namespace sk::napi {
void init_camera(Napi::Env env, Napi::Object exports) { exports.Set("camera", Napi::Object::New(env)); }
}  // namespace sk::napi
