package io.lockn.examples;

import io.lockn.core.boundaries.ModuleBoundaries;
import org.junit.jupiter.api.Test;

/** lockn-examples's part of the module boundaries the build enforces ({@link ModuleBoundaries}). */
class ModuleBoundariesTest {

  @Test
  void mainClasses_dependOnNoOtherModulesInternalPackages() {
    ModuleBoundaries.checkNoOtherModulesInternals(SupportDemo.class);
  }

  @Test
  void publicClassesOfInternalPackages_sayTheyAreNotForPublicUse() {
    ModuleBoundaries.checkInternalDisclaimers(SupportDemo.class);
  }

  @Test
  void packages_areNullMarked() {
    ModuleBoundaries.checkNullMarkedPackages(SupportDemo.class);
  }
}
