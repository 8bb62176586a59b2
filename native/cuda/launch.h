// The one CUDA helper header (DESIGN §2, STYLE "tiny-cuda-nn"): every launcher in native/cuda/*.cu
// reaches the device through these and nothing else.
//  - guarded(f): checks that a device is usable, then runs f, naming any Thrust/CUDA failure.
//  - raw, upload, download, each, first_where: device buffers, the copies between host and
//    device, and the for-each over a counting iterator that runs an SK_HD body once per index.
//  - launch / launch_device: the generic element-wise launcher (one body call per element, a
//    per-element status turned into the first bad index) over host memory — inputs copied in,
//    output copied back, as a Node call does — or over device memory (native/cuda/device.h).
// No <<<>>> and no hand-written __global__: nvcc builds this for the GPU, and g++ builds the same
// source with THRUST_DEVICE_SYSTEM=THRUST_DEVICE_SYSTEM_CPP (plus SK_THRUST_HOST) for the native
// tests, which therefore run the launcher logic the GPU runs.
//
// Algorithms get raw pointers with the thrust::device policy, not device_vector iterators: on the
// CPP system Thrust's device_reference conversions bind a null reference, which UBSan reports; on
// the GPU the two are the same.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include <thrust/copy.h>
#include <thrust/device_ptr.h>
#include <thrust/device_vector.h>
#include <thrust/execution_policy.h>
#include <thrust/for_each.h>
#include <thrust/functional.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/transform_reduce.h>

#include "cuda/status.h"
#include "kernels/common.h"

// A host-and-device lambda: nvcc needs --extended-lambda for it; g++ sees a plain lambda.
#if defined(__CUDACC__)
#define SK_HD_LAMBDA __host__ __device__
#else
#define SK_HD_LAMBDA
#endif

// status.cc reports a host-only build as available; it must then really be one, and vice versa.
#if defined(SK_THRUST_HOST) != (THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_CPP)
#error "Define SK_THRUST_HOST exactly when THRUST_DEVICE_SYSTEM is THRUST_DEVICE_SYSTEM_CPP"
#endif

namespace sk::cuda {

// Runs f() after require_available(); a Thrust or CUDA exception inside becomes
// std::runtime_error("CUDA launcher failed: <what>") (thrust::system_error and Thrust's bad_alloc
// name the CUDA error; this says where it came from).
template <class F>
auto guarded(F&& f) -> decltype(f()) {
  require_available();
  try {
    return f();
  } catch (const std::exception& x) {
    throw std::runtime_error(std::string("CUDA launcher failed: ") + x.what());
  }
}

template <class T>
T* raw(thrust::device_vector<T>& v) { return thrust::raw_pointer_cast(v.data()); }
template <class T>
const T* raw(const thrust::device_vector<T>& v) { return thrust::raw_pointer_cast(v.data()); }

// `count` values of host memory (on a GPU: a pageable copy, what a Node typed array costs).
template <class T>
thrust::device_vector<T> upload(const T* p, size_t count) { return thrust::device_vector<T>(p, p + count); }
// `count` values of device memory to host memory.
template <class T>
void download(const T* dev, size_t count, T* host) {
  const thrust::device_ptr<const T> d = thrust::device_pointer_cast(dev);
  if (count) thrust::copy(d, d + count, host);
}
template <class T>
void download(const thrust::device_vector<T>& dev, T* host) { download(raw(dev), dev.size(), host); }

// f(i) for every i in [0, n), on the device; f is an SK_HD functor or an SK_HD_LAMBDA.
template <class F>
void each(size_t n, F f) {
  if (n) thrust::for_each_n(thrust::device, thrust::counting_iterator<size_t>(0), n, f);
}

namespace detail {
template <class Pred>
struct IndexIf {
  Pred pred;
  SK_HD size_t operator()(size_t i) const { return pred(i) ? i : SIZE_MAX; }
};
struct StatusSet {
  const unsigned char* status;
  SK_HD bool operator()(size_t i) const { return status[i] != 0; }
};
}  // namespace detail

// The smallest i in [0, n) with pred(i) (an SK_HD predicate run on the device), or SIZE_MAX: a
// min-reduction, so the answer is the sequential one whatever the device's order.
template <class Pred>
size_t first_where(size_t n, Pred pred) {
  if (n == 0) return SIZE_MAX;
  const thrust::counting_iterator<size_t> first(0);
  return thrust::transform_reduce(thrust::device, first, first + n, detail::IndexIf<Pred>{pred}, (size_t)SIZE_MAX,
                                  thrust::minimum<size_t>());
}
// The smallest i in [0, n) whose status byte (device memory) is non-zero, or SIZE_MAX.
inline size_t first_bad(const unsigned char* status, size_t n) { return first_where(n, detail::StatusSet{status}); }

// ---------------------------------------------------------------------------------------------
// The generic element-wise launcher.

// An input: `item` floats per element, one item per element (batch) or a single broadcast item.
struct In {
  const float* p = nullptr;
  size_t item = 0;
  bool batch = true;
};
inline In in(const float* p, size_t item, bool batch = true) { return In{p, item, batch}; }

namespace detail {

// Element i of an input starts at p + i·stride (stride 0 broadcasts).
struct DevIn {
  const float* p;
  size_t stride;
  SK_HD const float* operator()(size_t i) const { return p + i * stride; }
};

// Calls body(i, out_i, in_0(i), …, in_{K−1}(i)); stores its status when the body returns one.
template <class Body, size_t K>
struct Element {
  Body body;
  float* out;
  size_t out_item;
  unsigned char* status;
  DevIn in[K + 1];

  template <size_t... Is>
  SK_HD auto call(size_t i, std::index_sequence<Is...>) const {
    return body(i, out + i * out_item, in[Is](i)...);
  }
  using Result = decltype(std::declval<const Element&>().call(0, std::make_index_sequence<K>{}));
  static constexpr bool kChecks = !std::is_void<Result>::value;

  SK_HD void operator()(size_t i) const {
    if constexpr (kChecks) status[i] = call(i, std::make_index_sequence<K>{}) != SK_OK;
    else call(i, std::make_index_sequence<K>{});
  }
};

// n ≥ 1 elements, every pointer device memory.
template <class Body, class... Ins>
size_t run_elements(size_t n, float* out, size_t out_item, Body body, Ins... ins) {
  using E = Element<Body, sizeof...(Ins)>;
  E e{body, out, out_item, nullptr, {DevIn{ins.p, ins.batch ? ins.item : 0}...}};
  thrust::device_vector<unsigned char> status(E::kChecks ? n : 0);
  e.status = raw(status);
  each(n, e);
  return E::kChecks ? first_bad(e.status, n) : SIZE_MAX;
}

}  // namespace detail

// Runs body over n elements of device memory; out holds n·out_item floats and may equal an input
// whose item is out_item floats (each body reads its inputs before writing, kernels/quat.h).
// The body is an SK_HD functor or SK_HD_LAMBDA (size_t i, float* out_i, const float* in_0_i, …)
// returning void or an sk_status. Returns the first i whose body returned non-SK_OK, or SIZE_MAX.
// Throws std::runtime_error when CUDA is unavailable or a CUDA/Thrust call fails.
template <class Body, class... Ins>
size_t launch_device(size_t n, float* out, size_t out_item, Body body, Ins... ins) {
  return guarded([&]() -> size_t { return n ? detail::run_elements(n, out, out_item, body, ins...) : SIZE_MAX; });
}

// The same over host memory: the inputs are copied to the device, the output back. Inputs are
// copied before the body runs and the output is a separate device buffer, so `out` may alias an
// input, as in the CPU driver.
template <class Body, class... Ins>
size_t launch(size_t n, float* out, size_t out_item, Body body, Ins... ins) {
  return guarded([&]() -> size_t {
    if (n == 0) return SIZE_MAX;
    thrust::device_vector<float> dev[sizeof...(Ins) + 1];
    size_t k = 0;
    auto to_device = [&](const In& h) {
      dev[k] = upload(h.p, h.item * (h.batch ? n : 1));
      return In{raw(dev[k++]), h.item, h.batch};
    };
    (void)to_device;  // unused by bodies without inputs (quat_random)
    thrust::device_vector<float> dout(n * out_item);
    const size_t bad = detail::run_elements(n, raw(dout), out_item, body, to_device(ins)...);
    download(dout, out);
    return bad;
  });
}

}  // namespace sk::cuda
