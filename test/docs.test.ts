// README.md and docs/*.md against the tree: every relative link and every repository path they
// name (src/…, docs/…, native/…, …) exists, and nothing cites documents outside the repository.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const pages = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const text = (page: string): string => fs.readFileSync(path.join(root, page), 'utf8');

/** Relative markdown link targets `[..](target)`, anchors dropped; web, mail and in-page links left out. */
export function links(md: string): string[] {
  return [...md.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1])
    .filter((t) => !/^(https?:|mailto:|#)/.test(t)).map((t) => t.replace(/#.*$/, ''));
}
/**
 * Repository paths named in prose or code (`src/scene/relations.ts`, `native/test/`). A path that
 * runs into a placeholder (`bench/results/gpu-check-<time>/`, `native/kernels/<domain>.h`) is
 * checked up to its last complete folder.
 */
export function repoPaths(md: string): string[] {
  const found = md.matchAll(/(?<![\w./-])((?:src|docs|native|test|bench|scripts|wasm|blender)\/[\w.\/-]*)([<*{]?)/g);
  return [...new Set([...found].map(([, p, placeholder]) =>
    placeholder ? p.slice(0, p.lastIndexOf('/') + 1) : p.replace(/[.,:;]+$/, '')))];
}

describe('documentation paths', () => {
  it('finds links and paths (the extractors themselves)', () => {
    expect(links('see [a](docs/a.md#x), [w](https://x.org) and [b](#top)')).toEqual(['docs/a.md']);
    expect(repoPaths('in `src/scene/relations.ts`, native/test/ and x/src/no; bench/results/run-<time>/x.json.')).toEqual(
      ['src/scene/relations.ts', 'native/test/', 'bench/results/']);
  });

  it.each(pages)('%s: every relative link exists', (page) => {
    const missing = links(text(page)).filter((t) => !fs.existsSync(path.resolve(root, path.dirname(page), decodeURI(t))));
    expect(missing).toEqual([]);
  });

  it.each(pages)('%s: every src/…, docs/…, native/… path it names exists', (page) => {
    const missing = repoPaths(text(page)).filter((p) => !fs.existsSync(path.join(root, p)));
    expect(missing).toEqual([]);
  });

  it.each(pages)('%s: cites no document outside the repository', (page) => {
    expect(text(page)).not.toMatch(/DESIGN\b|§\s*\d|\bissue \d+|\.\.\/shared/);
  });
});
