// `spatialkit rotate --shard auto`: the slice from an array job's environment (Kubernetes Indexed
// Jobs, Slurm, AWS Batch), clear errors when it is missing or inconsistent, and the whole path for
// real: an `sbatch --array` job on a one-node Slurm this test starts and stops, merged and compared
// byte for byte with the unsharded run (and the same check on processes given each engine's variables).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseShard } from '../src/cli/shard.js';
import { checkBuilt, snapshot } from './rotate-run.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const MAIN = path.join(ROOT, 'dist/cli/main.js');
const ENGINE_VARS = /^(JOB_COMPLETION_INDEX|SLURM_|AWS_BATCH_|SPATIALKIT_SHARD_COUNT)/;
/** This process's environment without any array-job variable (the test may itself run in one). */
const cleanEnv = (): Record<string, string> => Object.fromEntries(Object.entries(process.env).filter(([k, v]) => !ENGINE_VARS.test(k) && v !== undefined)) as Record<string, string>;
const ARGS = ['--groups', '23', '--seed', '5', '--quiet', '--jobs', '1'];
/** Files of a run that name the shard they came from (so they differ between a merged and an unsharded folder). */
const shardFile = /-\d{5}-of-\d{5}\./;

let tmp: string, full: Record<string, string>;
function cli(args: string[], env: Record<string, string>): { code: number | null; err: string } {
  const r = spawnSync(process.execPath, [MAIN, 'rotate', ...args], { encoding: 'utf8', env: { ...cleanEnv(), ...env } });
  return { code: r.status, err: r.stderr };
}
/** The merged folder's files, without the shard files it was made from. */
const merged = (dir: string): Record<string, string> => Object.fromEntries(Object.entries(snapshot(dir)).filter(([f]) => !shardFile.test(f) && !f.startsWith('.')));

beforeAll(() => {
  checkBuilt(['rotate', 'shard', 'main', 'rotate-chunk', 'parquet']);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sk-array-'));
  const dir = path.join(tmp, 'full');
  const r = cli([...ARGS, '--out', dir], {});
  if (r.code !== 0) throw new Error(r.err);
  full = snapshot(dir);
});
afterAll(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

describe('--shard auto: the slice from the environment', () => {
  const ok: [string, string, Record<string, string>, [number, number]][] = [
    ['Kubernetes, count from auto/N', 'auto/4', { JOB_COMPLETION_INDEX: '3' }, [3, 4]],
    ['Kubernetes, count from SPATIALKIT_SHARD_COUNT', 'auto', { JOB_COMPLETION_INDEX: '0', SPATIALKIT_SHARD_COUNT: '2' }, [0, 2]],
    ['Slurm --array=0-3', 'auto', { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '3', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_STEP: '1' }, [2, 4]],
    ['Slurm --array=1-4 (MIN ≠ 0)', 'auto', { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '4', SLURM_ARRAY_TASK_COUNT: '4' }, [0, 4]],
    ['Slurm --array=10-16:3 (a step)', 'auto/3', { SLURM_ARRAY_TASK_ID: '16', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_MAX: '16', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_STEP: '3' }, [2, 3]],
    ['AWS Batch, count from auto/N', 'auto/5', { AWS_BATCH_JOB_ARRAY_INDEX: '4' }, [4, 5]],
    ['two engines that agree', 'auto/2', { JOB_COMPLETION_INDEX: '1', AWS_BATCH_JOB_ARRAY_INDEX: '1' }, [1, 2]],
    ['i/n by hand ignores the environment', '1/3', { JOB_COMPLETION_INDEX: '0' }, [1, 3]],
  ];
  it.each(ok)('%s', (_, spec, env, want) => { expect(parseShard(spec, env)).toEqual(want); });

  const bad: [string, string, Record<string, string>, RegExp][] = [
    ['no engine variable', 'auto', {}, /no array-job index in the environment \(JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or AWS_BATCH_JOB_ARRAY_INDEX\)/],
    ['Kubernetes without a count', 'auto', { JOB_COMPLETION_INDEX: '1' }, /Kubernetes gives the index \(1\) but not the count: give --shard auto\/N or set SPATIALKIT_SHARD_COUNT/],
    ['AWS Batch without a count', 'auto', { AWS_BATCH_JOB_ARRAY_INDEX: '0' }, /AWS Batch gives the index \(0\) but not the count/],
    ['engines disagree on the index', 'auto/4', { JOB_COMPLETION_INDEX: '1', AWS_BATCH_JOB_ARRAY_INDEX: '2' }, /the engines disagree on the index \(Kubernetes 1, AWS Batch 2\)/],
    ['auto/N against SLURM_ARRAY_TASK_COUNT', 'auto/3', { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_COUNT: '4' }, /the shard counts disagree \(--shard auto\/3 = 3, SLURM_ARRAY_TASK_COUNT = 4\)/],
    ['auto/N against SPATIALKIT_SHARD_COUNT', 'auto/3', { JOB_COMPLETION_INDEX: '0', SPATIALKIT_SHARD_COUNT: '2' }, /the shard counts disagree \(--shard auto\/3 = 3, SPATIALKIT_SHARD_COUNT = 2\)/],
    ['index beyond the count', 'auto/2', { JOB_COMPLETION_INDEX: '2' }, /index 2 \(Kubernetes\) is not below the count 2 \(--shard auto\/2\)/],
    ['a count of 0', 'auto/0', { JOB_COMPLETION_INDEX: '0' }, /is not below the count 0/],
    ['not a number', 'auto/2', { JOB_COMPLETION_INDEX: 'one' }, /JOB_COMPLETION_INDEX must be a non-negative integer but is 'one'/],
    ['Slurm without MIN or COUNT', 'auto', { SLURM_ARRAY_TASK_ID: '3' }, /SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_MIN or SLURM_ARRAY_TASK_COUNT is not/],
    ['Slurm list --array=0,3,7', 'auto', { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '7', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_STEP: '1' }, /is not an evenly stepped range/],
    ['a malformed spec', 'auto/x', {}, /--shard expects i\/n with 0 ≤ i < n, auto or auto\/N but received 'auto\/x'/],
  ];
  it.each(bad)('a clear error: %s', (_, spec, env, msg) => { expect(() => parseShard(spec, env)).toThrow(msg); });

  it('the CLI: exit 2 with one line naming the variables, nothing written', () => {
    const dir = path.join(tmp, 'none');
    const r = cli([...ARGS, '--out', dir, '--shard', 'auto'], {});
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^spatialkit rotate: --shard auto: no array-job index in the environment/);
    expect(fs.existsSync(dir)).toBe(false);
  });
});

describe('array jobs end to end: shards from the environment, --merge, the unsharded bytes', () => {
  const engines: [string, (i: number, n: number) => Record<string, string>, string][] = [
    ['Kubernetes Indexed Job', (i) => ({ JOB_COMPLETION_INDEX: String(i) }), 'auto/3'],
    ['Slurm (--array=1-3)', (i, n) => ({ SLURM_ARRAY_TASK_ID: String(i + 1), SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: String(n), SLURM_ARRAY_TASK_COUNT: String(n), SLURM_ARRAY_TASK_STEP: '1' }), 'auto'],
    ['AWS Batch', (i, n) => ({ AWS_BATCH_JOB_ARRAY_INDEX: String(i), SPATIALKIT_SHARD_COUNT: String(n) }), 'auto'],
  ];
  it.each(engines)('%s: 3 processes given its variables, merged, equal the unsharded folder', (name, env, spec) => {
    const dir = path.join(tmp, `env-${name.split(' ')[0]}`);
    for (let i = 0; i < 3; i++) {
      const r = cli([...ARGS, '--out', dir, '--shard', spec], env(i, 3));
      expect(r.code, r.err).toBe(0);
    }
    expect(cli(['--merge', '3', '--out', dir, '--quiet'], {}).code).toBe(0);
    expect(merged(dir)).toEqual(full);
  });

  it('a real one-node Slurm: sbatch --array=1-3 (task ids from 1), merged, equals the unsharded folder', (ctx) => {
    const cluster = path.join(tmp, 'slurm'), dir = path.join(tmp, 'slurm-out');
    // A port per process: concurrent test runs (other worktrees) start their own clusters.
    const port = String(20000 + 2 * (process.pid % 5000));
    const start = spawnSync('bash', [path.join(ROOT, 'scripts/slurm-one-node.sh'), 'start', cluster, port], { encoding: 'utf8' });
    if (start.status === 3) {
      console.log(`skipped: no Slurm here — ${start.stderr.trim()} (the same check ran above on processes given Slurm's variables)`);
      ctx.skip();
    }
    try {
      expect(start.status, start.stderr).toBe(0);
      const env = { ...cleanEnv(), SLURM_CONF: path.join(cluster, 'slurm.conf') };
      const wrap = [process.execPath, MAIN, 'rotate', ...ARGS, '--out', dir, '--shard', 'auto'].map((a) => `'${a}'`).join(' ');
      const sb = spawnSync('sbatch', ['--parsable', '--array=1-3', `--output=${cluster}/task-%a.log`, '--wrap', wrap], { encoding: 'utf8', env });
      expect(sb.status, sb.stderr).toBe(0);
      const id = sb.stdout.trim().split(';')[0];
      const t0 = Date.now();
      while (spawnSync('squeue', ['-h', '-j', id], { encoding: 'utf8', env }).stdout.trim() !== '') {
        if (Date.now() - t0 > 120_000) throw new Error(`Slurm job ${id} still queued after 120 s`);
        spawnSync('sleep', ['0.3']);
      }
      const logs = [1, 2, 3].map((a) => fs.readFileSync(path.join(cluster, `task-${a}.log`), 'utf8')).join('');
      for (let i = 0; i < 3; i++) expect(fs.existsSync(path.join(dir, `manifest-0000${i}-of-00003.json`)), logs).toBe(true);
      expect(cli(['--merge', '3', '--out', dir, '--quiet'], {}).code).toBe(0);
      expect(merged(dir)).toEqual(full);
      console.log(`Slurm job ${id}: 3 array tasks in ${((Date.now() - t0) / 1000).toFixed(1)} s, merged = unsharded`);
    } finally {
      spawnSync('bash', [path.join(ROOT, 'scripts/slurm-one-node.sh'), 'stop', cluster]);
    }
  }, 180_000);
});
