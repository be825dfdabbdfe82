package io.lockn.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.sdk.AttributionSpanProcessor;
import io.lockn.pricing.CostLedger;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.sdk.CostSpanProcessor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.instrumentation.spring.autoconfigure.OpenTelemetryAutoConfiguration;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.DeclarativeConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.OpenTelemetryConfigurationModel;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.spi.internal.ComponentProvider;
import io.lockn.springai.OtelStarterMemoryExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;

/**
 * The conditions of {@link LockNAutoConfiguration} with the real auto-configuration of the OpenTelemetry Spring Boot
 * starter (2.31.1), in both of its modes: which hook LockN uses, that the SDK ends up with exactly one cost processor
 * and one attribution processor, and that it is LockN's (the one that feeds the {@link CostLedger}). Runs in the
 * {@code otel-starter-test} surefire run, where the starter is on the classpath.
 */
class LockNAutoConfigurationOtelStarterTest {

  private final ApplicationContextRunner properties = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(OpenTelemetryAutoConfiguration.class, LockNAutoConfiguration.class))
      .withPropertyValues("otel.traces.exporter=none", "otel.metrics.exporter=none", "otel.logs.exporter=none");

  private final ApplicationContextRunner declarative = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(OpenTelemetryAutoConfiguration.class, LockNAutoConfiguration.class))
      .withUserConfiguration(MemoryExporter.class)
      .withPropertyValues("otel.file_format=1.0",
          "otel.tracer_provider.processors[0].simple.exporter.test_memory.name=spans");

  @Test
  void propertiesMode_customizerBeanAddsLockNsProcessorsOnce() {
    properties.run(ctx -> {
      assertThat(ctx).hasNotFailed().hasSingleBean(AutoConfiguredOpenTelemetrySdk.class)
          .hasBean("lockNAutoConfigurationCustomizerProvider")
          .doesNotHaveBean(DeclarativeConfigurationCustomizerProvider.class)
          .doesNotHaveBean(ComponentProvider.class)
          // Not beans: another tracer provider (Spring Boot's) must not collect them too.
          .doesNotHaveBean(CostSpanProcessor.class).doesNotHaveBean(AttributionSpanProcessor.class);
      assertThat(ctx.getBean("lockNAutoConfigurationCustomizerProvider"))
          .isInstanceOf(AutoConfigurationCustomizerProvider.class);
      String pipeline = pipeline(ctx);
      assertThat(instances(pipeline, CostSpanProcessor.class)).hasSize(1);
      assertThat(instances(pipeline, AttributionSpanProcessor.class)).hasSize(1);
      assertThat(ledgerAfterOneChatSpan(ctx)).isEqualByComparingTo(GPT_4O_1000_IN);
    });
  }

  @Test
  void propertiesMode_pricingDisabled_noCostProcessorFromLockNNorFromLocknPricingsSpi() {
    properties.withPropertyValues("lockn.pricing.enabled=false").run(ctx -> {
      String pipeline = pipeline(ctx);
      assertThat(instances(pipeline, CostSpanProcessor.class)).isEmpty();
      assertThat(instances(pipeline, AttributionSpanProcessor.class)).hasSize(1);
    });
  }

  @Test
  void propertiesMode_pricingEnabledExplicitly_locknPricingsSpiPricesAndLockNAddsNoSecondProcessor() {
    // The starter lets the Spring environment win over the customizer's override, so the SPI cannot be stood down.
    properties.withPropertyValues("lockn.pricing.enabled=true").run(ctx -> {
      assertThat(instances(pipeline(ctx), CostSpanProcessor.class)).hasSize(1);
      // The SPI's processor has no ledger.
      assertThat(ledgerAfterOneChatSpan(ctx)).isNull();
    });
  }

  @Test
  void propertiesMode_applicationsOwnProcessorBeans_areTheOnesAdded() {
    CostSpanProcessor cost = CostSpanProcessor.builder(PriceCatalog.bundled()).build();
    properties.withBean(CostSpanProcessor.class, () -> cost).run(ctx -> {
      assertThat(instances(pipeline(ctx), CostSpanProcessor.class)).containsExactly(cost.toString());
    });
  }

  @Test
  void declarativeMode_lockNsProcessorsAreNamedInTheModelAndResolvedByComponentBeans() {
    declarative.run(ctx -> {
      assertThat(ctx).hasNotFailed().hasSingleBean(OpenTelemetryConfigurationModel.class)
          .doesNotHaveBean(AutoConfiguredOpenTelemetrySdk.class)
          .doesNotHaveBean(AutoConfigurationCustomizerProvider.class)
          .hasBean("lockNDeclarativeConfigurationCustomizerProvider")
          .hasBean("lockNCostComponentProvider").hasBean("lockNAttributionComponentProvider")
          .doesNotHaveBean(CostSpanProcessor.class).doesNotHaveBean(AttributionSpanProcessor.class);
      String pipeline = pipeline(ctx);
      assertThat(instances(pipeline, CostSpanProcessor.class)).hasSize(1);
      assertThat(instances(pipeline, AttributionSpanProcessor.class)).hasSize(1);
      assertThat(ledgerAfterOneChatSpan(ctx)).isEqualByComparingTo(GPT_4O_1000_IN);
    });
  }

  @Test
  void declarativeMode_configurationThatNamesLockNsProcessors_getsThemOnce() {
    declarative.withPropertyValues(
            "otel.tracer_provider.processors[1].lockn_cost.x=1",
            "otel.tracer_provider.processors[2].lockn_attribution.x=1")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          String pipeline = pipeline(ctx);
          assertThat(instances(pipeline, CostSpanProcessor.class)).hasSize(1);
          assertThat(instances(pipeline, AttributionSpanProcessor.class)).hasSize(1);
        });
  }

  @Test
  void declarativeMode_pricingDisabled_attributionOnly() {
    declarative.withPropertyValues("lockn.pricing.enabled=false").run(ctx -> {
      assertThat(ctx).hasNotFailed().doesNotHaveBean("lockNCostComponentProvider");
      String pipeline = pipeline(ctx);
      assertThat(instances(pipeline, CostSpanProcessor.class)).isEmpty();
      assertThat(instances(pipeline, AttributionSpanProcessor.class)).hasSize(1);
    });
  }

  @Test
  void declarativeMode_withoutTracerProvider_addsNone() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(OpenTelemetryAutoConfiguration.class, LockNAutoConfiguration.class))
        .withPropertyValues("otel.file_format=1.0", "otel.resource.attributes[0].name=service.name",
            "otel.resource.attributes[0].value=test")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed().hasSingleBean(OpenTelemetryConfigurationModel.class);
          assertThat(instances(pipeline(ctx), CostSpanProcessor.class)).isEmpty();
        });
  }

  /** gpt-4o input at $2.50 per 1M tokens: 1000 tokens cost $0.0025 (2,500,000 nano-USD). */
  private static final BigDecimal GPT_4O_1000_IN = new BigDecimal("0.0025");

  /**
   * Ends one chat span on the starter's SDK (1000 input tokens of gpt-4o, tenant acme) and returns what the ledger
   * recorded for the tenant: only LockN's cost processor feeds it.
   */
  private static BigDecimal ledgerAfterOneChatSpan(AssertableApplicationContext ctx) {
    ctx.getBean(OpenTelemetry.class).getTracer("test").spanBuilder("chat gpt-4o")
        .setAttribute("gen_ai.operation.name", "chat")
        .setAttribute("gen_ai.provider.name", "openai")
        .setAttribute("gen_ai.request.model", "gpt-4o")
        .setAttribute(AttributeKey.longKey("gen_ai.usage.input_tokens"), 1000L)
        .setAttribute(AttributeKey.longKey("gen_ai.usage.output_tokens"), 0L)
        .setAttribute("app.tenant_id", "acme")
        .startSpan().end();
    return ctx.getBean(CostLedger.class)
        .totals(CostLedger.Dimension.TENANT, Instant.EPOCH, Instant.now().plusSeconds(60)).get("acme");
  }

  private static String pipeline(AssertableApplicationContext ctx) {
    return ((OpenTelemetrySdk) ctx.getBean(OpenTelemetry.class)).getSdkTracerProvider().toString();
  }

  /** The distinct instances of {@code type} named in an SDK object's {@code toString()}. */
  private static Set<String> instances(String description, Class<?> type) {
    Matcher m = Pattern.compile(Pattern.quote(type.getName()) + "@[0-9a-f]+").matcher(description);
    return m.results().map(r -> r.group()).collect(Collectors.toSet());
  }

  /** The {@code test_memory} span exporter of the declarative configurations above. */
  static class MemoryExporter {
    @Bean
    ComponentProvider testMemoryExporter() {
      InMemorySpanExporter spans = InMemorySpanExporter.create();
      return OtelStarterMemoryExporter.provider(spans);
    }
  }
}
