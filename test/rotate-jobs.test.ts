// `spatialkit rotate --jobs N`: chunks made on worker threads and written in order give the same
// folder, byte for byte, as one thread; a worker that fails stops the run with the groups named
// and nothing published. Worker threads run the built dist/cli/rotate-worker.js (`npm run build:ts`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkBuilt, rotate, snapshot } from './rotate-run.js';

let tmp: string;
beforeAll(() => {
  checkBuilt(['rotate-chunk', 'rotate-worker', 'parquet']);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sk-rotate-jobs-'));
});
afterAll(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

describe('spatialkit rotate --jobs', () => {
  // Small chunks so that 2 and 3 threads each make several, out of order with the writes.
  const cases: [string, string[]][] = [
    ['with visibility (the default filter) and --svg', ['--svg']],
    ['without visibility, small preset, --rays', ['--visibility-res', 'off', '--preset', 'small', '--rays', '8x8']],
  ];
  it.each(cases)('--jobs 1, 2 and 3 write the same folder byte for byte: %s', async (_, extra) => {
    const snaps = [];
    for (const jobs of ['1', '2', '3']) {
      const dir = path.join(tmp, `same-${extra[0]}-${jobs}`);
      const r = await rotate('--groups', '37', '--seed', '11', '--chunk', '4', '--jobs', jobs, '--out', dir, '--quiet', ...extra);
      expect(r.code, r.err).toBe(0);
      snaps.push(snapshot(dir));
    }
    expect(Object.keys(snaps[0])).toContain('images.jsonl');
    expect(Object.keys(snaps[0]).filter((f) => f.startsWith('svg/') || f.startsWith('rays/')).length).toBeGreaterThan(0);
    expect(snaps[1]).toEqual(snaps[0]);
    expect(snaps[2]).toEqual(snaps[0]);
  });

  it('a worker that throws (group 23 cannot be laid out) stops the run naming the groups; the chunks before it are kept, nothing is published', async () => {
    // In a 2 m square, group 23 of seed 0 with 3 objects cannot be placed (checked with makeGroup).
    const dir = path.join(tmp, 'fails');
    const args = ['--groups', '40', '--region', '0,0,2,2', '--objects', '3', '--chunk', '5', '--out', dir, '--quiet'];
    const r = await rotate(...args, '--jobs', '2');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/groups 20\.\.24: group 23: Could not place 3 objects/);
    const files = fs.readdirSync(dir).sort();
    expect(files.filter((f) => f.endsWith('.jsonl') || f.startsWith('manifest') || f.startsWith('summary'))).toEqual([]);
    const state = JSON.parse(fs.readFileSync(path.join(dir, '.rotate-state.json'), 'utf8'));
    expect(state.next).toBe(20);
    // The same error from one thread, at the same checkpoint.
    const one = path.join(tmp, 'fails-1');
    const r1 = await rotate(...args.map((a) => (a === dir ? one : a)), '--jobs', '1');
    expect(r1.code).toBe(1);
    expect(r1.err).toMatch(/group 23: Could not place 3 objects/);
    expect(fs.readFileSync(path.join(one, 'scenes.jsonl.partial')).equals(fs.readFileSync(path.join(dir, 'scenes.jsonl.partial')))).toBe(true);
  });

  it('--jobs expects an integer in [1, 256]', async () => {
    for (const bad of ['0', '1.5', 'x', '257']) {
      const r = await rotate('--groups', '1', '--jobs', bad, '--out', path.join(tmp, 'bad'));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`--jobs expects an integer in \\[1, 256\\] but received '${bad.replace('.', '\\.')}'`));
    }
  });
});
