// allocOutput(byteLength): zero-filled memory for a kernel's output that does not pay a page fault
// per 4 KiB on first write (docs/perf.md has the measurements and the limits).
//
// A fresh V8 ArrayBuffer is calloc'd: for large sizes a fresh anonymous mapping whose first write
// faults once per 4 KiB page (~3 ms per MiB measured on these VMs, 20–80× the kernel itself).
// Here a large output is a block: a 2 MiB-aligned anonymous mapping with MADV_HUGEPAGE (THP in
// `madvise` mode serves only regions that ask), handed to JS as an external ArrayBuffer. Fresh
// mappings read as zeros. Faulting even huge pages in costs more than a memory-bound kernel, so
// blocks are reused: when the ArrayBuffer lent a block is gone — its finaliser ran (Node runs it
// when the event loop turns) or GC cleared our weak reference to it (seen after full collections;
// the incremental ones that external memory triggers did not clear it in Node 20, measured) — the
// next allocOutput of a size that fits takes the block and zeroes it with memset, whose pages are
// already in memory. A synchronous loop that never yields therefore maps afresh on every call.
//
// A block may be lent again before the finaliser of its previous ArrayBuffer ran, so a block counts
// its pending finalisers and is unmapped only when none is pending and it is neither lent nor kept.
// Node makes external ArrayBuffers untransferable (a transfer copies), so an ArrayBuffer that GC
// collected was the last thing in JS that could reach the block.
//
// Limits:
//  - Runtimes that forbid external buffers (Electron's V8 sandbox: napi_no_external_buffers_allowed)
//    get plain ArrayBuffers from then on; so does any size below min_mapped() (32 MiB: see there). SPATIALKIT_NO_EXTERNAL_BUFFERS=1 makes every external buffer fail that way (tests).
//  - Mapped bytes (lent, kept or awaiting a finaliser) are capped (SPATIALKIT_ALLOC_CAP_MB, default
//    2048); beyond the cap outputs are plain ArrayBuffers, so RSS stays bounded. Blocks kept for
//    reuse are capped separately (SPATIALKIT_ALLOC_KEEP_MB, default 512).
//  - Every lent block is reported to V8 (napi_adjust_external_memory) so GC sees its size.
#include "napi/glue.h"

#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#if defined(__linux__) || defined(__APPLE__)
#include <sys/mman.h>
#define SK_HAVE_MMAP 1
#endif
#ifndef SK_CUDA
#include "cpu/pool.h"
#endif

namespace sk::napi {

namespace {

constexpr size_t kHuge = size_t(2) << 20;             // x86-64 / arm64 (4 KiB granule) huge page
constexpr double kMaxByteLength = 9007199254740991.0;  // 2^53 − 1: V8's limit on 64-bit
// napi_no_external_buffers_allowed (22; named in Node ≥ 20 headers only, so by value, as
// node-addon-api does).
constexpr napi_status kNoExternalBuffers = napi_status(22);

size_t env_mb(const char* name, size_t fallback_mb) {
  const char* env = getenv(name);
  if (env && *env) {
    const long v = strtol(env, nullptr, 10);
    if (v >= 0) return size_t(v) << 20;
  }
  return fallback_mb << 20;
}
// Outputs from this size on are mapped (SPATIALKIT_ALLOC_MIN_MB, default 32). Below it glibc serves
// V8's calloc from its heap once a chunk of that size was freed (its mmap threshold rises up to
// 32 MiB), and V8 frees plain ArrayBuffers at GC without the event loop turning: measured, plain
// ArrayBuffers were faster there in synchronous loops. From 32 MiB on glibc always maps afresh.
size_t min_mapped() { static const size_t v = env_mb("SPATIALKIT_ALLOC_MIN_MB", 32); return v; }
size_t mapped_cap() { static const size_t v = env_mb("SPATIALKIT_ALLOC_CAP_MB", 2048); return v; }
size_t keep_cap() { static const size_t v = env_mb("SPATIALKIT_ALLOC_KEEP_MB", 512); return v; }
bool external_forbidden_by_env() {
  static const bool v = [] {
    const char* env = getenv("SPATIALKIT_NO_EXTERNAL_BUFFERS");
    return env && *env && strcmp(env, "0") != 0;
  }();
  return v;
}

// Set once the runtime refused an external buffer: later calls go straight to plain ArrayBuffers.
std::atomic<bool> g_refused{false};

Napi::Value plain(Napi::Env env, size_t n) { return Napi::ArrayBuffer::New(env, n); }  // zeroed by V8

#ifdef SK_HAVE_MMAP
struct Lent;
struct Block {
  char* base;
  size_t bytes;       // mapped, a multiple of 2 MiB
  int pending = 0;    // ArrayBuffers over it whose finaliser has not run
  Lent* current = nullptr;  // the ArrayBuffer it is lent to, while that may be alive
  bool kept = false;  // in g_keep, ready for reuse
};
// One ArrayBuffer over a block: the finaliser's hint and the weak reference that tells when GC
// collected it.
struct Lent {
  Block* block;
  napi_env env;
  napi_ref weak = nullptr;  // deleted (nullptr) once seen cleared, or when its env is torn down
};

std::mutex g_m;                                             // guards everything below
size_t g_mapped = 0;                                        // bytes of every Block alive
size_t g_kept = 0;                                          // bytes of the blocks in g_keep
std::vector<Block*> g_keep;                                 // blocks ready for reuse
std::unordered_map<napi_env, std::unordered_set<Lent*>> g_lent;  // per env: ArrayBuffers maybe alive

// A 2 MiB-aligned anonymous mapping of `bytes` (a multiple of 2 MiB), or nullptr.
char* map_huge(size_t bytes) {
  const size_t over = bytes + kHuge;
  char* raw = static_cast<char*>(mmap(nullptr, over, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (raw == MAP_FAILED) return nullptr;
  char* base = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(raw) + kHuge - 1) & ~(uintptr_t)(kHuge - 1));
  if (base > raw) munmap(raw, base - raw);  // trim to the aligned part
  if (raw + over > base + bytes) munmap(base + bytes, raw + over - (base + bytes));
#ifdef MADV_HUGEPAGE
  madvise(base, bytes, MADV_HUGEPAGE);  // advisory: without THP the mapping works with 4 KiB pages
#endif
  return base;
}

// The block's ArrayBuffer is gone (collected or finalised): keep the block for reuse, or unmap it
// once no finaliser is pending. Under g_m.
void release(Block* b) {
  if (g_kept + b->bytes <= keep_cap()) {
    b->kept = true;
    g_kept += b->bytes;
    g_keep.push_back(b);
  } else if (b->pending == 0) {
    munmap(b->base, b->bytes);
    g_mapped -= b->bytes;
    delete b;
  }
}

void finalize(napi_env env, void* /*data*/, void* hint) {
  Lent* l = static_cast<Lent*>(hint);
  Block* b = l->block;
  const size_t bytes = b->bytes;  // b may be unmapped below
  {
    std::lock_guard<std::mutex> lock(g_m);
    if (l->weak) {
      napi_delete_reference(env, l->weak);
      auto it = g_lent.find(env);
      if (it != g_lent.end()) it->second.erase(l);
    }
    --b->pending;
    if (b->current == l) {
      b->current = nullptr;
      release(b);
    } else if (b->pending == 0 && !b->current && !b->kept) {
      munmap(b->base, b->bytes);  // released earlier while this finaliser was pending
      g_mapped -= b->bytes;
      delete b;
    }
  }
  delete l;
  int64_t ignored;
  napi_adjust_external_memory(env, -(int64_t)bytes, &ignored);  // may fail at teardown: harmless
}

// Blocks whose ArrayBuffer GC already collected (weak reference cleared) go back for reuse, without
// waiting for the finaliser. Under g_m.
void reclaim_collected(napi_env env) {
  auto it = g_lent.find(env);
  if (it == g_lent.end()) return;
  for (auto l = it->second.begin(); l != it->second.end();) {
    napi_value v = nullptr;
    if (napi_get_reference_value(env, (*l)->weak, &v) == napi_ok && v == nullptr) {
      napi_delete_reference(env, (*l)->weak);
      (*l)->weak = nullptr;
      Block* b = (*l)->block;
      if (b->current == *l) {
        b->current = nullptr;
        release(b);
      }
      l = it->second.erase(l);
    } else {
      ++l;
    }
  }
}

// The smallest kept block of at least `bytes` (and at most twice it, so a small output does not pin
// a huge block), taken out of g_keep; or nullptr. Under g_m.
Block* take_kept(size_t bytes) {
  auto best = g_keep.end();
  for (auto it = g_keep.begin(); it != g_keep.end(); ++it)
    if ((*it)->bytes >= bytes && (*it)->bytes <= 2 * bytes && (best == g_keep.end() || (*it)->bytes < (*best)->bytes)) best = it;
  if (best == g_keep.end()) return nullptr;
  Block* b = *best;
  g_keep.erase(best);
  g_kept -= b->bytes;
  b->kept = false;
  return b;
}

void zero(char* p, size_t n) {
#ifndef SK_CUDA
  // Spread over the pool: one core does not reach memory bandwidth with memset.
  sk::parallel_for(n, size_t(4) << 20, [p](size_t lo, size_t hi) { memset(p + lo, 0, hi - lo); return SIZE_MAX; });
#else
  memset(p, 0, n);
#endif
}

// Undoes lend() when no ArrayBuffer was made. Under g_m.
void unlend(Block* b, Lent* l) {
  delete l;
  --b->pending;
  b->current = nullptr;
  if (b->pending > 0) {  // a kept block whose previous ArrayBuffer's finaliser is still pending
    release(b);
    return;
  }
  munmap(b->base, b->bytes);
  g_mapped -= b->bytes;
  delete b;
}

// An external ArrayBuffer of n bytes over a (kept or fresh) block, or an empty value when the
// runtime refused one (then `*refused`).
napi_value lend(napi_env env, size_t n, bool* refused) {
  const size_t bytes = (n + kHuge - 1) & ~(kHuge - 1);
  Block* b;
  bool fresh = false;
  {
    std::lock_guard<std::mutex> lock(g_m);
    reclaim_collected(env);
    b = take_kept(bytes);
    if (!b) {
      if (g_mapped + bytes > mapped_cap()) return nullptr;
      g_mapped += bytes;  // reserved before mapping, so concurrent callers respect the cap
      fresh = true;
    }
  }
  if (fresh) {
    char* base = map_huge(bytes);
    if (!base) {
      std::lock_guard<std::mutex> lock(g_m);
      g_mapped -= bytes;
      return nullptr;
    }
    b = new Block{base, bytes};
  } else {
    zero(b->base, n);
  }
  Lent* l = new Lent{b, env};
  napi_value ab = nullptr;
  {
    std::lock_guard<std::mutex> lock(g_m);
    ++b->pending;
    b->current = l;
  }
  napi_status s = external_forbidden_by_env()
                      ? kNoExternalBuffers
                      : napi_create_external_arraybuffer(env, b->base, n, finalize, l, &ab);
  if (s == napi_ok) s = napi_create_reference(env, ab, 0, &l->weak);
  std::lock_guard<std::mutex> lock(g_m);
  if (s != napi_ok) {
    // The finaliser of a created ArrayBuffer will still run; without one nothing else refers to l.
    if (ab) { b->current = nullptr; release(b); }
    else unlend(b, l);
    if (s == kNoExternalBuffers) *refused = true;
    return nullptr;
  }
  g_lent[env].insert(l);
  int64_t ignored;
  napi_adjust_external_memory(env, (int64_t)bytes, &ignored);
  return ab;
}

// At env teardown: the env's weak references die with it; forget them (finalisers may still run).
void forget_env(void* arg) {
  napi_env env = static_cast<napi_env>(arg);
  std::lock_guard<std::mutex> lock(g_m);
  auto it = g_lent.find(env);
  if (it == g_lent.end()) return;
  for (Lent* l : it->second) l->weak = nullptr;
  g_lent.erase(it);
}
#endif

Napi::Value alloc_output(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Value v = info.Length() > 0 ? info[0] : env.Undefined();
  const std::string want = "Expected an integer in [0, 2^53) for `byteLength` but received " + describe(v);
  if (!v.IsNumber()) throw Napi::TypeError::New(env, want);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= kMaxByteLength && d == (double)(uint64_t)d)) throw Napi::RangeError::New(env, want);
  const size_t n = (size_t)d;
#ifdef SK_HAVE_MMAP
  if (n >= min_mapped() && n > 0 && !g_refused.load(std::memory_order_relaxed)) {
    bool refused = false;
    napi_value ab = lend(env, n, &refused);
    if (ab) return Napi::Value(env, ab);
    if (refused) g_refused.store(true);
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) return Napi::Value();
  }
#endif
  return plain(env, n);
}

}  // namespace

// What allocOutput hands out for large outputs: 'mmap', or 'arraybuffer' once the runtime refused
// an external buffer, or where there is no mmap.
const char* alloc_mode() {
#ifdef SK_HAVE_MMAP
  return g_refused.load() ? "arraybuffer" : "mmap";
#else
  return "arraybuffer";
#endif
}

size_t alloc_mapped_bytes() {
#ifdef SK_HAVE_MMAP
  std::lock_guard<std::mutex> lock(g_m);
  return g_mapped;
#else
  return 0;
#endif
}

void init_alloc(Napi::Env env, Napi::Object exports) {
#ifdef SK_HAVE_MMAP
  napi_add_env_cleanup_hook(env, forget_env, static_cast<napi_env>(env));
#endif
  exports.Set("allocOutput", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
    return guard(info, [&] { return alloc_output(info); });
  }, "allocOutput"));
}

}  // namespace sk::napi
