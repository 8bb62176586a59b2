// `node scripts/eval-memory.mjs --groups 10000 [--dir DIR] [--keep]` (after `npm run build`):
// the peak memory (RSS) of `spatialkit eval` for issue 16. Writes gold with `spatialkit rotate
// --groups N --quiet` (or reuses DIR/qa.jsonl), synthesises predictions for every question (70 %
// the gold answer, else a uniform pick from the question's label set, 5 % of those as a sentence;
// seeded, so reruns are identical), then runs `spatialkit eval --json` under /usr/bin/time and
// prints the peak RSS, wall time and file sizes.
// `--case lines|line200|line600` instead measures the issue's pathological predictions files:
// 12 M small lines with unknown ids (~1 GB), or one line of 200 MB / 600 MB.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { rng } from '../test/fuzz/core.mjs';  // mulberry32, seeded: the same predictions on every run

const arg = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? process.argv[i + 1] : d; };
const groups = Number(arg('groups', 10000)), which = arg('case', 'groups');
const dir = arg('dir', path.join(os.tmpdir(), `sk-eval-memory-${groups}`));
const keep = process.argv.includes('--keep');
const cli = path.resolve(import.meta.dirname, '../dist/cli/main.js');
const CARDINALS = ['front', 'front-right', 'right', 'back-right', 'back', 'back-left', 'left', 'front-left'];

/** Streams `lines()` (an iterable of strings) to `file`, 1 MiB at a time. */
async function writeLines(file, lines) {
  const out = fs.createWriteStream(file);
  let buf = [];
  let size = 0;
  for await (const l of lines) {
    buf.push(l);
    size += l.length + 1;
    if (size > 1 << 20) {
      if (!out.write(buf.join('\n') + '\n')) await new Promise((r) => out.once('drain', r));
      buf = [];
      size = 0;
    }
  }
  if (buf.length) out.write(buf.join('\n') + '\n');
  await new Promise((r) => out.end(r));
}

async function* predictions(goldFile) {
  const r = rng(1);
  const rl = readline.createInterface({ input: fs.createReadStream(goldFile), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line) continue;
    const q = JSON.parse(line);
    const set = q.task === 'judgement' ? ['yes', 'no'] : q.relation === 'cardinal' ? CARDINALS : Array.from({ length: 12 }, (_, i) => String(i + 1));
    let a = r() < 0.7 ? q.answer : set[Math.floor(r() * set.length)];
    if (r() < 0.05) a = `The answer is ${a}.`;
    yield JSON.stringify({ id: q.id, answer: a });
  }
}

function measure(gold, pred, extra = []) {
  const json = path.join(dir, 'report.json');
  const t = spawnSync('/usr/bin/time', ['-f', '%M %e', process.execPath, cli, 'eval', '--gold', gold, '--pred', pred, '--json', json, ...extra],
    { encoding: 'utf8', maxBuffer: 1 << 26 });
  const [kb, secs] = t.stderr.trim().split('\n').pop().split(' ').map(Number);
  const lines = t.stderr.split('\n').filter((l) => /problem|longer|not in/.test(l)).slice(0, 3);
  console.log(`eval exit ${t.status}: peak RSS ${(kb / 1024).toFixed(0)} MiB, ${secs} s wall` + (lines.length ? `\n  ${lines.join('\n  ')}` : ''));
  return { status: t.status, rssMiB: kb / 1024, secs };
}

fs.mkdirSync(dir, { recursive: true });
const size = (f) => `${(fs.statSync(f).size / 2 ** 20).toFixed(0)} MiB`;
const gold = path.join(dir, 'qa.jsonl');
if (!fs.existsSync(gold)) {
  const g = spawnSync(process.execPath, [cli, 'rotate', '--groups', String(which === 'groups' ? groups : 10), '--quiet', '--out', dir], { stdio: 'inherit' });
  if (g.status !== 0) process.exit(1);
}
const pred = path.join(dir, `pred-${which}.jsonl`);
if (which === 'groups') {
  await writeLines(pred, predictions(gold));
} else if (which === 'lines') {
  // 12 M lines of ~85 bytes with ids that are not in the gold file (~1 GB).
  await writeLines(pred, (function* () { for (let i = 0; i < 12e6; i++) yield JSON.stringify({ id: `unknown-${String(i).padStart(12, '0')}`, answer: 'The answer is front-left.' }).padEnd(84); })());
} else {
  const mb = which === 'line200' ? 200 : 600;
  const fd = fs.openSync(pred, 'w');
  const block = Buffer.alloc(1 << 20, 'x');
  fs.writeSync(fd, '{"id": "g000000-s0-c0-q00", "answer": "');
  for (let i = 0; i < mb; i++) fs.writeSync(fd, block);
  fs.writeSync(fd, '"}\n');
  fs.closeSync(fd);
}
const questions = fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8').match(/"qa":\s*(\d+)/)?.[1];
console.log(`${which === 'groups' ? `${groups} groups` : which}: gold ${size(gold)}${questions ? ` (${questions} questions)` : ''}, predictions ${size(pred)}; load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
measure(gold, pred);
if (!keep) fs.rmSync(dir, { recursive: true, force: true });
