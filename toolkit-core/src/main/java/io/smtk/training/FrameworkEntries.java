package io.smtk.training;

import io.smtk.environment.InvalidTrainingConfigException;
import io.smtk.framework.FrameworkEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Finds the {@link FrameworkEntry} a {@code SAGEMAKER_TRAINING_MODULE} value names.
 *
 * <p>A value selects an entry by one of the entry's {@link FrameworkEntry#names() names} or by its
 * class name; a class name of a class that is not registered is loaded from the class path when it
 * implements {@link FrameworkEntry}.
 */
public final class FrameworkEntries {

  private final List<FrameworkEntry> registered;

  private FrameworkEntries(List<FrameworkEntry> registered) {
    this.registered = List.copyOf(registered);
  }

  /**
   * Returns the entries registered on the class path.
   *
   * @return the registry
   */
  public static FrameworkEntries load() {
    List<FrameworkEntry> entries = new ArrayList<>();
    ServiceLoader.load(FrameworkEntry.class).forEach(entries::add);
    return new FrameworkEntries(entries);
  }

  /**
   * Returns a registry of the given entries (tests).
   *
   * @param entries the entries
   * @return the registry
   */
  public static FrameworkEntries of(List<FrameworkEntry> entries) {
    return new FrameworkEntries(entries);
  }

  /**
   * Finds the entry for a {@code SAGEMAKER_TRAINING_MODULE} value.
   *
   * @param value the value
   * @return the entry
   * @throws InvalidTrainingConfigException when nothing matches; the message lists the valid values
   */
  public FrameworkEntry find(String value) throws InvalidTrainingConfigException {
    return lookup(value)
        .orElseThrow(
            () ->
                new InvalidTrainingConfigException(
                    "SAGEMAKER_TRAINING_MODULE='"
                        + value
                        + "' names no training entry; valid values: "
                        + String.join(", ", validValues())
                        + ", a Python framework module as <module>:<function>, or the class name of a "
                        + FrameworkEntry.class.getName()
                        + " on the class path"));
  }

  /**
   * Looks up the entry for a {@code SAGEMAKER_TRAINING_MODULE} value among smtk's entries.
   *
   * @param value the value
   * @return the entry, or empty when the value names none (it may name a Python module)
   */
  public Optional<FrameworkEntry> lookup(String value) {
    String name = value.strip();
    for (FrameworkEntry entry : registered) {
      if (entry.names().contains(name) || entry.getClass().getName().equals(name)) {
        return Optional.of(entry);
      }
    }
    if (name.contains(":")) {
      return Optional.empty(); // a Python module:function, never a Java class name
    }
    try {
      Class<?> type = Class.forName(name, true, Thread.currentThread().getContextClassLoader());
      if (FrameworkEntry.class.isAssignableFrom(type)) {
        return Optional.of((FrameworkEntry) type.getDeclaredConstructor().newInstance());
      }
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      // Not a loadable class name.
    }
    return Optional.empty();
  }

  /**
   * Returns every value that selects a registered entry.
   *
   * @return the names and class names, sorted
   */
  public List<String> validValues() {
    TreeSet<String> values = new TreeSet<>();
    for (FrameworkEntry entry : registered) {
      values.addAll(entry.names());
      values.add(entry.getClass().getName());
    }
    return List.copyOf(values);
  }
}
