// Shared by every kernel body: the host/device marker and small helpers.
// A kernel body is a per-element (or per-item) inline function with no N-API, threads,
// allocation, exceptions or globals, so the CPU driver, the CUDA launcher and the native
// tests all run the very same code (DESIGN §2).
#pragma once
#include <stdint.h>
#include <stddef.h>
#include <math.h>

#if defined(__CUDACC__)
#define SK_HD __host__ __device__ __forceinline__
#else
#define SK_HD inline __attribute__((always_inline))
#endif

// Status codes a body may return; drivers turn them into the index of the first bad element.
enum sk_status : int { SK_OK = 0, SK_BAD = 1 };
