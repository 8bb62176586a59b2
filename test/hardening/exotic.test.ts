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
