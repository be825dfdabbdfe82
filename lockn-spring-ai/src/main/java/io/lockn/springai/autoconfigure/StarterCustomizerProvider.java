package io.lockn.springai.autoconfigure;

import io.lockn.core.sdk.AttributionSpanProcessor;
import io.lockn.core.spi.UsageLogger;
import io.lockn.pricing.autoconfigure.PricingAutoConfigurationCustomizerProvider;
import io.lockn.pricing.sdk.CostSpanProcessor;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * Adds LockN's span processors to the SDK that the OpenTelemetry Spring Boot starter builds from properties (an
 * {@code AutoConfiguredOpenTelemetrySdk}; the starter loads customizer providers from Spring beans as well as from
 * {@code META-INF/services}). The starter ignores plain {@code SpanProcessor} beans, so this is LockN's only way in.
 *
 * <p>lockn-pricing's own {@link PricingAutoConfigurationCustomizerProvider} is on the same classpath and would add a
 * second cost processor: one that prices with the bundled catalog only (not {@code lockn.pricing.files}, aliases or
 * discounts) and feeds no ledger. This provider stands it down by overriding {@value
 * PricingAutoConfigurationCustomizerProvider#ENABLED} to {@code false} in the SDK's configuration. The starter lets
 * the Spring environment win over such overrides, so an application that sets {@code lockn.pricing.enabled=true}
 * explicitly keeps the SPI's processor; LockN then adds none of its own (one cost processor, never two) and says so
 * once.
 */
final class StarterCustomizerProvider implements AutoConfigurationCustomizerProvider {

  private final @Nullable CostSpanProcessor cost;
  private final @Nullable AttributionSpanProcessor attribution;

  /**
   * @param cost LockN's cost processor, or {@code null} when pricing is off
   * @param attribution LockN's attribution processor, or {@code null} when there is none
   */
  StarterCustomizerProvider(@Nullable CostSpanProcessor cost, @Nullable AttributionSpanProcessor attribution) {
    this.cost = cost;
    this.attribution = attribution;
  }

  @Override
  public void customize(AutoConfigurationCustomizer autoConfiguration) {
    if (cost != null) {
      autoConfiguration.addPropertiesCustomizer(
          config -> Map.of(PricingAutoConfigurationCustomizerProvider.ENABLED, "false"));
    }
    autoConfiguration.addTracerProviderCustomizer(this::addProcessors);
  }

  private SdkTracerProviderBuilder addProcessors(SdkTracerProviderBuilder builder, ConfigProperties config) {
    try {
      // Each goes first, ahead of the exporters: attribution, then cost in front of it.
      if (attribution != null) {
        builder.addSpanProcessorFirst(attribution);
      }
      CostSpanProcessor c = cost;
      if (c != null) {
        if (pricingSpiStillActive(config)) {
          UsageLogger.warn("lockn.pricing.enabled=true is set explicitly, so lockn-pricing's SDK customizer prices"
              + " the spans of the OpenTelemetry starter's SDK (bundled catalog and lockn.pricing.catalog only, no"
              + " cost ledger); LockN's own cost processor is not added. Remove the property (true is the"
              + " default) to price with LockN's configured catalog");
        } else {
          builder.addSpanProcessorFirst(c);
        }
      }
    } catch (RuntimeException | LinkageError e) {
      UsageLogger.failed("adding LockN's span processors to the OpenTelemetry starter's SDK", e);
    }
    return builder;
  }

  /** Whether lockn-pricing's customizer is registered and will read {@code lockn.pricing.enabled} as on. */
  static boolean pricingSpiStillActive(ConfigProperties config) {
    String enabled = config.getString(PricingAutoConfigurationCustomizerProvider.ENABLED);
    if (enabled != null && enabled.trim().toLowerCase(Locale.ROOT).equals("false")) {
      return false;
    }
    ClassLoader loader = StarterCustomizerProvider.class.getClassLoader();
    return ServiceLoader.load(AutoConfigurationCustomizerProvider.class, loader).stream()
        .anyMatch(p -> p.type() == PricingAutoConfigurationCustomizerProvider.class);
  }

  @Override
  public String toString() {
    return "LockN AutoConfigurationCustomizerProvider";
  }
}
