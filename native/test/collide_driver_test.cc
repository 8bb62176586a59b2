// Native driver test for sk.collide: the CPU driver (sk::cpu) and the CUDA launchers (sk::cuda,
// on Thrust's CPP system in the host build) against one float64 reference written here,
// independent of native/kernels/collide.h: box axes from q v q*, the 15 SAT axes normalised in
// world coordinates, brute force over all pairs. Built and run by scripts/test-native.sh.
//
// Exactness: every driver must give exactly the reference's answers (flags and pair lists, no
// tolerance): the scenes are random, so no pair lies within the ~1e-12 relative band where two
// correct float64 evaluations could disagree; touching integer lattices are exact in both.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#define SK_TEST_DRIVERS "drivers/collide.h"
#include "test/harness.h"

namespace {

struct Driver {
  const char* name;
  decltype(&sk::cpu::collide_overlap) overlap;
  decltype(&sk::cpu::collide_fits) fits;
  decltype(&sk::cpu::collide_pairs) pairs;
  decltype(&sk::cpu::collide_pairs_batched) pairs_batched;
};
#define SK_DRIVER_TABLE(ns) \
  Driver { #ns, ns::collide_overlap, ns::collide_fits, ns::collide_pairs, ns::collide_pairs_batched }

// ---------------------------------------------------------------------------------------------
// float64 reference.
struct V {
  double x, y, z;
};
V add(V a, V b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
V sub(V a, V b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
V mul(V a, double s) { return {a.x * s, a.y * s, a.z * s}; }
double dot(V a, V b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
V cross(V a, V b) { return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x}; }

struct Box {
  V c;
  double h[3];
  V u[3];
};
// v' = q v q* = v + 2w (u × v) + 2 u × (u × v) for the unit q/|q| = (u, w).
V rot(const double* q, V v) {
  const double n = sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
  const V u{q[0] / n, q[1] / n, q[2] / n};
  const double w = q[3] / n;
  const V t = mul(cross(u, v), 2.0);
  return add(add(v, mul(t, w)), cross(u, t));
}
Box load(const float* b, double margin) {
  const double q[4] = {b[6], b[7], b[8], b[9]};
  Box r;
  r.c = {b[0], b[1], b[2]};
  for (int k = 0; k < 3; ++k) r.h[k] = b[3 + k] + margin / 2;
  r.u[0] = rot(q, {1, 0, 0});
  r.u[1] = rot(q, {0, 1, 0});
  r.u[2] = rot(q, {0, 0, 1});
  return r;
}
double radius(const Box& b, V L) {
  return b.h[0] * fabs(dot(b.u[0], L)) + b.h[1] * fabs(dot(b.u[1], L)) + b.h[2] * fabs(dot(b.u[2], L));
}
bool ref_overlap(const Box& A, const Box& B) {
  const V T = sub(B.c, A.c);
  V axes[15];
  int k = 0;
  for (int i = 0; i < 3; ++i) axes[k++] = A.u[i];
  for (int i = 0; i < 3; ++i) axes[k++] = B.u[i];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) axes[k++] = cross(A.u[i], B.u[j]);
  const double S = A.h[0] + A.h[1] + A.h[2] + B.h[0] + B.h[1] + B.h[2] + sqrt(dot(T, T));
  for (const V& L0 : axes) {
    const double n = sqrt(dot(L0, L0));
    if (n < 1e-6) continue;  // (nearly) parallel edges: the face axes decide
    const V L = mul(L0, 1 / n);
    if (fabs(dot(T, L)) - radius(A, L) - radius(B, L) > 1e-12 * S) return false;
  }
  return true;
}
std::vector<uint64_t> ref_pairs(const float* b, size_t n, double margin) {  // (i << 32 | j)
  std::vector<Box> B;
  for (size_t i = 0; i < n; ++i) B.push_back(load(b + 10 * i, margin));
  std::vector<uint64_t> out;
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j)
      if (ref_overlap(B[i], B[j])) out.push_back((uint64_t)i << 32 | j);
  return out;
}
// Reads the driver's pair words as (i, j) uint32 pairs in memory order.
std::vector<uint64_t> lex(const std::vector<uint64_t>& words) {
  std::vector<uint64_t> out(words.size());
  for (size_t k = 0; k < words.size(); ++k) {
    uint32_t ij[2];
    memcpy(ij, &words[k], 8);
    out[k] = (uint64_t)ij[0] << 32 | ij[1];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Scenes.
std::mt19937_64 rng(20240611);
double uni() { return std::uniform_real_distribution<double>(0, 1)(rng); }
void random_q(float* q, bool yaw) {
  if (yaw) {
    const double a = 2 * M_PI * uni();
    q[0] = q[1] = 0;
    q[2] = (float)sin(a / 2);
    q[3] = (float)cos(a / 2);
    return;
  }
  const double u1 = uni(), u2 = uni(), u3 = uni();
  q[0] = (float)(sqrt(1 - u1) * sin(2 * M_PI * u2));
  q[1] = (float)(sqrt(1 - u1) * cos(2 * M_PI * u2));
  q[2] = (float)(sqrt(u1) * sin(2 * M_PI * u3));
  q[3] = (float)(sqrt(u1) * cos(2 * M_PI * u3));
}
// n boxes, half-extents in [lo, hi], about `per` overlaps per box.
std::vector<float> scene(size_t n, bool yaw, double lo = 0.2, double hi = 0.6, double per = 2) {
  const double h = (lo + hi) / 2, L = cbrt(n * (4.0 / 3) * M_PI * pow(2.4 * h, 3) / (2 * per));
  std::vector<float> b(10 * n);
  for (size_t i = 0; i < n; ++i) {
    float* p = &b[10 * i];
    for (int k = 0; k < 3; ++k) p[k] = (float)((uni() - 0.5) * L);
    for (int k = 3; k < 6; ++k) p[k] = (float)(lo + (hi - lo) * uni());
    random_q(p + 6, yaw);
  }
  return b;
}

using sk_test::failures;
void check(bool ok, const char* driver, const std::string& what) { sk_test::report(ok, driver, what); }

void test_driver(const Driver& d) {
  // overlap: random near pairs (element-wise), broadcast, and a bad box.
  {
    const size_t n = 5000;
    std::vector<float> a = scene(n, false, 0.1, 1.0, 1e9), b = a;  // huge `per`: a tiny cube of centres
    for (size_t i = 0; i < n; ++i) {
      for (int k = 0; k < 3; ++k) b[10 * i + k] = a[10 * i + k] + (float)(2.2 * (uni() - 0.5));
      random_q(&b[10 * i + 6], i % 2);
    }
    for (double margin : {0.0, 0.1}) {
      std::vector<uint8_t> out(n);
      const size_t st = d.overlap(a.data(), true, b.data(), true, margin, out.data(), n);
      size_t wrong = 0, ones = 0;
      for (size_t i = 0; i < n; ++i) {
        wrong += out[i] != ref_overlap(load(&a[10 * i], margin), load(&b[10 * i], margin));
        ones += out[i];
      }
      check(st == SIZE_MAX && wrong == 0 && ones > n / 5 && ones < 4 * n / 5, d.name,
            "overlap: 5000 near pairs, margin " + std::to_string(margin) + ": " + std::to_string(wrong) + " wrong, " +
                std::to_string(ones) + " overlapping");
      std::vector<uint8_t> o2(n);
      d.overlap(a.data(), false, b.data(), true, margin, o2.data(), n);
      wrong = 0;
      for (size_t i = 0; i < n; ++i) wrong += o2[i] != ref_overlap(load(&a[0], margin), load(&b[10 * i], margin));
      check(wrong == 0, d.name, "overlap: one box broadcast against 5000");
    }
    b[10 * 77 + 4] = -1;
    std::vector<uint8_t> out(n);
    check(d.overlap(a.data(), true, b.data(), true, 0, out.data(), n) == 77, d.name, "overlap: negative half-extent → index 77");
  }
  // fits: candidates against placed sets, and the numbering of bad boxes.
  {
    std::vector<float> placed = scene(300, false, 0.2, 0.6, 0.5), cand = scene(2000, true, 0.2, 0.6, 0.5);
    std::vector<uint8_t> out(2000);
    const size_t st = d.fits(cand.data(), 2000, placed.data(), 300, 0.05, out.data());
    size_t wrong = 0, ones = 0;
    for (size_t i = 0; i < 2000; ++i) {
      bool free = true;
      for (size_t j = 0; j < 300 && free; ++j) free = !ref_overlap(load(&cand[10 * i], 0.05), load(&placed[10 * j], 0.05));
      wrong += out[i] != free;
      ones += out[i];
    }
    check(st == SIZE_MAX && wrong == 0 && ones > 0 && ones < 2000, d.name,
          "fits: 2000 candidates vs 300 placed: " + std::to_string(wrong) + " wrong, " + std::to_string(ones) + " free");
    placed[10 * 5 + 9] = NAN;
    check(d.fits(cand.data(), 2000, placed.data(), 300, 0, out.data()) == 2005, d.name, "fits: NaN in placed[5] → 2000 + 5");
    check(d.fits(cand.data(), 0, placed.data(), 0, 0, out.data()) == SIZE_MAX, d.name, "fits: no candidates");
  }
  // pairs: uniform (3-D, yaw), mixed sizes, a touching lattice, margins, limits, bad boxes.
  {
    struct Case {
      const char* name;
      std::vector<float> b;
    };
    std::vector<Case> cases = {{"uniform 3-D, N 3000", scene(3000, false)},
                               {"uniform yaw, N 3000", scene(3000, true)},
                               {"mixed sizes 0.01-10, N 2000", scene(2000, false, 0.01, 10, 1)},
                               {"N 30 (brute path)", scene(30, false)},
                               {"N 1", scene(1, false)}};
    std::vector<float> lat;
    for (int x = 0; x < 6; ++x)
      for (int y = 0; y < 6; ++y)
        for (int z = 0; z < 6; ++z) lat.insert(lat.end(), {2.0f * x, 2.0f * y, 2.0f * z, 1, 1, 1, 0, 0, 0, 1});
    cases.push_back({"touching 6×6×6 lattice", lat});
    for (const Case& c : cases)
      for (double margin : {0.0, 0.05}) {
        const size_t n = c.b.size() / 10;
        std::vector<uint64_t> got;
        const size_t st = d.pairs(c.b.data(), n, margin, 0x7FFFFFFF, &got);
        const std::vector<uint64_t> want = ref_pairs(c.b.data(), n, margin);
        check(st == SIZE_MAX && lex(got) == want, d.name,
              std::string("pairs: ") + c.name + ", margin " + std::to_string(margin) + ": " + std::to_string(got.size()) +
                  " pairs, reference " + std::to_string(want.size()));
      }
    std::vector<uint64_t> got;
    const size_t lat_pairs = ref_pairs(lat.data(), 216, 0).size();
    check(d.pairs(lat.data(), 216, 0, lat_pairs - 1, &got) == SIZE_MAX - 1, d.name, "pairs: maxPairs one short → too many");
    lat[10 * 100 + 6] = 0, lat[10 * 100 + 9] = 0;
    check(d.pairs(lat.data(), 216, 0, 1000000, &got) == 100, d.name, "pairs: zero quaternion → index 100");
  }
  // pairsBatched = pairs per scene.
  {
    const size_t sizes[] = {3, 0, 1, 3, 32, 64, 65, 200, 3, 1500, 2};
    std::vector<float> all;
    std::vector<uint32_t> off = {0};
    std::vector<std::vector<float>> sc;
    for (size_t k : sizes) {
      sc.push_back(scene(k, k % 2, 0.2, 0.6, 3));
      all.insert(all.end(), sc.back().begin(), sc.back().end());
      off.push_back(off.back() + (uint32_t)k);
    }
    std::vector<uint64_t> got;
    std::vector<uint32_t> goff;
    const size_t st = d.pairs_batched(all.data(), all.size() / 10, off.data(), sc.size(), 0.02, 0x7FFFFFFF, &got, &goff);
    bool ok = st == SIZE_MAX && goff.size() == sc.size() + 1 && goff[0] == 0 && goff.back() == got.size();
    for (size_t s = 0; ok && s < sc.size(); ++s) {
      const std::vector<uint64_t> part(got.begin() + goff[s], got.begin() + goff[s + 1]);
      ok = lex(part) == ref_pairs(sc[s].data(), sizes[s], 0.02);
    }
    check(ok, d.name, "pairsBatched: 11 scenes of 0 … 1500 boxes = the reference per scene (" + std::to_string(got.size()) + " pairs)");
    const uint32_t one[1] = {0};
    check(d.pairs_batched(nullptr, 0, one, 0, 0, 10, &got, &goff) == SIZE_MAX && got.empty() && goff.size() == 1, d.name,
          "pairsBatched: no scenes");
  }
}

}  // namespace

int main() {
  std::vector<Driver> drivers = {SK_DRIVER_TABLE(sk::cpu)};
  sk_test::print_isa();
  const float box[10] = {0, 0, 0, 1, 1, 1, 0, 0, 0, 1};
  uint8_t o;
  if (sk_test::cuda_usable("collide_overlap", [&] { sk::cuda::collide_overlap(box, true, box, true, 0, &o, 1); }))
    drivers.push_back(SK_DRIVER_TABLE(sk::cuda));
  for (const Driver& d : drivers) test_driver(d);
  return sk_test::finish("collide_driver_test");
}
