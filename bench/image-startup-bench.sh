#!/usr/bin/env bash
# Benchmark (not a test): an image's `train` inside its container, side by side in one run with the same
# no-op Python script run directly in the same container (the floor), then the same with the code from S3 (a
# standalone S3Mock on the host's 127.0.0.1, reached with --network host). One container runs every round
# (bench/startup_bench.py inside it), so the container engine's own start is in neither figure.
#   bench/image-startup-bench.sh IMAGE [--runs 20] [--s3-runs 8] [--command LABEL=CMD]...
# IMAGE is a built smtk image (images/README.md), e.g. localhost/smtk/sklearn-training:1.2-1-cpu-py3 from
# `mvn -pl sklearn -am package jib:dockerBuild -DskipTests -Djib.dockerClient.executable=$(command -v podman)`.
# The engine is podman, else docker (SMTK_ENGINE=... to choose).
set -euo pipefail
image=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
engine=${SMTK_ENGINE:-$(command -v podman || command -v docker)}
work=$(mktemp -d /var/tmp/smtk-image-bench-XXXXXX)
trap 'exec 7>&-; rm -rf "$work"' EXIT

if [ ! -f "$root/bench/target/classpath" ]; then
  (cd "$root" && mvn -B -q -ntp -Pbench -pl bench -am package -DskipTests >&2)
fi
# The S3 job's code on a server on the host.
/usr/bin/python3 -c "import sys; sys.path.insert(0, '$root/bench'); import startup_bench; startup_bench.s3_fixture('$work')"
exec 7> >(java -cp "$root/bench/target/classes:$(cat "$root/bench/target/classpath")" io.smtk.bench.S3MockServer \
  "$work/s3.port" "code/sourcedir.tar.gz=$work/sourcedir.tar.gz" > "$work/s3.log" 2>&1)
for _ in $(seq 300); do [ -f "$work/s3.port" ] && break; sleep 1; done
port=$(cat "$work/s3.port")

# The image's own interpreter and PATH (AWS DLC bases put /opt/conda/bin first).
path=$("$engine" run --rm --entrypoint /bin/sh "$image" -c 'echo "$PATH"')
python=$("$engine" run --rm --entrypoint /bin/sh "$image" -c 'command -v python3')
"$engine" run --rm --network host -e BENCH_PATH="$path" \
  -v "$root/bench:/bench:ro" -v "$work:/bench-work" "$image" \
  "$python" /bench/startup_bench.py --no-checkout --command "image train=/usr/local/bin/train" \
  --python "$python" --work /bench-work/inside --s3-endpoint "http://127.0.0.1:$port" "$@"
