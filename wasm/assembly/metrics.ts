// Metric kernel bodies and drivers: the AssemblyScript port of native/kernels/metrics.h (bodies,
// same names) and native/cpu/metrics.cc (drivers, `…_batch`). Scalar code: the bodies are
// scatter increments and short integer loops, where wasm SIMD has nothing to offer.

// ---- Bodies (native/kernels/metrics.h) ----------------------------------------------------------

/** The bin of one code: the code when 0 ≤ code < K, else K (a spare bin counted harmlessly). */
@inline export function metrics_code_bin(code: i32, K: u32): u32 {
  const c = <u32>code;
  return c < K ? c : K;
}

@inline function xlog2x(c: f64): f64 { return c * Math.log2(c); }

/** NE = 1 − Σ n_i log2 n_i / (N log2 N) over labels sorted so equal ones are adjacent; NaN for N < 2. */
export function metrics_ne_sorted(s: usize, n: u32): f64 {
  if (n < 2) return NaN;
  let acc: f64 = 0.0;
  let run: u32 = 1;
  for (let i: u32 = 1; i < n; ++i) {
    if (load<i32>(s + (<usize>i << 2)) == load<i32>(s + (<usize>(i - 1) << 2))) {
      ++run;
    } else {
      acc += xlog2x(<f64>run);
      run = 1;
    }
  }
  acc += xlog2x(<f64>run);
  const N = <f64>n;
  return 1.0 - acc / (N * Math.log2(N));
}

/** NE of a short group from unsorted labels: 1 − log2(Π_i m_i) / (N log2 N), m_i = #labels equal to label i. */
export function metrics_ne_small(l: usize, n: u32): f64 {
  if (n < 2) return NaN;
  const first = load<i32>(l);
  let m0: u32 = 0;
  for (let j: u32 = 0; j < n; ++j) m0 += <u32>(load<i32>(l + (<usize>j << 2)) == first);
  if (m0 == n) return 0.0;
  let prod: f64 = 1.0;
  for (let i: u32 = 0; i < n; ++i) {
    const v = load<i32>(l + (<usize>i << 2));
    let m: u32 = 0;
    for (let j: u32 = 0; j < n; ++j) m += <u32>(load<i32>(l + (<usize>j << 2)) == v);
    prod *= <f64>m;
  }
  const N = <f64>n;
  return 1.0 - Math.log2(prod) / (N * Math.log2(N));
}

const SMALL_GROUP: u32 = 32;  // SK_METRICS_SMALL_GROUP

// ---- Drivers (native/drivers/metrics.h) ---------------------------------------------------------

/**
 * Adds codes [0, n) into table[0..K] (u32, K + 1 bins; table[K] collects bad codes), without
 * clearing it first, so the adapter can stream codes through in chunks. Returns the index of the
 * first code outside [0, K) in this call, or -1.
 */
export function metrics_histogram_batch(codes: usize, n: i32, K: u32, table: usize): i32 {
  for (let i = 0; i < n; ++i) {
    const b = table + (<usize>metrics_code_bin(load<i32>(codes + (<usize>i << 2)), K) << 2);
    store<u32>(b, load<u32>(b) + 1);
  }
  if (load<u32>(table + (<usize>K << 2)) == 0) return -1;
  for (let i = 0; i < n; ++i) if (metrics_code_bin(load<i32>(codes + (<usize>i << 2)), K) == K) return i;
  return -1;
}

/** Groups per block of the NE sum, as in native/cpu/metrics.cc (kNeBlock), so the mean is summed alike. */
const NE_BLOCK: u32 = 4096;

@inline function ld(s: usize, i: u32): i32 { return load<i32>(s + (<usize>i << 2)); }
@inline function st(s: usize, i: u32, v: i32): void { store<i32>(s + (<usize>i << 2), v); }

/** Heapsort of s[0, n): O(n log n) whatever the labels, no recursion, no allocation (native uses std::sort). */
function sort_i32(s: usize, n: u32): void {
  for (let k = n >> 1; k > 0; --k) sift(s, k - 1, n);
  for (let end = n; end > 1; --end) {
    const t = ld(s, 0);
    st(s, 0, ld(s, end - 1));
    st(s, end - 1, t);
    sift(s, 0, end - 1);
  }
}
/** Moves s[i] down the max-heap s[0, end) to its place. */
function sift(s: usize, i: u32, end: u32): void {
  const v = ld(s, i);
  for (;;) {
    let c: u32 = 2 * i + 1;
    if (c >= end) break;
    if (c + 1 < end && ld(s, c + 1) > ld(s, c)) ++c;
    if (ld(s, c) <= v) break;
    st(s, i, ld(s, c));
    i = c;
  }
  st(s, i, v);
}

/**
 * values[g] = NE of labels[offsets[g] .. offsets[g+1]) (f64, NaN for fewer than 2 labels);
 * stats = [sum of the defined values, their count]. `scratch` holds at least the longest group
 * when that is over 32 labels, or is 0 to sort groups in place (labels are a copy). Returns the first index of `offsets` that does not rise from 0
 * to n, or -1.
 */
export function metrics_ne_grouped_batch(labels: usize, n: u32, off: usize, G: u32, values: usize, stats: usize,
  scratch: usize): i32 {
  if (load<u32>(off) != 0) return 0;
  let total: f64 = 0.0, count: f64 = 0.0;
  for (let k: u32 = 0; k < G; k += NE_BLOCK) {
    const end = G - k < NE_BLOCK ? G : k + NE_BLOCK;
    let s: f64 = 0.0, c: f64 = 0.0;
    for (let g = k; g < end; ++g) {
      const a = load<u32>(off + (<usize>g << 2)), b = load<u32>(off + (<usize>(g + 1) << 2));
      if (b < a || b > n) return <i32>(g + 1);
      const len = b - a;
      let v: f64;
      if (len <= SMALL_GROUP) {
        v = metrics_ne_small(labels + (<usize>a << 2), len);
      } else {
        // Sorted in `scratch`, or in place when scratch is 0 (labels are then the adapter's copy).
        const s = scratch ? scratch : labels + (<usize>a << 2);
        if (scratch) memory.copy(scratch, labels + (<usize>a << 2), <usize>len << 2);
        sort_i32(s, len);
        v = metrics_ne_sorted(s, len);
      }
      store<f64>(values + (<usize>g << 3), v);
      if (len >= 2) { s += v; c += 1.0; }
    }
    total += s;
    count += c;
  }
  if (load<u32>(off + (<usize>G << 2)) != n) return <i32>G;
  store<f64>(stats, total);
  store<f64>(stats, count, 8);
  return -1;
}
