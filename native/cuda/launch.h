// The one generic CUDA launcher (DESIGN §2, STYLE "tiny-cuda-nn"): host inputs are copied into
// thrust::device_vector, `thrust::for_each_n` over a counting iterator runs the kernel body once
// per element, a min-reduction turns per-element status into the first bad index, and the output
// is copied back. No <<<>>> and no hand-written __global__: nvcc builds this for the GPU, and g++
// builds the same source with THRUST_DEVICE_SYSTEM=THRUST_DEVICE_SYSTEM_CPP (plus SK_THRUST_HOST)
// for the native tests, which therefore run the launcher logic the GPU runs.
//
// Inputs are copied before the body runs and the output is a separate device buffer, so `out`
// may alias an input, as in the CPU driver.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include <thrust/copy.h>
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

// A host input: `item` floats per element, one per element (batch) or a single broadcast item.
struct HostIn {
  const float* p = nullptr;
  size_t item = 0;
  bool batch = true;
};
inline HostIn in(const float* p, size_t item, bool batch = true) { return HostIn{p, item, batch}; }

namespace detail {

// The device copy of an input: element i starts at p + i·stride (stride 0 broadcasts).
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

struct BadIndex {
  const unsigned char* status;
  SK_HD size_t operator()(size_t i) const { return status[i] ? i : SIZE_MAX; }
};

template <class T>
T* raw(thrust::device_vector<T>& v) { return thrust::raw_pointer_cast(v.data()); }

inline DevIn upload(const HostIn& h, size_t n, thrust::device_vector<float>& dev) {
  dev.assign(h.p, h.p + h.item * (h.batch ? n : 1));
  return DevIn{raw(dev), h.batch ? h.item : 0};
}

}  // namespace detail

// Runs body over n elements; out holds n·out_item floats. The body is an SK_HD_LAMBDA
// (size_t i, float* out_i, const float* in_0_i, …) returning void or an sk_status.
// Returns the first i whose body returned non-SK_OK, or SIZE_MAX.
// Throws std::runtime_error when CUDA is unavailable or a CUDA/Thrust call fails.
template <class Body, class... Ins>
size_t launch(size_t n, float* out, size_t out_item, Body body, Ins... ins) {
  require_available();
  if (n == 0) return SIZE_MAX;
  constexpr size_t K = sizeof...(Ins);
  using E = detail::Element<Body, K>;
  try {
    thrust::device_vector<float> dev[K + 1];
    E e{body, nullptr, out_item, nullptr, {}};
    size_t k = 0;
    ((e.in[k] = detail::upload(ins, n, dev[k]), ++k), ...);
    thrust::device_vector<float> dout(n * out_item);
    thrust::device_vector<unsigned char> status(E::kChecks ? n : 0);
    e.out = detail::raw(dout);
    e.status = detail::raw(status);

    const thrust::counting_iterator<size_t> first(0);
    thrust::for_each_n(thrust::device, first, n, e);
    size_t bad = SIZE_MAX;
    if constexpr (E::kChecks)
      bad = thrust::transform_reduce(thrust::device, first, first + n, detail::BadIndex{e.status}, (size_t)SIZE_MAX,
                                     thrust::minimum<size_t>());
    thrust::copy(dout.begin(), dout.end(), out);
    return bad;
  } catch (const std::exception& x) {
    // thrust::system_error and thrust's bad_alloc name the CUDA error; say where it came from.
    throw std::runtime_error(std::string("CUDA launcher failed: ") + x.what());
  }
}

}  // namespace sk::cuda
