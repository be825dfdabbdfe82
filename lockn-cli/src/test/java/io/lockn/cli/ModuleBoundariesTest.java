package io.lockn.cli;

import io.lockn.core.boundaries.ModuleBoundaries;
import org.junit.jupiter.api.Test;

/** lockn-cli's part of the module boundaries the build enforces ({@link ModuleBoundaries}). */
class ModuleBoundariesTest {

  @Test
  void mainClasses_dependOnNoOtherModulesInternalPackages() {
    ModuleBoundaries.checkNoOtherModulesInternals(LocknCommand.class);
  }

  @Test
  void publicClassesOfInternalPackages_sayTheyAreNotForPublicUse() {
    ModuleBoundaries.checkInternalDisclaimers(LocknCommand.class);
  }

  @Test
  void packages_areNullMarked() {
    ModuleBoundaries.checkNullMarkedPackages(LocknCommand.class);
  }
}
