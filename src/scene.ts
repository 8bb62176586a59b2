/**
 * ROTATE-style spatial-relation data: layouts, camera rings, relations, captions, QA and
 * Spatial-Difference-Generation pairs.
 *
 * Conventions (DESIGN §4 "Scenes"): world z-up, metres. An object is `{position: [x, y, z], yaw,
 * kind?}`; yaw is the heading of its front in degrees, counter-clockwise from +x seen from above.
 * Kinds: 'directed' (inherent front), 'used' (front = the way its user faces), 'none' (no front;
 * cannot be a viewer); a missing kind counts as directional. A relation angle θ is measured
 * clockwise seen from above, 0 = front, 90 = right, in [0, 360). Sectors are centred and
 * half-open — cardinal i = [45i − 22.5, 45i + 22.5) over front, front-right, right, back-right,
 * back, back-left, left, front-left; hour h = [30h − 15, 30h + 15) with 12 on 0° — so a boundary
 * angle belongs to the sector clockwise of it (22.5° → front-right, 15° → 1). A cardinal label
 * and an hour are compatible when their arcs intersect (ROTATE Table 3).
 * Relative: the viewer's frame (front = its heading); with a reference, the direction is
 * target − reference in that frame. Absolute: front = the camera's horizontal look direction
 * (`frame: 'camera_axis'`) or camera → reference (`'line_of_sight'`), right = image right;
 * `front: 'near'` swaps front and back (θ → 180° − θ). Subgroup 1 turns every object by 180°.
 * Ring default: 8 cameras at azimuth 45k°, radius 10, height 6, looking at the scene centre.
 * Everything is seeded: the same seed and version give the same bytes on every backend.
 */
export { CARDINALS, KINDS, TABLE3, labels, compatible, relative, absolute, normalizeAngle } from './scene/relations.js';
export type { Cardinal, Kind, SceneObject, Relation, CameraLike, AbsoluteOptions } from './scene/relations.js';
export { catalog } from './scene/catalog.js';
export type { CatalogEntry } from './scene/catalog.js';
export { layout, DEFAULT_REGION } from './scene/layout.js';
export type { LayoutOptions, PlacedObject } from './scene/layout.js';
export { ring } from './scene/ring.js';
export type { RingCamera, RingOptions } from './scene/ring.js';
export { generate, groupId, imageId } from './scene/generate.js';
export type { GenerateOptions, Group, ImageRecord, RelationRecord } from './scene/generate.js';
export { captions, qa, sdg } from './scene/text.js';
export type { CaptionRecord, QARecord, SDGRecord, Difference, QAOptions, Viewpoint, RelationType } from './scene/text.js';
export { PRESETS, SPLITS, textPlan } from './scene/preset.js';
export type { PresetName, Split, Role, TextOptions, TextPlan } from './scene/preset.js';
export { svg } from './scene/svg.js';
