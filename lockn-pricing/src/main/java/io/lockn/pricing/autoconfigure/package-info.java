/**
 * Wiring of LockN's pricing from properties. {@link io.lockn.pricing.autoconfigure.CostPipelineFactory} builds the
 * price catalog and the {@link io.lockn.pricing.sdk.CostPipeline} from a {@link io.lockn.pricing.PricingConfig}, for
 * every wiring. {@link io.lockn.pricing.autoconfigure.PricingAutoConfigurationCustomizerProvider} is zero-code
 * pricing through OpenTelemetry SDK autoconfigure: it adds the pipeline to an autoconfigured SDK, and so to the
 * OpenTelemetry Java agent when the {@code lockn-javaagent-extension} jar is loaded with {@code
 * -Dotel.javaagent.extensions}. It is found through {@code META-INF/services} and configured with the {@code
 * lockn.pricing.*} and {@code lockn.attribution.*} properties (or {@code LOCKN_PRICING_*} and {@code
 * LOCKN_ATTRIBUTION_*} environment variables). It needs {@code
 * io.opentelemetry:opentelemetry-sdk-extension-autoconfigure-spi}, which every autoconfigured SDK and the agent have;
 * the factory does not.
 */
@NullMarked
package io.lockn.pricing.autoconfigure;

import org.jspecify.annotations.NullMarked;
