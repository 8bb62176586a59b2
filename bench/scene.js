// Benchmark suite for sk.scene (see bench/lib.js for the suite contract).
//
// The scene code is JS; the backend only matters inside layout (sk.collide.fits), so `generate`
// runs on every backend and the text stages once. Items are groups (16 images each) except for
// `labels` (angles). Bytes = the JSONL the stage leads to, so GB/s reads as output throughput.
// The 60 s target for 10,000 groups (ROTATE's full run) needs ≥ 167 groups/s end to end.
import * as sk from 'spatialkit';

const N = 200;

export async function run(ctx) {
  const groups = ctx.quick ? 50 : N;
  const sample = sk.scene.generate({ groups, seed: 1 });
  const text = (g) => JSON.stringify(sk.scene.captions(g)).length + sk.scene.qa(g).reduce((s, q) => s + JSON.stringify(q).length + 1, 0) +
    sk.scene.sdg(g).reduce((s, d) => s + JSON.stringify(d).length + 1, 0);
  const bytes = sample.reduce((s, g) => s + text(g), 0);

  const angles = new Float64Array(100_000).map((_, i) => (i * 360) / 100_000 - 180);
  await ctx.bench({
    op: 'labels', n: angles.length, impl: 'js', items: angles.length, bytes: angles.byteLength,
    fn: () => { let h = 0; for (let i = 0; i < angles.length; i++) h += sk.scene.labels(angles[i]).clock; return h; },
  });

  for (const b of ctx.backends()) {
    await ctx.bench({
      op: 'generate', n: groups, impl: b.name, items: groups, bytes,
      before: () => sk.setBackend(b.name),
      fn: () => sk.scene.generate({ groups, seed: 1 }),
      check: () => (JSON.stringify(sk.scene.generate({ groups: 5, seed: 1 }).map((g) => g.objects)) === JSON.stringify(sample.slice(0, 5).map((g) => g.objects)) ? 0 : 1),
    });
  }
  await ctx.bench({
    op: 'captions+qa+sdg', n: groups, impl: 'js', items: groups, bytes,
    fn: () => { let s = 0; for (const g of sample) s += sk.scene.captions(g).length + sk.scene.qa(g).length + sk.scene.sdg(g).length; return s; },
  });
  await ctx.bench({
    op: 'end to end', n: groups, impl: 'js', items: groups, bytes,
    fn: () => { let s = 0; for (const g of sk.scene.generate({ groups, seed: 1 })) s += text(g); return s; },
  });
  ctx.target({ label: '10,000 groups in 60 s (≥ 167 groups/s, JSON included)', where: { op: 'end to end', n: groups, impl: 'js' }, metric: 'melemPerS', min: 167e-6 });
}
