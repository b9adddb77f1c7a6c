/**
 * {@code smtk local}: runs a SageMaker-style training job on this machine, offline, as plain
 * processes or containers, and packs its model and output into archives.
 *
 * <p>Entry point: {@link io.smtk.local.LocalRunner#run(io.smtk.local.LocalJob)}. The package
 * depends on the toolkit's {@code process}, {@code environment} and {@code python} packages; the
 * picocli front end ({@code io.smtk.cli.LocalCommand}) depends on it, never the other way round.
 */
package io.smtk.local;
