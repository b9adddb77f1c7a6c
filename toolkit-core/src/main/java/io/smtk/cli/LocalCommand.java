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
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
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
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpWidth = Cli.WIDTH,
    description = {
      "Runs a SageMaker training job on this machine, with no AWS account and no network.",
      "",
      "It lays out a fresh job tree per host (hosts algo-1 to algo-N, the three config files as"
          + " SageMaker writes them, the channels and the code), runs the hosts and streams their"
          + " logs prefixed 'algo-N | '. Then it packs what algo-1 wrote into model.tar.gz and"
          + " output.tar.gz in --output, what other hosts wrote into model-algo-N.tar.gz and"
          + " output-algo-N.tar.gz, and writes a file named failure when the job failed. Ctrl-C or"
          + " SIGTERM stops every host as StopTrainingJob does and still packs what the hosts wrote.",
      "",
      "Process mode (no --image) runs the toolkit once per host as a plain process; it needs"
          + " neither root nor a container engine. Every host sees its own current_host, but the"
          + " names algo-N do not resolve, so --distribution needs one host there (MPI then runs"
          + " mpirun on this machine without ssh). With --framework it first checks that the"
          + " interpreter imports the framework's module and says what to install when it does not.",
      "",
      "Container mode (--image) runs 'podman run' (else docker) per host on a job network. An"
          + " image missing from the engine is pulled. The containers get AWS credentials from the"
          + " environment or from the AWS_PROFILE profile of ~/.aws, passed by name, never shown.",
      "",
      "Python: --python, else SMTK_PYTHON, else python3 on PATH, where the toolkit runs: on this"
          + " machine in process mode (an active virtualenv's python3 comes first), in the image in"
          + " container mode. smtk train uses the same rule.",
      "",
      "Hyperparameters: --hyperparameter K=V takes V as JSON only when the value reads back as"
          + " exactly what was typed (lr=0.1, epochs=10, flag=true, ids=[1,2]); anything else is"
          + " the string as typed (name=resnet, version=1.10 stays 1.10). A value in double quotes"
          + " is a JSON string: tag='\"123\"'. Each value is JSON-encoded into"
          + " hyperparameters.json, as the SDK does.",
      "",
      "Exit status: 0 on success; the first failed host's exit status; 128+N when stopped by"
          + " signal N; 2 for bad input."
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
      description =
          "A hyperparameter; repeatable; wins over --hyperparameters. VALUE is JSON only"
              + " when it reads back as typed (see above), else the string typed.")
  private List<String> hyperparameters = new ArrayList<>();

  @Option(
      names = "--hyperparameters",
      paramLabel = "FILE",
      description = "A JSON object of hyperparameters with natural values, as the SDK takes them.")
  private Path hyperparameterFile;

  @Option(
      names = "--env",
      paramLabel = "NAME=VALUE",
      description =
          "A variable for every host's toolkit and the training process, as the SDK's"
              + " environment=; repeatable. Example: --env NCCL_DEBUG=INFO.")
  private List<String> environment = new ArrayList<>();

  @Option(
      names = "--instance-count",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "The number of hosts (default: ${DEFAULT-VALUE}). Without --distribution each"
              + " host runs the entry point on its own.")
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
              + " smddp or none (the default): sets the sagemaker_* hyperparameters the SDK sets, unless"
              + " given with --hyperparameter (sagemaker_mpi_num_of_processes_per_host=2,"
              + " sagemaker_mpi_custom_mpi_options=...). Only mpi runs without --framework; the"
              + " others are launched by a framework's entry. torch_distributed in process mode starts"
              + " the ranks without torchrun where torchrun is known to fail (torch 1.x on Python"
              + " 3.11); elsewhere --env SMTK_TORCH_LAUNCHER=env does that.")
  private String distribution;

  @Option(
      names = "--framework",
      paramLabel = "NAME",
      defaultValue = "none",
      description =
          "pytorch, tensorflow, mxnet or sklearn: sets SAGEMAKER_TRAINING_MODULE as the"
              + " framework images do; none (the default) is BYOC script mode.")
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
      description =
          "Run each host in a container of this image (podman, else docker); pulled when"
              + " the engine does not have it.")
  private String image;

  @Option(
      names = "--gpus",
      paramLabel = "all|N",
      description =
          "GPUs for each container: all, or a count (podman: the CDI devices"
              + " nvidia.com/gpu; docker: --gpus). Container mode only.")
  private String gpus;

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
          "The interpreter for the user's code (default: SMTK_PYTHON, else python3 on"
              + " PATH where the toolkit runs).")
  private String python;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      description =
          "The toolkit's log level: DEBUG, INFO (the default), WARNING, ERROR, CRITICAL"
              + " or Python's number for one; sets sagemaker_container_log_level, which"
              + " --hyperparameter may set too.")
  private String logLevel;

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
                + LocalDateTime.now(ZoneId.systemDefault())
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
            .python(python)
            .gpus(gpus)
            .logLevel(logLevel)
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
    for (String variable : environment) {
      builder.environment(variable);
    }
    return builder.build();
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
