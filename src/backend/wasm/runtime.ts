// The wasm backend's runtime, shared by every domain adapter (./<domain>.ts) and the loader
// (./index.ts): memory views, heap and scratch arena (WasmRuntime), and `Call` — argument checks
// with the sentences of native/napi/glue.cc, then placement of each typed array in wasm memory
// (its own address when it already lives there, else a copy in the arena), the driver call,
// copy-out and the RangeError for a bad item.
//
// Memory growth detaches every view of the old buffer: views are re-created from
// `memory.buffer` after anything that may grow it (wasmAlloc, an arena overflow), and user
// arrays are addressed by the byte offsets recorded before a call grew anything. Element-wise
// calls never grow memory: they stream non-resident arrays through the arena's fixed baseline.
import { describe, isDetached, typedArrayName, typedFacts } from '../../validate.js';
import type { SmallCalls, SmallQuatOp } from '../kernels.js';
import { smallCount, smallRun } from '../small.js';

// ---- Typed arrays and how errors name values -----------------------------------------------------

export const CTORS = { Float32Array, Float64Array, Uint8Array, Uint16Array, Int32Array, Uint32Array } as const;
interface Views {
  Float32Array: Float32Array; Float64Array: Float64Array; Uint8Array: Uint8Array;
  Uint16Array: Uint16Array; Int32Array: Int32Array; Uint32Array: Uint32Array;
}
export type Kind = keyof Views;
export type ViewOf<K extends Kind> = Views[K];
export type Typed = Views[Kind];

export { describe };

// ---- Runtime: one instance, its memory, heap and arena ---------------------------------------------

interface CoreExports {
  memory: WebAssembly.Memory;
  sk_alloc(bytes: number): number;
  sk_free(ptr: number): void;
  arena_acquire(bytes: number): number;
  arena_release(): void;
  heap_high_water(): number;
  heap_user_bytes(): number;
  arena_bytes(): number;
  arena_baseline(): number;
}

/** Memory figures reported by the wasm backend's info(). */
export interface WasmMemoryInfo {
  /** Current size of wasm linear memory (it grows on demand and never shrinks). */
  memoryBytes: number;
  /** Highest end of the heap ever reached (static data + arena + user blocks + holes). */
  heapHighWater: number;
  /** Bytes held by arrays from wasmAlloc not yet freed. */
  userBytes: number;
  /** The scratch arena's live size (back to `arenaBaseline` after every call). */
  arenaBytes: number;
  arenaBaseline: number;
}

/** Largest batch of the small-call path (items): its copies are cheaper than Call's setup below it; it fits the arena baseline. */
const SMALL_ITEMS = 64;

/** n rounded up to a multiple of 16. Arithmetic, not `& ~15`: bitwise operators wrap sizes ≥ 2^31 to negative numbers. */
export const align16 = (n: number): number => Math.ceil(n / 16) * 16;
const MiB = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

export class WasmRuntime {
  readonly exports: CoreExports & Record<string, unknown>;
  /**
   * The memory's current buffer. Memory grows only inside sk_alloc and arena_acquire (drivers
   * never allocate), so it is re-read after those two; views of an older buffer are detached.
   */
  buffer: ArrayBuffer;
  /** Arena bytes available without growth (every element-wise call streams through them). */
  readonly baseline: number;
  /** Address of the arena's baseline block (fixed for the instance's life). */
  private readonly arenaBase: number;
  private overflow = false;
  private views: { [K in Kind]?: ViewOf<K> } = {};

  constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as CoreExports & Record<string, unknown>;
    this.buffer = this.exports.memory.buffer;
    this.baseline = this.exports.arena_baseline() >>> 0;
    this.arenaBase = this.exports.arena_acquire(0) >>> 0;
    this.exports.arena_release();
    this.smallX = this.arenaBase;
    this.smallY = this.arenaBase + 4 * 9 * SMALL_ITEMS;
    this.smallOut = this.arenaBase + 4 * 13 * SMALL_ITEMS;
  }

  private sync(): void {
    const b = this.exports.memory.buffer;
    if (b !== this.buffer) {
      this.buffer = b;
      this.views = {};
      if (this.small) (this.small as { arena: Float32Array }).arena = this.view('Float32Array');
    }
  }

  /** A view of all of wasm memory as `kind`, valid until the memory next grows. */
  view<K extends Kind>(kind: K): ViewOf<K> {
    return (this.views[kind] ??= new CTORS[kind](this.buffer) as never) as ViewOf<K>;
  }

  /** A heap block of `bytes` bytes (may grow memory). */
  alloc(bytes: number): number {
    const p = bytes > 0xffff0000 ? 0 : this.exports.sk_alloc(bytes) >>> 0;
    this.sync();
    if (p === 0) this.exhausted(bytes);
    return p;
  }

  free(ptr: number): void {
    this.exports.sk_free(ptr);
  }

  /** Scratch space of `bytes` bytes until release() (grows memory beyond the baseline). */
  acquire(bytes: number): number {
    if (bytes <= this.baseline) return this.arenaBase;  // what arena_acquire returns, without the call
    const p = bytes > 0xffff0000 ? 0 : this.exports.arena_acquire(bytes) >>> 0;
    this.overflow = p !== 0;
    this.sync();
    if (p === 0) this.exhausted(bytes);
    return p;
  }

  release(): void {
    if (!this.overflow) return;
    this.overflow = false;
    this.exports.arena_release();
  }

  private exhausted(bytes: number): never {
    throw new RangeError(`spatialkit wasm: cannot allocate ${bytes} bytes of wasm memory ` +
      `(${MiB(this.buffer.byteLength)} in use, at most 4 GiB); use the native backend for batches this large`);
  }

  // ---- small calls (issue #17; src/backend/small.ts) ----
  // The arena's baseline holds the small-call layout: x, y and out at fixed byte addresses
  // (items of up to 9, 4 and 9 floats). Arrays in wasm memory (sk.wasmAlloc) take this path too:
  // they are heap blocks, never the baseline, so copying them is right (and not asking for their
  // buffer saves ~25 ns per array: V8's `buffer` getter).
  readonly smallX: number;
  readonly smallY: number;
  readonly smallOut: number;
  /** Set by instantiate() (src/backend/wasm/index.ts) before the domain tables are made. */
  small!: SmallCalls;

  /** The SmallCalls of this instance, running `quat`'s ops (a data property `arena`, replaced when memory grows). */
  smallCalls(quat: SmallCalls['quat']): SmallCalls {
    return { arena: this.view('Float32Array'), items: SMALL_ITEMS, x: this.smallX >>> 2, y: this.smallY >>> 2, out: this.smallOut >>> 2, quat };
  }

  /** n when it is an item count the small-call layout holds, else the RangeError of the native boundary. */
  smallN(n: number): number {
    if (n >= 1 && n <= SMALL_ITEMS && Number.isInteger(n)) return n;
    const msg = `Expected an integer in [1, ${SMALL_ITEMS}] for \`n\` but received ${describe(n)}`;
    throw typeof n === 'number' ? new RangeError(msg) : new TypeError(msg);
  }

  /** A kernel's small path: true when `op` ran on plain arrays of a few items (src/backend/small.ts). */
  runSmall(op: SmallQuatOp, x: unknown, xItem: number, y: unknown, yItem: number, out: unknown, outItem: number): boolean {
    if (out === undefined) return false;  // required here: the array path words that error
    const n = smallCount(this.small.items, x, xItem, y, yItem, out, outItem);
    if (n === 0) return false;
    smallRun(this.small, this.small.quat[op], n, x as Float32Array, xItem, y as Float32Array | undefined, yItem, out as Float32Array, outItem);
    return true;
  }

  call(args: readonly unknown[]): Call {
    return new Call(this, args);
  }

  memoryInfo(): WasmMemoryInfo {
    const e = this.exports;
    return {
      memoryBytes: this.buffer.byteLength,
      heapHighWater: e.heap_high_water() >>> 0,
      userBytes: e.heap_user_bytes() >>> 0,
      arenaBytes: e.arena_bytes() >>> 0,
      arenaBaseline: this.baseline,
    };
  }
}

// ---- Call: checks, placement, driver call ---------------------------------------------------------

function wrongArray(kind: Kind, item: number, name: string, v: unknown): string {
  return `Expected ${item > 1 ? `${kind} of length ${item}·N` : kind} for \`${name}\` but received ${describe(v)}`;
}

/** A checked typed-array argument. `ptr` is its address in wasm memory while a driver runs. */
export class Arr {
  /** False for a single item, which the drivers broadcast (the native `count > 1`). */
  readonly batched: boolean;
  /** Address while a driver runs. */
  ptr = 0;
  /** Arena slot (streaming) or -1. */
  slot = -1;
  /** The copied input whose slot this output shares (in place on a non-resident array). */
  twin: Arr | undefined = undefined;

  constructor(
    readonly name: string,
    /** The caller's array, or the private copy that replaced it (Call.snapshot, separateOverlaps). */
    public array: Typed,
    readonly kind: Kind,
    /** Elements per item. */
    readonly item: number,
    readonly length: number,
    /** Items (length / item). */
    readonly count: number,
    readonly output: boolean,
    /** Buffer, byte offset and length, recorded at the check (growth detaches arrays later). */
    public buffer: ArrayBufferLike,
    public offset: number,
    readonly bytes: number,
    /** In wasm memory (its buffer was the memory's at the check). */
    public resident: boolean,
  ) {
    this.batched = count > 1;
  }

  /** Replaces the array by a private copy of its current values (never in wasm memory). */
  copy(): void {
    this.array = new CTORS[this.kind](this.array as never) as Typed;
    this.buffer = this.array.buffer;
    this.offset = 0;
    this.resident = false;
  }
}

/**
 * Browsers define SharedArrayBuffer only in cross-origin-isolated pages (COOP + COEP headers);
 * elsewhere the name is unbound and no buffer can be shared.
 */
const isShared = (b: ArrayBufferLike): b is SharedArrayBuffer => typeof SharedArrayBuffer === 'function' && b instanceof SharedArrayBuffer;

/**
 * Whether two arrays may be views of one memory: the same buffer — or two SharedArrayBuffer
 * objects of the same size, which may be one memory received twice (postMessage makes a new
 * object each time, and JS cannot compare their addresses; native/napi/glue.cc can).
 */
function sameMemory(a: Arr, b: Arr): boolean {
  if (a.buffer === b.buffer) return true;
  return isShared(a.buffer) && isShared(b.buffer) && a.buffer.byteLength === b.buffer.byteLength;
}
/** Whether two arrays' byte ranges (may) intersect. */
function overlaps(a: Arr, b: Arr): boolean {
  return a.bytes > 0 && b.bytes > 0 && sameMemory(a, b) && a.offset < b.offset + b.bytes && b.offset < a.offset + a.bytes;
}
/** Exactly in place: the same bytes, type and items (kernel bodies read an item before writing it). */
function sameItems(a: Arr, b: Arr): boolean {
  return sameMemory(a, b) && a.offset === b.offset && a.bytes === b.bytes && a.kind === b.kind && a.count === b.count;
}

/**
 * One adapter call, in the order of native/napi/glue.cc: check the arguments (TypeError for a
 * wrong type or a detached array, RangeError for a wrong length, count or value), then each()
 * or run().
 */
export class Call {
  private readonly arrays: Arr[] = [];

  constructor(private readonly rt: WasmRuntime, private readonly args: readonly unknown[]) {}

  private arg(i: number): unknown {
    return i < this.args.length ? this.args[i] : undefined;
  }

  /**
   * A typed array of `kind` whose length is a multiple of `item`. Type, length and memory are the
   * array's own (internal slots, as native code sees them): another realm's array is accepted, a
   * swapped prototype is not, and a subclass's accessors are never consulted — the adapter works
   * on a plain view of the same memory.
   */
  array(i: number, name: string, item: number, output = false, kind: Kind = 'Float32Array'): Arr {
    const v = this.arg(i);
    if (typedArrayName(v) !== kind) throw new TypeError(wrongArray(kind, item, name, v));
    const { length, buffer, byteOffset } = typedFacts(v as Typed);
    if (length === 0 && isDetached(v as Typed)) throw new TypeError(wrongArray(kind, item, name, v));  // detached: length 0
    if (item > 1 && length % item !== 0) throw new RangeError(wrongArray(kind, item, name, v));
    const array = new CTORS[kind](buffer as ArrayBuffer, byteOffset, length) as Typed;
    const a = new Arr(name, array, kind, item, length, item ? length / item : length, output, buffer, byteOffset,
      array.byteLength, buffer === this.rt.buffer);
    this.arrays.push(a);
    return a;
  }

  /** Item count n from inputs that each hold 1 (broadcast) or n items. */
  batch(...inputs: Arr[]): number {
    let n = 1;
    let who: string | undefined;
    for (const a of inputs) {
      if (a.count === 1) continue;
      if (who !== undefined && a.count !== n) {
        throw new RangeError(`Expected \`${a.name}\` to hold 1 or ${n} items (the batch size of \`${who}\`) but received ${a.count}`);
      }
      n = a.count;
      who = a.name;
    }
    return n;
  }

  expectCount(a: Arr, n: number, unit: string): void {
    if (a.count !== n) throw new RangeError(`Expected \`${a.name}\` to hold ${n} ${unit} but received ${a.count}`);
  }

  /** A finite number. */
  number(i: number, name: string): number {
    const v = this.arg(i);
    const want = `Expected a finite number for \`${name}\` but received ${describe(v)}`;
    if (typeof v !== 'number') throw new TypeError(want);
    if (!Number.isFinite(v)) throw new RangeError(want);
    return v;
  }

  /** An integer in [0, 2^32). */
  uint32(i: number, name: string): number {
    const v = this.arg(i);
    const want = `Expected an integer in [0, 2^32) for \`${name}\` but received ${describe(v)}`;
    if (typeof v !== 'number') throw new TypeError(want);
    if (!(v >= 0 && v < 4294967296 && Math.floor(v) === v)) throw new RangeError(want);
    return v;
  }

  /** An integer in [min, max]. */
  integer(i: number, name: string, min: number, max: number): number {
    const v = this.arg(i);
    const want = `Expected an integer in [${min}, ${max}] for \`${name}\` but received ${describe(v)}`;
    if (typeof v !== 'number') throw new TypeError(want);
    if (!(v >= min && v <= max && Number.isInteger(v))) throw new RangeError(want);
    return v;
  }

  boolean(i: number, name: string): boolean {
    const v = this.arg(i);
    if (typeof v !== 'boolean') throw new TypeError(`Expected a boolean for \`${name}\` but received ${describe(v)}`);
    return v;
  }

  /** One of `allowed`; returns its index. */
  choice(i: number, name: string, allowed: readonly string[]): number {
    const v = this.arg(i);
    const list = allowed.map((a) => `'${a}'`).join(', ');
    if (typeof v !== 'string') throw new TypeError(`Expected one of ${list} for \`${name}\` but received ${describe(v)}`);
    const k = allowed.indexOf(v);
    if (k < 0) throw new RangeError(`Expected one of ${list} for \`${name}\` but received '${v}'`);
    return k;
  }

  rangeError(msg: string): never {
    throw new RangeError(msg);
  }

  /**
   * Replaces a SharedArrayBuffer-backed array by a private copy of its current values, before it
   * is checked, so that the values checked are the values the driver uses (another thread may
   * rewrite shared memory at any time). For arrays whose values drivers trust: offsets.
   * (native/napi/glue.cc Call::snapshot)
   */
  snapshot(a: Arr): void {
    if (isShared(a.buffer)) a.copy();
  }

  /**
   * Copies every input that (may) overlap an output other than exactly in place, as
   * native/napi/glue.cc separate_overlaps does: after this, drivers can read inputs and write
   * outputs in any order. each() and run() call it; adapters that place arrays themselves call it
   * before placing them.
   */
  separateOverlaps(): void {
    for (const a of this.arrays) {
      if (a.output) continue;
      if (this.arrays.some((o) => o.output && overlaps(a, o) && !sameItems(a, o))) a.copy();
    }
  }

  private fail(first: number, bad?: (i: number) => string): string {
    return bad ? bad(first) : `invalid input at index ${first}`;
  }

  /**
   * Runs an element-wise driver over n items: `invoke(count, start)` processes items
   * [start, start + count) of every argument holding n items, whose `ptr` is set for that range
   * (single-item arguments are passed whole), and returns the first bad item of the range or -1.
   * A bad item is a RangeError(bad(i)), thrown after every output was written, as native does.
   *
   * Arrays already in wasm memory are used in place. The others stream through the arena's
   * baseline in cache-sized chunks (copy in, run, copy out), so a large batch costs no memory
   * growth and its copies stay in cache. An input overlapping an output other than exactly in
   * place was copied first (separateOverlaps).
   */
  each(n: number, invoke: (count: number, start: number) => number, bad?: (i: number) => string): void {
    this.separateOverlaps();
    const arrays = this.arrays;
    let resident = true;
    for (const a of arrays) resident &&= a.resident;
    if (resident) {
      for (const a of arrays) a.ptr = a.offset;
      const first = invoke(n, 0);
      if (first >= 0) throw new RangeError(this.fail(first, bad));
      return;
    }
    if (n === 0) return;
    const rt = this.rt;
    // Layout: single items copied once, then one slot per streamed array (an output exactly on a
    // copied input's items shares that input's slot).
    let fixedBytes = 0, perItem = 0, slots = 0;
    for (const a of arrays) {
      a.twin = undefined;
      if (a.resident) continue;
      if (a.count !== n) { fixedBytes += align16(a.bytes); continue; }
      if (a.output) a.twin = arrays.find((b) => !b.output && !b.resident && sameItems(b, a));
      if (a.twin) continue;
      perItem += a.bytes / n;
      slots++;
    }
    const chunk = Math.max(4, Math.floor((rt.baseline - fixedBytes - 16 * slots) / perItem) & ~3);
    let cursor = rt.acquire(Math.max(rt.baseline, fixedBytes + slots * 16 + perItem * chunk));
    let first = -1;
    let message = '';
    try {
      for (const a of arrays) {
        if (a.count === n) continue;
        if (a.resident) { a.ptr = a.offset; continue; }
        a.ptr = cursor;
        cursor += align16(a.bytes);
        if (!a.output) rt.view(a.kind).set(a.array as never, a.ptr / a.array.BYTES_PER_ELEMENT);
      }
      for (const a of arrays) {
        if (a.resident || a.count !== n || a.twin) continue;
        a.slot = cursor;
        cursor += align16((a.bytes / n) * chunk);
      }
      for (let start = 0; start < n; start += chunk) {
        const count = Math.min(chunk, n - start);
        for (const a of arrays) {
          if (a.count !== n) continue;
          if (a.resident) a.ptr = a.offset + (start * a.bytes) / n;
          else if (!a.twin) {
            a.ptr = a.slot;
            if (!a.output) {
              const e = start * a.item;
              rt.view(a.kind).set(a.array.subarray(e, e + count * a.item) as never, a.ptr / a.array.BYTES_PER_ELEMENT);
            }
          }
        }
        for (const a of arrays) if (a.twin) a.ptr = a.twin.ptr;
        const r = invoke(count, start);
        if (r >= 0 && first < 0) {
          first = start + r;
          message = this.fail(first, bad);  // now, while the driver's state (e.g. bad_input) is fresh
        }
        for (const o of arrays) {
          if (!o.output || o.resident) continue;
          const e = o.ptr / o.array.BYTES_PER_ELEMENT;
          o.array.set(rt.view(o.kind).subarray(e, e + count * o.item) as never, start * o.item);
        }
      }
    } finally {
      rt.release();
    }
    if (first >= 0) throw new RangeError(message);
  }

  /**
   * Places every checked array in wasm memory as a whole, runs `invoke` (a driver call that
   * returns the first bad item or -1), copies outputs back and throws RangeError(bad(i)) for a
   * bad item, after writing the outputs. For drivers that are not element-wise (element-wise
   * ones use each()).
   *
   * Placement: an array already in wasm memory is passed by address (an input overlapping an
   * output other than exactly in place was copied first: separateOverlaps). Every other array
   * gets an arena slot (the arena grows for the call if needed); an output that is exactly a
   * copied input's items (in place on a non-resident array) shares that input's slot.
   */
  run(invoke: () => number, bad?: (i: number) => string): void {
    this.separateOverlaps();
    const rt = this.rt;
    const arrays = this.arrays;
    let need = 0;
    for (const a of arrays) {
      a.slot = -1;
      a.twin = undefined;
      if (a.output) continue;
      if (a.resident) a.ptr = a.offset;
      else { a.slot = need; need += align16(a.bytes); }
    }
    for (const o of arrays) {
      if (!o.output) continue;
      if (o.resident) { o.ptr = o.offset; continue; }
      o.twin = arrays.find((a) => !a.output && a.slot >= 0 && sameItems(a, o));
      if (!o.twin) { o.slot = need; need += align16(o.bytes); }
    }
    const base = need > 0 ? rt.acquire(need) : 0;  // may grow memory
    let message: string | undefined;
    try {
      for (const a of arrays) {
        if (a.slot < 0) continue;
        a.ptr = base + a.slot;
        if (!a.output) rt.view(a.kind).set(a.array as never, a.ptr / a.array.BYTES_PER_ELEMENT);
      }
      for (const o of arrays) if (o.twin) o.ptr = o.twin.ptr;
      const first = invoke();
      if (first >= 0) message = this.fail(first, bad);
      for (const o of arrays) {
        if (!o.output || o.resident) continue;
        const e = o.ptr / o.array.BYTES_PER_ELEMENT;
        o.array.set(rt.view(o.kind).subarray(e, e + o.length) as never);
      }
    } finally {
      if (need > 0) rt.release();
    }
    if (message !== undefined) throw new RangeError(message);
  }
}

