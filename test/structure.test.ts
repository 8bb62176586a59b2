// The house's structure (issue #13): no import cycles and no back-arrows from the backends into
// the domain modules; outputs allocated through one function (issue #17) with and without a
// backend's allocOutput; the small-call fast path (issue #17) agreeing with the checked path; the
// environment variables never silently ignored; the limits defined once per language, held equal.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as sk from 'spatialkit';
import { allocate, FAST_ALLOC_MIN_BYTES } from '../src/call.js';
import { module as backendModule, nativeEnvProblems, packageRoot } from '../src/backend/index.js';
import { LIMITS, type BackendModule } from '../src/backend/kernels.js';
import { eachBackend, rng, SEED, uniform } from './helpers.js';
import { hash32 } from '../src/scene/random.js';
// @ts-expect-error plain JS module without types
import { backArrows, cycles, importGraph } from '../scripts/import-graph.mjs';

type Graph = Map<string, string[]>;

describe('import graph of src/', () => {
  it('has no cycles', () => {
    const g = importGraph() as Graph;
    expect(g.size).toBeGreaterThan(40);
    expect(g.get('src/quat.ts')).toContain('src/call.ts');  // the scanner sees this file's imports
    expect(cycles(g)).toEqual([]);
  });
  it('has no back-arrows: src/backend/ imports only src/backend/ and the check vocabulary', () => {
    expect(backArrows(importGraph() as Graph)).toEqual([]);
  });
  it('the checks can fail: a cycle through `import type`, a re-export and a dynamic import is found', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sk-graph-'));
    try {
      fs.mkdirSync(path.join(dir, 'backend'));
      fs.writeFileSync(path.join(dir, 'a.ts'), "import type { B } from './b.js';\nexport const a = 1;\n");
      fs.writeFileSync(path.join(dir, 'b.ts'), "export { c } from './c.js';\nexport type B = number;\n");
      fs.writeFileSync(path.join(dir, 'c.ts'), "export const c = async () => (await import('./a.js')).a;\n");
      fs.writeFileSync(path.join(dir, 'd.ts'), "// import { a } from './a.js';\nexport const d = 0;\n");
      const g = importGraph(dir) as Graph;
      const names = (scc: string[]) => scc.map((f) => path.basename(f));
      expect((cycles(g) as string[][]).map(names)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
      expect(cycles(new Map([['x', ['x']]]))).toEqual([['x']]);
      expect(backArrows(new Map([['src/backend/wasm/rope.ts', ['src/rope.ts', 'src/validate.ts']]]))).toEqual(['src/backend/wasm/rope.ts → src/rope.ts']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('limits: one definition per language (src/backend/kernels.ts, native/napi/limits.h), held equal', () => {
  const addons = (['native', 'cuda'] as const).map((name) => [name, backendModule(name)] as const).filter(([, m]) => m !== undefined);
  it.skipIf(addons.length === 0)(`each addon's \`limits\` equals LIMITS (${addons.map(([n]) => n).join(', ') || 'no addon loads'})`, () => {
    for (const [name, m] of addons) expect(m!.limits, name).toEqual({ ...LIMITS, eulerOrders: [...LIMITS.eulerOrders] });
  });
  it('the domain modules and the wasm backend use them: the public limits and the error sentences say the same numbers', () => {
    expect(sk.quat.EULER_ORDERS).toBe(LIMITS.eulerOrders);
    expect(sk.collide.MAX_PAIRS).toBeLessThanOrEqual(LIMITS.maxPairs);
    expect(() => sk.collide.pairs(new Float32Array(0), { maxPairs: LIMITS.maxPairs + 1 })).toThrow(`Expected an integer in [0, ${LIMITS.maxPairs}] for \`maxPairs\``);
    expect(() => sk.rope.quatrope(new Float32Array(3), new Float32Array(3), { heads: LIMITS.maxDim + 1, headDim: 3 })).toThrow(`Expected an integer in [1, ${LIMITS.maxDim}] for \`heads\``);
  });
});

describe('allocate(): outputs through the backend\'s allocOutput when it has one', () => {
  const plain = {} as BackendModule;
  const withAlloc = (calls: number[]) => ({ allocOutput: (bytes: number) => { calls.push(bytes); return new ArrayBuffer(bytes); } }) as unknown as BackendModule;

  it('without allocOutput: a plain zero-filled array of the type and length asked, at any size', () => {
    for (const n of [0, 1, FAST_ALLOC_MIN_BYTES / 4 + 1]) {
      const a = allocate(plain, Float32Array, n);
      expect(a).toBeInstanceOf(Float32Array);
      expect(a.length).toBe(n);
      expect(a.buffer.byteLength).toBe(4 * n);
    }
    expect(allocate(plain, Uint16Array, 3)).toEqual(new Uint16Array(3));
  });
  it('with allocOutput: used at FAST_ALLOC_MIN_BYTES and above, not below; the view covers exactly the output', () => {
    const calls: number[] = [];
    const b = withAlloc(calls);
    const small = allocate(b, Float64Array, FAST_ALLOC_MIN_BYTES / 8 - 1);
    expect(calls).toEqual([]);
    expect(small.length).toBe(FAST_ALLOC_MIN_BYTES / 8 - 1);
    const big = allocate(b, Float64Array, FAST_ALLOC_MIN_BYTES / 8);
    expect(calls).toEqual([FAST_ALLOC_MIN_BYTES]);
    expect(big).toBeInstanceOf(Float64Array);
    expect([big.length, big.byteOffset]).toEqual([FAST_ALLOC_MIN_BYTES / 8, 0]);
    const u16 = allocate(b, Uint16Array, FAST_ALLOC_MIN_BYTES / 2 + 1);
    expect(calls[1]).toBe(FAST_ALLOC_MIN_BYTES + 2);
    expect(u16.length).toBe(FAST_ALLOC_MIN_BYTES / 2 + 1);
  });
});

eachBackend('allocating calls use the active backend\'s allocOutput', (backend) => {
  it('a large call without `out` takes its output from allocOutput; a small one does not; results are the same', () => {
    sk.setBackend(backend);
    const m = backendModule(backend)! as BackendModule & { allocOutput?: (n: number) => ArrayBuffer };
    const had = Object.getOwnPropertyDescriptor(m, 'allocOutput');
    const calls: number[] = [];
    const real = m.allocOutput;
    m.allocOutput = (bytes: number) => { calls.push(bytes); return real ? real(bytes) : new ArrayBuffer(bytes); };
    try {
      const n = FAST_ALLOC_MIN_BYTES / 16;  // [n, 4] float32 = FAST_ALLOC_MIN_BYTES
      const r = rng(SEED);
      const a = uniform(r, 4 * n), b = uniform(r, 4 * n);
      const got = sk.quat.multiply(a, b);
      expect(calls).toEqual([FAST_ALLOC_MIN_BYTES]);
      expect(got).toEqual(sk.quat.multiply(a, b, new Float32Array(4 * n)));
      sk.quat.multiply(a.subarray(0, 8), b.subarray(0, 8));
      sk.rope.rope1d(uniform(r, 8), uniform(r, 1), { heads: 1, headDim: 8 });
      expect(calls.length).toBe(1);
    } finally {
      if (had) Object.defineProperty(m, 'allocOutput', had);
      else delete m.allocOutput;
    }
  });
});

eachBackend('small-call fast path', (backend) => {
  const r = rng(SEED);
  const ops: [string, (q: Float32Array, p: Float32Array, out?: Float32Array) => Float32Array, number, number][] = [
    ['multiply', (q, p, o) => sk.quat.multiply(q, p, o), 4, 4],
    ['rotate', (q, p, o) => sk.quat.rotate(q, p, o), 3, 3],
    ['angle', (q, p, o) => sk.quat.angle(q, p, o), 4, 1],
    ['normalize', (q, _p, o) => sk.quat.normalize(q, o), 4, 4],
    ['invert', (q, _p, o) => sk.quat.invert(q, o), 4, 4],
    ['conjugate', (q, _p, o) => sk.quat.conjugate(q, o), 4, 4],
    ['toMatrix', (q, _p, o) => sk.quat.toMatrix(q, o), 4, 9],
  ];
  it.each(ops)('%s: n = 1…8 gives the bits of the same items inside a large batch, with and without `out`', (_name, f, pItem, outItem) => {
    sk.setBackend(backend);
    const N = 300, q = uniform(r, 4 * N), p = uniform(r, pItem * N);
    const whole = f(q, p);
    for (const n of [1, 2, 8]) {
      for (const at of [0, 137]) {
        const qs = q.slice(4 * at, 4 * (at + n)), ps = p.slice(pItem * at, pItem * (at + n));
        const want = whole.slice(outItem * at, outItem * (at + n));
        expect(f(qs, ps)).toEqual(want);
        const out = new Float32Array(outItem * n).fill(NaN);
        expect(f(qs, ps, out)).toBe(out);
        expect(out).toEqual(want);
      }
    }
  });
  it('in place (out = an input) and a shifted overlap give what separate memory gives', () => {
    sk.setBackend(backend);
    const a = uniform(r, 8), b = uniform(r, 8);
    const want = sk.quat.multiply(a, b, new Float32Array(8));
    const inPlace = a.slice();
    expect(sk.quat.multiply(inPlace, b, inPlace)).toEqual(want);
    const buf = new Float32Array(12);
    buf.set(a, 0);
    sk.quat.multiply(buf.subarray(0, 8), b, buf.subarray(4, 12));
    expect(buf.subarray(4, 12)).toEqual(want);
  });
  it('a zero quaternion at n = 1 is the RangeError naming the argument and index (after the others are written)', () => {
    sk.setBackend(backend);
    expect(() => sk.quat.normalize(new Float32Array(4))).toThrow(new RangeError('`q[0]` has zero, non-finite or out-of-range length (|q|² outside [2^-126, 2^126])'));
    expect(() => sk.quat.rotate(Float32Array.of(1, 0, 0, 0, 0, 0, 0, 0), new Float32Array(6))).toThrow(/^`q\[1\]` has zero/);
    expect(() => sk.quat.angle(Float32Array.of(0, 0, 0, 1), new Float32Array(4))).toThrow(/^`b\[0\]` has zero/);
    const out = new Float32Array(8).fill(7);
    expect(() => sk.quat.normalize(Float32Array.of(0, 0, 0, 2, 0, 0, 0, 0), out)).toThrow(/^`q\[1\]` has zero/);
    expect(Array.from(out.subarray(0, 4))).toEqual([0, 0, 0, 1]);
  });
});

describe('environment variables: an unknown value is never silently ignored', () => {
  const run = (env: Record<string, string>, code: string) =>
    spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: packageRoot, env: { ...process.env, ...env }, encoding: 'utf8' });

  it('nativeEnvProblems names the variable, the value and the accepted values; accepts the good ones', () => {
    expect(nativeEnvProblems({ SPATIALKIT_ISA: 'avx9000' })).toEqual([
      "SPATIALKIT_ISA=\"avx9000\" is not one of 'baseline', 'scalar', 'avx2', 'avx512'; ignored: the best ISA this CPU supports is used"]);
    expect(nativeEnvProblems({ SPATIALKIT_THREADS: 'four' })).toEqual([
      'SPATIALKIT_THREADS="four" is not an integer in [1, 1024]; a value the addon cannot read gives one thread per core']);
    expect(nativeEnvProblems({ SPATIALKIT_THREADS: '0' })).toHaveLength(1);
    expect(nativeEnvProblems({ SPATIALKIT_THREADS: '2000' })).toHaveLength(1);
    for (const ok of [{}, { SPATIALKIT_ISA: 'avx2' }, { SPATIALKIT_ISA: 'scalar', SPATIALKIT_THREADS: '1' }, { SPATIALKIT_THREADS: '1024' }, { SPATIALKIT_ISA: '' }]) {
      expect(nativeEnvProblems(ok)).toEqual([]);
    }
  });
  it.skipIf(!sk.backends().find((b) => b.backend === 'native')?.available)('loading the native addon with SPATIALKIT_ISA=avx9000 or SPATIALKIT_THREADS=x warns with that sentence', () => {
    const code = "const sk = await import('spatialkit'); sk.setBackend('native'); sk.quat.normalize(Float32Array.of(0, 0, 0, 2)); console.log('ran');";
    const isa = run({ SPATIALKIT_ISA: 'avx9000' }, code);
    expect(isa.stdout).toContain('ran');
    expect(isa.stderr).toContain('[SPATIALKIT_ENV] Warning: SPATIALKIT_ISA="avx9000" is not one of \'baseline\', \'scalar\', \'avx2\', \'avx512\'');
    const threads = run({ SPATIALKIT_THREADS: 'x' }, code);
    expect(threads.stderr).toContain('[SPATIALKIT_ENV] Warning: SPATIALKIT_THREADS="x" is not an integer in [1, 1024]');
    expect(run({ SPATIALKIT_ISA: 'avx2' }, code).stderr).not.toContain('SPATIALKIT_ENV');
  });
  it('SPATIALKIT_BACKEND=gpu is an error naming the accepted values', () => {
    const r = run({ SPATIALKIT_BACKEND: 'gpu' }, "await import('spatialkit');");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("RangeError: Expected one of 'auto', 'native', 'cuda', 'wasm' for `SPATIALKIT_BACKEND` but received \"gpu\"");
  });
});

// One strict options(): a mistyped key is a RangeError naming it, in every domain (before the
// change rope and camera ignored it silently).
describe('a mistyped option key is a RangeError naming it, in every domain', () => {
  const x = new Float32Array(12), p3 = new Float32Array(3), p1 = new Float32Array(1);
  const K = Float32Array.of(100, 0, 32, 0, 100, 32, 0, 0, 1), R = Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), t = new Float32Array(3);
  const box = Float32Array.of(0, 0, 0, 1, 1, 1, 0, 0, 0, 1);
  const cases: [string, () => unknown, string][] = [
    ['rope.quatrope', () => sk.rope.quatrope(x, p3, { heads: 1, headDim: 12, thetta: 0.3 } as never), 'thetta'],
    ['rope.igre', () => sk.rope.igre(x, p3, undefined, { heads: 1, headDim: 12, mask: new Uint8Array(1) } as never), 'mask'],
    ['rope.rope1d', () => sk.rope.rope1d(x, p1, { heads: 1, headDim: 12, bse: 1e4 } as never), 'bse'],
    ['rope.mrope', () => sk.rope.mrope(x, p3, { heads: 1, headDim: 12, sections: [2, 2, 2], section: [2, 2, 2] } as never), 'section'],
    ['rope.mixed3d', () => sk.rope.mixed3d(x, p3, { heads: 1, headDim: 12, layot: 'half' } as never), 'layot'],
    ['rope.mixedFrequencies', () => sk.rope.mixedFrequencies(12, { sed: 1 } as never), 'sed'],
    ['camera.rayMap', () => sk.camera.rayMap({ K, R, t }, { height: 4, width: 4, pixelCentre: 0 } as never), 'pixelCentre'],
    ['camera.rays', () => sk.camera.rays({ K, R, t }, Float32Array.of(1, 2), { shard: true } as never), 'shard'],
    ['camera.resize', () => sk.camera.resize(K, { sx: 2, sy: 2, pixelcenter: 0 } as never), 'pixelcenter'],
    ['camera.crop', () => sk.camera.crop(K, { x: 1, y: 1, z: 1 } as never), 'z'],
    ['collide.overlap', () => sk.collide.overlap(box, box, { margn: 0.1 } as never), 'margn'],
    ['metrics.evaluate', () => sk.metrics.evaluate([], [], { oss: 'byText' } as never), 'oss'],
  ];
  it.each(cases)('%s', (_name, call, key) => {
    expect(call).toThrow(RangeError);
    expect(call).toThrow(new RegExp(`^Unknown option \`${key}\`; expected \``));
  });
  it('the right keys still work (rope, camera)', () => {
    expect(sk.rope.rope1d(new Float32Array(12), p1, { heads: 1, headDim: 12, base: 1e4, layout: 'half' })).toHaveLength(12);
    expect(sk.camera.resize(K, { sx: 2, sy: 2, pixelCenter: 0.5 })).toHaveLength(9);
  });
});

// The one TypeScript lowbias32 (src/scene/random.ts hash32, used by scene streams and rope's
// default mixed frequencies) is the kernel's sk_hash32: sk.quat.random's item i has
// |q_z|² + |q_w|² = u1 = sk_uniform(seed, i, 0) (Shoemake), which this recomputes from hash32.
eachBackend('hash32 is the kernel\'s lowbias32', (backend) => {
  it('u1 of sk.quat.random agrees with hash32\'s stream to float32 rounding, 2000 items, 3 seeds', () => {
    sk.setBackend(backend);
    for (const seed of [0, 7, 0xdeadbeef]) {
      const q = sk.quat.random(2000, seed);
      let worstErr = 0;
      for (let i = 0; i < 2000; i++) {
        const h = hash32((hash32((hash32(seed) ^ i) >>> 0) + Math.imul(0, 0x9e3779b9)) >>> 0);
        const u1 = (h >>> 8) / 2 ** 24;
        worstErr = Math.max(worstErr, Math.abs(q[4 * i + 2] ** 2 + q[4 * i + 3] ** 2 - u1));
      }
      expect(worstErr).toBeLessThan(1e-5);  // a different hash gives errors of order 0.5
    }
  });
});
