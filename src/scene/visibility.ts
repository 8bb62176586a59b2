// What each camera of a group sees: per image and object the amodal and visible 2-D boxes, the
// visible pixels, the visible fraction and the in-frame fraction (sk.render.visibility on the
// object boxes), and the geometric filter that keeps or drops the image — the job the ROTATE
// pipeline gave a 26-billion-parameter VLM. Many groups go to the kernels in one call.
import { visibilityAsync, type SceneCameras, type Scenes, type Visibility } from '../render.js';
import { boxOf } from './layout.js';
import type { Group } from './generate.js';

/** Why an image is dropped: some object is too small, too hidden behind others, or too far outside the frame. */
export const DROP_CAUSES = ['too-small', 'occluded', 'out-of-frame'] as const;
export type DropCause = (typeof DROP_CAUSES)[number];

export interface FilterOptions {
  /** [width, height] of the nominal image the cameras' K belong to (`--image`). */
  image: readonly [number, number] | readonly number[];
  /** [width, height] of the visibility cast (`--visibility-res`); K is scaled to it. */
  res: readonly [number, number] | readonly number[];
  /** Every object needs visibleFraction ≥ this and inFrame ≥ this (`--min-visible`). */
  minVisible: number;
  /** Every object needs at least this many visible pixels, in pixels of the image (`--min-pixels`). */
  minPixels: number;
}

/** One object in one image. Boxes `[x0, y0, x1, y1]` and pixels are in the nominal image's pixels (corner origin). */
export interface ObjectVisibility {
  /** The object's index in the group (scenes.jsonl `objects[i].id`). */
  object: number;
  /** The projection of the box's 8 corners, clipped to the image (zeros when it misses the image). */
  amodal: number[];
  /** The box of the pixels where this object is the nearest (zeros when there are none). */
  visible: number[];
  /** Pixels where it is the nearest object: the cast's count times the image pixels per cast pixel, rounded. */
  pixels: number;
  /** Pixels it would cover alone in the scene (same units). */
  pixelsAlone: number;
  /** Pixels it wins / pixels it covers when alone in the scene (0 when it covers none). */
  visibleFraction: number;
  /** The share of its amodal box inside the image. */
  inFrame: number;
}

export interface ImageVisibility {
  kept: boolean;
  /** The causes that drop the image, in DROP_CAUSES order (empty when kept). */
  drop: DropCause[];
  objects: ObjectVisibility[];
}

const r2 = (v: number): number => Math.round(v * 100) / 100;
const r4 = (v: number): number => Math.round(v * 1e4) / 1e4;

/** The boxes [n, 10] of a group's objects with the yaws of one subgroup (sk.collide / sk.render boxes). */
export function groupBoxes(group: Group, subgroup: 0 | 1, out = new Float32Array(10 * group.objects.length), at = 0): Float32Array {
  group.objects.forEach((o, i) => boxOf({ position: o.position, size: o.size, yaw: group.yaws[subgroup][i] }, out, at + 10 * i));
  return out;
}

/**
 * The sk.render inputs of `images` of some groups: scene 2g + s holds group g's boxes in subgroup s,
 * and each listed image is one camera viewing its subgroup's scene.
 * @param images `[groupIndex, imageIndex]` pairs (imageIndex in the group's `images` order); default every image.
 */
export function castInputs(groups: readonly Group[], images?: readonly (readonly [number, number])[]): { scenes: Scenes; cameras: SceneCameras } {
  const offsets = new Uint32Array(2 * groups.length + 1);
  groups.forEach((g, i) => { offsets[2 * i + 1] = offsets[2 * i] + g.objects.length; offsets[2 * i + 2] = offsets[2 * i + 1] + g.objects.length; });
  const boxes = new Float32Array(10 * offsets[offsets.length - 1]);
  groups.forEach((g, i) => { for (const s of [0, 1] as const) groupBoxes(g, s, boxes, 10 * offsets[2 * i + s]); });
  const list = images ?? groups.flatMap((g, i) => g.images.map((_, k) => [i, k] as const));
  const K = new Float32Array(9 * list.length), R = new Float32Array(9 * list.length), t = new Float32Array(3 * list.length);
  const scene = new Uint32Array(list.length);
  list.forEach(([i, k], n) => {
    const img = groups[i].images[k], cam = groups[i].cameras[img.camera];
    K.set(cam.K, 9 * n); R.set(cam.R, 9 * n); t.set(cam.t, 3 * n);
    scene[n] = 2 * i + img.subgroup;
  });
  return { scenes: { boxes, offsets }, cameras: { K, R, t, scene } };
}

/** The filter's decision for one image from its (written, rounded) object records. */
export function decide(objects: readonly ObjectVisibility[], opts: Pick<FilterOptions, 'minVisible' | 'minPixels'>): { kept: boolean; drop: DropCause[] } {
  const fails: Record<DropCause, boolean> = { 'too-small': false, occluded: false, 'out-of-frame': false };
  for (const o of objects) {
    if (o.pixels < opts.minPixels) fails['too-small'] = true;
    // One that covers no pixel even alone is not hidden by others (it is too small or out of frame).
    if (o.pixelsAlone > 0 && o.visibleFraction < opts.minVisible) fails.occluded = true;
    if (o.inFrame < opts.minVisible) fails['out-of-frame'] = true;
  }
  const drop = DROP_CAUSES.filter((c) => fails[c]);
  return { kept: drop.length === 0, drop };
}

/** Records of camera i (rows v.offsets[i]…) in image pixels. */
function records(v: Visibility, i: number, sx: number, sy: number): ObjectVisibility[] {
  const out: ObjectVisibility[] = [];
  for (let r = v.offsets[i], j = 0; r < v.offsets[i + 1]; r++, j++) {
    const box = (a: ArrayLike<number>): number[] => [r2(a[4 * r] * sx), r2(a[4 * r + 1] * sy), r2(a[4 * r + 2] * sx), r2(a[4 * r + 3] * sy)];
    out.push({
      object: j, amodal: box(v.amodal), visible: box(v.visible), pixels: Math.round(v.pixelsVisible[r] * sx * sy),
      pixelsAlone: Math.round(v.pixelsAlone[r] * sx * sy),
      visibleFraction: r4(v.visibleFraction[r]), inFrame: r4(v.inFrame[r]),
    });
  }
  return out;
}

/**
 * Visibility records and keep/drop decisions of every image of `groups`, in one sk.render call
 * (off the event loop on native backends).
 * @returns per group, per image (the group's `images` order), {@link ImageVisibility}.
 */
export async function groupVisibility(groups: readonly Group[], opts: FilterOptions): Promise<ImageVisibility[][]> {
  if (groups.length === 0) return [];
  const [W, H] = opts.image, [w, h] = opts.res;
  const { scenes, cameras } = castInputs(groups);
  const v = await visibilityAsync(scenes, cameras, { height: h, width: w, image: [W, H] });
  let cam = 0;
  return groups.map((g) => g.images.map(() => {
    const objects = records(v, cam++, W / w, H / h);
    return { ...decide(objects, opts), objects };
  }));
}
