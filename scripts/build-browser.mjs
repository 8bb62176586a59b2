// Bundles src/browser.ts into dist/browser.js: one ES module with no Node built-ins. Two
// src modules are swapped for their browser counterparts (everything else is shared as is):
//   src/backend/index.ts → src/backend/browser.ts  (wasm only; bytes by fetch)
//   src/version.ts       → the version string      (Node reads package.json with require)
// Run after tsc (npm run build:ts does both): tsc also emits dist/browser.js, which this replaces.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/**
 * Bundles `entry` (a .ts file, or esbuild `stdin`) for browsers; options as esbuild's (outfile,
 * write…), `plugins` added after the swap.
 */
export async function bundleBrowser(entry, { plugins = [], ...options } = {}) {
  const swap = {
    name: 'spatialkit-browser',
    setup(build) {
      build.onResolve({ filter: /^\.{1,2}\/.*\.js$/ }, (args) => {
        const target = path.resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
        if (target === path.join(src, 'backend', 'index.ts')) return { path: path.join(src, 'backend', 'browser.ts') };
        if (target === path.join(src, 'version.ts')) return { path: 'version', namespace: 'spatialkit' };
        return undefined;
      });
      build.onLoad({ filter: /^version$/, namespace: 'spatialkit' }, () => ({
        contents: `export const version = ${JSON.stringify(version)};`, loader: 'js',
      }));
    },
  };
  return esbuild.build({
    ...(entry ? { entryPoints: [entry] } : {}), bundle: true, format: 'esm', platform: 'browser', target: 'es2022',
    logLevel: 'warning', plugins: [swap, ...plugins], ...options,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await bundleBrowser(path.join(src, 'browser.ts'), { outfile: path.join(root, 'dist', 'browser.js') });
}
