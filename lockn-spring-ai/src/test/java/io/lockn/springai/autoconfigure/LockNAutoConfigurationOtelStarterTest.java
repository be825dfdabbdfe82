package io.lockn.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.sdk.AttributionSpanProcessor;
import io.lockn.pricing.CostLedger;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.sdk.CostPipeline;
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
import io.lockn.springai.SdkSpanProcessors;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
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
          // The pipeline is a bean (LockN's call pricing); the attribution processor is not.
          .hasSingleBean(CostPipeline.class).doesNotHaveBean(AttributionSpanProcessor.class);
      assertThat(ctx.getBean("lockNAutoConfigurationCustomizerProvider"))
          .isInstanceOf(AutoConfigurationCustomizerProvider.class);
      SdkTracerProvider pipeline = pipeline(ctx);
      assertThat(instances(pipeline, CostPipeline.class)).hasSize(1);
      assertThat(instances(pipeline, AttributionSpanProcessor.class)).hasSize(1);
      assertThat(ledgerAfterOneChatSpan(ctx)).isEqualByComparingTo(GPT_4O_1000_IN);
    });
  }

  @Test
  void propertiesMode_pricingDisabled_noCostProcessorFromLockNNorFromLocknPricingsSpi() {
    properties.withPropertyValues("lockn.pricing.enabled=false").run(ctx -> {
      SdkTracerProvider pipeline = pipeline(ctx);
      assertThat(instances(pipeline, CostPipeline.class)).isEmpty();
      assertThat(instances(pipeline, AttributionSpanProcessor.class)).hasSize(1);
    });
  }

  @Test
  void propertiesMode_pricingEnabledExplicitly_stillOnlyLockNsPipeline() {
    // The starter lets the Spring environment win over customizers, so lockn-pricing's SPI is stood down by a key of
    // its own, not by lockn.pricing.enabled: setting that one explicitly changes nothing.
    properties.withPropertyValues("lockn.pricing.enabled=true").run(ctx -> {
      SdkTracerProvider pipeline = pipeline(ctx);
      assertThat(instances(pipeline, CostPipeline.class)).containsExactly(ctx.getBean(CostPipeline.class));
      assertThat(ledgerAfterOneChatSpan(ctx)).isEqualByComparingTo(GPT_4O_1000_IN);
    });
  }

  @Test
  void propertiesMode_pricingPropertiesReachTheStartersSdk() {
    // One set of keys: the same catalog, aliases and discounts as with Spring Boot's own SDK.
    properties.withPropertyValues("lockn.pricing.discounts[openai/gpt-4o]=20",
            "lockn.pricing.aliases[prod].provider=openai", "lockn.pricing.aliases[prod].model=gpt-4o")
        .run(ctx -> {
          assertThat(instances(pipeline(ctx), CostPipeline.class)).hasSize(1);
          // 20% off: 0.8 x $0.0025.
          assertThat(ledgerAfterOneChatSpan(ctx, "prod")).isEqualByComparingTo(new BigDecimal("0.002"));
        });
  }

  @Test
  void propertiesMode_applicationsOwnProcessorBeans_areTheOnesAdded() {
    CostPipeline cost = CostPipeline.builder(PriceCatalog.bundled()).build();
    properties.withBean(CostPipeline.class, () -> cost).run(ctx -> {
      assertThat(instances(pipeline(ctx), CostPipeline.class)).containsExactly(cost);
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
          .hasSingleBean(CostPipeline.class).doesNotHaveBean(AttributionSpanProcessor.class);
      SdkTracerProvider pipeline = pipeline(ctx);
      assertThat(instances(pipeline, CostPipeline.class)).hasSize(1);
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
          SdkTracerProvider pipeline = pipeline(ctx);
          assertThat(instances(pipeline, CostPipeline.class)).hasSize(1);
          assertThat(instances(pipeline, AttributionSpanProcessor.class)).hasSize(1);
        });
  }

  @Test
  void declarativeMode_pricingDisabled_attributionOnly() {
    declarative.withPropertyValues("lockn.pricing.enabled=false").run(ctx -> {
      assertThat(ctx).hasNotFailed().doesNotHaveBean("lockNCostComponentProvider");
      SdkTracerProvider pipeline = pipeline(ctx);
      assertThat(instances(pipeline, CostPipeline.class)).isEmpty();
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
          assertThat(instances(pipeline(ctx), CostPipeline.class)).isEmpty();
        });
  }

  /** gpt-4o input at $2.50 per 1M tokens: 1000 tokens cost $0.0025 (2,500,000 nano-USD). */
  private static final BigDecimal GPT_4O_1000_IN = new BigDecimal("0.0025");

  /**
   * Ends one chat span on the starter's SDK (1000 input tokens of gpt-4o, tenant acme) and returns what the ledger
   * recorded for the tenant: only LockN's cost processor feeds it.
   */
  private static BigDecimal ledgerAfterOneChatSpan(AssertableApplicationContext ctx) {
    return ledgerAfterOneChatSpan(ctx, "gpt-4o");
  }

  private static BigDecimal ledgerAfterOneChatSpan(AssertableApplicationContext ctx, String model) {
    ctx.getBean(OpenTelemetry.class).getTracer("test").spanBuilder("chat " + model)
        .setAttribute("gen_ai.operation.name", "chat")
        .setAttribute("gen_ai.provider.name", "openai")
        .setAttribute("gen_ai.request.model", model)
        .setAttribute(AttributeKey.longKey("gen_ai.usage.input_tokens"), 1000L)
        .setAttribute(AttributeKey.longKey("gen_ai.usage.output_tokens"), 0L)
        .setAttribute("app.tenant_id", "acme")
        .startSpan().end();
    return ctx.getBean(CostLedger.class)
        .totals(CostLedger.Dimension.TENANT, Instant.EPOCH, Instant.now().plusSeconds(60)).get("acme");
  }

  private static SdkTracerProvider pipeline(AssertableApplicationContext ctx) {
    return ((OpenTelemetrySdk) ctx.getBean(OpenTelemetry.class)).getSdkTracerProvider();
  }

  private static List<Object> instances(SdkTracerProvider pipeline, Class<?> type) {
    return SdkSpanProcessors.instances(pipeline, type);
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
