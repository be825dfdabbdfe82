package io.lockn.core.boundaries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.lockn.core.LockN;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The boundary rules themselves, on fixture classes that break them and that keep them: each rule can fail, so a
 * module's passing {@code ModuleBoundariesTest} means something.
 */
class ModuleBoundariesRulesTest {

  private static JavaClasses fixture(String... names) throws ClassNotFoundException {
    Class<?>[] classes = new Class<?>[names.length];
    for (int i = 0; i < names.length; i++) {
      classes[i] = Class.forName("io.lockn.boundaryfixture." + names[i]);
    }
    return new ClassFileImporter().importClasses(classes);
  }

  @Test
  void anotherModulesInternalPackage_failsTheFirstRule_namingTheDependency() throws Exception {
    JavaClasses module = fixture("ReachesIntoCore");

    assertThatThrownBy(() -> ModuleBoundaries.noOtherModulesInternals(module).check(module))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("io.lockn.boundaryfixture.ReachesIntoCore")
        .hasMessageContaining("io.lockn.core.internal.Strings");
  }

  @Test
  void publicApiAndSpi_keepTheFirstRule() throws Exception {
    JavaClasses module = fixture("UsesCoreApi");

    ModuleBoundaries.noOtherModulesInternals(module).check(module);
  }

  @Test
  void aModulesOwnInternalPackage_keepsTheFirstRule() {
    // lockn-core's main classes use io.lockn.core.internal throughout (LockN.noop() is internal.NoopLockN).
    JavaClasses core = ModuleBoundaries.mainClasses(LockN.class);
    assertThat(core.containPackage("io.lockn.core.internal")).isTrue();

    ModuleBoundaries.noOtherModulesInternals(core).check(core);
  }

  @Test
  void theModuleIsTheAnchorsDirectory_notItsTests() {
    JavaClasses core = ModuleBoundaries.mainClasses(LockN.class);

    assertThat(core.contain(LockN.class)).isTrue();
    assertThat(core.contain(ModuleBoundariesRulesTest.class)).isFalse();
    assertThat(core.stream().filter(c -> c.getPackageName().startsWith("io.lockn.boundaryfixture"))).isEmpty();
  }

  @Test
  void secondRule_namesEveryPublicInternalClassWithoutTheDisclaimer_only() throws Exception {
    JavaClasses module =
        fixture("internal.Undisclaimed", "internal.Disclaimed", "internal.Disclaimed$Nested", "internal.Hidden");

    assertThat(ModuleBoundaries.withoutDisclaimer(module, Path.of("src", "test", "java")))
        .containsExactly("io.lockn.boundaryfixture.internal.Undisclaimed");
  }

  @Test
  void thirdRule_namesEveryPackageWithoutANullMarkedPackageInfo_only() throws Exception {
    JavaClasses module =
        fixture(
            "nullness.marked.package-info",
            "nullness.marked.Marked",
            "nullness.unmarked.Unmarked",
            "nullness.optedout.package-info",
            "nullness.optedout.OptedOut");

    // marked: @NullMarked; unmarked: no package-info; optedout: a package-info that is @NullUnmarked.
    assertThat(ModuleBoundaries.notNullMarked(module, Path.of("src", "test", "java")))
        .containsExactly("io.lockn.boundaryfixture.nullness.optedout", "io.lockn.boundaryfixture.nullness.unmarked");
  }

  @Test
  void thirdRule_leavesOutClassesWithoutASourceInTheModule_suchAsGeneratedCode() throws Exception {
    JavaClasses module = fixture("nullness.unmarked.Unmarked", "nullness.optedout.OptedOut");

    // src/main/java holds neither class's source, as target/generated-sources holds JMH's jmh_generated classes.
    assertThat(ModuleBoundaries.notNullMarked(module, Path.of("src", "main", "java"))).isEmpty();
    assertThat(ModuleBoundaries.notNullMarked(module, Path.of("src", "test", "java"))).hasSize(2);
  }
}
