// Helpers for the tests that run `spatialkit rotate` in-process: run it with console output
// captured, read its JSONL files, and snapshot an output folder.
import { vi } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { run } from '../src/cli/rotate.js';

/**
 * Runs the command with console output captured; a thrown error (exit 1 in the CLI) is returned as code 1.
 * One thread unless the test passes --jobs: worker threads run the built dist/ (see rotate-jobs.test.ts).
 */
export async function rotate(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  if (!args.includes('--jobs') && !args.includes('--help') && !args.includes('-h')) args = [...args, '--jobs', '1'];
  let out = '', err = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => { out += a.join(' ') + '\n'; });
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => { err += a.join(' ') + '\n'; });
  try {
    return { code: await run(args), out, err };
  } catch (e) {
    return { code: 1, out, err: err + `spatialkit: ${(e as Error).message}\n` };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}
export const read = (dir: string, f: string): Buffer => fs.readFileSync(path.join(dir, f));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const lines = (dir: string, f: string): Record<string, any>[] => read(dir, f).toString().trimEnd().split('\n').filter(Boolean).map((l) => JSON.parse(l));
/** name → bytes of every file under dir (names relative, sorted). */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p); else out[path.relative(dir, p)] = fs.readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

const ROOT = path.resolve(import.meta.dirname, '..');
/** Tests that run dist/ (worker threads, the CLI in a child process): a stale build would test old code, so say so. */
export function checkBuilt(names: string[]): void {
  for (const f of names) {
    const src = fs.statSync(path.join(ROOT, `src/cli/${f}.ts`)).mtimeMs, js = path.join(ROOT, `dist/cli/${f}.js`);
    if (!fs.existsSync(js) || fs.statSync(js).mtimeMs < src) throw new Error(`dist/cli/${f}.js is older than src/cli/${f}.ts: run \`npm run build:ts\``);
  }
}
