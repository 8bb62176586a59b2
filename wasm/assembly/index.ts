// spatialkit.wasm: the batch drivers of every domain plus the memory the JS adapter
// (src/backend/wasm/) manages through them. Built with `--runtime stub --use abort=`: no imports,
// no garbage collector; all memory beyond the static data is the heap below.

export {
  quat_multiply_batch, quat_conjugate_batch, quat_invert_batch, quat_normalize_batch, quat_rotate_batch,
  quat_from_axis_angle_batch, quat_from_euler_batch, quat_to_matrix_batch, quat_from_matrix_batch,
  quat_slerp_batch, quat_angle_batch, quat_random_batch, bad_input,
  quat_to_euler_batch, quat_to_rotvec_batch, quat_from_rotvec_batch, quat_dot_batch,
} from './quat';
export { camera_ray_map_hwc, camera_ray_map_chw, camera_rays_batch, camera_moments_batch } from './camera';
export { rope_quatrope_batch, rope_igre_batch, rope_pairs_batch, rope_scratch_bytes, SCRATCH as rope_scratch, SCRATCH_BYTES as rope_scratch_size } from './rope';
export { metrics_histogram_batch, metrics_ne_grouped_batch } from './metrics';
export {
  collide_overlap_batch, collide_fits_batch, collide_pairs_batch, collide_pairs_batched_batch, collide_grid_scratch,
  box_check,
} from './collide';
export { render_cast_batch, render_scratch_bytes } from './render';

// ---- Heap -----------------------------------------------------------------------------------
// Blocks laid end to end from the heap base to `top`, each a 16-byte header [payload bytes: u32,
// used: u32, …] and a 16-byte-aligned payload. First fit; freeing merges neighbouring free blocks
// and gives a free tail back to `top`. Meant for few, large blocks (arrays the user keeps in wasm
// memory and the arena's overflow), so linear scans are fine. Memory grows on demand and never
// shrinks (wasm cannot); freed space is reused.

const HDR: usize = 16;
/** Largest heap end: wasm32 addresses stop at 2^32, and usize must hold the end itself. */
const HEAP_LIMIT: u64 = 0xFFFF_0000;

const heapStart: usize = (__heap_base + 15) & ~15;
let top: usize = heapStart;
let highWater: usize = heapStart;
let userBytes: usize = 0;

function ensure(end: u64): bool {
  const have = <u64>memory.size() << 16;
  if (end <= have) return true;
  return memory.grow(<i32>((end - have + 0xFFFF) >> 16)) >= 0;
}

/** A block of at least `bytes` bytes (16-byte aligned), or 0 when memory cannot grow. */
function heap_alloc(bytes: usize): usize {
  let size = (<u64>bytes + 15) & ~(<u64>15);
  if (size == 0) size = 16;
  for (let p = heapStart; p < top; p += HDR + load<u32>(p)) {
    const s = <u64>load<u32>(p);
    if (load<u32>(p, 4) || s < size) continue;
    if (s - size >= <u64>(HDR + 16)) {  // split off the rest as a free block
      const rest = p + HDR + <usize>size;
      store<u32>(rest, <u32>(s - size) - <u32>HDR);
      store<u32>(rest, 0, 4);
      store<u32>(p, <u32>size);
    }
    store<u32>(p, 1, 4);
    return p + HDR;
  }
  const end = <u64>top + HDR + size;
  if (end > HEAP_LIMIT || !ensure(end)) return 0;
  const p = top;
  store<u32>(p, <u32>size);
  store<u32>(p, 1, 4);
  top = <usize>end;
  if (top > highWater) highWater = top;
  return p + HDR;
}

function heap_free(ptr: usize): void {
  if (ptr < heapStart + HDR || ptr > top) return;
  store<u32>(ptr - HDR, 0, 4);
  for (let q = heapStart; q < top; q += HDR + load<u32>(q)) {
    if (load<u32>(q, 4)) continue;
    let s = load<u32>(q);
    let next = q + HDR + s;
    while (next < top && !load<u32>(next, 4)) {
      s += <u32>HDR + load<u32>(next);
      next = q + HDR + s;
    }
    store<u32>(q, s);
    if (next >= top) { top = q; break; }
  }
}

/** Payload size of an allocated block. */
@inline function block_size(ptr: usize): usize { return load<u32>(ptr - HDR); }

/** A user block of `bytes` bytes (not zeroed), or 0 when memory cannot grow that far. */
export function sk_alloc(bytes: usize): usize {
  const p = heap_alloc(bytes);
  if (p) userBytes += block_size(p);
  return p;
}

/** Frees a block from sk_alloc. */
export function sk_free(ptr: usize): void {
  if (!ptr) return;
  userBytes -= block_size(ptr);
  heap_free(ptr);
}

// ---- Scratch arena ----------------------------------------------------------------------------
// Where the adapter copies arguments that do not already live in wasm memory. A baseline block
// serves every call that fits; a larger call gets an overflow block for its duration, freed by
// arena_release, so the arena's live size returns to the baseline after every call (the memory
// stays for reuse; the high-water mark reports it).

const ARENA_BASELINE: usize = 256 << 10;
const arenaBase: usize = heap_alloc(ARENA_BASELINE);
let overflow: usize = 0;

/** Scratch space of at least `bytes` bytes until arena_release(), or 0 when memory cannot grow. */
export function arena_acquire(bytes: usize): usize {
  arena_release();
  if (bytes <= ARENA_BASELINE) return arenaBase;
  overflow = heap_alloc(bytes);
  return overflow;
}

export function arena_release(): void {
  if (overflow) {
    heap_free(overflow);
    overflow = 0;
  }
}

// ---- Figures for info() -------------------------------------------------------------------------

/** Largest heap end ever reached. */
export function heap_high_water(): usize { return highWater; }
/** Bytes in user blocks (sk_alloc) not yet freed. */
export function heap_user_bytes(): usize { return userBytes; }
/** The arena's live size: the baseline plus any overflow block of a running call. */
export function arena_bytes(): usize { return ARENA_BASELINE + (overflow ? block_size(overflow) : 0); }
export function arena_baseline(): usize { return ARENA_BASELINE; }
