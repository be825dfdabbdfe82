package io.lockn.springai.autoconfigure;

import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.metrics.MeterProvider;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The meter provider of the application's {@link OpenTelemetry} bean, looked up when a meter is first built rather
 * than when the bean that uses it is created: span processors are part of the tracer provider the OpenTelemetry bean
 * is built from, so asking for the bean then would be a cycle. Without the bean it is the global instance's when one
 * was set (never setting it, unlike {@link GlobalOpenTelemetry#getMeterProvider()}), else no metrics.
 */
final class DeferredMeterProvider implements MeterProvider {

  private final ObjectProvider<OpenTelemetry> openTelemetry;

  DeferredMeterProvider(ObjectProvider<OpenTelemetry> openTelemetry) {
    this.openTelemetry = openTelemetry;
  }

  @Override
  public MeterBuilder meterBuilder(String instrumentationScopeName) {
    try {
      OpenTelemetry otel = openTelemetry.getIfAvailable();
      if (otel != null) {
        return otel.getMeterProvider().meterBuilder(instrumentationScopeName);
      }
      if (GlobalOpenTelemetry.isSet()) {
        return GlobalOpenTelemetry.getMeterProvider().meterBuilder(instrumentationScopeName);
      }
    } catch (RuntimeException e) {
      UsageLogger.failed("looking up the OpenTelemetry meter provider for " + instrumentationScopeName, e);
    }
    return MeterProvider.noop().meterBuilder(instrumentationScopeName);
  }

  @Override
  public String toString() {
    return "DeferredMeterProvider{OpenTelemetry bean}";
  }
}
