package io.smtk.parity;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Structural JSON equality as {@code parity/README.md} (test resources) section 7 defines it: key
 * order ignored, an integer never equals a float, integers by exact value, floats as IEEE doubles.
 */
final class JsonEquality {

  private JsonEquality() {}

  /**
   * Adds to {@code paths} every JSON path at which {@code actual} differs from {@code expected}.
   */
  static void diff(String path, JsonNode expected, JsonNode actual, List<String> paths) {
    if (expected.isObject() && actual.isObject()) {
      Set<String> keys = new TreeSet<>();
      expected.fieldNames().forEachRemaining(keys::add);
      actual.fieldNames().forEachRemaining(keys::add);
      for (String key : keys) {
        if (!expected.has(key) || !actual.has(key)) {
          paths.add(path + "." + key + (expected.has(key) ? " (missing)" : " (unexpected)"));
        } else {
          diff(path + "." + key, expected.get(key), actual.get(key), paths);
        }
      }
      return;
    }
    if (expected.isArray() && actual.isArray()) {
      if (expected.size() != actual.size()) {
        paths.add(path + " (length " + expected.size() + " vs " + actual.size() + ")");
        return;
      }
      Iterator<JsonNode> want = expected.elements();
      Iterator<JsonNode> got = actual.elements();
      for (int i = 0; want.hasNext(); i++) {
        diff(path + "[" + i + "]", want.next(), got.next(), paths);
      }
      return;
    }
    if (!scalarEquals(expected, actual)) {
      paths.add(path);
    }
  }

  private static boolean scalarEquals(JsonNode expected, JsonNode actual) {
    if (expected.isNumber() && actual.isNumber()) {
      if (expected.isIntegralNumber() != actual.isIntegralNumber()) {
        return false;
      }
      if (expected.isIntegralNumber()) {
        return expected.bigIntegerValue().equals(actual.bigIntegerValue());
      }
      return expected.doubleValue() == actual.doubleValue()
          || (Double.isNaN(expected.doubleValue()) && Double.isNaN(actual.doubleValue()));
    }
    if (expected.getNodeType() != actual.getNodeType()) {
      return false;
    }
    return expected.equals(actual);
  }
}
