package io.smtk.parity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Consumer;

/**
 * A recorded reference quirk that this project fixes on purpose: names the fields that differ,
 * points to the written decision, and turns the recorded expectation into ours, which the case is
 * then compared against as strictly as any other.
 *
 * @param fields the fields of {@code expected.json} that differ
 * @param decision where the decision is written down
 * @param correction turns the recorded expectation into ours
 */
record Waiver(List<String> fields, String decision, Consumer<ObjectNode> correction) {

  void correct(ObjectNode expected) {
    correction.accept(expected);
  }
}
