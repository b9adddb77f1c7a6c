#!/usr/bin/env bash
# Benchmark (not a test): the toolkit's own start-up overhead and its log throughput, end to end
# through bin/smtk. Prints figures; asserts nothing.
#   start-up: toolkit start -> the user's entry point running (a shell script that records the time)
#   throughput: a Python script writing N MB of log lines through `smtk train` vs. straight to a file
# Usage: bench/toolkit-bench.sh [runs=20] [megabytes=200]
set -euo pipefail
runs=${1:-20}
megabytes=${2:-200}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

job() {  # job DIR PROGRAM: a minimal SageMaker job tree
  mkdir -p "$1/input/config" "$1/input/data/train" "$1/code" "$1/model" "$1/output"
  echo '{}' > "$1/input/config/hyperparameters.json"
  echo '{"train": {}}' > "$1/input/config/inputdataconfig.json"
  echo '{"current_host": "algo-1", "hosts": ["algo-1"]}' > "$1/input/config/resourceconfig.json"
}

"$root/bin/smtk" --version >/dev/null   # builds on first use and makes the CDS archive

job "$work/start"
printf '#!/bin/sh\ndate +%%s%%N > "$STAMP"\n' > "$work/start/code/train"
chmod +x "$work/start/code/train"
samples=()
for i in $(seq "$runs"); do
  rm -f "$work/start/output/success"
  begin=$(date +%s%N)
  env -i PATH=/usr/bin:/bin LANG=C.UTF-8 SAGEMAKER_BASE_DIR="$work/start" SAGEMAKER_PROGRAM=train \
    SM_STUDIO_LOCAL_MODE=true STAMP="$work/stamp" "$root/bin/smtk" train >/dev/null 2>&1
  end=$(cat "$work/stamp")
  samples+=($(( (end - begin) / 1000000 )))
done
sorted=$(printf '%s\n' "${samples[@]}" | sort -n)
echo "start-up (toolkit start -> user process running), $runs runs: min $(echo "$sorted" | head -1) ms," \
  "median $(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p") ms, max $(echo "$sorted" | tail -1) ms"

job "$work/log"
cat > "$work/log/code/gen.py" <<PY
import sys
line = ("x" * 99 + "\n").encode()
out = sys.stdout.buffer
for _ in range($megabytes * 10000):
    out.write(line)
PY
bytes=$(( megabytes * 10000 * 100 ))
start=$(date +%s%N)
/usr/bin/python3 "$work/log/code/gen.py" > "$work/direct.log"
direct=$(( $(date +%s%N) - start ))
start=$(date +%s%N)
env -i PATH=/usr/bin:/bin LANG=C.UTF-8 SAGEMAKER_BASE_DIR="$work/log" SAGEMAKER_PROGRAM=gen.py \
  SM_STUDIO_LOCAL_MODE=true SMTK_PYTHON=/usr/bin/python3 "$root/bin/smtk" train > "$work/toolkit.log" 2>/dev/null
through=$(( $(date +%s%N) - start ))
[ "$(stat -c %s "$work/toolkit.log")" -eq "$bytes" ] || { echo "toolkit log has the wrong size" >&2; exit 1; }
awk -v b="$bytes" -v d="$direct" -v t="$through" 'BEGIN {
  printf "log throughput, %d MB: straight to a file %.0f MB/s, through smtk train %.0f MB/s (%.2fx the direct time)\n",
    b / 1e6, b / 1e6 / (d / 1e9), b / 1e6 / (t / 1e9), t / d }'
