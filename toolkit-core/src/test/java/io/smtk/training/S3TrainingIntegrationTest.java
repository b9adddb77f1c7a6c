package io.smtk.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import io.smtk.archive.TarFixture;
import io.smtk.s3.S3MockSupport;
import io.smtk.testing.JobTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Tests {@code bin/smtk train} with S3 against S3Mock on 127.0.0.1: user code from an {@code s3://}
 * source archive, the intermediate output uploaded while and after training, and a missing bucket
 * or key reported in the failure file with the URI and S3's error code.
 */
class S3TrainingIntegrationTest {

  @RegisterExtension
  static final S3MockExtension S3_MOCK = S3MockSupport.extension(S3MockSupport.BUCKET);

  private static S3Client client;

  @TempDir Path dir;

  @BeforeAll
  static void client() {
    client = S3MockSupport.testClient(S3_MOCK.getHttpPort());
  }

  @AfterAll
  static void close() {
    client.close();
  }

  @Test
  void train_codeFromS3AndIntermediateOutput_downloadedRunAndSynced() throws Exception {
    Path archive = dir.resolve("sourcedir.tar.gz");
    try (TarFixture tar = TarFixture.gzip(archive)) {
      tar.file(
              "train.py",
              "import os, pathlib\n"
                  + "out = pathlib.Path(os.environ['SM_OUTPUT_INTERMEDIATE_DIR'])\n"
                  + "(out / 'epoch-1').mkdir()\n"
                  + "(out / 'epoch-1' / 'checkpoint.txt').write_text('weights 1')\n"
                  + "(out / 'log.txt').write_text(open('helper/data.txt').read())\n")
          .file("helper/data.txt", "from the archive");
    }
    client.putObject(
        b -> b.bucket(S3MockSupport.BUCKET).key("jobs/src/sourcedir.tar.gz"),
        RequestBody.fromFile(archive));
    JobTree job =
        JobTree.create(dir.resolve("opt/ml"))
            .config(
                "hyperparameters.json",
                "{\"sagemaker_program\": \"\\\"train.py\\\"\", \"sagemaker_submit_directory\": "
                    + "\"\\\"s3://bucket/jobs/src/sourcedir.tar.gz\\\"\", \"sagemaker_s3_output\": \"\\\"s3://bucket/out\\\"\"}");
    Map<String, String> env = new HashMap<>(S3MockSupport.env(S3_MOCK.getHttpPort()));
    env.put("TRAINING_JOB_NAME", "job-7");

    JobTree.Result result = job.train(env, Duration.ofMinutes(3));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(job.base().resolve("code/helper/data.txt")).hasContent("from the archive");
    assertThat(object("out/job-7/output/intermediate/epoch-1/checkpoint.txt"))
        .isEqualTo("weights 1");
    assertThat(object("out/job-7/output/intermediate/log.txt")).isEqualTo("from the archive");
  }

  @Test
  void train_missingKey_failureNamesUriAndErrorCode() throws Exception {
    JobTree job =
        JobTree.create(dir.resolve("opt/ml"))
            .config(
                "hyperparameters.json",
                "{\"sagemaker_program\": \"\\\"train.py\\\"\", \"sagemaker_submit_directory\": "
                    + "\"\\\"s3://bucket/nothing/here.tar.gz\\\"\"}");

    JobTree.Result result =
        job.train(S3MockSupport.env(S3_MOCK.getHttpPort()), Duration.ofMinutes(3));

    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(job.failure())
        .content()
        .contains("s3://bucket/nothing/here.tar.gz")
        .contains("NoSuchKey");
  }

  @Test
  void train_missingBucket_failureNamesUriAndErrorCode() throws Exception {
    JobTree job =
        JobTree.create(dir.resolve("opt/ml"))
            .config(
                "hyperparameters.json",
                "{\"sagemaker_program\": \"\\\"train.py\\\"\", \"sagemaker_submit_directory\": "
                    + "\"\\\"s3://no-such-bucket/src.tar.gz\\\"\"}");

    JobTree.Result result =
        job.train(S3MockSupport.env(S3_MOCK.getHttpPort()), Duration.ofMinutes(3));

    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(job.failure())
        .content()
        .contains("s3://no-such-bucket/src.tar.gz")
        .contains("NoSuchBucket");
  }

  @Test
  void local_s3Channel_downloadedIntoEveryHost() throws Exception {
    client.putObject(
        b -> b.bucket(S3MockSupport.BUCKET).key("data/train/part-0.csv"),
        RequestBody.fromString("1,2\n"));
    client.putObject(
        b -> b.bucket(S3MockSupport.BUCKET).key("data/train/sub/part-1.csv"),
        RequestBody.fromString("3,4\n"));
    Path source = Files.createDirectories(dir.resolve("src"));
    Files.writeString(
        source.resolve("train.sh"),
        "#!/bin/sh\ncat \"$SM_CHANNEL_TRAIN/part-0.csv\" "
            + "\"$SM_CHANNEL_TRAIN/sub/part-1.csv\" > \"$SM_MODEL_DIR/seen.csv\"\n");
    Path output = dir.resolve("out");
    ProcessBuilder builder =
        new ProcessBuilder(
                JobTree.smtk().toString(),
                "local",
                "--source-dir",
                source.toString(),
                "--entry-point",
                "train.sh",
                "--channel",
                "train=s3://bucket/data/train/",
                "--output",
                output.toString())
            .redirectErrorStream(true);
    builder.environment().putAll(S3MockSupport.env(S3_MOCK.getHttpPort()));
    Process process = builder.start();
    String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor()).as(log).isZero();
    assertThat(log).contains("Downloaded 2 files from s3://bucket/data/train/");
    Process untar =
        new ProcessBuilder(
                "tar", "-xzf", output.resolve("model.tar.gz").toString(), "-O", "seen.csv")
            .redirectErrorStream(true)
            .start();
    assertThat(new String(untar.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("1,2\n3,4\n");
  }

  private static String object(String key) {
    return client
        .getObjectAsBytes(b -> b.bucket(S3MockSupport.BUCKET).key(key))
        .asString(StandardCharsets.UTF_8);
  }
}
