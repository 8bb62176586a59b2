// CUDA launchers for camera ray maps: Thrust for_each over the kernel bodies of
// native/kernels/camera.h (cuda/launch.h), one index per ray (or per row block for the fromRays
// sums). Written against Thrust only, so g++ builds the same file on Thrust's CPP system for the
// native tests. The generic element-wise launcher writes item i at out + i·item; the 'chw' map
// scatters channels into planes, so these launchers manage their device buffers themselves.
#include <thrust/host_vector.h>

#include "cuda/device.h"
#include "cuda/launch.h"
#include "drivers/camera.h"
#include "kernels/camera.h"

namespace sk::cuda {
namespace {

// Ray map into device memory `out`; consts in host memory.
void ray_map_on_device(const float* consts, size_t n, size_t h, size_t w, float pc, int layout, int order, float* out) {
  const size_t rays = n * h * w;
  if (rays == 0) return;
  const thrust::device_vector<float> dc = upload(consts, CAMERA_CONSTS * n);
  const float* c = raw(dc);
  each(rays, [=] SK_HD_LAMBDA(size_t i) { ::camera_ray_map_pixel(c, i, h, w, pc, layout, order, out); });
}

}  // namespace

void camera_ray_map(const float* consts, size_t n, size_t h, size_t w, float pc, int layout, int order, float* out) {
  guarded([&] {
    thrust::device_vector<float> dout(n * h * w * (size_t)camera_channels(order));
    ray_map_on_device(consts, n, h, w, pc, layout, order, raw(dout));
    download(dout, out);
  });
}

void device::camera_ray_map(const float* consts, size_t n, size_t h, size_t w, float pc, int layout, int order,
                            float* out) {
  guarded([&] { ray_map_on_device(consts, n, h, w, pc, layout, order, out); });
}

void camera_rays(const float* consts, bool cb, const float* pts, bool shared, size_t p, size_t count, int order,
                 float* out) {
  guarded([&] {
    if (count == 0) return;
    thrust::device_vector<float> dc = upload(consts, CAMERA_CONSTS * (cb ? count / p : 1));
    thrust::device_vector<float> dp = upload(pts, 2 * (shared ? p : count));
    const size_t ch = (size_t)camera_channels(order);
    thrust::device_vector<float> dout(count * ch);
    const float* c = raw(dc);
    const float* q = raw(dp);
    float* o = raw(dout);
    each(count, [=] SK_HD_LAMBDA(size_t i) { ::camera_ray_point(c, cb, q, shared, p, i, order, o + ch * i); });
    download(dout, out);
  });
}

void camera_moments(const float* map, size_t n, size_t h, size_t w, float pc, int layout, int order, double* out) {
  guarded([&] {
    if (n == 0) return;
    const size_t rows = ::camera_moments_block_rows(w), per_camera = (h + rows - 1) / rows, blocks = n * per_camera;
    thrust::device_vector<float> dm = upload(map, n * h * w * 6);
    thrust::device_vector<double> dpart(CAMERA_MOMENTS * blocks, 0.0);
    const float* m = raw(dm);
    double* part = raw(dpart);
    each(blocks, [=] SK_HD_LAMBDA(size_t b) {
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
