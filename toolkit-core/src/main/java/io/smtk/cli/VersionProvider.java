package io.smtk.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the toolkit's version from the jar manifest. */
final class VersionProvider implements IVersionProvider {

  @Override
  public String[] getVersion() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {"smtk " + (version == null ? "(development build)" : version)};
  }
}
