// The sentences of the render kernels' argument errors (the contract is in ./kernels.ts), shared by
// src/render.ts and the wasm adapter so both say what the native glue says (test/render.test.ts
// holds all three equal).
// Cameras arrive as RENDER_CONSTS float32 each (native/kernels/render.h): the 12 camera constants
// of sk.camera, then P = K·R row-major.

import { LIMITS } from './kernels.js';

export { offsetsError } from '../validate.js';

export const RENDER_CONSTS = 21;
/** Pixels in all (N × H × W) and (camera, box) rows are counted in uint32. */
export const MAX_COUNT = LIMITS.maxCount;


/** kRenderQuatTol: | |q|² − 1 | above this is not rounding but a quaternion that is not unit. */
const QUAT_TOL = 2e-3;

/**
 * render_box_check of native/kernels/render.h: which rule box i of `b` breaks, first in this order:
 * 0 none, 1 a non-finite value, 2 a half-extent ≤ 0, 3 a quaternion not of unit length.
 */
export function boxStatus(b: Float32Array, i: number): number {
  const o = 10 * i;
  for (let k = 0; k < 10; k++) if (!Number.isFinite(b[o + k])) return 1;
  if (!(b[o + 3] > 0 && b[o + 4] > 0 && b[o + 5] > 0)) return 2;
  const x = b[o + 6], y = b[o + 7], z = b[o + 8], w = b[o + 9];
  return Math.abs(x * x + y * y + z * z + w * w - 1) <= QUAT_TOL ? 0 : 3;
}

export function boxError(i: number, status: number): string {
  const what = status === 1 ? 'a non-finite value'
    : status === 2 ? 'a half-extent ≤ 0'
      : 'a quaternion that is not of unit length (| |q|² − 1 | > 0.002)';
  return `\`boxes[${i}]\` has ${what}`;
}

export const sceneError = (i: number, scenes: number, got: number): string =>
  `Expected \`scene[${i}]\` to name one of the ${scenes} scenes but received ${got}`;
export const pixelsError = (n: number, h: number, w: number): string =>
  `Expected at most 2^32 − 1 pixels in all (N × H × W) but received ${n} × ${h} × ${w}`;
export const ROWS_ERROR = 'Expected at most 2^32 − 1 (camera, box) rows in all but the scenes named by `scene` hold more boxes';

/**
 * For cameras viewing scene[i] of `offsets`: `rows` [N + 1], the (camera, box) row offsets, and
 * `first` [N], each camera's first box — or a RangeError for a camera naming a missing scene or
 * more rows than uint32 counts. Fresh arrays: no output can alias them while a kernel runs.
 */
export function rowOffsets(scene: Uint32Array, offsets: Uint32Array): { rows: Uint32Array; first: Uint32Array } {
  const n = scene.length, S = offsets.length - 1;
  const rows = new Uint32Array(n + 1), first = new Uint32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const s = scene[i];
    if (s >= S) throw new RangeError(sceneError(i, S, s));
    rows[i] = total;
    first[i] = offsets[s];
    total += offsets[s + 1] - offsets[s];
    if (total > MAX_COUNT) throw new RangeError(ROWS_ERROR);
  }
  rows[n] = total;
  return { rows, first };
}
