// Node's way to get the wasm bytes: read the file. Everything after that is ./index.ts's
// instantiate(), which the browser entry (src/backend/browser.ts) shares.
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../package-root.cjs';
import { instantiate, setDefaultLoader, type WasmBackend } from './index.js';

/** The build output in the package (wasm/build/, shipped). */
const DEFAULT_FILE = path.join(packageRoot, 'wasm', 'build', 'spatialkit.wasm');

/** Reads, compiles and instantiates `file` synchronously (one instance per resolved path). */
export function loadWasm(file: string): WasmBackend {
  const key = path.resolve(file);
  return instantiate(fs.readFileSync(key), key);
}

setDefaultLoader(() => loadWasm(DEFAULT_FILE));
