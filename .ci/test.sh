#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine, as root: installs the system packages it needs
# (idempotent, skipped when present), then builds and runs every unit and integration test, including
# the multi-host tests (network namespaces) and the image tests (podman, a local registry, stand-in
# base images built once and cached under /var/tmp/smtk-images).
# README "The two commands" names this script; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash .ci/install-system-packages.sh

export LANG=C.UTF-8
# CI=true turns on the image tests and makes tests that need root, namespaces or podman fail, not skip.
export CI=true
# The stand-in bases take minutes to build on a fresh machine (two debootstraps, apt), mostly downloading and
# unpacking: build them while Maven compiles and runs the toolkit's own tests, which need none of it. The first
# image module's .ci/images-prepare.sh waits for this one and then finds them ready.
state=${SMTK_IMAGES_STATE:-/var/tmp/smtk-images}
mkdir -p "$state"
setsid bash .ci/images-prepare.sh >"$state/prepare-background.log" 2>&1 </dev/null &
prepare=$!
echo "images: preparing the stand-in bases in the background (log: $state/prepare-background.log)"
# The image tests start a registry and podman's API socket; stop them (and an unfinished preparation)
# whatever happens.
trap 'kill -- -"$prepare" 2>/dev/null && wait "$prepare" 2>/dev/null; bash .ci/images-teardown.sh >/dev/null 2>&1 || true' EXIT
mvn -B -ntp verify "$@"
