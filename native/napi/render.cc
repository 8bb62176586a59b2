// N-API glue for sk.render: argument checks (the same sentences as src/render.ts and the wasm
// adapter, src/backend/render-types.ts), then one driver call. Cameras arrive as RENDER_CONSTS
// floats each, derived in float64 by the TypeScript layer; everything memory safety needs (the
// scene indices, the offsets, every box) is checked here again.
#include "drivers/render.h"
#include "kernels/render.h"
#include "napi/glue.h"
#include "napi/limits.h"

#include <memory>
#include <vector>

namespace sk::napi {
namespace {
namespace drv = SK_DRIVER_NS;


// "`boxes[3]` has a half-extent ≤ 0": what is wrong with box i.
std::string box_error(size_t i, int status) {
  const char* what = status == RENDER_BOX_NONFINITE ? "a non-finite value"
                     : status == RENDER_BOX_EXTENT  ? "a half-extent ≤ 0"
                                                    : "a quaternion that is not of unit length (| |q|² − 1 | > 0.002)";
  return "`boxes[" + std::to_string(i) + "]` has " + what;
}

struct Scenes {
  Arr consts, scene, boxes, offsets;
  uint32_t h, w;
  float pc;
  size_t n, scenes;
  // Derived after the checks, in memory no argument can alias (drivers/render.h):
  std::shared_ptr<std::vector<uint32_t>> first;  // [n]: camera i's first box
  std::shared_ptr<std::vector<uint32_t>> rows;   // [n + 1]: camera i's boxes are rows rows[i] …
};

// (consts [N, RENDER_CONSTS], scene Uint32Array [N], boxes [M, 10], offsets Uint32Array [S + 1],
//  height, width, pixelCenter): the inputs both operations share, checked.
Scenes inputs(Call& c) {
  Scenes s;
  s.consts = c.array<float>(0, "consts", RENDER_CONSTS);
  s.n = s.consts.count;
  s.scene = c.array<uint32_t>(1, "scene", 1);
  c.expect_count(s.scene, "scene", s.n, "cameras");
  s.boxes = c.array<float>(2, "boxes", 10);
  s.offsets = c.array<uint32_t>(3, "offsets", 1);
  c.snapshot(s.scene);  // trusted after the checks: check and use the same values
  c.snapshot(s.offsets);
  const uint32_t* off = c.ptr<uint32_t>(s.offsets);
  const std::string why = offsets_error(off, s.offsets.count, s.boxes.count);
  if (!why.empty()) c.range_error(why);
  s.scenes = s.offsets.count - 1;
  s.h = c.integer(4, "height", 1, limits::kMaxSide);
  s.w = c.integer(5, "width", 1, limits::kMaxSide);
  s.pc = (float)c.number(6, "pixelCenter");
  const double pixels = (double)s.n * s.h * s.w;
  if (pixels > limits::kMaxCount)
    c.range_error("Expected at most 2^32 − 1 pixels in all (N × H × W) but received " + std::to_string(s.n) + " × " +
                  std::to_string(s.h) + " × " + std::to_string(s.w));
  const float* b = c.ptr<float>(s.boxes);
  for (size_t i = 0; i < s.boxes.count; ++i)
    if (const int st = render_box_check(b + 10 * i)) c.range_error(box_error(i, st));
  const uint32_t* sc = c.ptr<uint32_t>(s.scene);
  s.rows = std::make_shared<std::vector<uint32_t>>(s.n + 1);
  s.first = std::make_shared<std::vector<uint32_t>>(s.n);
  double rows = 0;
  for (size_t i = 0; i < s.n; ++i) {
    const uint32_t k = sc[i];  // read once: a SharedArrayBuffer may change under us
    if (k >= s.scenes)
      c.range_error("Expected `scene[" + std::to_string(i) + "]` to name one of the " + std::to_string(s.scenes) +
                    " scenes but received " + std::to_string(k));
    (*s.rows)[i] = (uint32_t)rows;
    (*s.first)[i] = off[k];
    rows += off[k + 1] - off[k];
    if (rows > limits::kMaxCount)
      c.range_error("Expected at most 2^32 − 1 (camera, box) rows in all but the scenes named by `scene` hold more boxes");
  }
  (*s.rows)[s.n] = (uint32_t)rows;
  return s;
}

// Sets the run: pointers are resolved when it runs (an async call runs on copies). A map of
// length 0 is not written; `vis` is empty for raycast.
void cast(Call& c, const Scenes& s, Arr inst, Arr dep, std::vector<Arr> vis) {
  c.run = [&c, s, inst, dep, vis] {
    render_outputs o;
    if (inst.length) o.instance = c.ptr<int32_t>(inst);
    if (dep.length) o.depth = c.ptr<float>(dep);
    if (!vis.empty()) {
      o.amodal = c.ptr<float>(vis[0]);
      o.unclipped = c.ptr<float>(vis[1]);
      o.behind = c.ptr<uint8_t>(vis[2]);
      o.visible = c.ptr<int32_t>(vis[3]);
      o.alone = c.ptr<uint32_t>(vis[4]);
      o.pixels = c.ptr<uint32_t>(vis[5]);
      o.fraction = c.ptr<float>(vis[6]);
      o.in_frame = c.ptr<float>(vis[7]);
    }
    drv::render_cast(c.ptr<float>(s.consts), s.n, s.h, s.w, s.pc, c.ptr<float>(s.boxes), s.boxes.count,
                     s.first->data(), s.rows->data(), o);
    return SIZE_MAX;
  };
}

// (…inputs, instance Int32Array [N·H·W], depth Float32Array [N·H·W])
void raycast(Call& c) {
  const Scenes s = inputs(c);
  const size_t pixels = s.n * s.h * s.w;
  Arr inst = c.array<int32_t>(7, "instance", 1, true), dep = c.array<float>(8, "depth", 1, true);
  c.expect_count(inst, "instance", pixels, "pixels");
  c.expect_count(dep, "depth", pixels, "pixels");
  cast(c, s, inst, dep, {});
}

// (…inputs, instance [N·H·W] or [0], depth [N·H·W] or [0], amodal [R, 4], amodalUnclipped [R, 4],
//  behind Uint8Array [R], visible Int32Array [R, 4], pixelsAlone Uint32Array [R],
//  pixelsVisible Uint32Array [R], visibleFraction [R], inFrame [R])
void visibility(Call& c) {
  const Scenes s = inputs(c);
  const size_t pixels = s.n * s.h * s.w, R = (*s.rows)[s.n];
  Arr inst = c.array<int32_t>(7, "instance", 1, true), dep = c.array<float>(8, "depth", 1, true);
  if (inst.count) c.expect_count(inst, "instance", pixels, "pixels");
  if (dep.count) c.expect_count(dep, "depth", pixels, "pixels");
  std::vector<Arr> vis{c.array<float>(9, "amodal", 4, true),        c.array<float>(10, "amodalUnclipped", 4, true),
                       c.array<uint8_t>(11, "behind", 1, true),     c.array<int32_t>(12, "visible", 4, true),
                       c.array<uint32_t>(13, "pixelsAlone", 1, true), c.array<uint32_t>(14, "pixelsVisible", 1, true),
                       c.array<float>(15, "visibleFraction", 1, true), c.array<float>(16, "inFrame", 1, true)};
  static const char* names[] = {"amodal", "amodalUnclipped", "behind", "visible", "pixelsAlone", "pixelsVisible",
                                "visibleFraction", "inFrame"};
  for (size_t k = 0; k < vis.size(); ++k) c.expect_count(vis[k], names[k], R, "rows");
  cast(c, s, inst, dep, vis);
}

}  // namespace

void init_render(Napi::Env env, Napi::Object exports) {
  define_domain(env, exports, "render", {op<raycast>("raycast"), op<visibility>("visibility")});
}

}  // namespace sk::napi
