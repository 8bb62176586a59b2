// Native driver test for sk.rope: the CPU driver (sk::cpu) and the CUDA launchers (sk::cuda, on
// Thrust's CPP system in the host build) against a float64 oracle written here, and bit for bit
// against each other (same bodies, same order of operations). Built and run by
// scripts/test-native.sh like quat_driver_test.cc; without a GPU the nvcc variant checks that the
// launchers throw cleanly and prints "SKIP cuda: <reason>".
//
// Tolerance 1e-5 per value (|x| ≤ 1): float32 rotations of unit-scale values, angles reduced in
// float64, are within a few ulps; 16-bit storage adds half an ulp of the format (rtol 2^-11 / 2^-8).
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#define SK_TEST_DRIVERS "drivers/rope.h"
#include "test/harness.h"
#include "kernels/rope.h"  // only for the 16-bit conversions of test inputs and outputs

namespace {

struct Driver {
  const char* name;
  decltype(&sk::cpu::rope_quatrope) quatrope;
  decltype(&sk::cpu::rope_igre) igre;
  decltype(&sk::cpu::rope_pairs) pairs;
};

using sk_test::failures;
void check(bool ok, const std::string& what) { sk_test::report(ok, what); }

std::mt19937_64 gen(20251122);
double u(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(gen); }

// Rz(c)·Ry(b)·Rx(a) as a product of the three factors.
void rot(const double* ang, double* R) {
  const double ca = cos(ang[0]), sa = sin(ang[0]), cb = cos(ang[1]), sb = sin(ang[1]), cc = cos(ang[2]), sc = sin(ang[2]);
  const double X[9] = {1, 0, 0, 0, ca, -sa, 0, sa, ca}, Y[9] = {cb, 0, sb, 0, 1, 0, -sb, 0, cb},
               Z[9] = {cc, -sc, 0, sc, cc, 0, 0, 0, 1};
  double ZY[9];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      ZY[3 * i + j] = 0;
      for (int k = 0; k < 3; ++k) ZY[3 * i + j] += Z[3 * i + k] * Y[3 * k + j];
    }
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      R[3 * i + j] = 0;
      for (int k = 0; k < 3; ++k) R[3 * i + j] += ZY[3 * i + k] * X[3 * k + j];
    }
}

double load(const void* p, int dt, size_t i) {
  if (dt == ROPE_F32) return static_cast<const float*>(p)[i];
  const uint16_t h = static_cast<const uint16_t*>(p)[i];
  return dt == ROPE_F16 ? rope_f16_to_f32(h) : rope_bf16_to_f32(h);
}

struct Case {
  size_t B = 2, T = 37, H = 3, D = 11;
  int dt = ROPE_F32;
  std::vector<float> pos;
  std::vector<uint8_t> mask;
  std::vector<uint8_t> x;  // storage bytes
  size_t n() const { return B * T * H * D; }
  size_t elem() const { return dt == ROPE_F32 ? 4 : 2; }
};

Case make(int dt, size_t D, int A) {
  Case c;
  c.dt = dt;
  c.D = D;
  c.pos.resize(A * c.T);
  for (float& p : c.pos) p = (float)u(-10, 10);
  c.mask.resize(c.T);
  for (size_t t = 0; t < c.T; ++t) c.mask[t] = t % 4 != 1;
  c.pos[A * 1] = NAN;  // masked rows are not read
  c.x.resize(c.n() * c.elem());
  for (size_t i = 0; i < c.n(); ++i) {
    const float v = (float)u(-1, 1);
    if (dt == ROPE_F32) memcpy(&c.x[4 * i], &v, 4);
    else {
      const uint16_t h = dt == ROPE_F16 ? rope_f32_to_f16(v) : rope_f32_to_bf16(v);
      memcpy(&c.x[2 * i], &h, 2);
    }
  }
  return c;
}

double tol(int dt, double want) {
  return 1e-5 + (dt == ROPE_F16 ? ldexp(1, -11) : dt == ROPE_BF16 ? ldexp(1, -8) : 0) * fabs(want);
}

void compare(const char* drv, const std::string& op, const Case& c, const std::vector<uint8_t>& got,
             const std::vector<double>& want, const std::vector<uint8_t>* ref) {
  size_t bad = 0;
  double worst = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    const double g = load(got.data(), c.dt, i), e = fabs(g - want[i]);
    worst = fmax(worst, e);
    bad += !(e <= tol(c.dt, want[i]));
  }
  char buf[160];
  snprintf(buf, sizeof buf, "%-9s %-26s %6zu values, max err %.2g", drv, op.c_str(), want.size(), worst);
  check(bad == 0, buf);
  if (ref) check(*ref == got, std::string(drv) + " " + op + " bit-identical to sk::cpu");
}

void run_all(const Driver& d, std::vector<std::vector<uint8_t>>& refs) {
  gen.seed(20251122);  // every driver sees the same inputs
  size_t r = 0;
  auto keep = [&](const std::vector<uint8_t>& got) -> const std::vector<uint8_t>* {
    if (refs.size() <= r) {
      refs.push_back(got);
      ++r;
      return nullptr;
    }
    return &refs[r++];
  };
  for (int dt : {ROPE_F32, ROPE_F16, ROPE_BF16}) {
    const char* dn = dt == ROPE_F32 ? "f32" : dt == ROPE_F16 ? "f16" : "bf16";
    {  // QuatRoPE, ladder θ with an axis scale
      Case c = make(dt, 11, 3);
      const size_t S = c.D / 3;
      std::vector<double> th(3 * S);
      for (size_t s = 0; s < S; ++s)
        for (int a = 0; a < 3; ++a) th[3 * s + a] = 0.3 * pow(0.5, (double)s) * (a == 1 ? -2 : 1);
      std::vector<uint8_t> out(c.x.size());
      const size_t bad = d.quatrope(c.x.data(), dt, c.pos.data(), th.data(), c.mask.data(), c.B * c.T, c.T, c.H, c.D,
                                    out.data());
      std::vector<double> want(c.n());
      for (size_t i = 0; i < c.n(); ++i) want[i] = load(c.x.data(), dt, i);
      for (size_t tok = 0; tok < c.B * c.T; ++tok) {
        const size_t t = tok % c.T;
        if (!c.mask[t]) continue;
        for (size_t s = 0; s < S; ++s) {
          double ang[3], R[9];
          for (int a = 0; a < 3; ++a) ang[a] = th[3 * s + a] * c.pos[3 * t + a];
          rot(ang, R);
          for (size_t h = 0; h < c.H; ++h) {
            const size_t b = (tok * c.H + h) * c.D + 3 * s;
            const double v[3] = {load(c.x.data(), dt, b), load(c.x.data(), dt, b + 1), load(c.x.data(), dt, b + 2)};
            for (int k = 0; k < 3; ++k) want[b + k] = R[3 * k] * v[0] + R[3 * k + 1] * v[1] + R[3 * k + 2] * v[2];
          }
        }
      }
      check(bad == SIZE_MAX, std::string(d.name) + " quatrope " + dn + " returns no bad row");
      compare(d.name, std::string("quatrope ") + dn, c, out, want, keep(out));
    }
    {  // IGRE, two segments, tilted base
      Case c = make(dt, 8, 3);
      const size_t S = 2, W = c.D + 3 * S;
      const double th[6] = {0.8, 0.8, 0.8, 0.1, 0.2, 0.3};
      const float b[3] = {0.6f, 0.0f, 0.8f};
      std::vector<uint8_t> out(c.B * c.T * c.H * W * c.elem());
      d.igre(c.x.data(), dt, c.pos.data(), th, S, b, c.mask.data(), c.B * c.T, c.T, c.H, c.D, out.data());
      std::vector<double> want(c.B * c.T * c.H * W, 0.0);
      for (size_t tok = 0; tok < c.B * c.T; ++tok)
        for (size_t h = 0; h < c.H; ++h) {
          const size_t t = tok % c.T, o = (tok * c.H + h) * W;
          for (size_t k = 0; k < c.D; ++k) want[o + k] = load(c.x.data(), dt, (tok * c.H + h) * c.D + k);
          if (!c.mask[t]) continue;
          for (size_t s = 0; s < S; ++s) {
            double ang[3], R[9];
            for (int a = 0; a < 3; ++a) ang[a] = th[3 * s + a] * c.pos[3 * t + a];
            rot(ang, R);
            for (int k = 0; k < 3; ++k) want[o + c.D + 3 * s + k] = R[3 * k] * b[0] + R[3 * k + 1] * b[1] + R[3 * k + 2] * b[2];
          }
        }
      compare(d.name, std::string("igre ") + dn, c, out, want, keep(out));
    }
    for (int A : {1, 3})
      for (int layout : {0, 1}) {  // RoPE (A = 1) and mixed 3-D (A = 3), both layouts
        Case c = make(dt, 12, A);
        const size_t P = c.D / 2;
        std::vector<double> w(A * P);
        for (double& v : w) v = u(-1, 1);
        std::vector<uint8_t> out(c.x.size());
        d.pairs(c.x.data(), dt, c.pos.data(), A, w.data(), layout, c.mask.data(), c.B * c.T, c.T, c.H, c.D, out.data());
        std::vector<double> want(c.n());
        for (size_t i = 0; i < c.n(); ++i) want[i] = load(c.x.data(), dt, i);
        for (size_t tok = 0; tok < c.B * c.T; ++tok) {
          const size_t t = tok % c.T;
          if (!c.mask[t]) continue;
          for (size_t h = 0; h < c.H; ++h)
            for (size_t j = 0; j < P; ++j) {
              double phi = 0;
              for (int a = 0; a < A; ++a) phi += w[A * j + a] * c.pos[A * t + a];
              const size_t ia = (tok * c.H + h) * c.D + (layout ? 2 * j : j), ib = ia + (layout ? 1 : P);
              const double x0 = load(c.x.data(), dt, ia), x1 = load(c.x.data(), dt, ib);
              want[ia] = x0 * cos(phi) - x1 * sin(phi);
              want[ib] = x0 * sin(phi) + x1 * cos(phi);
            }
        }
        compare(d.name, std::string(A == 1 ? "rope1d " : "mixed3d ") + (layout ? "interleaved " : "half ") + dn, c, out,
                want, keep(out));
      }
  }
  // A non-finite position of an unmasked token: its row is returned and nothing is written.
  float pos[6] = {0, 0, 0, 1, INFINITY, 2};
  float x[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, out[12] = {0};
  const double th[3] = {0.3, 0.3, 0.3};
  const size_t bad = d.quatrope(x, ROPE_F32, pos, th, nullptr, 4, 2, 1, 3, out);
  bool untouched = true;
  for (float v : out) untouched = untouched && v == 0;
  check(bad == 1 && untouched, std::string(d.name) + " non-finite position row 1 reported before writing");
}

}  // namespace

int main() {
  std::vector<Driver> drivers = {{"sk::cpu", sk::cpu::rope_quatrope, sk::cpu::rope_igre, sk::cpu::rope_pairs}};
  float x[3] = {1, 2, 3}, pos[3] = {0, 0, 0}, out[3];
  const double th[3] = {0.3, 0.3, 0.3};
  if (sk_test::cuda_usable("rope_quatrope", [&] { sk::cuda::rope_quatrope(x, ROPE_F32, pos, th, nullptr, 1, 1, 1, 3, out); }))
    drivers.push_back({"sk::cuda", sk::cuda::rope_quatrope, sk::cuda::rope_igre, sk::cuda::rope_pairs});
  sk_test::print_isa();
  std::vector<std::vector<uint8_t>> refs;
  for (const Driver& d : drivers) run_all(d, refs);
  return sk_test::finish("rope_driver_test");
}
