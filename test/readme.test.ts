// The README's examples run: every ```js block of README.md is written to a module (its
// `import * as sk from 'spatialkit'` pointed at src/) and imported; a block that throws fails.
// Each module of the tour must have its example, so one cannot silently go missing.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as sk from 'spatialkit';

const root = path.resolve(import.meta.dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const entry = pathToFileURL(path.join(root, 'src/index.ts')).href;

/** The tour's sections: `### <title>` under `## A short tour`, each with its text. */
const tour = readme.split(/^## /m).find((s) => s.startsWith('A short tour'))!.split(/^### /m).slice(1)
  .map((s) => ({ title: s.slice(0, s.indexOf('\n')), body: s }));
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m, i) => ({ index: i + 1, code: m[1] }));

describe('README examples', () => {
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sk-readme-')); });
  afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); sk.setBackend('auto'); });

  it('the tour has the seven modules, each with one example', () => {
    expect(tour.map((t) => t.title.match(/`sk\.(\w+)`/)?.[1])).toEqual(['quat', 'rope', 'camera', 'collide', 'render', 'scene', 'metrics']);
    for (const t of tour) expect((t.body.match(/```js\n/g) ?? []).length, t.title).toBe(1);
  });

  it.each(blocks)('block $index runs', async ({ index, code }) => {
    expect(code).toContain("from 'spatialkit'");
    const file = path.join(dir, `block${index}.mjs`);
    fs.writeFileSync(file, code.replaceAll("from 'spatialkit'", `from '${entry}'`));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await import(pathToFileURL(file).href);
      expect(log).toHaveBeenCalled();   // every example shows its result
    } finally {
      log.mockRestore();
    }
  });
});
