package io.smtk.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Tests for {@link S3Uri}. */
class S3UriTest {

  @Test
  void parse_bucketAndKey_splitsAtFirstSlash() throws Exception {
    S3Uri uri = S3Uri.parse("s3://my-bucket/jobs/job-1/source/sourcedir.tar.gz");

    assertThat(uri.bucket()).isEqualTo("my-bucket");
    assertThat(uri.key()).isEqualTo("jobs/job-1/source/sourcedir.tar.gz");
    assertThat(uri).hasToString("s3://my-bucket/jobs/job-1/source/sourcedir.tar.gz");
  }

  @Test
  void parse_upperCaseScheme_isAccepted() throws Exception {
    assertThat(S3Uri.parse("S3://bucket/key")).isEqualTo(S3Uri.of("bucket", "key"));
  }

  @Test
  void parse_bucketOnly_hasEmptyKey() throws Exception {
    assertThat(S3Uri.parse("s3://bucket").key()).isEmpty();
    assertThat(S3Uri.parse("s3://bucket/").key()).isEmpty();
  }

  @Test
  void parse_keyWithSpacesAndQuestionMark_keepsThemVerbatim() throws Exception {
    assertThat(S3Uri.parse("s3://b/my dir/file?.tar.gz#1").key())
        .isEqualTo("my dir/file?.tar.gz#1");
  }

  @Test
  void parse_otherScheme_throwsNamingScheme() {
    assertThatThrownBy(() -> S3Uri.parse("https://bucket/key"))
        .isInstanceOf(InvalidS3UriException.class)
        .hasMessage("Invalid S3 URI 'https://bucket/key': expected the 's3' scheme, got 'https'");
  }

  @Test
  void parse_noScheme_throws() {
    assertThatThrownBy(() -> S3Uri.parse("/opt/ml/code"))
        .isInstanceOf(InvalidS3UriException.class)
        .hasMessageContaining("expected the form s3://bucket/key");
  }

  @Test
  void parse_missingBucket_throws() {
    assertThatThrownBy(() -> S3Uri.parse("s3:///key"))
        .isInstanceOf(InvalidS3UriException.class)
        .hasMessageContaining("the bucket name is missing");
  }

  @Test
  void parse_bucketWithBadCharacter_throwsNamingIt() {
    assertThatThrownBy(() -> S3Uri.parse("s3://bad:bucket/key"))
        .isInstanceOf(InvalidS3UriException.class)
        .hasMessageContaining("'bad:bucket' has the character ':'");
  }

  @Test
  void resolve_joinsWithExactlyOneSlash() {
    assertThat(S3Uri.of("b", "out/").resolve("/job")).isEqualTo(S3Uri.of("b", "out/job"));
    assertThat(S3Uri.of("b", "out").resolve("job/x")).isEqualTo(S3Uri.of("b", "out/job/x"));
    assertThat(S3Uri.of("b", "").resolve("job")).isEqualTo(S3Uri.of("b", "job"));
    assertThat(S3Uri.of("b", "out").resolve("")).isEqualTo(S3Uri.of("b", "out"));
  }

  @Test
  void prefixFor_outputAndJob_matchesPythonLayout() throws Exception {
    S3Uri prefix = IntermediateOutputSync.prefixFor(S3Uri.parse("s3://bucket/path/"), "job-7");

    assertThat(prefix).hasToString("s3://bucket/path/job-7/output/intermediate");
  }

  @Test
  void prefixFor_emptyJobName_skipsIt() throws Exception {
    S3Uri prefix = IntermediateOutputSync.prefixFor(S3Uri.parse("s3://bucket"), "");

    assertThat(prefix).hasToString("s3://bucket/output/intermediate");
  }
}
