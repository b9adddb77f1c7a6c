package io.smtk.local;

import io.smtk.environment.ToolkitSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * The AWS credentials {@code smtk local} hands to its containers, found as the AWS CLI finds them:
 * {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}/{@code AWS_SESSION_TOKEN} from the
 * environment, else the profile {@code AWS_PROFILE} (else {@code default}) of {@code
 * ~/.aws/credentials} and {@code ~/.aws/config} ({@code AWS_SHARED_CREDENTIALS_FILE} and {@code
 * AWS_CONFIG_FILE} move them).
 *
 * <p>The values never appear in a log line, a message, {@link #toString()} or a command line: the
 * engine gets {@code -e NAME} and finds the value in its own environment ({@link #variables()}).
 */
final class AwsCredentials {

  static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
  static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
  static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";

  private final Map<String, String> variables;
  private final String source;

  private AwsCredentials(
      String accessKeyId, String secretAccessKey, String sessionToken, String source) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put(ACCESS_KEY_ID, Objects.requireNonNull(accessKeyId, "accessKeyId"));
    values.put(SECRET_ACCESS_KEY, Objects.requireNonNull(secretAccessKey, "secretAccessKey"));
    if (sessionToken != null && !sessionToken.isEmpty()) {
      values.put(SESSION_TOKEN, sessionToken);
    }
    this.variables = Map.copyOf(values);
    this.source = source;
  }

  /**
   * Finds the credentials.
   *
   * @param settings the invoking environment
   * @param log receives one line when a profile is named but unusable (never a value)
   * @return the credentials, or empty when there are none
   */
  static Optional<AwsCredentials> find(ToolkitSettings settings, Consumer<String> log) {
    String accessKeyId = nonBlank(settings, ACCESS_KEY_ID);
    String secretAccessKey = nonBlank(settings, SECRET_ACCESS_KEY);
    if (accessKeyId != null && secretAccessKey != null) {
      return Optional.of(
          new AwsCredentials(
              accessKeyId,
              secretAccessKey,
              nonBlank(settings, SESSION_TOKEN),
              "the environment (" + ACCESS_KEY_ID + ")"));
    }
    String named = nonBlank(settings, "AWS_PROFILE");
    String profile = named != null ? named : "default";
    String home = settings.get("HOME").orElse("");
    Path credentialsFile = path(settings, "AWS_SHARED_CREDENTIALS_FILE", home, "credentials");
    Path configFile = path(settings, "AWS_CONFIG_FILE", home, "config");
    List<String> files = new ArrayList<>();
    ProfileFile.Aggregator aggregator = ProfileFile.aggregator();
    // Later files win: the credentials file over the config file, as the AWS CLI reads them.
    if (Files.isReadable(configFile)) {
      aggregator.addFile(
          ProfileFile.builder().content(configFile).type(ProfileFile.Type.CONFIGURATION).build());
      files.add(configFile.toString());
    }
    if (Files.isReadable(credentialsFile)) {
      aggregator.addFile(
          ProfileFile.builder()
              .content(credentialsFile)
              .type(ProfileFile.Type.CREDENTIALS)
              .build());
      files.add(credentialsFile.toString());
    }
    if (files.isEmpty()) {
      if (named != null) {
        log.accept(
            "AWS_PROFILE="
                + named
                + " but neither "
                + credentialsFile
                + " nor "
                + configFile
                + " can be read; the containers get no AWS credentials");
      }
      return Optional.empty();
    }
    String where = String.join(" and ", files);
    try {
      ProfileFile profiles = aggregator.build();
      if (profiles.profile(profile).isEmpty()) {
        if (named != null) {
          log.accept(
              "AWS_PROFILE="
                  + named
                  + " is not a profile in "
                  + where
                  + "; the containers get no AWS credentials");
        }
        return Optional.empty();
      }
      var resolved =
          ProfileCredentialsProvider.builder()
              .profileFile(profiles)
              .profileName(profile)
              .build()
              .resolveCredentials();
      String token =
          resolved instanceof AwsSessionCredentials session ? session.sessionToken() : null;
      return Optional.of(
          new AwsCredentials(
              resolved.accessKeyId(),
              resolved.secretAccessKey(),
              token,
              "profile " + profile + " (" + where + ")"));
    } catch (RuntimeException e) {
      // The SDK's messages name profiles and properties, never their values.
      log.accept(
          "AWS profile "
              + profile
              + " in "
              + where
              + " gives no credentials ("
              + firstLine(e.getMessage())
              + "); the containers get none. Export them first, e.g. eval \"$(aws configure export-credentials"
              + " --profile "
              + profile
              + " --format env)\"");
      return Optional.empty();
    }
  }

  /**
   * Returns the variables that carry the credentials, for the engine's own environment.
   *
   * @return {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and, for temporary
   *     credentials, {@code AWS_SESSION_TOKEN}
   */
  Map<String, String> variables() {
    return variables;
  }

  /**
   * Returns where the credentials came from, for the log.
   *
   * @return e.g. {@code profile dev (/root/.aws/credentials)}
   */
  String source() {
    return source;
  }

  /** Names the variables and the source, never a value. */
  @Override
  public String toString() {
    return "AwsCredentials" + variables.keySet() + " from " + source;
  }

  private static String nonBlank(ToolkitSettings settings, String name) {
    return settings.get(name).filter(value -> !value.isBlank()).orElse(null);
  }

  private static Path path(ToolkitSettings settings, String variable, String home, String file) {
    String configured = nonBlank(settings, variable);
    return configured != null ? Path.of(configured) : Path.of(home, ".aws", file);
  }

  private static String firstLine(String message) {
    String text = String.valueOf(message).strip();
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
