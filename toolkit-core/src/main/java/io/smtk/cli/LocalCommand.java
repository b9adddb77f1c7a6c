package io.smtk.cli;

import io.smtk.ToolkitException;
import io.smtk.environment.ToolkitSettings;
import io.smtk.local.Distribution;
import io.smtk.local.FileOwner;
import io.smtk.local.Framework;
import io.smtk.local.Hyperparameters;
import io.smtk.local.LocalJob;
import io.smtk.local.LocalJobException;
import io.smtk.local.LocalRunner;
import io.smtk.process.SignalForwarder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smtk local}: runs a SageMaker-style training job on this machine, offline. */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs a SageMaker training job on this machine: no AWS account, no network, and without",
      "--image no container engine either. Lays out a fresh job tree per host (the three config",
      "files as SageMaker writes them, hosts algo-1..N, the channels and the code), runs the hosts,",
      "streams their logs prefixed 'algo-N | ', and writes model.tar.gz and output.tar.gz (plus",
      "model-algo-N.tar.gz and output-algo-N.tar.gz for the other hosts, and 'failure' when the job",
      "failed) into --output. Ctrl-C or SIGTERM stops every host as StopTrainingJob does (SIGTERM,",
      "then SIGKILL after the grace period) and still packs what the hosts wrote.",
      "",
      "Process mode (no --image) runs the toolkit once per host as a plain process; it needs no",
      "root. Every host sees its own current_host, but the names algo-N do not resolve, so",
      "--distribution with --instance-count > 1 (MPI, torchrun, parameter servers) is refused: it",
      "needs hosts that reach each other by name (containers, or network namespaces as root).",
      "With --framework, process mode first checks that the interpreter (--python) imports the",
      "framework's module (sklearn, torch, tensorflow, mxnet), as the framework's images do, and",
      "says what to install when it does not.",
      "Container mode (--image) runs 'podman run' (or docker) per host on a job network.",
      "",
      "Hyperparameter values are JSON when they parse as JSON (lr=0.1, flag=true, ids=[1,2]) and",
      "strings otherwise (name=resnet); each is JSON-encoded into hyperparameters.json as the SDK",
      "does. Quote a string that looks like JSON: tag='\"123\"'.",
      "",
      "Exit status: 0 on success; the first failed host's exit status; 128+N when stopped by",
      "signal N; 2 for bad input."
    })
final class LocalCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(
      names = "--entry-point",
      paramLabel = "FILE",
      description = "The script or program to run, relative to --source-dir (or a file path).")
  private String entryPoint;

  @Option(
      names = "--source-dir",
      paramLabel = "DIR",
      description =
          "The folder copied into the code directory (default: the entry point's folder).")
  private Path sourceDir;

  @Option(
      names = "--channel",
      paramLabel = "NAME=PATH",
      description = "An input channel from a local folder or file, or an s3:// prefix; repeatable.")
  private List<String> channels = new ArrayList<>();

  @Option(
      names = "--hyperparameter",
      paramLabel = "KEY=VALUE",
      description = "A hyperparameter; repeatable; wins over --hyperparameters.")
  private List<String> hyperparameters = new ArrayList<>();

  @Option(
      names = "--hyperparameters",
      paramLabel = "FILE.json",
      description = "A JSON object of hyperparameters with natural values, as the SDK takes them.")
  private Path hyperparameterFile;

  @Option(
      names = "--instance-count",
      paramLabel = "N",
      defaultValue = "1",
      description = "The number of hosts (default: ${DEFAULT-VALUE}).")
  private int instanceCount;

  @Option(
      names = "--instance-type",
      paramLabel = "TYPE",
      defaultValue = LocalJob.DEFAULT_INSTANCE_TYPE,
      description = "The instance type written to resourceconfig.json (default: ${DEFAULT-VALUE}).")
  private String instanceType;

  @Option(
      names = "--distribution",
      paramLabel = "KIND",
      defaultValue = "none",
      description =
          "mpi, torch_distributed, pytorchddp, parameter_server, multi_worker_mirrored,"
              + " smddp or none (default): sets the sagemaker_* flags the SDK sets.")
  private String distribution;

  @Option(
      names = "--framework",
      paramLabel = "NAME",
      defaultValue = "none",
      description =
          "pytorch, tensorflow, mxnet, sklearn: sets SAGEMAKER_TRAINING_MODULE as the"
              + " framework images do; none (default) is BYOC script mode.")
  private String framework;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      required = true,
      description = "Where model.tar.gz and output.tar.gz go; created if missing.")
  private Path output;

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description = "Run each host in a container of this local image (podman, else docker).")
  private String image;

  @Option(
      names = "--job-name",
      paramLabel = "NAME",
      description = "The training job's name (default: smtk-local-<timestamp>).")
  private String jobName;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description =
          "sagemaker_region and AWS_REGION (default: AWS_DEFAULT_REGION, else us-east-1).")
  private String region;

  @Option(
      names = "--python",
      paramLabel = "PYTHON",
      description =
          "The interpreter for the user's code in process mode (default: SMTK_PYTHON,"
              + " else /usr/bin/python3 if present, else python3 on PATH).")
  private String python;

  @Override
  public Integer call() {
    // Only here, in the CLI: the rest of the toolkit reads the environment through ToolkitSettings.
    ToolkitSettings settings;
    try {
      settings = ToolkitSettings.from(System.getenv());
    } catch (ToolkitException e) {
      return error(e.getMessage(), LocalJobException.USAGE_EXIT_CODE);
    }
    // Ctrl-C and SIGTERM must stop the hosts with grace, not end this JVM at once.
    SignalForwarder.global().install();
    try {
      LocalJob job = job(settings);
      FileOwner owner = settings.sudoUser().map(ids -> new FileOwner(ids[0], ids[1])).orElse(null);
      return LocalRunner.builder(settings, spec.commandLine().getOut(), spec.commandLine().getErr())
          .owner(owner)
          .build()
          .run(job);
    } catch (LocalJobException e) {
      return error(e.getMessage(), e.exitCode());
    }
  }

  private LocalJob job(ToolkitSettings settings) throws LocalJobException {
    String name =
        jobName != null
            ? jobName
            : "smtk-local-"
                + LocalDateTime.now()
                    .format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss-SSS"));
    LocalJob.Builder builder =
        LocalJob.builder(output, name)
            .sourceDir(sourceDir)
            .entryPoint(entryPoint)
            .instanceCount(instanceCount)
            .instanceType(instanceType)
            .distribution(
                choice(Distribution.class, Distribution.values(), "--distribution", distribution))
            .framework(choice(Framework.class, Framework.values(), "--framework", framework))
            .image(image)
            .region(
                region != null ? region : settings.defaultRegion().orElse(LocalJob.DEFAULT_REGION))
            .python(python(settings))
            // The host's toolkit needs its own grace period to stop the user's code, then time to
            // write
            // the failure file.
            .stopGrace(settings.stopGrace().plus(Duration.ofSeconds(30)));
    if (hyperparameterFile != null) {
      builder.hyperparameters(Hyperparameters.read(hyperparameterFile));
    }
    builder.hyperparameters(Hyperparameters.parse(hyperparameters));
    for (String channel : channels) {
      builder.channel(channel);
    }
    return builder.build();
  }

  private String python(ToolkitSettings settings) {
    if (python != null) {
      return python;
    }
    if (settings.python().isPresent()) {
      return settings.python().get();
    }
    if (Files.isExecutable(Path.of("/usr/bin/python3"))) {
      return "/usr/bin/python3";
    }
    return settings.which("python3").map(Path::toString).orElse("python3");
  }

  private static <E extends Enum<E>> E choice(Class<E> type, E[] values, String option, String text)
      throws LocalJobException {
    try {
      return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw LocalJobException.usage(
          option
              + " "
              + text
              + " is not one of "
              + Arrays.stream(values)
                  .map(value -> value.name().toLowerCase(Locale.ROOT))
                  .collect(Collectors.joining(", ")));
    }
  }

  private int error(String message, int exitCode) {
    spec.commandLine().getErr().println("smtk local: " + message);
    spec.commandLine().getErr().flush();
    return exitCode;
  }
}
