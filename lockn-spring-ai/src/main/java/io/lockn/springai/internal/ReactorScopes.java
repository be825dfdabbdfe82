package io.lockn.springai.internal;

import io.opentelemetry.context.Scope;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;

/**
 * Keeps an OpenTelemetry scope (a span, Baggage) open while a {@link Flux} is subscribed.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public final class ReactorScopes {

  private ReactorScopes() {}

  /**
   * The Reactor-context key under which {@code LockNContextAdvisor} passes the request's Baggage down the stream, for
   * the tool loop's later round trips, which Spring AI runs on other threads where the request's thread-bound
   * Baggage is gone.
   */
  public static final String BAGGAGE_KEY = "io.lockn.springai.baggage";

  /**
   * The context to restore for a round trip: the current one when it already has Baggage, else the current one with
   * the request's Baggage carried in the Reactor context, else {@code null} (nothing to restore).
   *
   * @param reactorContext the subscriber's Reactor context
   * @return the context to make current, or {@code null}
   */
  public static io.opentelemetry.context.@org.jspecify.annotations.Nullable Context carried(
      reactor.util.context.ContextView reactorContext) {
    if (!io.opentelemetry.api.baggage.Baggage.current().isEmpty()) {
      return null;
    }
    Object baggage = reactorContext.getOrDefault(BAGGAGE_KEY, null);
    return baggage instanceof io.opentelemetry.api.baggage.Baggage b
        ? io.opentelemetry.context.Context.current().with(b) : null;
  }

  /**
   * {@code flux}, subscribed with a scope open. ChatClient's stream advisors, the budget's admission and Spring AI's
   * model observation all start when the stream is subscribed, after an advisor's {@code adviseStream} returned, so a
   * scope closed there does not cover them. Work that Reactor moves to other threads ({@code publishOn}, the tool
   * loop's later rounds) does not see it. The Reactor context passes through unchanged.
   *
   * @param scope opens the scope, once per subscription
   * @param flux the stream
   * @param <T> the element type
   * @return the stream, subscribed within the scope
   */
  public static <T> Flux<T> subscribedWithin(Supplier<Scope> scope, Flux<T> flux) {
    return Flux.from(subscriber -> {
      try (Scope ignored = scope.get()) {
        flux.subscribe(subscriber);
      }
    });
  }
}
