// CPU driver for the RoPE family: per token, build the rotation table (native/kernels/rope.h) in a
// small scratch area, then stream the token's H heads through it. The table costs O(D) sin/cos
// per token, amortised over H·D values; the head loop is the memory-bound part and vectorizes
// (multiversioned: AVX-512 / AVX2 / baseline). Tokens are split over the thread pool.
// floor/floorf (angle reduction, sk_sincosf) vectorize only without trapping math (GCC 12 keeps the
// scalar call otherwise): every build passes -fno-trapping-math (native/flags.json).

#include <string.h>

#include <vector>

#include "cpu/loop.h"
#include "drivers/rope.h"
#include "kernels/rope.h"

namespace {


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
  const double* th;  // [3][Sd]: θ_s times the axis scale, one array per axis
  size_t S, Sd;      // segments, distinct segments (1 when every segment has the same θ, else S)
};

// Scratch (floats): 6·Sd sines/cosines + 9·S matrix entries (one array per entry) + one token in
// float (16-bit storage) + its trailing values.
size_t quat_scratch(size_t S, size_t H, size_t D) { return 6 * S + 9 * S + H * D + H + 32; }

// The token's S matrices as nine arrays m_e[s], e < 9 (stride S).
SK_INLINE void quat_table(const float* p, const QuatPlan& q, float* scratch, float* mat) {
  const size_t S = q.S, Sd = q.Sd;
  float* sn = scratch;  // [3][Sd]
  float* cs = sn + 3 * Sd;
  for (size_t a = 0; a < 3; ++a)
    for (size_t s = 0; s < Sd; ++s) rope_angle(q.th[a * Sd + s], p[a], sn + a * Sd + s, cs + a * Sd + s);
  for (size_t s = 0; s < Sd; ++s)
    rope_quat_matrix(sn[s], cs[s], sn[Sd + s], cs[Sd + s], sn[2 * Sd + s], cs[2 * Sd + s], mat + s, S);
  if (Sd < S)
    for (size_t e = 0; e < 9; ++e)
      for (size_t s = 1; s < S; ++s) mat[e * S + s] = mat[e * S];
}

// 16-bit storage goes through float a token at a time: convert the token's H·D values into buf,
// rotate there with the float32 code, convert back (GCC 12 does not vectorize the conversions
// fused into a rotation, and one long loop each way has no per-head remainders).
template <int DT>
SK_INLINE void token_to_float(const typename rope_store<DT>::T* x, float* buf, size_t n) {
  for (size_t k = 0; k < n; ++k) buf[k] = rope_store<DT>::load(x[k]);
}
template <int DT>
SK_INLINE void token_from_float(const float* buf, typename rope_store<DT>::T* o, size_t n) {
  for (size_t k = 0; k < n; ++k) o[k] = rope_store<DT>::store(buf[k]);
}

// One head's S segments times their matrices (nine arrays m_e[s]; with Uniform, one matrix held
// in registers for all segments — the default scalar θ — which spares the loop nine streams).
// Each segment is read whole before it is written, so oh may equal xh.
// `count` segments from xh; the tables hold S entries per array.
template <bool Uniform>
SK_INLINE void quat_head(const float* xh, float* oh, const float* mat, size_t S, size_t count) {
  const float *m0 = mat, *m1 = m0 + S, *m2 = m1 + S, *m3 = m2 + S, *m4 = m3 + S, *m5 = m4 + S, *m6 = m5 + S,
              *m7 = m6 + S, *m8 = m7 + S;
  const float u[9] = {*m0, *m1, *m2, *m3, *m4, *m5, *m6, *m7, *m8};
#pragma GCC ivdep
  for (size_t s = 0; s < count; ++s) {
    const size_t k = Uniform ? 0 : s;
    const float a = xh[3 * s], b = xh[3 * s + 1], c = xh[3 * s + 2];
    oh[3 * s] = Uniform ? rope_quat_apply(u[0], u[1], u[2], a, b, c) : rope_quat_apply(m0[k], m1[k], m2[k], a, b, c);
    oh[3 * s + 1] = Uniform ? rope_quat_apply(u[3], u[4], u[5], a, b, c) : rope_quat_apply(m3[k], m4[k], m5[k], a, b, c);
    oh[3 * s + 2] = Uniform ? rope_quat_apply(u[6], u[7], u[8], a, b, c) : rope_quat_apply(m6[k], m7[k], m8[k], a, b, c);
  }
}

// A float32 token's heads through the segment matrices; D % 3 trailing values copied (of may be xf).
SK_INLINE void quat_rotate(const float* xf, float* of, const float* mat, const QuatPlan& q, size_t H, size_t D) {
  const size_t S = q.S;
  if (q.Sd == 1 && D % 3 == 0) {  // one matrix, no trailing values: the token is one run of H·S segments
    quat_head<true>(xf, of, mat, S, H * S);
    return;
  }
  for (size_t h = 0; h < H; ++h) {
    if (q.Sd == 1) quat_head<true>(xf + h * D, of + h * D, mat, S, S);
    else quat_head<false>(xf + h * D, of + h * D, mat, S, S);
    if (of != xf)
      for (size_t k = 3 * S; k < D; ++k) of[h * D + k] = xf[h * D + k];
  }
}

template <int DT>
SK_INLINE void quat_token(const typename rope_store<DT>::T* x, const float* p, const QuatPlan& q, size_t H, size_t D,
                          typename rope_store<DT>::T* o, float* scratch) {
  using X = typename rope_store<DT>::T;
  const size_t S = q.S, n = H * D, nt = D - 3 * S;
  float* mat = scratch + 6 * q.Sd;
  quat_table(p, q, scratch, mat);
  if constexpr (DT == ROPE_F32) {
    quat_rotate(x, o, mat, q, H, D);
  } else {
    float* buf = mat + 9 * S;
    X* tail = reinterpret_cast<X*>(buf + n);  // the trailing values' bits, kept exactly (NaN payloads too)
    for (size_t h = 0; h < H; ++h)
      for (size_t k = 0; k < nt; ++k) tail[h * nt + k] = x[h * D + 3 * S + k];
    token_to_float<DT>(x, buf, n);
    quat_rotate(buf, buf, mat, q, H, D);
    token_from_float<DT>(buf, o, n);
    for (size_t h = 0; h < H; ++h)
      for (size_t k = 0; k < nt; ++k) o[h * D + 3 * S + k] = tail[h * nt + k];
  }
}

// Rows [s, e) of x [rows, n] (row i has position i % T): masked rows are copied (or left, in
// place), the others go to token(x_row, t, o_row).
template <int DT, class Token>
SK_INLINE size_t token_loop(const void* xv, const uint8_t* mask, size_t T, size_t n, void* ov, size_t s, size_t e,
                            Token&& token) {
  using X = typename rope_store<DT>::T;
  const X* x = static_cast<const X*>(xv);
  X* o = static_cast<X*>(ov);
  for (size_t i = s; i < e; ++i) {
    const size_t t = i % T;
    if (mask && !mask[t]) {
      if (o != x) memcpy(o + i * n, x + i * n, n * sizeof(X));
      continue;
    }
    token(x + i * n, t, o + i * n);
  }
  return SIZE_MAX;
}

template <int DT>
SK_INLINE size_t quat_loop(const void* x, const float* pos, const QuatPlan& q, const uint8_t* mask, size_t T,
                           size_t H, size_t D, void* o, float* scratch, size_t s, size_t e) {
  using X = typename rope_store<DT>::T;
  return token_loop<DT>(x, mask, T, H * D, o, s, e, [&](const X* xi, size_t t, X* oi) SK_LAMBDA {
    quat_token<DT>(xi, pos + 3 * t, q, H, D, oi, scratch);
  });
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
SK_INLINE size_t igre_loop(const void* xv, const float* pos, const QuatPlan& q, const float* b, const uint8_t* mask,
                           size_t T, size_t H, size_t D, void* ov, float* scratch, size_t s, size_t e) {
  using L = rope_store<DT>;
  using X = typename L::T;
  const X* x = static_cast<const X*>(xv);
  X* o = static_cast<X*>(ov);
  const size_t S = q.S, W = D + 3 * S;
  float* mat = scratch + 6 * q.Sd;
  std::vector<X> ext(3 * S);
  for (size_t i = s; i < e; ++i) {
    const size_t t = i % T;
    const bool obj = !mask || mask[t];
    if (obj) quat_table(pos + 3 * t, q, scratch, mat);
    for (size_t g = 0; g < S; ++g) {
      float m[9], v[3];
      for (size_t k = 0; k < 9; ++k) m[k] = mat[k * S + g];
      rope_igre_segment(m, b, v);
      for (size_t k = 0; k < 3; ++k) ext[3 * g + k] = L::store(obj ? v[k] : 0.0f);
    }
    for (size_t h = 0; h < H; ++h) {
      X* oh = o + (i * H + h) * W;
      memcpy(oh, x + (i * H + h) * D, D * sizeof(X));
      memcpy(oh + D, ext.data(), 3 * S * sizeof(X));
    }
  }
  return SIZE_MAX;
}

SK_INLINE size_t igre_range(const void* x, int dt, const float* pos, const QuatPlan* q, const float* b,
                            const uint8_t* mask, size_t T, size_t H, size_t D, void* o, float* scratch, size_t s,
                            size_t e) {
  switch (dt) {
    case ROPE_F16: return igre_loop<ROPE_F16>(x, pos, *q, b, mask, T, H, D, o, scratch, s, e);
    case ROPE_BF16: return igre_loop<ROPE_BF16>(x, pos, *q, b, mask, T, H, D, o, scratch, s, e);
    default: return igre_loop<ROPE_F32>(x, pos, *q, b, mask, T, H, D, o, scratch, s, e);
  }
}
SK_MULTIVERSION(igre_range,
                (const void* x, int dt, const float* pos, const QuatPlan* q, const float* b, const uint8_t* mask,
                 size_t T, size_t H, size_t D, void* o, float* scratch, size_t s, size_t e),
                (x, dt, pos, q, b, mask, T, H, D, o, scratch, s, e))

// ---------------- pair rotations (RoPE, M-RoPE, mixed 3-D RoPE) ----------------

// One head's pairs (j, j + P) or (2j, 2j + 1) turned by (c_j, s_j); both values of a pair are
// read before either is written, so oh may equal xh.
template <int Layout>
SK_INLINE void pairs_head(const float* xh, float* oh, const float* c, const float* sn, size_t P) {
  const size_t i0 = Layout == 0 ? 1 : 2, i1 = Layout == 0 ? P : 1;  // pair j = (i0·j, i0·j + i1)
#pragma GCC ivdep
  for (size_t j = 0; j < P; ++j) {
    const float a = xh[i0 * j], b = xh[i0 * j + i1];
    oh[i0 * j] = rope_pair_first(c[j], sn[j], a, b);
    oh[i0 * j + i1] = rope_pair_second(c[j], sn[j], a, b);
  }
}

template <int DT, int A, int Layout>
SK_INLINE void pairs_token(const typename rope_store<DT>::T* x, const float* p, const double* w, size_t H, size_t D,
                           typename rope_store<DT>::T* o, float* cs) {
  const size_t P = D / 2;
  float* c = cs;
  float* sn = cs + P;
  for (size_t j = 0; j < P; ++j) rope_pair_angle(p, A, w + j, P, c + j, sn + j);
  if constexpr (DT == ROPE_F32) {
    for (size_t h = 0; h < H; ++h) pairs_head<Layout>(x + h * D, o + h * D, c, sn, P);
  } else {
    float* buf = cs + D;
    token_to_float<DT>(x, buf, H * D);
    for (size_t h = 0; h < H; ++h) pairs_head<Layout>(buf + h * D, buf + h * D, c, sn, P);
    token_from_float<DT>(buf, o, H * D);
  }
}

template <int DT, int A, int Layout>
SK_INLINE size_t pairs_loop(const void* x, const float* pos, const double* w, const uint8_t* mask, size_t T,
                            size_t H, size_t D, void* o, float* cs, size_t s, size_t e) {
  using X = typename rope_store<DT>::T;
  return token_loop<DT>(x, mask, T, H * D, o, s, e, [&](const X* xi, size_t t, X* oi) SK_LAMBDA {
    pairs_token<DT, A, Layout>(xi, pos + A * t, w, H, D, oi, cs);
  });
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

namespace {
// θ as one array per axis; a single distinct segment when all segments share θ.
std::vector<double> theta_soa(const double* theta3, size_t S, size_t* Sd) {
  bool uniform = true;
  for (size_t s = 1; s < S && uniform; ++s)
    for (int a = 0; a < 3; ++a) uniform = uniform && theta3[3 * s + a] == theta3[a];
  *Sd = uniform ? (S ? 1 : 0) : S;
  std::vector<double> th(3 * *Sd + 1);
  for (size_t s = 0; s < *Sd; ++s)
    for (int a = 0; a < 3; ++a) th[a * *Sd + s] = theta3[3 * s + a];
  return th;
}
}  // namespace

namespace sk::cpu {

size_t rope_quatrope(const void* x, int dtype, const float* positions, const double* theta3, const uint8_t* mask,
                     size_t tokens, size_t T, size_t H, size_t D, void* out) {
  if (tokens == 0) return SIZE_MAX;
  const size_t bad = first_bad_row(positions, 3, mask, T);
  if (bad != SIZE_MAX) return bad;
  const size_t S = D / 3;
  size_t Sd;
  const std::vector<double> th = theta_soa(theta3, S, &Sd);
  const QuatPlan plan{th.data(), S, Sd};
  return parallel_for(tokens, token_grain(H, D), [&](size_t s, size_t e) {
    std::vector<float> scratch(quat_scratch(S, H, D));
    return SK_DISPATCH(quat_range)(x, dtype, positions, &plan, mask, T, H, D, out, scratch.data(), s, e);
  });
}

size_t rope_igre(const void* x, int dtype, const float* positions, const double* theta3, size_t S, const float* base,
                 const uint8_t* mask, size_t tokens, size_t T, size_t H, size_t D, void* out) {
  if (tokens == 0) return SIZE_MAX;
  const size_t bad = first_bad_row(positions, 3, mask, T);
  if (bad != SIZE_MAX) return bad;
  size_t Sd;
  const std::vector<double> th = theta_soa(theta3, S, &Sd);
  const QuatPlan plan{th.data(), S, Sd};
  return parallel_for(tokens, token_grain(H, D + 3 * S), [&](size_t s, size_t e) {
    std::vector<float> scratch(quat_scratch(S, H, D));
    return SK_DISPATCH(igre_range)(x, dtype, positions, &plan, base, mask, T, H, D, out, scratch.data(), s, e);
  });
}

size_t rope_pairs(const void* x, int dtype, const float* positions, size_t A, const double* w, int layout,
                  const uint8_t* mask, size_t tokens, size_t T, size_t H, size_t D, void* out) {
  if (tokens == 0) return SIZE_MAX;
  const size_t bad = first_bad_row(positions, A, mask, T);
  if (bad != SIZE_MAX) return bad;
  const size_t P = D / 2;
  std::vector<double> ws(A * P);  // one array per axis
  for (size_t j = 0; j < P; ++j)
    for (size_t a = 0; a < A; ++a) ws[a * P + j] = w[A * j + a];
  return parallel_for(tokens, token_grain(H, D), [&](size_t s, size_t e) {
    std::vector<float> cs(D + H * D + 16);  // cos, sin, one token in float (16-bit storage)
    return SK_DISPATCH(pairs_range)(x, dtype, positions, A, ws.data(), layout, mask, T, H, D, out, cs.data(), s, e);
  });
}

}  // namespace sk::cpu
