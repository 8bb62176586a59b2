// The backend loader: listing, selection, errors, and CI's guard against a silent wasm fallback.
import { describe, expect, it } from 'vitest';
import * as sk from 'spatialkit';

describe('backends', () => {
  it('lists native, cuda and wasm with availability and, if unavailable, the reason', () => {
    const list = sk.backends();
    expect(list.map((b) => b.backend)).toEqual(['native', 'cuda', 'wasm']);
    for (const b of list) {
      expect(typeof b.available).toBe('boolean');
      if (!b.available) expect(b.reason).toMatch(/\S/);
    }
    console.log(list.map((b) => `${b.backend}: ${b.available ? 'available' : `unavailable (${b.reason})`}`).join('; '));
  });

  it('the native addon loaded (required in CI: SPATIALKIT_REQUIRE_NATIVE=1)', () => {
    const native = sk.backends().find((b) => b.backend === 'native')!;
    if (process.env.SPATIALKIT_REQUIRE_NATIVE === '1') expect(native.available, native.reason).toBe(true);
    if (native.available) expect(native.threads).toBeGreaterThanOrEqual(1);
  });

  it('the CUDA addon loaded and found its GPU (required in CI where a GPU is present: SPATIALKIT_REQUIRE_CUDA=1)', () => {
    // .ci/run sets SPATIALKIT_REQUIRE_CUDA=1 when `nvidia-smi -L` lists a GPU, so an addon that
    // fails to build, load or reach the device there fails CI instead of skipping every cuda test.
    const cuda = sk.backends().find((b) => b.backend === 'cuda')!;
    if (process.env.SPATIALKIT_REQUIRE_CUDA === '1') expect(cuda.available, cuda.reason).toBe(true);
    if (cuda.available) expect(cuda.devices).toMatch(/^0: .+ \(sm_\d+, /);
  });

  it("'auto' picks native when it loads, else wasm", () => {
    const avail = new Set(sk.backends().filter((b) => b.available).map((b) => b.backend));
    expect(sk.setBackend('auto')).toBe(avail.has('native') ? 'native' : 'wasm');
    expect(sk.getBackend()).toBe(avail.has('native') ? 'native' : 'wasm');
  });

  it('naming an unknown backend is a RangeError listing the choices; an unavailable one throws its load error', () => {
    expect(() => sk.setBackend('gpu' as never)).toThrow(new RangeError("Expected one of 'auto', 'native', 'cuda', 'wasm' for `name` but received \"gpu\""));
    for (const b of sk.backends().filter((x) => !x.available)) {
      expect(() => sk.setBackend(b.backend)).toThrow(b.reason);
    }
    sk.setBackend('auto');
  });

  it('CUDA without a GPU reports itself unavailable with the driver reason instead of crashing', () => {
    const cuda = sk.backends().find((b) => b.backend === 'cuda')!;
    if (!cuda.available) expect(cuda.reason).toMatch(/not built|driver|device|CUDA/i);
  });
});
