package io.lockn.core;

import io.lockn.core.boundaries.ModuleBoundaries;
import org.junit.jupiter.api.Test;

/** lockn-core's part of the module boundaries the build enforces ({@link ModuleBoundaries}). */
class ModuleBoundariesTest {

  @Test
  void mainClasses_dependOnNoOtherModulesInternalPackages() {
    ModuleBoundaries.checkNoOtherModulesInternals(LockN.class);
  }

  @Test
  void publicClassesOfInternalPackages_sayTheyAreNotForPublicUse() {
    ModuleBoundaries.checkInternalDisclaimers(LockN.class);
  }

  @Test
  void packages_areNullMarked() {
    ModuleBoundaries.checkNullMarkedPackages(LockN.class);
  }
}
