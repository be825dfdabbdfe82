package io.lockn.budget;

import io.lockn.core.GenAiOperation;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.EndedCall;

/** Ended calls for tests that settle admissions by hand, as LockN settles them when a call ends. */
final class Settle {

  private Settle() {}

  /** A chat call of {@code openai/m} that used {@code usage}. */
  static EndedCall call(TokenUsage usage) {
    return EndedCall.builder(GenAiOperation.CHAT, "openai", "m").usage(usage).build();
  }
}
