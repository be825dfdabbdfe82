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

  /**
   * Adds to the step's own cost, recorded as {@code lockn.compression.cost_nanos} on the compression span and in
   * {@link CompressionRecord#costNanos()}: what running the compression cost, for example an LLM summariser's call or
   * a hosted compression API's fee. Calls add up (a summariser that calls a model per chunk reports each call), and
   * add to {@link CompressionSpec#stepCostNanos(long)}.
   *
   * <pre>{@code
   * compression.measure(CompressionStrategy.SUMMARY_INJECTION, "gpt-4o", history, messages -> {
   *   Summary s = summariser.summarise(messages);                      // a model call of its own
   *   Cost cost = catalog.cost("openai", "gpt-4o-mini", s.usage(), Instant.now(), null);
   *   if (cost.isPriced()) {
   *     CompressionContext.current().recordStepCost(cost.totalNanos());
   *   }
   *   return s.messages();
   * });
   * }</pre>
   *
   * <p>A model call that the step makes through LockN is a child span of the compression span, so the {@code
   * CostSpanProcessor} prices it on its own span and rolls it up to the enclosing agent, task or workflow like any
   * other call. This attribute is separate from that accounting (it feeds the ROI of the step in {@code lockn audit}
   * and the listeners) and is never added to {@code lockn.client.cost} or a roll-up, so reporting such a call's cost
   * here as well counts it once in each, never twice in either.
   *
   * @param costNanos the cost in nano-USD (1 USD = 1,000,000,000), exact; a negative value is logged through {@link
   *     io.lockn.core.spi.UsageLogger} and ignored, and the sum saturates at {@link Long#MAX_VALUE}
   * @return this context
   */
  CompressionContext recordStepCost(long costNanos);
}
