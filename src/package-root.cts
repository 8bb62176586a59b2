// The package root, for files that ship beside the code (the .wasm, package.json, bench/, blender/).
// CommonJS on purpose: `__dirname` exists in both builds, where `import.meta.url` would not parse in
// dist/cjs/. This file is src/, dist/ (ESM build) or dist/cjs/ (CommonJS build). Plain JS syntax
// (no annotations): vitest loads a .cts untransformed.
import path from 'node:path';

export const packageRoot = path.resolve(__dirname, path.basename(__dirname) === 'cjs' ? '../..' : '..');
