#!/usr/bin/env bash
# The image build's glibc check. An smtk image adds native code to its base (the Java runtime's libraries, the
# hostname shim; tini is static), and that code loads only where the base's glibc is at least as new as the
# newest GLIBC_x.y symbol version it was linked against. Without this check an image on a too-old base
# builds and pushes fine and then dies at `train` on SageMaker ("version `GLIBC_2.34' not found"). Image
# modules run it at `package`, before a `jib:build` in the same command (the base the image will be built on),
# and before the test images are built (the stand-in base).
#
#   glibc-check.sh needs DIR...     the newest GLIBC_x.y that the ELF files under DIR need, and one file needing it
#   glibc-check.sh check OPTIONS    compares an image's needs with its base's glibc; fails when the base is older
#     --image-dir DIR     what the images module stages (images/target/image: jre/ -> /opt/smtk/jre, root/ -> /)
#     --base REF          the base image
#     --glibc X.Y|auto    the base's glibc as the user states it (-Dsmtk.base.glibc); auto (default): find it out
#     --known REF=X.Y     the catalog's figure for one of the module's default bases (repeatable)
#     --pull              the base may be pulled to read it (the test bases, from the local registry)
#     --goals=GOALS       the Maven command's goals (${session.goals}); when none is a jib goal the command builds
#                         no image (bin/smtk, mvn verify), and a failed check only warns
# With auto the base's glibc is read from the base itself, `getconf GNU_LIBC_VERSION` run in it (no network)
# with podman or docker (SMTK_CONTAINER_ENGINE picks one), when the engine holds the base or --pull allows a
# pull; a base that cannot be read is taken at the catalog's figure when it is a default base, and otherwise
# fails the check with what to do. A build never downloads a multi-GB framework base just for this.
set -euo pipefail
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

newest_needed() { # DIR... -> "X.Y FILE", nothing when no file needs a versioned glibc symbol
  local files=()
  while IFS= read -r -d '' file; do files+=("$file"); done < <(find "$@" -type f -print0)
  [ ${#files[@]} -gt 0 ] || return 0
  command -v objdump >/dev/null || { echo "glibc-check: objdump is missing (apt-get install binutils)" >&2; return 1; }
  # objdump -p prints each ELF file's "Version References" (the GLIBC_x.y it was linked against) and skips what
  # is not ELF; glibc's own version definitions never appear, as no glibc library is in an image layer.
  { objdump -p "${files[@]}" 2>/dev/null || true; } | awk '
    /:[ \t]+file format / { file = $1; sub(/:$/, "", file); next }
    { line = $0
      while (match(line, /GLIBC_[0-9]+(\.[0-9]+)+/)) {
        print substr(line, RSTART + 6, RLENGTH - 6), file
        line = substr(line, RSTART + RLENGTH)
      } }' | sort -k1,1V | tail -n 1
}

older() { # A B: true when version A is older than version B
  [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$1" ]
}

engine() {
  if [ -n "${SMTK_CONTAINER_ENGINE:-}" ]; then
    echo "$SMTK_CONTAINER_ENGINE"
  elif command -v podman >/dev/null; then
    echo podman
  elif command -v docker >/dev/null; then
    echo docker
  fi
}

read_base() { # REF MAY_PULL -> X.Y on stdout, or a reason on stderr and status 1
  local ref=$1 may_pull=$2 engine out
  engine=$(engine)
  [ -n "$engine" ] || { echo "no podman or docker to read it with" >&2; return 1; }
  if [ "$may_pull" != true ] && ! "$engine" image inspect "$ref" >/dev/null 2>&1; then
    echo "$engine does not hold it" >&2
    return 1
  fi
  if ! out=$("$engine" run --rm --network=none --entrypoint /bin/sh "$ref" \
      -c 'getconf GNU_LIBC_VERSION 2>/dev/null || ldd --version 2>&1 | head -n 1' 2>"$scratch/run"); then
    echo "$engine run failed: $(tail -n 3 "$scratch/run")" >&2
    return 1
  fi
  out=$(grep -oE '[0-9]+\.[0-9]+' <<<"$out" | head -n 1)
  [ -n "$out" ] || { echo "it has no glibc (getconf GNU_LIBC_VERSION and ldd --version say nothing)" >&2; return 1; }
  echo "${engine}:$out"
}

failed() { # MESSAGE...: fails the check, or only warns when the command builds no image
  if [ "$builds_image" = true ]; then
    echo "$*" >&2
    status=1
  else
    echo "$* [a warning only: this Maven command builds no image]" >&2
  fi
}

check() {
  local image_dir="" base="" stated=auto may_pull=false known=() goals=""
  while [ $# -gt 0 ]; do
    case $1 in
      --image-dir) image_dir=$2; shift 2 ;;
      --base) base=$2; shift 2 ;;
      --glibc) stated=$2; shift 2 ;;
      --known) known+=("$2"); shift 2 ;;
      --pull) may_pull=true; shift ;;
      --goals) goals=$2; shift 2 ;;
      --goals=*) goals=${1#--goals=}; shift ;;
      *) echo "glibc-check: unknown option $1" >&2; return 2 ;;
    esac
  done
  # A Maven command that builds no image must not fail on a base it will not use; it still says what it found.
  builds_image=true
  if [ -n "$goals" ] && [[ $goals != *jib* ]]; then
    builds_image=false
  fi
  [ -d "$image_dir/jre" ] && [ -d "$image_dir/root" ] \
    || { echo "glibc-check: $image_dir has no jre/ and root/ (build the images module first)" >&2; return 2; }

  local needed file
  read -r needed file < <(newest_needed "$image_dir/jre" "$image_dir/root") || true
  if [ -z "${needed:-}" ]; then
    [ "$builds_image" = true ] && echo "glibc check: the image's native parts need no versioned glibc symbol"
    return 0
  fi
  file=${file#"$image_dir/"}
  case $file in jre/*) file=/opt/smtk/$file ;; root/*) file=/${file#root/} ;; esac

  local glibc="" how reason
  if [ "$stated" != auto ]; then
    glibc=$stated how="as given (-Dsmtk.base.glibc)"
  elif glibc=$(read_base "$base" "$may_pull" 2>"$scratch/reason"); then
    how="read from the base with ${glibc%%:*}"
    glibc=${glibc#*:}
  else
    reason=$(cat "$scratch/reason")
    glibc=""
    local entry
    for entry in "${known[@]}"; do
      if [ "${entry%=*}" = "$base" ] && [ -n "${entry##*=}" ]; then
        glibc=${entry##*=} how="the catalog's figure for this base; not read: $reason"
      fi
    done
    if [ -z "$glibc" ]; then
      if [ "$may_pull" = true ]; then
        failed "glibc check: cannot read the glibc of $base: $reason"
      else
        failed "glibc check: cannot tell the glibc of $base ($reason), which is not a catalog base; this image" \
          "needs glibc $needed ($file). Pull the base into podman or docker, or state its glibc with" \
          "-Dsmtk.base.glibc=X.Y (images/CATALOG.md)."
      fi
      return
    fi
  fi

  if older "$glibc" "$needed"; then
    failed "glibc check FAILED: the base $base has glibc $glibc ($how), but this image needs glibc $needed" \
      "($file requires GLIBC_$needed), so it would not start there. Cut the Java runtime from a JDK built for" \
      "glibc $glibc or older (-Dsmtk.jlink.jdk=auto fetches Debian 11's OpenJDK 17, built for 2.31), or pick a" \
      "base with glibc $needed or newer (images/CATALOG.md)."
    return
  fi
  # Quiet where no image is built: bin/smtk's first build (README command 1) should not talk about bases.
  if [ "$builds_image" = true ]; then
    echo "glibc check: $base has glibc $glibc ($how); the image needs $needed ($file): ok"
  fi
}

case ${1:-} in
  needs) shift; newest_needed "$@" ;;
  check) shift; status=0; check "$@"; exit "$status" ;;
  *) echo "usage: glibc-check.sh needs DIR... | check --image-dir DIR --base REF [--glibc X.Y|auto] [--known REF=X.Y]... [--pull]" >&2; exit 2 ;;
esac
