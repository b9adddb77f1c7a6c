# The flags of every JVM smtk starts in an image: sourced (POSIX sh, built-ins only) by /opt/smtk/bin/train
# and /opt/smtk/bin/smtk, and at image build by images/src/main/build/app-archive.sh, whose class archive
# must be made with the same collector as the jobs that map it. One home for the choice, so the three agree.
#   in:  smtk_release    the runtime's release file (may be missing)
#   out: smtk_feature    the runtime's Java feature release (17 when the file does not say)
#        smtk_jvm_flags  the flags (split on spaces by the callers)
# Start-up is on every job's critical path (bench/README.md): C1 only; a small heap (the toolkit only
# supervises; at most 1.6 GB, so that compressed oops, which the archives were made with, hold on hosts
# with terabytes); no JIT threads added on the fly; archives mapped where they were made instead of
# relocated. The collector: Java 17 uses the archived heap objects of its CDS archive (the module graph
# among them, ~15 ms of every start otherwise) only with G1, given a fixed young generation; serial from
# Java 18 on, which loads them too (docs/DECISIONS.md). A collector chosen in JAVA_TOOL_OPTIONS,
# JDK_JAVA_OPTIONS or _JAVA_OPTIONS (the job's environment reaches this JVM too) is left to win: two
# would stop the JVM.
smtk_feature=""
if [ -f "$smtk_release" ]; then
  while IFS= read -r smtk_line || [ -n "$smtk_line" ]; do
    case "$smtk_line" in
      JAVA_VERSION=*)
        smtk_feature=${smtk_line#JAVA_VERSION=}
        smtk_feature=${smtk_feature#\"}
        smtk_feature=${smtk_feature%%[!0-9]*} ;;
    esac
  done < "$smtk_release"
fi
case "$smtk_feature" in ''|*[!0-9]*) smtk_feature=17 ;; esac
case "${JAVA_TOOL_OPTIONS:-} ${JDK_JAVA_OPTIONS:-} ${_JAVA_OPTIONS:-}" in
  *-XX:+Use*GC*) smtk_jvm_flags="" ;;
  *)
    if [ "$smtk_feature" -ge 18 ]; then
      smtk_jvm_flags="-XX:+UseSerialGC"
    else
      smtk_jvm_flags="-XX:+UseG1GC -Xmn64m"
    fi ;;
esac
smtk_jvm_flags="$smtk_jvm_flags -XX:TieredStopAtLevel=1 -XX:-UsePerfData -XX:MaxRAMPercentage=10 -XX:MaxRAM=16g"
smtk_jvm_flags="$smtk_jvm_flags -XX:-UseDynamicNumberOfCompilerThreads -XX:+UnlockDiagnosticVMOptions"
smtk_jvm_flags="$smtk_jvm_flags -XX:ArchiveRelocationMode=0"
