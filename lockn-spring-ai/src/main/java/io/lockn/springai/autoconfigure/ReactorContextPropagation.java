package io.lockn.springai.autoconfigure;

import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Hooks;

/**
 * Turns on Reactor's automatic context propagation once per class loader ({@code lockn.reactor.context-propagation}),
 * so that thread-local context (the observation, the OpenTelemetry span and Baggage) follows a streamed response
 * across Reactor's threads. Loaded only when Reactor is on the classpath.
 */
final class ReactorContextPropagation {

  private static final AtomicBoolean ENABLED = new AtomicBoolean();

  private ReactorContextPropagation() {}

  /**
   * Enables the hook unless this class already did.
   *
   * @return the marker bean
   */
  static ReactorContextPropagation enable() {
    if (ENABLED.compareAndSet(false, true)) {
      Hooks.enableAutomaticContextPropagation();
    }
    return new ReactorContextPropagation();
  }

  /**
   * Whether this class turned the hook on.
   *
   * @return {@code true} once enabled
   */
  static boolean enabled() {
    return ENABLED.get();
  }

  @Override
  public String toString() {
    return "ReactorContextPropagation{enabled=" + ENABLED.get() + "}";
  }
}
