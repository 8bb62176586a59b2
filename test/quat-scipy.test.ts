// sk.quat's scipy-parity ops against scipy's own Rotation (the real tool), on every backend:
// toEuler (all six orders, intrinsic = scipy upper case and extrinsic = lower case), toRotvec and
// fromRotvec on a few thousand random quaternions and rotation vectors, plus inputs in exact
// gimbal lock, where both must set the angle of the order's last letter to 0.
//
// scipy comes from a Python venv this test creates (`python3 -m venv`, `pip install scipy`; pip
// resolves it from the local mirror where there is one). Where that fails the tests skip and say why.
//
// Tolerances (scipy works in float64 on our float32 inputs, we in float32):
// - Euler angles: |Δ| · cos(middle) ≤ 2e-6 rad (mod 2π), compared where cos(middle) ≥ 0.01 — the
//   first and third angles are ill-conditioned as 1/cos(middle) near the lock, so the bound scales
//   with it; the exact-lock inputs are compared with |Δ| ≤ 2e-6 rad.
// - Rotation vectors and quaternions: |Δ| ≤ 1e-6 per component (a few float32 ulps of π).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sk from 'spatialkit';
import { eachBackend, rng, SEED, uniform } from './helpers.js';

const N = 4000;

const SCRIPT = String.raw`
import sys, warnings
import numpy as np
from scipy.spatial.transform import Rotation as R
warnings.simplefilter('ignore')  # scipy warns on every gimbal-locked input
d = sys.argv[1]
q = np.fromfile(d + '/q.f32', dtype=np.float32).astype(np.float64).reshape(-1, 4)
v = np.fromfile(d + '/v.f32', dtype=np.float32).astype(np.float64).reshape(-1, 3)
r = R.from_quat(q)
for o in ['xyz', 'xzy', 'yxz', 'yzx', 'zxy', 'zyx']:
    r.as_euler(o.upper()).tofile(d + '/euler_' + o + '_intrinsic.f64')
    r.as_euler(o).tofile(d + '/euler_' + o + '_extrinsic.f64')
r.as_rotvec().tofile(d + '/rotvec.f64')
R.from_rotvec(v).as_quat().tofile(d + '/from_rotvec.f64')
import scipy; print(scipy.__version__)
`;

/** A Python with scipy, or why not. The venv is kept in the OS temp folder between runs. */
function findScipy(): { python: string | null; why: string } {
  const dir = path.join(os.tmpdir(), 'spatialkit-scipy-venv');
  const python = path.join(dir, 'bin', 'python');
  const ok = () => spawnSync(python, ['-c', 'import scipy.spatial.transform'], { encoding: 'utf8' }).status === 0;
  if (fs.existsSync(python) && ok()) return { python, why: '' };
  const venv = spawnSync('python3', ['-m', 'venv', dir], { encoding: 'utf8' });
  if (venv.status !== 0) return { python: null, why: `python3 -m venv failed: ${(venv.stderr || String(venv.error)).trim().split('\n').pop()}` };
  const pip = spawnSync(python, ['-m', 'pip', 'install', '--quiet', 'scipy'], { encoding: 'utf8', timeout: 240_000 });
  if (pip.status !== 0 || !ok()) return { python: null, why: `pip install scipy failed: ${(pip.stderr || String(pip.error)).trim().split('\n').pop()}` };
  return { python, why: '' };
}

const ORDERS = sk.quat.EULER_ORDERS;
const axisOf = (c: string): number => 'xyz'.indexOf(c);
const angDiff = (a: number, b: number): number => Math.abs(Math.atan2(Math.sin(a - b), Math.cos(a - b)));

/**
 * Quaternions in exact gimbal lock for `order` under either reading, exactly so in float32 too
 * (scipy's float64 threshold is 1e-7): with (i, j, k) the extrinsic axis sequence and s = ±1 its
 * parity, q_j = ∓w and s·q_k = ±q_i make one pair of the method's half-angle terms exactly zero.
 */
function lockedQuats(order: string, extrinsic: boolean, r: () => number, count: number): Float32Array {
  const ax = [...order].map(axisOf);
  const [i, j, k] = extrinsic ? ax : ax.reverse();
  const sign = (i - j) * (j - k) * (k - i) > 0 ? 1 : -1;
  const q = new Float32Array(4 * count);
  for (let n = 0; n < count; n++) {
    const up = n % 2 === 0 ? 1 : -1, w = Math.fround(0.2 + r()), a = Math.fround(r() * 2 - 1);
    q[4 * n + 3] = w;
    q[4 * n + j] = -up * w;
    q[4 * n + i] = a;
    q[4 * n + k] = up * sign * a;
  }
  return q;
}

let scipy: { python: string | null; why: string; version?: string } = { python: null, why: 'not set up' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sk-quat-scipy-'));
const r = rng(SEED + 1414);
// Random rotations at random scales (scale must be ignored), a few special ones, then the locked sets.
const special = [[0, 0, 0, 1], [0, 0, 0, -2], [1, 0, 0, 0], [0, 0.6, 0.8, 0], [1e-4, 0, 0, 1], [0.3, -0.2, 0.1, -0.9]];
const random = sk.quat.random(N, (SEED + 14) >>> 0).map((x, n) => x * (0.25 + 4 * ((n >> 2) % 7) / 7));
const locked = ORDERS.flatMap((o) => [false, true].map((ex) => ({ o, ex, q: lockedQuats(o, ex, r, 50) })));
const q = Float32Array.from([...special.flat(), ...random, ...locked.flatMap((l) => Array.from(l.q))]);
const v = Float32Array.from([0, 0, 0, 1e-8, 0, 0, Math.PI, 0, 0, ...uniform(r, 3 * N, -3.6, 3.6)]);
const nq = q.length / 4, nv = v.length / 3;
const lockedStart = special.length + N;

beforeAll(() => {
  const found = findScipy();
  if (!found.python) { scipy = found; return; }
  fs.writeFileSync(path.join(dir, 'q.f32'), q);
  fs.writeFileSync(path.join(dir, 'v.f32'), v);
  fs.writeFileSync(path.join(dir, 'ref.py'), SCRIPT);
  const run = spawnSync(found.python, [path.join(dir, 'ref.py'), dir], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the scipy reference script failed: ${run.stderr}`);
  scipy = { ...found, version: run.stdout.trim() };
}, 300_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const read = (name: string): Float64Array => new Float64Array(new Uint8Array(fs.readFileSync(path.join(dir, name))).buffer);

eachBackend('quat against scipy Rotation', (backend) => {
  beforeAll(() => { sk.setBackend(backend); });

  it(`toEuler matches as_euler: six orders × intrinsic (upper case) and extrinsic (lower case), ${N} random rotations and exact gimbal lock`, (ctx) => {
    if (!scipy.python) ctx.skip(scipy.why);
    expect(sk.getBackend()).toBe(backend);
    for (const o of ORDERS) for (const extrinsic of [false, true]) {
      const ours = sk.quat.toEuler(q, o, { extrinsic });
      const theirs = read(`euler_${o}_${extrinsic ? 'extrinsic' : 'intrinsic'}.f64`); // in the order's letter sequence
      const axes = [...o].map(axisOf);
      let worst = 0, where = '', compared = 0, lockedSeen = 0, lastZero = 0;
      for (let n = 0; n < nq; n++) {
        const isLocked = n >= lockedStart && locked[Math.floor((n - lockedStart) / 50)].o === o
          && locked[Math.floor((n - lockedStart) / 50)].ex === extrinsic;
        const cosMid = Math.cos(theirs[3 * n + 1]);
        if (!isLocked && cosMid < 0.01) continue;
        for (let m = 0; m < 3; m++) {
          const d = angDiff(ours[3 * n + axes[m]], theirs[3 * n + m]) * (isLocked ? 1 : cosMid);
          if (!(d <= worst)) { worst = d; where = `item ${n} letter ${m}: ours ${ours[3 * n + axes[m]]}, scipy ${theirs[3 * n + m]}`; }
        }
        if (isLocked) { lockedSeen++; lastZero += ours[3 * n + axes[2]] === 0 && theirs[3 * n + 2] === 0 ? 1 : 0; }
        compared++;
      }
      expect(worst, `${o} extrinsic=${extrinsic}, worst at ${where}`).toBeLessThanOrEqual(2e-6);
      expect(compared).toBeGreaterThan(0.95 * N);
      expect(lockedSeen).toBe(50);
      expect(lastZero, 'gimbal lock: the last letter\'s angle is 0 in both').toBe(50);
    }
  });

  it(`toRotvec matches as_rotvec and fromRotvec matches from_rotvec (${N} items each)`, (ctx) => {
    if (!scipy.python) ctx.skip(scipy.why);
    const rv = read('rotvec.f64'), fq = read('from_rotvec.f64');
    const ours = sk.quat.toRotvec(q), back = sk.quat.fromRotvec(v);
    const worstOf = (a: Float32Array, b: Float64Array, item: number): string => {
      let w = 0, at = 0;
      for (let n = 0; n < a.length; n++) if (!(Math.abs(a[n] - b[n]) <= w)) { w = Math.abs(a[n] - b[n]); at = n; }
      return w <= 1e-6 ? 'ok' : `item ${Math.floor(at / item)}: ours ${a[at]}, scipy ${b[at]}`;
    };
    expect(ours.length).toBe(rv.length);
    expect(back.length).toBe(fq.length);
    expect(worstOf(ours, rv, 3), 'toRotvec vs as_rotvec, |Δ| ≤ 1e-6').toBe('ok');
    expect(worstOf(back, fq, 4), 'fromRotvec vs from_rotvec, |Δ| ≤ 1e-6').toBe('ok');
  });
});

describe('scipy reference', () => {
  it('ran (or says why not)', (ctx) => {
    if (!scipy.python) ctx.skip(scipy.why);
    expect(scipy.version).toMatch(/^\d+\.\d+/);
  });
});
