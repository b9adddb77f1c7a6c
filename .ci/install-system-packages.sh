#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (idempotent: skips apt when everything is present).
# Used by the README's test command and by .ci/run; safe to run again.
set -euo pipefail

packages=(
  openjdk-17-jdk-headless maven gcc libc6-dev git tini
  python3 python3-pip python3-setuptools python3-numpy python3-sklearn python3-torch python3-mpi4py
  openmpi-bin openssh-server openssh-client iproute2 procps util-linux curl
  podman buildah skopeo runc debootstrap docker-registry
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi

echo "system packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: done"
