package io.lockn.core.internal;

import io.lockn.core.GenAiMessage;
import io.lockn.core.spi.TokenCounter;
import io.lockn.core.spi.UsageLogger;
import java.util.List;

/**
 * A {@link TokenCounter} that contains its delegate's failures: a counter that throws costs the call its admission
 * estimate (logged through {@link UsageLogger}, which lets {@link VirtualMachineError}s pass; the count is unknown),
 * never the application's call. Any negative count is answered as -1, the one "unknown" the call path checks for.
 */
final class GuardedTokenCounter implements TokenCounter {

  private final TokenCounter delegate;

  private GuardedTokenCounter(TokenCounter delegate) {
    this.delegate = delegate;
  }

  /** The counter to call from the call path: {@link TokenCounter#none()} as is, anything else guarded. */
  static TokenCounter wrap(TokenCounter counter) {
    return counter == TokenCounter.none() || counter instanceof GuardedTokenCounter
        ? counter : new GuardedTokenCounter(counter);
  }

  @Override
  public long countInputTokens(String provider, String model, List<GenAiMessage> messages) {
    try {
      long n = delegate.countInputTokens(provider, model, messages);
      return n >= 0 ? n : -1;
    } catch (Throwable t) {
      UsageLogger.failed("token counter " + delegate.getClass().getName(), t);
      return -1;
    }
  }

  @Override
  public String toString() {
    return "Guarded{" + delegate + "}";
  }
}
