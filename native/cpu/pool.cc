#include "cpu/pool.h"

#include <stdint.h>
#include <stdlib.h>
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace sk {
namespace {

unsigned configured_threads() {
  const char* env = getenv("SPATIALKIT_THREADS");
  if (env && *env) {
    const long v = strtol(env, nullptr, 10);
    if (v >= 1 && v <= 1024) return (unsigned)v;
  }
  const unsigned hw = std::thread::hardware_concurrency();
  return hw ? hw : 1;
}

class Pool {
 public:
  explicit Pool(unsigned workers) {
    for (unsigned i = 0; i < workers; ++i) std::thread([this] { loop(); }).detach();
  }
  void push(std::function<void()> task) {
    { std::lock_guard<std::mutex> lock(m_); q_.push_back(std::move(task)); }
    cv_.notify_one();
  }
  // Runs one queued task if there is one (used by a waiting caller, so nested or concurrent
  // parallel_for calls cannot deadlock).
  bool try_run_one() {
    std::function<void()> task;
    {
      std::lock_guard<std::mutex> lock(m_);
      if (q_.empty()) return false;
      task = std::move(q_.front());
      q_.pop_front();
    }
    task();
    return true;
  }

 private:
  void loop() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [this] { return !q_.empty(); });
        task = std::move(q_.front());
        q_.pop_front();
      }
      task();
    }
  }
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> q_;
};

// Never destroyed: detached workers blocked on the queue end with the process, which avoids
// static-destruction order problems when Node exits.
Pool& pool() {
  static Pool* p = new Pool(threads() > 1 ? threads() - 1 : 0);
  return *p;
}

}  // namespace

unsigned threads() {
  static const unsigned n = configured_threads();
  return n;
}

size_t parallel_for_pool(size_t n, size_t grain, const std::function<size_t(size_t, size_t)>& fn) {
  if (grain == 0) grain = 1;
  // Up to 4 chunks per thread, taken dynamically: a descheduled worker (a shared machine) then
  // delays one small chunk, not half the batch. Results merge by min, so the split is invisible.
  const size_t chunks = threads() == 1 ? 1 : std::min<size_t>(4 * (size_t)threads(), (n + grain - 1) / grain);
  if (chunks <= 1) return n ? fn(0, n) : SIZE_MAX;

  struct Shared {
    std::mutex m;
    std::condition_variable cv;
    size_t pending;
    size_t result = SIZE_MAX;
  } shared;
  shared.pending = chunks - 1;
  const size_t step = (n + chunks - 1) / chunks;
  for (size_t c = 1; c < chunks; ++c) {
    const size_t b = c * step, e = std::min(n, b + step);
    pool().push([&shared, &fn, b, e] {
      const size_t r = b < e ? fn(b, e) : SIZE_MAX;
      std::lock_guard<std::mutex> lock(shared.m);
      shared.result = std::min(shared.result, r);
      if (--shared.pending == 0) shared.cv.notify_all();
    });
  }
  const size_t r0 = fn(0, std::min(n, step));
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(shared.m);
      if (shared.pending == 0) return std::min(shared.result, r0);
    }
    if (!pool().try_run_one()) {
      std::unique_lock<std::mutex> lock(shared.m);
      shared.cv.wait(lock, [&] { return shared.pending == 0; });
      return std::min(shared.result, r0);
    }
  }
}

}  // namespace sk
