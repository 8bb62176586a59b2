// CUDA launchers for quaternion batches: each op maps its kernel body (native/kernels/quat.h)
// over the batch through the one generic launcher (cuda/launch.h). Bodies are called with `::`
// because the drivers in sk::cuda share their names.
#include "cuda/launch.h"
#include "drivers/quat.h"
#include "kernels/quat.h"

namespace sk::cuda {

size_t quat_multiply(const float* a, bool ab, const float* b, bool bb, float* out, size_t n) {
  return launch(n, out, 4, [] SK_HD_LAMBDA(size_t, float* o, const float* x, const float* y) { ::quat_multiply(x, y, o); },
                in(a, 4, ab), in(b, 4, bb));
}

size_t quat_conjugate(const float* q, float* out, size_t n) {
  return launch(n, out, 4, [] SK_HD_LAMBDA(size_t, float* o, const float* x) { ::quat_conjugate(x, o); }, in(q, 4));
}

size_t quat_invert(const float* q, float* out, size_t n) {
  return launch(n, out, 4, [] SK_HD_LAMBDA(size_t, float* o, const float* x) { return ::quat_invert(x, o); }, in(q, 4));
}

size_t quat_normalize(const float* q, float* out, size_t n) {
  return launch(n, out, 4, [] SK_HD_LAMBDA(size_t, float* o, const float* x) { return ::quat_normalize(x, o); },
                in(q, 4));
}

size_t quat_rotate(const float* q, bool qb, const float* v, bool vb, float* out, size_t n) {
  return launch(n, out, 3,
                [] SK_HD_LAMBDA(size_t, float* o, const float* x, const float* y) { return ::quat_rotate(x, y, o); },
                in(q, 4, qb), in(v, 3, vb));
}

size_t quat_from_axis_angle(const float* axis, bool axb, const float* angle, bool anb, float* out, size_t n) {
  return launch(n, out, 4,
                [] SK_HD_LAMBDA(size_t, float* o, const float* x, const float* t) {
                  return ::quat_from_axis_angle(x, *t, o);
                },
                in(axis, 3, axb), in(angle, 1, anb));
}

size_t quat_from_euler(const float* a, int order, float* out, size_t n) {
  return launch(n, out, 4, [order] SK_HD_LAMBDA(size_t, float* o, const float* x) { ::quat_from_euler(x, order, o); },
                in(a, 3));
}

size_t quat_to_matrix(const float* q, float* out, size_t n) {
  return launch(n, out, 9, [] SK_HD_LAMBDA(size_t, float* o, const float* x) { return ::quat_to_matrix(x, o); },
                in(q, 4));
}

size_t quat_from_matrix(const float* m, float* out, size_t n) {
  return launch(n, out, 4, [] SK_HD_LAMBDA(size_t, float* o, const float* x) { ::quat_from_matrix(x, o); }, in(m, 9));
}

size_t quat_slerp(const float* a, bool ab, const float* b, bool bb, const float* t, bool tb, float* out, size_t n) {
  return launch(n, out, 4,
                [] SK_HD_LAMBDA(size_t, float* o, const float* x, const float* y, const float* s) {
                  return ::quat_slerp(x, y, *s, o);
                },
                in(a, 4, ab), in(b, 4, bb), in(t, 1, tb));
}

size_t quat_angle(const float* a, bool ab, const float* b, bool bb, float* out, size_t n) {
  return launch(n, out, 1,
                [] SK_HD_LAMBDA(size_t, float* o, const float* x, const float* y) { return ::quat_angle(x, y, o); },
                in(a, 4, ab), in(b, 4, bb));
}

size_t quat_random(uint32_t seed, float* out, size_t n) {
  // Counter-based: element i depends on (seed, i) only, so the GPU matches the CPU bit for bit.
  return launch(n, out, 4, [seed] SK_HD_LAMBDA(size_t i, float* o) { ::quat_random(seed, (uint32_t)i, o); });
}

}  // namespace sk::cuda
