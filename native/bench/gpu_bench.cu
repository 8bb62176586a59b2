// CPU-vs-GPU benchmark (issue 15): each domain's heaviest op timed four ways on one machine —
//   cpu 1 thread / cpu all threads  the native CPU driver (sk::cpu, what the `native` backend runs);
//   gpu total                       the CUDA driver on pageable host memory (sk::cuda::*), i.e.
//                                   what a Node call on the `cuda` backend pays: device allocation,
//                                   host→device copy, kernel, device→host copy, free;
//   gpu kernel                      the device-memory entry point (cuda/device.h) on buffers that
//                                   already live on the GPU, timed with CUDA events;
// beside the reference rates measured in the same run: the GPU's device-to-device copy, pageable
// and pinned host↔device copies, and the CPU's own copy (all threads and one). Every GPU output is
// compared with the CPU driver's (bit for bit, or within the stated tolerance for Normalized
// Entropy, whose log2 is CUDA's on the GPU and glibc's on the CPU).
//
// Built by scripts/test-native.sh twice from this one source: by nvcc (the GPU build) and by g++
// on Thrust's CPP system (SK_THRUST_HOST), where the "gpu" columns time the sequential host
// stand-in — meaningless as speed, but it runs every path, check and output of this harness on a
// machine without a GPU (scripts/gpu-check.sh --cpu-only).
//
// Usage: gpu_bench [--out DIR] [--scale S] [--reps R] [--cpu-only]
//   --out DIR   writes DIR/gpu-bench.json and DIR/gpu-bench.md (DIR must exist)
//   --scale S   multiplies every problem size (default 1: the sizes of issue 15)
//   --reps R    timed calls per figure after one untimed warm-up call (default 5; 3 for calls
//               over a second); each figure is the median
//   --cpu-only  CPU columns only (also what happens, after saying so, when CUDA is unavailable
//               and this flag is absent: then the program exits 0 without measuring)
// One-thread CPU figures come from a child process forked first (the thread pool reads
// SPATIALKIT_THREADS once; CUDA must not be initialised before a fork).
// Prints PASS/FAIL per check, the table, and exits 1 if any check failed.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <thrust/copy.h>
#include <thrust/device_vector.h>
#include <thrust/execution_policy.h>

#undef SK_DRIVER_NS
#define SK_DRIVER_NS sk::cpu
#include "drivers/camera.h"
#include "drivers/collide.h"
#include "drivers/metrics.h"
#include "drivers/quat.h"
#include "drivers/render.h"
#include "drivers/rope.h"
#undef SK_DRIVER_NS
#define SK_DRIVER_NS sk::cuda
#include "drivers/camera.h"
#include "drivers/collide.h"
#include "drivers/metrics.h"
#include "drivers/quat.h"
#include "drivers/render.h"
#include "drivers/rope.h"
#undef SK_DRIVER_NS

#include "cpu/dispatch.h"
#include "cpu/pool.h"
#include "cuda/device.h"
#include "cuda/status.h"
#include "kernels/camera.h"
#include "kernels/collide.h"
#include "kernels/render.h"
#include "kernels/rope.h"

#ifndef SK_THRUST_HOST
#include <cuda_runtime_api.h>
#endif

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

// ---------------------------------------------------------------------------------------------
// Timers. The GPU build times device work with CUDA events on the default stream (Thrust's
// thrust::device policy runs there); the host stand-in uses the wall clock.
#ifdef SK_THRUST_HOST
constexpr bool kRealGpu = false;
struct KernelTimer {
  Clock::time_point t0;
  void start() { t0 = Clock::now(); }
  double stop() { return ms_since(t0); }
};
void device_sync() {}
#else
constexpr bool kRealGpu = true;
struct KernelTimer {
  cudaEvent_t a{}, b{};
  KernelTimer() {
    SK_CUDA_CHECK(cudaEventCreate(&a));
    SK_CUDA_CHECK(cudaEventCreate(&b));
  }
  ~KernelTimer() {
    cudaEventDestroy(a);
    cudaEventDestroy(b);
  }
  void start() { SK_CUDA_CHECK(cudaEventRecord(a, 0)); }
  double stop() {
    SK_CUDA_CHECK(cudaEventRecord(b, 0));
    SK_CUDA_CHECK(cudaEventSynchronize(b));
    float ms = 0;
    SK_CUDA_CHECK(cudaEventElapsedTime(&ms, a, b));
    return ms;
  }
};
void device_sync() { SK_CUDA_CHECK(cudaDeviceSynchronize()); }
#endif

struct Options {
  std::string out;
  double scale = 1;
  int reps = 5;
  bool cpu_only = false;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n == 0 ? NAN : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// One untimed warm-up call (its output is what the checks read), then `reps` timed calls
// (3 when the warm-up took over a second); the median in ms.
template <class F>
double time_wall(const Options& o, F f) {
  auto t0 = Clock::now();
  f();
  const int reps = ms_since(t0) > 1000 ? std::min(o.reps, 3) : o.reps;
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    t0 = Clock::now();
    f();
    t.push_back(ms_since(t0));
  }
  return median(t);
}
template <class F>
double time_kernel(const Options& o, F f) {
  KernelTimer k;
  auto t0 = Clock::now();
  f();
  device_sync();
  const int reps = ms_since(t0) > 1000 ? std::min(o.reps, 3) : o.reps;
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    k.start();
    f();
    t.push_back(k.stop());
  }
  return median(t);
}

// ---------------------------------------------------------------------------------------------
// Inputs: splitmix64, so every process (parent, one-thread child) builds the same data.
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  float uniform(float lo, float hi) { return lo + (hi - lo) * (float)((next() >> 40) * 0x1p-24); }
};
std::vector<float> uniform(size_t n, uint64_t seed, float lo, float hi) {
  std::vector<float> v(n);
  Rng r{seed};
  for (float& x : v) x = r.uniform(lo, hi);
  return v;
}
// An output buffer written once, so the timed calls do not pay its page faults.
template <class T>
std::vector<T> touched(size_t n) { return std::vector<T>(n, T(0)); }

template <class T>
thrust::device_vector<T> to_device(const std::vector<T>& v) { return thrust::device_vector<T>(v.begin(), v.end()); }
template <class T>
std::vector<T> to_host(const thrust::device_vector<T>& d) {
  std::vector<T> v(d.size());
  if (!v.empty()) thrust::copy(d.begin(), d.end(), v.begin());
  return v;
}
template <class T>
T* ptr(thrust::device_vector<T>& d) { return thrust::raw_pointer_cast(d.data()); }
template <class T>
const T* ptr(const thrust::device_vector<T>& d) { return thrust::raw_pointer_cast(d.data()); }

std::string count_str(double v) {
  char b[32];
  const double e = floor(log10(v));
  if (v >= 1e6 && fabs(v - pow(10, e)) < 0.5) snprintf(b, sizeof b, "1e%d", (int)e);
  else snprintf(b, sizeof b, "%.0f", v);
  return b;
}

// ---------------------------------------------------------------------------------------------
struct Row {
  std::string op, shape;
  double in_bytes = 0, out_bytes = 0;
  double cpu1 = NAN, cpuN = NAN, gpu_total = NAN, gpu_kernel = NAN;
  std::string check = "not run";
  bool ok = true;
  std::string key() const { return op + " " + shape; }
  double bytes() const { return in_bytes + out_bytes; }
};

struct Bench {
  Options opt;
  bool gpu = false;        // GPU columns are measured (parent, CUDA available, not --cpu-only)
  bool child = false;      // the one-thread child: CPU column only
  std::vector<Row> rows;
  std::vector<std::pair<std::string, std::string>> skipped;  // (op, why)
  std::map<std::string, double> refs;                         // reference rates, GB/s
  int failures = 0;

  size_t scaled(double base, size_t at_least = 1) const {
    return std::max(at_least, (size_t)llround(base * opt.scale));
  }
  template <class F>
  void cpu(Row& r, F f) { (child ? r.cpu1 : r.cpuN) = time_wall(opt, f); }

  // got must equal want bit for bit.
  template <class T>
  void same(Row& r, const char* who, const std::vector<T>& want, const std::vector<T>& got) {
    const bool ok = want.size() == got.size() && (want.empty() || !memcmp(want.data(), got.data(), want.size() * sizeof(T)));
    record(r, ok, std::string(who) + " bit-identical to sk::cpu");
  }
  void record(Row& r, bool ok, const std::string& what) {
    printf("%s gpu_bench %s: %s\n", ok ? "PASS" : "FAIL", r.key().c_str(), what.c_str());
    failures += !ok;
    r.check = r.check == "not run" ? what : r.check + "; " + what;
    r.ok = r.ok && ok;
  }
  void add(Row r) {
    printf("  %-34s cpu %s %9.3f ms", r.key().c_str(), child ? "1 thread " : "all      ", child ? r.cpu1 : r.cpuN);
    if (gpu) printf(" | gpu total %9.3f ms | kernel %9.3f ms", r.gpu_total, r.gpu_kernel);
    printf("\n");
    fflush(stdout);
    rows.push_back(std::move(r));
  }
};

// ---------------------------------------------------------------------------------------------
// Reference rates (GB/s, bytes read + written for copies within one memory; bytes moved across
// PCIe for host↔device copies).
void references(Bench& b) {
  const size_t bytes = b.scaled(1u << 30, 16u << 20) & ~size_t(63);
  std::vector<uint8_t> src(bytes, 1), dst(bytes, 0);
  // CPU copy: the thread pool over 1 MiB blocks (all threads), or one thread in the child.
  const double cpu_ms = time_wall(b.opt, [&] {
    sk::parallel_for(bytes, 1u << 20, [&](size_t s, size_t e) -> size_t {
      memcpy(dst.data() + s, src.data() + s, e - s);
      return SIZE_MAX;
    });
  });
  b.refs[b.child ? "cpu_copy_1t_gbps" : "cpu_copy_gbps"] = 2.0 * bytes / cpu_ms / 1e6;
  if (!b.gpu) return;
  thrust::device_vector<uint8_t> d1(bytes), d2(bytes);
  uint8_t* p1 = ptr(d1);
  const uint8_t* p2 = ptr(d2);
#ifdef SK_THRUST_HOST
  b.refs["gpu_d2d_gbps"] = 2.0 * bytes / time_kernel(b.opt, [&] { thrust::copy(thrust::device, p2, p2 + bytes, p1); }) / 1e6;
  b.refs["h2d_pageable_gbps"] = bytes / time_wall(b.opt, [&] { thrust::copy(src.begin(), src.end(), d1.begin()); }) / 1e6;
  b.refs["d2h_pageable_gbps"] = bytes / time_wall(b.opt, [&] { thrust::copy(d1.begin(), d1.end(), dst.begin()); }) / 1e6;
#else
  // cudaMemcpy's device-to-device copy: the usual bandwidth reference (a byte-wise Thrust copy
  // could be slower than the memory allows).
  b.refs["gpu_d2d_gbps"] =
      2.0 * bytes / time_kernel(b.opt, [&] { SK_CUDA_CHECK(cudaMemcpyAsync(p1, p2, bytes, cudaMemcpyDeviceToDevice, 0)); }) / 1e6;
  b.refs["h2d_pageable_gbps"] =
      bytes / time_wall(b.opt, [&] { SK_CUDA_CHECK(cudaMemcpy(p1, src.data(), bytes, cudaMemcpyHostToDevice)); }) / 1e6;
  b.refs["d2h_pageable_gbps"] =
      bytes / time_wall(b.opt, [&] { SK_CUDA_CHECK(cudaMemcpy(dst.data(), p2, bytes, cudaMemcpyDeviceToHost)); }) / 1e6;
  void* pinned = nullptr;
  SK_CUDA_CHECK(cudaMallocHost(&pinned, bytes));
  memset(pinned, 1, bytes);
  b.refs["h2d_pinned_gbps"] =
      bytes / time_wall(b.opt, [&] { SK_CUDA_CHECK(cudaMemcpy(p1, pinned, bytes, cudaMemcpyHostToDevice)); }) / 1e6;
  b.refs["d2h_pinned_gbps"] =
      bytes / time_wall(b.opt, [&] { SK_CUDA_CHECK(cudaMemcpy(pinned, p2, bytes, cudaMemcpyDeviceToHost)); }) / 1e6;
  SK_CUDA_CHECK(cudaFreeHost(pinned));
#endif
}

// ---------------------------------------------------------------------------------------------
// The cases. Each builds its inputs, times the CPU driver, then (parent with a GPU) the host
// driver and the device entry point, and checks both against the CPU output.

// quat.multiply (a [n, 4] ⊗ b [n, 4]) or quat.rotate (q [n, 4] applied to v [n, 3]): the two
// drivers share one signature.
void quat_pair(Bench& b, bool rotate, size_t n) {
  using Fn = decltype(&sk::cpu::quat_multiply);
  const Fn cpu = rotate ? sk::cpu::quat_rotate : sk::cpu::quat_multiply;
  const Fn cuda = rotate ? sk::cuda::quat_rotate : sk::cuda::quat_multiply;
  const Fn dev = rotate ? sk::cuda::device::quat_rotate : sk::cuda::device::quat_multiply;
  const size_t io = rotate ? 3 : 4;  // floats per output (and per second input)
  Row r{rotate ? "quat.rotate" : "quat.multiply", "n=" + count_str((double)n), 4.0 * (4 + io) * n, 4.0 * io * n};
  std::vector<float> qa(4 * n), qb = rotate ? uniform(3 * n, 3, -1, 1) : std::vector<float>(4 * n);
  std::vector<float> want = touched<float>(io * n);
  sk::cpu::quat_random(1, qa.data(), n);
  if (!rotate) sk::cpu::quat_random(2, qb.data(), n);
  b.cpu(r, [&] { cpu(qa.data(), true, qb.data(), true, want.data(), n); });
  if (b.gpu) {
    std::vector<float> got = touched<float>(io * n);
    r.gpu_total = time_wall(b.opt, [&] { cuda(qa.data(), true, qb.data(), true, got.data(), n); });
    b.same(r, "sk::cuda", want, got);
    got = {};
    auto da = to_device(qa), db = to_device(qb);
    thrust::device_vector<float> dout(io * n);
    r.gpu_kernel = time_kernel(b.opt, [&] { dev(ptr(da), true, ptr(db), true, ptr(dout), n); });
    b.same(r, "sk::cuda::device", want, to_host(dout));
  }
  b.add(r);
}

// QuatRoPE (θ = 0.3 on every segment, the paper's default) or RoPE (inv_freq_j = 1e4^(−2j/D),
// half layout) on float32 x [T, H, D], positions of every token, no mask.
void rope(Bench& b, bool quat, size_t T, size_t H, size_t D) {
  const size_t n = T * H * D, A = quat ? 3 : 1;
  char shape[64];
  snprintf(shape, sizeof shape, "[%zu, %zu, %zu]", T, H, D);
  Row r{quat ? "rope.quatrope" : "rope.rope1d", shape, 4.0 * n + 4.0 * A * T, 4.0 * n};
  const std::vector<float> x = uniform(n, 5, -1, 1), pos = uniform(A * T, 6, -10, 10);
  std::vector<double> par;  // theta3 [S, 3] or w [D/2, 1]
  if (quat) par.assign(3 * (D / 3), 0.3);
  else
    for (size_t j = 0; j < D / 2; ++j) par.push_back(pow(1e4, -2.0 * (double)j / (double)D));
  struct Fns {  // one driver's pair of entry points (sk::cpu, sk::cuda or sk::cuda::device)
    decltype(&sk::cpu::rope_quatrope) q;
    decltype(&sk::cpu::rope_pairs) p;
  };
  auto run = [&](const Fns& fn, const void* px, const float* pp, void* po) {
    return quat ? fn.q(px, ROPE_F32, pp, par.data(), nullptr, T, T, H, D, po)
                : fn.p(px, ROPE_F32, pp, A, par.data(), 0, nullptr, T, T, H, D, po);
  };
  std::vector<float> want = touched<float>(n);
  b.cpu(r, [&] { run(Fns{sk::cpu::rope_quatrope, sk::cpu::rope_pairs}, x.data(), pos.data(), want.data()); });
  if (b.gpu) {
    std::vector<float> got = touched<float>(n);
    r.gpu_total = time_wall(b.opt, [&] { run(Fns{sk::cuda::rope_quatrope, sk::cuda::rope_pairs}, x.data(), pos.data(), got.data()); });
    b.same(r, "sk::cuda", want, got);
    auto dx = to_device(x), dpos = to_device(pos);
    thrust::device_vector<float> dout(n);
    const Fns dev{sk::cuda::device::rope_quatrope, sk::cuda::device::rope_pairs};
    r.gpu_kernel = time_kernel(b.opt, [&] { run(dev, ptr(dx), ptr(dpos), ptr(dout)); });
    b.same(r, "sk::cuda::device", want, to_host(dout));
  }
  b.add(r);
}

// Camera c of N on a ring of radius 10 around the origin, looking at it, f = 0.9·W, principal
// point at the image centre: the 12 constants of kernels/camera.h (M = Rᵀ·K⁻¹, centre o) into
// c12 and, when P is given, P = K·R (kernels/render.h), all formed in float64.
void ring_camera(size_t c, size_t N, size_t H, size_t W, float* c12, float* P) {
  const double a = 6.283185307179586 * (double)c / (double)N, f = 0.9 * (double)W, cx = 0.5 * W, cy = 0.5 * H;
  const double o[3] = {10 * cos(a), 10 * sin(a), 0};
  // Rows of R = the camera's axes in world coordinates: x right, y down (−z), z toward the origin.
  const double z[3] = {-cos(a), -sin(a), 0}, y[3] = {0, 0, -1};
  const double x[3] = {y[1] * z[2] - y[2] * z[1], y[2] * z[0] - y[0] * z[2], y[0] * z[1] - y[1] * z[0]};
  const double* R[3] = {x, y, z};
  const double K[9] = {f, 0, cx, 0, f, cy, 0, 0, 1}, Kinv[9] = {1 / f, 0, -cx / f, 0, 1 / f, -cy / f, 0, 0, 1};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      c12[3 * i + j] = (float)(R[0][i] * Kinv[j] + R[1][i] * Kinv[3 + j] + R[2][i] * Kinv[6 + j]);
      if (P) P[3 * i + j] = (float)(K[3 * i] * R[0][j] + K[3 * i + 1] * R[1][j] + K[3 * i + 2] * R[2][j]);
    }
    c12[9 + i] = (float)o[i];
  }
}

// Plücker map [N, H, W, 6] of N ring cameras.
void ray_map(Bench& b, size_t N, size_t H, size_t W) {
  char shape[64];
  snprintf(shape, sizeof shape, "%zu x %zux%zu", N, H, W);
  Row r{"camera.rayMap", shape, 48.0 * N, 24.0 * N * H * W};
  std::vector<float> consts(CAMERA_CONSTS * N);
  for (size_t c = 0; c < N; ++c) ring_camera(c, N, H, W, &consts[CAMERA_CONSTS * c], nullptr);
  const size_t n = N * H * W * 6;
  std::vector<float> want = touched<float>(n);
  b.cpu(r, [&] { sk::cpu::camera_ray_map(consts.data(), N, H, W, 0.5f, LAYOUT_HWC, ORDER_MD, want.data()); });
  if (b.gpu) {
    std::vector<float> got = touched<float>(n);
    r.gpu_total = time_wall(b.opt, [&] { sk::cuda::camera_ray_map(consts.data(), N, H, W, 0.5f, LAYOUT_HWC, ORDER_MD, got.data()); });
    b.same(r, "sk::cuda", want, got);
    got = {};
    thrust::device_vector<float> dout(n);
    r.gpu_kernel = time_kernel(b.opt, [&] {
      sk::cuda::device::camera_ray_map(consts.data(), N, H, W, 0.5f, LAYOUT_HWC, ORDER_MD, ptr(dout));
    });
    b.same(r, "sk::cuda::device", want, to_host(dout));
  }
  b.add(r);
}

// sk.render.raycast: N ring cameras at H × W, camera i viewing its own scene of M boxes (within 3
// of the origin, half-extents 0.2–0.6, random orientations); every output (instance, depth and
// the visibility rows). No device entry point yet, so no kernel column.
void raycast(Bench& b, size_t N, size_t H, size_t W, size_t M) {
  char shape[64];
  snprintf(shape, sizeof shape, "%zu x %zux%zu, %zu boxes each", N, H, W, M);
  const size_t px = N * H * W, R = N * M;
  Row r{"render.raycast", shape, 4.0 * RENDER_CONSTS * N + 40.0 * R, 8.0 * px + 65.0 * R};
  std::vector<float> consts(RENDER_CONSTS * N), boxes(10 * R), q(4 * R);
  for (size_t c = 0; c < N; ++c) ring_camera(c, N, H, W, &consts[RENDER_CONSTS * c], &consts[RENDER_CONSTS * c + 12]);
  sk::cpu::quat_random(13, q.data(), R);
  Rng g{14};
  for (size_t i = 0; i < R; ++i) {
    float* bx = &boxes[10 * i];
    for (int k = 0; k < 3; ++k) bx[k] = g.uniform(-3, 3);
    for (int k = 3; k < 6; ++k) bx[k] = g.uniform(0.2f, 0.6f);
    for (int k = 0; k < 4; ++k) bx[6 + k] = q[4 * i + k];
  }
  std::vector<uint32_t> first(N), rows(N + 1);
  for (size_t c = 0; c <= N; ++c) rows[c] = (uint32_t)(M * c);
  for (size_t c = 0; c < N; ++c) first[c] = (uint32_t)(M * c);
  struct Out {  // every output of one call
    std::vector<int32_t> instance, visible;
    std::vector<float> depth, amodal, unclipped, fraction, in_frame;
    std::vector<uint8_t> behind;
    std::vector<uint32_t> alone, pixels;
    Out(size_t px, size_t R)
        : instance(touched<int32_t>(px)), visible(touched<int32_t>(4 * R)), depth(touched<float>(px)),
          amodal(touched<float>(4 * R)), unclipped(touched<float>(4 * R)), fraction(touched<float>(R)),
          in_frame(touched<float>(R)), behind(touched<uint8_t>(R)), alone(touched<uint32_t>(R)),
          pixels(touched<uint32_t>(R)) {}
    render_outputs out() {
      render_outputs o;
      o.instance = instance.data(), o.depth = depth.data(), o.amodal = amodal.data(), o.unclipped = unclipped.data();
      o.behind = behind.data(), o.visible = visible.data(), o.alone = alone.data(), o.pixels = pixels.data();
      o.fraction = fraction.data(), o.in_frame = in_frame.data();
      return o;
    }
  };
  Out want(px, R);
  const render_outputs wo = want.out();
  b.cpu(r, [&] { sk::cpu::render_cast(consts.data(), N, H, W, 0.5f, boxes.data(), R, first.data(), rows.data(), wo); });
  if (b.gpu) {
    Out got(px, R);
    const render_outputs go = got.out();
    r.gpu_total = time_wall(b.opt, [&] {
      sk::cuda::render_cast(consts.data(), N, H, W, 0.5f, boxes.data(), R, first.data(), rows.data(), go);
    });
    b.same(r, "sk::cuda instance", want.instance, got.instance);
    b.same(r, "sk::cuda depth", want.depth, got.depth);
    const bool rows_same = want.amodal == got.amodal && want.unclipped == got.unclipped && want.behind == got.behind &&
                           want.visible == got.visible && want.alone == got.alone && want.pixels == got.pixels &&
                           want.fraction == got.fraction && want.in_frame == got.in_frame;
    b.record(r, rows_same, "sk::cuda visibility rows equal to sk::cpu's");
  }
  b.add(r);
}

// n boxes [n, 10] in a cube of side ∛n (one box per unit volume), half-extents 0.05–0.4, random
// orientations: about one overlapping pair per box.
void collide_pairs(Bench& b, size_t n) {
  Row r{"collide.pairs", "n=" + count_str((double)n), 40.0 * n, 0};
  std::vector<float> boxes(10 * n), q(4 * n);
  sk::cpu::quat_random(9, q.data(), n);
  Rng g{10};
  const float L = (float)cbrt((double)n);
  for (size_t i = 0; i < n; ++i) {
    float* bx = &boxes[10 * i];
    for (int k = 0; k < 3; ++k) bx[k] = g.uniform(0, L);
    for (int k = 3; k < 6; ++k) bx[k] = g.uniform(0.05f, 0.4f);
    for (int k = 0; k < 4; ++k) bx[6 + k] = q[4 * i + k];
  }
  std::vector<uint64_t> want;
  b.cpu(r, [&] { sk::cpu::collide_pairs(boxes.data(), n, 0.0, kCollideMaxPairs, &want); });
  r.out_bytes = 8.0 * want.size();
  r.shape += ", " + std::to_string(want.size()) + " pairs";
  if (b.gpu) {
    std::vector<uint64_t> got;
    r.gpu_total = time_wall(b.opt, [&] { sk::cuda::collide_pairs(boxes.data(), n, 0.0, kCollideMaxPairs, &got); });
    b.same(r, "sk::cuda", want, got);
    auto db = to_device(boxes);
    r.gpu_kernel = time_kernel(b.opt, [&] { sk::cuda::device::collide_pairs(ptr(db), n, 0.0, kCollideMaxPairs, &got); });
    b.same(r, "sk::cuda::device", want, got);
  }
  b.add(r);
}

// Codebook usage: the histogram of n codes over K bins.
void histogram(Bench& b, size_t n, uint32_t K) {
  Row r{"metrics.codebookUsage", "n=" + count_str((double)n) + ", K=" + std::to_string(K), 4.0 * n, 8.0 * K};
  std::vector<int32_t> codes(n);
  Rng g{11};
  for (int32_t& c : codes) c = (int32_t)(g.next() % K);
  std::vector<double> want = touched<double>(K);
  b.cpu(r, [&] { sk::cpu::metrics_histogram(codes.data(), n, K, want.data()); });
  if (b.gpu) {
    std::vector<double> got = touched<double>(K);
    r.gpu_total = time_wall(b.opt, [&] { sk::cuda::metrics_histogram(codes.data(), n, K, got.data()); });
    b.same(r, "sk::cuda", want, got);
    auto dc = to_device(codes);
    thrust::device_vector<double> dcounts(K);
    r.gpu_kernel = time_kernel(b.opt, [&] { sk::cuda::device::metrics_histogram(ptr(dc), n, K, ptr(dcounts)); });
    b.same(r, "sk::cuda::device", want, to_host(dcounts));
  }
  b.add(r);
}

// Grouped Normalized Entropy: G groups of `len` labels drawn from `cats` categories. NE uses
// log2, which is CUDA's on the GPU and glibc's on the CPU (each within 1 ulp): values must agree
// within 1e-13 (as native/test/metrics_driver_test.cc), the mean within 1e-12 relative.
void ne_grouped(Bench& b, size_t G, uint32_t len, uint32_t cats) {
  const size_t n = G * len;
  Row r{"metrics.normalizedEntropyGrouped", "G=" + count_str((double)G) + " x " + std::to_string(len),
        4.0 * n + 4.0 * (G + 1), 8.0 * G};
  std::vector<int32_t> labels(n);
  std::vector<uint32_t> off(G + 1);
  Rng g{12};
  for (int32_t& l : labels) l = (int32_t)(g.next() % cats);
  for (size_t i = 0; i <= G; ++i) off[i] = (uint32_t)(i * len);
  std::vector<double> want = touched<double>(G);
  double want_stats[2];
  b.cpu(r, [&] { sk::cpu::metrics_ne_grouped(labels.data(), n, off.data(), G, want.data(), want_stats); });
  auto agree = [&](const char* who, const std::vector<double>& got, const double* stats) {
    double worst = 0;
    size_t differ = 0;
    for (size_t i = 0; i < G; ++i) {
      worst = std::max(worst, fabs(got[i] - want[i]));
      differ += memcmp(&got[i], &want[i], sizeof(double)) != 0;
    }
    const double mw = want_stats[0] / want_stats[1], mg = stats[0] / stats[1];
    const bool ok = worst <= 1e-13 && stats[1] == want_stats[1] && fabs(mg - mw) <= 1e-12 * fabs(mw);
    char what[160];
    snprintf(what, sizeof what, "%s within 1e-13 of sk::cpu (max diff %.2g, %zu of %zu values differ in some bit)", who,
             worst, differ, G);
    b.record(r, ok, what);
  };
  if (b.gpu) {
    std::vector<double> got = touched<double>(G);
    double stats[2];
    r.gpu_total = time_wall(b.opt, [&] { sk::cuda::metrics_ne_grouped(labels.data(), n, off.data(), G, got.data(), stats); });
    agree("sk::cuda", got, stats);
    auto dl = to_device(labels);
    auto doff = to_device(off);
    thrust::device_vector<double> dval(G);
    r.gpu_kernel = time_kernel(b.opt, [&] {
      sk::cuda::device::metrics_ne_grouped(ptr(dl), n, ptr(doff), G, ptr(dval), stats);
    });
    agree("sk::cuda::device", to_host(dval), stats);
  }
  b.add(r);
}

void run_cases(Bench& b) {
  const double s = b.opt.scale;
  references(b);
  for (bool rotate : {false, true})
    for (double n : {1e7, 1e8}) quat_pair(b, rotate, b.scaled(n));
  rope(b, true, b.scaled(4096, 4), 32, 128);
  rope(b, false, b.scaled(4096, 4), 32, 128);
  const size_t side = std::max<size_t>(8, (size_t)llround(1024 * sqrt(s)));
  ray_map(b, 16, side, side);
  raycast(b, 16, side, side, 32);
  collide_pairs(b, b.scaled(1e6, 16));
  histogram(b, b.scaled(1e8), 16384);
  ne_grouped(b, b.scaled(1e7), 8, 4);      // ROTATE: one group per question over the 8 ring cameras
  ne_grouped(b, b.scaled(1e4), 1000, 10);  // long groups: the segmented-sort path
}

// ---------------------------------------------------------------------------------------------
// Output.
std::string num(double v, const char* fmt = "%.3f") {
  if (!(v == v)) return "null";
  char b[48];
  snprintf(b, sizeof b, fmt, v);
  return b;
}
std::string cell(double v, const char* fmt = "%.3f") { return v == v ? num(v, fmt) : "–"; }
std::string json_str(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    if ((unsigned char)c >= 0x20) o += c;
  }
  return o + "\"";
}
std::string cpu_model() {
  FILE* f = fopen("/proc/cpuinfo", "r");
  char line[512];
  std::string m = "unknown";
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "model name", 10)) {
      const char* c = strchr(line, ':');
      m = c ? c + 2 : line;
      m.erase(m.find_last_not_of(" \n") + 1);
      break;
    }
  if (f) fclose(f);
  return m;
}

struct Derived {
  double breakeven_gbps, floor_ms, kernel_gbps, pct_d2d, total_x, kernel_x;
};
Derived derive(const Bench& b, const Row& r) {
  auto ref = [&](const char* k) { auto it = b.refs.find(k); return it == b.refs.end() ? NAN : it->second; };
  Derived d;
  // The rate at which the CPU (all threads) consumes the op's bytes: a call on host memory can
  // beat the CPU only over a host↔device link faster than this (docs/gpu.md §6).
  d.breakeven_gbps = r.bytes() / r.cpuN / 1e6;
  d.floor_ms = r.in_bytes / ref("h2d_pageable_gbps") / 1e6 + r.out_bytes / ref("d2h_pageable_gbps") / 1e6;
  d.kernel_gbps = r.bytes() / r.gpu_kernel / 1e6;
  d.pct_d2d = 100 * d.kernel_gbps / ref("gpu_d2d_gbps");
  d.total_x = r.cpuN / r.gpu_total;
  d.kernel_x = r.cpuN / r.gpu_kernel;
  return d;
}

void write_outputs(const Bench& b, const std::string& device) {
  const std::string build = kRealGpu ? "nvcc (GPU)" : "g++ on Thrust's CPP system (host stand-in: GPU columns are not GPU figures)";
  char head[512];
  snprintf(head, sizeof head, "scale %g, %d timed calls per figure (median) after one warm-up call", b.opt.scale, b.opt.reps);
  // Markdown.
  std::string md = "# gpu_bench: CPU vs GPU\n\n";
  md += "- device: " + device + "\n- build: " + build + "\n- CPU: " + cpu_model() + ", " + std::to_string(sk::threads()) +
        " threads, ISA " + sk::isa_name(sk::isa()) + "\n- " + head + "\n- reference rates (GB/s):";
  for (const auto& [k, v] : b.refs) md += " " + k + " " + num(v, "%.1f") + ";";
  md += "\n\n";
  md += "| op | shape | MB in+out | CPU 1 thread ms | CPU all ms | break-even GB/s | GPU total ms (pageable) | "
        "transfer floor ms | GPU kernel ms | kernel GB/s | % of D2D copy | total vs CPU all | kernel vs CPU all | check |\n";
  md += "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
  for (const Row& r : b.rows) {
    const Derived d = derive(b, r);
    md += "| " + r.op + " | " + r.shape + " | " + num(r.bytes() / 1e6, "%.1f") + " | " + cell(r.cpu1) + " | " + cell(r.cpuN) +
          " | " + cell(d.breakeven_gbps, "%.2f") + " | " + cell(r.gpu_total) + " | " + cell(d.floor_ms) + " | " + cell(r.gpu_kernel) + " | " +
          cell(d.kernel_gbps, "%.0f") + " | " + cell(d.pct_d2d, "%.0f%%") + " | " + cell(d.total_x, "%.2f×") + " | " +
          cell(d.kernel_x, "%.1f×") + " | " + (r.ok ? "" : "FAIL: ") + (b.gpu ? r.check : "–") + " |\n";
  }
  md += "\n\"break-even GB/s\" is MB in+out over CPU-all time: a call on host memory can beat the CPU only over a "
        "host↔device link faster than that. \"transfer floor\" is the op's input bytes at the measured pageable "
        "host→device rate plus its output bytes at the device→host rate: no call on host memory can be faster. \"total vs "
        "CPU all\" and \"kernel vs CPU all\" are CPU-all time over GPU time (above 1: the GPU is faster).\n";
  for (const auto& [op, why] : b.skipped) md += "\nSkipped: " + op + " — " + why + "\n";

  // JSON.
  std::string js = "{\n  \"tool\": \"gpu_bench\",\n  \"build\": " + json_str(build) + ",\n  \"device\": " + json_str(device) +
                   ",\n  \"cpu\": {\"model\": " + json_str(cpu_model()) + ", \"threads\": " + std::to_string(sk::threads()) +
                   ", \"isa\": " + json_str(sk::isa_name(sk::isa())) + "},\n  \"scale\": " + num(b.opt.scale, "%g") +
                   ",\n  \"reps\": " + std::to_string(b.opt.reps) + ",\n  \"reference_gbps\": {";
  bool first = true;
  for (const auto& [k, v] : b.refs) js += (first ? "" : ", ") + json_str(k) + ": " + num(v, "%.2f"), first = false;
  js += "},\n  \"rows\": [\n";
  for (size_t i = 0; i < b.rows.size(); ++i) {
    const Row& r = b.rows[i];
    const Derived d = derive(b, r);
    js += "    {\"op\": " + json_str(r.op) + ", \"shape\": " + json_str(r.shape) + ", \"in_bytes\": " + num(r.in_bytes, "%.0f") +
          ", \"out_bytes\": " + num(r.out_bytes, "%.0f") + ", \"cpu_1t_ms\": " + num(r.cpu1, "%.4f") +
          ", \"cpu_all_ms\": " + num(r.cpuN, "%.4f") + ", \"breakeven_gbps\": " + num(d.breakeven_gbps, "%.3f") +
          ", \"gpu_total_ms\": " + num(r.gpu_total, "%.4f") +
          ", \"transfer_floor_ms\": " + num(d.floor_ms, "%.4f") + ", \"gpu_kernel_ms\": " + num(r.gpu_kernel, "%.4f") +
          ", \"kernel_gbps\": " + num(d.kernel_gbps, "%.2f") + ", \"kernel_pct_d2d\": " + num(d.pct_d2d, "%.2f") +
          ", \"check\": " + json_str(r.check) + ", \"ok\": " + (r.ok ? "true" : "false") + "}" +
          (i + 1 < b.rows.size() ? ",\n" : "\n");
  }
  js += "  ],\n  \"skipped\": [";
  for (size_t i = 0; i < b.skipped.size(); ++i)
    js += (i ? ", " : "") + std::string("{\"op\": ") + json_str(b.skipped[i].first) + ", \"reason\": " +
          json_str(b.skipped[i].second) + "}";
  js += "]\n}\n";

  printf("\n%s", md.c_str());
  if (b.opt.out.empty()) return;
  for (const auto& [name, text] : {std::make_pair(std::string("gpu-bench.md"), md), std::make_pair(std::string("gpu-bench.json"), js)}) {
    const std::string path = b.opt.out + "/" + name;
    FILE* f = fopen(path.c_str(), "w");
    if (!f || fwrite(text.data(), 1, text.size(), f) != text.size() || fclose(f) != 0) {
      printf("FAIL gpu_bench: cannot write %s\n", path.c_str());
      exit(1);
    }
    printf("wrote %s\n", path.c_str());
  }
}

// The one-thread CPU column: a forked child runs every case with SPATIALKIT_THREADS=1 and sends
// "key<TAB>ms" lines back. Returns false (and says why) if the child failed.
bool one_thread_column(const Options& opt, std::map<std::string, double>* col) {
  int fd[2];
  if (pipe(fd) != 0) return false;
  fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    close(fd[0]);
    setenv("SPATIALKIT_THREADS", "1", 1);
    Bench b;
    b.opt = opt;
    b.child = true;
    run_cases(b);
    std::string text;
    for (const Row& r : b.rows) text += r.key() + "\t" + num(r.cpu1, "%.6f") + "\n";
    for (const auto& [k, v] : b.refs) text += "ref:" + k + "\t" + num(v, "%.6f") + "\n";
    const bool ok = write(fd[1], text.data(), text.size()) == (ssize_t)text.size();
    close(fd[1]);
    fflush(stdout);
    _exit(ok ? 0 : 1);
  }
  close(fd[1]);
  std::string text;
  char buf[4096];
  for (ssize_t k; (k = read(fd[0], buf, sizeof buf)) > 0;) text.append(buf, (size_t)k);
  close(fd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  for (size_t at = 0; at < text.size();) {
    const size_t tab = text.find('\t', at), nl = text.find('\n', at);
    if (tab == std::string::npos || nl == std::string::npos) break;
    (*col)[text.substr(at, tab - at)] = strtod(text.c_str() + tab + 1, nullptr);
    at = nl + 1;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--out" && has_value) opt.out = argv[++i];
    else if (a == "--scale" && has_value) opt.scale = strtod(argv[++i], nullptr);
    else if (a == "--reps" && has_value) opt.reps = atoi(argv[++i]);
    else if (a == "--cpu-only") opt.cpu_only = true;
    else {
      fprintf(stderr, "gpu_bench: unknown or incomplete argument '%s' (see the head of native/bench/gpu_bench.cu)\n", a.c_str());
      return 2;
    }
  }
  if (!(opt.scale > 0) || opt.reps < 1) {
    fprintf(stderr, "gpu_bench: --scale must be > 0 and --reps ≥ 1\n");
    return 2;
  }
  // Probing CUDA before the fork is safe: with the static cudart a failed probe creates no
  // context, and a successful one only queries properties (the context comes with the first
  // allocation, in the parent after the child exited).
  std::string reason;
  const bool available = sk::cuda::available(&reason);
  if (!available && !opt.cpu_only) {
    printf("SKIP gpu_bench: CUDA unavailable: %s (run with --cpu-only for the CPU columns)\n", reason.c_str());
    return 0;
  }
  std::map<std::string, double> one;
  if (!one_thread_column(opt, &one)) {
    printf("FAIL gpu_bench: the one-thread child process failed\n");
    return 1;
  }
  Bench b;
  b.opt = opt;
  b.gpu = available && !opt.cpu_only;
  const std::string device = b.gpu ? sk::cuda::device_summary() : "none (--cpu-only)";
  printf("gpu_bench: device %s; CPU %s, %u threads\n", device.c_str(), cpu_model().c_str(), sk::threads());
  try {
    if (b.gpu) sk::cuda::quat_random(1, std::vector<float>(4).data(), 1);  // creates the context before any timing
    run_cases(b);
  } catch (const std::exception& e) {
    printf("FAIL gpu_bench: %s\n", e.what());
    return 1;
  }
  for (Row& r : b.rows) {
    auto it = one.find(r.key());
    if (it != one.end()) r.cpu1 = it->second;
  }
  for (const auto& [k, v] : one)
    if (!k.compare(0, 4, "ref:")) b.refs[k.substr(4)] = v;
  write_outputs(b, device);
  printf("%s gpu_bench: %d failing check(s)\n", b.failures ? "FAIL" : "PASS", b.failures);
  return b.failures ? 1 : 0;
}
