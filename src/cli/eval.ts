// `spatialkit eval`: scores a predictions file against the gold questions `spatialkit rotate`
// wrote (qa.jsonl) and prints ROTATE-style tables: accuracy by task × viewpoint × relation
// (Table 4), Rotation Consistency and Relationship-Type Consistency (Table 5), and answer bias.
// Every malformed line, duplicate id, unknown id and missing prediction is reported with its file
// and line; the report is still printed, and the exit code is then 1.
import fs from 'node:fs';
import readline from 'node:readline';
import { parseArgs } from './suggest.js';
import { checkGold, evaluate, type EvalReport, type GoldQuestion, type SliceReport } from '../evaluate.js';
import { OOS_MODES, type OosMode } from '../metrics.js';

export const describe = 'Score predictions against ROTATE gold questions (accuracy, RC, RTC, answer bias)';

const HELP = `Usage: spatialkit eval --gold qa.jsonl --pred predictions.jsonl [--json out.json] [--oos byText|eachDistinct]

  --gold FILE   gold questions, one JSON object per line, as \`spatialkit rotate\` writes them
                (id, task, viewpoint, relation, answer, objects, consistency, pair)
  --pred FILE   predictions, one JSON object per line: {"id": "...", "answer": "..."}
                ("prediction" or "text" are accepted in place of "answer")
  --json FILE   also write the full report (every slice, missing ids, problems) as JSON
  --oos MODE    out-of-set answers in Normalized Entropy: one category per text (byText,
                default) or each its own (eachDistinct)
  --max-problems N   problems printed to stderr (default 20; --json lists all)

Missing predictions count as wrong and are left out of RC, RTC and the bias figures.
Exit code: 0 = clean, 1 = problems were found (they are listed; the report is still printed),
2 = usage error or unreadable file.`;

interface Line { line: number; value: unknown }

/** Parses a JSONL file; blank lines are skipped, malformed ones recorded as problems. */
async function readJsonl(file: string, problems: string[]): Promise<Line[]> {
  const out: Line[] = [];
  const rl = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (text.trim() === '') continue;
    try {
      out.push({ line, value: JSON.parse(text) });
    } catch (e) {
      problems.push(`${file}:${line}: malformed JSON (${(e as Error).message})`);
    }
  }
  return out;
}

const pct = (x: number | null, digits = 1): string => (x === null ? '—' : (100 * x).toFixed(digits));
const num = (x: number | null, digits = 2): string => (x === null ? '—' : x.toFixed(digits));
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
  const lines = ['Consistency — ROTATE Table 5 layout (RC = mean Normalized Entropy × 100, lower is more consistent)',
    row(['', 'RC', 'groups', 'RTC (%)', 'pairs'], w)];
  const add = (name: string, s: SliceReport): void => { lines.push(row([name, num(s.rc), String(s.groups), pct(s.rtc), String(s.pairs)], w)); };
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
    lines.push(row([name, String(s.answered), pct(s.accuracy), s.topAnswer ?? '—', pct(s.topShare), pct(s.goldTopShare), pct(s.oosRate)], w));
  };
  for (const t of ['judgement', 'prediction'] as const) add(t, r.task[t]);
  for (const v of ['relative', 'absolute'] as const) add(v, r.viewpoint[v]);
  for (const rel of ['cardinal', 'clock'] as const) add(rel, r.relation[rel]);
  for (const [k, s] of Object.entries(r.objects)) add(`${k} objects`, s);
  add('all', r.total);
  return lines;
}

export function formatReport(r: EvalReport): string {
  const head = `${r.questions} questions, ${r.answered} answered (${r.missing.length} missing, ${r.extra.length} extra ids ignored); ` +
    `out-of-set answers in NE: ${r.oos}`;
  return [head, '', ...accuracyTable(r), '', ...consistencyTable(r), '', ...biasTable(r)].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        gold: { type: 'string' }, pred: { type: 'string' }, json: { type: 'string' }, oos: { type: 'string' },
        'max-problems': { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    console.error(`spatialkit eval: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) { console.log(HELP); return 0; }
  if (!values.gold || !values.pred) { console.error(`spatialkit eval: --gold and --pred are required\n\n${HELP}`); return 2; }
  const oos = (values.oos ?? 'byText') as OosMode;
  if (!OOS_MODES.includes(oos)) { console.error(`spatialkit eval: --oos must be one of ${OOS_MODES.join(', ')}, not '${values.oos}'`); return 2; }
  const maxProblems = Number(values['max-problems'] ?? 20);
  if (!Number.isInteger(maxProblems) || maxProblems < 0) { console.error('spatialkit eval: --max-problems must be a non-negative integer'); return 2; }
  for (const f of [values.gold, values.pred]) {
    try { fs.accessSync(f, fs.constants.R_OK); } catch { console.error(`spatialkit eval: cannot read ${f}`); return 2; }
  }

  const problems: string[] = [];
  const goldFile = values.gold, predFile = values.pred;
  const gold: GoldQuestion[] = [];
  const goldLine = new Map<string, number>();
  for (const { line, value } of await readJsonl(goldFile, problems)) {
    let q: GoldQuestion;
    try { q = checkGold(value, ''); } catch (e) { problems.push(`${goldFile}:${line}: ${(e as Error).message}`); continue; }
    const first = goldLine.get(q.id);
    if (first !== undefined) { problems.push(`${goldFile}:${line}: duplicate id '${q.id}' (first on line ${first}; this line is ignored)`); continue; }
    goldLine.set(q.id, line);
    gold.push(q);
  }

  const preds = new Map<string, string>();
  const predLine = new Map<string, number>();
  for (const { line, value } of await readJsonl(predFile, problems)) {
    const p = value as Record<string, unknown>;
    if (p === null || typeof p !== 'object' || Array.isArray(p)) { problems.push(`${predFile}:${line}: expected a JSON object`); continue; }
    if (typeof p.id !== 'string') { problems.push(`${predFile}:${line}: no string \`id\``); continue; }
    const field = ['answer', 'prediction', 'text'].find((k) => p[k] !== undefined);
    if (!field || typeof p[field] !== 'string') {
      problems.push(`${predFile}:${line}: ${field ? `\`${field}\` is not a string` : 'no `answer`, `prediction` or `text`'} (id '${p.id}')`);
      continue;
    }
    const first = predLine.get(p.id);
    if (first !== undefined) { problems.push(`${predFile}:${line}: duplicate id '${p.id}' (first on line ${first}; this line is ignored)`); continue; }
    predLine.set(p.id, line);
    if (!goldLine.has(p.id)) problems.push(`${predFile}:${line}: id '${p.id}' is not in ${goldFile} (ignored)`);
    preds.set(p.id, p[field] as string);  // unknown ids too: the report lists them as extra
  }

  let report: EvalReport;
  try {
    report = evaluate(gold, preds, { oos });
  } catch (e) {
    // Cross-record inconsistencies (e.g. two cardinal questions under one pair key).
    console.error(`spatialkit eval: ${(e as Error).message}`);
    return 1;
  }
  for (const id of report.missing) problems.push(`${goldFile}:${goldLine.get(id)}: no prediction for id '${id}'`);

  console.log(formatReport(report));
  if (values.json) {
    fs.writeFileSync(values.json, JSON.stringify({ gold: goldFile, predictions: predFile, problems, ...report }, null, 2) + '\n');
  }
  if (problems.length) {
    console.error(`\n${problems.length} problem${problems.length === 1 ? '' : 's'}:`);
    for (const p of problems.slice(0, maxProblems)) console.error(`  ${p}`);
    if (problems.length > maxProblems) console.error(`  … and ${problems.length - maxProblems} more${values.json ? ` (all in ${values.json})` : ' (use --json FILE to list all)'}`);
    return 1;
  }
  return 0;
}
