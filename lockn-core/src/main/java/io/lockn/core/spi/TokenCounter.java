package io.lockn.core.spi;

import io.lockn.core.GenAiMessage;
import io.lockn.core.MessagePart;
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
 * <p>{@code lockn-compression} supplies an implementation on jtokkit (OpenAI's BPE encodings); {@link #none()} is the
 * default. When the configured counter cannot count a call (it answers {@code -1}), the admission estimate falls back
 * to {@link #approximate()}, so a non-empty prompt never counts 0 tokens. Implementations are called on the
 * application's thread before the provider is called, so they must be thread-safe and fast and must not block. A
 * counter that throws is LockN's own failure: it is logged through {@link UsageLogger} and the count is treated as
 * unknown.
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
   * LockN's estimate without a tokenizer: {@code ceil(b / 4) + 4 x m} tokens for {@code m} messages whose text (text
   * parts, tool-call names and arguments, tool responses) takes {@code b} bytes in UTF-8. About four bytes of English
   * make a token in OpenAI's and Anthropic's tokenizers, a CJK character (three bytes) about one, and each chat message
   * adds a few tokens of framing. Used for a budget's estimate when no counter can count the call; a prompt with at
   * least one message never counts 0. Shared and allocation-free.
   *
   * @return the shared instance
   */
  static TokenCounter approximate() {
    return ApproximateTokenCounter.INSTANCE;
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

/** The counter behind {@link TokenCounter#approximate()}. */
enum ApproximateTokenCounter implements TokenCounter {
  INSTANCE;

  /** Framing tokens per chat message (role and separators), as OpenAI's chat format adds about 3 to 4. */
  static final long TOKENS_PER_MESSAGE = 4;

  @Override
  public long countInputTokens(String provider, String model, List<GenAiMessage> messages) {
    long bytes = 0;
    for (int i = 0, n = messages.size(); i < n; i++) {
      List<MessagePart> parts = messages.get(i).parts();
      for (int j = 0, m = parts.size(); j < m; j++) {
        MessagePart part = parts.get(j);
        if (part instanceof MessagePart.Text text) {
          bytes += utf8Length(text.content());
        } else if (part instanceof MessagePart.ToolCall call) {
          bytes += utf8Length(call.name()) + utf8Length(call.arguments());
        } else if (part instanceof MessagePart.ToolCallResponse response) {
          bytes += utf8Length(response.response());
        }
      }
    }
    return (bytes + 3) / 4 + TOKENS_PER_MESSAGE * messages.size();
  }

  /** The UTF-8 length of a string, without encoding it. */
  static long utf8Length(String s) {
    long n = 0;
    for (int i = 0, len = s.length(); i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  @Override
  public String toString() {
    return "TokenCounter.approximate()";
  }
}
