// Ray-casting drivers (sk.render), implemented by the CPU driver (native/cpu/render.cc, sk::cpu)
// and the CUDA launcher (native/cuda/render.cu, sk::cuda); the N-API glue (native/napi/render.cc)
// is compiled once against each. Camera i views the boxes first[i] … first[i] + m_i − 1 with
// m_i = rows[i + 1] − rows[i]; the caller derives first and rows from the scene offsets into its
// own memory after checking them, so no output the caller passes can change an index while the
// driver runs (an output aliasing an input changes values only). Validated by the caller: boxes
// pass render_box_check, first[i] + m_i ≤ the number of boxes, rows[n] = R < 2^32, n·h·w < 2^32.
// Declarations only, no include guard (see native/drivers/quat.h); the output bundle has its own.
#include <stddef.h>
#include <stdint.h>

#ifndef SK_RENDER_OUTPUTS
#define SK_RENDER_OUTPUTS
// Where render_cast writes; each pointer may be null (not wanted). The visibility arrays are
// all given or all null. Row r = rows[i] + j is camera i's box j (local to its scene).
struct render_outputs {
  int32_t* instance = nullptr;  // [n, h, w]: local index of the nearest box, −1 for none
  float* depth = nullptr;       // [n, h, w]: camera-frame z of that hit, +inf for none
  float* amodal = nullptr;      // [R, 4] clipped to the image (render_amodal)
  float* unclipped = nullptr;   // [R, 4]
  uint8_t* behind = nullptr;    // [R]
  int32_t* visible = nullptr;   // [R, 4]: [x0, y0, x1, y1) of the pixels the box wins, zeros for none
  uint32_t* alone = nullptr;    // [R]: pixels whose ray hits the box
  uint32_t* pixels = nullptr;   // [R]: pixels the box wins
  float* fraction = nullptr;    // [R]: pixels / alone (0 when alone = 0)
  float* in_frame = nullptr;    // [R]: render_amodal::in_frame
};
#endif

namespace SK_DRIVER_NS {
// Casts every pixel of n cameras (consts [n, RENDER_CONSTS]) at h × w, sampled at (u + pc, v + pc),
// against camera i's boxes (boxes [m, 10]; first [n], rows [n + 1] as above).
void render_cast(const float* consts, size_t n, size_t h, size_t w, float pc, const float* boxes, size_t m,
                 const uint32_t* first, const uint32_t* rows, const render_outputs& out);
}  // namespace SK_DRIVER_NS
