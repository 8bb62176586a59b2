// `spatialkit view DIR`: one self-contained HTML page that shows a group of a `spatialkit rotate`
// output (its JSONL tables, or its Parquet tables for a Parquet-only run) — the top-down picture, what each of its cameras sees (instance masks and depth from
// sk.render.raycast, cast here at the view resolution), each image's relations, captions, QA and
// kept/dropped status, and attention-score matrices of the RoPE family over the group's objects.
// The page has no scripts and fetches nothing (a Content-Security-Policy says so): images are
// PNG data: URIs, pictures inline SVG. `rotate --html` calls writeView after its run.
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { raycast } from '../render.js';
import { scoreMatrix } from '../rope/analysis.js';
import { ENCODINGS, type Encoding } from '../rope/rope.js';
import { svg, COLORS } from '../scene/svg.js';
import { castInputs } from '../scene/visibility.js';
import { groupId, type Group, type ImageRecord, type RelationRecord } from '../scene/generate.js';
import type { PlacedObject } from '../scene/layout.js';
import type { RingCamera } from '../scene/ring.js';
import { forEachLine, MAX_LINE_BYTES } from './lines.js';
import { makeDir, readJson, UsageError, writeAtomic } from './outdir.js';
import { parseArgs } from './suggest.js';

export const describe = 'Write a self-contained HTML page that shows one group of a rotate output';

const USAGE = `Usage: spatialkit view DIR [options]

Writes one self-contained HTML page (no scripts, no network; images inlined) that shows a group of
the rotate output in DIR: the top-down picture, the instance mask and depth of each of its camera
views (cast with sk.render.raycast), each image's relations, captions, QA and kept/dropped status,
and QuatRoPE/IGRE/RoPE attention-score matrices over its objects. See docs/view.md.

Options:
  --group G       the group to show: its number (12) or id (g000012); default the first group in DIR
  --out FILE      where to write the page (default DIR/view/<group id>.html)
  --res WxH       resolution of the camera views, at most 1024x1024 (default: the image's, scaled down
                  to at most 256 pixels on the longer side; K is scaled to it, the image is never cropped)
  -h, --help      this text`;

const OPTIONS = {
  group: { type: 'string' }, out: { type: 'string' }, res: { type: 'string' }, help: { type: 'boolean', short: 'h' },
} as const;

/** Colour of pixels where no object is hit in the mask views (object i is COLORS[i]). */
export const VIEW_BACKGROUND = '#f2f2f2';
/** Longest side of a camera view by default: 16 views of a 512 × 512 image stay readable and small. */
export const VIEW_MAX_SIDE = 256;
/** Heat-map colour stops (viridis): luminance rises along them, so a brighter cell is a higher score. */
export const HEAT_STOPS = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'] as const;

export interface ViewOptions {
  /** Group number; default the first group of the folder. */
  group?: number;
  /** Output file; default DIR/view/<group id>.html. */
  out?: string;
  /** [W, H] of the camera views; default the image's, scaled to at most VIEW_MAX_SIDE on the longer side. */
  res?: readonly number[];
  /** File-name suffix of a shard's files ("-00001-of-00004"), as `rotate --shard` writes them; default none. */
  suffix?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Rec = Record<string, any>;
interface RunManifest { config: Rec; shard?: { first: number; groups: number } }

const esc = (s: unknown): string => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const rgb = (hex: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

/** The default view resolution for an image of W × H. */
export function viewResolution([W, H]: readonly number[]): [number, number] {
  const s = Math.min(1, VIEW_MAX_SIDE / Math.max(W, H));
  return [Math.max(1, Math.round(W * s)), Math.max(1, Math.round(H * s))];
}

/** The heat-map colour of score v on a scale from `lo` (darkest) to `hi` (brightest), clamped. */
export function heatColor(v: number, lo: number, hi: number): string {
  const t = hi > lo ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) : 1;
  const x = t * (HEAT_STOPS.length - 1), k = Math.min(HEAT_STOPS.length - 2, Math.floor(x)), f = x - k;
  const a = rgb(HEAT_STOPS[k]), b = rgb(HEAT_STOPS[k + 1]);
  return '#' + a.map((c, i) => Math.round(c + f * (b[i] - c)).toString(16).padStart(2, '0')).join('');
}

/**
 * Where the page reads from: the folder's manifest, or a UsageError that says what the folder is
 * instead (missing, not a rotate output, unfinished, shards not merged).
 */
function openRun(dir: string, sfx: string): RunManifest {
  let st: fs.Stats;
  try { st = fs.statSync(dir); } catch { throw new UsageError(`${dir}: no such folder`); }
  if (!st.isDirectory()) throw new UsageError(`${dir} is not a folder (expected the --out folder of spatialkit rotate)`);
  const has = (f: string): boolean => fs.existsSync(path.join(dir, f));
  const manifest = readJson<RunManifest>(path.join(dir, `manifest${sfx}.json`), false,
    (v) => typeof v === 'object' && v !== null && typeof (v as RunManifest).config?.ring === 'object');
  if (!manifest) {
    if (has(`.rotate-state${sfx}.json`)) throw new UsageError(`${dir} holds an unfinished rotate run (no manifest${sfx}.json yet): run the same rotate command again to finish it`);
    const shards = fs.readdirSync(dir).filter((f) => /^manifest-\d{5}-of-\d{5}\.json$/.test(f));
    if (!sfx && shards.length) throw new UsageError(`${dir} holds shards of a rotate run (${shards[0]}, …): join them with \`spatialkit rotate --out ${dir} --merge N\` first`);
    throw new UsageError(`${dir} is not a spatialkit rotate output (no manifest${sfx}.json)`);
  }
  return manifest;
}

/**
 * The group's records of one Parquet table, as the JSONL lines hold them (absent fields are null):
 * the `group` column alone locates the rows (a group's rows are contiguous), then only the row
 * groups holding them are decoded.
 */
async function parquetGroup(file: string, g: number): Promise<Rec[]> {
  try {
    const buf = await asyncBufferFromFile(file);
    const groups = (await parquetReadObjects({ file: buf, columns: ['group'] })) as { group: number }[];
    const first = groups.findIndex((r) => r.group === g);
    if (first < 0) return [];
    let end = first;
    while (end < groups.length && groups[end].group === g) end++;
    return (await parquetReadObjects({ file: buf, rowStart: first, rowEnd: end })) as Rec[];
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

/**
 * The records of `file` whose line starts with `prefix`. A group's lines are contiguous: reading
 * stops after them, or at a line that `after` says lies past the group.
 */
async function groupLines(file: string, prefix: string, after: (line: string) => boolean): Promise<Rec[]> {
  const out: Rec[] = [];
  const stop = new Error('done');
  try {
    await forEachLine(file, MAX_LINE_BYTES, {
      line: (text) => {
        if (text.startsWith(prefix)) out.push(JSON.parse(text) as Rec);
        else if (out.length || after(text)) throw stop;
      },
      tooLong: (line, bytes) => { throw new UsageError(`${file}: line ${line} is ${bytes} bytes, longer than any rotate record`); },
    });
  } catch (e) {
    if (e === stop) return out;
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  return out;
}

/** A Group (as sk.scene.generate makes it) from a scenes.jsonl record and the group's images.jsonl records. */
function groupFromRecords(scene: Rec, images: Rec[], convention: Rec, seed: number): Group {
  const objects = (scene.objects as Rec[]).map((o) => ({ ...o }) as PlacedObject);
  const sub = (s: number): number[] => (scene.subgroups as Rec[]).find((x) => x.subgroup === s)?.yaw ?? objects.map((o) => o.yaw);
  const cameras = (scene.cameras as Rec[]).map((c) => ({
    K: Float32Array.from(c.K), R: Float32Array.from(c.R), t: Float32Array.from(c.t),
    position: c.position, target: c.target, azimuth: c.azimuth,
  }) as RingCamera);
  const C = cameras.length;
  const byId = new Map(images.map((r) => [r.image as string, r]));
  const recs: ImageRecord[] = [];
  for (const s of [0, 1] as const) {
    for (let c = 0; c < C; c++) {
      const id = `${scene.id}-s${s}-c${c}`, r = byId.get(id);
      if (!r) throw new UsageError(`the images table has no record of image ${id}: the folder is damaged; run rotate again with --overwrite`);
      recs.push({ id, group: scene.group, subgroup: s, camera: c, relative: r.relations.relative, absolute: r.relations.absolute });
    }
  }
  return {
    group: scene.group, seed, objects, yaws: [sub(0), sub(1)], cameras,
    relative: [recs[0]?.relative ?? [], recs[C]?.relative ?? []], absolute: recs.slice(0, C).map((r) => r.absolute),
    images: recs, convention: convention as Group['convention'], role: scene.role, split: scene.split,
  };
}

/** PNG data: URI of RGB pixels. */
function pngUri(rgbData: Buffer, W: number, H: number): string {
  const png = new PNG({ width: W, height: H, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = rgbData;
  // One fixed filter (Sub): pngjs's adaptive choice tried all five per row and took most of the page's time.
  return `data:image/png;base64,${PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false, filterType: 1 }).toString('base64')}`;
}

/** The mask view (object i in COLORS[i], VIEW_BACKGROUND elsewhere) and the depth view (near bright, far dark, black where nothing). */
function viewImages(instance: Int32Array, depth: Float32Array, W: number, H: number, near: number, far: number): { mask: string; depth: string } {
  const m = Buffer.alloc(3 * W * H), d = Buffer.alloc(3 * W * H);
  const bg = rgb(VIEW_BACKGROUND), palette = COLORS.map(rgb), span = far - near || 1;
  for (let p = 0; p < W * H; p++) {
    const k = instance[p];
    const c = k < 0 ? bg : palette[k % palette.length];
    m[3 * p] = c[0]; m[3 * p + 1] = c[1]; m[3 * p + 2] = c[2];
    const g = k < 0 ? 0 : Math.round(255 - 191 * ((depth[p] - near) / span));
    d[3 * p] = d[3 * p + 1] = d[3 * p + 2] = g;
  }
  return { mask: pngUri(m, W, H), depth: pngUri(d, W, H) };
}

/** Options of each encoding's score matrix: the library's defaults (shown on the page). */
const ENCODING_NOTES: Record<Encoding, string> = {
  quatrope: 'QuatRoPE, θ = 0.3 (paper default), R = Rz·Ry·Rx, D = 128',
  igre: 'IGRE, one segment, base vector (1, 0, 0), θ = 0.3: x never reaches the score',
  rope1d: 'RoPE (1-D), position = x only, base 10⁴, D = 128',
  mrope: 'M-RoPE (Qwen2-VL sections 16/24/24 of 64), base 10⁴, D = 128',
  mixed3d: 'Mixed 3-D RoPE (exactly relative), default frequencies, D = 128',
};

/** One heat map: an n × n SVG of rects coloured by heatColor, each labelled with its value. */
function heatMap(encoding: Encoding, G: Float64Array, names: string[], lo: number, hi: number): string {
  const n = names.length, cell = 56, left = 110, top = 24, w = left + n * cell + 4, h = top + n * cell + 4;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" class="heat" data-encoding="${encoding}" width="${w}" height="${h}" font-family="sans-serif" font-size="11">`];
  names.forEach((name, i) => {
    parts.push(`<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${esc(`${i}: ${name}`)}</text>`);
    parts.push(`<text x="${left + i * cell + cell / 2}" y="${top - 8}" text-anchor="middle">${i}</text>`);
  });
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = G[i * n + j], x = left + j * cell, y = top + i * cell;
      parts.push(`<rect data-i="${i}" data-j="${j}" x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${heatColor(v, lo, hi)}"/>` +
        `<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" fill="${v > (lo + hi) / 2 ? '#000' : '#fff'}">${v.toFixed(3)}</text>`);
    }
  }
  parts.push('</svg>');
  return parts.join('');
}

/** The scale of the heat maps: its ends' values and a strip of the colours between them. */
function colourBar(lo: number, hi: number): string {
  const stops = Array.from({ length: 9 }, (_, k) => `<span class="swatch" style="background:${heatColor(lo + ((hi - lo) * k) / 8, lo, hi)}"></span>`).join('');
  return `${lo.toFixed(3)} ${stops} ${hi.toFixed(3)}.`;
}

function relationRows(rels: RelationRecord[], names: string[], relative: boolean): string {
  return rels.map((r) => {
    const who = relative
      ? (r.viewer === r.reference ? `${esc(names[r.target])} from ${esc(names[r.viewer!])}` : `${esc(names[r.target])} from ${esc(names[r.reference])}, in the ${esc(names[r.viewer!])}'s frame`)
      : `${esc(names[r.target])} from ${esc(names[r.reference])}`;
    return `<tr><td>${relative ? 'relative' : 'absolute'}</td><td>${who}</td><td>${esc(r.cardinal)}</td><td>${r.clock} o'clock</td><td>${r.angle.toFixed(1)}°</td></tr>`;
  }).join('');
}

const STYLE = `body{font:14px/1.4 sans-serif;margin:16px;color:#222;max-width:1500px}
h1{font-size:20px}h2{font-size:17px;margin-top:28px}h3{font-size:15px;margin:4px 0}
table{border-collapse:collapse;margin:4px 0}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
.swatch{display:inline-block;width:14px;height:14px;vertical-align:middle;border:1px solid #0003}
.heats .swatch,p .swatch+.swatch{margin-left:-1px}
.image{display:flex;gap:16px;border-top:1px solid #ccc;padding:10px 0}
.pics{flex:none}.pics img{display:block;image-rendering:pixelated;margin-bottom:4px;border:0}
.text{flex:1;min-width:0}.kept{color:#176a1a;font-weight:bold}.dropped{color:#b00;font-weight:bold}
ul{margin:2px 0;padding-left:20px}.heats{display:flex;flex-wrap:wrap;gap:18px}figure{margin:0}`;

/**
 * Writes the page of one group of the rotate output in `dir`.
 * @returns the file written and the group shown.
 * @throws UsageError for a folder that is missing, not a finished rotate output, or has no such group.
 */
export async function writeView(dir: string, opts: ViewOptions = {}): Promise<{ file: string; group: number }> {
  const sfx = opts.suffix ?? '';
  const manifest = openRun(dir, sfx);
  const config = manifest.config, image = config.ring.image as number[];
  const first = manifest.shard?.first ?? 0, count = manifest.shard?.groups ?? config.groups;
  if (count === 0) throw new UsageError(`${dir} holds an empty run (0 groups): nothing to show`);
  const g = opts.group ?? first;
  if (g < first || g >= first + count) throw new UsageError(`${dir} holds groups ${first}..${first + count - 1}; there is no group ${g}`);
  const gid = groupId(g);
  // The JSONL tables when the run wrote them, else its Parquet tables (--format parquet).
  const ext = (manifest.config.format ?? ['jsonl']).includes('jsonl') ? 'jsonl' : 'parquet';
  const file = (name: string): string => {
    const f = path.join(dir, `${name}${sfx}.${ext}`);
    if (!fs.existsSync(f)) throw new UsageError(`${dir} is not a complete rotate output (${path.basename(f)} is missing)`);
    return f;
  };
  // JSONL records are in group order and their ids sort as text: a line whose id sorts after the group's ends the search.
  const idAfter = (re: RegExp) => (line: string): boolean => (re.exec(line)?.[1] ?? '') > gid;
  const pq = ext === 'parquet';
  const [scene] = pq ? await parquetGroup(file('scenes'), g)
    : await groupLines(file('scenes'), `{"group":${g},`, (l) => Number(/^\{"group":(\d+)/.exec(l)?.[1] ?? -1) > g);
  if (!scene) throw new UsageError(`${dir}: scenes${sfx}.${ext} has no group ${g}`);
  const images = pq ? await parquetGroup(file('images'), g) : await groupLines(file('images'), `{"image":"${gid}-`, idAfter(/^\{"image":"(g\d+)-/));
  const qa = pq ? await parquetGroup(file('qa'), g) : await groupLines(file('qa'), `{"id":"${gid}-`, idAfter(/^\{"id":"(g\d+)-/));
  const group = groupFromRecords(scene, images, config.absolute, config.seed);
  const byImage = new Map(images.map((r) => [r.image as string, r]));

  // Camera views: every image cast at the view resolution (raycast scales K from the image to it).
  const [W, H] = opts.res ?? viewResolution(image);
  const { scenes, cameras } = castInputs([group]);
  const { instance, depth } = raycast(scenes, cameras, { width: W, height: H, image: [image[0], image[1]] });
  let near = Infinity, far = -Infinity;
  for (let p = 0; p < depth.length; p++) {
    const z = depth[p];
    if (z !== Infinity) { if (z < near) near = z; if (z > far) far = z; }
  }
  const names = group.objects.map((o) => o.name);

  const html: string[] = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`,
    `<title>${gid} — spatialkit view</title><style>${STYLE}</style></head><body>`,
    `<h1>${gid} of ${esc(path.basename(path.resolve(dir)))} — seed ${esc(config.seed)}, ${esc(group.split)} split, role ${esc(group.role)}</h1>`,
    '<h2 id="objects">Objects</h2><table id="legend"><tr><th>colour</th><th>#</th><th>name</th><th>category</th><th>kind</th><th>centre (m)</th><th>size (m)</th><th>yaw s0 / s1</th></tr>',
    ...group.objects.map((o, i) => `<tr class="legend-row" data-object="${i}"><td><span class="swatch" style="background:${COLORS[i % COLORS.length]}"></span> ${COLORS[i % COLORS.length]}</td>` +
      `<td>${i}</td><td>${esc(o.name)}</td><td>${esc(o.category)}</td><td>${esc(o.kind)}</td><td>${o.position.map((v) => v.toFixed(2)).join(', ')}</td>` +
      `<td>${o.size.map((v) => v.toFixed(2)).join(' × ')}</td><td>${group.yaws[0][i]}° / ${group.yaws[1][i]}°</td></tr>`),
    `</table><p>Background: <span class="swatch" style="background:${VIEW_BACKGROUND}"></span> ${VIEW_BACKGROUND} in the masks, black in the depth views.</p>`,
    `<h2 id="top">Top-down view</h2>${svg(group)}`,
    `<h2 id="views">Camera views</h2><p>${group.images.length} images (2 subgroups × ${group.cameras.length} cameras) at ${W} × ${H} pixels ` +
      `(image ${image[0]} × ${image[1]}): instance mask (colours as above) and depth (camera z from ${near === Infinity ? '–' : near.toFixed(2)} m, bright, ` +
      `to ${far === -Infinity ? '–' : far.toFixed(2)} m, dark). Absolute relations: front ${esc(config.absolute.front)}, frame ${esc(config.absolute.frame)}.</p>`,
  ];
  const n = W * H;
  group.images.forEach((im, k) => {
    const rec = byImage.get(im.id)!;
    const pics = viewImages(instance.subarray(k * n, (k + 1) * n), depth.subarray(k * n, (k + 1) * n), W, H, near, far);
    const status = rec.kept === false ? `<span class="dropped">dropped</span> (${(rec.drop as string[] ?? []).map(esc).join(', ')})` : '<span class="kept">kept</span>';
    const vis = (rec.visibility as Rec[] | undefined)?.map((v) => `<tr><td>${esc(names[v.object])}</td><td>${v.pixels}</td><td>${v.visibleFraction}</td><td>${v.inFrame}</td></tr>`).join('') ?? '';
    const caps = (rec.captions as Rec[]).map((c) => `<li class="caption">[${esc(c.viewpoint)}] ${esc(c.text)}</li>`).join('');
    const qs = qa.filter((q) => q.image === im.id).map((q) => `<li class="qa"><span class="q">${esc(q.question)}</span> → <b class="a">${esc(q.answer)}</b> <small>(${esc(q.viewpoint)}, ${esc(q.task)})</small></li>`).join('');
    html.push(`<section class="image" id="${im.id}" data-kept="${rec.kept !== false}"><div class="pics">` +
      `<img class="mask" alt="instance mask of ${im.id}" width="${W}" height="${H}" src="${pics.mask}">` +
      `<img class="depth" alt="depth of ${im.id}" width="${W}" height="${H}" src="${pics.depth}"></div>` +
      `<div class="text"><h3>${im.id} — subgroup ${im.subgroup}, camera ${im.camera} (azimuth ${group.cameras[im.camera].azimuth}°): ${status}</h3>` +
      (vis ? `<table class="visibility"><tr><th>object</th><th>visible pixels</th><th>visible fraction</th><th>in frame</th></tr>${vis}</table>` : '') +
      `<table class="relations"><tr><th></th><th>relation</th><th>cardinal</th><th>clock</th><th>angle</th></tr>${relationRows(im.relative, names, true)}${relationRows(im.absolute, names, false)}</table>` +
      `<div>Captions (${(rec.captions as Rec[]).length}):<ul class="captions">${caps}</ul></div>` +
      `<div>QA (${qa.filter((q) => q.image === im.id).length}):<ul class="qas">${qs}</ul></div></div></section>`);
  });

  // One colour scale for every matrix (from the lowest score on the page to the highest), so the encodings compare.
  const positions = Float32Array.from(group.objects.flatMap((o) => o.position));
  const matrices = ENCODINGS.map((enc) => scoreMatrix(enc, positions));
  const lo = Math.min(...matrices.flatMap((m) => [...m])), hi = Math.max(...matrices.flatMap((m) => [...m]));
  html.push('<h2 id="scores">Attention scores between the objects</h2>',
    '<p>G[i, j] = ⟨f(v, p<sub>i</sub>), f(v, p<sub>j</sub>)⟩ / |v|² at the objects\' box centres (sk.rope.scoreMatrix; 1 on the diagonal). ' +
    `One colour scale for all: ${colourBar(lo, hi)} An exactly relative encoding scores two pairs with the same offset alike.</p><div class="heats">`);
  ENCODINGS.forEach((enc, e) => html.push(`<figure><figcaption>${esc(ENCODING_NOTES[enc])}</figcaption>${heatMap(enc, matrices[e], names, lo, hi)}</figure>`));
  html.push('</div></body></html>', '');

  const out = opts.out ?? path.join(dir, 'view', `${gid}.html`);
  makeDir(path.dirname(out), opts.out === undefined ? 'view' : '--out');
  try { writeAtomic(out, html.join('\n')); } catch (e) { throw new UsageError((e as Error).message); }  // names the file
  return { file: out, group: g };
}

/** A path as the closing line shows it: relative to the working folder when inside it, else absolute. */
export function shownPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** `--group 12` or `--group g000012`. */
function parseGroup(v: string): number {
  const m = /^(?:g)?(\d{1,15})$/.exec(v.trim());
  if (!m) throw new UsageError(`--group expects a group number (e.g. 12) or id (g000012) but received '${v}'`);
  return Number(m[1]);
}

function parseRes(v: string): [number, number] {
  const m = /^(\d{1,5})x(\d{1,5})$/i.exec(v.trim());
  // 1024 per side bounds the cast's maps (16 views × 1024² × 8 bytes = 128 MiB) and the page.
  if (!m || +m[1] < 1 || +m[2] < 1 || +m[1] > 1024 || +m[2] > 1024) throw new UsageError(`--res expects WxH with integers in [1, 1024], e.g. 256x256, but received '${v}'`);
  return [+m[1], +m[2]];
}

export async function run(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>, positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS }));
  } catch (e) {
    console.error(`spatialkit view: ${(e as Error).message}\nRun \`spatialkit view --help\` for the options.`);
    return 2;
  }
  if (values.help) { console.log(USAGE); return 0; }
  try {
    if (positionals.length !== 1) throw new UsageError(`expects one folder (the --out of spatialkit rotate) but received ${positionals.length}: spatialkit view DIR [--group G] [--out FILE]`);
    const dir = path.resolve(positionals[0]);
    const t0 = performance.now();
    const { file, group } = await writeView(dir, {
      group: values.group === undefined ? undefined : parseGroup(values.group as string),
      out: values.out === undefined ? undefined : path.resolve(values.out as string),
      res: values.res === undefined ? undefined : parseRes(values.res as string),
    });
    console.log(`Wrote ${shownPath(file)} (${groupId(group)}, ${(fs.statSync(file).size / 1024).toFixed(0)} kB, ${((performance.now() - t0) / 1000).toFixed(2)} s)`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) { console.error(`spatialkit view: ${e.message}`); return 2; }
    throw e;
  }
}
