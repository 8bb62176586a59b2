// N-API glue for sk.camera: argument checks (same sentences as src/camera.ts), then one driver
// call. Cameras arrive as per-camera constants (CAMERA_CONSTS floats each, derived in float64 by
// the TypeScript layer); the checks here are the ones memory safety needs.
#include "drivers/camera.h"
#include "kernels/camera.h"
#include "napi/glue.h"
#include "napi/limits.h"

namespace sk::napi {
namespace {
namespace drv = SK_DRIVER_NS;

uint32_t side(Call& c, size_t i, const char* name) { return c.integer(i, name, 1, limits::kMaxSide); }

// The same sentence as mapSize() in src/camera.ts.
void check_map_size(Call& c, size_t n, size_t h, size_t w, size_t ch) {
  const double floats = (double)n * (double)h * (double)w * (double)ch;
  if (floats > limits::kMaxMapFloats)
    c.range_error("Expected at most 2^32 floats in the ray map but received " + std::to_string(n) + " × " +
                  std::to_string(h) + " × " + std::to_string(w) + " × " + std::to_string(ch));
}

int order_arg(Call& c, size_t i) { return c.choice(i, "order", {"md", "dm", "d"}); }
int layout_arg(Call& c, size_t i) { return c.choice(i, "layout", {"hwc", "chw"}); }

// (consts [N, 12], height, width, pixelCenter, layout, order, out [N·H·W, C])
void ray_map(Call& c) {
  Arr k = c.array<float>(0, "consts", CAMERA_CONSTS);
  const uint32_t h = side(c, 1, "height"), w = side(c, 2, "width");
  const float pc = (float)c.number(3, "pixelCenter");
  const int layout = layout_arg(c, 4), order = order_arg(c, 5);
  const size_t ch = (size_t)camera_channels(order);
  check_map_size(c, k.count, h, w, ch);
  Arr o = c.array<float>(6, "out", ch, true);
  c.expect_count(o, "out", k.count * h * w, "rays");
  c.run = [&c, k, h, w, pc, layout, order, o] {
    drv::camera_ray_map(c.ptr<float>(k), k.count, h, w, pc, layout, order, c.ptr<float>(o));
    return SIZE_MAX;
  };
}

// (consts [N|1, 12], points [N·P, 2] or [P, 2] when shared, shared, order, out [N·P, C])
void rays(Call& c) {
  Arr k = c.array<float>(0, "consts", CAMERA_CONSTS), p = c.array<float>(1, "points", 2);
  const bool shared = c.boolean(2, "shared");
  const int order = order_arg(c, 3);
  const size_t ch = (size_t)camera_channels(order);
  size_t per = p.count, count = k.count ? p.count : 0;
  if (shared) {
    count = k.count * p.count;
  } else if (k.count > 1) {
    if (p.count % k.count != 0)
      c.range_error("Expected `points` to hold P points for each of the " + std::to_string(k.count) +
                    " cameras but received " + std::to_string(p.count) + " points");
    per = p.count / k.count;
  }
  Arr o = c.array<float>(4, "out", ch, true);
  c.expect_count(o, "out", count, "rays");
  const bool cb = shared || k.count > 1;
  c.run = [&c, k, p, shared, per, count, order, o, cb] {
    if (count) drv::camera_rays(c.ptr<float>(k), cb, c.ptr<float>(p), shared, per, count, order, c.ptr<float>(o));
    return SIZE_MAX;
  };
}

// (map, cameras, height, width, pixelCenter, layout, order, out Float64Array [N, 30])
void moments(Call& c) {
  Arr m = c.array<float>(0, "map", 1);
  const uint32_t n = c.uint32(1, "cameras");
  const uint32_t h = side(c, 2, "height"), w = side(c, 3, "width");
  const float pc = (float)c.number(4, "pixelCenter");
  const int layout = layout_arg(c, 5), order = c.choice(6, "order", {"md", "dm"});
  check_map_size(c, n, h, w, 6);
  if (m.length != (size_t)n * h * w * 6)
    c.range_error("Expected `map` to hold " + std::to_string(n) + " × " + std::to_string(h) + " × " +
                  std::to_string(w) + " × 6 floats but received " + std::to_string(m.length));
  Arr o = c.array<double>(7, "out", CAMERA_MOMENTS, true);
  c.expect_count(o, "out", n, "cameras");
  c.run = [&c, m, n, h, w, pc, layout, order, o] {
    drv::camera_moments(c.ptr<float>(m), n, h, w, pc, layout, order, c.ptr<double>(o));
    return SIZE_MAX;
  };
}

}  // namespace

void init_camera(Napi::Env env, Napi::Object exports) {
  define_domain(env, exports, "camera", {op<ray_map>("rayMap"), op<rays>("rays"), op<moments>("moments")});
}

}  // namespace sk::napi
