// The one call path from the domain modules to the active backend's kernels (the contract in
// src/backend/kernels.ts), and the one place outputs are allocated. Domain modules validate, then
// call(domain, op, args) or callAsync(…); hot small-batch paths take kernels(domain) once and call
// the kernel directly (no argument array, no closure: issue #17's small-call budget).
import { active } from './backend/index.js';
import type { BackendModule, Domain, DomainKernels, Kernels, SmallCalls } from './backend/kernels.js';
import { smallCount } from './backend/small.js';
import { array, bufferOf, withCallerStack } from './validate.js';

type Fn = (...a: unknown[]) => unknown;
type Op<D extends Domain> = keyof DomainKernels[D] & string;
type Args<D extends Domain, K extends Op<D>> = DomainKernels[D][K] extends (...a: infer A) => unknown ? A : never;
type Result<D extends Domain, K extends Op<D>> = DomainKernels[D][K] extends (...a: never[]) => infer R ? R : never;

/** The active backend's kernels of one domain. */
export function kernels<D extends Domain>(domain: D): Kernels<D> {
  return active().module[domain] as Kernels<D>;
}

/** The active backend's small-call path (src/backend/small.ts), if it has one. */
export function smallCalls(): SmallCalls | undefined {
  const m = active().module;
  if (m !== smallOwner) {  // read once per backend: the addon's exports are a slow object to load from
    smallOwner = m;
    smallOfOwner = m.small;
  }
  return smallOfOwner;
}
let smallOwner: BackendModule | undefined;
let smallOfOwner: SmallCalls | undefined;

/** Runs `op` of `domain` on the active backend now; returns what the kernel returns. */
export function call<D extends Domain, K extends Op<D>>(domain: D, op: K, args: Args<D, K>): Result<D, K> {
  const k = active().module[domain] as unknown as Record<string, Fn>;
  return k[op].apply(k, args) as Result<D, K>;
}

/**
 * `op` off the event loop where the backend has an `…Async` twin (native, cuda), else run now
 * (wasm); a rejection carries the caller's stack. Arguments were checked synchronously.
 */
export async function callAsync<D extends Domain, K extends Op<D>>(domain: D, op: K, args: Args<D, K>): Promise<Result<D, K>> {
  const k = active().module[domain] as unknown as Record<string, Fn | undefined>;
  const twin = k[`${op}Async`];
  if (twin) return withCallerStack(() => twin.apply(k, args) as Promise<Result<D, K>>);
  return k[op]!.apply(k, args) as Result<D, K>;
}

/** A domain's checked arguments for one kernel call, and the output that call fills. */
export interface Prepared<R> { args: unknown[]; out: R }

/**
 * The sync and `…Async` entry points of one op, made from its one argument check `prep` (which
 * throws synchronously in both). Each gives the kernel's result where it returns one, else the
 * prepared output.
 */
export function entries<D extends Domain, A extends unknown[], R>(domain: D, op: Op<D>, prep: (...a: A) => Prepared<R>):
  readonly [(...a: A) => R, (...a: A) => Promise<R>] {
  const now = (...a: A): R => {
    const p = prep(...a);
    const r = call(domain, op, p.args as never);
    return (r === undefined ? p.out : r) as R;
  };
  const later = (...a: A): Promise<R> => {
    const p = prep(...a);
    return callAsync(domain, op, p.args as never).then((r) => (r === undefined ? p.out : r) as R);
  };
  return [now, later];
}

// ---- outputs ------------------------------------------------------------------------------------

type Typed = Float32Array | Float64Array | Uint8Array | Uint16Array | Int32Array | Uint32Array;
type TypedCtor<T extends Typed> = {
  new (n: number): T;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
};

/**
 * Outputs of at least this many bytes come from the backend's allocOutput (native memory on huge
 * pages: no 4 KiB first-touch faults) where it has one; smaller ones from `new Ctor(length)`,
 * which is cheaper below it. Tuned on the bench machine (issue #17).
 */
export const FAST_ALLOC_MIN_BYTES = 2 ** 20;

/** A zero-filled output of `length` elements for a call on `backend`. */
export function allocate<T extends Typed>(backend: BackendModule, Ctor: TypedCtor<T>, length: number): T {
  const bytes = length * Ctor.BYTES_PER_ELEMENT;
  if (backend.allocOutput !== undefined && bytes >= FAST_ALLOC_MIN_BYTES) return new Ctor(backend.allocOutput(bytes), 0, length);
  return new Ctor(length);
}

/** `out` if given (checked to hold exactly n items of `item` values), else a new output. */
export function output<T extends Typed>(ctor: TypedCtor<T>, out: unknown, n: number, item: number, unit: string): T {
  if (out === undefined) return allocate(active().module, ctor, n * item);
  const count = array(ctor, out, 'out', item);
  if (count !== n) throw new RangeError(`Expected \`out\` to hold ${n} ${unit} but received ${count}`);
  return out as T;
}

/**
 * The small-call fast path (issue #17): when `x` (and `y`, unless yItem is 0) are plain
 * Float32Arrays (src/validate.ts plainF32Length) holding the same n ≥ 1 items — no broadcasting —
 * and `out` is absent or a plain Float32Array of n items, returns the output to write (allocated
 * when absent); else undefined, and the caller takes the fully checked path, whose errors it
 * keeps. Nothing more is checked here: the backend boundary checks every argument again (type,
 * detached memory, overlap by address, bad items) in the same sentences.
 */
export function smallOutput(x: unknown, xItem: number, y: unknown, yItem: number, out: unknown, outItem: number): Float32Array | undefined {
  const n = smallCount(Infinity, x, xItem, y, yItem, out, outItem);
  if (n === 0) return undefined;
  if (out === undefined) return n * outItem <= SCRATCH_MAX ? scratch(n * outItem) : allocate(active().module, Float32Array, n * outItem);
  return out as Float32Array;
}

/**
 * What a small-call fast path returns for the output `o` smallOutput gave it: a fresh copy when
 * `o` is a scratch array (never handed out), else `o` itself.
 */
export function smallResult(o: Float32Array): Float32Array {
  return o === SCRATCH[o.length] ? new Float32Array(o) : o;
}

// Scratch outputs of the allocating small calls, one per length up to 16 floats (64 bytes). V8
// keeps typed arrays of ≤ 64 bytes inside its heap and gives them an ArrayBuffer only when one is
// asked for — which the native boundary (napi_get_typedarray_info) and the wasm small path do:
// ~1 µs per call for a fresh `new Float32Array(4)` (issue #17). So the kernel writes into a
// scratch array whose buffer exists already, and the caller gets a fresh in-heap copy
// (~0.1 µs); its buffer is made only if it is itself passed to a kernel or its `.buffer` is read.
const SCRATCH_MAX = 16;
const SCRATCH: Float32Array[] = [];
function scratch(length: number): Float32Array {
  let s = SCRATCH[length];
  if (s === undefined) {
    s = new Float32Array(length);
    bufferOf(s);  // materialise its ArrayBuffer once
    SCRATCH[length] = s;
  }
  return s;
}
