// N-API glue for sk.metrics (to be filled in by the metrics issue).
#include "napi/glue.h"

namespace sk::napi {
void init_metrics(Napi::Env env, Napi::Object exports) { exports.Set("metrics", Napi::Object::New(env)); }
}  // namespace sk::napi
