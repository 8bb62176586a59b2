// Module hooks that let a plain `node` child process import src/*.ts (the race and shutdown tests
// run in children so that a crash or hang is observed, not suffered): `./x.js` resolves to
// `./x.ts` when only the .ts exists, and .ts files are transpiled with TypeScript's
// transpileModule (types erased, nothing checked — vitest's own transform does no more). Output
// is cached under node_modules/.cache by content hash, so most children never load TypeScript.
// Registered by ./ts-register.mjs: `node --import ./test/hardening/ts-register.mjs child.mjs`.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/sk-ts-hooks/', import.meta.url));
let ts;

export async function resolve(specifier, context, next) {
  if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const asTs = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (!existsSync(new URL(specifier, context.parentURL)) && existsSync(asTs)) return { url: asTs.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const file = fileURLToPath(url);
  const source = readFileSync(file, 'utf8');
  const cached = cacheDir + createHash('sha1').update(file).update('\0').update(source).digest('hex') + '.mjs';
  if (existsSync(cached)) return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
  ts ??= (await import('typescript')).default;
  const out = ts.transpileModule(source, {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true },
  }).outputText;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${cached}.${process.pid}`;
  writeFileSync(tmp, out);
  renameSync(tmp, cached);  // atomic: concurrent children never read a half-written file
  return { format: 'module', source: out, shortCircuit: true };
}
