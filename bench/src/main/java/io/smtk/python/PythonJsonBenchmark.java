package io.smtk.python;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link PythonJson} on what a job reads and writes: the configuration files of a job (a few KB)
 * and the {@code SM_TRAINING_ENV} it renders for each process, steady state (JIT-compiled). The
 * first use, in a cold JVM, is what {@code bench/startup-bench.sh} sees.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PythonJsonBenchmark {

  /** Hyperparameters of a typical job, and a large one (a sweep's grid, nested lists). */
  @Param({"typical", "large"})
  public String shape;

  private String text;
  private JsonNode parsed;

  @Setup
  public void setUp() throws PythonJsonException {
    StringBuilder json = new StringBuilder("{");
    int entries = shape.equals("typical") ? 12 : 2_000;
    for (int i = 0; i < entries; i++) {
      if (i > 0) {
        json.append(", ");
      }
      json.append("\"param_").append(i).append("\": ");
      switch (i % 4) {
        case 0 -> json.append(i * 0.125);
        case 1 ->
            json.append("\"value with \\\"quotes\\\" and unicode \\u00e9 ").append(i).append('"');
        case 2 -> json.append("[1, 2.5, \"three\", {\"four\": null, \"five\": true}]");
        default -> json.append(i * 1_000_003L);
      }
    }
    text = json.append('}').toString();
    parsed = PythonJson.loads(text);
  }

  @Benchmark
  public JsonNode loads() throws PythonJsonException {
    return PythonJson.loads(text);
  }

  @Benchmark
  public String dumps() {
    return PythonJson.dumps(parsed);
  }
}
