#!/usr/bin/env bash
# JMH benchmarks (not tests) of the hot library code: Python JSON (PythonJsonBenchmark) and the output pump
# (OutputPumpBenchmark: whole lines, 1 MiB lines, MPI rank tags). Builds the bench module first.
#   bench/jmh.sh [JMH options, e.g. a benchmark regex or -f 1 -wi 2 -i 3]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
(cd "$root" && mvn -B -q -ntp -Pbench -pl bench -am package -DskipTests >&2)
exec java -cp "$root/bench/target/classes:$(cat "$root/bench/target/classpath")" org.openjdk.jmh.Main "$@"
