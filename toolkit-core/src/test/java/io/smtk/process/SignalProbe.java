package io.smtk.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A toolkit-like {@code main} for {@link SignalForwarderTest}: installs the global forwarder, runs
 * a shell script and exits as the trainer would, with 128 + the stop signal when stopped.
 */
public final class SignalProbe {

  private SignalProbe() {}

  /**
   * Runs {@code args[1]} with {@code /bin/sh -c} in directory {@code args[0]}.
   *
   * @param args the working directory and the script
   * @throws Exception if the run fails
   */
  public static void main(String[] args) throws Exception {
    Set<String> installed = SignalForwarder.global().install();
    Path directory = Path.of(args[0]);
    ProcessSpec spec =
        ProcessSpec.builder(List.of("/bin/sh", "-c", args[1]), Map.of("PATH", "/usr/bin:/bin"))
            .workingDirectory(directory)
            .stopGrace(Duration.ofSeconds(20))
            .build();
    ProcessResult result = ProcessRunner.create().run(spec);
    Files.writeString(
        directory.resolve("result"),
        "installed=" + installed + " exit=" + result.exitCode() + " stop=" + result.stopSignal());
    System.exit(
        result.stoppedByToolkit() ? Signal.exitCode(result.stopSignal()) : result.exitCode());
  }
}
