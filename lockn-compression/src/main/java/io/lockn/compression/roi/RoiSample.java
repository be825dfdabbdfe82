package io.lockn.compression.roi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One observed LLM call in a compression experiment.
 *
 * <p>{@code costNanos} is the provider cost of the call as billed, cache-write premiums and cache-read discounts
 * included (e.g. {@link io.lockn.pricing.Cost#totalNanos()}); {@code compressionCostNanos} is the compression step's
 * own cost (an LLM-based summariser, say), 0 when the step is free. Savings are computed net of both.
 *
 * @param experiment the experiment name ({@code lockn.experiment.name})
 * @param group the experiment group ({@code lockn.experiment.group}), e.g. {@code control} or {@code compressed}
 * @param agent the agent ({@code lockn.agent.name}), or empty
 * @param inputTokensOriginal the input tokens before compression: what the call would have sent uncompressed; for the
 *     control group, the input tokens actually sent
 * @param inputTokensSent the input tokens actually sent (provider-reported usage, cached tokens included)
 * @param outputTokens the output tokens
 * @param cacheReadTokens input tokens read from the provider's prompt cache
 * @param cacheWriteTokens input tokens written to the provider's prompt cache
 * @param costNanos the cost of the call in nano-USD, cache-write premiums included
 * @param compressionCostNanos the compression step's own cost in nano-USD, 0 if free
 * @param latencyNanos the end-to-end latency of the call in nanoseconds, the compression step included
 * @param qualityScore the quality score ({@code lockn.compression.quality_score}), or {@code null} if not evaluated
 * @param contextWindow the model's context window in tokens (from {@link io.lockn.pricing.ModelPrice#contextWindow()}),
 *     or 0 if unknown
 * @param epochNanos when the call started, in nanoseconds since the epoch (the span's start), or 0 if unknown; places
 *     the call in {@link RoiAnalysis#savingsOverTime(java.util.List) savings over time}
 */
public record RoiSample(
    String experiment,
    String group,
    String agent,
    long inputTokensOriginal,
    long inputTokensSent,
    long outputTokens,
    long cacheReadTokens,
    long cacheWriteTokens,
    long costNanos,
    long compressionCostNanos,
    long latencyNanos,
    @Nullable Double qualityScore,
    long contextWindow,
    long epochNanos) {

  /**
   * Validates the sample.
   *
   * @throws IllegalArgumentException if a count or amount is negative, or the quality score is not finite
   */
  public RoiSample {
    Objects.requireNonNull(experiment, "experiment");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(agent, "agent");
    if ((inputTokensOriginal | inputTokensSent | outputTokens | cacheReadTokens | cacheWriteTokens | costNanos
            | compressionCostNanos | latencyNanos | contextWindow | epochNanos)
        < 0) {
      throw new IllegalArgumentException("roi sample value < 0");
    }
    if (qualityScore != null && !Double.isFinite(qualityScore)) {
      throw new IllegalArgumentException("qualityScore is not finite");
    }
  }

  /**
   * A sample whose start time is unknown ({@code epochNanos} 0): it counts in {@link RoiAnalysis#analyze} but not in
   * {@link RoiAnalysis#savingsOverTime}.
   *
   * @param experiment the experiment name
   * @param group the experiment group
   * @param agent the agent, or empty
   * @param inputTokensOriginal the input tokens before compression
   * @param inputTokensSent the input tokens actually sent
   * @param outputTokens the output tokens
   * @param cacheReadTokens input tokens read from the prompt cache
   * @param cacheWriteTokens input tokens written to the prompt cache
   * @param costNanos the cost of the call in nano-USD
   * @param compressionCostNanos the compression step's own cost in nano-USD
   * @param latencyNanos the latency of the call in nanoseconds
   * @param qualityScore the quality score, or {@code null}
   * @param contextWindow the model's context window in tokens, or 0
   * @throws IllegalArgumentException if a count or amount is negative, or the quality score is not finite
   */
  public RoiSample(
      String experiment,
      String group,
      String agent,
      long inputTokensOriginal,
      long inputTokensSent,
      long outputTokens,
      long cacheReadTokens,
      long cacheWriteTokens,
      long costNanos,
      long compressionCostNanos,
      long latencyNanos,
      @Nullable Double qualityScore,
      long contextWindow) {
    this(experiment, group, agent, inputTokensOriginal, inputTokensSent, outputTokens, cacheReadTokens,
        cacheWriteTokens, costNanos, compressionCostNanos, latencyNanos, qualityScore, contextWindow, 0);
  }

  /**
   * This sample with another quality score, for a score that arrived after the call ended.
   *
   * @param score the score, or {@code null}
   * @return a copy with {@code qualityScore} replaced
   * @throws IllegalArgumentException if the score is not finite
   */
  public RoiSample withQualityScore(@Nullable Double score) {
    return new RoiSample(experiment, group, agent, inputTokensOriginal, inputTokensSent, outputTokens,
        cacheReadTokens, cacheWriteTokens, costNanos, compressionCostNanos, latencyNanos, score, contextWindow,
        epochNanos);
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
}
