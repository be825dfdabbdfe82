package io.lockn.compression.roi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One observed LLM call in a compression experiment. Immutable, with value semantics: two samples are equal when
 * every value is.
 *
 * <pre>{@code
 * RoiSample sample = RoiSample.builder()
 *     .setExperiment("context-distillation-v1").setGroup("compressed").setAgent("support-bot")
 *     .setInputTokensOriginal(1000).setInputTokensSent(400).setOutputTokens(100)
 *     .setCostNanos(2_000_000).setLatencyNanos(800_000_000L).setEpochNanos(startEpochNanos)
 *     .build();
 * }</pre>
 *
 * <p>{@link #costNanos()} is the provider cost of the call as billed, cache-write premiums and cache-read discounts
 * included (e.g. {@link io.lockn.pricing.Cost#totalNanos()}); {@link #compressionCostNanos()} is the compression
 * step's own cost (an LLM-based summariser, say), 0 when the step is free. Savings are computed net of both.
 *
 * <p>Built with a builder rather than being a record, so that a new measure is one more setter and accessor instead
 * of one more constructor parameter for every caller.
 */
public final class RoiSample {

  private final String experiment;
  private final String group;
  private final String agent;
  private final long inputTokensOriginal;
  private final long inputTokensSent;
  private final long outputTokens;
  private final long cacheReadTokens;
  private final long cacheWriteTokens;
  private final long costNanos;
  private final long compressionCostNanos;
  private final long latencyNanos;
  private final @Nullable Double qualityScore;
  private final long contextWindow;
  private final long epochNanos;

  /** {@code experiment} and {@code group} are the builder's, checked to be set. */
  private RoiSample(Builder b, String experiment, String group) {
    this.experiment = experiment;
    this.group = group;
    this.agent = b.agent;
    // Unset, the original input is what was sent: the control group's case, and a call with nothing to compress.
    this.inputTokensOriginal = b.inputTokensOriginal < 0 ? b.inputTokensSent : b.inputTokensOriginal;
    this.inputTokensSent = b.inputTokensSent;
    this.outputTokens = b.outputTokens;
    this.cacheReadTokens = b.cacheReadTokens;
    this.cacheWriteTokens = b.cacheWriteTokens;
    this.costNanos = b.costNanos;
    this.compressionCostNanos = b.compressionCostNanos;
    this.latencyNanos = b.latencyNanos;
    this.qualityScore = b.qualityScore;
    this.contextWindow = b.contextWindow;
    this.epochNanos = b.epochNanos;
  }

  private RoiSample(RoiSample s, @Nullable Double qualityScore) {
    this.experiment = s.experiment;
    this.group = s.group;
    this.agent = s.agent;
    this.inputTokensOriginal = s.inputTokensOriginal;
    this.inputTokensSent = s.inputTokensSent;
    this.outputTokens = s.outputTokens;
    this.cacheReadTokens = s.cacheReadTokens;
    this.cacheWriteTokens = s.cacheWriteTokens;
    this.costNanos = s.costNanos;
    this.compressionCostNanos = s.compressionCostNanos;
    this.latencyNanos = s.latencyNanos;
    this.qualityScore = qualityScore;
    this.contextWindow = s.contextWindow;
    this.epochNanos = s.epochNanos;
  }

  /**
   * A builder. {@link Builder#setExperiment experiment} and {@link Builder#setGroup group} are required; every count
   * and amount defaults to 0, the agent to empty, the quality score to none.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The experiment name ({@code lockn.experiment.name}).
   *
   * @return the name
   */
  public String experiment() {
    return experiment;
  }

  /**
   * The experiment group ({@code lockn.experiment.group}), e.g. {@code control} or {@code compressed}.
   *
   * @return the group
   */
  public String group() {
    return group;
  }

  /**
   * The agent ({@code lockn.agent.name}).
   *
   * @return the agent, or empty
   */
  public String agent() {
    return agent;
  }

  /**
   * The input tokens before compression: what the call would have sent uncompressed; for the control group, the
   * input tokens actually sent.
   *
   * @return the count
   */
  public long inputTokensOriginal() {
    return inputTokensOriginal;
  }

  /**
   * The input tokens actually sent (provider-reported usage, cached tokens included).
   *
   * @return the count
   */
  public long inputTokensSent() {
    return inputTokensSent;
  }

  /**
   * The output tokens.
   *
   * @return the count
   */
  public long outputTokens() {
    return outputTokens;
  }

  /**
   * Input tokens read from the provider's prompt cache.
   *
   * @return the count
   */
  public long cacheReadTokens() {
    return cacheReadTokens;
  }

  /**
   * Input tokens written to the provider's prompt cache.
   *
   * @return the count
   */
  public long cacheWriteTokens() {
    return cacheWriteTokens;
  }

  /**
   * The cost of the call, cache-write premiums included.
   *
   * @return nano-USD
   */
  public long costNanos() {
    return costNanos;
  }

  /**
   * The compression step's own cost.
   *
   * @return nano-USD, 0 if the step is free
   */
  public long compressionCostNanos() {
    return compressionCostNanos;
  }

  /**
   * The end-to-end latency of the call, the compression step included.
   *
   * @return nanoseconds
   */
  public long latencyNanos() {
    return latencyNanos;
  }

  /**
   * The quality score ({@code lockn.compression.quality_score}).
   *
   * @return the score, or {@code null} if not evaluated
   */
  public @Nullable Double qualityScore() {
    return qualityScore;
  }

  /**
   * The model's context window (from {@link io.lockn.pricing.ModelPrice#contextWindow()}).
   *
   * @return tokens, or 0 if unknown
   */
  public long contextWindow() {
    return contextWindow;
  }

  /**
   * When the call started (the span's start); places the call in {@link RoiAnalysis#savingsOverTime(java.util.List)
   * savings over time}. A sample whose start is unknown counts in {@link RoiAnalysis#analyze} but not there.
   *
   * @return nanoseconds since the epoch, or 0 if unknown
   */
  public long epochNanos() {
    return epochNanos;
  }

  /**
   * This sample with another quality score, for a score that arrived after the call ended.
   *
   * @param score the score, or {@code null}
   * @return a copy with {@code qualityScore} replaced
   * @throws IllegalArgumentException if the score is not finite
   */
  public RoiSample withQualityScore(@Nullable Double score) {
    return new RoiSample(this, Builder.checkScore(score));
  }

  /**
   * The call's total cost: the provider cost plus the compression step's own cost.
   *
   * @return nano-USD
   */
  public long netCostNanos() {
    return Math.addExact(costNanos, compressionCostNanos);
  }

  /**
   * Whether the call read from the prompt cache.
   *
   * @return {@code true} if {@link #cacheReadTokens()} is positive
   */
  public boolean cacheHit() {
    return cacheReadTokens > 0;
  }

  /**
   * Whether the original (uncompressed) input would have exceeded the model's context window.
   *
   * @return {@code false} when the window is unknown
   */
  public boolean originalExceedsContextWindow() {
    return contextWindow > 0 && inputTokensOriginal > contextWindow;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o == this || o instanceof RoiSample s
        && experiment.equals(s.experiment)
        && group.equals(s.group)
        && agent.equals(s.agent)
        && inputTokensOriginal == s.inputTokensOriginal
        && inputTokensSent == s.inputTokensSent
        && outputTokens == s.outputTokens
        && cacheReadTokens == s.cacheReadTokens
        && cacheWriteTokens == s.cacheWriteTokens
        && costNanos == s.costNanos
        && compressionCostNanos == s.compressionCostNanos
        && latencyNanos == s.latencyNanos
        && Objects.equals(qualityScore, s.qualityScore)
        && contextWindow == s.contextWindow
        && epochNanos == s.epochNanos;
  }

  @Override
  public int hashCode() {
    return Objects.hash(experiment, group, agent, inputTokensOriginal, inputTokensSent, outputTokens,
        cacheReadTokens, cacheWriteTokens, costNanos, compressionCostNanos, latencyNanos, qualityScore,
        contextWindow, epochNanos);
  }

  @Override
  public String toString() {
    return "RoiSample[experiment=" + experiment + ", group=" + group + ", agent=" + agent
        + ", inputTokensOriginal=" + inputTokensOriginal + ", inputTokensSent=" + inputTokensSent
        + ", outputTokens=" + outputTokens + ", cacheReadTokens=" + cacheReadTokens
        + ", cacheWriteTokens=" + cacheWriteTokens + ", costNanos=" + costNanos
        + ", compressionCostNanos=" + compressionCostNanos + ", latencyNanos=" + latencyNanos
        + ", qualityScore=" + qualityScore + ", contextWindow=" + contextWindow + ", epochNanos=" + epochNanos + "]";
  }

  /** Builds a {@link RoiSample}. Every setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private @Nullable String experiment;
    private @Nullable String group;
    private String agent = "";
    private long inputTokensOriginal = -1;
    private long inputTokensSent;
    private long outputTokens;
    private long cacheReadTokens;
    private long cacheWriteTokens;
    private long costNanos;
    private long compressionCostNanos;
    private long latencyNanos;
    private @Nullable Double qualityScore;
    private long contextWindow;
    private long epochNanos;

    private Builder() {}

    /**
     * The experiment name ({@code lockn.experiment.name}). Required.
     *
     * @param experiment the name
     * @return this builder
     */
    public Builder setExperiment(String experiment) {
      this.experiment = Objects.requireNonNull(experiment, "experiment");
      return this;
    }

    /**
     * The experiment group ({@code lockn.experiment.group}), e.g. {@code control} or {@code compressed}. Required.
     *
     * @param group the group
     * @return this builder
     */
    public Builder setGroup(String group) {
      this.group = Objects.requireNonNull(group, "group");
      return this;
    }

    /**
     * The agent ({@code lockn.agent.name}). Defaults to empty: no agent.
     *
     * @param agent the agent, or empty
     * @return this builder
     */
    public Builder setAgent(String agent) {
      this.agent = Objects.requireNonNull(agent, "agent");
      return this;
    }

    /**
     * The input tokens before compression: what the call would have sent uncompressed. Defaults to {@link
     * #setInputTokensSent the tokens sent}, as for the control group.
     *
     * @param tokens at least 0
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder setInputTokensOriginal(long tokens) {
      this.inputTokensOriginal = check(tokens, "inputTokensOriginal");
      return this;
    }

    /**
     * The input tokens actually sent (provider-reported usage, cached tokens included).
     *
     * @param tokens at least 0
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder setInputTokensSent(long tokens) {
      this.inputTokensSent = check(tokens, "inputTokensSent");
      return this;
    }

    /**
     * The output tokens.
     *
     * @param tokens at least 0
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder setOutputTokens(long tokens) {
      this.outputTokens = check(tokens, "outputTokens");
      return this;
    }

    /**
     * Input tokens read from the provider's prompt cache.
     *
     * @param tokens at least 0
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder setCacheReadTokens(long tokens) {
      this.cacheReadTokens = check(tokens, "cacheReadTokens");
      return this;
    }

    /**
     * Input tokens written to the provider's prompt cache.
     *
     * @param tokens at least 0
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder setCacheWriteTokens(long tokens) {
      this.cacheWriteTokens = check(tokens, "cacheWriteTokens");
      return this;
    }

    /**
     * The cost of the call as billed, cache-write premiums and cache-read discounts included.
     *
     * @param nanos nano-USD, at least 0
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder setCostNanos(long nanos) {
      this.costNanos = check(nanos, "costNanos");
      return this;
    }

    /**
     * The compression step's own cost. Defaults to 0: a free step.
     *
     * @param nanos nano-USD, at least 0
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder setCompressionCostNanos(long nanos) {
      this.compressionCostNanos = check(nanos, "compressionCostNanos");
      return this;
    }

    /**
     * The end-to-end latency of the call, the compression step included.
     *
     * @param nanos nanoseconds, at least 0
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder setLatencyNanos(long nanos) {
      this.latencyNanos = check(nanos, "latencyNanos");
      return this;
    }

    /**
     * The quality score ({@code lockn.compression.quality_score}). Defaults to none.
     *
     * @param score a finite score, or {@code null} if not evaluated
     * @return this builder
     * @throws IllegalArgumentException if the score is not finite
     */
    public Builder setQualityScore(@Nullable Double score) {
      this.qualityScore = checkScore(score);
      return this;
    }

    /**
     * The model's context window. Defaults to 0: unknown.
     *
     * @param tokens at least 0
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder setContextWindow(long tokens) {
      this.contextWindow = check(tokens, "contextWindow");
      return this;
    }

    /**
     * When the call started (the span's start). Defaults to 0: unknown, and then the call is left out of savings over
     * time.
     *
     * @param epochNanos nanoseconds since the epoch, at least 0
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder setEpochNanos(long epochNanos) {
      this.epochNanos = check(epochNanos, "epochNanos");
      return this;
    }

    /**
     * Builds the sample.
     *
     * @return the sample
     * @throws IllegalStateException if the experiment or the group is not set
     */
    public RoiSample build() {
      if (experiment == null) {
        throw new IllegalStateException("experiment not set");
      }
      if (group == null) {
        throw new IllegalStateException("group not set");
      }
      return new RoiSample(this, experiment, group);
    }

    private static long check(long value, String name) {
      if (value < 0) {
        throw new IllegalArgumentException(name + " < 0");
      }
      return value;
    }

    private static @Nullable Double checkScore(@Nullable Double score) {
      if (score != null && !Double.isFinite(score)) {
        throw new IllegalArgumentException("qualityScore is not finite");
      }
      return score;
    }
  }
}
