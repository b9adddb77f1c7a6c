package io.smtk.framework;

/**
 * Implemented by the exception {@link TrainingContext#runUserEntryPoint} throws when the user's
 * entry point exited non-zero, so that a framework can look at the error (PyTorch forgives gloo's
 * shutdown message, as its Python container does).
 */
public interface UserScriptFailure {

  /**
   * Returns what the entry point printed about its failure (its traceback tail).
   *
   * @return the text, possibly empty
   */
  String errorText();

  /**
   * Returns the entry point's exit status.
   *
   * @return the status
   */
  int processExitCode();
}
