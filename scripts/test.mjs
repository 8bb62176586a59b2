// `npm test`: the vitest suite (every backend that loads here), the native driver tests
// (scripts/test-native.sh: CPU drivers and the Thrust build of the CUDA launchers) and the
// packaging check (scripts/pack-check.sh). Ends with the plain line CI reads:
// "N passed, N failed, N skipped" — each test counted once (scripts/test-counts.mjs says how).
// SKIP_NATIVE_TESTS=1 / SKIP_PACK_CHECK=1 leave those parts out; the GPU check's dry mode runs
// after the native tests (SKIP_GPU_CHECK=1 leaves it out).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { countNative, countPack, countVitest } from './test-counts.mjs';

const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
let passed = 0, failed = 0, skipped = 0;
const add = (c) => { passed += c.passed; failed += c.failed; skipped += c.skipped ?? 0; };

const report = '.vitest-report.json';
rmSync(report, { force: true });
const vitest = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit', env });
if (existsSync(report)) {
  const c = countVitest(JSON.parse(readFileSync(report, 'utf8')));
  for (const p of c.problems) console.error(`vitest: ${p}`);
  if (vitest.status !== 0 && c.failed === 0) c.failed = 1;  // vitest failed without a failed test
  add(c);
} else {
  failed += 1;
  console.error(`vitest produced no report (exit ${vitest.status})`);
}

// SPATIALKIT_SANITIZE=1 (set by .ci/run) adds the same driver tests built with ASan + UBSan; a
// check counts once over both builds.
const nativeRuns = [{}, ...(process.env.SPATIALKIT_SANITIZE === '1' ? [{ SK_SANITIZE: '1' }] : [])];
const nativeOut = [];
for (const extra of existsSync('scripts/test-native.sh') && !process.env.SKIP_NATIVE_TESTS ? nativeRuns : []) {
  const nat = spawnSync('bash', ['scripts/test-native.sh'], { encoding: 'utf8', env: { ...env, ...extra } });
  const tag = extra.SK_SANITIZE ? ' [ASan+UBSan]' : '';
  process.stdout.write(tag ? nat.stdout.replace(/^(PASS|FAIL)\b(.*)$/gm, `$1$2${tag}`) : nat.stdout);
  process.stderr.write(nat.stderr);
  nativeOut.push(nat.stdout);
  if (nat.status !== 0 && !/^FAIL\b/m.test(nat.stdout)) nativeOut.push('== test-native.sh\nFAIL build: test-native.sh exited ' + nat.status);
}
if (nativeOut.length) {
  const c = countNative(nativeOut);
  for (const p of c.problems) console.error(`test:native: ${p}`);
  add(c);
}

// The GPU check's dry mode (scripts/gpu-check.sh --cpu-only, reusing build-test/ from above):
// gpu_bench's host-Thrust build on small sizes, the nvcc build's no-GPU exit, the GPU detection.
// SKIP_GPU_CHECK=1 leaves it out (gpu-check.sh itself runs this file for the Node-level checks).
if (existsSync('scripts/gpu-check.sh') && !process.env.SKIP_NATIVE_TESTS && !process.env.SKIP_GPU_CHECK) {
  const gpu = spawnSync('bash', ['scripts/gpu-check.sh', '--cpu-only'], { encoding: 'utf8', env });
  process.stdout.write(gpu.stdout);
  process.stderr.write(gpu.stderr);
  add(countPack(gpu.stdout, gpu.status));
}

// Packaging: the tarball loads its prebuild with install scripts off, and falls back to wasm.
if (!process.env.SKIP_PACK_CHECK) {
  const pack = spawnSync('bash', ['scripts/pack-check.sh'], { encoding: 'utf8', env });
  process.stdout.write(pack.stdout);
  process.stderr.write(pack.stderr);
  add(countPack(pack.stdout, pack.status));
}

console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed ? 1 : 0;
