package io.smtk.pytorch;

import com.tngtech.archunit.core.importer.ImportOption.DoNotIncludeTests;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.smtk.architecture.Architecture;

/** The pytorch entry sees nothing of the toolkit but the SPI. */
@AnalyzeClasses(packages = "io.smtk.pytorch", importOptions = DoNotIncludeTests.class)
class PyTorchSpiOnlyTest {
  @ArchTest
  static final ArchRule USES_ONLY_THE_SPI = Architecture.usesOnlyTheSpi("io.smtk.pytorch");
}
