package io.smtk.training;

import io.smtk.ToolkitException;
import io.smtk.code.CodeFetcher;
import io.smtk.code.SubmitDirectory;
import io.smtk.contract.ScriptContract;
import io.smtk.environment.InvalidTrainingConfigException;
import io.smtk.environment.ToolkitSettings;
import io.smtk.environment.TrainingEnvironment;
import io.smtk.logging.ToolkitLog;
import io.smtk.process.StopCheck;
import io.smtk.s3.IntermediateOutputSync;
import io.smtk.s3.S3Clients;
import io.smtk.s3.S3CodeDownloader;
import io.smtk.s3.S3Settings;
import io.smtk.s3.S3Uri;
import io.smtk.s3.SyncSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The job's use of S3: user code from {@code s3://} and the intermediate-output sync. The SDK's
 * clients are created only when an S3 URI is used, because they cost start-up time every job would
 * pay.
 */
final class S3Access implements CodeFetcher, AutoCloseable {

  /** How long the final flush of the intermediate output may take at the end of the job. */
  static final Duration FLUSH_TIMEOUT = Duration.ofMinutes(10);

  private final Map<String, String> environment;
  private final ToolkitLog log;
  private final StopCheck stop;
  private final long maxUnpackedBytes;
  private S3Clients clients;
  private IntermediateOutputSync sync;

  S3Access(
      Map<String, String> processEnvironment,
      TrainingEnvironment job,
      ToolkitLog log,
      StopCheck stop,
      long maxUnpackedBytes) {
    // The region the Python toolkit uses: AWS_REGION, else SAGEMAKER_REGION as the job sets it.
    this.environment = new LinkedHashMap<>(processEnvironment);
    for (Map.Entry<String, String> variable : ScriptContract.toolkitVariables(job).entrySet()) {
      environment.putIfAbsent(variable.getKey(), variable.getValue());
    }
    if (environment.getOrDefault("SAGEMAKER_REGION", "").isEmpty()) {
      environment.put("SAGEMAKER_REGION", job.sagemakerRegion());
    }
    this.log = log;
    this.stop = stop;
    this.maxUnpackedBytes = maxUnpackedBytes;
  }

  @Override
  public void fetch(String uri, Path codeDir) throws ToolkitException {
    S3CodeDownloader.create(clients(), null, log::info)
        .stoppedBy(stop)
        .withLimit(maxUnpackedBytes, ToolkitSettings.MAX_UNPACKED_BYTES_VARIABLE)
        .downloadAndExtract(S3Uri.parse(uri), codeDir);
  }

  /**
   * Starts creating the S3 client of the code download in the background when the job's code will
   * come from S3, so that it is ready, or nearly, when {@link #fetch} needs it.
   *
   * @param job the job
   */
  void prepareCodeDownload(TrainingEnvironment job) {
    if (!SubmitDirectory.downloads(job.moduleDir(), job.codeDir())) {
      return;
    }
    try {
      clients().prepareSyncClient();
    } catch (ToolkitException e) {
      // Bad S3 settings: fetch reports them when it gets there, after what comes before it.
    }
  }

  /**
   * Starts syncing {@code output/intermediate} when the job has an S3 output location, unless the
   * directory exists already (the platform then syncs it itself, as the Python toolkit assumes).
   *
   * @param job the job
   * @throws ToolkitException when the location is not an S3 URI or the directory cannot be watched
   */
  void startIntermediateSync(TrainingEnvironment job) throws ToolkitException {
    Optional<String> output = job.s3Output();
    if (output.isEmpty() || output.get().isEmpty()) {
      return;
    }
    Path dir = job.outputIntermediateDir();
    if (Files.exists(dir)) {
      log.debug("Intermediate output " + dir + " exists already; not syncing it");
      return;
    }
    if (output.get().startsWith("file://")) {
      return;
    }
    if (!output.get().regionMatches(true, 0, "s3://", 0, 5)) {
      throw new InvalidTrainingConfigException(
          "sagemaker_s3_output '" + output.get() + "' is not an s3:// URI");
    }
    S3Uri prefix =
        IntermediateOutputSync.prefixFor(S3Uri.parse(output.get()), job.jobName().orElse(""));
    sync = IntermediateOutputSync.builder(dir, prefix, clients()).build();
    sync.start();
    log.info("Syncing " + dir + " to " + prefix + " while training runs");
  }

  /**
   * Uploads everything still pending in the intermediate output and stops the sync.
   *
   * @throws ToolkitException when files could not be uploaded; the message names them
   */
  void flushIntermediateSync() throws ToolkitException {
    if (sync == null) {
      return;
    }
    IntermediateOutputSync stopping = sync;
    sync = null;
    SyncSummary summary = stopping.stopAndFlush(FLUSH_TIMEOUT);
    log.info("Intermediate output: " + summary);
    if (!summary.unsynced().isEmpty()) {
      throw new ToolkitException(
          "Intermediate output not uploaded to "
              + summary.prefix()
              + ": "
              + String.join(", ", summary.unsynced()));
    }
  }

  private S3Clients clients() throws ToolkitException {
    if (clients == null) {
      try {
        clients = S3Clients.create(S3Settings.fromEnvironment(environment), log::info);
      } catch (IllegalArgumentException e) {
        throw new InvalidTrainingConfigException(e.getMessage(), e);
      }
    }
    return clients;
  }

  @Override
  public void close() {
    if (sync != null) {
      try {
        flushIntermediateSync();
      } catch (ToolkitException e) {
        log.error(e.getMessage());
      }
    }
    if (clients != null) {
      clients.close();
    }
  }
}
