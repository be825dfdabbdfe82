/**
 * The OpenTelemetry SDK side of pricing: {@link io.lockn.pricing.sdk.CostPipeline} prices every GenAI span when
 * it ends, whoever created it, records the cost metric and the roll-ups. Needs {@code
 * io.opentelemetry:opentelemetry-sdk}.
 */
@NullMarked
package io.lockn.pricing.sdk;

import org.jspecify.annotations.NullMarked;
