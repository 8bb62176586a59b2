// The figures behind `spatialkit rotate`'s visibility defaults (docs/rotate.md "Visibility filter"):
//   1. the share of images the default filter keeps on G groups, at the default geometry and at the
//      geometry before the filter (--fov 60 --object-size real), with the drop causes;
//   2. for each cast resolution, how often the keep decision differs from a cast at the full image
//      resolution, how far the visible-pixel counts are off, and what the cast costs per group.
// Usage: npm run build:ts && node scripts/visibility-defaults.mjs [--groups 2000] [--seed 0]
import { parseArgs } from 'node:util';
import * as sk from 'spatialkit';
import { castInputs, decide } from '../dist/scene/visibility.js';

const { values } = parseArgs({ options: { groups: { type: 'string', default: '2000' }, seed: { type: 'string', default: '0' } } });
const G = Number(values.groups), seed = Number(values.seed);
const image = [512, 512];
const filter = { minVisible: 0.5, minPixels: 400 };

/** Object records (as rotate writes them) of every image of `groups`, cast at res × res. */
function records(groups, res) {
  const { scenes, cameras } = castInputs(groups);
  const t0 = process.hrtime.bigint();
  const v = sk.render.visibility(scenes, cameras, { height: res, width: res, image });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const s = image[0] / res, out = [];
  for (let i = 0; i + 1 < v.offsets.length; i++) {
    const objs = [];
    for (let r = v.offsets[i]; r < v.offsets[i + 1]; r++) {
      objs.push({ pixels: Math.round(v.pixelsVisible[r] * s * s), pixelsAlone: Math.round(v.pixelsAlone[r] * s * s),
        visibleFraction: Math.round(v.visibleFraction[r] * 1e4) / 1e4, inFrame: Math.round(v.inFrame[r] * 1e4) / 1e4 });
    }
    out.push(objs);
  }
  return { out, ms };
}

function passRate(label, opts) {
  const groups = sk.scene.generate({ groups: G, seed, ...opts });
  const { out } = records(groups, 128);
  const causes = { 'too-small': 0, occluded: 0, 'out-of-frame': 0 };
  let kept = 0;
  for (const objs of out) {
    const d = decide(objs, filter);
    if (d.kept) kept++;
    for (const c of d.drop) causes[c]++;
  }
  const pct = (n) => `${((100 * n) / out.length).toFixed(1)} %`;
  console.log(`| ${label} | ${pct(kept)} (${kept.toLocaleString('en-US')} of ${out.length.toLocaleString('en-US')}) | ${pct(causes['too-small'])} | ${pct(causes.occluded)} | ${pct(causes['out-of-frame'])} |`);
}

console.log(`# ${G} groups, seed ${seed}, ${image.join('x')} images, filter: ≥ ${filter.minPixels} visible pixels, ≥ ${filter.minVisible} unoccluded and in frame\n`);
console.log('| geometry | kept | too-small | occluded | out-of-frame |\n|---|---:|---:|---:|---:|');
passRate('default: --fov 40 --object-size 1.2 (radius 10, height 6)', { ring: { fov: 40, image }, objectSize: 1.2 });
passRate('before the filter: --fov 60 --object-size real', { ring: { fov: 60, image }, objectSize: 'real' });
passRate('--fov 60 --object-size 1.2', { ring: { fov: 60, image }, objectSize: 1.2 });
passRate('--fov 40 --object-size real', { ring: { fov: 40, image }, objectSize: 'real' });

// Resolution: a smaller sample (the full-resolution cast is the expensive reference).
const sample = sk.scene.generate({ groups: Math.min(G, 300), seed: seed + 1, ring: { fov: 40, image }, objectSize: 1.2 });
const full = records(sample, 512);
console.log(`\n${sample.length} groups (${full.out.length} images) against a 512x512 cast; time: median of 3 casts, one call for all groups\n`);
console.log('| cast | decisions that differ | median |Δ pixels| / pixels | 95th percentile | ms per group |\n|---|---:|---:|---:|---:|');
for (const res of [32, 64, 96, 128, 192, 256, 512]) {
  const runs = [0, 1, 2].map(() => records(sample, res));
  const ms = runs.map((r) => r.ms).sort((a, b) => a - b)[1];
  const { out } = runs[0];
  let differ = 0;
  const rel = [];
  out.forEach((objs, i) => {
    if (decide(objs, filter).kept !== decide(full.out[i], filter).kept) differ++;
    objs.forEach((o, j) => { const f = full.out[i][j].pixels; if (f > 0) rel.push(Math.abs(o.pixels - f) / f); });
  });
  rel.sort((a, b) => a - b);
  const q = (p) => `${(100 * rel[Math.floor(p * (rel.length - 1))]).toFixed(2)} %`;
  console.log(`| ${res}x${res} | ${differ} (${((100 * differ) / out.length).toFixed(2)} %) | ${q(0.5)} | ${q(0.95)} | ${(ms / sample.length).toFixed(3)} |`);
}
