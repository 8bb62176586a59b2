// N-API glue for sk.collide (to be filled in by the collide issue).
#include "napi/glue.h"

namespace sk::napi {
void init_collide(Napi::Env env, Napi::Object exports) { exports.Set("collide", Napi::Object::New(env)); }
}  // namespace sk::napi
