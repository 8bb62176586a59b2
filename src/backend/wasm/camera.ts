// sk.camera on the wasm backend: the adapter table over wasm/assembly/camera.ts drivers,
// mirroring native/napi/camera.cc parser for parser (same argument names, checks, order and
// sentences). Each call is checked once with the native item sizes, then placed for its driver:
// 'hwc' maps and rays stream through the arena (rows or rays as items), 'chw' maps and the
// fromRays sums are placed whole.
import { LIMITS, type CameraKernels } from '../kernels.js';
import { integer, mapSize } from '../../validate.js';
import type { WasmRuntime } from './runtime.js';

interface CameraExports {
  camera_ray_map_hwc(consts: number, h: number, w: number, pc: number, order: number, out: number, r0: number, r1: number): void;
  camera_ray_map_chw(consts: number, n: number, h: number, w: number, pc: number, order: number, out: number): void;
  camera_rays_batch(consts: number, cb: boolean, pts: number, shared: boolean, p: number, first: number, count: number,
    order: number, out: number): void;
  camera_moments_batch(map: number, n: number, h: number, w: number, pc: number, layout: number, order: number, out: number): void;
}

const LAYOUTS = ['hwc', 'chw'] as const;
const ORDERS = ['md', 'dm', 'd'] as const;

/** native/napi/camera.cc side(): an image side in [1, 2^22]. */
const side = (args: readonly unknown[], i: number, name: string): number => integer(args[i], name, 1, LIMITS.maxSide);

export function cameraKernels(rt: WasmRuntime): CameraKernels {
  const x = rt.exports as unknown as CameraExports;

  return {
    // (consts [N, 12], height, width, pixelCenter, layout, order, out [N·H·W, C])
    rayMap(...args: unknown[]) {
      const c = rt.call(args);
      const K = c.array(0, 'consts', 12);
      const h = side(args, 1, 'height'), w = side(args, 2, 'width');
      const pc = Math.fround(c.number(3, 'pixelCenter'));
      const layout = c.choice(4, 'layout', LAYOUTS), order = c.choice(5, 'order', ORDERS);
      const ch = order === 2 ? 3 : 6;
      mapSize(K.count, h, w, ch);
      const O = c.array(6, 'out', ch, true);
      c.expectCount(O, K.count * h * w, 'rays');
      if (K.count === 0) return;
      if (layout === 1) {
        c.run(() => { x.camera_ray_map_chw(K.ptr, K.count, h, w, pc, order, O.ptr); return -1; });
        return;
      }
      // Rows as items: the output streams through the arena; the constants are one item.
      const s = rt.call(args);
      const K1 = s.array(0, 'consts', 12 * K.count), O1 = s.array(6, 'out', w * ch, true);
      s.each(K.count * h, (k, start) => { x.camera_ray_map_hwc(K1.ptr, h, w, pc, order, O1.ptr, start, start + k); return -1; });
    },

    // (consts [N|1, 12], points [N·P, 2] or [P, 2] when shared, shared, order, out [N·P, C])
    rays(...args: unknown[]) {
      const c = rt.call(args);
      const K = c.array(0, 'consts', 12), P = c.array(1, 'points', 2);
      const shared = c.boolean(2, 'shared');
      const order = c.choice(3, 'order', ORDERS);
      const ch = order === 2 ? 3 : 6;
      let per = P.count, count = K.count ? P.count : 0;
      if (shared) count = K.count * P.count;
      else if (K.count > 1) {
        if (P.count % K.count !== 0) {
          c.rangeError(`Expected \`points\` to hold P points for each of the ${K.count} cameras but received ${P.count} points`);
        }
        per = P.count / K.count;
      }
      const O = c.array(4, 'out', ch, true);
      c.expectCount(O, count, 'rays');
      if (count === 0) return;
      const cb = shared || K.count > 1;
      const s = rt.call(args);
      const K1 = s.array(0, 'consts', 12 * K.count), P1 = s.array(1, 'points', 2 * P.count), O1 = s.array(4, 'out', ch, true);
      s.each(count, (k, start) => { x.camera_rays_batch(K1.ptr, cb, P1.ptr, shared, per, start, k, order, O1.ptr); return -1; });
    },

    // (map, cameras, height, width, pixelCenter, layout, order, out Float64Array [N, 30])
    moments(...args: unknown[]) {
      const c = rt.call(args);
      const M = c.array(0, 'map', 1);
      const n = c.uint32(1, 'cameras');
      const h = side(args, 2, 'height'), w = side(args, 3, 'width');
      const pc = Math.fround(c.number(4, 'pixelCenter'));
      const layout = c.choice(5, 'layout', LAYOUTS), order = c.choice(6, 'order', ['md', 'dm']);
      mapSize(n, h, w, 6);
      if (M.length !== n * h * w * 6) c.rangeError(`Expected \`map\` to hold ${n} × ${h} × ${w} × 6 floats but received ${M.length}`);
      const O = c.array(7, 'out', 30, true, 'Float64Array');
      c.expectCount(O, n, 'cameras');
      if (n === 0) return;
      c.run(() => { x.camera_moments_batch(M.ptr, n, h, w, pc, layout, order, O.ptr); return -1; });
    },
  } as unknown as CameraKernels;
}
