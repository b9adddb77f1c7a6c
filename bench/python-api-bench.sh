#!/usr/bin/env bash
# Benchmark (not a test): what smtk's Python API costs a user script under `bin/smtk train`:
# `import sagemaker_training` + `environment.Environment()` + a few property reads, timed inside the
# script with time.perf_counter (no interpreter start-up in the figure), side by side with the same
# script importing only the standard library modules the package itself uses (json, os, socket).
# Prints figures; asserts nothing. Usage: bench/python-api-bench.sh [runs=15]
set -euo pipefail
runs=${1:-15}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/input/config" "$work/input/data/train" "$work/code" "$work/model" "$work/output"
echo '{"lr": "0.1", "epochs": "3", "layers": "[64, 32]"}' > "$work/input/config/hyperparameters.json"
echo '{"train": {}}' > "$work/input/config/inputdataconfig.json"
echo '{"current_host": "algo-1", "hosts": ["algo-1"]}' > "$work/input/config/resourceconfig.json"
cat > "$work/code/train.py" <<'PY'
import os, sys, time
t0 = time.perf_counter()
if os.environ["BENCH_MODE"] == "api":
    from sagemaker_training import environment
    env = environment.Environment()
    seen = (env.hyperparameters["lr"], env.channel_input_dirs["train"], env.model_dir, env.to_cmd_args(),
            env.to_env_vars()["SM_HPS"])
else:
    import json, socket
    seen = (json.loads(os.environ["SM_HPS"])["lr"], os.environ["SM_CHANNEL_TRAIN"], os.environ["SM_MODEL_DIR"])
elapsed = (time.perf_counter() - t0) * 1000
with open(os.environ["BENCH_OUT"], "a") as f:
    f.write("%.2f\n" % elapsed)
PY
"$root/bin/smtk" --version >/dev/null   # builds on first use
for mode in api stdlib; do
  : > "$work/$mode.txt"
  for i in $(seq "$runs"); do
    env -i PATH=/usr/bin:/bin LANG=C.UTF-8 SAGEMAKER_BASE_DIR="$work" SAGEMAKER_PROGRAM=train.py \
      SM_STUDIO_LOCAL_MODE=true PYTHONDONTWRITEBYTECODE=1 BENCH_MODE=$mode BENCH_OUT="$work/$mode.txt" \
      "$root/bin/smtk" train >/dev/null 2>&1
  done
done
summary() { sort -n "$1" | awk '{a[NR]=$1} END {printf "min %.1f ms, median %.1f ms, max %.1f ms", a[1], a[int((NR+1)/2)], a[NR]}'; }
echo "import sagemaker_training + Environment() + reads, $runs runs: $(summary "$work/api.txt")"
echo "same reads from os.environ with json (stdlib only):  $(summary "$work/stdlib.txt")"
api=$(sort -n "$work/api.txt" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
std=$(sort -n "$work/stdlib.txt" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
awk -v a="$api" -v s="$std" 'BEGIN {printf "ratio of medians (api / stdlib): %.2f; the Python toolkit'"'"'s own import costs about 400 ms\n", (s > 0 ? a / s : 0)}'
