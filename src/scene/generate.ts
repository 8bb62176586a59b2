// Groups: one layout, two subgroups (subgroup 1 turns every object by 180° about z), a camera
// ring, and every relative and absolute relation of every image.
import { layoutSettings, choose, place, type LayoutOptions, type PlacedObject } from './layout.js';
import { ring, type RingCamera, type RingOptions } from './ring.js';
import { absoluteRelation, cameraHeading, relativeRelation, type AbsoluteOptions, type Cardinal } from './relations.js';
import { groupRng, STREAM } from './random.js';
import { choice, describe as describeValue, integer, uint32, options } from '../validate.js';
import { groupPlan, groupRole, groupSplit, type GroupPlan, type PresetName, type Role, type Split } from './preset.js';

/** A relation in an image. Relative: `viewer` is an object; absolute: the image's camera. */
export interface RelationRecord {
  /** The object whose frame is used (relative only). */
  viewer?: number;
  /** The object being located. */
  target: number;
  /** The object it is located from: the viewer itself in 2-object relative relations. */
  reference: number;
  /** Objects the relation involves: 2, or 3 for a relative relation with a separate viewer. */
  objects: 2 | 3;
  /** Degrees in [0, 360), clockwise from front. */
  angle: number;
  cardinal: Cardinal;
  /** Hour 1..12. */
  clock: number;
}

export interface ImageRecord {
  /** "g000012-s0-c3". */
  id: string;
  group: number;
  subgroup: 0 | 1;
  camera: number;
  /** Same array for every camera of the subgroup. */
  relative: RelationRecord[];
  /** Same array for both subgroups at this camera. */
  absolute: RelationRecord[];
}

export interface Group {
  group: number;
  /** The run's seed (text and QA draw from streams keyed by seed and group). */
  seed: number;
  /** Objects with their subgroup-0 yaws. */
  objects: PlacedObject[];
  /** Yaws per subgroup (subgroup 1 = subgroup 0 + 180°, in [0, 360)). */
  yaws: [number[], number[]];
  cameras: RingCamera[];
  /** Relative relations per subgroup. */
  relative: [RelationRecord[], RelationRecord[]];
  /** Absolute relations per camera. */
  absolute: RelationRecord[][];
  /** Subgroup-major: images[s * cameras.length + c]. */
  images: ImageRecord[];
  /** The absolute convention the relations use. */
  convention: Required<AbsoluteOptions>;
  /** Which text `spatialkit rotate` writes for this group's images (`captions()` and `qa()` work for any group). */
  role: Role;
  /** The group's split, drawn from (seed, group): all its records share it, so no scene is in two splits. */
  split: Split;
}

export interface GenerateOptions extends Omit<LayoutOptions, 'seed' | 'objects'> {
  /** Number of groups (default 10). */
  groups?: number;
  /** uint32 seed of the run (default 0). */
  seed?: number;
  /** Index of the first group (default 0): `generate({first: 100, groups: 50})` is groups 100..149 of the run. */
  first?: number;
  /** Object counts a group draws from uniformly (default [2, 3]). */
  objects?: number | readonly number[];
  /** Camera ring (default: 8 cameras, radius 10, height 6 — DESIGN §4). */
  ring?: RingOptions;
  /** Absolute-relation convention (default front 'far', frame 'camera_axis'). */
  absolute?: AbsoluteOptions;
  /** Dataset preset for the group plan (default 'paper': 10 % QA groups, splits 0.8/0.1/0.1). */
  preset?: PresetName;
  /** Share of groups that get QA instead of captions, or 'both' (default from the preset). */
  qaGroups?: number | 'both';
  /** [train, val, test] shares of groups (default from the preset). */
  splits?: readonly [number, number, number];
}

/** "g000012": group ids sort as text up to a million groups. */
/** "g000012": the id of group g (an integer ≥ 0). */
export const groupId = (g: number): string => `g${String(integer(g, 'g', 0, Number.MAX_SAFE_INTEGER)).padStart(6, '0')}`;
/** "g000012-s1-c3": the id of group g's image in subgroup s (0 | 1) from camera c. */
export const imageId = (g: number, s: number, c: number): string =>
  `${groupId(g)}-s${integer(s, 's', 0, 1)}-c${integer(c, 'c', 0, Number.MAX_SAFE_INTEGER)}`;

/**
 * Checks that `v` has the shape of a {@link Group} from generate() (the text and picture
 * functions take one), so a wrong argument is a TypeError naming it rather than a failure inside.
 */
export function checkGroup(v: unknown, name = 'group'): Group {
  const g = v as Group;
  const vec3 = (p: unknown): boolean => (Array.isArray(p) || ArrayBuffer.isView(p)) && (p as ArrayLike<number>).length === 3 &&
    Array.from(p as ArrayLike<number>).every(Number.isFinite);
  const isObj = (x: unknown): boolean => typeof x === 'object' && x !== null;
  const ok = isObj(v) && Number.isInteger(g.group) && typeof g.seed === 'number' &&
    Array.isArray(g.objects) && g.objects.every((o) => isObj(o) && vec3(o.position) && vec3(o.size) && Number.isFinite(o.yaw) && typeof o.name === 'string') &&
    Array.isArray(g.yaws) && g.yaws.length === 2 && g.yaws.every((y) => Array.isArray(y) && y.length === g.objects.length && y.every(Number.isFinite)) &&
    Array.isArray(g.cameras) && g.cameras.every((c) => isObj(c) && vec3(c.position) && vec3(c.target)) &&
    Array.isArray(g.images) && g.images.length === 2 * g.cameras.length &&
    g.images.every((im) => isObj(im) && Array.isArray(im.relative) && Array.isArray(im.absolute)) &&
    Array.isArray(g.absolute) && g.absolute.length === g.cameras.length && g.absolute.every(Array.isArray) &&
    Array.isArray(g.relative) && g.relative.length === 2 && g.relative.every(Array.isArray) && isObj(g.convention);
  if (!ok) throw new TypeError(`Expected a group from sk.scene.generate() for \`${name}\` but received ${describeValue(v)}`);
  return g;
}

/** Relative relations of one subgroup: 2-object (target from viewer) and 3-object (target from reference). */
export function relativeRelations(objs: readonly PlacedObject[], yaws: readonly number[]): RelationRecord[] {
  const out: RelationRecord[] = [];
  const n = objs.length;
  for (let v = 0; v < n; v++) {
    if (objs[v].kind === 'none') continue;
    for (let t = 0; t < n; t++) {
      if (t === v) continue;
      for (let r = 0; r < n; r++) {
        if (r === t) continue;
        const a = objs[t].position, b = objs[r].position;
        const rel = relativeRelation(yaws[v], a[0] - b[0], a[1] - b[1]);
        out.push({ viewer: v, target: t, reference: r, objects: r === v ? 2 : 3, angle: rel.angle, cardinal: rel.cardinal, clock: rel.clock });
      }
    }
  }
  return out;
}

/** Absolute relations at one camera: every ordered pair (target, reference). */
export function absoluteRelations(objs: readonly PlacedObject[], cam: RingCamera, opts: Required<AbsoluteOptions>): RelationRecord[] {
  const out: RelationRecord[] = [];
  const n = objs.length;
  const axis = opts.frame === 'camera_axis' ? cameraHeading(cam) : null;
  for (let t = 0; t < n; t++) {
    for (let r = 0; r < n; r++) {
      if (r === t) continue;
      const rel = absoluteRelation(cam.position, axis, objs[t].position, objs[r].position, opts.front);
      out.push({ target: t, reference: r, objects: 2, angle: rel.angle, cardinal: rel.cardinal, clock: rel.clock });
    }
  }
  return out;
}

/** Checked, defaulted settings of a run (shared by generate and the CLI). */
export interface Settings {
  seed: number; first: number; groups: number; counts: number[];
  layout: ReturnType<typeof layoutSettings>;
  cameras: RingCamera[];
  absolute: Required<AbsoluteOptions>;
  plan: GroupPlan;
}

export function settings(opts: GenerateOptions = {}): Settings {
  options(opts);
  const seed = uint32(opts.seed ?? 0, 'seed');
  const first = integer(opts.first ?? 0, 'first', 0, 2 ** 31);
  const groups = integer(opts.groups ?? 10, 'groups', 0, 2 ** 31);
  const o = opts.objects ?? [2, 3];
  let counts: number[];
  if (typeof o === 'number') counts = [integer(o, 'objects', 2, 8)];
  else if (Array.isArray(o) && o.length > 0) counts = o.map((x, i) => integer(x, `objects[${i}]`, 2, 8));
  else throw new TypeError(`Expected a number or a non-empty array of numbers for \`objects\` but received ${describeValue(o)}`);
  const abs = opts.absolute ?? {};
  return {
    seed, first, groups, counts,
    layout: layoutSettings({ ...opts, objects: undefined }),
    cameras: ring(opts.ring),
    absolute: {
      front: choice(abs.front ?? 'far', 'absolute.front', ['far', 'near'] as const),
      frame: choice(abs.frame ?? 'camera_axis', 'absolute.frame', ['camera_axis', 'line_of_sight'] as const),
    },
    plan: groupPlan(opts.preset, opts.qaGroups, opts.splits),
  };
}

/** Group g of a run (the unit every shard and resume step is made of). */
export function makeGroup(s: Settings, g: number): Group {
  const rng = groupRng(s.seed, g, STREAM.layout);
  const n = s.counts[rng.int(s.counts.length)];
  const L = s.layout;
  let objects: PlacedObject[];
  try {
    objects = place(rng, choose(n, L.cat, rng), L.region, L.margin, L.attempts, L.restarts);
  } catch (e) {
    if (e instanceof RangeError) e.message = `group ${g}: ${e.message}`;
    throw e;
  }
  const y0 = objects.map((o) => o.yaw);
  const yaws: [number[], number[]] = [y0, y0.map((y) => (y + 180) % 360)];
  const relative: [RelationRecord[], RelationRecord[]] = [relativeRelations(objects, yaws[0]), relativeRelations(objects, yaws[1])];
  const absolute = s.cameras.map((cam) => absoluteRelations(objects, cam, s.absolute));
  const images: ImageRecord[] = [];
  for (let sg = 0 as 0 | 1; sg < 2; sg++) {
    for (let c = 0; c < s.cameras.length; c++) {
      images.push({ id: imageId(g, sg, c), group: g, subgroup: sg, camera: c, relative: relative[sg], absolute: absolute[c] });
    }
  }
  return {
    group: g, seed: s.seed, objects, yaws, cameras: s.cameras, relative, absolute, images, convention: s.absolute,
    role: groupRole(s.plan, g), split: groupSplit(s.plan, s.seed, g),
  };
}

const MAX_GROUPS_IN_MEMORY = 2 ** 20;

/**
 * Generates groups: for each, a seeded layout (2–3 objects, ≥1 directional, no overlaps), the
 * camera ring, subgroup 0 (the layout) and subgroup 1 (every yaw + 180°), and for every image its
 * relative relations (identical for all cameras of a subgroup) and absolute relations (identical
 * in both subgroups at a camera). Group g depends only on (seed, g, options).
 * @param opts see {@link GenerateOptions}.
 * @returns Group[] of length `groups`, numbered first..first+groups−1.
 * @throws RangeError when a layout cannot fit (message names the group) or for bad options.
 * @example const [g] = sk.scene.generate({groups: 1, seed: 1}); g.images.length // 16
 */
export function generate(opts: GenerateOptions = {}): Group[] {
  options(opts);
  // Every group is held in memory here (tens of kB each): a count the heap cannot hold would end
  // the process with an out-of-memory abort, so refuse it (`spatialkit rotate` streams any count).
  if (typeof opts === 'object' && opts !== null && typeof opts.groups === 'number' && opts.groups > MAX_GROUPS_IN_MEMORY) {
    throw new RangeError(`Expected at most ${MAX_GROUPS_IN_MEMORY} for \`groups\` in generate() (use \`spatialkit rotate\` to stream more) but received ${opts.groups}`);
  }
  const s = settings(opts);
  return Array.from({ length: s.groups }, (_, i) => makeGroup(s, s.first + i));
}
