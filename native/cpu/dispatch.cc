#include "cpu/dispatch.h"

#include <stdlib.h>
#include <string.h>

namespace sk {

int isa_supported() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("x86-64-v4")) return ISA_AVX512;
  if (__builtin_cpu_supports("x86-64-v3")) return ISA_AVX2;
#endif
  return ISA_BASELINE;
}

static int chosen_isa() {
  int level = isa_supported();
  const char* env = getenv("SPATIALKIT_ISA");
  if (env && *env) {
    int cap = level;
    if (!strcmp(env, "baseline") || !strcmp(env, "scalar")) cap = ISA_BASELINE;
    else if (!strcmp(env, "avx2")) cap = ISA_AVX2;
    else if (!strcmp(env, "avx512")) cap = ISA_AVX512;
    if (cap < level) level = cap;
  }
  return level;
}

int isa() {
  static const int level = chosen_isa();
  return level;
}

const char* isa_name(int level) {
  switch (level) {
    case ISA_AVX512: return "x86-64-v4 (AVX-512)";
    case ISA_AVX2: return "x86-64-v3 (AVX2, FMA)";
    default: return "x86-64 baseline (SSE2)";
  }
}

}  // namespace sk
