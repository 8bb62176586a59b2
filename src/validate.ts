// Argument checks for the public API: a small vocabulary of predicates and one wording, the same
// sentences the native boundary uses (native/napi/glue.cc), so an error reads the same whichever
// layer caught it. TypeError = wrong type, RangeError = wrong value. The domain modules and the
// wasm backend (src/backend/wasm/) both check with these; limits come from src/backend/kernels.ts.
import { LIMITS } from './backend/kernels.js';

type Typed = Float32Array | Float64Array | Uint8Array | Uint16Array | Int32Array | Uint32Array;
type TypedCtor<T extends Typed> = { new (n: number): T; readonly name: string };

// A typed array's facts as native code sees them, read through the intrinsic accessors of
// %TypedArray%.prototype: a subclass or a swapped prototype cannot change them, a Proxy has none,
// and arrays from another realm (vm, a test runner's sandbox) have them like any other.
const TYPED_PROTO = Object.getPrototypeOf(Uint8Array.prototype) as object;
const intrinsic = (key: PropertyKey) => Object.getOwnPropertyDescriptor(TYPED_PROTO, key)!.get! as (this: unknown) => never;
const TA_NAME: (this: unknown) => string | undefined = intrinsic(Symbol.toStringTag);
const TA_LENGTH: (this: unknown) => number = intrinsic('length');
const TA_BUFFER: (this: unknown) => ArrayBufferLike = intrinsic('buffer');
const TA_OFFSET: (this: unknown) => number = intrinsic('byteOffset');

/** The element type of a typed array ('Float32Array', …) from its internal slot; undefined for anything else. */
export function typedArrayName(v: unknown): string | undefined {
  return TA_NAME.call(v);
}

/** Length, buffer and byte offset of a typed array (typedArrayName(v) defined) from its internal slots. */
export function typedFacts(v: ArrayBufferView): { length: number; buffer: ArrayBufferLike; byteOffset: number } {
  return { length: TA_LENGTH.call(v), buffer: TA_BUFFER.call(v), byteOffset: TA_OFFSET.call(v) };
}

/**
 * The small-call fast path's one test (issue #17): the length of `v` when it is a plain
 * Float32Array — its own type, this realm's Float32Array as its `constructor` (what a subclass or
 * another realm's array is not), its `length` property telling its memory — else -1 (then the
 * full checks run and say what is wrong). Cheap: no allocation. `constructor` rather than
 * Object.getPrototypeOf: V8 ran that in its runtime here, ~10 ns per array (issue #17).
 */
export function plainF32Length(v: unknown): number {
  if (TA_NAME.call(v) !== 'Float32Array' || (v as Float32Array).constructor !== Float32Array) return -1;
  const n = TA_LENGTH.call(v);
  return (v as Float32Array).length === n ? n : -1;
}

/** The buffer of a typed array (typedArrayName(v) defined), from its internal slot. */
export function bufferOf(v: ArrayBufferView): ArrayBufferLike {
  return TA_BUFFER.call(v);
}

/** How error messages name what they received: "Float64Array(7)", "Array(3)", "the number NaN", … */
export function describe(v: unknown): string {
  const name = typedArrayName(v);
  if (name !== undefined) {
    if (isDetached(v as ArrayBufferView)) return `a detached ${name}`;
    return `${name}(${TA_LENGTH.call(v)})`;
  }
  if (Array.isArray(v)) return `Array(${v.length})`;
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'boolean') return 'a boolean';
  if (typeof v === 'function') return 'a function';
  if (v instanceof ArrayBuffer) return 'an ArrayBuffer';
  return 'an object';
}

/** True when the typed array's buffer was detached (transferred); constructing a view on it throws. */
export function isDetached(v: ArrayBufferView): boolean {
  const buf = TA_BUFFER.call(v) as ArrayBuffer & { detached?: boolean };
  if (typeof buf.detached === 'boolean') return buf.detached;
  try {
    new Uint8Array(buf, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/**
 * A typed array of type `ctor` whose length is a multiple of `item`; returns its item count.
 * The type is the array's own (its internal slot), so an array from another realm is accepted and
 * a Float64Array given Float32Array's prototype is not. An array whose `length`, `byteOffset` or
 * `buffer` properties say something else than its memory (a subclass redefining them) is refused:
 * the layers above and below would disagree about it.
 */
export function array<T extends Typed>(ctor: TypedCtor<T>, v: unknown, name: string, item = 1): number {
  const want = item > 1 ? `${ctor.name} of length ${item}·N` : ctor.name;
  const facts = typedArrayName(v) === ctor.name ? typedFacts(v as Typed) : undefined;
  if (!facts || (facts.length === 0 && isDetached(v as Typed))) {  // a detached array has length 0
    throw new TypeError(`Expected ${want} for \`${name}\` but received ${describe(v)}`);
  }
  let honest = false;
  try {
    const t = v as Typed;
    honest = t.length === facts.length && t.byteOffset === facts.byteOffset && t.buffer === facts.buffer;
  } catch { /* a throwing accessor: not honest either */ }
  if (!honest) {
    throw new TypeError(`Expected ${want} for \`${name}\` but received a ${ctor.name} whose \`length\`, \`byteOffset\` or \`buffer\` property disagrees with its memory`);
  }
  if (facts.length % item !== 0) throw new RangeError(`Expected ${want} for \`${name}\` but received ${describe(v)}`);
  return facts.length / item;
}

export const f32 = (v: unknown, name: string, item = 1): number => array(Float32Array, v, name, item);

/** The batch size of several inputs, each holding 1 (broadcast) or n items. */
export function batch(...inputs: [count: number, name: string][]): number {
  let n = 1;
  let who: string | undefined;
  for (const [count, name] of inputs) {
    if (count === 1) continue;
    if (who !== undefined && count !== n) {
      throw new RangeError(`Expected \`${name}\` to hold 1 or ${n} items (the batch size of \`${who}\`) but received ${count}`);
    }
    n = count;
    who = name;
  }
  return n;
}

/**
 * An options object — or undefined, meaning all defaults, unless `required` (some options have no
 * default). null, arrays, typed arrays and primitives are a TypeError. With `allowed`, a key not in
 * it is a RangeError naming it (a mistyped option is never silently ignored).
 */
export function options<T = Record<string, unknown>>(v: unknown, name = 'opts', required = false, allowed?: readonly string[]): T {
  if (v === undefined && !required) return {} as T;
  if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v)) {
    throw new TypeError(`Expected an options object for \`${name}\` but received ${describe(v)}`);
  }
  if (allowed) knownKeys(v, allowed);
  return v as T;
}

/** Only the `allowed` keys: any other is a RangeError naming it and listing the allowed ones. */
export function knownKeys(opts: object, allowed: readonly string[]): void {
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) throw new RangeError(`Unknown option \`${key}\`; expected ${allowed.map((a) => `\`${a}\``).join(', ')}`);
  }
}

export function finite(v: unknown, name: string): number {
  if (typeof v !== 'number') throw new TypeError(`Expected a finite number for \`${name}\` but received ${describe(v)}`);
  if (!Number.isFinite(v)) throw new RangeError(`Expected a finite number for \`${name}\` but received ${describe(v)}`);
  return v;
}

export function integer(v: unknown, name: string, min: number, max: number): number {
  const want = `an integer in [${min}, ${max}]`;
  if (typeof v !== 'number') throw new TypeError(`Expected ${want} for \`${name}\` but received ${describe(v)}`);
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`Expected ${want} for \`${name}\` but received ${describe(v)}`);
  return v;
}

/**
 * What breaks the rules of scene offsets `o` [S + 1] over n items (0 first, non-decreasing, n
 * last), or '' when they hold; the native glue's offsets_error() says the same.
 */
export function offsetsError(o: Uint32Array, n: number): string {
  if (o.length === 0) return 'Expected Uint32Array of length S + 1 ≥ 1 for `offsets` but received Uint32Array(0)';
  if (o[0] !== 0) return `Expected \`offsets[0]\` to be 0 but received ${o[0]}`;
  for (let s = 1; s < o.length; s++) {
    if (o[s] < o[s - 1]) return `Expected \`offsets\` to be non-decreasing but \`offsets[${s}]\` = ${o[s]} is less than \`offsets[${s - 1}]\` = ${o[s - 1]}`;
  }
  const last = o.length - 1;
  if (o[last] !== n) return `Expected the last offset \`offsets[${last}]\` to be the number of boxes (${n}) but received ${o[last]}`;
  return '';
}

export function uint32(v: unknown, name: string): number {
  const want = 'an integer in [0, 2^32)';
  if (typeof v !== 'number') throw new TypeError(`Expected ${want} for \`${name}\` but received ${describe(v)}`);
  if (!Number.isInteger(v) || v < 0 || v >= 2 ** 32) throw new RangeError(`Expected ${want} for \`${name}\` but received ${describe(v)}`);
  return v;
}

export function choice<T extends string>(v: unknown, name: string, allowed: readonly T[]): T {
  const list = allowed.map((a) => `'${a}'`).join(', ');
  if (typeof v !== 'string') throw new TypeError(`Expected one of ${list} for \`${name}\` but received ${describe(v)}`);
  if (!(allowed as readonly string[]).includes(v)) throw new RangeError(`Expected one of ${list} for \`${name}\` but received '${v}'`);
  return v as T;
}

/** A float32 scalar or per-item array argument, as a Float32Array (length 1 broadcasts). */
export function scalarOrF32(v: unknown, name: string): Float32Array {
  if (typeof v === 'number') return Float32Array.of(finite(v, name));
  f32(v, name);
  return v as Float32Array;
}

/**
 * Runs an async backend call so that a rejection carries the caller's stack (the native
 * worker's stack says nothing useful).
 */
export async function withCallerStack<T>(run: () => Promise<T>): Promise<T> {
  const holder = new Error();
  try {
    return await run();
  } catch (e) {
    if (e instanceof Error && holder.stack) {
      e.stack = `${e.name}: ${e.message}\n${holder.stack.split('\n').slice(2).join('\n')}`;
    }
    throw e;
  }
}

export function boolean(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`Expected a boolean for \`${name}\` but received ${describe(v)}`);
  return v;
}


// ---- checks of one domain, made by its module and again by its wasm adapter ----------------------

/** A finite number ≥ 0 (`margin`: a clearance). */
export function nonNegative(v: unknown, name: string): number {
  const msg = `Expected a finite number ≥ 0 for \`${name}\` but received ${describe(v)}`;
  if (typeof v !== 'number') throw new TypeError(msg);
  if (!(v >= 0 && Number.isFinite(v))) throw new RangeError(msg);
  return v;
}

/** n boxes fit the 32-bit indices of pair lists (native/napi/collide.cc boxes_count). */
export function boxCount(n: number): number {
  if (n > LIMITS.maxCount) throw new RangeError(`Expected at most 2^32 − 1 boxes for \`boxes\` but received ${n}`);
  return n;
}

/** B·T tokens of x [B, T, H, D] holding `length` values (native/napi/rope.cc tokens_of). */
export function tokensOf(length: number, T: number, H: number, D: number): number {
  const per = T * H * D;
  if (per === 0 ? length !== 0 : length % per !== 0) {
    throw new RangeError(`Expected \`x\` to hold B × ${T} × ${H} × ${D} values ([B, T, H, D], T = rows of \`positions\`) but received ${length}`);
  }
  return per ? length / (H * D) : 0;
}

/** A ray map of n × h × w × ch floats fits one Float32Array (native/napi/camera.cc check_map_size). */
export function mapSize(n: number, h: number, w: number, ch: number): void {
  if (n * h * w * ch > LIMITS.maxMapFloats) {
    throw new RangeError(`Expected at most 2^32 floats in the ray map but received ${n} × ${h} × ${w} × ${ch}`);
  }
}
