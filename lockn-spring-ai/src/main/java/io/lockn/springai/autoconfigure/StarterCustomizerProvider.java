package io.lockn.springai.autoconfigure;

import io.lockn.core.sdk.AttributionSpanProcessor;
import io.lockn.core.spi.UsageLogger;
import io.lockn.pricing.autoconfigure.PricingAutoConfigurationCustomizerProvider;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Adds LockN's span processors to the SDK that the OpenTelemetry Spring Boot starter builds from properties (an
 * {@code AutoConfiguredOpenTelemetrySdk}; the starter loads customizer providers from Spring beans as well as from
 * {@code META-INF/services}). The starter ignores plain {@code SpanProcessor} beans, so this is LockN's only way in.
 *
 * <p>lockn-pricing's own {@link PricingAutoConfigurationCustomizerProvider} is on the same classpath and would add a
 * second cost pipeline, built from the same properties by the same factory but without the cost ledger, the
 * application's beans or its {@code CostPipeline} bean. This provider stands it down by setting {@value
 * PricingAutoConfigurationCustomizerProvider#ADDED_ELSEWHERE} in the SDK's configuration: a key of its own, which no
 * application property overrides (the starter lets the Spring environment win over customizers, so overriding
 * {@code lockn.pricing.enabled} would not do when the application sets it). One cost pipeline, never two.
 */
final class StarterCustomizerProvider implements AutoConfigurationCustomizerProvider {

  private final @Nullable CostPipeline cost;
  private final @Nullable AttributionSpanProcessor attribution;

  /**
   * @param cost LockN's cost pipeline, or {@code null} when pricing is off
   * @param attribution LockN's attribution processor, or {@code null} when there is none
   */
  StarterCustomizerProvider(@Nullable CostPipeline cost, @Nullable AttributionSpanProcessor attribution) {
    this.cost = cost;
    this.attribution = attribution;
  }

  @Override
  public void customize(AutoConfigurationCustomizer autoConfiguration) {
    if (cost != null) {
      autoConfiguration.addPropertiesCustomizer(
          config -> Map.of(PricingAutoConfigurationCustomizerProvider.ADDED_ELSEWHERE, "true"));
    }
    autoConfiguration.addTracerProviderCustomizer(this::addProcessors);
  }

  private SdkTracerProviderBuilder addProcessors(SdkTracerProviderBuilder builder, ConfigProperties config) {
    try {
      // Each goes first, ahead of the exporters: attribution, then cost in front of it.
      if (attribution != null) {
        builder.addSpanProcessorFirst(attribution);
      }
      if (cost != null) {
        builder.addSpanProcessorFirst(cost);
      }
    } catch (RuntimeException | LinkageError e) {
      UsageLogger.failed("adding LockN's span processors to the OpenTelemetry starter's SDK", e);
    }
    return builder;
  }

  @Override
  public String toString() {
    return "LockN AutoConfigurationCustomizerProvider";
  }
}
