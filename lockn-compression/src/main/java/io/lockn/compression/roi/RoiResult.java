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
 * @param experiment the experiment name
 * @param agent the agent, or {@link #ALL_AGENTS}
 * @param group the treatment group, e.g. {@code compressed}
 * @param controlGroup the control group, e.g. {@code control}
 * @param controlCalls calls in the control group
 * @param treatmentCalls calls in the treatment group
 * @param inputTokensOriginal the treatment's input tokens before compression, summed
 * @param inputTokensSent the treatment's input tokens sent, summed
 * @param tokenSavingsRate {@code 1 - sent / original} over the treatment's calls (ratio of sums), bootstrap interval
 * @param inputTokensPerCallSavings mean input tokens sent per call, control minus treatment; Welch interval
 * @param controlCostNanos the control's net cost, summed, exact
 * @param treatmentCostNanos the treatment's net cost (compression step included), summed, exact
 * @param compressionCostNanos the treatment's compression step cost, summed, exact (part of {@code treatmentCostNanos})
 * @param costSavingsPerCallUsd exactly {@code controlCost / controlCalls - treatmentCost / treatmentCalls}, in USD,
 *     rounded half-even to 12 decimal places (pico-USD); negative when the treatment costs more
 * @param costSavingsUsd exactly {@code treatmentCalls x costSavingsPerCall}: what the treatment saved on its calls
 *     compared with paying the control's mean, in USD rounded half-even to 9 decimal places (nano-USD)
 * @param costSavingsPercent {@code 100 x costSavingsPerCall / controlMeanCost}, rounded half-even to 4 decimal places,
 *     or {@code null} when the control cost nothing
 * @param costSavingsPerCall the mean net cost per call in USD, control minus treatment, with a Welch interval (double)
 * @param costSavingsPercentEstimate {@code 100 x (1 - treatmentMean / controlMean)}, bootstrap interval
 * @param costVerdict {@link Verdict#SAVES} if the Welch interval of {@code costSavingsPerCall} lies above 0, {@link
 *     Verdict#COSTS_MORE} if below, else {@link Verdict#INCONCLUSIVE}
 * @param latencyP50Ratio treatment p50 latency / control p50 latency, bootstrap interval
 * @param latencyP95Ratio treatment p95 latency / control p95 latency, bootstrap interval
 * @param latencyVerdict from the p50 ratio's interval against 1: below is {@link Verdict#SAVES} (faster)
 * @param qualityRetention mean treatment quality / mean control quality, bootstrap interval; {@code null} with fewer
 *     than 2 scores in a group
 * @param nonInferiorityMargin the margin: quality may drop at most this fraction
 * @param nonInferiority {@link NonInferiority#PASS} when the lower bound of {@code qualityRetention} is at least
 *     {@code 1 - nonInferiorityMargin}
 * @param controlCacheHitRate the share of control calls that read from the prompt cache
 * @param treatmentCacheHitRate the share of treatment calls that read from the prompt cache
 * @param cacheHitRateDifference treatment minus control hit rate, Welch interval on the 0/1 indicators
 * @param controlContextUtilisation mean of {@code input sent / context window} over control calls with a known window
 *     ({@code NaN} if none)
 * @param treatmentContextUtilisation the same over treatment calls
 * @param treatmentOriginalContextUtilisation the same with the treatment's original (uncompressed) input
 * @param contextUtilisationDifference treatment minus control utilisation, Welch interval
 * @param requestsEnabled treatment calls whose original input would have exceeded the model's context window
 */
public record RoiResult(
    String experiment,
    String agent,
    String group,
    String controlGroup,
    int controlCalls,
    int treatmentCalls,
    long inputTokensOriginal,
    long inputTokensSent,
    Estimate tokenSavingsRate,
    Estimate inputTokensPerCallSavings,
    long controlCostNanos,
    long treatmentCostNanos,
    long compressionCostNanos,
    BigDecimal costSavingsPerCallUsd,
    BigDecimal costSavingsUsd,
    @Nullable BigDecimal costSavingsPercent,
    Estimate costSavingsPerCall,
    Estimate costSavingsPercentEstimate,
    Verdict costVerdict,
    Estimate latencyP50Ratio,
    Estimate latencyP95Ratio,
    Verdict latencyVerdict,
    @Nullable Estimate qualityRetention,
    double nonInferiorityMargin,
    NonInferiority nonInferiority,
    double controlCacheHitRate,
    double treatmentCacheHitRate,
    Estimate cacheHitRateDifference,
    double controlContextUtilisation,
    double treatmentContextUtilisation,
    double treatmentOriginalContextUtilisation,
    Estimate contextUtilisationDifference,
    long requestsEnabled) {

  /** The {@link #agent()} of a result over all agents of an experiment. */
  public static final String ALL_AGENTS = "*";
}
