// Device-memory entry points of the CUDA launchers (sk::cuda::device): the operations and
// contracts of the host drivers (native/drivers/*.h), except that the arrays named below live in
// device memory (cudaMalloc, thrust::device_vector) and nothing crosses PCIe but what is said.
// The host drivers sk::cuda::* are exactly these plus the copies in and out that a Node call pays
// (pageable memory); a batch that stays on the GPU across calls needs these (docs/gpu.md), and
// native/bench/gpu_bench.cu times them as "kernel alone".
//
// Small parameter tables (RoPE θ and frequencies, the IGRE base vector, camera constants) stay
// host memory: a few hundred bytes copied per call, as options are. Results the caller needs on
// the host anyway and whose size is unknown beforehand (pair lists, summary statistics) are host
// memory too. Each function throws std::runtime_error when CUDA is unavailable or a call fails.
//
// Plain C++ declarations (no CUDA headers), so host code may include it.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <vector>

// The driver headers declare into SK_DRIVER_NS; the includer's value is restored afterwards.
#pragma push_macro("SK_DRIVER_NS")
#undef SK_DRIVER_NS
#define SK_DRIVER_NS sk::cuda::device
// quat: every array device memory; `out` may equal an input whose item has out's size (in place).
#include "drivers/quat.h"
// rope: x, positions, mask and out device memory; theta3, w and base host memory. Positions are
// checked on the device before anything is written. `out` may equal x for quatrope and pairs.
#include "drivers/rope.h"
// metrics: codes, labels, offsets, counts and values device memory; stats (2 doubles) host.
// The offsets are checked on the device.
#include "drivers/metrics.h"
#pragma pop_macro("SK_DRIVER_NS")

namespace sk::cuda::device {
// Ray map: consts (CAMERA_CONSTS floats per camera) host memory, out device memory.
void camera_ray_map(const float* consts, size_t n, size_t h, size_t w, float pc, int layout, int order, float* out);
// Every overlapping pair of n boxes: boxes device memory; the sorted pair words come back in
// host memory (their count is known only at the end).
size_t collide_pairs(const float* boxes, size_t n, double margin, size_t max_pairs, std::vector<uint64_t>* pairs);
}  // namespace sk::cuda::device
