// The built-in object catalog: the 40 ModelNet40 categories, each with its kind and a plausible
// size range. Sizes are full extents in metres: [along the heading, across it, height].
import type { Kind } from './relations.js';
import { KINDS } from './relations.js';
import { choice, describe as describeValue, finite } from '../validate.js';

export interface CatalogEntry {
  /** ModelNet40 category name, e.g. 'flower_pot'. */
  category: string;
  /** 'directed': inherent front; 'used': front = the direction its user faces; 'none': no front. */
  kind: Kind;
  /** Smallest full size [along heading, across, height] in metres. */
  min: readonly [number, number, number];
  /** Largest full size. */
  max: readonly [number, number, number];
  /** Words for text; defaults to the category with '_' as spaces. */
  name?: string;
  /** For 'used' objects: how someone uses it, completing "someone …" ("sitting on the chair"). */
  use?: string;
}

const e = (category: string, kind: Kind, min: [number, number, number], max: [number, number, number],
  extra: { name?: string; use?: string } = {}): CatalogEntry => Object.freeze({ category, kind, min, max, ...extra });

/**
 * ModelNet40 with kinds and sizes. Heading conventions: a 'directed' object's front is its own
 * (a car's bonnet, a person's face, a tent's entrance); a 'used' object's front is the direction
 * its user faces while using it (a chair's seat faces it; at a desk or piano it points from the
 * user's seat across the object). The airplane is a scale model, so it fits a room-sized scene.
 */
export const catalog: readonly CatalogEntry[] = Object.freeze([
  e('airplane', 'directed', [0.4, 0.4, 0.12], [0.8, 0.8, 0.25], { name: 'model airplane' }),
  e('bathtub', 'used', [1.5, 0.7, 0.5], [1.8, 0.85, 0.65], { use: 'lying in the bathtub' }),
  e('bed', 'used', [1.9, 0.9, 0.45], [2.2, 1.8, 1.0], { use: 'sitting up in the bed' }),
  e('bench', 'used', [0.35, 1.2, 0.45], [0.5, 1.8, 0.9], { use: 'sitting on the bench' }),
  e('bookshelf', 'used', [0.25, 0.8, 1.2], [0.4, 1.2, 2.0], { use: 'standing at the bookshelf' }),
  e('bottle', 'none', [0.06, 0.06, 0.2], [0.1, 0.1, 0.35]),
  e('bowl', 'none', [0.15, 0.15, 0.06], [0.3, 0.3, 0.12]),
  e('car', 'directed', [3.8, 1.6, 1.4], [4.6, 1.9, 1.6]),
  e('chair', 'used', [0.45, 0.45, 0.8], [0.6, 0.6, 1.0], { use: 'sitting on the chair' }),
  e('cone', 'none', [0.3, 0.3, 0.5], [0.4, 0.4, 0.75], { name: 'traffic cone' }),
  e('cup', 'none', [0.08, 0.08, 0.09], [0.12, 0.12, 0.12]),
  e('curtain', 'none', [0.05, 1.2, 1.8], [0.15, 2.4, 2.5]),
  e('desk', 'used', [0.6, 1.0, 0.72], [0.8, 1.6, 0.78], { use: 'sitting at the desk' }),
  e('door', 'none', [0.05, 0.8, 2.0], [0.1, 1.0, 2.1]),
  e('dresser', 'used', [0.45, 0.8, 0.75], [0.6, 1.6, 1.2], { use: 'standing at the dresser' }),
  e('flower_pot', 'none', [0.2, 0.2, 0.2], [0.45, 0.45, 0.5], { name: 'flower pot' }),
  e('glass_box', 'none', [0.3, 0.3, 0.3], [0.6, 0.6, 0.6], { name: 'glass box' }),
  e('guitar', 'directed', [0.08, 0.35, 0.95], [0.12, 0.42, 1.05]),
  e('keyboard', 'used', [0.12, 0.35, 0.02], [0.18, 0.46, 0.04], { use: 'typing on the keyboard' }),
  e('lamp', 'none', [0.2, 0.2, 0.4], [0.5, 0.5, 1.7]),
  e('laptop', 'used', [0.22, 0.3, 0.2], [0.26, 0.38, 0.25], { use: 'typing on the laptop' }),
  e('mantel', 'used', [0.2, 1.2, 1.0], [0.45, 1.8, 1.3], { use: 'standing at the mantel' }),
  e('monitor', 'used', [0.15, 0.5, 0.35], [0.25, 0.7, 0.5], { use: 'looking at the monitor' }),
  e('night_stand', 'used', [0.35, 0.4, 0.5], [0.5, 0.6, 0.7], { name: 'night stand', use: 'opening the night stand\'s drawer' }),
  e('person', 'directed', [0.25, 0.45, 1.55], [0.35, 0.55, 1.9]),
  e('piano', 'used', [0.55, 1.4, 1.0], [1.5, 1.6, 1.3], { use: 'playing the piano' }),
  e('plant', 'none', [0.3, 0.3, 0.4], [0.8, 0.8, 1.5]),
  e('radio', 'directed', [0.1, 0.2, 0.12], [0.2, 0.4, 0.25]),
  e('range_hood', 'used', [0.45, 0.6, 0.3], [0.6, 0.9, 0.9], { name: 'range hood', use: 'cooking under the range hood' }),
  e('sink', 'used', [0.45, 0.5, 0.8], [0.6, 1.2, 0.95], { use: 'standing at the sink' }),
  e('sofa', 'used', [0.8, 1.6, 0.75], [1.0, 2.4, 0.95], { use: 'sitting on the sofa' }),
  e('stairs', 'used', [1.0, 0.8, 0.6], [2.5, 1.2, 1.8], { name: 'stairs', use: 'climbing the stairs' }),
  e('stool', 'none', [0.3, 0.3, 0.45], [0.45, 0.45, 0.8]),
  e('table', 'none', [0.7, 0.7, 0.7], [1.8, 1.0, 0.78]),
  e('tent', 'directed', [1.8, 1.2, 1.0], [2.4, 2.2, 1.5]),
  e('toilet', 'used', [0.6, 0.35, 0.7], [0.75, 0.45, 0.85], { use: 'sitting on the toilet' }),
  e('tv_stand', 'used', [0.35, 1.0, 0.4], [0.5, 1.8, 0.7], { name: 'TV stand', use: 'standing at the TV stand' }),
  e('vase', 'none', [0.1, 0.1, 0.2], [0.3, 0.3, 0.6]),
  e('wardrobe', 'used', [0.55, 0.9, 1.8], [0.65, 2.0, 2.2], { use: 'standing at the wardrobe' }),
  e('xbox', 'none', [0.25, 0.08, 0.27], [0.3, 0.3, 0.35], { name: 'Xbox' }),
]);

/** The display name of an entry (its `name`, else the category with '_' as spaces). */
export const displayName = (entry: CatalogEntry): string => entry.name ?? entry.category.replace(/_/g, ' ');

/** Checks a user catalog; returns it unchanged. At least one directional entry and two entries are needed. */
export function checkCatalog(c: unknown, name = 'catalog'): readonly CatalogEntry[] {
  if (!Array.isArray(c)) throw new TypeError(`Expected an array of catalog entries for \`${name}\` but received ${describeValue(c)}`);
  const seen = new Set<string>();
  c.forEach((x: CatalogEntry, i) => {
    const at = `${name}[${i}]`;
    if (typeof x !== 'object' || x === null) throw new TypeError(`Expected an object {category, kind, min, max} for \`${at}\` but received ${describeValue(x)}`);
    if (typeof x.category !== 'string' || x.category === '') throw new TypeError(`Expected a non-empty string for \`${at}.category\` but received ${describeValue(x.category)}`);
    if (seen.has(x.category)) throw new RangeError(`Expected distinct categories but \`${at}.category\` repeats '${x.category}'`);
    seen.add(x.category);
    choice(x.kind, `${at}.kind`, KINDS);
    for (const k of ['min', 'max'] as const) {
      const v = x[k];
      if (!Array.isArray(v) || v.length !== 3) throw new TypeError(`Expected an array of 3 numbers for \`${at}.${k}\` but received ${describeValue(v)}`);
      v.forEach((s, j) => {
        finite(s, `${at}.${k}[${j}]`);
        if (!(s > 0)) throw new RangeError(`Expected a positive size for \`${at}.${k}[${j}]\` but received the number ${s}`);
      });
    }
    for (let j = 0; j < 3; j++) {
      if (x.min[j] > x.max[j]) throw new RangeError(`Expected \`${at}.min[${j}]\` ≤ \`${at}.max[${j}]\` but received ${x.min[j]} > ${x.max[j]}`);
    }
  });
  if (c.length < 2) throw new RangeError(`Expected at least 2 entries in \`${name}\` but received ${c.length}`);
  if (!c.some((x: CatalogEntry) => x.kind !== 'none')) throw new RangeError(`Expected at least one 'directed' or 'used' entry in \`${name}\` (every group needs a viewer)`);
  return c as readonly CatalogEntry[];
}
