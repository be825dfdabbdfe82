package io.lockn.compression;

/**
 * What a running compression step can tell {@link Compression} about itself. The step finds it with {@link
 * #current()}: it is current in the OpenTelemetry {@link io.opentelemetry.context.Context} while the step runs. An
 * asynchronous step that continues on another thread takes it with {@link #current()} before it hops (or propagates
 * the context with {@code Context.current().wrap(executor)}).
 *
 * <pre>{@code
 * compression.measure(CompressionStrategy.PROMPT_CACHING, "gpt-4o", prompt, text -> {
 *   String cached = cache.get(text);
 *   CompressionContext.current().cacheHit(cached != null);
 *   return cached != null ? cached : text;
 * });
 * }</pre>
 *
 * <p>Methods are thread-safe, never throw and are ignored once the measurement ended.
 */
public interface CompressionContext {

  /**
   * The context of the compression step running in the current context.
   *
   * @return the current step's context, or a no-op context outside any measured step
   */
  static CompressionContext current() {
    return Measurement.current();
  }

  /**
   * Records {@code lockn.compression.cache_hit}.
   *
   * @param hit whether a cache served the step
   * @return this context
   */
  CompressionContext cacheHit(boolean hit);
}
