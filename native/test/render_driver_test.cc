// Native driver test for sk.render: the CPU driver (sk::cpu) and the CUDA launcher (sk::cuda, on
// Thrust's CPP system in the host build) against a float64 oracle written here — boxes by their
// six faces (plane intersection, closed faces), not the kernel's slab test in the box frame — and
// sk::cuda bit-identical to sk::cpu (same bodies, no contraction, IEEE division and sqrt).
// Built and run by scripts/test-native.sh.
//
// Tie tolerance (docs/render.md): a pixel whose ray passes within kTiePx of a silhouette edge
// (the oracle's answer changes when the sample point moves by ±kTiePx) may go either way; the
// count of such pixels is reported and bounded.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/render.h"
#define SK_TEST_DRIVERS "drivers/render.h"
#include "test/harness.h"

namespace {

using Cast = decltype(&sk::cpu::render_cast);
struct Driver {
  const char* name;
  Cast cast;
};

using sk_test::failures;
using sk_test::report;

// ---------------------------------------------------------------------------------------------
// float64 oracle
struct V3 { double x, y, z; };
V3 operator-(V3 a, V3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
double dot(V3 a, V3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
V3 cross(V3 a, V3 b) { return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x}; }

struct Box { V3 c; double h[3]; V3 ax[3]; };
// Axes as q v q* (v + 2w(q × v) + 2 q × (q × v)) of the normalised quaternion.
Box box_of(const float* b) {
  const double n = sqrt((double)b[6] * b[6] + (double)b[7] * b[7] + (double)b[8] * b[8] + (double)b[9] * b[9]);
  const V3 q{b[6] / n, b[7] / n, b[8] / n};
  const double w = b[9] / n;
  Box B{{b[0], b[1], b[2]}, {b[3], b[4], b[5]}, {}};
  const V3 e[3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  for (int k = 0; k < 3; ++k) {
    const V3 a = cross(q, e[k]), c = cross(q, a);
    B.ax[k] = {e[k].x + 2 * (w * a.x + c.x), e[k].y + 2 * (w * a.y + c.y), e[k].z + 2 * (w * a.z + c.z)};
  }
  return B;
}

// Distance along unit d from o to the closed box by its six faces; 0 inside, INFINITY for a miss.
// *cos receives |cos| of the angle between the ray and the face it enters (1 inside).
double hit_box(const Box& B, V3 o, V3 d, double* cos) {
  const V3 rel = o - B.c;
  bool inside = true;
  for (int k = 0; k < 3; ++k) inside = inside && fabs(dot(B.ax[k], rel)) <= B.h[k];
  *cos = 1;
  if (inside) return 0;
  double best = INFINITY;
  for (int k = 0; k < 3; ++k)
    for (double s : {-1.0, 1.0}) {
      const double denom = s * dot(B.ax[k], d);
      if (!(denom < 0)) continue;  // the ray enters only through faces it points against
      const double t = (B.h[k] - s * dot(B.ax[k], rel)) / denom;
      if (t < 0) continue;
      const V3 p{rel.x + t * d.x, rel.y + t * d.y, rel.z + t * d.z};
      bool on = true;
      for (int j = 0; j < 3; ++j)
        if (j != k && fabs(dot(B.ax[j], p)) > B.h[j] * (1 + 1e-12)) on = false;
      if (on && t < best) best = t, *cos = -denom;
    }
  return best;
}

// The camera the kernel sees (its float constants) in float64: ray through (x, y), depth.
struct Cam {
  double M[9], o[3], f[3];
  explicit Cam(const float* c) {
    for (int k = 0; k < 9; ++k) M[k] = c[k];
    for (int k = 0; k < 3; ++k) o[k] = c[9 + k], f[k] = c[CAMERA_CONSTS + 6 + k];
  }
  V3 dir(double x, double y) const {
    const V3 a{M[0] * x + M[1] * y + M[2], M[3] * x + M[4] * y + M[5], M[6] * x + M[7] * y + M[8]};
    const double n = sqrt(dot(a, a));
    return {a.x / n, a.y / n, a.z / n};
  }
};

struct Answer { int id; double t, z, cos; };
Answer cast_point(const Cam& cam, const std::vector<Box>& bs, double x, double y) {
  const V3 o{cam.o[0], cam.o[1], cam.o[2]}, d = cam.dir(x, y);
  Answer a{-1, INFINITY, INFINITY, 1};
  for (size_t j = 0; j < bs.size(); ++j) {
    double cos;
    const double t = hit_box(bs[j], o, d, &cos);
    if (t < a.t) a = {(int)j, t, 0, cos};
  }
  // Depth by the hit point's distance from the camera plane along the forward axis.
  if (a.id >= 0) a.z = a.t * (cam.f[0] * d.x + cam.f[1] * d.y + cam.f[2] * d.z);
  return a;
}
constexpr double kTiePx = 2e-3;
constexpr double kDepthTol = 2e-6;
// The ids the oracle gives within ±kTiePx of the sample point.
std::set<int> near_ids(const Cam& cam, const std::vector<Box>& bs, double x, double y) {
  static const double offsets[5][2] = {{0, 0}, {kTiePx, 0}, {-kTiePx, 0}, {0, kTiePx}, {0, -kTiePx}};
  std::set<int> s;
  for (const auto& dd : offsets) s.insert(cast_point(cam, bs, x + dd[0], y + dd[1]).id);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Random scenes and cameras (render constants: M = Rᵀ·K⁻¹, o, P = K·R; float64, rounded once).
void random_unit_quat(std::mt19937_64& g, double* q) {
  std::uniform_real_distribution<double> u(0, 1);
  const double u1 = u(g), u2 = u(g), u3 = u(g);
  q[0] = sqrt(1 - u1) * sin(2 * M_PI * u2); q[1] = sqrt(1 - u1) * cos(2 * M_PI * u2);
  q[2] = sqrt(u1) * sin(2 * M_PI * u3); q[3] = sqrt(u1) * cos(2 * M_PI * u3);
}

struct Scene {
  std::vector<float> boxes;
  std::vector<uint32_t> offsets{0};
};
Scene random_scenes(std::mt19937_64& g, int S) {
  std::uniform_real_distribution<double> u(0, 1);
  Scene sc;
  for (int s = 0; s < S; ++s) {
    const int k = 1 + (int)(u(g) * 6);
    for (int j = 0; j < k; ++j) {
      double q[4];
      random_unit_quat(g, q);
      const double b[10] = {(u(g) - 0.5) * 5, (u(g) - 0.5) * 5, u(g) * 2, 0.2 + u(g), 0.2 + u(g), 0.2 + u(g), q[0], q[1], q[2], q[3]};
      for (double x : b) sc.boxes.push_back((float)x);
    }
    sc.offsets.push_back((uint32_t)(sc.boxes.size() / 10));
  }
  return sc;
}

std::vector<float> random_cameras(std::mt19937_64& g, size_t n, size_t h, size_t w) {
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<float> c(RENDER_CONSTS * n);
  for (size_t i = 0; i < n; ++i) {
    const double fx = (0.7 + 0.8 * u(g)) * w, fy = fx * (0.9 + 0.2 * u(g)), sk = (u(g) - 0.5) * 4;
    const double cx = w * (0.35 + 0.3 * u(g)), cy = h * (0.35 + 0.3 * u(g));
    const double K[9] = {fx, sk, cx, 0, fy, cy, 0, 0, 1};
    const double Ki[9] = {1 / fx, -sk / (fx * fy), (sk * cy - cx * fy) / (fx * fy), 0, 1 / fy, -cy / fy, 0, 0, 1};
    // Look from a ring (radius 6–12, height 1–7) at a point near the origin: rows of R = x, y, z axes.
    const double a = 2 * M_PI * u(g), rad = 6 + 6 * u(g);
    const V3 eye{rad * cos(a), rad * sin(a), 1 + 6 * u(g)}, target{(u(g) - 0.5) * 2, (u(g) - 0.5) * 2, u(g)};
    V3 z = target - eye;
    const double zn = sqrt(dot(z, z));
    z = {z.x / zn, z.y / zn, z.z / zn};
    V3 x = cross(z, {0, 0, 1});
    const double xn = sqrt(dot(x, x));
    x = {x.x / xn, x.y / xn, x.z / xn};
    const V3 y = cross(z, x);
    const double R[9] = {x.x, x.y, x.z, y.x, y.y, y.z, z.x, z.y, z.z};
    const double t[3] = {-dot(x, eye), -dot(y, eye), -dot(z, eye)};
    float* o = &c[RENDER_CONSTS * i];
    for (int r = 0; r < 3; ++r) {
      for (int col = 0; col < 3; ++col) {
        o[3 * r + col] = (float)(R[r] * Ki[col] + R[3 + r] * Ki[3 + col] + R[6 + r] * Ki[6 + col]);
        o[12 + 3 * r + col] = (float)(K[3 * r] * R[col] + K[3 * r + 1] * R[3 + col] + K[3 * r + 2] * R[6 + col]);
      }
      o[9 + r] = (float)-(R[r] * t[0] + R[3 + r] * t[1] + R[6 + r] * t[2]);
    }
  }
  return c;
}

// All outputs of one render_cast call.
struct Result {
  std::vector<int32_t> instance, visible;
  std::vector<float> depth, amodal, unclipped, fraction, in_frame;
  std::vector<uint8_t> behind;
  std::vector<uint32_t> alone, pixels;
  Result(size_t px, size_t R)
      : instance(px, 7), visible(4 * R, 7), depth(px, 7), amodal(4 * R, 7), unclipped(4 * R, 7), fraction(R, 7),
        in_frame(R, 7), behind(R, 7), alone(R, 7), pixels(R, 7) {}
  render_outputs out(bool vis) {
    render_outputs o;
    o.instance = instance.data();
    o.depth = depth.data();
    if (vis) {
      o.amodal = amodal.data(); o.unclipped = unclipped.data(); o.behind = behind.data(); o.visible = visible.data();
      o.alone = alone.data(); o.pixels = pixels.data(); o.fraction = fraction.data(); o.in_frame = in_frame.data();
    }
    return o;
  }
  bool operator==(const Result& b) const {
    auto same = [](const auto& x, const auto& y) { return x.size() == y.size() && memcmp(x.data(), y.data(), x.size() * sizeof(x[0])) == 0; };
    return same(instance, b.instance) && same(depth, b.depth) && same(visible, b.visible) && same(amodal, b.amodal) &&
           same(unclipped, b.unclipped) && same(fraction, b.fraction) && same(in_frame, b.in_frame) &&
           same(behind, b.behind) && same(alone, b.alone) && same(pixels, b.pixels);
  }
};

void test_cast(const std::vector<Driver>& drivers, std::mt19937_64& g) {
  const size_t shapes[][2] = {{1, 1}, {7, 5}, {41, 67}, {64, 130}};
  const int before = failures;
  size_t tolerated = 0, total = 0;
  double worst_depth = 0;
  for (const auto& shape : shapes)
    for (float pc : {0.5f, 0.0f}) {
      const size_t h = shape[0], w = shape[1], n = 9, S = 4;
      const Scene sc = random_scenes(g, (int)S);
      const std::vector<float> consts = random_cameras(g, n, h, w);
      std::vector<uint32_t> scene(n), first(n), rows(n + 1, 0);
      for (size_t i = 0; i < n; ++i) {
        scene[i] = (uint32_t)(g() % S);
        first[i] = sc.offsets[scene[i]];
        rows[i + 1] = rows[i] + sc.offsets[scene[i] + 1] - sc.offsets[scene[i]];
      }
      const size_t px = n * h * w, R = rows[n];
      std::vector<Result> results;
      for (const Driver& d : drivers) {
        Result res(px, R), maps(px, R);
        d.cast(consts.data(), n, h, w, pc, sc.boxes.data(), sc.boxes.size() / 10, first.data(), rows.data(), res.out(true));
        d.cast(consts.data(), n, h, w, pc, sc.boxes.data(), sc.boxes.size() / 10, first.data(), rows.data(), maps.out(false));
        if (maps.instance != res.instance || memcmp(maps.depth.data(), res.depth.data(), px * 4))
          report(false, std::string(d.name) + " render_cast: the maps differ with and without visibility");
        char what[160];
        snprintf(what, sizeof what, "%s render_cast %zux%zu pc=%.1f", d.name, h, w, pc);
        for (size_t i = 0; i < n; ++i) {
          const Cam cam(&consts[RENDER_CONSTS * i]);
          std::vector<Box> bs;
          for (uint32_t j = sc.offsets[scene[i]]; j < sc.offsets[scene[i] + 1]; ++j) bs.push_back(box_of(&sc.boxes[10 * j]));
          std::vector<uint32_t> alone(bs.size(), 0), grazing(bs.size(), 0), won(bs.size(), 0);
          for (size_t v = 0; v < h; ++v)
            for (size_t u = 0; u < w; ++u) {
              const size_t k = (i * h + v) * w + u;
              const double x = u + (double)pc, y = v + (double)pc;
              const Answer a = cast_point(cam, bs, x, y);  // nearest box; ties to the lower index
              const int id = res.instance[k];
              total++;
              if (id >= 0) won[id]++;
              for (size_t j = 0; j < bs.size(); ++j) {
                const std::vector<Box> one{bs[j]};
                alone[j] += cast_point(cam, one, x, y).id == 0;
                grazing[j] += near_ids(cam, one, x, y).size() > 1;
              }
              if (id != a.id) {
                const std::set<int> s = near_ids(cam, bs, x, y);
                if (!s.count(id)) {
                  report(false, what, "camera " + std::to_string(i) + " pixel (" + std::to_string(u) + ", " +
                                          std::to_string(v) + "): id " + std::to_string(id) + ", oracle " + std::to_string(a.id));
                  return;
                }
                tolerated++;
                continue;
              }
              if (id < 0) {
                if (res.depth[k] != INFINITY) report(false, what, "depth of a miss is not +inf");
                continue;
              }
              if (near_ids(cam, bs, x, y).size() > 1) continue;
              // Float32 directions and slab numerators (~2e-7 relative) move a hit along a face
              // seen at incidence cos θ by ~2e-7/cos θ of the distance: the error as a multiple of
              // kDepthTol·z·(1 + 0.1/cos θ).
              const double e = fabs(res.depth[k] - a.z) / (kDepthTol * a.z * (1 + 0.1 / a.cos) + 1e-6);
              if (!(e <= worst_depth)) worst_depth = e;
            }
          for (size_t j = 0; j < bs.size(); ++j) {
            const size_t row = rows[i] + j;
            if (res.pixels[row] != won[j]) report(false, what, "pixelsVisible differs from the instance map");
            if (fabs((double)res.alone[row] - alone[j]) > grazing[j]) report(false, what, "pixelsAlone differs from the oracle");
            if (res.alone[row] < won[j]) report(false, what, "pixelsAlone < pixelsVisible");
          }
        }
        results.push_back(std::move(res));
      }
      for (size_t k = 1; k < results.size(); ++k)
        if (!(results[k] == results[0])) report(false, std::string(drivers[k].name) + " render_cast differs in some bit from sk::cpu");
    }
  char detail[160];
  snprintf(detail, sizeof detail, "%zu of %zu pixels within the tie tolerance, worst depth error %.2g of its tolerance",
           tolerated, total, worst_depth);
  report(failures == before && tolerated * 1000 <= total && worst_depth <= 1,
         "render_cast: every driver matches the face-by-face oracle" +
             std::string(drivers.size() > 1 ? ", sk::cuda bit-identical to sk::cpu" : ""),
         detail);
}

// One launcher call for the check that sk::cuda throws cleanly without a device.
void cast_one_pixel() {
  const float consts[RENDER_CONSTS] = {};
  const uint32_t first = 0, rows[2] = {0, 0};
  int32_t inst;
  float depth;
  render_outputs o;
  o.instance = &inst;
  o.depth = &depth;
  sk::cuda::render_cast(consts, 1, 1, 1, 0.5f, nullptr, 0, &first, rows, o);
}

}  // namespace

int main() {
  std::vector<Driver> drivers{{"sk::cpu", sk::cpu::render_cast}};
  if (sk_test::cuda_usable("render_cast", cast_one_pixel)) drivers.push_back({"sk::cuda", sk::cuda::render_cast});
  sk_test::print_isa();
  std::mt19937_64 g(20261207);
  test_cast(drivers, g);
  return sk_test::finish("render_driver_test");
}
