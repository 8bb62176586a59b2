// CUDA launchers for the RoPE family (native/drivers/rope.h) over the SK_HD bodies of
// native/kernels/rope.h, as Thrust for_each_n over counting iterators (no <<<>>>): one pass
// builds each position row's table (3×3 matrices, IGRE vectors or pair cos/sin), a second
// applies it to every segment, pair or element. Built by nvcc for the GPU and by g++ on Thrust's
// CPP system for the native tests; both round as the CPU driver does (same bodies, same order).
#include <stddef.h>
#include <stdint.h>

#include <stdexcept>
#include <string>
#include <vector>

#include <thrust/copy.h>
#include <thrust/device_vector.h>
#include <thrust/execution_policy.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include "cuda/launch.h"
#include "drivers/rope.h"
#include "kernels/rope.h"

namespace sk::cuda {
namespace {

template <class T>
T* raw(thrust::device_vector<T>& v) { return thrust::raw_pointer_cast(v.data()); }

template <class T>
thrust::device_vector<T> upload(const T* p, size_t n) { return thrust::device_vector<T>(p, p + n); }

template <class F>
void each(size_t n, F f) {
  if (n) thrust::for_each_n(thrust::device, thrust::counting_iterator<size_t>(0), n, f);
}

// Checked on the host, before any device work, like the CPU driver: nothing is written on error.
size_t first_bad_row(const float* pos, size_t A, const uint8_t* mask, size_t T) {
  for (size_t t = 0; t < T; ++t)
    if ((!mask || mask[t]) && !rope_position_ok(pos + A * t, (int)A)) return t;
  return SIZE_MAX;
}

template <class Run>
size_t guarded(Run run) {
  require_available();
  try {
    return run();
  } catch (const std::exception& x) {
    throw std::runtime_error(std::string("CUDA launcher failed: ") + x.what());
  }
}

// Per (row, segment): the QuatRoPE matrix R_s(p_t), row-major, into mat[9·(t·S + s)].
void matrices(const float* pos, const double* theta3, const uint8_t* mask, size_t T, size_t S, float* mat) {
  each(T * S, [=] SK_HD_LAMBDA(size_t idx) {
    const size_t t = idx / S, s = idx % S;
    if (mask && !mask[t]) return;
    float sn[3], cs[3];
    for (int a = 0; a < 3; ++a) rope_angle(theta3[3 * s + a], pos[3 * t + a], sn + a, cs + a);
    rope_quat_matrix(sn[0], cs[0], sn[1], cs[1], sn[2], cs[2], mat + 9 * idx, 1);
  });
}

template <int DT>
size_t quatrope_dt(const void* x, const float* positions, const double* theta3, const uint8_t* mask, size_t tokens,
                   size_t T, size_t H, size_t D, void* out) {
  using L = rope_store<DT>;
  using X = typename L::T;
  const size_t S = D / 3, n = tokens * H * D;
  thrust::device_vector<X> dx = upload(static_cast<const X*>(x), n);
  thrust::device_vector<X> dout = dx;  // trailing values and masked tokens stay as they are
  thrust::device_vector<float> dpos = upload(positions, 3 * T);
  thrust::device_vector<double> dth = upload(theta3, 3 * S);
  thrust::device_vector<uint8_t> dmask = mask ? upload(mask, T) : thrust::device_vector<uint8_t>();
  thrust::device_vector<float> dmat(9 * T * S);
  const uint8_t* m = mask ? raw(dmask) : nullptr;
  matrices(raw(dpos), raw(dth), m, T, S, raw(dmat));
  const X* px = raw(dx);
  X* po = raw(dout);
  const float* mat = raw(dmat);
  each(tokens * H * S, [=] SK_HD_LAMBDA(size_t idx) {
    const size_t s = idx % S, head = idx / S, t = (head / H) % T;
    if (m && !m[t]) return;
    const float* r = mat + 9 * (t * S + s);
    const size_t b = head * D + 3 * s;
    const float a0 = L::load(px[b]), a1 = L::load(px[b + 1]), a2 = L::load(px[b + 2]);
    po[b] = L::store(rope_quat_apply(r[0], r[1], r[2], a0, a1, a2));
    po[b + 1] = L::store(rope_quat_apply(r[3], r[4], r[5], a0, a1, a2));
    po[b + 2] = L::store(rope_quat_apply(r[6], r[7], r[8], a0, a1, a2));
  });
  thrust::copy(dout.begin(), dout.end(), static_cast<X*>(out));
  return SIZE_MAX;
}

template <int DT>
size_t igre_dt(const void* x, const float* positions, const double* theta3, size_t S, const float* base,
               const uint8_t* mask, size_t tokens, size_t T, size_t H, size_t D, void* out) {
  using L = rope_store<DT>;
  using X = typename L::T;
  const size_t W = D + 3 * S;
  thrust::device_vector<X> dx = upload(static_cast<const X*>(x), tokens * H * D);
  thrust::device_vector<X> dout(tokens * H * W);
  thrust::device_vector<float> dpos = upload(positions, 3 * T), db = upload(base, 3);
  thrust::device_vector<double> dth = upload(theta3, 3 * S);
  thrust::device_vector<uint8_t> dmask = mask ? upload(mask, T) : thrust::device_vector<uint8_t>();
  thrust::device_vector<float> dmat(9 * T * S), dext(3 * T * S);
  const uint8_t* m = mask ? raw(dmask) : nullptr;
  matrices(raw(dpos), raw(dth), m, T, S, raw(dmat));
  const float *mat = raw(dmat), *b = raw(db);
  float* ext = raw(dext);
  each(T * S, [=] SK_HD_LAMBDA(size_t idx) {
    if (m && !m[idx / S]) return;
    rope_igre_segment(mat + 9 * idx, b, ext + 3 * idx);
  });
  const X* px = raw(dx);
  X* po = raw(dout);
  each(tokens * H * W, [=] SK_HD_LAMBDA(size_t e) {
    const size_t k = e % W, head = e / W, t = (head / H) % T;
    if (k < D) {
      po[e] = px[head * D + k];
    } else {
      const bool obj = !m || m[t];
      po[e] = L::store(obj ? ext[3 * S * t + (k - D)] : 0.0f);
    }
  });
  thrust::copy(dout.begin(), dout.end(), static_cast<X*>(out));
  return SIZE_MAX;
}

template <int DT>
size_t pairs_dt(const void* x, const float* positions, size_t A, const double* w, int layout, const uint8_t* mask,
                size_t tokens, size_t T, size_t H, size_t D, void* out) {
  using L = rope_store<DT>;
  using X = typename L::T;
  const size_t P = D / 2, n = tokens * H * D;
  std::vector<double> ws(A * P);  // one array per axis, as the CPU driver passes them
  for (size_t j = 0; j < P; ++j)
    for (size_t a = 0; a < A; ++a) ws[a * P + j] = w[A * j + a];
  thrust::device_vector<X> dx = upload(static_cast<const X*>(x), n);
  thrust::device_vector<X> dout = dx;  // masked tokens stay as they are
  thrust::device_vector<float> dpos = upload(positions, A * T);
  thrust::device_vector<double> dw = upload(ws.data(), ws.size());
  thrust::device_vector<uint8_t> dmask = mask ? upload(mask, T) : thrust::device_vector<uint8_t>();
  thrust::device_vector<float> dcs(2 * T * P);
  const uint8_t* m = mask ? raw(dmask) : nullptr;
  const float* pos = raw(dpos);
  const double* pw = raw(dw);
  float* cs = raw(dcs);
  const int Ai = (int)A;
  each(T * P, [=] SK_HD_LAMBDA(size_t idx) {
    const size_t t = idx / P, j = idx % P;
    if (m && !m[t]) return;
    rope_pair_angle(pos + A * t, Ai, pw + j, P, cs + 2 * idx, cs + 2 * idx + 1);
  });
  const X* px = raw(dx);
  X* po = raw(dout);
  const size_t i0 = layout == 0 ? 1 : 2, i1 = layout == 0 ? P : 1;  // pair j = (i0·j, i0·j + i1)
  each(tokens * H * P, [=] SK_HD_LAMBDA(size_t idx) {
    const size_t j = idx % P, head = idx / P, t = (head / H) % T;
    if (m && !m[t]) return;
    const float c = cs[2 * (t * P + j)], s = cs[2 * (t * P + j) + 1];
    const size_t ia = head * D + i0 * j, ib = ia + i1;
    const float a = L::load(px[ia]), b = L::load(px[ib]);
    po[ia] = L::store(rope_pair_first(c, s, a, b));
    po[ib] = L::store(rope_pair_second(c, s, a, b));
  });
  thrust::copy(dout.begin(), dout.end(), static_cast<X*>(out));
  return SIZE_MAX;
}

}  // namespace

size_t rope_quatrope(const void* x, int dtype, const float* positions, const double* theta3, const uint8_t* mask,
                     size_t tokens, size_t T, size_t H, size_t D, void* out) {
  return guarded([&]() -> size_t {
    if (tokens == 0) return SIZE_MAX;
    const size_t bad = first_bad_row(positions, 3, mask, T);
    if (bad != SIZE_MAX) return bad;
    switch (dtype) {
      case ROPE_F16: return quatrope_dt<ROPE_F16>(x, positions, theta3, mask, tokens, T, H, D, out);
      case ROPE_BF16: return quatrope_dt<ROPE_BF16>(x, positions, theta3, mask, tokens, T, H, D, out);
      default: return quatrope_dt<ROPE_F32>(x, positions, theta3, mask, tokens, T, H, D, out);
    }
  });
}

size_t rope_igre(const void* x, int dtype, const float* positions, const double* theta3, size_t S, const float* base,
                 const uint8_t* mask, size_t tokens, size_t T, size_t H, size_t D, void* out) {
  return guarded([&]() -> size_t {
    if (tokens == 0) return SIZE_MAX;
    const size_t bad = first_bad_row(positions, 3, mask, T);
    if (bad != SIZE_MAX) return bad;
    switch (dtype) {
      case ROPE_F16: return igre_dt<ROPE_F16>(x, positions, theta3, S, base, mask, tokens, T, H, D, out);
      case ROPE_BF16: return igre_dt<ROPE_BF16>(x, positions, theta3, S, base, mask, tokens, T, H, D, out);
      default: return igre_dt<ROPE_F32>(x, positions, theta3, S, base, mask, tokens, T, H, D, out);
    }
  });
}

size_t rope_pairs(const void* x, int dtype, const float* positions, size_t A, const double* w, int layout,
                  const uint8_t* mask, size_t tokens, size_t T, size_t H, size_t D, void* out) {
  return guarded([&]() -> size_t {
    if (tokens == 0) return SIZE_MAX;
    const size_t bad = first_bad_row(positions, A, mask, T);
    if (bad != SIZE_MAX) return bad;
    switch (dtype) {
      case ROPE_F16: return pairs_dt<ROPE_F16>(x, positions, A, w, layout, mask, tokens, T, H, D, out);
      case ROPE_BF16: return pairs_dt<ROPE_BF16>(x, positions, A, w, layout, mask, tokens, T, H, D, out);
      default: return pairs_dt<ROPE_F32>(x, positions, A, w, layout, mask, tokens, T, H, D, out);
    }
  });
}

}  // namespace sk::cuda
