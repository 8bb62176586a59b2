// CUDA launchers for the RoPE family (native/drivers/rope.h) over the SK_HD bodies of
// native/kernels/rope.h, as Thrust for_each over counting iterators (cuda/launch.h): one pass
// builds each position row's table (3×3 matrices, IGRE vectors or pair cos/sin), a second applies
// it to every segment, pair or element and writes every output value (masked tokens and trailing
// values are copied there, so in place and out of place cost one pass). Built by nvcc for the GPU
// and by g++ on Thrust's CPP system for the native tests; both round as the CPU driver does
// (same bodies, same order).
//
// sk::cuda::device::rope_* run on device memory (cuda/device.h); sk::cuda::rope_* copy x,
// positions and mask in, run those in place on the copy of x (or into a device `out` for IGRE),
// and copy the result out only on success, so nothing is written on error.
#include <stddef.h>
#include <stdint.h>

#include <type_traits>
#include <vector>

#include "cuda/device.h"
#include "cuda/launch.h"
#include "drivers/rope.h"
#include "kernels/rope.h"

namespace sk::cuda {
namespace {

size_t elem_bytes(int dtype) { return dtype == ROPE_F32 ? 4 : 2; }

// An unmasked position row that is not finite (A coordinates per row).
struct BadRow {
  const float* pos;
  const uint8_t* mask;
  int A;
  SK_HD bool operator()(size_t t) const { return (!mask || mask[t]) && !rope_position_ok(pos + (size_t)A * t, A); }
};

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
void quatrope_dt(const void* x, const float* pos, const double* theta3, const uint8_t* mask, size_t tokens, size_t T,
                 size_t H, size_t D, void* out) {
  using L = rope_store<DT>;
  using X = typename L::T;
  const size_t S = D / 3;
  const X* px = static_cast<const X*>(x);
  X* po = static_cast<X*>(out);
  if (S == 0) {  // nothing to rotate
    if (po != px) thrust::copy(thrust::device, px, px + tokens * H * D, po);
    return;
  }
  const thrust::device_vector<double> dth = upload(theta3, 3 * S);
  thrust::device_vector<float> dmat(9 * T * S);
  matrices(pos, raw(dth), mask, T, S, raw(dmat));
  const float* mat = raw(dmat);
  each(tokens * H * S, [=] SK_HD_LAMBDA(size_t idx) {
    const size_t s = idx % S, head = idx / S, t = (head / H) % T, b = head * D + 3 * s;
    if (s + 1 == S)  // the D % 3 trailing values stay as they are
      for (size_t k = 3 * S; k < D; ++k) po[head * D + k] = px[head * D + k];
    if (mask && !mask[t]) {  // a masked token stays as it is, bit for bit
      po[b] = px[b]; po[b + 1] = px[b + 1]; po[b + 2] = px[b + 2];
      return;
    }
    const float* r = mat + 9 * (t * S + s);
    const float a0 = L::load(px[b]), a1 = L::load(px[b + 1]), a2 = L::load(px[b + 2]);
    po[b] = L::store(rope_quat_apply(r[0], r[1], r[2], a0, a1, a2));
    po[b + 1] = L::store(rope_quat_apply(r[3], r[4], r[5], a0, a1, a2));
    po[b + 2] = L::store(rope_quat_apply(r[6], r[7], r[8], a0, a1, a2));
  });
}

template <int DT>
void igre_dt(const void* x, const float* pos, const double* theta3, size_t S, const float* base, const uint8_t* mask,
             size_t tokens, size_t T, size_t H, size_t D, void* out) {
  using L = rope_store<DT>;
  using X = typename L::T;
  const size_t W = D + 3 * S;
  const thrust::device_vector<double> dth = upload(theta3, 3 * S);
  const thrust::device_vector<float> db = upload(base, 3);
  thrust::device_vector<float> dmat(9 * T * S), dext(3 * T * S);
  matrices(pos, raw(dth), mask, T, S, raw(dmat));
  const float *mat = raw(dmat), *b = raw(db);
  float* ext = raw(dext);
  each(T * S, [=] SK_HD_LAMBDA(size_t idx) {
    if (mask && !mask[idx / S]) return;
    rope_igre_segment(mat + 9 * idx, b, ext + 3 * idx);
  });
  const X* px = static_cast<const X*>(x);
  X* po = static_cast<X*>(out);
  each(tokens * H * W, [=] SK_HD_LAMBDA(size_t e) {
    const size_t k = e % W, head = e / W, t = (head / H) % T;
    if (k < D) {
      po[e] = px[head * D + k];
    } else {
      const bool obj = !mask || mask[t];
      po[e] = L::store(obj ? ext[3 * S * t + (k - D)] : 0.0f);
    }
  });
}

template <int DT>
void pairs_dt(const void* x, const float* pos, size_t A, const double* w, int layout, const uint8_t* mask,
              size_t tokens, size_t T, size_t H, size_t D, void* out) {
  using L = rope_store<DT>;
  using X = typename L::T;
  const size_t P = D / 2;
  const X* px = static_cast<const X*>(x);
  X* po = static_cast<X*>(out);
  if (P == 0) {
    if (po != px) thrust::copy(thrust::device, px, px + tokens * H * D, po);
    return;
  }
  std::vector<double> ws(A * P);  // one array per axis, as the CPU driver passes them
  for (size_t j = 0; j < P; ++j)
    for (size_t a = 0; a < A; ++a) ws[a * P + j] = w[A * j + a];
  const thrust::device_vector<double> dw = upload(ws.data(), ws.size());
  thrust::device_vector<float> dcs(2 * T * P);
  const double* pw = raw(dw);
  float* cs = raw(dcs);
  const int Ai = (int)A;
  each(T * P, [=] SK_HD_LAMBDA(size_t idx) {
    const size_t t = idx / P, j = idx % P;
    if (mask && !mask[t]) return;
    rope_pair_angle(pos + A * t, Ai, pw + j, P, cs + 2 * idx, cs + 2 * idx + 1);
  });
  const size_t i0 = layout == 0 ? 1 : 2, i1 = layout == 0 ? P : 1;  // pair j = (i0·j, i0·j + i1)
  each(tokens * H * P, [=] SK_HD_LAMBDA(size_t idx) {
    const size_t j = idx % P, head = idx / P, t = (head / H) % T;
    const size_t ia = head * D + i0 * j, ib = ia + i1;
    if (j + 1 == P && 2 * P < D) po[head * D + 2 * P] = px[head * D + 2 * P];  // odd D: the last value stays
    if (mask && !mask[t]) {
      po[ia] = px[ia]; po[ib] = px[ib];
      return;
    }
    const float c = cs[2 * (t * P + j)], s = cs[2 * (t * P + j) + 1];
    const float a = L::load(px[ia]), b = L::load(px[ib]);
    po[ia] = L::store(rope_pair_first(c, s, a, b));
    po[ib] = L::store(rope_pair_second(c, s, a, b));
  });
}

// Runs op(dtype constant) on device memory after the position check, so that nothing is
// written when a row is bad; returns that row or SIZE_MAX.
template <class Op>
size_t checked(int dtype, const float* pos, size_t A, const uint8_t* mask, size_t tokens, size_t T, Op op) {
  if (tokens == 0) return SIZE_MAX;
  const size_t bad = first_where(T, BadRow{pos, mask, (int)A});
  if (bad != SIZE_MAX) return bad;
  switch (dtype) {
    case ROPE_F16: op(std::integral_constant<int, ROPE_F16>{}); break;
    case ROPE_BF16: op(std::integral_constant<int, ROPE_BF16>{}); break;
    default: op(std::integral_constant<int, ROPE_F32>{});
  }
  return SIZE_MAX;
}

size_t quatrope_on_device(const void* x, int dtype, const float* pos, const double* theta3, const uint8_t* mask,
                          size_t tokens, size_t T, size_t H, size_t D, void* out) {
  return checked(dtype, pos, 3, mask, tokens, T, [&](auto dt) {
    quatrope_dt<decltype(dt)::value>(x, pos, theta3, mask, tokens, T, H, D, out);
  });
}

size_t igre_on_device(const void* x, int dtype, const float* pos, const double* theta3, size_t S, const float* base,
                      const uint8_t* mask, size_t tokens, size_t T, size_t H, size_t D, void* out) {
  return checked(dtype, pos, 3, mask, tokens, T, [&](auto dt) {
    igre_dt<decltype(dt)::value>(x, pos, theta3, S, base, mask, tokens, T, H, D, out);
  });
}

size_t pairs_on_device(const void* x, int dtype, const float* pos, size_t A, const double* w, int layout,
                       const uint8_t* mask, size_t tokens, size_t T, size_t H, size_t D, void* out) {
  return checked(dtype, pos, A, mask, tokens, T, [&](auto dt) {
    pairs_dt<decltype(dt)::value>(x, pos, A, w, layout, mask, tokens, T, H, D, out);
  });
}

// x, positions (A per row) and mask copied from host memory to the device.
struct Staged {
  thrust::device_vector<uint8_t> x, mask;
  thrust::device_vector<float> pos;
  Staged(const void* hx, size_t x_bytes, const float* hpos, size_t A, const uint8_t* hmask, size_t T)
      : x(upload(static_cast<const uint8_t*>(hx), x_bytes)), pos(upload(hpos, A * T)) {
    if (hmask) mask = upload(hmask, T);
  }
  const uint8_t* mask_or_null() const { return mask.empty() ? nullptr : raw(mask); }
};

}  // namespace

size_t rope_quatrope(const void* x, int dtype, const float* positions, const double* theta3, const uint8_t* mask,
                     size_t tokens, size_t T, size_t H, size_t D, void* out) {
  return guarded([&]() -> size_t {
    if (tokens == 0) return SIZE_MAX;
    const size_t bytes = tokens * H * D * elem_bytes(dtype);
    Staged s(x, bytes, positions, 3, mask, T);
    const size_t bad = quatrope_on_device(raw(s.x), dtype, raw(s.pos), theta3, s.mask_or_null(), tokens, T, H, D, raw(s.x));
    if (bad == SIZE_MAX) download(raw(s.x), bytes, static_cast<uint8_t*>(out));
    return bad;
  });
}

size_t rope_igre(const void* x, int dtype, const float* positions, const double* theta3, size_t S, const float* base,
                 const uint8_t* mask, size_t tokens, size_t T, size_t H, size_t D, void* out) {
  return guarded([&]() -> size_t {
    if (tokens == 0) return SIZE_MAX;
    Staged s(x, tokens * H * D * elem_bytes(dtype), positions, 3, mask, T);
    const size_t out_bytes = tokens * H * (D + 3 * S) * elem_bytes(dtype);
    thrust::device_vector<uint8_t> dout(out_bytes);
    const size_t bad =
        igre_on_device(raw(s.x), dtype, raw(s.pos), theta3, S, base, s.mask_or_null(), tokens, T, H, D, raw(dout));
    if (bad == SIZE_MAX) download(raw(dout), out_bytes, static_cast<uint8_t*>(out));
    return bad;
  });
}

size_t rope_pairs(const void* x, int dtype, const float* positions, size_t A, const double* w, int layout,
                  const uint8_t* mask, size_t tokens, size_t T, size_t H, size_t D, void* out) {
  return guarded([&]() -> size_t {
    if (tokens == 0) return SIZE_MAX;
    const size_t bytes = tokens * H * D * elem_bytes(dtype);
    Staged s(x, bytes, positions, A, mask, T);
    const size_t bad =
        pairs_on_device(raw(s.x), dtype, raw(s.pos), A, w, layout, s.mask_or_null(), tokens, T, H, D, raw(s.x));
    if (bad == SIZE_MAX) download(raw(s.x), bytes, static_cast<uint8_t*>(out));
    return bad;
  });
}

namespace device {

size_t rope_quatrope(const void* x, int dtype, const float* positions, const double* theta3, const uint8_t* mask,
                     size_t tokens, size_t T, size_t H, size_t D, void* out) {
  return guarded([&] { return quatrope_on_device(x, dtype, positions, theta3, mask, tokens, T, H, D, out); });
}

size_t rope_igre(const void* x, int dtype, const float* positions, const double* theta3, size_t S, const float* base,
                 const uint8_t* mask, size_t tokens, size_t T, size_t H, size_t D, void* out) {
  return guarded([&] { return igre_on_device(x, dtype, positions, theta3, S, base, mask, tokens, T, H, D, out); });
}

size_t rope_pairs(const void* x, int dtype, const float* positions, size_t A, const double* w, int layout,
                  const uint8_t* mask, size_t tokens, size_t T, size_t H, size_t D, void* out) {
  return guarded([&] { return pairs_on_device(x, dtype, positions, A, w, layout, mask, tokens, T, H, D, out); });
}

}  // namespace device
}  // namespace sk::cuda
