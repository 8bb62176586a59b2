// CUDA launchers for quaternion batches: each op's kernel body (native/kernels/quat.h) mapped over
// the batch by the generic launcher (cuda/launch.h), once over host memory (sk::cuda, what the
// addon calls) and once over device memory (sk::cuda::device, cuda/device.h). Bodies are called
// with `::` because the drivers in sk::cuda share their names.
#include "cuda/device.h"
#include "cuda/launch.h"
#include "drivers/quat.h"
#include "kernels/quat.h"

namespace sk::cuda {
namespace {

// One functor per op, shared by the host and the device entry point.
struct Multiply {
  SK_HD void operator()(size_t, float* o, const float* a, const float* b) const { ::quat_multiply(a, b, o); }
};
struct Conjugate {
  SK_HD void operator()(size_t, float* o, const float* q) const { ::quat_conjugate(q, o); }
};
struct Invert {
  SK_HD int operator()(size_t, float* o, const float* q) const { return ::quat_invert(q, o); }
};
struct Normalize {
  SK_HD int operator()(size_t, float* o, const float* q) const { return ::quat_normalize(q, o); }
};
struct Rotate {
  SK_HD int operator()(size_t, float* o, const float* q, const float* v) const { return ::quat_rotate(q, v, o); }
};
struct FromAxisAngle {
  SK_HD int operator()(size_t, float* o, const float* axis, const float* angle) const {
    return ::quat_from_axis_angle(axis, *angle, o);
  }
};
struct FromEuler {
  int order;
  SK_HD void operator()(size_t, float* o, const float* a) const { ::quat_from_euler(a, order, o); }
};
struct ToMatrix {
  SK_HD int operator()(size_t, float* o, const float* q) const { return ::quat_to_matrix(q, o); }
};
struct FromMatrix {
  SK_HD void operator()(size_t, float* o, const float* m) const { ::quat_from_matrix(m, o); }
};
struct Slerp {
  SK_HD int operator()(size_t, float* o, const float* a, const float* b, const float* t) const {
    return ::quat_slerp(a, b, *t, o);
  }
};
struct Angle {
  SK_HD int operator()(size_t, float* o, const float* a, const float* b) const { return ::quat_angle(a, b, o); }
};
// Counter-based: element i depends on (seed, i) only, so the GPU matches the CPU bit for bit.
struct Random {
  uint32_t seed;
  SK_HD void operator()(size_t i, float* o) const { ::quat_random(seed, (uint32_t)i, o); }
};
// Parity with scipy's Rotation.
struct ToEuler {
  int order;
  int extrinsic;
  SK_HD int operator()(size_t, float* o, const float* q) const { return ::quat_to_euler(q, order, extrinsic, o); }
};
struct ToRotvec {
  SK_HD int operator()(size_t, float* o, const float* q) const { return ::quat_to_rotvec(q, o); }
};
struct FromRotvec {
  SK_HD int operator()(size_t, float* o, const float* v) const { return ::quat_from_rotvec(v, o); }
};
struct Dot {
  SK_HD void operator()(size_t, float* o, const float* a, const float* b) const { ::quat_dot(a, b, o); }
};

}  // namespace

// Each op twice from one line: sk::cuda::NAME over host memory (the driver the addon calls) and
// sk::cuda::device::NAME over device memory (cuda/device.h), as SK_MULTIVERSION does for ISAs.
#define SK_QUAT_OP(name, params, args)                         \
  size_t name params { return launch args; }                   \
  namespace device {                                           \
  size_t name params { return launch_device args; }            \
  }

SK_QUAT_OP(quat_multiply, (const float* a, bool ab, const float* b, bool bb, float* out, size_t n),
           (n, out, 4, Multiply{}, in(a, 4, ab), in(b, 4, bb)))
SK_QUAT_OP(quat_conjugate, (const float* q, float* out, size_t n), (n, out, 4, Conjugate{}, in(q, 4)))
SK_QUAT_OP(quat_invert, (const float* q, float* out, size_t n), (n, out, 4, Invert{}, in(q, 4)))
SK_QUAT_OP(quat_normalize, (const float* q, float* out, size_t n), (n, out, 4, Normalize{}, in(q, 4)))
SK_QUAT_OP(quat_rotate, (const float* q, bool qb, const float* v, bool vb, float* out, size_t n),
           (n, out, 3, Rotate{}, in(q, 4, qb), in(v, 3, vb)))
SK_QUAT_OP(quat_from_axis_angle,
           (const float* axis, bool axb, const float* angle, bool anb, float* out, size_t n),
           (n, out, 4, FromAxisAngle{}, in(axis, 3, axb), in(angle, 1, anb)))
SK_QUAT_OP(quat_from_euler, (const float* a, int order, float* out, size_t n), (n, out, 4, FromEuler{order}, in(a, 3)))
SK_QUAT_OP(quat_to_matrix, (const float* q, float* out, size_t n), (n, out, 9, ToMatrix{}, in(q, 4)))
SK_QUAT_OP(quat_from_matrix, (const float* m, float* out, size_t n), (n, out, 4, FromMatrix{}, in(m, 9)))
SK_QUAT_OP(quat_slerp,
           (const float* a, bool ab, const float* b, bool bb, const float* t, bool tb, float* out, size_t n),
           (n, out, 4, Slerp{}, in(a, 4, ab), in(b, 4, bb), in(t, 1, tb)))
SK_QUAT_OP(quat_angle, (const float* a, bool ab, const float* b, bool bb, float* out, size_t n),
           (n, out, 1, Angle{}, in(a, 4, ab), in(b, 4, bb)))
SK_QUAT_OP(quat_random, (uint32_t seed, float* out, size_t n), (n, out, 4, Random{seed}))
// Parity with scipy's Rotation.
SK_QUAT_OP(quat_to_euler, (const float* q, int order, bool extrinsic, float* out, size_t n),
           (n, out, 3, ToEuler{order, extrinsic ? 1 : 0}, in(q, 4)))
SK_QUAT_OP(quat_to_rotvec, (const float* q, float* out, size_t n), (n, out, 3, ToRotvec{}, in(q, 4)))
SK_QUAT_OP(quat_from_rotvec, (const float* v, float* out, size_t n), (n, out, 4, FromRotvec{}, in(v, 3)))
SK_QUAT_OP(quat_dot, (const float* a, bool ab, const float* b, bool bb, float* out, size_t n),
           (n, out, 1, Dot{}, in(a, 4, ab), in(b, 4, bb)))

#undef SK_QUAT_OP
}  // namespace sk::cuda
