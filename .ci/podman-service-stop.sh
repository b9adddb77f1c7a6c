#!/usr/bin/env bash
# Stops the podman API service that .ci/podman-service-start.sh started (by its pid file).
set -euo pipefail
. "$(dirname "$0")/podman-env.sh"
if smtk_alive "$smtk_state/podman-service.pid"; then
  pid=$(cat "$smtk_state/podman-service.pid")
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  echo "podman service: stopped (pid $pid)"
fi
rm -f "$smtk_state/podman-service.pid" "$smtk_podman_socket"
