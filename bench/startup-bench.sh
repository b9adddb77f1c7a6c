#!/usr/bin/env bash
# Benchmark (not a test): a job's fixed cost under `bin/smtk train`, side by side in one run with the same
# no-op Python script run directly (the floor), then the same for a job whose code comes from S3 (a
# standalone S3Mock on 127.0.0.1), with the S3 client's creation, the download, the extraction and the
# exit broken out. Prints figures (min/median/max over interleaved rounds); asserts nothing.
#   bench/startup-bench.sh [--runs 20] [--s3-runs 8] [--compare OTHER_CHECKOUT]... [--java JAVA_HOME]...
# --compare runs another built checkout's bin/smtk in the same rounds (before/after figures from one run);
# --java adds a JDK (e.g. a Java 25) next to the default one. See bench/README.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/bin/smtk" --version >/dev/null   # builds the toolkit on first use
if [ ! -f "$root/bench/target/classpath" ] || [ -n "$(find "$root/bench/src" "$root/bench/pom.xml" \
    -newer "$root/bench/target/classpath" -print -quit)" ]; then
  echo "bench: building the bench module (the S3 server)..." >&2
  (cd "$root" && mvn -B -q -ntp -Pbench -pl bench -am package -DskipTests >&2)
fi
exec /usr/bin/python3 "$root/bench/startup_bench.py" \
  --bench-classpath "$root/bench/target/classes:$(cat "$root/bench/target/classpath")" "$@"
