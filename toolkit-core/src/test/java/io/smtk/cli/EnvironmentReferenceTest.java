package io.smtk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.contract.ScriptContract;
import io.smtk.environment.Hardware;
import io.smtk.environment.ToolkitSettings;
import io.smtk.environment.TrainingEnvironment;
import io.smtk.environment.TrainingEnvironmentReader;
import io.smtk.pythonapi.PythonApi;
import io.smtk.testing.JobTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests that docs/ENVIRONMENT.md names every variable a job gets from the code that renders them:
 * the {@code SM_*} contract ({@link ScriptContract}) and the toolkit's {@code SMTK_*} settings
 * ({@link ToolkitSettings}). A variable added to the code without its entry fails here.
 */
class EnvironmentReferenceTest {

  private static final Pattern DOCUMENTED = Pattern.compile("`((?:SM|SMTK)_[A-Z0-9_<>]+)`");
  private static final Pattern CONTRACT_ROW = Pattern.compile("(?m)^\\| `(SM_[A-Z0-9_<>]+)` \\|");

  @TempDir Path base;
  private String reference;

  @BeforeEach
  void setUp() throws Exception {
    reference = Files.readString(JobTree.projectRoot().resolve("docs/ENVIRONMENT.md"));
  }

  @Test
  void reference_contractVariables_everyOneTheCodeRendersHasAnEntry() throws Exception {
    Set<String> rendered = contractNames();

    assertThat(documented()).containsAll(rendered);
    assertThat(rendered)
        .as("a sample job with a channel, a hyperparameter and a topology renders them all")
        .contains("SM_CHANNEL_<NAME>", "SM_HP_<NAME>", "SM_TOPOLOGY", "SM_TRAINING_ENV");
  }

  @Test
  void reference_contractTable_listsNoVariableTheCodeDoesNotRender() throws Exception {
    String table =
        reference.substring(
            reference.indexOf("## What every job's process gets"),
            reference.indexOf("The toolkit also sets"));
    Set<String> rows = new TreeSet<>();
    Matcher row = CONTRACT_ROW.matcher(table);
    while (row.find()) {
      rows.add(row.group(1));
    }

    assertThat(contractNames()).containsAll(rows);
    assertThat(rows).hasSameSizeAs(contractNames());
  }

  @Test
  void reference_toolkitVariables_everyOneSetForTheScriptHasAnEntry() throws Exception {
    assertThat(reference)
        .contains(
            ScriptContract.toolkitVariables(environment()).keySet().stream()
                .map(name -> "`" + name + "`")
                .toList()
                .toArray(String[]::new));
    assertThat(reference).contains("`PYTHONPATH`");
  }

  @Test
  void reference_toolkitSettings_everySmtkVariableReadHasAnEntry() {
    assertThat(documented()).containsAll(ToolkitSettings.variableNames());
    assertThat(documented()).contains(PythonApi.SOCKET_VARIABLE);
  }

  @Test
  void variableNames_everySmtkNameToolkitSettingsReads_isListed() throws Exception {
    // The settings read variables by literal name; the list must not fall behind them.
    String source =
        Files.readString(
            JobTree.projectRoot()
                .resolve("toolkit-core/src/main/java/io/smtk/environment/ToolkitSettings.java"));
    Set<String> literals = new TreeSet<>();
    Matcher literal = Pattern.compile("\"(SMTK_[A-Z0-9_]+)\"").matcher(source);
    while (literal.find()) {
      literals.add(literal.group(1));
    }

    assertThat(new TreeSet<>(ToolkitSettings.variableNames())).isEqualTo(literals);
  }

  private Set<String> documented() {
    Set<String> names = new TreeSet<>();
    Matcher matcher = DOCUMENTED.matcher(reference);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }

  /**
   * The {@code SM_*} names of a sample job, per-channel and per-hyperparameter ones as patterns.
   */
  private Set<String> contractNames() throws Exception {
    Set<String> names = new LinkedHashSet<>();
    for (String name : ScriptContract.environmentVariables(environment()).keySet()) {
      names.add(
          name.equals("SM_CHANNEL_TRAINING")
              ? "SM_CHANNEL_<NAME>"
              : name.equals("SM_HP_LR") ? "SM_HP_<NAME>" : name);
    }
    return names;
  }

  private TrainingEnvironment environment() throws Exception {
    Files.createDirectories(base.resolve("input/config"));
    Files.writeString(
        base.resolve("input/config/hyperparameters.json"),
        "{\"lr\": \"0.1\", \"sagemaker_program\": \"\\\"train.py\\\"\"}");
    Files.writeString(base.resolve("input/config/inputdataconfig.json"), "{\"training\": {}}");
    Files.writeString(
        base.resolve("input/config/resourceconfig.json"),
        "{\"current_host\": \"algo-1\", \"hosts\": [\"algo-1\"], \"topology\": [\"algo-1\"]}");
    return TrainingEnvironmentReader.withHardware(new Hardware(2, 0, 0))
        .read(ToolkitSettings.from(Map.of("SAGEMAKER_BASE_DIR", base.toString())));
  }
}
