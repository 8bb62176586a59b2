#!/usr/bin/env bash
# Proves the package as users get it. `npm pack` (its prepack builds dist/, dist/cjs/, the .wasm and
# the prebuilds) ships the ESM and CommonJS builds with their own types, the .wasm, a stripped N-API
# prebuild and, where `npm run build:cuda` ran, the CUDA prebuild. On the tarball:
# @arethetypeswrong/cli and publint (offline, dev dependencies); then, installed into an empty
# project with install scripts disabled, real consumers — CommonJS `require`, ESM `import`, both in
# one process (one backend state), TypeScript .cts/.mts under `module: node16` and under
# `moduleResolution: bundler` (tsc must pass, then the output runs) — each checked against a number;
# the CUDA backend reports the driver's reason without a GPU; with the prebuilds deleted it still
# works on WebAssembly. Prints PASS/FAIL lines (counted by npm test).
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# check NAME CONDITION: prints PASS/FAIL and returns the condition's status (so `|| exit 1` works);
# the script exits non-zero if any check failed.
status=0
check() { if eval "$2"; then echo "PASS pack: $1"; else echo "FAIL pack: $1"; status=1; return 1; fi; }
# show TEXT: a failed check's tool output, indented, so the FAIL line comes with its reason.
show() { sed 's/^/    /' <<<"$1" | head -n 40; }

tgz=$(npm pack --silent --pack-destination "$tmp" 2>/dev/null | tail -n 1)
check "npm pack produced a tarball" '[ -f "$tmp/$tgz" ]' || exit 1
list=$(tar -tzf "$tmp/$tgz")
check "tarball has the prebuild, the .wasm and dist/" \
  'grep -q "^package/prebuilds/linux-x64/[^/]*\.node$" <<<"$list" && grep -q "^package/wasm/build/spatialkit.wasm$" <<<"$list" && grep -q "^package/dist/index.js$" <<<"$list"'
check "tarball has the CommonJS build with its own types, marked CommonJS (dist/cjs/)" \
  'grep -q "^package/dist/cjs/index.js$" <<<"$list" && grep -q "^package/dist/cjs/index.d.ts$" <<<"$list" &&
   [ "$(tar -xzOf "$tmp/$tgz" package/dist/cjs/package.json | node -pe "JSON.parse(require(\"fs\").readFileSync(0)).type")" = commonjs ]'
check "tarball has no build outputs or tests" '! grep -qE "^package/(build|build-cuda|test|node_modules)/" <<<"$list"'
cuda_prebuild=package/prebuilds/linux-x64/cuda/spatialkit_cuda.node
if [ -f build-cuda/Release/spatialkit_cuda.node ]; then
  size=$(tar -tvzf "$tmp/$tgz" "$cuda_prebuild" 2>/dev/null | awk '{printf "%.1f MiB", $3 / 1048576}')
  check "tarball has the CUDA prebuild beside the CPU one ($cuda_prebuild, ${size:-missing})" '[ -n "$size" ]'
else
  check "no CUDA build here (no build-cuda/Release/spatialkit_cuda.node): the tarball has no CUDA prebuild" \
    '! grep -q "^package/prebuilds/.*/cuda/" <<<"$list"'
fi

[ -f LICENSE ] && check "tarball has LICENSE" 'grep -q "^package/LICENSE$" <<<"$list"'
# npm publish --dry-run (scripts off: everything was just built): no warning but the one about
# not being logged in (npm "auto-corrects" a malformed package.json silently only in a warning).
out=$(npm publish --dry-run --ignore-scripts 2>&1)
check "npm publish --dry-run: no warnings (but not being logged in)" '! grep "npm warn" <<<"$out" | grep -qv "logged in"' || show "$(grep "npm warn" <<<"$out")"

# The linters read the tarball itself (attw without @types look-ups: offline).
out=$(node_modules/.bin/attw --no-definitely-typed --format ascii --no-color "$tmp/$tgz" 2>&1)
check "@arethetypeswrong/cli: no problems (node10, node16 from CJS and ESM, bundler)" '[ $? = 0 ] && grep -q "No problems found" <<<"$out"' || show "$out"
out=$(node_modules/.bin/publint run --strict "$tmp/$tgz" 2>&1)
check "publint --strict: all good" '[ $? = 0 ] && grep -q "All good" <<<"$out"' || show "$out"

# A CommonJS project, as `npm init -y` makes it.
mkdir -p "$tmp/app" && cd "$tmp/app" && npm init -y >/dev/null 2>&1
npm install --ignore-scripts --no-audit --no-fund --silent "$tmp/$tgz" >/dev/null 2>&1
check "the consumer project is CommonJS (npm init -y)" '[ "$(node -p "require(\"./package.json\").type")" = commonjs ]'

# Every consumer rotates (1, 0, 0) by 90° about z and prints "<backend> ok" when it got (0, 1, 0),
# plus which file of the package it loaded.
cat > probe.cjs <<'EOF'
const sk = require('spatialkit');
const q = sk.quat.fromAxisAngle(new Float32Array([0, 0, 1]), Math.PI / 2);
const v = sk.quat.rotate(q, new Float32Array([1, 0, 0]));
const ok = Math.abs(v[0]) < 1e-6 && Math.abs(v[1] - 1) < 1e-6 && Math.abs(v[2]) < 1e-6;
console.log(`${sk.getBackend()} ${ok ? 'ok' : 'wrong'} ${require.resolve('spatialkit').split('/spatialkit/')[1]}`);
EOF
cat > probe.mjs <<'EOF'
import * as sk from 'spatialkit';
const q = sk.quat.fromAxisAngle(new Float32Array([0, 0, 1]), Math.PI / 2);
const v = sk.quat.rotate(q, new Float32Array([1, 0, 0]));
const ok = Math.abs(v[0]) < 1e-6 && Math.abs(v[1] - 1) < 1e-6 && Math.abs(v[2]) < 1e-6;
console.log(`${sk.getBackend()} ${ok ? 'ok' : 'wrong'} ${import.meta.resolve('spatialkit').split('/spatialkit/')[1]}`);
EOF
got=$(node probe.cjs 2>&1)
check "CommonJS require('spatialkit') loads dist/cjs/ and the native prebuild (got: $got)" '[ "$got" = "native ok dist/cjs/index.js" ]'
got=$(node probe.mjs 2>&1)
check "ESM import loads dist/ and the native prebuild (got: $got)" '[ "$got" = "native ok dist/index.js" ]'

# The dual-package hazard: both copies in one process share one backend state.
cat > dual.mjs <<'EOF'
import { createRequire } from 'node:module';
import * as esm from 'spatialkit';
const cjs = createRequire(import.meta.url)('spatialkit');
cjs.setBackend('wasm');
const a = esm.getBackend();
esm.setBackend('native');
console.log(`${esm.setBackend === cjs.setBackend ? 'one copy' : 'two copies'}: ${a} ${cjs.getBackend()}`);
EOF
got=$(node dual.mjs 2>&1)
check "ESM and CommonJS copies in one process share the backend choice (got: $got)" '[ "$got" = "two copies: wasm native" ]'

# TypeScript consumers. The types must be the right ones for each: a .cts gets the CommonJS types
# (with ESM-only types tsc fails with TS1479), a .mts the ESM ones; tsc checks the package's .d.ts
# too (skipLibCheck off). A @ts-expect-error line proves the types are not `any`.
ts_src='
const q: Float32Array = sk.quat.fromAxisAngle(new Float32Array([0, 0, 1]), Math.PI / 2);
const v: Float32Array = sk.quat.rotate(q, new Float32Array([1, 0, 0]));
const typesAreReal = () => {
  // @ts-expect-error: a string is not a batch of quaternions
  sk.quat.rotate("q", v);
};
const backend: "native" | "cuda" | "wasm" = sk.getBackend();
const ok = Math.abs(v[0]) < 1e-6 && Math.abs(v[1] - 1) < 1e-6 && Math.abs(v[2]) < 1e-6;
console.log(`${backend} ${ok ? "ok" : "wrong"}`);'
tsc="$repo/node_modules/typescript/bin/tsc"
for mode in node16 bundler; do
  mkdir -p "ts-$mode" && cd "ts-$mode"
  if [ $mode = node16 ]; then opts='"module": "node16", "moduleResolution": "node16"'; else opts='"module": "preserve", "moduleResolution": "bundler"'; fi
  cat > tsconfig.json <<EOF
{ "compilerOptions": { $opts, "target": "es2022", "strict": true, "skipLibCheck": false, "esModuleInterop": true,
  "outDir": "out", "typeRoots": ["$repo/node_modules/@types"], "types": ["node"] }, "files": ["main.cts", "main.mts"] }
EOF
  { echo "import sk = require('spatialkit');"; echo "$ts_src"; } > main.cts
  { echo "import * as sk from 'spatialkit';"; echo "$ts_src"; } > main.mts
  out=$(node "$tsc" -p . 2>&1)
  check "TypeScript $mode: tsc passes on a .cts (require) and a .mts (import) consumer" '[ $? = 0 ]' || show "$out"
  got="$(node out/main.cjs 2>&1) / $(node out/main.mjs 2>&1)"
  check "TypeScript $mode: the compiled .cjs and .mjs run (got: ${got:0:80})" '[ "$got" = "native ok / native ok" ]' || show "$got"
  cd ..
done

# CUDA: the shipped prebuild loads (static cudart) and, without a GPU, reports the driver's reason.
cat > cuda.cjs <<'EOF'
const sk = require('spatialkit');
try { console.log('selected ' + sk.setBackend('cuda')); } catch (e) { console.log(e.message); }
EOF
got=$(node cuda.cjs 2>&1)
if grep -q "^package/prebuilds/linux-x64/cuda/" <<<"$list"; then
  if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU '; then
    check "a GPU is here: setBackend('cuda') selects the shipped CUDA prebuild (got: $got)" '[ "$got" = "selected cuda" ]'
  else
    check "no GPU here: setBackend('cuda') loads the shipped CUDA prebuild and reports the driver's reason (got: $got)" \
      'grep -q "cudaGetDeviceCount failed" <<<"$got"'
  fi
fi
rm -rf node_modules/spatialkit/prebuilds/linux-x64/cuda
got=$(node cuda.cjs 2>&1)
check "without the CUDA prebuild, setBackend('cuda') says the package has none, not to build it (got: $got)" \
  'grep -q "no CUDA addon" <<<"$got" && ! grep -q "build:cuda" <<<"$got"'
got=$(node node_modules/spatialkit/dist/cli/main.js info 2>&1)
check "the installed CLI's info names no npm script to run inside node_modules" '[[ "$got" == spatialkit* ]] && ! grep -q "npm run" <<<"$got"' || show "$got"

rm -rf node_modules/spatialkit/prebuilds
got="$(node probe.cjs 2>&1) / $(node probe.mjs 2>&1)"
check "with the prebuilds deleted, both builds run on wasm (got: $got)" '[ "$got" = "wasm ok dist/cjs/index.js / wasm ok dist/index.js" ]'
got=$(node node_modules/spatialkit/dist/cli/main.js info 2>&1 | head -n 1)
check "the installed CLI runs (got: $got)" '[[ "$got" == spatialkit* ]]'
exit $status
