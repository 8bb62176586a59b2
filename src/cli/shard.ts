// `rotate --shard`: a slice i/n given by hand, or `auto` — read from the environment an array job
// runs in (Kubernetes Indexed Jobs, Slurm job arrays, AWS Batch array jobs).
import { UsageError } from './outdir.js';

/** The count for engines that do not export one (Kubernetes, AWS Batch), when `--shard auto` has no `/N`. */
export const SHARD_COUNT_ENV = 'SPATIALKIT_SHARD_COUNT';

type Env = Readonly<Record<string, string | undefined>>;

/** A non-negative integer from the environment, or undefined when `name` is unset or empty. */
function envInt(env: Env, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v.trim())) throw new UsageError(`--shard auto: ${name} must be a non-negative integer but is '${v}'`);
  return Number(v.trim());
}

/** One engine's view: its index, and its count where it exports one. */
interface Seen { engine: string; index: number; count?: number }

/** Slurm numbers array tasks by SLURM_ARRAY_TASK_ID from MIN in steps of STEP: the slice is (ID − MIN) / STEP. */
function slurm(env: Env): Seen | undefined {
  const id = envInt(env, 'SLURM_ARRAY_TASK_ID');
  if (id === undefined) return undefined;
  const min = envInt(env, 'SLURM_ARRAY_TASK_MIN'), count = envInt(env, 'SLURM_ARRAY_TASK_COUNT');
  if (min === undefined || count === undefined) {
    throw new UsageError('--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_MIN or SLURM_ARRAY_TASK_COUNT is not (are they from an older Slurm or set by hand?)');
  }
  const step = envInt(env, 'SLURM_ARRAY_TASK_STEP') ?? 1, max = envInt(env, 'SLURM_ARRAY_TASK_MAX');
  // A list (--array=0,3,7) or a range with a % limit still has MIN, MAX and COUNT: only an evenly
  // stepped range maps task ids onto slices 0..COUNT−1.
  if (step < 1 || (max !== undefined && max !== min + (count - 1) * step) || id < min || (id - min) % step !== 0) {
    throw new UsageError(`--shard auto: the Slurm array (SLURM_ARRAY_TASK_ID ${id}, MIN ${min}, MAX ${max ?? '?'}, STEP ${step}, COUNT ${count}) is not ` +
      'an evenly stepped range such as --array=0-7 or --array=1-8: give --shard i/n instead');
  }
  return { engine: 'Slurm', index: (id - min) / step, count };
}

/**
 * The slice [i, n] of `--shard SPEC`: `i/n`, `auto` or `auto/N`. `auto` takes the index from
 * JOB_COMPLETION_INDEX (Kubernetes), SLURM_ARRAY_TASK_ID (Slurm, counted from
 * SLURM_ARRAY_TASK_MIN) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch), and the count from N, from
 * SPATIALKIT_SHARD_COUNT or from SLURM_ARRAY_TASK_COUNT; every source that is set must agree.
 * @throws UsageError naming the variables when none is set, they disagree, or the index is out of range.
 */
export function parseShard(spec: string, env: Env = process.env): [number, number] {
  const m = /^(\d+)\/(\d+)$/.exec(spec);
  if (m) {
    if (Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new UsageError(`--shard expects i/n with 0 ≤ i < n but received '${spec}'`);
    return [Number(m[1]), Number(m[2])];
  }
  const a = /^auto(?:\/(\d+))?$/.exec(spec);
  if (!a) throw new UsageError(`--shard expects i/n with 0 ≤ i < n, auto or auto/N but received '${spec}'`);
  const seen: Seen[] = [];
  const k8s = envInt(env, 'JOB_COMPLETION_INDEX');
  if (k8s !== undefined) seen.push({ engine: 'Kubernetes', index: k8s });
  const s = slurm(env);
  if (s) seen.push(s);
  const aws = envInt(env, 'AWS_BATCH_JOB_ARRAY_INDEX');
  if (aws !== undefined) seen.push({ engine: 'AWS Batch', index: aws });
  if (seen.length === 0) {
    throw new UsageError('--shard auto: no array-job index in the environment (JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or AWS_BATCH_JOB_ARRAY_INDEX); ' +
      'run it as an array job or give --shard i/n');
  }
  const indices = [...new Set(seen.map((x) => x.index))];
  if (indices.length > 1) {
    throw new UsageError(`--shard auto: the engines disagree on the index (${seen.map((x) => `${x.engine} ${x.index}`).join(', ')}); unset the stale variables`);
  }
  const counts: [string, number][] = [];
  if (a[1] !== undefined) counts.push([`--shard auto/${a[1]}`, Number(a[1])]);
  const envCount = envInt(env, SHARD_COUNT_ENV);
  if (envCount !== undefined) counts.push([SHARD_COUNT_ENV, envCount]);
  if (s) counts.push(['SLURM_ARRAY_TASK_COUNT', s.count!]);
  if (counts.length === 0) {
    throw new UsageError(`--shard auto: ${seen[0].engine} gives the index (${indices[0]}) but not the count: give --shard auto/N or set ${SHARD_COUNT_ENV}`);
  }
  if (new Set(counts.map((c) => c[1])).size > 1) {
    throw new UsageError(`--shard auto: the shard counts disagree (${counts.map(([k, v]) => `${k} = ${v}`).join(', ')})`);
  }
  const n = counts[0][1], i = indices[0];
  if (n < 1 || i >= n) throw new UsageError(`--shard auto: index ${i} (${seen[0].engine}) is not below the count ${n} (${counts[0][0]})`);
  return [i, n];
}

/** Shard i of n covers groups [⌊i·G/n⌋, ⌊(i+1)·G/n⌋): contiguous, so the slices concatenate in order. */
export function shardRange([i, n]: readonly [number, number], groups: number): [number, number] {
  return [Math.floor((i * groups) / n), Math.floor(((i + 1) * groups) / n)];
}
