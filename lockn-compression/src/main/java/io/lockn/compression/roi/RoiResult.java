package io.lockn.compression.roi;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * The ROI of one treatment group against the control group, within one experiment, for one agent or for all agents.
 *
 * <p>Sign conventions: savings are {@code control - treatment}, so positive means the treatment saved; latency and
 * quality are ratios {@code treatment / control}; cache hit and context-window differences are {@code treatment -
 * control}.
 *
 * <p>Costs are net: a call's cost is {@link RoiSample#netCostNanos()}, the provider cost (cache-write premiums
 * included, cache reads discounted) plus the compression step's own cost. Savings can therefore be negative, for
 * example when prompt caching writes a large prefix at a premium that too few later reads pay back; the verdict is
 * then {@link Verdict#COSTS_MORE}.
 *
 * <p>Only {@link RoiAnalysis} makes results; they are immutable and have value semantics. An interface rather than a
 * record, and sealed, so that a new measure is one more method rather than one more component of a public
 * constructor and record pattern: code that reads results keeps compiling as measures are added.
 */
public sealed interface RoiResult permits RoiResultRecord {

  /** The {@link #agent()} of a result over all agents of an experiment. */
  String ALL_AGENTS = "*";

  /**
   * The experiment name.
   *
   * @return the name
   */
  String experiment();

  /**
   * The agent the result is for.
   *
   * @return the agent, or {@link #ALL_AGENTS}
   */
  String agent();

  /**
   * The treatment group, e.g. {@code compressed}.
   *
   * @return the group
   */
  String group();

  /**
   * The control group, e.g. {@code control}.
   *
   * @return the group
   */
  String controlGroup();

  /**
   * Calls in the control group.
   *
   * @return the count
   */
  int controlCalls();

  /**
   * Calls in the treatment group.
   *
   * @return the count
   */
  int treatmentCalls();

  /**
   * The treatment's input tokens before compression, summed.
   *
   * @return the tokens
   */
  long inputTokensOriginal();

  /**
   * The treatment's input tokens sent, summed.
   *
   * @return the tokens
   */
  long inputTokensSent();

  /**
   * The token savings rate, {@code 1 - sent / original} over the treatment's calls (ratio of sums), with a bootstrap
   * interval.
   *
   * @return the estimate
   */
  Estimate tokenSavingsRate();

  /**
   * The mean input tokens sent per call, control minus treatment, with a Welch interval.
   *
   * @return the estimate, in tokens
   */
  Estimate inputTokensPerCallSavings();

  /**
   * The control's net cost, summed, exact.
   *
   * @return nano-USD
   */
  long controlCostNanos();

  /**
   * The treatment's net cost (compression step included), summed, exact.
   *
   * @return nano-USD
   */
  long treatmentCostNanos();

  /**
   * The treatment's compression step cost, summed, exact (part of {@code treatmentCostNanos}).
   *
   * @return nano-USD
   */
  long compressionCostNanos();

  /**
   * Exactly {@code controlCost / controlCalls - treatmentCost / treatmentCalls}, in USD, rounded half-even to 12
   * decimal places (pico-USD); negative when the treatment costs more.
   *
   * @return USD, scale 12
   */
  BigDecimal costSavingsPerCallUsd();

  /**
   * Exactly {@code treatmentCalls x costSavingsPerCall}: what the treatment saved on its calls compared with paying the
   * control's mean, in USD rounded half-even to 9 decimal places (nano-USD).
   *
   * @return USD, scale 9
   */
  BigDecimal costSavingsUsd();

  /**
   * The cost savings as a share of the control's mean cost, exact: {@code 100 x costSavingsPerCall /
   * controlMeanCost}, rounded half-even to 4 decimal places.
   *
   * @return the percentage, scale 4, or {@code null} when the control cost nothing
   */
  @Nullable BigDecimal costSavingsPercent();

  /**
   * The mean net cost per call in USD, control minus treatment, with a Welch interval (double).
   *
   * @return the estimate, in USD
   */
  Estimate costSavingsPerCall();

  /**
   * The cost savings in percent, {@code 100 x (1 - treatmentMean / controlMean)}, with a bootstrap interval.
   *
   * @return the estimate, in percent
   */
  Estimate costSavingsPercentEstimate();

  /**
   * The cost verdict: {@link Verdict#SAVES} if the Welch interval of {@link #costSavingsPerCall()} lies above 0,
   * {@link Verdict#COSTS_MORE} if below, else {@link Verdict#INCONCLUSIVE}.
   *
   * @return the verdict
   */
  Verdict costVerdict();

  /**
   * Treatment p50 latency / control p50 latency, with a bootstrap interval.
   *
   * @return the estimate
   */
  Estimate latencyP50Ratio();

  /**
   * Treatment p95 latency / control p95 latency, with a bootstrap interval.
   *
   * @return the estimate
   */
  Estimate latencyP95Ratio();

  /**
   * The latency verdict, from the p50 ratio's interval against 1: below is {@link Verdict#SAVES} (faster).
   *
   * @return the verdict
   */
  Verdict latencyVerdict();

  /**
   * Mean treatment quality / mean control quality, with a bootstrap interval.
   *
   * @return the estimate, or {@code null} with fewer than 2 scores in a group
   */
  @Nullable Estimate qualityRetention();

  /**
   * The non-inferiority margin: quality may drop at most this fraction.
   *
   * @return the margin, in {@code [0, 1)}
   */
  double nonInferiorityMargin();

  /**
   * The non-inferiority test of quality: {@link NonInferiority#PASS} when the lower bound of {@link
   * #qualityRetention()} is at least {@code 1 - nonInferiorityMargin}.
   *
   * @return the outcome
   */
  NonInferiority nonInferiority();

  /**
   * The share of control calls that read from the prompt cache.
   *
   * @return the rate, in {@code [0, 1]}
   */
  double controlCacheHitRate();

  /**
   * The share of treatment calls that read from the prompt cache.
   *
   * @return the rate, in {@code [0, 1]}
   */
  double treatmentCacheHitRate();

  /**
   * Treatment minus control cache hit rate, with a Welch interval on the 0/1 indicators.
   *
   * @return the estimate
   */
  Estimate cacheHitRateDifference();

  /**
   * The mean of {@code input sent / context window} over control calls with a known window.
   *
   * @return the mean, or {@code NaN} if no control call has a known window
   */
  double controlContextUtilisation();

  /**
   * The mean of {@code input sent / context window} over treatment calls with a known window.
   *
   * @return the mean, or {@code NaN}
   */
  double treatmentContextUtilisation();

  /**
   * The mean of {@code original input / context window} over treatment calls with a known window: the utilisation
   * had the input not been compressed.
   *
   * @return the mean, or {@code NaN}
   */
  double treatmentOriginalContextUtilisation();

  /**
   * Treatment minus control context utilisation, with a Welch interval.
   *
   * @return the estimate
   */
  Estimate contextUtilisationDifference();

  /**
   * Treatment calls whose original input would have exceeded the model's context window.
   *
   * @return the count
   */
  long requestsEnabled();
}
