package io.lockn.springai.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where LockN records its metrics in a Spring Boot application, under {@code lockn.metrics}. LockN records on the
 * OpenTelemetry metrics API; Spring Boot keeps an application's metrics in Micrometer instead (its OpenTelemetry SDK
 * has no meter provider unless the application defines one), so by default LockN's metrics follow whichever of the two
 * exports something.
 */
@ConfigurationProperties("lockn.metrics")
public class LockNMetricsProperties {

  /** Where LockN's metrics go. */
  public enum Export {
    /**
     * To the OpenTelemetry meter provider when it exports metrics (a user-defined {@code SdkMeterProvider} bean with a
     * reader, or the OpenTelemetry Spring Boot starter's SDK); else to the application's Micrometer {@code
     * MeterRegistry} when there is one; else nowhere.
     */
    AUTO,
    /** To the application's Micrometer {@code MeterRegistry} ({@code /actuator/prometheus}, {@code /actuator/metrics}, OTLP). */
    MICROMETER,
    /** To the OpenTelemetry meter provider of the {@code OpenTelemetry} bean, even when it exports nothing. */
    OPENTELEMETRY
  }

  /**
   * Where LockN's metrics (lockn.client.cost, lockn.budget.actions, gen_ai.client.token.usage...) go: auto (the
   * OpenTelemetry meter provider when it exports metrics, else the Micrometer MeterRegistry), micrometer or
   * opentelemetry.
   */
  private Export export = Export.AUTO;

  /** Creates the properties with their defaults; Spring Boot binds them. */
  public LockNMetricsProperties() {}

  /**
   * Where LockN's metrics go.
   *
   * @return the export, {@link Export#AUTO} by default
   */
  public Export getExport() {
    return export;
  }

  /**
   * Sets where LockN's metrics go.
   *
   * @param export the export
   */
  public void setExport(Export export) {
    this.export = export;
  }
}
