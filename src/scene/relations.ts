// Spatial relations as words (DESIGN §4 "Scenes"): relation angles, the 8 cardinal and 12 clock
// sectors, their compatibility (ROTATE Table 3), and the relative / absolute perspectives.
import { choice, describe as describeValue, finite, integer, options } from '../validate.js';

/** The 8 cardinal labels in sector order, clockwise from front (sector i is centred on 45i°). */
export const CARDINALS = ['front', 'front-right', 'right', 'back-right', 'back', 'back-left', 'left', 'front-left'] as const;
export type Cardinal = (typeof CARDINALS)[number];
/** Object kinds: 'directed' has an inherent front, 'used' is used facing one way, 'none' has no front. */
export const KINDS = ['directed', 'used', 'none'] as const;
export type Kind = (typeof KINDS)[number];

export type Vec3 = readonly [number, number, number] | readonly number[];
/** A scene object: box centre, heading (degrees, ccw from +x seen from above) and kind. */
export interface SceneObject {
  position: Vec3;
  yaw: number;
  /** Missing kind counts as directional. */
  kind?: Kind;
}
/** A relation: the angle clockwise from front in [0, 360) and its two labels. */
export interface Relation {
  angle: number;
  cardinal: Cardinal;
  clock: number;
}
/** What `absolute` needs of a camera: its centre and either the point it looks at or its R. */
export interface CameraLike {
  position: Vec3;
  target?: Vec3;
  /** World-to-camera rotation, row-major; row 2 is the optical axis (OpenCV z forward). */
  R?: ArrayLike<number>;
}
export interface AbsoluteOptions {
  /** 'far' (default): front points away from the camera; 'near': front and back swap (θ → 180° − θ). */
  front?: 'far' | 'near';
  /** 'camera_axis' (default): front is the camera's horizontal look direction; 'line_of_sight': the horizontal direction camera → reference. */
  frame?: 'camera_axis' | 'line_of_sight';
}

const DEG = 180 / Math.PI;

/**
 * θ mod 360 in [0, 360), snapped to 1e-9°: headings and directions built from trigonometry (a
 * camera at 90° has cos = 6e-17, say) then land exactly on the integer-degree values they stand
 * for, so a relation exactly on a sector boundary is labelled by the boundary rule rather than by
 * rounding noise.
 */
export function normalizeAngle(deg: number): number {
  if (typeof deg !== 'number') throw new TypeError(`Expected a number for \`deg\` but received ${describeValue(deg)}`);
  let a = deg % 360;
  if (a < 0) a += 360;
  a = Math.round(a * 1e9) / 1e9;
  return a >= 360 ? 0 : a;
}

/** Index 0..7 of the cardinal sector holding θ (sector i = [45i − 22.5, 45i + 22.5), boundary → clockwise). */
export function cardinalIndex(deg: number): number {
  return Math.floor((normalizeAngle(deg) + 22.5) / 45) % 8;
}
/** The clock hour 1..12 holding θ (hour h = [30h − 15, 30h + 15), 12 on 0°, boundary → clockwise). */
export function clockHour(deg: number): number {
  return (Math.floor((normalizeAngle(deg) + 15) / 30) % 12) || 12;
}

/**
 * The cardinal and clock labels of a relation angle.
 * @param angleDeg degrees, clockwise from front (any finite value; taken mod 360).
 * @returns `{cardinal, clock}` — clock is the hour 1..12.
 * @throws TypeError / RangeError for a non-number or non-finite angle.
 * @example sk.scene.labels(22.5) // {cardinal: 'front-right', clock: 1}
 */
export function labels(angleDeg: number): { cardinal: Cardinal; clock: number } {
  finite(angleDeg, 'angleDeg');
  return { cardinal: CARDINALS[cardinalIndex(angleDeg)], clock: clockHour(angleDeg) };
}

/** Half-open arcs [a, b) on the circle (degrees, b > a, b − a < 360) intersect. */
function arcsIntersect(a0: number, a1: number, b0: number, b1: number): boolean {
  // Shift b by whole turns to the copy nearest a; half-open arcs meeting only at an end do not
  // intersect (cardinal ends are 22.5 + 45k, clock ends 15 + 30k: they never coincide anyway).
  for (const k of [-360, 0, 360]) if (a0 < b1 + k && b0 + k < a1) return true;
  return false;
}

/**
 * ROTATE Table 3 as data: for each cardinal label, the clock hours whose sector intersects it.
 * Derived from the sector definitions (not typed in), so it cannot drift from `labels`.
 */
export const TABLE3: Readonly<Record<Cardinal, readonly number[]>> = Object.freeze(Object.fromEntries(
  CARDINALS.map((c, i) => [c, Object.freeze(
    Array.from({ length: 12 }, (_, k) => k + 1)
      .filter((h) => arcsIntersect(45 * i - 22.5, 45 * i + 22.5, 30 * h - 15, 30 * h + 15))
      // Clockwise order around the sector's centre: front → [11, 12, 1].
      .sort((a, b) => ((30 * a - 45 * i + 540) % 360) - ((30 * b - 45 * i + 540) % 360)),
  )]),
) as Record<Cardinal, readonly number[]>);

/** A clock hour given as 1..12 or its digits ('3', '03'). */
function hourOf(clock: unknown): number {
  if (typeof clock === 'string' && /^\d{1,2}$/.test(clock)) return integer(Number(clock), 'clock', 1, 12);
  if (typeof clock === 'string') throw new RangeError(`Expected an integer in [1, 12] for \`clock\` but received '${clock}'`);
  return integer(clock, 'clock', 1, 12);
}

/**
 * Whether a cardinal label and a clock hour can describe the same direction: their sectors
 * intersect (ROTATE Table 3; e.g. front ↔ 11, 12, 1 and front-right ↔ 1, 2).
 * @param cardinal one of {@link CARDINALS}.
 * @param clock the hour 1..12 (number or digit string).
 * @throws RangeError for an unknown label or an hour outside 1..12.
 * @example sk.scene.compatible('front-right', 2) // true
 */
export function compatible(cardinal: Cardinal, clock: number | string): boolean {
  const c = choice(cardinal, 'cardinal', CARDINALS);
  return TABLE3[c].includes(hourOf(clock));
}

/** Counter-clockwise heading (degrees) of the horizontal vector (x, y). */
const heading = (x: number, y: number): number => Math.atan2(y, x) * DEG;

function relation(angle: number): Relation {
  const a = normalizeAngle(angle);
  return { angle: a, cardinal: CARDINALS[cardinalIndex(a)], clock: clockHour(a) };
}

function vec3(v: unknown, name: string): Vec3 {
  const ok = (Array.isArray(v) || ArrayBuffer.isView(v)) && (v as ArrayLike<number>).length === 3;
  if (!ok) throw new TypeError(`Expected an array of 3 numbers for \`${name}\` but received ${describeValue(v)}`);
  for (let i = 0; i < 3; i++) finite((v as ArrayLike<number>)[i], `${name}[${i}]`);
  return v as Vec3;
}

function object(o: unknown, name: string): SceneObject {
  if (typeof o !== 'object' || o === null) throw new TypeError(`Expected an object {position, yaw, kind?} for \`${name}\` but received ${describeValue(o)}`);
  const s = o as SceneObject;
  vec3(s.position, `${name}.position`);
  finite(s.yaw, `${name}.yaw`);
  if (s.kind !== undefined) choice(s.kind, `${name}.kind`, KINDS);
  return s;
}

/** Angle clockwise from a front heading (degrees ccw from +x) to the horizontal direction (dx, dy). */
function clockwiseFrom(frontHeading: number, dx: number, dy: number, what: string): number {
  if (dx === 0 && dy === 0) throw new RangeError(`${what} coincide in x and y, so their direction is undefined`);
  // Clockwise from front = front heading − direction heading (headings are counter-clockwise).
  return frontHeading - heading(dx, dy);
}

/**
 * The relative relation: where `target` lies as seen by `viewer` (front = the viewer's heading,
 * right = its right hand, z up). With `reference` (3-object questions) the direction is
 * target − reference, still in the viewer's frame; without it, target − viewer.
 * @param viewer object with a front (kind 'directed', 'used' or missing).
 * @param target object.
 * @param reference optional third object.
 * @returns `{angle, cardinal, clock}` — angle in [0, 360), clockwise from the viewer's front.
 * @throws RangeError when the viewer's kind is 'none' or the direction's two points coincide in x, y.
 * @example sk.scene.relative({position: [0, 0, 0], yaw: 0}, {position: [0, -1, 0], yaw: 0}) // right: {angle: 90, cardinal: 'right', clock: 3}
 */
export function relative(viewer: SceneObject, target: SceneObject, reference?: SceneObject): Relation {
  object(viewer, 'viewer');
  object(target, 'target');
  if (reference !== undefined) object(reference, 'reference');
  if (viewer.kind === 'none') throw new RangeError('Expected a directional `viewer` (kind \'directed\' or \'used\') but received kind \'none\', which has no front');
  const from = (reference ?? viewer).position;
  const p = target.position;
  if (p[0] === from[0] && p[1] === from[1]) throw new RangeError(`${reference ? '`target` and `reference`' : '`target` and `viewer`'} coincide in x and y, so their direction is undefined`);
  return relativeRelation(viewer.yaw, p[0] - from[0], p[1] - from[1]);
}

/** Heading (degrees ccw from +x) of the camera's horizontal look direction. */
export function cameraHeading(camera: CameraLike): number {
  let fx: number, fy: number;
  if (camera.target !== undefined) {
    const t = vec3(camera.target, 'camera.target');
    fx = t[0] - camera.position[0];
    fy = t[1] - camera.position[1];
  } else if (camera.R !== undefined && camera.R.length === 9) {
    fx = camera.R[6];
    fy = camera.R[7];
  } else {
    throw new TypeError(`Expected \`camera.target\` (an array of 3 numbers) or \`camera.R\` (9 numbers) but received ${describeValue(camera.R)}`);
  }
  if (fx === 0 && fy === 0) throw new RangeError('`camera` looks straight up or down, so it has no horizontal front (use frame: \'line_of_sight\')');
  return heading(fx, fy);
}

/**
 * The absolute relation: where `target` lies relative to `reference` as seen through `camera`.
 * Right is image-right; front is the camera's horizontal look direction (`frame: 'camera_axis'`,
 * default) or the horizontal direction from the camera to the reference (`'line_of_sight'`), and
 * points away from the camera (`front: 'far'`, default) or toward it (`'near'`: θ → 180° − θ).
 * @param camera `{position, target}` (as `ring()` returns) or `{position, R}`.
 * @param target object (kind irrelevant). @param reference object (kind irrelevant).
 * @param opts `{front, frame}`.
 * @returns `{angle, cardinal, clock}` — angle in [0, 360), clockwise from front.
 * @throws RangeError for coinciding points or an unknown option value.
 * @example sk.scene.absolute({position: [-10, 0, 6], target: [0, 0, 0]}, {position: [0, 1, 0], yaw: 0}, {position: [0, 0, 0], yaw: 0}) // left
 */
export function absolute(camera: CameraLike, target: SceneObject, reference: SceneObject, opts: AbsoluteOptions = {}): Relation {
  options(opts);
  if (typeof camera !== 'object' || camera === null) throw new TypeError(`Expected a camera {position, target} for \`camera\` but received ${describeValue(camera)}`);
  vec3(camera.position, 'camera.position');
  object(target, 'target');
  object(reference, 'reference');
  const front = choice(opts.front ?? 'far', 'front', ['far', 'near'] as const);
  const frame = choice(opts.frame ?? 'camera_axis', 'frame', ['camera_axis', 'line_of_sight'] as const);
  const h = frame === 'camera_axis' ? cameraHeading(camera) : null;
  return absoluteRelation(camera.position, h, target.position, reference.position, front);
}

/**
 * The body of `absolute` for checked arguments: `axisHeading` is the camera's horizontal look
 * heading, or null for the line of sight camera → reference.
 */
export function absoluteRelation(c: Vec3, axisHeading: number | null, p: Vec3, r: Vec3, front: 'far' | 'near'): Relation {
  let h = axisHeading;
  if (h === null) {
    const lx = r[0] - c[0], ly = r[1] - c[1];
    if (lx === 0 && ly === 0) throw new RangeError('`camera` and `reference` coincide in x and y, so the line of sight has no horizontal direction');
    h = heading(lx, ly);
  }
  const far = clockwiseFrom(h, p[0] - r[0], p[1] - r[1], '`target` and `reference`');
  return relation(front === 'far' ? far : 180 - far);
}

/** The relative relation for checked arguments: direction (dx, dy) in the frame of a viewer heading `yaw`. */
export function relativeRelation(yaw: number, dx: number, dy: number): Relation {
  return relation(clockwiseFrom(yaw, dx, dy, '`target` and `reference`'));
}
