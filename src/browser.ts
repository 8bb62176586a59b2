/**
 * spatialkit for browsers — the same API as the Node entry (src/index.ts) on the wasm backend,
 * minus what a browser cannot have: the native and CUDA backends, the CLI and file-based
 * evaluation (docs/browser.md). Offered through package.json's `exports` "browser" condition;
 * dist/browser.js is one ES module bundled by scripts/build-browser.mjs.
 *
 * The `.wasm` is fetched, not inlined: it stays one cacheable file that compiles while it
 * downloads, and bundlers (Vite, webpack 5, esbuild) copy it because of the
 * `new URL(…, import.meta.url)` below. Importing the module awaits that fetch; if it fails (no
 * SIMD, a bundler that did not copy the file), the import still succeeds, `backends()` gives
 * the reason and every kernel throws it — call `init(urlOrBytes)` to load from elsewhere.
 */
import { init as initFrom, type WasmSource } from './backend/browser.js';

// The Node entry's exports: in the bundle its backend loader is src/backend/browser.ts
// (scripts/build-browser.mjs swaps it), so backends()/setBackend()/getBackend() are the browser's.
export * from './index.js';
export type { WasmSource } from './backend/browser.js';

/** The wasm module shipped beside this file's folder (src/ or dist/): wasm/build/spatialkit.wasm. */
const DEFAULT_WASM = new URL('../wasm/build/spatialkit.wasm', import.meta.url);

/**
 * Loads the wasm backend (already done on import from the shipped file; needed only when that
 * failed or the module lives elsewhere).
 * @param source the module's URL, a fetch() Response, its bytes or a compiled WebAssembly.Module.
 * @throws Error naming the missing feature when the browser has no WebAssembly SIMD.
 * @example
 *   import * as sk from 'spatialkit';
 *   await sk.init('/assets/spatialkit.wasm');   // only if the default location did not load
 */
export function init(source: WasmSource = DEFAULT_WASM): Promise<void> {
  return initFrom(source);
}

await init().catch(() => {});  // recorded: backends() reports it, kernels throw it
