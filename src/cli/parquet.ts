// `rotate --format parquet`: one Parquet file per table (scenes, images, qa, sdg) with the JSONL
// records' fields as typed columns — nested records as Parquet structs and lists, not JSON text.
// Each chunk of groups becomes one row group, encoded on the worker that made the chunk (hyparquet-
// writer, SNAPPY); the main thread appends the row groups in order to `<table>.parquet.partial`,
// keeps their metadata in the checkpoint, and at the end writes the footer and renames the file.
import fs from 'node:fs';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { parquetMetadata } from 'hyparquet';
import type { Output } from './tables.js';
import { writeAll } from './outdir.js';

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];
type RowGroup = ParquetWriter['row_groups'][number];

/** A column: a leaf type, a list of a type, or a struct; `?` = may be absent (null). */
type Type = 'string' | 'int32' | 'double' | 'bool' | { list: Type } | { struct: Field[] };
type Field = [name: string, type: Type, optional?: '?'];

const list = (t: Type): Type => ({ list: t });
const struct = (...f: Field[]): Type => ({ struct: f });
const doubles = list('double');
const relation = struct(['viewer', 'int32', '?'], ['target', 'int32'], ['reference', 'int32', '?'], ['objects', 'int32'],
  ['angle', 'double'], ['cardinal', 'string'], ['clock', 'int32']);

/** The tables' schemas: the JSONL records' fields, in their order (docs/rotate.md "Parquet"). */
export const SCHEMAS: Record<Output, Field[]> = {
  scenes: [
    ['group', 'int32'], ['id', 'string'], ['role', 'string'], ['split', 'string'], ['gltf', 'string', '?'],
    ['objects', list(struct(['id', 'int32'], ['category', 'string'], ['kind', 'string'], ['name', 'string'], ['position', doubles], ['yaw', 'double'], ['size', doubles]))],
    ['subgroups', list(struct(['subgroup', 'int32'], ['yaw', doubles]))],
    ['cameras', list(struct(['camera', 'int32'], ['azimuth', 'double'], ['position', doubles], ['target', doubles], ['K', doubles], ['R', doubles], ['t', doubles]))],
  ],
  images: [
    ['image', 'string'], ['group', 'int32'], ['subgroup', 'int32'], ['camera', 'int32'], ['split', 'string'], ['yaw', doubles],
    ['rays', 'string', '?'], ['kept', 'bool'], ['drop', list('string'), '?'], ['mask', 'string', '?'], ['depth', 'string', '?'],
    ['visibility', list(struct(['object', 'int32'], ['amodal', doubles], ['visible', doubles], ['pixels', 'int32'], ['pixelsAlone', 'int32'],
      ['visibleFraction', 'double'], ['inFrame', 'double'])), '?'],
    ['relations', struct(['relative', list(relation)], ['absolute', list(relation)])],
    ['captions', list(struct(['viewpoint', 'string'], ['objects', 'int32'], ['viewer', 'int32', '?'], ['target', 'int32'], ['reference', 'int32', '?'],
      ['cardinal', 'string'], ['clock', 'int32'], ['text', 'string']))],
  ],
  qa: [
    ['id', 'string'], ['group', 'int32'], ['subgroup', 'int32'], ['camera', 'int32'], ['image', 'string'], ['task', 'string'], ['viewpoint', 'string'],
    ['relation', 'string'], ['objects', 'int32'], ['question', 'string'], ['answer', 'string'], ['consistency', 'string'], ['pair', 'string', '?'],
    ['viewer', 'int32', '?'], ['target', 'int32'], ['reference', 'int32', '?'], ['answer_text', 'string', '?'], ['split', 'string'],
  ],
  sdg: [
    ['id', 'string'], ['group', 'int32'], ['kind', 'string'], ['images', list('string')], ['same', 'string'], ['relation', 'string'],
    ['question', 'string'], ['answer', 'string'],
    ['differences', list(struct(['viewpoint', 'string'], ['viewer', 'int32', '?'], ['target', 'int32'], ['reference', 'int32', '?'], ['first', 'string'], ['second', 'string']))],
    ['split', 'string'],
  ],
};

const LEAF: Record<'string' | 'int32' | 'double' | 'bool', Partial<SchemaElement>> = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' }, int32: { type: 'INT32' }, double: { type: 'DOUBLE' }, bool: { type: 'BOOLEAN' },
};

/** The flat schema (depth first) of fields: lists in the standard 3-level form (LIST → repeated `list` → `element`). */
function elements(fields: Field[]): SchemaElement[] {
  const out: SchemaElement[] = [{ name: 'root', num_children: fields.length } as SchemaElement];
  const add = (name: string, t: Type, rep: 'REQUIRED' | 'OPTIONAL'): void => {
    if (typeof t === 'string') out.push({ name, repetition_type: rep, ...LEAF[t] } as SchemaElement);
    else if ('list' in t) {
      out.push({ name, repetition_type: rep, converted_type: 'LIST', num_children: 1 } as SchemaElement);
      out.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 } as SchemaElement);
      add('element', t.list, 'REQUIRED');
    } else {
      out.push({ name, repetition_type: rep, num_children: t.struct.length } as SchemaElement);
      for (const [n, ft, opt] of t.struct) add(n, ft, opt ? 'OPTIONAL' : 'REQUIRED');
    }
  };
  for (const [n, t, opt] of fields) add(n, t, opt ? 'OPTIONAL' : 'REQUIRED');
  return out;
}
export const PARQUET_SCHEMAS = Object.fromEntries(Object.entries(SCHEMAS).map(([o, f]) => [o, elements(f)])) as Record<Output, SchemaElement[]>;

/** A field of a record that its schema does not have would be lost without a word: refuse it. */
function checkFields(o: Output, fields: Field[], v: Record<string, unknown>, where: string): void {
  for (const k of Object.keys(v)) {
    const f = fields.find((x) => x[0] === k);
    if (!f) throw new Error(`parquet: ${o} record field '${where}${k}' is not in the Parquet schema (src/cli/parquet.ts)`);
    let t = f[1];
    let x = v[k];
    while (typeof t === 'object' && 'list' in t && Array.isArray(x)) { t = t.list; x = x[0]; }
    if (typeof t === 'object' && 'struct' in t && x && typeof x === 'object') checkFields(o, t.struct, x as Record<string, unknown>, `${where}${k}.`);
  }
}

const CODEC = 'SNAPPY';
const MAGIC = 0x31524150;  // "PAR1"

/** One row group of `rows` (the JSONL records of a chunk): its bytes (as they follow the file's leading magic) and its metadata. */
export interface EncodedRowGroup { bytes: Uint8Array; rowGroup: RowGroup | null }

export function encodeRowGroup(o: Output, rows: Record<string, unknown>[]): EncodedRowGroup {
  if (rows.length === 0) return { bytes: new Uint8Array(0), rowGroup: null };
  // The first record of each chunk is checked field by field (every record of a table is built by one function).
  checkFields(o, SCHEMAS[o], rows[0], '');
  const writer = new ByteWriter(1 << 20);
  const pw = new ParquetWriter({ writer, schema: PARQUET_SCHEMAS[o], codec: CODEC, statistics: false });
  pw.write({
    columnData: SCHEMAS[o].map(([name]) => ({ name, data: rows.map((r) => r[name] ?? null), columnIndex: false, offsetIndex: false })),
    rowGroupSize: rows.length + 1,
  });
  return { bytes: new Uint8Array(writer.getBuffer().slice(4)), rowGroup: pw.row_groups[0] };
}

/** Moves a row group's file offsets by `by` bytes (it was encoded at the start of a file, it lands further on). */
function shift(rg: RowGroup, by: bigint): RowGroup {
  for (const c of rg.columns) {
    c.file_offset += by;
    const m = c.meta_data;
    if (!m) continue;
    m.data_page_offset += by;
    if (m.dictionary_page_offset !== undefined) m.dictionary_page_offset += by;
    if (m.index_page_offset !== undefined) m.index_page_offset += by;
  }
  return rg;
}

/** Row groups in a checkpoint (JSON): bigints as {"$bigint": "…"}. */
export const toJson = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? { $bigint: v.toString() } : v);
export function fromJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(fromJson) as T;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$bigint === 'string' && Object.keys(o).length === 1) return BigInt(o.$bigint) as T;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromJson(x)])) as T;
  }
  return v;
}

/** A Parquet file being appended to: its size and the metadata of the row groups in it. */
export interface ParquetState { bytes: number; rowGroups: RowGroup[] }
export const newParquet = (): ParquetState => ({ bytes: 4, rowGroups: [] });
export const HEADER = Buffer.from('PAR1');

/** Appends an encoded row group at the end of `st` (the fd is positioned there); updates `st`. */
export function appendRowGroup(fd: number, st: ParquetState, e: EncodedRowGroup): void {
  if (!e.rowGroup) return;
  writeAll(fd, Buffer.from(e.bytes.buffer, e.bytes.byteOffset, e.bytes.byteLength));
  st.rowGroups.push(shift(e.rowGroup, BigInt(st.bytes - 4)));
  st.bytes += e.bytes.byteLength;
}

/** The footer (metadata, its length, the closing magic) of a file holding `rowGroups`. */
export function footer(o: Output, rowGroups: RowGroup[]): Buffer {
  const writer = new ByteWriter(1 << 16);
  const pw = new ParquetWriter({ writer, schema: PARQUET_SCHEMAS[o], codec: CODEC, statistics: false, createdBy: 'spatialkit rotate (hyparquet-writer)' });
  pw.row_groups = rowGroups;
  pw.num_rows = rowGroups.reduce((a, r) => a + r.num_rows, 0n);
  pw.finish();
  return Buffer.from(writer.getBuffer().slice(4));
}

/**
 * Writes `target`'s temporary file as the concatenation of the row groups of `sources` (Parquet
 * files of the same table): their bytes between the magic and the footer, offsets moved, one footer.
 */
export function concatParquet(o: Output, sources: string[], fd: number): number {
  fs.writeSync(fd, HEADER);
  const st = newParquet();
  for (const f of sources) {
    const data = fs.readFileSync(f);
    const meta = parquetMetadata(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
    const end = data.length - 8 - data.readUInt32LE(data.length - 8);
    writeAll(fd, data.subarray(4, end));
    for (const rg of meta.row_groups as RowGroup[]) st.rowGroups.push(shift(plain(rg), BigInt(st.bytes - 4)));
    st.bytes += end - 4;
  }
  const tail = footer(o, st.rowGroups);
  writeAll(fd, tail);
  return st.bytes + tail.length;
}

/** hyparquet's parsed row group in the form the writer takes (the fields the writer wrote). */
function plain(rg: RowGroup): RowGroup {
  return {
    columns: rg.columns.map((c) => ({
      file_offset: c.file_offset,
      meta_data: c.meta_data && {
        type: c.meta_data.type, encodings: c.meta_data.encodings, path_in_schema: c.meta_data.path_in_schema, codec: c.meta_data.codec,
        num_values: c.meta_data.num_values, total_uncompressed_size: c.meta_data.total_uncompressed_size,
        total_compressed_size: c.meta_data.total_compressed_size, data_page_offset: c.meta_data.data_page_offset,
        ...(c.meta_data.dictionary_page_offset !== undefined ? { dictionary_page_offset: c.meta_data.dictionary_page_offset } : {}),
        ...(c.meta_data.encoding_stats ? { encoding_stats: c.meta_data.encoding_stats } : {}),
        ...(c.meta_data.size_statistics ? { size_statistics: c.meta_data.size_statistics } : {}),
      },
    })),
    total_byte_size: rg.total_byte_size, num_rows: rg.num_rows,
    ...(rg.total_compressed_size !== undefined ? { total_compressed_size: rg.total_compressed_size } : {}),
  } as RowGroup;
}
export { MAGIC };
