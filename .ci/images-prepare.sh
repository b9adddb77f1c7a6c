#!/usr/bin/env bash
# Everything the image tests need, idempotent and cached: the local registry on 127.0.0.1:5000, the
# stand-in bases (built once per recipe change, pushed once), and podman's Docker API for Testcontainers.
# The image modules' profile image-tests runs it at `package`; .ci/images-teardown.sh stops the services.
#   usage: images-prepare.sh [base names...]   (default: every base)
set -euo pipefail
self=$(readlink -f "$0")
cd "$(dirname "$self")/.."
. .ci/podman-env.sh
started=$(date +%s)
# One preparation at a time (.ci/test.sh starts one in the background while the toolkit's tests run; each
# image module starts another): a second waits for the first and then finds everything ready. flock -o keeps
# the lock out of the registry and podman service this starts, which outlive it.
if [ -z "${SMTK_PREPARE_LOCKED:-}" ]; then
  exec env SMTK_PREPARE_LOCKED=1 flock -o "$smtk_state/prepare.lock" bash "$self" "$@"
fi
for tool in podman skopeo docker-registry debootstrap runc curl; do
  command -v "$tool" >/dev/null || { echo "images-prepare: $tool is missing (run .ci/install-system-packages.sh)" >&2; exit 1; }
done
bash .ci/registry-start.sh
bash .ci/images-build-bases.sh "$@"
bash .ci/podman-service-start.sh
echo "images-prepare: ready in $(( $(date +%s) - started )) s"
