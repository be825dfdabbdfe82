package io.lockn.springai.autoconfigure;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;

/**
 * Where every LockN component of the application records its metrics: one {@link DeferredMeterProvider}, so that the
 * {@code LockN} instance, the cost pipeline and the budgets follow {@code lockn.metrics.export} together.
 */
final class LockNMeters {

  private final DeferredMeterProvider meterProvider;

  LockNMeters(DeferredMeterProvider meterProvider) {
    this.meterProvider = meterProvider;
  }

  /** The meter provider, chosen on first use. */
  MeterProvider meterProvider() {
    return meterProvider;
  }

  /**
   * {@code openTelemetry} with LockN's meter provider: its tracer, logs and propagators, for the {@code LockN}
   * instance, which takes its meters from the OpenTelemetry it is built with.
   */
  OpenTelemetry openTelemetry(OpenTelemetry openTelemetry) {
    return new Metered(openTelemetry, meterProvider);
  }

  @Override
  public String toString() {
    return "LockNMeters{" + meterProvider + "}";
  }

  /** An OpenTelemetry whose meter provider is LockN's, and everything else the application's. */
  private record Metered(OpenTelemetry delegate, MeterProvider meters) implements OpenTelemetry {
    @Override
    public TracerProvider getTracerProvider() {
      return delegate.getTracerProvider();
    }

    @Override
    public MeterProvider getMeterProvider() {
      return meters;
    }

    @Override
    public LoggerProvider getLogsBridge() {
      return delegate.getLogsBridge();
    }

    @Override
    public ContextPropagators getPropagators() {
      return delegate.getPropagators();
    }
  }
}
