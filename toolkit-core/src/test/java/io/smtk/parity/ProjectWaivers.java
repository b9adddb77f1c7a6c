package io.smtk.parity;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/** The quirk cases of the shared parity set that smtk fixes, each pointing to docs/DECISIONS.md. */
final class ProjectWaivers {

  private ProjectWaivers() {}

  static Map<String, Waiver> all() {
    return Map.of(
        "10-hp-last-arg-quotes",
        new Waiver(
            List.of("argv"),
            "docs/DECISIONS.md#q3-two-execution-paths",
            expected -> {
              // The reference strips edge quotes from the last argument only; we pass it intact.
              ArrayNode argv = (ArrayNode) expected.get("argv");
              argv.set(argv.size() - 1, argv.textNode("\"quoted\""));
            }),
        "22-rc-current-instance-group-key",
        new Waiver(
            List.of(
                "env.SM_CURRENT_INSTANCE_GROUP",
                "env.SM_CURRENT_INSTANCE_GROUP_HOSTS",
                "env.SM_TRAINING_ENV"),
            "docs/DECISIONS.md#q8-current_group_name-vs-current_instance_group",
            expected -> {
              // We read current_instance_group when current_group_name is absent.
              ObjectNode env = (ObjectNode) expected.get("env");
              ParityHarness.expectRaw(expected, "SM_CURRENT_INSTANCE_GROUP", "train1");
              ObjectNode hosts = env.putObject("SM_CURRENT_INSTANCE_GROUP_HOSTS");
              hosts.put("raw", "[\"algo-1\"]");
              hosts.putArray("json").add("algo-1");
              ObjectNode trainingEnv = (ObjectNode) env.get("SM_TRAINING_ENV").get("json");
              trainingEnv.put("current_instance_group", "train1");
              trainingEnv.putArray("current_instance_group_hosts").add("algo-1");
              ((ObjectNode) env.get("SM_TRAINING_ENV")).remove("raw");
            }));
  }
}
