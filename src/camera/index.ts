// sk.camera: the public names of ./camera.ts. The per-camera constants (`constants`, shared with
// sk.render) stay internal.
export {
  lookAt, MAX_SIDE, rayMap, rayMapAsync, rays, raysAsync, fromRays, fromRaysAsync, CONVENTIONS, convert,
  crop, shift, resize, zoom,
} from './camera.js';
export type {
  Layout, Order, Extrinsics, Cameras, RecoveredCamera, RayMapOptions, RaysOptions, FromRaysOptions, Convention,
  ConvertOptions, PerCamera,
} from './camera.js';
