// Dataset presets: how much text a run writes and how its groups are divided. `paper` reproduces
// the structure and statistics of the ROTATE dataset (Tables 1, 7–9 of the paper); `small` is a
// light set for quick looks and tests. Every count may be fractional: consecutive blocks (images,
// subgroups, cameras) alternate between ⌊x⌋ and ⌈x⌉ so that they average x exactly.
import { choice, describe as describeValue, finite, integer, options } from '../validate.js';
import { groupRng, STREAM } from './random.js';

export const PRESETS = ['paper', 'small'] as const;
export type PresetName = (typeof PRESETS)[number];
export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];
/** Which text a group's images get: captions, QA, or both. */
export type Role = 'captions' | 'qa' | 'both';

/** Captions per image: relative ones (`relative3` of them about 3-object relations) and absolute ones. */
export interface CaptionCounts { relative: number; relative3: number; absolute: number }
/** Questions per block: yes/no judgements and cardinal+clock prediction pairs. */
export interface BlockCounts { judgement: number; pairs: number }

/** The text plan of a preset (counts per image, or per block of questions asked together). */
export interface TextPlan {
  preset: PresetName;
  /** Captions per image in groups of 2 objects and in groups of 3 or more. */
  captions: { two: CaptionCounts; three: CaptionCounts };
  /**
   * Questions per block: a relative block is asked in every image of its subgroup, an absolute
   * block in both images at its camera. `three`: the share of relative items (judgements, and
   * pairs) about 3-object relations in groups of 3 or more objects.
   */
  qa: { relative: BlockCounts; absolute: BlockCounts; three: number };
  /** 'token': one-token answers; 'sentence': also `answer_text`, a full-sentence answer. */
  answers: 'token' | 'sentence';
  /** A "no" question names a sector next to the true one only when the true angle is at least this many degrees from their shared boundary. */
  boundaryMargin: number;
}

/** The group plan of a preset: which groups get captions or QA, and the train/val/test split. */
export interface GroupPlan {
  /** Share of groups whose images get QA instead of captions; 'both': every group gets both. */
  qaGroups: number | 'both';
  /** Shares of train, val and test groups (sum 1). */
  splits: readonly [number, number, number];
}

/**
 * ROTATE as the paper reports it (issue 12 lists the figures): captions 50/50 relative/absolute,
 * each stating the relation in cardinal and clock terms, 32 % about 3 objects, 12.5 per image;
 * QA 52/48 relative/absolute, 81/19 two/three objects, judgement:prediction 2:1,
 * cardinal/clock and yes/no 50/50, 40 per image; captions from 90 % of the groups, QA from the
 * other 10 % (9,000 and 1,000 in the paper).
 *
 * How the counts give those figures (half the groups have 3 objects): a 2-object image gets 7
 * captions (3.5 + 3.5), a 3-object image 18 (9 relative, 8 of them about 3 objects, + 9
 * absolute): 12.5 per image, 8/25 = 32 % about 3 objects. Per image 21 relative questions
 * (14 judgements + 3.5 pairs) and 19 absolute (13 + 3 pairs): 40, 52.5 % relative, 27:13 ≈ 2:1;
 * in 3-object groups 5/7 of the relative ones are about 3 objects: 0.5 · 15 / 40 = 18.75 %.
 */
const PAPER: TextPlan & GroupPlan = {
  preset: 'paper',
  captions: { two: { relative: 3.5, relative3: 0, absolute: 3.5 }, three: { relative: 9, relative3: 8, absolute: 9 } },
  qa: { relative: { judgement: 14, pairs: 3.5 }, absolute: { judgement: 13, pairs: 3 }, three: 5 / 7 },
  answers: 'token', boundaryMargin: 7.5, qaGroups: 0.1, splits: [0.8, 0.1, 0.1],
};
/** A light set: every group gets captions and QA, 2–4 captions and 12 questions per image. */
const SMALL: TextPlan & GroupPlan = {
  preset: 'small',
  captions: { two: { relative: 1, relative3: 0, absolute: 1 }, three: { relative: 2, relative3: 1, absolute: 2 } },
  qa: { relative: { judgement: 4, pairs: 1 }, absolute: { judgement: 4, pairs: 1 }, three: 0.5 },
  answers: 'token', boundaryMargin: 7.5, qaGroups: 'both', splits: [0.8, 0.1, 0.1],
};
const BY_NAME: Record<PresetName, TextPlan & GroupPlan> = { paper: PAPER, small: SMALL };

/** Options of the text functions (`captions`, `qa`). */
export interface TextOptions {
  /** 'paper' (default) or 'small'. */
  preset?: PresetName;
  /** Judgement questions per block, both perspectives (overrides the preset). */
  judgement?: number;
  /** Prediction pairs per block, both perspectives (overrides the preset). */
  pairs?: number;
  /** 'token' (default) or 'sentence' (adds `answer_text`). */
  answers?: 'token' | 'sentence';
  /** Degrees (default 7.5): see {@link TextPlan.boundaryMargin}. */
  boundaryMargin?: number;
  /** Which images get text, per image in the group's `images` order (default: all). */
  kept?: readonly boolean[];
}

/** Throws a TypeError naming the first key of `o` that is not in `allowed`. */
export function knownKeys(o: object, name: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw new TypeError(`Unknown option \`${name}.${k}\`; expected one of ${allowed.join(', ')}`);
  }
}

/** The checked text plan: the preset's, with the given overrides. */
export function textPlan(opts: TextOptions = {}): TextPlan {
  const o = options<TextOptions>(opts);
  knownKeys(o, 'opts', ['preset', 'judgement', 'pairs', 'answers', 'boundaryMargin', 'kept']);
  const p = BY_NAME[choice(o.preset ?? 'paper', 'preset', PRESETS)];
  const judgement = o.judgement === undefined ? null : integer(o.judgement, 'judgement', 0, 1000);
  const pairs = o.pairs === undefined ? null : integer(o.pairs, 'pairs', 0, 1000);
  const block = (b: BlockCounts): BlockCounts => ({ judgement: judgement ?? b.judgement, pairs: pairs ?? b.pairs });
  const margin = o.boundaryMargin === undefined ? p.boundaryMargin : finite(o.boundaryMargin, 'boundaryMargin');
  // Past 15° a clock "no" could never name a neighbour: half a clock sector is the most that means anything.
  if (!(margin >= 0 && margin <= 15)) throw new RangeError(`Expected degrees in [0, 15] for \`boundaryMargin\` but received the number ${margin}`);
  return {
    preset: p.preset, captions: p.captions,
    qa: { relative: block(p.qa.relative), absolute: block(p.qa.absolute), three: p.qa.three },
    answers: choice(o.answers ?? p.answers, 'answers', ['token', 'sentence'] as const),
    boundaryMargin: margin,
  };
}

/** The checked group plan: the preset's, with the given overrides. */
export function groupPlan(preset: unknown, qaGroups: unknown, splits: unknown): GroupPlan {
  const p = BY_NAME[choice(preset ?? 'paper', 'preset', PRESETS)];
  let qa = p.qaGroups;
  if (qaGroups !== undefined) {
    qa = qaGroups === 'both' ? 'both' : finite(qaGroups, 'qaGroups');
    if (qa !== 'both' && !(qa >= 0 && qa <= 1)) throw new RangeError(`Expected a share in [0, 1] or 'both' for \`qaGroups\` but received the number ${qa}`);
  }
  let s = p.splits;
  if (splits !== undefined) {
    if (!Array.isArray(splits) || splits.length !== 3) throw new TypeError(`Expected [train, val, test] shares for \`splits\` but received ${describeValue(splits)}`);
    const v = splits.map((x, i) => finite(x, `splits[${i}]`));
    if (v.some((x) => x < 0) || Math.abs(v[0] + v[1] + v[2] - 1) > 1e-9) throw new RangeError(`Expected 3 shares ≥ 0 summing to 1 for \`splits\` but received [${v.join(', ')}]`);
    s = [v[0], v[1], v[2]];
  }
  return { qaGroups: qa, splits: s };
}

/**
 * Item i of a run of items of which a share `x` (or x per block) is counted: ⌊x(i+1)⌋ − ⌊xi⌋.
 * Any run of consecutive i sums to within 1 of x times its length, and i = 0..n−1 to ⌊xn⌋.
 */
export function portion(x: number, i: number): number {
  // The epsilon keeps x·i for x = 5/7, i = 7 from landing a hair under the integer it is.
  return Math.floor(x * (i + 1) + 1e-9) - Math.floor(x * i + 1e-9);
}

/**
 * The role of group g: with a share q of QA groups, group g is a QA group when ⌊q(g+1)⌋ > ⌊qg⌋,
 * so every run of groups holds QA groups in that share (exactly ⌊qG⌋ of the first G) and the two
 * sets are disjoint; 'both' gives every group both.
 */
export function groupRole(plan: GroupPlan, g: number): Role {
  if (plan.qaGroups === 'both') return 'both';
  return portion(plan.qaGroups, g) > 0 ? 'qa' : 'captions';
}

/** The split of group g: a uniform draw from its own stream (seed, g), so it is fixed by the seed. */
export function groupSplit(plan: GroupPlan, seed: number, g: number): Split {
  const u = groupRng(seed, g, STREAM.split).next();
  const [tr, va] = plan.splits;
  return u < tr ? 'train' : u < tr + va ? 'val' : 'test';
}
