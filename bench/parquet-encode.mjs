// node bench/parquet-encode.mjs [GROUPS=200] [RUNS=7]: CPU ms (user + sys of the process: steadier
// than wall time on a shared machine) to encode one chunk of `rotate --format parquet` (GROUPS
// groups, paper preset, visibility records) as Parquet row groups, per table: spatialkit's encoder
// (src/cli/parquet.ts) next to hyparquet-writer's own ParquetWriter on the same rows (the peer,
// which writes the same bytes), and the reference it adds to: making the same records and their
// JSONL (groupLines). Median of RUNS interleaved runs after one warm-up run; each run encodes rows
// made once (a real run's rows are fresh, and it pays the JIT's warm-up in each worker: see
// docs/rotate.md "Sizes and cost" for whole runs).
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { encodeRowGroup, PARQUET_SCHEMAS, SCHEMAS } from '../dist/cli/parquet.js';
import { makeGroup, settings } from '../dist/scene/generate.js';
import { emptyCounts, groupLines } from '../dist/scene/records.js';
import { groupVisibility } from '../dist/scene/visibility.js';

const GROUPS = +(process.argv[2] ?? 200), RUNS = +(process.argv[3] ?? 7);
const TABLES = ['scenes', 'images', 'qa', 'sdg'];
const image = [512, 512];
const s = settings({ seed: 0, groups: GROUPS, preset: 'paper', ring: { count: 8, radius: 10, height: 6, fov: 40, image } });
const groups = Array.from({ length: GROUPS }, (_, g) => makeGroup(s, g));
const vis = await groupVisibility(groups, { image, res: [128, 128], minVisible: 0.5, minPixels: 400 });

function records() {
  const rows = { scenes: [], images: [], qa: [], sdg: [] };
  let bytes = 0;
  groups.forEach((g, i) => {
    const lines = groupLines(g, emptyCounts(), { text: { preset: 'paper', kept: vis[i].map((v) => v.kept) }, visibility: vis[i], rows: true });
    for (const o of TABLES) { rows[o].push(...lines.rows[o]); bytes += lines[o].length; }
  });
  return { rows, bytes };
}
function library(o, rows) {
  const writer = new ByteWriter();
  const pw = new ParquetWriter({ writer, schema: PARQUET_SCHEMAS[o], codec: 'SNAPPY', statistics: false });
  pw.write({ columnData: SCHEMAS[o].map(([name]) => ({ name, data: rows.map((r) => r[name] ?? null), columnIndex: false, offsetIndex: false })), rowGroupSize: rows.length + 1 });
  return writer.offset;
}
const time = (f) => { const c = process.cpuUsage(); const r = f(); const d = process.cpuUsage(c); return [(d.user + d.system) / 1000, r]; };
const med = (t) => [...t].sort((a, b) => a - b)[t.length >> 1];

const { rows, bytes } = records();
const t = { records: [], spatialkit: [], library: [] };
const per = Object.fromEntries(TABLES.map((o) => [o, { spatialkit: [], library: [], bytes: 0 }]));
for (let r = -1; r < RUNS; r++) {
  if (r < 0) { records(); for (const o of TABLES) { encodeRowGroup(o, rows[o]); library(o, rows[o]); } continue; }
  t.records.push(time(records)[0]);
  let a = 0, b = 0;
  for (const o of TABLES) {
    const [ta, e] = time(() => encodeRowGroup(o, rows[o]));
    const [tb] = time(() => library(o, rows[o]));
    per[o].spatialkit.push(ta); per[o].library.push(tb); per[o].bytes = e.bytes.length;
    a += ta; b += tb;
  }
  t.spatialkit.push(a); t.library.push(b);
}
console.log(`${GROUPS} groups, CPU ms, median of ${RUNS}; records + JSONL (${(bytes / 1e6).toFixed(1)} MB of JSON): ${med(t.records).toFixed(0)} ms`);
for (const o of TABLES) console.log(`  ${o.padEnd(7)} ${String(rows[o].length).padStart(7)} rows: spatialkit ${med(per[o].spatialkit).toFixed(1)} ms, hyparquet-writer ${med(per[o].library).toFixed(1)} ms, ${(per[o].bytes / 1e6).toFixed(2)} MB`);
console.log(`  all tables: spatialkit ${med(t.spatialkit).toFixed(0)} ms (${(100 * med(t.spatialkit) / med(t.records)).toFixed(0)} % of the records), hyparquet-writer ${med(t.library).toFixed(0)} ms`);
