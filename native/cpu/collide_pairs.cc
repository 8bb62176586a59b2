// CPU driver for collide.pairs and collide.pairsBatched: the hierarchical grid of
// native/kernels/collide.h (broad phase) feeding the float64 SAT (narrow phase).
//
//  1. bound: check every box, compute its padded AABB and the scene's extent (parallel);
//  2. build: choose the levels, give each box its cell key, radix-sort (key, index) and gather
//     AABBs and boxes into sorted order (so neighbours are neighbours in memory);
//  3. query: grid_query for every sorted position, in tasks taken dynamically by the pool's
//     threads (clustered scenes make some tasks much heavier), each collecting its pairs;
//  4. assemble: counting sort of the pairs by first index (CSR), then each row by second index —
//     O(N + P), and the result does not depend on the thread count.
// Small scenes of pairsBatched skip the grid: every AABB pair of ≤ kBruteMax boxes is cheaper.
#include <string.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <new>
#include <vector>

#include "cpu/pool.h"
#include "drivers/collide.h"
#include "kernels/collide.h"

namespace {

constexpr size_t kBoundGrain = 1 << 13;  // boxes per chunk of the bounding pass
constexpr size_t kBruteMax = 40;         // scenes up to this size test all AABB pairs
constexpr size_t kHugeScene = 1 << 15;   // pairsBatched scenes from this size use all threads
constexpr size_t kBatchChunk = 1 << 12;  // boxes per task of pairsBatched

// Runs fn(s, e) over [0, n), on the pool when `par`.
template <class F>
void chunks(size_t n, size_t grain, bool par, F&& fn) {
  if (!par) {
    if (n) fn(0, n);
    return;
  }
  sk::parallel_for(n, grain, [&](size_t s, size_t e) {
    fn(s, e);
    return (size_t)SIZE_MAX;
  });
}

// Checks boxes [s, e) and writes their AABBs; returns the first bad index or SIZE_MAX.
size_t bound_range(const float* boxes, size_t s, size_t e, double grow, float* aabb, collide_extent* x) {
  for (size_t i = s; i < e; ++i) {
    const float* b = boxes + 10 * i;
    if (box_check(b) != BOX_OK) return i;
    obb_frame f;
    obb_frame_of(b, grow, &f);
    obb_aabb(f, aabb + 6 * i, aabb + 6 * i + 3);
    if (x) x->add(aabb + 6 * i);
  }
  return SIZE_MAX;
}

size_t bound_all(const float* boxes, size_t n, double grow, float* aabb, collide_extent* x, bool par) {
  if (!par || n < 2 * kBoundGrain) return bound_range(boxes, 0, n, grow, aabb, x);
  const size_t k = (n + kBoundGrain - 1) / kBoundGrain;
  std::vector<collide_extent> part(k);
  std::vector<size_t> bad(k, SIZE_MAX);
  chunks(k, 1, true, [&](size_t s, size_t e) {
    for (size_t c = s; c < e; ++c)
      bad[c] = bound_range(boxes, c * kBoundGrain, std::min(n, (c + 1) * kBoundGrain), grow, aabb, &part[c]);
  });
  for (size_t c = 0; c < k; ++c) {
    if (bad[c] != SIZE_MAX) return bad[c];
    if (x) x->merge(part[c]);
  }
  return SIZE_MAX;
}

// LSD radix sort of (key, value) by the low `bits` bits of key, 11 bits per pass; the result
// ends in (k, v). tk, tv: scratch of the same size.
void radix_sort(std::vector<uint64_t>& k, std::vector<uint32_t>& v, std::vector<uint64_t>& tk,
                std::vector<uint32_t>& tv, int bits) {
  const size_t n = k.size();
  constexpr int kDigit = 11;
  std::vector<size_t> count(1 << kDigit);
  for (int shift = 0; shift < bits; shift += kDigit) {
    std::fill(count.begin(), count.end(), 0);
    for (size_t i = 0; i < n; ++i) ++count[(k[i] >> shift) & ((1 << kDigit) - 1)];
    size_t sum = 0;
    for (size_t& c : count) {
      const size_t t = c;
      c = sum;
      sum += t;
    }
    for (size_t i = 0; i < n; ++i) {
      const size_t pos = count[(k[i] >> shift) & ((1 << kDigit) - 1)]++;
      tk[pos] = k[i];
      tv[pos] = v[i];
    }
    k.swap(tk);
    v.swap(tv);
  }
}

// The sorted grid over n boxes (AABBs given) and its storage.
struct Grid {
  std::vector<uint64_t> key, tkey;
  std::vector<uint32_t> id, tid;
  std::vector<float> lo[3], hi[3], box;
  std::vector<double> rot;
  collide_grid g;
};

void build(Grid& G, const float* boxes, const float* aabb, size_t n, const collide_extent& x, double grow, bool par) {
  collide_grid& g = G.g;
  grid_layout(x, n, grow, &g);
  G.key.resize(n);
  G.id.resize(n);
  G.tkey.resize(n);
  G.tid.resize(n);
  chunks(n, kBoundGrain, par, [&](size_t s, size_t e) {
    for (size_t i = s; i < e; ++i) {
      G.key[i] = grid_key(g, aabb + 6 * i);
      G.id[i] = (uint32_t)i;
    }
  });
  int bits = 0;
  while (bits < 64 && (g.base[g.levels] - 1) >> bits) ++bits;  // keys < base[levels]
  radix_sort(G.key, G.id, G.tkey, G.tid, bits);
  // Level segments: keys of level l are in [base[l], base[l + 1]).
  g.seg[0] = 0;
  for (int l = 1; l < g.levels; ++l)
    g.seg[l] = (size_t)(std::lower_bound(G.key.begin(), G.key.end(), g.base[l]) - G.key.begin());
  g.seg[g.levels] = n;
  G.key.resize(n + kGridBlock, UINT64_MAX);
  for (int d = 0; d < 3; ++d) {
    G.lo[d].assign(n + kGridBlock, NAN);
    G.hi[d].assign(n + kGridBlock, NAN);
  }
  G.box.resize(10 * n);
  G.rot.resize(9 * n);
  chunks(n, kBoundGrain, par, [&](size_t s, size_t e) {
    for (size_t p = s; p < e; ++p) {
      // One random read per box (its 10 floats); the AABB is recomputed rather than gathered.
      const size_t i = G.id[p];
      memcpy(&G.box[10 * p], boxes + 10 * i, 10 * sizeof(float));
      obb_frame f;
      float b[6];
      obb_frame_of(&G.box[10 * p], grow, &f);
      obb_aabb(f, b, b + 3);
      for (int d = 0; d < 3; ++d) {
        G.lo[d][p] = b[d];
        G.hi[d][p] = b[3 + d];
      }
      memcpy(&G.rot[9 * p], f.r, sizeof f.r);
    }
  });
  g.key = G.key.data();
  g.id = G.id.data();
  g.box = G.box.data();
  g.rot = G.rot.data();
  for (int d = 0; d < 3; ++d) {
    g.lo[d] = G.lo[d].data();
    g.hi[d] = G.hi[d].data();
  }
}

// Collects pair words, counting towards the shared limit.
struct Collect {
  std::vector<uint64_t>* out;
  void operator()(uint32_t i, uint32_t j) { out->push_back(pair_word(i, j)); }
};

// Query phase over the pool: every sorted position, in dynamically taken tasks. Returns
// SIZE_MAX, kCollideTooManyPairs or kCollideNoMemory; `parts` receives each task's pairs.
size_t query_all(const collide_grid& g, size_t n, size_t max_pairs, std::vector<std::vector<uint64_t>>& parts) {
  const size_t tasks = std::max<size_t>(1, std::min<size_t>(n / 256, 64 * (size_t)sk::threads()));
  parts.assign(tasks, {});
  std::atomic<size_t> next{0}, total{0};
  std::atomic<size_t> status{SIZE_MAX};
  chunks(sk::threads(), 1, tasks > 1, [&](size_t, size_t) {
    std::vector<size_t> hints(9 * (size_t)g.levels);
    for (size_t t; (t = next.fetch_add(1)) < tasks && status.load(std::memory_order_relaxed) == SIZE_MAX;) {
      std::vector<uint64_t>& v = parts[t];
      std::fill(hints.begin(), hints.end(), 0);
      Collect emit{&v};
      const size_t s = n * t / tasks, e = n * (t + 1) / tasks;
      size_t counted = 0;
      try {
        for (size_t p = s; p < e; ++p) {
          grid_query(g, p, emit, hints.data());
          if (v.size() - counted > 4096 || p + 1 == e) {
            if (total.fetch_add(v.size() - counted) + v.size() - counted > max_pairs) {
              status = kCollideTooManyPairs;
              break;
            }
            counted = v.size();
          }
        }
      } catch (const std::bad_alloc&) {
        status = kCollideNoMemory;
      }
    }
  });
  return status.load();
}

// Sorted pair list from unsorted parts: counting sort by first index, then rows by second.
size_t assemble(std::vector<std::vector<uint64_t>>& parts, size_t n, size_t max_pairs, std::vector<uint64_t>* out) {
  size_t total = 0;
  for (auto& p : parts) total += p.size();
  if (total > max_pairs) return kCollideTooManyPairs;
  try {
    out->resize(total);
  } catch (const std::bad_alloc&) {
    return kCollideNoMemory;
  }
  if (total == 0) return SIZE_MAX;
  // Each worker owns a range of first indices: it reads every part but writes only its rows,
  // so no atomics are needed and the result does not depend on the split.
  std::vector<uint32_t> start(n + 1, 0);
  const size_t workers = total > kBoundGrain ? sk::threads() : 1;
  // Runs visit(word, i) for every pair word whose first index i worker w owns, then done(i0, i1).
  auto by_owner = [&](auto&& visit, auto&& done) {
    chunks(workers, 1, workers > 1, [&](size_t s, size_t e) {
      for (size_t w = s; w < e; ++w) {
        const size_t i0 = n * w / workers, i1 = n * (w + 1) / workers;
        for (auto& part : parts)
          for (uint64_t word : part) {
            const uint32_t i = pair_first(word);
            if (i >= i0 && i < i1) visit(word, i);
          }
        done(i0, i1);
      }
    });
  };
  by_owner([&](uint64_t, uint32_t i) { ++start[i + 1]; }, [](size_t, size_t) {});
  for (size_t i = 0; i < n; ++i) start[i + 1] += start[i];
  std::vector<uint32_t> cursor(start.begin(), start.end() - 1);
  uint64_t* o = out->data();
  by_owner([&](uint64_t word, uint32_t i) { o[cursor[i]++] = word; },
           [&](size_t i0, size_t i1) {
             for (size_t i = i0; i < i1; ++i)
               if (start[i + 1] - start[i] > 1) std::sort(o + start[i], o + start[i + 1]);
           });
  return SIZE_MAX;
}

// All pairs of n boxes whose AABBs are known, sorted, over the pool.
size_t pairs_parallel(const float* boxes, const float* aabb, size_t n, const collide_extent& x, double grow, size_t max_pairs,
                      std::vector<uint64_t>* out) {
  try {
    Grid G;
    build(G, boxes, aabb, n, x, grow, true);
    std::vector<std::vector<uint64_t>> parts;
    const size_t st = query_all(G.g, n, max_pairs, parts);
    if (st != SIZE_MAX) return st;
    G = Grid();  // release the grid before the output is allocated
    return assemble(parts, n, max_pairs, out);
  } catch (const std::bad_alloc&) {
    return kCollideNoMemory;
  }
}

// Per-thread scratch for scenes handled on one thread.
struct Scratch {
  Grid G;
  std::vector<obb_frame> frames;
  std::vector<float> aabb;
  std::vector<size_t> hints;
};

// Frames the caller computed, for scene_pairs_brute.
struct FrameArray {
  const obb_frame* f;
  void operator()(size_t i, obb_frame* out) const { *out = f[i]; }
};

// Pairs of one scene of n valid boxes on the calling thread, appended to `out` in sorted order
// (indices local to the scene); false (and `out` partly filled) once more than `limit` pairs
// were found. Small scenes compute each frame once and test every AABB pair; larger ones go
// through the grid.
bool scene_pairs(const float* boxes, size_t n, double grow, size_t limit, Scratch& w, std::vector<uint64_t>* out) {
  w.aabb.resize(6 * n);
  float* aabb = w.aabb.data();
  if (n <= kBruteMax) {  // at most kBruteMax² / 2 pairs: no limit check needed inside
    w.frames.resize(n);
    for (size_t i = 0; i < n; ++i) {
      obb_frame_of(boxes + 10 * i, grow, &w.frames[i]);
      obb_aabb(w.frames[i], aabb + 6 * i, aabb + 6 * i + 3);
    }
    auto emit = [out](uint32_t i, uint32_t j) { out->push_back(pair_word(i, j)); };
    scene_pairs_brute(FrameArray{w.frames.data()}, aabb, n, emit);
    return true;
  }
  collide_extent x;
  bound_range(boxes, 0, n, grow, aabb, &x);
  build(w.G, boxes, aabb, n, x, grow, false);
  const size_t first = out->size();
  // Lexicographic keys (i << 32 | j) sort directly; converted to pair words afterwards.
  auto emit = [out](uint32_t i, uint32_t j) { out->push_back(((uint64_t)i << 32) | j); };
  w.hints.assign(9 * (size_t)w.G.g.levels, 0);
  for (size_t p = 0; p < n; ++p) {
    grid_query(w.G.g, p, emit, w.hints.data());
    if (out->size() - first > limit) return false;
  }
  std::sort(out->begin() + first, out->end());
  for (size_t k = first; k < out->size(); ++k) (*out)[k] = pair_word((uint32_t)((*out)[k] >> 32), (uint32_t)(*out)[k]);
  return true;
}

// The first invalid box of [0, n), or SIZE_MAX, over the pool.
size_t check_all(const float* boxes, size_t n) {
  return sk::parallel_for(n, 4 * kBoundGrain, [&](size_t s, size_t e) {
    for (size_t i = s; i < e; ++i)
      if (box_check(boxes + 10 * i) != BOX_OK) return i;
    return (size_t)SIZE_MAX;
  });
}

}  // namespace

namespace sk::cpu {

size_t collide_pairs(const float* boxes, size_t n, double margin, size_t max_pairs, std::vector<uint64_t>* pairs) {
  pairs->clear();
  const double grow = 0.5 * margin;
  try {
    if (n <= kBruteMax) {
      const size_t bad = check_all(boxes, n);
      if (bad != SIZE_MAX) return bad;
      Scratch w;
      scene_pairs(boxes, n, grow, max_pairs, w, pairs);
      return pairs->size() > max_pairs ? kCollideTooManyPairs : SIZE_MAX;
    }
    std::vector<float> aabb(6 * n);
    collide_extent x;
    const size_t bad = bound_all(boxes, n, grow, aabb.data(), &x, true);
    if (bad != SIZE_MAX) return bad;
    return pairs_parallel(boxes, aabb.data(), n, x, grow, max_pairs, pairs);
  } catch (const std::bad_alloc&) {
    return kCollideNoMemory;
  }
}

size_t collide_pairs_batched(const float* boxes, size_t n, const uint32_t* offsets, size_t scenes, double margin,
                             size_t max_pairs, std::vector<uint64_t>* pairs, std::vector<uint32_t>* scene_offsets) {
  pairs->clear();
  const double grow = 0.5 * margin;
  try {
    scene_offsets->assign(scenes + 1, 0);
    const size_t bad = check_all(boxes, n);
    if (bad != SIZE_MAX) return bad;
    // Tasks: runs of consecutive scenes of about kBatchChunk boxes; a huge scene is its own task
    // and runs on all threads afterwards.
    struct Task {
      size_t s0, s1;
      bool huge;
      std::vector<uint64_t> out;
    };
    std::vector<Task> tasks;
    for (size_t s = 0; s < scenes;) {
      if (offsets[s + 1] - offsets[s] >= kHugeScene) {
        tasks.push_back({s, s + 1, true, {}});
        ++s;
        continue;
      }
      size_t e = s, boxes_in = 0;
      for (; e < scenes && offsets[e + 1] - offsets[e] < kHugeScene && boxes_in < kBatchChunk; ++e)
        boxes_in += offsets[e + 1] - offsets[e];
      tasks.push_back({s, e, false, {}});
      s = e;
    }
    // The pair count is shared once per task (and per large scene), not per scene: the limit
    // only needs to stop a runaway early; the final total is checked exactly.
    std::atomic<size_t> next{0}, total{0}, status{SIZE_MAX};
    uint32_t* counts = scene_offsets->data() + 1;
    auto run_small = [&](Task& t, Scratch& w) {
      size_t pending = 0;
      for (size_t s = t.s0; s < t.s1; ++s) {
        const size_t before = t.out.size(), o = offsets[s], k = offsets[s + 1] - o;
        const size_t seen = total.load(std::memory_order_relaxed) + pending;
        const bool within = scene_pairs(boxes + 10 * o, k, grow, max_pairs - std::min(max_pairs, seen), w, &t.out);
        const size_t c = t.out.size() - before;
        counts[s] = (uint32_t)std::min<size_t>(c, UINT32_MAX);
        pending += c;
        if (!within || (k > kBruteMax && total.load(std::memory_order_relaxed) + pending > max_pairs)) {
          status = kCollideTooManyPairs;
          return;
        }
      }
      if (total.fetch_add(pending) + pending > max_pairs) status = kCollideTooManyPairs;
    };
    chunks(sk::threads(), 1, tasks.size() > 1, [&](size_t, size_t) {
      Scratch w;
      try {
        for (size_t t; (t = next.fetch_add(1)) < tasks.size() && status.load(std::memory_order_relaxed) == SIZE_MAX;)
          if (!tasks[t].huge) run_small(tasks[t], w);
      } catch (const std::bad_alloc&) {
        status = kCollideNoMemory;
      }
    });
    for (Task& t : tasks) {
      if (!t.huge || status.load() != SIZE_MAX) continue;
      const size_t o = offsets[t.s0], k = offsets[t.s0 + 1] - o;
      std::vector<float> aabb(6 * k);
      collide_extent x;
      bound_range(boxes + 10 * o, 0, k, grow, aabb.data(), &x);
      const size_t st = pairs_parallel(boxes + 10 * o, aabb.data(), k, x, grow, max_pairs - total.load(), &t.out);
      if (st != SIZE_MAX) return st;
      counts[t.s0] = (uint32_t)t.out.size();
      if (total.fetch_add(t.out.size()) + t.out.size() > max_pairs) status = kCollideTooManyPairs;
    }
    if (status.load() != SIZE_MAX) return status.load();
    for (size_t s = 0; s < scenes; ++s) (*scene_offsets)[s + 1] += (*scene_offsets)[s];
    pairs->resize(total.load());
    size_t at = 0;
    for (Task& t : tasks) {
      if (!t.out.empty()) memcpy(pairs->data() + at, t.out.data(), t.out.size() * sizeof(uint64_t));
      at += t.out.size();
      std::vector<uint64_t>().swap(t.out);
    }
    return SIZE_MAX;
  } catch (const std::bad_alloc&) {
    return kCollideNoMemory;
  }
}

}  // namespace sk::cpu
