// Backend loader: finds the native addon (prebuild or local build), the CUDA addon and the
// bundled WebAssembly module, records why any of them is unavailable, and hands the current
// one to the domain modules. Loading is lazy: nothing is loaded until a kernel or
// `backends()` needs it.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import type { BackendInfo, BackendModule, BackendName } from './types.js';

const require = createRequire(import.meta.url);
/** Package root (this file is src/backend/index.ts or dist/backend/index.js). */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// The wasm adapter is imported defensively so that a broken or missing adapter leaves the other
// backends usable and is reported by backends() like any other load failure.
const wasmAdapter: { loadWasm?: (file: string) => BackendModule; error?: string } = {};
try {
  wasmAdapter.loadWasm = (await import('./wasm/node.js')).loadWasm;
} catch (e) {
  wasmAdapter.error = (e as Error).message.split('\n')[0];
}

const NAMES: readonly BackendName[] = ['native', 'cuda', 'wasm'];
type Choice = BackendName | 'auto';

interface Slot { module?: BackendModule; error?: string; tried: boolean }
const slots: Record<BackendName, Slot> = {
  native: { tried: false },
  cuda: { tried: false },
  wasm: { tried: false },
};

function loadNative(): BackendModule {
  // node-gyp-build looks in build/Release, build/Debug and prebuilds/<platform>-<arch>/.
  const load = require('node-gyp-build') as (dir: string) => BackendModule;
  return load(packageRoot);
}

function loadCuda(): BackendModule {
  const file = path.join(packageRoot, 'build-cuda', 'Release', 'spatialkit_cuda.node');
  if (!fs.existsSync(file)) throw new Error(`not built (no ${path.relative(packageRoot, file)}; run \`npm run build:cuda\` where nvcc exists)`);
  const mod = require(file) as BackendModule;
  const info = mod.info();
  if (!info.available) throw new Error(info.reason || 'no CUDA device');
  return mod;
}

const loaders: Record<BackendName, () => BackendModule> = {
  native: loadNative,
  cuda: loadCuda,
  wasm: () => {
    if (!wasmAdapter.loadWasm) throw new Error(`the wasm adapter failed to load: ${wasmAdapter.error}`);
    return wasmAdapter.loadWasm(path.join(packageRoot, 'wasm', 'build', 'spatialkit.wasm'));
  },
};

function tryLoad(name: BackendName): Slot {
  const slot = slots[name];
  if (!slot.tried) {
    slot.tried = true;
    try {
      slot.module = loaders[name]();
    } catch (e) {
      slot.error = (e as Error).message.split('\n')[0];
    }
  }
  return slot;
}

function parseChoice(value: unknown, what: string): Choice {
  if (value === 'auto' || (NAMES as readonly unknown[]).includes(value)) return value as Choice;
  throw new RangeError(`Expected one of 'auto', 'native', 'cuda', 'wasm' for ${what} but received ${JSON.stringify(value)}`);
}

let choice: Choice = process.env.SPATIALKIT_BACKEND ? parseChoice(process.env.SPATIALKIT_BACKEND, '`SPATIALKIT_BACKEND`') : 'auto';
let current: { name: BackendName; module: BackendModule } | undefined;

function resolve(c: Choice): { name: BackendName; module: BackendModule } {
  if (c === 'auto') {
    for (const name of ['native', 'wasm'] as const) {
      const s = tryLoad(name);
      if (s.module) return { name, module: s.module };
    }
    throw new Error(`spatialkit: no backend could be loaded. native: ${slots.native.error}; wasm: ${slots.wasm.error}`);
  }
  const s = tryLoad(c);
  if (!s.module) {
    throw new Error(`spatialkit: the '${c}' backend is unavailable: ${s.error}. ` +
      `Run \`npx spatialkit info\` to see every backend; use setBackend('auto') to pick what works.`);
  }
  return { name: c, module: s.module };
}

/** Each backend with whether it loads here and, if not, why. Loads all three. */
export function backends(): BackendInfo[] {
  return NAMES.map((name) => {
    const s = tryLoad(name);
    if (s.module) return { ...s.module.info(), backend: name, available: true };
    return { backend: name, available: false, reason: s.error };
  });
}

/** Selects the backend for all later calls; throws, with the load error, if it is unavailable. */
export function setBackend(name: Choice): BackendName {
  const c = parseChoice(name, '`name`');
  current = resolve(c);
  choice = c;
  return current.name;
}

/** The name of the backend calls run on now (resolving 'auto' on first use). */
export function getBackend(): BackendName {
  return active().name;
}

/** The current backend module (for the domain modules). */
export function active(): { name: BackendName; module: BackendModule } {
  if (!current) current = resolve(choice);
  return current;
}

/** A specific backend's module, loading it if needed (tests and benchmarks). */
export function module(name: BackendName): BackendModule | undefined {
  return tryLoad(name).module;
}

export type { BackendInfo, BackendModule, BackendName } from './types.js';
