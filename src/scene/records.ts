// JSONL records of a group (what `spatialkit rotate` writes) and the counts behind its summary.
// Field order is fixed and numbers are rounded to fixed precision, so the bytes depend only on
// the seed, the options and the version.
import type { Group, RelationRecord } from './generate.js';
import { groupId } from './generate.js';
import { captions, qa, sdg, type CaptionRecord, type QARecord, type SDGRecord } from './text.js';
import type { TextOptions } from './preset.js';
import { CARDINALS } from './relations.js';
import { DROP_CAUSES, type ImageVisibility } from './visibility.js';
import { jsonNumber, jsonString, jsonWith } from './json.js';

/** Camera numbers are float32: six decimals keep them exact to their precision and short. */
const r6 = (v: number): number => Math.round(v * 1e6) / 1e6;
/**
 * Angles are floored to 0.001°: every sector boundary is a multiple of 0.5°, so flooring never
 * moves an angle across one and the written angle always gives the written labels.
 */
const a3 = (v: number): number => Math.floor(v * 1000) / 1000;

// Image lines are concatenated from JSON fragments (each relation list once per subgroup and camera,
// not once per image); test/scene-json.test.ts holds every line to JSON.stringify of the record.
const str = jsonString, num = jsonNumber;

function relationJson(r: RelationRecord): string {
  return `{${r.viewer !== undefined ? `"viewer":${num(r.viewer)},` : ''}"target":${num(r.target)},"reference":${num(r.reference)},"objects":${num(r.objects)},` +
    `"angle":${num(a3(r.angle))},"cardinal":${str(r.cardinal)},"clock":${num(r.clock)}}`;
}

function captionJson(c: CaptionRecord): string {
  return `{"viewpoint":${str(c.viewpoint)},"objects":${num(c.objects)},${c.viewer !== undefined ? `"viewer":${num(c.viewer)},` : ''}"target":${num(c.target)},` +
    `"reference":${num(c.reference)},"cardinal":${str(c.cardinal)},"clock":${num(c.clock)},"text":${str(c.text)}}`;
}

/** `gltf`: the group's .glb path (`rotate --gltf`). */
export function sceneLine(g: Group, files: { gltf?: string } = {}): string {
  return JSON.stringify(sceneRecord(g, files));
}

/** The scenes.jsonl record of a group, as an object (what {@link sceneLine} writes). */
export function sceneRecord(g: Group, files: { gltf?: string } = {}): Record<string, unknown> {
  return {
    group: g.group,
    id: groupId(g.group),
    role: g.role,
    split: g.split,
    ...(files.gltf !== undefined ? { gltf: files.gltf } : {}),
    objects: g.objects.map((o) => ({ id: o.id, category: o.category, kind: o.kind, name: o.name, position: o.position, yaw: o.yaw, size: o.size })),
    subgroups: g.yaws.map((yaw, s) => ({ subgroup: s, yaw })),
    cameras: g.cameras.map((c, k) => ({
      camera: k, azimuth: c.azimuth, position: c.position.map(r6), target: c.target,
      K: Array.from(c.K, r6), R: Array.from(c.R, r6), t: Array.from(c.t, r6),
    })),
  };
}

/** The counts a run accumulates (additive over groups, so shards merge by summing). */
export interface Counts {
  groups: number;
  images: number;
  objectsPerGroup: Record<string, number>;
  kinds: Record<string, number>;
  /** Groups by role and by split. */
  roles: Record<string, number>;
  splits: Record<string, number>;
  relations: Record<string, number>;
  /** Images that got captions / QA. */
  textImages: { captions: number; qa: number };
  /** Images the visibility filter kept and dropped (all kept when it is off). */
  kept: { images: number; dropped: number };
  /** Dropped images by cause (an image may have several). */
  drops: Record<string, number>;
  /** Captions by viewpoint and object count (each states cardinal and clock: counted once, as the paper counts). */
  captions: Record<string, number>;
  qa: Record<string, number>;
  /** Captions / questions whose text repeats an earlier one of the same image (0 unless a plan asks for more than there are wordings). */
  repeats: { captions: number; qa: number };
  sdg: Record<string, number>;
  answers: Record<string, Record<string, number>>;
  records: Record<string, number>;
}

export function emptyCounts(): Counts {
  const answers: Counts['answers'] = {};
  for (const v of ['relative', 'absolute']) {
    answers[`${v} judgement cardinal`] = { yes: 0, no: 0 };
    answers[`${v} judgement clock`] = { yes: 0, no: 0 };
    answers[`${v} prediction cardinal`] = Object.fromEntries(CARDINALS.map((c) => [c, 0]));
    answers[`${v} prediction clock`] = Object.fromEntries(Array.from({ length: 12 }, (_, h) => [String(h + 1), 0]));
  }
  // Every key up front, in a fixed order, so JSON of the counts does not depend on which record
  // happened to come first (a merged shard manifest equals the unsharded one).
  const qa: Record<string, number> = {};
  for (const v of ['relative', 'absolute']) {
    for (const t of ['judgement', 'prediction']) for (const r of ['cardinal', 'clock']) qa[`${v} ${t} ${r}`] = 0;
    qa[`${v} 2-object`] = 0; qa[`${v} 3-object`] = 0;
  }
  return {
    groups: 0, images: 0, objectsPerGroup: {}, kinds: { directed: 0, used: 0, none: 0 },
    roles: { captions: 0, qa: 0, both: 0 }, splits: { train: 0, val: 0, test: 0 },
    relations: { 'relative 2-object': 0, 'relative 3-object': 0, absolute: 0 },
    textImages: { captions: 0, qa: 0 },
    kept: { images: 0, dropped: 0 }, drops: Object.fromEntries(DROP_CAUSES.map((c) => [c, 0])),
    captions: { 'relative 2-object': 0, 'relative 3-object': 0, absolute: 0 }, qa, repeats: { captions: 0, qa: 0 },
    sdg: { 'same-subgroup cardinal': 0, 'same-subgroup clock': 0, 'same-camera cardinal': 0, 'same-camera clock': 0 },
    answers, records: { scenes: 0, images: 0, qa: 0, sdg: 0 },
  };
}

type Tally = { [k: string]: number | Tally };
/** Adds b into a, key by key at every depth (shard merge). */
export function addCounts(a: Counts, b: Counts): Counts {
  const add = (x: Tally, y: Tally): void => {
    for (const [k, v] of Object.entries(y)) {
      if (typeof v === 'number') x[k] = ((x[k] as number | undefined) ?? 0) + v;
      else add((x[k] ??= {}) as Tally, v);
    }
  };
  add(a as unknown as Tally, b as unknown as Tally);
  return a;
}

const inc = (o: Record<string, number>, k: string, n = 1): void => { o[k] = (o[k] ?? 0) + n; };
/** The count key `${a} ${b}`, made once per pair: a template string per record cost a fresh string and its hash on every count. */
const KEYS: Record<string, Record<string, string>> = Object.create(null);
const key = (a: string, b: string): string => ((KEYS[a] ??= Object.create(null) as Record<string, string>)[b] ??= `${a} ${b}`);
const N_OBJECT: Record<number, string> = { 2: '2-object', 3: '3-object' };
const nObject = (n: number): string => N_OBJECT[n] ?? `${n}-object`;

/** What a group's records carry beyond the group itself. */
export interface LineOptions {
  /** Options of the caption and QA text (preset, overrides, kept images). */
  text?: TextOptions;
  /** Per camera, the ray map file an image line names (`spatialkit rotate --rays`). */
  rays?: readonly string[];
  /** Per image (the group's `images` order), its visibility record and the filter's decision; `text.kept` must agree. */
  visibility?: readonly ImageVisibility[];
  /** Name the instance mask and depth files of kept images (`rotate --masks`) and the group's .glb (`--gltf`). */
  files?: { masks?: boolean; gltf?: boolean };
  /** Also return the records as objects (`rows`): what each line holds, for `rotate --format parquet`. */
  rows?: boolean;
}

/** The lines of a group per file, and with `rows` its records as objects. */
export interface GroupLines { scenes: string; images: string; qa: string; sdg: string; rows?: Record<'scenes' | 'images' | 'qa' | 'sdg', Record<string, unknown>[]> }

/** Where `rotate --masks` writes an image's instance mask and depth map (relative to the output folder). */
export const maskFiles = (image: string): { mask: string; depth: string } => {
  const dir = `masks/${image.slice(0, image.indexOf('-'))}`;
  return { mask: `${dir}/${image}.png`, depth: `${dir}/${image}.depth.npy` };
};
/** Where `rotate --gltf` writes a group's .glb. */
export const gltfFile = (group: number): string => `gltf/${groupId(group)}.glb`;

/** How many texts of a list repeat an earlier one. */
function repeats(texts: readonly string[]): number {
  return texts.length - new Set(texts).size;
}

/**
 * The JSONL lines of one group, per file, and its counts added to `counts`. The group's role
 * decides which text its images get: captions, QA, or both.
 */
export function groupLines(g: Group, counts: Counts, opts: LineOptions = {}): GroupLines {
  counts.groups++;
  inc(counts.objectsPerGroup, String(g.objects.length));
  for (const o of g.objects) inc(counts.kinds, o.kind);
  inc(counts.roles, g.role);
  inc(counts.splits, g.split);
  const withCaptions = g.role !== 'qa', withQA = g.role !== 'captions';
  const caps = withCaptions ? captions(g, opts.text) : [];
  const byImage = new Map<string, CaptionRecord[]>();
  for (const c of caps) {
    let list = byImage.get(c.image);
    if (!list) byImage.set(c.image, (list = []));
    list.push(c);
    inc(counts.captions, c.viewpoint === 'absolute' ? 'absolute' : key('relative', nObject(c.objects)));
  }
  for (const list of byImage.values()) counts.repeats.captions += repeats(list.map((c) => c.text));
  counts.textImages.captions += byImage.size;
  // Relation JSON is shared: relative per subgroup, absolute per camera.
  const relJson = g.relative.map((rs) => `[${rs.map(relationJson).join(',')}]`);
  const absJson = g.absolute.map((rs) => `[${rs.map(relationJson).join(',')}]`);
  const yawJson = g.yaws.map((y) => JSON.stringify(y));
  const split = str(g.split);
  const images: string[] = [];
  const kept = opts.text?.kept;
  g.images.forEach((img, k) => {
    counts.images++;
    for (const r of img.relative) inc(counts.relations, key('relative', nObject(r.objects)));
    inc(counts.relations, 'absolute', img.absolute.length);
    let line = `{"image":${str(img.id)},"group":${num(img.group)},"subgroup":${num(img.subgroup)},"camera":${num(img.camera)},"split":${split},"yaw":${yawJson[img.subgroup]}`;
    const rays = opts.rays?.[img.camera];
    if (rays !== undefined) line += `,"rays":${str(rays)}`;
    const isKept = kept?.[k] ?? true;
    line += `,"kept":${isKept}`;
    if (isKept) counts.kept.images++;
    else counts.kept.dropped++;
    const vis = opts.visibility?.[k];
    if (vis) {
      if (vis.kept !== isKept) throw new Error(`image ${img.id}: the visibility decision and \`kept\` disagree`);
      if (!isKept) line += `,"drop":${JSON.stringify(vis.drop)}`;
      for (const c of vis.drop) inc(counts.drops, c);
    }
    if (isKept && opts.files?.masks) {
      const f = maskFiles(img.id);
      line += `,"mask":${str(f.mask)},"depth":${str(f.depth)}`;
    }
    if (vis) line += `,"visibility":${JSON.stringify(vis.objects)}`;
    line += `,"relations":{"relative":${relJson[img.subgroup]},"absolute":${absJson[img.camera]}},"captions":[`;
    const list = byImage.get(img.id);
    if (list) line += list.map(captionJson).join(',');
    images.push(line + ']}');
  });
  const qs: QARecord[] = withQA ? qa(g, opts.text) : [];
  const qaByImage = new Map<string, string[]>();
  for (const q of qs) {
    const k = key(key(q.viewpoint, q.task), q.relation);
    inc(counts.qa, k);
    inc(counts.qa, key(q.viewpoint, nObject(q.objects)));
    inc(counts.answers[k], q.answer);
    let list = qaByImage.get(q.image);
    if (!list) qaByImage.set(q.image, (list = []));
    list.push(q.question);
  }
  for (const list of qaByImage.values()) counts.repeats.qa += repeats(list);
  counts.textImages.qa += qaByImage.size;
  const ds: SDGRecord[] = sdg(g, kept ? { kept } : {});
  for (const d of ds) inc(counts.sdg, key(d.kind, d.relation));
  inc(counts.records, 'scenes');
  inc(counts.records, 'images', images.length);
  inc(counts.records, 'qa', qs.length);
  inc(counts.records, 'sdg', ds.length);
  const scene = sceneRecord(g, opts.files?.gltf ? { gltf: gltfFile(g.group) } : {});
  return {
    scenes: JSON.stringify(scene) + '\n',
    images: images.join('\n') + '\n',
    qa: qs.length ? qs.map((q) => jsonWith(q, 'split', g.split)).join('\n') + '\n' : '',
    sdg: ds.length ? ds.map((d) => jsonWith(d, 'split', g.split)).join('\n') + '\n' : '',
    // The rows are the lines read back, so that a Parquet row holds exactly what its JSONL line does.
    ...(opts.rows ? { rows: { scenes: [scene], images: images.map((l) => JSON.parse(l) as Record<string, unknown>), qa: qs.map((q) => ({ ...q, split: g.split })), sdg: ds.map((d) => ({ ...d, split: g.split })) } } : {}),
  };
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const pct = (n: number, d: number): string => (d ? `${((100 * n) / d).toFixed(1)}%` : '—');
const pair = (a: number, b: number): string => (a + b ? `${((100 * a) / (a + b)).toFixed(1)} / ${((100 * b) / (a + b)).toFixed(1)} %` : '—');
const per = (n: number, d: number): string => (d ? (n / d).toFixed(1) : '—');

/**
 * The ROTATE paper's figures (Tables 1, 7–9, as issue 12 lists them), in the units of the
 * comparison table: shares in percent as "a / b", counts per image.
 */
export const PAPER_FIGURES = {
  groups: '90 / 10 % (9,000 / 1,000)',
  captionsPerImage: '12–13',
  captionViewpoints: '50 / 50 %',
  captionTerms: '100 %',
  captions3: '32 %',
  questionsPerImage: '≈ 40',
  qaViewpoints: '52 / 48 %',
  qaObjects: '81 / 19 %',
  qaTasks: '66.7 / 33.3 % (2 : 1)',
  qaRelations: '50 / 50 %',
  yesNo: '50 / 50 %',
  repeats: '0',
} as const;

/** The visibility filter's settings, for the summary (null: the filter was off). */
export interface FilterSettings { res: readonly number[]; minVisible: number; minPixels: number }

/** The visibility filter's counts beside the paper's VLM filter, as Markdown lines. */
function filterLines(c: Counts, filter: FilterSettings | null): string[] {
  const lines = ['## Visibility filter (in place of the paper\'s VLM judge)', ''];
  if (!filter) return [...lines, `Off (\`--visibility-res off\`): all ${fmt(c.images)} images kept.`, ''];
  const n = c.kept.images + c.kept.dropped, F = `${+(100 * filter.minVisible).toFixed(2)} %`;
  return [...lines,
    `Every object of a kept image has at least ${fmt(filter.minPixels)} visible pixels, at least ${F} of it unoccluded and at least ${F} of its box in the frame ` +
      `(visibility cast at ${filter.res.join('x')}). A dropped image counts under each cause it has.`, '',
    '| images | count | share |', '|---|---:|---:|',
    `| kept | ${fmt(c.kept.images)} | ${pct(c.kept.images, n)} |`,
    `| dropped | ${fmt(c.kept.dropped)} | ${pct(c.kept.dropped, n)} |`,
    `| — an object with under ${fmt(filter.minPixels)} visible pixels (too-small) | ${fmt(c.drops['too-small'] ?? 0)} | ${pct(c.drops['too-small'] ?? 0, n)} |`,
    `| — an object less than ${F} unoccluded (occluded) | ${fmt(c.drops.occluded ?? 0)} | ${pct(c.drops.occluded ?? 0, n)} |`,
    `| — an object less than ${F} in the frame (out-of-frame) | ${fmt(c.drops['out-of-frame'] ?? 0)} | ${pct(c.drops['out-of-frame'] ?? 0, n)} |`,
    '| ROTATE paper: kept by a 26 B-parameter VLM | 48 K of 160 K | 30 % |', ''];
}

/**
 * The run summary as Markdown: our figures beside the paper's (captions counted as the paper
 * counts them: one per sentence, which states both the cardinal and the clock term), the
 * visibility filter's counts, a Table-1-style overview and the answer distributions (ROTATE Tables 7–9).
 */
export function summary(c: Counts, title: string, filter: FilterSettings | null = null): string {
  const q = (v: string, t: string, r: string): number => c.qa[`${v} ${t} ${r}`] ?? 0;
  const row = (label: string, rel: number, abs: number): string => `| ${label} | ${fmt(rel)} | ${fmt(abs)} | ${fmt(rel + abs)} |`;
  const sdg = (k: string): number => (c.sdg[`${k} cardinal`] ?? 0) + (c.sdg[`${k} clock`] ?? 0);
  const capRel = (c.captions['relative 2-object'] ?? 0) + (c.captions['relative 3-object'] ?? 0), capAbs = c.captions.absolute ?? 0;
  const capAll = capRel + capAbs;
  const qv = (v: string): number => q(v, 'judgement', 'cardinal') + q(v, 'judgement', 'clock') + q(v, 'prediction', 'cardinal') + q(v, 'prediction', 'clock');
  const qRel = qv('relative'), qAbs = qv('absolute');
  const sum = (f: (v: string) => number): number => f('relative') + f('absolute');
  const judge = sum((v) => q(v, 'judgement', 'cardinal') + q(v, 'judgement', 'clock')), predict = sum((v) => q(v, 'prediction', 'cardinal') + q(v, 'prediction', 'clock'));
  const cardinal = sum((v) => q(v, 'judgement', 'cardinal') + q(v, 'prediction', 'cardinal')), clock = sum((v) => q(v, 'judgement', 'clock') + q(v, 'prediction', 'clock'));
  const yn = (a: 'yes' | 'no'): number => sum((v) => (c.answers[`${v} judgement cardinal`]?.[a] ?? 0) + (c.answers[`${v} judgement clock`]?.[a] ?? 0));
  const q3 = (c.qa['relative 3-object'] ?? 0) + (c.qa['absolute 3-object'] ?? 0);
  const capGroups = (c.roles.captions ?? 0) + (c.roles.both ?? 0), qaGroups = (c.roles.qa ?? 0) + (c.roles.both ?? 0);
  const P = PAPER_FIGURES;
  const lines = [
    `# ${title}`, '',
    `Groups: ${fmt(c.groups)} (${Object.entries(c.objectsPerGroup).sort().map(([n, k]) => `${fmt(k)} with ${n} objects`).join(', ') || 'none'}); ` +
      `images: ${fmt(c.images)}; objects by kind: ${Object.entries(c.kinds).map(([k, n]) => `${k} ${fmt(n)}`).join(', ')}; ` +
      `splits: ${Object.entries(c.splits).map(([k, n]) => `${k} ${fmt(n)}`).join(', ')} groups.`, '',
    ...filterLines(c, filter),
    '## Against the ROTATE paper', '',
    '| figure | this run | paper |', '|---|---:|---:|',
    `| groups with captions / with QA | ${pair(capGroups, qaGroups)} (${fmt(capGroups)} / ${fmt(qaGroups)}) | ${P.groups} |`,
    `| captions per captioned image | ${per(capAll, c.textImages.captions)} | ${P.captionsPerImage} |`,
    `| captions relative / absolute | ${pair(capRel, capAbs)} | ${P.captionViewpoints} |`,
    `| captions stating cardinal and clock | ${capAll ? '100 %' : '—'} | ${P.captionTerms} |`,
    `| captions about 3 objects | ${pct(c.captions['relative 3-object'] ?? 0, capAll)} | ${P.captions3} |`,
    `| questions per image with QA | ${per(qRel + qAbs, c.textImages.qa)} | ${P.questionsPerImage} |`,
    `| QA relative / absolute | ${pair(qRel, qAbs)} | ${P.qaViewpoints} |`,
    `| QA 2-object / 3-object | ${pair(qRel + qAbs - q3, q3)} | ${P.qaObjects} |`,
    `| QA judgement / prediction | ${pair(judge, predict)} | ${P.qaTasks} |`,
    `| QA cardinal / clock | ${pair(cardinal, clock)} | ${P.qaRelations} |`,
    `| judgement yes / no | ${pair(yn('yes'), yn('no'))} | ${P.yesNo} |`,
    `| repeated questions within an image | ${fmt(c.repeats.qa)} | ${P.repeats} |`,
    '',
    '## Table 1 — data by perspective', '',
    '| | relative | absolute | total |', '|---|---:|---:|---:|',
    row('relations (per image, summed)', (c.relations['relative 2-object'] ?? 0) + (c.relations['relative 3-object'] ?? 0), c.relations.absolute ?? 0),
    row('captions with 2 objects', c.captions['relative 2-object'] ?? 0, capAbs),
    row('captions with 3 objects', c.captions['relative 3-object'] ?? 0, 0),
    row('QA judgement, cardinal', q('relative', 'judgement', 'cardinal'), q('absolute', 'judgement', 'cardinal')),
    row('QA judgement, clock', q('relative', 'judgement', 'clock'), q('absolute', 'judgement', 'clock')),
    row('QA prediction, cardinal', q('relative', 'prediction', 'cardinal'), q('absolute', 'prediction', 'cardinal')),
    row('QA prediction, clock', q('relative', 'prediction', 'clock'), q('absolute', 'prediction', 'clock')),
    row('QA with 2 objects', c.qa['relative 2-object'] ?? 0, c.qa['absolute 2-object'] ?? 0),
    row('QA with 3 objects', c.qa['relative 3-object'] ?? 0, c.qa['absolute 3-object'] ?? 0),
    row('SDG pairs (that perspective unchanged)', sdg('same-subgroup'), sdg('same-camera')),
    '',
  ];
  const hist = (key: string, labels: string[]): string => {
    const h = c.answers[key] ?? {};
    const tot = labels.reduce((s, l) => s + (h[l] ?? 0), 0);
    return `| ${key.split(' ')[0]} | ${labels.map((l) => `${fmt(h[l] ?? 0)} (${pct(h[l] ?? 0, tot)})`).join(' | ')} | ${fmt(tot)} |`;
  };
  const table = (name: string, suffix: string, labels: string[]): void => {
    lines.push(`## ${name}`, '', `| | ${labels.join(' | ')} | total |`, `|---|${labels.map(() => '---:').join('|')}|---:|`);
    for (const v of ['relative', 'absolute']) lines.push(hist(`${v} ${suffix}`, labels));
    lines.push('');
  };
  lines.push('## Table 7 — judgement answers', '', '| | relation | yes | no | total |', '|---|---|---:|---:|---:|');
  for (const v of ['relative', 'absolute']) {
    for (const r of ['cardinal', 'clock']) {
      const h = c.answers[`${v} judgement ${r}`] ?? {};
      const tot = (h.yes ?? 0) + (h.no ?? 0);
      lines.push(`| ${v} | ${r} | ${fmt(h.yes ?? 0)} (${pct(h.yes ?? 0, tot)}) | ${fmt(h.no ?? 0)} (${pct(h.no ?? 0, tot)}) | ${fmt(tot)} |`);
    }
  }
  lines.push('');
  table('Table 8 — cardinal prediction answers', 'prediction cardinal', [...CARDINALS]);
  table('Table 9 — clock prediction answers', 'prediction clock', Array.from({ length: 12 }, (_, h) => String(h + 1)));
  return lines.join('\n');
}
