// spatialkit in headless Chromium (Debian's package, driven by puppeteer-core): the browser
// bundle has no Node built-ins, exposes Node's API minus the Node-only parts, names the missing
// feature when WebAssembly SIMD is absent, and passes the same oracle test files that run on
// wasm under Node — bundled unchanged with a vitest shim (test/browser-shim.ts), one page per
// file, each check reported below as its own test.
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import * as sk from 'spatialkit';
// @ts-expect-error plain ESM build script without types
import { bundleBrowser } from '../scripts/build-browser.mjs';
import { SEED } from './helpers.js';
import type { Page } from 'puppeteer-core';
import { bundleForPage, chromiumPath, launch, NO_CHROMIUM, pageValue, PAGE_HTML, ROOT, serve, WASM_ASSET } from './browser-page.js';
import type { Result } from './browser-shim.js';

/** The oracle test files whose wasm checks run in the page too (BROWSER_ORACLES=quat,rope picks some while developing). */
const ORACLE_FILES = (process.env.BROWSER_ORACLES ?? 'quat,rope,camera,collide,metrics,render').split(',');
/** Checks that cannot hold in a bundled page, reported as skipped with the reason. */
const NOT_IN_A_BUNDLE: [RegExp, string][] = [
  [/keeping the caller in the stack$/, 'the bundle puts every frame in one file, so a stack cannot name the test file'],
];
/** What the browser API leaves out, by design (docs/browser.md). */
const NODE_ONLY_KEYS: string[] = [];

const chromium = chromiumPath();
const pageRuns = new Map<string, { results: Result[]; errors: string[] }>();

/** Serves a page whose module is `main` (a bundle from bundleForPage) and the wasm beside it. */
async function servePage(main: string, isolated = false) {
  return serve({ '/': { type: 'text/html', body: PAGE_HTML }, '/page/main.js': { type: 'text/javascript', body: main }, '/wasm/build/spatialkit.wasm': WASM_ASSET }, { isolated });
}

async function runPages(): Promise<void> {
  const browser = await launch();
  try {
    for (const file of ORACLE_FILES) {
      const t0 = Date.now();
      const main = await bundleForPage(
        // Node's Buffer (the npm package, which some test bodies compare with) is set first.
        `import './browser-buffer.ts';\nimport './${file}.test.ts';\nimport { runCollected } from './browser-shim.ts';\n` +
        `runCollected('test/${file}.test.ts').then((r) => { (globalThis as any).__results = r; });\n`,
        { 'process.env.TEST_SEED': JSON.stringify(String(SEED)) });
      // Cross-origin isolated, so the tests of SharedArrayBuffer-backed arrays run too.
      const server = await servePage(main, true);
      const { value, errors } = await pageValue(browser, `${server.url}/`, '__results');
      await server.close();
      pageRuns.set(file, { results: (value as Result[] | undefined) ?? [], errors });
      console.log(`Chromium: test/${file}.test.ts ran in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    await browser.close();
  }
}
if (chromium) await runPages();

describe.skipIf(!chromium)(`oracle checks in headless Chromium (seed ${SEED})${chromium ? '' : ` — skipped: ${NO_CHROMIUM}`}`, () => {
  for (const file of ORACLE_FILES) {
    const run = pageRuns.get(file) ?? { results: [], errors: ['not run'] };
    describe(`test/${file}.test.ts`, () => {
      it('the page loaded and ran with no errors, and checks ran on wasm', () => {
        expect(run.errors).toEqual([]);
        expect(run.results.filter((r) => r.state === 'pass').length).toBeGreaterThan(0);
      });
      for (const r of run.results) {
        const name = r.name.slice(`test/${file}.test.ts > `.length);
        const differs = NOT_IN_A_BUNDLE.find(([re]) => re.test(name));
        if (differs) it.skip(`${name} — not checkable in a bundle: ${differs[1]}`, () => {});
        else if (r.state === 'skip') it.skip(name, () => {});
        else it(name, () => { if (r.state === 'fail') throw new Error(r.error); });
      }
    });
  }
});

describe('browser bundle', () => {
  it('bundles for platform "browser" with no Node built-ins, and without the Node loaders', async () => {
    // esbuild refuses node:* imports for platform "browser", so success alone shows there are none.
    const r = await bundleBrowser(path.join(ROOT, 'src', 'browser.ts'), { write: false, metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(r.metafile.inputs);
    expect(inputs).toContain('src/backend/browser.ts');
    expect(inputs).toContain('src/backend/wasm/index.ts');
    expect(inputs).not.toContain('src/backend/index.ts');
    expect(inputs).not.toContain('src/backend/wasm/node.ts');
    expect(inputs).not.toContain('src/version.ts');
    expect(r.outputFiles[0].text).toContain("new URL(\"../wasm/build/spatialkit.wasm\", import.meta.url)");
  });
});

describe.skipIf(!chromium)('the browser entry in Chromium', () => {
  const browserPromise = chromium ? launch() : undefined;
  afterAll(async () => { await (await browserPromise)?.close(); });

  async function inPage(source: string, hideSimd = false): Promise<{ value: unknown; errors: string[] }> {
    const server = await servePage(await bundleForPage(source));
    // An engine without SIMD: any module with the SIMD opcode prefix (0xfd) is invalid.
    const before = hideSimd ? (page: Page) => page.evaluateOnNewDocument(() => {
      const hasSimd = (b: BufferSource) => new Uint8Array(ArrayBuffer.isView(b) ? b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) : b).includes(0xfd);
      const { validate, compile } = WebAssembly;
      WebAssembly.validate = (b) => !hasSimd(b) && validate(b);
      WebAssembly.compile = (b) => (hasSimd(b) ? Promise.reject(new WebAssembly.CompileError('invalid opcode 0xfd')) : compile(b));
    }) : undefined;
    try {
      return await pageValue(await browserPromise!, `${server.url}/`, '__value', { before, timeout: 120_000 });
    } finally {
      await server.close();
    }
  }

  it("exposes Node's API (same namespaces and functions) on the wasm backend", async () => {
    const { value, errors } = await inPage(`import * as sk from 'spatialkit';
      const names = (o: object) => Object.keys(o).sort();
      (globalThis as any).__value = { top: names(sk), spaces: Object.fromEntries(['quat','rope','camera','collide','scene','metrics','render'].map((k) => [k, names((sk as any)[k])])),
        backend: sk.getBackend(), backends: sk.backends().map((b) => [b.backend, b.available, b.reason ?? '']),
        product: Array.from(sk.quat.multiply(new Float32Array([0, 0, Math.SQRT1_2, Math.SQRT1_2]), new Float32Array([0, 0, Math.SQRT1_2, Math.SQRT1_2]))) };`);
    expect(errors).toEqual([]);
    const v = value as { top: string[]; spaces: Record<string, string[]>; backend: string; backends: [string, boolean, string][]; product: number[] };
    const nodeTop = Object.keys(sk).filter((k) => !NODE_ONLY_KEYS.includes(k)).sort();
    expect(v.top).toEqual([...nodeTop, 'init'].sort());
    for (const [k, names] of Object.entries(v.spaces)) expect(names, k).toEqual(Object.keys((sk as unknown as Record<string, object>)[k]).sort());
    expect(v.backend).toBe('wasm');
    expect(v.backends).toEqual([['native', false, 'a Node.js addon, not available in a browser'], ['cuda', false, 'a Node.js addon, not available in a browser'], ['wasm', true, '']]);
    // Two 90° turns about z are the 180° turn (0, 0, 1, 0).
    expect(v.product[2]).toBeCloseTo(1, 6);
    expect(Math.hypot(v.product[0], v.product[1], v.product[3])).toBeLessThan(1e-6);
  }, 300_000);

  it('a browser without WebAssembly SIMD gets an error naming the feature, from import, init() and every kernel', async () => {
    const { value, errors } = await inPage(`import * as sk from 'spatialkit';
      const err = (f: () => unknown) => { try { f(); return 'no error'; } catch (e) { return (e as Error).message; } };
      (globalThis as any).__value = { reason: sk.backends()[2].reason, kernel: err(() => sk.quat.multiply(new Float32Array(4), new Float32Array(4))),
        init: await sk.init().then(() => 'no error', (e) => e.message), setBackend: err(() => sk.setBackend('wasm')) };`, true);
    expect(errors).toEqual([]);
    const v = value as Record<string, string>;
    expect(v.reason).toMatch(/lacks WebAssembly SIMD .*'simd128'.*Chrome\/Edge 91\+/);
    expect(v.init).toBe(v.reason);
    expect(v.kernel).toBe(`spatialkit: the 'wasm' backend is unavailable: ${v.reason}`);
    expect(v.setBackend).toBe(v.kernel);
  }, 300_000);
});
