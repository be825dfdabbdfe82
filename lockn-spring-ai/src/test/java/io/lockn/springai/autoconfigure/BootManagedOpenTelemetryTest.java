package io.lockn.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Which OpenTelemetry the Spring tests run on. This module's tests run twice (lockn-spring-ai/pom.xml): on LockN's
 * OpenTelemetry ({@code default-test}) and on the one Spring Boot's BOM gives an application that does not choose
 * ({@code boot-managed-otel-test}: 1.62.0 for Boot 4.1.3); the second run is what proves LockN works there. These
 * checks keep that proof honest: the classpath really is the version the run claims, read from the jars themselves,
 * and the version the second run uses is still the one Boot's BOM pins (so that a Boot upgrade that moves it fails
 * here, naming both).
 *
 * <p>How the version is read: the API jar's manifest ({@code Implementation-Version} of the package of {@link
 * OpenTelemetry}) and the SDK's own report of itself, the {@code telemetry.sdk.version} attribute of {@link
 * Resource#getDefault()}, which the SDK fills from its build (public API, also exported with every span).
 */
class BootManagedOpenTelemetryTest {

  private static final AttributeKey<String> SDK_VERSION = AttributeKey.stringKey("telemetry.sdk.version");

  @Test
  void classpath_hasTheOpenTelemetryThisRunIsFor() {
    String expected = System.getProperty("lockn.test.opentelemetry.version");
    Assumptions.assumeTrue(expected != null, "set by the surefire executions of lockn-spring-ai/pom.xml");

    assertThat(OpenTelemetry.class.getPackage().getImplementationVersion()).as("opentelemetry-api").isEqualTo(expected);
    assertThat(Resource.getDefault().getAttribute(SDK_VERSION)).as("opentelemetry-sdk").isEqualTo(expected);
  }

  @Test
  void bootManagedRun_usesTheVersionSpringBootsBomPins() throws Exception {
    String ours = System.getProperty("lockn.test.boot-opentelemetry.version");
    String bom = System.getProperty("lockn.test.spring-boot-bom");
    Assumptions.assumeTrue(ours != null && bom != null, "the boot-managed-otel-test run only");

    Matcher m = Pattern.compile("<opentelemetry\\.version>([^<]+)</opentelemetry\\.version>")
        .matcher(Files.readString(Path.of(bom)));
    assertThat(m.find()).as("opentelemetry.version in " + bom).isTrue();
    assertThat(ours)
        .as("boot-opentelemetry.version in lockn-spring-ai/pom.xml must be what " + bom + " pins")
        .isEqualTo(m.group(1));
  }
}
