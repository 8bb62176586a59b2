// Runtime ISA dispatch: each hot loop is compiled three times (baseline x86-64, x86-64-v3 with
// AVX2+FMA, x86-64-v4 with AVX-512) from one generic body, and a table picks the best the CPU
// supports. SPATIALKIT_ISA=baseline|avx2|avx512 lowers the choice (for tests and comparisons).
// The package therefore ships no -march=native code and still runs at full width.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace sk {
enum Isa : int { ISA_BASELINE = 0, ISA_AVX2 = 1, ISA_AVX512 = 2 };
int isa();                     // the level in use
int isa_supported();           // the best level this CPU supports
const char* isa_name(int level);
}  // namespace sk

#define SK_INLINE inline __attribute__((always_inline))
#define SK_LAMBDA __attribute__((always_inline))  // for lambdas inside multiversioned loops

// SK_MULTIVERSION(name, (params), (args)) defines name##_isa[3], three builds of the
// SK_INLINE function `name`; call it as SK_DISPATCH(name)(args...).
#if defined(__x86_64__) && defined(__GNUC__)
#define SK_MULTIVERSION(name, params, args)                                                   \
  __attribute__((target("arch=x86-64-v4"))) static size_t name##_v4 params { return name args; } \
  __attribute__((target("arch=x86-64-v3"))) static size_t name##_v3 params { return name args; } \
  static size_t name##_v1 params { return name args; }                                      \
  static size_t (*const name##_isa[3]) params = {name##_v1, name##_v3, name##_v4};
#else
#define SK_MULTIVERSION(name, params, args)                                                   \
  static size_t name##_v1 params { return name args; }                                      \
  static size_t (*const name##_isa[3]) params = {name##_v1, name##_v1, name##_v1};
#endif
#define SK_DISPATCH(name) (name##_isa[::sk::isa()])
