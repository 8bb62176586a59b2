// `spatialkit eval` on files in the qa.jsonl schema: the tables, --json, and every problem
// reported with file and line.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../src/cli/eval.js';
import { goldFixture } from './rotate-fixture.js';

let dir: string;
const gold = goldFixture(3, 11);
const jsonl = (rows: unknown[]): string => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
const write = (name: string, text: string): string => { const f = path.join(dir, name); fs.writeFileSync(f, text); return f; };

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => { out.push(a.join(' ')); });
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => { err.push(a.join(' ')); });
  try {
    const code = await run(args);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sk-eval-')); });
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });
afterEach(() => { vi.restoreAllMocks(); });

describe('spatialkit eval', () => {
  it('prints Table-4/5-style tables and exits 0 for a clean perfect run; --json holds the report', async () => {
    const g = write('qa.jsonl', jsonl(gold));
    const p = write('pred.jsonl', jsonl(gold.map((q) => ({ id: q.id, answer: q.answer }))));
    const j = path.join(dir, 'out.json');
    const r = await cli(['--gold', g, '--pred', p, '--json', j]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Accuracy \(%\) — ROTATE Table 4 layout/);
    expect(r.out).toMatch(/^relative\s+100\.0\s+100\.0\s+100\.0\s+100\.0\s+100\.0$/m);
    expect(r.out).toMatch(/^all\s+0\.00\s+\d+\s+100\.0\s+\d+$/m);  // RC 0, RTC 100 %
    const rep = JSON.parse(fs.readFileSync(j, 'utf8'));
    expect(rep.total.accuracy).toBe(1);
    expect(rep.problems).toEqual([]);
    expect(rep.questions).toBe(gold.length);
  });

  it('reports malformed lines, duplicates, unknown and missing ids with file:line, still prints, exits 1', async () => {
    const goldLines: unknown[] = [...gold.slice(0, 10), '{not json', { ...gold[0] }, { ...gold[1], task: 'guess' }, '', ...gold.slice(10)];
    const g = write('qa2.jsonl', jsonl(goldLines));
    const preds: unknown[] = gold.slice(0, 20).map((q) => ({ id: q.id, prediction: q.answer }));
    preds.splice(3, 0, { id: gold[0].id, answer: 'no' }, '[1, 2', { id: 'zzz', answer: 'yes' }, { id: gold[30].id, answer: 7 }, { answer: 'yes' }, 5);
    const p = write('pred2.jsonl', jsonl(preds));
    const r = await cli(['--gold', g, '--pred', p, '--max-problems', '1000']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Table 4/);
    const err = r.err;
    expect(err).toContain(`${g}:11: malformed JSON`);
    expect(err).toContain(`${g}:12: duplicate id '${gold[0].id}' (first on line 1; this line is ignored)`);
    expect(err).toContain(`${g}:13: Expected one of 'judgement', 'prediction' for \`task\` but received 'guess'`);
    expect(err).toContain(`${p}:4: duplicate id '${gold[0].id}' (first on line 1; this line is ignored)`);
    expect(err).toContain(`${p}:5: malformed JSON`);
    expect(err).toContain(`${p}:6: id 'zzz' is not in ${g} (ignored)`);
    expect(err).toContain(`${p}:7: \`answer\` is not a string (id '${gold[30].id}')`);
    expect(err).toContain(`${p}:8: no string \`id\``);
    expect(err).toContain(`${p}:9: expected a JSON object`);
    // Gold line 25 holds gold[20] (after 3 bad lines and a blank one).
    expect(err).toContain(`${g}:25: no prediction for id '${gold[20].id}'`);
    const missing = err.split('\n').filter((l) => l.includes('no prediction for id')).length;
    expect(missing).toBe(gold.length - 20);
    expect(err).toMatch(new RegExp(`^${gold.length - 20 + 9} problems:$`, 'm'));
    expect(r.out).toMatch(/1 extra ids ignored/);
  });

  it('limits printed problems and points to --json for the rest', async () => {
    const g = write('qa3.jsonl', jsonl(gold));
    const p = write('pred3.jsonl', '');
    const j = path.join(dir, 'out3.json');
    const r = await cli(['--gold', g, '--pred', p, '--json', j]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`… and ${gold.length - 20} more (all in ${j})`);
    expect(JSON.parse(fs.readFileSync(j, 'utf8')).problems.length).toBe(gold.length);
  });

  it('usage errors exit 2', async () => {
    expect((await cli([])).code).toBe(2);
    expect((await cli(['--gold', 'x'])).code).toBe(2);
    expect((await cli(['--gold', path.join(dir, 'none'), '--pred', path.join(dir, 'none')])).err).toMatch(/cannot read/);
    expect((await cli(['--gold', 'a', '--pred', 'b', '--oos', 'some'])).code).toBe(2);
    expect((await cli(['--bogus'])).code).toBe(2);
    const h = await cli(['--help']);
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/Usage: spatialkit eval/);
  });
});
