#!/usr/bin/env bash
# Native driver tests (native/test/*_test.cc), built into build-test/ in two variants:
#   host  — g++ only: the CPU drivers plus native/cuda/*.cu compiled as C++ on Thrust's CPP device
#           system (SK_THRUST_HOST), so the CUDA launchers run on the host. Always built; must pass.
#   cuda  — the same test with native/cuda/*.cu compiled by nvcc (when nvcc exists). Without a GPU
#           the test prints "SKIP cuda: <reason>" and checks that the launchers throw cleanly.
# The benchmarks native/bench/*.cu are built in the same two variants (<name>_host, <name>_cuda)
# but not run here: scripts/gpu-check.sh runs them.
# Env: SK_TEST_CUDA_ARCH (default 80: one architecture keeps the build short; the addon has four),
#      SK_SANITIZE=1 (host variant with ASan + UBSan; no benchmarks), CXX, NVCC,
#      SK_TEST_OUT (build folder, default build-test), SK_JOBS (parallel compiles, default 2),
#      SK_TEST_OPT (host optimisation flags, default -O2; objects are not rebuilt when only this
#      changes, so give a new SK_TEST_OUT), SK_TEST_BUILD_ONLY=1 (build, run nothing).
# Prints PASS/FAIL per check and per variant; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${SK_TEST_OUT:-build-test}
JOBS=${SK_JOBS:-2}
read -r -a OPT <<<"${SK_TEST_OPT:--O2}"
CXX=${CXX:-g++}
NVCC=${NVCC:-$(command -v nvcc || true)}
CUDA_ARCH=${SK_TEST_CUDA_ARCH:-80}
CUDA_INC=${CUDA_INC:-/usr/local/cuda/include}
mkdir -p "$OUT"

# Compiler flags from native/flags.json, as binding.gyp and CMakeLists.txt read them: the same
# floating-point contract in every build (the optimisation level is this script's own, SK_TEST_OPT).
flags() { node -p "require('./native/flags.json').$1.join('\n')"; }
mapfile -t FP < <(flags fp)
mapfile -t CXX_COMMON < <(flags cxx)
mapfile -t NVCC_COMMON < <(flags nvcc)
(( ${#FP[@]} && ${#CXX_COMMON[@]} && ${#NVCC_COMMON[@]} )) || { echo "FAIL build: cannot read native/flags.json"; exit 1; }
FP_HOST=$(IFS=,; echo "${FP[*]}")
CXXFLAGS=("${CXX_COMMON[@]}" "${FP[@]}" "${OPT[@]}" -g -pthread -Inative)
THRUST_HOST_SAN=()
if [[ "${SK_SANITIZE:-0}" == 1 ]]; then
  CXXFLAGS+=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  OUT=$OUT/sanitize
  mkdir -p "$OUT"
  # Thrust's sequential sorts (CPP system) bind references through a null execution-policy
  # pointer internally (thrust/detail/reference.h); UBSan's null check flags that in library code.
  THRUST_HOST_SAN=(-fno-sanitize=null)
fi
THRUST_HOST=("${THRUST_HOST_SAN[@]}" -x c++ -DSK_THRUST_HOST -DTHRUST_DEVICE_SYSTEM=THRUST_DEVICE_SYSTEM_CPP "-I$CUDA_INC/cccl" "-I$CUDA_INC")
NVCCFLAGS=("${NVCC_COMMON[@]}" "-arch=sm_$CUDA_ARCH" -Inative "-Xcompiler=$FP_HOST")

# Rebuild an object only when a source under native/ or this script is newer than it.
stale() { [[ ! -f "$1" ]] || [[ -n "$(find native scripts/test-native.sh -newer "$1" -print -quit)" ]]; }  # native/flags.json included

pids=()
compile() {  # compile OUT_OBJ CMD... — runs in the background, SK_JOBS at a time (2 on 2-core machines)
  local obj=$1; shift
  if stale "$obj"; then
    echo "  build $obj"
    ("$@" -o "$obj" || { echo "FAIL build $obj"; exit 1; }) &
    pids+=($!)
    if (( ${#pids[@]} >= JOBS )); then wait_all; fi
  fi
}
wait_all() {
  local failed=0
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  pids=()
  if (( failed )); then echo "FAIL test:native (build)"; exit 1; fi
}

# compile_each VAR PREFIX 'GLOB' CMD...: compiles each source matching GLOB with CMD... -c SRC into
# $OUT/PREFIX<name>.o and appends the object to the array VAR.
compile_each() {
  local -n into=$1
  local prefix=$2 glob=$3 src obj
  shift 3
  for src in $glob; do
    obj=$OUT/$prefix$(basename "${src%.*}").o
    compile "$obj" "$@" -c "$src"
    into+=("$obj")
  done
}

echo "== build ($OUT)"
t0=$SECONDS
cpu_objs=()
compile_each cpu_objs cpu_ 'native/cpu/*.cc' "$CXX" "${CXXFLAGS[@]}" -DSK_DRIVER_NS=sk::cpu
host_objs=()
compile_each host_objs host_ 'native/cuda/*.cu' "$CXX" "${CXXFLAGS[@]}" "${THRUST_HOST[@]}" -DSK_DRIVER_NS=sk::cuda
tests=()
for src in native/test/*_test.cc; do
  name=$(basename "${src%.*}")
  compile "$OUT/$name.o" "$CXX" "${CXXFLAGS[@]}" -c "$src"
  tests+=("$name")
done
cuda_objs=()
if [[ -n "$NVCC" && "${SK_SANITIZE:-0}" != 1 ]]; then
  compile_each cuda_objs cuda_ 'native/cuda/*.cu' "$NVCC" "${NVCCFLAGS[@]}" -DSK_DRIVER_NS=sk::cuda
fi
benches=()
if [[ "${SK_SANITIZE:-0}" != 1 ]]; then
  for src in native/bench/*.cu; do
    name=$(basename "${src%.*}")
    compile "$OUT/${name}_host.o" "$CXX" "${CXXFLAGS[@]}" "${THRUST_HOST[@]}" -c "$src"
    if (( ${#cuda_objs[@]} )); then compile "$OUT/${name}_cuda.o" "$NVCC" "${NVCCFLAGS[@]}" -c "$src"; fi
    benches+=("$name")
  done
fi
wait_all

# Link EXE from OBJS unless it is newer than every one of them: link EXE CMD... -- OBJS...
link() {
  local exe=$1; shift
  local cmd=() objs
  while [[ $1 != -- ]]; do cmd+=("$1"); shift; done
  shift
  objs=("$@")
  if [[ ! -f $exe || -n "$(find "${objs[@]}" -newer "$exe" -print -quit)" ]]; then "${cmd[@]}" "${objs[@]}" -o "$exe"; fi
}
variants=(host)
for name in "${tests[@]}"; do
  link "$OUT/${name}_host" "$CXX" "${CXXFLAGS[@]}" -- "$OUT/$name.o" "${cpu_objs[@]}" "${host_objs[@]}"
  # nvcc links cudart statically by default; never -lcuda (no driver needed to load).
  if (( ${#cuda_objs[@]} )); then
    link "$OUT/${name}_cuda" "$NVCC" -Xcompiler=-pthread -- "$OUT/$name.o" "${cpu_objs[@]}" "${cuda_objs[@]}"
  fi
done
for name in "${benches[@]}"; do
  link "$OUT/${name}_host" "$CXX" "${CXXFLAGS[@]}" -- "$OUT/${name}_host.o" "${cpu_objs[@]}" "${host_objs[@]}"
  if (( ${#cuda_objs[@]} )); then
    link "$OUT/${name}_cuda" "$NVCC" -Xcompiler=-pthread -- "$OUT/${name}_cuda.o" "${cpu_objs[@]}" "${cuda_objs[@]}"
  fi
done
if (( ${#cuda_objs[@]} )); then variants+=(cuda); else echo "SKIP variant cuda: no nvcc (or SK_SANITIZE=1)"; fi
echo "   built in $((SECONDS - t0)) s"
if [[ "${SK_TEST_BUILD_ONLY:-0}" == 1 ]]; then exit 0; fi

# The host variant runs twice: sk::cpu on its baseline loops (bit-identity with the launchers is
# required there) and on the best ISA this CPU has (what users get; differences are reported).
runs=("host baseline" "host")
if [[ " ${variants[*]} " == *" cuda "* ]]; then runs+=("cuda"); fi
status=0
for name in "${tests[@]}"; do
  for run in "${runs[@]}"; do
    read -r v isa <<<"$run"
    label="$name [$v${isa:+, SPATIALKIT_ISA=$isa}]"
    echo "== $label"
    if env ${isa:+SPATIALKIT_ISA=$isa} "$OUT/${name}_$v"; then
      echo "PASS $label"
    else
      echo "FAIL $label (exit $?)"
      status=1
    fi
  done
done
if (( status )); then echo "FAIL test:native"; else echo "PASS test:native"; fi
exit $status
