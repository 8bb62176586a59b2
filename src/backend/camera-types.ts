// The camera kernels every backend module provides as `module.camera` (native/napi/camera.cc,
// the wasm adapter). Cameras arrive as per-camera constants, 12 float32 each: M = Rᵀ·K⁻¹
// (row-major) and the centre o = −Rᵀ·t, derived in float64 by src/camera.ts.
import type { AsyncTwins, F32 } from './types.js';

export type Layout = 'hwc' | 'chw';
export type Order = 'md' | 'dm' | 'd';

export interface CameraKernels {
  /** consts [N, 12] → out [N, H, W, C] ('hwc') or [N, C, H, W] ('chw'), C = 6 ('md', 'dm') or 3 ('d'). */
  rayMap(consts: F32, height: number, width: number, pixelCenter: number, layout: Layout, order: Order, out: F32): void;
  /** consts [N|1, 12], points [N·P, 2] (or [P, 2] when shared) → out [N·P, C]. */
  rays(consts: F32, points: F32, shared: boolean, order: Order, out: F32): void;
  /** map [N, H, W, 6] or [N, 6, H, W] → out Float64Array [N, 30], the sums of native/kernels/camera.h. */
  moments(map: F32, cameras: number, height: number, width: number, pixelCenter: number, layout: Layout,
    order: 'md' | 'dm', out: Float64Array): void;
}

export type CameraModule = CameraKernels & AsyncTwins<CameraKernels>;
