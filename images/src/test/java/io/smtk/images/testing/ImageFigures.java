package io.smtk.images.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reports the toolkit's start-up inside a container: from the engine starting the container's first
 * process to the user script's first line (the script records {@code time.time()} as {@code
 * "started"} in {@code output/data/run.json}); printed and appended to {@code
 * target/image-figures.txt}.
 */
public final class ImageFigures {

  private static final Pattern STARTED = Pattern.compile("\"started\": ([0-9.]+)");

  private ImageFigures() {}

  /**
   * Reports one run.
   *
   * @param image a short name for the image
   * @param job the job the run used
   * @param result the run
   * @throws IOException when the figures file cannot be written
   */
  public static void report(String image, SageMakerJob job, TrainingContainer.Result result)
      throws IOException {
    Path run = job.output().resolve("data/run.json");
    if (!Files.exists(run)) {
      return;
    }
    Matcher started = STARTED.matcher(Files.readString(run));
    if (!started.find()) {
      return;
    }
    long toScript =
        Math.round(Double.parseDouble(started.group(1)) * 1000) - result.startedAt().toEpochMilli();
    String line =
        String.format(
            "%s: container start -> user script %d ms; container ran %d ms; test saw %d ms%n",
            image,
            toScript,
            Duration.between(result.startedAt(), result.finishedAt()).toMillis(),
            result.wall().toMillis());
    System.out.print("[image-figures] " + line);
    Files.createDirectories(Path.of("target"));
    Files.writeString(
        Path.of("target/image-figures.txt"),
        line,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
