package io.lockn.core.spi;

import io.lockn.core.GenAiMessage;
import java.util.List;

/**
 * Counts the input tokens of a model call before it is made, so that its admission policy (budgets) can estimate the
 * call's maximum cost when the application did not give {@link io.lockn.core.LlmCallSpec#estimatedInputTokens(long)}.
 *
 * <p>LockN asks the counter only for model calls that have {@link io.lockn.core.LlmCallSpec#inputMessages input
 * messages}, no explicit estimate, and a {@link CallAdmission} other than {@link CallAdmission#allowAll()}: counting
 * tokenizes the whole prompt, so it is skipped when nothing would use the count. The count is recorded on the span as
 * {@code lockn.usage.estimated_input_tokens}. It is only an estimate for admission: the usage the provider reports
 * with the response always wins for billing, cost and metrics.
 *
 * <p>The compression issue supplies an implementation on jtokkit (OpenAI's BPE encodings); {@link #none()} is the
 * default. Implementations are called on the application's thread before the provider is called, so they must be
 * thread-safe and fast and must not block. A counter that throws is LockN's own failure: it is logged through {@link
 * UsageLogger} and the count is treated as unknown.
 */
@FunctionalInterface
public interface TokenCounter {

  /**
   * A counter that never counts: every count is unknown. The default; shared and allocation-free.
   *
   * @return the shared instance
   */
  static TokenCounter none() {
    return NoTokenCounter.INSTANCE;
  }

  /**
   * Counts the tokens {@code messages} will take as the input of a call to {@code model}, including whatever the
   * provider adds per message.
   *
   * @param provider {@code gen_ai.provider.name}, for example {@code openai}, possibly empty
   * @param model the model the call will be made with, possibly empty
   * @param messages the chat history to be sent
   * @return the input tokens, or {@code -1} when this counter cannot count for the provider or model (any negative
   *     value is read as unknown)
   */
  long countInputTokens(String provider, String model, List<GenAiMessage> messages);
}

/** The counter behind {@link TokenCounter#none()}. */
enum NoTokenCounter implements TokenCounter {
  INSTANCE;

  @Override
  public long countInputTokens(String provider, String model, List<GenAiMessage> messages) {
    return -1;
  }

  @Override
  public String toString() {
    return "TokenCounter.none()";
  }
}
