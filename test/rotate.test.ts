// `spatialkit rotate` in-process: defaults, files and schema, shard equivalence and merge, resume
// after an interrupt or a torn write, every state a crash can leave (faults injected into fs
// calls), the output lock, option errors and suggestions, --svg and --rays against a float64 oracle.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as sk from 'spatialkit';
import { backendMatrix } from './helpers.js';
import { lines, read, rotate, snapshot } from './rotate-run.js';

const FILES = ['scenes.jsonl', 'images.jsonl', 'qa.jsonl', 'sdg.jsonl'];
let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sk-rotate-')); });
afterAll(() => { fs.rmSync(tmp, { recursive: true, force: true }); });
afterEach(() => { vi.restoreAllMocks(); });

/** A pid that belonged to a process which has exited (a stale owner). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('spatialkit rotate', () => {
  it('with no flags writes the paper preset to ./rotate-out and ends by saying what it wrote where', async () => {
    const cwd = process.cwd();
    const dir = fs.mkdtempSync(path.join(tmp, 'default-'));
    process.chdir(dir);
    try {
      const r = await rotate();
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/## Against the ROTATE paper/);
      expect(fs.readdirSync(path.join(dir, 'rotate-out')).sort()).toEqual([...FILES, 'manifest.json', 'summary.md'].sort());
      const m = JSON.parse(read(path.join(dir, 'rotate-out'), 'manifest.json').toString());
      expect(m.counts.groups).toBe(100);
      expect(m.config.preset).toBe('paper');
      expect(m.files['images.jsonl'].records).toBe(1600);
      // 10 QA groups (9, 19, …, 99) × 40 questions per image the visibility filter kept; the other 90 have captions.
      const images = lines(path.join(dir, 'rotate-out'), 'images.jsonl');
      const kept = images.filter((i) => i.kept).length, keptQA = images.filter((i) => i.kept && (i.group as number) % 10 === 9).length;
      expect(kept).toBe(m.counts.kept.images);
      expect(kept).toBeGreaterThan(0.8 * 1600);
      expect(m.files['qa.jsonl'].records).toBe(keptQA * 40);
      const last = r.out.trimEnd().split('\n').pop()!;
      const fmt = (n: number): string => n.toLocaleString('en-US');
      expect(last).toBe(`Wrote scenes.jsonl (100 groups), images.jsonl (1,600 images, ${fmt(kept)} kept, ${fmt(Object.values(m.counts.captions as Record<string, number>).reduce((a, b) => a + b, 0))} captions), ` +
        `qa.jsonl (${fmt(keptQA * 40)} questions), sdg.jsonl (${fmt(m.files['sdg.jsonl'].records)} pairs), summary.md, manifest.json to rotate-out${path.sep}`);
    } finally {
      process.chdir(cwd);
    }
  });

  it('records (small preset): one scene per group with role and split, one image per camera and subgroup, QA in the shared schema', async () => {
    const dir = path.join(tmp, 'schema');
    // (--region repeats the default: values may start with a minus sign.)
    expect((await rotate('--groups', '6', '--seed', '3', '--out', dir, '--region', '-3,-3,3,3', '--preset', 'small', '--quiet')).code).toBe(0);
    const scenes = lines(dir, 'scenes.jsonl'), images = lines(dir, 'images.jsonl'), qa = lines(dir, 'qa.jsonl'), sdg = lines(dir, 'sdg.jsonl');
    expect(scenes).toHaveLength(6);
    for (const s of scenes) {
      expect(Object.keys(s)).toEqual(['group', 'id', 'role', 'split', 'objects', 'subgroups', 'cameras']);
      expect(s.role).toBe('both');
      expect(['train', 'val', 'test']).toContain(s.split);
      for (const o of s.objects as Record<string, unknown>[]) expect(Object.keys(o)).toEqual(['id', 'category', 'kind', 'name', 'position', 'yaw', 'size']);
      expect((s.cameras as unknown[]).length).toBe(8);
      expect(Object.keys((s.cameras as object[])[0])).toEqual(['camera', 'azimuth', 'position', 'target', 'K', 'R', 't']);
    }
    expect(images).toHaveLength(96);
    expect(images[9]).toMatchObject({ image: 'g000000-s1-c1', group: 0, subgroup: 1, camera: 1, split: scenes[0].split });
    for (const i of images) {
      expect(Object.keys(i)).toEqual(['image', 'group', 'subgroup', 'camera', 'split', 'yaw', 'kept', ...(i.kept ? [] : ['drop']), 'visibility', 'relations', 'captions']);
      expect((i.captions as unknown[]).length > 0).toBe(i.kept);
    }
    const kept = images.filter((i) => i.kept).length;
    for (const c of images.flatMap((i) => i.captions as Record<string, unknown>[])) {
      expect(Object.keys(c).filter((k) => k !== 'viewer')).toEqual(['viewpoint', 'objects', 'target', 'reference', 'cardinal', 'clock', 'text']);
    }
    expect(qa).toHaveLength(kept * 12);
    for (const q of qa) {
      expect(Object.keys(q).slice(0, 12)).toEqual(['id', 'group', 'subgroup', 'camera', 'image', 'task', 'viewpoint', 'relation', 'objects', 'question', 'answer', 'consistency']);
      expect(Object.keys(q).pop()).toBe('split');
      expect('pair' in q).toBe(q.task === 'prediction');
    }
    const keptIds = new Set(images.filter((i) => i.kept).map((i) => i.image));
    expect(sdg.length).toBe(sdg.filter((d) => (d.images as string[]).every((id) => keptIds.has(id))).length);
    expect(sdg.length).toBeGreaterThan(0.6 * 6 * 24);
    const m = JSON.parse(read(dir, 'manifest.json').toString());
    expect(m).toMatchObject({ tool: 'spatialkit rotate', seed: 3, config: { groups: 6, seed: 3, preset: 'small' } });
    expect(m.files['qa.jsonl']).toEqual({ records: qa.length, bytes: read(dir, 'qa.jsonl').length });
    expect(JSON.stringify(m)).not.toMatch(/time|date|elapsed/i);
  });

  it('paper preset: caption groups and QA groups are disjoint (1 in 10 asks questions), every record carries its group\'s split', async () => {
    const dir = path.join(tmp, 'paper');
    expect((await rotate('--groups', '40', '--seed', '5', '--out', dir, '--quiet')).code).toBe(0);
    const scenes = lines(dir, 'scenes.jsonl'), images = lines(dir, 'images.jsonl'), qa = lines(dir, 'qa.jsonl'), sdg = lines(dir, 'sdg.jsonl');
    const role = new Map(scenes.map((s) => [s.group, s.role])), split = new Map(scenes.map((s) => [s.group, s.split]));
    expect(scenes.filter((s) => s.role === 'qa').map((s) => s.group)).toEqual([9, 19, 29, 39]);
    for (const i of images) {
      expect((i.captions as unknown[]).length > 0).toBe(role.get(i.group) === 'captions' && i.kept === true);
      expect(i.split).toBe(split.get(i.group));
    }
    for (const q of [...qa, ...sdg]) expect(q.split).toBe(split.get(q.group));
    expect(new Set(qa.map((q) => q.group))).toEqual(new Set([9, 19, 29, 39]));
    // Sentence answers are an option beside the one-token answers.
    const dir2 = path.join(tmp, 'paper-sentences');
    expect((await rotate('--groups', '10', '--seed', '5', '--out', dir2, '--answers', 'sentence', '--quiet')).code).toBe(0);
    for (const q of lines(dir2, 'qa.jsonl')) {
      expect(typeof q.answer_text).toBe('string');
      if (q.task === 'judgement') expect((q.answer_text as string).startsWith(q.answer === 'yes' ? 'Yes, ' : 'No, ')).toBe(true);
    }
    expect(qa.every((q) => !('answer_text' in q))).toBe(true);
  });

  it('--judgement 12 --pairs 3 asks 36 different questions per image (it used to repeat some of them)', async () => {
    const dir = path.join(tmp, 'many');
    expect((await rotate('--groups', '20', '--preset', 'small', '--judgement', '12', '--pairs', '3', '--out', dir, '--quiet')).code).toBe(0);
    const byImage = new Map<unknown, string[]>();
    for (const q of lines(dir, 'qa.jsonl')) (byImage.get(q.image) ?? byImage.set(q.image, []).get(q.image)!).push(q.question as string);
    expect(byImage.size).toBe(lines(dir, 'images.jsonl').filter((i) => i.kept).length);
    for (const [img, qs] of byImage) {
      expect(qs, String(img)).toHaveLength(2 * (12 + 2 * 3));
      expect(new Set(qs).size, String(img)).toBe(qs.length);
    }
    expect(read(dir, 'summary.md').toString()).toMatch(/\| repeated questions within an image \| 0 \| 0 \|/);
  });

  it('shards concatenate to the unsharded output byte for byte; --merge rebuilds the same manifest', async () => {
    const full = path.join(tmp, 'full'), parts = path.join(tmp, 'parts');
    expect((await rotate('--groups', '23', '--seed', '7', '--out', full, '--quiet')).code).toBe(0);
    for (let i = 0; i < 3; i++) expect((await rotate('--groups', '23', '--seed', '7', '--out', parts, '--shard', `${i}/3`, '--quiet')).code).toBe(0);
    for (const f of FILES) {
      const joined = Buffer.concat([0, 1, 2].map((i) => read(parts, f.replace('.jsonl', `-0000${i}-of-00003.jsonl`))));
      expect(joined.equals(read(full, f)), f).toBe(true);
    }
    expect((await rotate('--merge', '3', '--out', parts, '--quiet')).code).toBe(0);
    for (const f of [...FILES, 'manifest.json', 'summary.md']) expect(read(parts, f).equals(read(full, f)), f).toBe(true);
  });

  it('--groups 0 is an empty run: empty files, a manifest of 0 groups, no "groups 0..-1"', async () => {
    const dir = path.join(tmp, 'empty');
    const r = await rotate('--groups', '0', '--out', dir);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/0\.\.-1/);
    expect(r.out).toMatch(/seed 0, no groups/);
    for (const f of FILES) expect(read(dir, f).length, f).toBe(0);
    expect(JSON.parse(read(dir, 'manifest.json').toString()).counts.groups).toBe(0);
  });

  it('an interrupted run leaves no finished file and resumes to the same bytes (also after a torn write)', async () => {
    const ref = path.join(tmp, 'ref'), dir = path.join(tmp, 'resume');
    expect((await rotate('--groups', '40', '--seed', '9', '--out', ref, '--quiet')).code).toBe(0);
    // Interrupt as soon as the first checkpoint exists.
    const state = path.join(dir, '.rotate-state.json');
    const timer = setInterval(() => { if (fs.existsSync(state)) process.emit('SIGINT'); }, 0);
    const first = await rotate('--groups', '40', '--seed', '9', '--out', dir, '--chunk', '5', '--quiet');
    clearInterval(timer);
    expect(first.code).toBe(130);
    expect(first.err).toMatch(/interrupted at group \d+; run the same command again to resume/);
    for (const f of FILES) expect(fs.existsSync(path.join(dir, f))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'manifest.json'))).toBe(false);
    // A torn write after the checkpoint (a crash mid-chunk) is cut off on resume.
    fs.appendFileSync(path.join(dir, 'qa.jsonl.partial'), '{"id":"half a rec');
    // Other options do not resume someone else's run.
    const clash = await rotate('--groups', '41', '--seed', '9', '--out', dir, '--quiet');
    expect(clash.code).toBe(2);
    expect(clash.err).toMatch(/holds an unfinished run made with different options; pass --overwrite/);
    const second = await rotate('--groups', '40', '--seed', '9', '--out', dir, '--chunk', '5');
    expect(second.code).toBe(0);
    expect(second.err).toMatch(/resuming at group \d+/);
    for (const f of [...FILES, 'manifest.json', 'summary.md']) expect(read(dir, f).equals(read(ref, f)), f).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.partial') || f.startsWith('.rotate'))).toEqual([]);
    // Finished: the same command does nothing; other options need --overwrite.
    expect((await rotate('--groups', '40', '--seed', '9', '--out', dir)).out).toMatch(/already complete \(40 groups\)/);
    expect((await rotate('--groups', '5', '--seed', '9', '--out', dir, '--quiet')).code).toBe(2);
    expect((await rotate('--groups', '5', '--seed', '9', '--out', dir, '--quiet', '--overwrite')).code).toBe(0);
    expect(JSON.parse(read(dir, 'manifest.json').toString()).counts.groups).toBe(5);
  });
});

// Every state a kill can leave, made by failing one fs call of a real run at the moment in
// question, then: the same command completes to the reference bytes, and so does --overwrite.
describe('spatialkit rotate: every state a crash can leave resumes or is overwritable', () => {
  const ARGS = ['--groups', '30', '--seed', '4', '--chunk', '7', '--quiet'];
  let ref: Record<string, string>;
  beforeAll(async () => {
    const dir = path.join(tmp, 'crash-ref');
    expect((await rotate(...ARGS, '--out', dir)).code).toBe(0);
    ref = snapshot(dir);
  });
  /** Runs once with `fault` installed (it throws at the chosen call), then checks recovery both ways. */
  async function crashThenRecover(tag: string, install: (dir: string) => void, expectErr: RegExp): Promise<void> {
    for (const recovery of [[], ['--overwrite']]) {
      const dir = path.join(tmp, `crash-${tag}-${recovery.length}`);
      install(dir);
      const crashed = await rotate(...ARGS, '--out', dir);
      vi.restoreAllMocks();
      expect(crashed.code, tag).not.toBe(0);
      expect(crashed.err, tag).toMatch(expectErr);
      expect(fs.existsSync(path.join(dir, 'manifest.json')), `${tag}: no manifest after the crash`).toBe(false);
      const again = await rotate(...ARGS, '--out', dir, ...recovery);
      expect(again.code, `${tag} ${recovery.join(' ')}: ${again.err}`).toBe(0);
      expect(snapshot(dir), `${tag} ${recovery.join(' ')}`).toEqual(ref);
    }
  }

  it('killed between the first output rename and the manifest', async () => {
    await crashThenRecover('rename', (dir) => {
      const real = fs.renameSync;
      let n = 0;
      vi.spyOn(fs, 'renameSync').mockImplementation((a, b) => {
        if (String(a).startsWith(dir) && String(a).endsWith('.jsonl.partial') && ++n === 2) throw new Error('simulated kill after the first rename');
        return real(a, b);
      });
    }, /simulated kill/);
  });

  it('ENOSPC while writing the manifest leaves no manifest.json.tmp-PID behind', async () => {
    await crashThenRecover('enospc', (dir) => {
      // The temporary file is created, then the disk is full: whichever call writes it fails.
      const full = (p: unknown): boolean => String(p).startsWith(path.join(dir, 'manifest.json.tmp-'));
      const enospc = (): never => { throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }); };
      const realOpen = fs.openSync, realWrite = fs.writeFileSync;
      vi.spyOn(fs, 'openSync').mockImplementation(((p: fs.PathLike, ...rest: unknown[]) => {
        if (full(p)) { fs.closeSync((realOpen as (...a: unknown[]) => number)(p, ...rest)); enospc(); }
        return (realOpen as (...a: unknown[]) => number)(p, ...rest);
      }) as typeof fs.openSync);
      vi.spyOn(fs, 'writeFileSync').mockImplementation(((p: fs.PathOrFileDescriptor, data: string, ...rest: unknown[]) => {
        if (full(p)) { (realWrite as (...a: unknown[]) => void)(p, data.slice(0, 10), ...rest); enospc(); }
        return (realWrite as (...a: unknown[]) => void)(p, data, ...rest);
      }) as typeof fs.writeFileSync);
    }, /cannot write .*manifest\.json: ENOSPC/);
    for (const tag of ['crash-enospc-0', 'crash-enospc-1']) expect(fs.readdirSync(path.join(tmp, tag)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('killed after the manifest, before the checkpoint was removed: "already complete", checkpoint cleared', async () => {
    const dir = path.join(tmp, 'crash-late');
    const real = fs.rmSync;
    vi.spyOn(fs, 'rmSync').mockImplementation((p, o) => {
      if (String(p) === path.join(dir, '.rotate-state.json') && fs.existsSync(path.join(dir, 'manifest.json'))) throw new Error('simulated kill before the checkpoint was removed');
      return real(p, o);
    });
    expect((await rotate(...ARGS, '--out', dir)).code).not.toBe(0);
    vi.restoreAllMocks();
    expect(fs.existsSync(path.join(dir, '.rotate-state.json'))).toBe(true);
    const again = await rotate(...ARGS.filter((a) => a !== '--quiet'), '--out', dir);
    expect(again.out).toMatch(/already complete/);
    expect(snapshot(dir)).toEqual(ref);
  });

  it('a temporary file of a killed writer is removed; an empty or corrupt checkpoint or manifest names the file', async () => {
    const dir = path.join(tmp, 'crash-files');
    expect((await rotate(...ARGS, '--out', dir)).code).toBe(0);
    fs.writeFileSync(path.join(dir, `manifest.json.tmp-${deadPid()}`), '{"half');
    expect((await rotate(...ARGS, '--out', dir)).code).toBe(0);
    expect(snapshot(dir)).toEqual(ref);
    for (const [name, content] of [['manifest.json', ''], ['manifest.json', '{"tool": "spatialkit rot'], ['.rotate-state.json', ''], ['.rotate-state.json', '[1, 2']]) {
      // A checkpoint is only read for an unfinished run: one without its manifest.
      if (name === '.rotate-state.json') fs.rmSync(path.join(dir, 'manifest.json'));
      fs.writeFileSync(path.join(dir, name), content);
      const r = await rotate(...ARGS, '--out', dir);
      expect(r.code, `${name} '${content}'`).toBe(2);
      expect(r.err).toContain(path.join(dir, name));
      expect(r.err).toMatch(content ? /is not valid JSON/ : /is empty/);
      expect(r.err).toMatch(/pass --overwrite to start again/);
      expect((await rotate(...ARGS, '--out', dir, '--overwrite')).code).toBe(0);
      expect(snapshot(dir), name).toEqual(ref);
    }
  });
});

describe('spatialkit rotate: one run per output folder', () => {
  it('a live owner\'s lock stops a second run with a clear message; a dead owner\'s lock is taken over', async () => {
    const dir = path.join(tmp, 'locked');
    fs.mkdirSync(dir);
    const sleeper = spawn('sleep', ['30']);
    try {
      fs.writeFileSync(path.join(dir, '.rotate.lock'), JSON.stringify({ pid: sleeper.pid, host: os.hostname(), start: null }) + '\n');
      const r = await rotate('--groups', '3', '--out', dir, '--quiet');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`is in use by another spatialkit rotate \\(pid ${sleeper.pid} on `));
      expect(fs.existsSync(path.join(dir, 'scenes.jsonl.partial'))).toBe(false);  // nothing touched
    } finally { sleeper.kill(); }
    fs.writeFileSync(path.join(dir, '.rotate.lock'), JSON.stringify({ pid: deadPid(), host: os.hostname(), start: null }) + '\n');
    expect((await rotate('--groups', '3', '--out', dir, '--quiet')).code).toBe(0);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.rotate'))).toEqual([]);
    // Shards of one run take separate locks, so they can run at once into one folder.
    fs.writeFileSync(path.join(dir, '.rotate-00000-of-00002.lock'), JSON.stringify({ pid: process.pid, host: os.hostname(), start: null }) + '\n');
    expect((await rotate('--groups', '3', '--out', dir, '--shard', '1/2', '--quiet')).code).toBe(0);
    fs.rmSync(path.join(dir, '.rotate-00000-of-00002.lock'));
  });
});

describe('spatialkit rotate: flags', () => {
  it('bad flags: exit 2 with a sentence naming the flag; unknown flags and values suggest the closest', async () => {
    const cases: [string[], RegExp][] = [
      [['--groups', '-1'], /--groups expects an integer ≥ 0 but received '-1'/],
      [['--shard', '3/3'], /--shard expects i\/n with 0 ≤ i < n but received '3\/3'/],
      [['--rays', '64'], /--rays expects WxH \(width first, as --image\), e\.g\. 64x64 but received '64'/],
      [['--front', 'up'], /--front expects 'far' or 'near' but received 'up'$/m],
      [['--front', 'nera'], /--front expects 'far' or 'near' but received 'nera'\. Did you mean near\?/],
      [['--preset', 'papr'], /--preset expects 'paper' or 'small' but received 'papr'\. Did you mean paper\?/],
      [['--region', '0,0,1'], /--region expects X0,Y0,X1,Y1 but received '0,0,1'/],
      [['--objects', '1'], /--objects expects object counts in \[2, 8\], e\.g\. 2,3, but received '1'/],
      [['--objects', '9'], /--objects expects object counts in \[2, 8\], e\.g\. 2,3, but received '9'/],
      [['--splits', '0.5,0.5,0.5'], /--splits expects 3 shares ≥ 0 that sum to 1/],
      [['--qa-groups', '2'], /--qa-groups expects a share in \[0, 1\] or 'both' but received '2'/],
      [['--boundary-margin', '20'], /--boundary-margin expects degrees in \[0, 15\]/],
      [['--catalog', '/nonexistent.json'], /--catalog: cannot read/],
      [['--bogus'], /Unknown option '--bogus'/],
      [['--grups', '3'], /Unknown option '--grups'\. Did you mean --groups\?/],
      [['--overwite'], /Unknown option '--overwite'\. Did you mean --overwrite\?/],
    ];
    for (const [args, msg] of cases) {
      const r = await rotate(...args, '--out', path.join(tmp, 'bad'));
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(msg);
    }
    expect(fs.existsSync(path.join(tmp, 'bad'))).toBe(false);  // flags are checked before anything is created
    const merge = await rotate('--merge', '2', '--out', path.join(tmp, 'nothing'));
    expect(merge.code).toBe(2);
    expect(merge.err).toMatch(/shard 0 has not finished/);
  });

  it('--out under /proc fails at once with a sentence (fs.mkdirSync recursive would spin forever)', async () => {
    const t0 = Date.now();
    const r = await rotate('--groups', '1', '--out', '/proc/nope/sub');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out \/proc\/nope\/sub: cannot create or write this folder/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('--svg draws each group', async () => {
    const dir = path.join(tmp, 'svg');
    expect((await rotate('--groups', '2', '--out', dir, '--svg', '--quiet')).code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'svg')).sort()).toEqual(['g000000.svg', 'g000001.svg']);
    expect(read(path.join(dir, 'svg'), 'g000000.svg').toString()).toMatch(/^<svg [^]*<polygon [^]*<\/svg>\n$/);
  });
});

// --rays: one map per camera, K scaled to the map, so pixel (u, v) of a W×H map holds the ray
// of image point ((u + ½)·imageW/W, (v + ½)·imageH/H). Checked against a float64 oracle written
// here (K⁻¹, Rᵀ, o = −Rᵀt, m = o × d) and, where the map's samples are image pixel centres,
// against the full-resolution sk.camera.rayMap.
describe('spatialkit rotate --rays', () => {
  /** The float32 [H, W, 6] array of a .npy file, after checking its header. */
  function readNpy(file: string, shape: number[]): Float32Array {
    const buf = fs.readFileSync(file);
    expect(buf.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    const hlen = buf.readUInt16LE(8);
    expect((10 + hlen) % 64).toBe(0);
    expect(buf.subarray(10, 10 + hlen).toString('latin1')).toMatch(new RegExp(`^\\{'descr': '<f4', 'fortran_order': False, 'shape': \\(${shape.join(', ')}\\), \\} *\\n$`));
    return new Float32Array(buf.buffer.slice(buf.byteOffset + 10 + hlen, buf.byteOffset + buf.length));
  }
  /** Float64 Plücker ray (m, d) of image point (x, y) for a camera {K, R, t} (row-major). */
  function oracle(cam: { K: ArrayLike<number>; R: ArrayLike<number>; t: ArrayLike<number> }, x: number, y: number): number[] {
    const { K, R, t } = cam;
    const dc = [(x - K[2]) / K[0], (y - K[5]) / K[4], 1];
    const d = [0, 1, 2].map((j) => R[j] * dc[0] + R[3 + j] * dc[1] + R[6 + j] * dc[2]);
    const n = Math.hypot(d[0], d[1], d[2]);
    const u = d.map((v) => v / n);
    const o = [0, 1, 2].map((j) => -(R[j] * t[0] + R[3 + j] * t[1] + R[6 + j] * t[2]));
    return [o[1] * u[2] - o[2] * u[1], o[2] * u[0] - o[0] * u[2], o[0] * u[1] - o[1] * u[0], ...u];
  }
  const backends = backendMatrix().filter((b) => b.available).map((b) => b.name);
  let initial: sk.BackendName;
  beforeAll(() => { initial = sk.getBackend(); });
  afterAll(() => { sk.setBackend(initial); });

  it.each(backends)('a 64x64 map of a 512x512 image holds the rays of the whole image, one file per camera named in images.jsonl [%s]', async (backend) => {
    sk.setBackend(backend);
    const dir = path.join(tmp, `rays-${backend}`);
    expect((await rotate('--groups', '2', '--out', dir, '--rays', '64x64', '--quiet')).code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'rays')).sort()).toEqual(Array.from({ length: 8 }, (_, k) => `c${k}.npy`));
    for (const img of lines(dir, 'images.jsonl')) expect(img.rays).toBe(`rays/c${img.camera}.npy`);
    const cams = sk.scene.ring({ fov: 40 });  // rotate's default ring
    // Float32 maps: m = o × d with |o| ≈ 11.7 carries a few ulps of 12 (≈ 1e-6 each), so 2e-5
    // absolute + 1e-5 relative; the bug this guards against was off by up to 0.6 (35°).
    let worst = 0;
    for (let k = 0; k < 8; k++) {
      const map = readNpy(path.join(dir, 'rays', `c${k}.npy`), [64, 64, 6]);
      for (let v = 0; v < 64; v++) {
        for (let u = 0; u < 64; u++) {
          const want = oracle(cams[k], (u + 0.5) * 8, (v + 0.5) * 8);
          for (let c = 0; c < 6; c++) worst = Math.max(worst, Math.abs(map[(v * 64 + u) * 6 + c] - want[c]) / (2e-5 + 1e-5 * Math.abs(want[c])));
        }
      }
      // The map's centre is the optical axis: the mean of its 4 central directions is R's row 2.
      const mid = [31, 32].flatMap((v) => [31, 32].map((u) => (v * 64 + u) * 6));
      const axis = [3, 4, 5].map((c) => mid.reduce((s, i) => s + map[i + c], 0) / 4);
      const cos = (axis[0] * cams[k].R[6] + axis[1] * cams[k].R[7] + axis[2] * cams[k].R[8]) / Math.hypot(...axis);
      expect(cos, `camera ${k}`).toBeGreaterThan(Math.cos((0.5 * Math.PI) / 180));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('maps whose samples are image pixel centres equal the full-resolution map there; width comes first, as in --image', async () => {
    // A 96x48 image and a 32x16 map: map pixel (u, v) samples image pixel (3u + 1, 3v + 1).
    const dir = path.join(tmp, 'rays-sub');
    expect((await rotate('--groups', '1', '--out', dir, '--image', '96x48', '--rays', '32x16', '--quiet')).code).toBe(0);
    const cams = sk.scene.ring({ image: [96, 48], fov: 40 });
    const flat = (key: 'K' | 'R' | 't'): Float32Array => Float32Array.from(cams.flatMap((c) => Array.from(c[key])));
    const full = sk.camera.rayMap({ K: flat('K'), R: flat('R'), t: flat('t') }, { height: 48, width: 96 });
    for (let k = 0; k < 8; k++) {
      const map = readNpy(path.join(dir, 'rays', `c${k}.npy`), [16, 32, 6]);
      let worst = 0;
      for (let v = 0; v < 16; v++) {
        for (let u = 0; u < 32; u++) {
          for (let c = 0; c < 6; c++) {
            const want = full[((k * 48 + 3 * v + 1) * 96 + 3 * u + 1) * 6 + c];
            worst = Math.max(worst, Math.abs(map[(v * 32 + u) * 6 + c] - want) / (1e-6 + 1e-5 * Math.abs(want)));
          }
        }
      }
      expect(worst, `camera ${k}`).toBeLessThanOrEqual(1);
    }
    // The height-first order --rays used to take gives a map of another aspect ratio: refused, with the fix.
    const old = await rotate('--groups', '1', '--out', path.join(tmp, 'rays-old'), '--image', '96x48', '--rays', '16x32', '--quiet');
    expect(old.code).toBe(2);
    expect(old.err).toMatch(/--rays 16x32 is width x height \(as --image, which is 96x48\) and must keep the image's aspect ratio, e\.g\. 16x8/);
  });
});
