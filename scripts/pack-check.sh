#!/usr/bin/env bash
# Proves the package: `npm pack` ships dist/, the .wasm and a stripped N-API prebuild; installed
# into an empty folder with install scripts disabled it loads the native prebuild, and with the
# prebuild deleted it still works on WebAssembly. Prints PASS/FAIL lines (counted by npm test).
set -uo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# check NAME CONDITION: prints PASS/FAIL and returns the condition's status (so `|| exit 1` works);
# the script exits non-zero if any check failed.
status=0
check() { if eval "$2"; then echo "PASS pack: $1"; else echo "FAIL pack: $1"; status=1; return 1; fi; }

tgz=$(npm pack --silent --pack-destination "$tmp" 2>/dev/null | tail -n 1)
check "npm pack produced a tarball" '[ -f "$tmp/$tgz" ]' || exit 1
list=$(tar -tzf "$tmp/$tgz")
check "tarball has the prebuild, the .wasm and dist/" \
  'grep -q "^package/prebuilds/linux-x64/.*\.node$" <<<"$list" && grep -q "^package/wasm/build/spatialkit.wasm$" <<<"$list" && grep -q "^package/dist/index.js$" <<<"$list"'
check "tarball has no build outputs or tests" '! grep -qE "^package/(build|build-cuda|test|node_modules)/" <<<"$list"'

mkdir -p "$tmp/app" && cd "$tmp/app" && npm init -y >/dev/null 2>&1
npm install --ignore-scripts --no-audit --no-fund --silent "$tmp/$tgz" >/dev/null 2>&1
probe='import * as sk from "spatialkit";
const q = sk.quat.fromAxisAngle(new Float32Array([0, 0, 1]), Math.PI / 2);
const v = sk.quat.rotate(q, new Float32Array([1, 0, 0]));
const ok = Math.abs(v[0]) < 1e-6 && Math.abs(v[1] - 1) < 1e-6;
console.log(sk.getBackend() + (ok ? " ok" : " wrong"));'
got=$(node --input-type=module -e "$probe" 2>&1)
check "installed with --ignore-scripts, loads the native prebuild (got: $got)" '[ "$got" = "native ok" ]'
rm -rf node_modules/spatialkit/prebuilds
got=$(node --input-type=module -e "$probe" 2>&1)
check "with the prebuild deleted, runs on wasm (got: $got)" '[ "$got" = "wasm ok" ]'
got=$(node node_modules/spatialkit/dist/cli/main.js info 2>&1 | head -n 1)
check "the installed CLI runs (got: $got)" '[[ "$got" == spatialkit* ]]'
exit $status
