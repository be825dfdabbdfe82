package io.lockn.langchain4j;

import io.lockn.core.boundaries.ModuleBoundaries;
import org.junit.jupiter.api.Test;

/** lockn-langchain4j's part of the module boundaries the build enforces ({@link ModuleBoundaries}). */
class ModuleBoundariesTest {

  @Test
  void mainClasses_dependOnNoOtherModulesInternalPackages() {
    ModuleBoundaries.checkNoOtherModulesInternals(LockNLangChain4j.class);
  }

  @Test
  void publicClassesOfInternalPackages_sayTheyAreNotForPublicUse() {
    ModuleBoundaries.checkInternalDisclaimers(LockNLangChain4j.class);
  }

  @Test
  void packages_areNullMarked() {
    ModuleBoundaries.checkNullMarkedPackages(LockNLangChain4j.class);
  }
}
