package io.smtk.code;

import io.smtk.ToolkitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Thrown when the configured entry point is not a file in the code directory. */
public class EntryPointNotFoundException extends ToolkitException {

  private static final long serialVersionUID = 1L;

  public EntryPointNotFoundException(String name, Path codeDir) {
    super(
        "Entry point '"
            + name
            + "' (from SAGEMAKER_PROGRAM or sagemaker_program) is not a file in "
            + codeDir
            + listing(codeDir));
  }

  private static String listing(Path codeDir) {
    try (Stream<Path> files = Files.list(codeDir)) {
      String names =
          files
              .map(path -> path.getFileName().toString())
              .sorted()
              .limit(20)
              .collect(Collectors.joining(", "));
      return names.isEmpty() ? ", which is empty" : "; it holds: " + names;
    } catch (IOException e) {
      return "";
    }
  }
}
