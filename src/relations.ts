/**
 * The cardinal and clock sectors of spatial relations and their compatibility (DESIGN §4
 * "Scenes"; ROTATE Table 3). Shared by `sk.scene` (labels) and `sk.metrics` (RTC), so the
 * table exists once.
 *
 * Relation angle θ in degrees, clockwise seen from above, 0 = front, 90 = right. Sectors are
 * centred and half-open: cardinal i = [45i − 22.5, 45i + 22.5) over {@link CARDINALS}; hour h =
 * [30h − 15, 30h + 15) with 12 on 0°. A boundary angle belongs to the sector clockwise of it.
 * A cardinal and an hour are compatible when their arcs intersect (a shared boundary point is
 * not an intersection of half-open arcs).
 */
import { choice, finite, integer } from './validate.js';

/** The 8 cardinal directions, in sector order (clockwise from front). */
export const CARDINALS = ['front', 'front-right', 'right', 'back-right', 'back', 'back-left', 'left', 'front-left'] as const;
export type Cardinal = (typeof CARDINALS)[number];

// Arcs in half-degrees so every bound is an integer: cardinal i = [90i − 45, 90i + 45),
// hour h = [60h − 30, 60h + 30), on a circle of 720.
function arcsIntersect(a0: number, a1: number, b0: number, b1: number): boolean {
  for (const shift of [-720, 0, 720]) if (Math.max(a0, b0 + shift) < Math.min(a1, b1 + shift)) return true;
  return false;
}

/** A clock hour given as 1..12 or its digits ('3', '03'). */
function hourOf(clock: unknown): number {
  if (typeof clock === 'string' && /^\d{1,2}$/.test(clock)) return integer(Number(clock), 'clock', 1, 12);
  if (typeof clock === 'string') throw new RangeError(`Expected an integer in [1, 12] for \`clock\` but received '${clock}'`);
  return integer(clock, 'clock', 1, 12);
}

/**
 * Whether a cardinal label and a clock hour can describe the same direction (ROTATE Table 3).
 * Each cardinal is compatible with 2 or 3 hours: front ↔ 11, 12, 1; front-right ↔ 1, 2;
 * right ↔ 2, 3, 4; … (20 pairs in all).
 * @param cardinal one of {@link CARDINALS}.
 * @param clock the hour 1..12 (number or digit string).
 * @returns true when the two sectors overlap.
 * @throws TypeError/RangeError for anything else, naming the argument.
 * @example compatible('front-right', 2) // true
 */
export function compatible(cardinal: Cardinal, clock: number | string): boolean {
  const i = CARDINALS.indexOf(choice(cardinal, 'cardinal', CARDINALS));
  const h = hourOf(clock);
  return arcsIntersect(90 * i - 45, 90 * i + 45, 60 * h - 30, 60 * h + 30);
}

function angle(theta: unknown): number {
  const t = finite(theta, 'theta') % 360;
  return t < 0 ? t + 360 : t;
}

/**
 * The cardinal sector of a relation angle.
 * @param theta degrees, any finite value (taken modulo 360).
 * @returns index 0–7 into {@link CARDINALS}.
 */
export function cardinalSector(theta: number): number {
  return Math.floor((angle(theta) + 22.5) / 45) % 8;
}

/**
 * The clock sector (hour) of a relation angle.
 * @param theta degrees, any finite value (taken modulo 360).
 * @returns an integer 1–12 (12 on 0°).
 */
export function clockSector(theta: number): number {
  return Math.floor((angle(theta) + 15) / 30) % 12 || 12;
}
