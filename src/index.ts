/**
 * spatialkit — geometry kernels for spatial-intelligence models.
 * `import * as sk from 'spatialkit'`; one module per domain (DESIGN §5).
 */
export { backends, getBackend, setBackend } from './backend/index.js';
export type { BackendInfo, BackendName } from './backend/index.js';
export * as quat from './quat.js';
export * as rope from './rope/index.js';
export * as camera from './camera/index.js';
export * as collide from './collide.js';
export * as scene from './scene.js';
export * as metrics from './metrics/index.js';
export * as render from './render.js';
export { version } from './version.js';
/** Arrays allocated in wasm memory: the wasm backend uses them in place (no copy in or out). */
export { wasmAlloc } from './backend/wasm/index.js';
export type { WasmArray } from './backend/wasm/index.js';
