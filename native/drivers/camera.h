// Batched camera drivers, implemented by the CPU driver (native/cpu/camera.cc, sk::cpu) and the
// CUDA launchers (native/cuda/camera.cu, sk::cuda). `consts` holds CAMERA_CONSTS floats per
// camera (native/kernels/camera.h); arguments are validated by the caller (native/napi/camera.cc).
// Declarations only, no include guard: see native/drivers/quat.h.
#include <stddef.h>
#include <stdint.h>

namespace SK_DRIVER_NS {
// Ray map of n cameras at h×w pixels into out ([n, h, w, C] or [n, C, h, w], C = 6 or 3).
void camera_ray_map(const float* consts, size_t n, size_t h, size_t w, float pc, int layout, int order, float* out);
// Rays at `count` sample points: point i uses camera i / p (or the single camera when !consts_batch)
// and point i (or i mod p when `shared`); out [count, C].
void camera_rays(const float* consts, bool consts_batch, const float* pts, bool shared, size_t p, size_t count,
                 int order, float* out);
// fromRays moments (CAMERA_MOMENTS doubles per camera) of a map of n cameras; out [n, 30].
void camera_moments(const float* map, size_t n, size_t h, size_t w, float pc, int layout, int order, double* out);
}  // namespace SK_DRIVER_NS
