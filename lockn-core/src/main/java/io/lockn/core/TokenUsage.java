package io.lockn.core;

import io.lockn.core.spi.UsageLogger;
import org.jspecify.annotations.Nullable;

/**
 * The token usage of one model call, in LockN's one canonical form: disjoint parts that add up to inclusive totals.
 *
 * <p>Providers report usage in incompatible conventions: OpenAI and Gemini count cached tokens <em>inside</em> the
 * prompt tokens, Anthropic and Bedrock report cache reads and writes <em>on top of</em> the input tokens; OpenAI
 * counts reasoning inside the completion tokens, Gemini reports thoughts beside the candidates. Mixing them is the
 * most common cost bug in the field (cached tokens billed twice, reasoning billed twice or not at all). A {@code
 * TokenUsage} is therefore only ever built from one named convention ({@link #fromOpenAi}, {@link #fromAnthropic},
 * {@link #fromBedrock}, {@link #fromGemini}) or from its disjoint parts ({@link #builder()}), and it stores only the
 * disjoint parts, so that double counting is impossible by construction:
 *
 * <pre>{@code
 * inputTokens  = uncachedInputTokens + cacheReadTokens + cacheWrite5mTokens + cacheWrite1hTokens
 * outputTokens = nonReasoningOutputTokens + reasoningTokens
 * }</pre>
 *
 * <p>Invalid counts never throw: a negative count is recorded as 0, a part larger than the total it belongs to is
 * clamped to that total, and sums saturate at {@link Long#MAX_VALUE}; each correction is logged once through the
 * {@code io.lockn.usage} logger. Instances are immutable and thread-safe.
 */
public final class TokenUsage {

  /** Usage with every count zero. */
  public static final TokenUsage EMPTY = new TokenUsage(0, 0, 0, 0, 0, 0);

  private final long uncachedInputTokens;
  private final long cacheReadTokens;
  private final long cacheWrite5mTokens;
  private final long cacheWrite1hTokens;
  private final long nonReasoningOutputTokens;
  private final long reasoningTokens;

  private TokenUsage(
      long uncachedInputTokens,
      long cacheReadTokens,
      long cacheWrite5mTokens,
      long cacheWrite1hTokens,
      long nonReasoningOutputTokens,
      long reasoningTokens) {
    this.uncachedInputTokens = uncachedInputTokens;
    this.cacheReadTokens = cacheReadTokens;
    this.cacheWrite5mTokens = cacheWrite5mTokens;
    this.cacheWrite1hTokens = cacheWrite1hTokens;
    this.nonReasoningOutputTokens = nonReasoningOutputTokens;
    this.reasoningTokens = reasoningTokens;
  }

  /**
   * Usage as OpenAI reports it (Chat Completions {@code usage} or Responses API): cached tokens are part of the
   * prompt tokens and reasoning tokens are part of the completion tokens.
   *
   * @param promptTokens {@code prompt_tokens} / {@code input_tokens}, including cached tokens
   * @param cachedTokens {@code prompt_tokens_details.cached_tokens}
   * @param completionTokens {@code completion_tokens} / {@code output_tokens}, including reasoning tokens
   * @param reasoningTokens {@code completion_tokens_details.reasoning_tokens}
   * @return the canonical usage
   */
  public static TokenUsage fromOpenAi(
      long promptTokens, long cachedTokens, long completionTokens, long reasoningTokens) {
    long prompt = nonNegative(promptTokens, "promptTokens");
    long cached = clampPart(nonNegative(cachedTokens, "cachedTokens"), prompt, "cachedTokens");
    long completion = nonNegative(completionTokens, "completionTokens");
    long reasoning = clampPart(nonNegative(reasoningTokens, "reasoningTokens"), completion, "reasoningTokens");
    return new TokenUsage(prompt - cached, cached, 0, 0, completion - reasoning, reasoning);
  }

  /**
   * Usage as the Anthropic Messages API reports it: cache reads and writes come on top of {@code input_tokens}, and
   * cache writes are priced at the 5-minute TTL. Thinking tokens are included in {@code output_tokens} and not
   * reported apart.
   *
   * @param inputTokens {@code input_tokens}, excluding cache reads and writes
   * @param cacheReadInputTokens {@code cache_read_input_tokens}
   * @param cacheCreationInputTokens {@code cache_creation_input_tokens} (5-minute TTL)
   * @param outputTokens {@code output_tokens}
   * @return the canonical usage
   */
  public static TokenUsage fromAnthropic(
      long inputTokens, long cacheReadInputTokens, long cacheCreationInputTokens, long outputTokens) {
    return fromAnthropic(inputTokens, cacheReadInputTokens, cacheCreationInputTokens, 0, outputTokens);
  }

  /**
   * Usage as the Anthropic Messages API reports it with the {@code cache_creation} breakdown by TTL.
   *
   * @param inputTokens {@code input_tokens}, excluding cache reads and writes
   * @param cacheReadInputTokens {@code cache_read_input_tokens}
   * @param cacheCreation5mInputTokens {@code cache_creation.ephemeral_5m_input_tokens}
   * @param cacheCreation1hInputTokens {@code cache_creation.ephemeral_1h_input_tokens}
   * @param outputTokens {@code output_tokens}
   * @return the canonical usage
   */
  public static TokenUsage fromAnthropic(
      long inputTokens,
      long cacheReadInputTokens,
      long cacheCreation5mInputTokens,
      long cacheCreation1hInputTokens,
      long outputTokens) {
    return new TokenUsage(
        nonNegative(inputTokens, "inputTokens"),
        nonNegative(cacheReadInputTokens, "cacheReadInputTokens"),
        nonNegative(cacheCreation5mInputTokens, "cacheCreation5mInputTokens"),
        nonNegative(cacheCreation1hInputTokens, "cacheCreation1hInputTokens"),
        nonNegative(outputTokens, "outputTokens"),
        0);
  }

  /**
   * Usage as the AWS Bedrock Converse API reports it: {@code cacheReadInputTokens} and {@code
   * cacheWriteInputTokens} come on top of {@code inputTokens}.
   *
   * @param inputTokens {@code inputTokens}, excluding cache reads and writes
   * @param cacheReadInputTokens {@code cacheReadInputTokens}
   * @param cacheWriteInputTokens {@code cacheWriteInputTokens}
   * @param outputTokens {@code outputTokens}
   * @return the canonical usage
   */
  public static TokenUsage fromBedrock(
      long inputTokens, long cacheReadInputTokens, long cacheWriteInputTokens, long outputTokens) {
    return fromAnthropic(inputTokens, cacheReadInputTokens, cacheWriteInputTokens, 0, outputTokens);
  }

  /**
   * Usage as the Gemini API and Vertex AI report it ({@code usageMetadata}): cached content is part of the prompt
   * tokens, and thoughts are reported beside the candidates.
   *
   * @param promptTokenCount {@code promptTokenCount}, including cached content
   * @param cachedContentTokenCount {@code cachedContentTokenCount}
   * @param candidatesTokenCount {@code candidatesTokenCount}, excluding thoughts
   * @param thoughtsTokenCount {@code thoughtsTokenCount}
   * @return the canonical usage
   */
  public static TokenUsage fromGemini(
      long promptTokenCount, long cachedContentTokenCount, long candidatesTokenCount, long thoughtsTokenCount) {
    long prompt = nonNegative(promptTokenCount, "promptTokenCount");
    long cached = clampPart(nonNegative(cachedContentTokenCount, "cachedContentTokenCount"), prompt, "cached");
    return new TokenUsage(
        prompt - cached,
        cached,
        0,
        0,
        nonNegative(candidatesTokenCount, "candidatesTokenCount"),
        nonNegative(thoughtsTokenCount, "thoughtsTokenCount"));
  }

  /**
   * Usage with only input and output counts, when the provider reports no cache or reasoning detail.
   *
   * @param inputTokens the input tokens
   * @param outputTokens the output tokens
   * @return the canonical usage
   */
  public static TokenUsage of(long inputTokens, long outputTokens) {
    return new TokenUsage(
        nonNegative(inputTokens, "inputTokens"), 0, 0, 0, nonNegative(outputTokens, "outputTokens"), 0);
  }

  /**
   * Chooses the billable counts when a provider reports both the tokens it used and the tokens it bills, as the
   * semantic conventions require.
   *
   * @param used the tokens used
   * @param billable the tokens billed, or {@code null} when not reported
   * @return {@code billable} when known, else {@code used}
   */
  public static TokenUsage billableOrUsed(TokenUsage used, @Nullable TokenUsage billable) {
    return billable != null ? billable : used;
  }

  /**
   * A builder from the disjoint parts.
   *
   * @return a new builder with every part zero
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Input tokens, inclusive of cache reads and writes: {@code gen_ai.usage.input_tokens}.
   *
   * @return the inclusive input count
   */
  public long inputTokens() {
    return add(add(uncachedInputTokens, cacheReadTokens), cacheWriteTokens());
  }

  /**
   * Output tokens, inclusive of reasoning: {@code gen_ai.usage.output_tokens}.
   *
   * @return the inclusive output count
   */
  public long outputTokens() {
    return add(nonReasoningOutputTokens, reasoningTokens);
  }

  /**
   * Input plus output tokens.
   *
   * @return the total
   */
  public long totalTokens() {
    return add(inputTokens(), outputTokens());
  }

  /**
   * Input tokens neither read from nor written to a cache.
   *
   * @return the uncached input count
   */
  public long uncachedInputTokens() {
    return uncachedInputTokens;
  }

  /**
   * Input tokens read from the provider's prompt cache.
   *
   * @return the cache-read count
   */
  public long cacheReadTokens() {
    return cacheReadTokens;
  }

  /**
   * Input tokens written to the cache with a 5-minute TTL (or an unspecified TTL).
   *
   * @return the 5-minute cache-write count
   */
  public long cacheWrite5mTokens() {
    return cacheWrite5mTokens;
  }

  /**
   * Input tokens written to the cache with a 1-hour TTL.
   *
   * @return the 1-hour cache-write count
   */
  public long cacheWrite1hTokens() {
    return cacheWrite1hTokens;
  }

  /**
   * All cache-write input tokens, whatever their TTL.
   *
   * @return the cache-write count
   */
  public long cacheWriteTokens() {
    return add(cacheWrite5mTokens, cacheWrite1hTokens);
  }

  /**
   * Output tokens that are not reasoning.
   *
   * @return the non-reasoning output count
   */
  public long nonReasoningOutputTokens() {
    return nonReasoningOutputTokens;
  }

  /**
   * Output tokens spent on reasoning (thinking); 0 when the provider does not report them apart.
   *
   * @return the reasoning count
   */
  public long reasoningTokens() {
    return reasoningTokens;
  }

  /**
   * Whether every count is zero.
   *
   * @return {@code true} for empty usage
   */
  public boolean isEmpty() {
    return (uncachedInputTokens | cacheReadTokens | cacheWrite5mTokens | cacheWrite1hTokens
            | nonReasoningOutputTokens | reasoningTokens)
        == 0;
  }

  /**
   * The part-wise sum of two usages, for example the rounds of a streamed or tool-calling exchange.
   *
   * @param other the usage to add
   * @return the sum, saturating at {@link Long#MAX_VALUE}
   */
  public TokenUsage plus(TokenUsage other) {
    return new TokenUsage(
        add(uncachedInputTokens, other.uncachedInputTokens),
        add(cacheReadTokens, other.cacheReadTokens),
        add(cacheWrite5mTokens, other.cacheWrite5mTokens),
        add(cacheWrite1hTokens, other.cacheWrite1hTokens),
        add(nonReasoningOutputTokens, other.nonReasoningOutputTokens),
        add(reasoningTokens, other.reasoningTokens));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof TokenUsage
        && ((TokenUsage) o).uncachedInputTokens == uncachedInputTokens
        && ((TokenUsage) o).cacheReadTokens == cacheReadTokens
        && ((TokenUsage) o).cacheWrite5mTokens == cacheWrite5mTokens
        && ((TokenUsage) o).cacheWrite1hTokens == cacheWrite1hTokens
        && ((TokenUsage) o).nonReasoningOutputTokens == nonReasoningOutputTokens
        && ((TokenUsage) o).reasoningTokens == reasoningTokens;
  }

  @Override
  public int hashCode() {
    long h = uncachedInputTokens;
    h = 31 * h + cacheReadTokens;
    h = 31 * h + cacheWrite5mTokens;
    h = 31 * h + cacheWrite1hTokens;
    h = 31 * h + nonReasoningOutputTokens;
    h = 31 * h + reasoningTokens;
    return Long.hashCode(h);
  }

  @Override
  public String toString() {
    return "TokenUsage{input="
        + inputTokens()
        + " (uncached="
        + uncachedInputTokens
        + ", cacheRead="
        + cacheReadTokens
        + ", cacheWrite5m="
        + cacheWrite5mTokens
        + ", cacheWrite1h="
        + cacheWrite1hTokens
        + "), output="
        + outputTokens()
        + " (reasoning="
        + reasoningTokens
        + ")}";
  }

  private static long add(long a, long b) {
    long r = a + b;
    // Both operands are non-negative, so overflow shows as a negative result.
    return r < 0 ? Long.MAX_VALUE : r;
  }

  private static long nonNegative(long value, String name) {
    if (value < 0) {
      UsageLogger.warn("negative token count " + name + "=" + value + " recorded as 0");
      return 0;
    }
    return value;
  }

  private static long clampPart(long part, long total, String name) {
    if (part > total) {
      UsageLogger.warn(name + "=" + part + " exceeds the total it is part of (" + total + "); clamped");
      return total;
    }
    return part;
  }

  /** Builds a {@link TokenUsage} from its disjoint parts. Not thread-safe. */
  public static final class Builder {
    private long uncachedInputTokens;
    private long cacheReadTokens;
    private long cacheWrite5mTokens;
    private long cacheWrite1hTokens;
    private long nonReasoningOutputTokens;
    private long reasoningTokens;

    private Builder() {}

    /**
     * Sets the input tokens neither read from nor written to a cache.
     *
     * @param tokens the count
     * @return this builder
     */
    public Builder uncachedInputTokens(long tokens) {
      this.uncachedInputTokens = nonNegative(tokens, "uncachedInputTokens");
      return this;
    }

    /**
     * Sets the input tokens read from the cache.
     *
     * @param tokens the count
     * @return this builder
     */
    public Builder cacheReadTokens(long tokens) {
      this.cacheReadTokens = nonNegative(tokens, "cacheReadTokens");
      return this;
    }

    /**
     * Sets the input tokens written to the cache with a 5-minute (or unspecified) TTL.
     *
     * @param tokens the count
     * @return this builder
     */
    public Builder cacheWrite5mTokens(long tokens) {
      this.cacheWrite5mTokens = nonNegative(tokens, "cacheWrite5mTokens");
      return this;
    }

    /**
     * Sets the input tokens written to the cache with a 1-hour TTL.
     *
     * @param tokens the count
     * @return this builder
     */
    public Builder cacheWrite1hTokens(long tokens) {
      this.cacheWrite1hTokens = nonNegative(tokens, "cacheWrite1hTokens");
      return this;
    }

    /**
     * Sets the output tokens that are not reasoning.
     *
     * @param tokens the count
     * @return this builder
     */
    public Builder nonReasoningOutputTokens(long tokens) {
      this.nonReasoningOutputTokens = nonNegative(tokens, "nonReasoningOutputTokens");
      return this;
    }

    /**
     * Sets the output tokens spent on reasoning.
     *
     * @param tokens the count
     * @return this builder
     */
    public Builder reasoningTokens(long tokens) {
      this.reasoningTokens = nonNegative(tokens, "reasoningTokens");
      return this;
    }

    /**
     * Builds the usage.
     *
     * @return the immutable usage
     */
    public TokenUsage build() {
      return new TokenUsage(
          uncachedInputTokens,
          cacheReadTokens,
          cacheWrite5mTokens,
          cacheWrite1hTokens,
          nonReasoningOutputTokens,
          reasoningTokens);
    }
  }
}
