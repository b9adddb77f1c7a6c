package io.smtk.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link TensorFlowTraining}'s model warnings. */
class TensorFlowTrainingTest {

  @TempDir Path model;

  @Test
  void modelWarnings_empty_noModelWarning() {
    assertThat(TensorFlowTraining.modelWarnings(model))
        .singleElement()
        .asString()
        .startsWith("No model artifact is saved");
  }

  @Test
  void modelWarnings_notSavedModel_notServable() throws Exception {
    Files.writeString(model.resolve("weights.h5"), "x");

    assertThat(TensorFlowTraining.modelWarnings(model))
        .singleElement()
        .asString()
        .startsWith("Your model will NOT be servable with SageMaker TensorFlow Serving container.");
  }

  @Test
  void modelWarnings_savedModelUnderNumericDir_none() throws Exception {
    Files.createDirectories(model.resolve("export/1"));
    Files.writeString(model.resolve("export/1/saved_model.pb"), "x");

    assertThat(TensorFlowTraining.modelWarnings(model)).isEmpty();
  }

  @Test
  void modelWarnings_savedModelUnderNamedDir_namesIt() throws Exception {
    Files.createDirectories(model.resolve("export/latest"));
    Files.writeString(model.resolve("export/latest/saved_model.pb"), "x");

    assertThat(TensorFlowTraining.modelWarnings(model))
        .singleElement()
        .asString()
        .contains("\"latest\", not a numeric name");
  }
}
