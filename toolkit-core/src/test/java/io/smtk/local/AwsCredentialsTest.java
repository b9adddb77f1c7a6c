package io.smtk.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.environment.ToolkitSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link AwsCredentials}. */
class AwsCredentialsTest {

  private static final String SECRET = "s3cr3t-value-never-shown";

  @TempDir Path home;
  private final List<String> log = new ArrayList<>();

  @Test
  void find_environmentKeys_winOverTheProfileAndKeepTheSessionToken() throws Exception {
    credentialsFile("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = other\n");

    AwsCredentials credentials =
        find(Map.of(
                "AWS_ACCESS_KEY_ID",
                "AKIDENV",
                "AWS_SECRET_ACCESS_KEY",
                SECRET,
                "AWS_SESSION_TOKEN",
                "token"))
            .orElseThrow();

    assertThat(credentials.variables())
        .containsOnly(
            Map.entry("AWS_ACCESS_KEY_ID", "AKIDENV"),
            Map.entry("AWS_SECRET_ACCESS_KEY", SECRET),
            Map.entry("AWS_SESSION_TOKEN", "token"));
    assertThat(credentials.source()).isEqualTo("the environment (AWS_ACCESS_KEY_ID)");
  }

  @Test
  void find_namedProfileInCredentialsFile_usesItsKeys() throws Exception {
    credentialsFile(
        "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = x\n\n"
            + "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = "
            + SECRET
            + "\n");

    AwsCredentials credentials = find(Map.of("AWS_PROFILE", "dev")).orElseThrow();

    assertThat(credentials.variables())
        .containsOnly(
            Map.entry("AWS_ACCESS_KEY_ID", "AKIDDEV"), Map.entry("AWS_SECRET_ACCESS_KEY", SECRET));
    assertThat(credentials.source())
        .isEqualTo("profile dev (" + home.resolve(".aws/credentials") + ")");
  }

  @Test
  void find_defaultProfileInConfigFileOnly_usesIt() throws Exception {
    Files.createDirectories(home.resolve(".aws"));
    Files.writeString(
        home.resolve(".aws/config"),
        "[default]\nregion = eu-west-1\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = "
            + SECRET
            + "\n");

    assertThat(find(Map.of()).orElseThrow().variables())
        .containsEntry("AWS_ACCESS_KEY_ID", "AKIDCONFIG");
  }

  @Test
  void find_filesMovedByTheirVariables_readThere() throws Exception {
    Path file =
        Files.writeString(
            home.resolve("creds.ini"),
            "[ci]\naws_access_key_id = AKIDMOVED\naws_secret_access_key = " + SECRET + "\n");

    Optional<AwsCredentials> credentials =
        find(
            Map.of(
                "AWS_PROFILE",
                "ci",
                "AWS_SHARED_CREDENTIALS_FILE",
                file.toString(),
                "AWS_CONFIG_FILE",
                home.resolve("missing").toString()));

    assertThat(credentials)
        .map(AwsCredentials::variables)
        .get()
        .satisfies(
            variables -> assertThat(variables).containsEntry("AWS_ACCESS_KEY_ID", "AKIDMOVED"));
  }

  @Test
  void find_namedProfileMissing_emptyAndOneLineNamingItWithoutValues() throws Exception {
    credentialsFile(
        "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = " + SECRET + "\n");

    assertThat(find(Map.of("AWS_PROFILE", "prod"))).isEmpty();
    assertThat(log)
        .singleElement()
        .asString()
        .startsWith("AWS_PROFILE=prod is not a profile in ")
        .doesNotContain(SECRET);
  }

  @Test
  void find_profileWithoutKeys_emptyAndSaysHowToExportThem() throws Exception {
    credentialsFile("[sso]\nregion = us-east-1\n");

    assertThat(find(Map.of("AWS_PROFILE", "sso"))).isEmpty();
    assertThat(log)
        .singleElement()
        .asString()
        .startsWith("AWS profile sso in ")
        .contains("aws configure export-credentials --profile sso --format env");
  }

  @Test
  void find_nothingConfigured_emptyAndSilent() throws Exception {
    assertThat(find(Map.of())).isEmpty();
    assertThat(log).isEmpty();
  }

  @Test
  void toString_namesVariablesAndSourceNeverValues() throws Exception {
    AwsCredentials credentials =
        find(Map.of("AWS_ACCESS_KEY_ID", "AKIDENV", "AWS_SECRET_ACCESS_KEY", SECRET)).orElseThrow();

    assertThat(credentials.toString())
        .contains("AWS_SECRET_ACCESS_KEY")
        .doesNotContain(SECRET)
        .doesNotContain("AKIDENV");
  }

  private void credentialsFile(String text) throws Exception {
    Files.createDirectories(home.resolve(".aws"));
    Files.writeString(home.resolve(".aws/credentials"), text);
  }

  private Optional<AwsCredentials> find(Map<String, String> variables) throws Exception {
    Map<String, String> environment = new HashMap<>(variables);
    environment.put("HOME", home.toString());
    return AwsCredentials.find(ToolkitSettings.from(environment), log::add);
  }
}
