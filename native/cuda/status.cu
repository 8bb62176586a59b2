// CUDA backend status: one cached device probe, and the error factory behind SK_CUDA_CHECK.
#include "cuda/status.h"

#include <stdio.h>

#include <stdexcept>
#include <string>

#ifndef SK_THRUST_HOST
#include <cuda_runtime_api.h>
#endif

namespace sk::cuda {
namespace {

struct Probe {
  bool ok = false;
  std::string reason;   // empty when ok
  std::string summary;  // device list, or "none"
};

#ifdef SK_THRUST_HOST

Probe probe() { return Probe{true, "", "host (Thrust CPP device system, SK_THRUST_HOST)"}; }

#else

std::string describe_error(int code) {
  const cudaError_t e = static_cast<cudaError_t>(code);
  return std::string(cudaGetErrorName(e)) + " (" + std::to_string(code) + "): " + cudaGetErrorString(e);
}

// The lowest compute capability this binary has code for (×10), from nvcc's __CUDA_ARCH_LIST__
// (e.g. 800,860,890,900): every architecture in the list ships PTX too, so any device at or above
// the lowest one can run the kernels; one below it would fail at the first launch instead.
constexpr int min_arch() {
#ifdef __CUDA_ARCH_LIST__
  constexpr int archs[] = {__CUDA_ARCH_LIST__};
  int m = archs[0];
  for (int a : archs) m = a < m ? a : m;
  return m / 10;
#else
  return 0;
#endif
}

Probe probe() {
  Probe p;
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();  // do not leave the probe's error for a later, unrelated check
    p.reason = "cudaGetDeviceCount failed: " + describe_error(e);
    p.summary = "none";
    return p;
  }
  if (count <= 0) {
    p.reason = "cudaGetDeviceCount found no CUDA device";
    p.summary = "none";
    return p;
  }
  for (int d = 0; d < count; ++d) {
    cudaDeviceProp prop;
    SK_CUDA_CHECK(cudaGetDeviceProperties(&prop, d));
    char line[320];
    snprintf(line, sizeof line, "%d: %s (sm_%d%d, %.1f GiB)", d, prop.name, prop.major, prop.minor,
             prop.totalGlobalMem / 1073741824.0);
    p.summary += (d ? "; " : "") + std::string(line);
    // Thrust runs on the current device, which is device 0 unless the process changed it.
    if (d == 0 && prop.major * 10 + prop.minor < min_arch()) {
      snprintf(line, sizeof line, "device 0 (%s) has compute capability %d.%d; this build needs %d.%d or newer",
               prop.name, prop.major, prop.minor, min_arch() / 10, min_arch() % 10);
      p.reason = line;
    }
  }
  p.ok = p.reason.empty();
  return p;
}

#endif  // SK_THRUST_HOST

const Probe& cached() {
  // Function-local static: probed once, thread-safe, and a throwing probe (a failing
  // cudaGetDeviceProperties) is retried on the next call instead of being cached.
  static const Probe p = probe();
  return p;
}

}  // namespace

bool available(std::string* reason) {
  try {
    const Probe& p = cached();
    if (reason) *reason = p.reason;
    return p.ok;
  } catch (const std::exception& e) {
    if (reason) *reason = e.what();
    return false;
  }
}

std::string device_summary() {
  try {
    return cached().summary;
  } catch (const std::exception&) {
    return "none";
  }
}

void require_available() {
  std::string reason;
  if (!available(&reason)) throw std::runtime_error("CUDA backend unavailable: " + reason);
}

void fail(int code, const char* call, const char* file, int line) {
#ifdef SK_THRUST_HOST
  const std::string what = "error " + std::to_string(code);
#else
  const std::string what = describe_error(code);
#endif
  throw std::runtime_error(std::string(call) + " failed at " + file + ":" + std::to_string(line) + ": " + what);
}

}  // namespace sk::cuda
