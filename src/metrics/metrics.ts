/**
 * Evaluation metrics for spatial-reasoning models (ROTATE, GST, pose estimation).
 *
 * Conventions (DESIGN §4 "Metrics"):
 * - Answers are compared after {@link normalizeAnswer}: yes/no, one of 8 cardinal directions,
 *   an hour 1–12, or out-of-set (kind 'oos', value = the normalised text).
 * - Normalized Entropy (NE) over a group of N answers that should agree:
 *   NE = (−Σ (n_i/N) log2(n_i/N)) / log2 N ∈ [0, 1]; 0 = all agree, 1 = all differ. Out-of-set
 *   answers form one category per normalised text (`oos: 'byText'`, default) or one each
 *   (`oos: 'eachDistinct'`). Rotation Consistency (RC) is mean NE × 100 (lower is better).
 * - Relationship-Type Consistency (RTC): share of (cardinal, clock) answer pairs that are both
 *   in-set and compatible (ROTATE Table 3, see {@link compatible}).
 * - Empty inputs to a statistic (NE of fewer than 2 answers, RTC of no pairs, accuracy of no
 *   questions) give `null`, never NaN.
 * - Large inputs go to the backend kernels: {@link normalizedEntropyGrouped} (labels as Int32Array
 *   with group offsets) and the histogram behind {@link codebookUsage} and {@link entropy}; both
 *   have `…Async` twins.
 */
import { LIMITS, type MetricsKernels } from '../backend/kernels.js';
import { call, callAsync, output } from '../call.js';
import { CARDINALS, cardinalIndex, clockHour, compatible, type Cardinal } from '../scene/relations.js';
import * as quat from '../quat.js';
import { array, choice, describe, finite, integer, knownKeys, options } from '../validate.js';

// The sector definitions and Table 3 live once, in the scene module; metrics re-exports them.
export { CARDINALS, compatible } from '../scene/relations.js';
export type { Cardinal } from '../scene/relations.js';
/** Index 0–7 into {@link CARDINALS} of the cardinal sector holding θ (degrees, any finite value). */
export const cardinalSector = (theta: number): number => cardinalIndex(finite(theta, 'theta'));
/** The clock hour 1–12 holding θ (degrees, any finite value; 12 on 0°). */
export const clockSector = (theta: number): number => clockHour(finite(theta, 'theta'));

// ---------------------------------------------------------------- backend kernels

export type { MetricsKernels };

/** Largest K the histogram accepts (the CPU driver keeps one table of K + 1 bins per thread). */
export const MAX_BINS = LIMITS.maxBins;

// ---------------------------------------------------------------- answers

export type NormalizedAnswer =
  | { kind: 'yesno'; value: 'yes' | 'no' }
  | { kind: 'cardinal'; value: Cardinal }
  | { kind: 'clock'; value: number }
  | { kind: 'oos'; value: string };

export const OOS_MODES = ['byText', 'eachDistinct'] as const;
export type OosMode = (typeof OOS_MODES)[number];

const CLOCK_WORDS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const CLOCK_RE = new RegExp(`^(?:0*(1[0-2]|[1-9])|(${CLOCK_WORDS.join('|')}))(?: ?(?:o'clock|o clock|oclock))?$`);
const CARDINAL_RE = /^(?:(front|back|left|right)|(front|back)[-_– ](left|right)|(left|right)[-_– ](front|back))$/;
const PAIRS: Record<string, string> = { '"': '"', "'": "'", '`': '`', '(': ')', '[': ']', '{': '}', '<': '>' };
const TRAILING = '.,;:!?*';

/** DESIGN §4: NFKC, curly quotes to ASCII, lower case, whitespace collapsed, wrappers stripped. */
function cleanText(text: string): string {
  let t = text.normalize('NFKC')
    .replace(/[\u2018\u2019\u201A\u201B]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F]/g, '"')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
  // Peel surrounding quote/bracket pairs and trailing punctuation in any nesting ('("Yes.")').
  for (;;) {
    const last = t[t.length - 1];
    if (t.length > 0 && TRAILING.includes(last)) t = t.slice(0, -1).trimEnd();
    else if (t.length > 1 && PAIRS[t[0]] === last) t = t.slice(1, -1).trim();
    else return t;
  }
}

/**
 * Classifies a model's answer text (DESIGN §4): yes/no exactly; a cardinal direction as one or
 * two of front/back/left/right joined by `-`, `_`, `–` or a space in either order ("left front"
 * → 'front-left'); an hour as 1–12 in digits (leading zeros allowed) or English words, optionally
 * followed by "o'clock", "o clock" or "oclock" (value: the integer). Anything else — extra words,
 * "behind", "2:00", "13", "left-" — is out-of-set, its value the normalised text.
 * @param text the answer.
 * @returns `{kind, value}`.
 * @throws TypeError if text is not a string.
 * @example normalizeAnswer('Left Front.') // {kind: 'cardinal', value: 'front-left'}
 */
export function normalizeAnswer(text: string): NormalizedAnswer {
  if (typeof text !== 'string') throw new TypeError(`Expected a string for \`text\` but received ${describe(text)}`);
  const canonical = CANONICAL.get(text);  // most answers already are a label: skip the cleaning
  if (canonical) return { ...canonical };
  const t = cleanText(text);
  if (t === 'yes' || t === 'no') return { kind: 'yesno', value: t };
  const c = CARDINAL_RE.exec(t);
  if (c) {
    const value = (c[1] ?? (c[2] ? `${c[2]}-${c[3]}` : `${c[5]}-${c[4]}`)) as Cardinal;
    return { kind: 'cardinal', value };
  }
  const h = CLOCK_RE.exec(t);
  if (h) return { kind: 'clock', value: h[1] ? Number(h[1]) : CLOCK_WORDS.indexOf(h[2]) + 1 };
  return { kind: 'oos', value: t };
}

/** The label sets a question can ask for: yes/no (judgement), a cardinal direction or a clock hour (prediction). */
export const ANSWER_KINDS = ['yesno', 'cardinal', 'clock'] as const;
export type AnswerKind = (typeof ANSWER_KINDS)[number];

const MARKER_RE = /\banswer(?: is|:)/g;
const MENTION_RE: Record<AnswerKind, RegExp> = {
  yesno: /\b(yes|no)\b/g,
  // Two-word directions first, so that "front-left" is one mention and not "front" and "left".
  cardinal: /\b(?:(front|back)[-_– ](left|right)|(left|right)[-_– ](front|back)|(front|back|left|right))\b/g,
  clock: new RegExp(`\\b(?:0*(1[0-2]|[1-9])|(${CLOCK_WORDS.join('|')})) ?(?:o'clock|o clock|oclock)\\b`, 'g'),
};

/**
 * Maps a verbose answer to the label set of its question ("The answer is yes" → yes, "I think
 * it's front-left." → front-left), by three rules tried in order:
 * 1. the whole text, as {@link normalizeAnswer} reads it, if that is in set (of any kind);
 * 2. the text after the last "answer is" or "answer:" (case-insensitive), if that alone is in set;
 * 3. the labels of the `expected` kind mentioned as whole words — in the text after that marker
 *    if there is one, else in the whole text: yes/no; a direction (one or two of
 *    front/back/left/right joined by `-`, `_`, `–` or a space, read as one direction); an hour only
 *    with "o'clock" ("3 o'clock", "three oclock") — if they are all the same label, that label.
 * Anything else (no mention, or two different labels: "yes and no", "left, not right") stays
 * out-of-set as rule 1 left it. A bare number in a sentence is not taken for an hour ("about 2 m").
 * @param text the model's answer.
 * @param expected the question's label set: 'yesno' | 'cardinal' | 'clock'.
 * @returns `{kind, value}` as {@link normalizeAnswer}.
 * @throws TypeError if text is not a string; RangeError for an unknown `expected`.
 * @example extractAnswer("I think it's front-left.", 'cardinal') // {kind: 'cardinal', value: 'front-left'}
 */
export function extractAnswer(text: string, expected: AnswerKind): NormalizedAnswer {
  const plain = normalizeAnswer(text);
  choice(expected, 'expected', ANSWER_KINDS);
  if (plain.kind !== 'oos') return plain;
  const t = plain.value;
  const marks = [...t.matchAll(MARKER_RE)];
  const scope = marks.length ? t.slice(marks[marks.length - 1].index + marks[marks.length - 1][0].length) : t;
  if (marks.length) {
    const tail = normalizeAnswer(scope);
    if (tail.kind !== 'oos') return tail;
  }
  const found = new Set<string>();
  for (const mention of scope.matchAll(MENTION_RE[expected])) found.add(mention[0]);
  const labels = new Map([...found].map((f) => { const a = normalizeAnswer(f); return [answerKey(a), a] as const; }));
  return labels.size === 1 ? [...labels.values()][0] : plain;
}

/** The canonical labels, each as normalizeAnswer reads it. */
const CANONICAL = new Map<string, NormalizedAnswer>([
  ...(['yes', 'no'] as const).map((v) => [v, { kind: 'yesno', value: v }] as const),
  ...CARDINALS.map((v) => [v, { kind: 'cardinal', value: v }] as const),
  ...CLOCK_WORDS.map((_, h) => [String(h + 1), { kind: 'clock', value: h + 1 }] as const),
]);

/** An answer as text (normalised here) or as {@link normalizeAnswer} returned it. */
export type Answer = string | NormalizedAnswer;

function asNormalized(a: Answer, name: string): NormalizedAnswer {
  if (typeof a === 'string') return normalizeAnswer(a);
  if (a !== null && typeof a === 'object' && typeof (a as NormalizedAnswer).kind === 'string') return a;
  throw new TypeError(`Expected a string or a normalized answer for \`${name}\` but received ${describe(a)}`);
}

function checkNormalized(a: unknown, name: string): NormalizedAnswer {
  const v = (a as NormalizedAnswer | null)?.value;
  if (a !== null && typeof a === 'object' && typeof (a as NormalizedAnswer).kind === 'string' && (typeof v === 'string' || typeof v === 'number')) return a as NormalizedAnswer;
  throw new TypeError(`Expected a normalized answer for \`${name}\` but received ${describe(a)}`);
}

/** The category key of an answer: in-set answers by kind and value, out-of-set by text. */
export function answerKey(a: NormalizedAnswer): string {
  checkNormalized(a, 'a');
  return a.kind === 'oos' ? `oos:${a.value}` : `${a.kind}:${a.value}`;
}

/** The answer as the text a report shows: 'yes', 'front-left', '3', or the out-of-set text in quotes. */
export function answerLabel(a: NormalizedAnswer): string {
  checkNormalized(a, 'a');
  return a.kind === 'oos' ? JSON.stringify(a.value) : String(a.value);
}

// ---------------------------------------------------------------- Normalized Entropy, RTC

/**
 * Normalized Entropy of a group of answers that should agree (ROTATE's Rotation Consistency for
 * one group): (−Σ (n_i/N) log2(n_i/N)) / log2 N.
 * @param answers N answers (texts or normalized answers).
 * @param opts.oos 'byText' (default): out-of-set answers with the same normalised text form one
 *   category; 'eachDistinct': every out-of-set answer is its own category.
 * @returns NE in [0, 1], or null when N < 2.
 * @example normalizedEntropy(['left', 'left', 'Left.', 'right']) // 0.4056…
 */
export function normalizedEntropy(answers: readonly Answer[], opts: { oos?: OosMode } = {}): number | null {
  options(opts);
  if (!Array.isArray(answers)) throw new TypeError(`Expected an array for \`answers\` but received ${describe(answers)}`);
  const mode = choice(opts.oos ?? 'byText', 'oos', OOS_MODES);
  const n = answers.length;
  if (n < 2) return null;
  // Categories as labels for the NE kernel (the one body of the math: evaluate() uses it too).
  const ids = new Map<string, number>();
  const labels = new Int32Array(n);
  let distinct = 0;
  answers.forEach((a, i) => {
    const x = asNormalized(a, `answers[${i}]`);
    const key = x.kind === 'oos' && mode === 'eachDistinct' ? `#${distinct++}` : answerKey(x);
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    labels[i] = id;
  });
  return normalizedEntropyGrouped(labels, Uint32Array.of(0, n)).values[0];
}

export interface GroupedEntropy {
  /** Float64Array [G]: NE of each group; NaN where the group holds fewer than 2 labels. */
  values: Float64Array;
  /** Mean over the groups with N ≥ 2 (summed in a fixed order), or null if there are none. */
  mean: number | null;
}

function prepGrouped(labels: Int32Array, offsets: Uint32Array, out?: Float64Array): [Int32Array, Uint32Array, Float64Array, Float64Array] {
  array(Int32Array, labels, 'labels');
  const g = array(Uint32Array, offsets, 'offsets');
  if (g < 1) throw new RangeError('Expected Uint32Array of length G + 1 ≥ 1 for `offsets` but received Uint32Array(0)');
  return [labels, offsets, output(Float64Array, out, g - 1, 1, 'values'), new Float64Array(2)];
}
const groupedResult = (out: Float64Array, stats: Float64Array): GroupedEntropy =>
  ({ values: out, mean: stats[1] > 0 ? stats[0] / stats[1] : null });

/**
 * Normalized Entropy of many groups at once, on the backend kernel (the workhorse of large
 * evaluations). Labels are category codes (any int32; equal codes = same category).
 * @param labels Int32Array [N], the groups' labels one after another.
 * @param offsets Uint32Array [G + 1], rising from 0 to N: group g is labels[offsets[g] .. offsets[g+1]).
 * @param opts.out Float64Array [G], optional.
 * @returns `{values: Float64Array [G] (NaN where a group has N < 2), mean: number | null}`.
 * @throws TypeError for other array types; RangeError naming the first offsets index that does
 *   not rise from 0 to N.
 * @example normalizedEntropyGrouped(Int32Array.of(1, 1, 2, 2, 3), Uint32Array.of(0, 3, 5))
 */
export function normalizedEntropyGrouped(labels: Int32Array, offsets: Uint32Array, opts: { out?: Float64Array } = {}): GroupedEntropy {
  options(opts);
  const args = prepGrouped(labels, offsets, opts.out);
  call('metrics', 'neGrouped', args);
  return groupedResult(args[2], args[3]);
}
export async function normalizedEntropyGroupedAsync(labels: Int32Array, offsets: Uint32Array,
  opts: { out?: Float64Array } = {}): Promise<GroupedEntropy> {
  options(opts);
  const args = prepGrouped(labels, offsets, opts.out);
  await callAsync('metrics', 'neGrouped', args);
  return groupedResult(args[2], args[3]);
}

/**
 * Relationship-Type Consistency: the share of (cardinal, clock) answer pairs — the two answers a
 * model gave to the same relation asked both ways — that are both in-set and compatible.
 * @param pairs [cardinalAnswer, clockAnswer] per question pair (texts or normalized answers).
 * @returns a share in [0, 1], or null for no pairs.
 * @example rtc([['front-right', '2'], ['left', '3 o’clock']]) // 0.5
 */
export function rtc(pairs: readonly (readonly [Answer, Answer])[]): number | null {
  if (!Array.isArray(pairs)) throw new TypeError(`Expected an array for \`pairs\` but received ${describe(pairs)}`);
  if (pairs.length === 0) return null;
  let ok = 0;
  pairs.forEach((p, i) => {
    if (!Array.isArray(p) || p.length !== 2) throw new TypeError(`Expected a [cardinal, clock] pair for \`pairs[${i}]\` but received ${describe(p)}`);
    if (consistentPair(asNormalized(p[0], `pairs[${i}][0]`), asNormalized(p[1], `pairs[${i}][1]`))) ok++;
  });
  return ok / pairs.length;
}

/** Both answers in-set for their relation type and compatible (ROTATE Table 3). */
export function consistentPair(cardinal: NormalizedAnswer, clock: NormalizedAnswer): boolean {
  checkNormalized(cardinal, 'cardinal');
  checkNormalized(clock, 'clock');
  return cardinal.kind === 'cardinal' && clock.kind === 'clock' && compatible(cardinal.value, clock.value);
}

// ---------------------------------------------------------------- entropy, codebooks

const COUNT_TYPES = [Float64Array, Float32Array, Uint32Array] as const;
type Counts = readonly number[] | Float64Array | Float32Array | Uint32Array;

function logBase(base: unknown): number {
  if (base === 'e') return Math.LOG2E;
  if (typeof base !== 'number') throw new TypeError(`Expected a number > 0 other than 1, or 'e', for \`base\` but received ${describe(base)}`);
  if (!(base > 0 && base !== 1 && Number.isFinite(base))) throw new RangeError(`Expected a number > 0 other than 1, or 'e', for \`base\` but received ${describe(base)}`);
  return Math.log2(base);
}

/** Entropy in bits of non-negative counts: log2 T − Σ c log2 c / T (zero counts contribute 0). */
function bitsFromCounts(counts: ArrayLike<number>): number | null {
  let total = 0, acc = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (c > 0) { total += c; acc += c * Math.log2(c); }
  }
  if (total === 0) return null;
  return Math.max(0, Math.log2(total) - acc / total);  // max: rounding may leave −1e-16 for one category
}

function histogramOf(codes: Int32Array, K: number): Float64Array {
  const counts = new Float64Array(K);
  call('metrics', 'histogram', [codes, K, counts]);
  return counts;
}

function maxCode(codes: Int32Array): number {
  let max = -1;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0) throw new RangeError(`Expected a non-negative integer for \`codes[${i}]\` but received the number ${c}`);
    if (c > max) max = c;
  }
  return max;
}

/**
 * Shannon entropy of a distribution given as counts, or of the empirical distribution of codes.
 * @param countsOrCodes counts (number[], Float64Array, Float32Array or Uint32Array; finite, ≥ 0;
 *   need not sum to 1), or codes as Int32Array (non-negative; histogrammed on the backend).
 * @param opts.base logarithm base: 2 (default, bits), 'e' (nats) or any number > 0 other than 1.
 * @param opts.K for codes: the number of bins (codes must lie in [0, K)); default max(codes) + 1.
 * @returns the entropy, or null for an empty input or all-zero counts.
 * @example entropy([1, 1, 2, 0]) // 1.5
 */
export function entropy(countsOrCodes: Counts | Int32Array, opts: { base?: number | 'e'; K?: number } = {}): number | null {
  options(opts);
  const scale = logBase(opts.base ?? 2);
  let counts: ArrayLike<number>;
  if (countsOrCodes instanceof Int32Array) {
    const K = opts.K === undefined ? maxCode(countsOrCodes) + 1 : integer(opts.K, 'K', 1, MAX_BINS);
    if (K === 0) return null;
    if (K > MAX_BINS) throw new RangeError(`Expected codes below ${MAX_BINS} (the largest histogram) for \`codes\` but the largest is ${K - 1}`);
    counts = histogramOf(countsOrCodes, K);
  } else if (Array.isArray(countsOrCodes) || COUNT_TYPES.some((T) => countsOrCodes instanceof T)) {
    counts = countsOrCodes as ArrayLike<number>;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i];
      if (typeof c !== 'number') throw new TypeError(`Expected a finite number ≥ 0 for \`counts[${i}]\` but received ${describe(c)}`);
      if (!(c >= 0 && Number.isFinite(c))) throw new RangeError(`Expected a finite number ≥ 0 for \`counts[${i}]\` but received ${describe(c)}`);
    }
  } else {
    throw new TypeError(`Expected counts (number[], Float64Array, Float32Array, Uint32Array) or codes (Int32Array) for \`countsOrCodes\` but received ${describe(countsOrCodes)}`);
  }
  const bits = bitsFromCounts(counts);
  return bits === null ? null : bits / scale;
}

export interface CodebookUsage {
  /** Codes with at least one occurrence. */
  used: number;
  /** used / K, or null for no codes. */
  usage: number | null;
  /** 2^entropyBits: the effective number of codes, or null for no codes. */
  perplexity: number | null;
  /** Entropy of the code distribution in bits, or null for no codes. */
  entropyBits: number | null;
  /** Float64Array [K]: occurrences of each code. */
  counts: Float64Array;
}

function prepCodebook(codes: Int32Array, K: number): [Int32Array, number, Float64Array] {
  array(Int32Array, codes, 'codes');
  return [codes, integer(K, 'K', 1, MAX_BINS), new Float64Array(K)];
}
function codebookResult(n: number, counts: Float64Array): CodebookUsage {
  let used = 0;
  for (let k = 0; k < counts.length; k++) if (counts[k] > 0) used++;
  const bits = n ? bitsFromCounts(counts) : null;
  return { used, usage: n ? used / counts.length : null, perplexity: bits === null ? null : 2 ** bits, entropyBits: bits, counts };
}

/**
 * Codebook usage of a vector-quantised tokenizer (as GST reports for its camera tokens): the
 * histogram of `codes` over K entries (native: multi-threaded, one table per chunk merged in
 * chunk order; 1e8 codes in tens of milliseconds), its entropy and perplexity.
 * @param codes Int32Array [N], each in [0, K).
 * @param K codebook size, integer in [1, 2^24].
 * @returns `{used, usage, perplexity, entropyBits, counts: Float64Array [K]}`.
 * @throws RangeError naming the first code outside [0, K).
 * @example codebookUsage(Int32Array.of(0, 1, 1, 3), 4) // used 3, usage 0.75, entropyBits 1.5
 */
export function codebookUsage(codes: Int32Array, K: number): CodebookUsage {
  const args = prepCodebook(codes, K);
  call('metrics', 'histogram', args);
  return codebookResult(codes.length, args[2]);
}
export async function codebookUsageAsync(codes: Int32Array, K: number): Promise<CodebookUsage> {
  const args = prepCodebook(codes, K);
  const n = codes.length;  // read before the await: the caller may transfer `codes` meanwhile
  await callAsync('metrics', 'histogram', args);
  return codebookResult(n, args[2]);
}

// ---------------------------------------------------------------- rotations

export const ROTATION_FORMATS = ['quaternion', 'matrix'] as const;
export type RotationFormat = (typeof ROTATION_FORMATS)[number];
/** 'none': each rotation against its own ground truth; 'all': relative rotations of every camera pair of a sequence. */
export const ROTATION_PAIRS = ['none', 'all'] as const;
export type RotationPairs = (typeof ROTATION_PAIRS)[number];

export interface RotationAccuracyOptions {
  /** Thresholds in degrees; default [15, 30]. */
  thresholdsDeg?: readonly number[];
  /** 'quaternion' (default): [N, 4] xyzw; 'matrix': [N, 9] row-major. */
  format?: RotationFormat;
  /** 'none' (default) or 'all' (RelPose++ / RayDiffusion protocol, see {@link rotationAccuracy}). */
  pairs?: RotationPairs;
  /** With `pairs: 'all'`: Uint32Array [S + 1] rising from 0 to N; sequence s is rows offsets[s] … offsets[s + 1] − 1. Default: one sequence. */
  offsets?: Uint32Array;
}

export interface RotationAccuracy {
  /** The thresholds, in degrees, in the order given. */
  thresholdsDeg: number[];
  /** Share of items (rotations, or camera pairs) whose error is below each threshold (same order), or null for none. */
  accuracy: (number | null)[];
  /** Float64Array [N] (or [P] camera pairs): geodesic angle between predicted and true rotation, degrees. */
  errorsDeg: Float64Array;
  meanDeg: number | null;
  medianDeg: number | null;
  /** With `pairs: 'all'`: Uint32Array [P, 2], the rows (i, j), i < j, of each pair, sequence by sequence. */
  pairIndices?: Uint32Array;
}

const ROTATION_OPTIONS = ['thresholdsDeg', 'format', 'pairs', 'offsets'];

/** quat.* names its arguments a, b and q; name them as the caller of rotationAccuracy did. */
function renamed<T>(names: Record<string, string>, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof Error) {
      for (const [from, to] of Object.entries(names)) e.message = e.message.replace(new RegExp(`\`${from}([\`[])`, 'g'), `\`${to}$1`);
    }
    throw e;
  }
}

/** Sequence offsets for `pairs: 'all'`, copied before they are checked (so a racing writer cannot change them after). */
function sequenceOffsets(offsets: unknown, n: number): Uint32Array {
  if (offsets === undefined) return Uint32Array.of(0, n);
  array(Uint32Array, offsets, 'offsets');
  const o = (offsets as Uint32Array).slice();
  if (o.length < 1) throw new RangeError('Expected Uint32Array of length S + 1 ≥ 1 for `offsets` but received Uint32Array(0)');
  for (let s = 0; s < o.length; s++) {
    const low = s === 0 ? 0 : o[s - 1];
    if ((s === 0 && o[0] !== 0) || o[s] < low || o[s] > n || (s === o.length - 1 && o[s] !== n)) {
      throw new RangeError(`Expected \`offsets\` to rise from 0 to ${n} (the rotations in \`pred\`) but offsets[${s}] is ${o[s]}`);
    }
  }
  return o;
}

/** Rows (i, j), i < j, of every pair within each sequence. */
function allPairs(offsets: Uint32Array): Uint32Array {
  let count = 0;
  for (let s = 0; s + 1 < offsets.length; s++) { const m = offsets[s + 1] - offsets[s]; count += (m * (m - 1)) / 2; }
  const pairs = new Uint32Array(2 * count);
  let k = 0;
  for (let s = 0; s + 1 < offsets.length; s++) {
    for (let i = offsets[s]; i < offsets[s + 1]; i++) {
      for (let j = i + 1; j < offsets[s + 1]; j++) { pairs[k++] = i; pairs[k++] = j; }
    }
  }
  return pairs;
}

/**
 * R_i·R_j⁻¹ for every pair (i, j) of unit quaternions q: world-to-camera rotations, so a change of
 * world frame (R_i → R_i·G for every camera) cancels.
 */
function relativeRotations(q: Float32Array, pairs: Uint32Array): Float32Array {
  const P = pairs.length / 2, a = new Float32Array(4 * P), b = new Float32Array(4 * P);
  for (let k = 0; k < P; k++) {
    a.set(q.subarray(4 * pairs[2 * k], 4 * pairs[2 * k] + 4), 4 * k);
    b.set(q.subarray(4 * pairs[2 * k + 1], 4 * pairs[2 * k + 1] + 4), 4 * k);
  }
  return quat.multiply(a, quat.conjugate(b, b), a);
}

/**
 * Rotation accuracy as pose estimators report it: the share of items whose geodesic error angle
 * is below each threshold (strictly, as `errors < 15`), with the errors' mean and median. Errors
 * come from `sk.quat.angle` (accurate for tiny angles; the scale of a quaternion is ignored);
 * matrices go through `sk.quat.fromMatrix` first.
 *
 * Two protocols:
 * - `pairs: 'none'` (default): each predicted rotation against its own ground truth — for
 *   rotations that live in a shared, known frame (e.g. an object's orientation, a camera relative
 *   to a given first camera).
 * - `pairs: 'all'`: the protocol of RelPose++ and RayDiffusion (and of relative-pose results
 *   reported against them), which predict cameras only up to a global rotation: for every pair
 *   (i, j), i < j, of cameras of one sequence, the error between the relative rotations
 *   R_i·R_j⁻¹ predicted and true. A global change of world frame of the predictions leaves it
 *   unchanged. Rotations are world-to-camera (x_cam = R·x_world, as `sk.camera`); pass
 *   camera-to-world rotations transposed (`sk.quat.conjugate`). RayDiffusion's code scores the
 *   ordered pairs (i, j) and (j, i); both have the same error, so the shares, mean and median are
 *   the same as over i < j.
 * @param pred Float32Array [N, 4] quaternions xyzw, or [N, 9] row-major matrices with
 *   `format: 'matrix'`; with `pairs: 'none'` [1, …] broadcasts.
 * @param gt same layout as pred; [N, …] (or [1, …] with `pairs: 'none'`).
 * @param opts `{thresholdsDeg = [15, 30], format = 'quaternion', pairs = 'none', offsets}`;
 *   `offsets` (Uint32Array [S + 1], rising from 0 to N; only with `pairs: 'all'`) splits the rows
 *   into sequences as the other grouped APIs do; default: one sequence of all N.
 * @returns `{thresholdsDeg, accuracy, errorsDeg: Float64Array [N] (or [P] pairs), meanDeg,
 *   medianDeg}`, and with `pairs: 'all'` `pairIndices: Uint32Array [P, 2]` (the rows of each pair).
 * @throws RangeError for a zero-length quaternion, naming `pred[i]` or `gt[i]`; for bad offsets
 *   naming the first bad index; for `offsets` without `pairs: 'all'`, or an unknown option.
 * @example rotationAccuracy(pred, gt, {pairs: 'all', offsets: Uint32Array.of(0, 8, 16)}) // two sequences of 8 cameras
 */
export function rotationAccuracy(pred: Float32Array, gt: Float32Array, opts: RotationAccuracyOptions = {}): RotationAccuracy {
  knownKeys(options(opts), ROTATION_OPTIONS);
  const format = choice(opts.format ?? 'quaternion', 'format', ROTATION_FORMATS);
  const mode = choice(opts.pairs ?? 'none', 'pairs', ROTATION_PAIRS);
  if (!Array.isArray(opts.thresholdsDeg ?? [])) throw new TypeError(`Expected an array of numbers for \`thresholdsDeg\` but received ${describe(opts.thresholdsDeg)}`);
  const thresholds = [...(opts.thresholdsDeg ?? [15, 30])];
  thresholds.forEach((t, i) => finite(t, `thresholdsDeg[${i}]`));
  const item = format === 'matrix' ? 9 : 4;
  const n = array(Float32Array, pred, 'pred', item);
  const m = array(Float32Array, gt, 'gt', item);
  if (mode === 'none' && opts.offsets !== undefined) throw new RangeError("Expected no `offsets` without `pairs: 'all'` (sequences only matter for camera pairs)");
  let rad: Float32Array, pairIndices: Uint32Array | undefined;
  if (mode === 'none') {
    rad = renamed({ a: 'pred', b: 'gt' }, () => quat.angle(format === 'matrix' ? quat.fromMatrix(pred) : pred, format === 'matrix' ? quat.fromMatrix(gt) : gt));
  } else {
    if (m !== n) throw new RangeError(`Expected \`gt\` to hold ${n} rotations (one per row of \`pred\`) with \`pairs: 'all'\` but received ${m}`);
    pairIndices = allPairs(sequenceOffsets(opts.offsets, n));
    // Unit quaternions first: a zero-length row is named by its own index, not a pair's.
    const p = renamed({ q: 'pred' }, () => quat.normalize(format === 'matrix' ? quat.fromMatrix(pred) : pred));
    const g = renamed({ q: 'gt' }, () => quat.normalize(format === 'matrix' ? quat.fromMatrix(gt) : gt));
    rad = quat.angle(relativeRotations(p, pairIndices), relativeRotations(g, pairIndices));
  }
  const count = rad.length;
  const errorsDeg = new Float64Array(count);
  for (let i = 0; i < count; i++) errorsDeg[i] = (rad[i] * 180) / Math.PI;
  const accuracy = thresholds.map((t) => {
    if (count === 0) return null;
    let k = 0;
    for (let i = 0; i < count; i++) if (errorsDeg[i] < t) k++;
    return k / count;
  });
  let mean: number | null = null, median: number | null = null;
  if (count > 0) {
    mean = errorsDeg.reduce((s, x) => s + x, 0) / count;
    const sorted = errorsDeg.slice().sort();
    median = count % 2 ? sorted[(count - 1) / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
  }
  const result: RotationAccuracy = { thresholdsDeg: thresholds, accuracy, errorsDeg, meanDeg: mean, medianDeg: median };
  if (pairIndices) result.pairIndices = pairIndices;
  return result;
}
