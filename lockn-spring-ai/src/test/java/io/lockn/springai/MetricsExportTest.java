package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;

/**
 * Where LockN's metrics go ({@code lockn.metrics.export}) in the Spring Boot application of {@link MetricsTestApp}:
 * with an application-defined {@code SdkMeterProvider} bean they go to it and not also to Micrometer; the property
 * overrides the choice either way; an invalid value fails start-up naming the property; IDEs get its metadata.
 *
 * <p>One call in each application: acme, gpt-4o, 1000 input and 200 output tokens, at 2,500 and 10,000 nano-USD per
 * token: 2,500,000 input + 2,000,000 output = 4,500,000 nano-USD.
 */
class MetricsExportTest {

  private static final AttributeKey<String> COST_TYPE = AttributeKey.stringKey("lockn.cost.type");
  private static final AttributeKey<String> TENANT = AttributeKey.stringKey("app.tenant_id");

  /** The reader of the application's own meter provider; a new one per application. */
  static InMemoryMetricReader reader;

  private static OpenAiStub stub;

  @BeforeAll
  static void startStub() {
    stub = new OpenAiStub();
  }

  @AfterAll
  static void stopStub() {
    stub.close();
  }

  @Test
  void anApplicationSdkMeterProvider_getsLockNsMetrics_andMicrometerDoesNot() throws Exception {
    reader = InMemoryMetricReader.create();
    try (MetricsTestApp app = MetricsTestApp.start(stub, List.of(OwnMeterProvider.class))) {
      callOnce(app);
      assertThat(otelCost()).containsExactlyInAnyOrderEntriesOf(Map.of("input", 2_500_000L, "output", 2_000_000L));
      assertThat(reader.collectAllMetrics()).filteredOn(m -> m.getName().equals("lockn.budget.actions"))
          .singleElement().satisfies(m -> assertThat(m.getLongSumData().getPoints()).singleElement()
              .satisfies(p -> assertThat(p.getValue()).isEqualTo(1L)));
      assertThat(micrometerMeters(app, "lockn.client.cost")).isZero();
      assertThat(micrometerMeters(app, "lockn.budget.actions")).isZero();
      assertThat(app.get("/actuator/prometheus").body()).doesNotContain("lockn_");
    }
  }

  @Test
  void exportMicrometer_sendsThemToMicrometer_evenBesideAnSdkMeterProvider() throws Exception {
    reader = InMemoryMetricReader.create();
    try (MetricsTestApp app = MetricsTestApp.start(stub, List.of(OwnMeterProvider.class),
        "--lockn.metrics.export=micrometer")) {
      callOnce(app);
      MeterRegistry registry = app.context.getBean(MeterRegistry.class);
      assertThat(registry.get("lockn.client.cost").tags("lockn.cost.type", "input").counter().count())
          .isEqualTo(2_500_000d);
      assertThat(registry.get("lockn.client.cost").tags("lockn.cost.type", "output").counter().count())
          .isEqualTo(2_000_000d);
      assertThat(otelCost()).isEmpty();
    }
  }

  @Test
  void exportOpenTelemetry_keepsThemOnOpenTelemetry_evenWhenItExportsNothing() throws Exception {
    try (MetricsTestApp app = MetricsTestApp.start(stub, List.of(), "--lockn.metrics.export=opentelemetry")) {
      callOnce(app);
      assertThat(micrometerMeters(app, "lockn.client.cost")).isZero();
      assertThat(app.get("/actuator/prometheus").body()).doesNotContain("lockn_client_cost");
    }
  }

  @Test
  void anInvalidExport_failsStartUp_namingTheProperty() {
    Throwable failure = catchThrowable(() -> MetricsTestApp.start(stub, List.of(), "--lockn.metrics.export=prometheus"));
    assertThat(failure).isNotNull();
    StringBuilder messages = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      messages.append(t.getMessage()).append('\n');
    }
    assertThat(messages.toString()).contains("lockn.metrics.export").contains("prometheus");
  }

  @Test
  void theConfigurationMetadata_documentsTheProperty() throws Exception {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).isNotNull();
      root = new ObjectMapper().readTree(in);
    }
    JsonNode export = null;
    for (JsonNode p : root.path("properties")) {
      if (p.path("name").asText().equals("lockn.metrics.export")) {
        export = p;
      }
    }
    assertThat(export).as("lockn.metrics.export in the generated metadata").isNotNull();
    assertThat(export.path("type").asText()).isEqualTo("io.lockn.springai.autoconfigure.LockNMetricsProperties$Export");
    assertThat(export.path("defaultValue").asText()).isEqualTo("auto");
    assertThat(export.path("description").asText()).contains("auto").contains("micrometer").contains("opentelemetry");
  }

  private static void callOnce(MetricsTestApp app) throws Exception {
    stub.json(OpenAiStub.completion("gpt-4o", "a", 1000, 0, 200, 0));
    app.ask("acme");
    // And a block, counted in lockn.budget.actions.
    assertThat(app.get("/ask?tenant=blocked-co").statusCode()).isGreaterThanOrEqualTo(400);
  }

  private static long micrometerMeters(MetricsTestApp app, String name) {
    return app.context.getBean(MeterRegistry.class).find(name).meters().size();
  }

  /** lockn.client.cost in the application's own meter provider, by token class, for tenant acme. */
  private static Map<String, Long> otelCost() {
    Map<String, Long> result = new TreeMap<>();
    for (MetricData m : reader.collectAllMetrics()) {
      if (m.getName().equals("lockn.client.cost")) {
        for (LongPointData p : m.getLongSumData().getPoints()) {
          assertThat(p.getAttributes().get(TENANT)).isEqualTo("acme");
          result.put(p.getAttributes().get(COST_TYPE), p.getValue());
        }
      }
    }
    return result;
  }

  /** The application's own OpenTelemetry meter provider, which Spring Boot's OpenTelemetry SDK is built with. */
  static class OwnMeterProvider {
    @Bean
    SdkMeterProvider sdkMeterProvider() {
      return SdkMeterProvider.builder().registerMetricReader(reader).build();
    }
  }
}
