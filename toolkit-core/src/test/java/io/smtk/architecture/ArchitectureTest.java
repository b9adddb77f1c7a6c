package io.smtk.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The toolkit's layers, bottom up: the SPI; foundations (Python values, logging, archives,
 * outcomes, processes); configuration (the environment, the contract, S3, the Python API socket);
 * launch (the user's command and environment); code (fetching and installing it); runners
 * (distributed); orchestration (training); entry points (cli, local). Each layer uses only those
 * below it, packages form no cycle, and the SPI uses nothing but the JDK.
 */
@AnalyzeClasses(packages = "io.smtk", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule SPI_USES_ONLY_THE_JDK =
      classes()
          .that()
          .resideInAnyPackage(Architecture.SPI)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("java..", "io.smtk", "io.smtk.framework..")
          .because("the SPI is what framework modules compile against: JDK types and its own only");

  @ArchTest
  static final ArchRule LAYERS =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .layer("SPI")
          .definedBy(Architecture.SPI)
          .layer("Foundation")
          .definedBy(
              "io.smtk.python..",
              "io.smtk.logging..",
              "io.smtk.archive..",
              "io.smtk.outcome..",
              "io.smtk.process..")
          .layer("Configuration")
          .definedBy(
              "io.smtk.environment..", "io.smtk.contract..", "io.smtk.s3..", "io.smtk.pythonapi..")
          .layer("Launch")
          .definedBy("io.smtk.launch..")
          .layer("Code")
          .definedBy("io.smtk.code..")
          .layer("Runners")
          .definedBy("io.smtk.distributed..")
          .layer("Orchestration")
          .definedBy("io.smtk.training..")
          .layer("Entry")
          .definedBy("io.smtk.local..", "io.smtk.cli..")
          .whereLayer("Entry")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("Orchestration")
          .mayOnlyBeAccessedByLayers("Entry")
          .whereLayer("Runners")
          .mayOnlyBeAccessedByLayers("Orchestration", "Entry")
          .whereLayer("Code")
          .mayOnlyBeAccessedByLayers("Runners", "Orchestration", "Entry")
          .whereLayer("Launch")
          .mayOnlyBeAccessedByLayers("Code", "Runners", "Orchestration", "Entry")
          .whereLayer("Configuration")
          .mayOnlyBeAccessedByLayers("Launch", "Code", "Runners", "Orchestration", "Entry")
          .whereLayer("Foundation")
          .mayOnlyBeAccessedByLayers(
              "Configuration", "Launch", "Code", "Runners", "Orchestration", "Entry");

  /**
   * Every package of the toolkit is in a layer: a new one must be placed, not slip past the rule.
   */
  @ArchTest
  static final ArchRule EVERY_PACKAGE_IN_A_LAYER =
      classes()
          .that()
          .resideInAPackage("io.smtk..")
          .should()
          .resideInAnyPackage(
              "io.smtk",
              "io.smtk.framework..",
              "io.smtk.python..",
              "io.smtk.logging..",
              "io.smtk.archive..",
              "io.smtk.outcome..",
              "io.smtk.process..",
              "io.smtk.environment..",
              "io.smtk.contract..",
              "io.smtk.s3..",
              "io.smtk.pythonapi..",
              "io.smtk.launch..",
              "io.smtk.code..",
              "io.smtk.distributed..",
              "io.smtk.training..",
              "io.smtk.local..",
              "io.smtk.cli..");

  @ArchTest
  static final ArchRule NO_CYCLES = slices().matching("io.smtk.(*)..").should().beFreeOfCycles();

  /** The runners' rooms (cluster, control, ssh, mpi, torch) form no cycle among themselves. */
  @ArchTest
  static final ArchRule NO_CYCLES_AMONG_RUNNERS =
      slices().matching("io.smtk.distributed.(*)..").should().beFreeOfCycles();

  /** The runners' rooms never reach back to the dispatcher that chooses among them. */
  @ArchTest
  static final ArchRule RUNNERS_DO_NOT_USE_THE_DISPATCHER =
      noClasses()
          .that()
          .resideInAnyPackage("io.smtk.distributed.*..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.smtk.distributed");
}
