package io.smtk.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/**
 * A SageMaker job tree in a temporary folder for tests: config files, code and the toolkit's
 * environment.
 */
final class JobDir {

  final Path base;

  JobDir(Path base) throws IOException {
    this.base = base;
    Files.createDirectories(base.resolve("input/config"));
    Files.createDirectories(base.resolve("input/data/train"));
    Files.createDirectories(base.resolve("code"));
    Files.createDirectories(base.resolve("model"));
    Files.createDirectories(base.resolve("output/data"));
    config("hyperparameters.json", "{}");
    config("inputdataconfig.json", "{\"train\": {\"TrainingInputMode\": \"File\"}}");
    config("resourceconfig.json", "{\"current_host\": \"algo-1\", \"hosts\": [\"algo-1\"]}");
  }

  JobDir config(String name, String json) throws IOException {
    Files.writeString(base.resolve("input/config").resolve(name), json);
    return this;
  }

  JobDir code(String name, String text) throws IOException {
    Path file = base.resolve("code").resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return this;
  }

  JobDir executable(String name, String text) throws IOException {
    code(name, text);
    Files.setPosixFilePermissions(
        base.resolve("code").resolve(name), PosixFilePermissions.fromString("rwxr-xr-x"));
    return this;
  }

  Map<String, String> env(String program) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", "/usr/bin:/bin");
    env.put("LANG", "C.UTF-8");
    env.put("SAGEMAKER_BASE_DIR", base.toString());
    env.put("SM_STUDIO_LOCAL_MODE", "true");
    env.put("SMTK_PYTHON", "/usr/bin/python3");
    env.put("PYTHONDONTWRITEBYTECODE", "1");
    if (program != null) {
      env.put("SAGEMAKER_PROGRAM", program);
    }
    return env;
  }

  Path success() {
    return base.resolve("output/success");
  }

  Path failure() {
    return base.resolve("output/failure");
  }

  String failureText() throws IOException {
    return Files.readString(failure());
  }
}
