// Batched quaternion drivers. The same declarations are implemented by the CPU driver
// (native/cpu/quat.cc, SK_DRIVER_NS = sk::cpu) and the CUDA launchers (native/cuda/quat.cu,
// sk::cuda); the N-API glue (native/napi/quat.cc) is compiled once against each.
// Arrays are flat row-major float32. A `*_batch` flag of false broadcasts that argument's
// single item against the n of the output. Each returns the index of the first element whose
// input was invalid (see native/kernels/quat.h) or SIZE_MAX.
//
// No include guard on purpose: this header holds declarations only, so it may be included once
// per driver namespace (the native tests define SK_DRIVER_NS as sk::cpu, include it, then as
// sk::cuda and include it again to check both drivers in one binary). Keep it declaration-only.
#include <stddef.h>
#include <stdint.h>

namespace SK_DRIVER_NS {
size_t quat_multiply(const float* a, bool a_batch, const float* b, bool b_batch, float* out, size_t n);
size_t quat_conjugate(const float* q, float* out, size_t n);
size_t quat_invert(const float* q, float* out, size_t n);
size_t quat_normalize(const float* q, float* out, size_t n);
size_t quat_rotate(const float* q, bool q_batch, const float* v, bool v_batch, float* out, size_t n);
size_t quat_from_axis_angle(const float* axis, bool axis_batch, const float* angle, bool angle_batch,
                            float* out, size_t n);
size_t quat_from_euler(const float* a, int order, float* out, size_t n);
size_t quat_to_matrix(const float* q, float* out, size_t n);
size_t quat_from_matrix(const float* m, float* out, size_t n);
size_t quat_slerp(const float* a, bool a_batch, const float* b, bool b_batch, const float* t, bool t_batch,
                  float* out, size_t n);
size_t quat_angle(const float* a, bool a_batch, const float* b, bool b_batch, float* out, size_t n);
size_t quat_random(uint32_t seed, float* out, size_t n);
// Parity with scipy's Rotation (kernels/quat.h): Euler angles out, rotation vectors, dot.
size_t quat_to_euler(const float* q, int order, bool extrinsic, float* out, size_t n);
size_t quat_to_rotvec(const float* q, float* out, size_t n);
size_t quat_from_rotvec(const float* v, float* out, size_t n);
size_t quat_dot(const float* a, bool a_batch, const float* b, bool b_batch, float* out, size_t n);
}  // namespace SK_DRIVER_NS
