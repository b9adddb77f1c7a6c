package io.smtk.tensorflow;

import io.smtk.ToolkitException;
import io.smtk.framework.Feature;
import io.smtk.framework.FrameworkEntry;
import io.smtk.framework.InvalidJobException;
import io.smtk.framework.Job;
import io.smtk.framework.RunnerType;
import io.smtk.framework.Service;
import io.smtk.framework.TrainingContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The TensorFlow training entry: parameter servers, MultiWorkerMirroredStrategy, Horovod (MPI) and
 * SMDDP, {@code model_dir} under tuning, and the model warnings of the SageMaker TensorFlow
 * container.
 */
public final class TensorFlowTraining implements FrameworkEntry {

  /** The value the SageMaker TensorFlow images set in {@code SAGEMAKER_TRAINING_MODULE}. */
  public static final String MODULE = "sagemaker_tensorflow_container.training:main";

  /** Runs a parameter server the way the container does: CPU only, task index from the cluster. */
  static final String PS_SERVER_SCRIPT =
      String.join(
          "\n",
          "import json, sys",
          "import tensorflow as tf",
          "cluster = json.loads(sys.argv[1])",
          "server = tf.distribute.Server(tf.train.ClusterSpec(cluster), job_name='ps', task_index=int(sys.argv[2]),",
          "                              config=tf.compat.v1.ConfigProto(device_count={'GPU': 0}))",
          "server.join()");

  private static final Duration MASTER_POLL = Duration.ofSeconds(1);
  private static final long STOP_POLL_MILLIS = 100;

  @Override
  public List<String> names() {
    return List.of(MODULE);
  }

  @Override
  public void train(TrainingContext context) throws ToolkitException {
    context = withTuningModelDir(context);
    Job job = context.job();
    boolean inDistribution = job.inDistribution();
    boolean parameterServer = job.has(Feature.PARAMETER_SERVER) && job.hosts().size() > 1;

    Map<String, String> variables = new LinkedHashMap<>();
    Optional<String> modelDir = job.hyperparameter("model_dir");
    // The container asks S3 for a bucket's region; the job's region is right for SageMaker's
    // buckets.
    variables.put("S3_REGION", job.region());
    variables.put("TF_CPP_MIN_LOG_LEVEL", "1");
    variables.put("S3_USE_HTTPS", "1");

    RunnerType runner = RunnerType.PROCESS;
    if (parameterServer) {
      if (!inDistribution) {
        throw new InvalidJobException(
            "Parameter servers are enabled but instance group "
                + job.currentInstanceGroup()
                + " is not one of the distribution instance groups "
                + job.distributionInstanceGroups());
      }
      variables.put(
          "TF_CONFIG", TfConfig.parameterServer(job.distributionHosts(), job.currentHost(), false));
    } else if (inDistribution) {
      if (job.has(Feature.MULTI_WORKER_MIRRORED)) {
        context
            .log()
            .info("Running distributed training job with multi_worker_mirrored_strategy setup");
        variables.put(
            "TF_CONFIG", TfConfig.multiWorkerMirrored(job.distributionHosts(), job.currentHost()));
      }
      // Horovod is MPI; MultiWorkerMirroredStrategy needs no launcher of its own.
      if (job.has(Feature.MPI)) {
        runner = RunnerType.MPI;
      } else if (job.has(Feature.SMDDP)) {
        runner = RunnerType.SMDDP;
      }
    }
    context
        .log()
        .info(
            "TensorFlow training: runner "
                + runner
                + (parameterServer ? " with parameter servers" : "")
                + ", hosts "
                + job.hosts()
                + ", distribution hosts "
                + job.distributionHosts()
                + ", model_dir "
                + modelDir.orElse("(not set)")
                + ", TF_CONFIG "
                + variables.getOrDefault("TF_CONFIG", "(not set)"));

    if (parameterServer) {
      Service server = startParameterServer(context, job);
      context.runUserEntryPoint(RunnerType.PROCESS, variables);
      String master = job.distributionHosts().get(0);
      if (!job.currentHost().equals(master)) {
        waitUntilMasterIsDown(context, master);
      }
      server.stop();
    } else {
      context.runUserEntryPoint(runner, variables);
    }
    logModelWarnings(context, job.modelDir());
  }

  /**
   * Appends the job name to {@code model_dir} under hyperparameter tuning (so that tuning jobs do
   * not share one model directory), unless it is a local path under {@code /opt/ml}.
   */
  static TrainingContext withTuningModelDir(TrainingContext context) {
    Job job = context.job();
    Optional<String> modelDir = job.hyperparameter("model_dir");
    if (!job.has(Feature.HYPERPARAMETER_TUNING) || modelDir.isEmpty()) {
      // The container would set "None/<job>/model" without a model_dir; there is nothing to move.
      return context;
    }
    String value = modelDir.get();
    if (value.startsWith("/opt/ml")) {
      return context;
    }
    if (job.trainingJobName().isEmpty()) {
      context
          .log()
          .warning("Hyperparameter tuning without TRAINING_JOB_NAME: model_dir stays " + value);
      return context;
    }
    String tuned = value + "/" + job.trainingJobName() + "/model";
    context.log().info("Appending the training job name to model_dir: " + tuned);
    return context.withHyperparameter("model_dir", tuned);
  }

  private static Service startParameterServer(TrainingContext context, Job job)
      throws ToolkitException {
    List<String> hosts = job.distributionHosts();
    String cluster = TfConfig.parameterServerCluster(hosts, job.currentHost());
    List<String> command =
        List.of(
            context.python(),
            "-c",
            PS_SERVER_SCRIPT,
            cluster,
            Integer.toString(hosts.indexOf(job.currentHost())));
    return context.startService(
        "parameter server",
        command,
        Map.of(
            "TF_CONFIG",
            TfConfig.parameterServer(hosts, job.currentHost(), true),
            "CUDA_VISIBLE_DEVICES",
            ""));
  }

  /** Keeps this host's parameter server up while the master's worker (port 2222) still answers. */
  private static void waitUntilMasterIsDown(TrainingContext context, String master)
      throws ToolkitException {
    context
        .log()
        .info("Waiting for master " + master + " to finish before stopping the parameter server");
    while (true) {
      context.checkStopped();
      try (Socket socket = new Socket()) {
        socket.connect(
            new InetSocketAddress(master, TfConfig.PS_WORKER_PORT), (int) MASTER_POLL.toMillis());
      } catch (IOException e) {
        context.log().info("master " + master + " is down, stopping parameter server");
        return;
      }
      // In slices, so that a stop is seen at once rather than after the poll interval.
      for (long slept = 0; slept < MASTER_POLL.toMillis(); slept += STOP_POLL_MILLIS) {
        context.checkStopped();
        try {
          Thread.sleep(STOP_POLL_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ToolkitException("Interrupted while waiting for master " + master, e);
        }
      }
    }
  }

  /** The container's warnings about a model TensorFlow Serving cannot load. */
  static List<String> modelWarnings(Path modelDir) {
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(modelDir)) {
      try (Stream<Path> walk = Files.walk(modelDir)) {
        walk.filter(Files::isRegularFile).forEach(files::add);
      } catch (IOException e) {
        return List.of("Cannot list the model directory " + modelDir + ": " + e.getMessage());
      }
    }
    List<String> warnings = new ArrayList<>();
    if (files.isEmpty()) {
      warnings.add(
          "No model artifact is saved under path "
              + modelDir
              + ". Your training job will not save any "
              + "model files to S3.\nFor details of how to construct your training script see:\n"
              + "https://sagemaker.readthedocs.io/en/stable/using_tf.html#adapting-your-local-tensorflow-script");
      return warnings;
    }
    List<Path> savedModels =
        files.stream()
            .filter(file -> file.getFileName().toString().contains("saved_model.pb"))
            .toList();
    if (savedModels.isEmpty()) {
      warnings.add(
          "Your model will NOT be servable with SageMaker TensorFlow Serving container. The model "
              + "artifact was not saved in the TensorFlow SavedModel directory structure:\n"
              + "https://www.tensorflow.org/guide/saved_model#structure_of_a_savedmodel_directory");
    }
    for (Path savedModel : savedModels) {
      Path dir = savedModel.getParent();
      if (!dir.getFileName().toString().matches("\\d+")) {
        warnings.add(
            "Your model will NOT be servable with SageMaker TensorFlow Serving containers. The SavedModel "
                + "bundle is under directory \""
                + dir.getFileName()
                + "\", not a numeric name.");
      }
    }
    return warnings;
  }

  private static void logModelWarnings(TrainingContext context, Path modelDir) {
    modelWarnings(modelDir).forEach(context.log()::warning);
  }
}
