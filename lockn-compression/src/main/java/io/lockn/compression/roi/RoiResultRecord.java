package io.lockn.compression.roi;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/** The one {@link RoiResult}: a record, for its value semantics; {@link RoiResult} documents every component. */
record RoiResultRecord(
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
    long requestsEnabled)
    implements RoiResult {}
