package io.lockn.springai.autoconfigure;

import io.lockn.core.spi.UsageLogger;
import io.lockn.springai.autoconfigure.LockNMetricsProperties.Export;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.metrics.MeterProvider;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.ClassUtils;

/**
 * LockN's meter provider in a Spring application: the meter provider of the application's {@link OpenTelemetry} bean
 * (without the bean, the global instance's when one was set, never setting it as {@link
 * GlobalOpenTelemetry#getMeterProvider()} would), or a {@link MicrometerMeterProvider} on the application's Micrometer
 * {@code MeterRegistry}, as {@code lockn.metrics.export} says ({@link Export}). With {@link Export#AUTO}: OpenTelemetry
 * when its meter provider exports metrics (its meters are not the no-op API's, so an {@code SdkMeterProvider} with at
 * least one reader: a user-defined one, or the OpenTelemetry Spring Boot starter's), else Micrometer when a {@code
 * MeterRegistry} bean is defined, else OpenTelemetry (which records nothing). One of the two, never both, so nothing is
 * counted twice.
 *
 * <p>The choice is made once, when the first meter is built, rather than when the bean that uses it is created: span
 * processors are part of the tracer provider the OpenTelemetry bean is built from, so asking for the bean then would be
 * a cycle. The {@code MeterRegistry} is only looked up by name then, and created on the first recording.
 */
final class DeferredMeterProvider implements MeterProvider {

  private static final boolean MICROMETER_PRESENT =
      ClassUtils.isPresent("io.micrometer.core.instrument.MeterRegistry", DeferredMeterProvider.class.getClassLoader());

  private final ObjectProvider<OpenTelemetry> openTelemetry;
  private final Export export;
  private final @Nullable ListableBeanFactory beanFactory;
  private volatile @Nullable MeterProvider target;

  /**
   * The meter provider {@code export} chooses.
   *
   * @param openTelemetry the OpenTelemetry bean
   * @param export where the metrics go
   * @param beanFactory where to find the Micrometer {@code MeterRegistry} bean; {@code null} for none
   */
  DeferredMeterProvider(
      ObjectProvider<OpenTelemetry> openTelemetry, Export export, @Nullable ListableBeanFactory beanFactory) {
    this.openTelemetry = openTelemetry;
    this.export = export;
    this.beanFactory = beanFactory;
  }

  @Override
  public MeterBuilder meterBuilder(String instrumentationScopeName) {
    try {
      return target().meterBuilder(instrumentationScopeName);
    } catch (RuntimeException e) {
      UsageLogger.failed("looking up LockN's meter provider for " + instrumentationScopeName, e);
      return MeterProvider.noop().meterBuilder(instrumentationScopeName);
    }
  }

  /** The meter provider LockN's metrics go to, chosen on first use. */
  MeterProvider target() {
    MeterProvider t = target;
    if (t == null) {
      synchronized (this) {
        t = target;
        if (t == null) {
          t = choose();
          target = t;
        }
      }
    }
    return t;
  }

  private MeterProvider choose() {
    MeterProvider otel = openTelemetryMeterProvider();
    if (export == Export.OPENTELEMETRY || (export == Export.AUTO && exports(otel))) {
      return otel;
    }
    MeterProvider micrometer = MICROMETER_PRESENT && beanFactory != null ? MicrometerPresent.provider(beanFactory) : null;
    if (micrometer != null) {
      return micrometer;
    }
    if (export == Export.MICROMETER) {
      UsageLogger.warn("lockn.metrics.export=micrometer, but the application defines no Micrometer MeterRegistry:"
          + " LockN's metrics go to the OpenTelemetry meter provider");
    }
    return otel;
  }

  private MeterProvider openTelemetryMeterProvider() {
    OpenTelemetry otel = openTelemetry.getIfAvailable();
    if (otel != null) {
      return otel.getMeterProvider();
    }
    if (GlobalOpenTelemetry.isSet()) {
      return GlobalOpenTelemetry.getMeterProvider();
    }
    return MeterProvider.noop();
  }

  /**
   * Whether a meter provider exports anything: its meters are not the no-op API's. The SDK's meter provider hands out
   * no-op meters while it has no metric reader, and Spring Boot's OpenTelemetry SDK has none unless the application
   * defines an {@code SdkMeterProvider}.
   */
  static boolean exports(MeterProvider provider) {
    return provider.get("io.lockn").getClass() != MeterProvider.noop().get("io.lockn").getClass();
  }

  @Override
  public String toString() {
    return "DeferredMeterProvider{export=" + export + ", target=" + target + "}";
  }

  /** Loaded only when micrometer-core is on the classpath. */
  private static final class MicrometerPresent {
    static @Nullable MeterProvider provider(ListableBeanFactory beanFactory) {
      // By name, creating nothing: a registry (and what it needs: tracing, the OpenTelemetry SDK...) may be on its way.
      if (beanFactory.getBeanNamesForType(MeterRegistry.class, true, false).length == 0) {
        return null;
      }
      ObjectProvider<MeterRegistry> registry = beanFactory.getBeanProvider(MeterRegistry.class);
      return new MicrometerMeterProvider(registry::getIfUnique);
    }
  }
}
