#!/usr/bin/env bash
# Builds the local stand-in base images (images/src/main/bases) with no container registry:
# debootstrap minbase of Debian 12 (bookworm) and Debian 11 (bullseye, glibc 2.31) -> podman import ->
# podman build --network=host, then pushes them to the test registry on 127.0.0.1:5000 (when it answers) as
#   127.0.0.1:5000/smtk-base-<name>:<hash>   and the moving tag   127.0.0.1:5000/smtk-base-<name>:standin
# and writes the pushed manifest's digest to $SMTK_IMAGES_STATE/bases/smtk-base-<name>.digest: the image tests
# build on 127.0.0.1:5000/smtk-base-<name>@<digest>, so every test image names the exact base it was built on.
# <hash> covers the recipes and this script, so a base is built and pushed once per recipe change
# (debootstrap ~1 min per suite, a Python base ~1 min, PyTorch ~2 min on 2 cores; a cached run takes seconds).
# The Debian 12 and Debian 11 families are built side by side (mostly downloads and unpacking), and one run
# at a time: a second waits, then finds the bases cached.
#   usage: images-build-bases.sh [python pytorch sklearn tensorflow mxnet]   (default: all; parents come along)
#   SMTK_BASES_TAR=1 also writes docker-archives $SMTK_IMAGES_STATE/bases/smtk-base-<name>.tar (for tar://)
set -euo pipefail
self=$(readlink -f "$0")
cd "$(dirname "$self")/.."
. .ci/podman-env.sh

recipes=images/src/main/bases
hash=$( (find "$recipes" -type f | LC_ALL=C sort | xargs sha256sum; sha256sum .ci/images-build-bases.sh) \
        | sed 's@  .*/@  @' | sha256sum | cut -c1-12)
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(python pytorch sklearn tensorflow mxnet)

# Which family each base stands in for (images/CATALOG.md): the Ubuntu 22.04 and Debian 12 bases on Debian 12,
# the Ubuntu 20.04 ones (glibc 2.31) on Debian 11. name -> parent (another base, or rootfs:<suite>) and recipe.
declare -A parent=([python]=rootfs:bookworm [python-bullseye]=rootfs:bullseye [pytorch]=python
                   [sklearn]=python-bullseye [tensorflow]=python-bullseye [mxnet]=python-bullseye)
declare -A recipe=([python]=python [python-bullseye]=python [pytorch]=pytorch
                   [sklearn]=sklearn [tensorflow]=tensorflow [mxnet]=mxnet)

if [ -z "${SMTK_BASES_LOCKED:-}" ]; then
  exec env SMTK_BASES_LOCKED=1 flock -o "$smtk_state/bases.lock" bash "$self" "$@"
fi

registry_up=false
curl -fsS -o /dev/null "http://$smtk_registry/v2/" 2>/dev/null && registry_up=true
mkdir -p "$smtk_state/bases"

rootfs() { # suite: a debootstrap minbase of that Debian release, imported into podman once
  local suite=$1 image="localhost/smtk-rootfs:$1-minbase"
  podman image exists "$image" && return 0
  local started rootfs
  started=$(date +%s)
  rootfs=$(mktemp -d "$smtk_state/rootfs.XXXXXX")
  if ! debootstrap --variant=minbase "$suite" "$rootfs" http://deb.debian.org/debian \
      >"$smtk_state/debootstrap-$suite.log" 2>&1; then
    tail -20 "$smtk_state/debootstrap-$suite.log" >&2
    rm -rf "$rootfs"
    return 1
  fi
  tar -C "$rootfs" -c . | podman import - "$image" >/dev/null
  rm -rf "$rootfs"
  echo "bases: rootfs $suite built in $(( $(date +%s) - started )) s"
}

declare -A built=()
build() { # name: the base, after its parent
  local name=$1
  [ -n "${built[$name]:-}" ] && return 0
  [ -n "${parent[$name]:-}" ] || { echo "bases: no stand-in base named $name" >&2; return 1; }
  local from=${parent[$name]} args=()
  if [[ $from == rootfs:* ]]; then
    rootfs "${from#rootfs:}"
    args=(--build-arg "ROOTFS_TAG=${from#rootfs:}-minbase")
  else
    build "$from"
    args=(--build-arg "PARENT=localhost/smtk-base-$from:$hash")
  fi
  local image="localhost/smtk-base-$name:$hash"
  if podman image exists "$image"; then
    echo "bases: $image cached"
  else
    local started
    started=$(date +%s)
    podman build --network=host --layers=false -q -t "$image" -f "$recipes/${recipe[$name]}/Containerfile" \
      "${args[@]}" "$recipes" >/dev/null
    echo "bases: $image built in $(( $(date +%s) - started )) s"
  fi
  podman tag "$image" "localhost/smtk-base-$name:standin"
  if $registry_up; then
    if ! skopeo inspect --tls-verify=false "docker://$smtk_registry/smtk-base-$name:$hash" >/dev/null 2>&1; then
      skopeo copy -q --dest-tls-verify=false "containers-storage:$image" "docker://$smtk_registry/smtk-base-$name:$hash"
      echo "bases: pushed $smtk_registry/smtk-base-$name:$hash"
    fi
    skopeo copy -q --src-tls-verify=false --dest-tls-verify=false \
      "docker://$smtk_registry/smtk-base-$name:$hash" "docker://$smtk_registry/smtk-base-$name:standin"
    skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$smtk_registry/smtk-base-$name:$hash" \
      > "$smtk_state/bases/smtk-base-$name.digest"
  fi
  if [ "${SMTK_BASES_TAR:-}" = 1 ]; then
    local tar="$smtk_state/bases/smtk-base-$name.tar"
    if [ ! -f "$tar.$hash" ]; then
      rm -f "$tar" "$tar".*
      podman save -q --format docker-archive -o "$tar" "$image"
      touch "$tar.$hash"
    fi
  fi
  built[$name]=1
}

suite() { # name -> the Debian suite at the root of its parents
  local from=${parent[$1]:-}
  [ -n "$from" ] || { echo "bases: no stand-in base named $1" >&2; return 1; }
  if [[ $from == rootfs:* ]]; then echo "${from#rootfs:}"; else suite "$from"; fi
}
declare -A family=()
for name in "${names[@]}"; do
  s=$(suite "$name")
  family[$s]="${family[$s]:-} $name"
done
pids=()
for s in "${!family[@]}"; do
  # Each family in its own subshell: they share no base, so they cannot build one twice.
  ( for name in ${family[$s]}; do build "$name"; done ) &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do
  wait "$pid" || failed=1
done
[ "$failed" = 0 ] || { echo "bases: a base failed to build (above)" >&2; exit 1; }
echo "bases: ready (recipe hash $hash, registry $($registry_up && echo "$smtk_registry" || echo 'not running'))"
