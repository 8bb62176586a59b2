// `spatialkit eval` on files in the qa.jsonl schema: the tables, --json, and every problem
// reported with file and line.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../src/cli/eval.js';
import fc from 'fast-check';
import { escapeControls } from '../src/cli/escape.js';
import * as m from '../src/metrics/metrics.js';
import { rng, SEED } from './helpers.js';
import { answerSet, goldFixture } from './rotate-fixture.js';

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

describe('escapeControls', () => {
  it('makes every control character visible and leaves other text alone', () => {
    expect(escapeControls('a\u001b[31mb\n\r\t\u0000\u007f\u009b\u2028\u202e\u2066\ufeff\u200f')).toBe('a\\x1b[31mb\\n\\r\\t\\x00\\x7f\\x9b\\u2028\\u202e\\u2066\\ufeff\\u200f');
    const plain = 'Front-left, 3 o’clock — “ok” é 日本 \u{1F600} \\x1b';
    expect(escapeControls(plain)).toBe(plain);
  });
  it('property: the result holds no control character', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/.test(escapeControls(s))), { seed: SEED, numRuns: 300 });
  });
});

// ---------- the built CLI in a child process (issues 12 and 16) ----------
// These run dist/cli/main.js as users do (`npm run build:ts` first), so that crashes, exit codes,
// memory limits and what reaches the terminal are tested for real.
const ROOT = path.resolve(import.meta.dirname, '..');
const MAIN = path.join(ROOT, 'dist/cli/main.js');
const ESC = '\u001b';

/** `spatialkit eval ARGS` (with `node` options before the script). */
function spawnCli(args: string[], node: string[] = []): { code: number | null; signal: NodeJS.Signals | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [...node, MAIN, 'eval', ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

describe('spatialkit eval, the built CLI', () => {
  let cdir: string, goldFile: string;
  const qa = goldFixture(2, 5);
  beforeAll(() => {
    // A stale build would test old code: say so instead of failing obscurely.
    for (const f of ['eval', 'escape', 'lines', 'main']) {
      const src = fs.statSync(path.join(ROOT, `src/cli/${f}.ts`)).mtimeMs, built = fs.existsSync(path.join(ROOT, `dist/cli/${f}.js`)) ? fs.statSync(path.join(ROOT, `dist/cli/${f}.js`)).mtimeMs : 0;
      if (built < src) throw new Error(`dist/cli/${f}.js is older than src/cli/${f}.ts: run \`npm run build:ts\``);
    }
    cdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sk-eval-cli-'));
    goldFile = path.join(cdir, 'qa.jsonl');
    fs.writeFileSync(goldFile, jsonl(qa));
  });
  afterAll(() => { fs.rmSync(cdir, { recursive: true, force: true }); });
  const file = (name: string, text: string | Buffer): string => { const f = path.join(cdir, name); fs.writeFileSync(f, text); return f; };
  const perfect = (): string => jsonl(qa.map((q) => ({ id: q.id, answer: q.answer })));

  it('a single 80 MB line is skipped with a file:line message, within a 64 MB heap (it aborted with heap OOM)', () => {
    const p = path.join(cdir, 'long.jsonl');
    const fd = fs.openSync(p, 'w');
    const head = `{"id": "${qa[0].id}", "answer": "`;
    fs.writeSync(fd, `${JSON.stringify({ id: qa[1].id, answer: 'yes' })}\n${head}`);
    const block = Buffer.alloc(1 << 20, 'x');
    for (let i = 0; i < 80; i++) fs.writeSync(fd, block);
    fs.writeSync(fd, '"}\n');
    fs.closeSync(fd);
    const r = spawnCli(['--gold', goldFile, '--pred', p, '--max-problems', '3'], ['--max-old-space-size=64']);
    expect(r.signal).toBeNull();
    expect(r.err).not.toMatch(/heap|FATAL|RangeError/);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${p}:2: line of ${head.length + 80 * 2 ** 20 + 2} bytes is longer than --max-line-bytes 16777216 (skipped)`);
    expect(r.out).toMatch(/^\d+ questions, 1 answered/);
    // The cap is an option; a line at the cap is read.
    const line = JSON.stringify({ id: qa[0].id, answer: 'y'.repeat(1000) });
    const short = file('short.jsonl', `${line}\n`);
    expect(spawnCli(['--gold', goldFile, '--pred', short, '--max-line-bytes', '600']).err).toContain(`${short}:1: line of ${line.length} bytes is longer than --max-line-bytes 600 (skipped)`);
    expect(spawnCli(['--gold', goldFile, '--pred', short, '--max-line-bytes', String(line.length)]).err).not.toContain('longer than');
    // A gold file with no line under the cap says why it has no questions.
    const g = spawnCli(['--gold', goldFile, '--pred', short, '--max-line-bytes', '50']);
    expect(g.code).toBe(2);
    expect(g.err).toBe(`spatialkit eval: ${goldFile} is not a QA file: it holds no records shorter than --max-line-bytes 50 (${qa.length} longer lines skipped)\n`);
  });

  it('600 K lines of unknown ids run within a 64 MB heap (they aborted with heap OOM); the problems are counted, the first 100 000 kept', () => {
    const lines = Array.from({ length: 600_000 }, (_, i) => `{"id":"unknown-${i}","answer":"The answer is front-left."}`);
    const p = file('many.jsonl', `${lines.join('\n')}\n${perfect()}`);
    const j = path.join(cdir, 'many.json');
    const r = spawnCli(['--gold', goldFile, '--pred', p, '--json', j], ['--max-old-space-size=64']);
    expect(r.signal).toBeNull();
    expect(r.err).not.toMatch(/heap|FATAL/);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^600000 problems:$/m);
    expect(r.err).toContain('… and 599980 more (the first 100000 in');
    const rep = JSON.parse(fs.readFileSync(j, 'utf8'));
    expect(rep.problemCount).toBe(600_000);
    expect(rep.problems.length).toBe(100_000);
    expect(rep.extraCount).toBe(600_000);
    expect(rep.extra.length).toBe(100_000);
    expect(rep.total.accuracy).toBe(1);
  }, 120_000);

  it('a byte-order mark at the start of either file is accepted', () => {
    const g = file('bom-qa.jsonl', `\ufeff${jsonl(qa)}`), p = file('bom-pred.jsonl', `\ufeff${perfect()}`);
    const r = spawnCli(['--gold', g, '--pred', p]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^all\s+100\.0\s+100\.0\s+100\.0\s+100\.0\s+100\.0$/m);
    // With CRLF line ends as well.
    const crlf = file('crlf-pred.jsonl', `\ufeff${perfect().replace(/\n/g, '\r\n')}`);
    expect(spawnCli(['--gold', g, '--pred', crlf]).code).toBe(0);
    // UTF-16 is refused by name.
    const u16 = file('u16.jsonl', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(perfect(), 'utf16le')]));
    const r16 = spawnCli(['--gold', g, '--pred', u16]);
    expect(r16.code).toBe(2);
    expect(r16.err).toBe(`spatialkit eval: ${u16} is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8\n`);
  });

  it('control characters from the files never reach the terminal raw', () => {
    const evil = `bad${ESC}[2J${ESC}]0;pwned\u0007\u202eid\r\n\u009b31m`;
    const p = file('evil.jsonl', jsonl([
      { id: evil, answer: 'yes' },
      ...qa.slice(1).map((q) => ({ id: q.id, answer: `${ESC}[31mred\u202e` })),
      `${ESC}[31m{"id": "${qa[0].id}"}`,
    ]));
    const r = spawnCli(['--gold', goldFile, '--pred', p, '--max-problems', '100']);
    expect(r.code).toBe(1);
    for (const s of [r.out, r.err]) expect(s).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(r.err).toContain(`:1: id 'bad\\x1b[2J\\x1b]0;pwned\\x07\\u202eid\\r\\n\\x9b31m' is not in`);
    expect(r.err).toContain(`:${qa.length + 1}: malformed JSON (Unexpected token '\\x1b', "\\x1b[31m{`);
    expect(r.out).toContain('"\\u001b[31mred\\u202e"');  // the top out-of-set answer, quoted as JSON and then escaped
    // The top-level error line of `spatialkit` (src/cli/main.ts) escapes too: a command that throws
    // a message carrying file text (eval swapped for one that does, through a module hook).
    const hooks = file('hooks.mjs', `export async function resolve(s, c, next) {
      if (s === './eval.js' && c.parentURL?.endsWith('/cli/main.js')) return { shortCircuit: true, url: 'data:text/javascript,' + encodeURIComponent('export async function run() { throw new Error("cannot parse ${evil.replace(/[\u0000-\u001f\u007f-\u009f\u202e]/g, (c) => `\\\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"); }') };
      return next(s, c);
    }`);
    const reg = file('register.mjs', `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`);
    const t = spawnCli([], ['--import', reg]);
    expect(t.code).toBe(1);
    expect(t.err).toBe("spatialkit: cannot parse bad\\x1b[2J\\x1b]0;pwned\\x07\\u202eid\\r\\n\\x9b31m\n");
  });

  it('--gold of a file that is not a QA file says so and exits 2', () => {
    const cases: [string, string, string][] = [
      ['scenes.jsonl', jsonl([{ group: 0, objects: [], cameras: [] }]), 'its first record (line 1) has no id, task, viewpoint, relation, answer (its keys: group, objects, cameras)'],
      ['pred-as-gold.jsonl', perfect(), 'its first record (line 1) has no task, viewpoint, relation (its keys: id, answer)'],
      ['array.json', JSON.stringify(qa.slice(0, 2), null, 2), 'line 1 is not JSON'],
      ['lines.jsonl', '\n[1, 2]\n', 'its first record (line 2) is a JSON array, not a record'],
      ['empty.jsonl', '\n\n', 'it holds no records'],
    ];
    const p = file('p.jsonl', perfect());
    for (const [name, text, why] of cases) {
      const g = file(name, text);
      const r = spawnCli(['--gold', g, '--pred', p]);
      expect(r.code, name).toBe(2);
      expect(r.out, name).toBe('');
      expect(r.err.split('\n')[0], name).toBe(`spatialkit eval: ${g} is not a QA file: ${why}${why.startsWith('it holds') ? '' : why.startsWith('line') ? '. --gold takes the qa.jsonl that `spatialkit rotate` writes (one record per line with id, task, viewpoint, relation, answer)' : '. --gold takes the qa.jsonl that `spatialkit rotate` writes'}`);
    }
    // A directory, and unwritable outputs, fail before any work.
    expect(spawnCli(['--gold', cdir, '--pred', p]).err).toBe(`spatialkit eval: ${cdir} is a directory, not a JSONL file\n`);
    const r = spawnCli(['--gold', goldFile, '--pred', p, '--json', path.join(cdir, 'no/such/dir.json')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^spatialkit eval: cannot write --json .*no\/such\/dir\.json \(ENOENT/);
  });

  it('--per-question writes every verdict: id, gold, prediction, normalized, correct, slices', () => {
    const r0 = rng(SEED + 31);
    const answers = new Map<string, string>();
    for (const q of qa) {
      if (r0() < 0.1) continue;  // some missing
      const s = answerSet(q);
      answers.set(q.id, r0() < 0.5 ? q.answer : s[Math.floor(r0() * s.length)]);
    }
    const p = file('pq-pred.jsonl', jsonl([...answers].reverse().map(([id, answer]) => ({ id, answer }))));
    const out = path.join(cdir, 'verdicts.jsonl');
    const r = spawnCli(['--gold', goldFile, '--pred', p, '--per-question', out]);
    expect(r.code).toBe(1);  // the missing ones are problems
    const rows = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.length).toBe(qa.length);
    expect(new Set(rows.map((x) => x.id)).size).toBe(qa.length);
    const byId = new Map(qa.map((q) => [q.id, q]));
    let correct = 0;
    rows.forEach((x, k) => {
      const q = byId.get(x.id)!;
      const a = answers.get(x.id);
      expect(x.gold).toBe(q.answer);
      expect(x.slices).toEqual({ task: q.task, viewpoint: q.viewpoint, relation: q.relation, objects: q.objects });
      expect(x.consistency).toBe(q.consistency);
      expect(x.pair).toBe(q.pair);
      if (a === undefined) {
        expect(k).toBeGreaterThanOrEqual(answers.size);  // predictions first, then the questions without one
        expect(x).toMatchObject({ prediction: null, normalized: null, correct: false });
      } else {
        expect(x.prediction).toBe(a);
        expect(x.normalized).toEqual(m.normalizeAnswer(a));
        expect(x.correct).toBe(a === q.answer);
        correct += Number(a === q.answer);
      }
    });
    expect(r.out).toMatch(new RegExp(`^all(\\s+[\\d.]+){4}\\s+${(100 * correct / qa.length).toFixed(1)}$`, 'm'));
  });

  it('--extract maps verbose answers (off by default) and --json puts every figure on one scale', () => {
    const verbose = (q: (typeof qa)[number]): string => (q.task === 'judgement' ? `The answer is ${q.answer}.` : q.relation === 'cardinal' ? `I think it's ${q.answer}.` : `At ${q.answer} o'clock.`);
    const p = file('verbose.jsonl', jsonl(qa.map((q) => ({ id: q.id, answer: verbose(q) }))));
    const j0 = path.join(cdir, 'plain.json'), j1 = path.join(cdir, 'extract.json'), v = path.join(cdir, 'v.jsonl');
    expect(spawnCli(['--gold', goldFile, '--pred', p, '--json', j0]).code).toBe(0);
    const r = spawnCli(['--gold', goldFile, '--pred', p, '--json', j1, '--extract', '--per-question', v]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/verbose answers extracted \(--extract\)/);
    const plain = JSON.parse(fs.readFileSync(j0, 'utf8')), ex = JSON.parse(fs.readFileSync(j1, 'utf8'));
    expect(plain.total.accuracy).toBe(0);
    expect(plain.extract).toBe(false);
    expect(ex.total.accuracy).toBe(1);
    expect(ex.extract).toBe(true);
    expect(ex.scale).toMatch(/fraction in \[0, 1\]/);
    expect(fs.readFileSync(v, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).every((x) => x.extracted && x.correct)).toBe(true);
    // One scale: RC is a fraction like the rest (the table prints it ×100).
    const rand = rng(SEED + 32);
    const pr = file('rand.jsonl', jsonl(qa.map((q) => { const s = answerSet(q); return { id: q.id, answer: s[Math.floor(rand() * s.length)] }; })));
    const jr = path.join(cdir, 'rand.json');
    const rr = spawnCli(['--gold', goldFile, '--pred', pr, '--json', jr]);
    const rep = JSON.parse(fs.readFileSync(jr, 'utf8'));
    expect(rep.total.rc).toBeGreaterThan(0.2);
    expect(rep.total.rc).toBeLessThan(1);
    expect(rr.out).toMatch(new RegExp(`^all\\s+${(100 * rep.total.rc).toFixed(2)}\\s`, 'm'));
  });
});
