#!/usr/bin/env bash
# Prints the home of a JDK 17 built for glibc 2.31 (Debian 11 "bullseye"'s OpenJDK 17, with its jmods),
# fetching it on first use. The images' Java runtime is cut from it (images/src/main/build/jre.sh) so that it
# runs on every catalog base down to Ubuntu 20.04 (glibc 2.31); Debian 12's own JDK needs glibc 2.34.
#
# How: apt-get with a private configuration and state (nothing under /etc or /var/lib/apt is touched, root
# is not needed) reads bullseye's package lists from the Debian mirror, checked against Debian's archive
# keyring, downloads openjdk-17-jre-headless and openjdk-17-jdk-headless and unpacks them with dpkg-deb.
# The binaries run on any newer glibc too, so the build machine's jlink is never needed.
#
# Once fetched the JDK is reused, offline, until SMTK_JDK_REFRESH=1 fetches the mirror's current one.
#   SMTK_JDK_CACHE       where JDKs are kept (default ${XDG_CACHE_HOME:-$HOME/.cache}/smtk/jdk)
#   SMTK_DEBIAN_MIRROR   the Debian mirror (default http://deb.debian.org)
# Exit status 0 with the JDK home on stdout; otherwise non-zero with the reason on stderr.
set -euo pipefail

cache=${SMTK_JDK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smtk/jdk}
mirror=${SMTK_DEBIAN_MIRROR:-http://deb.debian.org}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
jvm=usr/lib/jvm/java-17-openjdk-amd64

newest() {  # the newest complete JDK in the cache, if any
  local home
  home=$(ls -d "$cache"/openjdk-17-bullseye-*/complete 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$home" ] && echo "$(dirname "$home")/$jvm"
}

if [ "${SMTK_JDK_REFRESH:-}" != 1 ] && home=$(newest) && [ -n "$home" ]; then
  echo "$home"
  exit 0
fi

for tool in apt-get dpkg-deb flock; do
  command -v "$tool" >/dev/null || { echo "old-glibc-jdk: $tool is missing (a Debian or Ubuntu build machine has it)" >&2; exit 1; }
done
[ -r "$keyring" ] || { echo "old-glibc-jdk: $keyring is missing (apt-get install debian-archive-keyring)" >&2; exit 1; }
[ "$(dpkg --print-architecture 2>/dev/null || echo amd64)" = amd64 ] \
  || { echo "old-glibc-jdk: only amd64 build machines are supported" >&2; exit 1; }

mkdir -p "$cache"
# Several worktrees or modules may build at once: one fetch at a time, then reuse what it fetched.
exec 9>"$cache/.lock"
flock 9
if [ "${SMTK_JDK_REFRESH:-}" != 1 ] && home=$(newest) && [ -n "$home" ]; then
  echo "$home"
  exit 0
fi

apt_dir="$cache/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/etc"
: > "$apt_dir/status"
cat > "$apt_dir/etc/sources.list" <<LIST
deb [signed-by=$keyring] $mirror/debian bullseye main
deb [signed-by=$keyring] $mirror/debian-security bullseye-security main
LIST
apt_options=(
  -o "Dir::Etc::SourceList=$apt_dir/etc/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::Etc::Preferences=/dev/null" -o Dir::Etc::PreferencesParts=/dev/null
  -o "Dir::State=$apt_dir" -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::State::status=$apt_dir/status"
  -o "Dir::Cache=$apt_dir" -o "Dir::Cache::Archives=$apt_dir/archives"
  -o APT::Architecture=amd64 -o APT::Architectures=amd64 -o APT::Sandbox::User=root
  -o Acquire::Retries=1 -o Acquire::http::Timeout=30 -o Acquire::Languages=none
)
started=$(date +%s)
echo "old-glibc-jdk: fetching Debian 11's OpenJDK 17 from $mirror (once; cached in $cache)" >&2
apt-get -q "${apt_options[@]}" update >"$apt_dir/update.log" 2>&1 \
  || { cat "$apt_dir/update.log" >&2; echo "old-glibc-jdk: apt-get update failed" >&2; exit 1; }
version=$(apt-cache "${apt_options[@]}" show --no-all-versions openjdk-17-jdk-headless 2>/dev/null \
  | sed -n 's/^Version: //p' | head -n 1)
[ -n "$version" ] || { echo "old-glibc-jdk: bullseye has no openjdk-17-jdk-headless" >&2; exit 1; }

target="$cache/openjdk-17-bullseye-${version//[^A-Za-z0-9.+-]/_}"
if [ ! -f "$target/complete" ]; then
  work=$(mktemp -d "$cache/.fetch.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get -q "${apt_options[@]}" download \
      "openjdk-17-jre-headless=$version" "openjdk-17-jdk-headless=$version" >"$work/download.log" 2>&1) \
    || { cat "$work/download.log" >&2; echo "old-glibc-jdk: download failed" >&2; exit 1; }
  mkdir -p "$work/root"
  for deb in "$work"/*.deb; do
    dpkg-deb -x "$deb" "$work/root"
  done
  [ -f "$work/root/$jvm/jmods/java.base.jmod" ] || { echo "old-glibc-jdk: the package has no jmods" >&2; exit 1; }
  rm -rf "$target"
  mv "$work/root" "$target"
  # Debian links the JDK's configuration to /etc/java-17-openjdk; point the links at the unpacked copy, so the
  # JDK does not depend on what this machine has under /etc.
  find "$target/$jvm" -type l -lname '/etc/java-17-openjdk/*' | while read -r link; do
    ln -sfn "$target$(readlink "$link")" "$link"
  done
  touch "$target/complete"
  echo "old-glibc-jdk: OpenJDK $version ready in $(( $(date +%s) - started )) s" >&2
fi
echo "$target/$jvm"
