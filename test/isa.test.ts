// The native CPU driver compiles each loop for three ISA levels (native/cpu/dispatch.h); the level
// is fixed at load by SPATIALKIT_ISA, so each runs in a child process. Seeded outputs must be
// bit-identical at every level (the build uses -ffp-contract=off); the other ops must agree to
// float32 rounding — GCC 12's SLP vectorizer still forms fused multiply-subadd for alternating
// sign patterns (quaternion products) at AVX2/AVX-512, whatever -ffp-contract says.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import * as sk from 'spatialkit';

const native = sk.backends().find((b) => b.backend === 'native')!;

// Runs every quat op on seeded inputs with the given ISA cap and returns a hash of each output.
const script = `
const k = require('node-gyp-build')(process.cwd());
const n = 10007, r = (() => { let s = 42; return () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1; })();
const f = (m) => Float32Array.from({ length: m }, r);
const a = f(4 * n), b = f(4 * n), v = f(3 * n), t = f(n), m = new Float32Array(9 * n);
const out = {};
const run = (name, ...args) => { const o = args[args.length - 1]; k.quat[name](...args); out[name] = Buffer.from(o.buffer).toString('base64'); };
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
const floats = (b64: string): Float32Array => { const b = Buffer.from(b64, 'base64'); return new Float32Array(b.buffer, b.byteOffset, b.length / 4); };

describe.skipIf(!native.available)('native ISA levels', () => {
  it('baseline, AVX2 and AVX-512 builds agree: random bit for bit, the rest to float32 rounding', () => {
    const best = runWith();
    for (const isa of ['baseline', 'avx2']) {
      const got = runWith(isa);
      const differ = [];
      for (const op of Object.keys(best).filter((k) => k !== 'isa')) {
        if (got[op] === best[op]) continue;
        differ.push(op);
        const x = floats(got[op]), y = floats(best[op]);
        let worst = 0;
        for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / (1 + Math.abs(y[i])));
        expect(worst, `${op} at ${isa}`).toBeLessThan(2e-6);
      }
      console.log(`${best.isa} vs ${got.isa}: not bit-identical: ${differ.join(', ') || 'none'}`);
      expect(got.random).toBe(best.random);
    }
  });
});
