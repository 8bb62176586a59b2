// `spatialkit eval`: scores a predictions file against the gold questions `spatialkit rotate`
// wrote (qa.jsonl) and prints ROTATE-style tables: accuracy by task × viewpoint × relation
// (Table 4), Rotation Consistency and Relationship-Type Consistency (Table 5), and answer bias.
// Both files are streamed (gold into a compact index, predictions line by line), so memory grows
// with the number of gold questions only, never with a file's size or its longest line.
// Every malformed line, duplicate id, unknown id and missing prediction is reported with its file
// and line; the report is still printed, and the exit code is then 1.
import fs from 'node:fs';
import { parseArgs } from './suggest.js';
import { checkGold, Evaluation, type EvalReport, type SliceReport } from '../metrics/evaluate.js';
import { OOS_MODES, type OosMode } from '../metrics/metrics.js';
import { escapeControls as esc } from './escape.js';
import { EncodingError, forEachLine, MAX_LINE_BYTES } from './lines.js';


const HELP = `Usage: spatialkit eval --gold qa.jsonl --pred predictions.jsonl [--json out.json] [--per-question FILE]
                      [--extract] [--oos byText|eachDistinct] [--max-problems N] [--max-line-bytes N]

  --gold FILE   gold questions, one JSON object per line, as \`spatialkit rotate\` writes them
                (id, task, viewpoint, relation, answer, objects, consistency, pair)
  --pred FILE   predictions, one JSON object per line: {"id": "...", "answer": "..."}
                ("prediction" or "text" are accepted in place of "answer")
  --json FILE   also write the full report (every slice, missing ids, problems) as JSON; every
                figure in it is a fraction in [0, 1] (the printed tables show them ×100)
  --per-question FILE   write one JSON line per question for error analysis: id, gold,
                prediction, normalized, correct, slices (predictions in file order, then
                the questions without one)
  --extract     map verbose answers to the question's label set first ("The answer is yes",
                "I think it's front-left."); the rules are in docs/evaluation.md. Off by default:
                the plain score is the answer as given, comparable across evaluations
  --oos MODE    out-of-set answers in Normalized Entropy: one category per text (byText,
                default) or each its own (eachDistinct)
  --max-problems N     problems printed to stderr (default 20; --json lists up to 100000)
  --max-line-bytes N   longer lines are skipped and reported (default ${MAX_LINE_BYTES}, 16 MiB)

Missing predictions count as wrong and are left out of RC, RTC and the bias figures. RC "all"
weighs relative and absolute by their questions, as the ROTATE paper's Total.
Exit code: 0 = clean, 1 = problems were found (they are listed; the report is still printed),
2 = usage error, unreadable file, or a --gold file that is not a QA file.`;

/** Problems kept for --json (all are counted). */
const PROBLEMS_KEPT = 100_000;
const GOLD_KEYS = ['id', 'task', 'viewpoint', 'relation', 'answer'];

/** Counts every problem; keeps the first `keep` messages (built only when kept). */
class Problems {
  list: string[] = [];
  count = 0;
  constructor(private keep: number) {}
  add(message: () => string): void {
    if (this.list.length < this.keep) this.list.push(message());
    this.count++;
  }
}

/** Buffered synchronous writes to a file (the per-question output can be millions of lines). */
class LineWriter {
  private chunks: string[] = [];
  private size = 0;
  constructor(private fd: number) {}
  write(line: string): void {
    this.chunks.push(line, '\n');
    this.size += line.length + 1;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.chunks.length) fs.writeSync(this.fd, this.chunks.join(''));
    this.chunks = [];
    this.size = 0;
  }
  close(): void { this.flush(); fs.closeSync(this.fd); }
}

/** The --gold file's first record is not a QA record: the run stops (exit 2). */
class NotQaFile extends Error {}

const pct = (x: number | null, digits = 1): string => (x === null ? '—' : (100 * x).toFixed(digits));
const row = (cells: string[], widths: number[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');

function accuracyTable(r: EvalReport): string[] {
  const w = [10, 9, 9, 9, 9, 9];
  const cell = (t: string, v: string, rel: string): string => pct(r.cells[`${t}/${v}/${rel}`].accuracy);
  const lines = [
    'Accuracy (%) — ROTATE Table 4 layout',
    // Group headers centred over their two columns (each 2·9 + 2 wide).
    `${''.padEnd(w[0])}  ${'Judgement'.padStart(14).padEnd(20)}  ${'Prediction'.padStart(15).padEnd(20)}`.trimEnd(),
    row(['', 'cardinal', 'clock', 'cardinal', 'clock', 'all'], w),
  ];
  for (const v of ['relative', 'absolute'] as const) {
    lines.push(row([v, cell('judgement', v, 'cardinal'), cell('judgement', v, 'clock'), cell('prediction', v, 'cardinal'),
      cell('prediction', v, 'clock'), pct(r.viewpoint[v].accuracy)], w));
  }
  const both = (t: string, rel: string): number | null => {
    const a = r.cells[`${t}/relative/${rel}`], b = r.cells[`${t}/absolute/${rel}`];
    return a.questions + b.questions ? (a.correct + b.correct) / (a.questions + b.questions) : null;
  };
  lines.push(row(['all', pct(both('judgement', 'cardinal')), pct(both('judgement', 'clock')), pct(both('prediction', 'cardinal')),
    pct(both('prediction', 'clock')), pct(r.total.accuracy)], w));
  return lines;
}

function consistencyTable(r: EvalReport): string[] {
  const w = [10, 12, 8, 9, 8];
  const lines = ['Consistency — ROTATE Table 5 layout (RC = mean Normalized Entropy × 100, lower is more consistent;',
    '"all" weighs relative and absolute by their questions, as the paper\'s Total)',
    row(['', 'RC', 'groups', 'RTC (%)', 'pairs'], w)];
  const add = (name: string, s: SliceReport): void => { lines.push(row([name, pct(s.rc, 2), String(s.groups), pct(s.rtc), String(s.pairs)], w)); };
  add('relative', r.viewpoint.relative);
  add('absolute', r.viewpoint.absolute);
  add('all', r.total);
  return lines;
}

function biasTable(r: EvalReport): string[] {
  const w = [12, 8, 9, 16, 10, 14, 10];
  const lines = ['Answer bias — a model that gives one answer scores RC 0; compare its accuracy with the gold top share',
    row(['slice', 'answered', 'accuracy', 'top answer', 'top share', 'gold top share', 'oos rate'], w)];
  const add = (name: string, s: SliceReport): void => {
    lines.push(row([name, String(s.answered), pct(s.accuracy), esc(s.topAnswer ?? '—'), pct(s.topShare), pct(s.goldTopShare), pct(s.oosRate)], w));
  };
  for (const t of ['judgement', 'prediction'] as const) add(t, r.task[t]);
  for (const v of ['relative', 'absolute'] as const) add(v, r.viewpoint[v]);
  for (const rel of ['cardinal', 'clock'] as const) add(rel, r.relation[rel]);
  for (const [k, s] of Object.entries(r.objects)) add(`${k} objects`, s);
  add('all', r.total);
  return lines;
}

export function formatReport(r: EvalReport): string {
  const head = `${r.questions} questions, ${r.answered} answered (${r.missingCount} missing, ${r.extraCount} extra ids ignored); ` +
    `out-of-set answers in NE: ${r.oos}${r.extract ? '; verbose answers extracted (--extract)' : ''}`;
  return [head, '', ...accuracyTable(r), '', ...consistencyTable(r), '', ...biasTable(r)].join('\n');
}

/** Why a first gold record is not a QA record, or null if it is one. */
function notQa(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `is ${Array.isArray(value) ? 'a JSON array' : `the JSON ${value === null ? 'null' : typeof value}`}, not a record`;
  const keys = Object.keys(value);
  const absent = GOLD_KEYS.filter((k) => !keys.includes(k));
  if (!absent.length) return null;
  const shown = keys.slice(0, 8).join(', ') + (keys.length > 8 ? ', …' : '');
  return `has no ${absent.join(', ')} (its keys: ${shown || 'none'})`;
}

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        gold: { type: 'string' }, pred: { type: 'string' }, json: { type: 'string' }, oos: { type: 'string' },
        'per-question': { type: 'string' }, extract: { type: 'boolean' },
        'max-problems': { type: 'string' }, 'max-line-bytes': { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    console.error(`spatialkit eval: ${esc((e as Error).message)}\n\n${HELP}`);
    return 2;
  }
  if (values.help) { console.log(HELP); return 0; }
  if (!values.gold || !values.pred) { console.error(`spatialkit eval: --gold and --pred are required\n\n${HELP}`); return 2; }
  const oos = (values.oos ?? 'byText') as OosMode;
  if (!OOS_MODES.includes(oos)) { console.error(`spatialkit eval: --oos must be one of ${OOS_MODES.join(', ')}, not '${esc(values.oos!)}'`); return 2; }
  const maxProblems = Number(values['max-problems'] ?? 20);
  if (!Number.isInteger(maxProblems) || maxProblems < 0) { console.error('spatialkit eval: --max-problems must be a non-negative integer'); return 2; }
  const maxLine = Number(values['max-line-bytes'] ?? MAX_LINE_BYTES);
  if (!Number.isInteger(maxLine) || maxLine < 1 || maxLine > 2 ** 29) { console.error('spatialkit eval: --max-line-bytes must be an integer in [1, 536870912]'); return 2; }
  const goldFile = values.gold, predFile = values.pred;
  for (const f of [goldFile, predFile]) {
    try { fs.accessSync(f, fs.constants.R_OK); } catch { console.error(`spatialkit eval: cannot read ${esc(f)}`); return 2; }
    if (fs.statSync(f).isDirectory()) { console.error(`spatialkit eval: ${esc(f)} is a directory, not a JSONL file`); return 2; }
  }
  // Output files are opened now, so that a bad path fails before the work rather than after it.
  const outputs: Partial<Record<'json' | 'per-question', LineWriter>> = {};
  try {
    for (const k of ['json', 'per-question'] as const) {
      const f = values[k];
      if (!f) continue;
      try { outputs[k] = new LineWriter(fs.openSync(f, 'w')); } catch (e) {
        console.error(`spatialkit eval: cannot write --${k} ${esc(f)} (${esc((e as Error).message)})`);
        return 2;
      }
    }
    return await evaluateFiles(goldFile, predFile, { oos, extract: values.extract ?? false, maxProblems, maxLine, json: outputs.json, jsonName: values.json, perQuestion: outputs['per-question'] ?? null });
  } catch (e) {
    if (e instanceof NotQaFile || e instanceof EncodingError) { console.error(`spatialkit eval: ${esc(e.message)}`); return 2; }
    throw e;
  } finally {
    for (const w of Object.values(outputs)) w.close();
  }
}

interface FileOptions {
  oos: OosMode; extract: boolean; maxProblems: number; maxLine: number;
  json?: LineWriter; jsonName?: string; perQuestion: LineWriter | null;
}

async function evaluateFiles(goldFile: string, predFile: string, o: FileOptions): Promise<number> {
  const problems = new Problems(Math.max(PROBLEMS_KEPT, o.maxProblems));
  const ev = new Evaluation({ oos: o.oos, extract: o.extract }, PROBLEMS_KEPT);
  const tooLong = (file: string) => (line: number, bytes: number): void =>
    problems.add(() => `${file}:${line}: line of ${bytes} bytes is longer than --max-line-bytes ${o.maxLine} (skipped)`);

  let seen = 0, skipped = 0;  // non-blank gold lines read, and skipped for their length
  await forEachLine(goldFile, o.maxLine, {
    tooLong: (line, bytes) => { skipped++; tooLong(goldFile)(line, bytes); },
    line(text, line) {
      if (text.trim() === '') return;
      let value: unknown;
      try { value = JSON.parse(text); } catch (e) {
        if (seen === 0) throw new NotQaFile(`${goldFile} is not a QA file: line ${line} is not JSON. --gold takes the qa.jsonl that \`spatialkit rotate\` writes (one record per line with ${GOLD_KEYS.join(', ')})`);
        problems.add(() => `${goldFile}:${line}: malformed JSON (${(e as Error).message})`);
        return;
      }
      if (seen++ === 0) {
        const why = notQa(value);
        if (why) throw new NotQaFile(`${goldFile} is not a QA file: its first record (line ${line}) ${why}. --gold takes the qa.jsonl that \`spatialkit rotate\` writes`);
      }
      let q;
      try { q = checkGold(value, ''); } catch (e) { problems.add(() => `${goldFile}:${line}: ${(e as Error).message}`); return; }
      const r = ev.addGold(q, line);
      if (!r.ok) {
        problems.add(() => (r.reason === 'id'
          ? `${goldFile}:${line}: duplicate id '${q.id}' (first on line ${r.first}; this line is ignored)`
          : `${goldFile}:${line}: a second ${q.relation} question for pair '${q.pair}' (first on line ${r.first}; this line is ignored)`));
      }
    },
  });
  if (seen === 0) {
    throw new NotQaFile(`${goldFile} is not a QA file: it holds no records${skipped ? ` shorter than --max-line-bytes ${o.maxLine} (${skipped} longer lines skipped)` : ''}`);
  }

  const out = o.perQuestion;
  await forEachLine(predFile, o.maxLine, {
    tooLong: tooLong(predFile),
    line(text, line) {
      if (text.trim() === '') return;
      let p: Record<string, unknown>;
      try { p = JSON.parse(text); } catch (e) {
        problems.add(() => `${predFile}:${line}: malformed JSON (${(e as Error).message})`);
        return;
      }
      if (p === null || typeof p !== 'object' || Array.isArray(p)) { problems.add(() => `${predFile}:${line}: expected a JSON object`); return; }
      if (typeof p.id !== 'string') { problems.add(() => `${predFile}:${line}: no string \`id\``); return; }
      const id = p.id;
      const field = ['answer', 'prediction', 'text'].find((k) => p[k] !== undefined);
      if (!field || typeof p[field] !== 'string') {
        problems.add(() => `${predFile}:${line}: ${field ? `\`${field}\` is not a string` : 'no `answer`, `prediction` or `text`'} (id '${id}')`);
        return;
      }
      const text0 = p[field] as string;
      const r = ev.addPrediction(id, text0, line);
      if (r.status === 'duplicate') problems.add(() => `${predFile}:${line}: duplicate id '${id}' (first on line ${r.first}; this line is ignored)`);
      else if (r.status === 'unknown') problems.add(() => `${predFile}:${line}: id '${id}' is not in ${goldFile} (ignored)`);
      else if (out) {
        const q = ev.question(r.index);
        out.write(JSON.stringify({ id, gold: q.gold, prediction: text0, normalized: r.answer, ...(o.extract ? { extracted: r.extracted } : {}),
          correct: r.correct, slices: q.slices, consistency: q.consistency, pair: q.pair, line }));
      }
    },
  });

  for (const i of ev.missing()) {
    problems.add(() => `${goldFile}:${ev.line(i)}: no prediction for id '${ev.question(i).id}'`);
    if (out) {
      const q = ev.question(i);
      out.write(JSON.stringify({ id: q.id, gold: q.gold, prediction: null, normalized: null, ...(o.extract ? { extracted: false } : {}),
        correct: false, slices: q.slices, consistency: q.consistency, pair: q.pair }));
    }
  }
  const report = ev.report();

  console.log(formatReport(report));
  o.json?.write(JSON.stringify({
    gold: goldFile, predictions: predFile,
    scale: 'every accuracy, rc, rtc and share is a fraction in [0, 1]; the printed tables show them ×100',
    problems: problems.list, problemCount: problems.count, ...report,
  }, null, 2));
  if (problems.count) {
    console.error(`\n${problems.count} problem${problems.count === 1 ? '' : 's'}:`);
    for (const p of problems.list.slice(0, o.maxProblems)) console.error(`  ${esc(p)}`);
    if (problems.count > o.maxProblems) console.error(`  … and ${problems.count - o.maxProblems} more${o.jsonName ? ` (${problems.count > problems.list.length ? `the first ${problems.list.length}` : 'all'} in ${esc(o.jsonName)})` : ' (use --json FILE to list them)'}`);
    return 1;
  }
  return 0;
}
