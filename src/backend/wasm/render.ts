// sk.render on the wasm backend: the adapter table over the wasm/assembly/render.ts driver,
// mirroring native/napi/render.cc parser for parser (same argument names, checks, order and
// sentences, the sentences from ../render-types.ts). Every array is placed whole (run()); the
// driver's scratch (frames and per-row counts) is a heap block for the call's duration.
import { boxError, boxStatus, MAX_COUNT, offsetsError, pixelsError, RENDER_CONSTS, rowOffsets } from '../render-types.js';
import { LIMITS, type RenderKernels } from '../kernels.js';
import type { Arr, Call, WasmRuntime } from './runtime.js';

interface RenderExports {
  render_scratch_bytes(R: number, most: number): number;
  render_cast_batch(consts: number, n: number, h: number, w: number, pc: number, boxes: number, first: number,
    rows: number, most: number, maps: number, instance: number, depth: number, vis: boolean,
    amodal: number, unclipped: number, behind: number, visible: number, alone: number, pixels: number, fraction: number,
    inFrame: number, scratch: number): void;
}

const MAX_SIDE = LIMITS.maxSide;

export function renderKernels(rt: WasmRuntime): RenderKernels {
  const x = rt.exports as unknown as RenderExports;

  /** The shared inputs (args 0–6), checked in the glue's order; returns the row offsets. */
  function inputs(c: Call) {
    const K = c.array(0, 'consts', RENDER_CONSTS);
    const n = K.count;
    const S = c.array(1, 'scene', 1, false, 'Uint32Array');
    c.expectCount(S, n, 'cameras');
    const B = c.array(2, 'boxes', 10);
    const O = c.array(3, 'offsets', 1, false, 'Uint32Array');
    c.snapshot(S);  // trusted after the checks: check and use the same values
    c.snapshot(O);
    const offsets = O.array as Uint32Array;
    const why = offsetsError(offsets, B.count);
    if (why) c.rangeError(why);
    const h = c.integer(4, 'height', 1, MAX_SIDE), w = c.integer(5, 'width', 1, MAX_SIDE);
    const pc = Math.fround(c.number(6, 'pixelCenter'));
    if (n * h * w > MAX_COUNT) c.rangeError(pixelsError(n, h, w));
    const boxes = B.array as Float32Array;
    for (let i = 0; i < B.count; i++) {
      const s = boxStatus(boxes, i);
      if (s) c.rangeError(boxError(i, s));
    }
    const { rows, first } = rowOffsets(S.array as Uint32Array, offsets);
    let most = 0;
    for (let i = 0; i < n; i++) most = Math.max(most, rows[i + 1] - rows[i]);
    return { K, B, n, h, w, pc, rows, first, most };
  }

  /** Runs the driver; `outs` are the visibility arrays (args 9–16), none for raycast. */
  function cast(c: Call, args: unknown[], p: ReturnType<typeof inputs>, I: Arr, Dp: Arr, outs: Arr[]): void {
    // first and rows are fresh arrays, so no output can change them while the driver runs.
    args.push(p.first, p.rows);
    const FIRST = c.array(args.length - 2, 'first', 1, false, 'Uint32Array'), ROWS = c.array(args.length - 1, 'rows', 1, false, 'Uint32Array');
    const scratch = rt.alloc(x.render_scratch_bytes(p.rows[p.n], p.most));  // may grow memory: after every check
    try {
      c.run(() => {
        const v = (k: number): number => (outs.length ? outs[k].ptr : 0);
        x.render_cast_batch(p.K.ptr, p.n, p.h, p.w, p.pc, p.B.ptr, FIRST.ptr, ROWS.ptr, p.most,
          (I.count ? 1 : 0) | (Dp.count ? 2 : 0), I.ptr, Dp.ptr, outs.length > 0, v(0), v(1), v(2), v(3), v(4), v(5), v(6),
          v(7), scratch);
        return -1;
      });
    } finally {
      rt.free(scratch);
    }
  }

  return {
    // (…inputs, instance Int32Array [N·H·W], depth Float32Array [N·H·W])
    raycast(...args: unknown[]) {
      const c = rt.call(args);
      const p = inputs(c);
      const pixels = p.n * p.h * p.w;
      const I = c.array(7, 'instance', 1, true, 'Int32Array'), Dp = c.array(8, 'depth', 1, true);
      c.expectCount(I, pixels, 'pixels');
      c.expectCount(Dp, pixels, 'pixels');
      if (p.n === 0) return;
      cast(c, args, p, I, Dp, []);
    },

    // (…inputs, instance [N·H·W] or [0], depth [N·H·W] or [0], amodal [R, 4], amodalUnclipped [R, 4],
    //  behind Uint8Array [R], visible Int32Array [R, 4], pixelsAlone Uint32Array [R],
    //  pixelsVisible Uint32Array [R], visibleFraction [R], inFrame [R])
    visibility(...args: unknown[]) {
      const c = rt.call(args);
      const p = inputs(c);
      const pixels = p.n * p.h * p.w, R = p.rows[p.n];
      const I = c.array(7, 'instance', 1, true, 'Int32Array'), Dp = c.array(8, 'depth', 1, true);
      if (I.count) c.expectCount(I, pixels, 'pixels');
      if (Dp.count) c.expectCount(Dp, pixels, 'pixels');
      const outs = [
        c.array(9, 'amodal', 4, true), c.array(10, 'amodalUnclipped', 4, true), c.array(11, 'behind', 1, true, 'Uint8Array'),
        c.array(12, 'visible', 4, true, 'Int32Array'), c.array(13, 'pixelsAlone', 1, true, 'Uint32Array'),
        c.array(14, 'pixelsVisible', 1, true, 'Uint32Array'), c.array(15, 'visibleFraction', 1, true),
        c.array(16, 'inFrame', 1, true),
      ];
      for (const o of outs) c.expectCount(o, R, 'rows');
      if (p.n === 0) return;
      cast(c, args, p, I, Dp, outs);
    },
  } as unknown as RenderKernels;
}
