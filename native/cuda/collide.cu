// CUDA launchers for oriented-box collision: the kernel bodies of native/kernels/collide.h mapped
// over the batch with Thrust (for_each_n over a counting iterator, a min-reduction for the first
// bad index). Built by nvcc for the GPU and by g++ on Thrust's CPP system for the native tests.
#include "cuda/launch.h"
#include "drivers/collide.h"
#include "kernels/collide.h"

#include <thrust/device_vector.h>

namespace sk::cuda {
namespace {

using detail::raw;
const thrust::counting_iterator<size_t> kFirst(0);

// Smallest i in [0, n) with status[i] != 0, offset by `base`; SIZE_MAX if none.
size_t first_bad(const thrust::device_vector<unsigned char>& status, size_t n, size_t base) {
  if (n == 0) return SIZE_MAX;
  const unsigned char* s = thrust::raw_pointer_cast(status.data());
  const size_t i = thrust::transform_reduce(thrust::device, kFirst, kFirst + n, detail::BadIndex{s}, (size_t)SIZE_MAX,
                                            thrust::minimum<size_t>());
  return i == SIZE_MAX ? i : base + i;
}

template <class F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& x) {
    throw std::runtime_error(std::string("CUDA launcher failed: ") + x.what());
  }
}

}  // namespace

size_t collide_overlap(const float* a, bool ab, const float* b, bool bb, double margin, uint8_t* out, size_t n) {
  require_available();
  if (n == 0) return SIZE_MAX;
  return guarded([&] {
    thrust::device_vector<float> da(a, a + 10 * (ab ? n : 1)), db(b, b + 10 * (bb ? n : 1));
    thrust::device_vector<uint8_t> dout(n);
    thrust::device_vector<unsigned char> status(n);
    const float* pa = raw(da);
    const float* pb = raw(db);
    uint8_t* po = raw(dout);
    unsigned char* ps = raw(status);
    const size_t sa = ab ? 10 : 0, sb = bb ? 10 : 0;
    thrust::for_each_n(thrust::device, kFirst, n, [=] SK_HD_LAMBDA(size_t i) {
      ps[i] = ::box_overlap(pa + i * sa, pb + i * sb, margin, po + i) != SK_OK;
    });
    const size_t bad = first_bad(status, n, 0);
    thrust::copy(dout.begin(), dout.end(), out);
    return bad;
  });
}

size_t collide_fits(const float* cand, size_t m, const float* placed, size_t n, double margin, uint8_t* out) {
  require_available();
  return guarded([&] {
    const double grow = 0.5 * margin;
    thrust::device_vector<float> dc(cand, cand + 10 * m), dp(placed, placed + 10 * n), aabb(6 * n);
    thrust::device_vector<unsigned char> status(m > n ? m : n);
    const float* pc = raw(dc);
    const float* pp = raw(dp);
    float* pa = raw(aabb);
    unsigned char* ps = raw(status);
    if (m) thrust::for_each_n(thrust::device, kFirst, m, [=] SK_HD_LAMBDA(size_t i) { ps[i] = ::box_check(pc + 10 * i) != BOX_OK; });
    size_t bad = first_bad(status, m, 0);
    if (bad != SIZE_MAX) return bad;
    if (n)
      thrust::for_each_n(thrust::device, kFirst, n, [=] SK_HD_LAMBDA(size_t j) {
        ps[j] = ::box_check(pp + 10 * j) != BOX_OK;
        if (ps[j]) return;
        obb_frame f;
        ::obb_frame_of(pp + 10 * j, grow, &f);
        ::obb_aabb(f, pa + 6 * j, pa + 6 * j + 3);
      });
    bad = first_bad(status, n, m);
    if (bad != SIZE_MAX || m == 0) return bad;
    thrust::device_vector<uint8_t> dout(m);
    uint8_t* po = raw(dout);
    thrust::for_each_n(thrust::device, kFirst, m, [=] SK_HD_LAMBDA(size_t i) {
      obb_frame c;
      float lo[3], hi[3];
      ::obb_frame_of(pc + 10 * i, grow, &c);
      ::obb_aabb(c, lo, hi);
      po[i] = ::box_fits(c, lo, hi, pp, pa, n, grow);
    });
    thrust::copy(dout.begin(), dout.end(), out);
    return (size_t)SIZE_MAX;
  });
}

}  // namespace sk::cuda
