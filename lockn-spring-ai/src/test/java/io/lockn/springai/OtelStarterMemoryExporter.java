package io.lockn.springai;

import io.opentelemetry.api.incubator.config.DeclarativeConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.internal.ComponentProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * The span exporter {@code test_memory} for declarative OpenTelemetry configuration: tests name it in {@code
 * tracer_provider.processors[].simple.exporter} and register this provider as a bean, as the OpenTelemetry Spring Boot
 * starter resolves component providers from beans too. Used only by the {@code otel-starter-test} execution (its
 * name matches no test pattern, so the default execution, without the starter's jars, never loads it).
 */
public final class OtelStarterMemoryExporter {

  /** The exporter's name in the configuration. */
  public static final String NAME = "test_memory";

  private OtelStarterMemoryExporter() {}

  /**
   * A provider that resolves {@value #NAME} to the given exporter.
   *
   * @param exporter the exporter, usually an {@code InMemorySpanExporter}
   * @return the component provider
   */
  public static ComponentProvider provider(SpanExporter exporter) {
    return new ComponentProvider() {
      @Override
      public Class<SpanExporter> getType() {
        return SpanExporter.class;
      }

      @Override
      public String getName() {
        return NAME;
      }

      @Override
      public SpanExporter create(DeclarativeConfigProperties config) {
        return exporter;
      }
    };
  }
}
