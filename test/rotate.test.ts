// `spatialkit rotate` in-process: defaults, files and schema, shard equivalence and merge, resume
// after an interrupt or a torn write, option conflicts, --svg and --rays.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../src/cli/rotate.js';

const FILES = ['scenes.jsonl', 'images.jsonl', 'qa.jsonl', 'sdg.jsonl'];
let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sk-rotate-')); });
afterAll(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

/** Runs the command with console output captured. */
async function rotate(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => { out += a.join(' ') + '\n'; });
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => { err += a.join(' ') + '\n'; });
  try {
    return { code: await run(args), out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}
const read = (dir: string, f: string): Buffer => fs.readFileSync(path.join(dir, f));

describe('spatialkit rotate', () => {
  it('with no flags writes a small dataset to ./rotate-out', async () => {
    const cwd = process.cwd();
    const dir = fs.mkdtempSync(path.join(tmp, 'default-'));
    process.chdir(dir);
    try {
      const r = await rotate();
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/## Table 1/);
      expect(fs.readdirSync(path.join(dir, 'rotate-out')).sort()).toEqual([...FILES, 'manifest.json', 'summary.md'].sort());
      const m = JSON.parse(read(path.join(dir, 'rotate-out'), 'manifest.json').toString());
      expect(m.counts.groups).toBe(100);
      expect(m.files['images.jsonl'].records).toBe(1600);
    } finally {
      process.chdir(cwd);
    }
  });

  it('records: one scene per group with cameras, one image per camera and subgroup, QA in the shared schema', async () => {
    const dir = path.join(tmp, 'schema');
    // (--region repeats the default: values may start with a minus sign.)
    expect((await rotate('--groups', '6', '--seed', '3', '--out', dir, '--region', '-3,-3,3,3', '--quiet')).code).toBe(0);
    const lines = (f: string): Record<string, unknown>[] => read(dir, f).toString().trimEnd().split('\n').map((l) => JSON.parse(l));
    const scenes = lines('scenes.jsonl'), images = lines('images.jsonl'), qa = lines('qa.jsonl'), sdg = lines('sdg.jsonl');
    expect(scenes).toHaveLength(6);
    for (const s of scenes) {
      const objs = s.objects as Record<string, unknown>[];
      for (const o of objs) expect(Object.keys(o)).toEqual(['id', 'category', 'kind', 'name', 'position', 'yaw', 'size']);
      expect((s.cameras as unknown[]).length).toBe(8);
      expect(Object.keys((s.cameras as object[])[0])).toEqual(['camera', 'azimuth', 'position', 'target', 'K', 'R', 't']);
    }
    expect(images).toHaveLength(96);
    expect(images[9]).toMatchObject({ image: 'g000000-s1-c1', group: 0, subgroup: 1, camera: 1 });
    expect(qa).toHaveLength(96 * 12);
    for (const q of qa) {
      expect(Object.keys(q).slice(0, 12)).toEqual(['id', 'group', 'subgroup', 'camera', 'image', 'task', 'viewpoint', 'relation', 'objects', 'question', 'answer', 'consistency']);
      expect('pair' in q).toBe(q.task === 'prediction');
    }
    expect(sdg).toHaveLength(6 * 24);
    const m = JSON.parse(read(dir, 'manifest.json').toString());
    expect(m).toMatchObject({ tool: 'spatialkit rotate', seed: 3, config: { groups: 6, seed: 3 } });
    expect(m.files['qa.jsonl']).toEqual({ records: qa.length, bytes: read(dir, 'qa.jsonl').length });
    expect(JSON.stringify(m)).not.toMatch(/time|date|elapsed/i);
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
    expect(fs.readdirSync(dir).filter((f) => f.includes('.partial') || f.startsWith('.rotate-state'))).toEqual([]);
    // Finished: the same command does nothing; other options need --overwrite.
    expect((await rotate('--groups', '40', '--seed', '9', '--out', dir)).out).toMatch(/already complete \(40 groups\)/);
    expect((await rotate('--groups', '5', '--seed', '9', '--out', dir, '--quiet')).code).toBe(2);
    expect((await rotate('--groups', '5', '--seed', '9', '--out', dir, '--quiet', '--overwrite')).code).toBe(0);
    expect(JSON.parse(read(dir, 'manifest.json').toString()).counts.groups).toBe(5);
  });

  it('--svg draws each group; --rays writes Plücker maps per image as float32 .npy [H, W, 6]', async () => {
    const dir = path.join(tmp, 'extras');
    expect((await rotate('--groups', '2', '--out', dir, '--svg', '--rays', '4x6', '--quiet')).code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'svg')).sort()).toEqual(['g000000.svg', 'g000001.svg']);
    expect(read(path.join(dir, 'svg'), 'g000000.svg').toString()).toMatch(/^<svg [^]*<polygon [^]*<\/svg>\n$/);
    const rays = fs.readdirSync(path.join(dir, 'rays'));
    expect(rays).toHaveLength(32);
    const buf = read(path.join(dir, 'rays'), 'g000001-s1-c3.npy');
    expect(buf.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    const hlen = buf.readUInt16LE(8);
    expect((10 + hlen) % 64).toBe(0);
    expect(buf.subarray(10, 10 + hlen).toString('latin1')).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(4, 6, 6\), \} *\n$/);
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset + 10 + hlen, buf.byteOffset + buf.length));
    expect(data).toHaveLength(4 * 6 * 6);
    const cam = JSON.parse(read(dir, 'scenes.jsonl').toString().split('\n')[1]).cameras[3];
    for (let p = 0; p < 24; p++) {
      const m = data.subarray(6 * p, 6 * p + 3), d = data.subarray(6 * p + 3, 6 * p + 6);
      expect(Math.hypot(d[0], d[1], d[2])).toBeCloseTo(1, 5);
      expect(m[0] * d[0] + m[1] * d[1] + m[2] * d[2]).toBeCloseTo(0, 4);
      // m = o × d with o the camera centre.
      const o = cam.position;
      expect(m[0]).toBeCloseTo(o[1] * d[2] - o[2] * d[1], 4);
    }
  });

  it('bad flags: exit 2 with a sentence naming the flag', async () => {
    const cases: [string[], RegExp][] = [
      [['--groups', '-1'], /--groups expects an integer ≥ 0 but received '-1'/],
      [['--shard', '3/3'], /--shard expects i\/n with 0 ≤ i < n but received '3\/3'/],
      [['--rays', '64'], /--rays expects HxW, e\.g\. 64x64 but received '64'/],
      [['--front', 'up'], /--front expects 'far' or 'near' but received 'up'/],
      [['--region', '0,0,1'], /--region expects X0,Y0,X1,Y1 but received '0,0,1'/],
      [['--objects', '1'], /Expected an integer in \[2, 8\] for `objects\[0\]` but received the number 1/],
      [['--catalog', '/nonexistent.json'], /--catalog: cannot read/],
      [['--bogus'], /Unknown option '--bogus'/],
    ];
    for (const [args, msg] of cases) {
      const r = await rotate(...args, '--out', path.join(tmp, 'bad'));
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(msg);
    }
    const merge = await rotate('--merge', '2', '--out', path.join(tmp, 'nothing'));
    expect(merge.code).toBe(2);
    expect(merge.err).toMatch(/shard 0 has not finished/);
  });
});
