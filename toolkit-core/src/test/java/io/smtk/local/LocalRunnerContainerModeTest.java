package io.smtk.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.smtk.environment.ToolkitSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link LocalRunner} in container mode against a scripted engine: a fake {@code podman}
 * that records each command line it is given (and whether it could read the credentials from its
 * environment), so the exact commands are checked without a container engine.
 */
class LocalRunnerContainerModeTest {

  private static final String SECRET = "wJalrXUtnFEMI-not-a-real-secret";

  @TempDir Path dir;
  private Path calls;
  private ContainerEngine engine;

  @BeforeEach
  void setUp() throws Exception {
    calls = dir.resolve("calls.log");
    Path engineScript =
        Files.writeString(
            dir.resolve("podman"),
            """
        #!/bin/sh
        echo "$*" >> '%1$s'
        case "$1" in
          image) [ -f '%2$s/pulled' ] ;;
          pull)
            if [ -f '%2$s/unreachable' ]; then
              echo "Trying to pull $2..." >&2
              echo "Error: initializing source docker://$2: pinging container registry: connection refused" >&2
              exit 125
            fi
            echo "Trying to pull $2..." >&2
            printf 'Copying blob 0123 \\rCopying blob 0123 done\\n' >&2
            echo "Writing manifest to image destination"
            touch '%2$s/pulled' ;;
          run)
            echo "credentials in the engine's environment: ${AWS_ACCESS_KEY_ID:-none} ${AWS_SECRET_ACCESS_KEY:+secret-set}" >> '%1$s'
            echo "container ran" ;;
        esac
        """
                .formatted(calls, dir));
    Files.setPosixFilePermissions(engineScript, PosixFilePermissions.fromString("rwx------"));
    engine = new ContainerEngine("podman", engineScript);
  }

  @Test
  void run_imageMissing_pullsWithProgressThenRunsWithCredentialsByName() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    ToolkitSettings settings =
        ToolkitSettings.from(
            Map.of(
                "PATH",
                "/usr/bin:/bin",
                "HOME",
                dir.toString(),
                "AWS_ACCESS_KEY_ID",
                "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY",
                SECRET));
    LocalJob job =
        LocalJob.builder(dir.resolve("out"), "pull-job")
            .image("registry.example/team/train:1")
            .environment("NCCL_DEBUG=INFO")
            .gpus("all")
            .build();

    int status =
        LocalRunner.builder(settings, new PrintWriter(out), new PrintWriter(err))
            .engine(engine)
            .build()
            .run(job);

    assertThat(status).as(err.toString()).isZero();
    List<String> lines = Files.readAllLines(calls);
    String tree =
        lines.stream()
            .filter(line -> line.startsWith("run --rm --name pull-job-algo-1"))
            .findFirst()
            .orElseThrow();
    assertThat(lines.subList(0, 2))
        .containsExactly(
            "image exists registry.example/team/train:1", "pull registry.example/team/train:1");
    assertThat(tree)
        .matches(
            "run --rm --name pull-job-algo-1 --hostname algo-1"
                + " -v \\S+/algo-1/input:/opt/ml/input -v \\S+/algo-1/model:/opt/ml/model"
                + " -v \\S+/algo-1/output:/opt/ml/output"
                + " -e TRAINING_JOB_NAME=pull-job -e AWS_REGION=us-east-1 -e NCCL_DEBUG=INFO"
                + " -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY"
                + " --device nvidia.com/gpu=all registry.example/team/train:1 train");
    assertThat(lines)
        .contains("credentials in the engine's environment: AKIDEXAMPLE secret-set")
        .contains("rm -f pull-job-algo-1");
    assertThat(err.toString())
        .contains("smtk   | Image registry.example/team/train:1 is not in podman: pulling it")
        .contains("smtk   |   Copying blob 0123 done")
        .contains("smtk   | Pulled registry.example/team/train:1")
        .contains(
            "smtk   | AWS credentials for the containers: from the environment (AWS_ACCESS_KEY_ID)")
        .doesNotContain(SECRET);
    assertThat(Files.readString(calls)).doesNotContain(SECRET);
    assertThat(out.toString())
        .contains("algo-1 | container ran")
        .contains("Training job pull-job completed.");
  }

  @Test
  void run_imagePresent_doesNotPull() throws Exception {
    Files.createFile(dir.resolve("pulled"));
    ToolkitSettings settings =
        ToolkitSettings.from(Map.of("PATH", "/usr/bin:/bin", "HOME", dir.toString()));
    LocalJob job =
        LocalJob.builder(dir.resolve("out"), "local-image").image("localhost/mine:1").build();
    StringWriter err = new StringWriter();

    int status =
        LocalRunner.builder(settings, new PrintWriter(Writer.nullWriter()), new PrintWriter(err))
            .engine(engine)
            .build()
            .run(job);

    assertThat(status).isZero();
    assertThat(Files.readAllLines(calls))
        .doesNotContain("pull localhost/mine:1")
        .anyMatch(line -> line.startsWith("run ") && !line.contains("AWS_ACCESS_KEY_ID"));
    assertThat(err.toString()).contains("AWS credentials: none found");
  }

  @Test
  void run_pullFails_oneLineUsageErrorAndNothingWritten() throws Exception {
    Files.createFile(dir.resolve("unreachable"));
    ToolkitSettings settings =
        ToolkitSettings.from(Map.of("PATH", "/usr/bin:/bin", "HOME", dir.toString()));
    Path output = dir.resolve("out");
    LocalJob job =
        LocalJob.builder(output, "no-image").image("localhost/smtk-no-such-image:none").build();

    LocalJobException e =
        catchThrowableOfType(
            LocalJobException.class,
            () ->
                LocalRunner.builder(
                        settings,
                        new PrintWriter(Writer.nullWriter()),
                        new PrintWriter(Writer.nullWriter()))
                    .engine(engine)
                    .build()
                    .run(job));

    assertThat(e.exitCode()).isEqualTo(LocalJobException.USAGE_EXIT_CODE);
    assertThat(e.getMessage())
        .isEqualTo(
            "--image localhost/smtk-no-such-image:none is not in podman and '"
                + engine.executable()
                + " pull localhost/smtk-no-such-image:none' failed (exit status 125): Error:"
                + " initializing source docker://localhost/smtk-no-such-image:none: pinging container registry:"
                + " connection refused; build it, or check the name and your registry login");
    assertThat(Files.exists(output)).isFalse();
    assertThat(Files.readAllLines(calls)).noneMatch(line -> line.startsWith("run "));
  }

  @Test
  void run_ecrImageNotPulled_saysHowToLogIn() throws Exception {
    Files.createFile(dir.resolve("unreachable"));
    ToolkitSettings settings =
        ToolkitSettings.from(Map.of("PATH", "/usr/bin:/bin", "HOME", dir.toString()));
    String image = "123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1";
    LocalJob job = LocalJob.builder(dir.resolve("out"), "ecr").image(image).build();

    LocalJobException e =
        catchThrowableOfType(
            LocalJobException.class,
            () ->
                LocalRunner.builder(
                        settings,
                        new PrintWriter(Writer.nullWriter()),
                        new PrintWriter(Writer.nullWriter()))
                    .engine(engine)
                    .build()
                    .run(job));

    assertThat(e.getMessage())
        .endsWith(
            "log in to ECR first: aws ecr get-login-password | podman login --username"
                + " AWS --password-stdin 123456789012.dkr.ecr.us-west-2.amazonaws.com");
  }

  @Test
  void run_profileCredentials_passedByNameAndSourceLoggedWithoutValues() throws Exception {
    Path aws = Files.createDirectories(dir.resolve(".aws"));
    Files.writeString(
        aws.resolve("credentials"),
        """
        [training]
        aws_access_key_id = AKIDPROFILE
        aws_secret_access_key = %s
        aws_session_token = token-from-profile
        """
            .formatted(SECRET));
    Files.createFile(dir.resolve("pulled"));
    ToolkitSettings settings =
        ToolkitSettings.from(
            Map.of("PATH", "/usr/bin:/bin", "HOME", dir.toString(), "AWS_PROFILE", "training"));
    StringWriter err = new StringWriter();
    LocalJob job =
        LocalJob.builder(dir.resolve("out"), "profile-job").image("localhost/mine:1").build();

    int status =
        LocalRunner.builder(settings, new PrintWriter(Writer.nullWriter()), new PrintWriter(err))
            .engine(engine)
            .build()
            .run(job);

    assertThat(status).isZero();
    try (Stream<String> lines = Files.lines(calls)) {
      assertThat(lines.filter(line -> line.startsWith("run ")).findFirst().orElseThrow())
          .contains(
              "-e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_SESSION_TOKEN localhost/mine:1 train");
    }
    assertThat(Files.readString(calls))
        .contains("credentials in the engine's environment: AKIDPROFILE secret-set")
        .doesNotContain(SECRET)
        .doesNotContain("token-from-profile");
    assertThat(err.toString())
        .contains(
            "AWS credentials for the containers: from profile training ("
                + aws.resolve("credentials")
                + ")")
        .doesNotContain(SECRET)
        .doesNotContain("token-from-profile");
  }
}
