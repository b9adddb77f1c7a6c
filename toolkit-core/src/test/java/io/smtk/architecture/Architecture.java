package io.smtk.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The architecture rules shared by the toolkit's test and the framework modules' tests: the SPI
 * ({@code io.smtk.framework} and the exception root {@code io.smtk.ToolkitException}) is all a
 * framework entry may see of the toolkit.
 */
public final class Architecture {

  /** The SPI's packages: the exception root and io.smtk.framework. */
  static final String[] SPI = {"io.smtk", "io.smtk.framework.."};

  private Architecture() {}

  /**
   * Returns the rule that a framework module's classes use nothing of the toolkit but the SPI.
   *
   * @param modulePackage the module's own package, e.g. {@code io.smtk.pytorch}
   * @return the rule
   */
  public static ArchRule usesOnlyTheSpi(String modulePackage) {
    return classes()
        .should()
        .onlyDependOnClassesThat(spiOrOutsideTheToolkit(modulePackage))
        .because("framework modules compile against the SPI (toolkit-spi) alone");
  }

  private static DescribedPredicate<JavaClass> spiOrOutsideTheToolkit(String modulePackage) {
    return DescribedPredicate.describe(
        "are in the SPI, in " + modulePackage + " or outside io.smtk",
        type -> {
          String name = type.getPackageName();
          return !name.startsWith("io.smtk")
              || name.equals("io.smtk")
              || name.equals("io.smtk.framework")
              || name.equals(modulePackage)
              || name.startsWith(modulePackage + ".");
        });
  }
}
