package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.DeclarativeConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.OpenTelemetryConfigurationModel;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.spi.internal.ComponentProvider;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

/**
 * The OpenTelemetry Spring Boot starter building its SDK from declarative configuration: {@code otel.file_format}
 * and the {@code otel:} tree in the Spring environment. That SDK runs no {@code AutoConfigurationCustomizerProvider},
 * so lockn-pricing's SPI does not apply there; LockN's processors must come from the configuration model. Spans reach
 * the test through a {@code simple} processor whose exporter, {@code test_memory}, a {@link ComponentProvider} bean
 * resolves: the starter's hook in this mode. The tests are in {@link OtelStarterTestSupport}.
 */
@SpringBootTest(
    classes = SpringAiDeclarativeOtelStarterTest.App.class,
    properties = {
      OtelStarterTestSupport.OPENAI_1, OtelStarterTestSupport.OPENAI_2, OtelStarterTestSupport.OPENAI_3,
      OtelStarterTestSupport.BUDGET_1, OtelStarterTestSupport.BUDGET_2, OtelStarterTestSupport.BUDGET_3,
      OtelStarterTestSupport.BUDGET_4,
      "otel.file_format=1.0",
      "otel.tracer_provider.processors[0].simple.exporter.test_memory.name=spans"
    })
class SpringAiDeclarativeOtelStarterTest extends OtelStarterTestSupport {

  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

  /** Not a {@code @Configuration}, so that no other test's component scan picks it up. */
  @EnableAutoConfiguration
  static class App {
    @Bean
    ComponentProvider testMemoryExporter() {
      return OtelStarterMemoryExporter.provider(SPANS);
    }
  }

  @Override
  InMemorySpanExporter spans() {
    return SPANS;
  }

  @Test
  void declarativeMode_noAutoConfiguredSdkAndLockNsProcessorsFromTheModel() {
    assertThat(context.getBeansOfType(OpenTelemetryConfigurationModel.class)).hasSize(1);
    assertThat(context.getBeansOfType(AutoConfiguredOpenTelemetrySdk.class)).isEmpty();
    assertThat(context.getBeansOfType(AutoConfigurationCustomizerProvider.class)).isEmpty();
    assertThat(context.getBean("lockNDeclarativeConfigurationCustomizerProvider"))
        .isInstanceOf(DeclarativeConfigurationCustomizerProvider.class);
  }
}
