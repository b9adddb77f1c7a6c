#!/usr/bin/env bash
# Stops what .ci/images-prepare.sh started (podman's API, the registry), by their pid files. Cached base
# images and the registry's data stay for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/podman-service-stop.sh
bash .ci/registry-stop.sh
