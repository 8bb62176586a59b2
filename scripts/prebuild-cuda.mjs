// Pack step (prepack, after prebuildify): ships the CUDA addon built by `npm run build:cuda` as
// prebuilds/<platform>-<arch>/cuda/spatialkit_cuda.node, stripped as prebuildify strips the CPU
// one. The subfolder keeps node-gyp-build from ever taking it for the CPU addon (it reads only the
// files directly in prebuilds/<platform>-<arch>/). Without a CUDA build it says so and removes any
// stale copy, so a tarball never ships a CUDA addon older than its sources' last build.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const built = path.join('build-cuda', 'Release', 'spatialkit_cuda.node');
const dir = path.join('prebuilds', `${process.platform}-${process.arch}`, 'cuda');
const dest = path.join(dir, 'spatialkit_cuda.node');

if (!fs.existsSync(built)) {
  fs.rmSync(dir, { recursive: true, force: true });
  console.warn(`spatialkit pack: no ${built} (run \`npm run build:cuda\` where nvcc exists): the package ships WITHOUT the CUDA prebuild`);
} else {
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(built, dest);
  if (process.platform === 'linux') {
    const strip = spawnSync('strip', ['--strip-all', dest], { stdio: 'inherit' });
    if (strip.status !== 0) console.warn('spatialkit pack: strip failed; shipping the CUDA addon unstripped');
  }
  const mb = (fs.statSync(dest).size / 2 ** 20).toFixed(1);
  console.warn(`spatialkit pack: the CUDA prebuild ${dest} (${mb} MiB, from ${built}) ships in the package`);
}
