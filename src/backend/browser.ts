// Backend loader for browsers: the wasm backend only (native and CUDA are Node addons). The
// browser bundle (scripts/build-browser.mjs) puts this file in place of ./index.ts, so the
// domain modules' `active()` resolves here. The bytes come from fetch() (or the caller); their
// compilation and instantiation are ./wasm/index.ts's instantiate(), shared with Node.
import { instantiate, type WasmBackend } from './wasm/index.js';
import type { BackendInfo, BackendModule, BackendName } from './kernels.js';

const NAMES: readonly BackendName[] = ['native', 'cuda', 'wasm'];
const NOT_IN_BROWSER = 'a Node.js addon, not available in a browser';

/**
 * The smallest module that uses a SIMD instruction (v128 result, i8x16.splat, i8x16.popcnt),
 * as wasm-feature-detect probes it: WebAssembly.validate() says whether this engine has SIMD
 * before the real module fails to compile with a less helpful message.
 */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

export const SIMD_MISSING = 'spatialkit: this browser lacks WebAssembly SIMD (the fixed-width 128-bit SIMD proposal, ' +
  "'simd128'), which the wasm backend needs; use Chrome/Edge 91+, Firefox 89+ or Safari 16.4+";

/** What init() accepts: the module's URL, a fetch() Response (or its promise), its bytes, or a compiled module. */
export type WasmSource = string | URL | Response | Promise<Response> | BufferSource | WebAssembly.Module;

let wasm: WasmBackend | undefined;
let error = 'not loaded yet: await init() first';

async function compile(source: WasmSource): Promise<{ module: WebAssembly.Module; key: string }> {
  if (source instanceof WebAssembly.Module) return { module: source, key: 'module' };
  if (typeof source === 'string' || source instanceof URL) source = fetch(source);
  if (source instanceof Promise || (typeof Response !== 'undefined' && source instanceof Response)) {
    const response = await source;
    if (!response.ok) throw new Error(`spatialkit: cannot fetch the wasm module ${response.url}: HTTP ${response.status}`);
    return { module: await WebAssembly.compile(await response.arrayBuffer()), key: response.url };
  }
  return { module: await WebAssembly.compile(source as BufferSource), key: 'bytes' };
}

/**
 * Loads the wasm backend from `source` (the browser entry calls it once with the module next to
 * the bundle). Calling it again after success does nothing; after a failure it tries again.
 * @throws Error naming the missing feature when the browser has no WebAssembly or no SIMD.
 */
export async function init(source: WasmSource): Promise<void> {
  if (wasm) return;
  try {
    if (typeof WebAssembly !== 'object') throw new Error('spatialkit: this browser has no WebAssembly, which the wasm backend needs');
    if (!WebAssembly.validate(SIMD_PROBE)) throw new Error(SIMD_MISSING);
    const { module, key } = await compile(source);
    wasm = instantiate(module, key);
  } catch (e) {
    error = (e as Error).message;
    throw e;
  }
}

/** Each backend with whether it loads here and, if not, why. */
export function backends(): BackendInfo[] {
  return NAMES.map((name) => {
    if (name === 'wasm' && wasm) return { ...wasm.info(), backend: name, available: true };
    return { backend: name, available: false, reason: name === 'wasm' ? error : NOT_IN_BROWSER };
  });
}

function wasmOrThrow(): WasmBackend {
  if (!wasm) throw new Error(`spatialkit: the 'wasm' backend is unavailable: ${error}`);
  return wasm;
}

/** Selects the backend: 'auto' and 'wasm' are the wasm backend; 'native' and 'cuda' throw. */
export function setBackend(name: BackendName | 'auto'): BackendName {
  if (name !== 'auto' && !NAMES.includes(name)) {
    throw new RangeError(`Expected one of 'auto', 'native', 'cuda', 'wasm' for \`name\` but received ${JSON.stringify(name)}`);
  }
  if (name === 'native' || name === 'cuda') throw new Error(`spatialkit: the '${name}' backend is unavailable: ${NOT_IN_BROWSER}`);
  wasmOrThrow();
  return 'wasm';
}

export function getBackend(): BackendName {
  wasmOrThrow();
  return 'wasm';
}

/** The current backend module (for the domain modules). */
export function active(): { name: BackendName; module: BackendModule } {
  return { name: 'wasm', module: wasmOrThrow() };
}

/** A specific backend's module (tests and benchmarks). */
export function module(name: BackendName): BackendModule | undefined {
  return name === 'wasm' ? wasm : undefined;
}

export type { BackendInfo, BackendModule, BackendName } from './kernels.js';
