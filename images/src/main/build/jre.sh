#!/usr/bin/env bash
# Cuts the images' Java runtime with jlink (only the modules the toolkit needs, images/README.md).
#   usage: jre.sh OUTPUT MODULES BUILD_JDK [JDK|auto]
# The JDK whose jmods make the runtime decides the glibc it needs, so it is chosen in this order:
#   1. JDK, when given (-Dsmtk.jlink.jdk=/path): the caller knows best;
#   2. Debian 11's OpenJDK 17 (old-glibc-jdk.sh), built for glibc 2.31: runs on every catalog base;
#   3. BUILD_JDK, the JDK running Maven, when 2 cannot be had (not a Debian machine, no mirror): the image
#      build's glibc check then refuses bases older than that JDK's glibc, saying so.
set -euo pipefail
output=$1 modules=$2 build_jdk=$3 jdk=${4:-auto}
here=$(dirname "$0")

if [ "$jdk" = auto ]; then
  if ! jdk=$(bash "$here/old-glibc-jdk.sh"); then
    jdk=$build_jdk
    echo "jre: WARNING: no JDK for old glibc could be fetched (above); the runtime comes from $jdk and needs" \
      "its glibc (Debian 12's: 2.34), so images on Ubuntu 20.04 bases will fail their glibc check." \
      "Give -Dsmtk.jlink.jdk=<a JDK 17 built for glibc 2.31 or older, with jmods>." >&2
  fi
fi
[ -f "$jdk/jmods/java.base.jmod" ] || { echo "jre: $jdk has no jmods (Debian: openjdk-17-jdk-headless)" >&2; exit 1; }

# jlink refuses to write into an existing folder. Uncompressed: the layer is gzipped anyway (19 MB vs 23 MB
# with compress=2) and starts faster. No CDS archive: JDK 17 does not write one deterministically (it would
# change the image digest on every build) and it saves only ~40 ms of a ~0.4 s toolkit start.
rm -rf "$output"
"$jdk/bin/jlink" --module-path "$jdk/jmods" --add-modules "$modules" --strip-debug --no-header-files \
  --no-man-pages --compress=0 --output "$output"
# Silent on success, like the rest of a `mvn -q` build (bin/smtk); the runtime's `release` file has its version.
