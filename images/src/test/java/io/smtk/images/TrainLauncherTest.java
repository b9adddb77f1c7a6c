package io.smtk.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tests for the images' {@code train} launcher ({@code /opt/smtk/bin/train}), the entrypoint that
 * runs it ({@code /opt/smtk/bin/entrypoint}) and the {@code /usr/local/bin/train} pointer, with a
 * fake {@code java} that reports what it got.
 */
class TrainLauncherTest {

  private static final Path ROOT =
      Path.of(System.getProperty("smtk.imageRoot", "target/image/root"));
  private static final Path TRAIN = ROOT.resolve("opt/smtk/bin/train");
  private static final Path ENTRYPOINT = ROOT.resolve("opt/smtk/bin/entrypoint");
  private static final Path TRAIN_ON_PATH = ROOT.resolve("usr/local/bin/train");
  private static final Path SMTK = ROOT.resolve("opt/smtk/bin/smtk");
  private static final Path JVM_FLAGS = ROOT.resolve("opt/smtk/lib/jvm-flags.sh");

  @Test
  void train_anyArguments_runsToolkitTrainWithJvmFlags(@TempDir Path home) throws Exception {
    Path report = fakeJava(home);

    int status = run(home, Map.of("PATH", "/usr/bin:/bin"), "ignored", "arguments");

    assertThat(status).isZero();
    String text = Files.readString(report);
    List<String> args = Arrays.asList(text.substring(0, text.indexOf("--env--\n")).split("\n"));
    // No release file: Java 17, jlink's default runtime, whose archived module graph needs G1.
    assertThat(args)
        .contains(
            "-XX:+UseG1GC",
            "-Xmn64m",
            "-XX:TieredStopAtLevel=1",
            "-Dsmtk.hostnameShim=" + home + "/lib/libsmtkhostname.so")
        .doesNotContain("-XX:+UseSerialGC");
    assertThat(args.subList(args.size() - 2, args.size()))
        .containsExactly("io.smtk.cli.Main", "train");
    assertThat(args).doesNotContain("ignored", "arguments");
  }

  @Test
  void train_classArchiveInImage_mapsItWithJarsInSortedOrder(@TempDir Path home) throws Exception {
    Path report = fakeJava(home);
    Files.createDirectories(home.resolve("app/libs"));
    Files.writeString(home.resolve("app/libs/b.jar"), "b");
    Files.writeString(home.resolve("app/libs/a.jar"), "a");
    Files.createDirectories(home.resolve("cache"));
    Files.writeString(home.resolve("cache/smtk.jsa"), "archive");
    Files.writeString(home.resolve("jre/release"), "JAVA_VERSION=\"17.0.15\"\n");

    run(home, Map.of("PATH", "/usr/bin:/bin"), "train");

    String text = Files.readString(report);
    List<String> args = Arrays.asList(text.substring(0, text.indexOf("--env--\n")).split("\n"));
    assertThat(args)
        .contains(
            "-XX:+UseG1GC",
            "-XX:SharedArchiveFile=" + home + "/cache/smtk.jsa",
            "-XX:ArchiveRelocationMode=0",
            "-Djdk.lang.Process.launchMechanism=VFORK",
            home
                + "/app/resources:"
                + home
                + "/app/classes:"
                + home
                + "/app/libs/a.jar:"
                + home
                + "/app/libs/b.jar");
  }

  @Test
  void train_classArchiveOnJava25_mapsItWithoutVfork(@TempDir Path home) throws Exception {
    Path report = fakeJava(home);
    Files.createDirectories(home.resolve("cache"));
    Files.writeString(home.resolve("cache/smtk.jsa"), "archive");
    Files.writeString(home.resolve("jre/release"), "JAVA_VERSION=\"25.0.3\"\n");

    run(home, Map.of("PATH", "/usr/bin:/bin"), "train");

    String text = Files.readString(report);
    assertThat(text)
        .contains("-XX:SharedArchiveFile=" + home + "/cache/smtk.jsa", "-XX:+UseSerialGC")
        .doesNotContain("AOTCache", "launchMechanism", "-XX:+UseG1GC", "-Xmn64m");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "JAVA_VERSION=\"17.0.15\"\\n|-XX:+UseG1GC -Xmn64m",
        "JAVA_VERSION=\"21.0.2\"\\n|-XX:+UseSerialGC",
        "IMPLEMENTOR=\"x\"\\nJAVA_VERSION=\"25.0.3\"|-XX:+UseSerialGC",
        "JAVA_VERSION=\"25\"\\r\\n|-XX:+UseSerialGC",
        "JAVA_VERSION=\"\"\\n|-XX:+UseG1GC -Xmn64m",
        "IMPLEMENTOR=\"x\"\\n|-XX:+UseG1GC -Xmn64m"
      })
  void trainAndSmtk_releaseFile_bothPickTheCollectorOfThatJava(
      String release, String collector, @TempDir Path home) throws Exception {
    Path report = fakeJava(home);
    Files.writeString(
        home.resolve("jre/release"), release.replace("\\n", "\n").replace("\\r", "\r"));

    run(TRAIN, home, Map.of("PATH", "/usr/bin:/bin"), "train");
    List<String> train = arguments(report);
    run(SMTK, home, Map.of("PATH", "/usr/bin:/bin"), "--version");
    List<String> smtk = arguments(report);

    // The image build's class archive is made with these flags too (app-archive.sh reads the same
    // file): a collector that differs from the archive's loses Java 17's archived module graph.
    List<String> expected = List.of(collector.split(" "));
    assertThat(train).containsSequence(expected).doesNotContain(otherCollector(collector));
    assertThat(smtk).containsSequence(expected).doesNotContain(otherCollector(collector));
  }

  @ParameterizedTest
  @ValueSource(strings = {"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"})
  void train_collectorChosenInJvmOptions_addsNoCollectorOfItsOwn(
      String variable, @TempDir Path home) throws Exception {
    Path report = fakeJava(home);
    Files.writeString(home.resolve("jre/release"), "JAVA_VERSION=\"17.0.15\"\n");

    run(home, Map.of("PATH", "/usr/bin:/bin", variable, "-Xss2m -XX:+UseParallelGC"), "train");

    // Two collectors stop the JVM: the job's own choice wins.
    assertThat(arguments(report))
        .doesNotContain("-XX:+UseG1GC", "-XX:+UseSerialGC", "-Xmn64m")
        .contains("-XX:TieredStopAtLevel=1");
  }

  private static List<String> arguments(Path report) throws Exception {
    String text = Files.readString(report);
    return Arrays.asList(text.substring(0, text.indexOf("--env--\n")).split("\n"));
  }

  private static String otherCollector(String collector) {
    return collector.contains("G1") ? "-XX:+UseSerialGC" : "-XX:+UseG1GC";
  }

  @Test
  void train_environment_reachesJavaUnchanged(@TempDir Path home) throws Exception {
    Path report = fakeJava(home);
    Map<String, String> env =
        new TreeMap<>(
            Map.of(
                "PATH", "/usr/bin:/bin", "SM_SOMETHING", "a b", "SAGEMAKER_PROGRAM", "train.py"));

    run(home, env, "train");

    String text = Files.readString(report);
    String environment = text.substring(text.indexOf("--env--\n") + "--env--\n".length());
    Map<String, String> seen = new TreeMap<>();
    for (String line : environment.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        seen.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    // The shell itself may add PWD; nothing else may appear.
    seen.remove("PWD");
    Map<String, String> expected = new TreeMap<>(env);
    expected.put("SMTK_HOME", home.toString());
    assertThat(seen).isEqualTo(expected);
  }

  @Test
  void entrypoint_trainWithAnotherTrainFirstOnPath_runsSmtkLauncher(@TempDir Path home)
      throws Exception {
    Path report = fakeJava(home);
    // The DLC bases' PATH: the Python toolkit's console script `train` comes first.
    Path conda = Files.createDirectories(home.resolve("conda/bin"));
    Path marker = home.resolve("python-toolkit-ran");
    executable(conda.resolve("train"), "#!/bin/sh\ntouch " + marker + "\nexit 86\n");

    int status =
        run(installed(home, ENTRYPOINT), home, Map.of("PATH", conda + ":/usr/bin:/bin"), "train");

    assertThat(status).isZero();
    assertThat(marker).doesNotExist();
    assertThat(Files.readString(report)).contains("io.smtk.cli.Main\ntrain\n");
  }

  @Test
  void entrypoint_otherCommand_runsItAsGivenWithItsStatus(@TempDir Path home) throws Exception {
    Path out = home.resolve("out.txt");

    int status =
        run(
            ENTRYPOINT,
            home,
            Map.of("PATH", "/usr/bin:/bin"),
            "sh",
            "-c",
            "echo \"$0 $1\" > " + out + "; exit 5",
            "train",
            "x");

    assertThat(status).isEqualTo(5);
    assertThat(Files.readString(out)).isEqualTo("train x\n");
  }

  @Test
  void trainOnPath_arguments_runsLauncherInSmtkHome(@TempDir Path home) throws Exception {
    Path report = fakeJava(home);
    installed(home, TRAIN);

    int status = run(TRAIN_ON_PATH, home, Map.of("PATH", "/usr/bin:/bin"), "train");

    assertThat(status).isZero();
    assertThat(Files.readString(report)).contains("io.smtk.cli.Main\ntrain\n");
  }

  private static int run(Path home, Map<String, String> env, String... args) throws Exception {
    return run(TRAIN, home, env, args);
  }

  private static int run(Path script, Path home, Map<String, String> env, String... args)
      throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("/bin/sh", script.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(env);
    builder.environment().put("SMTK_HOME", home.toString());
    Process process = builder.start();
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return process.exitValue();
  }

  // A `java` that writes its arguments, a marker line and its environment to report.txt; the JVM
  // flags file where the image has it.
  private static Path fakeJava(Path home) throws Exception {
    Files.createDirectories(home.resolve("lib"));
    Files.copy(JVM_FLAGS, home.resolve("lib/jvm-flags.sh"));
    Path bin = Files.createDirectories(home.resolve("jre/bin"));
    Path report = home.resolve("report.txt");
    executable(
        bin.resolve("java"),
        "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > "
            + report
            + "\necho --env-- >> "
            + report
            + "\nenv >> "
            + report
            + "\n");
    return report;
  }

  // The scripts as the image lays them out: beside each other in SMTK_HOME/bin, executable (Jib
  // sets 755).
  private static Path installed(Path home, Path script) throws Exception {
    Path bin = Files.createDirectories(home.resolve("bin"));
    for (Path file : List.of(TRAIN, ENTRYPOINT)) {
      executable(bin.resolve(file.getFileName()), Files.readString(file));
    }
    return bin.resolve(script.getFileName());
  }

  private static void executable(Path file, String script) throws Exception {
    Files.writeString(file, script, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
