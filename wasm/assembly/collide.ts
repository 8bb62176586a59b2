// Oriented-box collision: the AssemblyScript port of native/kernels/collide.h (bodies, same
// names and the same float64 operations in the same order, so every decision matches native bit
// for bit) and of the CPU drivers (`…_batch`, single-threaded). Boxes are 10 f32
// [cx, cy, cz, hx, hy, hz, qx, qy, qz, qw]; see the C header for the conventions and the
// tolerance argument (kSatTol, kAabbPad) and the grid's contract.
//
// C structs become fixed blocks of static memory: a frame is 15 f64 (c[3], h[3], r[9]); the grid
// is a set of globals. Pair emitters write lexicographic keys (i << 32 | j) to a buffer the
// adapter sizes; the count goes on past its capacity so the adapter can retry with the exact size.

const kSatTol: f64 = 1e-12;
const kAabbPad: f64 = 1.0 / 4096;
const kGridMaxLevels: i32 = 24;
const kGridBits: i32 = 17;
const kGridSub: i32 = 4;
const kGridSlack: f64 = 1.0 / <f64>(1 << 20);
const kGridBlock: u32 = 16;
const kBruteMax: u32 = 40;

// ---- Bodies (native/kernels/collide.h) ----------------------------------------------------------

/** 0 ok, 1 a non-finite value, 2 a negative half-extent, 3 a zero-length quaternion. */
export function box_check(b: usize): i32 {
  let bad: f32 = 0;
  for (let k: usize = 0; k < 10; ++k) {
    const x = load<f32>(b + (k << 2));
    bad += x - x;
  }
  if (bad != 0) return 1;
  if (load<f32>(b, 12) < 0 || load<f32>(b, 16) < 0 || load<f32>(b, 20) < 0) return 2;
  const x = <f64>load<f32>(b, 24), y = <f64>load<f32>(b, 28), z = <f64>load<f32>(b, 32), w = <f64>load<f32>(b, 36);
  if (x * x + y * y + z * z + w * w == 0.0) return 3;
  return 0;
}

// Frame field offsets (bytes): c at 0, h at 24, r (row-major 3×3) at 48.
const FRAME: usize = 120;
@inline function fc(f: usize, k: usize): f64 { return load<f64>(f + (k << 3)); }
@inline function fh(f: usize, k: usize): f64 { return load<f64>(f + 24 + (k << 3)); }
@inline function fr(f: usize, k: usize): f64 { return load<f64>(f + 48 + (k << 3)); }

export function obb_frame_of(b: usize, grow: f64, f: usize): void {
  store<f64>(f, <f64>load<f32>(b));
  store<f64>(f, <f64>load<f32>(b, 4), 8);
  store<f64>(f, <f64>load<f32>(b, 8), 16);
  store<f64>(f, <f64>load<f32>(b, 12) + grow, 24);
  store<f64>(f, <f64>load<f32>(b, 16) + grow, 32);
  store<f64>(f, <f64>load<f32>(b, 20) + grow, 40);
  const x = <f64>load<f32>(b, 24), y = <f64>load<f32>(b, 28), z = <f64>load<f32>(b, 32), w = <f64>load<f32>(b, 36);
  const s = 2.0 / (x * x + y * y + z * z + w * w);
  const xx = s * x * x, yy = s * y * y, zz = s * z * z;
  const xy = s * x * y, xz = s * x * z, yz = s * y * z;
  const xw = s * x * w, yw = s * y * w, zw = s * z * w;
  store<f64>(f, 1.0 - (yy + zz), 48); store<f64>(f, xy - zw, 56);         store<f64>(f, xz + yw, 64);
  store<f64>(f, xy + zw, 72);         store<f64>(f, 1.0 - (xx + zz), 80); store<f64>(f, yz - xw, 88);
  store<f64>(f, xz - yw, 96);         store<f64>(f, yz + xw, 104);        store<f64>(f, 1.0 - (xx + yy), 112);
}

// Outward rounding as in C: v moved by |v|·2^-22 + 2^-140 before rounding to nearest.
const ULP22: f64 = reinterpret<f64>(<u64>(1023 - 22) << 52);
const TINY: f64 = reinterpret<f64>(<u64>(1023 - 140) << 52);
export function sk_f32_down(v: f64): f32 { return <f32>(v - (Math.abs(v) * ULP22 + TINY)); }
export function sk_f32_up(v: f64): f32 { return <f32>(v + (Math.abs(v) * ULP22 + TINY)); }

/** lo, hi: 3 f32 each. */
export function obb_aabb(f: usize, lo: usize, hi: usize): void {
  const h0 = fh(f, 0), h1 = fh(f, 1), h2 = fh(f, 2);
  const pad = kAabbPad * (h0 + h1 + h2);
  for (let k: usize = 0; k < 3; ++k) {
    const r = f + 48 + k * 24;
    const w = h0 * Math.abs(load<f64>(r)) + h1 * Math.abs(load<f64>(r, 8)) + h2 * Math.abs(load<f64>(r, 16)) + pad;
    store<f32>(lo + (k << 2), sk_f32_down(fc(f, k) - w));
    store<f32>(hi + (k << 2), sk_f32_up(fc(f, k) + w));
  }
}

/** Branch-free (`&`): six short-circuit branches on random AABBs mispredict. */
@inline export function aabb_overlap(alo: usize, ahi: usize, blo: usize, bhi: usize): bool {
  return <bool>(<i32>(load<f32>(alo) <= load<f32>(bhi)) & <i32>(load<f32>(blo) <= load<f32>(ahi)) &
    <i32>(load<f32>(alo, 4) <= load<f32>(bhi, 4)) & <i32>(load<f32>(blo, 4) <= load<f32>(ahi, 4)) &
    <i32>(load<f32>(alo, 8) <= load<f32>(bhi, 8)) & <i32>(load<f32>(blo, 8) <= load<f32>(ahi, 8)));
}

// R[i][j] and |R[i][j]| of obb_obb_overlap.
const RM: usize = memory.data(72);
const QM: usize = memory.data(72);
const TV: usize = memory.data(24);
@inline function R(i: usize, j: usize): f64 { return load<f64>(RM + ((i * 3 + j) << 3)); }
@inline function Q(i: usize, j: usize): f64 { return load<f64>(QM + ((i * 3 + j) << 3)); }
@inline function t(i: usize): f64 { return load<f64>(TV + (i << 3)); }

/** 1 when the closed boxes (frames A, B) intersect: the 15-axis SAT with tolerance kSatTol·S. */
export function obb_obb_overlap(A: usize, B: usize): i32 {
  const a0 = fh(A, 0), a1 = fh(A, 1), a2 = fh(A, 2), b0 = fh(B, 0), b1 = fh(B, 1), b2 = fh(B, 2);
  const T0 = fc(B, 0) - fc(A, 0), T1 = fc(B, 1) - fc(A, 1), T2 = fc(B, 2) - fc(A, 2);
  for (let i: usize = 0; i < 3; ++i) store<f64>(TV + (i << 3), fr(A, i) * T0 + fr(A, 3 + i) * T1 + fr(A, 6 + i) * T2);
  const tol = kSatTol * (a0 + a1 + a2 + b0 + b1 + b2 + Math.abs(t(0)) + Math.abs(t(1)) + Math.abs(t(2)));
  // Face axes of A (row i of R computed just before its test).
  for (let i: usize = 0; i < 3; ++i) {
    const ai0 = fr(A, i), ai1 = fr(A, 3 + i), ai2 = fr(A, 6 + i);
    for (let j: usize = 0; j < 3; ++j) {
      const r = ai0 * fr(B, j) + ai1 * fr(B, 3 + j) + ai2 * fr(B, 6 + j);
      store<f64>(RM + ((i * 3 + j) << 3), r);
      store<f64>(QM + ((i * 3 + j) << 3), Math.abs(r));
    }
    const ai = i == 0 ? a0 : (i == 1 ? a1 : a2);
    if (Math.abs(t(i)) > ai + b0 * Q(i, 0) + b1 * Q(i, 1) + b2 * Q(i, 2) + tol) return 0;
  }
  // Face axes of B.
  for (let j: usize = 0; j < 3; ++j) {
    const bj = j == 0 ? b0 : (j == 1 ? b1 : b2);
    if (Math.abs(t(0) * R(0, j) + t(1) * R(1, j) + t(2) * R(2, j)) > a0 * Q(0, j) + a1 * Q(1, j) + a2 * Q(2, j) + bj + tol) return 0;
  }
  // Edge axes A_i × B_j, unnormalised.
  for (let i: usize = 0; i < 3; ++i) {
    const i1: usize = i == 0 ? 1 : 0, i2: usize = i == 2 ? 1 : 2;
    const ai1 = i1 == 0 ? a0 : a1, ai2 = i2 == 1 ? a1 : a2;
    for (let j: usize = 0; j < 3; ++j) {
      const j1: usize = j == 0 ? 1 : 0, j2: usize = j == 2 ? 1 : 2;
      const bj1 = j1 == 0 ? b0 : b1, bj2 = j2 == 1 ? b1 : b2;
      const ra = ai1 * Q(i2, j) + ai2 * Q(i1, j);
      const rb = bj1 * Q(i, j2) + bj2 * Q(i, j1);
      if (Math.abs(t(i2) * R(i1, j) - t(i1) * R(i2, j)) > ra + rb + tol) return 0;
    }
  }
  return 1;
}

const FA: usize = memory.data(<i32>FRAME);
const FB: usize = memory.data(<i32>FRAME);
const FC: usize = memory.data(<i32>FRAME);
const BOXLO: usize = memory.data(12);
const BOXHI: usize = memory.data(12);

/** SK_BAD (1) if either box is invalid, else writes the overlap flag to `out` and returns 0. */
export function box_overlap(a: usize, b: usize, margin: f64, out: usize): i32 {
  if (box_check(a) != 0 || box_check(b) != 0) {
    store<u8>(out, 0);
    return 1;
  }
  obb_frame_of(a, 0.5 * margin, FA);
  obb_frame_of(b, 0.5 * margin, FB);
  store<u8>(out, <u8>obb_obb_overlap(FA, FB));
  return 0;
}

/** 1 when candidate frame c (AABB clo, chi) overlaps none of the n placed boxes (AABBs 6 f32 each). */
export function box_fits(c: usize, clo: usize, chi: usize, placed: usize, placedAabb: usize, n: u32, grow: f64): u8 {
  for (let j: u32 = 0; j < n; ++j) {
    const bb = placedAabb + <usize>j * 24;
    if (!aabb_overlap(clo, chi, bb, bb + 12)) continue;
    obb_frame_of(placed + <usize>j * 40, grow, FB);
    if (obb_obb_overlap(c, FB)) return 0;
  }
  return 1;
}

// ---- Grid (native/kernels/collide.h, "Broad phase") ---------------------------------------------

let gLevels: i32 = 1;
const gSeg: usize = memory.data((kGridMaxLevels + 1) * 4);   // u32 positions
const gBase: usize = memory.data((kGridMaxLevels + 1) * 8);  // u64 keys
const gDim: usize = memory.data(kGridMaxLevels * 24);       // i64 [level][3]
const gOrigin: usize = memory.data(12);                     // f32 [3]
const gScale: usize = memory.data(24);                      // f64 [3]
let gGrow: f64 = 0;
let gKey: usize = 0, gId: usize = 0, gBox: usize = 0;
let gLo0: usize = 0, gLo1: usize = 0, gLo2: usize = 0, gHi0: usize = 0, gHi1: usize = 0, gHi2: usize = 0;
const gHints: usize = memory.data(kGridMaxLevels * 9 * 4);

@inline function seg(l: i32): u32 { return load<u32>(gSeg + (<usize>l << 2)); }
@inline function base(l: i32): u64 { return load<u64>(gBase + (<usize>l << 3)); }
@inline function dim(l: i32, d: i32): i64 { return load<i64>(gDim + <usize>(l * 3 + d) * 8); }
@inline function ldexp(x: f64, k: i32): f64 { return x * reinterpret<f64>(<u64>(1023 + k) << 52); }

export function grid_coord(x: f32, origin: f32, scale: f64, last: i64): i64 {
  const v = (<f64>x - <f64>origin) * scale;
  if (!(v >= 0)) return 0;  // NaN from an infinite AABB (inf − inf): one cell, not a trap
  return v < <f64>last ? <i64>v : last;
}

// Pair output: lexicographic keys at emitPtr, up to emitCap of them; emitCount counts them all.
let emitPtr: usize = 0;
let emitCap: u64 = 0;
let emitCount: u64 = 0;
@inline function emit(i: u32, j: u32): void {
  if (emitCount < emitCap) store<u64>(emitPtr + <usize>(emitCount << 3), (<u64>i << 32) | <u64>j);
  ++emitCount;
}

export function grid_seek(k: usize, lo: u32, hi: u32, t: u64, hint: u32): u32 {
  let a: u32, b: u32;
  if (hint < lo || hint > hi) hint = lo;
  if (hint < hi && load<u64>(k + (<usize>hint << 3)) < t) {
    a = hint + 1;
    b = a;
    for (let step: u32 = 1; b < hi && load<u64>(k + (<usize>b << 3)) < t; step <<= 1) {
      a = b + 1;
      b = a + step;
    }
    if (b > hi) b = hi;
  } else {
    b = hint;
    for (let step: u32 = 1; ; step <<= 1) {
      if (b - lo <= step) { a = lo; break; }
      a = b - step;
      if (load<u64>(k + (<usize>a << 3)) < t) break;
      b = a;
    }
  }
  while (a < b) {
    const m = a + ((b - a) >> 1);
    if (load<u64>(k + (<usize>m << 3)) < t) a = m + 1;
    else b = m;
  }
  return a;
}

// A's AABB (lo xyz, hi xyz) during grid_query.
const QA: usize = memory.data(24);
let haveA = false;

function grid_frame(p: u32, f: usize): void {
  obb_frame_of(gBox + <usize>p * 40, gGrow, f);
}

function grid_run(p: u32, q: u32, kend: u64): void {
  const ax0 = load<f32>(QA), ay0 = load<f32>(QA, 4), az0 = load<f32>(QA, 8);
  const ax1 = load<f32>(QA, 12), ay1 = load<f32>(QA, 16), az1 = load<f32>(QA, 20);
  for (; ; q += kGridBlock) {
    let inRun: u32 = 0;
    for (let k: u32 = 0; k < kGridBlock; ++k) inRun += <u32>(load<u64>(gKey + (<usize>(q + k) << 3)) <= kend);
    for (let k: u32 = 0; k < inRun; ++k) {
      const o = <usize>(q + k) << 2;
      const hit = <i32>(load<f32>(gLo0 + o) <= ax1) & <i32>(load<f32>(gHi0 + o) >= ax0) & <i32>(load<f32>(gLo1 + o) <= ay1) &
        <i32>(load<f32>(gHi1 + o) >= ay0) & <i32>(load<f32>(gLo2 + o) <= az1) & <i32>(load<f32>(gHi2 + o) >= az0);
      if (!hit) continue;
      if (!haveA) {
        grid_frame(p, FA);
        haveA = true;
      }
      grid_frame(q + k, FB);
      if (obb_obb_overlap(FA, FB)) {
        const ia = load<u32>(gId + (<usize>p << 2)), ib = load<u32>(gId + (<usize>(q + k) << 2));
        if (ia < ib) emit(ia, ib);
        else emit(ib, ia);
      }
    }
    if (inRun < kGridBlock) return;
  }
}

function grid_query(p: u32): void {
  const o = <usize>p << 2;
  store<f32>(QA, load<f32>(gLo0 + o)); store<f32>(QA, load<f32>(gLo1 + o), 4); store<f32>(QA, load<f32>(gLo2 + o), 8);
  store<f32>(QA, load<f32>(gHi0 + o), 12); store<f32>(QA, load<f32>(gHi1 + o), 16); store<f32>(QA, load<f32>(gHi2 + o), 20);
  let la = 0;
  while (p >= seg(la + 1)) ++la;
  let m0: i64 = 0, m1: i64 = 0, m2: i64 = 0, M0: i64 = 0, M1: i64 = 0, M2: i64 = 0;
  for (let d = 0; d < 3; ++d) {
    const org = load<f32>(gOrigin + (<usize>d << 2)), sc = load<f64>(gScale + (<usize>d << 3)), last = dim(0, d) - 1;
    const m = grid_coord(load<f32>(QA + (<usize>d << 2)), org, sc, last);
    const M = grid_coord(load<f32>(QA + 12 + (<usize>d << 2)), org, sc, last);
    if (d == 0) { m0 = m; M0 = M; } else if (d == 1) { m1 = m; M1 = M; } else { m2 = m; M2 = M; }
  }
  haveA = false;
  for (let l = la; l < gLevels; ++l) {
    const lo = seg(l), hi = seg(l + 1);
    if (lo == hi) continue;
    const dx = dim(l, 0), dy = dim(l, 1), dz = dim(l, 2);
    const back: i64 = 1 << kGridSub;
    const x0: i64 = (m0 >> l) >= back ? (m0 >> l) - back : 0;
    const y0: i64 = (m1 >> l) >= 1 ? (m1 >> l) - 1 : 0;
    const z0: i64 = (m2 >> l) >= 1 ? (m2 >> l) - 1 : 0;
    // Clamped to one cell past A.lo's as well (native/kernels/collide.h grid_query says why).
    let x1: i64 = (M0 >> l) < dx ? (M0 >> l) : dx - 1;
    let y1: i64 = (M1 >> l) < dy ? (M1 >> l) : dy - 1;
    let z1: i64 = (M2 >> l) < dz ? (M2 >> l) : dz - 1;
    if (x1 > (m0 >> l) + back) x1 = (m0 >> l) + back;
    if (y1 > (m1 >> l) + 1) y1 = (m1 >> l) + 1;
    if (z1 > (m2 >> l) + 1) z1 = (m2 >> l) + 1;
    const cy = m1 >> l, cz = m2 >> l;
    for (let z = z0; z <= z1; ++z)
      for (let y = y0; y <= y1; ++y) {
        if (l == la && (z < cz || (z == cz && y < cy))) continue;
        const row = base(l) + <u64>((z * dy + y) * dx);
        const hz = z - z0, hy = y - y0;
        const h: usize = hz < 3 && hy < 3 ? gHints + <usize>((l * 9 + <i32>(3 * hz + hy)) << 2) : 0;
        let q: u32;
        if (l == la && z == cz && y == cy) {
          q = p + 1;
        } else {
          q = grid_seek(gKey, lo, hi, row + <u64>x0, h ? load<u32>(h) : lo);
          if (h) store<u32>(h, q);
        }
        grid_run(p, q, row + <u64>x1);
      }
  }
}

/** Every overlapping pair among n boxes by AABB pairs, emitted in lexicographic order. */
export function scene_pairs_brute(boxes: usize, aabb: usize, n: u32, grow: f64): void {
  for (let i: u32 = 0; i + 1 < n; ++i) {
    const alo = aabb + <usize>i * 24;
    let have = false;
    for (let j = i + 1; j < n; ++j) {
      const blo = aabb + <usize>j * 24;
      if (!aabb_overlap(alo, alo + 12, blo, blo + 12)) continue;
      if (!have) {
        obb_frame_of(boxes + <usize>i * 40, grow, FA);
        have = true;
      }
      obb_frame_of(boxes + <usize>j * 40, grow, FB);
      if (obb_obb_overlap(FA, FB)) emit(i, j);
    }
  }
}

// collide_extent: AABB union, largest and smallest positive extent.
let exLo0: f32 = 0, exLo1: f32 = 0, exLo2: f32 = 0, exHi0: f32 = 0, exHi1: f32 = 0, exHi2: f32 = 0;
let exMax: f64 = 0, exMin: f64 = 0;
function extent_of(aabb: usize, n: u32): void {
  exLo0 = f32.POSITIVE_INFINITY; exLo1 = f32.POSITIVE_INFINITY; exLo2 = f32.POSITIVE_INFINITY;
  exHi0 = f32.NEGATIVE_INFINITY; exHi1 = f32.NEGATIVE_INFINITY; exHi2 = f32.NEGATIVE_INFINITY;
  exMax = 0; exMin = Infinity;
  for (let i: u32 = 0; i < n; ++i) {
    const b = aabb + <usize>i * 24;
    const l0 = load<f32>(b), l1 = load<f32>(b, 4), l2 = load<f32>(b, 8);
    const h0 = load<f32>(b, 12), h1 = load<f32>(b, 16), h2 = load<f32>(b, 20);
    if (l0 < exLo0) exLo0 = l0;
    if (l1 < exLo1) exLo1 = l1;
    if (l2 < exLo2) exLo2 = l2;
    if (h0 > exHi0) exHi0 = h0;
    if (h1 > exHi1) exHi1 = h1;
    if (h2 > exHi2) exHi2 = h2;
    let e: f64 = 0;
    const e0 = <f64>h0 - <f64>l0, e1 = <f64>h1 - <f64>l1, e2 = <f64>h2 - <f64>l2;
    if (e0 > e) e = e0;
    if (e1 > e) e = e1;
    if (e2 > e) e = e2;
    if (e > exMax) exMax = e;
    if (e > 0 && e < exMin) exMin = e;
  }
}

function grid_layout(n: u32, grow: f64): void {
  const lo0 = <f64>exLo0, lo1 = <f64>exLo1, lo2 = <f64>exLo2;
  let span: f64 = 0;
  if (<f64>exHi0 - lo0 > span) span = <f64>exHi0 - lo0;
  if (<f64>exHi1 - lo1 > span) span = <f64>exHi1 - lo1;
  if (<f64>exHi2 - lo2 > span) span = <f64>exHi2 - lo2;
  const minCell = span / <f64>((1 << kGridBits) - 2);
  let top = exMax > 0 ? exMax * (1.0 + 2.0 * kGridSlack) : (span > 0 ? span / Math.cbrt(<f64>n) : 1.0);
  if (!(top > minCell)) top = minCell;
  let levels = 1;
  while (levels < kGridMaxLevels && ldexp(top, -levels) >= exMin && ldexp(top, -levels) >= minCell) ++levels;
  const s0 = ldexp(top, 1 - levels);
  gLevels = levels;
  gGrow = grow;
  store<f64>(gScale, ldexp(1.0 / s0, kGridSub));
  store<f64>(gScale, 1.0 / s0, 8);
  store<f64>(gScale, 1.0 / s0, 16);
  store<f32>(gOrigin, exLo0); store<f32>(gOrigin, exLo1, 4); store<f32>(gOrigin, exLo2, 8);
  const big: i64 = <i64>1 << 40;
  const last0 = grid_coord(exHi0, exLo0, load<f64>(gScale), big);
  const last1 = grid_coord(exHi1, exLo1, load<f64>(gScale, 8), big);
  const last2 = grid_coord(exHi2, exLo2, load<f64>(gScale, 16), big);
  let b: u64 = 0;
  for (let l = 0; l < levels; ++l) {
    const d0 = (last0 >> l) + 1, d1 = (last1 >> l) + 1, d2 = (last2 >> l) + 1;
    const p = gDim + <usize>(l * 3) * 8;
    store<i64>(p, d0); store<i64>(p, d1, 8); store<i64>(p, d2, 16);
    store<u64>(gBase + (<usize>l << 3), b);
    b += <u64>(d0 * d1 * d2);
  }
  store<u64>(gBase + (<usize>levels << 3), b);
}

function grid_key(b: usize): u64 {
  let e: f64 = 0;
  for (let d: usize = 0; d < 3; ++d) {
    const ed = <f64>load<f32>(b + 12 + (d << 2)) - <f64>load<f32>(b + (d << 2));
    if (ed > e) e = ed;
  }
  e *= load<f64>(gScale, 8);
  let l = 0;
  while (l + 1 < gLevels && e > ldexp(1.0 - kGridSlack, l)) ++l;
  let key: u64 = base(l);
  const c0 = grid_coord(load<f32>(b), load<f32>(gOrigin), load<f64>(gScale), dim(0, 0) - 1) >> l;
  const c1 = grid_coord(load<f32>(b, 4), load<f32>(gOrigin, 4), load<f64>(gScale, 8), dim(0, 1) - 1) >> l;
  const c2 = grid_coord(load<f32>(b, 8), load<f32>(gOrigin, 8), load<f64>(gScale, 16), dim(0, 2) - 1) >> l;
  return key + <u64>((c2 * dim(l, 1) + c1) * dim(l, 0) + c0);
}

// ---- Drivers (native/cpu/collide.cc, collide_pairs.cc) ------------------------------------------

/** out[i] = overlap of a[i] and b[i] (ab/bb false: one box broadcast); the first bad i, or -1. */
export function collide_overlap_batch(a: usize, ab: bool, b: usize, bb: bool, margin: f64, out: usize, n: i32): i32 {
  let bad = -1;
  for (let i = 0; i < n; ++i) {
    if (box_overlap(a + (ab ? <usize>i * 40 : 0), b + (bb ? <usize>i * 40 : 0), margin, out + <usize>i) != 0 && bad < 0) bad = i;
  }
  return bad;
}

/**
 * out[i] = 1 when candidate i overlaps none of the n placed boxes. aabb: scratch of 24·n bytes.
 * Returns the first bad box (i < m: candidate i; m + j: placed j) or -1.
 */
export function collide_fits_batch(cand: usize, m: i32, placed: usize, n: i32, margin: f64, aabb: usize, out: usize): i32 {
  const grow = 0.5 * margin;
  for (let i = 0; i < m; ++i) if (box_check(cand + <usize>i * 40) != 0) return i;
  for (let j = 0; j < n; ++j) {
    if (box_check(placed + <usize>j * 40) != 0) return m + j;
    obb_frame_of(placed + <usize>j * 40, grow, FA);
    obb_aabb(FA, aabb + <usize>j * 24, aabb + <usize>j * 24 + 12);
  }
  for (let i = 0; i < m; ++i) {
    obb_frame_of(cand + <usize>i * 40, grow, FC);
    obb_aabb(FC, BOXLO, BOXHI);
    store<u8>(out + <usize>i, box_fits(FC, BOXLO, BOXHI, placed, aabb, <u32>n, grow));
  }
  return -1;
}

/** Bytes of scratch a grid over n boxes needs (see grid_build); 0 for n ≤ kBruteMax. */
export function collide_grid_scratch(n: u32): usize {
  if (n <= kBruteMax) return 0;
  const N = <usize>n, P = N + kGridBlock;
  return 8 * P + 8 * P + 4 * N + 4 * N + 6 * 4 * P + 40 * N + 16;
}

/** Check and bound boxes [0, n) into aabb (24 bytes each); the first bad index or -1. */
function bound_all(boxes: usize, n: u32, grow: f64, aabb: usize): i32 {
  for (let i: u32 = 0; i < n; ++i) {
    const b = boxes + <usize>i * 40;
    if (box_check(b) != 0) return <i32>i;
    obb_frame_of(b, grow, FA);
    obb_aabb(FA, aabb + <usize>i * 24, aabb + <usize>i * 24 + 12);
  }
  return -1;
}

/** LSD radix sort of (u64 key, u32 value) pairs by the low `bits` bits, 11 per pass; the result
 *  ends in (k, v) when the pass count is even, else in (tk, tv); returns whether it ended in tk. */
const COUNT: usize = memory.data(2048 * 4);
function radix_sort(k: usize, v: usize, tk: usize, tv: usize, n: u32, bits: i32): bool {
  let swapped = false;
  for (let shift = 0; shift < bits; shift += 11) {
    memory.fill(COUNT, 0, 2048 * 4);
    for (let i: u32 = 0; i < n; ++i) {
      const c = COUNT + <usize>((load<u64>(k + (<usize>i << 3)) >> shift) & 2047) * 4;
      store<u32>(c, load<u32>(c) + 1);
    }
    let sum: u32 = 0;
    for (let d: usize = 0; d < 2048; ++d) {
      const c = load<u32>(COUNT + d * 4);
      store<u32>(COUNT + d * 4, sum);
      sum += c;
    }
    for (let i: u32 = 0; i < n; ++i) {
      const key = load<u64>(k + (<usize>i << 3));
      const c = COUNT + <usize>((key >> shift) & 2047) * 4;
      const pos = load<u32>(c);
      store<u32>(c, pos + 1);
      store<u64>(tk + (<usize>pos << 3), key);
      if (v) store<u32>(tv + (<usize>pos << 2), load<u32>(v + (<usize>i << 2)));
    }
    const a = k; k = tk; tk = a;
    const b = v; v = tv; tv = b;
    swapped = !swapped;
  }
  return swapped;
}

/** Builds the grid over n boxes (AABBs known) in scratch (collide_grid_scratch(n) bytes). */
function grid_build(boxes: usize, aabb: usize, n: u32, grow: f64, scratch: usize): void {
  const N = <usize>n, P = N + kGridBlock;
  let s = (scratch + 15) & ~15;
  let key = s; s += 8 * P;
  let tkey = s; s += 8 * P;  // either may end up holding the sorted keys and their padding
  let id = s; s += 4 * N;
  let tid = s; s += 4 * N;
  const lo0 = s, lo1 = lo0 + 4 * P, lo2 = lo1 + 4 * P, hi0 = lo2 + 4 * P, hi1 = hi0 + 4 * P, hi2 = hi1 + 4 * P;
  s = hi2 + 4 * P;
  const box = s;
  extent_of(aabb, n);
  grid_layout(n, grow);
  for (let i: u32 = 0; i < n; ++i) {
    store<u64>(key + (<usize>i << 3), grid_key(aabb + <usize>i * 24));
    store<u32>(id + (<usize>i << 2), i);
  }
  const top = base(gLevels) - 1;
  let bits = 0;
  while (bits < 64 && (top >> bits) != 0) ++bits;
  if (radix_sort(key, id, tkey, tid, n, bits)) {
    const a = key; key = tkey; tkey = a;
    const b = id; id = tid; tid = b;
  }
  store<u32>(gSeg, 0);
  for (let l = 1; l < gLevels; ++l) store<u32>(gSeg + (<usize>l << 2), grid_seek(key, 0, n, base(l), 0));
  store<u32>(gSeg + (<usize>gLevels << 2), n);
  for (let k: usize = 0; k < kGridBlock; ++k) store<u64>(key + ((N + k) << 3), u64.MAX_VALUE);
  for (let k: usize = 0; k < kGridBlock; ++k) {
    const o = (N + k) << 2;
    store<f32>(lo0 + o, f32.NaN); store<f32>(lo1 + o, f32.NaN); store<f32>(lo2 + o, f32.NaN);
    store<f32>(hi0 + o, f32.NaN); store<f32>(hi1 + o, f32.NaN); store<f32>(hi2 + o, f32.NaN);
  }
  for (let p: usize = 0; p < N; ++p) {
    const i = <usize>load<u32>(id + (p << 2));
    memory.copy(box + p * 40, boxes + i * 40, 40);
    obb_frame_of(box + p * 40, grow, FA);
    obb_aabb(FA, BOXLO, BOXHI);
    const o = p << 2;
    store<f32>(lo0 + o, load<f32>(BOXLO)); store<f32>(lo1 + o, load<f32>(BOXLO, 4)); store<f32>(lo2 + o, load<f32>(BOXLO, 8));
    store<f32>(hi0 + o, load<f32>(BOXHI)); store<f32>(hi1 + o, load<f32>(BOXHI, 4)); store<f32>(hi2 + o, load<f32>(BOXHI, 8));
  }
  gKey = key; gId = id; gBox = box;
  gLo0 = lo0; gLo1 = lo1; gLo2 = lo2; gHi0 = hi0; gHi1 = hi1; gHi2 = hi2;
}

/** Pairs of n boxes (AABBs known) emitted as lexicographic keys (unsorted for the grid path). */
function scene_pairs(boxes: usize, aabb: usize, n: u32, grow: f64, scratch: usize, maxPairs: u64): void {
  if (n <= kBruteMax) {
    scene_pairs_brute(boxes, aabb, n, grow);
    return;
  }
  grid_build(boxes, aabb, n, grow, scratch);
  memory.fill(gHints, 0, kGridMaxLevels * 9 * 4);
  const first = emitCount;
  for (let p: u32 = 0; p < n; ++p) {
    grid_query(p);
    if (emitCount - first > maxPairs) return;
  }
}

/** Sorts the lexicographic keys [from, to) of the emit buffer, using `tmp` (same size) as scratch. */
function sort_emitted(from: u64, to: u64, tmp: usize, n: u32): void {
  const count = <u32>(to - from);
  if (count < 2) return;
  let bits = 32;
  while (bits < 64 && ((<u64>(n - 1)) >> <u64>(bits - 32)) != 0) ++bits;
  const k = emitPtr + <usize>(from << 3);
  if (radix_sort(k, 0, tmp, 0, count, bits)) memory.copy(k, tmp, <usize>count << 3);
}

/** Lexicographic keys → pair words (i, j as two u32 in memory order), in place. */
function to_words(p: usize, count: u64): void {
  for (let k: u64 = 0; k < count; ++k) {
    const a = p + <usize>(k << 3), key = load<u64>(a);
    store<u32>(a, <u32>(key >> 32));
    store<u32>(a, <u32>key, 4);
  }
}

/**
 * Every overlapping pair of n boxes, sorted, as pair words at `out` (8 bytes each, capacity
 * `cap` pairs), using `tmp` (8·cap bytes) and `scratch` (24·n + collide_grid_scratch(n) bytes:
 * the AABBs, then the grid).
 * Returns P ≥ 0 (when P > cap nothing is written: call again with cap ≥ P), -1 for more than
 * maxPairs pairs, or -2 - i for an invalid box i.
 */
export function collide_pairs_batch(boxes: usize, n: u32, margin: f64, maxPairs: u32, scratch: usize, cap: u32,
  tmp: usize, out: usize): i32 {
  const grow = 0.5 * margin;
  const aabb = scratch;
  const bad = bound_all(boxes, n, grow, aabb);
  if (bad >= 0) return -2 - bad;
  emitPtr = out; emitCap = cap; emitCount = 0;
  scene_pairs(boxes, aabb, n, grow, scratch + <usize>n * 24, maxPairs);
  if (emitCount > <u64>maxPairs) return -1;
  if (emitCount > <u64>cap) return <i32>emitCount;
  sort_emitted(0, emitCount, tmp, n);
  to_words(out, emitCount);
  return <i32>emitCount;
}

/**
 * The pairs of each scene s = boxes [offsets[s], offsets[s + 1]) (offsets checked by the
 * adapter), local indices, scene after scene, at `out` as in collide_pairs_batch; sceneOut
 * receives S + 1 offsets (u32, in pairs). `scratch` holds 24·n bytes of AABBs, then
 * collide_grid_scratch(k) for the largest scene k. Returns as collide_pairs_batch.
 */
export function collide_pairs_batched_batch(boxes: usize, n: u32, offsets: usize, S: u32, margin: f64, maxPairs: u32,
  scratch: usize, cap: u32, tmp: usize, out: usize, sceneOut: usize): i32 {
  const grow = 0.5 * margin;
  const aabb = scratch;
  const bad = bound_all(boxes, n, grow, aabb);
  if (bad >= 0) return -2 - bad;
  emitPtr = out; emitCap = cap; emitCount = 0;
  store<u32>(sceneOut, 0);
  for (let s: u32 = 0; s < S; ++s) {
    const o = load<u32>(offsets + (<usize>s << 2)), k = load<u32>(offsets + (<usize>(s + 1) << 2)) - o;
    const first = emitCount;
    scene_pairs(boxes + <usize>o * 40, aabb + <usize>o * 24, k, grow, scratch + <usize>n * 24, <u64>maxPairs - first);
    if (emitCount > <u64>maxPairs) return -1;
    if (k > kBruteMax && emitCount <= <u64>cap) sort_emitted(first, emitCount, tmp, k);
    store<u32>(sceneOut + (<usize>(s + 1) << 2), <u32>emitCount);
  }
  if (emitCount > <u64>cap) return <i32>emitCount;
  to_words(out, emitCount);
  return <i32>emitCount;
}
