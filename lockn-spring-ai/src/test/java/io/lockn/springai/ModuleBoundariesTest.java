package io.lockn.springai;

import io.lockn.core.boundaries.ModuleBoundaries;
import org.junit.jupiter.api.Test;

/** lockn-spring-ai's part of the module boundaries the build enforces ({@link ModuleBoundaries}). */
class ModuleBoundariesTest {

  @Test
  void mainClasses_dependOnNoOtherModulesInternalPackages() {
    ModuleBoundaries.checkNoOtherModulesInternals(LockNBudgetAdvisor.class);
  }

  @Test
  void publicClassesOfInternalPackages_sayTheyAreNotForPublicUse() {
    ModuleBoundaries.checkInternalDisclaimers(LockNBudgetAdvisor.class);
  }

  @Test
  void packages_areNullMarked() {
    ModuleBoundaries.checkNullMarkedPackages(LockNBudgetAdvisor.class);
  }
}
