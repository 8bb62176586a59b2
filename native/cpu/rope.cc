// CPU driver for the RoPE family: per token, build the rotation table (native/kernels/rope.h) in a
// small scratch area, then stream the token's H heads through it. The table costs O(D) sin/cos
// per token, amortised over H·D values; the head loop is the memory-bound part and vectorizes
// (multiversioned: AVX-512 / AVX2 / baseline). Tokens are split over the thread pool.
#include <string.h>

#include <vector>

#include "cpu/loop.h"
#include "drivers/rope.h"
#include "kernels/rope.h"

namespace {

constexpr size_t kPad = 16;  // scratch margin (floats) on each side of a head copy

// The first row an unmasked token uses whose position is not finite, or SIZE_MAX.
size_t first_bad_row(const float* pos, size_t A, const uint8_t* mask, size_t T) {
  for (size_t t = 0; t < T; ++t)
    if ((!mask || mask[t]) && !rope_position_ok(pos + A * t, (int)A)) return t;
  return SIZE_MAX;
}

// Tokens per parallel chunk: about kGrain values each.
size_t token_grain(size_t H, size_t D) { return sk::kGrain / (H * D + 1) + 1; }

// ---------------- QuatRoPE ----------------

struct QuatPlan {
  const double* th;   // [3][S'] θ·scale per axis (S' = 1 when every segment has the same θ)
  size_t S, Sd;       // segments, distinct segments (1 or S)
  const int32_t* sel1;  // [3S]: element k's second input is x[k+1] (else x[k−2])
  const int32_t* sel2;  // [3S]: element k's third input is x[k+2] (else x[k−1])
  const int32_t* idx;   // [3S]: 9·s', where element k's segment matrix starts in the table
};

// Scratch (floats): 9·Sd matrices + 3·3S coefficients + D + 2·kPad head copy.
size_t quat_scratch(size_t S, size_t D) { return 18 * S + D + 2 * kPad; }

template <int DT>
SK_INLINE void quat_token(const typename rope_store<DT>::T* x, const float* p, const QuatPlan& q, size_t H, size_t D,
                          typename rope_store<DT>::T* o, float* scratch) {
  using L = rope_store<DT>;
  const size_t S = q.S, Sd = q.Sd, n3 = 3 * S;
  float* mat = scratch;          // [Sd][9]
  float* c0 = mat + 9 * Sd;      // [3S] ×3
  float* c1 = c0 + n3;
  float* c2 = c1 + n3;
  float* buf = c2 + n3 + kPad;   // head copy with kPad readable floats either side
  for (size_t s = 0; s < Sd; ++s) {
    const double th3[3] = {q.th[s], q.th[Sd + s], q.th[2 * Sd + s]};
    rope_quat_matrix(p, th3, mat + 9 * s);
  }
  for (size_t k = 0; k < n3; ++k) {
    const int r = (int)(k % 3);
    rope_quat_coeffs(mat + q.idx[k], r, c0 + k, c1 + k, c2 + k);
  }
  const int32_t* sel1 = q.sel1;
  const int32_t* sel2 = q.sel2;
  for (size_t h = 0; h < H; ++h) {
    const typename L::T* xh = x + h * D;
    typename L::T* oh = o + h * D;
    for (size_t k = 0; k < D; ++k) buf[k] = L::load(xh[k]);
#pragma GCC ivdep
    for (size_t k = 0; k < n3; ++k) {
      const float a1 = sel1[k] ? buf[k + 1] : buf[k - 2];
      const float a2 = sel2[k] ? buf[k + 2] : buf[k - 1];
      oh[k] = L::store(rope_quat_apply(c0[k], c1[k], c2[k], buf[k], a1, a2));
    }
    if (oh != xh)
      for (size_t k = n3; k < D; ++k) oh[k] = xh[k];  // D % 3 trailing values, bits unchanged
  }
}

template <int DT>
SK_INLINE size_t quat_loop(const void* xv, const float* pos, const QuatPlan& q, const uint8_t* mask, size_t T,
                           size_t H, size_t D, void* ov, float* scratch, size_t s, size_t e) {
  using X = typename rope_store<DT>::T;
  const X* x = static_cast<const X*>(xv);
  X* o = static_cast<X*>(ov);
  const size_t n = H * D;
  for (size_t i = s; i < e; ++i) {
    const size_t t = i % T;
    if (mask && !mask[t]) {
      if (o != x) memcpy(o + i * n, x + i * n, n * sizeof(X));
      continue;
    }
    quat_token<DT>(x + i * n, pos + 3 * t, q, H, D, o + i * n, scratch);
  }
  return SIZE_MAX;
}

SK_INLINE size_t quat_range(const void* x, int dt, const float* pos, const QuatPlan* q, const uint8_t* mask, size_t T,
                            size_t H, size_t D, void* o, float* scratch, size_t s, size_t e) {
  switch (dt) {
    case ROPE_F16: return quat_loop<ROPE_F16>(x, pos, *q, mask, T, H, D, o, scratch, s, e);
    case ROPE_BF16: return quat_loop<ROPE_BF16>(x, pos, *q, mask, T, H, D, o, scratch, s, e);
    default: return quat_loop<ROPE_F32>(x, pos, *q, mask, T, H, D, o, scratch, s, e);
  }
}
SK_MULTIVERSION(quat_range,
                (const void* x, int dt, const float* pos, const QuatPlan* q, const uint8_t* mask, size_t T, size_t H,
                 size_t D, void* o, float* scratch, size_t s, size_t e),
                (x, dt, pos, q, mask, T, H, D, o, scratch, s, e))

// ---------------- IGRE ----------------

template <int DT>
SK_INLINE size_t igre_loop(const void* xv, const float* pos, const double* th, size_t S, const float* b,
                           const uint8_t* mask, size_t T, size_t H, size_t D, void* ov, size_t s, size_t e) {
  using L = rope_store<DT>;
  using X = typename L::T;
  const X* x = static_cast<const X*>(xv);
  X* o = static_cast<X*>(ov);
  const size_t W = D + 3 * S;
  std::vector<X> ext(3 * S);
  std::vector<float> seg(3 * S);
  for (size_t i = s; i < e; ++i) {
    const size_t t = i % T;
    const bool obj = !mask || mask[t];
    for (size_t g = 0; g < S; ++g) {
      const double th3[3] = {th[g], th[S + g], th[2 * S + g]};
      rope_igre_segment(pos + 3 * t, th3, b, seg.data() + 3 * g);
    }
    for (size_t k = 0; k < 3 * S; ++k) ext[k] = L::store(obj ? seg[k] : 0.0f);
    for (size_t h = 0; h < H; ++h) {
      X* oh = o + (i * H + h) * W;
      memcpy(oh, x + (i * H + h) * D, D * sizeof(X));
      memcpy(oh + D, ext.data(), 3 * S * sizeof(X));
    }
  }
  return SIZE_MAX;
}

SK_INLINE size_t igre_range(const void* x, int dt, const float* pos, const double* th, size_t S, const float* b,
                            const uint8_t* mask, size_t T, size_t H, size_t D, void* o, size_t s, size_t e) {
  switch (dt) {
    case ROPE_F16: return igre_loop<ROPE_F16>(x, pos, th, S, b, mask, T, H, D, o, s, e);
    case ROPE_BF16: return igre_loop<ROPE_BF16>(x, pos, th, S, b, mask, T, H, D, o, s, e);
    default: return igre_loop<ROPE_F32>(x, pos, th, S, b, mask, T, H, D, o, s, e);
  }
}
SK_MULTIVERSION(igre_range,
                (const void* x, int dt, const float* pos, const double* th, size_t S, const float* b,
                 const uint8_t* mask, size_t T, size_t H, size_t D, void* o, size_t s, size_t e),
                (x, dt, pos, th, S, b, mask, T, H, D, o, s, e))

// ---------------- pair rotations (RoPE, M-RoPE, mixed 3-D RoPE) ----------------

template <int DT, int A, int Layout>
SK_INLINE void pairs_token(const typename rope_store<DT>::T* x, const float* p, const double* w, size_t H, size_t D,
                           typename rope_store<DT>::T* o, float* cs) {
  using L = rope_store<DT>;
  const size_t P = D / 2;
  float* c = cs;
  float* sn = cs + P;
  for (size_t j = 0; j < P; ++j) rope_pair_angle(p, A, w + A * j, c + j, sn + j);
  for (size_t h = 0; h < H; ++h) {
    const typename L::T* xh = x + h * D;
    typename L::T* oh = o + h * D;
    if (Layout == 0) {
#pragma GCC ivdep
      for (size_t j = 0; j < P; ++j) {
        const float a = L::load(xh[j]), b = L::load(xh[j + P]);
        oh[j] = L::store(rope_pair_first(c[j], sn[j], a, b));
        oh[j + P] = L::store(rope_pair_second(c[j], sn[j], a, b));
      }
    } else {
#pragma GCC ivdep
      for (size_t j = 0; j < P; ++j) {
        const float a = L::load(xh[2 * j]), b = L::load(xh[2 * j + 1]);
        oh[2 * j] = L::store(rope_pair_first(c[j], sn[j], a, b));
        oh[2 * j + 1] = L::store(rope_pair_second(c[j], sn[j], a, b));
      }
    }
  }
}

template <int DT, int A, int Layout>
SK_INLINE size_t pairs_loop(const void* xv, const float* pos, const double* w, const uint8_t* mask, size_t T,
                            size_t H, size_t D, void* ov, float* cs, size_t s, size_t e) {
  using X = typename rope_store<DT>::T;
  const X* x = static_cast<const X*>(xv);
  X* o = static_cast<X*>(ov);
  const size_t n = H * D;
  for (size_t i = s; i < e; ++i) {
    const size_t t = i % T;
    if (mask && !mask[t]) {
      if (o != x) memcpy(o + i * n, x + i * n, n * sizeof(X));
      continue;
    }
    pairs_token<DT, A, Layout>(x + i * n, pos + A * t, w, H, D, o + i * n, cs);
  }
  return SIZE_MAX;
}

template <int DT>
SK_INLINE size_t pairs_dt(const void* x, const float* pos, size_t A, const double* w, int layout, const uint8_t* mask,
                          size_t T, size_t H, size_t D, void* o, float* cs, size_t s, size_t e) {
  if (A == 1)
    return layout ? pairs_loop<DT, 1, 1>(x, pos, w, mask, T, H, D, o, cs, s, e)
                  : pairs_loop<DT, 1, 0>(x, pos, w, mask, T, H, D, o, cs, s, e);
  return layout ? pairs_loop<DT, 3, 1>(x, pos, w, mask, T, H, D, o, cs, s, e)
                : pairs_loop<DT, 3, 0>(x, pos, w, mask, T, H, D, o, cs, s, e);
}

SK_INLINE size_t pairs_range(const void* x, int dt, const float* pos, size_t A, const double* w, int layout,
                             const uint8_t* mask, size_t T, size_t H, size_t D, void* o, float* cs, size_t s,
                             size_t e) {
  switch (dt) {
    case ROPE_F16: return pairs_dt<ROPE_F16>(x, pos, A, w, layout, mask, T, H, D, o, cs, s, e);
    case ROPE_BF16: return pairs_dt<ROPE_BF16>(x, pos, A, w, layout, mask, T, H, D, o, cs, s, e);
    default: return pairs_dt<ROPE_F32>(x, pos, A, w, layout, mask, T, H, D, o, cs, s, e);
  }
}
SK_MULTIVERSION(pairs_range,
                (const void* x, int dt, const float* pos, size_t A, const double* w, int layout, const uint8_t* mask,
                 size_t T, size_t H, size_t D, void* o, float* cs, size_t s, size_t e),
                (x, dt, pos, A, w, layout, mask, T, H, D, o, cs, s, e))

}  // namespace

namespace sk::cpu {

size_t rope_quatrope(const void* x, int dtype, const float* positions, const double* theta3, const uint8_t* mask,
                     size_t tokens, size_t T, size_t H, size_t D, void* out) {
  if (tokens == 0) return SIZE_MAX;
  const size_t bad = first_bad_row(positions, 3, mask, T);
  if (bad != SIZE_MAX) return bad;
  const size_t S = D / 3, n3 = 3 * S;
  // One distinct matrix when every segment has the same θ (the common scalar case).
  bool uniform = true;
  for (size_t s = 1; s < S && uniform; ++s)
    for (int a = 0; a < 3; ++a) uniform = uniform && theta3[3 * s + a] == theta3[a];
  const size_t Sd = uniform ? 1 : S;
  std::vector<double> th(3 * Sd);
  for (size_t s = 0; s < Sd; ++s)
    for (int a = 0; a < 3; ++a) th[a * Sd + s] = theta3[3 * s + a];
  std::vector<int32_t> sel1(n3), sel2(n3), idx(n3);
  for (size_t k = 0; k < n3; ++k) {
    const size_t r = k % 3;
    sel1[k] = r != 2;
    sel2[k] = r == 0;
    idx[k] = (int32_t)(9 * (uniform ? 0 : k / 3));
  }
  const QuatPlan plan{th.data(), S, Sd, sel1.data(), sel2.data(), idx.data()};
  return parallel_for(tokens, token_grain(H, D), [&](size_t s, size_t e) {
    std::vector<float> scratch(quat_scratch(S, D));
    return SK_DISPATCH(quat_range)(x, dtype, positions, &plan, mask, T, H, D, out, scratch.data(), s, e);
  });
}

size_t rope_igre(const void* x, int dtype, const float* positions, const double* theta3, size_t S, const float* base,
                 const uint8_t* mask, size_t tokens, size_t T, size_t H, size_t D, void* out) {
  if (tokens == 0) return SIZE_MAX;
  const size_t bad = first_bad_row(positions, 3, mask, T);
  if (bad != SIZE_MAX) return bad;
  std::vector<double> th(3 * S);
  for (size_t s = 0; s < S; ++s)
    for (int a = 0; a < 3; ++a) th[a * S + s] = theta3[3 * s + a];
  return parallel_for(tokens, token_grain(H, D + 3 * S), [&](size_t s, size_t e) {
    return SK_DISPATCH(igre_range)(x, dtype, positions, th.data(), S, base, mask, T, H, D, out, s, e);
  });
}

size_t rope_pairs(const void* x, int dtype, const float* positions, size_t A, const double* w, int layout,
                  const uint8_t* mask, size_t tokens, size_t T, size_t H, size_t D, void* out) {
  if (tokens == 0) return SIZE_MAX;
  const size_t bad = first_bad_row(positions, A, mask, T);
  if (bad != SIZE_MAX) return bad;
  return parallel_for(tokens, token_grain(H, D), [&](size_t s, size_t e) {
    std::vector<float> cs(D + 16);
    return SK_DISPATCH(pairs_range)(x, dtype, positions, A, w, layout, mask, T, H, D, out, cs.data(), s, e);
  });
}

}  // namespace sk::cpu
