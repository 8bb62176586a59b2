// CUDA backend status and error checking (DESIGN §2 "CUDA without a GPU").
//
// Plain C++ (no CUDA headers), so the N-API glue compiled by the host compiler can include it.
// The cudart it talks to is linked statically: on a machine without a driver or GPU the addon
// still loads, cudaGetDeviceCount fails (cudaErrorInsufficientDriver, 35) and available() says why.
//
// Built with SK_THRUST_HOST (the native tests compile the launchers with g++ and
// THRUST_DEVICE_SYSTEM=THRUST_DEVICE_SYSTEM_CPP), there is no CUDA runtime at all: the backend
// reports available and the Thrust "device" is the host.
#pragma once
#include <string>

namespace sk::cuda {

// True when a CUDA device this build can run on is present. Otherwise false and, if `reason` is
// given, one sentence naming the failing call and the runtime's error name, code and text. The
// probe runs once per process (the device set does not change under a running process).
bool available(std::string* reason = nullptr);

// "0: NVIDIA A100-SXM4-40GB (sm_80, 39.4 GiB)" per device, joined by "; "; "none" when unavailable.
std::string device_summary();

// Throws std::runtime_error("CUDA backend unavailable: <reason>") unless available().
// Every launcher calls it first, so no CUDA or Thrust call runs without a usable device.
void require_available();

// Throws std::runtime_error naming the call, file:line and the CUDA error (name, code, text).
[[noreturn]] void fail(int code, const char* call, const char* file, int line);

}  // namespace sk::cuda

// Every direct CUDA runtime call goes through this. The error is passed as int so this header
// needs no CUDA include; cudaSuccess is 0.
#define SK_CUDA_CHECK(call)                                                 \
  do {                                                                      \
    const int sk_cuda_err_ = static_cast<int>(call);                        \
    if (sk_cuda_err_ != 0) ::sk::cuda::fail(sk_cuda_err_, #call, __FILE__, __LINE__); \
  } while (0)
