// The native CPU driver compiles each loop for three ISA levels (native/cpu/dispatch.h); the level
// is fixed at load by SPATIALKIT_ISA, so each runs in a child process. The build uses
// -ffp-contract=off and the bodies avoid the add/sub lane patterns GCC 12 fuses anyway, so every
// level must round identically: bit-identical outputs for every op.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import * as sk from 'spatialkit';
import { expectedIsa } from './helpers.js';

const native = sk.backends().find((b) => b.backend === 'native')!;

// Runs every quat op on seeded inputs with the given ISA cap and returns a hash of each output.
const script = `
const k = require('node-gyp-build')(process.cwd());
const n = 10007, r = (() => { let s = 42; return () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1; })();
const f = (m) => Float32Array.from({ length: m }, r);
const a = f(4 * n), b = f(4 * n), v = f(3 * n), t = f(n), m = new Float32Array(9 * n);
const out = {};
const run = (name, ...args) => { const o = args[args.length - 1]; k.quat[name](...args); out[name] = require('crypto').createHash('sha1').update(Buffer.from(o.buffer)).digest('hex'); };
run('multiply', a, b, new Float32Array(4 * n)); run('normalize', a, new Float32Array(4 * n));
run('invert', a, new Float32Array(4 * n)); run('rotate', a, v, new Float32Array(3 * n));
run('toMatrix', a, m); run('fromMatrix', m, new Float32Array(4 * n));
run('fromAxisAngle', v, t, new Float32Array(4 * n)); run('fromEuler', v, 'zyx', new Float32Array(4 * n));
run('slerp', a, b, t, new Float32Array(4 * n)); run('angle', a, b, new Float32Array(n));
run('random', 7, new Float32Array(4 * n));
out.isa = k.info().isa;
console.log(JSON.stringify(out));
`;
const runWith = (isa?: string): Record<string, string> =>
  JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, SPATIALKIT_ISA: isa ?? '' }, encoding: 'utf8', maxBuffer: 1 << 28 }));

describe.skipIf(!native.available)('native ISA levels', () => {
  it('baseline, AVX2 and AVX-512 builds of every quat loop give bit-identical results', () => {
    const best = runWith();
    expect(best.isa).toBe(expectedIsa(''));
    for (const isa of ['baseline', 'avx2'] as const) {
      const got = runWith(isa);
      expect(got.isa, `the child started with SPATIALKIT_ISA=${isa} ran on`).toBe(expectedIsa(isa));
      const differ = [];
      for (const op of Object.keys(best).filter((k) => k !== 'isa')) {
        if (got[op] !== best[op]) differ.push(op);
      }
      console.log(`${best.isa} vs ${got.isa}: ops that differ: ${differ.join(', ') || 'none'}`);
      expect(differ).toEqual([]);
    }
  });
});
