// Native driver test for sk.camera: the CPU driver (sk::cpu) and the CUDA launchers (sk::cuda,
// on Thrust's CPP system in the host build) against a float64 oracle written here, independent
// of native/kernels/camera.h, plus bit-identity of sk::cuda with sk::cpu (same bodies, no
// contraction, IEEE sqrt and division). Built and run by scripts/test-native.sh.
//
// Tolerances: a ray's direction is formed in float32 from float32 constants with |terms| ≲ 3, so
// |d − d64| ≲ 1e-6; the moment m = o × d is bounded by 1e-6·(1 + |o|). The fromRays sums are
// float64 over float32 rays: relative 1e-12 of the sum of magnitudes.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#define SK_TEST_DRIVERS "drivers/camera.h"
#include "test/harness.h"

namespace {

struct Driver {
  const char* name;
  decltype(&sk::cpu::camera_ray_map) ray_map;
  decltype(&sk::cpu::camera_rays) rays;
  decltype(&sk::cpu::camera_moments) moments;
};

using sk_test::failures;
using sk_test::report;

// ---------------------------------------------------------------------------------------------
// float64 oracle: camera i's constants are M = Rᵀ·K⁻¹ (row-major) and the centre o.
struct Ray { double d[3], m[3]; };
Ray oracle(const float* c, double x, double y) {
  double a[3];
  for (int r = 0; r < 3; ++r) a[r] = (double)c[3 * r] * x + (double)c[3 * r + 1] * y + (double)c[3 * r + 2];
  const double s = 1 / sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
  Ray o;
  for (int r = 0; r < 3; ++r) o.d[r] = a[r] * s;
  const double ox = c[9], oy = c[10], oz = c[11];
  o.m[0] = oy * o.d[2] - oz * o.d[1];
  o.m[1] = oz * o.d[0] - ox * o.d[2];
  o.m[2] = ox * o.d[1] - oy * o.d[0];
  return o;
}
// Channel values of a ray in `order` (0 = md, 1 = dm, 2 = d).
void channels(const Ray& r, int order, double* v) {
  const double* a = order == 0 ? r.m : r.d;
  const double* b = order == 0 ? r.d : r.m;
  for (int k = 0; k < 3; ++k) { v[k] = a[k]; v[3 + k] = b[k]; }
}
double center_norm(const float* c) { return sqrt((double)c[9] * c[9] + (double)c[10] * c[10] + (double)c[11] * c[11]); }

// Random cameras as constants: M = Rᵀ·K⁻¹ with skew, off-centre principal point, non-square pixels.
std::vector<float> cameras(std::mt19937_64& g, size_t n, size_t h, size_t w) {
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<float> c(12 * n);
  for (size_t i = 0; i < n; ++i) {
    const double fx = (0.5 + 1.5 * u(g)) * w, fy = fx * (0.8 + 0.45 * u(g)), sk = (u(g) - 0.5) * 10;
    const double cx = w * (0.1 + 0.8 * u(g)), cy = h * (0.1 + 0.8 * u(g));
    // K⁻¹ of [[fx, sk, cx], [0, fy, cy], [0, 0, 1]]
    const double Ki[9] = {1 / fx, -sk / (fx * fy), (sk * cy - cx * fy) / (fx * fy), 0, 1 / fy, -cy / fy, 0, 0, 1};
    double q[4], nq = 0;
    for (double& x : q) { x = u(g) - 0.5; nq += x * x; }
    for (double& x : q) x /= sqrt(nq);
    const double x = q[0], y = q[1], z = q[2], ww = q[3];
    const double R[9] = {1 - 2 * (y * y + z * z), 2 * (x * y - z * ww), 2 * (x * z + y * ww),
                         2 * (x * y + z * ww), 1 - 2 * (x * x + z * z), 2 * (y * z - x * ww),
                         2 * (x * z - y * ww), 2 * (y * z + x * ww), 1 - 2 * (x * x + y * y)};
    const double t[3] = {(u(g) - 0.5) * 10, (u(g) - 0.5) * 10, (u(g) - 0.5) * 10};
    for (int a = 0; a < 3; ++a) {
      for (int b = 0; b < 3; ++b) c[12 * i + 3 * a + b] = (float)(R[a] * Ki[b] + R[3 + a] * Ki[3 + b] + R[6 + a] * Ki[6 + b]);
      c[12 * i + 9 + a] = (float)-(R[a] * t[0] + R[3 + a] * t[1] + R[6 + a] * t[2]);
    }
  }
  return c;
}

bool same_bits(const void* a, const void* b, size_t bytes) { return memcmp(a, b, bytes) == 0; }

// ---------------------------------------------------------------------------------------------
void test_ray_map(const std::vector<Driver>& drivers, std::mt19937_64& g) {
  const size_t shapes[][3] = {{1, 1, 1}, {3, 7, 5}, {2, 33, 70}, {1, 300, 301}};
  for (const auto& s : shapes) {
    const size_t n = s[0], h = s[1], w = s[2];
    const std::vector<float> c = cameras(g, n, h, w);
    for (int layout = 0; layout < 2; ++layout)
      for (int order = 0; order < 3; ++order)
        for (float pc : {0.5f, 0.0f, 0.3f}) {
          const size_t ch = order == 2 ? 3 : 6;
          std::vector<std::vector<float>> outs;
          for (const Driver& d : drivers) {
            std::vector<float> out(n * h * w * ch, NAN);
            d.ray_map(c.data(), n, h, w, pc, layout, order, out.data());
            double worst = 0;
            for (size_t i = 0; i < n; ++i)
              for (size_t v = 0; v < h; ++v)
                for (size_t u = 0; u < w; ++u) {
                  const Ray r = oracle(&c[12 * i], (double)u + pc, (double)v + pc);
                  double want[6];
                  channels(r, order, want);
                  for (size_t k = 0; k < ch; ++k) {
                    const size_t at = layout == 0 ? ((i * h + v) * w + u) * ch + k : ((i * ch + k) * h + v) * w + u;
                    const bool is_m = order == 0 ? k < 3 : k >= 3;
                    const double scale = is_m ? 1 + center_norm(&c[12 * i]) : 1;
                    const double e = fabs(out[at] - want[k]) / scale;
                    if (!(e <= worst)) worst = e;  // NaN counts as worst
                  }
                }
            char what[128];
            snprintf(what, sizeof what, "%s camera_ray_map %zux%zux%zu %s %s pc=%.1f", d.name, n, h, w,
                     layout ? "chw" : "hwc", order == 0 ? "md" : order == 1 ? "dm" : "d", pc);
            char detail[64];
            snprintf(detail, sizeof detail, "max err %.2g of tol 1e-6", worst);
            if (!(worst <= 1e-6)) report(false, what, detail);
            outs.push_back(std::move(out));
          }
          for (size_t k = 1; k < outs.size(); ++k)
            if (!same_bits(outs[k].data(), outs[0].data(), outs[0].size() * 4))
              report(false, std::string(drivers[k].name) + " camera_ray_map differs in some bit from sk::cpu");
        }
  }
  report(failures == 0, "camera_ray_map: every driver, layout, order and pixelCenter within 1e-6 of the oracle" +
                            std::string(drivers.size() > 1 ? ", sk::cuda bit-identical to sk::cpu" : ""));
}

void test_rays(const std::vector<Driver>& drivers, std::mt19937_64& g) {
  const int before = failures;
  const size_t n = 4, p = 1001;
  const std::vector<float> c = cameras(g, n, 100, 100);
  std::uniform_real_distribution<double> u(-20, 120);
  std::vector<float> pts(2 * n * p);
  for (float& x : pts) x = (float)u(g);
  struct Case { bool cb, shared; size_t p, count; const char* name; };
  const Case cases[] = {{true, false, p, n * p, "per camera"}, {true, true, p, n * p, "shared"},
                        {false, false, n * p, n * p, "one camera"}};
  for (const Case& cs : cases)
    for (int order = 0; order < 3; ++order) {
      const size_t ch = order == 2 ? 3 : 6;
      std::vector<std::vector<float>> outs;
      for (const Driver& d : drivers) {
        std::vector<float> out(cs.count * ch, NAN);
        d.rays(c.data(), cs.cb, pts.data(), cs.shared, cs.p, cs.count, order, out.data());
        double worst = 0;
        for (size_t i = 0; i < cs.count; ++i) {
          const size_t cam = cs.cb ? i / cs.p : 0, k = cs.shared ? i % cs.p : i;
          double want[6];
          channels(oracle(&c[12 * cam], pts[2 * k], pts[2 * k + 1]), order, want);
          for (size_t j = 0; j < ch; ++j) {
            const bool is_m = order == 0 ? j < 3 : j >= 3;
            const double e = fabs(out[ch * i + j] - want[j]) / (is_m ? 1 + center_norm(&c[12 * cam]) : 1);
            if (!(e <= worst)) worst = e;
          }
        }
        if (!(worst <= 1e-6)) report(false, std::string(d.name) + " camera_rays " + cs.name, "max err " + std::to_string(worst));
        outs.push_back(std::move(out));
      }
      for (size_t k = 1; k < outs.size(); ++k)
        if (!same_bits(outs[k].data(), outs[0].data(), outs[0].size() * 4))
          report(false, std::string(drivers[k].name) + " camera_rays " + cs.name + " differs in some bit from sk::cpu");
    }
  report(failures == before, "camera_rays: per-camera, shared and broadcast points within 1e-6 of the oracle");
}

void test_moments(const std::vector<Driver>& drivers, std::mt19937_64& g) {
  const int before = failures;
  const size_t shapes[][3] = {{2, 9, 13}, {3, 64, 80}, {1, 700, 5000}};
  for (const auto& s : shapes) {
    const size_t n = s[0], h = s[1], w = s[2];
    const std::vector<float> c = cameras(g, n, h, w);
    for (int layout = 0; layout < 2; ++layout)
      for (int order = 0; order < 2; ++order) {
        const float pc = 0.5f;
        std::vector<float> map(n * h * w * 6);
        drivers[0].ray_map(c.data(), n, h, w, pc, layout, order, map.data());
        // Oracle: the documented sums, straight from the map, in float64.
        std::vector<double> want(30 * n, 0.0), mag(30 * n, 0.0);
        const double sc = 0.5 * (double)(w > h ? w : h);
        for (size_t i = 0; i < n; ++i)
          for (size_t v = 0; v < h; ++v)
            for (size_t u = 0; u < w; ++u) {
              double vals[6];
              for (int k = 0; k < 6; ++k)
                vals[k] = map[layout == 0 ? ((i * h + v) * w + u) * 6 + k : ((i * 6 + k) * h + v) * w + u];
              const double* d0 = order == 0 ? vals + 3 : vals;
              const double* m0 = order == 0 ? vals : vals + 3;
              const double nd = sqrt(d0[0] * d0[0] + d0[1] * d0[1] + d0[2] * d0[2]);
              const double d[3] = {d0[0] / nd, d0[1] / nd, d0[2] / nd}, m[3] = {m0[0] / nd, m0[1] / nd, m0[2] / nd};
              const double x = ((double)u + pc - 0.5 * w) / sc, y = ((double)v + pc - 0.5 * h) / sc;
              const int pairs[6][2] = {{0, 0}, {0, 1}, {0, 2}, {1, 1}, {1, 2}, {2, 2}};
              double add[30];
              for (int k = 0; k < 6; ++k) {
                const double q = d[pairs[k][0]] * d[pairs[k][1]];
                add[k] = q; add[6 + k] = x * q; add[12 + k] = y * q; add[18 + k] = (x * x + y * y) * q;
              }
              add[24] = d[1] * m[2] - d[2] * m[1]; add[25] = d[2] * m[0] - d[0] * m[2]; add[26] = d[0] * m[1] - d[1] * m[0];
              add[27] = d[0]; add[28] = d[1]; add[29] = d[2];
              for (int k = 0; k < 30; ++k) { want[30 * i + k] += add[k]; mag[30 * i + k] += fabs(add[k]); }
            }
        std::vector<std::vector<double>> outs;
        for (const Driver& d : drivers) {
          std::vector<double> out(30 * n, NAN);
          d.moments(map.data(), n, h, w, pc, layout, order, out.data());
          double worst = 0;
          for (size_t k = 0; k < 30 * n; ++k) {
            const double e = fabs(out[k] - want[k]) / (mag[k] + 1e-300);
            if (!(e <= worst)) worst = e;
          }
          if (!(worst <= 1e-12))
            report(false, std::string(d.name) + " camera_moments " + std::to_string(n) + "x" + std::to_string(h) + "x" + std::to_string(w),
                   "max rel err " + std::to_string(worst));
          outs.push_back(std::move(out));
        }
        for (size_t k = 1; k < outs.size(); ++k)
          if (!same_bits(outs[k].data(), outs[0].data(), outs[0].size() * 8))
            report(false, std::string(drivers[k].name) + " camera_moments differs in some bit from sk::cpu");
      }
  }
  report(failures == before, "camera_moments: the fromRays sums within 1e-12 of the float64 oracle, fixed summation order");
}

}  // namespace

int main() {
  std::vector<Driver> drivers{{"sk::cpu", sk::cpu::camera_ray_map, sk::cpu::camera_rays, sk::cpu::camera_moments}};
  const float c[12] = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};
  float o[6];
  if (sk_test::cuda_usable("camera_ray_map", [&] { sk::cuda::camera_ray_map(c, 1, 1, 1, 0.5f, 0, 0, o); }))
    drivers.push_back({"sk::cuda", sk::cuda::camera_ray_map, sk::cuda::camera_rays, sk::cuda::camera_moments});
  sk_test::print_isa();
  std::mt19937_64 g(20240611);
  test_ray_map(drivers, g);
  test_rays(drivers, g);
  test_moments(drivers, g);
  return sk_test::finish("camera_driver_test");
}
