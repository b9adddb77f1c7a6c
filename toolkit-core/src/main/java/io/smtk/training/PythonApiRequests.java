package io.smtk.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smtk.ToolkitException;
import io.smtk.contract.Redaction;
import io.smtk.contract.ScriptContract;
import io.smtk.environment.InvalidTrainingConfigException;
import io.smtk.environment.ToolkitSettings;
import io.smtk.environment.TrainingEnvironment;
import io.smtk.environment.TrainingEnvironmentReader;
import io.smtk.framework.RunnerType;
import io.smtk.outcome.CalledProcessException;
import io.smtk.process.CommandLine;
import io.smtk.process.TrainingStoppedException;
import io.smtk.python.PythonJson;
import io.smtk.pythonapi.ApiServer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Answers the requests of smtk's Python package ({@code sagemaker_training}) for one job: the
 * environment, {@code entry_point.run}, {@code entry_point.install}, and how a Python framework
 * module ended. Every answer is computed by the job's own Java code; a failure is kept under an id
 * so that the job can report the original error when the Python side lets it propagate.
 */
final class PythonApiRequests implements ApiServer.Handler {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** A Python framework module's report of how it failed. */
  record FrameworkFailure(String kind, String text, String failureId, int exitCode) {}

  private final JobContext job;
  private final TrainingEnvironmentReader reader;
  private final ToolkitSettings settings;
  private final Map<String, ToolkitException> failures = new ConcurrentHashMap<>();
  private final AtomicInteger nextFailure = new AtomicInteger();
  private final AtomicReference<FrameworkFailure> frameworkFailure = new AtomicReference<>();

  PythonApiRequests(JobContext job, TrainingEnvironmentReader reader, ToolkitSettings settings) {
    this.job = job;
    this.reader = reader;
    this.settings = settings;
  }

  @Override
  public ObjectNode handle(ObjectNode request) {
    String op = request.path("op").asText("");
    try {
      return switch (op) {
        case "environment" -> environment(request);
        case "run" -> run(request);
        case "install" -> {
          job.install(
              text(request, "user_entry_point")
                  .orElseThrow(
                      () -> new InvalidTrainingConfigException("entry_point.install needs a name")),
              text(request, "path").orElse(null));
          yield ok();
        }
        case "framework_failed" -> {
          frameworkFailure.set(
              new FrameworkFailure(
                  request.path("kind").asText("framework"),
                  request.path("text").asText(""),
                  text(request, "failure_id").orElse(null),
                  request.path("exit_code").asInt(1)));
          yield ok();
        }
        default -> ApiServer.error("Unknown Python API request '" + op + "'");
      };
    } catch (ToolkitException e) {
      return failed(e);
    }
  }

  /**
   * Returns how the framework module said it failed, if it did.
   *
   * @return the report, or empty
   */
  Optional<FrameworkFailure> frameworkFailure() {
    return Optional.ofNullable(frameworkFailure.get());
  }

  /**
   * Returns the failure an earlier request ended with.
   *
   * @param id the id the reply carried
   * @return the failure, or empty
   */
  Optional<ToolkitException> failure(String id) {
    return id == null ? Optional.empty() : Optional.ofNullable(failures.get(id));
  }

  private ObjectNode environment(ObjectNode request) throws ToolkitException {
    TrainingEnvironment environment = job.environment();
    if (request.has("resource_config")
        || request.has("input_data_config")
        || request.has("hyperparameters")) {
      environment =
          reader.read(
              settings,
              object(request, "resource_config"),
              object(request, "input_data_config"),
              object(request, "hyperparameters"));
    }
    return describe(environment);
  }

  /**
   * Returns the reply to an environment request: what {@code Environment()} shows.
   *
   * @param environment the environment
   * @return the reply
   */
  static ObjectNode describe(TrainingEnvironment environment) {
    ScriptContract.Contract contract = ScriptContract.render(environment);
    ObjectNode reply = ok();
    reply.set("properties", contract.trainingEnv());
    ObjectNode variables = reply.putObject("env_vars");
    contract.variables().forEach(variables::put);
    var arguments = reply.putArray("cmd_args");
    contract.arguments().forEach(arguments::add);
    reply.put("sagemaker_s3_output", environment.s3Output().orElse(null));
    return reply;
  }

  private ObjectNode run(ObjectNode request) throws ToolkitException {
    RunnerType runner = runner(request.path("runner_type").asText("Process"));
    List<String> arguments = new ArrayList<>();
    request.path("args").forEach(argument -> arguments.add(argument.asText()));
    Map<String, String> base = strings(request.get("environ"));
    Map<String, String> variables = strings(request.get("env_vars"));
    JsonNode extra = request.get("extra_opts");
    EntryPointRequest launch =
        new EntryPointRequest(
            text(request, "uri"),
            text(request, "user_entry_point"),
            arguments,
            base.isEmpty() ? Optional.empty() : Optional.of(base),
            variables,
            runner,
            extra != null && extra.isObject() && !extra.isEmpty()
                ? Optional.of((ObjectNode) extra)
                : Optional.empty());
    job.runEntryPoint(launch);
    return ok();
  }

  private ObjectNode failed(ToolkitException e) {
    String id = String.valueOf(nextFailure.incrementAndGet());
    failures.put(id, e);
    ObjectNode reply = NODES.objectNode();
    // The module prints these (a traceback in the job's log): secret values stay hidden there too.
    Redaction hide = job.redaction();
    if (e instanceof CalledProcessException called) {
      reply.put("status", "failed");
      reply.put("error_class", called.errorName());
      reply.put("exit_code", called.processExitCode());
      reply.put("cmd", hide.apply(CommandLine.render(called.command())));
      reply.put("output", hide.apply(called.errorText()));
      reply.put("info", called.extraInfo().orElse(null));
    } else if (e instanceof TrainingStoppedException) {
      reply.put("status", "stopped");
      reply.put("message", hide.apply(e.getMessage()));
    } else {
      reply.put("status", "error");
      reply.put("message", hide.apply(e.failureReason()));
    }
    reply.put("failure_id", id);
    return reply;
  }

  private static RunnerType runner(String name) throws InvalidTrainingConfigException {
    return switch (name) {
      case "Process" -> RunnerType.PROCESS;
      case "MPI" -> RunnerType.MPI;
      case "SMDataParallel" -> RunnerType.SMDDP;
      case "TorchDistributed" -> RunnerType.TORCH_DISTRIBUTED;
      case "PyTorchXLA" -> RunnerType.PYTORCH_XLA;
      default ->
          throw new InvalidTrainingConfigException(
              "Invalid runner_type '"
                  + name
                  + "': use one of Process, MPI, SMDataParallel, TorchDistributed, PyTorchXLA");
    };
  }

  private static ObjectNode ok() {
    ObjectNode reply = NODES.objectNode();
    reply.put("status", "ok");
    return reply;
  }

  private static Optional<String> text(ObjectNode request, String key) {
    JsonNode value = request.get(key);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
  }

  private static ObjectNode object(ObjectNode request, String key)
      throws InvalidTrainingConfigException {
    JsonNode value = request.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isObject()) {
      throw new InvalidTrainingConfigException(
          "Environment(" + key + "=...) must be a dict, not " + PythonJson.dumps(value));
    }
    return (ObjectNode) value;
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> values = new LinkedHashMap<>();
    if (object != null && object.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        values.put(entry.getKey(), entry.getValue().asText());
      }
    }
    return values;
  }
}
