#!/usr/bin/env bash
# Makes an image's class archive at build time, with the image's own Java runtime and class path, where the
# image will have them: the toolkit's classes mapped at start-up instead of loaded from jars (bench/README.md
# "Images"). A class-data-sharing archive on every Java, 25 too (its ahead-of-time cache loads every class
# of the warm-up job when the JVM starts: slower for a job without S3, docs/DECISIONS.md).
#   usage: app-archive.sh JRE OUTPUT_DIR APP_JAR LIBS_DIR
#     JRE         the image's runtime (images/target/image/jre), with its own CDS archive (jlink
#                 --generate-cds-archive); the CDS archive is made on top of it
#     OUTPUT_DIR  receives smtk.jsa, which the image carries at /opt/smtk/cache/
#     APP_JAR     the framework module's jar (Jib, packaged mode: /opt/smtk/app/classpath/)
#     LIBS_DIR    the module's runtime dependencies (Jib: /opt/smtk/app/libs/)
# The JVM accepts an archive only with the class path it was made with (Java 17: the same paths; every
# Java: the same jars, sizes and times), so the files are staged as Jib lays them out, with Jib's file time
# (EPOCH+1 s), and the warm-up job (`smtk warm-up`) runs with the staging folder mounted at /opt/smtk, in a
# user and mount namespace of its own (unshare; no root needed where unprivileged user namespaces are
# allowed). Where that is not possible it says so and makes nothing: the image then starts without it. A
# warm-up job that fails fails the build: the image could not run that job either.
# The JVM flags are the launcher's, from the one file both read (image-root/opt/smtk/lib/jvm-flags.sh).
# Not reproducible: the JVM writes a different archive each time, so only this file's layer changes.
set -euo pipefail
jre=$1 output=$2 app_jar=$3 libs=$4
rm -rf "$output"
mkdir -p "$output"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/smtk/app/classpath" "$stage/smtk/app/libs" "$stage/smtk/out"
cp -a "$jre" "$stage/smtk/jre"
cp "$app_jar" "$stage/smtk/app/classpath/"
cp "$libs"/*.jar "$stage/smtk/app/libs/"
find "$stage/smtk" -exec touch -h -d @1 {} +

# The class path, in byte order whatever the locale or the shell (a glob's order is not): written to
# OUTPUT_DIR/classpath, which the launcher reads, so that the archive and the image use the same one.
relative=""
for jar in $(cd "$stage/smtk" && LC_ALL=C ls -1 app/classpath/*.jar) $(cd "$stage/smtk" && LC_ALL=C ls -1 app/libs/*.jar); do
  relative="${relative:+$relative:}$jar"
done
printf '%s\n' "$relative" > "$output/classpath"
absolute=$(printf '%s' "$relative" | sed 's|\([^:]*\)|/opt/smtk/\1|g')

feature=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$stage/smtk/jre/release")
if [ -f "$stage/smtk/jre/lib/server/classes.jsa" ]; then
  make="-XX:ArchiveClassesAtExit=/opt/smtk/out/smtk.jsa"
else
  echo "app-archive: $jre has no CDS archive of its own (jlink --generate-cds-archive); no class archive" >&2
  exit 0
fi

# The launcher's flags (the image's /opt/smtk/lib/jvm-flags.sh, read from the sources): an archive made
# with another collector would leave Java 17 without the JDK's archived module graph. Without the caller's
# JVM options, as the warm-up job runs below.
flags_file="$(dirname "$(readlink -f "$0")")/../image-root/opt/smtk/lib/jvm-flags.sh"
smtk_jvm_flags=$(unset JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS _JAVA_OPTIONS
  smtk_release="$stage/smtk/jre/release"
  # shellcheck source=../image-root/opt/smtk/lib/jvm-flags.sh
  . "$flags_file"
  echo "$smtk_jvm_flags")

cat > "$stage/warm-up.sh" <<WARM
set -eu
mount -t tmpfs tmpfs /opt
mkdir /opt/smtk
mount --bind "$stage/smtk" /opt/smtk
cd /
env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 /opt/smtk/jre/bin/java \
  $smtk_jvm_flags $make -cp "$absolute" io.smtk.cli.Main warm-up
WARM
if ! unshare --user --map-root-user --mount sh -c 'mount -t tmpfs tmpfs /opt' 2>/dev/null; then
  echo "app-archive: no user and mount namespace here (unshare); the image starts without a class archive" >&2
  exit 0
fi
# A warm-up job that fails is a broken image (a runtime module missing, a class path wrong): fail the build.
if ! unshare --user --map-root-user --mount sh "$stage/warm-up.sh" >"$stage/warm-up.log" 2>&1; then
  echo "app-archive: the warm-up job failed on the image's runtime and class path:" >&2
  grep -v '\]\[cds' "$stage/warm-up.log" | tail -n 40 >&2
  exit 1
fi
for made in "$stage/smtk/out/smtk.jsa"; do
  if [ -f "$made" ]; then
    cp "$made" "$output/"
    echo "app-archive: $output/$(basename "$made") ($(du -h "$made" | cut -f1)) for Java $feature"
  fi
done
