package io.smtk.launch;

import io.smtk.contract.ScriptContract.Contract;
import io.smtk.environment.ToolkitSettings;
import io.smtk.pythonapi.PythonApi;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;

/**
 * The one builder of what a process of the job gets in its environment: a base (the toolkit's own
 * environment, or the calling Python process's), the toolkit's variables, the {@code SM_*}
 * contract, {@code PYTHONPATH} and a framework's additions, later ones winning.
 *
 * @param added every variable added on top of the base, in order (what {@code mpirun -x} forwards)
 * @param environment the whole environment: the base with the additions
 */
public record ChildEnvironment(Map<String, String> added, Map<String, String> environment) {

  public ChildEnvironment {
    added = Collections.unmodifiableMap(new LinkedHashMap<>(added));
    environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
  }

  /**
   * Starts a builder on a base environment.
   *
   * @param base the environment the process inherits
   * @return the builder
   */
  public static Builder on(Map<String, String> base) {
    return new Builder(base);
  }

  /** Builds a {@link ChildEnvironment}. */
  public static final class Builder {
    private final Map<String, String> base;
    private final Map<String, String> added = new LinkedHashMap<>();
    private boolean forUser;

    private Builder(Map<String, String> base) {
      this.base = new LinkedHashMap<>(base);
    }

    /**
     * Adds the variables the Python toolkit sets in its own environment ({@code
     * SAGEMAKER_JOB_NAME}, {@code CURRENT_HOST}, {@code SAGEMAKER_REGION}), which every process of
     * the job inherits.
     *
     * @param contract the job's contract
     * @return this builder
     */
    public Builder toolkitVariables(Contract contract) {
      added.putAll(contract.toolkitVariables());
      return this;
    }

    /**
     * Adds the {@code SM_*} variables.
     *
     * @param contract the job's contract
     * @return this builder
     */
    public Builder contract(Contract contract) {
      added.putAll(contract.variables());
      return this;
    }

    /**
     * Sets {@code PYTHONPATH}: the code directory (when given), smtk's Python package, then the
     * base's entries, each once. The reference exported its own {@code sys.path}, which a JVM does
     * not have.
     *
     * @param codeDir the code directory, or null for a process that must not import the user's code
     * @return this builder
     */
    public Builder pythonPath(Path codeDir) {
      LinkedHashSet<String> entries = new LinkedHashSet<>();
      if (codeDir != null) {
        entries.add(codeDir.toString());
      }
      Optional<Path> packageRoot = PythonApi.packageRoot();
      if (packageRoot.isPresent()) {
        entries.add(packageRoot.get().toString());
      }
      for (String entry : base.getOrDefault("PYTHONPATH", "").split(":", -1)) {
        if (!entry.isEmpty()) {
          entries.add(entry);
        }
      }
      added.put("PYTHONPATH", String.join(":", entries));
      return this;
    }

    /**
     * Adds variables; they win over everything added before.
     *
     * @param variables the variables
     * @return this builder
     */
    public Builder variables(Map<String, String> variables) {
      added.putAll(variables);
      return this;
    }

    /**
     * Marks the environment as a user process's: the Python API socket of a framework module is not
     * passed on, so the user's contract gains no variable.
     *
     * @return this builder
     */
    public Builder forUserProcess() {
      forUser = true;
      return this;
    }

    /**
     * Builds the environment.
     *
     * @return the environment
     */
    public ChildEnvironment build() {
      Map<String, String> environment = new LinkedHashMap<>(base);
      // Only the toolkits of the job's hosts use the job secret; no process they start needs it.
      environment.remove(ToolkitSettings.JOB_SECRET_VARIABLE);
      if (forUser) {
        environment.remove(PythonApi.SOCKET_VARIABLE);
      }
      environment.putAll(added);
      return new ChildEnvironment(added, environment);
    }
  }
}
