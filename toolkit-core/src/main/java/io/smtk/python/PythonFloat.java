package io.smtk.python;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Formats a {@code double} exactly as Python 3's {@code repr(float)} does. */
public final class PythonFloat {

  // Every double round-trips through its nearest 17-significant-digit decimal.
  private static final int MAX_DIGITS = 17;

  // Python switches to scientific notation outside -4 < decpt <= 16 (float_repr_style 'short').
  private static final int MIN_FIXED_DECPT = -3;
  private static final int MAX_FIXED_DECPT = 16;

  private PythonFloat() {}

  /**
   * Returns Python's {@code repr(value)}: the shortest decimal that parses back to {@code value}
   * (the nearest one when several are that short), e.g. {@code 0.1}, {@code 100000.0}, {@code
   * 1e-05}, {@code 1e+16}, {@code -0.0}, {@code nan}, {@code inf}, {@code -inf}.
   *
   * @param value any double
   * @return the text Python prints for the float
   */
  public static String repr(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    // The sign bit, not value < 0, tells -0.0 from 0.0.
    String sign = Double.doubleToRawLongBits(value) < 0 ? "-" : "";
    if (value == 0) {
      return sign + "0.0";
    }
    BigDecimal digits = shortest(Math.abs(value)).stripTrailingZeros();
    return sign + format(digits.unscaledValue().toString(), digits.precision() - digits.scale());
  }

  // JDK 17's Double.toString sometimes prints a digit more than needed (JDK-4511638), so the
  // shortest digits are searched for on the exact binary value instead.
  private static BigDecimal shortest(double positive) {
    BigDecimal exact = new BigDecimal(positive);
    for (int precision = 1; precision < MAX_DIGITS; precision++) {
      // Only the two neighbours of the exact value at this precision can be the nearest that
      // round-trips; rounding half-even alone would miss the upper one where the interval of
      // decimals that read back as the double is lopsided (at powers of two).
      BigDecimal below = exact.round(new MathContext(precision, RoundingMode.FLOOR));
      BigDecimal above = exact.round(new MathContext(precision, RoundingMode.CEILING));
      boolean belowRoundTrips = readsBackAs(below, positive);
      boolean aboveRoundTrips = readsBackAs(above, positive);
      if (belowRoundTrips && aboveRoundTrips) {
        int cmp = exact.subtract(below).compareTo(above.subtract(exact));
        if (cmp != 0) {
          return cmp < 0 ? below : above;
        }
        return exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
      }
      if (belowRoundTrips) {
        return below;
      }
      if (aboveRoundTrips) {
        return above;
      }
    }
    return exact.round(new MathContext(MAX_DIGITS, RoundingMode.HALF_EVEN));
  }

  private static boolean readsBackAs(BigDecimal decimal, double value) {
    return Double.parseDouble(decimal.toString()) == value;
  }

  // value = 0.DIGITS x 10^decpt, the decomposition Python's float_repr uses to pick the notation.
  private static String format(String digits, int decpt) {
    StringBuilder out = new StringBuilder(digits.length() + 8);
    if (decpt >= MIN_FIXED_DECPT && decpt <= MAX_FIXED_DECPT) {
      if (decpt <= 0) {
        out.append("0.").append("0".repeat(-decpt)).append(digits);
      } else if (decpt >= digits.length()) {
        out.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
      } else {
        out.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
      }
      return out.toString();
    }
    out.append(digits.charAt(0));
    if (digits.length() > 1) {
      out.append('.').append(digits, 1, digits.length());
    }
    int exponent = decpt - 1;
    out.append(exponent < 0 ? "e-" : "e+");
    int magnitude = Math.abs(exponent);
    if (magnitude < 10) {
      out.append('0');
    }
    return out.append(magnitude).toString();
  }
}
