package io.smtk.images.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the image build's glibc check ({@code images/src/main/build/glibc-check.sh}) as the build
 * runs it, and makes staged images for it to check.
 */
public final class GlibcCheck {

  private final Path imagesModule;
  private final Map<String, String> environment;

  private GlibcCheck(Path imagesModule, Map<String, String> environment) {
    this.imagesModule = imagesModule;
    this.environment = Map.copyOf(environment);
  }

  /**
   * Prepares runs of the check from the given images module.
   *
   * @param imagesModule the {@code images} folder of the checkout
   * @param environment variables added to the check's environment (e.g. {@code
   *     SMTK_CONTAINER_ENGINE})
   * @return the runner
   */
  public static GlibcCheck of(Path imagesModule, Map<String, String> environment) {
    return new GlibcCheck(imagesModule, environment);
  }

  /**
   * Returns what the images module staged for every image ({@code target/image}: {@code jre/},
   * {@code root/}).
   *
   * @return the folder
   */
  public Path stagedImage() {
    return imagesModule.resolve("target/image");
  }

  /**
   * Runs the script.
   *
   * @param args its arguments, e.g. {@code check --image-dir DIR --base REF}
   * @return its exit status and its stdout and stderr together
   * @throws IOException when it cannot be started
   * @throws InterruptedException when interrupted while waiting
   */
  public Result run(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of("bash", imagesModule.resolve("src/main/build/glibc-check.sh").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IOException("glibc-check.sh did not end: " + output);
    }
    return new Result(process.exitValue(), output);
  }

  /**
   * Stages an image whose only native part is a library linked against {@code
   * close_range@GLIBC_2.34}, built with this machine's gcc (which therefore needs glibc 2.34 or
   * newer, as Debian 12's has).
   *
   * @param dir an empty folder
   * @return the staged image ({@code jre/} empty, the library at {@code
   *     root/opt/smtk/lib/libneeds234.so})
   * @throws IOException when gcc fails
   * @throws InterruptedException when interrupted while compiling
   */
  public static Path imageNeedingGlibc234(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("jre"));
    Path lib = Files.createDirectories(dir.resolve("root/opt/smtk/lib"));
    Path source =
        Files.writeString(
            dir.resolve("needs234.c"),
            "#define _GNU_SOURCE\n"
                + "#include <unistd.h>\n"
                + "int needs234(void) { return close_range(3, ~0U, 0); }\n");
    Process gcc =
        new ProcessBuilder(
                "gcc",
                "-shared",
                "-fPIC",
                "-o",
                lib.resolve("libneeds234.so").toString(),
                source.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
      throw new IOException("gcc failed (close_range needs glibc 2.34 headers): " + output);
    }
    return dir;
  }

  /**
   * The end of one run of the check.
   *
   * @param exitCode its exit status
   * @param output its stdout and stderr
   */
  public record Result(int exitCode, String output) {}
}
