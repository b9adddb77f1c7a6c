package io.smtk.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The toolkit's layers, bottom up: the SPI; foundations (Python values, logging, archives, outcomes,
 * processes); configuration (the environment, the contract, S3, the Python API socket); code; launch
 * (runners); orchestration (training); entry points (cli, local). Each layer uses only those below it,
 * packages form no cycle, and the SPI uses nothing but the JDK.
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
          .layer("SPI").definedBy(Architecture.SPI)
          .layer("Foundation").definedBy(
              "io.smtk.python..", "io.smtk.logging..", "io.smtk.archive..", "io.smtk.outcome..", "io.smtk.process..")
          .layer("Configuration").definedBy(
              "io.smtk.environment..", "io.smtk.contract..", "io.smtk.s3..", "io.smtk.pythonapi..")
          .layer("Code").definedBy("io.smtk.code..")
          .layer("Launch").definedBy("io.smtk.distributed..")
          .layer("Orchestration").definedBy("io.smtk.training..")
          .layer("Entry").definedBy("io.smtk.local..", "io.smtk.cli..")
          .whereLayer("Entry").mayNotBeAccessedByAnyLayer()
          .whereLayer("Orchestration").mayOnlyBeAccessedByLayers("Entry")
          .whereLayer("Launch").mayOnlyBeAccessedByLayers("Orchestration", "Entry")
          .whereLayer("Code").mayOnlyBeAccessedByLayers("Launch", "Orchestration", "Entry")
          .whereLayer("Configuration").mayOnlyBeAccessedByLayers("Code", "Launch", "Orchestration", "Entry")
          .whereLayer("Foundation")
          .mayOnlyBeAccessedByLayers("Configuration", "Code", "Launch", "Orchestration", "Entry");

  @ArchTest
  static final ArchRule NO_CYCLES = slices().matching("io.smtk.(*)..").should().beFreeOfCycles();
}
