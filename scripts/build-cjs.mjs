// The CommonJS build: tsc with tsconfig.cjs.json (the same src/) into dist/cjs/, then a
// package.json there that makes Node and TypeScript read dist/cjs/*.js and *.d.ts as CommonJS.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.cjs.json'], { stdio: 'inherit' });
fs.writeFileSync('dist/cjs/package.json', '{\n  "type": "commonjs"\n}\n');
