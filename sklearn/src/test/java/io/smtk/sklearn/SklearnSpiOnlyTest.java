package io.smtk.sklearn;

import com.tngtech.archunit.core.importer.ImportOption.DoNotIncludeTests;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.smtk.architecture.Architecture;

/** The sklearn entry sees nothing of the toolkit but the SPI. */
@AnalyzeClasses(packages = "io.smtk.sklearn", importOptions = DoNotIncludeTests.class)
class SklearnSpiOnlyTest {
  @ArchTest
  static final ArchRule USES_ONLY_THE_SPI = Architecture.usesOnlyTheSpi("io.smtk.sklearn");
}
