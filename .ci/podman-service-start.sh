#!/usr/bin/env bash
# Starts the Docker-compatible API of podman on a unix socket for Testcontainers:
#   DOCKER_HOST=unix://$SMTK_IMAGES_STATE/podman.sock TESTCONTAINERS_RYUK_DISABLED=true
# Idempotent; stop it with .ci/podman-service-stop.sh.
set -euo pipefail
. "$(dirname "$0")/podman-env.sh"

if smtk_alive "$smtk_state/podman-service.pid" && [ -S "$smtk_podman_socket" ]; then
  echo "podman service: already running on $smtk_podman_socket"
  exit 0
fi
rm -f "$smtk_podman_socket"
setsid podman system service --time=0 "unix://$smtk_podman_socket" >"$smtk_state/podman-service.log" 2>&1 </dev/null &
echo $! > "$smtk_state/podman-service.pid"
for _ in $(seq 1 100); do
  if [ -S "$smtk_podman_socket" ] && curl -fsS -o /dev/null --unix-socket "$smtk_podman_socket" http://d/_ping 2>/dev/null; then
    echo "podman service: started on $smtk_podman_socket (pid $(cat "$smtk_state/podman-service.pid"))"
    exit 0
  fi
  smtk_alive "$smtk_state/podman-service.pid" || break
  sleep 0.1
done
echo "podman service: did not start; log:" >&2
cat "$smtk_state/podman-service.log" >&2
exit 1
