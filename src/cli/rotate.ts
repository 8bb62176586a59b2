// `spatialkit rotate`: ROTATE-style spatial-relation data on disk — scenes, images (relations and
// captions), QA, SDG, a manifest and a summary. Outputs depend only on the seed, the options and
// the version; shards are exact slices; files appear only complete (written as .partial, renamed
// at the end, the manifest last); an interrupted run resumes from its last checkpoint, and every
// state a kill can leave either resumes or is replaced by --overwrite. One run per output (and
// shard) at a time: a lock file names the owner.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { version } from '../version.js';
import { settings, type GenerateOptions, type Settings } from '../scene/generate.js';
import { emptyCounts, addCounts, summary, type Counts } from '../scene/records.js';
import { PRESETS, textPlan, type PresetName, type TextOptions } from '../scene/preset.js';
import { catalog as builtinCatalog, checkCatalog, type CatalogEntry } from '../scene/catalog.js';
import { loadAssets, RENDER_SCRIPT, type Asset } from '../scene/blender.js';
import type { FilterSettings } from '../scene/records.js';
import { appendRowGroup, footer, mergeParquet, fromJson, HEADER, newParquet, toJson, type ParquetState } from './parquet.js';
import { ChunkPool, makeChunk, prepare, recycle, OUTPUTS, type Chunk, type ChunkContext, type Output, type Prepared } from './rotate-chunk.js';
import type { RingCamera } from '../scene/ring.js';
import { npy } from './npy.js';
import { parseShard, shardRange } from './shard.js';
import { parseArgs, didYouMean } from './suggest.js';
import { fsyncDir, lock, makeDir, readJson, removeStaleTemps, UsageError, writeAll, writeAtomic } from './outdir.js';
import * as camera from '../camera/index.js';
import { shownPath, writeView } from './view.js';

export const describe = 'Generate ROTATE-style spatial-relation data: scenes, relations, captions, QA and SDG pairs';

const USAGE = `Usage: spatialkit rotate [options]

Writes a ROTATE-style dataset: every group places 2–3 objects (at least one with a front) without
overlap, views them from a ring of cameras, and adds a second subgroup with every object turned
180°. Relative (object's view) and absolute (camera's view) relations as 8 cardinal directions
and 12 clock positions, captions, QA pairs and spatial-difference pairs. The default preset
reproduces the ROTATE paper's dataset; see docs/rotate.md.

Options:
  --groups N          groups to generate (default 100; each has 2 × cameras images; 0 = an empty run)
  --seed S            seed, an integer in [0, 2^32) (default 0)
  --out DIR           output directory (default ./rotate-out)
  --shard i/n         write only slice i of n (0-based); the n slices concatenate to the full run
  --shard auto[/N]    the slice of an array job: index from JOB_COMPLETION_INDEX (Kubernetes),
                      SLURM_ARRAY_TASK_ID (Slurm) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch); count N
                      from /N, SPATIALKIT_SHARD_COUNT or SLURM_ARRAY_TASK_COUNT (see docs/array-jobs.md)
  --merge n           combine the n shard outputs in --out into the unsharded files and manifest
  --preset NAME       paper (default: the paper's text, QA and splits) or small (both on every group, 12 questions per image)
  --qa-groups F|both  share of groups whose images get QA instead of captions (paper 0.1; small: both)
  --splits A,B,C      train, val, test shares of groups (default 0.8,0.1,0.1)
  --judgement N       yes/no questions per block of each perspective (overrides the preset)
  --pairs N           cardinal+clock prediction pairs per block of each perspective (overrides the preset)
  --answers token|sentence  one-token answers (default), or also a full-sentence answer_text
  --boundary-margin DEG     a "no" question names a neighbouring sector only this far from the boundary (default 7.5)
  --objects LIST      object counts a group draws from (default 2,3; each in [2, 8])
  --region X0,Y0,X1,Y1  floor rectangle in metres (default -3,-3,3,3)
  --margin M          clearance between boxes in metres (default 0.1)
  --catalog FILE      JSON array of {category, kind, min, max, name?, use?} (default: ModelNet40)
  --object-size S|real  largest size of each category in metres, proportions kept (default 1.2; real = catalog sizes)
  --cameras N         cameras on the ring (default 8)   --radius R (default 10)   --height H (default 6)
  --fov DEG           horizontal field of view (default 40)   --image WxH (default 512x512)
                      (the ring before the visibility filter: --fov 60 --object-size real)
  --visibility-res WxH|off  resolution of the visibility cast (default: the image / 4, 128x128 at 512x512);
                      off: no visibility records, every image kept
  --min-visible F     keep an image only if every object is at least this share unoccluded and in frame (default 0.5)
  --min-pixels P      … and has at least P visible pixels of the image (default 400, about 20 x 20)
  --masks             also write per kept image an instance mask masks/<group>/<image>.png (object index,
                      background 255) and a depth map <image>.depth.npy (float32 [H, W], camera z, +inf: none)
  --gltf              also write one glTF per group: gltf/<group>.glb (placeholder meshes, both subgroups, cameras)
  --render blender    also write a Blender job folder (--render-dir, default OUT/render): render.py and one
                      JSON per group; run \`blender -b -P DIR/render.py -- DIR\` to render every kept image
  --render-dir DIR    the job folder of --render blender
  --assets DIR        meshes for --render blender: DIR/assets.json maps category → {file, front, up, fit?}
  --front far|near    absolute front: away from (default) or toward the camera (sentences say which)
  --frame camera_axis|line_of_sight   absolute front axis (default camera_axis)
  --rays WxH          also write one Plücker ray map per camera: rays/c<k>.npy, float32 [H, W, 6], covering
                      the whole image (K scaled to the map); width first, as in --image
  --svg               also write a top-down picture per group: svg/<group>.svg
  --format LIST       jsonl (default), parquet, or jsonl,parquet: one file per table in each (Parquet: typed,
                      nested columns, SNAPPY; schema in docs/rotate.md)
  --html              also write a page that shows the first group: view/<group id>.html (as spatialkit view,
                      see docs/view.md)
  --chunk N           groups between checkpoints (default 200); an interrupted run resumes from the last
  --jobs N            threads making chunks (default: the cores available); the output is the same for any N
  --overwrite         discard an earlier run (finished or not) made with other options, or one that cannot resume
  --quiet             no progress bar, summary or closing line
  -h, --help          this text

Files: scenes.jsonl (one line per group: role, split, objects, both subgroups' yaws, cameras),
images.jsonl (one line per image: relations and captions), qa.jsonl, sdg.jsonl, manifest.json,
summary.md; with --format parquet the same tables as .parquet. With --shard i/n the names carry -0000i-of-0000n.`;

const OPTIONS = {
  groups: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, shard: { type: 'string' }, merge: { type: 'string' },
  preset: { type: 'string' }, 'qa-groups': { type: 'string' }, splits: { type: 'string' }, judgement: { type: 'string' }, pairs: { type: 'string' },
  answers: { type: 'string' }, 'boundary-margin': { type: 'string' },
  objects: { type: 'string' }, region: { type: 'string' }, margin: { type: 'string' }, catalog: { type: 'string' },
  cameras: { type: 'string' }, radius: { type: 'string' }, height: { type: 'string' }, fov: { type: 'string' }, image: { type: 'string' },
  front: { type: 'string' }, frame: { type: 'string' },
  rays: { type: 'string' }, chunk: { type: 'string' }, jobs: { type: 'string' }, format: { type: 'string' }, svg: { type: 'boolean' }, html: { type: 'boolean' }, overwrite: { type: 'boolean' }, quiet: { type: 'boolean' },
  'object-size': { type: 'string' }, 'visibility-res': { type: 'string' }, 'min-visible': { type: 'string' }, 'min-pixels': { type: 'string' },
  masks: { type: 'boolean' }, gltf: { type: 'boolean' }, render: { type: 'string' }, 'render-dir': { type: 'string' }, assets: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Default groups per checkpoint: little lost on an interrupt, fsync amortised over ~30 MB, ~250 MB peak memory. */
const CHUNK = 200;

interface Config {
  groups: number; seed: number; objects: number[]; region: number[]; margin: number;
  catalog: string; objectSize: number | 'real'; ring: { count: number; radius: number; height: number; fov: number; image: number[] };
  absolute: { front: 'far' | 'near'; frame: 'camera_axis' | 'line_of_sight' };
  preset: PresetName;
  plan: { qaGroups: number | 'both' | null; splits: number[] | null };
  text: { judgement: number | null; pairs: number | null; answers: 'token' | 'sentence'; boundaryMargin: number };
  /** [width, height] of the ray maps, or null. */
  rays: number[] | null; svg: boolean;
  /** The visibility filter, or null (`--visibility-res off`). */
  visibility: FilterSettings | null;
  masks: boolean; gltf: boolean;
  /** `--render blender`: the job folder relative to --out, and the assets map's hash (or null). */
  render: { dir: string; assets: string | null } | null;
  /** `--format`: present only when it is not the default (jsonl), so that default runs keep their manifests. */
  format?: Format[];
}
const FORMATS = ['jsonl', 'parquet'] as const;
type Format = (typeof FORMATS)[number];
const formatsOf = (c: Config): Format[] => c.format ?? ['jsonl'];

/** Defaults that give usable pictures: see docs/rotate.md "Visibility filter" for the measurements. */
const DEFAULTS = { fov: 40, objectSize: 1.2, minVisible: 0.5, minPixels: 400 } as const;

function num(v: string | undefined, name: string, dflt: number, check: (x: number) => boolean, want: string): number {
  if (v === undefined) return dflt;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || !check(x)) throw new UsageError(`--${name} expects ${want} but received '${v}'`);
  return x;
}
function list(v: string | undefined, name: string, dflt: number[], n: number | null, sep: RegExp, want: string): number[] {
  if (v === undefined) return dflt;
  const parts = v.split(sep).map((s) => Number(s));
  if ((n !== null && parts.length !== n) || parts.some((x, i) => !Number.isFinite(x) || v.split(sep)[i].trim() === '')) {
    throw new UsageError(`--${name} expects ${want} but received '${v}'`);
  }
  return parts;
}
function oneOf<T extends string>(v: string | undefined, name: string, allowed: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (!(allowed as readonly string[]).includes(v)) {
    const hint = didYouMean(v, allowed);
    throw new UsageError(`--${name} expects ${allowed.map((a) => `'${a}'`).join(' or ')} but received '${v}'${hint ? `.${hint}` : ''}`);
  }
  return v as T;
}
const isInt = (x: number): boolean => Number.isInteger(x);

/** Stable text of the config: the key a resumed run must match. */
const configKey = (c: Config, shard: [number, number]): string => JSON.stringify({ version, c, shard });

function suffix([i, n]: [number, number]): string {
  return n === 1 ? '' : `-${String(i).padStart(5, '0')}-of-${String(n).padStart(5, '0')}`;
}

/**
 * Plücker ray maps [N, H, W, 6] (m = o × d, d) of the ring's cameras at a W×H map of their
 * image: K is scaled by (W/imageW, H/imageH) with sk.camera.resize, so map pixel (u, v) holds
 * the ray of image point ((u + ½)·imageW/W, (v + ½)·imageH/H) — the whole image, at any size.
 */
export function rayMaps(cams: readonly RingCamera[], [width, height]: readonly number[], [imageW, imageH]: readonly number[]): Float32Array {
  const flat = (k: 'K' | 'R' | 't'): Float32Array => {
    const n = cams[0][k].length, a = new Float32Array(n * cams.length);
    cams.forEach((c, i) => a.set(c[k], n * i));
    return a;
  };
  const K = camera.resize(flat('K'), { sx: width / imageW, sy: height / imageH });
  return camera.rayMap({ K, R: flat('R'), t: flat('t') }, { height, width });
}

interface State { key: string; next: number; offsets: Record<Output, number>; counts: Counts; parquet?: Record<Output, ParquetState> }
const isState = (v: unknown): boolean => {
  const s = v as State;
  return typeof s === 'object' && s !== null && typeof s.key === 'string' && Number.isInteger(s.next) && typeof s.counts === 'object' &&
    typeof s.offsets === 'object' && s.offsets !== null && OUTPUTS.every((o) => Number.isInteger(s.offsets[o]) && s.offsets[o] >= 0);
};
interface Manifest { key?: string; config: Config; version: string; counts: Counts; shard: { first: number; groups: number }; files: Record<string, { records: number; bytes: number }> }
const isManifest = (v: unknown): boolean => {
  const m = v as Manifest;
  return typeof m === 'object' && m !== null && typeof m.config === 'object' && typeof m.counts === 'object' && typeof m.files === 'object' && m.files !== null;
};

class Progress {
  private last = 0;
  private readonly t0 = Date.now();
  constructor(private readonly total: number, private readonly on: boolean) {}
  tick(done: number, force = false): void {
    if (!this.on) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const f = this.total ? done / this.total : 1, w = 30, filled = Math.round(f * w);
    const s = (now - this.t0) / 1000;
    const eta = f > 0 && f < 1 ? ` eta ${((s / f) * (1 - f)).toFixed(0)} s` : '';
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(w - filled)}] ${(100 * f).toFixed(0).padStart(3)}% ${done}/${this.total} groups ${s.toFixed(1)} s${eta}  `);
  }
  /** Draws the final state (100 % after a complete run: throttling must not leave the last frame out) and ends the line. */
  end(done: number): void {
    if (!this.on) return;
    this.tick(done, true);
    process.stderr.write('\n');
  }
}

/** `--region -3,-3,3,3` → `--region=-3,-3,3,3`: values may start with a minus sign. */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], next = argv[i + 1];
    if (/^--[a-z][a-z-]*$/.test(a) && next !== undefined && /^-[\d.]/.test(next)) { out.push(`${a}=${next}`); i++; } else out.push(a);
  }
  return out;
}

export async function run(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: joinNegativeValues(argv), allowPositionals: false, strict: true, options: OPTIONS }));
  } catch (e) {
    console.error(`spatialkit rotate: ${(e as Error).message}\nRun \`spatialkit rotate --help\` for the options.`);
    return 2;
  }
  if (values.help) { console.log(USAGE); return 0; }
  try {
    return await main(values);
  } catch (e) {
    if (e instanceof UsageError) { console.error(`spatialkit rotate: ${e.message}`); return 2; }
    throw e;
  }
}

/** The checked config of a run from its flags. */
function parseConfig(str: (k: string) => string | undefined, values: Record<string, unknown>, out: string):
  { config: Config; catalog?: readonly CatalogEntry[]; assets?: Map<string, Asset>; renderDir?: string } {
  let catalog: readonly CatalogEntry[] | undefined;
  let catalogName = 'modelnet40';
  if (str('catalog') !== undefined) {
    let text: string;
    try { text = fs.readFileSync(str('catalog')!, 'utf8'); } catch (e) { throw new UsageError(`--catalog: cannot read '${str('catalog')}': ${(e as Error).message}`); }
    try { catalog = checkCatalog(JSON.parse(text), 'catalog'); } catch (e) { throw new UsageError(`--catalog '${str('catalog')}': ${(e as Error).message}`); }
    catalogName = `sha256:${createHash('sha256').update(JSON.stringify(catalog)).digest('hex').slice(0, 16)}`;
  }
  const image = list(str('image'), 'image', [512, 512], 2, /x/i, 'WxH (width first), e.g. 512x512');
  if (!image.every((x) => isInt(x) && x >= 1 && x <= 65536)) throw new UsageError(`--image expects WxH with integers in [1, 65536] but received '${str('image')}'`);
  let rays: number[] | null = null;
  if (str('rays') !== undefined) {
    rays = list(str('rays'), 'rays', [], 2, /x/i, 'WxH (width first, as --image), e.g. 64x64');
    if (!rays.every((x) => isInt(x) && x >= 1 && x <= 4096)) throw new UsageError(`--rays expects WxH with integers in [1, 4096] but received '${str('rays')}'`);
    // A map keeps the image's aspect ratio (to a pixel of rounding). This also catches the
    // height-first order --rays took before 0.2, whenever it would give another map.
    const [w, h] = rays, [iw, ih] = image;
    if (Math.round((w * ih) / iw) !== h && Math.round((h * iw) / ih) !== w) {
      throw new UsageError(`--rays ${w}x${h} is width x height (as --image, which is ${iw}x${ih}) and must keep the image's aspect ratio, ` +
        `e.g. ${w}x${Math.max(1, Math.round((w * ih) / iw))}`);
    }
  }
  const visibility = parseVisibility(str, image);
  let objectSize: number | 'real' = DEFAULTS.objectSize;
  if (str('object-size') === 'real') objectSize = 'real';
  else objectSize = num(str('object-size'), 'object-size', DEFAULTS.objectSize, (x) => x > 0, "a positive number of metres or 'real'");
  const render = str('render') === undefined ? null : oneOf(str('render'), 'render', ['blender'] as const, 'blender');
  for (const flag of ['render-dir', 'assets']) {
    if (str(flag) !== undefined && render === null) throw new UsageError(`--${flag} needs --render blender`);
  }
  let assets: Map<string, Asset> | undefined, assetsHash: string | null = null, renderDir: string | undefined;
  if (render) {
    if (str('assets') !== undefined) {
      const dir = path.resolve(str('assets')!);
      try { assets = loadAssets(dir, (catalog ?? builtinCatalog).map((c) => c.category)); } catch (e) { throw new UsageError(`--assets: ${(e as Error).message}`); }
      assetsHash = `sha256:${createHash('sha256').update(JSON.stringify([...assets])).digest('hex').slice(0, 16)}`;
    }
    renderDir = path.resolve(out, str('render-dir') ?? 'render');
  }
  const formats = (str('format') ?? 'jsonl').split(',').map((f) => oneOf(f.trim(), 'format', FORMATS, 'jsonl'));
  const format = FORMATS.filter((f) => formats.includes(f));
  const objects = list(str('objects'), 'objects', [2, 3], null, /,/, 'a list of object counts, e.g. 2,3');
  if (!objects.every((x) => isInt(x) && x >= 2 && x <= 8)) throw new UsageError(`--objects expects object counts in [2, 8], e.g. 2,3, but received '${str('objects')}'`);
  let qaGroups: number | 'both' | null = null;
  if (str('qa-groups') !== undefined) qaGroups = str('qa-groups') === 'both' ? 'both' : num(str('qa-groups'), 'qa-groups', 0, (x) => x >= 0 && x <= 1, "a share in [0, 1] or 'both'");
  let splits: number[] | null = null;
  if (str('splits') !== undefined) {
    splits = list(str('splits'), 'splits', [], 3, /,/, 'train,val,test shares, e.g. 0.8,0.1,0.1');
    if (splits.some((x) => x < 0) || Math.abs(splits[0] + splits[1] + splits[2] - 1) > 1e-9) throw new UsageError(`--splits expects 3 shares ≥ 0 that sum to 1 but received '${str('splits')}'`);
  }
  const preset = oneOf(str('preset'), 'preset', PRESETS, 'paper');
  const defaults = textPlan({ preset });
  const intOrNull = (k: string): number | null => (str(k) === undefined ? null : num(str(k), k, 0, (x) => isInt(x) && x >= 0 && x <= 1000, 'an integer in [0, 1000]'));
  return {
    catalog, assets, renderDir,
    config: {
      groups: num(str('groups'), 'groups', 100, (x) => isInt(x) && x >= 0 && x <= 2 ** 31, 'an integer ≥ 0'),
      seed: num(str('seed'), 'seed', 0, (x) => isInt(x) && x >= 0 && x < 2 ** 32, 'an integer in [0, 2^32)'),
      objects,
      region: list(str('region'), 'region', [-3, -3, 3, 3], 4, /,/, 'X0,Y0,X1,Y1'),
      margin: num(str('margin'), 'margin', 0.1, (x) => x >= 0, 'a number ≥ 0'),
      catalog: catalogName,
      objectSize,
      ring: {
        count: num(str('cameras'), 'cameras', 8, (x) => isInt(x) && x >= 1 && x <= 360, 'an integer in [1, 360]'),
        radius: num(str('radius'), 'radius', 10, (x) => x > 0, 'a positive number'),
        height: num(str('height'), 'height', 6, () => true, 'a number'),
        fov: num(str('fov'), 'fov', DEFAULTS.fov, (x) => x > 0 && x < 180, 'degrees in (0, 180)'),
        image,
      },
      absolute: { front: oneOf(str('front'), 'front', ['far', 'near'] as const, 'far'), frame: oneOf(str('frame'), 'frame', ['camera_axis', 'line_of_sight'] as const, 'camera_axis') },
      preset, plan: { qaGroups, splits },
      text: {
        judgement: intOrNull('judgement'), pairs: intOrNull('pairs'),
        answers: oneOf(str('answers'), 'answers', ['token', 'sentence'] as const, 'token'),
        boundaryMargin: num(str('boundary-margin'), 'boundary-margin', defaults.boundaryMargin, (x) => x >= 0 && x <= 15, 'degrees in [0, 15]'),
      },
      rays, svg: values.svg === true,
      visibility, masks: values.masks === true, gltf: values.gltf === true,
      render: render && renderDir ? { dir: path.relative(out, renderDir) || '.', assets: assetsHash } : null,
      ...(format.length === 1 && format[0] === 'jsonl' ? {} : { format }),
    },
  };
}

/** --visibility-res, --min-visible and --min-pixels: the filter's settings, or null for `--visibility-res off`. */
function parseVisibility(str: (k: string) => string | undefined, image: number[]): FilterSettings | null {
  const minVisible = num(str('min-visible'), 'min-visible', DEFAULTS.minVisible, (x) => x >= 0 && x <= 1, 'a share in [0, 1]');
  const minPixels = num(str('min-pixels'), 'min-pixels', DEFAULTS.minPixels, (x) => isInt(x) && x >= 0, 'an integer ≥ 0 (pixels of the image)');
  const v = str('visibility-res');
  if (v === 'off') {
    for (const flag of ['min-visible', 'min-pixels']) if (str(flag) !== undefined) throw new UsageError(`--${flag} needs the visibility filter, which --visibility-res off turns off`);
    return null;
  }
  const [iw, ih] = image;
  const res = v === undefined ? [Math.max(1, Math.round(iw / 4)), Math.max(1, Math.round(ih / 4))]
    : list(v, 'visibility-res', [], 2, /x/i, `WxH (width first, at most the image's ${iw}x${ih}), e.g. 128x128, or off`);
  if (!(isInt(res[0]) && isInt(res[1]) && res[0] >= 1 && res[1] >= 1 && res[0] <= iw && res[1] <= ih)) {
    throw new UsageError(`--visibility-res expects WxH with integers from 1 to the image's ${iw}x${ih}, or off, but received '${v}'`);
  }
  return { res, minVisible, minPixels };
}

/**
 * Checks that `dir` is, or can be created as, a writable folder — without creating anything, so a
 * run that stops here leaves nothing behind.
 */
function checkCreatable(dir: string, flag: string): void {
  let d = dir;
  while (!fs.existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  try {
    if (!fs.statSync(d).isDirectory()) throw new Error(`${d} is not a folder`);
    fs.accessSync(d, fs.constants.W_OK);
  } catch (e) {
    throw new UsageError(`${flag} ${dir}: cannot create or write this folder (${(e as Error).message})`);
  }
}

async function main(values: Record<string, string | boolean | undefined>): Promise<number> {
  const str = (k: string): string | undefined => values[k] as string | undefined;
  const out = path.resolve(str('out') ?? 'rotate-out');
  const quiet = values.quiet === true;
  if (str('merge') !== undefined) {
    const n = num(str('merge'), 'merge', 1, (x) => isInt(x) && x >= 1, 'a positive integer');
    makeDir(out);
    const held = lock(path.join(out, '.rotate.lock'), out);
    try {
      const code = await merge(out, n, quiet);
      return code === 0 && values.html === true ? await writePage(out, '', quiet) : code;
    } finally { held.release(); }
  }
  let shard: [number, number] = [0, 1];
  if (str('shard') !== undefined) shard = parseShard(str('shard')!);
  const { config, catalog, assets, renderDir } = parseConfig(str, values, out);
  const opts: GenerateOptions = {
    seed: config.seed, groups: config.groups, objects: config.objects, region: config.region, margin: config.margin, catalog,
    objectSize: config.objectSize,
    ring: { count: config.ring.count, radius: config.ring.radius, height: config.ring.height, fov: config.ring.fov, image: config.ring.image },
    absolute: config.absolute, preset: config.preset,
    ...(config.plan.qaGroups !== null ? { qaGroups: config.plan.qaGroups } : {}),
    ...(config.plan.splits !== null ? { splits: config.plan.splits as [number, number, number] } : {}),
  };
  const text: TextOptions = {
    preset: config.preset, answers: config.text.answers, boundaryMargin: config.text.boundaryMargin,
    ...(config.text.judgement !== null ? { judgement: config.text.judgement } : {}),
    ...(config.text.pairs !== null ? { pairs: config.text.pairs } : {}),
  };
  const chunk = num(str('chunk'), 'chunk', CHUNK, (x) => isInt(x) && x >= 1, 'a positive integer');
  const jobs = num(str('jobs'), 'jobs', os.availableParallelism(), (x) => isInt(x) && x >= 1 && x <= 256, 'an integer in [1, 256]');
  let s: Settings;
  try { s = settings(opts); textPlan(text); } catch (e) { throw new UsageError((e as Error).message); }
  checkCreatable(out, '--out');
  if (renderDir) checkCreatable(renderDir, '--render-dir');
  makeDir(out);
  const sfx = suffix(shard);
  const held = lock(path.join(out, `.rotate${sfx}.lock`), shard[1] > 1 ? `${out} (shard ${shard[0]} of ${shard[1]})` : out);
  try {
    const code = await generateRun(out, config, s, text, shard, chunk, values.overwrite === true, quiet, { assets, renderDir, jobs, opts });
    const [lo, hi] = shardRange(shard, config.groups);
    if (code !== 0 || values.html !== true) return code;
    if (lo === hi) { if (!quiet) console.log('No page written (--html): the run has no groups.'); return 0; }
    return await writePage(out, sfx, quiet);
  } finally {
    held.release();
  }
}

async function generateRun(out: string, config: Config, s: Settings, text: TextOptions, shard: [number, number], chunk: number,
  overwrite: boolean, quiet: boolean, job: { assets?: Map<string, Asset>; renderDir?: string; jobs: number; opts: GenerateOptions }): Promise<number> {
  const [lo, hi] = shardRange(shard, config.groups);
  const sfx = suffix(shard);
  const file = (o: Output): string => path.join(out, `${o}${sfx}.jsonl`);
  const partial = (o: Output): string => `${file(o)}.partial`;
  const pqFile = (o: Output): string => path.join(out, `${o}${sfx}.parquet`);
  const pqPartial = (o: Output): string => `${pqFile(o)}.partial`;
  const jsonl = formatsOf(config).includes('jsonl'), pq = formatsOf(config).includes('parquet');
  /** The files a finished run has, in the order they are published. */
  const published = [...(jsonl ? OUTPUTS.map(file) : []), ...(pq ? OUTPUTS.map(pqFile) : [])];
  const manifestFile = path.join(out, `manifest${sfx}.json`), summaryFile = path.join(out, `summary${sfx}.md`);
  const stateFile = path.join(out, `.rotate-state${sfx}.json`);
  const key = configKey(config, shard);
  const range = hi > lo ? `groups ${lo}..${hi - 1}` : 'no groups';
  const title = `spatialkit rotate ${version} — seed ${config.seed}, ${range}${shard[1] > 1 ? ` (shard ${shard[0]} of ${shard[1]})` : ''}`;
  const ours = new Set([path.basename(manifestFile), path.basename(summaryFile), path.basename(stateFile), `.rotate${sfx}.lock`]);
  // We hold the lock: temporary files of our names were left by killed runs.
  removeStaleTemps(out, (n) => ours.has(n));
  const exists = (f: string): boolean => fs.existsSync(f);
  const size = (f: string): number => fs.statSync(f).size;

  // A finished run with the same options is left as it is (after clearing what a kill between
  // the manifest and the end may have left: the checkpoint).
  const manifest = readJson<Manifest>(manifestFile, overwrite, isManifest);
  if (manifest && manifest.key === key && published.every((f) => exists(f) && size(f) === manifest.files[path.basename(f)]?.bytes)) {
    fs.rmSync(stateFile, { force: true });
    for (const o of OUTPUTS) for (const f of [partial(o), pqPartial(o)]) fs.rmSync(f, { force: true });
    if (!quiet) console.log(`${path.relative(process.cwd(), out) || '.'}: already complete (${manifest.counts.groups} groups); nothing to do.`);
    return 0;
  }
  if (manifest && manifest.key !== key && !overwrite) throw new UsageError(`${out} holds a finished run made with different options; pass --overwrite to replace it or choose another --out`);

  // An unfinished run resumes when its files agree with its checkpoint; after the last group, an
  // output may already have been renamed to its final name.
  let state = readJson<State>(stateFile, overwrite, isState);
  if (state?.parquet) state.parquet = fromJson(state.parquet);
  if (state && state.key !== key) {
    if (!overwrite) throw new UsageError(`${out} holds an unfinished run made with different options; pass --overwrite to discard it or choose another --out`);
    state = null;
  }
  if (state) {
    const st = state;
    const problem = st.next < lo || st.next > hi ? `${stateFile} names group ${st.next}, outside ${lo}..${hi}` : [...(jsonl ? OUTPUTS.map((o) => {
      if (exists(partial(o))) return size(partial(o)) < st.offsets[o] ? `${partial(o)} is shorter than its checkpoint` : '';
      if (st.next === hi && exists(file(o)) && size(file(o)) === st.offsets[o]) return '';
      return `${partial(o)} is missing`;
    }) : []), ...(pq ? OUTPUTS.map((o) => {
      const at = st.parquet?.[o]?.bytes;
      if (at === undefined) return `${stateFile} has no Parquet checkpoint`;
      if (exists(pqPartial(o))) return size(pqPartial(o)) < at ? `${pqPartial(o)} is shorter than its checkpoint` : '';
      // Published (renamed after its footer) before the interruption: complete when it ends with the magic.
      if (st.next === hi && exists(pqFile(o)) && size(pqFile(o)) > at && fs.readFileSync(pqFile(o)).subarray(-4).equals(HEADER)) return '';
      return `${pqPartial(o)} is missing`;
    }) : [])].find((p) => p !== '');
    if (problem) {
      if (!overwrite) throw new UsageError(`cannot resume: ${problem}; pass --overwrite to start again`);
      state = null;
    }
  }
  if (!state) {
    // A fresh start: first remove the manifest of an earlier run (a folder without one is never
    // taken for finished), then its files.
    for (const f of [manifestFile, summaryFile, stateFile, ...OUTPUTS.map(file), ...OUTPUTS.map(pqFile)]) fs.rmSync(f, { force: true });
    state = { key, next: lo, offsets: { scenes: 0, images: 0, qa: 0, sdg: 0 }, counts: emptyCounts() };
    if (pq) state.parquet = { scenes: newParquet(), images: newParquet(), qa: newParquet(), sdg: newParquet() };
  }
  const st = state;
  const resumed = st.next > lo;
  // Reopen the partial files at the checkpoint: anything after it is from an interrupted chunk.
  const fds = {} as Record<Output, number>, pqFds = {} as Record<Output, number>;
  try {
    for (const o of jsonl ? OUTPUTS : []) {
      if (!exists(partial(o)) && resumed) continue;  // published before the interruption
      if (!resumed) fs.writeFileSync(partial(o), '');
      fs.truncateSync(partial(o), st.offsets[o]);
      fds[o] = fs.openSync(partial(o), 'a');
    }
    for (const o of pq ? OUTPUTS : []) {
      if (!exists(pqPartial(o)) && resumed) continue;
      if (!resumed) fs.writeFileSync(pqPartial(o), HEADER);
      // Also drops a footer written by a publish that was interrupted: publishing writes it again.
      fs.truncateSync(pqPartial(o), st.parquet![o].bytes);
      pqFds[o] = fs.openSync(pqPartial(o), 'a');
    }
  } catch (e) {
    for (const fd of [...Object.values(fds), ...Object.values(pqFds)]) fs.closeSync(fd);
    throw new UsageError(`cannot write in ${out}: ${(e as Error).message}`);
  }
  const svgDir = path.join(out, 'svg'), raysDir = path.join(out, 'rays');
  if (config.svg) { makeDir(svgDir, '--svg'); removeStaleTemps(svgDir, () => true); }
  let raysFiles: string[] | undefined;
  if (config.rays) {
    // One map per camera: the ring is the same in every group (images.jsonl names the file).
    makeDir(raysDir, '--rays');
    removeStaleTemps(raysDir, () => true);
    const [W, H] = config.rays, n = H * W * 6;
    const maps = rayMaps(s.cameras, config.rays, config.ring.image);
    raysFiles = s.cameras.map((_, k) => {
      writeAtomic(path.join(raysDir, `c${k}.npy`), npy(maps.subarray(k * n, (k + 1) * n), [H, W, 6]));
      return `rays/c${k}.npy`;
    });
  }

  // Per-group files: folders made (and temporary files of killed runs removed) up front.
  const groupDir = (dir: string, flag: string): string => { makeDir(dir, flag); removeStaleTemps(dir, () => true); return dir; };
  if (config.gltf) groupDir(path.join(out, 'gltf'), '--gltf');
  let jobsDir = '';
  if (config.render && job.renderDir) {
    makeDir(job.renderDir, '--render-dir');
    writeAtomic(path.join(job.renderDir, 'render.py'), fs.readFileSync(RENDER_SCRIPT));
    jobsDir = groupDir(path.join(job.renderDir, 'jobs'), '--render-dir');
  }
  const masksDir = config.masks ? path.join(out, 'masks') : '';
  if (config.masks) makeDir(masksDir, '--masks');
  const ctx: ChunkContext = {
    out, image: config.ring.image, text, visibility: config.visibility, rays: raysFiles,
    svgDir: config.svg ? svgDir : '', masksDir, jobsDir, gltf: config.gltf, assets: job.assets, parquet: pq, jsonl,
  };

  const progress = new Progress(hi - lo, !quiet && process.stderr.isTTY === true && hi - lo >= 200);
  if (resumed && !quiet) console.error(`resuming at group ${st.next} (${st.next - lo} of ${hi - lo} done)`);
  let interrupted = false;
  const onSignal = (): void => { interrupted = true; };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Chunks are made by `threads` worker threads (several requests each in flight, so none waits
  // while this thread writes), or here when one thread is asked for or there is one chunk only —
  // then the next chunk's visibility is cast (on the native thread pool) while this one's text is made.
  // Chunks end at multiples of `chunk` (a shard's first and last may be shorter), so that a shard's
  // Parquet row groups are the unsharded run's or pieces of them (`--merge` joins the pieces).
  const chunkEnd = (g: number): number => Math.min(hi, (Math.floor(g / chunk) + 1) * chunk);
  const threads = Math.min(job.jobs, Math.ceil((hi - st.next) / chunk));
  const pool = threads > 1 ? new ChunkPool(threads, { opts: job.opts, ctx }) : null;
  const inFlight: Promise<Chunk>[] = [];
  let asked = st.next;
  let ahead: Prepared | null = null;
  const onGroup = async (g: number): Promise<void> => {
    progress.tick(g + 1 - lo);
    // Let a pending signal be seen between groups of a long chunk.
    if ((g & 63) === 63) await new Promise((r) => setImmediate(r));
  };
  try {
    while (st.next < hi && !interrupted) {
      const end = chunkEnd(st.next);
      let made: Chunk;
      if (pool) {
        for (; asked < hi && inFlight.length < 2 * threads; asked = chunkEnd(asked)) inFlight.push(pool.chunk(asked, chunkEnd(asked)));
        made = await inFlight.shift()!;
        progress.tick(end - lo);
      } else {
        const cur = ahead ?? prepare(s, ctx, st.next, end);
        await cur.vis;
        ahead = end < hi ? prepare(s, ctx, end, chunkEnd(end)) : null;
        made = await makeChunk(ctx, cur, onGroup);
      }
      for (const o of OUTPUTS) {
        const data = made.data[o];
        // A failure names the file and leaves the last checkpoint intact for the re-run; the
        // checkpoint only ever claims bytes that are synced to the file.
        if (jsonl) {
          try {
            writeAll(fds[o], data);
            fs.fdatasyncSync(fds[o]);
          } catch (e) {
            throw new Error(`cannot write ${partial(o)}: ${(e as Error).message}`);
          }
        }
        st.offsets[o] += data.length;
        if (pq) {
          try {
            appendRowGroup(pqFds[o], st.parquet![o], made.parquet![o]);
            fs.fdatasyncSync(pqFds[o]);
          } catch (e) {
            throw new Error(`cannot write ${pqPartial(o)}: ${(e as Error).message}`);
          }
        }
      }
      // Written: its buffers go back to whoever made it, for a later chunk.
      if (pool) pool.recycle(made);
      else recycle(made.data);
      addCounts(st.counts, made.counts);
      for (const d of made.touched) fsyncDir(d);
      st.next = end;
      writeAtomic(stateFile, JSON.stringify(st, toJson));
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    for (const fd of [...Object.values(fds), ...Object.values(pqFds)]) fs.closeSync(fd);
    progress.end(st.next - lo);
    // Work still running for chunks that will not be written: stop it, or let a cast finish, before returning.
    if (pool) await pool.close();
    if (ahead) await ahead.vis.catch(() => null);
  }
  if (interrupted) {
    console.error(`interrupted at group ${st.next}; run the same command again to resume`);
    return 130;
  }
  // Publish: the outputs, then the summary, then the manifest (which marks the run finished),
  // then drop the checkpoint. A kill anywhere in here leaves a state the next run completes.
  for (const o of jsonl ? OUTPUTS : []) if (exists(partial(o))) fs.renameSync(partial(o), file(o));
  for (const o of pq ? OUTPUTS : []) {
    if (!exists(pqPartial(o))) continue;
    // The footer (row-group metadata, its length, the closing magic), synced, then the rename.
    writeParquetEnd(pqPartial(o), footer(o, st.parquet![o].rowGroups, chunk));
    fs.renameSync(pqPartial(o), pqFile(o));
  }
  fsyncDir(out);
  const manifestText = JSON.stringify({
    tool: 'spatialkit rotate', version, seed: config.seed, config, key,
    shard: { index: shard[0], count: shard[1], first: lo, groups: hi - lo },
    files: Object.fromEntries(published.map((f, i) => [path.basename(f), { records: st.counts.records[OUTPUTS[i % 4]] ?? 0, bytes: size(f) }])),
    counts: st.counts,
  }, null, 2) + '\n';
  const md = summary(st.counts, title, config.visibility);
  writeAtomic(summaryFile, md + '\n');
  writeAtomic(manifestFile, manifestText);
  fs.rmSync(stateFile, { force: true });
  fsyncDir(out);
  if (!quiet) {
    console.log(md);
    console.log(wroteLine(out, st.counts, sfx, {
      rays: raysFiles?.length ?? 0, svg: config.svg ? hi - lo : 0, masks: config.masks ? st.counts.kept.images : 0, gltf: config.gltf ? hi - lo : 0,
      render: jobsDir ? path.relative(process.cwd(), job.renderDir!) || '.' : '',
    }, formatsOf(config)));
  }
  return 0;
}

/** --html: the page of the run's first group (src/cli/view.ts, as `spatialkit view OUT`). */
async function writePage(out: string, sfx: string, quiet: boolean): Promise<number> {
  const { file } = await writeView(out, { suffix: sfx });
  if (!quiet) console.log(`Wrote ${shownPath(file)}`);
  return 0;
}

/** Appends `tail` to a file and syncs it; a failure names the file. */
function writeParquetEnd(file: string, tail: Buffer): void {
  const fd = fs.openSync(file, 'a');
  try {
    writeAll(fd, tail);
    fs.fdatasyncSync(fd);
  } catch (e) {
    throw new Error(`cannot write ${file}: ${(e as Error).message}`);
  } finally { fs.closeSync(fd); }
}

/** The closing line: what was written where. */
function wroteLine(out: string, c: Counts, sfx: string, extra: { rays: number; svg: number; masks: number; gltf: number; render: string }, formats: Format[] = ['jsonl']): string {
  const fmt = (n: number): string => n.toLocaleString('en-US');
  const ext = formats.length === 1 ? formats[0] : `{${formats.join(',')}}`;
  const captions = Object.values(c.captions).reduce((a, b) => a + b, 0);
  const files = [
    `scenes${sfx}.${ext} (${fmt(c.records.scenes ?? 0)} groups)`,
    `images${sfx}.${ext} (${fmt(c.records.images ?? 0)} images, ${fmt(c.kept.images)} kept, ${fmt(captions)} captions)`,
    `qa${sfx}.${ext} (${fmt(c.records.qa ?? 0)} questions)`,
    `sdg${sfx}.${ext} (${fmt(c.records.sdg ?? 0)} pairs)`,
    `summary${sfx}.md`, `manifest${sfx}.json`,
    ...(extra.rays ? [`rays/ (${extra.rays} ray maps)`] : []),
    ...(extra.svg ? [`svg/ (${fmt(extra.svg)} pictures)`] : []),
    ...(extra.masks ? [`masks/ (${fmt(extra.masks)} masks and depth maps)`] : []),
    ...(extra.gltf ? [`gltf/ (${fmt(extra.gltf)} .glb)`] : []),
  ];
  const render = extra.render ? `; a Blender job in ${extra.render}${path.sep} (blender -b -P ${path.join(extra.render, 'render.py')} -- ${extra.render})` : '';
  return `Wrote ${files.join(', ')} to ${path.relative(process.cwd(), out) || '.'}${path.sep}${render}`;
}

/** --merge n: concatenates the n shard files into the unsharded names and sums the manifests. */
async function merge(out: string, n: number, quiet: boolean): Promise<number> {
  const manifests = Array.from({ length: n }, (_, i) => {
    const f = path.join(out, `manifest${suffix([i, n])}.json`);
    const m = readJson<Manifest>(f, false, isManifest);
    if (!m) throw new UsageError(`--merge ${n}: ${f} is missing (shard ${i} has not finished)`);
    return m;
  });
  const c0 = JSON.stringify(manifests[0].config);
  manifests.forEach((m, i) => {
    if (JSON.stringify(m.config) !== c0 || m.version !== manifests[0].version) throw new UsageError(`--merge ${n}: shard ${i} was made with different options or version`);
  });
  const counts = manifests.reduce((acc, m) => addCounts(acc, m.counts), emptyCounts());
  const files: Record<string, { records: number; bytes: number }> = {};
  const formats = formatsOf(manifests[0].config);
  fs.rmSync(path.join(out, 'manifest.json'), { force: true });
  for (const o of formats.includes('jsonl') ? OUTPUTS : []) {
    const target = path.join(out, `${o}.jsonl`), tmp = `${target}.partial`;
    const fd = fs.openSync(tmp, 'w');
    let bytes = 0;
    try {
      for (let i = 0; i < n; i++) {
        const data = fs.readFileSync(path.join(out, `${o}${suffix([i, n])}.jsonl`));
        writeAll(fd, data);
        bytes += data.length;
      }
      fs.fdatasyncSync(fd);
    } finally { fs.closeSync(fd); }
    fs.renameSync(tmp, target);
    files[`${o}.jsonl`] = { records: counts.records[o] ?? 0, bytes };
  }
  for (const o of formats.includes('parquet') ? OUTPUTS : []) {
    const target = path.join(out, `${o}.parquet`), tmp = `${target}.partial`;
    const fd = fs.openSync(tmp, 'w');
    let bytes = 0;
    try {
      bytes = await mergeParquet(o, Array.from({ length: n }, (_, i) => path.join(out, `${o}${suffix([i, n])}.parquet`)), fd);
      fs.fdatasyncSync(fd);
    } finally { fs.closeSync(fd); }
    fs.renameSync(tmp, target);
    files[`${o}.parquet`] = { records: counts.records[o] ?? 0, bytes };
  }
  fsyncDir(out);
  const config = manifests[0].config;
  const key = configKey(config, [0, 1]);
  const manifest = {
    tool: 'spatialkit rotate', version: manifests[0].version, seed: config.seed, config, key,
    shard: { index: 0, count: 1, first: 0, groups: config.groups },
    files,
    counts,
  };
  const range = config.groups > 0 ? `groups 0..${config.groups - 1}` : 'no groups';
  const text = summary(counts, `spatialkit rotate ${manifests[0].version} — seed ${config.seed}, ${range}`, config.visibility ?? null);
  writeAtomic(path.join(out, 'summary.md'), text + '\n');
  writeAtomic(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  if (!quiet) {
    console.log(text);
    console.log(wroteLine(out, counts, '', { rays: 0, svg: 0, masks: 0, gltf: 0, render: '' }, formats));
  }
  return 0;
}
