// WebAssembly backend: compiles wasm/build/spatialkit.wasm synchronously (no imports) and adapts
// its pointer-based batch drivers (wasm/assembly/) to the kernel contract of
// src/backend/kernels.ts.
//
// The runtime every domain shares (memory, arena, argument checks and placement) is ./runtime.ts;
// each domain adds one file with its adapter table (./quat.ts) and one line in DOMAINS below. This
// file adds `wasmAlloc` for arrays that live in wasm memory (zero copy) and the loader.
//
// Nothing here touches Node built-ins: ./node.ts reads the bytes from a file, src/backend/browser.ts
// fetches them; both hand them to instantiate() below (one loader, two ways to get bytes).
import type { BackendInfo, BackendModule } from '../kernels.js';
import { describe } from '../../validate.js';
import { CTORS, WasmRuntime, type Kind, type Typed, type ViewOf, type WasmMemoryInfo } from './runtime.js';
import { quatKernels, quatSmall } from './quat.js';
import { cameraKernels } from './camera.js';
import { ropeKernels } from './rope.js';
import { metricsKernels } from './metrics.js';
import { collideKernels } from './collide.js';
import { renderKernels } from './render.js';

/** Domain adapter tables: `<domain>: <domain>Kernels` from `./<domain>.js`. */
const DOMAINS = {
  quat: quatKernels,
  camera: cameraKernels,
  rope: ropeKernels,
  metrics: metricsKernels,
  collide: collideKernels,
  render: renderKernels,
} satisfies Record<string, (rt: WasmRuntime) => object>;

// ---- Arrays in wasm memory (zero copy) ---------------------------------------------------------------

/**
 * A typed array allocated in wasm memory: passing `array` (or a subarray of it) to a wasm-backend
 * kernel uses it in place, with no copy in or out. Free it when done; the memory is reused.
 */
export interface WasmArray<T extends Typed = Float32Array> {
  /**
   * The view. Wasm memory growth (by a later wasmAlloc, or by a call that must copy whole
   * arrays: a shifted overlap of input and output) detaches older views: read this getter again
   * after allocating rather than keeping the view.
   */
  readonly array: T;
  /** Address of the first element in wasm memory. */
  readonly byteOffset: number;
  readonly length: number;
  free(): void;
}

class Block<K extends Kind> implements WasmArray<ViewOf<K>> {
  private view: ViewOf<K> | undefined;
  private freed = false;

  constructor(private readonly rt: WasmRuntime, readonly kind: K, readonly byteOffset: number, readonly length: number) {}

  get array(): ViewOf<K> {
    if (this.freed) throw new Error('spatialkit wasm: this array was freed');
    const buffer = this.rt.buffer;  // re-read after every growth (WasmRuntime.sync)
    if (!this.view || this.view.buffer !== buffer) this.view = new CTORS[this.kind](buffer, this.byteOffset, this.length) as ViewOf<K>;
    return this.view;
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.view = undefined;
    this.rt.free(this.byteOffset);
  }

  [Symbol.dispose](): void {
    this.free();
  }
}

function allocIn<K extends Kind>(rt: WasmRuntime, length: unknown, kind: K): WasmArray<ViewOf<K>> {
  if (typeof length !== 'number') throw new TypeError(`Expected an integer in [0, 2^32) for \`length\` but received ${describe(length)}`);
  if (!(length >= 0 && length < 4294967296 && Math.floor(length) === length)) {
    throw new RangeError(`Expected an integer in [0, 2^32) for \`length\` but received ${describe(length)}`);
  }
  if (!(kind in CTORS)) throw new RangeError(`Expected one of ${Object.keys(CTORS).map((k) => `'${k}'`).join(', ')} for \`type\` but received ${typeof kind === 'string' ? `'${kind}'` : describe(kind)}`);
  const bytes = length * CTORS[kind].BYTES_PER_ELEMENT;
  const block = new Block(rt, kind, rt.alloc(bytes), length);
  block.array.fill(0);  // freed blocks are reused; give what `new Float32Array(n)` gives
  return block;
}

// ---- Loading ------------------------------------------------------------------------------------------

/** Loads the bundled module when wasmAlloc runs before any backend (set by ./node.ts; the browser loads first). */
let loadDefault: (() => void) | undefined;
export function setDefaultLoader(load: () => void): void {
  loadDefault = load;
}

/** The wasm backend module, with `alloc` for arrays in its memory. */
export type WasmBackend = BackendModule & {
  info(): BackendInfo & WasmMemoryInfo;
  alloc<K extends Kind = 'Float32Array'>(length: number, type?: K): WasmArray<ViewOf<K>>;
};

const loaded = new Map<string, { rt: WasmRuntime; module: WasmBackend }>();
let last: { rt: WasmRuntime; module: WasmBackend } | undefined;

/**
 * Compiles (when given bytes) and instantiates the module synchronously and returns the backend.
 * One instance per `key` (a file path or URL): loading the same key again returns the same module
 * (and memory), so arrays from wasmAlloc work with the backend the loader picked.
 */
export function instantiate(source: BufferSource | WebAssembly.Module, key: string): WasmBackend {
  const hit = loaded.get(key);
  if (hit) return (last = hit).module;
  const wasmModule = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source);
  const instance = new WebAssembly.Instance(wasmModule, {});
  const missing = ['memory', 'sk_alloc', 'arena_acquire', 'quat_multiply_batch'].filter((k) => !(k in instance.exports));
  if (missing.length) throw new Error(`${key} is not a spatialkit module (missing ${missing.join(', ')}); rebuild it with \`npm run build:wasm\``);
  const rt = new WasmRuntime(instance);
  rt.small = rt.smallCalls(quatSmall(rt));
  const domains = Object.fromEntries(Object.entries(DOMAINS).map(([name, make]) => [name, make(rt)])) as {
    [D in keyof typeof DOMAINS]: ReturnType<(typeof DOMAINS)[D]>;
  };
  const module: WasmBackend = {
    info: () => ({ backend: 'wasm', available: true, simd: true, isa: 'wasm-simd128', threads: 1, ...rt.memoryInfo() }),
    alloc: (length, type) => allocIn(rt, length, (type ?? 'Float32Array') as never),
    small: rt.small,
    ...domains,
  };
  const entry = { rt, module };
  loaded.set(key, entry);
  last = entry;
  return module;
}

/**
 * A zero-filled typed array in wasm memory (default Float32Array) of the most recently loaded
 * wasm backend (loading the bundled module if none is). Kernels of that backend use it in place.
 * @throws RangeError when wasm memory cannot grow that far (4 GiB at most).
 * @example
 *   const q = wasmAlloc(4 * n);      // [n, 4]
 *   sk.quat.random(n, 7, q.array);    // written in place (wasm backend)
 *   sk.quat.normalize(q.array, q.array);
 *   q.free();
 */
export function wasmAlloc(length: number): WasmArray<Float32Array>;
export function wasmAlloc<K extends Kind>(length: number, type: K): WasmArray<ViewOf<K>>;
export function wasmAlloc(length: number, type: Kind = 'Float32Array'): WasmArray<Typed> {
  if (!last) loadDefault?.();
  if (!last) throw new Error('spatialkit wasm: the wasm backend is not loaded (in a browser, await `init()` first)');
  return allocIn(last.rt, length, type);
}
