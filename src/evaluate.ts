/**
 * `sk.metrics.evaluate`: a ROTATE-style report from gold questions (the `qa.jsonl` records that
 * `spatialkit rotate` writes) and a model's predictions — accuracy, Rotation Consistency (NE × 100),
 * Relationship-Type Consistency and answer-bias figures, for the whole set and for every slice.
 *
 * Slices: task (judgement / prediction), viewpoint (relative / absolute), relation (cardinal /
 * clock), number of objects, and the 8 cells task/viewpoint/relation (ROTATE Table 4's columns).
 * A consistency group or a (cardinal, clock) pair counts in a slice when all of its questions do.
 *
 * Missing predictions count as wrong in accuracy, are left out of NE, RTC and the bias figures
 * (which describe the answers given), and are listed in the report — never dropped silently.
 */
import {
  answerKey, answerLabel, consistentPair, normalizeAnswer, normalizedEntropyGrouped, OOS_MODES,
  type NormalizedAnswer, type OosMode,
} from './metrics.js';
import { choice, describe, integer, options } from './validate.js';

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
}

/** Figures for one slice of the questions. */
export interface SliceReport {
  questions: number;
  /** Questions with a prediction. */
  answered: number;
  correct: number;
  /** correct / questions (missing answers count as wrong), or null for no questions. */
  accuracy: number | null;
  /** Rotation Consistency: mean NE × 100 over the consistency groups with ≥ 2 answers (lower is more consistent), or null. */
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
  /** Gold ids with no prediction. */
  missing: string[];
  /** Prediction ids that are not gold ids (ignored). */
  extra: string[];
  /** Pairs left out of RTC because one of the two questions has no prediction. */
  incompletePairs: number;
  oos: OosMode;
  total: SliceReport;
  task: Record<(typeof TASKS)[number], SliceReport>;
  viewpoint: Record<(typeof VIEWPOINTS)[number], SliceReport>;
  relation: Record<(typeof RELATIONS)[number], SliceReport>;
  /** By number of objects ('2', '3'), as present in the gold set. */
  objects: Record<string, SliceReport>;
  /** The 8 cells `${task}/${viewpoint}/${relation}`. */
  cells: Record<string, SliceReport>;
}

class Tally {
  questions = 0; answered = 0; correct = 0; oos = 0;
  answers = new Map<string, number>();
  gold = new Map<string, number>();
  neSum = 0; groups = 0; pairs = 0; consistent = 0;

  report(labels: Map<string, string>): SliceReport {
    const top = (m: Map<string, number>): [string | null, number] => {
      let key: string | null = null, n = 0;
      for (const [k, c] of m) if (c > n || (c === n && key !== null && labels.get(k)! < labels.get(key)!)) { key = k; n = c; }
      return [key === null ? null : labels.get(key)!, n];
    };
    const [topAnswer, topN] = top(this.answers), [goldTop, goldN] = top(this.gold);
    const share = (k: number, n: number): number | null => (n ? k / n : null);
    return {
      questions: this.questions, answered: this.answered, correct: this.correct,
      accuracy: share(this.correct, this.questions),
      rc: this.groups ? (100 * this.neSum) / this.groups : null, groups: this.groups,
      rtc: share(this.consistent, this.pairs), pairs: this.pairs,
      topAnswer, topShare: share(topN, this.answered), oosRate: share(this.oos, this.answered),
      goldTopAnswer: goldTop, goldTopShare: share(goldN, this.questions),
    };
  }
}

function predictionMap(predictions: Predictions): Map<string, string> {
  const map = new Map<string, string>();
  const put = (id: unknown, text: unknown, where: string): void => {
    if (typeof id !== 'string') throw new TypeError(`Expected a string for \`${where}.id\` but received ${describe(id)}`);
    if (typeof text !== 'string') throw new TypeError(`Expected a string for \`${where}.answer\` but received ${describe(text)}`);
    if (map.has(id)) throw new RangeError(`Expected unique ids in \`predictions\` but ${where} repeats '${id}'`);
    map.set(id, text);
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
  return map;
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
  choice(g.task, `${where}task`, TASKS);
  choice(g.viewpoint, `${where}viewpoint`, VIEWPOINTS);
  choice(g.relation, `${where}relation`, RELATIONS);
  if (typeof g.answer !== 'string') throw new TypeError(`Expected a string for \`${where}answer\` but received ${describe(g.answer)}`);
  if (g.objects !== undefined) integer(g.objects, `${where}objects`, 1, 1e6);
  for (const k of ['consistency', 'pair'] as const) {
    if (g[k] !== undefined && typeof g[k] !== 'string') throw new TypeError(`Expected a string for \`${where}${k}\` but received ${describe(g[k])}`);
  }
  return g;
}

const intersect = (a: string[], b: string[]): string[] => a.filter((s) => b.includes(s));

/**
 * Scores predictions against gold questions.
 * @param gold the questions (qa.jsonl records): id, task, viewpoint, relation, answer, and the
 *   optional objects, consistency (NE group) and pair (RTC) keys.
 * @param predictions answers by id (Map, object, or `{id, answer|prediction|text}` records).
 * @param opts.oos out-of-set categories for NE: 'byText' (default) | 'eachDistinct'.
 * @returns an {@link EvalReport}: `total` and per-slice {@link SliceReport}s, plus missing and
 *   extra ids.
 * @throws TypeError/RangeError for malformed records or duplicate ids, naming the record.
 * @example evaluate(gold, [{id: 'g000000-s0-c0-q00', answer: 'Yes.'}])
 */
export function evaluate(gold: readonly GoldQuestion[], predictions: Predictions, opts: EvalOptions = {}): EvalReport {
  options(opts);
  if (!Array.isArray(gold)) throw new TypeError(`Expected an array for \`gold\` but received ${describe(gold)}`);
  const mode = choice(opts.oos ?? 'byText', 'oos', OOS_MODES);
  const preds = predictionMap(predictions);

  const tallies = new Map<string, Tally>();
  const tally = (s: string): Tally => { let t = tallies.get(s); if (!t) tallies.set(s, (t = new Tally())); return t; };
  for (const t of TASKS) for (const v of VIEWPOINTS) for (const r of RELATIONS) tally(`cell:${t}/${v}/${r}`);
  for (const [dim, values] of [['task', TASKS], ['viewpoint', VIEWPOINTS], ['relation', RELATIONS]] as const) {
    for (const v of values) tally(`${dim}:${v}`);
  }
  const labels = new Map<string, string>();       // answer key → label shown in the report
  const codes = new Map<string, number>();        // answer key → NE label code
  let distinctOos = 0;
  const groups = new Map<string, { codes: number[]; slices: string[] }>();
  const pairs = new Map<string, { cardinal?: NormalizedAnswer | null; clock?: NormalizedAnswer | null; slices: string[] }>();
  const seen = new Map<string, number>();
  const missing: string[] = [];
  let answered = 0;

  gold.forEach((q0, i) => {
    const q = checkGold(q0, `gold[${i}].`);
    const first = seen.get(q.id);
    if (first !== undefined) throw new RangeError(`Expected unique ids in \`gold\` but gold[${i}] repeats '${q.id}' (gold[${first}])`);
    seen.set(q.id, i);
    const g = normalizeAnswer(q.answer);
    const gKey = answerKey(g);
    labels.set(gKey, answerLabel(g));
    const text = preds.get(q.id);
    const p = text === undefined ? null : normalizeAnswer(text);
    const pKey = p && answerKey(p);
    if (p) { labels.set(pKey!, answerLabel(p)); answered++; } else missing.push(q.id);
    const slices = ['total', `task:${q.task}`, `viewpoint:${q.viewpoint}`, `relation:${q.relation}`,
      `cell:${q.task}/${q.viewpoint}/${q.relation}`];
    if (q.objects !== undefined) slices.push(`objects:${q.objects}`);
    for (const s of slices) {
      const t = tally(s);
      t.questions++;
      t.gold.set(gKey, (t.gold.get(gKey) ?? 0) + 1);
      if (p) {
        t.answered++;
        if (pKey === gKey) t.correct++;
        if (p.kind === 'oos') t.oos++;
        t.answers.set(pKey!, (t.answers.get(pKey!) ?? 0) + 1);
      }
    }
    if (q.consistency !== undefined) {
      let grp = groups.get(q.consistency);
      if (!grp) groups.set(q.consistency, (grp = { codes: [], slices }));
      else grp.slices = intersect(grp.slices, slices);
      if (p) {
        let code: number;
        if (p.kind === 'oos' && mode === 'eachDistinct') code = -1 - distinctOos++;
        else {
          code = codes.get(pKey!) ?? codes.size;
          codes.set(pKey!, code);
        }
        grp.codes.push(code);
      }
    }
    if (q.pair !== undefined) {
      let pr = pairs.get(q.pair);
      if (!pr) pairs.set(q.pair, (pr = { slices }));
      else pr.slices = intersect(pr.slices, slices);
      if (pr[q.relation] !== undefined) throw new RangeError(`Expected one ${q.relation} question per pair but gold[${i}] repeats pair '${q.pair}'`);
      pr[q.relation] = p;
    }
  });

  // Normalized Entropy of every group in one kernel call.
  const list = [...groups.values()];
  const offsets = new Uint32Array(list.length + 1);
  list.forEach((g, k) => { offsets[k + 1] = offsets[k] + g.codes.length; });
  const flat = new Int32Array(offsets[list.length]);
  list.forEach((g, k) => flat.set(g.codes, offsets[k]));
  const ne = normalizedEntropyGrouped(flat, offsets).values;
  list.forEach((g, k) => {
    if (Number.isNaN(ne[k])) return;
    for (const s of g.slices) { const t = tally(s); t.neSum += ne[k]; t.groups++; }
  });

  let incompletePairs = 0;
  for (const pr of pairs.values()) {
    if (!pr.cardinal || !pr.clock) { incompletePairs++; continue; }
    const ok = consistentPair(pr.cardinal, pr.clock);
    for (const s of pr.slices) { const t = tally(s); t.pairs++; if (ok) t.consistent++; }
  }

  const rep = (s: string): SliceReport => tally(s).report(labels);
  const byDim = <T extends string>(dim: string, values: readonly T[]): Record<T, SliceReport> =>
    Object.fromEntries(values.map((v) => [v, rep(`${dim}:${v}`)])) as Record<T, SliceReport>;
  const objectCounts = [...tallies.keys()].filter((k) => k.startsWith('objects:')).map((k) => k.slice(8)).sort((a, b) => Number(a) - Number(b));
  const cells: Record<string, SliceReport> = {};
  for (const t of TASKS) for (const v of VIEWPOINTS) for (const r of RELATIONS) cells[`${t}/${v}/${r}`] = rep(`cell:${t}/${v}/${r}`);
  return {
    questions: gold.length, answered, missing, extra: [...preds.keys()].filter((id) => !seen.has(id)),
    incompletePairs, oos: mode,
    total: rep('total'),
    task: byDim('task', TASKS), viewpoint: byDim('viewpoint', VIEWPOINTS), relation: byDim('relation', RELATIONS),
    objects: byDim('objects', objectCounts), cells,
  };
}
