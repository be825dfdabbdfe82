package io.lockn.pricing;

import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.lockn.core.TokenUsage;
import io.opentelemetry.api.common.AttributeKey;
import org.jspecify.annotations.Nullable;

/**
 * Reads the token usage a GenAI span reports, whoever wrote it: LockN, the OpenTelemetry Java agent, Spring AI's
 * observations bridged to OpenTelemetry, Python OpenLLMetry, or hand-written code. It understands the v1.41 names,
 * the latest experimental names ({@code cache_write}), the deprecated {@code gen_ai.usage.prompt_tokens} and {@code
 * completion_tokens}, Python OpenLLMetry's names ({@code gen_ai.usage.cache_read_input_tokens}, {@code
 * cache_creation_input_tokens}, {@code reasoning_tokens}), and LockN's 1-hour cache-write count. Per the conventions, input tokens include cache reads and
 * writes and output tokens include reasoning; inconsistent parts are clamped to their totals.
 *
 * <p>The one place span attributes become a {@link TokenUsage}: the in-process cost processor and the offline audit
 * both use it.
 */
public final class UsageAttributes {

  /** The deprecated input-token attribute, still written by older instrumentations. */
  public static final AttributeKey<Long> PROMPT_TOKENS = AttributeKey.longKey("gen_ai.usage.prompt_tokens");

  /** The deprecated output-token attribute. */
  public static final AttributeKey<Long> COMPLETION_TOKENS = AttributeKey.longKey("gen_ai.usage.completion_tokens");

  /** The deprecated provider attribute, read when {@code gen_ai.provider.name} is absent. */
  public static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");

  /** OpenLLMetry's name for cache reads, read when the conventions' name is absent. */
  public static final AttributeKey<Long> OPENLLMETRY_CACHE_READ =
      AttributeKey.longKey("gen_ai.usage.cache_read_input_tokens");

  /** OpenLLMetry's name for cache writes. */
  public static final AttributeKey<Long> OPENLLMETRY_CACHE_CREATION =
      AttributeKey.longKey("gen_ai.usage.cache_creation_input_tokens");

  /** OpenLLMetry's name for reasoning tokens. */
  public static final AttributeKey<Long> OPENLLMETRY_REASONING = AttributeKey.longKey("gen_ai.usage.reasoning_tokens");

  /** Reads one count of a span; the source decides how (typed attribute, string, JSON value). */
  @FunctionalInterface
  public interface Counts {
    /**
     * A count.
     *
     * @param key the attribute
     * @return the count, or a negative number when absent or unreadable
     */
    long count(AttributeKey<Long> key);
  }

  private UsageAttributes() {}

  /**
   * Reads the usage.
   *
   * @param counts the span's counts
   * @return the usage, or {@code null} when the span reports neither input nor output tokens
   */
  public static @Nullable TokenUsage read(Counts counts) {
    long input = counts.count(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS);
    if (input < 0) {
      input = counts.count(PROMPT_TOKENS);
    }
    long output = counts.count(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS);
    if (output < 0) {
      output = counts.count(COMPLETION_TOKENS);
    }
    if (input < 0 && output < 0) {
      return null;
    }
    input = Math.max(0, input);
    output = Math.max(0, output);
    long cacheRead =
        Math.max(0, first(counts, GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, OPENLLMETRY_CACHE_READ));
    long cacheWrite = first(counts, GenAiAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
        GenAiAttributes.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS);
    if (cacheWrite < 0) {
      cacheWrite = counts.count(OPENLLMETRY_CACHE_CREATION);
    }
    cacheWrite = Math.max(0, cacheWrite);
    long write1h = Math.max(0, counts.count(LockNAttributes.USAGE_CACHE_WRITE_1H_INPUT_TOKENS));
    long reasoning = Math.min(output,
        Math.max(0, first(counts, GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, OPENLLMETRY_REASONING)));
    cacheRead = Math.min(cacheRead, input);
    cacheWrite = Math.min(cacheWrite, input - cacheRead);
    write1h = Math.min(write1h, cacheWrite);
    return TokenUsage.builder()
        .uncachedInputTokens(input - cacheRead - cacheWrite)
        .cacheReadTokens(cacheRead)
        .cacheWrite5mTokens(cacheWrite - write1h)
        .cacheWrite1hTokens(write1h)
        .nonReasoningOutputTokens(output - reasoning)
        .reasoningTokens(reasoning)
        .build();
  }

  private static long first(Counts counts, AttributeKey<Long> preferred, AttributeKey<Long> fallback) {
    long value = counts.count(preferred);
    return value >= 0 ? value : counts.count(fallback);
  }

  /**
   * Parses a count that arrived as text (Micrometer bridges write numbers as strings).
   *
   * @param text the text, or {@code null}
   * @return the count, or -1 when absent or not an integer
   */
  public static long parse(@Nullable String text) {
    if (text == null) {
      return -1;
    }
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
