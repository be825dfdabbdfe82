package io.lockn.pricing.autoconfigure;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.metrics.MeterProvider;

/**
 * {@code GlobalOpenTelemetry}'s meter provider, looked up when a meter is first built (the cost pipeline does
 * so when it prices its first call) rather than when the SDK is configured, because an autoconfigured SDK becomes
 * global only after it is built. Unlike {@link GlobalOpenTelemetry#getMeterProvider()}, it never sets the global
 * instance as a side effect: when none is set yet it answers a no-op provider and logs one warning.
 */
final class GlobalMeterProvider implements MeterProvider {

  @Override
  public MeterBuilder meterBuilder(String instrumentationScopeName) {
    return resolve().meterBuilder(instrumentationScopeName);
  }

  private static MeterProvider resolve() {
    boolean set;
    try {
      set = GlobalOpenTelemetry.isSet();
    } catch (LinkageError olderApi) {
      // isSet() arrived in API 1.57; before it, get() is the only way, with its side effect.
      return GlobalOpenTelemetry.getMeterProvider();
    }
    if (set) {
      return GlobalOpenTelemetry.getMeterProvider();
    }
    System.getLogger(PricingAutoConfigurationCustomizerProvider.LOGGER_NAME).log(System.Logger.Level.WARNING,
        "LockN pricing: GlobalOpenTelemetry was not set when the first call was priced, so the cost metrics "
            + "(lockn.client.cost) are not recorded; the span cost attributes are. Make the SDK global, e.g. with "
            + "AutoConfiguredOpenTelemetrySdk.builder().setResultAsGlobal()");
    return MeterProvider.noop();
  }
}
