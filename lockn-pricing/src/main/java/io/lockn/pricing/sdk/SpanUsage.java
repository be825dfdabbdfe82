package io.lockn.pricing.sdk;

import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.lockn.core.TokenUsage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.ReadableSpan;
import org.jspecify.annotations.Nullable;

/**
 * Reads the usage of a GenAI span, whoever created it: LockN, the OpenTelemetry Java agent, Spring AI's observations
 * bridged to OpenTelemetry (whose attributes arrive as strings), or hand-written code using the deprecated names.
 * Per the semantic conventions, input tokens include cache reads and writes and output tokens include reasoning.
 */
final class SpanUsage {

  private static final AttributeKey<Long> PROMPT_TOKENS = AttributeKey.longKey("gen_ai.usage.prompt_tokens");
  private static final AttributeKey<Long> COMPLETION_TOKENS = AttributeKey.longKey("gen_ai.usage.completion_tokens");
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");

  private SpanUsage() {}

  /** The usage, or {@code null} when the span reports no token counts. */
  static @Nullable TokenUsage read(ReadableSpan span) {
    long input = count(span, GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS);
    if (input < 0) {
      input = count(span, PROMPT_TOKENS);
    }
    long output = count(span, GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS);
    if (output < 0) {
      output = count(span, COMPLETION_TOKENS);
    }
    if (input < 0 && output < 0) {
      return null;
    }
    input = Math.max(0, input);
    output = Math.max(0, output);
    long cacheRead = Math.max(0, count(span, GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS));
    long cacheWrite = count(span, GenAiAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS);
    if (cacheWrite < 0) {
      cacheWrite = count(span, GenAiAttributes.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS);
    }
    cacheWrite = Math.max(0, cacheWrite);
    long write1h = Math.min(cacheWrite, Math.max(0, count(span, LockNAttributes.USAGE_CACHE_WRITE_1H_INPUT_TOKENS)));
    long reasoning = Math.min(output, Math.max(0, count(span, GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS)));
    // Cache counts larger than the inclusive input are inconsistent; trust the input total and clamp the parts.
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

  /** A count set as a long or, by Micrometer bridges, as a string; -1 when absent or unreadable. */
  static long count(ReadableSpan span, AttributeKey<Long> key) {
    Long value = span.getAttribute(key);
    if (value != null) {
      return value;
    }
    String text = span.getAttribute(AttributeKey.stringKey(key.getKey()));
    if (text != null) {
      try {
        return Long.parseLong(text.trim());
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }

  static @Nullable String string(ReadableSpan span, AttributeKey<String> key) {
    return span.getAttribute(key);
  }
}
