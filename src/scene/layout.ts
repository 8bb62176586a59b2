// Scene layout: seeded rejection sampling of 2–3 (or more) objects on the floor of a rectangular
// region, with at least one directional object and no two boxes closer than `margin`.
import * as collide from '../collide.js';
import { catalog as builtin, checkCatalog, displayName, type CatalogEntry } from './catalog.js';
import type { Kind } from './relations.js';
import { Rng } from './random.js';
import { describe as describeValue, finite, integer, uint32, options } from '../validate.js';

/** A placed object (DESIGN §5 scenes.jsonl fields plus words for text). */
export interface PlacedObject {
  id: number;
  category: string;
  kind: Kind;
  /** Display name ("flower pot"). */
  name: string;
  /** For 'used' objects: how its user uses it ("sitting on the chair"). */
  use?: string;
  /** Box centre [x, y, z] in metres (z = half the height: objects stand on the floor z = 0). */
  position: [number, number, number];
  /** Heading of the front, integer degrees in [0, 360), counter-clockwise from +x. */
  yaw: number;
  /** Full size [along the heading, across it, height] in metres. */
  size: [number, number, number];
}

export interface LayoutOptions {
  /** uint32 seed (default 0). */
  seed?: number;
  /** How many objects (2–8, default 3) or the categories to place, in order. */
  objects?: number | readonly string[];
  /** Floor rectangle [xmin, ymin, xmax, ymax] in metres (default [-3, -3, 3, 3]). */
  region?: readonly [number, number, number, number] | readonly number[];
  /** Required clearance between boxes in metres (default 0.1). */
  margin?: number;
  /** Catalog to draw from (default the built-in ModelNet40 catalog). */
  catalog?: readonly CatalogEntry[];
  /** Candidate placements tried per object before the layout restarts (default 256). */
  attempts?: number;
  /** Restarts before giving up with a RangeError (default 16). */
  restarts?: number;
  /**
   * 'real' (default): the catalog's sizes. A number S (metres): every category is scaled
   * uniformly so that its largest catalog size (the largest of its `max`) is S — proportions and
   * the spread within a category are kept, and a cup and a car come out alike in size, as
   * ModelNet40's normalised meshes do. Sizes are drawn exactly as with 'real' (same random draws).
   */
  objectSize?: number | 'real';
}

export const DEFAULT_REGION = [-3, -3, 3, 3] as const;
const BATCH = 16; // candidates per collide call: one native call tests a batch against all placed boxes.
const mm = (x: number): number => Math.round(x * 1000) / 1000;
const cm = (x: number): number => Math.max(0.01, Math.round(x * 100) / 100);

/** The collide box [cx, cy, cz, hx, hy, hz, qx, qy, qz, qw] of an object turned by yaw about z. */
export function boxOf(o: Pick<PlacedObject, 'position' | 'yaw' | 'size'>, out: Float32Array, at = 0): void {
  const h = (o.yaw * Math.PI) / 360;
  out[at] = o.position[0]; out[at + 1] = o.position[1]; out[at + 2] = o.position[2];
  out[at + 3] = o.size[0] / 2; out[at + 4] = o.size[1] / 2; out[at + 5] = o.size[2] / 2;
  out[at + 6] = 0; out[at + 7] = 0; out[at + 8] = Math.sin(h); out[at + 9] = Math.cos(h);
}

/**
 * Which candidate boxes overlap none of the placed ones (1) — sk.collide.fits (closed boxes,
 * `margin` clearance). The one place layout touches collision.
 */
function fits(candidates: Float32Array, placed: Float32Array, margin: number): Uint8Array {
  return collide.fits(candidates, placed, { margin });
}

function checkRegion(v: unknown): [number, number, number, number] {
  if (!(Array.isArray(v) || ArrayBuffer.isView(v)) || (v as ArrayLike<number>).length !== 4) {
    throw new TypeError(`Expected [xmin, ymin, xmax, ymax] for \`region\` but received ${describeValue(v)}`);
  }
  const r = Array.from(v as ArrayLike<number>, (x, i) => finite(x, `region[${i}]`)) as [number, number, number, number];
  if (!(r[2] > r[0] && r[3] > r[1])) throw new RangeError(`Expected xmax > xmin and ymax > ymin in \`region\` but received [${r.join(', ')}]`);
  return r;
}

/** Picks the entries to place: the named ones, or n distinct ones with at least one directional. */
export function choose(objects: number | readonly string[], cat: readonly CatalogEntry[], rng: Rng): CatalogEntry[] {
  if (typeof objects !== 'number') {
    if (!Array.isArray(objects)) throw new TypeError(`Expected a number or an array of categories for \`objects\` but received ${describeValue(objects)}`);
    integer(objects.length, 'objects.length', 2, 8);
    const byName = new Map(cat.map((c) => [c.category, c]));
    const chosen = objects.map((name, i) => {
      const c = byName.get(name);
      if (!c) throw new RangeError(`Expected a category of the catalog for \`objects[${i}]\` but received '${String(name)}'`);
      return c;
    });
    const dup = objects.find((name, i) => objects.indexOf(name) !== i);
    if (dup !== undefined) throw new RangeError(`Expected distinct categories in \`objects\` but '${dup}' repeats`);
    if (!chosen.some((c) => c.kind !== 'none')) throw new RangeError('Expected at least one directional (\'directed\' or \'used\') category in `objects`');
    return chosen;
  }
  const n = integer(objects, 'objects', 2, 8);
  if (n > cat.length) throw new RangeError(`Expected \`objects\` ≤ the ${cat.length} catalog entries but received ${n}`);
  const directional = cat.filter((c) => c.kind !== 'none');
  const first = rng.pick(directional);
  const rest = rng.shuffle(cat.filter((c) => c !== first)).slice(0, n - 1);
  return rng.shuffle([first, ...rest]);
}

/**
 * Places objects without overlap by seeded rejection sampling: each object (largest first) draws
 * a size in its catalog range (cm), an integer yaw and a centre (mm) whose rotated footprint lies
 * inside `region`; candidates are tested in batches against the placed boxes with the collide
 * kernels; when an object finds no place the layout starts again.
 * @param opts see {@link LayoutOptions}.
 * @returns PlacedObject[] in the chosen order (ids 0..n−1), at least one with kind ≠ 'none'.
 * @throws RangeError naming the objects and region when they cannot fit (area too small, an
 *   object wider than the region, or no placement found after every restart).
 * @example sk.scene.layout({seed: 7, objects: ['chair', 'lamp']})
 */
export function layout(opts: LayoutOptions = {}): PlacedObject[] {
  options(opts);
  const seed = uint32(opts.seed ?? 0, 'seed');
  const { region, margin, cat, attempts, restarts } = layoutSettings(opts);
  const rng = new Rng(seed);
  return place(rng, choose(opts.objects ?? 3, cat, rng), region, margin, attempts, restarts);
}

/** Checked region, margin, catalog, attempts and restarts of layout options (defaults filled in). */
export function layoutSettings(opts: LayoutOptions): { region: number[]; margin: number; cat: readonly CatalogEntry[]; attempts: number; restarts: number } {
  const region = checkRegion(opts.region ?? DEFAULT_REGION);
  const margin = finite(opts.margin ?? 0.1, 'margin');
  if (margin < 0) throw new RangeError(`Expected a margin ≥ 0 for \`margin\` but received the number ${margin}`);
  const cat = scaledCatalog(opts.catalog === undefined ? builtin : checkCatalog(opts.catalog), opts.objectSize ?? 'real');
  const attempts = integer(opts.attempts ?? 256, 'attempts', 1, 1e6);
  const restarts = integer(opts.restarts ?? 16, 'restarts', 1, 1e4);
  return { region, margin, cat, attempts, restarts };
}

/** The catalog with every entry scaled so that its largest size is `size` metres ('real': unchanged). */
function scaledCatalog(cat: readonly CatalogEntry[], size: unknown): readonly CatalogEntry[] {
  if (size === 'real') return cat;
  if (typeof size !== 'number') throw new TypeError(`Expected a number of metres or 'real' for \`objectSize\` but received ${describeValue(size)}`);
  if (!(Number.isFinite(size) && size > 0)) throw new RangeError(`Expected a positive number of metres or 'real' for \`objectSize\` but received ${describeValue(size)}`);
  return cat.map((c) => {
    const f = size / Math.max(...c.max);
    const scale = (v: readonly number[]): [number, number, number] => [v[0] * f, v[1] * f, v[2] * f];
    return { ...c, min: scale(c.min), max: scale(c.max) };
  });
}

/** The sampler behind `layout` (arguments already checked). */
export function place(rng: Rng, entries: readonly CatalogEntry[], region: readonly number[], margin: number,
  attempts: number, restarts: number): PlacedObject[] {
  const [x0, y0, x1, y1] = region;
  const n = entries.length;
  const objs: PlacedObject[] = entries.map((c, id) => {
    const size = [0, 1, 2].map((k) => cm(rng.uniform(c.min[k], c.max[k]))) as [number, number, number];
    const o: PlacedObject = { id, category: c.category, kind: c.kind, name: displayName(c), position: [0, 0, size[2] / 2], yaw: 0, size };
    if (c.use !== undefined) o.use = c.use;
    return o;
  });
  const what = (): string => objs.map((o) => `${o.category} ${o.size[0]}×${o.size[1]} m`).join(', ');
  const where = `region [${region.join(', ')}] with margin ${margin}`;
  const area = objs.reduce((s, o) => s + (o.size[0] + margin) * (o.size[1] + margin), 0);
  if (area > (x1 - x0) * (y1 - y0)) {
    throw new RangeError(`Cannot fit ${n} objects (${what()}) in ${where}: they cover ${area.toFixed(2)} m² but the region has ${((x1 - x0) * (y1 - y0)).toFixed(2)} m²; enlarge \`region\`, lower \`margin\` or use fewer objects`);
  }
  for (const o of objs) {
    if (Math.min(o.size[0], o.size[1]) > Math.min(x1 - x0, y1 - y0)) {
      throw new RangeError(`Cannot fit the ${o.category} (${o.size[0]}×${o.size[1]} m) in ${where}; enlarge \`region\``);
    }
  }
  // Largest footprint first: big objects are the hard ones to place.
  const order = objs.map((_, i) => i).sort((a, b) => objs[b].size[0] * objs[b].size[1] - objs[a].size[0] * objs[a].size[1] || a - b);
  const placed = new Float32Array(n * 10);
  const cand = new Float32Array(BATCH * 10);
  const yaw = new Int32Array(BATCH), px = new Float64Array(BATCH), py = new Float64Array(BATCH);
  for (let restart = 0; restart < restarts; restart++) {
    let k = 0;
    for (; k < n; k++) {
      const o = objs[order[k]];
      const hl = o.size[0] / 2, hw = o.size[1] / 2;
      let found = -1;
      for (let tried = 0; tried < attempts && found < 0; tried += BATCH) {
        let m = 0;
        for (let b = 0; b < BATCH; b++) {
          const y = rng.int(360);
          const c = Math.abs(Math.cos((y * Math.PI) / 180)), s = Math.abs(Math.sin((y * Math.PI) / 180));
          const ex = hl * c + hw * s, ey = hl * s + hw * c; // half-extents of the rotated footprint
          // Centres on a millimetre grid strictly inside the footprint-shrunk region.
          const ax = Math.ceil((x0 + ex) * 1000), bx = Math.floor((x1 - ex) * 1000);
          const ay = Math.ceil((y0 + ey) * 1000), by = Math.floor((y1 - ey) * 1000);
          const ux = rng.next(), uy = rng.next();
          if (bx < ax || by < ay) continue; // does not fit the region at this yaw
          yaw[m] = y;
          px[m] = (ax + Math.floor(ux * (bx - ax + 1))) / 1000;
          py[m] = (ay + Math.floor(uy * (by - ay + 1))) / 1000;
          boxOf({ position: [px[m], py[m], o.position[2]], yaw: y, size: o.size }, cand, 10 * m);
          m++;
        }
        if (m === 0) continue;
        if (k === 0) { found = 0; break; }
        const ok = fits(cand.subarray(0, 10 * m), placed.subarray(0, 10 * k), margin);
        found = ok.indexOf(1);
      }
      if (found < 0) break;
      o.yaw = yaw[found];
      o.position = [mm(px[found]), mm(py[found]), o.position[2]];
      placed.set(cand.subarray(10 * found, 10 * found + 10), 10 * k);
    }
    if (k === n) return objs;
  }
  throw new RangeError(`Could not place ${n} objects (${what()}) without overlap in ${where} after ${restarts} restarts of ${attempts} attempts per object; enlarge \`region\`, lower \`margin\` or use fewer or smaller objects`);
}
