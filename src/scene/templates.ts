// The words of captions, questions and answers: perspective clauses (whose frame), main-object
// clauses (who uses a 'used' object) and relation phrases (cardinal and clock). Our own wording,
// with as many variants per class as the ROTATE appendices list: 17 relative perspective
// clauses, 10 absolute ones, 5 main-object clauses.
import type { Group } from './generate.js';
import type { PlacedObject } from './layout.js';
import type { Cardinal } from './relations.js';
import { CARDINALS } from './relations.js';

/**
 * How a phrase names the object a direction is measured from. `own`: it is the viewer whose
 * frame is used, so "to your left" and "at the tent's 3 o'clock" read right; any other anchor
 * only gets "of"/"from" forms, since "the vase's left" would suggest the vase's own frame.
 */
export interface Anchor { obj: string; poss: string; own: boolean }
export const the = (o: PlacedObject, own = false): Anchor => ({ obj: `the ${o.name}`, poss: `the ${o.name}'s`, own });
export const YOU: Anchor = { obj: 'you', poss: 'your', own: true };
export const THEM: Anchor = { obj: 'them', poss: 'their', own: true };

/** A perspective clause for one viewer or camera: the opening words and the anchor meaning "the viewer". */
export interface Clause {
  lead: string;
  self: Anchor;
  /** Second person: "would the lamp be …", "the lamp would be …". */
  would: boolean;
}

/** Whether a phrase about anchor a takes the possessive form ("to your left", "at the tent's 3 o'clock"): always for you/them, in form 1 for the viewer itself. */
const possessive = (a: Anchor, form: number): boolean => a === YOU || a === THEM || (a.own && form % 2 === 1);
/** "in front of the tent", "behind you", "to the left of the vase" / "to your left". */
export function cardinalPhrase(c: Cardinal, a: Anchor, form: number): string {
  if (c === 'front') return `in front of ${a.obj}`;
  if (c === 'back') return `behind ${a.obj}`;
  return possessive(a, form) ? `to ${a.poss} ${c}` : `to the ${c} of ${a.obj}`;
}
/** "at the tent's 3 o'clock" / "at 3 o'clock from the vase". */
export function clockPhrase(h: number, a: Anchor, form: number): string {
  return possessive(a, form) ? `at ${a.poss} ${h} o'clock` : `at ${h} o'clock from ${a.obj}`;
}
/** The clock half of a caption that states both: "at 11 o'clock" / "in the 11 o'clock direction". */
export const clockTail = (h: number, form: number): string => (form % 2 === 0 ? `at ${h} o'clock` : `in the ${h} o'clock direction`);

/** The 5 main-object clauses: who a 'used' object's front belongs to ("someone sitting on the chair"). */
export const MAIN_OBJECT: readonly ((use: string) => string)[] = [
  (u) => `someone ${u}`, (u) => `a person ${u}`, (u) => `the person ${u}`, (u) => `whoever is ${u}`, (u) => `anyone ${u}`,
];

/** Third-person relative clauses; P is the viewer ("the tent", or a main-object clause). */
const RELATIVE_THIRD: readonly ((P: string) => string)[] = [
  (P) => `from the point of view of ${P}`,
  (P) => `from the perspective of ${P}`,
  (P) => `from the viewpoint of ${P}`,
  (P) => `as seen by ${P}`,
  (P) => `relative to the way ${P} is facing`,
  (P) => `taking the direction ${P} faces as front`,
  (P) => `in the frame of reference of ${P}`,
  (P) => `with respect to the orientation of ${P}`,
  (P) => `from where ${P} is, facing the same way`,
  (P) => `looking in the direction ${P} faces`,
  (P) => `in the egocentric frame of ${P}`,
  (P) => `according to the facing direction of ${P}`,
  (P) => `in terms of the direction ${P} faces`,
];
/** Second-person relative clauses; `as` is "the tent" for a directed viewer, the use ("sitting on the chair") for a used one. */
const RELATIVE_YOU: readonly ((as: string, used: boolean) => string)[] = [
  (as) => `if you were ${as}`,
  (as, used) => (used ? `imagining yourself ${as}` : `imagining yourself as ${as}`),
  (as, used) => (used ? `putting yourself in the place of someone ${as}` : `putting yourself in the position of ${as}`),
  (as, used) => (used ? `if you stood where someone ${as} is and faced the same way` : `if you stood where ${as} is and faced the same way`),
];
/** Relative perspective clauses per class (ROTATE's appendix lists 17). */
export const RELATIVE_CLAUSE_COUNT = RELATIVE_THIRD.length + RELATIVE_YOU.length;

const relativeCache = new WeakMap<PlacedObject, Clause[]>();
/**
 * Every relative clause for viewer v: 17 for a directed viewer; for a 'used' one, whose front is
 * the way its user faces, it speaks only through its user — the 13 third-person clauses with each
 * of the 5 main-object clauses, and the 4 second-person ones.
 */
export function relativeClauses(v: PlacedObject): Clause[] {
  let list = relativeCache.get(v);
  if (list) return list;
  list = [];
  if (v.kind === 'used' && v.use) {
    for (const P of MAIN_OBJECT) for (const c of RELATIVE_THIRD) list.push({ lead: c(P(v.use)), self: THEM, would: false });
    for (const c of RELATIVE_YOU) list.push({ lead: c(v.use, true), self: YOU, would: true });
  } else {
    for (const c of RELATIVE_THIRD) list.push({ lead: c(`the ${v.name}`), self: the(v, true), would: false });
    for (const c of RELATIVE_YOU) list.push({ lead: c(`the ${v.name}`, false), self: YOU, would: true });
  }
  relativeCache.set(v, list);
  return list;
}

/**
 * The 10 absolute clauses. Each says what front means, so a sentence cannot be read with the
 * everyday "in front of = nearer the camera" by mistake: `F` names the term being defined
 * ("front", "12 o'clock" or "front (12 o'clock)") and `D` the direction it points.
 */
const ABSOLUTE: readonly ((F: string, D: string) => string)[] = [
  (F, D) => `from the camera's viewpoint, where ${F} means ${D}`,
  (F, D) => `in the image, with ${F} pointing ${D}`,
  (F, D) => `as the camera sees it, where ${F} is ${D}`,
  (F, D) => `seen through the camera, where ${F} means ${D}`,
  (F, D) => `from where the camera stands, with ${F} pointing ${D}`,
  (F, D) => `in the camera's view, where ${F} is ${D}`,
  (F, D) => `looking at the scene through the camera, where ${F} means ${D}`,
  (F, D) => `in this picture, with ${F} pointing ${D}`,
  (F, D) => `from the photographer's position, where ${F} is ${D}`,
  (F, D) => `as shown in the image, where ${F} means ${D}`,
];
export const ABSOLUTE_CLAUSE_COUNT = ABSOLUTE.length;

/**
 * The direction absolute front points under a convention (DESIGN §4): 'far' away from the camera,
 * 'near' toward it; along the camera's axis or along the line of sight to the reference `r`.
 */
export function frontDirection({ front, frame }: Group['convention'], r: PlacedObject): string {
  if (frame === 'camera_axis') return front === 'far' ? 'away from the camera' : 'toward the camera';
  return front === 'far' ? `along the line from the camera to the ${r.name}` : `along the line from the ${r.name} to the camera`;
}

const absoluteCache = new WeakMap<PlacedObject, Map<string, Clause[]>>();
/** Every absolute clause for reference r; `term` is what the sentence uses: cardinal, clock or both. */
export function absoluteClauses(convention: Group['convention'], r: PlacedObject, term: 'cardinal' | 'clock' | 'both'): Clause[] {
  const key = `${convention.front} ${convention.frame} ${term}`;
  let byKey = absoluteCache.get(r);
  if (!byKey) absoluteCache.set(r, (byKey = new Map()));
  let list = byKey.get(key);
  if (!list) {
    const F = term === 'cardinal' ? 'front' : term === 'clock' ? '12 o\'clock' : 'front (12 o\'clock)';
    const D = frontDirection(convention, r), self = the(r);
    byKey.set(key, (list = ABSOLUTE.map((c) => ({ lead: c(F, D), self, would: false }))));
  }
  return list;
}

export const cap = (s: string): string => s[0].toUpperCase() + s.slice(1);
export const CARDINAL_CHOICES = `Answer with one of: ${CARDINALS.join(', ')}.`;
export const CLOCK_CHOICES = 'Answer with a clock position from 1 to 12.';
export const YES_NO = 'Answer yes or no.';
export const SENTENCE = 'Answer in a full sentence.';
