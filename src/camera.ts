/**
 * Cameras as rays: Plücker ray maps, cameras recovered from rays, camera-aware augmentation.
 *
 * Conventions (DESIGN §4): OpenCV axes (x right, y down, z forward); world-to-camera
 * x_cam = R·x_world + t; K in pixels. Cameras are one object of flat row-major Float32Arrays
 * `{K: [N, 9], R: [N, 9], t: [N, 3]}`; an array holding one camera broadcasts against the others.
 * Pixel (u, v) is sampled at (u + 0.5, v + 0.5) by default (`pixelCenter`), so K is in
 * corner-origin pixel units. Plücker rays: d = unit direction in the world frame, m = o × d with
 * o the camera centre; channels `[m, d]` by default (`order: 'dm'` = RayDiffusion's `[d, m]`).
 * Per-camera constants (K⁻¹, Rᵀ, centre) are derived in float64.
 */
import { batch, f32 } from './validate.js';

/** Extrinsics `{R: [N, 9], t: [N, 3]}`, world-to-camera (x_cam = R·x_world + t). */
export interface Extrinsics { R: Float32Array; t: Float32Array }

// If |f × up| ≤ this·|f|·|up| the right vector is set by the float32 rounding of the inputs
// (relative precision 6e-8), not by the caller: refuse rather than return an arbitrary roll.
const PARALLEL_EPS = 1e-6;

/**
 * World-to-camera extrinsics of cameras at `eye` looking at `target`, with image-up towards `up`
 * (OpenCV axes: the camera's z axis points at the target, its y axis (image down) is −up made
 * perpendicular to z, and x = y × z points image-right). Computed in float64, rounded once.
 * @param eye Float32Array [N, 3] (or [1, 3], broadcast), camera centres in world coordinates.
 * @param target Float32Array [N, 3] (or [1, 3]), points each camera looks at.
 * @param up Float32Array [N, 3] (or [1, 3]), world up (e.g. [0, 0, 1] for a z-up world); need not be unit or perpendicular.
 * @returns `{R: Float32Array [N, 9], t: Float32Array [N, 3]}`, rows of R = camera x, y, z axes in world coordinates, t = −R·eye.
 * @throws TypeError for non-Float32Array inputs; RangeError for lengths not a multiple of 3, batch
 *   mismatch, non-finite values, target = eye, or up parallel to target − eye (naming the index).
 * @example sk.camera.lookAt(Float32Array.of(10, 0, 6), Float32Array.of(0, 0, 0), Float32Array.of(0, 0, 1))
 */
export function lookAt(eye: Float32Array, target: Float32Array, up: Float32Array): Extrinsics {
  const ne = f32(eye, 'eye', 3), nt = f32(target, 'target', 3), nu = f32(up, 'up', 3);
  const n = ne === 0 || nt === 0 || nu === 0 ? 0 : batch([ne, 'eye'], [nt, 'target'], [nu, 'up']);
  const R = new Float32Array(9 * n), t = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const ie = ne > 1 ? 3 * i : 0, it = nt > 1 ? 3 * i : 0, iu = nu > 1 ? 3 * i : 0;
    const ex = eye[ie], ey = eye[ie + 1], ez = eye[ie + 2];
    const ux = up[iu], uy = up[iu + 1], uz = up[iu + 2];
    for (const [name, a, k] of [['eye', eye, ie], ['target', target, it], ['up', up, iu]] as const) {
      if (!(Number.isFinite(a[k]) && Number.isFinite(a[k + 1]) && Number.isFinite(a[k + 2]))) {
        throw new RangeError(`\`${name}[${k / 3}]\` has a non-finite value`);
      }
    }
    // z = forward = (target − eye)/|·|
    let zx = target[it] - ex, zy = target[it + 1] - ey, zz = target[it + 2] - ez;
    const fl = Math.hypot(zx, zy, zz);
    if (!(fl > 0) || !Number.isFinite(fl)) throw new RangeError(`\`target[${it / 3}]\` equals \`eye[${ie / 3}]\`: no viewing direction`);
    zx /= fl; zy /= fl; zz /= fl;
    // x = z × up / |·|  (image right); y = z × x  (image down, = −up projected)
    let xx = zy * uz - zz * uy, xy = zz * ux - zx * uz, xz = zx * uy - zy * ux;
    const xl = Math.hypot(xx, xy, xz), ul = Math.hypot(ux, uy, uz);
    if (!(xl > PARALLEL_EPS * ul)) {
      throw new RangeError(`\`up[${iu / 3}]\` is zero or parallel to the viewing direction \`target[${it / 3}]\` − \`eye[${ie / 3}]\``);
    }
    xx /= xl; xy /= xl; xz /= xl;
    const yx = zy * xz - zz * xy, yy = zz * xx - zx * xz, yz = zx * xy - zy * xx;
    R.set([xx, xy, xz, yx, yy, yz, zx, zy, zz], 9 * i);
    t[3 * i] = -(xx * ex + xy * ey + xz * ez);
    t[3 * i + 1] = -(yx * ex + yy * ey + yz * ez);
    t[3 * i + 2] = -(zx * ex + zy * ey + zz * ez);
  }
  return { R, t };
}
