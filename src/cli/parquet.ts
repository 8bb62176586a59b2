// `rotate --format parquet`: one Parquet file per table (scenes, images, qa, sdg) with the JSONL
// records' fields as typed columns — nested records as Parquet structs and lists, not JSON text.
// Each chunk of groups becomes one row group, encoded on the worker that made the chunk (hyparquet-
// writer, SNAPPY); the main thread appends the row groups in order to `<table>.parquet.partial`,
// keeps their metadata in the checkpoint, and at the end writes the footer and renames the file.
import fs from 'node:fs';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { snappyCompressor } from 'hysnappy';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import type { Output } from './tables.js';
import { writeAll } from './outdir.js';
import { bitWidth, Bytes, chooseDictionary, plainBooleans, plainNumbers, plainStrings, rleHybrid } from './parquet-pages.js';
import { describe as describeValue } from '../validate.js';

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

/** A leaf column: its schema path (root first), physical type, steps from a record to its values, and levels. */
interface Leaf {
  path: SchemaElement[]; kind: Kind; steps: Step[]; maxDefinitionLevel: number; maxRepetitionLevel: number;
}
type Kind = 'string' | 'int32' | 'double' | 'bool';
/** One step of a leaf's path: the member `name` of the value at hand; `list`: a list whose elements take the next step (or are the values). */
interface Step { name: string; optional: boolean; list: boolean }
/**
 * A leaf column of a chunk: `slots` level slots (a value, a null, or an empty list each), their
 * definition levels (null for a required top-level column) and repetition levels (null outside
 * lists), and the values in order — nulls and empty lists hold none; booleans as 0/1.
 */
interface Shredded { slots: number; def: Uint8Array | null; rep: Uint8Array | null; values: (string | number)[] }

/**
 * The flat schema (depth first) of fields, lists in the standard 3-level form (LIST → repeated
 * `list` → `element`), and its leaf columns in the same order.
 */
function compile(fields: Field[]): { schema: SchemaElement[]; leaves: Leaf[] } {
  const root = { name: 'root', num_children: fields.length } as SchemaElement;
  const schema: SchemaElement[] = [root];
  const leaves: Leaf[] = [];
  // `step` reads this node's value from its parent's (for a list's `element`: the list step itself).
  const add = (name: string, t: Type, rep: 'REQUIRED' | 'OPTIONAL', parent: SchemaElement[], steps: Step[], step: Step): void => {
    const e = (x: Partial<SchemaElement>): SchemaElement[] => { schema.push(x as SchemaElement); return [...parent, x as SchemaElement]; };
    if (typeof t === 'string') {
      const all = [...steps, step];
      const path = e({ name, repetition_type: rep, ...LEAF[t] });
      leaves.push({
        path, kind: t, steps: all, maxDefinitionLevel: all.reduce((n, s) => n + +s.optional + +s.list, 0),
        maxRepetitionLevel: path.filter((x) => x.repetition_type === 'REPEATED').length,
      });
    } else if ('list' in t) {
      if (step.list) throw new Error('parquet: a list of lists is not supported');
      const wrapper = e({ name, repetition_type: rep, converted_type: 'LIST', num_children: 1 });
      schema.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 } as SchemaElement);
      add('element', t.list, 'REQUIRED', [...wrapper, schema[schema.length - 1]], steps, { ...step, list: true });
    } else {
      const path = e({ name, repetition_type: rep, num_children: t.struct.length });
      for (const [n, ft, opt] of t.struct) add(n, ft, opt ? 'OPTIONAL' : 'REQUIRED', path, [...steps, step], { name: n, optional: !!opt, list: false });
    }
  };
  for (const [n, t, opt] of fields) add(n, t, opt ? 'OPTIONAL' : 'REQUIRED', [root], [], { name: n, optional: !!opt, list: false });
  return { schema, leaves };
}

const COMPILED = Object.fromEntries(Object.entries(SCHEMAS).map(([o, f]) => [o, compile(f)])) as Record<Output, ReturnType<typeof compile>>;
const SHREDDERS = Object.fromEntries(Object.entries(COMPILED).map(([o, c]) => [o, tableShredder(SCHEMAS[o as Output], c.leaves)])) as Record<Output, (rows: Record<string, unknown>[]) => Shredded[]>;
export const PARQUET_SCHEMAS = Object.fromEntries(Object.entries(COMPILED).map(([o, c]) => [o, c.schema])) as Record<Output, SchemaElement[]>;

/**
 * The Dremel shredding of a table's records into its leaf columns: levels and values, computed in
 * one walk over each record. Levels: a present optional value or a list element adds 1 to the
 * definition level; the 2nd… element of a list repeats at that list's depth; a null or an empty
 * list ends the path of every leaf below it with the level reached (a slot without a value). The
 * walk is a function generated once per table with the field names written out (each property read
 * sees few record shapes) and each leaf's levels in local byte arrays: hyparquet-writer's generic
 * walk (dremel.js) re-reads the schema at every value, and a generated function per leaf (the
 * previous version) is called once per chunk, too few times for V8 to optimise ~100 of them, while
 * this loop over the rows is optimised within the first chunk. Each value's type is checked here
 * (a wrong one is an error naming the field). test/rotate-parquet.test.ts checks that the row
 * groups are hyparquet-writer's bytes.
 */
function tableShredder(fields: Field[], leaves: Leaf[]): (rows: Record<string, unknown>[]) => Shredded[] {
  const check: Record<Kind, (v: string) => string> = {
    string: (v) => `typeof ${v} !== 'string'`, int32: (v) => `(${v} | 0) !== ${v}`,
    double: (v) => `typeof ${v} !== 'number'`, bool: (v) => `typeof ${v} !== 'boolean'`,
  };
  const column = (i: number): string => leaves[i].path.slice(1).map((e) => e.name).join('.');
  const wrong = (i: number, v: string): string =>
    `throw new TypeError(${JSON.stringify(`parquet: field '${column(i)}' expects ${leaves[i].kind} values but received `)} + describe(${v}));`;
  const missing = (name: string): string => `throw new Error(${JSON.stringify(`parquet: required field '${name}' has no value`)});`;
  const slot = (i: number, d: number, r: string, v: string | null): string =>
    `if (n${i} === D${i}.length) { D${i} = grow(D${i}); R${i} = grow(R${i}); } D${i}[n${i}] = ${d}; R${i}[n${i}] = ${r}; n${i}++;` +
    (v === null ? '' : `if (${check[leaves[i].kind](v)}) ${wrong(i, v)} V${i}.push(${leaves[i].kind === 'bool' ? `${v} ? 1 : 0` : v});`);
  // The leaves below a type, numbered depth first from `first` (the order compile() lists them in).
  const count = (t: Type): number => (typeof t === 'string' ? 1 : 'list' in t ? count(t.list) : t.struct.reduce((n, [, ft]) => n + count(ft), 0));
  const none = (t: Type, first: number, d: number, r: string): string =>
    Array.from({ length: count(t) }, (_, k) => slot(first + k, d, r, null)).join('\n');
  let vars = 0;
  // Code for value `x` (present) of type t whose leaves start at `first`, at definition level d, repetition level r, inside `depth` lists.
  const present = (t: Type, x: string, first: number, d: number, r: string, depth: number, name: string): string => {
    if (typeof t === 'string') return slot(first, d, r, x);
    if ('list' in t) {
      const e = `e${vars}`, k = `k${vars}`, rk = `r${vars++}`;
      return `if (${x}.length === 0) { ${none(t.list, first, d, r)} } else for (let ${k} = 0; ${k} < ${x}.length; ${k}++) {
        const ${e} = ${x}[${k}], ${rk} = ${k} ? ${depth + 1} : ${r};
        if (${e} === null || ${e} === undefined) ${missing(`${name}[]`)}
        ${present(t.list, e, first, d + 1, rk, depth + 1, name)}
      }`;
    }
    return members(t.struct, x, first, d, r, depth);
  };
  const members = (fs: Field[], v: string, first: number, d: number, r: string, depth: number): string => fs.map(([name, t, opt]) => {
    const x = `x${vars++}`, at = first;
    first += count(t);
    return `const ${x} = ${v}[${JSON.stringify(name)}];
      if (${x} === null || ${x} === undefined) { ${opt ? none(t, at, d, r) : missing(name)} } else { ${present(t, x, at, d + +!!opt, r, depth, name)} }`;
  }).join('\n');
  const walk = members(fields, 'row', 0, 0, '0', 0);
  // Each record is read from a shallow copy: records made by object spread (groupLines's
  // `{ ...q, split }`) each have a hidden class of their own in V8 11 (Node 20), so every property
  // read of them misses V8's caches (12 µs per qa record); the copies share a few classes
  // (bench/parquet-encode.mjs: qa 76 → 24 ms per 200 groups).
  const all = leaves.map((_, i) => i);
  const body = `${all.map((i) => `let D${i} = new Uint8Array(room[${i}]), R${i} = new Uint8Array(room[${i}]), n${i} = 0; const V${i} = [];`).join('\n')}
    for (let j = 0; j < rows.length; j++) { const row = Object.assign({}, rows[j]);
      ${walk}
    }
    return [${all.map((i) => {
      // A top-level column without lists: a required one has no levels, an optional one definition levels only (as hyparquet-writer writes them).
      const flat = leaves[i].steps.length === 1 && !leaves[i].steps[0].list;
      return `{ slots: n${i}, def: ${flat && !leaves[i].maxDefinitionLevel ? 'null' : `D${i}`}, rep: ${flat ? 'null' : `R${i}`}, values: V${i} }`;
    }).join(', ')}];`;
  const shred = new Function('rows', 'room', 'grow', 'describe', body) as
    (rows: Record<string, unknown>[], room: number[], g: typeof grow, d: typeof describeValue) => Shredded[];
  const room = leaves.map(() => 1024);
  return (rows) => {
    const out = shred(rows, room, grow, describeValue);
    out.forEach((c, i) => { room[i] = Math.max(room[i], c.slots); });
    return out;
  };
}
function grow(a: Uint8Array): Uint8Array {
  const b = new Uint8Array(2 * a.length);
  b.set(a);
  return b;
}

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
// Large pages go to hysnappy (Snappy in WebAssembly, from hyparquet's authors: 3–4× faster than
// hyparquet-writer's JavaScript Snappy on 200 KB), each to a fresh instance: an instance keeps its
// hash table between calls, so a reused one compresses the same page differently after other pages
// (valid Snappy, but the bytes would depend on what a thread wrote before). A fresh instance costs
// ~0.5 ms, more than the JavaScript Snappy takes below 64 KiB.
export const COMPRESSORS = { SNAPPY: (page: Uint8Array): Uint8Array => (page.length >= 1 << 16 ? snappyCompressor()(page) : snappyCompress(page)) };
/** hyparquet-writer's default page size (1 MiB of values). */
const PAGE_SIZE = 1 << 20;
const MAGIC = 0x31524150;  // "PAR1"

/** One row group of `rows` (the JSONL records of a chunk): its bytes (as they follow the file's leading magic) and its metadata. */
export interface EncodedRowGroup { bytes: Uint8Array; rowGroup: RowGroup | null }

export function encodeRowGroup(o: Output, rows: Record<string, unknown>[]): EncodedRowGroup {
  if (rows.length === 0) return { bytes: new Uint8Array(0), rowGroup: null };
  // The first record of each chunk is checked field by field (every record of a table is built by one function).
  checkFields(o, SCHEMAS[o], rows[0], '');
  const writer = new ByteWriter(sizeHint[o]);
  // Offsets count from the start of a file, after its leading magic (moved into place by appendRowGroup).
  writer.offset = 4;
  const columns: RowGroup['columns'] = [];
  let uncompressed = 0n;
  const shredded = SHREDDERS[o](rows);
  for (const [i, leaf] of COMPILED[o].leaves.entries()) {
    const chunk = writeLeaf(writer, leaf, shredded[i]);
    columns.push(chunk);
    uncompressed += chunk.meta_data?.total_uncompressed_size ?? 0n;
  }
  sizeHint[o] = Math.max(sizeHint[o], writer.index + (writer.index >> 2));
  return {
    bytes: new Uint8Array(writer.getBuffer()),
    rowGroup: { columns, total_byte_size: uncompressed, num_rows: BigInt(rows.length), total_compressed_size: BigInt(writer.index) },
  };
}
/** Bytes to reserve for a table's next row group: the largest so far and a quarter (a grown buffer is copied). */
const sizeHint: Record<Output, number> = { scenes: 1 << 16, images: 1 << 20, qa: 1 << 20, sdg: 1 << 20 };

type ColumnChunk = RowGroup['columns'][number];
// Scratch buffers of the levels and the values of the page being written (reused: their bytes are copied into the row group).
const levelBytes = new Bytes(), pageBytes = new Bytes(), stringBytes = new Bytes();

/**
 * Writes a leaf column chunk as hyparquet-writer's writeColumn does with statistics and page
 * indexes off (the same choices, the same bytes): a dictionary page where its rule picks one
 * (parquet-pages.ts chooseDictionary), then DATA_PAGE_V2 pages of about PAGE_SIZE value bytes cut
 * at row starts, each with uncompressed levels and Snappy-compressed values.
 */
function writeLeaf(writer: ByteWriter, leaf: Leaf, s: Shredded): ColumnChunk {
  const type = leaf.path[leaf.path.length - 1].type as 'BYTE_ARRAY' | 'INT32' | 'DOUBLE' | 'BOOLEAN';
  const { slots, def, rep, values } = s;
  const maxDef = leaf.maxDefinitionLevel, maxRep = leaf.maxRepetitionLevel;
  const offsetStart = writer.offset;
  let uncompressed = 0;
  const present = def && maxDef ? (i: number): boolean => def[i] === maxDef : null;

  const dict = type === 'BOOLEAN' ? null : chooseDictionary(values, type, slots, present);
  let dictionary_page_offset: bigint | undefined;
  if (dict) {
    dictionary_page_offset = BigInt(writer.offset);
    pageBytes.n = 0;
    writePlain(pageBytes, type, dict.dictionary, 0, dict.dictionary.length);
    const compressed = COMPRESSORS[CODEC](pageBytes.bytes());
    const at = writer.offset;
    writePageHeader(writer, {
      type: 'DICTIONARY_PAGE', uncompressed_page_size: pageBytes.n, compressed_page_size: compressed.length,
      dictionary_page_header: { num_values: dict.dictionary.length, encoding: 'PLAIN' },
    });
    uncompressed += writer.offset - at + pageBytes.n;
    writer.appendBytes(compressed);
  }
  const encoding = dict ? 'RLE_DICTIONARY' : type === 'BOOLEAN' && slots > 16 ? 'RLE' : 'PLAIN';

  // PLAIN strings are encoded once for all pages (a page's values are a slice).
  let ends: Int32Array | null = null;
  if (type === 'BYTE_ARRAY' && !dict) {
    stringBytes.n = 0;
    plainStrings(stringBytes, values as string[], 0, values.length, (ends = new Int32Array(values.length + 1)));
  }
  // Pages end where their values reach PAGE_SIZE bytes (as hyparquet-writer counts them: a PLAIN
  // string by its UTF-8 bytes, a dictionary index 4), at the start of a row.
  const fixed = dict || type === 'INT32' ? 4 : type === 'DOUBLE' ? 8 : 0.125;
  const pages: number[] = [0];
  for (let i = 0, v = 0, bytes = 0, start = 0; i < slots; i++) {
    let size = 0;
    if (!present || present(i)) { size = ends ? ends[v + 1] - ends[v] - 4 : fixed; v++; }
    bytes += size;
    if (bytes >= PAGE_SIZE && i > start && (!rep || rep[i] === 0)) { pages.push(i); start = i; bytes = size; }
  }
  pages.push(slots);

  const data_page_offset = BigInt(writer.offset);
  for (let p = 0, v0 = 0; p + 1 < pages.length; p++) {
    const from = pages[p], to = pages[p + 1];
    let rows = to - from, nulls = 0;
    if (rep) { rows = 0; for (let i = from; i < to; i++) rows += +(rep[i] === 0); }
    if (def) for (let i = from; i < to; i++) nulls += +(def[i] < maxDef);
    const v1 = v0 + (to - from) - nulls;
    levelBytes.n = 0;
    const repLength = maxRep ? rleHybrid(levelBytes, rep!, from, to, bitWidth(maxRep)) : 0;
    const defLength = maxDef ? rleHybrid(levelBytes, def!, from, to, bitWidth(maxDef)) : 0;
    pageBytes.n = 0;
    if (dict) {
      let max = 0;
      for (let k = v0; k < v1; k++) if (dict.indexes[k] > max) max = dict.indexes[k];
      const width = bitWidth(max);
      pageBytes.reserve(1);
      pageBytes.buf[pageBytes.n++] = width;
      rleHybrid(pageBytes, dict.indexes, v0, v1, width);
    } else if (encoding === 'RLE') {
      // The RLE-encoded booleans with their length first.
      pageBytes.u32(0);
      pageBytes.view.setUint32(0, rleHybrid(pageBytes, values as number[], v0, v1, 1), true);
    } else if (!ends) writePlain(pageBytes, type, values, v0, v1);
    const page = ends ? stringBytes.buf.subarray(ends[v0], ends[v1]) : pageBytes.bytes();
    const compressed = COMPRESSORS[CODEC](page);
    const at = writer.offset;
    writePageHeader(writer, {
      type: 'DATA_PAGE_V2', uncompressed_page_size: levelBytes.n + page.length, compressed_page_size: levelBytes.n + compressed.length,
      data_page_header_v2: {
        num_values: to - from, num_nulls: nulls, num_rows: rows, encoding,
        definition_levels_byte_length: defLength, repetition_levels_byte_length: repLength, is_compressed: true,
      },
    });
    uncompressed += writer.offset - at + levelBytes.n + page.length;
    writer.appendBytes(levelBytes.bytes());
    writer.appendBytes(compressed);
    v0 = v1;
  }
  return {
    meta_data: {
      type, encodings: dict ? ['PLAIN', encoding] : [encoding], path_in_schema: leaf.path.slice(1).map((e) => e.name), codec: CODEC,
      num_values: BigInt(slots), total_compressed_size: BigInt(writer.offset - offsetStart), total_uncompressed_size: BigInt(uncompressed),
      data_page_offset, dictionary_page_offset, statistics: undefined, encoding_stats: undefined, geospatial_statistics: undefined,
    },
    file_offset: BigInt(offsetStart),
  } as ColumnChunk;
}

/** PLAIN values `v[from…to)` of a physical type. */
function writePlain(out: Bytes, type: 'BYTE_ARRAY' | 'INT32' | 'DOUBLE' | 'BOOLEAN', v: readonly (string | number)[], from: number, to: number): void {
  if (type === 'BYTE_ARRAY') plainStrings(out, v as string[], from, to);
  else if (type === 'BOOLEAN') plainBooleans(out, v as number[], from, to);
  else plainNumbers(out, v as number[], from, to, type);
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

/** The key-value metadata entry that names the run's `--chunk` (row group k holds the groups [k·chunk, (k+1)·chunk)). */
const CHUNK_KEY = 'spatialkit.chunk';

/** The footer (metadata, its length, the closing magic) of a file holding `rowGroups`, made of chunks of `chunk` groups. */
export function footer(o: Output, rowGroups: RowGroup[], chunk: number): Buffer {
  const writer = new ByteWriter(1 << 16);
  const pw = new ParquetWriter({
    writer, schema: PARQUET_SCHEMAS[o], codec: CODEC, statistics: false, createdBy: 'spatialkit rotate (hyparquet-writer)',
    kvMetadata: [{ key: CHUNK_KEY, value: String(chunk) }],
  });
  pw.row_groups = rowGroups;
  pw.num_rows = rowGroups.reduce((a, r) => a + r.num_rows, 0n);
  pw.finish();
  return Buffer.from(writer.getBuffer().slice(4));
}

/** A shard's row group: its file, where its rows start, and the chunks (`group` ÷ chunk) of its first and last rows. */
interface Piece { data: Buffer; file: ArrayBuffer; rg: RowGroup; rowStart: number; first: number; last: number }

/**
 * Writes the Parquet file of table `o` from the shards' files `sources` (in shard order) into `fd`,
 * byte for byte the file the unsharded run writes: its row group k holds the rows of groups
 * [k·chunk, (k+1)·chunk). Every run aligns its chunks to multiples of `--chunk`, so a shard's row
 * group is either such a chunk whole (copied as it is, offsets moved) or a piece of one that a
 * shard boundary cut; the pieces of a chunk are read back (hyparquet), joined, and encoded again —
 * the same encoder on the same values gives the same bytes. The chunk size is the first shard's.
 * Returns the file's size.
 */
export async function mergeParquet(o: Output, sources: string[], fd: number): Promise<number> {
  const pieces: Piece[] = [];
  let chunk = 0;
  for (const f of sources) {
    const data = fs.readFileSync(f);
    const file = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    const meta = parquetMetadata(file);
    const c = Number(meta.key_value_metadata?.find((k) => k.key === CHUNK_KEY)?.value);
    if (!(Number.isInteger(c) && c >= 1)) throw new Error(`${f} does not name its chunk size (${CHUNK_KEY}): it was made by an older spatialkit; make that shard again`);
    chunk ||= c;
    let rowStart = 0;
    for (const rg of meta.row_groups as RowGroup[]) {
      const n = Number(rg.num_rows);
      const groups = await parquetReadObjects({ file, metadata: meta, columns: ['group'], rowStart, rowEnd: rowStart + n });
      pieces.push({ data, file, rg, rowStart, first: Math.floor(Number(groups[0].group) / chunk), last: Math.floor(Number(groups[n - 1].group) / chunk) });
      rowStart += n;
    }
  }
  fs.writeSync(fd, HEADER);
  const st = newParquet();
  for (let i = 0; i < pieces.length;) {
    // The run of pieces that share chunks; a piece that holds one chunk whole is copied.
    let j = i + 1;
    while (j < pieces.length && pieces[j].first === pieces[j - 1].last) j++;
    if (j === i + 1 && pieces[i].first === pieces[i].last) {
      const { data, rg } = pieces[i];
      const start = Number(rg.columns[0].file_offset), end = start + Number(rg.total_compressed_size);
      writeAll(fd, data.subarray(start, end));
      st.rowGroups.push(shift(plain(rg), BigInt(st.bytes - start)));
      st.bytes += end - start;
    } else {
      const rows: Record<string, unknown>[] = [];
      for (const p of pieces.slice(i, j)) rows.push(...await parquetReadObjects({ file: p.file, rowStart: p.rowStart, rowEnd: p.rowStart + Number(p.rg.num_rows) }));
      for (let k = 0; k < rows.length;) {
        const key = Math.floor(Number(rows[k].group) / chunk);
        let e = k + 1;
        while (e < rows.length && Math.floor(Number(rows[e].group) / chunk) === key) e++;
        appendRowGroup(fd, st, encodeRowGroup(o, rows.slice(k, e)));
        k = e;
      }
    }
    i = j;
  }
  const tail = footer(o, st.rowGroups, chunk || 1);
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
