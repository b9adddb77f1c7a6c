package io.smtk.parity;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.testing.JobTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every case of the repository's parity corpus ({@code
 * toolkit-core/src/test/resources/parity/cases}, a copy of {@code ../shared/parity/cases}; {@code
 * -Dsmtk.parity.cases} names another) against {@code bin/smtk train} as a separate process, with
 * PATH {@code /usr/bin:/bin} and the working directory outside the project.
 */
class ParityIntegrationTest {

  @TestFactory
  Stream<DynamicTest> train_parityCases_matchReference() throws Exception {
    Path project = JobTree.projectRoot();
    Path cases = ParityCorpus.cases();
    assertThat(cases).as("parity cases folder (set -Dsmtk.parity.cases)").isDirectory();
    List<ParityCase> all = ParityCase.readAll(cases);
    assertThat(all).as("cases in " + cases).isNotEmpty();
    ParityHarness harness =
        new ParityHarness(
            List.of(project.resolve("bin/smtk").toString(), "train"),
            "/usr/bin/python3",
            Map.of("SMTK_PYTHON", "/usr/bin/python3"),
            ProjectWaivers.all());
    assertThat(Files.isExecutable(project.resolve("bin/smtk"))).isTrue();
    return all.stream()
        .map(
            parityCase ->
                DynamicTest.dynamicTest(
                    parityCase.name(),
                    () -> {
                      ParityHarness.Result result = harness.run(parityCase);
                      assertThat(result.differences())
                          .as(
                              "%s differs from the reference; toolkit output:%n%s",
                              parityCase.name(), result.output())
                          .isEmpty();
                    }));
  }
}
