package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

/**
 * The OpenTelemetry Spring Boot starter building its SDK from properties (an {@code AutoConfiguredOpenTelemetrySdk}):
 * spans reach the test through a {@code SimpleSpanProcessor} that an {@link AutoConfigurationCustomizerProvider} bean
 * adds, the hook the starter offers in this mode (and the one LockN uses). The tests are in {@link
 * OtelStarterTestSupport}.
 */
@SpringBootTest(
    classes = SpringAiOtelStarterTest.App.class,
    properties = {
      OtelStarterTestSupport.OPENAI_1, OtelStarterTestSupport.OPENAI_2, OtelStarterTestSupport.OPENAI_3,
      OtelStarterTestSupport.BUDGET_1, OtelStarterTestSupport.BUDGET_2, OtelStarterTestSupport.BUDGET_3,
      OtelStarterTestSupport.BUDGET_4,
      "otel.traces.exporter=none",
      "otel.metrics.exporter=none",
      "otel.logs.exporter=none"
    })
class SpringAiOtelStarterTest extends OtelStarterTestSupport {

  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

  /** Not a {@code @Configuration}, so that no other test's component scan picks it up. */
  @EnableAutoConfiguration
  static class App {
    @Bean
    AutoConfigurationCustomizerProvider testSpanCapture() {
      return c -> c.addTracerProviderCustomizer((builder, config) ->
          builder.addSpanProcessor(SimpleSpanProcessor.create(SPANS)));
    }
  }

  @Override
  InMemorySpanExporter spans() {
    return SPANS;
  }

  @Test
  void propertiesMode_lockNsCustomizerBeanAndLocknPricingsSpiStoodDown() {
    OpenTelemetrySdk sdk = context.getBean(AutoConfiguredOpenTelemetrySdk.class).getOpenTelemetrySdk();
    assertThat(((OpenTelemetrySdk) openTelemetry).getSdkTracerProvider()).isSameAs(sdk.getSdkTracerProvider());
    assertThat(context.getBean("lockNAutoConfigurationCustomizerProvider"))
        .isInstanceOf(AutoConfigurationCustomizerProvider.class);
    // lockn-pricing's SPI is on the classpath and was loaded by the starter too, but added no second processor.
    assertThat(SdkSpanProcessors.instances(sdk.getSdkTracerProvider(), CostPipeline.class))
        .containsExactly(context.getBean(CostPipeline.class));
  }
}
