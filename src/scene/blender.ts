// Blender render jobs (`spatialkit rotate --render blender`): a job folder holding the Blender
// script shipped in the package (blender/render.py) and one JSON per group — objects (placeholder
// meshes, or assets from an `--assets` map), both subgroups' yaws, the ring's OpenCV cameras and
// the kept images. `blender -b -P JOB/render.py -- JOB` renders them; the camera conversion and the
// asset fitting live in the script (see its header).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { placeholderMesh } from './placeholder.js';
import { groupId, type Group } from './generate.js';
import { describe as describeValue } from '../validate.js';

/** The Blender script in the package (blender/render.py, listed in package.json `files`). */
export const RENDER_SCRIPT = fileURLToPath(new URL('../../blender/render.py', import.meta.url));
export const JOB_FORMAT = 'spatialkit-blender-job/1';
export const ASSET_AXES = ['+x', '-x', '+y', '-y', '+z', '-z'] as const;
export const ASSET_FORMATS = ['.obj', '.ply', '.glb', '.gltf'] as const;
export const ASSET_FITS = ['contain', 'stretch'] as const;
/** The name of the map file in an `--assets` folder. */
export const ASSET_MAP = 'assets.json';

export interface Asset {
  /** Absolute path of the mesh file. */
  file: string;
  /** The mesh's front (the object's heading) and up axes, in the file's own coordinates. */
  front: (typeof ASSET_AXES)[number];
  up: (typeof ASSET_AXES)[number];
  /** 'contain' (default): proportions kept, inside the box on its floor; 'stretch': fills the box. */
  fit: (typeof ASSET_FITS)[number];
}

/**
 * Reads and checks `DIR/assets.json`: `{category: {file, front, up, fit?}}` with `file` relative to
 * DIR, axes among ±x ±y ±z (front and up not parallel), and every category in `categories`.
 * @throws TypeError / RangeError naming the entry: a missing or unreadable map, an unknown category,
 *   a missing file, an unsupported format, bad axes or an unknown key.
 */
export function loadAssets(dir: string, categories: readonly string[]): Map<string, Asset> {
  const mapFile = path.join(dir, ASSET_MAP);
  let text: string;
  try { text = fs.readFileSync(mapFile, 'utf8'); } catch (e) {
    throw new RangeError(`cannot read ${mapFile} (the map of category → mesh file): ${(e as Error).message}`);
  }
  let map: unknown;
  try { map = JSON.parse(text); } catch (e) { throw new RangeError(`${mapFile} is not valid JSON: ${(e as Error).message}`); }
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    throw new TypeError(`Expected an object {category: {file, front, up}} in ${mapFile} but received ${describeValue(map)}`);
  }
  const out = new Map<string, Asset>();
  for (const [category, entry] of Object.entries(map)) {
    const at = `${mapFile}: '${category}'`;
    if (!categories.includes(category)) {
      throw new RangeError(`${at} is not a category of the catalog (${categories.length} categories, e.g. ${categories.slice(0, 3).join(', ')})`);
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new TypeError(`Expected {file, front, up, fit?} for ${at} but received ${describeValue(entry)}`);
    const e = entry as Record<string, unknown>;
    const unknown = Object.keys(e).find((k) => !['file', 'front', 'up', 'fit'].includes(k));
    if (unknown !== undefined) throw new RangeError(`${at} has an unknown key '${unknown}'; expected file, front, up, fit`);
    if (typeof e.file !== 'string' || e.file === '') throw new TypeError(`Expected a file name for ${at}.file but received ${describeValue(e.file)}`);
    const file = path.resolve(dir, e.file);
    const ext = path.extname(file).toLowerCase();
    if (!(ASSET_FORMATS as readonly string[]).includes(ext)) throw new RangeError(`${at}.file '${e.file}' is not one of ${ASSET_FORMATS.join(', ')}`);
    let isFile = false;
    try { isFile = fs.statSync(file).isFile(); } catch { /* reported below */ }
    if (!isFile) throw new RangeError(`${at}.file ${file} does not exist or is not a file`);
    for (const k of ['front', 'up'] as const) {
      if (!(ASSET_AXES as readonly unknown[]).includes(e[k])) throw new RangeError(`${at}.${k} must be one of ${ASSET_AXES.join(', ')} but received ${JSON.stringify(e[k])}`);
    }
    if ((e.front as string)[1] === (e.up as string)[1]) throw new RangeError(`${at}: front ${e.front} and up ${e.up} are parallel`);
    const fit = e.fit ?? 'contain';
    if (!(ASSET_FITS as readonly unknown[]).includes(fit)) throw new RangeError(`${at}.fit must be 'contain' or 'stretch' but received ${JSON.stringify(fit)}`);
    out.set(category, { file, front: e.front as Asset['front'], up: e.up as Asset['up'], fit: fit as Asset['fit'] });
  }
  return out;
}

/** Six decimals for mesh coordinates and colours: micrometres, and a short JSON. */
const r6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/**
 * The job JSON of a group: its objects (with an asset, or a placeholder mesh), both subgroups'
 * yaws, the cameras (OpenCV K, R, t) of an image [W, H], and the kept images.
 * @param kept one flag per image of the group (its `images` order).
 */
export function jobJson(group: Group, kept: readonly boolean[], image: readonly number[], assets?: ReadonlyMap<string, Asset>): string {
  return JSON.stringify({
    format: JOB_FORMAT,
    group: group.group,
    id: groupId(group.group),
    image: [...image],
    objects: group.objects.map((o, i) => {
      const asset = assets?.get(o.category);
      return {
        object: i, category: o.category, name: o.name, position: o.position, size: o.size,
        ...(asset
          ? { asset }
          : { mesh: { parts: placeholderMesh(o.size, i).map((p) => ({ name: p.name, color: p.color.map(r6), positions: Array.from(p.positions, r6), triangles: Array.from(p.indices) })) } }),
      };
    }),
    subgroups: group.yaws.map((yaw, s) => ({ subgroup: s, yaw })),
    // Cameras in full (float32) precision: Blender gets the very camera that sk.render casts.
    cameras: group.cameras.map((c, k) => ({ camera: k, K: Array.from(c.K), R: Array.from(c.R), t: Array.from(c.t) })),
    images: group.images.flatMap((im, k) => (kept[k] ? [{ image: im.id, subgroup: im.subgroup, camera: im.camera }] : [])),
  }) + '\n';
}
