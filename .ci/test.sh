#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine, as root: installs the system packages it needs
# (idempotent, skipped when present), then builds and runs every unit and integration test.
# README "Run the tests" names this script; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash .ci/install-system-packages.sh

export LANG=C.UTF-8
# Integration tests name /usr/bin/python3 themselves; keep the build's own tools predictable too.
mvn -B -ntp verify "$@"
