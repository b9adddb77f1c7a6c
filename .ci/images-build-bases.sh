#!/usr/bin/env bash
# Builds the local stand-in base images (images/src/main/bases) with no container registry:
# debootstrap minbase bookworm -> podman import -> podman build --network=host, then pushes them to the
# test registry on 127.0.0.1:5000 (when it answers) as
#   127.0.0.1:5000/smtk-base-<name>:<hash>   and the moving tag   127.0.0.1:5000/smtk-base-<name>:standin
# <hash> covers the recipes and this script, so a base is built and pushed once per recipe change
# (debootstrap ~1 min, Python base ~1 min, PyTorch ~2 min on 2 cores; a cached run takes seconds).
#   usage: images-build-bases.sh [python sklearn pytorch tensorflow mxnet]   (default: all)
#   SMTK_BASES_TAR=1 also writes docker-archives $SMTK_IMAGES_STATE/bases/smtk-base-<name>.tar (for tar://)
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/podman-env.sh

recipes=images/src/main/bases
hash=$( (find "$recipes" -type f | LC_ALL=C sort | xargs sha256sum; sha256sum .ci/images-build-bases.sh) \
        | sed 's@  .*/@  @' | sha256sum | cut -c1-12)
rootfs_tag=bookworm-minbase
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(sklearn pytorch tensorflow mxnet)

registry_up=false
curl -fsS -o /dev/null "http://$smtk_registry/v2/" 2>/dev/null && registry_up=true

if ! podman image exists "localhost/smtk-rootfs:$rootfs_tag"; then
  started=$(date +%s)
  rootfs=$(mktemp -d "$smtk_state/rootfs.XXXXXX")
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$smtk_state/debootstrap.log" 2>&1 \
    || { tail -20 "$smtk_state/debootstrap.log" >&2; exit 1; }
  tar -C "$rootfs" -c . | podman import - "localhost/smtk-rootfs:$rootfs_tag" >/dev/null
  rm -rf "$rootfs"
  echo "bases: rootfs built in $(( $(date +%s) - started )) s"
fi

build() { # name, build args...
  local name=$1; shift
  local image="localhost/smtk-base-$name:$hash"
  if podman image exists "$image"; then
    echo "bases: $image cached"
  else
    local started=$(date +%s)
    podman build --network=host --layers=false -q -t "$image" -f "$recipes/$name/Containerfile" "$@" "$recipes" >/dev/null
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
  fi
  if [ "${SMTK_BASES_TAR:-}" = 1 ]; then
    mkdir -p "$smtk_state/bases"
    local tar="$smtk_state/bases/smtk-base-$name.tar"
    if [ ! -f "$tar.$hash" ]; then
      rm -f "$tar" "$tar".*
      podman save -q --format docker-archive -o "$tar" "$image"
      touch "$tar.$hash"
    fi
  fi
}

build python --build-arg "ROOTFS_TAG=$rootfs_tag"
for name in "${names[@]}"; do
  [ "$name" = python ] && continue
  build "$name" --build-arg "PYTHON_TAG=$hash"
done
echo "bases: ready (recipe hash $hash, registry $($registry_up && echo "$smtk_registry" || echo 'not running'))"
