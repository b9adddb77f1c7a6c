package io.smtk.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smtk.ToolkitException;
import io.smtk.archive.SafeTarExtractor;
import io.smtk.contract.Redaction;
import io.smtk.environment.ToolkitSettings;
import io.smtk.environment.TrainingEnvironment;
import io.smtk.environment.TrainingEnvironmentReader;
import io.smtk.logging.ToolkitLog;
import io.smtk.process.SignalForwarder;
import io.smtk.pythonapi.ApiServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Answers one request of smtk's Python package outside a running toolkit ({@code smtk api}), e.g. a
 * script started by hand in a container: the same answers as the running toolkit gives over its
 * socket.
 */
public final class PythonApiCommand {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PythonApiCommand() {}

  /**
   * Reads the request file, answers it and writes the reply file.
   *
   * @param processEnvironment the process's environment
   * @param requestFile the request (one JSON object)
   * @param replyFile where the reply goes
   * @param out where a user process's stdout goes
   * @param err where its stderr and the toolkit's log go
   * @return 0 when a reply was written (whatever it says), 1 otherwise
   */
  public static int answer(
      Map<String, String> processEnvironment,
      Path requestFile,
      Path replyFile,
      PrintStream out,
      PrintStream err) {
    ObjectNode reply;
    ToolkitLog log = ToolkitLog.to(err);
    try {
      JsonNode request = JSON.readTree(Files.readAllBytes(requestFile));
      if (request == null || !request.isObject()) {
        reply = ApiServer.error("The request in " + requestFile + " is not a JSON object");
      } else {
        reply = answer(processEnvironment, (ObjectNode) request, log, out, err);
      }
    } catch (IOException e) {
      reply = ApiServer.error("Cannot read the request " + requestFile + ": " + e.getMessage());
    }
    try {
      Files.writeString(replyFile, JSON.writeValueAsString(reply));
      return 0;
    } catch (IOException e) {
      log.error("Cannot write the reply " + replyFile + ": " + e.getMessage());
      return 1;
    }
  }

  private static ObjectNode answer(
      Map<String, String> processEnvironment,
      ObjectNode request,
      ToolkitLog log,
      PrintStream out,
      PrintStream err) {
    TrainingEnvironmentReader reader = TrainingEnvironmentReader.create();
    SignalForwarder signals = SignalForwarder.global();
    signals.install();
    try {
      ToolkitSettings settings = ToolkitSettings.from(processEnvironment);
      if ("environment".equals(request.path("op").asText())) {
        // Explicit configuration may stand in for files that do not exist: read nothing else first.
        return PythonApiRequests.describe(
            reader.read(
                settings,
                object(request, "resource_config"),
                object(request, "input_data_config"),
                object(request, "hyperparameters")));
      }
      TrainingEnvironment environment = reader.read(settings);
      Redaction redaction = Redaction.of(environment.hyperparameters(), settings.redactNames());
      if (redaction.hidesAnything()) {
        log.redactWith(redaction);
      }
      try (S3Access s3 =
              new S3Access(
                  processEnvironment, environment, log, signals, settings.maxUnpackedBytes());
          JobContext job =
              new JobContext(
                  environment,
                  settings,
                  log,
                  out,
                  err,
                  s3,
                  (archive, dir) ->
                      SafeTarExtractor.create()
                          .withLimit(
                              settings.maxUnpackedBytes(),
                              ToolkitSettings.MAX_UNPACKED_BYTES_VARIABLE)
                          .stoppedBy(signals)
                          .extract(archive, dir),
                  signals,
                  redaction)) {
        return new PythonApiRequests(job, reader, settings).handle(request);
      }
    } catch (ToolkitException e) {
      return ApiServer.error(e.failureReason());
    }
  }

  private static ObjectNode object(ObjectNode request, String key) {
    JsonNode value = request.get(key);
    return value != null && value.isObject() ? (ObjectNode) value : null;
  }
}
