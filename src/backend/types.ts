// The low-level kernel interface every backend module implements. The native and CUDA addons
// export it directly (native/napi/*.cc); the wasm backend provides it through adapters
// (src/backend/wasm/). Arguments are already validated by the TypeScript layer; backends check
// again what they need for memory safety and throw the same TypeError/RangeError sentences.
// A single-item array broadcasts against the batch.

export type F32 = Float32Array;

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

/** `…Async` twins that native backends add: same arguments, resolve when `out` is written. */
export type AsyncTwins<K> = {
  [P in keyof K as `${P & string}Async`]?: K[P] extends (...a: infer A) => infer R ? (...a: A) => Promise<R> : never;
};

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

export type BackendName = 'native' | 'cuda' | 'wasm';

/** What a loaded backend module provides: one object of kernels per domain. */
export interface BackendModule {
  info(): BackendInfo;
  quat: QuatKernels & AsyncTwins<QuatKernels>;
  [domain: string]: unknown;
}
