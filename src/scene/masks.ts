// Instance masks and depth maps of a group's kept images, at the image's own resolution: a ray
// cast of the object boxes (sk.render.raycast, one call per group), written as an 8-bit grayscale
// PNG (pngjs) holding each pixel's object index, 255 where no object is hit, and a float32 .npy of
// camera-frame depth (z along the optical axis, metres; +Infinity where no object is hit).
import { PNG } from 'pngjs';
import { raycastAsync } from '../render.js';
import { npy } from '../cli/npy.js';
import { castInputs } from './visibility.js';
import type { Group } from './generate.js';

/** Mask value of pixels that show no object (object indices are 0–7). */
export const MASK_BACKGROUND = 255;

export interface ImageMaps {
  /** The image id ("g000012-s0-c3"). */
  image: string;
  /** 8-bit grayscale PNG [H, W]: object index, MASK_BACKGROUND where none. */
  mask: Buffer;
  /** .npy float32 [H, W]: camera-frame depth in metres, +Infinity where no object. */
  depth: Buffer;
}

/** The PNG of an instance map (Int32 object indices, −1 for none). */
export function maskPng(instance: Int32Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
  const data = Buffer.alloc(width * height);
  for (let i = 0; i < data.length; i++) data[i] = instance[i] < 0 ? MASK_BACKGROUND : instance[i];
  png.data = data;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
}

/**
 * Mask and depth of each kept image of a group, cast at the image size `image` = [W, H].
 * @param kept one flag per image of the group (its `images` order).
 */
export async function groupMaps(group: Group, kept: readonly boolean[], image: readonly number[]): Promise<ImageMaps[]> {
  const list = group.images.flatMap((_, k) => (kept[k] ? [[0, k] as const] : []));
  if (list.length === 0) return [];
  const [W, H] = image, n = W * H;
  const { scenes, cameras } = castInputs([group], list);
  const { instance, depth } = await raycastAsync(scenes, cameras, { height: H, width: W });
  return list.map(([, k], i) => ({
    image: group.images[k].id,
    mask: maskPng(instance.subarray(i * n, (i + 1) * n), W, H),
    depth: npy(depth.subarray(i * n, (i + 1) * n), [H, W]),
  }));
}
