#!/usr/bin/env bash
# Wall, user, system time and peak RSS of `spatialkit rotate --groups G` (default 10000): one thread
# (--jobs 1, the baseline) against every core (the default --jobs), with the visibility filter (the
# default) and without it (--visibility-res off); the median of RUNS runs (default 3) each, with
# `uptime` before and after (the machine may be shared), and with --format jsonl,parquet (Parquet's
# cost; SK_PARQUET= skips it). Needs `npm run build:ts`. SK_MAIN=path/to/main.js measures another build.
# Usage: scripts/rotate-scale.sh [GROUPS] [RUNS] [OUT_PARENT]
set -euo pipefail
cd "$(dirname "$0")/.."
G=${1:-10000} RUNS=${2:-3} PARENT=${3:-$(mktemp -d)}
MAIN=${SK_MAIN:-dist/cli/main.js}
[ -x /usr/bin/time ] || { echo "rotate-scale.sh: /usr/bin/time is missing (apt-get install time)"; exit 2; }
echo "spatialkit rotate --groups $G, median of $RUNS; $(nproc) cores; node $(node --version)"
echo "before: $(uptime)"
printf '%-34s %8s %8s %8s %9s %8s\n' flags wall_s user_s sys_s rss_MB out_MB
measure() {  # label, flags…
  local label=$1; shift
  local rows=()
  for r in $(seq "$RUNS"); do
    local dir="$PARENT/run" log="$PARENT/time.log"
    rm -rf "$dir"
    /usr/bin/time -v node "$MAIN" rotate --groups "$G" --out "$dir" --quiet "$@" 2>"$log"
    local wall user sys rss mb
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
    user=$(awk -F': ' '/User time/ {print $2}' "$log")
    sys=$(awk -F': ' '/System time/ {print $2}' "$log")
    rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' "$log")
    mb=$(du -sm "$dir" | cut -f1)
    rows+=("$wall $user $sys $rss $mb")
  done
  # Median by wall time.
  printf '%s\n' "${rows[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p" | {
    read -r wall user sys rss mb
    printf '%-34s %8s %8s %8s %9s %8s\n' "$label" "$wall" "$user" "$sys" "$rss" "$mb"
  }
}
measure '--jobs 1 (filter on)' --jobs 1
measure '(default: all cores, filter on)'
measure '--jobs 1 --visibility-res off' --jobs 1 --visibility-res off
measure '--visibility-res off (all cores)' --visibility-res off
[ -n "${SK_PARQUET:-1}" ] && measure '--format jsonl,parquet (all cores)' --format jsonl,parquet
echo "after: $(uptime)"
rm -rf "$PARENT/run" "$PARENT/time.log"
