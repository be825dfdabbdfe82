package io.lockn.compression;

/**
 * The well-known compression strategies, recorded as {@code lockn.compression.strategy}. Other strategies are passed
 * as strings to {@link Compression#step(String)} and the {@code measure} overloads that take a {@code String}.
 */
public enum CompressionStrategy {
  /** An LLM or a distilled model condenses the context: {@code context_distillation}. */
  CONTEXT_DISTILLATION("context_distillation"),
  /** A provider or application cache serves part or all of the prompt: {@code prompt_caching}. */
  PROMPT_CACHING("prompt_caching"),
  /** Repeated or near-duplicate context is removed: {@code semantic_dedup}. */
  SEMANTIC_DEDUP("semantic_dedup"),
  /** Older turns are replaced by a summary: {@code summary_injection}. */
  SUMMARY_INJECTION("summary_injection");

  private final String value;

  CompressionStrategy(String value) {
    this.value = value;
  }

  /**
   * The attribute value.
   *
   * @return the snake_case name, for example {@code semantic_dedup}
   */
  public String value() {
    return value;
  }

  @Override
  public String toString() {
    return value;
  }
}
