/**
 * `sk.metrics.evaluate`: a ROTATE-style report from gold questions (the `qa.jsonl` records that
 * `spatialkit rotate` writes) and a model's predictions — accuracy, Rotation Consistency (mean
 * Normalized Entropy), Relationship-Type Consistency and answer-bias figures, for the whole set
 * and for every slice. Every figure of the report is a fraction in [0, 1] (tables multiply by 100).
 *
 * Slices: task (judgement / prediction), viewpoint (relative / absolute), relation (cardinal /
 * clock), number of objects, and the 8 cells task/viewpoint/relation (ROTATE Table 4's columns).
 * A consistency group or a (cardinal, clock) pair counts in a slice when all of its questions do.
 *
 * Rotation Consistency of a slice that holds both viewpoints (the total, a task, a relation, a
 * number of objects) weighs the relative and the absolute figure by their questions, as ROTATE's
 * "Total" does (≈ 0.52·relative + 0.47·absolute in its Table 5, its question split): the groups
 * differ in size (a relative group is asked in the 8 images of a subgroup, an absolute one in the 2
 * images of a camera), so a plain mean over groups would be ~80 % absolute.
 *
 * Missing predictions count as wrong in accuracy, are left out of NE, RTC and the bias figures
 * (which describe the answers given), and are listed in the report — never dropped silently.
 *
 * {@link Evaluation} does the work one record at a time, with every per-question figure in typed
 * arrays (about 90 bytes a question with `rotate`'s ids, hash tables included), so `spatialkit
 * eval` streams files of tens of millions of questions; {@link evaluate} is the one-call form.
 */
import { KeyIndex } from './key-index.js';
import {
  CARDINALS, compatible, extractAnswer, normalizeAnswer, normalizedEntropyGrouped, OOS_MODES,
  type AnswerKind, type NormalizedAnswer, type OosMode,
} from './metrics.js';
import { choice, describe, integer, options } from '../validate.js';

export const TASKS = ['judgement', 'prediction'] as const;
export const VIEWPOINTS = ['relative', 'absolute'] as const;
export const RELATIONS = ['cardinal', 'clock'] as const;

/** One gold question, as `spatialkit rotate` writes it to qa.jsonl (fields used here). */
export interface GoldQuestion {
  id: string;
  task: (typeof TASKS)[number];
  viewpoint: (typeof VIEWPOINTS)[number];
  relation: (typeof RELATIONS)[number];
  /** Canonical answer text: 'yes', 'no', 'front-left', '3'. */
  answer: string;
  /** Number of objects in the question (2 or 3). */
  objects?: number;
  /** Key shared by the questions whose answers should agree (one NE group). */
  consistency?: string;
  /** Key shared by the cardinal and the clock prediction question about one relation (RTC). */
  pair?: string;
  [field: string]: unknown;
}

/** A prediction record; the answer may be in `answer`, `prediction` or `text`. */
export interface Prediction { id: string; answer?: string; prediction?: string; text?: string }
/** Predictions keyed by question id: a Map, a plain object, or a list of records. */
export type Predictions = ReadonlyMap<string, string> | Readonly<Record<string, string>> | readonly Prediction[];

export interface EvalOptions {
  /** Out-of-set categories in NE: 'byText' (default) or 'eachDistinct'. */
  oos?: OosMode;
  /** Map verbose answers to the question's label set first (`sk.metrics.extractAnswer`); default false. */
  extract?: boolean;
}

/** Figures for one slice of the questions; every rate is a fraction in [0, 1]. */
export interface SliceReport {
  questions: number;
  /** Questions with a prediction. */
  answered: number;
  correct: number;
  /** correct / questions (missing answers count as wrong), or null for no questions. */
  accuracy: number | null;
  /**
   * Rotation Consistency: mean NE in [0, 1] over the consistency groups with ≥ 2 answers (lower is
   * more consistent; ROTATE prints it ×100); relative and absolute groups weighed by their
   * questions where the slice holds both. null without such groups.
   */
  rc: number | null;
  groups: number;
  /** Relationship-Type Consistency over the complete (cardinal, clock) pairs, or null. */
  rtc: number | null;
  pairs: number;
  /** The most frequent predicted answer ('yes', 'front-left', '3', or an out-of-set text in quotes) and its share of the answers given. */
  topAnswer: string | null;
  topShare: number | null;
  /** Share of answers given that are out of set. */
  oosRate: number | null;
  /** The most frequent gold answer and its share: the accuracy of always giving that answer. */
  goldTopAnswer: string | null;
  goldTopShare: number | null;
}

export interface EvalReport {
  questions: number;
  answered: number;
  /** Gold ids with no prediction (in gold order; the first `listLimit` of them). */
  missing: string[];
  missingCount: number;
  /** Prediction ids that are not gold ids (ignored; the first `listLimit` of them). */
  extra: string[];
  extraCount: number;
  /** Pairs left out of RTC because one of the two questions has no prediction. */
  incompletePairs: number;
  oos: OosMode;
  extract: boolean;
  total: SliceReport;
  task: Record<(typeof TASKS)[number], SliceReport>;
  viewpoint: Record<(typeof VIEWPOINTS)[number], SliceReport>;
  relation: Record<(typeof RELATIONS)[number], SliceReport>;
  /** By number of objects ('2', '3'), as present in the gold set. */
  objects: Record<string, SliceReport>;
  /** The 8 cells `${task}/${viewpoint}/${relation}`. */
  cells: Record<string, SliceReport>;
}

/**
 * Checks one gold record's fields; `where` prefixes the field names in messages ('gold[3].' in
 * evaluate, '' in the CLI, which prefixes file and line instead).
 */
export function checkGold(q: unknown, where: string): GoldQuestion {
  if (q === null || typeof q !== 'object' || Array.isArray(q)) {
    throw new TypeError(`Expected an object for \`${where.replace(/\.$/, '') || 'record'}\` but received ${describe(q)}`);
  }
  const g = q as GoldQuestion;
  if (typeof g.id !== 'string') throw new TypeError(`Expected a string for \`${where}id\` but received ${describe(g.id)}`);
  // includes() first: choice() builds its message eagerly, and this runs once per question.
  if (!TASKS.includes(g.task)) choice(g.task, `${where}task`, TASKS);
  if (!VIEWPOINTS.includes(g.viewpoint)) choice(g.viewpoint, `${where}viewpoint`, VIEWPOINTS);
  if (!RELATIONS.includes(g.relation)) choice(g.relation, `${where}relation`, RELATIONS);
  if (typeof g.answer !== 'string') throw new TypeError(`Expected a string for \`${where}answer\` but received ${describe(g.answer)}`);
  if (g.objects !== undefined) integer(g.objects, `${where}objects`, 1, 1e6);
  for (const k of ['consistency', 'pair'] as const) {
    if (g[k] !== undefined && typeof g[k] !== 'string') throw new TypeError(`Expected a string for \`${where}${k}\` but received ${describe(g[k])}`);
  }
  return g;
}

// ---------------------------------------------------------------- answer codes

// One float64 per answer: in-set answers 0…21 (yes, no, the 8 cardinals, hours 1–12), an
// out-of-set text −1 − (53-bit hash of its normalised text), NaN for no answer. Two different
// texts share a hash with probability 2^−53 per pair: nothing a report could show.
const YES = 0, CARDINAL0 = 2, HOUR0 = 9;  // hour h has code HOUR0 + h
const IN_SET = 22;

/** A 53-bit hash of a string (two multiplicative 32-bit lanes over the UTF-16 code units, cross-mixed). */
function hash53(s: string): number {
  let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x9e3779b1);
    h2 = Math.imul(h2 ^ c, 0x5f356495);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b) ^ Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x85ebca6b) ^ Math.imul(h1 ^ (h1 >>> 13), 0xc2b2ae35);
  return 0x100000000 * (h2 & 0x1fffff) + (h1 >>> 0);
}

function answerCode(a: NormalizedAnswer): number {
  switch (a.kind) {
    case 'yesno': return a.value === 'yes' ? YES : YES + 1;
    case 'cardinal': return CARDINAL0 + CARDINALS.indexOf(a.value);
    case 'clock': return HOUR0 + a.value;
    default: return -1 - hash53(a.value);
  }
}

/** The label of an in-set code: 'yes', 'front-left', '3'. */
function inSetLabel(code: number): string {
  if (code < CARDINAL0) return code === YES ? 'yes' : 'no';
  return code <= HOUR0 ? CARDINALS[code - CARDINAL0] : String(code - HOUR0);
}

/** Out-of-set texts kept for labels (the top answers of a report); later distinct ones are counted, not kept. */
const LABEL_LIMIT = 100_000;
/** Out-of-set labels longer than this are shortened for display. */
const LABEL_CHARS = 120;
const UNKEPT_LABEL = '(an out-of-set text not kept: too many distinct ones)';

// ---------------------------------------------------------------- slices

// A question's slice code: bit 0 task, bit 1 viewpoint, bit 2 relation (the index of the value in
// TASKS, VIEWPOINTS, RELATIONS), bits 3… the index of its object count + 1 (0 = no count).
const OBJECT_SHIFT = 3;
const MAX_OBJECT_COUNTS = (1 << (16 - OBJECT_SHIFT)) - 1;
// A group's or pair's "mixed" mask: which of task, viewpoint, relation, objects differ among its questions.
const MIXED_OBJECTS = 8;

class Tally {
  questions = 0; answered = 0; correct = 0; oos = 0; goldOos = 0;
  answers = new Float64Array(IN_SET);
  gold = new Float64Array(IN_SET);
  // Per viewpoint bucket (relative, absolute, groups that mix both): NE sum, groups, their gold questions.
  neSum = [0, 0, 0]; groups = [0, 0, 0]; groupQuestions = [0, 0, 0];
  pairs = 0; consistent = 0;
}

/** Better (count, label) for a top answer: the larger count, ties to the smaller label. */
const beats = (n: number, label: string, bestN: number, best: string | null): boolean =>
  n > bestN || (n === bestN && best !== null && label < best);

/** Gold side of one question, for per-question output. */
export interface QuestionInfo {
  id: string;
  /** Gold answer label ('yes', 'front-left', '3', or the normalised out-of-set text; null if that text was not kept). */
  gold: string | null;
  slices: { task: string; viewpoint: string; relation: string; objects?: number };
  consistency?: string;
  pair?: string;
}

export type GoldResult = { ok: true; index: number } | { ok: false; reason: 'id' | 'pair'; first: number };
export type PredictionResult =
  | { status: 'scored'; index: number; answer: NormalizedAnswer; extracted: boolean; correct: boolean }
  | { status: 'duplicate'; first: number }
  | { status: 'unknown' };

/**
 * Scores questions and predictions one record at a time: every gold question first
 * ({@link addGold}), then the predictions ({@link addPrediction}), then {@link report}. Memory:
 * about 90 bytes per question in typed arrays (ids as UTF-8, hash tables, per-question columns);
 * predictions are not kept.
 */
export class Evaluation {
  readonly oos: OosMode;
  readonly extract: boolean;
  /** At most this many ids in the report's `missing` and `extra` lists (the counts are exact). */
  readonly listLimit: number;
  answered = 0;
  extra: string[] = [];
  extraCount = 0;
  private ids = new KeyIndex();
  private groupKeys = new KeyIndex();
  private pairKeys = new KeyIndex();
  private cap = 0;
  private goldLine = new Uint32Array(0);
  private sliceCode = new Uint16Array(0);
  private goldCode = new Float64Array(0);
  private group = new Int32Array(0);
  private pair = new Int32Array(0);
  private pred = new Float64Array(0);
  private predLine = new Uint32Array(0);
  // Per pair key: the question index of its cardinal and its clock question, or −1.
  private pairCard = new Int32Array(0);
  private pairClock = new Int32Array(0);
  private objectValues: number[] = [];
  private objectIndex = new Map<number, number>();
  private labels = new Map<number, string>();

  constructor(opts: EvalOptions = {}, listLimit = Infinity) {
    options(opts, 'opts', false, ['oos', 'extract']);
    this.oos = choice(opts.oos ?? 'byText', 'oos', OOS_MODES);
    if (opts.extract !== undefined && typeof opts.extract !== 'boolean') throw new TypeError(`Expected a boolean for \`extract\` but received ${describe(opts.extract)}`);
    this.extract = opts.extract ?? false;
    this.listLimit = listLimit;
  }

  get questions(): number { return this.ids.size; }

  private growPairs(n: number): void {
    if (n <= this.pairCard.length) return;
    const size = Math.max(1024, n, Math.ceil(this.pairCard.length * 1.5));
    const card = new Int32Array(size).fill(-1), clock = new Int32Array(size).fill(-1);
    card.set(this.pairCard); clock.set(this.pairClock);
    this.pairCard = card; this.pairClock = clock;
  }

  private grow(n: number): void {
    if (n <= this.cap) return;
    const cap = Math.max(1024, n, Math.ceil(this.cap * 1.5));
    const more = <T extends Uint32Array | Uint16Array | Float64Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as new (k: number) => T)(cap);
      b.set(a);
      return b;
    };
    this.goldLine = more(this.goldLine); this.sliceCode = more(this.sliceCode); this.goldCode = more(this.goldCode);
    this.group = more(this.group); this.pair = more(this.pair); this.pred = more(this.pred); this.predLine = more(this.predLine);
    this.cap = cap;
  }

  private keyOf(index: KeyIndex, key: string): number {
    const k = index.add(key);
    return k >= 0 ? k : -1 - k;
  }

  /** An answer as a report shows it: 'yes', 'front-left', '3', or an out-of-set text in quotes. */
  private label(code: number): string {
    if (code >= 0) return inSetLabel(code);
    const text = this.labels.get(code);
    return text === undefined ? UNKEPT_LABEL : JSON.stringify(text.length > LABEL_CHARS ? `${text.slice(0, LABEL_CHARS)}…` : text);
  }

  private remember(a: NormalizedAnswer, code: number): void {
    if (a.kind === 'oos' && this.labels.size < LABEL_LIMIT && !this.labels.has(code)) this.labels.set(code, a.value);
  }

  /**
   * Adds a gold question (checked with {@link checkGold}). `line` is where it came from (file
   * line or array index), reported back for duplicates.
   * @returns `{ok: true, index}`, or `{ok: false, reason, first}` when its id, or its relation
   *   under its pair key, repeats an earlier question's (on line `first`); it is then not added.
   */
  addGold(q: GoldQuestion, line: number): GoldResult {
    const side = q.relation === 'cardinal' ? this.pairCard : this.pairClock;
    if (q.pair !== undefined) {
      const known = this.pairKeys.get(q.pair);
      if (known >= 0 && side[known] >= 0) {
        const seen = this.ids.get(q.id);  // a repeated line: say so rather than name the pair
        return seen >= 0 ? { ok: false, reason: 'id', first: this.goldLine[seen] } : { ok: false, reason: 'pair', first: this.goldLine[side[known]] };
      }
    }
    let objects = q.objects === undefined ? -1 : this.objectIndex.get(q.objects);
    if (objects === undefined && this.objectValues.length === MAX_OBJECT_COUNTS) throw new RangeError(`Expected at most ${MAX_OBJECT_COUNTS} distinct values of \`objects\``);
    const i = this.ids.add(q.id);
    if (i < 0) return { ok: false, reason: 'id', first: this.goldLine[-1 - i] };
    if (objects === undefined) {
      this.objectIndex.set(q.objects!, (objects = this.objectValues.length));
      this.objectValues.push(q.objects!);
    }
    this.grow(i + 1);
    let pairIndex = -1;
    if (q.pair !== undefined) {
      pairIndex = this.keyOf(this.pairKeys, q.pair);
      this.growPairs(pairIndex + 1);
    }
    const g = normalizeAnswer(q.answer), code = answerCode(g);
    this.remember(g, code);
    this.goldLine[i] = line;
    this.goldCode[i] = code;
    this.sliceCode[i] = TASKS.indexOf(q.task) | (VIEWPOINTS.indexOf(q.viewpoint) << 1) | (RELATIONS.indexOf(q.relation) << 2) | ((objects + 1) << OBJECT_SHIFT);
    this.group[i] = q.consistency === undefined ? -1 : this.keyOf(this.groupKeys, q.consistency);
    this.pair[i] = pairIndex;
    this.pred[i] = NaN;
    if (pairIndex >= 0) (q.relation === 'cardinal' ? this.pairCard : this.pairClock)[pairIndex] = i;
    return { ok: true, index: i };
  }

  /** The label set question i asks for. */
  private expected(i: number): AnswerKind {
    const c = this.sliceCode[i];
    return (c & 1) === 0 ? 'yesno' : RELATIONS[(c >> 2) & 1];
  }

  /**
   * Scores one prediction. `line` is where it came from, reported back for a later duplicate.
   * @returns 'scored' with the verdict; 'duplicate' (the first prediction for that id, on line
   *   `first`, stands); 'unknown' for an id not in the gold set (counted in `extra`).
   */
  addPrediction(id: string, text: string, line: number): PredictionResult {
    const i = this.ids.get(id);
    if (i < 0) {
      if (this.extra.length < this.listLimit) this.extra.push(id);
      this.extraCount++;
      return { status: 'unknown' };
    }
    if (!Number.isNaN(this.pred[i])) return { status: 'duplicate', first: this.predLine[i] };
    const plain = normalizeAnswer(text);
    const answer = this.extract && plain.kind === 'oos' ? extractAnswer(text, this.expected(i)) : plain;
    const code = answerCode(answer);
    this.remember(answer, code);
    this.pred[i] = code;
    this.predLine[i] = line;
    this.answered++;
    return { status: 'scored', index: i, answer, extracted: answer !== plain, correct: code === this.goldCode[i] };
  }

  /** Indices of the questions without a prediction, in gold order. */
  *missing(): Generator<number> {
    for (let i = 0; i < this.ids.size; i++) if (Number.isNaN(this.pred[i])) yield i;
  }

  /** Where question i came from (the `line` given to {@link addGold}). */
  line(i: number): number { return this.goldLine[i]; }

  /** The gold side of question i. */
  question(i: number): QuestionInfo {
    const c = this.sliceCode[i], objects = c >> OBJECT_SHIFT;
    const slices: QuestionInfo['slices'] = { task: TASKS[c & 1], viewpoint: VIEWPOINTS[(c >> 1) & 1], relation: RELATIONS[(c >> 2) & 1] };
    if (objects) slices.objects = this.objectValues[objects - 1];
    const g = this.goldCode[i];
    const info: QuestionInfo = { id: this.ids.key(i), gold: g >= 0 ? inSetLabel(g) : this.labels.get(g) ?? null, slices };
    if (this.group[i] >= 0) info.consistency = this.groupKeys.key(this.group[i]);
    if (this.pair[i] >= 0) info.pair = this.pairKeys.key(this.pair[i]);
    return info;
  }

  /** The slice names of a slice code, leaving out the dimensions in `mixed`. */
  private sliceNames(code: number, mixed = 0): string[] {
    const names = ['total'];
    const t = TASKS[code & 1], v = VIEWPOINTS[(code >> 1) & 1], r = RELATIONS[(code >> 2) & 1], objects = code >> OBJECT_SHIFT;
    if (!(mixed & 1)) names.push(`task:${t}`);
    if (!(mixed & 2)) names.push(`viewpoint:${v}`);
    if (!(mixed & 4)) names.push(`relation:${r}`);
    if (!(mixed & 7)) names.push(`cell:${t}/${v}/${r}`);
    if (objects && !(mixed & MIXED_OBJECTS)) names.push(`objects:${this.objectValues[objects - 1]}`);
    return names;
  }

  /** Which of task, viewpoint, relation, objects differ between two slice codes. */
  private static mixedBits(a: number, b: number): number {
    const d = a ^ b;
    return (d & 7) | ((d >> OBJECT_SHIFT) !== 0 ? MIXED_OBJECTS : 0);
  }

  /** The report over everything added so far. */
  report(): EvalReport {
    const Q = this.ids.size;
    const tallies = new Map<string, Tally>();
    const tally = (s: string): Tally => { let t = tallies.get(s); if (!t) tallies.set(s, (t = new Tally())); return t; };
    tally('total');
    for (const [dim, values] of [['task', TASKS], ['viewpoint', VIEWPOINTS], ['relation', RELATIONS]] as const) for (const v of values) tally(`${dim}:${v}`);
    for (const t of TASKS) for (const v of VIEWPOINTS) for (const r of RELATIONS) tally(`cell:${t}/${v}/${r}`);
    const byCode = new Map<number, Tally[]>();
    const talliesOf = (code: number, mixed = 0): Tally[] => {
      const key = code | (mixed << 16);
      let list = byCode.get(key);
      if (!list) byCode.set(key, (list = this.sliceNames(code, mixed).map(tally)));
      return list;
    };

    // Accuracy and answer counts.
    for (let i = 0; i < Q; i++) {
      const p = this.pred[i], g = this.goldCode[i];
      for (const t of talliesOf(this.sliceCode[i])) {
        t.questions++;
        if (g >= 0) t.gold[g]++; else t.goldOos++;
        if (Number.isNaN(p)) continue;
        t.answered++;
        if (p === g) t.correct++;
        if (p >= 0) t.answers[p]++; else t.oos++;
      }
    }

    // Normalized Entropy of every consistency group in one kernel call. Members by group (a counting sort).
    const G = this.groupKeys.size;
    const start = new Uint32Array(G + 1);
    for (let i = 0; i < Q; i++) if (this.group[i] >= 0) start[this.group[i] + 1]++;
    for (let g = 0; g < G; g++) start[g + 1] += start[g];
    const members = new Int32Array(start[G]);
    const fill = start.slice(0, G);
    for (let i = 0; i < Q; i++) if (this.group[i] >= 0) members[fill[this.group[i]]++] = i;
    const offsets = new Uint32Array(G + 1);
    const labels = new Int32Array(start[G]);
    const groupMixed = new Uint8Array(G);
    let n = 0;
    const local = new Map<number, number>();
    for (let g = 0; g < G; g++) {
      const code0 = this.sliceCode[members[start[g]]];
      let mixed = 0;
      local.clear();
      for (let k = start[g]; k < start[g + 1]; k++) {
        const i = members[k];
        mixed |= Evaluation.mixedBits(code0, this.sliceCode[i]);
        const p = this.pred[i];
        if (Number.isNaN(p)) continue;
        // Category labels local to the group; with 'eachDistinct' every out-of-set answer is its own.
        if (p < 0 && this.oos === 'eachDistinct') labels[n++] = -1 - k;
        else {
          let l = local.get(p);
          if (l === undefined) local.set(p, (l = local.size));
          labels[n++] = l;
        }
      }
      groupMixed[g] = mixed;
      offsets[g + 1] = n;
    }
    const ne = normalizedEntropyGrouped(labels.subarray(0, n), offsets).values;
    for (let g = 0; g < G; g++) {
      if (Number.isNaN(ne[g])) continue;
      const code0 = this.sliceCode[members[start[g]]], mixed = groupMixed[g];
      const bucket = mixed & 2 ? 2 : (code0 >> 1) & 1;
      for (const t of talliesOf(code0, mixed)) {
        t.neSum[bucket] += ne[g];
        t.groups[bucket]++;
        t.groupQuestions[bucket] += start[g + 1] - start[g];
      }
    }

    // Relationship-Type Consistency over the complete pairs.
    let incompletePairs = 0;
    for (let k = 0; k < this.pairKeys.size; k++) {
      const c = this.pairCard[k], h = this.pairClock[k];
      if (c < 0 || h < 0 || Number.isNaN(this.pred[c]) || Number.isNaN(this.pred[h])) { incompletePairs++; continue; }
      const pc = this.pred[c], ph = this.pred[h];
      const ok = pc >= CARDINAL0 && pc < CARDINAL0 + 8 && ph > HOUR0 && ph < IN_SET && compatible(CARDINALS[pc - CARDINAL0], ph - HOUR0);
      for (const t of talliesOf(this.sliceCode[c], Evaluation.mixedBits(this.sliceCode[c], this.sliceCode[h]))) {
        t.pairs++;
        if (ok) t.consistent++;
      }
    }

    const rep = (s: string): SliceReport => this.sliceReport(s, tally(s));
    const byDim = <T extends string>(dim: string, values: readonly T[]): Record<T, SliceReport> =>
      Object.fromEntries(values.map((v) => [v, rep(`${dim}:${v}`)])) as Record<T, SliceReport>;
    const cells: Record<string, SliceReport> = {};
    for (const t of TASKS) for (const v of VIEWPOINTS) for (const r of RELATIONS) cells[`${t}/${v}/${r}`] = rep(`cell:${t}/${v}/${r}`);
    const missing: string[] = [];
    let missingCount = 0;
    for (const i of this.missing()) {
      if (missingCount++ < this.listLimit) missing.push(this.ids.key(i));
    }
    return {
      questions: Q, answered: this.answered, missing, missingCount, extra: this.extra, extraCount: this.extraCount,
      incompletePairs, oos: this.oos, extract: this.extract,
      total: rep('total'),
      task: byDim('task', TASKS), viewpoint: byDim('viewpoint', VIEWPOINTS), relation: byDim('relation', RELATIONS),
      objects: byDim('objects', [...this.objectValues].sort((a, b) => a - b).map(String)), cells,
    };
  }

  private sliceReport(name: string, t: Tally): SliceReport {
    const share = (k: number, n: number): number | null => (n ? k / n : null);
    // Viewpoint buckets weighed by their questions (one bucket: its plain mean over groups).
    let rcSum = 0, weight = 0, groups = 0;
    for (let b = 0; b < 3; b++) {
      if (!t.groups[b]) continue;
      rcSum += (t.groupQuestions[b] * t.neSum[b]) / t.groups[b];
      weight += t.groupQuestions[b];
      groups += t.groups[b];
    }
    const [topAnswer, topN] = this.top(name, t.answers, t.oos, this.pred);
    const [goldTop, goldN] = this.top(name, t.gold, t.goldOos, this.goldCode);
    return {
      questions: t.questions, answered: t.answered, correct: t.correct, accuracy: share(t.correct, t.questions),
      rc: groups ? rcSum / weight : null, groups,
      rtc: share(t.consistent, t.pairs), pairs: t.pairs,
      topAnswer, topShare: share(topN, t.answered), oosRate: share(t.oos, t.answered),
      goldTopAnswer: goldTop, goldTopShare: share(goldN, t.questions),
    };
  }

  /**
   * The most frequent answer in a slice (ties: the smaller label) and its count. Out-of-set texts
   * are counted only when they could win: their codes are gathered and sorted, and runs counted.
   */
  private top(slice: string, inSet: Float64Array, oos: number, codes: Float64Array): [string | null, number] {
    let best: string | null = null, bestN = 0;
    for (let c = 0; c < IN_SET; c++) {
      if (inSet[c] > 0 && (best === null || beats(inSet[c], inSetLabel(c), bestN, best))) { best = inSetLabel(c); bestN = inSet[c]; }
    }
    if (oos === 0 || oos < bestN) return [best, bestN];
    const inSlice = new Map<number, boolean>();
    const member = (code: number): boolean => {
      let m = inSlice.get(code);
      if (m === undefined) inSlice.set(code, (m = this.sliceNames(code).includes(slice)));
      return m;
    };
    const list = new Float64Array(oos);
    let k = 0;
    for (let i = 0; i < this.ids.size; i++) if (codes[i] < 0 && member(this.sliceCode[i])) list[k++] = codes[i];
    list.sort();
    for (let a = 0; a < k;) {
      let b = a + 1;
      while (b < k && list[b] === list[a]) b++;
      const label = this.label(list[a]);
      if (best === null || beats(b - a, label, bestN, best)) { best = label; bestN = b - a; }
      a = b;
    }
    return [best, bestN];
  }
}

function predictionEntries(predictions: Predictions): [string, string][] {
  const out: [string, string][] = [];
  const seen = new Set<string>();
  const put = (id: unknown, text: unknown, where: string): void => {
    if (typeof id !== 'string') throw new TypeError(`Expected a string for \`${where}.id\` but received ${describe(id)}`);
    if (typeof text !== 'string') throw new TypeError(`Expected a string for \`${where}.answer\` but received ${describe(text)}`);
    if (seen.has(id)) throw new RangeError(`Expected unique ids in \`predictions\` but ${where} repeats '${id}'`);
    seen.add(id);
    out.push([id, text]);
  };
  if (Array.isArray(predictions)) {
    predictions.forEach((p: Prediction, i) => {
      if (p === null || typeof p !== 'object') throw new TypeError(`Expected an object for \`predictions[${i}]\` but received ${describe(p)}`);
      put(p.id, p.answer ?? p.prediction ?? p.text, `predictions[${i}]`);
    });
  } else if (predictions instanceof Map) {
    for (const [id, text] of predictions) put(id, text, `predictions[${JSON.stringify(id)}]`);
  } else if (predictions !== null && typeof predictions === 'object') {
    for (const [id, text] of Object.entries(predictions)) put(id, text, `predictions[${JSON.stringify(id)}]`);
  } else {
    throw new TypeError(`Expected a Map, an object or an array for \`predictions\` but received ${describe(predictions)}`);
  }
  return out;
}

/**
 * Scores predictions against gold questions.
 * @param gold the questions (qa.jsonl records): id, task, viewpoint, relation, answer, and the
 *   optional objects, consistency (NE group) and pair (RTC) keys.
 * @param predictions answers by id (Map, object, or `{id, answer|prediction|text}` records).
 * @param opts.oos out-of-set categories for NE: 'byText' (default) | 'eachDistinct'.
 * @param opts.extract map verbose answers to the question's label set first
 *   (`sk.metrics.extractAnswer`); default false: the answer as {@link normalizeAnswer} reads it.
 * @returns an {@link EvalReport}: `total` and per-slice {@link SliceReport}s (every figure a
 *   fraction in [0, 1]), plus missing and extra ids.
 * @throws TypeError/RangeError for malformed records or duplicate ids, naming the record.
 * @example evaluate(gold, [{id: 'g000000-s0-c0-q00', answer: 'Yes.'}])
 */
export function evaluate(gold: readonly GoldQuestion[], predictions: Predictions, opts: EvalOptions = {}): EvalReport {
  const ev = new Evaluation(opts);
  if (!Array.isArray(gold)) throw new TypeError(`Expected an array for \`gold\` but received ${describe(gold)}`);
  const preds = predictionEntries(predictions);
  gold.forEach((q0, i) => {
    const q = checkGold(q0, `gold[${i}].`);
    const r = ev.addGold(q, i);
    if (r.ok) return;
    if (r.reason === 'id') throw new RangeError(`Expected unique ids in \`gold\` but gold[${i}] repeats '${q.id}' (gold[${r.first}])`);
    throw new RangeError(`Expected one ${q.relation} question per pair but gold[${i}] repeats pair '${q.pair}' (gold[${r.first}])`);
  });
  preds.forEach(([id, text], k) => ev.addPrediction(id, text, k));
  return ev.report();
}
