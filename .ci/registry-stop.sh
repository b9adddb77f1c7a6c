#!/usr/bin/env bash
# Stops the registry that .ci/registry-start.sh started (by its pid file; a registry it did not start is
# left alone). Its data folder stays, so pushed base images are cached for the next run.
set -euo pipefail
. "$(dirname "$0")/podman-env.sh"
if smtk_alive "$smtk_state/registry.pid"; then
  pid=$(cat "$smtk_state/registry.pid")
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  echo "registry: stopped (pid $pid)"
fi
rm -f "$smtk_state/registry.pid"
