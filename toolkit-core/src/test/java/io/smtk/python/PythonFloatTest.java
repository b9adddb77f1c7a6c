package io.smtk.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tests for {@link PythonFloat}. */
class PythonFloatTest {

  // Expected texts printed by CPython 3.11's repr(float) for the same doubles.
  static Stream<Arguments> pythonReprs() {
    return Stream.of(
        Arguments.of(1e-05, "1e-05"),
        Arguments.of(0.1, "0.1"),
        Arguments.of(1e5, "100000.0"),
        Arguments.of(1e16, "1e+16"),
        Arguments.of(1e20, "1e+20"),
        Arguments.of(1e3, "1000.0"),
        Arguments.of(1e-4, "0.0001"),
        Arguments.of(3.0, "3.0"),
        Arguments.of(123456789.123, "123456789.123"),
        Arguments.of(-0.0, "-0.0"),
        Arguments.of(0.0, "0.0"),
        Arguments.of(2.5e-07, "2.5e-07"),
        Arguments.of(0.1 + 0.2, "0.30000000000000004"),
        Arguments.of(5e-324, "5e-324"),
        Arguments.of(1e-323, "1e-323"),
        Arguments.of(1.7976931348623157e308, "1.7976931348623157e+308"),
        Arguments.of(2.2250738585072014e-308, "2.2250738585072014e-308"),
        Arguments.of(1e15, "1000000000000000.0"),
        Arguments.of(9999999999999998.0, "9999999999999998.0"),
        Arguments.of(0x1p53, "9007199254740992.0"),
        Arguments.of(0x1.0000000000001p53, "9007199254740994.0"),
        Arguments.of(1.2345678901234567e19, "1.2345678901234567e+19"),
        Arguments.of(1e22, "1e+22"),
        Arguments.of(1e23, "1e+23"),
        Arguments.of(1e100, "1e+100"),
        Arguments.of(0.001, "0.001"),
        Arguments.of(1.5, "1.5"),
        Arguments.of(0.5, "0.5"),
        Arguments.of(1.0 / 3, "0.3333333333333333"),
        Arguments.of(12345.678, "12345.678"),
        Arguments.of(-1.5e-7, "-1.5e-07"),
        Arguments.of(123e-20, "1.23e-18"),
        Arguments.of(1e-5 * 3, "3.0000000000000004e-05"));
  }

  @ParameterizedTest(name = "repr({0}) = {1}")
  @MethodSource("pythonReprs")
  void repr_matchesPython(double value, String expected) {
    assertThat(PythonFloat.repr(value)).isEqualTo(expected);
  }

  @Test
  void repr_nonFinite_lowercaseWords() {
    assertThat(PythonFloat.repr(Double.NaN)).isEqualTo("nan");
    assertThat(PythonFloat.repr(Double.POSITIVE_INFINITY)).isEqualTo("inf");
    assertThat(PythonFloat.repr(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
  }

  @Test
  void repr_whereJdk17ToStringIsNotShortest_printsShortest() {
    // JDK 17 prints 3.6028797018963968E16 and 4.7783097267364807E-299 for these.
    assertThat(PythonFloat.repr(0x1p55)).isEqualTo("3.602879701896397e+16");
    assertThat(PythonFloat.repr(0x1p60)).isEqualTo("1.152921504606847e+18");
    assertThat(PythonFloat.repr(0x1p-991)).isEqualTo("4.778309726736481e-299");
  }

  @Test
  void repr_powerOfTwoWithLopsidedInterval_picksTheShortestThatRoundTrips() {
    // The 16-digit decimal nearest 2^-1017 reads back as another double; the one above it
    // does not, and is what Python prints.
    assertThat(PythonFloat.repr(0x1p-1017)).isEqualTo("7.120236347223045e-307");
  }

  @Test
  void repr_exactlyHalfwayBetweenTwoShortest_picksEvenDigit() {
    // 2251799813685247.75 and 2^-25 = 2.98023223876953125e-08 sit exactly between two candidates.
    assertThat(PythonFloat.repr(0x1.fffffffffffffp50)).isEqualTo("2251799813685247.8");
    assertThat(PythonFloat.repr(0x1p-25)).isEqualTo("2.9802322387695312e-08");
  }

  @Test
  void repr_recordedPythonTable_allMatch() throws IOException {
    List<String> mismatches = new ArrayList<>();
    int checked = 0;
    try (InputStream in = getClass().getResourceAsStream("float-repr.txt");
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("#")) {
          continue;
        }
        String[] fields = line.split(" ");
        double value = Double.longBitsToDouble(Long.parseUnsignedLong(fields[0], 16));
        String actual = PythonFloat.repr(value);
        if (!actual.equals(fields[1])) {
          mismatches.add(fields[0] + ": python " + fields[1] + ", ours " + actual);
        }
        checked++;
      }
    }
    assertThat(checked).isEqualTo(1000);
    assertThat(mismatches).isEmpty();
  }

  @Test
  void repr_randomDoubles_roundTripWithFewestDigits() {
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      double value = Double.longBitsToDouble(random.nextLong());
      if (!Double.isFinite(value) || value == 0) {
        continue;
      }
      String text = PythonFloat.repr(value);
      assertThat(text).matches("-?(\\d+\\.\\d+|\\d(\\.\\d+)?e[-+]\\d{2,3})");
      assertThat(Double.doubleToRawLongBits(Double.parseDouble(text)))
          .as("round trip of %s", text)
          .isEqualTo(Double.doubleToRawLongBits(value));
      int digits = significantDigits(text);
      if (digits > 1) {
        assertThat(anyDecimalRoundTrips(value, digits - 1))
            .as("%s has a shorter form", text)
            .isFalse();
      }
    }
  }

  private static int significantDigits(String text) {
    String mantissa = text.replace("-", "").replaceAll("e.*", "").replace(".", "");
    return new BigDecimal(mantissa).stripTrailingZeros().precision();
  }

  // The decimals of a given length nearest the double, one on each side, are the only ones of that
  // length that can read back as it.
  private static boolean anyDecimalRoundTrips(double value, int precision) {
    BigDecimal exact = new BigDecimal(value);
    for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
      BigDecimal candidate = exact.round(new MathContext(precision, mode));
      if (Double.parseDouble(candidate.toString()) == value) {
        return true;
      }
    }
    return false;
  }
}
