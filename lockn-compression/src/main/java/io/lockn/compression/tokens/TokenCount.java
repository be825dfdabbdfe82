package io.lockn.compression.tokens;

import java.util.Objects;

/**
 * A token count and how it was made.
 *
 * @param count the tokens; {@code 0} for empty input, {@code -1} when counting failed
 * @param tokenizer the tokenizer that produced the count: an encoding name such as {@code o200k_base}, or for a
 *     calibrated estimate the encoding and its factor, such as {@code cl100k_base*1.20}
 * @param estimate {@code true} when the count approximates a tokenizer LockN cannot run (Anthropic, Gemini, unknown
 *     models); {@code false} when it is the model's own encoding
 */
public record TokenCount(long count, String tokenizer, boolean estimate) {

  /**
   * Creates a count.
   *
   * @param count the tokens, or {@code -1} when unknown
   * @param tokenizer the tokenizer name
   * @param estimate whether the count is an estimate
   * @throws IllegalArgumentException if {@code count < -1}
   */
  public TokenCount {
    Objects.requireNonNull(tokenizer, "tokenizer");
    if (count < -1) {
      throw new IllegalArgumentException("count < -1");
    }
  }

  /**
   * Whether the count is known, that is counting did not fail.
   *
   * @return {@code count() >= 0}
   */
  public boolean isKnown() {
    return count >= 0;
  }
}
