package io.lockn.core.boundaries;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.NullMarked;

/**
 * The module boundaries the build enforces, for each module's {@code ModuleBoundariesTest} (lockn-core's test-jar
 * shares it): no module's main code depends on another module's {@code internal} packages, every public class in an
 * {@code internal} package says, in OpenTelemetry's words, that it is not for public use, and every package is
 * {@link NullMarked} (what NullAway, which checks only {@code @NullMarked} code, needs to check it at all).
 *
 * <p>A module is its main classes: the directory or jar a class of it was loaded from. That is what an application
 * gets as the module's artifact, whatever packages its classes declare, and it leaves the module's tests out (they
 * are in another directory), whatever the build directory is called ({@code ImportOption.DoNotIncludeTests} knows
 * only {@code target/test-classes}, not the {@code -Dlockn.target} directories of parallel builds).
 */
public final class ModuleBoundaries {

  /** The sentence that marks a public class of an {@code internal} package, as in OpenTelemetry Java. */
  public static final String DISCLAIMER = "This class is internal and is hence not for public use.";

  /** Every internal package of every module: {@code io.lockn.core.internal}, {@code io.lockn.x.internal.y}... */
  static final String INTERNAL_PACKAGES = "io.lockn..internal..";

  private ModuleBoundaries() {}

  /**
   * Fails unless no main class of the anchor's module depends on a class of another module's internal packages.
   *
   * @param anchor any main class of the module
   */
  public static void checkNoOtherModulesInternals(Class<?> anchor) {
    JavaClasses module = mainClasses(anchor);
    noOtherModulesInternals(module).check(module);
  }

  /**
   * Fails unless every public top-level class in the anchor's module's internal packages carries {@link #DISCLAIMER}
   * in its source, read from {@code src/main/java} of the module (the test's working directory).
   *
   * @param anchor any main class of the module
   */
  public static void checkInternalDisclaimers(Class<?> anchor) {
    Path sources = Path.of("src", "main", "java");
    assertThat(sources.resolve(anchor.getName().replace('.', '/') + ".java"))
        .as("the module's sources, from the module's directory").isRegularFile();
    assertThat(withoutDisclaimer(mainClasses(anchor), sources))
        .as("public classes of internal packages without \"" + DISCLAIMER + "\"").isEmpty();
  }

  /**
   * Fails unless every package of the anchor's module's sources ({@code src/main/java} of the module, the test's
   * working directory) has a {@code package-info} annotated {@link NullMarked}.
   *
   * @param anchor any main class of the module
   */
  public static void checkNullMarkedPackages(Class<?> anchor) {
    Path sources = Path.of("src", "main", "java");
    assertThat(sources.resolve(anchor.getName().replace('.', '/') + ".java"))
        .as("the module's sources, from the module's directory").isRegularFile();
    assertThat(notNullMarked(mainClasses(anchor), sources))
        .as("packages without a package-info annotated @" + NullMarked.class.getName()).isEmpty();
  }

  /** The main classes of the anchor's module: all classes of the directory or jar the anchor was loaded from. */
  static JavaClasses mainClasses(Class<?> anchor) {
    URL location = anchor.getProtectionDomain().getCodeSource().getLocation();
    JavaClasses classes = new ClassFileImporter().importUrl(location);
    assertThat(classes.contain(anchor)).as("%s imported from %s", anchor.getName(), location).isTrue();
    return classes;
  }

  /**
   * The first rule: no class of {@code module} depends on a class in an internal package that is not one of {@code
   * module}'s own classes.
   */
  static ArchRule noOtherModulesInternals(JavaClasses module) {
    Set<String> own = module.stream().map(JavaClass::getName).collect(Collectors.toUnmodifiableSet());
    // An array of the module's own class (an enum's values()) is its own too.
    DescribedPredicate<JavaClass> ofAnotherModule = DescribedPredicate.describe(
        "belong to another module", c -> !own.contains(c.getBaseComponentType().getName()));
    return noClasses()
        .should().dependOnClassesThat(resideInAPackage(INTERNAL_PACKAGES).and(ofAnotherModule))
        .because("a module uses another only through its public API and io.lockn.core.spi; internal packages may "
            + "change in any release");
  }

  /** The second rule: the public top-level classes of internal packages whose source lacks {@link #DISCLAIMER}. */
  static List<String> withoutDisclaimer(JavaClasses module, Path sources) {
    List<String> missing = new ArrayList<>();
    for (JavaClass c : module.that(resideInAPackage(INTERNAL_PACKAGES))) {
      if (!c.isTopLevelClass() || !c.getModifiers().contains(JavaModifier.PUBLIC)) {
        continue;
      }
      Path source = sources.resolve(c.getName().replace('.', '/') + ".java");
      try {
        if (!Files.readString(source).contains(DISCLAIMER)) {
          missing.add(c.getName());
        }
      } catch (IOException e) {
        throw new UncheckedIOException("reading the source of " + c.getName(), e);
      }
    }
    return missing;
  }

  /**
   * The third rule: the packages of {@code module} with a class compiled from {@code sources} whose {@code
   * package-info} is missing or not annotated {@link NullMarked} (JSpecify's annotations are retained at run time,
   * so the class files say it). Classes without a source there, such as JMH's generated {@code jmh_generated}
   * package, are not the module's own code: NullAway does not check them, and they need no {@code package-info}.
   */
  static List<String> notNullMarked(JavaClasses module, Path sources) {
    Set<String> packages = new TreeSet<>();
    for (JavaClass c : module) {
      // A class file without its source file's name (compiled with -g:none) counts: the rule must not pass by default.
      String file = c.getSourceCodeLocation().getSourceFileName();
      if (!c.getSimpleName().equals("package-info")
          && (file.isEmpty()
              || Files.isRegularFile(sources.resolve(c.getPackageName().replace('.', '/')).resolve(file)))) {
        packages.add(c.getPackageName());
      }
    }
    List<String> missing = new ArrayList<>();
    for (String p : packages) {
      if (!module.getPackage(p).isAnnotatedWith(NullMarked.class)) {
        missing.add(p);
      }
    }
    return missing;
  }
}
