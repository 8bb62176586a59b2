// Captions, QA and Spatial-Difference-Generation pairs from templates (words in templates.ts,
// counts in preset.ts). A sentence is a perspective clause (whose frame; for a 'used' object
// with a main-object clause naming its user) and a relation phrase. Every choice draws from the
// group's own seeded streams, so text depends only on (seed, group, options); every image is
// drawn whether or not it is kept, so dropping an image never changes another image's text.
import type { Group, ImageRecord, RelationRecord } from './generate.js';
import { checkGroup, groupId } from './generate.js';
import { CARDINALS, cardinalIndex, clockHour, type Cardinal } from './relations.js';
import { groupRng, STREAM, type Rng } from './random.js';
import { knownKeys, portion, textPlan, type CaptionCounts, type BlockCounts, type TextOptions, type TextPlan } from './preset.js';
import {
  absoluteClauses, cap, cardinalPhrase, clockPhrase, clockTail, relativeClauses, the, CARDINAL_CHOICES, CLOCK_CHOICES, SENTENCE, YES_NO,
  THEM, YOU, type Anchor, type Clause,
} from './templates.js';
import { describe as describeValue, options } from '../validate.js';

export type Viewpoint = 'relative' | 'absolute';
export type RelationType = 'cardinal' | 'clock';
export type { TextOptions } from './preset.js';
/** @deprecated the options of `qa` are {@link TextOptions}. */
export type QAOptions = TextOptions;

/** One caption of one image: the relation in cardinal and clock terms, as ROTATE's captions state it. */
export interface CaptionRecord {
  image: string;
  viewpoint: Viewpoint;
  objects: 2 | 3;
  viewer?: number;
  target: number;
  reference: number;
  cardinal: Cardinal;
  /** Hour 1..12. */
  clock: number;
  text: string;
}

/** One QA pair (the schema `spatialkit eval` reads; extra fields allowed). */
export interface QARecord {
  id: string;
  group: number;
  subgroup: 0 | 1;
  camera: number;
  image: string;
  task: 'judgement' | 'prediction';
  viewpoint: Viewpoint;
  relation: RelationType;
  objects: 2 | 3;
  question: string;
  /** yes/no; a cardinal label; or the clock hour as a string. */
  answer: string;
  /** Shared by the questions whose answers must agree (a relative question over the cameras of its subgroup; an absolute one over the two subgroups at its camera). */
  consistency: string;
  /** Shared by the cardinal and the clock prediction about the same relation in the same image. */
  pair?: string;
  viewer?: number;
  target: number;
  reference: number;
  /** With `answers: 'sentence'`: the answer as a full sentence ("No, the lamp is behind the tent."). */
  answer_text?: string;
}


/** An object-level difference between the two images of an SDG pair. */
export interface Difference {
  viewpoint: Viewpoint;
  viewer?: number;
  target: number;
  reference: number;
  first: string;
  second: string;
}

/** One Spatial-Difference-Generation pair. */
export interface SDGRecord {
  id: string;
  group: number;
  /** 'same-subgroup': two cameras, one subgroup (relative relations identical); 'same-camera': both subgroups at one camera (absolute identical). */
  kind: 'same-subgroup' | 'same-camera';
  images: [string, string];
  /** The perspective whose relations are identical. */
  same: Viewpoint;
  relation: RelationType;
  question: string;
  answer: string;
  differences: Difference[];
}

// ---------- shared ----------

/** The kept flags of a group's images (default: all kept). */
function keptImages(group: Group, kept: unknown): readonly boolean[] {
  if (kept === undefined) return group.images.map(() => true);
  if (!Array.isArray(kept) || !kept.every((k) => typeof k === 'boolean')) throw new TypeError(`Expected an array of booleans for \`kept\` but received ${describeValue(kept)}`);
  if (kept.length !== group.images.length) throw new RangeError(`Expected one flag per image (${group.images.length}) for \`kept\` but received ${kept.length}`);
  return kept;
}

/** Uniformly one of the candidates used least so far (`used` counts by key): repeats only once every candidate has had its turn. */
function leastUsed<T>(cands: readonly T[], keyOf: (c: T) => unknown, used: Map<unknown, number>, rng: Rng): T {
  const keys = cands.map(keyOf);
  let min = Infinity, n = 0;
  for (const k of keys) {
    const u = used.get(k) ?? 0;
    if (u < min) { min = u; n = 1; } else if (u === min) n++;
  }
  // The r-th candidate (in order) among those used least.
  let r = rng.int(n), i = 0;
  for (; i < keys.length; i++) if ((used.get(keys[i]) ?? 0) === min && r-- === 0) break;
  used.set(keys[i], min + 1);
  return cands[i];
}

/**
 * A wording not yet in `used`: variant k of `count` starting from a random one. Only when every
 * wording is taken (far beyond what a preset asks) does a text repeat; the run summary counts it.
 */
function uniqueText(count: number, make: (k: number) => string, used: Set<string>, rng: Rng): string {
  const start = rng.int(count);
  for (let d = 0; d < count; d++) {
    const text = make((start + d) % count);
    if (!used.has(text)) { used.add(text); return text; }
  }
  return make(start);
}

const labelOf = (rel: RelationRecord, type: RelationType): string => (type === 'cardinal' ? rel.cardinal : String(rel.clock));

/** The perspective clauses a relation can be stated with. */
function clausesFor(group: Group, viewpoint: Viewpoint, rel: RelationRecord, term: 'cardinal' | 'clock' | 'both'): Clause[] {
  return viewpoint === 'relative' ? relativeClauses(group.objects[rel.viewer!]) : absoluteClauses(group.convention, group.objects[rel.reference], term);
}
/** The anchor of a relation phrase: the viewer itself in a 2-object relative relation, else the reference object. */
const anchorOf = (group: Group, viewpoint: Viewpoint, rel: RelationRecord, c: Clause): Anchor =>
  (viewpoint === 'relative' && rel.objects === 2 ? c.self : the(group.objects[rel.reference]));

// ---------- captions ----------

/**
 * Captions of a group's kept images. Each states one relation in cardinal and clock terms
 * ("From the point of view of the tent, the lamp is to the tent's front-left, at 11 o'clock.");
 * the counts per image come from the preset (paper: 7 in a 2-object group, 18 in a 3-object
 * one — 12.5 on average, 32 % about 3 objects, half relative). Relations are taken in turn, so
 * one is repeated (in other words) only after every relation of its kind has a caption; no two
 * captions of an image have the same text.
 * @param group from `generate`.
 * @param opts {@link TextOptions}: `preset`, `kept`.
 * @returns CaptionRecord[] in image order.
 */
export function captions(group: Group, opts: TextOptions = {}): CaptionRecord[] {
  checkGroup(group);
  const plan = textPlan(opts);
  const kept = keptImages(group, opts.kept);
  const rng = groupRng(group.seed, group.group, STREAM.text);
  const counts = group.objects.length > 2 ? plan.captions.three : plan.captions.two;
  const out: CaptionRecord[] = [];
  group.images.forEach((img, i) => {
    const list = imageCaptions(group, img, i, counts, rng);
    if (kept[i]) out.push(...list);
  });
  return out;
}

function imageCaptions(group: Group, img: ImageRecord, i: number, counts: CaptionCounts, rng: Rng): CaptionRecord[] {
  const rel2 = img.relative.filter((r) => r.objects === 2), rel3 = img.relative.filter((r) => r.objects === 3);
  const nRel = portion(counts.relative, i);
  const nRel3 = rel3.length ? Math.min(nRel, portion(counts.relative3, i)) : 0;
  // Absolute counts run one image ahead, so a half-integer plan gives every image the same total (3 + 4, 4 + 3).
  const nAbs = portion(counts.absolute, i + 1);
  const used = new Map<unknown, number>(), texts = new Set<string>();
  const out: CaptionRecord[] = [];
  const add = (viewpoint: Viewpoint, pool: readonly RelationRecord[], n: number): void => {
    for (let k = 0; k < n && pool.length; k++) {
      const rel = leastUsed(pool, (r) => r, used, rng);
      const cl = clausesFor(group, viewpoint, rel, 'both');
      const text = uniqueText(cl.length * 4, (v) => {
        const c = cl[v >> 2], a = anchorOf(group, viewpoint, rel, c);
        return `${cap(c.lead)}, the ${group.objects[rel.target].name} ${c.would ? 'would be' : 'is'} ${cardinalPhrase(rel.cardinal, a, v & 1)}, ${clockTail(rel.clock, (v >> 1) & 1)}.`;
      }, texts, rng);
      const rec: CaptionRecord = { image: img.id, viewpoint, objects: rel.objects } as CaptionRecord;
      if (rel.viewer !== undefined) rec.viewer = rel.viewer;
      rec.target = rel.target; rec.reference = rel.reference; rec.cardinal = rel.cardinal; rec.clock = rel.clock; rec.text = text;
      out.push(rec);
    }
  };
  add('relative', rel3, nRel3);
  add('relative', rel2, nRel - nRel3);
  add('absolute', img.absolute, nAbs);
  return out;
}

// ---------- QA ----------

/** A question asked in several images (same text and answer in each). */
interface Spec {
  task: 'judgement' | 'prediction';
  viewpoint: Viewpoint;
  relation: RelationType;
  rel: RelationRecord;
  question: string;
  answer: string;
  answerText?: string;
  consistency: string;
  /** Index of the prediction pair within its block (pair key suffix). */
  pairIndex?: number;
}

/** Half a sector: cardinal sectors are 45° wide, clock sectors 30°. */
const HALF = { cardinal: 22.5, clock: 15 } as const;

/**
 * The labels a "no" question may ask about: every label but the true one, except a neighbour
 * whose shared boundary lies within `margin` degrees of the true angle — a direction that close
 * to a boundary could fairly be called either, so "no" would be a trap, not a test.
 */
export function falseLabels(rel: RelationRecord, type: RelationType, margin: number): string[] {
  const n = type === 'cardinal' ? 8 : 12, half = HALF[type];
  const i = type === 'cardinal' ? cardinalIndex(rel.angle) : clockHour(rel.angle) % 12;
  // Offset from the sector's centre, in [−half, half).
  const off = ((rel.angle - 2 * half * i + 540) % 360) - 180;
  const out: string[] = [];
  for (let d = 1; d < n; d++) {
    if (d === 1 && half - off < margin) continue;        // clockwise neighbour, boundary at +half
    if (d === n - 1 && off + half < margin) continue;   // counter-clockwise neighbour, boundary at −half
    const j = (i + d) % n;
    out.push(type === 'cardinal' ? CARDINALS[j] : String(j || 12));
  }
  return out;
}

/** The question (and its sentence answer) in wording variant v. */
function questionText(group: Group, viewpoint: Viewpoint, task: Spec['task'], type: RelationType, rel: RelationRecord,
  asked: string, cl: Clause[], v: number, answers: TextPlan['answers']): { question: string; answerText: string } {
  const c = cl[v >> 2], form = v & 1, alt = (v >> 1) & 1;
  const a = anchorOf(group, viewpoint, rel, c), t = `the ${group.objects[rel.target].name}`;
  const verb = c.would ? 'would' : 'is', be = c.would ? ' be' : '', is = c.would ? 'would be' : 'is';
  const phrase = (label: string): string => (type === 'cardinal' ? cardinalPhrase(label as Cardinal, a, form) : clockPhrase(Number(label), a, form));
  const truth = phrase(labelOf(rel, type));
  let q: string, choices: string;
  if (task === 'judgement') {
    q = `${cap(c.lead)}, ${verb} ${t}${be} ${phrase(asked)}?`;
    choices = YES_NO;
  } else {
    const from = a === YOU ? 'you' : a === THEM ? 'them' : a.obj;
    const rest = type === 'cardinal'
      ? (alt ? `where ${verb} ${t}${be} relative to ${from}?` : `in which direction ${verb} ${t}${be} from ${from}?`)
      : (alt ? `at which o'clock direction ${verb} ${t}${be} relative to ${from}?` : `at what clock position ${verb} ${t}${be} from ${from}?`);
    q = `${cap(c.lead)}, ${rest}`;
    choices = type === 'cardinal' ? CARDINAL_CHOICES : CLOCK_CHOICES;
  }
  const yes = asked === labelOf(rel, type);
  const answerText = task === 'judgement' ? `${yes ? 'Yes' : 'No'}, ${t} ${is} ${truth}.` : `${cap(t)} ${is} ${truth}.`;
  return { question: `${q} ${answers === 'sentence' ? SENTENCE : choices}`, answerText };
}

/**
 * The questions of block b of one perspective (a subgroup's relative questions, or a camera's
 * absolute ones). Judgement item k (counted over the whole group, so the pattern runs on across
 * blocks) asks cardinal-yes, cardinal-no, clock-yes, clock-no for k mod 4; items and pairs about
 * 3-object relations are a share `three` of them. Each draws the least-asked relation (and
 * label), so a fact is asked twice only after every other fact of its kind has been asked, and
 * always in new words: no two questions of a block have the same text.
 */
function block(group: Group, viewpoint: Viewpoint, rels: readonly RelationRecord[], key: string, b: number,
  counts: BlockCounts, three: number, plan: TextPlan, rng: Rng): Spec[] {
  const pools = [rels.filter((r) => r.objects === 2), rels.filter((r) => r.objects === 3)];
  const pool = (want3: boolean): readonly RelationRecord[] => (want3 && pools[1].length > 0 ? pools[1] : pools[0]);
  const index = new Map(rels.map((r, i) => [r, i]));
  // Keys of facts: a judgement (type, relation, label) or a prediction pair (relation), as numbers.
  const used = new Map<unknown, number>(), texts = new Set<string>();
  const labelIndex = (type: RelationType, label: string): number => (type === 'cardinal' ? CARDINALS.indexOf(label as Cardinal) : Number(label));
  const specs: Spec[] = [];
  const ask = (task: Spec['task'], type: RelationType, rel: RelationRecord, asked: string): { question: string; answerText: string } => {
    const cl = clausesFor(group, viewpoint, rel, type);
    let answerText = '';
    const question = uniqueText(cl.length * 4, (v) => {
      const r = questionText(group, viewpoint, task, type, rel, asked, cl, v, plan.answers);
      answerText = r.answerText;
      return r.question;
    }, texts, rng);
    return { question, answerText };
  };
  const J = portion(counts.judgement, b), P = portion(counts.pairs, b);
  const k0 = Math.floor(counts.judgement * b + 1e-9), p0 = Math.floor(counts.pairs * b + 1e-9);
  for (let i = 0; i < J; i++) {
    const k = k0 + i;
    const type: RelationType = k % 4 < 2 ? 'cardinal' : 'clock', yes = k % 2 === 0;
    const cands = pool(portion(three, k) > 0).flatMap((rel) =>
      (yes ? [labelOf(rel, type)] : falseLabels(rel, type, plan.boundaryMargin)).map((label) => ({ rel, label })));
    const { rel, label } = leastUsed(cands, (c) => ((type === 'cardinal' ? 0 : 1) * 4096 + index.get(c.rel)!) * 16 + labelIndex(type, c.label), used, rng);
    const { question, answerText } = ask('judgement', type, rel, label);
    specs.push({ task: 'judgement', viewpoint, relation: type, rel, answer: yes ? 'yes' : 'no', consistency: `${key}${i}`, question, answerText });
  }
  for (let j = 0; j < P; j++) {
    const rel = leastUsed(pool(portion(three, p0 + j) > 0), (r) => -1 - index.get(r)!, used, rng);
    for (const type of ['cardinal', 'clock'] as const) {
      const { question, answerText } = ask('prediction', type, rel, labelOf(rel, type));
      specs.push({ task: 'prediction', viewpoint, relation: type, rel, answer: labelOf(rel, type),
        consistency: `${key}${J + 2 * j + (type === 'clock' ? 1 : 0)}`, pairIndex: j, question, answerText });
    }
  }
  return specs;
}

/**
 * QA pairs of a group's kept images. Relative questions are drawn once per subgroup and asked in
 * all its images (consistency key `…-s0-r3`); absolute ones once per camera and asked in both
 * subgroups (`…-c5-a3`). Per image (paper preset): 21 relative questions (14 yes/no judgements,
 * 3.5 cardinal+clock prediction pairs) and 19 absolute ones (13 + 3 pairs) — 40, judgement :
 * prediction 2 : 1, yes/no and cardinal/clock 50/50; in 3-object groups 5/7 of the relative
 * ones are about 3 objects. No two questions of an image have the same text.
 * @param group from `generate`.
 * @param opts {@link TextOptions}: `preset`, `judgement`, `pairs` (per block, both perspectives), `answers`, `boundaryMargin`, `kept`.
 * @returns QARecord[] in image order; ids `<image>-q00`, relative block first.
 */
export function qa(group: Group, opts: TextOptions = {}): QARecord[] {
  checkGroup(group);
  const plan = textPlan(opts);
  const kept = keptImages(group, opts.kept);
  const rng = groupRng(group.seed, group.group, STREAM.qa);
  const gid = groupId(group.group);
  const three = group.objects.length > 2 ? plan.qa.three : 0;
  const rel = [0, 1].map((s) => block(group, 'relative', group.relative[s], `${gid}-s${s}-r`, s, plan.qa.relative, three, plan, rng));
  const abs = group.absolute.map((rels, c) => block(group, 'absolute', rels, `${gid}-c${c}-a`, c, plan.qa.absolute, 0, plan, rng));
  const out: QARecord[] = [];
  group.images.forEach((img, i) => {
    if (!kept[i]) return;
    let q = 0;
    for (const s of [...rel[img.subgroup], ...abs[img.camera]]) {
      const rec: QARecord = {
        id: `${img.id}-q${String(q++).padStart(2, '0')}`, group: img.group, subgroup: img.subgroup, camera: img.camera, image: img.id,
        task: s.task, viewpoint: s.viewpoint, relation: s.relation, objects: s.rel.objects, question: s.question, answer: s.answer,
        consistency: s.consistency,
      } as QARecord;
      if (s.pairIndex !== undefined) rec.pair = `${img.id}-${s.viewpoint === 'relative' ? 'r' : 'a'}p${s.pairIndex}`;
      if (s.rel.viewer !== undefined) rec.viewer = s.rel.viewer;
      rec.target = s.rel.target;
      rec.reference = s.rel.reference;
      if (plan.answers === 'sentence') rec.answer_text = s.answerText;
      out.push(rec);
    }
  });
  return out;
}

// ---------- SDG ----------

function describeLabel(type: RelationType, label: string, anchor: Anchor): string {
  return type === 'cardinal' ? cardinalPhrase(label as Cardinal, anchor, 0) : clockPhrase(Number(label), anchor, 1);
}

function sdgText(group: Group, kind: SDGRecord['kind'], type: RelationType, diffs: Difference[], turn: number): string {
  const objs = group.objects;
  const parts: string[] = [];
  if (kind === 'same-subgroup') {
    parts.push(`The relative relations are the same: no object moved or turned; only the camera moved ${Math.abs(turn)}° ${turn > 0 ? 'counter-clockwise' : 'clockwise'} around the scene.`);
    if (diffs.length === 0) parts.push("From the camera's viewpoint the relations are the same as well.");
    else {
      parts.push("From the camera's viewpoint the relations differ:");
      parts.push(diffs.map((d) => `the ${objs[d.target].name} is ${describeLabel(type, d.first, the(objs[d.reference]))} in the first image but ${describeLabel(type, d.second, the(objs[d.reference]))} in the second`).join('; ') + '.');
    }
  } else {
    parts.push('The absolute relations are the same: the camera and the object positions did not change.');
    parts.push('The relative relations differ, because every object is turned by 180°.');
    const byViewer = new Map<number, Difference[]>();
    for (const d of diffs) byViewer.set(d.viewer!, [...(byViewer.get(d.viewer!) ?? []), d]);
    for (const [v, ds] of byViewer) {
      const V = objs[v];
      parts.push(`The ${V.name} now faces the opposite way: from its point of view ${ds.map((d) => `the ${objs[d.target].name} is ${type === 'cardinal' ? d.first : `at ${d.first} o'clock`} in the first image but ${type === 'cardinal' ? d.second : `at ${d.second} o'clock`} in the second`).join(', and ')}.`);
    }
    const plain = objs.filter((o) => o.kind === 'none');
    if (plain.length) parts.push(`${plain.map((o) => `The ${o.name}`).join(' and ')} ${plain.length > 1 ? 'have' : 'has'} no front, so turning ${plain.length > 1 ? 'them' : 'it'} changes no relation.`);
  }
  return parts.join(' ');
}

/**
 * Spatial-Difference-Generation pairs of a group: for every image, one pair with another camera
 * of its subgroup (relative relations identical, absolute ones may differ) — 2 × cameras pairs —
 * and for every camera the pair of its two subgroups (absolute identical, relative flipped) —
 * cameras pairs. The answer first says which perspective is unchanged, then lists each
 * object-level difference; relation types alternate cardinal/clock.
 * @param opts `{kept}`: one flag per image (the group's `images` order); only pairs of two kept
 *   images are returned. Every pair is drawn whether or not it is kept, so ids (and the pairs
 *   that remain) do not change when other images are dropped.
 * @returns SDGRecord[] (ids `<group>-d00`…).
 */
export function sdg(group: Group, opts: { kept?: readonly boolean[] } = {}): SDGRecord[] {
  checkGroup(group);
  options(opts);
  knownKeys(opts, 'opts', ['kept']);
  const kept = keptImages(group, opts.kept);
  const rng = groupRng(group.seed, group.group, STREAM.sdg);
  const gid = groupId(group.group);
  const nc = group.cameras.length;
  const out: SDGRecord[] = [];
  const push = (kind: SDGRecord['kind'], a: ImageRecord, b: ImageRecord): void => {
    const type: RelationType = out.length % 2 === 0 ? 'cardinal' : 'clock';
    const diffs: Difference[] = [];
    if (kind === 'same-subgroup') {
      a.absolute.forEach((ra, i) => {
        const rb = b.absolute[i];
        if (ra.target > ra.reference || labelOf(ra, type) === labelOf(rb, type)) return;
        diffs.push({ viewpoint: 'absolute', target: ra.target, reference: ra.reference, first: labelOf(ra, type), second: labelOf(rb, type) });
      });
    } else {
      a.relative.forEach((ra, i) => {
        const rb = b.relative[i];
        if (ra.objects !== 2 || labelOf(ra, type) === labelOf(rb, type)) return;
        diffs.push({ viewpoint: 'relative', viewer: ra.viewer, target: ra.target, reference: ra.reference, first: labelOf(ra, type), second: labelOf(rb, type) });
      });
    }
    let turn = group.cameras[b.camera].azimuth - group.cameras[a.camera].azimuth;
    turn = ((turn % 360) + 540) % 360 - 180;
    const words = type === 'cardinal' ? 'directions such as front-left or behind' : 'clock positions';
    out.push({
      id: `${gid}-d${String(out.length).padStart(2, '0')}`, group: group.group, kind, images: [a.id, b.id],
      same: kind === 'same-subgroup' ? 'relative' : 'absolute', relation: type,
      question: `The two images show the same objects. Are the spatial relations between them the same in both images? Say which perspective (the objects' own or the camera's) keeps its relations, then describe every difference using ${words}.`,
      answer: sdgText(group, kind, type, diffs, turn), differences: diffs,
    });
  };
  for (let s = 0; s < 2; s++) {
    for (let c = 0; c < nc && nc > 1; c++) {
      const c2 = (c + 1 + rng.int(nc - 1)) % nc;
      push('same-subgroup', group.images[s * nc + c], group.images[s * nc + c2]);
    }
  }
  for (let c = 0; c < nc; c++) push('same-camera', group.images[c], group.images[nc + c]);
  const index = new Map(group.images.map((im, k) => [im.id, k]));
  return out.filter((d) => kept[index.get(d.images[0])!] && kept[index.get(d.images[1])!]);
}
