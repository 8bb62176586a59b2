// Overlapping memory (issue 16), decided once for every function: an `out` whose bytes overlap an
// input's is handled — the backend compares address ranges and copies the input first — whatever
// the two element types, and also when the two arrays reach one memory through different
// SharedArrayBuffer objects (one buffer posted to a worker twice). Every function with an `out`
// (the fuzzer's models) is called with its out placed inside each input's bytes and must give the
// plain call's result, on every backend.
import { expect, it } from 'vitest';
import * as sk from 'spatialkit';
import { eachBackend } from '../helpers.js';
// @ts-expect-error plain JS module without types
import { MODELS, rng, discover, overlapOut, inputPaths, outPathOf, getAt } from '../fuzz/core.mjs';

type Model = (r: unknown, ctx: object) => { args: unknown[]; out?: string | number };
const targets = (discover(sk) as { name: string; fn: (...a: unknown[]) => unknown; base: string }[])
  .filter((t) => !t.name.endsWith('Async') && (MODELS[t.base] as Model | undefined) && (MODELS[t.base] as Model)(rng(1), {}).out !== undefined);

/** The array a call wrote: the result itself or its one typed-array field ({values, mean}). */
function written(v: unknown): ArrayBufferView & { length: number; BYTES_PER_ELEMENT: number } {
  if (ArrayBuffer.isView(v)) return v as never;
  return Object.values(v as object).find((x) => ArrayBuffer.isView(x)) as never;
}

eachBackend('out inside an input\'s bytes', (backend) => {
  it(`every function with an out (${targets.length}): any type, at the same address or shifted, or through a second SharedArrayBuffer object — the plain result`, () => {
    sk.setBackend(backend);
    let checked = 0;
    const kinds = new Set<string>();
    for (const t of targets) {
      for (let seed = 1; seed <= 12; seed++) {
        const model = MODELS[t.base] as Model;
        let plain: unknown;
        try { plain = t.fn(...model(rng(seed), {}).args); } catch { continue; }  // an invalid draw (e.g. zero quaternion)
        const like = written(plain);
        if (!like?.length) continue;
        const probe = model(rng(seed), {});
        for (const p of inputPaths(probe.args, probe.out) as (string | number)[][]) {
          for (const [kind, frac] of [['cross', 0], ['cross', 0.5], ['twin', 0]] as const) {
            const c = model(rng(seed), {});
            if (!overlapOut(c.args, c.out, p, like, kind, frac)) continue;
            const input = getAt(c.args, p) as ArrayBufferView;
            const what = `${t.name} seed ${seed}: out (${like.constructor.name}) inside arg ${p.join('.')} (${input.constructor.name}), ${kind} at ${frac}`;
            const got = t.fn(...c.args);
            expect(got, what).toEqual(plain);
            expect(written(got), `${what}: the result is the given out`).toBe(getAt(c.args, outPathOf(c.out)));
            kinds.add(`${like.constructor.name} in ${input.constructor.name}`);
            checked++;
          }
        }
      }
    }
    console.log(`overlap [${backend}]: ${checked} calls over ${targets.length} functions; type pairs: ${[...kinds].sort().join(', ')}`);
    expect(checked).toBeGreaterThan(10 * targets.length);
    expect([...kinds].some((k) => { const [o, , i] = k.split(' '); return o !== i; })).toBe(true);  // cross-type cases ran
  });
});
