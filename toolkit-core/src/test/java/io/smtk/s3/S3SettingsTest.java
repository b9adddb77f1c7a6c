package io.smtk.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link S3Settings}. */
class S3SettingsTest {

  @Test
  void fromEnvironment_empty_leavesRegionAndEndpointToTheSdk() {
    S3Settings settings = S3Settings.fromEnvironment(Map.of());

    assertThat(settings.configuredRegion()).isEmpty();
    assertThat(settings.configuredEndpoint()).isEmpty();
    assertThat(settings.pathStyle()).isFalse();
    assertThat(settings.accessKeyId()).isNull();
    assertThat(settings.maxAttempts()).isEqualTo(S3Settings.DEFAULT_MAX_ATTEMPTS);
  }

  @Test
  void fromEnvironment_awsRegion_winsOverSagemakerRegion() {
    S3Settings settings =
        S3Settings.fromEnvironment(
            Map.of("AWS_REGION", "eu-west-1", "SAGEMAKER_REGION", "us-west-2"));

    assertThat(settings.region()).isEqualTo("eu-west-1");
  }

  @Test
  void fromEnvironment_sagemakerRegionOnly_isUsed() {
    assertThat(S3Settings.fromEnvironment(Map.of("SAGEMAKER_REGION", "us-west-2")).region())
        .isEqualTo("us-west-2");
  }

  @Test
  void fromEnvironment_s3EndpointUrl_winsAndTurnsOnPathStyle() {
    S3Settings settings =
        S3Settings.fromEnvironment(
            Map.of(
                "S3_ENDPOINT_URL", "http://127.0.0.1:9090",
                "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:1",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:2"));

    assertThat(settings.endpointOverride()).isEqualTo(URI.create("http://127.0.0.1:9090"));
    assertThat(settings.pathStyle()).isTrue();
    assertThat(settings.region()).as("fallback for custom endpoints").isEqualTo("us-east-1");
  }

  @Test
  void fromEnvironment_standardEndpointVariables_inSdkOrder() {
    assertThat(
            S3Settings.fromEnvironment(
                    Map.of(
                        "AWS_ENDPOINT_URL_S3",
                        "http://s3.local:1",
                        "AWS_ENDPOINT_URL",
                        "http://x:2"))
                .endpointOverride())
        .isEqualTo(URI.create("http://s3.local:1"));
    assertThat(
            S3Settings.fromEnvironment(Map.of("AWS_ENDPOINT_URL", "https://x:2"))
                .endpointOverride())
        .isEqualTo(URI.create("https://x:2"));
  }

  @Test
  void fromEnvironment_ignoreConfiguredEndpoints_skipsOnlyStandardVariables() {
    S3Settings settings =
        S3Settings.fromEnvironment(
            Map.of(
                "AWS_ENDPOINT_URL", "http://x:2", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"));

    assertThat(settings.configuredEndpoint()).isEmpty();
  }

  @Test
  void fromEnvironment_badEndpoint_throwsNamingVariable() {
    assertThatThrownBy(
            () -> S3Settings.fromEnvironment(Map.of("S3_ENDPOINT_URL", "localhost:9000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("S3_ENDPOINT_URL");
  }

  @Test
  void fromEnvironment_staticCredentials_areReadTogether() {
    S3Settings settings =
        S3Settings.fromEnvironment(
            Map.of(
                "AWS_ACCESS_KEY_ID", "AKID",
                "AWS_SECRET_ACCESS_KEY", "SECRET",
                "AWS_SESSION_TOKEN", "TOKEN"));

    assertThat(settings.accessKeyId()).isEqualTo("AKID");
    assertThat(settings.sessionToken()).isEqualTo("TOKEN");
    assertThat(settings.toString()).doesNotContain("SECRET").doesNotContain("TOKEN");
  }

  @Test
  void fromEnvironment_keyIdWithoutSecret_usesDefaultChain() {
    assertThat(S3Settings.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", "AKID")).accessKeyId())
        .isNull();
  }

  @Test
  void withPartSizeBytes_belowS3Minimum_throws() {
    S3Settings settings = S3Settings.fromEnvironment(Map.of());

    assertThatThrownBy(() -> settings.withPartSizeBytes(1024))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5 MiB");
  }
}
