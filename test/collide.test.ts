// sk.collide on every backend against a brute-force float64 separating-axis oracle written here
// (world-frame axes from q v q*, normalised, not the kernel's A-frame Ericson form).
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as sk from 'spatialkit';
import { eachBackend, rng, SEED } from './helpers.js';

// ---------- float64 oracle ----------
type V = [number, number, number];
const dot = (a: V, b: V): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: V, b: V): V => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
// v' = q v q* for the unit quaternion q/|q| (Hamilton product, xyzw).
const rotate = (q: number[], v: V): V => {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  const [x, y, z, w] = [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
  // q ⊗ (v, 0)
  const px = w * v[0] + y * v[2] - z * v[1], py = w * v[1] + z * v[0] - x * v[2];
  const pz = w * v[2] + x * v[1] - y * v[0], pw = -(x * v[0] + y * v[1] + z * v[2]);
  // ⊗ q* = (−x, −y, −z, w)
  return [pw * -x + px * w + py * -z - pz * -y, pw * -y - px * -z + py * w + pz * -x, pw * -z + px * -y - py * -x + pz * w];
};
interface OBB { c: V; h: V; u: [V, V, V] }
const obb = (b: ArrayLike<number>, i: number, margin = 0): OBB => {
  const o = 10 * i, q = [b[o + 6], b[o + 7], b[o + 8], b[o + 9]];
  return {
    c: [b[o], b[o + 1], b[o + 2]],
    h: [b[o + 3] + margin / 2, b[o + 4] + margin / 2, b[o + 5] + margin / 2],
    u: [rotate(q, [1, 0, 0]), rotate(q, [0, 1, 0]), rotate(q, [0, 0, 1])],
  };
};
const radius = (B: OBB, L: V): number => B.h[0] * Math.abs(dot(B.u[0], L)) + B.h[1] * Math.abs(dot(B.u[1], L)) + B.h[2] * Math.abs(dot(B.u[2], L));
/**
 * Largest gap along the 15 SAT axes (unit length). Cross products shorter than 1e-6 are skipped:
 * their direction carries rounding of order 1e-16/|L|, and (nearly) parallel edges need no axis
 * of their own (the face axes decide them).
 */
function satGap(A: OBB, B: OBB): number {
  const T: V = [B.c[0] - A.c[0], B.c[1] - A.c[1], B.c[2] - A.c[2]];
  const axes: V[] = [...A.u, ...B.u];
  for (const a of A.u) for (const b of B.u) axes.push(cross(a, b));
  let best = -Infinity;
  for (const L0 of axes) {
    const n = Math.hypot(...L0);
    if (n < 1e-6) continue;
    const L: V = [L0[0] / n, L0[1] / n, L0[2] / n];
    best = Math.max(best, Math.abs(dot(T, L)) - radius(A, L) - radius(B, L));
  }
  return best;
}
/**
 * Closed boxes overlap unless an axis separates them by more than 1e-12·S (S = the half-extent
 * sums plus the centre distance) — the documented tolerance: float64 rounding in this formulation
 * is ~1e-15·S, so exactly touching inputs (integers, 90° turns) count as touching.
 */
const oracleOverlap = (A: OBB, B: OBB): boolean => {
  // Bounding spheres first (exact: a box lies in the ball of radius |h| around its centre).
  const d = Math.hypot(B.c[0] - A.c[0], B.c[1] - A.c[1], B.c[2] - A.c[2]);
  if (d > Math.hypot(...A.h) + Math.hypot(...B.h)) return false;
  const S = A.h[0] + A.h[1] + A.h[2] + B.h[0] + B.h[1] + B.h[2] + d;
  return satGap(A, B) <= 1e-12 * S;
};
/** Every overlapping pair i < j, sorted, as a flat list. */
function oraclePairs(boxes: Float32Array, margin = 0): number[] {
  const n = boxes.length / 10, B = Array.from({ length: n }, (_, i) => obb(boxes, i, margin)), out: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (oracleOverlap(B[i], B[j])) out.push(i, j);
  return out;
}

// ---------- scenes ----------
const ID = [0, 0, 0, 1];
const box = (c: number[], h: number[], q: number[] = ID): number[] => [...c, ...h, ...q];
const boxes = (...rows: number[][]): Float32Array => Float32Array.from(rows.flat());
const axisAngle = (axis: number[], ang: number): number[] => {
  const n = Math.hypot(...axis), s = Math.sin(ang / 2);
  return [axis[0] * s / n, axis[1] * s / n, axis[2] * s / n, Math.cos(ang / 2)];
};
const randomQ = (r: () => number, yawOnly: boolean): number[] => {
  if (yawOnly) return axisAngle([0, 0, 1], 2 * Math.PI * r());
  // Shoemake: uniform on SO(3).
  const u1 = r(), u2 = r(), u3 = r();
  return [Math.sqrt(1 - u1) * Math.sin(2 * Math.PI * u2), Math.sqrt(1 - u1) * Math.cos(2 * Math.PI * u2),
    Math.sqrt(u1) * Math.sin(2 * Math.PI * u3), Math.sqrt(u1) * Math.cos(2 * Math.PI * u3)];
};
/** n boxes with centres uniform in [−L/2, L/2]³ (+ offset), half-extents in [lo, hi], L sized for ≈ `perBox` overlaps. */
function scene(r: () => number, n: number, o: { yawOnly?: boolean; lo?: number; hi?: number; perBox?: number; offset?: number } = {}): Float32Array {
  const lo = o.lo ?? 0.2, hi = o.hi ?? 0.6, perBox = o.perBox ?? 2, off = o.offset ?? 0;
  // Two boxes of mean half-extent h overlap roughly when their centres are within ~2.4·h: volume (4/3)π(2.4h)³.
  const h = (lo + hi) / 2, L = Math.cbrt((n * (4 / 3) * Math.PI * (2.4 * h) ** 3) / (2 * perBox));
  const out = new Float32Array(10 * n);
  for (let i = 0; i < n; i++) {
    out.set([off + (r() - 0.5) * L, off + (r() - 0.5) * L, off + (r() - 0.5) * L,
      lo + (hi - lo) * r(), lo + (hi - lo) * r(), lo + (hi - lo) * r(), ...randomQ(r, !!o.yawOnly)], 10 * i);
  }
  return out;
}
/** n pairs (a[i], b[i]) at distances around touching: about half overlap. */
function nearPairs(r: () => number, n: number, yawOnly = false): [Float32Array, Float32Array] {
  const a = new Float32Array(10 * n), b = new Float32Array(10 * n);
  for (let i = 0; i < n; i++) {
    const ha = [0.1 + r(), 0.1 + r(), 0.1 + r()], hb = [0.1 + r(), 0.1 + r(), 0.1 + r()];
    const dir = [r() - 0.5, r() - 0.5, r() - 0.5], len = Math.hypot(...dir);
    const dist = (0.6 + 0.9 * r()) * (Math.hypot(...ha) + Math.hypot(...hb)) / 1.6;
    a.set([r() * 4 - 2, r() * 4 - 2, r() * 4 - 2, ...ha, ...randomQ(r, yawOnly)], 10 * i);
    b.set([a[10 * i] + dist * dir[0] / len, a[10 * i + 1] + dist * dir[1] / len, a[10 * i + 2] + dist * dir[2] / len, ...hb, ...randomQ(r, yawOnly)], 10 * i);
  }
  return [a, b];
}
const oracleFlags = (a: Float32Array, b: Float32Array, margin = 0): number[] => {
  const na = a.length / 10, nb = b.length / 10, n = na === 1 ? nb : na;
  return Array.from({ length: n }, (_, i) => Number(oracleOverlap(obb(a, na === 1 ? 0 : i, margin), obb(b, nb === 1 ? 0 : i, margin))));
};
const pairList = (p: Uint32Array): number[] => Array.from(p);
/** Every i < j with overlap(box i, box j) = 1, asked of the kernel under test one row at a time. */
function overlapAll(boxes: Float32Array, margin = 0): number[] {
  const n = boxes.length / 10, out: number[] = [];
  for (let i = 0; i + 1 < n; i++) {
    const f = sk.collide.overlap(boxes.subarray(10 * i, 10 * i + 10), boxes.subarray(10 * (i + 1)), { margin });
    for (let k = 0; k < f.length; k++) if (f[k]) out.push(i, i + 1 + k);
  }
  return out;
}
/** Concatenated boxes of several scenes and their offsets. */
function batchOf(scenes: Float32Array[]): { boxes: Float32Array; offsets: Uint32Array } {
  const offsets = new Uint32Array(scenes.length + 1);
  scenes.forEach((s, i) => { offsets[i + 1] = offsets[i] + s.length / 10; });
  const boxes = new Float32Array(offsets[scenes.length] * 10);
  scenes.forEach((s, i) => boxes.set(s, offsets[i] * 10));
  return { boxes, offsets };
}
/** n boxes in a few tight Gaussian clusters far apart, with sizes spanning `ratio`. */
function clustered(r: () => number, n: number, ratio = 1): Float32Array {
  const out = new Float32Array(10 * n), centres = Array.from({ length: 5 }, () => [r() * 1e3, r() * 1e3, r() * 1e3]);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  for (let i = 0; i < n; i++) {
    const c = centres[i % 5], s = 0.3 * Math.exp(Math.log(ratio) * r());
    out.set([c[0] + 3 * gauss(), c[1] + 3 * gauss(), c[2] + 3 * gauss(), s * (0.5 + r()), s * (0.5 + r()), s * (0.5 + r()), ...randomQ(r, false)], 10 * i);
  }
  return out;
}

eachBackend('collide', (backend) => {
  beforeAll(() => { sk.setBackend(backend); });
  const r = rng(SEED);

  describe(`overlap against the float64 oracle (seed ${SEED})`, () => {
    it.each([0, 1, 3, 17, 1001, 20_003])('random near-touching pairs, full 3-D and yaw-only: N = %i', (n) => {
      expect(sk.getBackend()).toBe(backend);
      for (const yaw of [false, true]) {
        const [a, b] = nearPairs(r, n, yaw);
        const want = oracleFlags(a, b);
        expect(Array.from(sk.collide.overlap(a, b))).toEqual(want);
        if (n > 100) {
          const ones = want.reduce((s, x) => s + x, 0);
          expect(ones / n).toBeGreaterThan(0.2); // the generator is meant to straddle touching
          expect(ones / n).toBeLessThan(0.8);
        }
      }
    });

    it('broadcasts one box against a batch (either side), and 1 × 0 gives empty', () => {
      const [a, b] = nearPairs(r, 500);
      const one = a.subarray(0, 10);
      expect(Array.from(sk.collide.overlap(one, b))).toEqual(oracleFlags(one, b));
      expect(Array.from(sk.collide.overlap(b, one))).toEqual(oracleFlags(one, b));
      expect(sk.collide.overlap(one, new Float32Array(0)).length).toBe(0);
      expect(sk.collide.overlap(new Float32Array(0), new Float32Array(0)).length).toBe(0);
    });

    it('margin: with margin m the result is the oracle on half-extents grown by m/2', () => {
      const [a, b] = nearPairs(r, 2000);
      for (const m of [0.01, 0.1, 0.5]) expect(Array.from(sk.collide.overlap(a, b, { margin: m }))).toEqual(oracleFlags(a, b, m));
    });

    it('out is filled and returned; inputs are left unchanged', () => {
      const [a, b] = nearPairs(r, 64);
      const a0 = a.slice(), b0 = b.slice(), out = new Uint8Array(64).fill(7);
      expect(sk.collide.overlap(a, b, { out })).toBe(out);
      expect(Array.from(out)).toEqual(oracleFlags(a, b));
      expect(a).toEqual(a0);
      expect(b).toEqual(b0);
    });
  });

  describe('hand-built contacts', () => {
    const ov = (a: number[], b: number[], margin = 0): number => sk.collide.overlap(boxes(a), boxes(b), { margin })[0];
    const up = (x: number): number => { const f = new Float32Array([x]); const u = new Uint32Array(f.buffer); u[0] += x >= 0 ? 1 : -1; return f[0]; };

    it('touching faces, edges and corners of axis-aligned boxes overlap (closed); one float32 ulp apart does not', () => {
      const A = box([0, 0, 0], [1, 1, 1]);
      expect(ov(A, box([2, 0, 0], [1, 1, 1]))).toBe(1); // face
      expect(ov(A, box([2, 2, 0], [1, 1, 1]))).toBe(1); // parallel edges
      expect(ov(A, box([2, 2, 2], [1, 1, 1]))).toBe(1); // corners
      expect(ov(A, box([-2, 0.5, -0.3], [1, 0.2, 0.2]))).toBe(1);
      expect(ov(A, box([up(2), 0, 0], [1, 1, 1]))).toBe(0);
      expect(ov(A, box([2, up(2), 2], [1, 1, 1]))).toBe(0);
      expect(ov(A, box([up(2), up(2), up(2)], [1, 1, 1]))).toBe(0);
    });

    it('90° rotations written two ways (unit, rounded √½ and unnormalised (0,0,1,1)) touch exactly', () => {
      const s = Math.fround(Math.SQRT1_2);
      // 90° about z: the box's x extent (1) lies along world y, its y extent (2) along world x.
      const A = box([0, 0, 0], [1, 2, 3], [0, 0, s, s]);
      expect(ov(A, box([4, 0, 0], [1, 2, 3], [0, 0, 1, 1]))).toBe(1);
      expect(ov(A, box([0, 2, 0], [1, 2, 3], [0, 0, -7, -7]))).toBe(1);
      expect(ov(A, box([up(4), 0, 0], [1, 2, 3], [0, 0, 1, 1]))).toBe(0);
      expect(ov(A, box([0, up(2), 0], [1, 2, 3], [0, 0, 2, 2]))).toBe(0);
      expect(ov(A, box([3, 1, 0], [1, 1, 1], [0, 0, 0, 1]))).toBe(1); // face contact with an axis-aligned box
    });

    it('crossed edges, vertex-to-face and edge-to-face contacts: 1e-5 inside overlaps, 1e-5 outside does not', () => {
      const e45x = axisAngle([1, 0, 0], Math.PI / 4), e45y = axisAngle([0, 1, 0], Math.PI / 4);
      const corner = [...axisAngle([1, -1, 0], Math.atan(Math.SQRT2))]; // a cube diagonal along z
      const cases: [number[], (z: number) => number[], number][] = [
        // crossed edges: A's top edge runs along x at height √2, B's bottom edge along y
        [box([0, 0, 0], [1, 1, 1], e45x), (z) => box([0, 0, z], [1, 1, 1], e45y), 2 * Math.SQRT2],
        // vertex to face: B's lowest vertex on A's top face
        [box([0, 0, 0], [3, 3, 1]), (z) => box([0.3, -0.2, z], [1, 1, 1], corner), 1 + Math.sqrt(3)],
        // edge to face
        [box([0, 0, 0], [3, 3, 1]), (z) => box([0.5, 0.1, z], [1, 1, 1], e45x), 1 + Math.SQRT2],
      ];
      for (const [A, B, zTouch] of cases) {
        for (const [dz, want] of [[-1e-5, 1], [1e-5, 0], [-1e-3, 1], [1e-3, 0]]) {
          const b = B(zTouch + dz);
          expect(ov(A, b), `touch at ${zTouch}, dz ${dz}`).toBe(want);
          expect(ov(b, A)).toBe(want);
          expect(oracleOverlap(obb(boxes(A), 0), obb(boxes(b), 0))).toBe(want === 1);
        }
      }
    });

    it('identical and nearly parallel orientations never separate falsely', () => {
      const rr = rng(SEED + 11);
      for (let k = 0; k < 2000; k++) {
        const q = randomQ(rr, k % 2 === 1), h = [0.2 + rr(), 0.2 + rr(), 0.2 + rr()];
        // B = A moved along A's own axis by (1 − 1e-4)·(full size): faces 1e-4 apart inside.
        const ax = k % 3, u = rotate(q, [ax === 0 ? 1 : 0, ax === 1 ? 1 : 0, ax === 2 ? 1 : 0]);
        const d = 2 * h[ax] * (1 - 1e-4), c = [rr() * 100, rr() * 100, rr() * 100];
        const tilt = k % 4 === 0 ? 0 : 10 ** -(6 + (k % 4)); // 0 and 1e-6 … 1e-9 rad
        const qb = tilt ? [...axisAngle([rr() - 0.5, rr() - 0.5, rr() - 0.5], tilt)] : ID;
        // qb ⊗ q, so B's orientation is A's turned by `tilt` (well below the 1e-4 overlap).
        const [x1, y1, z1, w1] = qb, [x2, y2, z2, w2] = q;
        const qq = [w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2, w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2, w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2, w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2];
        const A = box(c, h, q), B = box([c[0] + d * u[0], c[1] + d * u[1], c[2] + d * u[2]], h, k % 5 === 0 ? qq.map((x) => -2 * x) : qq);
        expect(ov(A, B), `case ${k}`).toBe(1);
        expect(ov(A, A)).toBe(1);
        expect(ov(A, box(c, h, q.map((x) => x * 3)))).toBe(1);
      }
    });

    it('nested boxes, zero-thickness plates, segments and points', () => {
      expect(ov(box([0, 0, 0], [5, 5, 5]), box([1, -1, 2], [0.5, 0.5, 0.5], axisAngle([1, 2, 3], 0.7)))).toBe(1);
      const plate = box([0, 0, 0], [1, 1, 0]);
      expect(ov(plate, box([0.5, 0.5, 0], [1, 1, 0]))).toBe(1); // coplanar plates
      expect(ov(plate, box([0, 0, 1e-6], [1, 1, 0]))).toBe(0); // parallel plates 1e-6 apart
      expect(ov(plate, box([0, 0, 0], [1, 1, 0], axisAngle([1, 0, 0], Math.PI / 2)))).toBe(1); // crossing plates
      expect(ov(plate, box([0, 0, 1], [1, 1, 1]))).toBe(1); // plate on a face
      expect(ov(plate, box([0, 0, up(1)], [1, 1, 1]))).toBe(0);
      expect(ov(box([0, 0, 0], [0, 0, 0]), box([0, 0, 0], [0, 0, 0]))).toBe(1); // equal points
      expect(ov(box([1, 0, 0], [0, 0, 0]), plate)).toBe(1); // point on the plate's edge
      expect(ov(box([up(1), 0, 0], [0, 0, 0]), plate)).toBe(0);
      expect(ov(box([0, 0, 0], [2, 0, 0]), box([0, 0, 0], [0, 2, 0]))).toBe(1); // crossing segments
      expect(ov(box([0, 0, 1e-7], [2, 0, 0]), box([0, 0, 0], [0, 2, 0]))).toBe(0);
    });

    it('tiny gaps of 1e-6 and 1e-9 are gaps, axis-aligned and rotated', () => {
      for (const g of [1e-6, 1e-9]) {
        // Small boxes near the origin, where float32 can hold a 1e-9 gap.
        const h = 1e-3, c = Math.fround(2 * h + g), gap = c - 2 * Math.fround(h);
        expect(gap).toBeGreaterThan(g / 2);
        expect(ov(box([0, 0, 0], [h, h, h]), box([c, 0, 0], [h, h, h]))).toBe(0);
        expect(ov(box([0, 0, 0], [h, h, h]), box([c - 2 * g, 0, 0], [h, h, h]))).toBe(1);
        // Same rotation for both, B shifted along A's axis: the oracle's gap (from the rounded inputs) decides.
        const rr = rng(SEED + 5);
        for (let k = 0; k < 200; k++) {
          const q = randomQ(rr, false), u = rotate(q, [1, 0, 0]), d = 2 * h + (k % 2 ? g : -g);
          const A = boxes(box([0, 0, 0], [h, h, h], q)), B = boxes(box([d * u[0], d * u[1], d * u[2]], [h, h, h], q));
          const gp = satGap(obb(A, 0), obb(B, 0));
          if (Math.abs(gp) < g / 10) continue; // float32 rounding of the centre ate the gap
          expect(sk.collide.overlap(A, B)[0], `k ${k} gap ${gp}`).toBe(gp > 0 ? 0 : 1);
        }
      }
    });

    it('large coordinates (1e3 … 1e5 from the origin) lose nothing: contacts and random pairs', () => {
      for (const off of [1e3, 3e4, 1e5]) {
        expect(ov(box([off, off, off], [1, 1, 1]), box([off + 2, off, off], [1, 1, 1]))).toBe(1);
        expect(ov(box([off, off, off], [1, 1, 1]), box([up(off + 2), off, off], [1, 1, 1]))).toBe(0);
        const [a, b] = nearPairs(r, 1000);
        for (let i = 0; i < 1000; i++) for (let k = 0; k < 3; k++) { a[10 * i + k] += off; b[10 * i + k] += off; }
        expect(Array.from(sk.collide.overlap(a, b))).toEqual(oracleFlags(a, b));
      }
    });

    it('margin: a face gap g counts as overlap exactly when g ≤ margin', () => {
      const A = box([0, 0, 0], [1, 1, 1]);
      expect(ov(A, box([2.5, 0, 0], [1, 1, 1]), 0.5)).toBe(1);
      expect(ov(A, box([2.5, 0, 0], [1, 1, 1]), 0.499)).toBe(0);
      expect(ov(A, box([2.5, 0, 0], [1, 1, 1]), 0.501)).toBe(1);
      // Corner gap (g, g, g): Euclidean distance g√3, yet the grown boxes meet once g ≤ margin.
      expect(ov(A, box([2.25, 2.25, 2.25], [1, 1, 1]), 0.25)).toBe(1);
      expect(ov(A, box([2.25, 2.25, 2.25], [1, 1, 1]), 0.2)).toBe(0);
    });
  });

  describe(`pairs against the brute-force oracle (seed ${SEED})`, () => {
    it.each([0, 1, 2, 17, 41, 300, 3000])('uniform scenes, full 3-D and yaw-only, margin 0 and 0.1: N = %i', (n) => {
      for (const yawOnly of [false, true]) {
        const b = scene(r, n, { yawOnly });
        for (const margin of [0, 0.1]) {
          const got = sk.collide.pairs(b, { margin });
          expect(got).toBeInstanceOf(Uint32Array);
          expect(pairList(got)).toEqual(oraclePairs(b, margin));
        }
      }
    });

    it('mixed sizes over 1000×, clusters, dense overlap, points and large coordinates', () => {
      const mixed = scene(r, 2000, { lo: 0.01, hi: 10, perBox: 1 });
      expect(pairList(sk.collide.pairs(mixed))).toEqual(oraclePairs(mixed));
      const cl = clustered(r, 2500, 1000);
      expect(pairList(sk.collide.pairs(cl))).toEqual(oraclePairs(cl));
      const dense = scene(r, 600, { perBox: 40 });
      const want = oraclePairs(dense);
      expect(want.length / 2).toBeGreaterThan(600 * 15);
      expect(pairList(sk.collide.pairs(dense))).toEqual(want);
      // zero-size boxes (points and plates) among boxes, some coincident
      const pts = scene(r, 800, { perBox: 3 });
      for (let i = 0; i < 800; i += 3) { pts[10 * i + 3] = 0; pts[10 * i + 4] = 0; pts[10 * i + 5] = i % 2 ? 0 : pts[10 * i + 5]; }
      pts.copyWithin(10 * 5, 10 * 3, 10 * 4); // boxes 3 and 5 are the same point
      expect(pairList(sk.collide.pairs(pts))).toEqual(oraclePairs(pts));
      for (const off of [1e3, 1e5]) {
        const far = scene(r, 1000, { offset: off });
        expect(pairList(sk.collide.pairs(far))).toEqual(oraclePairs(far));
      }
    });

    it('one huge box among many small ones, and all boxes identical (every pair)', () => {
      const b = scene(r, 1500);
      b.set(box([0, 0, 0], [1e4, 1e4, 1e-3]), 10 * 700); // a thin floor through everything
      expect(pairList(sk.collide.pairs(b))).toEqual(oraclePairs(b));
      const same = new Float32Array(10 * 120);
      for (let i = 0; i < 120; i++) same.set(box([1, 2, 3], [0.5, 0.5, 0.5], i % 2 ? [0, 0, 0, 1] : [0, 0, 0, -3]), 10 * i);
      const all: number[] = [];
      for (let i = 0; i < 120; i++) for (let j = i + 1; j < 120; j++) all.push(i, j);
      expect(pairList(sk.collide.pairs(same))).toEqual(all);
    });

    it('pairs(boxes) = { i < j : overlap(box i, box j) } exactly, on touching lattices and near-parallel scenes', () => {
      // A 9×9×9 lattice of unit cubes touching face to face (each touches up to 26 others), some turned 90°.
      const s = Math.fround(Math.SQRT1_2), lat: number[][] = [];
      for (let x = 0; x < 9; x++) for (let y = 0; y < 9; y++) for (let z = 0; z < 9; z++) lat.push(box([2 * x, 2 * y, 2 * z], [1, 1, 1], (x + y + z) % 3 ? ID : [0, 0, s, s]));
      const L = boxes(...lat), want = overlapAll(L);
      expect(want.length / 2).toBe(3 * 8 * 81 + 6 * 8 * 8 * 9 + 4 * 8 * 8 * 8); // faces + edges + corners
      expect(pairList(sk.collide.pairs(L))).toEqual(want);
      expect(pairList(sk.collide.pairs(L))).toEqual(oraclePairs(L));
      // Nearly parallel boxes in a near-touching stack: orientations within 1e-7 rad of each other.
      const rr = rng(SEED + 21), q = randomQ(rr, false), u = rotate(q, [0, 0, 1]), rows: number[][] = [];
      for (let i = 0; i < 400; i++) {
        const d = (i % 20) * (2 - 1e-6 * (i % 3)), t = axisAngle([rr(), rr(), rr()], 1e-7 * rr());
        const [x1, y1, z1, w1] = t, [x2, y2, z2, w2] = q;
        rows.push(box([d * u[0] + 3 * Math.floor(i / 20), d * u[1], d * u[2]], [1, 1, 1],
          [w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2, w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2, w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2, w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2]));
      }
      const P = boxes(...rows);
      for (const margin of [0, 1e-3]) expect(pairList(sk.collide.pairs(P, { margin }))).toEqual(overlapAll(P, margin));
    });

    it('an absurd margin (1e300: AABBs overflow float32 to ±Infinity) makes every pair overlap, on either path', () => {
      for (const n of [30, 200]) {
        const b = scene(r, n), all: number[] = [];
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) all.push(i, j);
        expect(pairList(sk.collide.pairs(b, { margin: 1e300 }))).toEqual(all);
        expect(Array.from(sk.collide.fits(b.subarray(0, 10), b.subarray(10), { margin: 1e300 }))).toEqual([0]);
      }
    });

    it('more than maxPairs pairs is a RangeError, never a truncated list', () => {
      const same = new Float32Array(10 * 2000);
      for (let i = 0; i < 2000; i++) same.set(box([0, 0, 0], [1, 1, 1]), 10 * i);
      expect(sk.collide.pairs(same, { maxPairs: 1999 * 1000 }).length).toBe(2 * 1999 * 1000);
      expect(() => sk.collide.pairs(same, { maxPairs: 1999 * 1000 - 1 })).toThrow(new RangeError('More than `maxPairs` = 1998999 pairs overlap; raise `maxPairs` (at most 2^31 − 1) to collect them'));
      expect(() => sk.collide.pairs(same, { maxPairs: 10 })).toThrow(/More than `maxPairs` = 10 pairs/);
      expect(() => sk.collide.pairs(same.subarray(0, 300), { maxPairs: 0 })).toThrow(RangeError);
      expect(sk.collide.MAX_PAIRS).toBe(2 ** 28);
    });
  });

  describe('pairsBatched', () => {
    it('equals pairs() per scene, for scenes of 0 … 2000 boxes, with offsets into the pair list', () => {
      const sizes = [3, 0, 1, 2, 3, 32, 40, 41, 100, 2000, 3, 3, 0, 7];
      const scenes = sizes.map((n, k) => scene(r, n, { perBox: 2 + (k % 3), yawOnly: k % 2 === 1 }));
      const { boxes: all, offsets } = batchOf(scenes);
      for (const margin of [0, 0.05]) {
        const got = sk.collide.pairsBatched(all, offsets, { margin });
        expect(got.pairs).toBeInstanceOf(Uint32Array);
        expect(got.offsets).toBeInstanceOf(Uint32Array);
        expect(got.offsets.length).toBe(sizes.length + 1);
        expect(got.offsets[0]).toBe(0);
        expect(got.offsets[sizes.length]).toBe(got.pairs.length / 2);
        scenes.forEach((sc, k) => {
          const part = pairList(got.pairs.subarray(2 * got.offsets[k], 2 * got.offsets[k + 1]));
          expect(part, `scene ${k}`).toEqual(oraclePairs(sc, margin));
        });
      }
    });

    it('many 3-box scenes (the ROTATE shape) and 32-box scenes', () => {
      const rr = rng(SEED + 7), threes = Array.from({ length: 20_000 }, () => scene(rr, 3, { perBox: 1 }));
      const { boxes: b3, offsets: o3 } = batchOf(threes);
      const got = sk.collide.pairsBatched(b3, o3);
      let total = 0;
      threes.forEach((sc, k) => {
        const want = oraclePairs(sc);
        total += want.length / 2;
        if (k % 7 === 0 || want.length) expect(pairList(got.pairs.subarray(2 * got.offsets[k], 2 * got.offsets[k + 1]))).toEqual(want);
      });
      expect(got.pairs.length / 2).toBe(total);
      expect(total).toBeGreaterThan(2000);
      const many = Array.from({ length: 300 }, () => scene(rr, 32));
      const { boxes: b32, offsets: o32 } = batchOf(many);
      const g32 = sk.collide.pairsBatched(b32, o32);
      many.forEach((sc, k) => expect(pairList(g32.pairs.subarray(2 * g32.offsets[k], 2 * g32.offsets[k + 1]))).toEqual(oraclePairs(sc)));
    });

    it('a huge scene (40 000 boxes, run on all threads) between small ones equals pairs()', () => {
      const big = scene(r, 40_000), scenes = [scene(r, 5), big, scene(r, 9)];
      const { boxes: all, offsets } = batchOf(scenes);
      const got = sk.collide.pairsBatched(all, offsets);
      expect(pairList(got.pairs.subarray(2 * got.offsets[1], 2 * got.offsets[2]))).toEqual(pairList(sk.collide.pairs(big)));
      expect(pairList(got.pairs.subarray(0, 2 * got.offsets[1]))).toEqual(oraclePairs(scenes[0]));
      expect(pairList(got.pairs.subarray(2 * got.offsets[2]))).toEqual(oraclePairs(scenes[2]));
    });

    it('no scenes, empty scenes, and maxPairs across scenes', () => {
      const none = sk.collide.pairsBatched(new Float32Array(0), Uint32Array.of(0));
      expect(none.pairs.length).toBe(0);
      expect(Array.from(none.offsets)).toEqual([0]);
      const empties = sk.collide.pairsBatched(new Float32Array(0), Uint32Array.of(0, 0, 0));
      expect(Array.from(empties.offsets)).toEqual([0, 0, 0]);
      const same = new Float32Array(10 * 30);
      for (let i = 0; i < 30; i++) same.set(box([0, 0, 0], [1, 1, 1]), 10 * i);
      const { boxes: b, offsets: o } = batchOf([same, same, same]); // 3 × 435 pairs
      expect(sk.collide.pairsBatched(b, o, { maxPairs: 1305 }).pairs.length).toBe(2 * 1305);
      expect(() => sk.collide.pairsBatched(b, o, { maxPairs: 1304 })).toThrow(/More than `maxPairs` = 1304 pairs/);
    });
  });

  describe('fits: the incremental free-space query', () => {
    it('agrees with overlap(): fits[m] = 1 exactly when candidate m overlaps no placed box', () => {
      for (const [m, n] of [[1, 0], [1, 1], [1, 3], [7, 3], [200, 50], [3000, 40], [1, 5000]]) {
        const placed = scene(r, n, { perBox: 0.5 }), cand = scene(r, m, { perBox: 0.5 });
        for (const margin of [0, 0.05]) {
          const got = sk.collide.fits(cand, placed, { margin });
          const want = Array.from({ length: m }, (_, i) => {
            for (let j = 0; j < n; j++) if (oracleOverlap(obb(cand, i, margin), obb(placed, j, margin))) return 0;
            return 1;
          });
          expect(Array.from(got), `M ${m} N ${n} margin ${margin}`).toEqual(want);
          if (n > 0 && m === 1) expect(got[0]).toBe(sk.collide.overlap(cand, placed, { margin }).includes(1) ? 0 : 1);
        }
      }
    });

    it('rejection sampling: boxes placed one by one with fits never overlap', () => {
      const rr = rng(SEED + 3);
      let placed = new Float32Array(0);
      let tries = 0;
      while (placed.length / 10 < 40 && tries < 5000) {
        tries++;
        const c = Float32Array.from(box([rr() * 30, rr() * 30, 0.5], [0.3 + rr(), 0.3 + rr(), 0.5], randomQ(rr, true)));
        if (sk.collide.fits(c, placed, { margin: 0.1 })[0]) {
          const next = new Float32Array(placed.length + 10);
          next.set(placed);
          next.set(c, placed.length);
          placed = next;
        }
      }
      expect(placed.length / 10).toBe(40);
      expect(oraclePairs(placed, 0.1)).toEqual([]);
    });
  });

  describe('properties (fast-check)', () => {
    const num = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true });
    const boxArb = fc.tuple(num(-3, 3), num(-3, 3), num(-3, 3), num(0, 2), num(0, 2), num(0, 2),
      num(-1, 1), num(-1, 1), num(-1, 1), num(-1, 1))
      .filter((b) => Math.hypot(b[6], b[7], b[8], b[9]) > 0.1).map((b) => Float32Array.from(b));

    it('overlap(a, b) = overlap(b, a) = the oracle', () => {
      // Where the oracle's gap g lies in (1e-12·S, 1e-6·S] either answer is right: the kernel's edge
      // axes are unnormalised, so a gap along one must exceed 1e-12·S/sin θ (docs/collide.md), and
      // the oracle keeps edge axes down to sin θ = 1e-6. Shrinking walks straight into that band.
      fc.assert(fc.property(boxArb, boxArb, (a, b) => {
        const x = sk.collide.overlap(a, b)[0], y = sk.collide.overlap(b, a)[0];
        const A = obb(a, 0), B = obb(b, 0), want = Number(oracleOverlap(A, B));
        const S = A.h[0] + A.h[1] + A.h[2] + B.h[0] + B.h[1] + B.h[2] + Math.hypot(B.c[0] - A.c[0], B.c[1] - A.c[1], B.c[2] - A.c[2]);
        const undecided = want === 0 && satGap(A, B) <= 1e-6 * S;
        return x === y && (undecided || x === want);
      }), { seed: SEED, numRuns: 2000 });
    });
    it('q, −q and 2^k·q give the same answer (the rotation is q/|q|)', () => {
      fc.assert(fc.property(boxArb, boxArb, fc.integer({ min: -20, max: 20 }), (a, b, k) => {
        const b2 = b.slice();
        for (let i = 6; i < 10; i++) b2[i] *= -(2 ** k);
        return sk.collide.overlap(a, b)[0] === sk.collide.overlap(a, b2)[0];
      }), { seed: SEED, numRuns: 1000 });
    });
    it('overlap is monotone in margin', () => {
      fc.assert(fc.property(boxArb, boxArb, num(0, 1), num(0, 1), (a, b, m1, m2) => {
        const [lo, hi] = m1 < m2 ? [m1, m2] : [m2, m1];
        return sk.collide.overlap(a, b, { margin: lo })[0] <= sk.collide.overlap(a, b, { margin: hi })[0];
      }), { seed: SEED, numRuns: 1000 });
    });
  });

  describe('async twins', () => {
    it('give the same results as the sync calls', async () => {
      const [a, b] = nearPairs(r, 30_000);
      expect(await sk.collide.overlapAsync(a, b, { margin: 0.01 })).toEqual(sk.collide.overlap(a, b, { margin: 0.01 }));
      const placed = scene(r, 300), cand = scene(r, 2000);
      expect(await sk.collide.fitsAsync(cand, placed)).toEqual(sk.collide.fits(cand, placed));
      const sc = scene(r, 20_000);
      expect(await sk.collide.pairsAsync(sc, { margin: 0.02 })).toEqual(sk.collide.pairs(sc, { margin: 0.02 }));
      const { boxes: bb, offsets } = batchOf([scene(r, 3), scene(r, 50), scene(r, 3000)]);
      expect(await sk.collide.pairsBatchedAsync(bb, offsets)).toEqual(sk.collide.pairsBatched(bb, offsets));
      const [p1, p2] = await Promise.all([sk.collide.pairsAsync(sc), sk.collide.pairsAsync(sc)]);
      expect(p1).toEqual(p2);
    });
    it('reject with the same errors, keeping the caller in the stack', async () => {
      const err = await sk.collide.overlapAsync(boxes(box([0, 0, 0], [1, -1, 1])), boxes(box([0, 0, 0], [1, 1, 1]))).catch((e: Error) => e);
      expect(err).toBeInstanceOf(RangeError);
      expect((err as Error).message).toBe('`a[0]` has a negative half-extent');
      expect((err as Error).stack).toMatch(/collide\.test\.ts/);
      const many = new Float32Array(10 * 100);
      for (let i = 0; i < 100; i++) many.set(box([0, 0, 0], [1, 1, 1]), 10 * i);
      const e2 = await sk.collide.pairsAsync(many, { maxPairs: 5 }).catch((e: Error) => e);
      expect(e2).toBeInstanceOf(RangeError);
      expect((e2 as Error).stack).toMatch(/collide\.test\.ts/);
    });
  });

  describe('bad input: TypeError/RangeError naming the argument', () => {
    const ok = boxes(box([0, 0, 0], [1, 1, 1]));
    it('wrong types, lengths, batch sizes and out', () => {
      expect(() => sk.collide.overlap(new Float64Array(10) as never, ok)).toThrow(new TypeError('Expected Float32Array of length 10·N for `a` but received Float64Array(10)'));
      expect(() => sk.collide.overlap(ok, new Float32Array(9))).toThrow(new RangeError('Expected Float32Array of length 10·N for `b` but received Float32Array(9)'));
      expect(() => sk.collide.overlap(new Float32Array(20), new Float32Array(30))).toThrow(new RangeError('Expected `b` to hold 1 or 2 items (the batch size of `a`) but received 3'));
      expect(() => sk.collide.overlap(ok, ok, { out: new Uint8Array(2) })).toThrow(new RangeError('Expected `out` to hold 1 flags but received 2'));
      expect(() => sk.collide.overlap(ok, ok, { out: new Float32Array(1) as never })).toThrow(new TypeError('Expected Uint8Array for `out` but received Float32Array(1)'));
      expect(() => sk.collide.fits(ok, [1, 2] as never)).toThrow(new TypeError('Expected Float32Array of length 10·N for `placed` but received Array(2)'));
    });
    it('options: margin must be a finite number ≥ 0; unknown options are named', () => {
      expect(() => sk.collide.overlap(ok, ok, { margin: -1 })).toThrow(new RangeError('Expected a finite number ≥ 0 for `margin` but received the number -1'));
      expect(() => sk.collide.overlap(ok, ok, { margin: NaN })).toThrow(new RangeError('Expected a finite number ≥ 0 for `margin` but received the number NaN'));
      expect(() => sk.collide.fits(ok, ok, { margin: '1' as never })).toThrow(new TypeError('Expected a finite number ≥ 0 for `margin` but received a string'));
      expect(() => sk.collide.overlap(ok, ok, { marign: 1 } as never)).toThrow(new RangeError('Unknown option `marign`; expected `margin`, `out`'));
      expect(() => sk.collide.overlap(ok, ok, 0.5 as never)).toThrow(new TypeError('Expected an options object for `opts` but received the number 0.5'));
    });
    it('invalid boxes name the argument, index and rule', () => {
      const bad = (k: number, v: number): Float32Array => { const b = boxes(box([0, 0, 0], [1, 1, 1]), box([0, 0, 0], [1, 1, 1])); b[10 + k] = v; return b; };
      expect(() => sk.collide.overlap(bad(0, NaN), ok)).toThrow(new RangeError('`a[1]` has a non-finite value'));
      expect(() => sk.collide.overlap(ok, bad(9, Infinity))).toThrow(new RangeError('`b[1]` has a non-finite value'));
      expect(() => sk.collide.overlap(ok, bad(4, -0.5))).toThrow(new RangeError('`b[1]` has a negative half-extent'));
      const zq = boxes(box([0, 0, 0], [1, 1, 1]), box([0, 0, 0], [1, 1, 1], [0, 0, 0, 0]));
      expect(() => sk.collide.overlap(zq, ok)).toThrow(new RangeError('`a[1]` has a zero-length quaternion'));
      expect(() => sk.collide.fits(ok, zq)).toThrow(new RangeError('`placed[1]` has a zero-length quaternion'));
      expect(() => sk.collide.fits(bad(3, -1), ok)).toThrow(new RangeError('`candidate[1]` has a negative half-extent'));
      // Tiny quaternions are valid (float64 has the range): only exactly zero is refused.
      expect(sk.collide.overlap(ok, boxes(box([0, 0, 0], [1, 1, 1], [0, 0, 0, 1e-30])))[0]).toBe(1);
    });
    it('pairs and pairsBatched: boxes, offsets and maxPairs', () => {
      const two = boxes(box([0, 0, 0], [1, 1, 1]), box([0, 0, 0], [1, 1, 1]));
      expect(() => sk.collide.pairs(new Float32Array(15))).toThrow(new RangeError('Expected Float32Array of length 10·N for `boxes` but received Float32Array(15)'));
      expect(() => sk.collide.pairs(boxes(box([0, 0, 0], [1, 1, 1]), box([0, 0, NaN], [1, 1, 1])))).toThrow(new RangeError('`boxes[1]` has a non-finite value'));
      expect(() => sk.collide.pairs(two, { maxPairs: 1.5 })).toThrow(new RangeError('Expected an integer in [0, 2147483647] for `maxPairs` but received the number 1.5'));
      expect(() => sk.collide.pairs(two, { maxPairs: 2 ** 31 })).toThrow(/`maxPairs`/);
      expect(() => sk.collide.pairs(two, { out: new Uint32Array(2) } as never)).toThrow(new RangeError('Unknown option `out`; expected `margin`, `maxPairs`'));
      expect(() => sk.collide.pairsBatched(two, [0, 2] as never)).toThrow(new TypeError('Expected Uint32Array for `offsets` but received Array(2)'));
      expect(() => sk.collide.pairsBatched(two, new Uint32Array(0))).toThrow(new RangeError('Expected Uint32Array of length S + 1 ≥ 1 for `offsets` but received Uint32Array(0)'));
      expect(() => sk.collide.pairsBatched(two, Uint32Array.of(1, 2))).toThrow(new RangeError('Expected `offsets[0]` to be 0 but received 1'));
      expect(() => sk.collide.pairsBatched(two, Uint32Array.of(0, 2, 1, 2))).toThrow(new RangeError('Expected `offsets` to be non-decreasing but `offsets[2]` = 1 is less than `offsets[1]` = 2'));
      expect(() => sk.collide.pairsBatched(two, Uint32Array.of(0, 1))).toThrow(new RangeError('Expected the last offset `offsets[1]` to be the number of boxes (2) but received 1'));
      expect(() => sk.collide.pairsBatched(two, Uint32Array.of(0, 3))).toThrow(/the number of boxes \(2\) but received 3/);
      const bad = boxes(box([0, 0, 0], [1, 1, 1]), box([0, 0, 0], [1, 1, 1]), box([0, 0, 0], [1, 1, 1], [0, 0, 0, 0]));
      expect(() => sk.collide.pairsBatched(bad, Uint32Array.of(0, 2, 3))).toThrow(new RangeError('`boxes[2]` has a zero-length quaternion'));
    });
    it('detached buffers', () => {
      const a = new Float32Array(10);
      structuredClone(a.buffer, { transfer: [a.buffer] });
      expect(() => sk.collide.overlap(a, ok)).toThrow(new TypeError('Expected Float32Array of length 10·N for `a` but received a detached Float32Array'));
    });
  });
});

describe('the collide backend boundary checks again (calls that bypass the TypeScript layer)', () => {
  for (const b of sk.backends().filter((x) => x.available)) {
    it(`${b.backend}: wrong types, lengths, margins, batch sizes and boxes throw, never crash`, async () => {
      const { module } = await import('../src/backend/index.js');
      const k = module(b.backend)!.collide as unknown as Record<string, (...a: unknown[]) => unknown>;
      const ok = boxes(box([0, 0, 0], [1, 1, 1])), u8 = new Uint8Array(1);
      expect(() => k.overlap()).toThrow(TypeError);
      expect(() => k.overlap(new Float64Array(10), ok, 0, u8)).toThrow(TypeError);
      expect(() => k.overlap(ok, new Float32Array(11), 0, u8)).toThrow(RangeError);
      expect(() => k.overlap(ok, ok, -1, u8)).toThrow(new RangeError('Expected a finite number ≥ 0 for `margin` but received the number -1'));
      expect(() => k.overlap(ok, ok, Infinity, u8)).toThrow(RangeError);
      expect(() => k.overlap(ok, ok, 'x', u8)).toThrow(TypeError);
      expect(() => k.overlap(ok, ok, 0, new Uint8Array(2))).toThrow(RangeError);
      expect(() => k.overlap(new Float32Array(20), new Float32Array(30), 0, new Uint8Array(2))).toThrow(RangeError);
      expect(() => k.overlap(ok, boxes(box([0, 0, 0], [1, 1, 1], [0, 0, 0, 0])), 0, u8)).toThrow(new RangeError('`b[0]` has a zero-length quaternion'));
      expect(() => k.fits(ok, boxes(box([0, 0, 0], [NaN, 1, 1])), 0, u8)).toThrow(new RangeError('`placed[0]` has a non-finite value'));
      expect(() => k.fits(ok, ok, 0, new Uint8Array(3))).toThrow(RangeError);
      const d = new Float32Array(10);
      structuredClone(d.buffer, { transfer: [d.buffer] });
      expect(() => k.fits(d, ok, 0, u8)).toThrow(TypeError);
      expect(() => k.fits(ok, d, 0, u8)).toThrow(TypeError);
      expect(() => k.pairs(ok, 0)).toThrow(TypeError); // maxPairs missing
      expect(() => k.pairs(ok, 0, -1)).toThrow(RangeError);
      expect(() => k.pairs(ok, -0.5, 10)).toThrow(RangeError);
      expect(() => k.pairs(new Float32Array(3), 0, 10)).toThrow(RangeError);
      expect(() => k.pairs(d, 0, 10)).toThrow(TypeError);
      expect(() => k.pairs(boxes(box([0, 0, 0], [1, -1, 1])), 0, 10)).toThrow(new RangeError('`boxes[0]` has a negative half-extent'));
      expect(() => k.pairsBatched(ok, new Uint32Array(0), 0, 10)).toThrow(RangeError);
      expect(() => k.pairsBatched(ok, Uint32Array.of(0, 2), 0, 10)).toThrow(RangeError);
      expect(() => k.pairsBatched(ok, Uint32Array.of(1, 1), 0, 10)).toThrow(RangeError);
      expect(() => k.pairsBatched(ok, new Int32Array(2), 0, 10)).toThrow(TypeError);
      const two = boxes(box([0, 0, 0], [1, 1, 1]), box([0, 0, 0], [1, 1, 1]));
      expect(Array.from(k.pairs(two, 0, 10) as Uint32Array)).toEqual([0, 1]);
      expect(() => k.pairs(two, 0, 0)).toThrow(/More than `maxPairs` = 0 pairs/);
    });
  }
});


describe('collide backends agree', () => {
  const avail = sk.backends().filter((b) => b.available).map((b) => b.backend);
  it(`pairs, pairsBatched, overlap and fits give identical results on ${avail.join(', ')}`, () => {
    const r = rng(SEED + 99);
    const b = scene(r, 20_000, { perBox: 3 }), mixed = scene(r, 3000, { lo: 0.01, hi: 5, perBox: 1 });
    const { boxes: bb, offsets } = batchOf([scene(r, 3), scene(r, 32), scene(r, 500), scene(r, 0)]);
    const [a, c] = nearPairs(r, 5000);
    const results = avail.map((name) => {
      sk.setBackend(name);
      return [sk.collide.pairs(b, { margin: 0.01 }), sk.collide.pairs(mixed), sk.collide.pairsBatched(bb, offsets),
        sk.collide.overlap(a, c), sk.collide.fits(a, c.subarray(0, 10 * 50))];
    });
    sk.setBackend('auto');
    for (const x of results.slice(1)) expect(x).toEqual(results[0]);
  });
});
