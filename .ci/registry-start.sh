#!/usr/bin/env bash
# Starts Debian's docker-registry on 127.0.0.1:5000 with its own config and data folder (the packaged
# config listens on every interface with password auth). Idempotent: a registry already answering there
# is used as it is. Stop it with .ci/registry-stop.sh.
set -euo pipefail
. "$(dirname "$0")/podman-env.sh"

if curl -fsS -o /dev/null "http://$smtk_registry/v2/" 2>/dev/null; then
  echo "registry: already answering on $smtk_registry"
  exit 0
fi
mkdir -p "$smtk_state/registry-data"
cat > "$smtk_state/registry.yml" <<CONF
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $smtk_state/registry-data}, delete: {enabled: true}}
http: {addr: $smtk_registry}
CONF
setsid docker-registry serve "$smtk_state/registry.yml" >"$smtk_state/registry.log" 2>&1 </dev/null &
echo $! > "$smtk_state/registry.pid"
for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null "http://$smtk_registry/v2/" 2>/dev/null; then
    echo "registry: started on $smtk_registry (pid $(cat "$smtk_state/registry.pid"), data $smtk_state/registry-data)"
    exit 0
  fi
  smtk_alive "$smtk_state/registry.pid" || break
  sleep 0.1
done
echo "registry: did not start; log:" >&2
cat "$smtk_state/registry.log" >&2
exit 1
