package io.smtk.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link FrameworkPreflight}. */
class FrameworkPreflightTest {

  private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8");

  @TempDir Path dir;

  @Test
  void check_pythonWithoutSitePackages_oneLineNamesInterpreterErrorAndWhatToInstall()
      throws Exception {
    // A real Python that lacks scikit-learn: Debian's python3 without its dist-packages (-S).
    Path python = script("python-without-sklearn", "#!/bin/sh\nexec /usr/bin/python3 -S \"$@\"\n");

    LocalJobException e =
        catchThrowableOfType(
            LocalJobException.class,
            () -> FrameworkPreflight.check(Framework.SKLEARN, python.toString(), ENV));

    assertThat(e.getMessage())
        .isEqualTo(
            "--framework sklearn needs the Python module sklearn, which "
                + python
                + " cannot import (ModuleNotFoundError: No module named 'sklearn'); install it: apt-get install"
                + " python3-sklearn (Debian, as root) or pip install scikit-learn; or name an interpreter that has it"
                + " with --python");
    assertThat(e.getMessage().lines()).hasSize(1);
    assertThat(e.exitCode()).isEqualTo(LocalJobException.USAGE_EXIT_CODE);
  }

  @Test
  void check_importFailsWithTraceback_quotesTheLastErrorLine() throws Exception {
    Path python =
        script(
            "python",
            """
        #!/bin/sh
        echo 'Traceback (most recent call last):' >&2
        echo '  File "<string>", line 1, in <module>' >&2
        echo "ModuleNotFoundError: No module named 'joblib'" >&2
        exit 1
        """);

    LocalJobException e =
        catchThrowableOfType(
            LocalJobException.class,
            () -> FrameworkPreflight.check(Framework.SKLEARN, python.toString(), ENV));

    assertThat(e.getMessage())
        .contains("(ModuleNotFoundError: No module named 'joblib')")
        .doesNotContain("Traceback");
  }

  @Test
  void check_importWorks_passes() throws Exception {
    Path python = script("python", "#!/bin/sh\n[ \"$1 $2\" = '-c import torch' ] || exit 3\n");

    assertThatCode(() -> FrameworkPreflight.check(Framework.PYTORCH, python.toString(), ENV))
        .doesNotThrowAnyException();
  }

  @Test
  void check_environment_isTheOneTheHostsInherit() throws Exception {
    Path python =
        script(
            "python",
            "#!/bin/sh\n[ \"$PYTHONPATH\" = /my/site ] || { echo \"no $PYTHONPATH\"; exit 1; }\n");

    assertThatCode(
            () ->
                FrameworkPreflight.check(
                    Framework.MXNET,
                    python.toString(),
                    Map.of("PATH", "/usr/bin:/bin", "PYTHONPATH", "/my/site")))
        .doesNotThrowAnyException();
  }

  @Test
  void check_workingDirectory_isEmptySoNoFolderThereShadowsTheModule() throws Exception {
    // README command 1 runs in the checkout's root, whose sklearn/ folder `python -c "import
    // sklearn"`
    // would import as a namespace package.
    Path python =
        script(
            "python",
            "#!/bin/sh\n[ -z \"$(ls -A)\" ] || { echo \"not empty: $(pwd)\"; exit 1; }\n");

    assertThatCode(() -> FrameworkPreflight.check(Framework.SKLEARN, python.toString(), ENV))
        .doesNotThrowAnyException();
  }

  @Test
  void check_noFramework_checksNothing() {
    assertThatCode(() -> FrameworkPreflight.check(Framework.NONE, "/nonexistent/python3", ENV))
        .doesNotThrowAnyException();
  }

  @Test
  void check_interpreterMissing_saysItCannotRunIt() {
    LocalJobException e =
        catchThrowableOfType(
            LocalJobException.class,
            () -> FrameworkPreflight.check(Framework.TENSORFLOW, "/nonexistent/python3", ENV));

    assertThat(e.getMessage())
        .startsWith(
            "--framework tensorflow needs the Python module tensorflow, which"
                + " /nonexistent/python3 cannot import (cannot run it: ")
        .endsWith(
            "install it: pip install tensorflow; or name an interpreter that has it with --python");
    assertThat(e.getMessage().lines()).hasSize(1);
  }

  @Test
  void installHint_everyFramework_namesDebianPackageWhereThereIsOne() {
    assertThat(Framework.SKLEARN.installHint())
        .isEqualTo("apt-get install python3-sklearn (Debian, as root) or pip install scikit-learn");
    assertThat(Framework.PYTORCH.installHint())
        .isEqualTo("apt-get install python3-torch (Debian, as root) or pip install torch");
    assertThat(Framework.MXNET.installHint()).isEqualTo("pip install mxnet");
    assertThat(Framework.NONE.installHint()).isEmpty();
    assertThat(Framework.NONE.pythonModule()).isEmpty();
  }

  @Test
  void brokenTorchrun_torch1OnPython311_namesBoth() throws Exception {
    Path python = script("python", "#!/bin/sh\necho '1.13.0a0+gitunknown 3.11'\n");

    assertThat(FrameworkPreflight.brokenTorchrun(python.toString(), ENV))
        .hasValue("torch 1.13.0a0+gitunknown on Python 3.11");
  }

  @Test
  void brokenTorchrun_torch2OrOlderPythonOrNoTorch_empty() throws Exception {
    assertThat(
            FrameworkPreflight.brokenTorchrun(
                script("torch2", "#!/bin/sh\necho '2.1.0 3.11'\n").toString(), ENV))
        .isEmpty();
    assertThat(
            FrameworkPreflight.brokenTorchrun(
                script("py310", "#!/bin/sh\necho '1.13.1 3.10'\n").toString(), ENV))
        .isEmpty();
    assertThat(
            FrameworkPreflight.brokenTorchrun(
                script("notorch", "#!/bin/sh\necho 'PackageNotFoundError: torch' >&2; exit 1\n")
                    .toString(),
                ENV))
        .isEmpty();
  }

  @Test
  void brokenTorchrun_realInterpreter_readsTorchsMetadataWithoutImportingIt() throws Exception {
    // Debian 12's python3-torch is 1.13 on Python 3.11 where installed; without torch the answer is
    // empty.
    boolean debianTorch = Files.exists(Path.of("/usr/lib/python3/dist-packages/torch/version.py"));

    assertThat(FrameworkPreflight.brokenTorchrun("/usr/bin/python3", ENV).isPresent())
        .isEqualTo(
            debianTorch
                && Files.readString(Path.of("/usr/lib/python3/dist-packages/torch/version.py"))
                    .contains("'1.")
                && Files.exists(Path.of("/usr/bin/python3.11")));
  }

  private Path script(String name, String text) throws Exception {
    Path file = Files.writeString(dir.resolve(name), text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
