// Module hooks that let a plain `node` child process import src/*.ts (the race and shutdown tests
// run in children so that a crash or hang is observed, not suffered): `./x.js` resolves to
// `./x.ts` when only the .ts exists, and .ts files are transpiled with TypeScript's
// transpileModule (types erased, nothing checked — vitest's own transform does no more). Output
// is cached under node_modules/.cache by content hash, so most children never load TypeScript.
// Registered by ./ts-register.mjs: `node --import ./test/hardening/ts-register.mjs child.mjs`.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/sk-ts-hooks/', import.meta.url));
let ts;

export async function resolve(specifier, context, next) {
  // ./x.js → ./x.ts and ./x.cjs → ./x.cts (src/package-root.cts), as tsc maps them.
  const m = specifier.startsWith('.') && context.parentURL?.endsWith('.ts') && /\.(c?)js$/.exec(specifier);
  if (m) {
    const asTs = new URL(specifier.replace(/\.(c?)js$/, `.${m[1]}ts`), context.parentURL);
    if (!existsSync(new URL(specifier, context.parentURL)) && existsSync(asTs)) return { url: asTs.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts') && !url.endsWith('.cts')) return next(url, context);
  const file = fileURLToPath(url);
  // A .cts (src/package-root.cts) is run as a module too, given the `__dirname` CommonJS would give it.
  const source = (url.endsWith('.cts') ? `const __dirname = ${JSON.stringify(path.dirname(file))};\n` : '') + readFileSync(file, 'utf8');
  const cached = cacheDir + createHash('sha1').update(file).update('\0').update(source).digest('hex') + '.mjs';
  if (existsSync(cached)) return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
  ts ??= (await import('typescript')).default;
  const out = ts.transpileModule(source, {
    fileName: file.replace(/\.cts$/, '.ts'),  // as an ES module: a .cts name would make TypeScript emit CommonJS
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true },
  }).outputText;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${cached}.${process.pid}`;
  writeFileSync(tmp, out);
  renameSync(tmp, cached);  // atomic: concurrent children never read a half-written file
  return { format: 'module', source: out, shortCircuit: true };
}
