package io.smtk.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** Tests for {@link ToolkitLog}. */
class ToolkitLogTest {

  private static final DateTimeFormatter PYTHON_FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

  @Test
  void timestamp_randomInstantsInSeveralZones_matchesJavaTime() {
    Random random = new Random(16);
    for (String id :
        new String[] {"UTC", "America/Los_Angeles", "Asia/Kolkata", "Australia/Lord_Howe"}) {
      TimeZone zone = TimeZone.getTimeZone(id);
      for (int i = 0; i < 20_000; i++) {
        // 1900 to 2200, to cross leap years, century rules and daylight saving changes.
        long millis = -2_208_988_800_000L + (long) (random.nextDouble() * 9_467_280_000_000L);
        assertThat(ToolkitLog.timestamp(millis, zone))
            .as("%s in %s", millis, id)
            .isEqualTo(expected(millis, zone));
      }
    }
  }

  @Test
  void timestamp_edgesOfDaysAndYears_matchesJavaTime() {
    TimeZone utc = TimeZone.getTimeZone("UTC");
    for (long millis :
        new long[] {
          0L,
          -1L,
          86_399_999L,
          951_782_400_000L /* 2000-02-29 */,
          4_107_542_399_999L,
          -62_135_596_800_000L
        }) {
      assertThat(ToolkitLog.timestamp(millis, utc)).isEqualTo(expected(millis, utc));
    }
  }

  @Test
  void info_oneMessage_writesPythonLoggingLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ToolkitLog.to(new PrintStream(bytes, true, StandardCharsets.UTF_8)).info("hello");

    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .matches(
            "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} sagemaker-training-toolkit INFO "
                + "    hello\\R");
  }

  private static String expected(long millis, TimeZone zone) {
    return LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), zone.toZoneId())
        .format(PYTHON_FORMAT);
  }
}
