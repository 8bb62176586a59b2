// Captions, QA and Spatial-Difference-Generation pairs from templates. A sentence is a
// perspective clause (whose frame), for 'used' objects a main-object clause (how someone uses it),
// and a relation phrase (cardinal or clock), recombined for variety. All choices draw from the
// group's own seeded streams, so text depends only on (seed, group).
import type { Group, ImageRecord, RelationRecord } from './generate.js';
import { checkGroup, groupId } from './generate.js';
import type { PlacedObject } from './layout.js';
import { CARDINALS, type Cardinal } from './relations.js';
import { groupRng, STREAM, type Rng } from './random.js';
import { integer, options } from '../validate.js';

export type Viewpoint = 'relative' | 'absolute';
export type RelationType = 'cardinal' | 'clock';

/** One caption of one image. */
export interface CaptionRecord {
  image: string;
  viewpoint: Viewpoint;
  relation: RelationType;
  objects: 2 | 3;
  viewer?: number;
  target: number;
  reference: number;
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

export interface QAOptions {
  /** Judgement questions per perspective per image (default 4: cardinal/clock × yes/no). */
  judgement?: number;
  /** Cardinal/clock prediction pairs per perspective per image (default 1, so judgement : prediction = 4 : 2). */
  pairs?: number;
}

// ---------- words ----------

/** How a relation phrase names its anchor: the object ("the chair"/"the chair's"), "you"/"your", "them"/"their". */
// `own`: the anchor is the viewer whose frame is used, so "to your left", "at the chair's 3
// o'clock" read right; any other anchor only gets "of"/"from" forms ("to the left of the chair"),
// since "the chair's left" would suggest the chair's own frame.
interface Anchor { obj: string; poss: string; own: boolean }
const the = (o: PlacedObject, own = false): Anchor => ({ obj: `the ${o.name}`, poss: `the ${o.name}'s`, own });
const YOU: Anchor = { obj: 'you', poss: 'your', own: true };
const THEM: Anchor = { obj: 'them', poss: 'their', own: true };

/** "in front of the chair", "behind you", "to the left of the chair" / "to the chair's left". */
function cardinalPhrase(c: Cardinal, a: Anchor, form: number): string {
  if (c === 'front') return `in front of ${a.obj}`;
  if (c === 'back') return `behind ${a.obj}`;
  return form % 2 === 0 || !a.own ? `to the ${c} of ${a.obj}` : `to ${a.poss} ${c}`;
}
/** "at the chair's 3 o'clock" / "at 3 o'clock from the chair". */
function clockPhrase(h: number, a: Anchor, form: number): string {
  return form % 2 === 0 && a.own ? `at ${a.poss} ${h} o'clock` : `at ${h} o'clock from ${a.obj}`;
}
const CARDINAL_CHOICES = `Answer with one of: ${CARDINALS.join(', ')}.`;
const CLOCK_CHOICES = 'Answer with a clock position from 1 to 12.';
const YES_NO = 'Answer yes or no.';
const cap = (s: string): string => s[0].toUpperCase() + s.slice(1);

/**
 * A perspective: an opening clause and the anchor that means "the viewer" in it. Relative views
 * come from the viewer object (a 'used' object speaks through its user); absolute from the camera.
 */
interface Perspective { lead: string; self: Anchor; twelve: string; would: boolean }
const perspectiveCache = new WeakMap<PlacedObject, Perspective[]>();
function relativePerspectives(v: PlacedObject): Perspective[] {
  let list = perspectiveCache.get(v);
  if (list) return list;
  if (v.kind === 'used' && v.use) {
    // A 'used' object's front is the way its user faces, so it speaks only through its user:
    // perspective clause + main-object clause ("for someone" + "sitting on the chair").
    const U = `someone ${v.use}`;
    list = [
      { lead: `for ${U}`, self: THEM, twelve: `for ${U}, facing 12 o'clock`, would: false },
      { lead: `from the perspective of ${U}`, self: THEM, twelve: `taking the direction ${U} faces as 12 o'clock`, would: false },
      { lead: `if you were ${v.use}`, self: YOU, twelve: `if you were ${v.use}, facing 12 o'clock`, would: true },
    ];
  } else {
    const V = `the ${v.name}`;
    list = [
      { lead: `from ${V}'s point of view`, self: the(v, true), twelve: `taking the direction ${V} faces as 12 o'clock`, would: false },
      { lead: `seen from ${V}'s perspective`, self: the(v, true), twelve: `with ${V} facing 12 o'clock`, would: false },
      { lead: `if you were ${V}`, self: YOU, twelve: `if you were ${V}, facing 12 o'clock`, would: true },
    ];
  }
  perspectiveCache.set(v, list);
  return list;
}
function absolutePerspectives({ front, frame }: Group['convention'], r: PlacedObject): Perspective[] {
  const dir = frame === 'camera_axis'
    ? (front === 'far' ? "the camera's viewing direction" : 'the direction toward the camera')
    : (front === 'far' ? `the direction from the camera to the ${r.name}` : `the direction from the ${r.name} to the camera`);
  const twelve = `taking ${dir} as 12 o'clock`;
  return [
    { lead: "from the camera's viewpoint", self: the(r), twelve, would: false },
    { lead: 'in the image', self: the(r), twelve, would: false },
    { lead: 'as the camera sees it', self: the(r), twelve, would: false },
  ];
}

// ---------- captions ----------

function captionText(p: Perspective, type: RelationType, rel: RelationRecord, t: PlacedObject, anchor: Anchor, form: number): string {
  const be = p.would ? 'would be' : 'is';
  if (type === 'cardinal') return `${cap(p.lead)}, the ${t.name} ${be} ${cardinalPhrase(rel.cardinal, anchor, form)}.`;
  return `${cap(p.twelve)}, the ${t.name} ${be} ${clockPhrase(rel.clock, anchor, form)}.`;
}

/**
 * Captions of every image of a group: for each 2-object relative relation (viewer → target) and
 * each pair of objects seen through the camera, one cardinal and one clock sentence, templates
 * drawn per image.
 * @returns CaptionRecord[] in image order (the group's `images`).
 */
export function captions(group: Group): CaptionRecord[] {
  checkGroup(group);
  const rng = groupRng(group.seed, group.group, STREAM.text);
  const out: CaptionRecord[] = [];
  for (const img of group.images) imageCaptions(group, img, rng, out);
  return out;
}

function imageCaptions(group: Group, img: ImageRecord, rng: Rng, out: CaptionRecord[]): void {
  const objs = group.objects;
  for (const rel of img.relative) {
    if (rel.objects !== 2) continue;
    const v = objs[rel.viewer!], t = objs[rel.target];
    const ps = relativePerspectives(v);
    for (const type of ['cardinal', 'clock'] as const) {
      const p = rng.pick(ps);
      out.push({ image: img.id, viewpoint: 'relative', relation: type, objects: 2, viewer: rel.viewer, target: rel.target, reference: rel.reference,
        text: captionText(p, type, rel, t, p.self, rng.int(2)) });
    }
  }
  for (const rel of img.absolute) {
    if (rel.target > rel.reference) continue; // one sentence per pair: the reverse says the same
    const t = objs[rel.target], r = objs[rel.reference];
    const ps = absolutePerspectives(group.convention, r);
    for (const type of ['cardinal', 'clock'] as const) {
      const p = rng.pick(ps);
      out.push({ image: img.id, viewpoint: 'absolute', relation: type, objects: 2, target: rel.target, reference: rel.reference,
        text: captionText(p, type, rel, t, p.self, rng.int(2)) });
    }
  }
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
  consistency: string;
  /** Index of the prediction pair within its block (pair key suffix). */
  pairIndex?: number;
}

function questionText(group: Group, viewpoint: Viewpoint, task: 'judgement' | 'prediction', type: RelationType,
  rel: RelationRecord, asked: Cardinal | number | null, rng: Rng): string {
  const objs = group.objects, t = objs[rel.target], r = objs[rel.reference];
  const ps = viewpoint === 'relative' ? relativePerspectives(objs[rel.viewer!]) : absolutePerspectives(group.convention, r);
  const p = rng.pick(ps);
  // The anchor: the viewer itself (2-object relative), else the reference object.
  const anchor = viewpoint === 'relative' && rel.objects === 2 ? p.self : the(r);
  const form = rng.int(2);
  const verb = p.would ? 'would' : 'is';
  const be = p.would ? ' be' : '';
  if (task === 'judgement') {
    const phrase = type === 'cardinal' ? cardinalPhrase(asked as Cardinal, anchor, form) : clockPhrase(asked as number, anchor, form);
    const lead = type === 'cardinal' ? p.lead : p.twelve;
    return `${cap(lead)}, ${verb} the ${t.name}${be} ${phrase}? ${YES_NO}`;
  }
  const from = anchor === YOU || anchor === THEM ? '' : ` from ${anchor.obj}`;
  if (type === 'cardinal') {
    const dir = anchor === YOU ? ' from you' : anchor === THEM ? ' from them' : from;
    return `${cap(p.lead)}, in which direction ${verb} the ${t.name}${be}${dir}? ${CARDINAL_CHOICES}`;
  }
  return `${cap(p.twelve)}, at what clock position ${verb} the ${t.name}${be}${from}? ${CLOCK_CHOICES}`;
}

/** A false label for a "no" question: uniform over the other labels. */
function otherLabel(type: RelationType, rel: RelationRecord, rng: Rng): Cardinal | number {
  if (type === 'cardinal') return CARDINALS[(CARDINALS.indexOf(rel.cardinal) + 1 + rng.int(7)) % 8];
  return ((rel.clock - 1 + 1 + rng.int(11)) % 12) + 1;
}

/**
 * The questions of one block: `judgement` items (item i: cardinal for i mod 4 < 2, else clock;
 * yes for even i) and `pairs` cardinal/clock prediction pairs. `three(i)` says whether item i
 * (or pair −1−i) asks about a 3-object relation.
 */
function block(group: Group, viewpoint: Viewpoint, rels: readonly RelationRecord[], key: string,
  three: (i: number) => boolean, o: Required<QAOptions>, rng: Rng): Spec[] {
  const by = [rels.filter((r) => r.objects === 2), rels.filter((r) => r.objects === 3)];
  const pickRel = (want3: boolean): RelationRecord => rng.pick(want3 && by[1].length > 0 ? by[1] : by[0]);
  const specs: Spec[] = [];
  for (let i = 0; i < o.judgement; i++) {
    const type: RelationType = i % 4 < 2 ? 'cardinal' : 'clock';
    const yes = i % 2 === 0;
    const rel = pickRel(three(i));
    const asked = yes ? (type === 'cardinal' ? rel.cardinal : rel.clock) : otherLabel(type, rel, rng);
    specs.push({ task: 'judgement', viewpoint, relation: type, rel, answer: yes ? 'yes' : 'no', consistency: `${key}${i}`,
      question: questionText(group, viewpoint, 'judgement', type, rel, asked, rng) });
  }
  for (let j = 0; j < o.pairs; j++) {
    const rel = pickRel(three(-1 - j));
    for (const type of ['cardinal', 'clock'] as const) {
      specs.push({ task: 'prediction', viewpoint, relation: type, rel, answer: type === 'cardinal' ? rel.cardinal : String(rel.clock),
        consistency: `${key}${o.judgement + 2 * j + (type === 'clock' ? 1 : 0)}`, pairIndex: j,
        question: questionText(group, viewpoint, 'prediction', type, rel, null, rng) });
    }
  }
  return specs;
}

/**
 * QA pairs of every image of a group. Relative questions are drawn once per subgroup and asked in
 * all its images (consistency key `…-s0-r3`); absolute ones once per camera and asked in both
 * subgroups (`…-c5-a3`). Per perspective and image: `judgement` yes/no questions (half yes, half
 * cardinal) and `pairs` prediction pairs (a cardinal and a clock question about the same relation,
 * sharing `pair`). In 3-object groups half the relative questions have a separate viewer.
 * @param group from `generate`.
 * @param opts `{judgement = 4, pairs = 1}`.
 * @returns QARecord[] in image order; ids `<image>-q00`, relative block first.
 */
export function qa(group: Group, opts: QAOptions = {}): QARecord[] {
  checkGroup(group);
  options(opts);
  const o: Required<QAOptions> = { judgement: integer(opts.judgement ?? 4, 'judgement', 0, 1000), pairs: integer(opts.pairs ?? 1, 'pairs', 0, 1000) };
  const rng = groupRng(group.seed, group.group, STREAM.qa);
  const gid = groupId(group.group);
  const has3 = group.objects.length > 2;
  // Items alternate between 2- and 3-object relations, and the two subgroups start on opposite
  // ones, so each group asks both kinds equally often.
  const rel = [0, 1].map((s) => block(group, 'relative', group.relative[s], `${gid}-s${s}-r`,
    (i) => has3 && ((i >= 0 ? (i ^ (i >> 1)) : -1 - i) + s) % 2 === 1, o, rng));
  const abs = group.absolute.map((rels, c) => block(group, 'absolute', rels, `${gid}-c${c}-a`, () => false, o, rng));
  const out: QARecord[] = [];
  for (const img of group.images) {
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
      out.push(rec);
    }
  }
  return out;
}

// ---------- SDG ----------

const labelOf = (rel: RelationRecord, type: RelationType): string => (type === 'cardinal' ? rel.cardinal : String(rel.clock));
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
 * @returns SDGRecord[] (ids `<group>-d00`…).
 */
export function sdg(group: Group): SDGRecord[] {
  checkGroup(group);
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
  return out;
}
