/**
 * ROI analysis of compression experiments: what compression, prompt caching and context trimming saved, per experiment
 * and per agent, with 95% confidence intervals and a verdict only when the interval excludes "no difference".
 *
 * <pre>{@code
 * List<RoiSample> samples = ...;                        // one per LLM call, from spans or the query API
 * RoiReport report = RoiAnalysis.builder()
 *     .setNonInferiorityMargin(0.05)                    // quality may drop at most 5%
 *     .build()
 *     .analyze(samples);
 * RoiResult all = report.get("context-distillation-v1", RoiResult.ALL_AGENTS, "compressed").orElseThrow();
 * all.costVerdict();                                    // SAVES, COSTS_MORE or INCONCLUSIVE
 * all.costSavingsUsd();                                 // exact: calls x (control mean - compressed mean)
 * List<SavingsSeries> waterfall = RoiAnalysis.builder().build().savingsOverTime(samples);   // by hour, day...
 * }</pre>
 *
 * <p>Samples come from spans by the rules of {@link io.lockn.compression.roi.RoiSpans}, shared by {@code lockn audit
 * --experiments} (exported spans) and the in-process {@link io.lockn.compression.roi.sdk.RoiCollector} (live spans).
 *
 * <p>Money is exact where it is money: sums are {@code long} nano-USD and the point estimates of savings are exact
 * {@link java.math.BigDecimal}s. The statistics (standard errors, t quantiles, bootstrap intervals) are {@code double}.
 * Nothing here adds a dependency: the Student t quantile and the bootstrap are implemented in this package.
 */
@NullMarked
package io.lockn.compression.roi;

import org.jspecify.annotations.NullMarked;
