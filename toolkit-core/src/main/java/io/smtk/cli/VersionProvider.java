package io.smtk.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Reports the toolkit's version and the git commit it was built from. */
final class VersionProvider implements IVersionProvider {

  /** Written by the build: the Maven version and git-commit-id's commit (toolkit-core/pom.xml). */
  static final String RESOURCE = "version.properties";

  @Override
  public String[] getVersion() throws IOException {
    Properties build = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        build.load(in);
      }
    }
    return new String[] {line(build)};
  }

  /**
   * Returns the version line for the build's properties.
   *
   * @param build {@code version}, {@code commit} and {@code dirty}, each possibly missing or left
   *     unfiltered ({@code ${...}}) where the build had no git
   * @return e.g. {@code smtk 0.1.0 (commit 0123abc..., built with uncommitted changes)}
   */
  static String line(Properties build) {
    String version = known(build.getProperty("version"));
    String commit = known(build.getProperty("commit"));
    StringBuilder line =
        new StringBuilder("smtk ").append(version == null ? "(version unknown)" : version);
    if (commit == null) {
      line.append(" (commit unknown: built outside a git checkout)");
    } else {
      line.append(" (commit ").append(commit);
      if ("true".equals(known(build.getProperty("dirty")))) {
        line.append(", built with uncommitted changes");
      }
      line.append(')');
    }
    return line.toString();
  }

  private static String known(String value) {
    return value == null || value.isBlank() || value.contains("${") ? null : value.strip();
  }
}
