// The import graph of src/ (static imports, `import type`, re-exports and dynamic imports), its
// cycles, and its back-arrows: a file under src/backend/ that imports a domain module. Used by
// test/structure.test.ts; `node scripts/import-graph.mjs` prints what it finds and exits 1 on any.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** file (relative to the repository, src/…) → the src/ files it imports. */
export function importGraph(dir = path.join(root, 'src')) {
  const graph = new Map();
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else if (f.endsWith('.ts') && !f.endsWith('.d.ts')) graph.set(f, []);
    }
  };
  walk(dir);
  const spec = /(?:\bimport\b[^'"();]*?\bfrom\s*|\bexport\b[^'";]*?\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.[^'"]+)['"]/gm;
  for (const [file, deps] of graph) {
    const text = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
    for (const m of text.matchAll(spec)) {
      const target = path.resolve(path.dirname(file), m[1]).replace(/\.js$/, '.ts');
      if (graph.has(target) && !deps.includes(target)) deps.push(target);
    }
  }
  const rel = (f) => path.relative(root, f);
  return new Map([...graph].map(([f, deps]) => [rel(f), deps.map(rel)]));
}

/** Every cycle, as one strongly connected component of more than one file (or a file importing itself). */
export function cycles(graph) {
  let index = 0;
  const idx = new Map(), low = new Map(), stack = [], on = new Set(), out = [];
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do { w = stack.pop(); on.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/**
 * Imports from src/backend/ into anything but src/backend/ and the leaf modules it may use: the
 * check vocabulary (src/validate.ts) and the package's location and version.
 */
const BACKEND_MAY_USE = new Set(['src/validate.ts', 'src/version.ts', 'src/package-root.cts']);
export function backArrows(graph) {
  const out = [];
  for (const [f, deps] of graph) {
    if (!f.startsWith('src/backend/')) continue;
    for (const d of deps) if (!d.startsWith('src/backend/') && !BACKEND_MAY_USE.has(d)) out.push(`${f} → ${d}`);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const g = importGraph();
  const c = cycles(g), b = backArrows(g);
  for (const s of c) console.log(`cycle: ${s.join(' ↔ ')}`);
  for (const a of b) console.log(`back-arrow: ${a}`);
  console.log(`${g.size} files, ${c.length} cycles, ${b.length} back-arrows`);
  process.exit(c.length || b.length ? 1 : 0);
}
