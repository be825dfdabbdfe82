package io.lockn.springai.internal;

import io.opentelemetry.context.Scope;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;

/** Keeps an OpenTelemetry scope (a span, Baggage) open while a {@link Flux} is subscribed. */
public final class ReactorScopes {

  private ReactorScopes() {}

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
