package io.smtk.mxnet;

import io.smtk.ToolkitException;
import io.smtk.framework.Feature;
import io.smtk.framework.FrameworkEntry;
import io.smtk.framework.Job;
import io.smtk.framework.RunnerType;
import io.smtk.framework.TrainingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The MXNet training entry: the parameter-server roles ({@code DMLC_*}: a scheduler on the first
 * host, a server on every host, the user's script as a worker) and Horovod through MPI, as the
 * SageMaker MXNet container does, with the scheduler and servers stopped when the job ends.
 */
public final class MXNetTraining implements FrameworkEntry {

  /** The value the SageMaker MXNet images set in {@code SAGEMAKER_TRAINING_MODULE}. */
  public static final String MODULE = "sagemaker_mxnet_container.training:main";

  static final String DEFAULT_PS_PORT = "8000";
  static final String DEFAULT_PS_VERBOSE = "0";

  /** What a scheduler or server process runs: importing mxnet starts the role DMLC_ROLE names. */
  static final String ROLE_SCRIPT = "import mxnet";

  /** The parameter-server roles of MXNet's KVStore. */
  enum Role {
    SCHEDULER,
    SERVER,
    WORKER;

    String value() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  @Override
  public List<String> names() {
    return List.of(MODULE);
  }

  @Override
  public void train(TrainingContext context) throws ToolkitException {
    Job job = context.job();
    boolean parameterServer = job.has(Feature.PARAMETER_SERVER);
    RunnerType runner = job.has(Feature.MPI) ? RunnerType.MPI : RunnerType.PROCESS;
    Map<String, String> variables = new LinkedHashMap<>();
    if (parameterServer) {
      List<String> hosts = job.hosts();
      String rootUri = context.resolve(hosts.get(0));
      // The container breaks on a number here; a hyperparameter arrives as Python's str() of it.
      String port = job.hyperparameter("_ps_port").orElse(DEFAULT_PS_PORT);
      String verbose = job.hyperparameter("_ps_verbose").orElse(DEFAULT_PS_VERBOSE);
      context.log().info("Starting distributed training task");
      if (hosts.get(0).equals(job.currentHost())) {
        context.startService(
            "MXNet scheduler",
            List.of(context.python(), "-c", ROLE_SCRIPT),
            roleVariables(Role.SCHEDULER, hosts.size(), rootUri, port, verbose));
      }
      context.startService(
          "MXNet server",
          List.of(context.python(), "-c", ROLE_SCRIPT),
          roleVariables(Role.SERVER, hosts.size(), rootUri, port, verbose));
      variables.putAll(roleVariables(Role.WORKER, hosts.size(), rootUri, port, verbose));
    }
    context
        .log()
        .info(
            "MXNet training: runner "
                + runner
                + (parameterServer ? " with parameter servers" : "")
                + ", hosts "
                + job.hosts()
                + ", variables "
                + variables);
    context.runUserEntryPoint(runner, variables);
  }

  /**
   * Returns the {@code DMLC_*} variables of a role.
   *
   * @param role the role
   * @param hostCount the number of hosts (workers and servers alike)
   * @param rootUri the scheduler's IP address
   * @param port the scheduler's port
   * @param verbose {@code PS_VERBOSE}
   * @return the variables, in the container's order
   */
  static Map<String, String> roleVariables(
      Role role, int hostCount, String rootUri, String port, String verbose) {
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("DMLC_NUM_WORKER", Integer.toString(hostCount));
    variables.put("DMLC_NUM_SERVER", Integer.toString(hostCount));
    variables.put("DMLC_ROLE", role.value());
    variables.put("DMLC_PS_ROOT_URI", rootUri);
    variables.put("DMLC_PS_ROOT_PORT", port);
    variables.put("PS_VERBOSE", verbose);
    return variables;
  }
}
