package io.smtk.training;

import io.smtk.ToolkitException;
import io.smtk.framework.FrameworkEntry;
import io.smtk.framework.Service;
import io.smtk.framework.TrainingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * A framework entry for tests, selected by class name: starts a service (a parameter server
 * stand-in that sleeps), records its pid in {@code model/service.pid}, then waits as a parameter
 * server waits for its master, asking the toolkit whether to stop.
 */
public final class ServiceWaitingEntry implements FrameworkEntry {

  @Override
  public List<String> names() {
    return List.of();
  }

  @Override
  public void train(TrainingContext context) throws ToolkitException {
    Service service = context.startService("sleeper", List.of("/bin/sleep", "600"), Map.of());
    try {
      Files.writeString(
          context.job().modelDir().resolve("service.pid"), Long.toString(service.pid()));
      for (int i = 0; i < 6000; i++) {
        context.checkStopped();
        Thread.sleep(100);
      }
    } catch (IOException e) {
      throw new ToolkitException("cannot record the service", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolkitException("interrupted", e);
    }
    throw new ToolkitException("never stopped");
  }
}
