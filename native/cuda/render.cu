// CUDA launcher for sk.render: three Thrust for_each_n passes over the bodies of
// native/kernels/render.h — frames per camera (render_frame_of), one device thread per pixel
// (render_pixel), and the visibility rows (render_visibility_finish). Visibility counts are
// integer atomics, so the result does not depend on the order threads run in. Written against
// Thrust only (through cuda/launch.h): g++ builds the same file on Thrust's CPP system for the
// native tests, where the passes run sequentially and the atomics are plain additions.
#include "cuda/launch.h"
#include "drivers/render.h"
#include "kernels/render.h"

namespace sk::cuda {
namespace {

SK_HD void add_u32(uint32_t* p, uint32_t v) {
#ifdef __CUDA_ARCH__
  atomicAdd(p, v);
#else
  *p += v;  // the host test build runs the passes sequentially
#endif
}
SK_HD void min_i32(int32_t* p, int32_t v) {
#ifdef __CUDA_ARCH__
  atomicMin(p, v);
#else
  if (v < *p) *p = v;
#endif
}
SK_HD void max_i32(int32_t* p, int32_t v) {
#ifdef __CUDA_ARCH__
  atomicMax(p, v);
#else
  if (v > *p) *p = v;
#endif
}

// A device copy of `count` items of host array p, or of nothing when p is null.
template <class T>
struct Dev {
  thrust::device_vector<T> v;
  T* p = nullptr;
  Dev(const T* host, size_t count, bool copy_in) {
    if (!host) return;
    if (copy_in) v = upload(host, count);
    else v.resize(count);
    p = raw(v);
  }
  void copy_out(T* host) const {
    if (host) download(v, host);
  }
};

}  // namespace

void render_cast(const float* consts, size_t n, size_t h, size_t w, float pc, const float* boxes, size_t m,
                 const uint32_t* first, const uint32_t* rows, const render_outputs& out) {
  guarded([&] {
    if (n == 0) return;
    const size_t R = rows[n];
    const Dev<float> c(consts, RENDER_CONSTS * n, true), b(boxes, 10 * m, true);
    const Dev<uint32_t> fi(first, n, true), rw(rows, n + 1, true);
    thrust::device_vector<render_frame> frames(R);
    render_frame* fr = raw(frames);
    const size_t pixels = n * h * w;
    Dev<int32_t> inst(out.instance, pixels, false);
    Dev<float> dep(out.depth, pixels, false);
    Dev<float> am(out.amodal, 4 * R, false), un(out.unclipped, 4 * R, false), fra(out.fraction, R, false),
        inf(out.in_frame, R, false);
    Dev<uint8_t> beh(out.behind, R, false);
    Dev<int32_t> vis(out.visible, 4 * R, false);
    Dev<uint32_t> alone(out.alone, R, false), won(out.pixels, R, false);

    const float* pc_ = c.p;
    const float* pb = b.p;
    const uint32_t* pf = fi.p;
    const uint32_t* pr = rw.p;
    float* pam = am.p;
    float* pun = un.p;
    float* pfr = fra.p;
    float* pin = inf.p;
    uint8_t* pbe = beh.p;
    int32_t* pvi = vis.p;
    uint32_t* pal = alone.p;
    uint32_t* pwo = won.p;
    int32_t* pinst = inst.p;
    float* pdep = dep.p;
    each(n, [=] SK_HD_LAMBDA(size_t i) {
      for (uint32_t j = 0; j < pr[i + 1] - pr[i]; ++j) {
        const size_t row = pr[i] + j;
        render_amodal a;
        ::render_frame_of(pc_ + RENDER_CONSTS * i, pb + 10 * ((size_t)pf[i] + j), h, w, pc, fr + row, &a);
        if (!pal) continue;
        for (int k = 0; k < 4; ++k) pam[4 * row + k] = a.clipped[k], pun[4 * row + k] = a.unclipped[k];
        pbe[row] = a.behind;
        pin[row] = a.in_frame;
        ::render_visibility_start(pvi + 4 * row, pal + row, pwo + row);
      }
    });
    each(pixels, [=] SK_HD_LAMBDA(size_t p) {
      const size_t i = p / (h * w), q = p - i * h * w;
      const int32_t v = (int32_t)(q / w), u = (int32_t)(q - (size_t)v * w);
      const uint32_t m = pr[i + 1] - pr[i];
      const size_t row0 = pr[i];
      float depth;
      const int32_t id = ::render_pixel(pc_ + RENDER_CONSTS * i, fr + row0, m, u, v, pc, &depth, [=](uint32_t j) {
        if (pal) add_u32(pal + row0 + j, 1);
      });
      if (pinst) pinst[p] = id;
      if (pdep) pdep[p] = depth;
      if (pal && id >= 0) {
        const size_t row = row0 + (size_t)id;
        add_u32(pwo + row, 1);
        min_i32(pvi + 4 * row, u);
        min_i32(pvi + 4 * row + 1, v);
        max_i32(pvi + 4 * row + 2, u);
        max_i32(pvi + 4 * row + 3, v);
      }
    });
    if (pal)
      each(R, [=] SK_HD_LAMBDA(size_t row) {
        ::render_visibility_finish(pvi + 4 * row, pal[row], pwo[row], pfr + row);
      });
    inst.copy_out(out.instance);
    dep.copy_out(out.depth);
    am.copy_out(out.amodal);
    un.copy_out(out.unclipped);
    beh.copy_out(out.behind);
    vis.copy_out(out.visible);
    alone.copy_out(out.alone);
    won.copy_out(out.pixels);
    fra.copy_out(out.fraction);
    inf.copy_out(out.in_frame);
  });
}

}  // namespace sk::cuda
