// sk.render on every backend against a float64 oracle written here: rays from K⁻¹ by back
// substitution and Rᵀ (not the kernel's float32 constants from an adjugate inverse), boxes with axes q v q* (not a matrix),
// and hits by per-face plane intersection (not the kernel's slab test in the box frame); depth as
// (R·p + t)_z of the hit point (not t·(P₂·d)); amodal boxes from K·(R·x + t) of the 8 corners.
//
// Tie tolerance (docs/render.md): the kernel casts in float32, so a pixel whose ray passes within
// ~1e-4 px of a silhouette edge, or whose two nearest boxes are hit at depths equal to ~1e-5, may
// go either way. The oracle marks such pixels by sampling the pixel's ray at ±TIE_PX and by its
// depth gap; only there may the kernel's id differ, and the count of such pixels is bounded.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import * as sk from 'spatialkit';
import { eachBackend, rng, SEED } from './helpers.js';

// ---------- float64 oracle ----------
type V = [number, number, number];
const dot = (a: V, b: V): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const sub = (a: V, b: V): V => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const cross = (a: V, b: V): V => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const unit = (a: V): V => { const n = Math.hypot(...a); return [a[0] / n, a[1] / n, a[2] / n]; };
/** v' = v + 2w(q × v) + 2 q × (q × v) for the unit quaternion q/|q| (xyzw). */
const rotate = (q: number[], v: V): V => {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  const u: V = [q[0] / n, q[1] / n, q[2] / n], w = q[3] / n;
  const a = cross(u, v), b = cross(u, a);
  return [v[0] + 2 * (w * a[0] + b[0]), v[1] + 2 * (w * a[1] + b[1]), v[2] + 2 * (w * a[2] + b[2])];
};
interface Box { c: V; h: V; ax: [V, V, V] }
const boxAt = (b: ArrayLike<number>, i: number): Box => {
  const o = 10 * i, q = [b[o + 6], b[o + 7], b[o + 8], b[o + 9]];
  return { c: [b[o], b[o + 1], b[o + 2]], h: [b[o + 3], b[o + 4], b[o + 5]], ax: [rotate(q, [1, 0, 0]), rotate(q, [0, 1, 0]), rotate(q, [0, 0, 1])] };
};
/** K⁻¹·(x, y, 1) for an upper-triangular K with K₂₂ = 1, by back substitution. */
const backSubstitute = (K: ArrayLike<number>, x: number, y: number): V => {
  if (K[3] !== 0 || K[6] !== 0 || K[7] !== 0 || K[8] !== 1) throw new Error('the oracle takes upper-triangular K');
  const yc = (y - K[5]) / K[4];
  return [(x - K[2] - K[1] * yc) / K[0], yc, 1];
};
/** One camera in float64: the ray through image point (x, y) (K's units), depth and projection of a world point. */
class Cam {
  readonly o: V;
  constructor(readonly K: number[], readonly R: number[], readonly t: number[]) {
    const Rt = (v: V): V => [0, 1, 2].map((c) => R[c] * v[0] + R[3 + c] * v[1] + R[6 + c] * v[2]) as V;
    this.o = Rt([-t[0], -t[1], -t[2]]);
    this.dir = (x, y) => unit(Rt(backSubstitute(K, x, y)));
  }
  readonly dir: (x: number, y: number) => V;
  cam(p: V): V { return [0, 1, 2].map((r) => this.R[3 * r] * p[0] + this.R[3 * r + 1] * p[1] + this.R[3 * r + 2] * p[2] + this.t[r]) as V; }
  /** Corner-origin pixel of a camera-frame point (pc: the pixel-centre convention of K). */
  pixel(X: V, pc: number): [number, number] {
    const K = this.K;
    return [(K[0] * X[0] + K[1] * X[1] + K[2] * X[2]) / X[2] + 0.5 - pc, (K[4] * X[1] + K[5] * X[2]) / X[2] + 0.5 - pc];
  }
}
const camsOf = (c: sk.camera.Cameras, n: number): Cam[] => Array.from({ length: n }, (_, i) => {
  const pick = (a: Float32Array, k: number): number[] => Array.from(a.subarray(a.length > k ? k * i : 0, (a.length > k ? k * i : 0) + k));
  return new Cam(pick(c.K, 9), pick(c.R, 9), pick(c.t, 3));
});

/**
 * Distance along the unit ray (o, d) to the closed box, by its six faces (0 inside; Infinity for a
 * miss); `incidence.cos` receives |cos| of the angle between the ray and the face it enters (1 inside).
 */
const incidence = { cos: 1 };
function hitBox(B: Box, o: V, d: V): number {
  const rel = sub(o, B.c);
  incidence.cos = 1;
  if ([0, 1, 2].every((k) => Math.abs(dot(B.ax[k], rel)) <= B.h[k])) return 0;
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    for (const s of [-1, 1]) {
      // The face s·ax_k·(p − c) = h_k, entered where s·ax_k·d < 0: p − c = rel + t·d gives
      // t = (h_k − s·ax_k·rel) / (s·ax_k·d).
      const denom = s * dot(B.ax[k], d);
      if (!(denom < 0)) continue;
      const tt = (B.h[k] - s * dot(B.ax[k], rel)) / denom;
      if (tt < 0) continue;
      const p = [rel[0] + tt * d[0], rel[1] + tt * d[1], rel[2] + tt * d[2]] as V;
      let inside = true;
      for (let j = 0; j < 3; j++) if (j !== k && Math.abs(dot(B.ax[j], p)) > B.h[j] * (1 + 1e-12)) inside = false;
      if (inside && tt < best) { best = tt; incidence.cos = -denom; }
    }
  }
  return best;
}

interface Pixel { id: number; z: number; t: number; cos: number; tie: boolean; near: Set<number> }
const TIE_PX = 2e-3;   // pixels: float32 rays and slabs misplace an edge by ~1e-4 px at these distances
const TIE_DEPTH = 1e-5; // relative gap between the two nearest hits treated as a tie
const DEPTH_TOL = 2e-6; // relative depth error of a hit seen head-on (grows as 1/cos θ, see checkAgainstOracle)
/** The oracle's answer at image point (x, y) for boxes `bs`: nearest id (ties: lower), camera z. */
function castPoint(cam: Cam, bs: Box[], x: number, y: number): { id: number; z: number; t: number; cos: number; second: number } {
  const d = cam.dir(x, y);
  let id = -1, t = Infinity, second = Infinity, cos = 1;
  bs.forEach((B, j) => {
    const tj = hitBox(B, cam.o, d);
    if (tj < t) { second = t; t = tj; id = j; cos = incidence.cos; } else if (tj < second) second = tj;
  });
  const p: V = [cam.o[0] + t * d[0], cam.o[1] + t * d[1], cam.o[2] + t * d[2]];
  return { id, z: id < 0 ? Infinity : cam.cam(p)[2], t, cos, second };
}
/** The oracle at pixel (u, v), with the ids it takes within TIE_PX and whether the depth is tied. */
function castPixel(cam: Cam, bs: Box[], u: number, v: number, pc: number): Pixel {
  const x = u + pc, y = v + pc;
  const c = castPoint(cam, bs, x, y);
  const near = new Set([c.id]);
  for (const [dx, dy] of [[TIE_PX, 0], [-TIE_PX, 0], [0, TIE_PX], [0, -TIE_PX]]) near.add(castPoint(cam, bs, x + dx, y + dy).id);
  const tie = c.second - c.t <= TIE_DEPTH * c.t;
  return { id: c.id, z: c.z, t: c.t, cos: c.cos, tie, near };
}

// ---------- random scenes and cameras ----------
const quat = (r: () => number): number[] => {
  const u1 = r(), u2 = r(), u3 = r();  // Shoemake: uniform on SO(3)
  return [Math.sqrt(1 - u1) * Math.sin(2 * Math.PI * u2), Math.sqrt(1 - u1) * Math.cos(2 * Math.PI * u2),
    Math.sqrt(u1) * Math.sin(2 * Math.PI * u3), Math.sqrt(u1) * Math.cos(2 * Math.PI * u3)];
};
/** S scenes of 1–5 boxes (some overlapping) around the origin. */
function randomScenes(r: () => number, S: number): { boxes: Float32Array; offsets: Uint32Array } {
  const list: number[] = [], offsets = [0];
  for (let s = 0; s < S; s++) {
    const k = 1 + Math.floor(r() * 5);
    for (let j = 0; j < k; j++) {
      list.push((r() - 0.5) * 5, (r() - 0.5) * 5, r() * 2, 0.2 + r(), 0.2 + r(), 0.2 + r(), ...quat(r));
    }
    offsets.push(list.length / 10);
  }
  return { boxes: Float32Array.from(list), offsets: Uint32Array.from(offsets) };
}
/** n cameras around the origin (radius 6–12, height 1–7) with skew and off-centre principal points. */
function randomCameras(r: () => number, n: number, h: number, w: number, S: number): sk.render.SceneCameras {
  const eye = new Float32Array(3 * n), target = new Float32Array(3 * n), K = new Float32Array(9 * n), scene = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const a = 2 * Math.PI * r(), rad = 6 + 6 * r();
    eye.set([rad * Math.cos(a), rad * Math.sin(a), 1 + 6 * r()], 3 * i);
    target.set([(r() - 0.5) * 2, (r() - 0.5) * 2, r()], 3 * i);
    const f = (0.7 + 0.8 * r()) * w;
    K.set([f, (r() - 0.5) * 4, w * (0.35 + 0.3 * r()), 0, f * (0.9 + 0.2 * r()), h * (0.35 + 0.3 * r()), 0, 0, 1], 9 * i);
    scene[i] = Math.floor(r() * S);
  }
  const { R, t } = sk.camera.lookAt(eye, target, Float32Array.of(0, 0, 1));
  return { K, R, t, scene };
}
const sceneBoxes = (boxes: Float32Array, offsets: Uint32Array, s: number): Box[] =>
  Array.from({ length: offsets[s + 1] - offsets[s] }, (_, j) => boxAt(boxes, offsets[s] + j));

/** Compares a raycast with the oracle; returns the count of tolerated (grazing or tied) pixels. */
function checkAgainstOracle(res: sk.render.Raycast, scenes: { boxes: Float32Array; offsets: Uint32Array }, cams: sk.render.SceneCameras,
  n: number, h: number, w: number, pc: number): { tolerated: number; worstDepth: number } {
  // worstDepth: the largest depth error as a multiple of its tolerance (≤ 1 passes).
  const C = camsOf(cams, n);
  let tolerated = 0, worstDepth = 0;
  for (let i = 0; i < n; i++) {
    const bs = sceneBoxes(scenes.boxes, scenes.offsets, cams.scene![i]);
    for (let v = 0; v < h; v++) {
      for (let u = 0; u < w; u++) {
        const p = castPixel(C[i], bs, u, v, pc), k = (i * h + v) * w + u;
        const id = res.instance[k], z = res.depth[k];
        if (id !== p.id) {
          const ok = p.near.has(id) || (p.tie && id >= 0 && Math.abs(hitBox(bs[id], C[i].o, C[i].dir(u + pc, v + pc)) - p.t) <= 2 * TIE_DEPTH * p.t);
          if (!ok) throw new Error(`camera ${i} pixel (${u}, ${v}): instance ${id}, oracle ${p.id} (near ${[...p.near]}, z ${z} vs ${p.z})`);
          tolerated++;
          continue;
        }
        if (id < 0) { expect(z).toBe(Infinity); continue; }
        if (p.near.size > 1) continue;  // a grazing hit's depth jumps between faces
        // Depth tolerance: float32 directions and slab numerators (~2e-7 relative) move the hit
        // along a face seen at incidence cos θ by ~2e-7/cos θ of the distance.
        worstDepth = Math.max(worstDepth, Math.abs(z - p.z) / (DEPTH_TOL * p.z * (1 + 0.1 / p.cos) + 1e-6));
      }
    }
  }
  return { tolerated, worstDepth };
}

const H = 41, W = 67;  // odd sizes: tails of every tile and lane group

eachBackend('sk.render.raycast against the float64 oracle', (name) => {
  it(`random scenes, 12 cameras at ${H}×${W}, pixelCenter 0.5 and 0 (seed ${SEED})`, () => {
    sk.setBackend(name);
    const r = rng(SEED);
    const scenes = randomScenes(r, 4), cams = randomCameras(r, 12, H, W, 4);
    for (const pc of [0.5, 0]) {
      const res = sk.render.raycast(scenes, cams, { height: H, width: W, pixelCenter: pc });
      expect(res.instance.length).toBe(12 * H * W);
      const { tolerated, worstDepth } = checkAgainstOracle(res, scenes, cams, 12, H, W, pc);
      expect(tolerated).toBeLessThanOrEqual(12 * H * W * 1e-3);
      expect(worstDepth).toBeLessThanOrEqual(1);
      let hits = 0;
      for (const id of res.instance) hits += id >= 0 ? 1 : 0;
      expect(hits).toBeGreaterThan(0.05 * res.instance.length);  // the scenes are in view: the test can fail
    }
  });

  it('a camera inside a box sees it at depth 0; boxes behind the camera are never hit', () => {
    sk.setBackend(name);
    const { R, t } = sk.camera.lookAt(Float32Array.of(0, 0, 1), Float32Array.of(5, 0, 1), Float32Array.of(0, 0, 1));
    const K = Float32Array.of(20, 0, 16, 0, 20, 12, 0, 0, 1);
    const behind = Float32Array.of(-3, 0, 1, 1, 1, 1, 0, 0, 0, 1);
    const res = sk.render.raycast({ boxes: behind }, { K, R, t }, { height: 24, width: 32 });
    expect(res.instance.every((x) => x === -1)).toBe(true);
    expect(res.depth.every((x) => x === Infinity)).toBe(true);
    const around = Float32Array.of(0, 0, 1, 0.5, 0.5, 0.5, 0, 0, 0, 1, 3, 0, 1, 1, 1, 1, 0, 0, 0, 1);
    const inside = sk.render.raycast({ boxes: around }, { K, R, t }, { height: 24, width: 32 });
    expect(inside.instance.every((x) => x === 0)).toBe(true);
    expect(inside.depth.every((x) => x === 0)).toBe(true);
  });

  it('closed boxes and ties: a ray grazing a face hits it; identical boxes go to the lower index', () => {
    sk.setBackend(name);
    // Camera at height 1 looking along +x; a box whose top face is the plane z = 1: the centre row's
    // rays (exactly horizontal: K's principal point on a pixel centre) lie in that face.
    const { R, t } = sk.camera.lookAt(Float32Array.of(0, 0, 1), Float32Array.of(5, 0, 1), Float32Array.of(0, 0, 1));
    const K = Float32Array.of(20, 0, 16.5, 0, 20, 12.5, 0, 0, 1);
    const flat = Float32Array.of(5, 0, 0.5, 1, 3, 0.5, 0, 0, 0, 1);
    const res = sk.render.raycast({ boxes: flat }, { K, R, t }, { height: 25, width: 33 });
    expect(res.instance[12 * 33 + 16]).toBe(0);          // the grazing centre ray touches the top face
    expect(res.depth[12 * 33 + 16]).toBeCloseTo(4, 5);   // entering at x = 4
    expect(res.instance[11 * 33 + 16]).toBe(-1);         // the row above passes over it
    const two = new Float32Array(30);
    two.set(Float32Array.of(3, 0, 1, 0.5, 0.5, 0.5, 0, 0, 0, 1), 0);
    two.set(Float32Array.of(9, 9, 9, 0.5, 0.5, 0.5, 0, 0, 0, 1), 10);
    two.set(Float32Array.of(3, 0, 1, 0.5, 0.5, 0.5, 0, 0, 0, 1), 20);
    const tie = sk.render.raycast({ boxes: two }, { K, R, t }, { height: 25, width: 33 });
    expect(tie.instance.filter((x) => x === 2).length).toBe(0);
    expect(tie.instance.filter((x) => x === 0).length).toBeGreaterThan(20);
  });

  it('out: given arrays are written and returned, inputs are left unchanged', () => {
    sk.setBackend(name);
    const r = rng(SEED + 3);
    const scenes = randomScenes(r, 2), cams = randomCameras(r, 3, 9, 11, 2);
    const copy = scenes.boxes.slice();
    const want = sk.render.raycast(scenes, cams, { height: 9, width: 11 });
    const instance = new Int32Array(3 * 99).fill(7), depth = new Float32Array(3 * 99).fill(7);
    const got = sk.render.raycast(scenes, cams, { height: 9, width: 11, out: { instance, depth } });
    expect(got.instance).toBe(instance);
    expect(got.depth).toBe(depth);
    expect(instance).toEqual(want.instance);
    expect(depth).toEqual(want.depth);
    expect(scenes.boxes).toEqual(copy);
  });

  it('outputs sharing memory with the inputs give the plain results; visibility out arrays are used', () => {
    sk.setBackend(name);
    const r = rng(SEED + 6);
    const scenes = randomScenes(r, 2), o = { height: 6, width: 7 };
    const cams = { ...randomCameras(r, 2, 6, 7, 2), scene: Uint32Array.of(0, 0) };  // camera 1 reads boxes camera 0's rows cover
    const want = sk.render.visibility(scenes, cams, { ...o, maps: true });
    // One buffer: the instance map written over the offsets and the scene indices, the amodal boxes over the boxes.
    const m = scenes.boxes.length / 10, R = want.amodal.length / 4;
    const buf = new ArrayBuffer(4 * (84 + Math.max(10 * m, 4 * R)));
    const offsets = new Uint32Array(buf, 0, 3), scene = new Uint32Array(buf, 12, 2), boxes = new Float32Array(buf, 4 * 84, 10 * m);
    offsets.set(scenes.offsets); scene.set(cams.scene!); boxes.set(scenes.boxes);
    const instance = new Int32Array(buf, 0, 84), depth = new Float32Array(84), amodal = new Float32Array(buf, 4 * 84, 4 * R);
    const got = sk.render.visibility({ boxes, offsets }, { ...cams, scene }, { ...o, maps: true, out: { instance, depth, amodal } });
    expect(got.instance).toBe(instance);
    expect(Array.from(instance)).toEqual(Array.from(want.instance!));
    expect(Array.from(amodal)).toEqual(Array.from(want.amodal));
    expect(got.pixelsVisible).toEqual(want.pixelsVisible);
    expect(got.pixelsAlone).toEqual(want.pixelsAlone);
    const pixelsAlone = new Uint32Array(want.pixelsAlone.length);
    expect(sk.render.visibility(scenes, cams, { ...o, out: { pixelsAlone } }).pixelsAlone).toBe(pixelsAlone);
    expect(pixelsAlone).toEqual(want.pixelsAlone);
  });

  it('empty inputs: no cameras, no boxes, empty scenes', () => {
    sk.setBackend(name);
    const { R, t } = sk.camera.lookAt(Float32Array.of(6, 0, 2), Float32Array.of(0, 0, 0), Float32Array.of(0, 0, 1));
    const K = Float32Array.of(10, 0, 4, 0, 10, 4, 0, 0, 1), o = { height: 4, width: 5 };
    const none = sk.render.raycast({ boxes: new Float32Array(0) }, { K, R, t }, o);
    expect(none.instance.every((x) => x === -1) && none.depth.every((x) => x === Infinity)).toBe(true);
    const zero = sk.render.visibility({ boxes: unitBox() }, { K: new Float32Array(0), R, t }, o);
    expect(zero.offsets).toEqual(Uint32Array.of(0));
    expect(zero.amodal.length).toBe(0);
    const v = sk.render.visibility({ boxes: unitBox(), offsets: Uint32Array.of(0, 0, 1, 1) },
      { K, R, t, scene: Uint32Array.of(0, 1, 2) }, { ...o, maps: true });
    expect(Array.from(v.offsets)).toEqual([0, 0, 1, 1]);
    expect(v.instance!.subarray(0, 20).every((x) => x === -1)).toBe(true);
    expect(v.instance!.subarray(20, 40).some((x) => x === 0)).toBe(true);
    expect(v.instance!.subarray(40).every((x) => x === -1)).toBe(true);
  });

  it('async twins give the same results as the sync calls', async () => {
    sk.setBackend(name);
    const r = rng(SEED + 4);
    const scenes = randomScenes(r, 3), cams = randomCameras(r, 5, 20, 30, 3);
    const o = { height: 20, width: 30 };
    expect(await sk.render.raycastAsync(scenes, cams, o)).toEqual(sk.render.raycast(scenes, cams, o));
    expect(await sk.render.visibilityAsync(scenes, cams, { ...o, maps: true })).toEqual(sk.render.visibility(scenes, cams, { ...o, maps: true }));
  });
});

eachBackend('sk.render.visibility against a brute-force per-object render', (name) => {
  it(`amodal boxes, pixels alone and visible, boxes and fractions (seed ${SEED})`, () => {
    sk.setBackend(name);
    const r = rng(SEED + 1);
    const scenes = randomScenes(r, 3), n = 8, h = 36, w = 48, pc = 0.5;
    const cams = randomCameras(r, n, h, w, 3);
    const vis = sk.render.visibility(scenes, cams, { height: h, width: w, maps: true });
    const ray = sk.render.raycast(scenes, cams, { height: h, width: w });
    expect(vis.instance).toEqual(ray.instance);  // the one pass gives raycast's maps
    expect(vis.depth).toEqual(ray.depth);
    const C = camsOf(cams, n);
    let rows = 0;
    for (let i = 0; i < n; i++) {
      const bs = sceneBoxes(scenes.boxes, scenes.offsets, cams.scene![i]);
      expect(vis.offsets[i]).toBe(rows);
      bs.forEach((B, j) => {
        const row = vis.offsets[i] + j;
        // Visible: exactly what the kernel's own instance map says.
        let count = 0, x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
        for (let v = 0; v < h; v++) {
          for (let u = 0; u < w; u++) {
            if (ray.instance[(i * h + v) * w + u] !== j) continue;
            count++; x0 = Math.min(x0, u); x1 = Math.max(x1, u + 1); y0 = Math.min(y0, v); y1 = Math.max(y1, v + 1);
          }
        }
        expect(vis.pixelsVisible[row]).toBe(count);
        expect(Array.from(vis.visible.subarray(4 * row, 4 * row + 4))).toEqual(count ? [x0, y0, x1, y1] : [0, 0, 0, 0]);
        // Alone: the oracle renders box j by itself; grazing pixels may go either way.
        let alone = 0, grazing = 0;
        for (let v = 0; v < h; v++) {
          for (let u = 0; u < w; u++) {
            const p = castPixel(C[i], [B], u, v, pc);
            alone += p.id === 0 ? 1 : 0;
            grazing += p.near.size > 1 ? 1 : 0;
          }
        }
        expect(Math.abs(vis.pixelsAlone[row] - alone)).toBeLessThanOrEqual(grazing);
        expect(vis.pixelsAlone[row]).toBeGreaterThanOrEqual(count);
        expect(vis.visibleFraction[row]).toBe(vis.pixelsAlone[row] ? Math.fround(count / vis.pixelsAlone[row]) : 0);
        // Amodal: the 8 corners through K·(R·x + t).
        const corners = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => C[i].cam([0, 1, 2].map((a) =>
          B.c[a] + [0, 1, 2].reduce((s, b) => s + ((k >> b) & 1 ? 1 : -1) * B.h[b] * B.ax[b][a], 0)) as V));
        const behind = corners.some((X) => X[2] < 1e-6 * (B.h[0] + B.h[1] + B.h[2]));
        expect(vis.behind[row]).toBe(behind ? 1 : 0);
        if (behind) return;
        const px = corners.map((X) => C[i].pixel(X, pc));
        const ux = [Math.min(...px.map((p) => p[0])), Math.min(...px.map((p) => p[1])), Math.max(...px.map((p) => p[0])), Math.max(...px.map((p) => p[1]))];
        const un = Array.from(vis.amodalUnclipped.subarray(4 * row, 4 * row + 4));
        for (let k = 0; k < 4; k++) expect(Math.abs(un[k] - ux[k])).toBeLessThan(1e-3 + 1e-5 * Math.abs(ux[k]));
        const cx = [Math.max(ux[0], 0), Math.max(ux[1], 0), Math.min(ux[2], w), Math.min(ux[3], h)];
        const inImage = cx[0] < cx[2] && cx[1] < cx[3];
        const am = Array.from(vis.amodal.subarray(4 * row, 4 * row + 4));
        for (let k = 0; k < 4; k++) expect(Math.abs(am[k] - (inImage ? cx[k] : 0))).toBeLessThan(1e-3 + 1e-5 * Math.abs(cx[k]));
        const frac = inImage ? (cx[2] - cx[0]) * (cx[3] - cx[1]) / ((ux[2] - ux[0]) * (ux[3] - ux[1])) : 0;
        expect(Math.abs(vis.inFrame[row] - frac)).toBeLessThan(1e-5);
        // The pixels a box wins have their sample points inside its amodal box.
        if (count) expect(x0 + 0.5 >= am[0] - 1e-3 && x1 - 0.5 <= am[2] + 1e-3 && y0 + 0.5 >= am[1] - 1e-3 && y1 - 0.5 <= am[3] + 1e-3).toBe(true);
      });
      rows += bs.length;
    }
    expect(vis.offsets[n]).toBe(rows);
    expect(vis.pixelsVisible.reduce((a, b) => a + b, 0)).toBe(ray.instance.filter((x) => x >= 0).length);
  });

  it('a box crossing the camera plane: flagged behind, never culled, clipped box inside the image', () => {
    sk.setBackend(name);
    const { R, t } = sk.camera.lookAt(Float32Array.of(0, 0, 1), Float32Array.of(5, 0, 1), Float32Array.of(0, 0, 1));
    const K = Float32Array.of(20, 0, 16, 0, 20, 12, 0, 0, 1);
    // A long wall from x = −2 to 6 beside the camera (y = 1.5 … 2.5): its near part is behind the camera.
    const wall = Float32Array.of(2, 2, 1, 4, 0.5, 2, 0, 0, 0, 1);
    const v = sk.render.visibility({ boxes: wall }, { K, R, t }, { height: 24, width: 32, maps: true });
    expect(v.behind[0]).toBe(1);
    const C = camsOf({ K, R, t }, 1)[0], B = boxAt(wall, 0);
    let alone = 0;
    for (let y = 0; y < 24; y++) for (let x = 0; x < 32; x++) alone += castPixel(C, [B], x, y, 0.5).id === 0 ? 1 : 0;
    expect(alone).toBeGreaterThan(50);
    expect(v.pixelsAlone[0]).toBe(alone);
    const am = v.amodal;
    expect(am[0] >= 0 && am[1] >= 0 && am[2] <= 32 && am[3] <= 24 && am[0] < am[2]).toBe(true);
    expect(v.visible[0] + 0.5 >= am[0] && v.visible[2] - 0.5 <= am[2]).toBe(true);
    expect(v.amodalUnclipped[0]).toBeLessThan(0);  // the unclipped box runs far out of the image
  });
});

describe('resolution independent of the nominal image', () => {
  // A 512² camera cast at 128² with `image: [512, 512]` samples the 512² camera at 4u + 2 (corner
  // origin), the corner shared by the 4 central pixels of each 4×4 block.
  // A random scene and camera that show at least 5000 box pixels at 512² (the first of a seeded series).
  const r = rng(SEED + 2);
  let scenes = randomScenes(r, 1), cams = randomCameras(r, 1, 512, 512, 1);
  for (let k = 0; k < 50 && sk.render.raycast(scenes, cams, { height: 512, width: 512 }).instance.filter((x) => x >= 0).length < 5000; k++) {
    scenes = randomScenes(r, 1);
    cams = randomCameras(r, 1, 512, 512, 1);
  }
  const blocks = (hi: Int32Array, lo: Int32Array, m: number): { pure: number; agree: number; counts: boolean } => {
    let pure = 0, agree = 0, counts = true;
    for (let j = -1; j < m; j++) {
      let n512 = 0, n128 = 0, mixed = 0;
      for (let V = 0; V < 128; V++) {
        for (let U = 0; U < 128; U++) {
          let c = 0;
          for (let dv = 0; dv < 4; dv++) for (let du = 0; du < 4; du++) c += hi[(4 * V + dv) * 512 + 4 * U + du] === j ? 1 : 0;
          n512 += c;
          n128 += lo[V * 128 + U] === j ? 1 : 0;
          if (c > 0 && c < 16) mixed++;
          if (c === 16 || c === 0) { pure++; agree += (lo[V * 128 + U] === j) === (c === 16) ? 1 : 0; }
        }
      }
      // Block-averaged coverage: 16 × the 128² count is the 512² count up to the mixed blocks.
      counts &&= Math.abs(16 * n128 - n512) <= 16 * mixed;
    }
    return { pure, agree, counts };
  };
  it('a 128² raycast with image [512, 512] agrees with the 512² raycast block-averaged', () => {
    sk.setBackend('auto');
    const hi = sk.render.raycast(scenes, cams, { height: 512, width: 512 });
    const lo = sk.render.raycast(scenes, cams, { height: 128, width: 128, image: [512, 512] });
    const m = scenes.offsets[1];
    const b = blocks(hi.instance, lo.instance, m);
    expect(b.counts).toBe(true);
    expect(b.agree / b.pure).toBeGreaterThan(0.999);
    expect(hi.instance.filter((x) => x >= 0).length).toBeGreaterThan(5000);
    // The same rays as a 512² cast at the block corners: K resized as sk.camera.resize does.
    const K2 = sk.camera.resize(cams.K, { sx: 0.25, sy: 0.25 });
    expect(sk.render.raycast(scenes, { ...cams, K: K2 }, { height: 128, width: 128 })).toEqual(lo);
    // Without `image` the 512² K is used as if the image were 128²: a different picture (the test can fail).
    const wrong = sk.render.raycast(scenes, cams, { height: 128, width: 128 });
    expect(blocks(hi.instance, wrong.instance, m).counts).toBe(false);
  });
  it('with pixelCenter 0 too (K in pixel-centre units)', () => {
    const hi = sk.render.raycast(scenes, cams, { height: 512, width: 512, pixelCenter: 0 });
    const lo = sk.render.raycast(scenes, cams, { height: 128, width: 128, image: [512, 512], pixelCenter: 0 });
    const b = blocks(hi.instance, lo.instance, scenes.offsets[1]);
    expect(b.counts).toBe(true);
    expect(b.agree / b.pure).toBeGreaterThan(0.999);
  });
});

describe('backends agree', () => {
  const avail = sk.backends().filter((b) => b.available).map((b) => b.backend);
  it(`raycast and visibility are bit-identical on ${avail.join(', ')}`, () => {
    const r = rng(SEED + 5);
    const scenes = randomScenes(r, 5), cams = randomCameras(r, 10, 37, 75, 5);
    const run = (name: sk.BackendName) => {
      sk.setBackend(name);
      return [sk.render.raycast(scenes, cams, { height: 37, width: 75, pixelCenter: 0.3 }),
        sk.render.visibility(scenes, cams, { height: 37, width: 75, maps: true })];
    };
    const base = run(avail[0]);
    for (const name of avail.slice(1)) expect(run(name)).toEqual(base);
  });
});

describe.skipIf(!sk.backends().find((b) => b.backend === 'native')?.available)('native ISA levels and thread counts', () => {
  // Each level is fixed at load (SPATIALKIT_ISA), so each runs in a child process: IEEE division
  // and no contraction give the same bits at every level, and integer counts merged with atomics
  // the same result for any thread count.
  const script = `
const k = require('node-gyp-build')(process.cwd()).render, h = require('crypto');
const n = 6, H = 45, W = 77, c = new Float32Array(21 * n), scene = new Uint32Array(n), boxes = new Float32Array(70);
for (let i = 0; i < n; i++) {
  const a = i * 1.1, ca = Math.cos(a), sa = Math.sin(a);  // cameras on a ring at radius 8 looking at the origin, level
  const f = 40, cx = 38.3, cy = 22.9, R = [-sa, ca, 0, 0, 0, -1, -ca, -sa, 0], o = [8 * ca, 8 * sa, 1];
  const Ki = [1 / f, 0, -cx / f, 0, 1 / f, -cy / f, 0, 0, 1], K = [f, 0, cx, 0, f, cy, 0, 0, 1];
  for (let r = 0; r < 3; r++) for (let q = 0; q < 3; q++) {
    c[21 * i + 3 * r + q] = R[r] * Ki[q] + R[3 + r] * Ki[3 + q] + R[6 + r] * Ki[6 + q];
    c[21 * i + 12 + 3 * r + q] = K[3 * r] * R[q] + K[3 * r + 1] * R[3 + q] + K[3 * r + 2] * R[6 + q];
  }
  c.set(o, 21 * i + 9);
}
for (let j = 0; j < 7; j++) { const y = 0.3 * j; boxes.set([Math.cos(j) * 1.5, Math.sin(j) * 1.5, 0.5, 0.4 + 0.05 * j, 0.3, 0.5, 0, 0, Math.sin(y), Math.cos(y)], 10 * j); }
const hash = (a) => h.createHash('sha1').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
const I = new Int32Array(n * H * W), D = new Float32Array(n * H * W), R = 7 * n;
const v = [new Float32Array(4 * R), new Float32Array(4 * R), new Uint8Array(R), new Int32Array(4 * R), new Uint32Array(R), new Uint32Array(R), new Float32Array(R), new Float32Array(R)];
k.visibility(c, scene, boxes, Uint32Array.of(0, 7), H, W, 0.5, I, D, ...v);
console.log(JSON.stringify([I.filter((x) => x >= 0).length, ...[I, D, ...v].map(hash)]));`;
  const runWith = (env: Record<string, string>): (string | number)[] =>
    JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' }));
  it('baseline, AVX2 and AVX-512 builds, and 1 or 2 threads, give bit-identical maps and visibility', () => {
    const best = runWith({});
    expect(best[0]).toBeGreaterThan(300);  // the boxes are in view (697 pixels)
    for (const isa of ['baseline', 'avx2']) expect(runWith({ SPATIALKIT_ISA: isa })).toEqual(best);
    expect(runWith({ SPATIALKIT_THREADS: '1' })).toEqual(best);
  });
});

describe('properties', () => {
  const boxArb = fc.tuple(fc.float({ min: -3, max: 3, noNaN: true }), fc.float({ min: -3, max: 3, noNaN: true }),
    fc.float({ min: 0, max: 2, noNaN: true }), fc.float({ min: Math.fround(0.1), max: 1, noNaN: true }),
    fc.float({ min: Math.fround(0.1), max: 1, noNaN: true }), fc.float({ min: Math.fround(0.1), max: 1, noNaN: true }),
    fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })))
    .map(([x, y, z, a, b, c, u]) => [x, y, z, a, b, c, ...quat(((k) => () => u[k++ % 3])(0))]);
  const { R, t } = sk.camera.lookAt(Float32Array.of(9, -4, 5), Float32Array.of(0, 0, 0.5), Float32Array.of(0, 0, 1));
  const cams = { K: Float32Array.of(30, 0.5, 20.5, 0, 31, 15, 0, 0, 1), R, t };
  const opts = { height: 30, width: 40 };
  for (const name of sk.backends().filter((b) => b.available).map((b) => b.backend)) {
    it(`[${name}] adding a box behind the camera changes nothing`, () => {
      sk.setBackend(name);
      fc.assert(fc.property(fc.array(boxArb, { minLength: 1, maxLength: 6 }), (list) => {
        const boxes = Float32Array.from(list.flat());
        const before = sk.render.visibility({ boxes }, cams, { ...opts, maps: true });
        // Behind the camera: the eye at (9, −4, 5) looks towards the origin; (20, −9, 10) is behind it.
        const more = Float32Array.from([...list.flat(), 20, -9, 10, 1, 1, 1, 0, 0, 0, 1]);
        const after = sk.render.visibility({ boxes: more }, cams, { ...opts, maps: true });
        const m = list.length;
        return Buffer.compare(Buffer.from(before.instance!.buffer), Buffer.from(after.instance!.buffer)) === 0 &&
          Buffer.compare(Buffer.from(before.depth!.buffer), Buffer.from(after.depth!.buffer)) === 0 &&
          after.pixelsAlone[m] === 0 && after.behind[m] === 1 &&
          after.pixelsAlone.subarray(0, m).every((x, k) => x === before.pixelsAlone[k]) &&
          after.visible.subarray(0, 4 * m).every((x, k) => x === before.visible[k]);
      }), { seed: SEED, numRuns: 150 });
    });
    it(`[${name}] permuting the boxes permutes the ids (depth bit for bit) when no two boxes touch`, () => {
      sk.setBackend(name);
      fc.assert(fc.property(fc.array(boxArb, { minLength: 2, maxLength: 6 }), fc.nat(), (list, seed) => {
        const boxes = Float32Array.from(list.flat()), m = list.length;
        for (let a = 0; a < m; a++) {
          for (let b = a + 1; b < m; b++) {
            if (sk.collide.overlap(boxes.subarray(10 * a, 10 * a + 10), boxes.subarray(10 * b, 10 * b + 10), { margin: 1e-3 })[0]) return true;
          }
        }
        const perm = Array.from({ length: m }, (_, k) => k);
        const pr = rng(seed);
        for (let k = m - 1; k > 0; k--) { const j = Math.floor(pr() * (k + 1)); [perm[k], perm[j]] = [perm[j], perm[k]]; }
        // Box k of `moved` is box perm[k] of `boxes`; its id in the new map is k.
        const moved = Float32Array.from(perm.flatMap((k) => list[k]));
        const a = sk.render.raycast({ boxes }, cams, opts), b = sk.render.raycast({ boxes: moved }, cams, opts);
        const inv = new Int32Array(m);
        perm.forEach((k, j) => { inv[k] = j; });
        return a.instance.every((id, p) => (id < 0 ? b.instance[p] === -1 : b.instance[p] === inv[id])) &&
          Buffer.compare(Buffer.from(a.depth.buffer), Buffer.from(b.depth.buffer)) === 0;
      }), { seed: SEED, numRuns: 150 });
    });
    it(`[${name}] pixelsVisible sums to the covered pixels, visible ≤ alone, fractions in [0, 1]`, () => {
      sk.setBackend(name);
      fc.assert(fc.property(fc.array(boxArb, { minLength: 1, maxLength: 8 }), (list) => {
        const boxes = Float32Array.from(list.flat());
        const v = sk.render.visibility({ boxes }, cams, { ...opts, maps: true });
        const covered = v.instance!.filter((x) => x >= 0).length;
        return v.pixelsVisible.reduce((s, x) => s + x, 0) === covered &&
          v.pixelsVisible.every((x, k) => x <= v.pixelsAlone[k]) &&
          v.visibleFraction.every((x) => x >= 0 && x <= 1) && v.inFrame.every((x) => x >= 0 && x <= 1);
      }), { seed: SEED, numRuns: 150 });
    });
  }
});

// ---------- bad input ----------
const unitBox = (): Float32Array => Float32Array.of(0, 0, 0, 1, 1, 1, 0, 0, 0, 1);
const good = () => {
  const { R, t } = sk.camera.lookAt(Float32Array.of(6, 0, 2), Float32Array.of(0, 0, 0), Float32Array.of(0, 0, 1));
  return { K: Float32Array.of(10, 0, 4, 0, 10, 4, 0, 0, 1), R, t };
};
/** [what to break, the scenes, the cameras, the options, the error (, visibility's where it differs)] through the TypeScript layer. */
const BAD: [string, unknown, unknown, unknown, Error, Error?][] = (() => {
  const cams = good(), o = { height: 8, width: 8 };
  const box = (k: number, x: number): Float32Array => { const b = unitBox(); b[k] = x; return b; };
  const two = new Float32Array(20);
  two.set(unitBox(), 0); two.set(unitBox(), 10);
  return [
    ['scenes not an object', null, cams, o, new TypeError('Expected an object for `scenes` but received null')],
    ['boxes of the wrong type', { boxes: new Float64Array(10) }, cams, o, new TypeError('Expected Float32Array of length 10·N for `boxes` but received Float64Array(10)')],
    ['boxes of the wrong length', { boxes: new Float32Array(11) }, cams, o, new RangeError('Expected Float32Array of length 10·N for `boxes` but received Float32Array(11)')],
    ['a NaN', { boxes: box(1, NaN) }, cams, o, new RangeError('`boxes[0]` has a non-finite value')],
    ['an infinite value', { boxes: box(8, Infinity) }, cams, o, new RangeError('`boxes[0]` has a non-finite value')],
    ['a zero half-extent', { boxes: box(4, 0) }, cams, o, new RangeError('`boxes[0]` has a half-extent ≤ 0')],
    ['a negative half-extent', { boxes: box(5, -1) }, cams, o, new RangeError('`boxes[0]` has a half-extent ≤ 0')],
    ['a zero quaternion', { boxes: box(9, 0) }, cams, o, new RangeError('`boxes[0]` has a quaternion that is not of unit length (| |q|² − 1 | > 0.002)')],
    ['a quaternion of length 1.0011', { boxes: box(9, 1.0011) }, cams, o, new RangeError('`boxes[0]` has a quaternion that is not of unit length (| |q|² − 1 | > 0.002)')],
    ['offsets not starting at 0', { boxes: two, offsets: Uint32Array.of(1, 2) }, cams, o, new RangeError('Expected `offsets[0]` to be 0 but received 1')],
    ['offsets not covering the boxes', { boxes: two, offsets: Uint32Array.of(0, 1) }, cams, o, new RangeError('Expected the last offset `offsets[1]` to be the number of boxes (2) but received 1')],
    ['offsets past the boxes', { boxes: two, offsets: Uint32Array.of(0, 1, 3) }, cams, o, new RangeError('Expected the last offset `offsets[2]` to be the number of boxes (2) but received 3')],
    ['decreasing offsets', { boxes: two, offsets: Uint32Array.of(0, 2, 1, 2) }, cams, o, new RangeError('Expected `offsets` to be non-decreasing but `offsets[2]` = 1 is less than `offsets[1]` = 2')],
    ['empty offsets', { boxes: two, offsets: new Uint32Array(0) }, cams, o, new RangeError('Expected Uint32Array of length S + 1 ≥ 1 for `offsets` but received Uint32Array(0)')],
    ['a camera naming a missing scene', { boxes: two, offsets: Uint32Array.of(0, 1, 2) }, { ...cams, scene: Uint32Array.of(2) }, o, new RangeError('Expected `scene[0]` to name one of the 2 scenes but received 2')],
    ['no scene with two scenes', { boxes: two, offsets: Uint32Array.of(0, 1, 2) }, cams, o, new TypeError('Expected Uint32Array for `scene` (the scene each camera views, as there are 2 scenes) but received undefined')],
    ['scene of the wrong type', { boxes: two }, { ...cams, scene: new Int32Array(1) }, o, new TypeError('Expected Uint32Array for `scene` but received Int32Array(1)')],
    ['height 0', { boxes: unitBox() }, cams, { height: 0, width: 8 }, new RangeError('Expected an integer in [1, 4194304] for `height` but received the number 0')],
    ['width missing', { boxes: unitBox() }, cams, { height: 8 }, new TypeError('Expected an integer in [1, 4194304] for `width` but received undefined')],
    ['H × W overflowing', { boxes: unitBox() }, { ...cams, K: new Float32Array(18).fill(0).map((_, k) => [10, 0, 4, 0, 10, 4, 0, 0, 1][k % 9]) }, { height: 65536, width: 65536 },
      new RangeError('Expected at most 2^32 − 1 pixels in all (N × H × W) but received 2 × 65536 × 65536')],
    ['an unknown option', { boxes: unitBox() }, cams, { ...o, layout: 'hwc' }, new RangeError('Unknown key `layout` in `opts`; expected `height`, `width`, `pixelCenter`, `image`, `out`'),
      new RangeError('Unknown key `layout` in `opts`; expected `height`, `width`, `pixelCenter`, `image`, `maps`, `out`')],
    ['image not a pair', { boxes: unitBox() }, cams, { ...o, image: 512 }, new TypeError('Expected [width, height] for `image` but received the number 512')],
    ['image of zero width', { boxes: unitBox() }, cams, { ...o, image: [0, 8] }, new RangeError('Expected an integer in [1, 4194304] for `image[0]` but received the number 0')],
    ['out of the wrong size', { boxes: unitBox() }, cams, { ...o, out: { instance: new Int32Array(3) } }, new RangeError('Expected `out.instance` to hold 64 pixels but received 3'),
      new RangeError('`out.instance` and `out.depth` are written only with `maps: true`')],
    ['a bad camera', { boxes: unitBox() }, { ...cams, K: new Float32Array(9) }, o, new RangeError('`K[0]` must have the last row (0, 0, 1) but has (0, 0, 0)')],
  ];
})();

describe('bad input: TypeError or RangeError naming the argument, never a crash', () => {
  for (const name of sk.backends().filter((b) => b.available).map((b) => b.backend)) {
    for (const [what, scenes, cams, opts, err, visErr] of BAD) {
      it(`[${name}] ${what}`, () => {
        sk.setBackend(name);
        expect(() => sk.render.raycast(scenes as never, cams as never, opts as never)).toThrow(err);
        expect(() => sk.render.visibility(scenes as never, cams as never, opts as never)).toThrow(visErr ?? err);
      });
    }
    it(`[${name}] async calls throw the same errors synchronously`, () => {
      sk.setBackend(name);
      const [, scenes, cams, opts, err] = BAD[3];
      expect(() => sk.render.raycastAsync(scenes as never, cams as never, opts as never)).toThrow(err);
    });
    it(`[${name}] a quaternion of length 1.0009 is within tolerance`, () => {
      sk.setBackend(name);
      const b = unitBox();
      b[9] = 1.0009;
      expect(sk.render.raycast({ boxes: b }, good(), { height: 8, width: 8 }).instance.some((x) => x === 0)).toBe(true);
    });
  }
});

describe('the backend boundary checks again, with the same sentences (calls that bypass the TypeScript layer)', () => {
  for (const b of sk.backends().filter((x) => x.available)) {
    it(`${b.backend}: boxes, offsets, scenes, sizes, outputs and outputs aliasing inputs`, async () => {
      const { module } = await import('../src/backend/index.js');
      const k = module(b.backend)!.render as unknown as Record<string, (...a: unknown[]) => unknown>;
      const consts = new Float32Array(21);
      consts.set([0.1, 0, -0.4, 0, 0.1, -0.4, 0, 0, 1, 0, 0, -6, 10, 0, 4, 0, 10, 4, 0, 0, 1]);
      const sc = Uint32Array.of(0), off = Uint32Array.of(0, 1), I = new Int32Array(64), D = new Float32Array(64);
      const call = (boxes: Float32Array, offsets = off, scene = sc, h = 8, w = 8, i = I, d = D) =>
        () => k.raycast(consts, scene, boxes, offsets, h, w, 0.5, i, d);
      for (const [what, scenes, , , err] of BAD.slice(1, 15)) {
        const s = scenes as { boxes: Float32Array; offsets?: Uint32Array };
        if (what.includes('scene')) continue;
        expect(call(s.boxes, s.offsets ?? Uint32Array.of(0, s.boxes.length / 10 | 0)), what).toThrow(err);
      }
      const two = new Float32Array(20);
      two.set(unitBox(), 0); two.set(unitBox(), 10);
      expect(call(two, Uint32Array.of(0, 1, 2), Uint32Array.of(2))).toThrow(new RangeError('Expected `scene[0]` to name one of the 2 scenes but received 2'));
      expect(call(unitBox(), off, Uint32Array.of(0, 0))).toThrow(new RangeError('Expected `scene` to hold 1 cameras but received 2'));
      expect(call(unitBox(), off, sc, 0)).toThrow(new RangeError('Expected an integer in [1, 4194304] for `height` but received the number 0'));
      const many = new Float32Array(21 * 2), sc2 = new Uint32Array(2);
      expect(() => k.raycast(many, sc2, unitBox(), off, 65536, 65536, 0.5, I, D)).toThrow(new RangeError('Expected at most 2^32 − 1 pixels in all (N × H × W) but received 2 × 65536 × 65536'));
      expect(call(unitBox(), off, sc, 8, 8, new Int32Array(3))).toThrow(new RangeError('Expected `instance` to hold 64 pixels but received 3'));
      expect(call(unitBox(), off, sc, 8, 8, I, new Float32Array(3))).toThrow(new RangeError('Expected `depth` to hold 64 pixels but received 3'));
      expect(() => k.raycast(new Float32Array(20), sc, unitBox(), off, 8, 8, 0.5, I, D)).toThrow(new RangeError('Expected Float32Array of length 21·N for `consts` but received Float32Array(20)'));
      expect(() => k.raycast(consts, new Int32Array(1), unitBox(), off, 8, 8, 0.5, I, D)).toThrow(new TypeError('Expected Uint32Array for `scene` but received Int32Array(1)'));
      expect(() => k.raycast(consts, sc, unitBox(), off, 8, 8, NaN, I, D)).toThrow(new RangeError('Expected a finite number for `pixelCenter` but received the number NaN'));
      expect(() => k.raycast()).toThrow(TypeError);
      const vis = (R: number, extra: unknown[] = []) => () => k.visibility(consts, sc, unitBox(), off, 8, 8, 0.5, new Int32Array(0), new Float32Array(0),
        new Float32Array(4 * R), new Float32Array(4), new Uint8Array(1), new Int32Array(4), new Uint32Array(1), new Uint32Array(1),
        new Float32Array(1), new Float32Array(1), ...extra);
      expect(vis(1)).not.toThrow();
      expect(vis(2)).toThrow(new RangeError('Expected `amodal` to hold 1 rows but received 2'));
      const d = new Float32Array(64);
      structuredClone(d.buffer, { transfer: [d.buffer] });
      expect(call(unitBox(), off, sc, 8, 8, I, d)).toThrow(TypeError);
      // Outputs written over the offsets, the scene indices and the boxes: values change, no index does.
      const buf = new ArrayBuffer(4 * 64), off2 = new Uint32Array(buf, 0, 2), scene2 = new Uint32Array(buf, 8, 1), box2 = new Float32Array(buf, 12, 10);
      off2.set([0, 1]); box2.set(unitBox());
      const over = new Int32Array(buf), overD = new Float32Array(buf);
      expect(call(box2, off2, scene2, 8, 8, over, overD)).not.toThrow();
      if (k.raycastAsync) expect(await k.raycastAsync(consts, sc, unitBox(), off, 8, 8, 0.5, I, D)).toBeUndefined();
    });
  }
});
