// Oriented-box collision drivers (sk.collide). Implemented by the CPU driver
// (native/cpu/collide.cc, sk::cpu) and the CUDA launchers (native/cuda/collide.cu, sk::cuda);
// the N-API glue (native/napi/collide.cc) is compiled once against each.
// Boxes are flat float32 [N, 10] (see native/kernels/collide.h); `margin` ≥ 0 is finite.
// Each returns SIZE_MAX on success or the index of the first invalid box (numbering below), or
// one of the codes kCollideTooManyPairs / kCollideNoMemory (kernels/collide.h).
//
// No include guard on purpose: declarations only, included once per driver namespace (the native
// tests include it for sk::cpu and again for sk::cuda).
#include <stddef.h>
#include <stdint.h>

#include <vector>

namespace SK_DRIVER_NS {
// out[i] = 1 when a[i] and b[i] overlap (a `*_batch` of false broadcasts that input's one box).
// Bad index: i, the element whose a or b item is invalid.
size_t collide_overlap(const float* a, bool a_batch, const float* b, bool b_batch, double margin, uint8_t* out,
                       size_t n);
// out[i] = 1 when candidate i overlaps none of the n placed boxes. Bad index: i < m for
// candidate i, m + j for placed box j.
size_t collide_fits(const float* candidates, size_t m, const float* placed, size_t n, double margin, uint8_t* out);
// Every overlapping pair i < j, sorted lexicographically, as pair_word(i, j) (kernels/collide.h:
// the memory of `pairs` is then a uint32 [P, 2] list). More than max_pairs (≤ kCollideMaxPairs)
// pairs: kCollideTooManyPairs, found early (memory stays near 8·max_pairs bytes). Bad index: box i.
size_t collide_pairs(const float* boxes, size_t n, double margin, size_t max_pairs, std::vector<uint64_t>* pairs);
// The pairs within each scene s = boxes [offsets[s], offsets[s + 1]), indices local to the scene,
// scene after scene; scene_offsets receives S + 1 offsets (in pairs) into `pairs`. `offsets`
// (S + 1 values) is already checked: non-decreasing from 0 to n. Bad index: box (global).
size_t collide_pairs_batched(const float* boxes, size_t n, const uint32_t* offsets, size_t scenes, double margin,
                             size_t max_pairs, std::vector<uint64_t>* pairs, std::vector<uint32_t>* scene_offsets);
}  // namespace SK_DRIVER_NS
