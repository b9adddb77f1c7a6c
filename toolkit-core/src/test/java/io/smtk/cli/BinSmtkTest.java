package io.smtk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.testing.JobTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@code bin/smtk}'s decision to build, on a fake checkout: a copy of the script, a fake
 * {@code mvn} that lays out the modules' outputs (or fails after toolkit-core, as a failing later
 * module does), a fake JDK, and every other program it may run wrapped to record that it ran.
 */
class BinSmtkTest {

  private static final List<String> TOOLS =
      List.of(
          "readlink",
          "find",
          "head",
          "sed",
          "mktemp",
          "flock",
          "mkdir",
          "rm",
          "touch",
          "mv",
          "cat",
          "dirname",
          "ls",
          "grep",
          "env");

  @TempDir Path tmp;
  private Path checkout;
  private Path log;
  private Path fakeBin;
  private Path fakeJdk;

  @BeforeEach
  void fakeCheckout() throws IOException {
    checkout = tmp.resolve("checkout");
    Files.createDirectories(checkout.resolve("bin"));
    Files.copy(JobTree.smtk(), checkout.resolve("bin/smtk"));
    write(checkout.resolve("pom.xml"), "<project/>");
    write(checkout.resolve("toolkit-core/src/main/java/io/smtk/A.java"), "class A {}");
    log = tmp.resolve("ran.log");
    fakeBin = Files.createDirectories(tmp.resolve("fakebin"));
    for (String tool : TOOLS) {
      String real =
          Files.isExecutable(Path.of("/usr/bin", tool)) ? "/usr/bin/" + tool : "/bin/" + tool;
      script(fakeBin.resolve(tool), "echo " + tool + " >> \"$LOG\"\nexec " + real + " \"$@\"");
    }
    // Module outputs as the reactor lays them out; FAIL_LATER stops after toolkit-core.
    script(
        fakeBin.resolve("mvn"),
        "echo mvn >> \"$LOG\"\n"
            + "/usr/bin/mkdir -p toolkit-core/target/lib\n"
            + "echo jar > toolkit-core/target/toolkit-core-0.1.jar\n"
            + "echo jar > toolkit-core/target/lib/dependency-1.0.jar\n"
            + "[ -z \"$FAIL_LATER\" ] || exit 1\n"
            + "for m in pytorch tensorflow mxnet sklearn; do /usr/bin/mkdir -p $m/target;"
            + " echo jar > $m/target/$m-0.1.jar; done\n"
            + "/usr/bin/mkdir -p images/target/image/root\n");
    fakeJdk = tmp.resolve("jdk");
    write(fakeJdk.resolve("release"), "JAVA_VERSION=\"17.0.9\"\n");
    // The warm-up asks for the class archive at exit; the job itself only records how it ran.
    script(
        fakeJdk.resolve("bin/java"),
        "echo \"java $*\" >> \"$LOG\"\n"
            + "echo \"${JDK_JAVA_OPTIONS:-none} ${JAVA_TOOL_OPTIONS:-none}\" >> \"$LOG.options\"\n"
            + "for arg; do case \"$arg\" in -XX:ArchiveClassesAtExit=*)"
            + " [ -n \"$NO_ARCHIVE\" ] && { echo 'cds: dump failed'; exit 1; };"
            + " echo archive > \"${arg#*=}\" ;; esac; done\n");
  }

  @Test
  void smtk_afterCompleteBuild_startsNoProcessBeforeJava() throws Exception {
    assertThat(run(Map.of()).exitCode).isZero();
    assertThat(ran()).contains("mvn");
    Files.delete(log);

    Result usual = run(Map.of());

    assertThat(usual.exitCode).isZero();
    assertThat(ran()).as("what ran: %s", ran()).hasSize(1);
    assertThat(ran().get(0))
        .startsWith("java ")
        .contains("-XX:SharedArchiveFile=" + checkout.toRealPath() + "/.smtk-cache/smtk-1.jsa")
        .endsWith("io.smtk.cli.Main train");
  }

  @Test
  void smtk_twoJavasInTurn_eachKeepsItsStampAndArchive() throws Exception {
    Path java25 = anotherFakeJdk("jdk25", "25.0.1");
    run(Map.of());
    run(Map.of("JAVA_HOME", java25.toString()));
    Files.delete(log);

    run(Map.of());
    run(Map.of("JAVA_HOME", java25.toString()));

    assertThat(ran()).as("what ran: %s", ran()).hasSize(2);
    assertThat(ran().get(0))
        .contains("-XX:SharedArchiveFile=" + checkout.toRealPath() + "/.smtk-cache/smtk-1.jsa")
        .contains("launchMechanism=VFORK");
    assertThat(ran().get(1))
        .contains("-XX:SharedArchiveFile=" + checkout.toRealPath() + "/.smtk-cache/smtk-2.jsa")
        .doesNotContain("AOTCache", "launchMechanism");
  }

  @Test
  void smtk_java17AndLater_warmUpAndJobsUseTheCollectorThatMapsTheModuleGraph() throws Exception {
    Path java25 = anotherFakeJdk("jdk25", "25.0.1");

    run(Map.of());
    run(Map.of());
    run(Map.of("JAVA_HOME", java25.toString()));
    run(Map.of("JAVA_HOME", java25.toString()));

    // An archive made with another collector than the jobs' loses Java 17's archived module graph.
    List<String> javaRuns = ran().stream().filter(line -> line.startsWith("java ")).toList();
    List<String> warmUps = javaRuns.stream().filter(line -> line.contains("warm-up")).toList();
    assertThat(warmUps).hasSize(2);
    assertThat(javaRuns.subList(0, 3))
        .allSatisfy(
            line ->
                assertThat(line)
                    .contains("-XX:+UseG1GC -Xmn64m ")
                    .doesNotContain("-XX:+UseSerialGC"));
    assertThat(javaRuns.subList(3, 6))
        .allSatisfy(
            line -> assertThat(line).contains("-XX:+UseSerialGC ").doesNotContain("-XX:+UseG1GC"));
  }

  @Test
  void smtk_callerSetsJvmOptions_warmUpRunsWithoutThemAndTheJobWithThem() throws Exception {
    // An agent in these options turns the archive dump off; the job itself must see the
    // environment as it was given.
    Result result =
        run(Map.of("JDK_JAVA_OPTIONS", "-agentpath:/x.so", "JAVA_TOOL_OPTIONS", "-Dy=1"));

    assertThat(result.exitCode).isZero();
    List<String> java = ran().stream().filter(line -> line.startsWith("java ")).toList();
    assertThat(java).hasSize(2);
    assertThat(java.get(0)).contains("warm-up");
    assertThat(Files.readAllLines(Path.of(log + ".options")))
        .containsExactly("none none", "-agentpath:/x.so -Dy=1");
  }

  @Test
  void smtk_warmUpMakesNoArchive_saysSoOnceAndKeepsItsLog() throws Exception {
    Result first = run(Map.of("NO_ARCHIVE", "1"));
    Result second = run(Map.of("NO_ARCHIVE", "1"));

    Path warmUpLog = checkout.resolve(".smtk-cache/warm-up-1.log");
    assertThat(first.exitCode).isZero();
    assertThat(first.output)
        .contains("smtk: no class archive for " + fakeJdk.resolve("bin/java"))
        .contains(warmUpLog.toString());
    assertThat(warmUpLog).content().contains("cds: dump failed");
    assertThat(second.output).doesNotContain("no class archive");
    assertThat(ran().get(ran().size() - 1)).doesNotContain("SharedArchiveFile");
  }

  @Test
  void smtk_archiveMadeWithOtherFlags_makesItAgain() throws Exception {
    run(Map.of());
    Path made = checkout.resolve(".smtk-cache/smtk-1.for");
    // An archive from a checkout whose bin/smtk chose the serial collector on Java 17.
    Files.writeString(
        made, Files.readString(made).replace("-XX:+UseG1GC -Xmn64m", "-XX:+UseSerialGC"));
    Files.delete(checkout.resolve(".smtk-cache/run-1"));
    Files.delete(log);

    run(Map.of());

    assertThat(ran().stream().filter(line -> line.contains("warm-up")).toList())
        .singleElement()
        .asString()
        .contains("-XX:+UseG1GC -Xmn64m");
    assertThat(made).content().contains("-XX:+UseG1GC -Xmn64m");
  }

  @Test
  void smtk_callerOptionsChooseCollector_jobGetsNoCollectorOfItsOwn() throws Exception {
    run(Map.of());
    Files.delete(log);

    // The usual path: the run stamp holds the collector, the options of this run decide.
    run(Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseParallelGC"));
    run(Map.of());

    assertThat(ran()).hasSize(2);
    assertThat(ran().get(0)).doesNotContain("-XX:+UseG1GC", "-Xmn64m", "-XX:+UseSerialGC");
    assertThat(ran().get(1)).contains("-XX:+UseG1GC -Xmn64m");
  }

  @Test
  void smtk_buildFailedInLaterModule_buildsAgainNextTime() throws Exception {
    Result failed = run(Map.of("FAIL_LATER", "1"));
    assertThat(failed.exitCode).isEqualTo(1);
    assertThat(checkout.resolve("toolkit-core/target/toolkit-core-0.1.jar")).exists();
    Files.delete(log);

    Result next = run(Map.of());

    assertThat(next.exitCode).isZero();
    assertThat(next.output).contains("the last build did not finish");
    assertThat(ran()).contains("mvn");
  }

  @Test
  void smtk_sourceEditedInPlace_buildsOnlyWithDevFlag() throws Exception {
    run(Map.of());
    Path source = checkout.resolve("toolkit-core/src/main/java/io/smtk/A.java");
    Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(5)));
    Files.delete(log);

    run(Map.of());
    assertThat(ran()).as("one stat, no scan: %s", ran()).doesNotContain("mvn", "find");

    Result dev = run(Map.of("SMTK_DEV", "1"));
    assertThat(dev.output).contains("sources changed");
    assertThat(ran()).contains("mvn");
  }

  @Test
  void smtk_gitIndexNewerThanStamp_scansOnceThenRunsUsualPath() throws Exception {
    Files.createDirectories(checkout.resolve(".git"));
    write(checkout.resolve(".git/index"), "index");
    run(Map.of());
    Files.setLastModifiedTime(
        checkout.resolve(".git/index"), FileTime.from(Instant.now().plusSeconds(5)));
    Files.delete(log);

    run(Map.of());
    assertThat(ran()).as("sources looked at, nothing built").contains("find").doesNotContain("mvn");
    Files.setLastModifiedTime(
        checkout.resolve(".smtk-cache/run-1"), FileTime.from(Instant.now().plusSeconds(10)));
    Files.delete(log);

    run(Map.of());
    assertThat(ran()).hasSize(1);
  }

  private Result run(Map<String, String> extra) throws Exception {
    List<String> command =
        new ArrayList<>(List.of(checkout.resolve("bin/smtk").toString(), "train"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().put("PATH", fakeBin + ":/usr/bin:/bin");
    builder.environment().put("JAVA_HOME", fakeJdk.toString());
    builder.environment().put("LOG", log.toString());
    builder.environment().putAll(extra);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bin/smtk ended").isTrue();
    return new Result(process.exitValue(), output);
  }

  /** A copy of the fake JDK with another release. */
  private Path anotherFakeJdk(String name, String version) throws IOException {
    Path home = tmp.resolve(name);
    Files.createDirectories(home.resolve("bin"));
    Files.copy(fakeJdk.resolve("bin/java"), home.resolve("bin/java"));
    write(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
    return home;
  }

  private List<String> ran() throws IOException {
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private static void script(Path file, String body) throws IOException {
    write(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private record Result(int exitCode, String output) {}
}
