/**
 * Exact, dated, provider-aware model prices and the cost of a model call.
 *
 * <p>{@link io.lockn.pricing.PriceCatalog} holds prices (bundled, from a file, from LiteLLM's cost map, or from code)
 * and resolves provider model ids to catalog entries; {@link io.lockn.pricing.Cost} is the cost of one call in exact
 * nano-USD. {@link io.lockn.pricing.SpanPricing} is LockN's one reader of model calls in spans, whichever
 * instrumentation wrote them ({@link io.lockn.pricing.ModelCall}); {@link io.lockn.pricing.TraceCalls} counts the
 * calls of a whole trace once each, for {@code lockn audit}. The span processor that puts cost on every GenAI span
 * lives in {@link io.lockn.pricing.sdk}.
 *
 * <p>Money is never a {@code double}: prices are integer pico-USD per token, costs integer nano-USD, and every
 * rounding is stated where it happens.
 */
@NullMarked
package io.lockn.pricing;

import org.jspecify.annotations.NullMarked;
