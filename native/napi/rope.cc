// N-API glue for sk.rope (to be filled in by the rope issue).
#include "napi/glue.h"

namespace sk::napi {
void init_rope(Napi::Env env, Napi::Object exports) { exports.Set("rope", Napi::Object::New(env)); }
}  // namespace sk::napi
