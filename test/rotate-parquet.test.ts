// `spatialkit rotate --format parquet`: every table read back by pyarrow (a real reader, in a Python
// venv this test creates where absent) equals the JSONL of the same run record for record, with
// the documented column types; the same bytes for any --jobs; shards merge; a failing write leaves
// no Parquet file behind and the run resumes to the same bytes.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { checkBuilt, rotate, snapshot } from './rotate-run.js';
import { encodeRowGroup, footer, HEADER, PARQUET_SCHEMAS, SCHEMAS } from '../src/cli/parquet.js';
import { parquetReadObjects } from 'hyparquet';
import type { Output } from '../src/cli/tables.js';
import { makeGroup, settings } from '../src/scene/generate.js';
import { emptyCounts, groupLines } from '../src/scene/records.js';
import { groupVisibility } from '../src/scene/visibility.js';
import type { PresetName } from '../src/scene/preset.js';

const TABLES = ['scenes', 'images', 'qa', 'sdg'];
/** Made by .ci/run, or here on first use; kept between runs (pip works offline from the local mirror). */
const VENV = process.env.SPATIALKIT_PYARROW_VENV ?? path.join(os.tmpdir(), 'spatialkit-pyarrow-venv');
const PY = path.join(VENV, 'bin', 'python');

/** Why pyarrow cannot be used here, or '' when it can. */
function pyarrow(): string {
  const has = (): boolean => spawnSync(PY, ['-c', 'import pyarrow'], { encoding: 'utf8' }).status === 0;
  if (fs.existsSync(PY) && has()) return '';
  const venv = spawnSync('python3', ['-m', 'venv', VENV], { encoding: 'utf8' });
  if (venv.status !== 0) return `python3 -m venv failed: ${(venv.stderr || String(venv.error)).trim().split('\n').pop()}`;
  const pip = spawnSync(path.join(VENV, 'bin', 'pip'), ['install', '-q', 'pyarrow'], { encoding: 'utf8', timeout: 300_000 });
  if (pip.status !== 0 || !has()) return `pip install pyarrow failed: ${(pip.stderr || '').trim().split('\n').pop()}`;
  return '';
}

// Reads each table with pyarrow and compares with the JSONL: rows (absent optional fields are
// nulls in Parquet), the top-level schema, the codec.
const CHECK = `
import json, sys, pyarrow.parquet as pq
d = sys.argv[1]
def norm(v):
    if isinstance(v, dict): return {k: norm(x) for k, x in v.items() if x is not None}
    if isinstance(v, list): return [norm(x) for x in v]
    return v
out = {}
for t in ['scenes', 'images', 'qa', 'sdg']:
    f = pq.ParquetFile(f'{d}/{t}.parquet')
    tab = f.read()
    rows = [norm(r) for r in tab.to_pylist()]
    want = [json.loads(l) for l in open(f'{d}/{t}.jsonl')]
    diff = next(({'index': i, 'parquet': a, 'jsonl': b} for i, (a, b) in enumerate(zip(rows, want)) if a != b), None)
    out[t] = {'rows': tab.num_rows, 'jsonl': len(want), 'equal': rows == want, 'diff': diff,
              'types': {fld.name: str(fld.type) + ('' if fld.nullable else ' not null') for fld in tab.schema},
              'codecs': sorted({f.metadata.row_group(g).column(c).compression for g in range(f.num_row_groups) for c in range(f.metadata.num_columns)}),
              'rowGroups': f.num_row_groups}
print(json.dumps(out))
`;

let tmp: string;
let why = '';
beforeAll(() => {
  checkBuilt(['rotate-chunk', 'rotate-worker', 'parquet']);  // --jobs 2 runs dist/ on worker threads
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sk-rotate-pq-'));
  why = pyarrow();
  if (why) console.log(`pyarrow checks skipped: ${why}`);
}, 400_000);
afterAll(() => { fs.rmSync(tmp, { recursive: true, force: true }); });
afterEach(() => { vi.restoreAllMocks(); });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function readBack(dir: string): Record<string, any> {
  const r = spawnSync(PY, ['-c', CHECK, dir], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`pyarrow: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('spatialkit rotate --format parquet, read back by pyarrow', () => {
  const runs: [string, string[]][] = [
    ['paper preset, visibility records and the filter, 3 chunks', ['--chunk', '5']],
    ['small preset, sentence answers, --rays, --masks, --gltf, no filter', ['--preset', 'small', '--answers', 'sentence', '--rays', '8x8', '--masks', '--gltf', '--visibility-res', 'off', '--image', '64x64']],
  ];
  it.each(runs)('%s: every table equals the JSONL of the same run, typed columns, SNAPPY', async (name, extra, ctx) => {
    if (why) { console.log(`skipped: ${why}`); ctx.skip(); }
    const dir = path.join(tmp, name.split(' ')[0]);
    const r = await rotate('--groups', '12', '--seed', '3', '--format', 'jsonl,parquet', '--out', dir, '--quiet', ...extra);
    expect(r.code, r.err).toBe(0);
    const got = readBack(dir);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    for (const t of TABLES) {
      expect(got[t].diff, t).toBeNull();
      expect(got[t].equal, t).toBe(true);
      expect(got[t].rows, t).toBe(got[t].jsonl);
      expect(got[t].rows, t).toBe(manifest.counts.records[t]);
      expect(manifest.files[`${t}.parquet`], t).toEqual({ records: got[t].rows, bytes: fs.statSync(path.join(dir, `${t}.parquet`)).size });
      expect(got[t].codecs, t).toEqual(['SNAPPY']);
    }
    expect(got.scenes.rows).toBe(12);
    if (extra.includes('--chunk')) expect(got.images.rowGroups).toBe(3);
    // Nested records are structs and lists, not JSON text.
    expect(got.scenes.types.group).toBe('int32 not null');
    expect(got.scenes.types.objects).toMatch(/^list<element: struct<id: int32 not null, category: string not null, .*position: list<element: double not null> not null/);
    expect(got.images.types.kept).toBe('bool not null');
    expect(got.images.types.relations).toMatch(/^struct<relative: list<element: struct<viewer: int32, target: int32 not null/);
    expect(got.images.types.captions).toMatch(/^list<element: struct<viewpoint: string not null/);
    expect(got.qa.types.answer).toBe('string not null');
    expect(got.sdg.types.differences).toMatch(/^list<element: struct</);
    if (extra.includes('--masks')) {
      expect(got.images.types.mask).toBe('string');
      expect(got.qa.types.answer_text).toBe('string');
    } else {
      expect(got.images.types.visibility).toMatch(/^list<element: struct<object: int32 not null, amodal: list<element: double not null> not null/);
    }
  }, 120_000);

  it('--format parquet alone writes no JSONL; --jobs 1 and 2 write the same bytes', async () => {
    const one = path.join(tmp, 'pq-1'), two = path.join(tmp, 'pq-2');
    const args = ['--groups', '17', '--seed', '9', '--chunk', '4', '--quiet', '--format', 'parquet'];
    expect((await rotate(...args, '--out', one, '--jobs', '1')).code).toBe(0);
    expect((await rotate(...args, '--out', two, '--jobs', '2')).code).toBe(0);
    expect(fs.readdirSync(one).filter((f) => f.endsWith('.jsonl'))).toEqual([]);
    expect(snapshot(two)).toEqual(snapshot(one));
  }, 120_000);

  // 17 groups in 3 shards start at groups 0, 5 and 11: with --chunk 4 the shard boundaries cut
  // chunks [4, 8) and [8, 12); with --chunk 16 one chunk spans all three shards; with --chunk 200
  // the whole run is one chunk.
  it.each([['4'], ['16'], ['200']])('--chunk %s: shards --merge to the unsharded bytes, Parquet and JSONL alike', async (chunk, ctx) => {
    const parts = path.join(tmp, `pq-parts-${chunk}`), both = path.join(tmp, `pq-both-${chunk}`);
    const args = ['--groups', '17', '--seed', '9', '--chunk', chunk, '--quiet', '--format', 'jsonl,parquet'];
    for (let i = 0; i < 3; i++) expect((await rotate(...args, '--out', parts, '--shard', `${i}/3`)).code).toBe(0);
    const merged = await rotate('--merge', '3', '--out', parts, '--quiet');
    expect(merged.code, merged.err).toBe(0);
    expect((await rotate(...args, '--out', both)).code).toBe(0);
    for (const f of [...TABLES.flatMap((t) => [`${t}.jsonl`, `${t}.parquet`]), 'manifest.json', 'summary.md']) {
      expect(fs.readFileSync(path.join(parts, f)).equals(fs.readFileSync(path.join(both, f))), f).toBe(true);
    }
    if (why) { console.log(`pyarrow part skipped: ${why}`); ctx.skip(); }
    const got = readBack(parts);
    for (const t of TABLES) expect(got[t].equal && got[t].rows === got[t].jsonl, t).toBe(true);
    expect(got.scenes.rowGroups).toBe(Math.ceil(17 / Number(chunk)));
  }, 120_000);

  it('a shard made with another --chunk still merges to the same rows (row groups of the first shard\'s chunk)', async (ctx) => {
    const parts = path.join(tmp, 'pq-parts-mixed'), both = path.join(tmp, 'pq-both-mixed');
    const args = ['--groups', '17', '--seed', '9', '--quiet', '--format', 'jsonl,parquet'];
    for (let i = 0; i < 3; i++) expect((await rotate(...args, '--chunk', i === 1 ? '3' : '4', '--out', parts, '--shard', `${i}/3`)).code).toBe(0);
    expect((await rotate('--merge', '3', '--out', parts, '--quiet')).code).toBe(0);
    expect((await rotate(...args, '--chunk', '4', '--out', both)).code).toBe(0);
    for (const t of TABLES) expect(fs.readFileSync(path.join(parts, `${t}.parquet`)).equals(fs.readFileSync(path.join(both, `${t}.parquet`))), t).toBe(true);
    if (why) { console.log(`pyarrow part skipped: ${why}`); ctx.skip(); }
    const got = readBack(parts);
    for (const t of TABLES) expect(got[t].equal, t).toBe(true);
  }, 120_000);

  it('a failing write (ENOSPC) leaves no .parquet file; the same command then resumes to the same bytes', async () => {
    const ref = path.join(tmp, 'pq-ref'), dir = path.join(tmp, 'pq-fail');
    const args = ['--groups', '12', '--seed', '4', '--chunk', '4', '--format', 'jsonl,parquet', '--quiet', '--jobs', '1'];
    expect((await rotate(...args, '--out', ref)).code).toBe(0);
    // The disk fills while the second chunk's images row group is written.
    const real = fs.writeSync;
    let images = 0;
    vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, ...rest: unknown[]) => {
      const p = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (p.endsWith('images.parquet.partial') && ++images === 2) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return (real as (...a: unknown[]) => number)(fd, ...rest);
    }) as typeof fs.writeSync);
    const r = await rotate(...args, '--out', dir);
    vi.restoreAllMocks();
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot write .*images\.parquet\.partial: ENOSPC/);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.parquet') || f === 'manifest.json')).toEqual([]);
    const resumed = await rotate(...args, '--out', dir);
    expect(resumed.code, resumed.err).toBe(0);
    expect(snapshot(dir)).toEqual(snapshot(ref));
  }, 120_000);

  it('--format expects jsonl, parquet or both', async () => {
    const r = await rotate('--groups', '1', '--format', 'csv', '--out', path.join(tmp, 'bad'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--format expects 'jsonl' or 'parquet' but received 'csv'/);
  });
});

// The encoder computes the Dremel levels itself (src/cli/parquet.ts); hyparquet-writer's own
// ParquetWriter walks the schema generically: both must write the same row group (on pages under
// 64 KiB both compress with hyparquet-writer's Snappy).
describe('the Parquet row-group encoder', () => {
  function generic(o: Output, rows: Record<string, unknown>[]): Buffer {
    const writer = new ByteWriter();
    const pw = new ParquetWriter({ writer, schema: PARQUET_SCHEMAS[o], codec: 'SNAPPY', statistics: false });
    pw.write({ columnData: SCHEMAS[o].map(([name]) => ({ name, data: rows.map((r) => r[name] ?? null), columnIndex: false, offsetIndex: false })), rowGroupSize: rows.length + 1 });
    return Buffer.from(writer.getBuffer().slice(4));
  }
  it.each([['paper'], ['small']] as [PresetName][])('%s preset, visibility records (kept and dropped), optional fields and empty lists: the bytes of hyparquet-writer\'s generic encoder', async (preset) => {
    const image = [64, 64];
    const s = settings({ seed: 5, groups: 8, preset, qaGroups: 'both', ring: { count: 8, radius: 10, height: 6, fov: 40, image } });
    const groups = Array.from({ length: 8 }, (_, g) => makeGroup(s, g));
    const vis = await groupVisibility(groups, { image, res: [16, 16], minVisible: 0.5, minPixels: 40 });
    const rows: Record<Output, Record<string, unknown>[]> = { scenes: [], images: [], qa: [], sdg: [] };
    groups.forEach((g, i) => {
      const lines = groupLines(g, emptyCounts(), {
        text: { preset, answers: 'sentence', kept: vis[i].map((v) => v.kept) }, visibility: vis[i], rays: Array.from({ length: 8 }, (_, k) => `rays/c${k}.npy`),
        files: { masks: true, gltf: i % 2 === 0 }, rows: true,
      });
      for (const o of TABLES as Output[]) rows[o].push(...lines.rows![o]);
    });
    // The edge cases are there: absent optional fields, dropped images, images without captions.
    expect(rows.images.some((r) => r.drop) && rows.images.some((r) => !r.drop)).toBe(true);
    expect(rows.images.some((r) => (r.captions as unknown[]).length === 0) && rows.images.some((r) => (r.captions as unknown[]).length > 0)).toBe(true);
    expect(rows.scenes.some((r) => r.gltf) && rows.scenes.some((r) => !r.gltf)).toBe(true);
    for (const o of TABLES as Output[]) {
      expect(rows[o].length, o).toBeGreaterThan(0);
      expect(Buffer.from(encodeRowGroup(o, rows[o]).bytes).equals(generic(o, rows[o])), o).toBe(true);
    }
  }, 60_000);

  it('pages of 64 KiB and more (WebAssembly Snappy): the same rows give the same bytes whatever was encoded before, and read back equal', async () => {
    const row = (i: number, salt: string): Record<string, unknown> => ({
      id: `q${i}`, group: i >> 4, subgroup: 0, camera: i & 7, image: `g${i >> 4}`, task: 't', viewpoint: 'v', relation: 'r', objects: 2,
      question: `${salt} ${hex(i)} ${hex(i + 1)}?`, answer: 'a', consistency: 'c', target: 1, split: 'train',
    });
    // Text with few repeats (Snappy skips ahead there). A reused hysnappy instance made rotate's bytes
    // depend on earlier pages (seen in-process: --merge then a fresh run); this case did not show it.
    const hex = (i: number): string => (Math.imul(i + 1, 0x9e3779b1) >>> 0).toString(16).padStart(8, '0');
    const a = Array.from({ length: 4000 }, (_, i) => row(i, 'first')), b = Array.from({ length: 5000 }, (_, i) => row(i + 2, 'first'));
    const first = Buffer.from(encodeRowGroup('qa', a).bytes);
    encodeRowGroup('qa', b);
    expect(Buffer.from(encodeRowGroup('qa', a).bytes).equals(first)).toBe(true);
    // A whole file of that row group, read back by hyparquet.
    const enc = encodeRowGroup('qa', a);
    const file = Buffer.concat([HEADER, Buffer.from(enc.bytes), footer('qa', [enc.rowGroup!], 200)]);
    const rows = await parquetReadObjects({ file: file.buffer.slice(file.byteOffset, file.byteOffset + file.length) as ArrayBuffer });
    expect(rows.map((r) => r.question)).toEqual(a.map((r) => r.question));
  });

  it('a record without a required field, or with a field the schema lacks, is an error naming it', () => {
    const row = { id: 'q', group: 0, subgroup: 0, camera: 0, image: 'g0', task: 't', viewpoint: 'v', relation: 'r', objects: 2, question: 'q?', answer: 'a', consistency: 'c', target: 1, split: 'train' };
    expect(encodeRowGroup('qa', [row]).rowGroup?.num_rows).toBe(1n);
    expect(() => encodeRowGroup('qa', [row, { ...row, answer: undefined }])).toThrow(/required field 'answer' has no value/);
    expect(() => encodeRowGroup('qa', [{ ...row, extra: 1 }])).toThrow(/qa record field 'extra' is not in the Parquet schema/);
    expect(encodeRowGroup('qa', []).rowGroup).toBeNull();
  });
});
