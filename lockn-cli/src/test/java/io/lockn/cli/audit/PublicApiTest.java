package io.lockn.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public surface of {@code io.lockn.cli.audit} is deliberate: the in-process audit and what its public methods
 * take and return, plus the picocli subcommand. The reader, the span types and the report writers belong to {@code
 * lockn audit} and stay package-private; a type made public by accident fails here.
 */
class PublicApiTest {

  @Test
  void onlyTheInProcessAuditAndTheSubcommandArePublic() throws IOException, URISyntaxException {
    Path dir = Path.of(Audit.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve("io/lockn/cli/audit");
    List<String> publicTypes;
    try (Stream<Path> classes = Files.list(dir)) {
      publicTypes = classes
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".class") && !n.equals("package-info.class"))
          .map(n -> load("io.lockn.cli.audit." + n.substring(0, n.length() - ".class".length())))
          .filter(PublicApiTest::isPublicApi)
          .map(Class::getName)
          .sorted()
          .toList();
    }

    assertThat(publicTypes).containsExactly(
        "io.lockn.cli.audit.Audit",
        "io.lockn.cli.audit.Audit$Builder",
        "io.lockn.cli.audit.AuditCommand",
        "io.lockn.cli.audit.AuditReport",
        "io.lockn.cli.audit.AuditSpanExporter",
        "io.lockn.cli.audit.Finding");
  }

  @Test
  void theSubcommandCannotBeCreatedOutsideItsPackage() {
    assertThat(AuditCommand.class.getDeclaredConstructors())
        .allSatisfy(c -> assertThat(Modifier.isPublic(c.getModifiers())).isFalse());
  }

  /** A type reachable from outside the package: public, and every enclosing type public too. */
  private static boolean isPublicApi(Class<?> c) {
    for (Class<?> t = c; t != null; t = t.getEnclosingClass()) {
      if (!Modifier.isPublic(t.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, PublicApiTest.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(name, e);
    }
  }
}
