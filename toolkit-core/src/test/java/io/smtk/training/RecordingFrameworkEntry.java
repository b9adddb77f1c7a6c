package io.smtk.training;

import io.smtk.ToolkitException;
import io.smtk.framework.FrameworkEntry;
import io.smtk.framework.TrainingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * A framework entry for tests (registered in test resources): records that it ran, then runs the
 * user's entry point.
 */
public final class RecordingFrameworkEntry implements FrameworkEntry {

  @Override
  public List<String> names() {
    return List.of("recording_framework.training:main");
  }

  @Override
  public void train(TrainingContext context) throws ToolkitException {
    try {
      Files.writeString(context.job().modelDir().resolve("framework"), context.job().currentHost());
    } catch (IOException e) {
      throw new ToolkitException("cannot record", e);
    }
    context.runUserEntryPoint(Map.of("FRAMEWORK_VARIABLE", "from-entry"));
  }
}
