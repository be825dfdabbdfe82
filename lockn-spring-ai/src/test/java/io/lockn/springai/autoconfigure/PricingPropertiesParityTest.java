package io.lockn.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lockn.pricing.PricingConfigException;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The same mistake in the pricing properties gives the same message, naming the property, whether the OpenTelemetry
 * SDK autoconfigure (as the Java agent runs it, lockn-pricing's customizer provider found through {@code
 * META-INF/services}) or Spring Boot reads it: both go through lockn-pricing's {@code PricingConfig}.
 */
class PricingPropertiesParityTest {

  @TempDir Path dir;

  private final ApplicationContextRunner spring = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(LockNAutoConfiguration.class));

  /** The message lockn-pricing gives through the SDK autoconfigure, failing fast. */
  private static String sdkMessage(Map<String, String> properties) {
    Map<String, String> all = new HashMap<>(properties);
    all.put("otel.traces.exporter", "none");
    all.put("otel.metrics.exporter", "none");
    all.put("otel.logs.exporter", "none");
    all.put("lockn.pricing.fail-on-error", "true");
    ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
        () -> AutoConfiguredOpenTelemetrySdk.builder().addPropertiesSupplier(() -> all).disableShutdownHook().build());
    assertThat(e).as("the SDK autoconfigure fails").isNotNull();
    PricingConfigException cause = find(e, PricingConfigException.class);
    assertThat(cause).as("caused by lockn-pricing's exception: %s", e).isNotNull();
    assertThat(e).hasMessage("LockN pricing: " + cause.getMessage());
    return cause.getMessage();
  }

  /** The message Spring Boot start-up fails with, and the property its own exception names. */
  private String springMessage(String property, String... values) {
    AtomicReference<String> message = new AtomicReference<>();
    spring.withPropertyValues(values).run(ctx -> {
      assertThat(ctx).hasFailed();
      InvalidConfigurationPropertyValueException named =
          find(ctx.getStartupFailure(), InvalidConfigurationPropertyValueException.class);
      assertThat(named).as("failure %s", ctx.getStartupFailure()).isNotNull();
      assertThat(named.getName()).isEqualTo(property);
      PricingConfigException cause = find(named, PricingConfigException.class);
      assertThat(cause).isNotNull();
      assertThat(named.getReason()).isEqualTo(cause.problem());
      message.set(cause.getMessage());
    });
    return message.get();
  }

  private static <T extends Throwable> @Nullable T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  @Test
  void malformedPriceFile() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"schema_version\": 1, \"models\": [{\"provider\": "
        + "\"openai\", \"model\": \"x\", \"prices\": [{\"input\": \"0.1\"}]}]}");

    String sdk = sdkMessage(Map.of("lockn.pricing.catalog", bad.toString()));
    String boot = springMessage("lockn.pricing.catalog[0]", "lockn.pricing.catalog=" + bad);

    assertThat(boot).isEqualTo(sdk)
        .startsWith("lockn.pricing.catalog[0]: cannot load " + bad + ": models[0] (openai/x)")
        .contains("output is missing");
  }

  @Test
  void missingLiteLlmFile() {
    Path missing = dir.resolve("nope.json");

    String sdk = sdkMessage(Map.of("lockn.pricing.litellm", missing.toString()));
    String boot = springMessage("lockn.pricing.litellm", "lockn.pricing.litellm=" + missing);

    assertThat(boot).isEqualTo(sdk).isEqualTo("lockn.pricing.litellm: cannot load " + missing + ": no such file");
  }

  @Test
  void badBoolean() {
    String sdk = sdkMessage(Map.of("lockn.pricing.enabled", "yes"));
    String boot = springMessage("lockn.pricing.enabled", "lockn.pricing.enabled=yes");

    // Spring's own conversion would have read "yes" as true.
    assertThat(boot).isEqualTo(sdk).isEqualTo("lockn.pricing.enabled: must be true or false, was \"yes\"");
  }

  @Test
  void badCardinalityLimit() {
    String sdk = sdkMessage(Map.of("lockn.pricing.metric.cardinality-limit", "0"));
    String boot = springMessage("lockn.pricing.metric.cardinality-limit",
        "lockn.pricing.metric.cardinality-limit=0");

    assertThat(boot).isEqualTo(sdk).isEqualTo(
        "lockn.pricing.metric.cardinality-limit: must be a whole number from 1 to 2147483647, was \"0\"");
  }

  @Test
  void unknownAliasTargetModel() {
    String sdk = sdkMessage(Map.of("lockn.pricing.aliases", "prod=azure.ai.openai/gpt-4oo"));
    String boot = springMessage("lockn.pricing.aliases[prod].model",
        "lockn.pricing.aliases[prod].provider=azure.ai.openai", "lockn.pricing.aliases[prod].model=gpt-4oo");

    assertThat(boot).isEqualTo(sdk).isEqualTo(
        "lockn.pricing.aliases[prod].model: no catalog entry for model gpt-4oo (provider azure.ai.openai)");
  }

  @Test
  void discountOutOfRange() {
    String sdk = sdkMessage(Map.of("lockn.pricing.discounts", "openai=150"));
    String boot = springMessage("lockn.pricing.discounts[openai]", "lockn.pricing.discounts.openai=150");

    assertThat(boot).isEqualTo(sdk)
        .isEqualTo("lockn.pricing.discounts[openai]: must be a percent from 0 to 100, was \"150\"");
  }

  @Test
  void badAttributionValueLength() {
    String sdk = sdkMessage(Map.of("lockn.attribution.max-value-length", "0"));
    String boot = springMessage("lockn.attribution.max-value-length", "lockn.attribution.max-value-length=0");

    assertThat(boot).isEqualTo(sdk).isEqualTo(
        "lockn.attribution.max-value-length: must be a whole number from 1 to 2147483647, was \"0\"");
  }
}
