#!/usr/bin/env bash
# The CUDA path on a real GPU, in one command (issue 15; docs/gpu.md says what each step measures):
#   1. build   from a clean folder, for this GPU's one architecture: the CPU drivers (g++), the
#              CUDA launchers (nvcc) and their Thrust-host twin (g++), the native driver tests and
#              native/bench/gpu_bench.cu — through scripts/test-native.sh, so the flags are its own;
#   2. correctness  every launcher against the float64 oracles of the CPU driver tests and bit for
#              bit against sk::cpu (the `cuda` runs of native/test/*_driver_test.cc), on the GPU;
#   3. benchmark    gpu_bench: CPU (1 thread, all threads) vs GPU (with pageable transfers, and
#              the kernel alone on device memory) → gpu-bench.json + gpu-bench.md;
#   4. node    only where `node` and node_modules exist: the CUDA addon built for this
#              architecture and the kernel test files with SPATIALKIT_REQUIRE_CUDA=1.
# Needs bash, g++, nvcc and nvidia-smi; no Node, Python or network.
#
# Usage: scripts/gpu-check.sh [--out DIR] [--scale S] [--plan | --cpu-only]
#   --out DIR   results folder (default bench/results/gpu-check-<UTC time>); under the device
#               tool: --out "$OUT/gpu" (files come back from two folders down at most)
#   --scale S   gpu_bench problem-size factor (default 1 = the sizes of issue 15)
#   --plan      detect the GPU and architecture, print what would run, run nothing
#   --cpu-only  dry mode for machines without a GPU (CI: scripts/test.mjs): reuses build-test/
#               (scripts/test-native.sh), runs gpu_bench's host-Thrust build on small sizes
#               (every case, check and output file), checks that the nvcc-built gpu_bench says
#               it has no GPU and exits 0, and runs this script's GPU detection against stub
#               nvidia-smi programs. Prints PASS/FAIL lines.
# Exit status: 0 when every step passed or was skipped with its reason (no GPU: says so, exits
# 0); 1 when any step failed; 2 for a bad argument.
set -uo pipefail
cd "$(dirname "$0")/.."

out="" scale=1 mode=gpu
while (($#)); do
  case "$1" in
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    --scale) scale=${2:?--scale needs a number}; shift 2 ;;
    --plan) mode=plan; shift ;;
    --cpu-only) mode=dry; shift ;;
    *) echo "gpu-check: unknown argument '$1' (usage: scripts/gpu-check.sh [--out DIR] [--scale S] [--plan | --cpu-only])"; exit 2 ;;
  esac
done

# ---------------------------------------------------------------------------------------------
# GPU and architecture: nvidia-smi lists the GPUs and their compute capability ("9.0" → 90);
# nvcc --list-gpu-arch says which architectures this toolkit can build. A GPU newer than the
# toolkit gets the newest architecture the toolkit has (the driver JITs its PTX).
gpu_name() { command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | sed -n 's/^GPU 0: \(.*\) (UUID.*/\1/p;s/^GPU 0: \([^(]*\)$/\1/p' | head -1; }
gpu_arch() {
  local cap
  cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d ' .')
  if [[ ! $cap =~ ^[0-9]+$ ]] && command -v __nvcc_device_query >/dev/null 2>&1; then
    cap=$(__nvcc_device_query 2>/dev/null | tr ',' '\n' | head -1 | tr -d ' ')
  fi
  [[ $cap =~ ^[0-9]+$ ]] || return 1
  local have best=""
  have=$(nvcc --list-gpu-arch 2>/dev/null | sed -n 's/^compute_\([0-9]*\)$/\1/p' | sort -n)
  if [[ -z $have ]]; then echo "$cap"; return 0; fi
  for a in $have; do ((a <= cap)) && best=$a; done
  echo "${best:-$cap}"
}

summary=()
failed=0
t_start=$SECONDS
note() { summary+=("$(printf '%-5s %-12s %4ss  %s' "$1" "$2" "$3" "$4")"); [[ $1 == FAIL ]] && failed=1; return 0; }

# ---------------------------------------------------------------------------------------------
if [[ $mode == dry ]]; then
  # The dry mode: everything that runs without a GPU, cheaply, for CI.
  pass=0 fail=0
  check() {  # check STATUS DESCRIPTION: one PASS/FAIL line; returns STATUS
    if [[ $1 == 0 ]]; then echo "PASS gpu-check dry: $2"; pass=$((pass + 1)); else echo "FAIL gpu-check dry: $2"; fail=$((fail + 1)); fi
    return "$1"
  }
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  build=${SK_TEST_OUT:-build-test}
  SK_TEST_BUILD_ONLY=1 bash scripts/test-native.sh >"$tmp/build.log" 2>&1
  check $? "scripts/test-native.sh builds the driver tests and gpu_bench (host Thrust$(command -v nvcc >/dev/null && echo ' and nvcc'))" ||
    cat "$tmp/build.log"
  if [[ -x $build/gpu_bench_host ]]; then
    mkdir -p "$tmp/results"
    "$build/gpu_bench_host" --scale 0.0005 --reps 1 --out "$tmp/results" >"$tmp/bench.log" 2>&1
    st=$?
    grep -E '^(PASS|FAIL) gpu_bench ' "$tmp/bench.log"  # per-check lines, not the closing count
    check $st "gpu_bench (host-Thrust build) runs every case at --scale 0.0005 and exits 0"
    ok=0
    for op in quat.multiply quat.rotate rope.quatrope rope.rope1d camera.rayMap collide.pairs \
              metrics.codebookUsage metrics.normalizedEntropyGrouped render.raycast; do
      grep -q "$op" "$tmp/results/gpu-bench.md" && grep -q "\"$op\"" "$tmp/results/gpu-bench.json" || { ok=1; echo "  missing: $op"; }
    done
    check $ok "gpu-bench.md and gpu-bench.json name every op"
    [[ $st == 0 ]] || tail -20 "$tmp/bench.log"
  else
    check 1 "gpu_bench_host was built"
  fi
  if command -v nvcc >/dev/null 2>&1; then
    if [[ -x $build/gpu_bench_cuda ]]; then
      "$build/gpu_bench_cuda" >"$tmp/cuda.log" 2>&1
      st=$?
      if grep -q '^SKIP gpu_bench: CUDA unavailable' "$tmp/cuda.log"; then
        check $st "nvcc-built gpu_bench without a GPU says 'SKIP gpu_bench: CUDA unavailable' and exits 0"
      else
        echo "SKIP gpu-check dry: a CUDA device is present here; the nvcc-built gpu_bench is for scripts/gpu-check.sh"
      fi
    else
      check 1 "gpu_bench_cuda was built by nvcc"
    fi
  else
    echo "SKIP gpu-check dry: no nvcc here, so no nvcc-built gpu_bench to check"
  fi
  # This script's GPU detection, against stub nvidia-smi programs.
  mkdir -p "$tmp/none" "$tmp/h100"
  printf '#!/bin/sh\nexit 6\n' >"$tmp/none/nvidia-smi"
  cat >"$tmp/h100/nvidia-smi" <<'EOF'
#!/bin/sh
case "$*" in
  -L) echo "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-00000000-0000-0000-0000-000000000000)" ;;
  *compute_cap*) echo "9.0" ;;
  *) exit 1 ;;
esac
EOF
  chmod +x "$tmp/none/nvidia-smi" "$tmp/h100/nvidia-smi"
  text=$(PATH="$tmp/none:$PATH" bash scripts/gpu-check.sh 2>&1)
  st=$?
  [[ $st == 0 && $text == *"SKIP gpu-check: no GPU"* ]]
  check $? "without a GPU gpu-check.sh says so and exits 0 (got: ${text%%$'\n'*}; exit $st)"
  if command -v nvcc >/dev/null 2>&1; then
    text=$(PATH="$tmp/h100:$PATH" bash scripts/gpu-check.sh --plan 2>&1)
    st=$?
    [[ $st == 0 && $text == *"NVIDIA H100 80GB HBM3"* && $text == *"sm_90"* ]]
    check $? "--plan on a (stub) H100 picks sm_90 from nvidia-smi's compute capability 9.0"
    [[ $st == 0 ]] || echo "$text"
  fi
  echo "gpu-check dry: $pass passed, $fail failed"
  ((fail == 0))
  exit $?
fi

# ---------------------------------------------------------------------------------------------
name=$(gpu_name)
if [[ -z $name ]]; then
  echo "SKIP gpu-check: no GPU (nvidia-smi $(command -v nvidia-smi >/dev/null 2>&1 && echo '-L lists none' || echo 'not found')); nothing was built or run."
  echo "     The dry mode, scripts/gpu-check.sh --cpu-only, checks this script and gpu_bench without a GPU."
  exit 0
fi
if ! command -v nvcc >/dev/null 2>&1; then
  echo "FAIL gpu-check: a GPU is present ($name) but nvcc is not on PATH: nothing can be built"
  exit 1
fi
arch=$(gpu_arch) || { echo "FAIL gpu-check: could not read the compute capability of $name"; exit 1; }
nvcc_bin=$(command -v nvcc)
# The toolkit's headers (Thrust and CUB under include/cccl in CUDA 12.x–13.x) for the g++ builds.
cuda_root=$(dirname "$(dirname "$(readlink -f "$nvcc_bin")")")
cuda_inc=${CUDA_INC:-}
for d in "$cuda_root/include" "$cuda_root/targets/x86_64-linux/include" /usr/local/cuda/include; do
  [[ -z $cuda_inc && ( -d $d/cccl/thrust || -d $d/thrust ) ]] && cuda_inc=$d
done
[[ -n $cuda_inc ]] || { echo "FAIL gpu-check: no Thrust headers next to $nvcc_bin (set CUDA_INC)"; exit 1; }
out=${out:-bench/results/gpu-check-$(date -u +%Y%m%dT%H%M%SZ)}
build=build-gpu
jobs=$(nproc 2>/dev/null || echo 4)
node_ok=""
if ! command -v node >/dev/null 2>&1; then node_why="no node on PATH"
elif [[ ! -d node_modules/cmake-js || ! -d node_modules/vitest ]]; then node_why="node_modules (cmake-js, vitest) not installed: run npm ci where the registry is reachable"
else node_ok=1; fi

echo "gpu-check: $name, building for sm_$arch with $(nvcc --version | sed -n 's/^Cuda compilation tools, //p')"
echo "  build folder: $build (cleaned first), $jobs parallel compiles, CUDA headers $cuda_inc"
echo "  results: $out"
echo "  steps: build + driver tests (host and cuda), gpu_bench --scale $scale, node checks: $([[ -n $node_ok ]] && echo yes || echo "skipped ($node_why)")"
if [[ $mode == plan ]]; then exit 0; fi

mkdir -p "$out" || { echo "FAIL gpu-check: cannot create $out"; exit 1; }

steps() {  # steps 1–4 and the summary; returns 1 if any step failed
  # 1 + 2. Build from a clean folder, then every driver test: host baseline and best ISA (sk::cpu
  # and the Thrust-host launchers) and cuda (sk::cpu and the launchers on this GPU). Optimised as
  # the shipped addon is (binding.gyp: -O3 -fno-trapping-math), so gpu_bench's CPU column is what
  # users get.
  t=$SECONDS
  rm -rf "$build"
  echo "== build and driver tests"
  SK_TEST_OUT=$build SK_TEST_CUDA_ARCH=$arch SK_JOBS=$jobs SK_TEST_OPT="-O3 -fno-trapping-math" CUDA_INC=$cuda_inc NVCC=$nvcc_bin \
    bash scripts/test-native.sh | tee "$out/native-tests.log"
  st=${PIPESTATUS[0]}
  cuda_pass=$(grep -c '^PASS .*\[cuda\]' "$out/native-tests.log")
  cuda_fail=$(grep -c '^FAIL ' "$out/native-tests.log")
  skipped=$(grep -c '^SKIP cuda' "$out/native-tests.log")
  if ((skipped)); then
    note FAIL tests $((SECONDS - t)) "the cuda driver tests skipped the GPU: $(grep -m1 '^SKIP cuda' "$out/native-tests.log")"
  elif ((st)); then
    note FAIL tests $((SECONDS - t)) "$cuda_fail failing line(s) in native-tests.log (first: $(grep -m1 '^FAIL ' "$out/native-tests.log"))"
  else
    note PASS tests $((SECONDS - t)) "every driver test, host and cuda ($cuda_pass cuda test binaries passed)"
  fi

  # 3. Benchmark.
  t=$SECONDS
  tmp_bench=$(mktemp)
  echo "== gpu_bench"
  if [[ -x $build/gpu_bench_cuda ]]; then
    "$build/gpu_bench_cuda" --out "$out" --scale "$scale" | tee "$tmp_bench"
    st=${PIPESTATUS[0]}
    if grep -q '^SKIP gpu_bench' "$tmp_bench"; then note FAIL bench $((SECONDS - t)) "gpu_bench could not use the GPU: $(grep -m1 '^SKIP gpu_bench' "$tmp_bench")"
    elif ((st == 0)); then note PASS bench $((SECONDS - t)) "$out/gpu-bench.md, $out/gpu-bench.json"
    else note FAIL bench $((SECONDS - t)) "gpu_bench exited $st (its FAIL lines are in gpu-check.log)"; fi
    rm -f "$tmp_bench"
  else
    note FAIL bench 0 "gpu_bench_cuda was not built"
  fi

  # 4. Node-level checks.
  t=$SECONDS
  if [[ -n $node_ok ]]; then
    echo "== node: CUDA addon for sm_$arch and the kernel tests on every backend"
    if npx cmake-js rebuild -O build-cuda "--CDSK_CUDA_ARCHITECTURES=$arch" >"$out/node-build.log" 2>&1 &&
       { [[ -f dist/index.js && -f wasm/build/spatialkit.wasm && -f build/Release/spatialkit.node ]] || npm run build >>"$out/node-build.log" 2>&1; }; then
      SKIP_NATIVE_TESTS=1 SKIP_PACK_CHECK=1 SKIP_GPU_CHECK=1 SPATIALKIT_REQUIRE_NATIVE=1 SPATIALKIT_REQUIRE_CUDA=1 \
        node scripts/test.mjs test/backend.test.ts test/quat.test.ts test/rope.test.ts test/camera.test.ts \
        test/collide.test.ts test/metrics.test.ts >"$out/node-tests.log" 2>&1
      st=$?
      counts=$(tail -1 "$out/node-tests.log")
      if ((st == 0)); then note PASS node $((SECONDS - t)) "kernel tests with the cuda backend required: $counts"
      else note FAIL node $((SECONDS - t)) "kernel tests: $counts (node-tests.log)"; fi
    else
      note FAIL node $((SECONDS - t)) "building the addons failed (node-build.log)"
    fi
  else
    note SKIP node 0 "$node_why; the C++ driver tests above ran every launcher"
  fi

  echo
  echo "== gpu-check summary ($name, sm_$arch; $((SECONDS - t_start)) s in all)"
  printf '%s\n' "${summary[@]}" | tee "$out/summary.txt"
  if ((SECONDS - t_start > 480)); then echo "WARN gpu-check took over 8 minutes"; fi
  return $failed
}

steps 2>&1 | tee "$out/gpu-check.log"
exit "${PIPESTATUS[0]}"
