/**
 * Measures what a token-compression step saves: {@link io.lockn.compression.Compression#measure(CompressionStrategy,
 * String, String, java.util.function.Function) Compression.measure(...)} wraps any step (prompt text or chat messages
 * in, compressed out; synchronous or asynchronous) and records the token counts before and after, the achieved ratio
 * next to a requested target, the step's own duration, whether a cache served it, the step's own cost when it reports
 * one and, from a pluggable {@link io.lockn.compression.QualityEvaluator}, a quality score that may arrive after the
 * span ended. Token counts, durations and cache hits are also recorded as {@code lockn.compression.*} metrics.
 *
 * <p>The attribute keys and metric names are in {@link io.lockn.compression.CompressionAttributes}. Token counting goes through the
 * core SPI {@link io.lockn.core.spi.TokenCounter}; counts are offline estimates for measuring savings, while the usage
 * the provider reports always wins for billing.
 */
@NullMarked
package io.lockn.compression;

import org.jspecify.annotations.NullMarked;
