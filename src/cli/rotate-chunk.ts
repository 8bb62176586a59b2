// One chunk of `spatialkit rotate` (a range of groups → its JSONL bytes, counts and per-group files),
// and the pool of worker threads that makes chunks on every core. The main thread writes the
// chunks in group order, so the output does not depend on how many threads made them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { makeGroup, groupId, settings, type GenerateOptions, type Group, type Settings } from '../scene/generate.js';
import { groupLines, emptyCounts, gltfFile, maskFiles, type Counts, type FilterSettings } from '../scene/records.js';
import { groupVisibility, type ImageVisibility } from '../scene/visibility.js';
import { groupMaps } from '../scene/masks.js';
import { groupGlb } from '../scene/gltf.js';
import { jobJson, type Asset } from '../scene/blender.js';
import { svg } from '../scene/svg.js';
import type { TextOptions } from '../scene/preset.js';
import { makeDir, writeAtomic } from './outdir.js';
import { encodeRowGroup, type EncodedRowGroup } from './parquet.js';

import { OUTPUTS, type Output } from './tables.js';
export { OUTPUTS, type Output };

/** What a chunk needs besides its groups: plain data, so that it can be sent to a worker thread. */
export interface ChunkContext {
  out: string;
  image: number[];
  text: TextOptions;
  visibility: FilterSettings | null;
  /** rays/c<k>.npy per camera, or undefined without --rays. */
  rays?: string[];
  /** Folders of the per-group files, '' where the flag is off. */
  svgDir: string; masksDir: string; jobsDir: string; gltf: boolean;
  assets?: Map<string, Asset>;
  /** `--format … parquet`: also encode each table's rows of the chunk as one Parquet row group. */
  parquet: boolean;
  /** `--format … jsonl`: return the chunk's JSONL bytes (without it, `data` holds empty buffers). */
  jsonl: boolean;
}

/**
 * A chunk's JSONL bytes of one output, encoded group by group into a buffer that earlier chunks
 * used (see {@link recycle}): a fresh buffer per chunk cost a page fault per 4 KiB written, and one
 * string joined per chunk another (the paper preset writes ~110 MB per 1,000 groups).
 */
class Sink {
  private buf: Buffer;
  length = 0;
  constructor(output: Output) {
    const ab = spare[output].pop();
    this.buf = ab ? Buffer.from(ab) : Buffer.allocUnsafeSlow(1 << 20);
  }
  add(text: string): void {
    // A UTF-16 unit is at most 3 UTF-8 bytes: only near the end is the exact length worth counting.
    if (this.buf.length - this.length < 3 * text.length) {
      const need = this.length + Buffer.byteLength(text);
      if (need > this.buf.length) {
        const grown = Buffer.allocUnsafeSlow(Math.max(need, 2 * this.buf.length));
        this.buf.copy(grown, 0, 0, this.length);
        this.buf = grown;
      }
    }
    this.length += this.buf.write(text, this.length);
  }
  /** The bytes written, a view at the start of a buffer of our own (Buffer.allocUnsafeSlow: never Node's shared pool, so it can be moved). */
  bytes(): Buffer { return this.buf.subarray(0, this.length); }
}

/** Buffers of written chunks, per output, waiting to be reused; a few per output cover the chunks in flight. */
const spare: Record<Output, ArrayBuffer[]> = { scenes: [], images: [], qa: [], sdg: [] };
const SPARE_PER_OUTPUT = 4;

/** Hands a chunk's JSONL buffers back for reuse once they are written (the chunk's `data` must not be read after). */
export function recycle(data: Record<Output, Buffer>): void {
  for (const o of OUTPUTS) {
    const ab = data[o].buffer as ArrayBuffer;
    if (data[o].byteOffset === 0 && ab.byteLength > 0 && spare[o].length < SPARE_PER_OUTPUT) spare[o].push(ab);
  }
}

/** A chunk made: its bytes per output, its counts (to add, in order, to the run's), the folders it wrote files in. */
export interface Chunk { data: Record<Output, Buffer>; counts: Counts; touched: string[]; parquet?: Record<Output, EncodedRowGroup> }

/** The groups [from, to) and the promise of their visibility (cast off the event loop on native backends). */
export interface Prepared { groups: Group[]; vis: Promise<ImageVisibility[][] | null> }

export function prepare(s: Settings, ctx: ChunkContext, from: number, to: number): Prepared {
  const groups: Group[] = [];
  let vis: Promise<ImageVisibility[][] | null>;
  try {
    for (let g = from; g < to; g++) groups.push(makeGroup(s, g));
    vis = ctx.visibility ? groupVisibility(groups, { image: ctx.image, ...ctx.visibility }) : Promise.resolve(null);
  } catch (e) {
    vis = Promise.reject(e);  // a layout that cannot fit: reported when this chunk's turn comes, after the earlier chunks are saved
  }
  vis.catch(() => { /* seen where it is awaited */ });
  return { groups, vis };
}

/**
 * The JSONL bytes and counts of prepared groups; writes their per-group files (svg, masks, glTF,
 * Blender jobs) without syncing their folders (the caller syncs `touched` at its checkpoint).
 * `onGroup` runs after each group (progress, letting signals through).
 */
export async function makeChunk(ctx: ChunkContext, p: Prepared, onGroup?: (g: number) => Promise<void> | void): Promise<Chunk> {
  const vis = await p.vis;
  const counts = emptyCounts();
  const sinks = ctx.jsonl ? Object.fromEntries(OUTPUTS.map((o) => [o, new Sink(o)])) as Record<Output, Sink> : null;
  const rows: Record<Output, Record<string, unknown>[]> = { scenes: [], images: [], qa: [], sdg: [] };
  const touched = new Set<string>([ctx.svgDir, ctx.jobsDir, ctx.gltf ? path.join(ctx.out, 'gltf') : ''].filter(Boolean));
  for (const [i, grp] of p.groups.entries()) {
    const g = grp.group;
    const kept = vis ? vis[i].map((v) => v.kept) : grp.images.map(() => true);
    const lines = groupLines(grp, counts, {
      text: { ...ctx.text, kept }, rays: ctx.rays, visibility: vis?.[i], files: { masks: ctx.masksDir !== '', gltf: ctx.gltf }, rows: ctx.parquet,
    });
    for (const o of OUTPUTS) {
      sinks?.[o].add(lines[o]);
      if (lines.rows) for (const r of lines.rows[o]) rows[o].push(r);
    }
    if (ctx.svgDir) writeAtomic(path.join(ctx.svgDir, `${groupId(g)}.svg`), svg(grp), false);
    if (ctx.masksDir) {
      const maps = await groupMaps(grp, kept, ctx.image);
      if (maps.length) {
        const dir = path.dirname(path.join(ctx.out, maskFiles(maps[0].image).mask));
        makeDir(dir, '--masks');
        touched.add(dir);
        for (const m of maps) {
          const f = maskFiles(m.image);
          writeAtomic(path.join(ctx.out, f.mask), m.mask, false);
          writeAtomic(path.join(ctx.out, f.depth), m.depth, false);
        }
      }
    }
    if (ctx.gltf) {
      const glb = await groupGlb(grp, ctx.image);
      writeAtomic(path.join(ctx.out, gltfFile(g)), Buffer.from(glb.buffer, glb.byteOffset, glb.byteLength), false);
    }
    if (ctx.jobsDir) writeAtomic(path.join(ctx.jobsDir, `${groupId(g)}.json`), jobJson(grp, kept, ctx.image, ctx.assets), false);
    await onGroup?.(g);
  }
  // One buffer per output: a chunk is written in one call.
  const data = Object.fromEntries(OUTPUTS.map((o) => [o, sinks ? sinks[o].bytes() : Buffer.alloc(0)])) as Record<Output, Buffer>;
  const parquet = ctx.parquet ? Object.fromEntries(OUTPUTS.map((o) => [o, encodeRowGroup(o, rows[o])])) as Record<Output, EncodedRowGroup> : undefined;
  return { data, counts, touched: [...touched], ...(parquet ? { parquet } : {}) };
}

/** What a worker is started with. */
export interface WorkerSetup { opts: GenerateOptions; ctx: ChunkContext }
export type WorkerReply = { from: number; chunk: Chunk } | { from: number; error: string };
/** What the main thread sends a worker: a chunk to make, or the JSONL buffers of a chunk it made, written and free for reuse. */
export type WorkerRequest = { from: number; to: number } | { recycle: Record<Output, ArrayBuffer> };

/** The worker script: beside this module once built; under the tests (src/*.ts) the built copy in dist/. */
function workerUrl(): URL {
  const here = new URL('./rotate-worker.js', import.meta.url);
  return fs.existsSync(fileURLToPath(here)) ? here : new URL('../../dist/cli/rotate-worker.js', import.meta.url);
}

/**
 * `jobs` worker threads making chunks. `chunk(from, to)` resolves with the chunk of groups
 * [from, to); requests go round-robin and each worker works through its own in order. A worker
 * that fails (an exception, or it exits) rejects its chunks with a message naming the groups.
 */
export class ChunkPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { to: number; resolve: (c: Chunk) => void; reject: (e: Error) => void; worker: number }>();
  /** The worker that made each chunk not yet recycled. */
  private readonly madeBy = new WeakMap<Chunk, number>();
  private next = 0;
  private closed = false;

  constructor(jobs: number, setup: WorkerSetup) {
    this.workers = Array.from({ length: jobs }, (_, w) => {
      const worker = new Worker(workerUrl(), { workerData: setup });
      worker.on('message', (r: WorkerReply) => {
        const p = this.waiting.get(r.from);
        if (!p) return;
        this.waiting.delete(r.from);
        if ('error' in r) p.reject(new Error(`groups ${r.from}..${p.to - 1}: ${r.error}`));
        else {
          // Buffers arrive as Uint8Arrays.
          const d = r.chunk.data;
          for (const o of OUTPUTS) d[o] = Buffer.from(d[o].buffer, d[o].byteOffset, d[o].byteLength);
          this.madeBy.set(r.chunk, p.worker);
          p.resolve(r.chunk);
        }
      });
      const fail = (why: string): void => {
        for (const [from, p] of this.waiting) {
          if (p.worker !== w) continue;
          this.waiting.delete(from);
          p.reject(new Error(`groups ${from}..${p.to - 1}: worker thread ${w} ${why}`));
        }
      };
      worker.on('error', (e) => fail(`failed: ${e.message}`));
      worker.on('exit', (code) => { if (!this.closed) fail(`exited (code ${code})`); });
      return worker;
    });
  }

  chunk(from: number, to: number): Promise<Chunk> {
    const worker = this.next++ % this.workers.length;
    const p = new Promise<Chunk>((resolve, reject) => this.waiting.set(from, { to, resolve, reject, worker }));
    p.catch(() => { /* seen where it is awaited */ });
    this.workers[worker].postMessage({ from, to } satisfies WorkerRequest);
    return p;
  }

  /** Moves a written chunk's JSONL buffers back to the worker that made them, for its next chunks. */
  recycle(chunk: Chunk): void {
    const w = this.madeBy.get(chunk);
    if (w === undefined || this.closed) return;
    this.madeBy.delete(chunk);
    const bufs = Object.fromEntries(OUTPUTS.map((o) => [o, chunk.data[o].buffer as ArrayBuffer])) as Record<Output, ArrayBuffer>;
    this.workers[w].postMessage({ recycle: bufs } satisfies WorkerRequest, [...new Set(Object.values(bufs))].filter((b) => b.byteLength > 0));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The worker's side: make each requested chunk, in the order asked, and send it back (its buffers moved, not copied). */
export function serve(port: import('node:worker_threads').MessagePort, setup: WorkerSetup): void {
  const s = settings(setup.opts);
  let queue = Promise.resolve();
  port.on('message', (m: WorkerRequest) => {
    if ('recycle' in m) {
      recycle(Object.fromEntries(OUTPUTS.map((o) => [o, Buffer.from(m.recycle[o])])) as Record<Output, Buffer>);
      return;
    }
    const { from, to } = m;
    queue = queue.then(async () => {
      try {
        const chunk = await makeChunk(setup.ctx, prepare(s, setup.ctx, from, to));
        // The JSONL buffers are our own (Sink); small Parquet buffers share Node's pool, which cannot move: those are copied.
        const transfer = [
          ...Object.values(chunk.data).filter((b) => b.buffer.byteLength > 0),
          ...Object.values(chunk.parquet ?? {}).map((e) => e.bytes).filter((b) => b.byteOffset === 0 && b.buffer.byteLength === b.length && b.length > 0),
        ].map((b) => b.buffer as ArrayBuffer);
        port.postMessage({ from, chunk } satisfies WorkerReply, transfer);
      } catch (e) {
        port.postMessage({ from, error: (e as Error).message } satisfies WorkerReply);
      }
    });
  });
}
