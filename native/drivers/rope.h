// RoPE-family drivers (DESIGN §4), implemented by the CPU driver (native/cpu/rope.cc, sk::cpu)
// and the CUDA launchers (native/cuda/rope.cu, sk::cuda).
//
// Shared shape: x holds B·T tokens of H heads of D values ([B, T, H, D], row-major), stored as
// `dtype` (rope_dtype: float32, or binary16/bfloat16 bits in uint16). positions holds T rows of
// A floats, shared by the B sequences (token i uses row i mod T); mask (nullable) holds T bytes,
// 0 = leave the token unchanged (IGRE: zeros in the extension). `out` may equal x (in place,
// quatrope and pairs); it must not overlap it otherwise.
// Each returns SIZE_MAX, or the first position row that an unmasked token uses and that is not
// finite — checked before anything is written.
//
// Declarations only, no include guard (see drivers/quat.h).
#include <stddef.h>
#include <stdint.h>

namespace SK_DRIVER_NS {
// QuatRoPE. theta3: [S, 3] float64, θ_s times the axis scale, S = D / 3 (D % 3 trailing values
// copied). positions [T, 3].
size_t rope_quatrope(const void* x, int dtype, const float* positions, const double* theta3, const uint8_t* mask,
                     size_t tokens, size_t T, size_t H, size_t D, void* out);

// IGRE. out: [B·T, H, D + 3S]; base: unit 3-vector; theta3: [S, 3] float64.
size_t rope_igre(const void* x, int dtype, const float* positions, const double* theta3, size_t S,
                 const float* base, const uint8_t* mask, size_t tokens, size_t T, size_t H, size_t D, void* out);

// Pair rotations: pair j of every head turns by φ_j = Σ_a w[j, a]·p_a; w: [D/2, A] float64;
// positions [T, A]; layout 0 = half (j, j + D/2), 1 = interleaved (2j, 2j + 1).
size_t rope_pairs(const void* x, int dtype, const float* positions, size_t A, const double* w, int layout,
                  const uint8_t* mask, size_t tokens, size_t T, size_t H, size_t D, void* out);
}  // namespace SK_DRIVER_NS
