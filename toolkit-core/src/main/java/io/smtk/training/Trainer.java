package io.smtk.training;

import io.smtk.ToolkitException;
import io.smtk.archive.SafeTarExtractor;
import io.smtk.code.ArchiveExtractor;
import io.smtk.code.CodeFetcher;
import io.smtk.contract.Redaction;
import io.smtk.distributed.RunnerSelection;
import io.smtk.environment.ToolkitSettings;
import io.smtk.environment.TrainingEnvironment;
import io.smtk.environment.TrainingEnvironmentReader;
import io.smtk.logging.ToolkitLog;
import io.smtk.outcome.FailureReport;
import io.smtk.outcome.OutcomeFiles;
import io.smtk.process.SignalForwarder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs one training job from start to outcome: reads the environment, runs the framework entry or
 * the user's script, and writes {@code output/success} or {@code output/failure}.
 *
 * <p>{@link #train()} returns the exit status: 0 on success, the user script's own status when it
 * failed, 128 + N when the job was stopped by signal N, 2 for bad configuration and 1 for any other
 * toolkit error. It never returns 0 when a failure file exists.
 */
public final class Trainer {

  private final Map<String, String> processEnvironment;
  private final PrintStream out;
  private final PrintStream err;
  private final TrainingEnvironmentReader reader;
  private final FrameworkEntries frameworks;
  private final CodeFetcher remoteCode;
  private final ArchiveExtractor extractor;
  private final SignalForwarder signals;

  private Trainer(Builder builder) {
    this.processEnvironment = Map.copyOf(builder.processEnvironment);
    this.out = builder.out;
    this.err = builder.err;
    this.reader = builder.reader;
    this.frameworks = builder.frameworks;
    this.remoteCode = builder.remoteCode;
    this.extractor = builder.extractor;
    this.signals = builder.signals;
  }

  /**
   * Returns a builder with the production defaults.
   *
   * @param processEnvironment the toolkit's process environment
   * @param out where the user's stdout goes
   * @param err where the user's stderr and the toolkit's log go
   * @return the builder
   */
  public static Builder builder(
      Map<String, String> processEnvironment, PrintStream out, PrintStream err) {
    return new Builder(processEnvironment, out, err);
  }

  /**
   * Runs the job.
   *
   * @return the exit status for the toolkit's process
   */
  public int train() {
    ToolkitLog log = ToolkitLog.to(err);
    Path outputDir = fallbackOutputDir();
    Redaction redaction = Redaction.none();
    JobContext job = null;
    S3Access s3 = null;
    try {
      ToolkitSettings settings = ToolkitSettings.from(processEnvironment);
      TrainingEnvironment environment = reader.read(settings);
      outputDir = environment.outputDir();
      OutcomeFiles.in(outputDir).reserveFailureSpace();
      redaction = Redaction.of(environment.hyperparameters(), settings.redactNames());
      if (redaction.hidesAnything()) {
        log.redactWith(redaction);
      }
      log.setThreshold(logLevel(environment));
      ArchiveExtractor archives =
          extractor != null
              ? extractor
              : (archive, dir) ->
                  SafeTarExtractor.create()
                      .withLimit(
                          settings.maxUnpackedBytes(), ToolkitSettings.MAX_UNPACKED_BYTES_VARIABLE)
                      .stoppedBy(signals)
                      .extract(archive, dir);
      s3 = new S3Access(processEnvironment, environment, log, signals, settings.maxUnpackedBytes());
      job =
          new JobContext(
              environment,
              settings,
              log,
              out,
              err,
              remoteCode == null ? s3 : remoteCode,
              archives,
              signals,
              redaction);
      if (remoteCode == null) {
        s3.prepareCodeDownload(environment);
      }
      job.stopIfAsked();
      s3.startIntermediateSync(environment);
      if (settings.trainingModule().isPresent()) {
        String module = settings.trainingModule().get();
        // Loaded only when a framework is named: script mode should not pay for instantiating every
        // entry.
        FrameworkEntries entries = frameworks == null ? FrameworkEntries.load() : frameworks;
        var entry = entries.lookup(module);
        var pythonModule = PythonFrameworkModule.named(module);
        if (entry.isPresent()) {
          log.info(
              "Imported framework "
                  + entry.get().getClass().getName()
                  + " for SAGEMAKER_TRAINING_MODULE="
                  + module);
          entry.get().train(job);
        } else if (pythonModule.isPresent()) {
          pythonModule.get().run(job, reader, settings, entries.validValues());
        } else {
          entries.find(module); // throws, listing the valid values
        }
      } else {
        job.runUserEntryPoint(
            RunnerSelection.forScriptMode(
                environment.frameworkParameters(),
                environment.currentInstanceGroup(),
                environment.distributionInstanceGroups()),
            Map.of());
      }
      s3.flushIntermediateSync();
      OutcomeFiles outcome = OutcomeFiles.in(outputDir);
      if (outcome.failureExists()) {
        // A script that reports failure in the file but exits 0 failed: never exit 0 with a failure
        // file.
        log.error(
            "The user's code exited 0 but wrote "
                + outcome.failureFile()
                + "; reporting training FAILURE");
        return 1;
      }
      outcome.writeSuccess();
      log.info("Reporting training SUCCESS");
      return 0;
    } catch (ToolkitException e) {
      return fail(log, outputDir, redaction.apply(e.failureReason()), e.exitCode());
    } catch (IOException e) {
      return fail(log, outputDir, "Cannot write the outcome files in " + outputDir + ": " + e, 1);
    } catch (RuntimeException | Error e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      return fail(
          log,
          outputDir,
          redaction.apply("Framework Error: \n" + trace + "\n" + e.getMessage()),
          1);
    } finally {
      OutcomeFiles.in(outputDir).releaseFailureSpace();
      if (job != null) {
        job.close();
      }
      if (s3 != null) {
        // After a failure the sync still uploads what is pending: partial results are not lost.
        s3.close();
      }
    }
  }

  private int fail(ToolkitLog log, Path outputDir, String reason, int exitCode) {
    String report = FailureReport.printable(FailureReport.toolkitError(reason));
    try {
      if (outputDir != null && Files.isDirectory(outputDir.getParent())) {
        if (!OutcomeFiles.in(outputDir).writeFailure(report)) {
          log.info("Failure file exists. Skipping creation....");
        }
      }
    } catch (IOException e) {
      log.error("Cannot write the failure file in " + outputDir + ": " + e);
    }
    log.error("Reporting training FAILURE");
    log.error(report);
    log.error("Encountered exit_code " + exitCode);
    return exitCode;
  }

  private Path fallbackOutputDir() {
    String base = processEnvironment.get("SAGEMAKER_BASE_DIR");
    Path baseDir =
        base == null || base.isEmpty() ? ToolkitSettings.DEFAULT_BASE_DIR : Path.of(base);
    return baseDir.toAbsolutePath().resolve("output");
  }

  private static int logLevel(TrainingEnvironment environment) {
    var level = environment.logLevel();
    if (level.isIntegralNumber()) {
      return level.intValue();
    }
    if (level.isTextual()) {
      try {
        return Integer.parseInt(level.textValue().trim());
      } catch (NumberFormatException e) {
        return ToolkitLog.Level.INFO.value();
      }
    }
    return ToolkitLog.Level.INFO.value();
  }

  /** Builds a {@link Trainer}; tests swap the parts that reach outside the machine. */
  public static final class Builder {
    private final Map<String, String> processEnvironment;
    private final PrintStream out;
    private final PrintStream err;
    private TrainingEnvironmentReader reader = TrainingEnvironmentReader.create();
    private FrameworkEntries frameworks;
    private CodeFetcher remoteCode;
    private ArchiveExtractor extractor;
    private SignalForwarder signals;

    private Builder(Map<String, String> processEnvironment, PrintStream out, PrintStream err) {
      this.processEnvironment = processEnvironment;
      this.out = out;
      this.err = err;
    }

    /**
     * Sets how the environment is read; defaults to detecting the real hardware.
     *
     * @param reader the reader
     * @return this builder
     */
    public Builder reader(TrainingEnvironmentReader reader) {
      this.reader = reader;
      return this;
    }

    /**
     * Sets the framework entries; defaults to those registered on the class path, loaded when
     * needed.
     *
     * @param frameworks the entries
     * @return this builder
     */
    public Builder frameworks(FrameworkEntries frameworks) {
      this.frameworks = frameworks;
      return this;
    }

    /**
     * Sets how {@code s3://} code is fetched; defaults to the AWS SDK with the job's region and
     * endpoint.
     *
     * @param remoteCode the fetcher
     * @return this builder
     */
    public Builder remoteCode(CodeFetcher remoteCode) {
      this.remoteCode = remoteCode;
      return this;
    }

    /**
     * Sets how local archives are extracted; defaults to {@link SafeTarExtractor} with the job's
     * unpacked-size limit, stopped by the job's stop signals.
     *
     * @param extractor the extractor
     * @return this builder
     */
    public Builder extractor(ArchiveExtractor extractor) {
      this.extractor = extractor;
      return this;
    }

    /**
     * Sets the signal forwarder; defaults to the process-wide one, installed for SIGTERM and
     * SIGINT.
     *
     * @param signals the forwarder
     * @return this builder
     */
    public Builder signals(SignalForwarder signals) {
      this.signals = signals;
      return this;
    }

    /**
     * Builds the trainer.
     *
     * @return the trainer
     */
    public Trainer build() {
      if (signals == null) {
        signals = SignalForwarder.global();
        signals.installInBackground();
      }
      return new Trainer(this);
    }
  }
}
