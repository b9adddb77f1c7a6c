/**
 * The contract a user script sees: the {@code SM_*} environment variables, the {@code --key value}
 * arguments and {@code SM_TRAINING_ENV}, built from a {@link
 * io.smtk.environment.TrainingEnvironment}.
 */
package io.smtk.contract;
