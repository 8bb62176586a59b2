// The kernel contract: what every backend module provides, one object of kernels per domain.
// The native and CUDA addons export it directly (native/napi/*.cc); the wasm backend provides it
// through adapters (src/backend/wasm/). The domain modules (src/<domain>.ts) validate arguments
// and call these through src/call.ts; backends check again what they need for memory safety and
// throw the same TypeError/RangeError sentences. A single-item array broadcasts against the batch.
// This file imports nothing: the backends and the domains both depend on it, never on each other.

export type F32 = Float32Array;

/**
 * Limits on arguments, the one TypeScript definition: the domain modules and the wasm backend check
 * them; the C++ one is native/napi/limits.h (the addon's `limits`, held equal by test/structure.test.ts).
 */
export const LIMITS = {
  /** sk.rope heads and headDim. */
  maxDim: 65536,
  /** Image width and height: u + 0.5 stays exact in float32 up to 2^23. */
  maxSide: 2 ** 22,
  /** Floats in a ray map (V8's largest Float32Array). */
  maxMapFloats: 2 ** 32,
  /** Histogram bins (codebook size). */
  maxBins: 2 ** 24,
  /** `maxPairs`: the most a Uint32Array [P, 2] can hold. */
  maxPairs: 2 ** 31 - 1,
  /** Boxes, quaternions of random(), pixels, (camera, box) rows: counted with 32-bit indices. */
  maxCount: 2 ** 32 - 1,
  /** fromEuler/toEuler orders, in the order of native/kernels/quat.h enum quat_euler_order. */
  eulerOrders: ['xyz', 'xzy', 'yxz', 'yzx', 'zxy', 'zyx'],
} as const;
export type Limits = { -readonly [K in keyof typeof LIMITS]: (typeof LIMITS)[K] extends readonly string[] ? string[] : number };

/** `…Async` twins that native backends add: same arguments, resolve when the outputs are written. */
export type AsyncTwins<K> = {
  [P in keyof K as `${P & string}Async`]?: K[P] extends (...a: infer A) => infer R ? (...a: A) => Promise<R> : never;
};

// ---- quat (native/napi/quat.cc) -------------------------------------------------------------------

export interface QuatKernels {
  multiply(a: F32, b: F32, out: F32): void;
  conjugate(q: F32, out: F32): void;
  invert(q: F32, out: F32): void;
  normalize(q: F32, out: F32): void;
  toMatrix(q: F32, out: F32): void;
  fromMatrix(m: F32, out: F32): void;
  rotate(q: F32, v: F32, out: F32): void;
  fromAxisAngle(axis: F32, angle: F32, out: F32): void;
  fromEuler(angles: F32, order: string, out: F32): void;
  slerp(a: F32, b: F32, t: F32, out: F32): void;
  angle(a: F32, b: F32, out: F32): void;
  random(seed: number, out: F32): void;
  // Parity with scipy's Rotation.
  toEuler(q: F32, order: string, extrinsic: boolean, out: F32): void;
  toRotvec(q: F32, out: F32): void;
  fromRotvec(v: F32, out: F32): void;
  dot(a: F32, b: F32, out: F32): void;
}

// ---- rope (native/napi/rope.cc) -------------------------------------------------------------------

export type Dtype = 'float32' | 'float16' | 'bfloat16';
export type RopeLayout = 'half' | 'interleaved';
/** Storage of x and out: float32 values, or float16/bfloat16 bits. */
export type Storage = Float32Array | Uint16Array;

export interface RopeKernels {
  quatrope(x: Storage, dtype: Dtype, positions: Float32Array, theta: Float64Array, mask: Uint8Array | undefined,
    heads: number, headDim: number, out: Storage): void;
  igre(x: Storage, dtype: Dtype, positions: Float32Array, theta: Float64Array, baseVector: Float32Array,
    mask: Uint8Array | undefined, heads: number, headDim: number, out: Storage): void;
  rotatePairs(x: Storage, dtype: Dtype, positions: Float32Array, axes: number, frequencies: Float64Array, layout: RopeLayout,
    mask: Uint8Array | undefined, heads: number, headDim: number, out: Storage): void;
}

// ---- camera (native/napi/camera.cc) ---------------------------------------------------------------
// Cameras arrive as per-camera constants, 12 float32 each: M = Rᵀ·K⁻¹ (row-major) and the centre
// o = −Rᵀ·t, derived in float64 by src/camera.ts.

export type Layout = 'hwc' | 'chw';
export type Order = 'md' | 'dm' | 'd';

export interface CameraKernels {
  /** consts [N, 12] → out [N, H, W, C] ('hwc') or [N, C, H, W] ('chw'), C = 6 ('md', 'dm') or 3 ('d'). */
  rayMap(consts: F32, height: number, width: number, pixelCenter: number, layout: Layout, order: Order, out: F32): void;
  /** consts [N|1, 12], points [N·P, 2] (or [P, 2] when shared) → out [N·P, C]. */
  rays(consts: F32, points: F32, shared: boolean, order: Order, out: F32): void;
  /** map [N, H, W, 6] or [N, 6, H, W] → out Float64Array [N, 30], the sums of native/kernels/camera.h. */
  moments(map: F32, cameras: number, height: number, width: number, pixelCenter: number, layout: Layout,
    order: 'md' | 'dm', out: Float64Array): void;
}

// ---- collide (native/napi/collide.cc) -------------------------------------------------------------

/** Pairs of many scenes: scene s's pairs are `pairs[2·offsets[s] … 2·offsets[s + 1])`. */
export interface BatchedPairs {
  /** Uint32Array [P, 2]: (i, j), i < j, indices local to each scene, sorted within each scene. */
  pairs: Uint32Array;
  /** Uint32Array [S + 1]: scene s's pairs are rows offsets[s] … offsets[s + 1] − 1 of `pairs`. */
  offsets: Uint32Array;
}

export interface CollideKernels {
  overlap(a: F32, b: F32, margin: number, out: Uint8Array): void;
  fits(candidate: F32, placed: F32, margin: number, out: Uint8Array): void;
  /** Returns a new Uint32Array [P, 2]. */
  pairs(boxes: F32, margin: number, maxPairs: number): Uint32Array;
  pairsBatched(boxes: F32, offsets: Uint32Array, margin: number, maxPairs: number): BatchedPairs;
}

// ---- metrics (native/napi/metrics.cc) -------------------------------------------------------------

export interface MetricsKernels {
  /** counts[k] = #codes equal to k (overwritten); RangeError naming the first code outside [0, K). */
  histogram(codes: Int32Array, K: number, counts: Float64Array): void;
  /** out[g] = NE of group g (NaN if N < 2); stats = [sum of the non-NaN values, their count]. */
  neGrouped(labels: Int32Array, offsets: Uint32Array, out: Float64Array, stats: Float64Array): void;
}

// ---- render (native/napi/render.cc; argument sentences in ./render-types.ts) ----------------------

export interface RenderKernels {
  /** consts [N, 21], scene [N], boxes [M, 10], offsets [S + 1] → instance Int32Array [N·H·W], depth [N·H·W]. */
  raycast(consts: F32, scene: Uint32Array, boxes: F32, offsets: Uint32Array, height: number, width: number,
    pixelCenter: number, instance: Int32Array, depth: F32): void;
  /**
   * The same inputs → the maps (either may have length 0: not written) and per (camera, box) row
   * (R rows, camera i's box j at row Σ_{k<i} M_{scene[k]} + j): amodal [R, 4], amodalUnclipped
   * [R, 4], behind Uint8Array [R], visible Int32Array [R, 4], pixelsAlone Uint32Array [R],
   * pixelsVisible Uint32Array [R], visibleFraction [R], inFrame [R].
   */
  visibility(consts: F32, scene: Uint32Array, boxes: F32, offsets: Uint32Array, height: number, width: number,
    pixelCenter: number, instance: Int32Array, depth: F32, amodal: F32, amodalUnclipped: F32, behind: Uint8Array,
    visible: Int32Array, pixelsAlone: Uint32Array, pixelsVisible: Uint32Array, visibleFraction: F32, inFrame: F32): void;
}

// ---- the module ---------------------------------------------------------------------------------

/** Every domain's kernels, by the name a backend module exports them under. */
export interface DomainKernels {
  quat: QuatKernels;
  rope: RopeKernels;
  camera: CameraKernels;
  collide: CollideKernels;
  metrics: MetricsKernels;
  render: RenderKernels;
}
export type Domain = keyof DomainKernels;
/** A domain's kernels with the `…Async` twins a backend may add. */
export type Kernels<D extends Domain> = DomainKernels[D] & AsyncTwins<DomainKernels[D]>;

export type BackendName = 'native' | 'cuda' | 'wasm';

export interface BackendInfo {
  backend: BackendName;
  available: boolean;
  reason?: string;
  isa?: string;
  isaSupported?: string;
  threads?: number;
  simd?: boolean;
  devices?: string;
  napiVersion?: number;
}

/** The element-wise float32 ops that take the small-call path (src/backend/small.ts). */
export type SmallQuatOp = 'multiply' | 'conjugate' | 'invert' | 'normalize' | 'toMatrix' | 'fromMatrix' | 'rotate' | 'angle';

/**
 * A backend's small-call path (issue #17; native/napi/glue.h, src/backend/wasm/runtime.ts): the
 * caller copies the first input to `arena[x…]` and the second to `arena[y…]`, calls
 * `quat[op](n)` for n in [1, items] items (every array holding n: no broadcasting), and reads the
 * output at `arena[out…]`. An op throws the array path's RangeError for a bad item (after writing
 * every output); it checks n itself.
 */
export interface SmallCalls {
  /** The arena as floats; read it once per call (the wasm backend's view changes when its memory grows). */
  readonly arena: Float32Array;
  readonly items: number;
  readonly x: number;
  readonly y: number;
  readonly out: number;
  readonly quat: Readonly<Record<SmallQuatOp, (n: number) => void>>;
}

/** What a loaded backend module provides: info(), one object of kernels per domain. */
export type BackendModule = { info(): BackendInfo } & { [D in Domain]: Kernels<D> } & {
  /**
   * Native memory for an output of `byteLength` bytes (huge pages, an external ArrayBuffer whose
   * size V8's GC is told of); optional: backends without it allocate with `new Ctor(length)`.
   */
  allocOutput?(byteLength: number): ArrayBuffer;
  /** The addon's limits (native/napi/limits.h); test/structure.test.ts holds them equal to {@link LIMITS}. */
  limits?: Limits;
  /** The small-call path; optional (the CUDA addon, or a runtime without WebAssembly.Memory, has none). */
  small?: SmallCalls;
};
