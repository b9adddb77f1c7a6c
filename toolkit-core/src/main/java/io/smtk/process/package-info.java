/**
 * Runs the user's process: no shell in between, its own process group, output streamed in whole
 * lines, a failure report taken from its output, and stop signals forwarded to its whole group.
 *
 * <p>Entry points: {@link io.smtk.process.ProcessRunner#run(io.smtk.process.ProcessSpec)} and
 * {@link io.smtk.process.SignalForwarder#install()}.
 */
package io.smtk.process;
