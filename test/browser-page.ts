// Headless Chromium for the browser tests and bench/browser.js: finds Debian's chromium (nothing
// downloads a browser), serves pages from memory on 127.0.0.1, bundles test code for the page
// (src/browser.ts for 'spatialkit', the vitest shim for 'vitest', throwing stubs for node:*).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain ESM build scripts without types
import { bundleBrowser } from '../scripts/build-browser.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WASM_FILE = path.join(ROOT, 'wasm', 'build', 'spatialkit.wasm');

// @ts-expect-error plain ESM script without types
export { chromiumPath, launch, NO_CHROMIUM, pageValue, serve } from '../scripts/chromium.mjs';
export interface Asset { type: string; body: string | Uint8Array }

const NODE_STUB = `const no = (n) => () => { throw new Error(n + ' needs Node.js, not available in a browser'); };
export const execFileSync = no('child_process.execFileSync'), spawnSync = no('child_process.spawnSync');
export const createHash = no('crypto.createHash');
export default {};`;

const testAliases = {
  name: 'browser-test-aliases',
  setup(build: { onResolve: Function; onLoad: Function }) {
    // The oracle test files (and the Buffer setter) run by being imported: package.json's
    // sideEffects list (which names only src/ modules) would let esbuild drop them.
    build.onResolve({ filter: /(\.test|browser-buffer)\.ts$/ }, (a: { path: string; resolveDir: string }) => ({ path: path.resolve(a.resolveDir, a.path), sideEffects: true }));
    build.onResolve({ filter: /^spatialkit$/ }, () => ({ path: path.join(ROOT, 'src', 'browser.ts') }));
    build.onResolve({ filter: /^vitest$/ }, () => ({ path: path.join(ROOT, 'test', 'browser-shim.ts') }));
    build.onResolve({ filter: /^node:/ }, (a: { path: string }) => ({ path: a.path, namespace: 'node-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'node-stub' }, () => ({ contents: NODE_STUB, loader: 'js' }));
  },
};

/**
 * One ES module for the page from `source` (TypeScript, resolved from test/), with the aliases
 * above. `define` replaces expressions (e.g. process.env.TEST_SEED) at build time.
 */
export async function bundleForPage(source: string, define: Record<string, string> = {}): Promise<string> {
  const r = await bundleBrowser(undefined, {
    stdin: { contents: source, resolveDir: path.join(ROOT, 'test'), loader: 'ts', sourcefile: 'page-entry.ts' },
    write: false, plugins: [testAliases], define, logLevel: 'error',
  });
  return r.outputFiles[0].text;
}

/** A page that imports `/page/main.js` as a module. */
export const PAGE_HTML = '<!doctype html><meta charset="utf-8"><title>spatialkit</title><body><script type="module" src="/page/main.js"></script>';
export const WASM_ASSET: Asset = { type: 'application/wasm', body: fs.readFileSync(WASM_FILE) };
