// `spatialkit rotate`: ROTATE-style spatial-relation data on disk — scenes, images (relations and
// captions), QA, SDG, a manifest and a summary. Outputs depend only on the seed, the options and
// the version; shards are exact slices; files appear only complete (written as .partial, renamed
// at the end) and an interrupted run resumes from its last checkpoint.
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { version } from '../version.js';
import { settings, makeGroup, groupId, type GenerateOptions, type Settings } from '../scene/generate.js';
import { groupLines, emptyCounts, addCounts, summary, type Counts } from '../scene/records.js';
import { svg } from '../scene/svg.js';
import { checkCatalog, type CatalogEntry } from '../scene/catalog.js';
import type { RingCamera } from '../scene/ring.js';
import { npy } from './npy.js';
import * as camera from '../camera.js';

export const describe = 'Generate ROTATE-style spatial-relation data: scenes, relations, captions, QA and SDG pairs';

const USAGE = `Usage: spatialkit rotate [options]

Writes a ROTATE-style dataset: every group places 2–3 objects (at least one with a front) without
overlap, views them from a ring of cameras, and adds a second subgroup with every object turned
180°. Relative (object's view) and absolute (camera's view) relations as 8 cardinal directions
and 12 clock positions, captions, QA pairs and spatial-difference pairs.

Options:
  --groups N          groups to generate (default 100; each has 2 × cameras images)
  --seed S            seed, an integer in [0, 2^32) (default 0)
  --out DIR           output directory (default ./rotate-out)
  --shard i/n         write only slice i of n (0-based); the n slices concatenate to the full run
  --merge n           combine the n shard outputs in --out into the unsharded files and manifest
  --objects LIST      object counts a group draws from (default 2,3)
  --region X0,Y0,X1,Y1  floor rectangle in metres (default -3,-3,3,3)
  --margin M          clearance between boxes in metres (default 0.1)
  --catalog FILE      JSON array of {category, kind, min, max, name?, use?} (default: ModelNet40)
  --cameras N         cameras on the ring (default 8)   --radius R (default 10)   --height H (default 6)
  --fov DEG           horizontal field of view (default 60)   --image WxH (default 512x512)
  --front far|near    absolute front: away from (default) or toward the camera
  --frame camera_axis|line_of_sight   absolute front axis (default camera_axis)
  --judgement N       judgement questions per perspective per image (default 4)
  --pairs N           cardinal/clock prediction pairs per perspective per image (default 1)
  --rays HxW          also write Plücker ray maps per image: rays/<image>.npy, float32 [H, W, 6]
  --svg               also write a top-down picture per group: svg/<group>.svg
  --chunk N           groups between checkpoints (default 200); an interrupted run resumes from the last
  --overwrite         discard an unfinished run made with different options
  --quiet             no progress bar or summary
  -h, --help          this text

Files: scenes.jsonl (one line per group: objects, both subgroups' yaws, cameras),
images.jsonl (one line per image: relations and captions), qa.jsonl, sdg.jsonl, manifest.json,
summary.md. With --shard i/n the names carry -0000i-of-0000n.`;

const OUTPUTS = ['scenes', 'images', 'qa', 'sdg'] as const;
type Output = (typeof OUTPUTS)[number];
/** Default groups per checkpoint: little lost on an interrupt, fsync amortised over ~30 MB, ~250 MB peak memory. */
const CHUNK = 200;

interface Config {
  groups: number; seed: number; objects: number[]; region: number[]; margin: number;
  catalog: string; ring: { count: number; radius: number; height: number; fov: number; image: number[] };
  absolute: { front: 'far' | 'near'; frame: 'camera_axis' | 'line_of_sight' };
  qa: { judgement: number; pairs: number };
  rays: number[] | null; svg: boolean;
}

class UsageError extends Error {}

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
const isInt = (x: number): boolean => Number.isInteger(x);

/** Stable text of the config: the key a resumed run must match. */
const configKey = (c: Config, shard: [number, number]): string => JSON.stringify({ version, c, shard });

function suffix([i, n]: [number, number]): string {
  return n === 1 ? '' : `-${String(i).padStart(5, '0')}-of-${String(n).padStart(5, '0')}`;
}

/** Writes `text` to `file` atomically (temporary file, then rename). */
function writeAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** Plücker ray maps [N, H, W, 6] (m = o × d, d) of the ring's cameras (sk.camera.rayMap, DESIGN §4). */
function rayMaps(cams: RingCamera[], height: number, width: number): Float32Array {
  const flat = (k: 'K' | 'R' | 't'): Float32Array => {
    const n = cams[0][k].length, a = new Float32Array(n * cams.length);
    cams.forEach((c, i) => a.set(c[k], n * i));
    return a;
  };
  return camera.rayMap({ K: flat('K'), R: flat('R'), t: flat('t') }, { height, width });
}

interface State { key: string; next: number; offsets: Record<Output, number>; counts: Counts }

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
  end(): void { if (this.on) process.stderr.write('\n'); }
}

/** `--region -3,-3,3,3` → `--region=-3,-3,3,3`: values may start with a minus sign. */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], next = argv[i + 1];
    if (/^--[a-z]+$/.test(a) && next !== undefined && /^-[\d.]/.test(next)) { out.push(`${a}=${next}`); i++; } else out.push(a);
  }
  return out;
}

export async function run(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: joinNegativeValues(argv), allowPositionals: false, strict: true, options: {
        groups: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, shard: { type: 'string' }, merge: { type: 'string' },
        objects: { type: 'string' }, region: { type: 'string' }, margin: { type: 'string' }, catalog: { type: 'string' },
        cameras: { type: 'string' }, radius: { type: 'string' }, height: { type: 'string' }, fov: { type: 'string' }, image: { type: 'string' },
        front: { type: 'string' }, frame: { type: 'string' }, judgement: { type: 'string' }, pairs: { type: 'string' },
        rays: { type: 'string' }, chunk: { type: 'string' }, svg: { type: 'boolean' }, overwrite: { type: 'boolean' }, quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
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

async function main(values: Record<string, string | boolean | undefined>): Promise<number> {
  const str = (k: string): string | undefined => values[k] as string | undefined;
  const out = path.resolve(str('out') ?? 'rotate-out');
  const quiet = values.quiet === true;
  if (str('merge') !== undefined) return merge(out, num(str('merge'), 'merge', 1, (x) => isInt(x) && x >= 1, 'a positive integer'), quiet);

  let shard: [number, number] = [0, 1];
  if (str('shard') !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(str('shard')!);
    if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new UsageError(`--shard expects i/n with 0 ≤ i < n but received '${str('shard')}'`);
    shard = [Number(m[1]), Number(m[2])];
  }
  let catalog: readonly CatalogEntry[] | undefined;
  let catalogName = 'modelnet40';
  if (str('catalog') !== undefined) {
    let text: string;
    try { text = fs.readFileSync(str('catalog')!, 'utf8'); } catch (e) { throw new UsageError(`--catalog: cannot read '${str('catalog')}': ${(e as Error).message}`); }
    try { catalog = checkCatalog(JSON.parse(text), 'catalog'); } catch (e) { throw new UsageError(`--catalog '${str('catalog')}': ${(e as Error).message}`); }
    catalogName = `sha256:${createHash('sha256').update(JSON.stringify(catalog)).digest('hex').slice(0, 16)}`;
  }
  const image = list(str('image'), 'image', [512, 512], 2, /x/i, 'WxH, e.g. 512x512');
  const rays = str('rays') === undefined ? null : list(str('rays'), 'rays', [], 2, /x/i, 'HxW, e.g. 64x64');
  if (rays && !rays.every((x) => isInt(x) && x >= 1 && x <= 4096)) throw new UsageError(`--rays expects HxW with integers in [1, 4096] but received '${str('rays')}'`);
  const front = str('front') ?? 'far', frame = str('frame') ?? 'camera_axis';
  if (front !== 'far' && front !== 'near') throw new UsageError(`--front expects 'far' or 'near' but received '${front}'`);
  if (frame !== 'camera_axis' && frame !== 'line_of_sight') throw new UsageError(`--frame expects 'camera_axis' or 'line_of_sight' but received '${frame}'`);
  const config: Config = {
    groups: num(str('groups'), 'groups', 100, (x) => isInt(x) && x >= 0 && x <= 2 ** 31, 'an integer ≥ 0'),
    seed: num(str('seed'), 'seed', 0, (x) => isInt(x) && x >= 0 && x < 2 ** 32, 'an integer in [0, 2^32)'),
    objects: list(str('objects'), 'objects', [2, 3], null, /,/, 'a list of object counts, e.g. 2,3'),
    region: list(str('region'), 'region', [-3, -3, 3, 3], 4, /,/, 'X0,Y0,X1,Y1'),
    margin: num(str('margin'), 'margin', 0.1, (x) => x >= 0, 'a number ≥ 0'),
    catalog: catalogName,
    ring: {
      count: num(str('cameras'), 'cameras', 8, (x) => isInt(x) && x >= 1 && x <= 360, 'an integer in [1, 360]'),
      radius: num(str('radius'), 'radius', 10, (x) => x > 0, 'a positive number'),
      height: num(str('height'), 'height', 6, () => true, 'a number'),
      fov: num(str('fov'), 'fov', 60, (x) => x > 0 && x < 180, 'degrees in (0, 180)'),
      image,
    },
    absolute: { front, frame },
    qa: {
      judgement: num(str('judgement'), 'judgement', 4, (x) => isInt(x) && x >= 0 && x <= 1000, 'an integer in [0, 1000]'),
      pairs: num(str('pairs'), 'pairs', 1, (x) => isInt(x) && x >= 0 && x <= 1000, 'an integer in [0, 1000]'),
    },
    rays, svg: values.svg === true,
  };
  const opts: GenerateOptions = {
    seed: config.seed, groups: config.groups, objects: config.objects, region: config.region, margin: config.margin, catalog,
    ring: { count: config.ring.count, radius: config.ring.radius, height: config.ring.height, fov: config.ring.fov, image: config.ring.image },
    absolute: config.absolute,
  };
  const chunk = num(str('chunk'), 'chunk', CHUNK, (x) => isInt(x) && x >= 1, 'a positive integer');
  let s: Settings;
  try { s = settings(opts); } catch (e) { throw new UsageError((e as Error).message); }
  // Shard i covers groups [⌊i·G/n⌋, ⌊(i+1)·G/n⌋): contiguous, so the slices concatenate in order.
  const lo = Math.floor((shard[0] * config.groups) / shard[1]), hi = Math.floor(((shard[0] + 1) * config.groups) / shard[1]);
  const sfx = suffix(shard);
  const file = (o: Output): string => path.join(out, `${o}${sfx}.jsonl`);
  const manifestFile = path.join(out, `manifest${sfx}.json`), summaryFile = path.join(out, `summary${sfx}.md`);
  const stateFile = path.join(out, `.rotate-state${sfx}.json`);
  const key = configKey(config, shard);
  fs.mkdirSync(out, { recursive: true });
  const title = `spatialkit rotate ${version} — seed ${config.seed}, groups ${lo}..${hi - 1}${shard[1] > 1 ? ` (shard ${shard[0]} of ${shard[1]})` : ''}`;

  // A finished run with the same options is left as it is.
  if (fs.existsSync(manifestFile) && OUTPUTS.every((o) => fs.existsSync(file(o)))) {
    const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { key?: string; counts: Counts };
    if (m.key === key) {
      if (!quiet) console.log(`${path.relative(process.cwd(), out) || '.'}: already complete (${m.counts.groups} groups); nothing to do.`);
      return 0;
    }
    if (!values.overwrite) throw new UsageError(`${out} holds a finished run made with different options; pass --overwrite to replace it or choose another --out`);
  }

  let state: State = { key, next: lo, offsets: { scenes: 0, images: 0, qa: 0, sdg: 0 }, counts: emptyCounts() };
  if (fs.existsSync(stateFile)) {
    const old = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as State;
    if (old.key === key) state = old;
    else if (!values.overwrite) throw new UsageError(`${out} holds an unfinished run made with different options; pass --overwrite to discard it or choose another --out`);
  }
  const resumed = state.next > lo;
  // Reopen the partial files at the checkpoint: anything after it is from an interrupted chunk.
  const fds = {} as Record<Output, number>;
  for (const o of OUTPUTS) {
    const p = `${file(o)}.partial`;
    if (!resumed) fs.writeFileSync(p, '');
    else if (!fs.existsSync(p) || fs.statSync(p).size < state.offsets[o]) throw new UsageError(`cannot resume: ${p} is missing or shorter than its checkpoint; pass --overwrite to start again`);
    fs.truncateSync(p, state.offsets[o]);
    fds[o] = fs.openSync(p, 'a');
  }
  if (config.svg) fs.mkdirSync(path.join(out, 'svg'), { recursive: true });
  let rayBytes: Buffer[] | null = null;
  if (config.rays) {
    fs.mkdirSync(path.join(out, 'rays'), { recursive: true });
    const [H, W] = config.rays;
    const maps = rayMaps(s.cameras, H, W);
    rayBytes = s.cameras.map((_, k) => npy(maps.subarray(k * H * W * 6, (k + 1) * H * W * 6), [H, W, 6]));
  }

  const progress = new Progress(hi - lo, !quiet && process.stderr.isTTY === true && hi - lo >= 200);
  if (resumed && !quiet) console.error(`resuming at group ${state.next} (${state.next - lo} of ${hi - lo} done)`);
  let interrupted = false;
  const onSignal = (): void => { interrupted = true; };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    while (state.next < hi && !interrupted) {
      const end = Math.min(hi, state.next + chunk);
      const bufs: Record<Output, string[]> = { scenes: [], images: [], qa: [], sdg: [] };
      for (let g = state.next; g < end; g++) {
        const grp = makeGroup(s, g);
        const lines = groupLines(grp, state.counts, config.qa);
        for (const o of OUTPUTS) bufs[o].push(lines[o]);
        if (config.svg) writeAtomic(path.join(out, 'svg', `${groupId(g)}.svg`), svg(grp));
        if (rayBytes) for (const img of grp.images) writeAtomic(path.join(out, 'rays', `${img.id}.npy`), rayBytes[img.camera]);
        progress.tick(g + 1 - lo);
        // Let a pending signal be seen between groups of a long chunk.
        if ((g & 63) === 63) await new Promise((r) => setImmediate(r));
      }
      for (const o of OUTPUTS) {
        const data = Buffer.from(bufs[o].join(''), 'utf8');
        // A write can be short (a file-size limit, a nearly full disk): loop, so the checkpoint
        // only ever claims bytes that are in the file; a failure names the file and leaves the
        // last checkpoint intact for the re-run.
        try {
          for (let done = 0; done < data.length;) done += fs.writeSync(fds[o], data, done);
          fs.fdatasyncSync(fds[o]);
        } catch (e) {
          throw new Error(`cannot write ${file(o)}.partial: ${(e as Error).message}`);
        }
        state.offsets[o] += data.length;
      }
      state.next = end;
      writeAtomic(stateFile, JSON.stringify(state));
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    for (const o of OUTPUTS) fs.closeSync(fds[o]);
    progress.end();
  }
  if (interrupted) {
    console.error(`interrupted at group ${state.next}; run the same command again to resume`);
    return 130;
  }
  for (const o of OUTPUTS) fs.renameSync(`${file(o)}.partial`, file(o));
  const manifest = {
    tool: 'spatialkit rotate', version, seed: config.seed, config, key,
    shard: { index: shard[0], count: shard[1], first: lo, groups: hi - lo },
    files: Object.fromEntries(OUTPUTS.map((o) => [path.basename(file(o)), { records: state.counts.records[o] ?? 0, bytes: state.offsets[o] }])),
    counts: state.counts,
  };
  const text = summary(state.counts, title);
  writeAtomic(summaryFile, text + '\n');
  writeAtomic(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
  fs.rmSync(stateFile, { force: true });
  if (!quiet) console.log(text);
  return 0;
}

/** --merge n: concatenates the n shard files into the unsharded names and sums the manifests. */
async function merge(out: string, n: number, quiet: boolean): Promise<number> {
  const manifests = Array.from({ length: n }, (_, i) => {
    const f = path.join(out, `manifest${suffix([i, n])}.json`);
    if (!fs.existsSync(f)) throw new UsageError(`--merge ${n}: ${f} is missing (shard ${i} has not finished)`);
    return JSON.parse(fs.readFileSync(f, 'utf8')) as { config: Config; version: string; counts: Counts; shard: { first: number; groups: number } };
  });
  const c0 = JSON.stringify(manifests[0].config);
  manifests.forEach((m, i) => {
    if (JSON.stringify(m.config) !== c0 || m.version !== manifests[0].version) throw new UsageError(`--merge ${n}: shard ${i} was made with different options or version`);
  });
  const counts = manifests.reduce((acc, m) => addCounts(acc, m.counts), emptyCounts());
  const offsets = {} as Record<Output, number>;
  for (const o of OUTPUTS) {
    const target = path.join(out, `${o}.jsonl`), tmp = `${target}.partial`;
    const fd = fs.openSync(tmp, 'w');
    let bytes = 0;
    try {
      for (let i = 0; i < n; i++) {
        const data = fs.readFileSync(path.join(out, `${o}${suffix([i, n])}.jsonl`));
        fs.writeSync(fd, data);
        bytes += data.length;
      }
      fs.fdatasyncSync(fd);
    } finally { fs.closeSync(fd); }
    fs.renameSync(tmp, target);
    offsets[o] = bytes;
  }
  const config = manifests[0].config;
  const key = configKey(config, [0, 1]);
  const manifest = {
    tool: 'spatialkit rotate', version: manifests[0].version, seed: config.seed, config, key,
    shard: { index: 0, count: 1, first: 0, groups: config.groups },
    files: Object.fromEntries(OUTPUTS.map((o) => [`${o}.jsonl`, { records: counts.records[o] ?? 0, bytes: offsets[o] }])),
    counts,
  };
  const text = summary(counts, `spatialkit rotate ${manifests[0].version} — seed ${config.seed}, groups 0..${config.groups - 1}`);
  writeAtomic(path.join(out, 'summary.md'), text + '\n');
  writeAtomic(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  if (!quiet) console.log(text);
  return 0;
}
