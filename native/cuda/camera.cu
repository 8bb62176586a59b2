// CUDA launchers for camera ray maps: Thrust for_each_n over the kernel bodies of
// native/kernels/camera.h, one index per ray (or per row block for the fromRays sums). Written
// against Thrust only, so g++ builds the same file on Thrust's CPP system for the native tests.
// The generic launcher (cuda/launch.h) writes item i at out + i·item; the 'chw' map scatters
// channels into planes, so these launchers manage their device buffers themselves.
#include <stdexcept>
#include <string>

#include <thrust/copy.h>
#include <thrust/device_vector.h>
#include <thrust/execution_policy.h>
#include <thrust/for_each.h>
#include <thrust/host_vector.h>
#include <thrust/iterator/counting_iterator.h>

#include "cuda/launch.h"
#include "drivers/camera.h"
#include "kernels/camera.h"

namespace sk::cuda {
namespace {

template <class T>
thrust::device_vector<T> upload(const T* p, size_t count) {
  return thrust::device_vector<T>(p, p + count);
}

// Runs body(i) for i in [0, n) on the device, with the launcher's error contract.
template <class Body>
void for_each_index(size_t n, Body body) {
  const thrust::counting_iterator<size_t> first(0);
  thrust::for_each_n(thrust::device, first, n, body);
}

template <class F>
void guarded(F&& f) {
  require_available();
  try {
    f();
  } catch (const std::exception& x) {
    throw std::runtime_error(std::string("CUDA launcher failed: ") + x.what());
  }
}

}  // namespace

void camera_ray_map(const float* consts, size_t n, size_t h, size_t w, float pc, int layout, int order, float* out) {
  const size_t rays = n * h * w;
  if (rays == 0) return;
  guarded([&] {
    thrust::device_vector<float> dc = upload(consts, CAMERA_CONSTS * n);
    thrust::device_vector<float> dout(rays * (size_t)camera_channels(order));
    const float* c = detail::raw(dc);
    float* o = detail::raw(dout);
    for_each_index(rays, [=] SK_HD_LAMBDA(size_t i) { ::camera_ray_map_pixel(c, i, h, w, pc, layout, order, o); });
    thrust::copy(dout.begin(), dout.end(), out);
  });
}

void camera_rays(const float* consts, bool cb, const float* pts, bool shared, size_t p, size_t count, int order,
                 float* out) {
  if (count == 0) return;
  guarded([&] {
    thrust::device_vector<float> dc = upload(consts, CAMERA_CONSTS * (cb ? count / p : 1));
    thrust::device_vector<float> dp = upload(pts, 2 * (shared ? p : count));
    const size_t ch = (size_t)camera_channels(order);
    thrust::device_vector<float> dout(count * ch);
    const float* c = detail::raw(dc);
    const float* q = detail::raw(dp);
    float* o = detail::raw(dout);
    for_each_index(count, [=] SK_HD_LAMBDA(size_t i) { ::camera_ray_point(c, cb, q, shared, p, i, order, o + ch * i); });
    thrust::copy(dout.begin(), dout.end(), out);
  });
}

void camera_moments(const float* map, size_t n, size_t h, size_t w, float pc, int layout, int order, double* out) {
  if (n == 0) return;
  guarded([&] {
    const size_t rows = ::camera_moments_block_rows(w), per_camera = (h + rows - 1) / rows, blocks = n * per_camera;
    thrust::device_vector<float> dm = upload(map, n * h * w * 6);
    thrust::device_vector<double> dpart(CAMERA_MOMENTS * blocks, 0.0);
    const float* m = detail::raw(dm);
    double* part = detail::raw(dpart);
    for_each_index(blocks, [=] SK_HD_LAMBDA(size_t b) {
      const size_t cam = b / per_camera, v0 = (b - cam * per_camera) * rows, v1 = v0 + rows < h ? v0 + rows : h;
      ::camera_moments_rows(m, cam, v0, v1, h, w, pc, layout, order, part + CAMERA_MOMENTS * b);
    });
    // The merge is tiny (30 doubles per block) and fixes the summation order: do it on the host.
    thrust::host_vector<double> hpart = dpart;
    for (size_t c = 0; c < n; ++c)
      ::camera_moments_merge(hpart.data() + CAMERA_MOMENTS * per_camera * c, per_camera, out + CAMERA_MOMENTS * c);
  });
}

}  // namespace sk::cuda
