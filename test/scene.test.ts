// sk.scene against the DESIGN §4 conventions: hand-computed cases, oracles written here (sector
// membership by arc tests, relations by projecting onto the viewer's / camera's axes), property
// tests over generated groups, and determinism across backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import * as sk from 'spatialkit';
import { groupLines, emptyCounts } from '../src/scene/records.js';
import { backendMatrix, SEED } from './helpers.js';
import { module as backendModule } from '../src/backend/index.js';

const { CARDINALS } = sk.scene;
type Cardinal = (typeof CARDINALS)[number];

// ---------- oracles ----------
const mod360 = (a: number): number => ((a % 360) + 360) % 360;
/** Cardinal sector by testing membership of each centred half-open arc. */
const cardinalOracle = (theta: number): Cardinal => {
  const t = mod360(theta);
  for (let i = 0; i < 8; i++) if (mod360(t - (45 * i - 22.5)) < 45) return CARDINALS[i];
  throw new Error('unreachable');
};
const clockOracle = (theta: number): number => {
  const t = mod360(theta);
  for (let h = 1; h <= 12; h++) if (mod360(t - (30 * h - 15)) < 30) return h;
  throw new Error('unreachable');
};
/** ROTATE Table 3, typed in from the paper. */
const PAPER_TABLE3: Record<Cardinal, number[]> = {
  front: [11, 12, 1], 'front-right': [1, 2], right: [2, 3, 4], 'back-right': [4, 5],
  back: [5, 6, 7], 'back-left': [7, 8], left: [8, 9, 10], 'front-left': [10, 11],
};
const FLIP: Record<Cardinal, Cardinal> = {
  front: 'back', 'front-right': 'back-left', right: 'left', 'back-right': 'front-left',
  back: 'front', 'back-left': 'front-right', left: 'right', 'front-left': 'back-right',
};
const rad = (d: number): number => (d * Math.PI) / 180;
/** Relative angle by projecting onto the viewer's front (cos ψ, sin ψ) and right (sin ψ, −cos ψ). */
const relativeOracle = (yaw: number, v: number[]): number => {
  const f = [Math.cos(rad(yaw)), Math.sin(rad(yaw))], r = [Math.sin(rad(yaw)), -Math.cos(rad(yaw))];
  return mod360((Math.atan2(v[0] * r[0] + v[1] * r[1], v[0] * f[0] + v[1] * f[1]) * 180) / Math.PI);
};
/** Absolute angle from the camera's own axes: R row 0 = image right, row 2 = optical axis. */
const absoluteOracle = (R: ArrayLike<number>, v: number[], near = false): number => {
  const right = [R[0], R[1]], fwd = [R[6], R[7]];
  const x = (v[0] * right[0] + v[1] * right[1]) / Math.hypot(...right), y = (v[0] * fwd[0] + v[1] * fwd[1]) / Math.hypot(...fwd);
  return mod360((Math.atan2(x, near ? -y : y) * 180) / Math.PI);
};
/** Distance of an angle to the nearest sector boundary (cardinal 22.5 + 45k, clock 15 + 30k). */
const boundaryGap = (theta: number): number => {
  const u = mod360(theta - 22.5) % 45, v = mod360(theta - 15) % 30;
  return Math.min(u, 45 - u, v, 30 - v);
};
/** The label a judgement question asks about, read back from its words. */
const askedLabel = (q: sk.scene.QARecord): string => {
  if (q.relation === 'clock') return /at (?:your |their |the [^?]+?'s )?(\d+) o'clock/.exec(q.question)![1];
  const m = /in front of|behind|to the ([a-z]+(?:-[a-z]+)?) of|to (?:your|their|the [^?]+?'s) ([a-z]+(?:-[a-z]+)?)\?/.exec(q.question)!;
  return m[0] === 'in front of' ? 'front' : m[0] === 'behind' ? 'back' : (m[1] ?? m[2]);
};
const obj = (x: number, y: number, yaw = 0, kind?: sk.scene.Kind): sk.scene.SceneObject => ({ position: [x, y, 0], yaw, kind });

describe('labels and Table 3', () => {
  it('Table 3 is reproduced exactly (TABLE3 and compatible for all 96 pairs)', () => {
    expect(sk.scene.TABLE3).toEqual(PAPER_TABLE3);
    for (const c of CARDINALS) {
      for (let h = 1; h <= 12; h++) {
        expect(sk.scene.compatible(c, h), `${c} ${h}`).toBe(PAPER_TABLE3[c].includes(h));
        expect(sk.scene.compatible(c, String(h))).toBe(PAPER_TABLE3[c].includes(h));
      }
    }
  });

  it('boundary angles go to the sector clockwise of them', () => {
    const cases: [number, Cardinal, number][] = [
      [0, 'front', 12], [22.5, 'front-right', 1], [22.499999, 'front', 1], [15, 'front', 1], [14.999999, 'front', 12],
      [45, 'front-right', 2], [67.5, 'right', 2], [75, 'right', 3], [90, 'right', 3], [112.5, 'back-right', 4],
      [180, 'back', 6], [337.5, 'front', 11], [345, 'front', 12], [-22.5, 'front', 11], [-15, 'front', 12],
      [360, 'front', 12], [720 + 90, 'right', 3], [-1e-20, 'front', 12], [359.9999999999, 'front', 12], [-90, 'left', 9],
    ];
    for (const [a, c, h] of cases) expect(sk.scene.labels(a), String(a)).toEqual({ cardinal: c, clock: h });
  });

  it('labels agree with the arc-membership oracle (property, all finite angles)', () => {
    fc.assert(fc.property(fc.double({ min: -1e4, max: 1e4, noNaN: true }), (a) => {
      fc.pre(boundaryGap(a) > 1e-7); // within 1e-9° the documented snap decides, not the oracle
      const l = sk.scene.labels(a);
      return l.cardinal === cardinalOracle(a) && l.clock === clockOracle(a);
    }), { seed: SEED, numRuns: 2000 });
    for (let a = -720; a <= 720; a += 0.5) expect(sk.scene.labels(a)).toEqual({ cardinal: cardinalOracle(a), clock: clockOracle(a) });
  });

  it('cardinal and clock labels of one angle are always compatible (property)', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 360, noNaN: true }), (a) => {
      const l = sk.scene.labels(a);
      return sk.scene.compatible(l.cardinal, l.clock);
    }), { seed: SEED, numRuns: 2000 });
  });

  it('bad inputs: exact messages', () => {
    expect(() => sk.scene.labels(NaN)).toThrow(new RangeError('Expected a finite number for `angleDeg` but received the number NaN'));
    expect(() => sk.scene.labels('3' as never)).toThrow(new TypeError('Expected a finite number for `angleDeg` but received a string'));
    expect(() => sk.scene.compatible('ahead' as never, 1)).toThrow(new RangeError("Expected one of 'front', 'front-right', 'right', 'back-right', 'back', 'back-left', 'left', 'front-left' for `cardinal` but received 'ahead'"));
    expect(() => sk.scene.compatible('front', 13)).toThrow(new RangeError('Expected an integer in [1, 12] for `clock` but received the number 13'));
    expect(() => sk.scene.compatible('front', '2:00')).toThrow(new RangeError("Expected an integer in [1, 12] for `clock` but received '2:00'"));
  });
});

describe('relative', () => {
  it('hand-computed: viewer facing +x (yaw 0) and +y (yaw 90)', () => {
    const v = obj(0, 0, 0);
    expect(sk.scene.relative(v, obj(1, 0))).toEqual({ angle: 0, cardinal: 'front', clock: 12 });
    expect(sk.scene.relative(v, obj(0, -1))).toEqual({ angle: 90, cardinal: 'right', clock: 3 });
    expect(sk.scene.relative(v, obj(-2, 0))).toEqual({ angle: 180, cardinal: 'back', clock: 6 });
    expect(sk.scene.relative(v, obj(0, 3))).toEqual({ angle: 270, cardinal: 'left', clock: 9 });
    expect(sk.scene.relative(v, obj(1, -1))).toEqual({ angle: 45, cardinal: 'front-right', clock: 2 });
    expect(sk.scene.relative(obj(0, 0, 90), obj(1, 0))).toEqual({ angle: 90, cardinal: 'right', clock: 3 });
    expect(sk.scene.relative(obj(5, 5, 90), obj(5, 4))).toEqual({ angle: 180, cardinal: 'back', clock: 6 });
    // 30° right of front is exactly the 1/2 o'clock boundary → 1; tan(30°) rounding is absorbed by the snap.
    expect(sk.scene.relative(v, obj(1, -Math.tan(rad(15))))).toMatchObject({ cardinal: 'front', clock: 1 });
  });

  it('3 objects: the direction is target − reference, in the viewer\'s frame', () => {
    const viewer = obj(-4, 0, 90, 'directed'); // faces +y
    expect(sk.scene.relative(viewer, obj(2, 1), obj(1, 1))).toMatchObject({ angle: 90, cardinal: 'right' });
    expect(sk.scene.relative(viewer, obj(1, 2), obj(1, 1))).toMatchObject({ angle: 0, cardinal: 'front' });
  });

  it('matches the projection oracle; yaw + 180° flips front↔back, left↔right, h → h + 6 (property)', () => {
    const pt = fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }));
    fc.assert(fc.property(pt, pt, fc.integer({ min: 0, max: 359 }), ([x, y], [tx, ty], yaw) => {
      fc.pre(Math.hypot(tx - x, ty - y) > 1e-3);
      const want = relativeOracle(yaw, [tx - x, ty - y]);
      fc.pre(boundaryGap(want) > 1e-6);
      const a = sk.scene.relative(obj(x, y, yaw), obj(tx, ty));
      const b = sk.scene.relative(obj(x, y, (yaw + 180) % 360), obj(tx, ty));
      expect(Math.abs(((a.angle - want + 540) % 360) - 180)).toBeLessThan(1e-9);
      expect(b.cardinal).toBe(FLIP[a.cardinal]);
      expect(b.clock).toBe(((a.clock + 5) % 12) + 1);
    }), { seed: SEED, numRuns: 1000 });
  });

  it('a viewer of kind \'none\' and coinciding points are errors', () => {
    expect(() => sk.scene.relative(obj(0, 0, 0, 'none'), obj(1, 0))).toThrow(new RangeError("Expected a directional `viewer` (kind 'directed' or 'used') but received kind 'none', which has no front"));
    expect(() => sk.scene.relative(obj(0, 0), obj(0, 0))).toThrow(new RangeError('`target` and `viewer` coincide in x and y, so their direction is undefined'));
    expect(() => sk.scene.relative(obj(0, 0), obj(1, 1), obj(1, 1))).toThrow(RangeError);
    expect(() => sk.scene.relative(obj(0, 0, 0, 'side' as never), obj(1, 1))).toThrow(new RangeError("Expected one of 'directed', 'used', 'none' for `viewer.kind` but received 'side'"));
    expect(() => sk.scene.relative({ position: [0, 0], yaw: 0 } as never, obj(1, 1))).toThrow(new TypeError('Expected an array of 3 numbers for `viewer.position` but received Array(2)'));
    expect(() => sk.scene.relative(obj(0, 0, NaN), obj(1, 1))).toThrow(new RangeError('Expected a finite number for `viewer.yaw` but received the number NaN'));
    // A missing kind counts as directional.
    expect(sk.scene.relative({ position: [0, 0, 0], yaw: 0 }, obj(1, 0)).cardinal).toBe('front');
  });
});

describe('absolute and the ring', () => {
  const cams = sk.scene.ring();

  it('ring defaults: 8 cameras at azimuth 45k°, radius 10, height 6, looking at the origin', () => {
    expect(cams).toHaveLength(8);
    cams.forEach((c, k) => {
      expect(c.azimuth).toBe(45 * k);
      expect(c.position[0]).toBeCloseTo(10 * Math.cos(rad(45 * k)), 12);
      expect(c.position[1]).toBeCloseTo(10 * Math.sin(rad(45 * k)), 12);
      expect(c.position[2]).toBe(6);
      expect(c.target).toEqual([0, 0, 0]);
      // The target projects to the principal point: R·(target − position) ∥ +z.
      const p = [0, 1, 2].map((r) => -[0, 1, 2].reduce((s, j) => s + c.R[3 * r + j] * c.position[j], 0));
      expect(Math.abs(p[0]) + Math.abs(p[1])).toBeLessThan(1e-5);
      expect(p[2]).toBeGreaterThan(0);
      // Image down (R row 1) points down in the world.
      expect(c.R[5]).toBeLessThan(0);
      expect(Array.from(c.K)).toEqual(Array.from(Float32Array.of(256 / Math.tan(rad(30)), 0, 256, 0, 256 / Math.tan(rad(30)), 256, 0, 0, 1)));
    });
    expect(cams[2].position).toEqual([0, 10, 6]);
    expect(cams[4].position).toEqual([-10, 0, 6]);
    expect(sk.scene.ring({ count: 4, radius: 2, height: 1, target: [1, 1, 0], phase: 10 })[1].azimuth).toBe(100);
  });

  it('hand-computed: camera at −x looking along +x', () => {
    const cam = { position: [-10, 0, 6], target: [0, 0, 0] };
    const ref = obj(0, 0);
    expect(sk.scene.absolute(cam, obj(0, 1), ref)).toEqual({ angle: 270, cardinal: 'left', clock: 9 });
    expect(sk.scene.absolute(cam, obj(0, -1), ref)).toEqual({ angle: 90, cardinal: 'right', clock: 3 });
    expect(sk.scene.absolute(cam, obj(1, 0), ref)).toEqual({ angle: 0, cardinal: 'front', clock: 12 });
    expect(sk.scene.absolute(cam, obj(1, 0), ref, { front: 'near' })).toEqual({ angle: 180, cardinal: 'back', clock: 6 });
    expect(sk.scene.absolute(cam, obj(1, -1), ref, { front: 'near' })).toMatchObject({ angle: 135, cardinal: 'back-right' });
    expect(sk.scene.absolute(cam, obj(0, -1), ref, { front: 'near' })).toMatchObject({ cardinal: 'right' });
    // line of sight to a reference off the axis at 45°: along it is front; camera_axis sees it front-left.
    const r45 = obj(0, 10), t45 = obj(1, 11);
    expect(sk.scene.absolute(cam, t45, r45, { frame: 'line_of_sight' })).toMatchObject({ angle: 0, cardinal: 'front' });
    expect(sk.scene.absolute(cam, t45, r45)).toMatchObject({ angle: 315, cardinal: 'front-left' });
    // A camera given by R only (ring camera 4 is the same camera).
    expect(sk.scene.absolute({ position: cams[4].position, R: cams[4].R }, obj(0, 1), ref).cardinal).toBe('left');
    // The object kinds do not matter for absolute relations.
    expect(sk.scene.absolute(cam, obj(0, 1, 0, 'none'), obj(0, 0, 0, 'none')).cardinal).toBe('left');
  });

  it('matches the camera-axes oracle (right = image right) for every ring camera, far and near (property)', () => {
    const pt = fc.tuple(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }));
    fc.assert(fc.property(pt, pt, fc.integer({ min: 0, max: 7 }), fc.boolean(), ([x, y], [tx, ty], k, near) => {
      fc.pre(Math.hypot(tx - x, ty - y) > 1e-3);
      const want = absoluteOracle(cams[k].R, [tx - x, ty - y], near);
      fc.pre(boundaryGap(want) > 1e-4); // R is float32: its axes are good to ~1e-7 rad
      const got = sk.scene.absolute(cams[k], obj(tx, ty), obj(x, y), { front: near ? 'near' : 'far' });
      return got.cardinal === cardinalOracle(want) && got.clock === clockOracle(want);
    }), { seed: SEED, numRuns: 1000 });
  });

  it('moving the camera one step along the ring shifts the absolute cardinal label by one (property)', () => {
    const pt = fc.tuple(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }));
    fc.assert(fc.property(pt, pt, fc.integer({ min: 0, max: 7 }), ([x, y], [tx, ty], k) => {
      fc.pre(Math.hypot(tx - x, ty - y) > 1e-3);
      const a = sk.scene.absolute(cams[k], obj(tx, ty), obj(x, y));
      fc.pre(boundaryGap(a.angle) > 1e-6);
      const b = sk.scene.absolute(cams[(k + 1) % 8], obj(tx, ty), obj(x, y));
      // Counter-clockwise by 45° turns the camera's front, so the angle grows by 45° clockwise.
      return CARDINALS.indexOf(b.cardinal) === (CARDINALS.indexOf(a.cardinal) + 1) % 8;
    }), { seed: SEED, numRuns: 1000 });
  });

  it('bad inputs', () => {
    const cam = { position: [-10, 0, 6], target: [0, 0, 0] };
    expect(() => sk.scene.absolute(cam, obj(0, 1), obj(0, 1))).toThrow(new RangeError('`target` and `reference` coincide in x and y, so their direction is undefined'));
    expect(() => sk.scene.absolute(cam, obj(0, 1), obj(0, 0), { front: 'behind' as never })).toThrow(new RangeError("Expected one of 'far', 'near' for `front` but received 'behind'"));
    expect(() => sk.scene.absolute(cam, obj(0, 1), obj(0, 0), { frame: 'world' as never })).toThrow(new RangeError("Expected one of 'camera_axis', 'line_of_sight' for `frame` but received 'world'"));
    expect(() => sk.scene.absolute({ position: [0, 0, 6] }, obj(0, 1), obj(0, 0))).toThrow(TypeError);
    expect(() => sk.scene.absolute({ position: [0, 0, 6], target: [0, 0, 0] }, obj(0, 1), obj(1, 0))).toThrow(/straight up or down/);
    expect(() => sk.scene.ring({ count: 0 })).toThrow(new RangeError('Expected an integer in [1, 360] for `count` but received the number 0'));
    expect(() => sk.scene.ring({ radius: -1 })).toThrow(new RangeError('Expected a positive number for `radius` but received the number -1'));
    expect(() => sk.scene.ring({ fov: 180 })).toThrow(RangeError);
  });
});

// ---------- generated groups ----------

/** Independent overlap oracle for boxes turned about z: 2-D separating axes in float64 plus z. */
function overlapOracle(a: sk.scene.PlacedObject, b: sk.scene.PlacedObject, margin: number): boolean {
  if (Math.abs(a.position[2] - b.position[2]) > (a.size[2] + b.size[2]) / 2 + margin) return false;
  const corners = (o: sk.scene.PlacedObject): number[][] => {
    const c = Math.cos(rad(o.yaw)), s = Math.sin(rad(o.yaw)), l = o.size[0] / 2, w = o.size[1] / 2;
    return [[l, w], [-l, w], [-l, -w], [l, -w]].map(([u, v]) => [o.position[0] + u * c - v * s, o.position[1] + u * s + v * c]);
  };
  const ca = corners(a), cb = corners(b);
  for (const o of [a, b]) {
    for (const axis of [[Math.cos(rad(o.yaw)), Math.sin(rad(o.yaw))], [-Math.sin(rad(o.yaw)), Math.cos(rad(o.yaw))]]) {
      const pa = ca.map((p) => p[0] * axis[0] + p[1] * axis[1]), pb = cb.map((p) => p[0] * axis[0] + p[1] * axis[1]);
      if (Math.min(...pb) - Math.max(...pa) > margin || Math.min(...pa) - Math.max(...pb) > margin) return false;
    }
  }
  return true;
}

describe('layout and generate', () => {
  const groups = sk.scene.generate({ groups: 300, seed: SEED >>> 0 });

  it(`no generated layout has an overlapping pair (300 groups, seed ${SEED}); each has ≥1 directional object`, () => {
    for (const g of groups) {
      expect([2, 3]).toContain(g.objects.length);
      expect(g.objects.some((o) => o.kind !== 'none')).toBe(true);
      expect(new Set(g.objects.map((o) => o.category)).size).toBe(g.objects.length);
      for (let i = 0; i < g.objects.length; i++) {
        const o = g.objects[i];
        expect(o.id).toBe(i);
        expect(Number.isInteger(o.yaw) && o.yaw >= 0 && o.yaw < 360).toBe(true);
        expect(o.position[2]).toBeCloseTo(o.size[2] / 2, 12);
        for (let j = i + 1; j < g.objects.length; j++) expect(overlapOracle(o, g.objects[j], 0.1 - 1e-6), `group ${g.group} objects ${i}, ${j}`).toBe(false);
        // Inside the default region, rotated footprint included.
        const c = Math.abs(Math.cos(rad(o.yaw))), s = Math.abs(Math.sin(rad(o.yaw)));
        const ex = (o.size[0] * c + o.size[1] * s) / 2, ey = (o.size[0] * s + o.size[1] * c) / 2;
        expect(Math.abs(o.position[0]) + ex).toBeLessThanOrEqual(3 + 1e-9);
        expect(Math.abs(o.position[1]) + ey).toBeLessThanOrEqual(3 + 1e-9);
      }
    }
    // And by sk.collide itself (the kernel layout used), every pair at the layout's margin.
    const a: number[] = [], b: number[] = [];
    const box = (o: sk.scene.PlacedObject): number[] => {
      const h = rad(o.yaw) / 2;
      return [...o.position, o.size[0] / 2, o.size[1] / 2, o.size[2] / 2, 0, 0, Math.sin(h), Math.cos(h)];
    };
    for (const g of groups) {
      for (let i = 0; i < g.objects.length; i++) for (let j = i + 1; j < g.objects.length; j++) { a.push(...box(g.objects[i])); b.push(...box(g.objects[j])); }
    }
    expect(Array.from(sk.collide.overlap(Float32Array.from(a), Float32Array.from(b), { margin: 0.1 })).every((x) => x === 0)).toBe(true);
  });

  it('within a subgroup relative relations are identical for all cameras; across subgroups absolute ones are identical at each camera', () => {
    for (const g of groups.slice(0, 60)) {
      const nc = g.cameras.length;
      expect(g.images).toHaveLength(2 * nc);
      for (const img of g.images) {
        const objs = g.objects.map((o, i) => ({ ...o, yaw: g.yaws[img.subgroup][i] }));
        const rel = img.relative.map((r) => sk.scene.relative(objs[r.viewer!], objs[r.target], r.objects === 3 ? objs[r.reference] : undefined));
        expect(img.relative.map(({ angle, cardinal, clock }) => ({ angle, cardinal, clock }))).toEqual(rel);
        expect(img.relative).toEqual(g.images[img.subgroup * nc].relative);
        const abs = img.absolute.map((r) => sk.scene.absolute(g.cameras[img.camera], objs[r.target], objs[r.reference]));
        expect(img.absolute.map(({ angle, cardinal, clock }) => ({ angle, cardinal, clock }))).toEqual(abs);
        expect(img.absolute).toEqual(g.images[img.camera].absolute);
      }
    }
  });

  it('subgroup 1 turns every yaw by 180°, which flips every relative relation', () => {
    for (const g of groups) {
      expect(g.yaws[1]).toEqual(g.yaws[0].map((y) => (y + 180) % 360));
      g.relative[0].forEach((a, i) => {
        const b = g.relative[1][i];
        expect([b.viewer, b.target, b.reference]).toEqual([a.viewer, a.target, a.reference]);
        expect(b.cardinal).toBe(FLIP[a.cardinal]);
        expect(b.clock).toBe(((a.clock + 5) % 12) + 1);
      });
    }
  });

  it('layout: explicit categories, seeded; clear errors when the region cannot fit the objects', () => {
    const a = sk.scene.layout({ seed: 5, objects: ['chair', 'lamp', 'person'] });
    expect(a.map((o) => o.category)).toEqual(['chair', 'lamp', 'person']);
    expect(sk.scene.layout({ seed: 5, objects: ['chair', 'lamp', 'person'] })).toEqual(a);
    expect(() => sk.scene.layout({ objects: ['car', 'bed', 'sofa'], region: [0, 0, 2, 2] })).toThrow(/^Cannot fit 3 objects \(car .* in region \[0, 0, 2, 2\] with margin 0\.1: they cover .* m² but the region has 4\.00 m²; enlarge `region`, lower `margin` or use fewer objects$/);
    expect(() => sk.scene.layout({ objects: ['car', 'cup'], region: [0, 0, 1.2, 30] })).toThrow(/^Cannot fit the car \(.* m\) in region \[0, 0, 1\.2, 30\] with margin 0\.1; enlarge `region`$/);
    // Area alone would allow these (7.3 of 9 m²), but no packing is found.
    expect(() => sk.scene.layout({ objects: ['bed', 'sofa', 'desk', 'chair'], region: [0, 0, 3, 3], margin: 0.3, restarts: 2, attempts: 32 }))
      .toThrow(/^Could not place 4 objects \(.*\) without overlap in region \[0, 0, 3, 3\] with margin 0\.3 after 2 restarts of 32 attempts per object; enlarge `region`, lower `margin` or use fewer or smaller objects$/);
    expect(() => sk.scene.layout({ objects: ['chair', 'chair'] })).toThrow(new RangeError("Expected distinct categories in `objects` but 'chair' repeats"));
    expect(() => sk.scene.layout({ objects: ['lamp', 'vase'] })).toThrow(new RangeError("Expected at least one directional ('directed' or 'used') category in `objects`"));
    expect(() => sk.scene.layout({ objects: ['chair', 'unicorn'] })).toThrow(new RangeError("Expected a category of the catalog for `objects[1]` but received 'unicorn'"));
    expect(() => sk.scene.layout({ objects: 1 })).toThrow(new RangeError('Expected an integer in [2, 8] for `objects` but received the number 1'));
    expect(() => sk.scene.layout({ region: [1, 1, 0, 2] })).toThrow(new RangeError('Expected xmax > xmin and ymax > ymin in `region` but received [1, 1, 0, 2]'));
    expect(() => sk.scene.layout({ catalog: [{ category: 'a', kind: 'none', min: [1, 1, 1], max: [1, 1, 1] }, { category: 'b', kind: 'none', min: [1, 1, 1], max: [1, 1, 1] }] }))
      .toThrow(new RangeError("Expected at least one 'directed' or 'used' entry in `catalog` (every group needs a viewer)"));
  });

  it('a user catalog is used as given', () => {
    const catalog = [
      { category: 'robot', kind: 'directed' as const, min: [0.5, 0.5, 1] as [number, number, number], max: [0.6, 0.6, 1.2] as [number, number, number] },
      { category: 'crate', kind: 'none' as const, min: [0.4, 0.4, 0.4] as [number, number, number], max: [0.4, 0.4, 0.4] as [number, number, number] },
    ];
    const [g] = sk.scene.generate({ groups: 1, seed: 1, catalog, objects: 2 });
    expect(g.objects.map((o) => o.category).sort()).toEqual(['crate', 'robot']);
    expect(sk.scene.captions(g).some((c) => c.text.includes('robot'))).toBe(true);
  });

  it('the built-in catalog: 40 ModelNet40 categories with kinds and positive size ranges', () => {
    expect(sk.scene.catalog).toHaveLength(40);
    const kinds = (k: string): string[] => sk.scene.catalog.filter((c) => c.kind === k).map((c) => c.category);
    for (const c of ['person', 'car', 'airplane']) expect(kinds('directed')).toContain(c);
    for (const c of ['chair', 'sofa', 'bed', 'desk']) expect(kinds('used')).toContain(c);
    for (const c of ['flower_pot', 'bowl', 'vase']) expect(kinds('none')).toContain(c);
    for (const c of sk.scene.catalog) for (let k = 0; k < 3; k++) expect(0 < c.min[k] && c.min[k] <= c.max[k]).toBe(true);
    for (const c of sk.scene.catalog.filter((x) => x.kind === 'used')) expect(c.use).toMatch(/\S/);
  });
});

describe('captions, QA and SDG', () => {
  const groups = sk.scene.generate({ groups: 40, seed: 11 });

  it('captions name the relation they describe', () => {
    for (const g of groups) {
      const caps = sk.scene.captions(g);
      const byImage = new Map(g.images.map((i) => [i.id, i]));
      for (const c of caps) {
        const img = byImage.get(c.image)!;
        const rel = (c.viewpoint === 'relative' ? img.relative : img.absolute).find((r) => r.target === c.target && r.reference === c.reference && (c.viewpoint === 'absolute' || r.viewer === c.viewer))!;
        expect(rel).toBeDefined();
        if (c.relation === 'cardinal') expect(c.text).toContain(rel.cardinal === 'front' ? 'in front of' : rel.cardinal === 'back' ? 'behind' : rel.cardinal);
        else expect(c.text).toContain(` ${rel.clock} o'clock`);
        expect(c.text).toContain(g.objects[c.target].name);
      }
    }
  });

  it('QA records follow the shared schema; consistency and pair keys group what must agree', () => {
    const ID = /^g\d{6}-s[01]-c\d+-q\d{2}$/;
    for (const g of groups) {
      const qs = sk.scene.qa(g);
      expect(qs).toHaveLength(12 * g.images.length);
      const byKey = new Map<string, sk.scene.QARecord[]>(), byPair = new Map<string, sk.scene.QARecord[]>();
      for (const q of qs) {
        expect(q.id).toMatch(ID);
        expect(q.id.startsWith(q.image)).toBe(true);
        expect(q.image).toBe(sk.scene.imageId(q.group, q.subgroup, q.camera));
        expect(['judgement', 'prediction']).toContain(q.task);
        if (q.task === 'judgement') expect(['yes', 'no']).toContain(q.answer);
        else if (q.relation === 'cardinal') expect(CARDINALS).toContain(q.answer);
        else expect(q.answer).toMatch(/^([1-9]|1[0-2])$/);
        expect(q.pair === undefined).toBe(q.task === 'judgement');
        // The answer is right: recompute the relation through the public functions.
        const objs = g.objects.map((o, i) => ({ ...o, yaw: g.yaws[q.subgroup][i] }));
        const rel = q.viewpoint === 'relative'
          ? sk.scene.relative(objs[q.viewer!], objs[q.target], q.objects === 3 ? objs[q.reference] : undefined)
          : sk.scene.absolute(g.cameras[q.camera], objs[q.target], objs[q.reference]);
        const truth = q.relation === 'cardinal' ? rel.cardinal : String(rel.clock);
        if (q.task === 'prediction') expect(q.answer).toBe(truth);
        else expect(askedLabel(q) === truth, q.question).toBe(q.answer === 'yes');
        (byKey.get(q.consistency) ?? byKey.set(q.consistency, []).get(q.consistency)!).push(q);
        if (q.pair) (byPair.get(q.pair) ?? byPair.set(q.pair, []).get(q.pair)!).push(q);
      }
      for (const [key, list] of byKey) {
        const v = list[0].viewpoint;
        expect(list.length, key).toBe(v === 'relative' ? g.cameras.length : 2);
        expect(new Set(list.map((q) => q.question)).size).toBe(1);
        expect(new Set(list.map((q) => q.answer)).size).toBe(1);
        if (v === 'relative') expect(new Set(list.map((q) => q.camera)).size).toBe(g.cameras.length);
        else expect(list.map((q) => q.subgroup).sort()).toEqual([0, 1]);
      }
      for (const [key, list] of byPair) {
        expect(list.map((q) => q.relation).sort(), key).toEqual(['cardinal', 'clock']);
        expect(list[0].image).toBe(list[1].image);
        const card = list.find((q) => q.relation === 'cardinal')!, clock = list.find((q) => q.relation === 'clock')!;
        expect(sk.scene.compatible(card.answer as Cardinal, clock.answer)).toBe(true);
      }
    }
  });

  it('SDG: same-subgroup pairs share relative relations, same-camera pairs share absolute ones; differences are exact', () => {
    for (const g of groups) {
      const ds = sk.scene.sdg(g);
      expect(ds).toHaveLength(3 * g.cameras.length);
      const img = new Map(g.images.map((i) => [i.id, i]));
      for (const d of ds) {
        const [a, b] = d.images.map((id) => img.get(id)!);
        if (d.kind === 'same-subgroup') {
          expect(a.subgroup).toBe(b.subgroup);
          expect(a.camera).not.toBe(b.camera);
          expect(a.relative).toEqual(b.relative);
          expect(d.answer.startsWith('The relative relations are the same')).toBe(true);
        } else {
          expect(a.camera).toBe(b.camera);
          expect([a.subgroup, b.subgroup]).toEqual([0, 1]);
          expect(a.absolute).toEqual(b.absolute);
          expect(d.answer.startsWith('The absolute relations are the same')).toBe(true);
        }
        const key = d.relation === 'cardinal' ? 'cardinal' : 'clock';
        const list = d.kind === 'same-subgroup' ? 'absolute' : 'relative';
        const want = a[list].flatMap((r, i) => {
          const r2 = b[list][i];
          const keep = list === 'absolute' ? r.target < r.reference : r.objects === 2;
          return keep && r[key] !== r2[key] ? [[String(r[key]), String(r2[key])]] : [];
        });
        expect(d.differences.map((x) => [x.first, x.second])).toEqual(want);
      }
    }
  });

  it(`distributions hit their targets on a 2,000-group run (judgement : prediction 2 : 1, yes/no and cardinal/clock 50/50 exactly)`, () => {
    const counts = emptyCounts();
    for (const g of sk.scene.generate({ groups: 2000, seed: 2024 })) groupLines(g, counts);
    const q = counts.qa;
    for (const v of ['relative', 'absolute']) {
      const j = q[`${v} judgement cardinal`] + q[`${v} judgement clock`], p = q[`${v} prediction cardinal`] + q[`${v} prediction clock`];
      expect(j).toBe(2 * p);
      expect(q[`${v} judgement cardinal`]).toBe(q[`${v} judgement clock`]);
      expect(q[`${v} prediction cardinal`]).toBe(q[`${v} prediction clock`]);
      for (const r of ['cardinal', 'clock']) {
        const h = counts.answers[`${v} judgement ${r}`];
        expect(h.yes).toBe(h.no);
      }
      // Prediction answers spread over all labels: uniform would be 12.5% / 8.3%; with ≥ 2,000
      // independent relations the binomial sd is < 0.8 points, so these bounds are > 4 sd wide.
      const card = counts.answers[`${v} prediction cardinal`], tot = Object.values(card).reduce((a, b) => a + b, 0);
      for (const c of CARDINALS) expect(card[c] / tot, `${v} ${c}`).toBeGreaterThan(0.08);
      for (const c of CARDINALS) expect(card[c] / tot, `${v} ${c}`).toBeLessThan(0.17);
      const clock = counts.answers[`${v} prediction clock`];
      for (let h = 1; h <= 12; h++) expect(clock[String(h)] / tot, `${v} ${h}`).toBeGreaterThan(0.045);
      for (let h = 1; h <= 12; h++) expect(clock[String(h)] / tot, `${v} ${h}`).toBeLessThan(0.125);
    }
    // Groups: 2 or 3 objects 50/50 (binomial sd 1.1 points at 2,000 → ±5 points is > 4 sd).
    expect(counts.objectsPerGroup['2'] / 2000).toBeGreaterThan(0.45);
    expect(counts.objectsPerGroup['2'] / 2000).toBeLessThan(0.55);
    // 3-object groups ask half their relative questions about 3-object relations: exactly.
    const threes = counts.objectsPerGroup['3'] * 16 * 6;
    expect(q['relative 3-object']).toBe(threes / 2);
    expect(q['absolute 3-object']).toBe(0);
    expect(counts.sdg['same-subgroup cardinal']).toBe(counts.sdg['same-subgroup clock']);
    expect(counts.sdg['same-camera cardinal']).toBe(counts.sdg['same-camera clock']);
  });
});

describe('determinism', () => {
  const bytes = (seed: number, first = 0, n = 30): string => {
    const counts = emptyCounts();
    return sk.scene.generate({ groups: n, seed, first }).map((g) => Object.values(groupLines(g, counts)).join('')).join('');
  };
  const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

  it('same seed → same bytes; another seed → other bytes; group g depends only on (seed, g)', () => {
    expect(sha(bytes(3))).toBe(sha(bytes(3)));
    expect(sha(bytes(4))).not.toBe(sha(bytes(3)));
    expect(bytes(3, 10, 20)).toBe(bytes(3).slice(bytes(3, 0, 10).length));
  });

  // Layout is the only backend-dependent stage (sk.collide.fits); a backend without collide
  // kernels yet is reported, not compared.
  const loaded = backendMatrix().filter((b) => b.available).map((b) => b.name);
  const available = loaded.filter((b) => backendModule(b)?.collide !== undefined);
  if (available.length < loaded.length) console.log(`scene determinism: skipped ${loaded.filter((b) => !available.includes(b)).join(', ')} (no collide kernels in that backend yet)`);
  let initial: sk.BackendName | undefined;
  beforeAll(() => { try { initial = sk.getBackend(); } catch { initial = undefined; } });
  afterAll(() => { if (initial) sk.setBackend(initial); });
  it(`same seed → same bytes on every backend (${available.join(', ') || 'none available'})`, () => {
    const hashes = available.map((b) => { sk.setBackend(b); return sha(bytes(99, 0, 60)); });
    console.log(`scene bytes on ${available.join(', ')}: ${hashes.map((h) => h.slice(0, 12)).join(', ')}`);
    expect(new Set(hashes).size).toBeLessThanOrEqual(1);
  });
});
