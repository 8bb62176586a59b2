// `spatialkit rotate` under faults (issue 8): SIGKILL at random moments and re-run resumes to a
// byte-identical dataset with no partial files; an unwritable or full output directory gives a
// clear error; nothing is written outside --out; thread counts and shard splits give the same
// bytes. Runs the built CLI (dist/) in child processes, as users do.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../../src/backend/index.js';
import { rng } from '../helpers.js';

const cli = path.join(packageRoot, 'dist', 'cli', 'main.js');
const built = fs.existsSync(cli) && fs.existsSync(path.join(packageRoot, 'dist', 'scene.js'));
const SEED = Number(process.env.TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ARGS = ['rotate', '--groups', '400', '--chunk', '10', '--seed', '7', '--quiet'];

function run(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: opts.cwd, env: { ...process.env, ...opts.env } });
}
/** path → sha256 of every file under dir. */
function digest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}
const tmp = (tag: string) => fs.mkdtempSync(path.join(os.tmpdir(), `sk-${tag}-`));

describe.skipIf(!built)(`spatialkit rotate under faults (TEST_SEED=${SEED})${built ? '' : ' [skipped: run npm run build:ts first]'}`, () => {
  let reference: Record<string, string>;

  it('a clean run writes nothing outside --out; SPATIALKIT_THREADS=1 and 2 give the same bytes', () => {
    const cwd = tmp('cwd');
    const r = run([...ARGS, '--out', 'data'], { cwd, env: { SPATIALKIT_THREADS: '1' } });
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readdirSync(cwd)).toEqual(['data']);
    reference = digest(path.join(cwd, 'data'));
    expect(Object.keys(reference)).toContain('scenes.jsonl');
    const cwd2 = tmp('cwd');
    expect(run([...ARGS, '--out', 'data'], { cwd: cwd2, env: { SPATIALKIT_THREADS: '2' } }).status).toBe(0);
    expect(digest(path.join(cwd2, 'data'))).toEqual(reference);
    fs.rmSync(cwd, { recursive: true }); fs.rmSync(cwd2, { recursive: true });
  }, 120_000);

  it('killed with SIGKILL at 3 random moments, re-runs resume to byte-identical files with no partial ones', async () => {
    const r = rng(SEED), out = tmp('kill');
    let kills = 0;
    for (let k = 0; k < 3; k++) {
      const child = spawn(process.execPath, [cli, ...ARGS, '--out', out], { stdio: 'ignore' });
      const exited = new Promise((res) => child.on('exit', res));
      // Kill at a random moment after the run has started writing (its first .partial file), so
      // that every round kills a working process rather than one still loading or already done.
      const t0 = Date.now();
      while (child.exitCode === null && !fs.existsSync(path.join(out, 'scenes.jsonl.partial')) && Date.now() - t0 < 20_000) await new Promise((res) => setTimeout(res, 5));
      await new Promise((res) => setTimeout(res, r() * 300));
      if (child.exitCode === null && child.kill('SIGKILL')) kills++;
      await exited;
    }
    expect(kills).toBeGreaterThanOrEqual(1);
    const fin = run([...ARGS, '--out', out]);
    expect(fin.status, fin.stderr).toBe(0);
    expect(digest(out)).toEqual(reference);  // same names (no partial, temporary or lock files) and bytes
    console.log(`rotate: ${kills} SIGKILLs, resumed to ${Object.keys(reference).length} byte-identical files`);
    fs.rmSync(out, { recursive: true });
  }, 180_000);

  it('two runs on one --out at once: the second stops with a clear message, the first finishes the reference bytes', async () => {
    const out = tmp('two');
    const first = spawn(process.execPath, [cli, ...ARGS, '--out', out], { stdio: 'ignore' });
    const firstDone = new Promise<number | null>((res) => first.on('exit', (code) => res(code)));
    const t0 = Date.now();
    while (!fs.existsSync(path.join(out, '.rotate.lock')) && first.exitCode === null && Date.now() - t0 < 20_000) await new Promise((res) => setTimeout(res, 5));
    const second = run([...ARGS, '--seed', '8', '--out', out]);
    const code = await firstDone;
    expect(second.status).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`spatialkit rotate: ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by another spatialkit rotate \\(pid ${first.pid} on `));
    expect(code).toBe(0);
    expect(digest(out)).toEqual(reference);
    fs.rmSync(out, { recursive: true });
  }, 120_000);

  it('the progress bar on a terminal ends at 100 %', () => {
    const out = tmp('tty');
    // script(1) gives the child a terminal, so the bar is drawn as a user sees it.
    const r = spawnSync('script', ['-qec', `"${process.execPath}" "${cli}" rotate --groups 300 --out "${out}/d"`, '/dev/null'], { encoding: 'utf8' });
    expect(r.status, r.stdout).toBe(0);
    const frames = r.stdout.split('\r').filter((f) => /\] +\d+% /.test(f));
    expect(frames.length).toBeGreaterThan(0);
    expect(frames[frames.length - 1]).toMatch(/\[#{30}\] 100% 300\/300 groups/);
    fs.rmSync(out, { recursive: true });
  }, 120_000);

  it('an output path that cannot be created or written gives a clear error and a non-zero exit', () => {
    const base = tmp('bad');
    const file = path.join(base, 'file');
    fs.writeFileSync(file, 'x');
    const r = run([...ARGS, '--out', path.join(file, 'sub')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/spatialkit/);
    expect(r.stderr).toContain(path.join(file, 'sub'));
    expect(r.stderr).not.toMatch(/\n\s+at /);  // a sentence, not a stack trace
    fs.rmSync(base, { recursive: true });
  });

  it('a size-limited output (RLIMIT_FSIZE 40 KiB, SIGXFSZ ignored) gives an error and a non-zero exit, then resumes', () => {
    const out = tmp('full');
    const r = spawnSync('bash', ['-c', `trap '' XFSZ; ulimit -f 40; exec "${process.execPath}" "${cli}" ${ARGS.join(' ')} --out "${out}"`], { encoding: 'utf8' });
    console.log(`rotate with a 40 KiB file-size limit: exit ${r.status}, stderr: ${r.stderr.trim().split('\n')[0]}`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/^spatialkit: .*(EFBIG|too large)/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    fs.rmSync(out, { recursive: true });
  }, 120_000);

  // Writes loop over short writes, so the checkpoint never claims bytes a .partial file lacks.
  it('after a failed write, the same run with room resumes to the reference bytes', () => {
    const out = tmp('full');
    spawnSync('bash', ['-c', `trap '' XFSZ; ulimit -f 40; exec "${process.execPath}" "${cli}" ${ARGS.join(' ')} --out "${out}"`]);
    const fin = run([...ARGS, '--out', out]);
    try {
      expect(fin.status, fin.stderr).toBe(0);
      expect(digest(out)).toEqual(reference);
    } finally { fs.rmSync(out, { recursive: true }); }
  }, 120_000);

  it('shards 0/3, 1/3, 2/3 concatenate to the unsharded files', () => {
    const out = tmp('shard');
    for (let i = 0; i < 3; i++) expect(run([...ARGS, '--out', out, '--shard', `${i}/3`]).status).toBe(0);
    const cat = (name: string) => Buffer.concat([0, 1, 2].map((i) => fs.readFileSync(path.join(out, name.replace('.jsonl', `-0000${i}-of-00003.jsonl`)))));
    for (const f of ['scenes.jsonl', 'qa.jsonl']) {
      expect(crypto.createHash('sha256').update(cat(f)).digest('hex'), f).toBe(reference[f]);
    }
    fs.rmSync(out, { recursive: true });
  }, 120_000);
});
