// Boundary fuzzer for every exported function on every available backend (issue 8).
//
// Discovery is generic: every function in every `sk.<namespace>` (and every function of every
// domain object of each loaded backend module, for the raw native/wasm boundary) is a target.
// A per-function model (MODELS below) builds a valid call and states the result's shape; a
// function without a model still gets random arguments and is held to the error rule.
//
// Each case is rebuilt from its own seed on every backend (so aliasing, shared and detached
// buffers are reproduced exactly), then:
//   - a valid call, or a value-preserving mutation (SharedArrayBuffer copy, view at an odd
//     element offset, `out` aliasing an input, an extra trailing argument), must return a
//     result of the model's shape, equal to the plain call's result on the same backend;
//   - any other mutation must return, or throw TypeError/RangeError whose message names an
//     argument in backticks;
//   - every backend must agree: both return the same values (bit for bit, NaN sign aside) or both
//     throw the same sentence;
//   - an `…Async` twin must give the sync result, and must settle within `timeoutMs`.
// Raw kernels (backend.module(name).<domain>.<fn>) are fuzzed with the arguments the TS layer
// passed them (recorded by a spy), mutated the same way; they must not crash and must throw only
// TypeError/RangeError naming an argument. Anything else is a finding.
//
// Three argument models aim at what a single thread cannot produce (issue 16):
//   - racing: a typed array moved into a SharedArrayBuffer that a worker thread rewrites (random
//     bytes, then the valid values, over and over) for the whole call — garbage in, but the call
//     must return or throw TypeError/RangeError within `slowMs`, never crash or hang;
//   - out inside an input's bytes, of another element type or through a second
//     SharedArrayBuffer object of the same memory — values kept, so the plain result is due;
//   - termination: now and then (`terminateEvery` cases) a worker thread that loaded the library
//     starts …Async calls of the case's function and is terminated while they are in flight.
// A crash ends the process: scripts/fuzz.mjs runs this in a watched child.
//
// Plain JS so that the long run (scripts/fuzz.mjs) can run it on dist/ in a bare node child
// process that is watched for aborts and signals, and vitest can run it on src/.

import { Worker } from 'node:worker_threads';

/** mulberry32 */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (n) => Math.floor(next() * n);
  next.pick = (xs) => xs[Math.floor(next() * xs.length)];
  next.chance = (p) => next() < p;
  return next;
}

// ---- building valid arguments -----------------------------------------------------------------

const f32 = (r, len, lo = -2, hi = 2) => { const a = new Float32Array(len); for (let i = 0; i < len; i++) a[i] = lo + (hi - lo) * r(); return a; };
const quats = (r, n) => { const a = f32(r, 4 * n); for (let i = 0; i < n; i++) if (Math.hypot(a[4 * i], a[4 * i + 1], a[4 * i + 2], a[4 * i + 3]) < 0.1) a[4 * i + 3] = 1; return a; };
function rotations(r, n) {
  const q = quats(r, n), m = new Float32Array(9 * n);
  for (let i = 0; i < n; i++) {
    let [x, y, z, w] = q.subarray(4 * i, 4 * i + 4);
    const s = Math.hypot(x, y, z, w); x /= s; y /= s; z /= s; w /= s;
    m.set([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
      2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
      2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], 9 * i);
  }
  return m;
}
function intrinsics(r, n, W = 8, H = 6) {
  const k = new Float32Array(9 * n);
  for (let i = 0; i < n; i++) { const f = 4 + 8 * r(); k.set([f, 0, W / 2 + r() - 0.5, 0, f * (0.9 + 0.2 * r()), H / 2 + r() - 0.5, 0, 0, 1], 9 * i); }
  return k;
}
const cameras = (r, n) => ({ K: intrinsics(r, n), R: rotations(r, n), t: f32(r, 3 * n) });
function boxes(r, n) {
  const b = new Float32Array(10 * n);
  for (let i = 0; i < n; i++) { b.set(f32(r, 3, -3, 3), 10 * i); b.set(f32(r, 3, 0.1, 1.5), 10 * i + 3); b.set(quats(r, 1), 10 * i + 6); }
  return b;
}
const sceneObject = (r) => ({ position: [r() * 6 - 3, r() * 6 - 3, 0], yaw: r() * 360, kind: r.pick(['directed', 'used', undefined]) });
const u8 = (r, n) => Uint8Array.from({ length: n }, () => (r() < 0.7 ? 1 : 0));
const i32 = (r, n, k) => Int32Array.from({ length: n }, () => r.int(k));
const batchN = (r) => r.pick([0, 1, 1, 2, 3, 5, 8, 17]);
const bcast = (r, n) => (n > 0 && r.chance(0.2) ? 1 : n);

// Result shapes: each returns null when `v` fits, else what was wrong.
const isArr = (ctor, len) => (v) => (v instanceof ctor && v.length === len ? null : `expected ${ctor.name}(${len}), got ${show(v)}`);
const isNumOrNull = (v) => (v === null || typeof v === 'number' ? null : `expected number|null, got ${show(v)}`);
const isType = (t) => (v) => (typeof v === t ? null : `expected ${t}, got ${show(v)}`);
const anything = () => null;
function isObj(fields) {
  return (v) => {
    if (!v || typeof v !== 'object') return `expected an object, got ${show(v)}`;
    for (const [k, f] of Object.entries(fields)) { const e = f(v[k]); if (e) return `.${k}: ${e}`; }
    return null;
  };
}
export function show(v) {
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.length ?? v.byteLength})`;
  if (Array.isArray(v)) return `Array(${v.length})`;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'symbol') return 'Symbol()';
  if (typeof v === 'function') return 'function';
  if (v && typeof v === 'object') return `{${Object.keys(v).join(',')}}`;
  return String(v);
}

const quatUnary = (item, outItem) => (r) => {
  const n = batchN(r), q = item === 9 ? rotations(r, n) : quats(r, n);
  return { args: [q, ...(r.chance(0.3) ? [new Float32Array(outItem * n)] : [])], out: 1, shape: isArr(Float32Array, outItem * n) };
};
const quatBinary = (outItem, second = 4) => (r) => {
  const n = batchN(r), na = bcast(r, n), nb = na === 1 ? n : bcast(r, n);
  const a = quats(r, na), b = second === 4 ? quats(r, nb) : f32(r, second * nb);
  const N = na === 0 || nb === 0 ? 0 : Math.max(na, nb);
  return { args: [a, b, ...(r.chance(0.3) ? [new Float32Array(outItem * N)] : [])], out: 2, shape: isArr(Float32Array, outItem * N) };
};
function ropeCase(r, op) {
  const T = r.pick([0, 1, 2, 5]), H = r.pick([1, 2]);
  const D = op === 'quatrope' || op === 'igre' ? r.pick([3, 6, 7]) : op === 'mrope' ? 6 : r.pick([2, 4, 6]);
  const opts = { heads: H, headDim: D };
  if (r.chance(0.3)) opts.mask = u8(r, T);
  if (op === 'mrope') opts.sections = [1, 1, 1];
  if (op === 'quatrope' && r.chance(0.3)) opts.theta = 0.3;
  if ((op === 'rope1d' || op === 'mixed3d') && r.chance(0.3)) opts.layout = r.pick(['half', 'interleaved']);
  let outD = D;
  if (op === 'igre') { delete opts.mask; opts.segments = r.pick([1, 2]); outD = D + 3 * opts.segments; }
  const x = f32(r, T * H * D), pos = f32(r, (op === 'rope1d' ? 1 : 3) * T, -5, 5);
  if (r.chance(0.3)) opts.out = new Float32Array(T * H * outD);
  const args = op === 'igre' ? [x, pos, r.chance(0.5) ? u8(r, T) : undefined, opts] : [x, pos, opts];
  return { args, out: op === 'igre' ? '3.out' : '2.out', shape: isArr(Float32Array, T * H * outD) };
}

/** Valid-call models: `sk.<ns>.<fn>` → (rng) → {args, shape, out?}; `…Async` twins share them. */
export const MODELS = {
  'quat.multiply': quatBinary(4),
  'quat.conjugate': quatUnary(4, 4),
  'quat.invert': quatUnary(4, 4),
  'quat.normalize': quatUnary(4, 4),
  'quat.toMatrix': quatUnary(4, 9),
  'quat.fromMatrix': quatUnary(9, 4),
  'quat.rotate': quatBinary(3, 3),
  'quat.angle': quatBinary(1),
  'quat.fromAxisAngle': (r) => {
    const n = batchN(r), axis = f32(r, 3 * n).map((v) => v + 3), ang = r.chance(0.5) ? f32(r, n) : r() * 3;
    return { args: [axis, ang, ...(r.chance(0.3) ? [new Float32Array(4 * n)] : [])], out: 2, shape: isArr(Float32Array, 4 * n) };
  },
  'quat.fromEuler': (r) => {
    const n = batchN(r);
    return { args: [f32(r, 3 * n), r.pick(['xyz', 'zyx', 'yxz']), ...(r.chance(0.3) ? [new Float32Array(4 * n)] : [])], out: 2, shape: isArr(Float32Array, 4 * n) };
  },
  'quat.slerp': (r) => {
    const n = batchN(r);
    return { args: [quats(r, n), quats(r, n), r.chance(0.5) ? r() : f32(r, n, 0, 1), ...(r.chance(0.3) ? [new Float32Array(4 * n)] : [])], out: 3, shape: isArr(Float32Array, 4 * n) };
  },
  'quat.random': (r) => { const n = batchN(r); return { args: [n, r.int(2 ** 32)], shape: isArr(Float32Array, 4 * n) }; },
  'quat.toEuler': (r) => {
    const n = batchN(r), opts = {};
    if (r.chance(0.5)) opts.extrinsic = r.chance(0.5);
    if (r.chance(0.3)) opts.out = new Float32Array(3 * n);
    return { args: [quats(r, n), r.pick(['xyz', 'zyx', 'yzx', 'xzy']), opts], out: '2.out', shape: isArr(Float32Array, 3 * n) };
  },
  'quat.toRotvec': quatUnary(4, 3),
  'quat.fromRotvec': (r) => {
    const n = batchN(r);
    return { args: [f32(r, 3 * n, -4, 4), ...(r.chance(0.3) ? [new Float32Array(4 * n)] : [])], out: 1, shape: isArr(Float32Array, 4 * n) };
  },
  'quat.dot': quatBinary(1),
  'quat.identity': (r) => { const n = batchN(r); return { args: [n, ...(r.chance(0.3) ? [new Float32Array(4 * n)] : [])], out: 1, shape: isArr(Float32Array, 4 * n) }; },
  'rope.quatrope': (r) => ropeCase(r, 'quatrope'),
  'rope.igre': (r) => ropeCase(r, 'igre'),
  'rope.rope1d': (r) => ropeCase(r, 'rope1d'),
  'rope.mrope': (r) => ropeCase(r, 'mrope'),
  'rope.mixed3d': (r) => ropeCase(r, 'mixed3d'),
  'rope.toFloat16': (r) => { const n = batchN(r); return { args: [f32(r, n, -70000, 70000)], shape: isArr(Uint16Array, n) }; },
  'rope.toBFloat16': (r) => { const n = batchN(r); return { args: [f32(r, n, -1e30, 1e30)], shape: isArr(Uint16Array, n) }; },
  'rope.fromFloat16': (r) => { const n = batchN(r); return { args: [Uint16Array.from({ length: n }, () => r.int(65536))], shape: isArr(Float32Array, n) }; },
  'rope.fromBFloat16': (r) => { const n = batchN(r); return { args: [Uint16Array.from({ length: n }, () => r.int(65536))], shape: isArr(Float32Array, n) }; },
  'rope.inverseFrequencies': (r) => { const d = 2 * (1 + r.int(8)); return { args: [d, 1e4], shape: isArr(Float64Array, d / 2) }; },
  'camera.lookAt': (r) => {
    const n = batchN(r);
    return { args: [f32(r, 3 * n).map((v) => v + 5), f32(r, 3 * n, -0.5, 0.5), Float32Array.of(0, 0, 1)], shape: isObj({ R: isArr(Float32Array, 9 * n), t: isArr(Float32Array, 3 * n) }) };
  },
  'camera.rayMap': (r) => {
    const n = r.pick([0, 1, 2]), H = r.pick([1, 3, 6]), W = r.pick([1, 4, 8]);
    const opts = { height: H, width: W };
    if (r.chance(0.3)) opts.layout = r.pick(['hwc', 'chw']);
    if (r.chance(0.3)) opts.out = new Float32Array(n * H * W * 6);
    return { args: [cameras(r, n), opts], out: '1.out', shape: isArr(Float32Array, n * H * W * 6) };
  },
  'camera.rays': (r) => {
    const n = r.pick([1, 2]), P = r.pick([0, 1, 3]);
    const opts = r.chance(0.3) ? { out: new Float32Array(6 * P * n) } : {};
    return { args: [cameras(r, n), f32(r, 2 * P * n, 0, 6), opts], out: '2.out', shape: isArr(Float32Array, 6 * P * n) };
  },
  'camera.fromRays': (r) => ({ args: [new Float32Array(0), { height: 4, width: 4 }], shape: (v) => (Array.isArray(v) ? null : `expected an array, got ${show(v)}`) }),
  'camera.crop': (r) => { const n = batchN(r); return { args: [intrinsics(r, n), { x: r() * 3, y: r() * 3 }], shape: isArr(Float32Array, 9 * n) }; },
  'camera.shift': (r) => { const n = batchN(r); return { args: [intrinsics(r, n), { x: r() * 3, y: r() * 3 }], shape: isArr(Float32Array, 9 * n) }; },
  'camera.resize': (r) => { const n = batchN(r); return { args: [intrinsics(r, n), { sx: 0.5 + r(), sy: 0.5 + r() }], shape: isArr(Float32Array, 9 * n) }; },
  'camera.zoom': (r) => { const n = batchN(r); return { args: [intrinsics(r, n), 0.5 + r(), { width: 8, height: 6 }], shape: isArr(Float32Array, 9 * n) }; },
  'camera.convert': (r) => { const n = batchN(r); return { args: [cameras(r, n), r.pick(['opencv', 'opengl', 'pytorch3d']), r.pick(['opencv', 'opengl', 'pytorch3d']), { width: 8, height: 6 }], shape: isObj({ K: isArr(Float32Array, 9 * n), R: isArr(Float32Array, 9 * n), t: isArr(Float32Array, 3 * n) }) }; },
  'collide.overlap': (r) => {
    const n = batchN(r), na = bcast(r, n), nb = na === 1 ? n : bcast(r, n), N = Math.max(na, nb);
    const opts = {};
    if (r.chance(0.3)) opts.margin = r() * 0.1;
    if (r.chance(0.3)) opts.out = new Uint8Array(N);
    return { args: [boxes(r, na), boxes(r, nb), opts], out: '2.out', shape: isArr(Uint8Array, N) };
  },
  'collide.fits': (r) => {
    const m = batchN(r), args = [boxes(r, m), boxes(r, batchN(r)), r.chance(0.3) ? { out: new Uint8Array(m) } : {}];
    return { args, out: '2.out', shape: isArr(Uint8Array, m) };
  },
  'collide.pairs': (r) => { const n = batchN(r); return { args: [boxes(r, n)], shape: (v) => (v instanceof Uint32Array && v.length % 2 === 0 ? null : `expected Uint32Array [P, 2], got ${show(v)}`) }; },
  'collide.pairsBatched': (r) => {
    const S = r.pick([0, 1, 2, 3]), offs = [0];
    for (let s = 0; s < S; s++) offs.push(offs[s] + r.int(4));
    return { args: [boxes(r, offs[S]), Uint32Array.from(offs)], shape: isObj({ pairs: (v) => (v instanceof Uint32Array && v.length % 2 === 0 ? null : `pairs: ${show(v)}`), offsets: isArr(Uint32Array, S + 1) }) };
  },
  'metrics.normalizedEntropyGrouped': (r) => {
    const G = r.pick([0, 1, 3]), offs = [0];
    for (let g = 0; g < G; g++) offs.push(offs[g] + r.int(5));
    const opts = r.chance(0.3) ? { out: new Float64Array(G) } : {};
    return { args: [i32(r, offs[G], 4), Uint32Array.from(offs), opts], out: '2.out', shape: isObj({ values: isArr(Float64Array, G), mean: isNumOrNull }) };
  },
  'metrics.codebookUsage': (r) => { const K = 1 + r.int(8); return { args: [i32(r, batchN(r), K), K], shape: isObj({ used: isType('number'), counts: isArr(Float64Array, K) }) }; },
  'metrics.entropy': (r) => ({ args: [i32(r, batchN(r), 5)], shape: isNumOrNull }),
  'metrics.rotationAccuracy': (r) => { const n = batchN(r); return { args: [quats(r, n), quats(r, n)], shape: isObj({ errorsDeg: isArr(Float64Array, n), meanDeg: isNumOrNull }) }; },
  'metrics.normalizeAnswer': (r) => ({ args: [r.pick(['Front-Left', ' yes. ', "3 o'clock", 'behind', '', 'twelve'])], shape: isObj({}) }),
  'metrics.normalizedEntropy': (r) => ({ args: [Array.from({ length: batchN(r) }, () => r.pick(['yes', 'no', 'left', '3']))], shape: isNumOrNull }),
  'metrics.rtc': (r) => ({ args: [Array.from({ length: batchN(r) }, () => [r.pick(['front', 'left', 'x']), r.pick(['12', '3', '9'])])], shape: isNumOrNull }),
  'metrics.compatible': (r) => ({ args: [r.pick(['front', 'back-left', 'right']), r.pick([12, 3, '7'])], shape: isType('boolean') }),
  'metrics.answerKey': (r) => ({ args: [{ kind: r.pick(['yesno', 'cardinal', 'clock', 'oos']), value: r.pick(['yes', 'left', 3, 'x']) }], shape: isType('string') }),
  'metrics.answerLabel': (r) => ({ args: [{ kind: r.pick(['yesno', 'cardinal', 'clock', 'oos']), value: r.pick(['yes', 'left', 3, 'x']) }], shape: isType('string') }),
  'metrics.consistentPair': (r) => ({ args: [{ kind: 'cardinal', value: r.pick(['front', 'left']) }, { kind: 'clock', value: 1 + r.int(12) }], shape: isType('boolean') }),
  'rope.igreReleased': (r) => ({ args: [1 + r.int(256), 1e4], shape: isObj({ segments: isType('number'), theta: isType('number') }) }),
  'rope.ladder': (r) => { const c = 1 + r.int(8); return { args: [c, { base: 1e4 }], shape: isArr(Float64Array, c) }; },
  'rope.mixedFrequencies': (r) => { const d = 2 * (1 + r.int(8)); return { args: [d, { seed: r.int(100) }], shape: isArr(Float64Array, 3 * (d / 2)) }; },
  'rope.invariance': (r) => ({ args: [r.pick(['quatrope', 'rope1d', 'mixed3d']), { headDim: 6, samples: 1 + r.int(20) }], shape: isObj({}) }),
  'rope.scoreMatrix': (r) => { const n = r.int(4); return { args: [r.pick(['quatrope', 'rope1d', 'mixed3d']), f32(r, 3 * n), { headDim: 6 }], shape: isArr(Float64Array, n * n) }; },
  'scene.layout': (r) => ({ args: [{ seed: r.int(1000), objects: 2 + r.int(2) }], shape: (v) => (Array.isArray(v) && v.length >= 2 ? null : `expected PlacedObject[], got ${show(v)}`) }),
  'scene.generate': (r) => ({ args: [{ groups: 1, seed: r.int(1000), first: r.int(5) }], shape: (v) => (Array.isArray(v) && v.length === 1 ? null : `expected Group[1], got ${show(v)}`) }),
  'scene.ring': (r) => { const count = 1 + r.int(8); return { args: [{ count, radius: 1 + r() * 9 }], shape: (v) => (Array.isArray(v) && v.length === count ? null : `expected ${count} cameras, got ${show(v)}`) }; },
  'scene.labels': (r) => ({ args: [r() * 720 - 360], shape: isObj({ clock: isType('number') }) }),
  'scene.normalizeAngle': (r) => ({ args: [r() * 720 - 360], shape: isType('number') }),
  'scene.relative': (r) => ({ args: [sceneObject(r), sceneObject(r), ...(r.chance(0.5) ? [sceneObject(r)] : [])], shape: isObj({}) }),
  'scene.absolute': (r) => ({ args: [{ position: [10, 0, 6], target: [0, 0, 0] }, sceneObject(r), sceneObject(r), { frame: r.pick(['camera_axis', 'line_of_sight']) }], shape: isObj({}) }),
  'scene.captions': (r, ctx) => ({ args: [structuredClone(ctx.group)], shape: (v) => (Array.isArray(v) ? null : show(v)) }),
  'scene.qa': (r, ctx) => ({ args: [structuredClone(ctx.group)], shape: (v) => (Array.isArray(v) ? null : show(v)) }),
  'scene.sdg': (r, ctx) => ({ args: [structuredClone(ctx.group)], shape: (v) => (Array.isArray(v) ? null : show(v)) }),
  'scene.svg': (r, ctx) => ({ args: [structuredClone(ctx.group), { size: 64 + r.int(200) }], shape: isType('string') }),
  'metrics.cardinalSector': (r) => ({ args: [r() * 720 - 360], shape: isType('number') }),
  'metrics.clockSector': (r) => ({ args: [r() * 720 - 360], shape: isType('number') }),
};

// ---- mutations ----------------------------------------------------------------------------------

const TYPED = [Float32Array, Float64Array, Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array];
const HUGE = [2 ** 31, 2 ** 32, 2 ** 32 + 1, 2 ** 53, 2 ** 64, 1e300, Number.MAX_SAFE_INTEGER, 2 ** 30 + 1];
const ODD_NUMBERS = [NaN, Infinity, -Infinity, -1, -0, 0.5, -2.5, 0, 1, 3, 1e-320, ...HUGE];
const OTHER = [undefined, null, true, 'x', '', '3', {}, [], [1, 2, 3], () => 1, Symbol('s'), 12n, new ArrayBuffer(16), new DataView(new ArrayBuffer(16)), new Date(0), /re/, new Map()];

function detached(len, ctor = Float32Array) {
  const a = new ctor(len);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}
function sharedCopy(a) {
  const s = new a.constructor(new SharedArrayBuffer(Math.max(a.byteLength, 1)), 0, a.length);
  s.set(a);
  return s;
}
function oddView(a, k) {  // the same values in a view starting k elements into a larger buffer
  const v = new a.constructor(new ArrayBuffer((a.length + k + 3) * a.BYTES_PER_ELEMENT), k * a.BYTES_PER_ELEMENT, a.length);
  v.set(a);
  return v;
}
function fillWith(a, r, value) {
  const c = a.slice();
  if (c.length) { if (r.chance(0.5)) c.fill(value); else c[r.int(c.length)] = value; }
  return c;
}

/** Paths to every argument and option value: [i] or [i, key]. */
export function paths(args) {
  const ps = [];
  args.forEach((a, i) => {
    ps.push([i]);
    if (a && typeof a === 'object' && !ArrayBuffer.isView(a) && !Array.isArray(a)) for (const k of Object.keys(a)) ps.push([i, k]);
  });
  return ps;
}
export const getAt = (args, p) => (p.length === 1 ? args[p[0]] : args[p[0]][p[1]]);
export function setAt(args, p, v) {
  if (p.length === 1) args[p[0]] = v;
  else args[p[0]] = { ...args[p[0]], [p[1]]: v };
}

/** A model's out path ('2.out' or 2) as a path of paths(). */
export const outPathOf = (outPath) => (typeof outPath === 'number' ? [outPath] : [Number(outPath.split('.')[0]), outPath.split('.')[1]]);

/**
 * Puts `out` inside the bytes of the input at `inPath` (issue 16: overlapping memory is handled by
 * every function, whatever the types). `like` is an array of out's type and length. Kinds:
 *  - 'cross': one ArrayBuffer holds the input's bytes, and out is a view of its own type starting
 *    `frac` of the way into them (0: at the same address);
 *  - 'twin': the input lives in a SharedArrayBuffer and out is a view of a second SharedArrayBuffer
 *    object over the same memory (as a worker gets when the buffer is posted to it twice),
 *    shifted by one element — only an address comparison can see the overlap.
 * Values are kept, so the call must give the plain call's result. Returns false when the input or
 * out is empty.
 */
export function overlapOut(args, outPath, inPath, like, kind, frac = 0.5) {
  const input = getAt(args, inPath);
  if (!input.byteLength || !like.length) return false;
  const shift = kind === 'twin' ? like.BYTES_PER_ELEMENT : Math.floor((input.byteLength * frac) / 8) * 8;
  const bytes = Math.ceil(Math.max(input.byteLength, shift + like.byteLength) / 8) * 8;
  const buffer = kind === 'twin' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  const inView = new input.constructor(buffer, 0, input.length);
  inView.set(input);
  setAt(args, inPath, inView);
  const op = outPathOf(outPath);
  if (op.length === 2 && (args[op[0]] === undefined || typeof args[op[0]] !== 'object')) args[op[0]] = {};
  setAt(args, op, new like.constructor(kind === 'twin' ? structuredClone(buffer) : buffer, shift, like.length));
  return true;
}

/** Paths of the typed-array inputs of `args` (not the out at `outPath`). */
export function inputPaths(args, outPath) {
  const op = outPath === undefined ? undefined : outPathOf(outPath).join('.');
  return paths(args).filter((p) => ArrayBuffer.isView(getAt(args, p)) && p.join('.') !== op);
}

/**
 * Mutates `args` in place (one change); returns {kind, benign}. Benign changes keep every value,
 * so the call must give the plain call's result.
 */
export function mutate(r, args, outPath) {
  const ps = paths(args);
  const roll = r();
  if (roll < 0.05) { args.push(r.pick([undefined, 0, {}, 'extra'])); return { kind: 'extra argument', benign: true }; }
  if (roll < 0.1 && args.length) { args.length = r.int(args.length); return { kind: `only ${args.length} arguments`, benign: false }; }
  if (roll < 0.15) {
    const objs = ps.filter((p) => p.length === 1 && args[p[0]] && typeof args[p[0]] === 'object' && !ArrayBuffer.isView(args[p[0]]) && !Array.isArray(args[p[0]]));
    if (objs.length) { const p = r.pick(objs); setAt(args, [p[0], r.pick(['bogus', 'Out', 'outt', 'seed', 'heads'])], r.pick([1, 'x', null])); return { kind: 'unknown option', benign: false }; }
  }
  if (roll < 0.2) {
    const objs = ps.filter((p) => p.length === 2);
    if (objs.length) { const p = r.pick(objs); const o = { ...args[p[0]] }; delete o[p[1]]; args[p[0]] = o; return { kind: `missing option ${p[1]}`, benign: false }; }
  }
  if (roll < 0.3 && outPath !== undefined) {  // out aliasing an input
    const op = outPathOf(outPath);
    const out = getAt(args, op);
    const inputs0 = inputPaths(args, outPath);
    if (out && ArrayBuffer.isView(out) && inputs0.length && r.chance(0.4)) {
      const kind = r.pick(['cross', 'twin']), frac = r.pick([0, 0.5]), p = r.pick(inputs0);
      if (overlapOut(args, outPath, p, out, kind, frac)) return { kind: `out inside arg ${p.join('.')}'s bytes (${kind}${kind === 'cross' ? `, at ${frac}` : ''})`, benign: true };
    }
    const inputs = ps.filter((p) => ArrayBuffer.isView(getAt(args, p)) && getAt(args, p) !== out && !(p.length === 2 && p[1] === 'out'));
    if (out && ArrayBuffer.isView(out) && inputs.length) {
      const src = getAt(args, r.pick(inputs));
      if (src.constructor === out.constructor && src.length === out.length && r.chance(0.5)) {
        setAt(args, op, src);
        return { kind: 'out is an input', benign: true };
      }
      // out as a view that overlaps the input's buffer, shifted by some elements
      if (src.constructor === out.constructor && out.length) {
        const shift = 1 + r.int(3);
        const buf = new ArrayBuffer((Math.max(src.length, out.length) + shift + 1) * src.BYTES_PER_ELEMENT);
        const inV = new src.constructor(buf, 0, src.length);
        inV.set(src);
        const p = inputs.find((q) => getAt(args, q) === src);
        setAt(args, p, inV);
        setAt(args, op, new out.constructor(buf, shift * out.BYTES_PER_ELEMENT, out.length));
        return { kind: `out overlaps an input shifted by ${shift}`, benign: true };
      }
    }
  }
  if (!ps.length) { args.push(r.pick(OTHER)); return { kind: 'argument where none expected', benign: false }; }
  const p = r.pick(ps);
  const v = getAt(args, p);
  const where = p.length === 1 ? `arg ${p[0]}` : `opts.${p[1]}`;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const len = v.length, C = v.constructor;
    const m = r.int(13);
    switch (m) {
      case 12: if (v.byteLength) { const sh = sharedCopy(v); setAt(args, p, sh); return { kind: `${where} rewritten by a worker during the call`, benign: false, race: sh }; }
      // falls through
      case 0: setAt(args, p, sharedCopy(v)); return { kind: `${where} SharedArrayBuffer`, benign: true };
      case 1: setAt(args, p, oddView(v, 1 + 2 * r.int(3))); return { kind: `${where} view at odd offset`, benign: true };
      case 2: { const K = r.pick(TYPED.filter((k) => k !== C)); setAt(args, p, new K(len)); return { kind: `${where} as ${K.name}`, benign: false }; }
      case 3: setAt(args, p, new C(len + r.pick([1, -1, 2, 3]) > 0 ? len + r.pick([1, 2, 3]) : 0)); return { kind: `${where} length changed`, benign: false };
      case 4: setAt(args, p, len ? new C(Math.max(0, len - 1)) : new C(1)); return { kind: `${where} one element short/long`, benign: false };
      case 5: setAt(args, p, new C(0)); return { kind: `${where} empty`, benign: false };
      case 6: setAt(args, p, detached(len, C)); return { kind: `${where} detached`, benign: false };
      case 7: setAt(args, p, Array.from(v)); return { kind: `${where} plain Array`, benign: false };
      case 8: if (C === Float32Array || C === Float64Array) { setAt(args, p, fillWith(v, r, r.pick([NaN, Infinity, -Infinity, 3e38, -0, 1e-45]))); return { kind: `${where} NaN/Inf/extreme values`, benign: false }; }
      // falls through
      case 9: if (C !== Float32Array && C !== Float64Array) { setAt(args, p, fillWith(v, r, r.pick([0xffffffff, 0x7fffffff, -1, 65535, 255, 2 ** 31]))); return { kind: `${where} extreme integers`, benign: false }; }
      // falls through
      case 10: setAt(args, p, new C(r.pick([1, 2, 7, 11, 33]))); return { kind: `${where} random length`, benign: false };
      default: setAt(args, p, r.pick(OTHER)); return { kind: `${where} wrong type`, benign: false };
    }
  }
  if (typeof v === 'number') {
    setAt(args, p, r.chance(0.8) ? r.pick(ODD_NUMBERS) : r.pick(OTHER));
    return { kind: `${where} odd number`, benign: false };
  }
  if (typeof v === 'string') { setAt(args, p, r.pick(['', 'XYZ', 'nope', ' half', ...OTHER])); return { kind: `${where} other string`, benign: false }; }
  if (Array.isArray(v)) { setAt(args, p, r.pick([[], [NaN, 1, 1], [1, 2], [1, 2, 3, 4], new Float32Array(3), ...OTHER])); return { kind: `${where} other array`, benign: false }; }
  setAt(args, p, r.pick([...OTHER, ...ODD_NUMBERS.slice(0, 4)]));
  return { kind: `${where} replaced`, benign: false };
}

function genericArgs(r) {
  const n = r.int(4), args = [];
  const pool = () => r.pick([f32(r, r.pick([0, 1, 3, 4, 9, 10, 12])), r.pick(ODD_NUMBERS), 3, 4, 'xyz', { heads: 1, headDim: 3 }, {}, ...OTHER]);
  for (let i = 0; i < n; i++) args.push(pool());
  return args;
}

// ---- threads: a scribbler for racing arguments, workers to terminate ----------------------------

/**
 * One worker thread that rewrites a shared array while a call runs. start(a) returns once the
 * worker is writing a's bytes (random bytes, then a's values at start, over and over); stop()
 * ends it. The handshake goes through a small SharedArrayBuffer: [generation wanted, acknowledged].
 */
export function scribbler() {
  const control = new Int32Array(new SharedArrayBuffer(8));
  const w = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const c = new Int32Array(workerData.control);
    parentPort.on('message', ({ buffer, offset, length, gen }) => {
      const bytes = new Uint8Array(buffer, offset, length), good = bytes.slice();
      let s = gen >>> 0;
      Atomics.store(c, 1, gen);
      Atomics.notify(c, 1);
      while (Atomics.load(c, 0) === gen) {
        for (let i = 0; i < bytes.length; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; bytes[i] = s >>> 24; }
        bytes.set(good);
      }
    });`, { eval: true, workerData: { control: control.buffer } });
  w.unref();
  let gen = 0;
  return {
    start(a) {
      gen++;
      Atomics.store(control, 0, gen);
      w.postMessage({ buffer: a.buffer, offset: a.byteOffset, length: a.byteLength, gen });
      for (let t = 0; Atomics.load(control, 1) !== gen && t < 100; t++) Atomics.wait(control, 1, Atomics.load(control, 1), 50);
    },
    stop() { Atomics.store(control, 0, 0); },
    close() { return w.terminate(); },
  };
}

/**
 * Starts a worker thread that imports the library (`entry.url`, with `entry.execArgv`), selects
 * `backend`, keeps …Async calls of `name` in flight (arguments from the model and seeds
 * from `seed`), and terminates it after `delayMs` of that. Resolves when the worker is gone.
 */
export async function terminateMidCall(entry, backend, name, seed, delayMs) {
  const code = `
    import { parentPort, workerData as d } from 'node:worker_threads';
    const sk = await import(d.url);
    const { MODELS, rng } = await import(d.core);
    sk.setBackend(d.backend);
    const [ns, fn] = d.name.split('.');
    const call = (i) => { try { const p = sk[ns][fn](...MODELS[d.base](rng(d.seed + i), {}).args); p?.catch?.(() => {}); } catch {} };
    for (let i = 0; i < 16; i++) call(i);
    parentPort.postMessage('in flight');
    for (let i = 16; ; i++) { call(i); if (i % 4 === 0) await new Promise((r) => setImmediate(r)); }`;
  const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), {
    execArgv: entry.execArgv ?? [],
    workerData: { url: entry.url, core: import.meta.url, backend, name, base: name.replace(/Async$/, ''), seed },
  });
  const failed = new Promise((_, rej) => w.once('error', rej));
  await Promise.race([new Promise((res) => w.once('message', res)), failed]);
  await new Promise((res) => setTimeout(res, delayMs));
  await w.terminate();
}

// ---- calling and judging -----------------------------------------------------------------------

/**
 * Functions whose default call is legitimately slow, with the time a call may take before it
 * counts as a finding (others: `slowMs`): rope.invariance samples thousands of position pairs by
 * default (~0.3 s on a quiet machine, 1.2 s seen on a loaded 2-core one).
 */
const SLOW_BUDGET = { 'rope.invariance': 10_000 };

const NAMES_ARG = /`[^`]+`/;

async function settle(fn, args, timeoutMs) {
  const t0 = performance.now();
  try {
    let v = fn(...args);
    if (v && typeof v.then === 'function') {
      let timer;
      v = await Promise.race([v, new Promise((_, rej) => { timer = setTimeout(() => rej(new HangError(`no settlement within ${timeoutMs} ms`)), timeoutMs); })]);
      clearTimeout(timer);
    }
    return { ok: true, value: v, ms: performance.now() - t0 };
  } catch (e) {
    return { ok: false, error: e, ms: performance.now() - t0 };
  }
}
class HangError extends Error {}

/** Null when the thrown value obeys the rule, else what is wrong with it. */
export function errorProblem(e) {
  if (e instanceof HangError) return `hang: ${e.message}`;
  if (!(e instanceof TypeError || e instanceof RangeError)) return `threw ${e?.constructor?.name ?? typeof e}: ${e?.message ?? String(e)}`;
  if (!NAMES_ARG.test(e.message)) return `${e.name} without a backtick-quoted argument name: ${e.message}`;
  return null;
}

function same(a, b, tol) {
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor || a.length !== b.length) return `${show(a)} vs ${show(b)}`;
    for (let i = 0; i < a.length; i++) {
      const x = Number(a[i]), y = Number(b[i]);
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      if (!(Math.abs(x - y) <= tol * (1 + Math.abs(y))) && x !== y) return `[${i}] ${x} vs ${y}`;
    }
    return null;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return `${show(a)} vs ${show(b)}`;
    for (let i = 0; i < a.length; i++) { const d = same(a[i], b[i], tol); if (d) return `[${i}]${d}`; }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) { const d = same(a[k], b[k], tol); if (d) return `.${k} ${d}`; }
    return null;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= tol * (1 + Math.abs(b)) ? null : `${a} vs ${b}`;
  }
  return a === b ? null : `${show(a)} vs ${show(b)}`;
}

/** Every function of every sk namespace: [{name: 'quat.multiply', fn, base: 'quat.multiply'}]. */
export function discover(sk) {
  const out = [];
  for (const [ns, obj] of Object.entries(sk)) {
    if (!obj || typeof obj !== 'object') continue;
    for (const [k, fn] of Object.entries(obj)) {
      if (typeof fn !== 'function') continue;
      out.push({ name: `${ns}.${k}`, fn, base: `${ns}.${k.replace(/Async$/, '')}` });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * Runs `calls` public calls (each on every backend) plus raw-kernel calls. Returns
 * {calls, rawCalls, findings: [{fn, backend, kind, problem, repro}], byFunction}.
 */
export async function fuzz({ sk, backend, calls = 5000, seed = 1, timeoutMs = 10000, slowMs = 1000, trace, rawShare = 0.3, log = () => {},
  workerEntry, terminateEvery = 250 }) {
  const names = sk.backends().filter((b) => b.available).map((b) => b.backend);
  const targets = discover(sk).filter((t) => !/^(setBackend|backends|getBackend)$/.test(t.name));
  const findings = [], byFunction = {};
  const seen = new Set();
  const report = (f) => { const key = `${f.fn}|${f.backend}|${f.problem.replace(/\d+/g, '#').slice(0, 120)}`; if (seen.has(key)) return; seen.add(key); findings.push(f); log(`FINDING ${f.fn} [${f.backend}] ${f.kind}: ${f.problem}\n  repro: ${f.repro}`); };
  const master = rng(seed);
  const ctx = {};
  if (sk.scene?.generate) { sk.setBackend(names[0]); try { ctx.group = sk.scene.generate({ groups: 1, seed: 3 })[0]; } catch (e) { log(`fuzz: scene.generate on ${names[0]} failed: ${e.message}`); } }
  let publicCalls = 0, rawCalls = 0, racing = 0, terminations = 0;
  const before = sk.getBackend();
  let scrib;
  /** Runs `call` while the scribbler rewrites the racing argument of `mut`, if it has one. */
  const raced = async (mut, call) => {
    if (!mut.race) return call();
    racing++;
    (scrib ??= scribbler()).start(mut.race);
    try { return await call(); } finally { scrib.stop(); }
  };
  const asyncTargets = targets.filter((t) => t.name.endsWith('Async') && MODELS[t.base]);

  // Raw kernels: wrap every backend module function to record what the TS layer passes.
  const recorded = new Map();  // `${backend}:${domain}.${fn}` → count
  const modules = {};
  for (const b of names) {
    const m = backend.module(b);
    modules[b] = m;
  }

  for (let c = 0; c < calls; c++) {
    const caseSeed = (seed * 1000003 + c) >>> 0;
    if (workerEntry && asyncTargets.length && c % terminateEvery === terminateEvery - 1) {
      const t = asyncTargets[caseSeed % asyncTargets.length], b = names[c % names.length], delay = caseSeed % 5;
      if (trace) trace(`${c} ${b} ${t.name} terminated after ${delay} ms in flight`);
      try {
        await terminateMidCall(workerEntry, b, t.name, caseSeed, delay);
        terminations++;
      } catch (e) {
        report({ fn: t.name, backend: b, kind: 'worker termination', problem: `the worker failed: ${e?.message ?? e}`, repro: `FUZZ_SEED=${seed} case ${c}: terminateMidCall(…, '${b}', '${t.name}', ${caseSeed}, ${delay})` });
      }
    }
    const target = targets[master.int(targets.length)];
    const model = MODELS[target.base];
    const isAsync = target.name.endsWith('Async');
    const mutated = master() < 0.8;
    const build = () => {
      const r = rng(caseSeed);
      const m = model ? model(r, ctx) : { args: genericArgs(r), shape: anything };
      let mut = { kind: 'valid', benign: true };
      if (mutated || !model) mut = mutate(r, m.args, m.out);
      return { ...m, mut };
    };
    const repro = `FUZZ_SEED=${seed} case ${c}: sk.${target.name}(...) — rebuild with core.mjs replay(${caseSeed}, '${target.name}', ${mutated || !model})`;
    const results = {};
    for (const b of names) {
      sk.setBackend(b);
      const built = build();
      if (trace) trace(`${c} ${b} ${target.name} ${built.mut.kind} ${built.args.map(show).join(', ')}`);
      const res = await raced(built.mut, () => settle(target.fn, built.args, timeoutMs));
      publicCalls++;
      results[b] = { ...res, race: !!built.mut.race };
      (byFunction[target.name] ??= { calls: 0, threw: 0 }).calls++;
      const f = { fn: target.name, backend: b, kind: built.mut.kind, repro };
      if (res.ms > (SLOW_BUDGET[target.base] ?? slowMs)) report({ ...f, problem: `slow: ${res.ok ? 'returned' : `threw ${res.error?.message}`} after ${res.ms.toFixed(0)} ms` });
      if (!res.ok) {
        byFunction[target.name].threw++;
        const p = errorProblem(res.error);
        if (p) report({ ...f, problem: p });
        else if (model && built.mut.kind === 'valid') report({ ...f, problem: `a valid call threw: ${res.error.message}` });
        else if (model && built.mut.benign && built.mut.kind !== 'extra argument') {
          // The plain call must throw the same way (a value-preserving change cannot cure or cause an error).
          const plain = model(rng(caseSeed), ctx);
          const pr = await settle(target.fn, plain.args, timeoutMs);
          if (pr.ok || pr.error.message !== res.error.message) report({ ...f, problem: `threw "${res.error.message}" but the unmutated call ${pr.ok ? 'returned' : `threw "${pr.error.message}"`}` });
        }
        continue;
      }
      if (model && built.mut.benign) {
        const s = built.shape(res.value);
        if (s) { report({ ...f, problem: `wrong-shaped result: ${s}` }); continue; }
        // Same values as the plain call (fresh arguments, no mutation), sync twin for async.
        const r = rng(caseSeed);
        const plain = model(r, ctx);
        const syncFn = isAsync ? targets.find((t) => t.name === target.base)?.fn : target.fn;
        if (syncFn) {
          const pr = await settle(syncFn, plain.args, timeoutMs);
          if (!pr.ok) report({ ...f, problem: `returned, but the plain sync call threw: ${pr.error.message}` });
          else { const d = same(res.value, pr.value, 0); if (d) report({ ...f, problem: `result differs from the plain sync call: ${d}` }); }
        }
      }
    }
    // Backends must agree on the outcome (racing arguments aside: their values are garbage).
    const [b0, ...rest] = names;
    for (const b of rest) {
      const x = results[b0], y = results[b];
      if (x.race || y.race) continue;
      if (x.ok !== y.ok) report({ fn: target.name, backend: `${b0}/${b}`, kind: 'agreement', problem: `${b0} ${x.ok ? 'returned' : `threw ${x.error.message}`}; ${b} ${y.ok ? 'returned' : `threw ${y.error.message}`}`, repro });
      else if (!x.ok && (x.error.constructor !== y.error.constructor || x.error.message !== y.error.message)) {
        report({ fn: target.name, backend: `${b0}/${b}`, kind: 'agreement', problem: `different errors: "${x.error.name}: ${x.error.message}" vs "${y.error.name}: ${y.error.message}"`, repro });
      } else if (x.ok) {
        // Bit for bit (NaN sign aside): every modelled function is, on valid and mutated inputs alike.
        const d = same(x.value, y.value, 0);
        if (d) report({ fn: target.name, backend: `${b0}/${b}`, kind: 'agreement', problem: `values differ: ${d}`, repro });
      }
    }

    // Raw boundary: the kernels the TS layer called for this case, with one argument mutated.
    if (model && master() < rawShare) {
      for (const b of names) {
        sk.setBackend(b);
        const m = modules[b];
        const calls = [];
        const restore = [];
        for (const [domain, obj] of Object.entries(m)) {
          if (!obj || typeof obj !== 'object') continue;
          for (const [k, fn] of Object.entries(obj)) {
            if (typeof fn !== 'function') continue;
            obj[k] = function (...a) { calls.push({ domain, k, fn, obj, args: a }); return fn.apply(this, a); };
            restore.push(() => { obj[k] = fn; });
          }
        }
        const plain = model(rng(caseSeed), ctx);
        try { await settle(target.fn, plain.args, timeoutMs); } finally { restore.forEach((f) => f()); }
        for (const call of calls) {
          const r = rng(caseSeed ^ 0x5bd1e995);
          const args = call.args.slice();
          const mut = mutate(r, args, undefined);
          const raw = `${call.domain}.${call.k}`;
          recorded.set(`${b}:${raw}`, (recorded.get(`${b}:${raw}`) ?? 0) + 1);
          const res = await raced(mut, () => settle(call.fn.bind(call.obj), args, timeoutMs));
          rawCalls++;
          if (res.ms > slowMs) report({ fn: `raw ${raw}`, backend: b, kind: mut.kind, problem: `slow: ${res.ms.toFixed(0)} ms`, repro: `${repro}; raw kernel ${raw} with mutation "${mut.kind}" (seed ${caseSeed ^ 0x5bd1e995})` });
          if (!res.ok) {
            const p = errorProblem(res.error);
            if (p) report({ fn: `raw ${raw}`, backend: b, kind: mut.kind, problem: p, repro: `${repro}; raw kernel ${raw} with mutation "${mut.kind}" (seed ${caseSeed ^ 0x5bd1e995})` });
          }
        }
      }
    }
  }
  await scrib?.close();
  sk.setBackend(before);
  return { calls: publicCalls, cases: calls, rawCalls, racing, terminations, backends: names, findings, byFunction, rawKernels: [...recorded.keys()].sort(), unmodelled: targets.filter((t) => !MODELS[t.base]).map((t) => t.name) };
}

/** Rebuilds one case (for a reproducer printed by fuzz()). */
export function replay(caseSeed, name, mutated, ctx = {}) {
  const base = name.replace(/Async$/, '');
  const r = rng(caseSeed);
  const m = MODELS[base] ? MODELS[base](r, ctx) : { args: genericArgs(r) };
  const mut = mutated || !MODELS[base] ? mutate(r, m.args, m.out) : { kind: 'valid' };
  return { args: m.args, mutation: mut.kind };
}
