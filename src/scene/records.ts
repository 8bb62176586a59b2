// JSONL records of a group (what `spatialkit rotate` writes) and the counts behind its summary.
// Field order is fixed and numbers are rounded to fixed precision, so the bytes depend only on
// the seed, the options and the version.
import type { Group, RelationRecord } from './generate.js';
import { groupId } from './generate.js';
import { captions, qa, sdg, type CaptionRecord, type QAOptions, type QARecord, type SDGRecord } from './text.js';
import { CARDINALS } from './relations.js';

/** Camera numbers are float32: six decimals keep them exact to their precision and short. */
const r6 = (v: number): number => Math.round(v * 1e6) / 1e6;
/**
 * Angles are floored to 0.001°: every sector boundary is a multiple of 0.5°, so flooring never
 * moves an angle across one and the written angle always gives the written labels.
 */
const a3 = (v: number): number => Math.floor(v * 1000) / 1000;

function relationJson(r: RelationRecord): object {
  const o: Record<string, unknown> = {};
  if (r.viewer !== undefined) o.viewer = r.viewer;
  o.target = r.target; o.reference = r.reference; o.objects = r.objects;
  o.angle = a3(r.angle); o.cardinal = r.cardinal; o.clock = r.clock;
  return o;
}

export function sceneLine(g: Group): string {
  return JSON.stringify({
    group: g.group,
    id: groupId(g.group),
    objects: g.objects.map((o) => ({ id: o.id, category: o.category, kind: o.kind, name: o.name, position: o.position, yaw: o.yaw, size: o.size })),
    subgroups: g.yaws.map((yaw, s) => ({ subgroup: s, yaw })),
    cameras: g.cameras.map((c, k) => ({
      camera: k, azimuth: c.azimuth, position: c.position.map(r6), target: c.target,
      K: Array.from(c.K, r6), R: Array.from(c.R, r6), t: Array.from(c.t, r6),
    })),
  });
}

/** The counts a run accumulates (additive over groups, so shards merge by summing). */
export interface Counts {
  groups: number;
  images: number;
  objectsPerGroup: Record<string, number>;
  kinds: Record<string, number>;
  relations: Record<string, number>;
  captions: Record<string, number>;
  qa: Record<string, number>;
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
  const VP = ['relative', 'absolute'], RT = ['cardinal', 'clock'];
  const qa: Record<string, number> = {}, captions: Record<string, number> = {};
  for (const v of VP) {
    for (const t of ['judgement', 'prediction']) for (const r of RT) qa[`${v} ${t} ${r}`] = 0;
    qa[`${v} 2-object`] = 0; qa[`${v} 3-object`] = 0;
    for (const r of RT) captions[`${v} ${r}`] = 0;
  }
  return {
    groups: 0, images: 0, objectsPerGroup: {}, kinds: { directed: 0, used: 0, none: 0 },
    relations: { 'relative 2-object': 0, 'relative 3-object': 0, absolute: 0 }, captions, qa,
    sdg: { 'same-subgroup cardinal': 0, 'same-subgroup clock': 0, 'same-camera cardinal': 0, 'same-camera clock': 0 },
    answers, records: { scenes: 0, images: 0, qa: 0, sdg: 0 },
  };
}

const inc = (o: Record<string, number>, k: string, n = 1): void => { o[k] = (o[k] ?? 0) + n; };

/** Adds b into a (shard merge). */
export function addCounts(a: Counts, b: Counts): Counts {
  a.groups += b.groups; a.images += b.images;
  for (const k of ['objectsPerGroup', 'kinds', 'relations', 'captions', 'qa', 'sdg', 'records'] as const) {
    for (const [key, n] of Object.entries(b[k])) inc(a[k], key, n);
  }
  for (const [key, h] of Object.entries(b.answers)) {
    a.answers[key] ??= {};
    for (const [label, n] of Object.entries(h)) inc(a.answers[key], label, n);
  }
  return a;
}

/** The JSONL lines of one group, per file, and its counts added to `counts`. */
export function groupLines(g: Group, counts: Counts, qaOpts: QAOptions = {}): { scenes: string; images: string; qa: string; sdg: string } {
  counts.groups++;
  inc(counts.objectsPerGroup, String(g.objects.length));
  for (const o of g.objects) inc(counts.kinds, o.kind);
  const caps = captions(g);
  const byImage = new Map<string, CaptionRecord[]>();
  for (const c of caps) {
    let list = byImage.get(c.image);
    if (!list) byImage.set(c.image, (list = []));
    list.push(c);
    inc(counts.captions, `${c.viewpoint} ${c.relation}`);
  }
  // Relation JSON is shared: relative per subgroup, absolute per camera.
  const relJson = g.relative.map((rs) => rs.map(relationJson));
  const absJson = g.absolute.map((rs) => rs.map(relationJson));
  const images: string[] = [];
  for (const img of g.images) {
    counts.images++;
    for (const r of img.relative) inc(counts.relations, `relative ${r.objects}-object`);
    inc(counts.relations, 'absolute', img.absolute.length);
    images.push(JSON.stringify({
      image: img.id, group: img.group, subgroup: img.subgroup, camera: img.camera, yaw: g.yaws[img.subgroup],
      relations: { relative: relJson[img.subgroup], absolute: absJson[img.camera] },
      captions: (byImage.get(img.id) ?? []).map((c) => {
        const o: Record<string, unknown> = { viewpoint: c.viewpoint, relation: c.relation, objects: c.objects };
        if (c.viewer !== undefined) o.viewer = c.viewer;
        o.target = c.target; o.reference = c.reference; o.text = c.text;
        return o;
      }),
    }));
  }
  const qs: QARecord[] = qa(g, qaOpts);
  for (const q of qs) {
    inc(counts.qa, `${q.viewpoint} ${q.task} ${q.relation}`);
    inc(counts.qa, `${q.viewpoint} ${q.objects}-object`);
    inc(counts.answers[`${q.viewpoint} ${q.task} ${q.relation}`], q.answer);
  }
  const ds: SDGRecord[] = sdg(g);
  for (const d of ds) inc(counts.sdg, `${d.kind} ${d.relation}`);
  inc(counts.records, 'scenes');
  inc(counts.records, 'images', images.length);
  inc(counts.records, 'qa', qs.length);
  inc(counts.records, 'sdg', ds.length);
  return {
    scenes: sceneLine(g) + '\n',
    images: images.join('\n') + '\n',
    qa: qs.length ? qs.map((q) => JSON.stringify(q)).join('\n') + '\n' : '',
    sdg: ds.length ? ds.map((d) => JSON.stringify(d)).join('\n') + '\n' : '',
  };
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const pct = (n: number, d: number): string => (d ? `${((100 * n) / d).toFixed(1)}%` : '—');

/** The run summary as Markdown: a Table-1-style overview and the answer distributions (ROTATE Tables 7–9). */
export function summary(c: Counts, title: string): string {
  const q = (v: string, t: string, r: string): number => c.qa[`${v} ${t} ${r}`] ?? 0;
  const row = (label: string, rel: number, abs: number): string => `| ${label} | ${fmt(rel)} | ${fmt(abs)} | ${fmt(rel + abs)} |`;
  const capR = (v: string, r: string): number => c.captions[`${v} ${r}`] ?? 0;
  const sdg = (k: string): number => (c.sdg[`${k} cardinal`] ?? 0) + (c.sdg[`${k} clock`] ?? 0);
  const lines = [
    `# ${title}`, '',
    `Groups: ${fmt(c.groups)} (${Object.entries(c.objectsPerGroup).sort().map(([n, k]) => `${fmt(k)} with ${n} objects`).join(', ') || 'none'}); ` +
      `images: ${fmt(c.images)}; objects by kind: ${Object.entries(c.kinds).map(([k, n]) => `${k} ${fmt(n)}`).join(', ')}.`, '',
    '## Table 1 — data by perspective', '',
    '| | relative | absolute | total |', '|---|---:|---:|---:|',
    row('relations (per image, summed)', (c.relations['relative 2-object'] ?? 0) + (c.relations['relative 3-object'] ?? 0), c.relations.absolute ?? 0),
    row('captions, cardinal', capR('relative', 'cardinal'), capR('absolute', 'cardinal')),
    row('captions, clock', capR('relative', 'clock'), capR('absolute', 'clock')),
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
