// Limits on arguments, the one C++ definition: the glue checks them, and addon.cc exports them as
// `limits` so that test/structure.test.ts can hold them equal to the TypeScript definition
// (src/backend/kernels.ts LIMITS, which the wasm backend uses too).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernels/collide.h"

namespace sk::napi::limits {
constexpr uint32_t kMaxDim = 65536;            // sk.rope heads and headDim
constexpr uint32_t kMaxSide = 1u << 22;        // image width and height: u + 0.5 stays exact in float32 up to 2^23
constexpr double kMaxMapFloats = 4294967296.0; // a ray map's floats (2^32: V8's largest Float32Array)
constexpr uint32_t kMaxBins = 1u << 24;        // sk.metrics histogram bins (codebook size)
constexpr uint32_t kMaxPairs = kCollideMaxPairs;  // maxPairs: the most a Uint32Array [P, 2] can hold
constexpr uint64_t kMaxCount = 0xffffffffull;  // boxes, quaternions of random(), pixels, rows: 32-bit indices
// fromEuler/toEuler orders, indexed by kernels/quat.h enum quat_euler_order.
constexpr const char* kEulerOrders[] = {"xyz", "xzy", "yxz", "yzx", "zxy", "zyx"};
constexpr size_t kEulerOrderCount = sizeof(kEulerOrders) / sizeof(kEulerOrders[0]);
}  // namespace sk::napi::limits
