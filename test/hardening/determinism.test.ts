// Determinism (issue 8): seeded outputs are byte-identical across backends, thread counts and
// splits. (rotate's shard and thread checks: cli-faults.test.ts.)
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as sk from 'spatialkit';
import { packageRoot } from '../../src/backend/index.js';

const avail = sk.backends().filter((b) => b.available).map((b) => b.backend);
const hash = (a: ArrayBufferView) => crypto.createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
const dist = path.join(packageRoot, 'dist', 'index.js');

describe('determinism', () => {
  it(`quat.random is byte-identical on ${avail.join(', ')}, and item i does not depend on n (any split)`, () => {
    const h = avail.map((b) => { sk.setBackend(b); return hash(sk.quat.random(300_001, 12345)); });
    expect(new Set(h).size).toBe(1);
    sk.setBackend(avail[0]);
    const whole = sk.quat.random(300_001, 12345), head = sk.quat.random(1000, 12345);
    expect(hash(head)).toBe(hash(whole.subarray(0, 4000)));
  });

  it('scene.generate: groups first..first+k equal the same slice of a longer run (shard splits)', () => {
    sk.setBackend('native');
    const all = sk.scene.generate({ groups: 12, seed: 99 });
    const parts = [sk.scene.generate({ groups: 5, seed: 99 }), sk.scene.generate({ first: 5, groups: 7, seed: 99 })].flat();
    expect(JSON.stringify(parts)).toBe(JSON.stringify(all));
  });

  it.skipIf(!fs.existsSync(dist))('SPATIALKIT_THREADS=1, 2 and 4 give the same bytes (quat.random, quat.rotate, rope.quatrope, scene.generate)', () => {
    const code = `
      const sk = await import(${JSON.stringify(dist)});
      sk.setBackend('native');
      const c = await import('node:crypto');
      const h = (a) => c.createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
      const q = sk.quat.random(2_000_001, 5), v = new Float32Array(6_000_003).map((_, i) => Math.sin(i));
      const x = new Float32Array(4096 * 8 * 12).map((_, i) => Math.cos(i)), p = new Float32Array(4096 * 3).map((_, i) => i % 17 - 8);
      console.log(JSON.stringify([h(q), h(sk.quat.rotate(q, v)), h(sk.rope.quatrope(x, p, { heads: 8, headDim: 12 })),
        c.createHash('sha256').update(JSON.stringify(sk.scene.generate({ groups: 20, seed: 3 }))).digest('hex')]));`;
    const out = ['1', '2', '4'].map((t) => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, SPATIALKIT_THREADS: t } });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trim();
    });
    expect(out[1]).toBe(out[0]);
    expect(out[2]).toBe(out[0]);
  }, 60_000);
});
