/**
 * Zero-code pricing through OpenTelemetry SDK autoconfigure: {@link
 * io.lockn.pricing.autoconfigure.PricingAutoConfigurationCustomizerProvider} adds the {@link
 * io.lockn.pricing.sdk.CostSpanProcessor} to an autoconfigured SDK, and so to the OpenTelemetry Java agent when the
 * {@code lockn-javaagent-extension} jar is loaded with {@code -Dotel.javaagent.extensions}. It is found through {@code
 * META-INF/services} and configured with {@code lockn.pricing.*} properties (or {@code LOCKN_PRICING_*} environment
 * variables). Needs {@code io.opentelemetry:opentelemetry-sdk-extension-autoconfigure-spi}, which every
 * autoconfigured SDK and the agent have.
 */
@NullMarked
package io.lockn.pricing.autoconfigure;

import org.jspecify.annotations.NullMarked;
