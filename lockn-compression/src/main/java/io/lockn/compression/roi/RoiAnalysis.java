package io.lockn.compression.roi;

import io.lockn.compression.experiment.Experiment;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * Computes the ROI of compression experiments from observed calls: token, cost and latency savings, quality retention
 * with a non-inferiority check, cache hit rate, context-window utilisation and requests enabled, each difference with
 * a confidence interval.
 *
 * <pre>{@code
 * RoiReport report = RoiAnalysis.of(samples);                        // defaults
 * RoiReport strict = RoiAnalysis.builder().setNonInferiorityMargin(0.02).build().analyze(samples);
 * }</pre>
 *
 * <p>Intervals: differences of means (cost per call, input tokens per call, cache hit rate, context utilisation) use
 * Welch's t interval with Welch–Satterthwaite degrees of freedom; percentiles and ratios (latency p50/p95 ratios,
 * quality retention, token savings rate, cost savings %) use the percentile bootstrap, resampling calls within each
 * group, from a generator with a fixed seed so the same samples always give the same report. A verdict other than
 * {@link Verdict#INCONCLUSIVE} is given only when the interval excludes "no change".
 *
 * <p>Exactness: sums of money are exact {@code long} nano-USD and the point estimates of savings are exact {@link
 * BigDecimal}s; means, variances, intervals and ratios are {@code double}. Calls are treated as independent; when the
 * experiment assigns by tenant or user, calls of one unit are correlated and the intervals are too narrow.
 *
 * <p>Immutable and thread-safe; {@link #analyze} is CPU-bound ({@code bootstrapIterations} resamples per ratio) and
 * meant for the query API and the offline audit, never for the call path.
 */
public final class RoiAnalysis {

  /** The default non-inferiority margin for quality: 5%. */
  public static final double DEFAULT_MARGIN = 0.05;
  /** The default confidence level: 95%. */
  public static final double DEFAULT_CONFIDENCE = 0.95;
  /** The default number of bootstrap resamples. */
  public static final int DEFAULT_BOOTSTRAP_ITERATIONS = 2000;
  /** The default bootstrap seed. */
  public static final long DEFAULT_SEED = 20240601L;

  private static final BigDecimal NANOS_PER_USD = BigDecimal.valueOf(1_000_000_000L);

  private final String controlGroup;
  private final double margin;
  private final double confidence;
  private final int iterations;
  private final long seed;

  private RoiAnalysis(Builder b) {
    this.controlGroup = b.controlGroup;
    this.margin = b.margin;
    this.confidence = b.confidence;
    this.iterations = b.iterations;
    this.seed = b.seed;
  }

  /**
   * Analyses samples with the defaults: control group {@code control}, margin 0.05, confidence 0.95, 2000 bootstrap
   * resamples, the default seed.
   *
   * @param samples the observed calls
   * @return the report
   */
  public static RoiReport of(List<RoiSample> samples) {
    return builder().build().analyze(samples);
  }

  /**
   * A builder with the defaults.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Analyses samples: for each experiment, over all agents and then per agent, every group other than the control
   * group is compared with the control group. Experiments or agents without control calls produce no result.
   *
   * @param samples the observed calls
   * @return the report
   */
  public RoiReport analyze(List<RoiSample> samples) {
    Objects.requireNonNull(samples, "samples");
    Map<String, List<RoiSample>> byExperiment = new TreeMap<>();
    for (RoiSample s : samples) {
      byExperiment.computeIfAbsent(Objects.requireNonNull(s, "sample").experiment(), k -> new ArrayList<>()).add(s);
    }
    List<RoiResult> results = new ArrayList<>();
    for (Map.Entry<String, List<RoiSample>> e : byExperiment.entrySet()) {
      Map<String, List<RoiSample>> slices = new LinkedHashMap<>();
      slices.put(RoiResult.ALL_AGENTS, e.getValue());
      TreeSet<String> agents = new TreeSet<>();
      e.getValue().forEach(s -> agents.add(s.agent()));
      for (String agent : agents) {
        slices.put(agent, e.getValue().stream().filter(s -> s.agent().equals(agent)).toList());
      }
      for (Map.Entry<String, List<RoiSample>> slice : slices.entrySet()) {
        Map<String, List<RoiSample>> byGroup = new TreeMap<>();
        slice.getValue().forEach(s -> byGroup.computeIfAbsent(s.group(), k -> new ArrayList<>()).add(s));
        List<RoiSample> control = byGroup.get(controlGroup);
        if (control == null) {
          continue;
        }
        for (Map.Entry<String, List<RoiSample>> g : byGroup.entrySet()) {
          if (!g.getKey().equals(controlGroup)) {
            results.add(compare(e.getKey(), slice.getKey(), g.getKey(), control, g.getValue()));
          }
        }
      }
    }
    return new RoiReport(results);
  }

  private RoiResult compare(
      String experiment, String agent, String group, List<RoiSample> control, List<RoiSample> treatment) {
    int nC = control.size();
    int nT = treatment.size();

    // Tokens.
    long origT = 0;
    long sentT = 0;
    for (RoiSample s : treatment) {
      origT = Math.addExact(origT, s.inputTokensOriginal());
      sentT = Math.addExact(sentT, s.inputTokensSent());
    }
    double[] tOrig = values(treatment, s -> s.inputTokensOriginal());
    double[] tSent = values(treatment, s -> s.inputTokensSent());
    Estimate tokenSavings = Stats.bootstrap(0, nT, 0, 1,
        (ic, it) -> 1 - sumAt(tSent, it) / sumAt(tOrig, it), iterations, seed, confidence);
    Estimate inputSavings = Stats.welch(values(control, s -> s.inputTokensSent()), tSent, confidence);

    // Cost, exact.
    long costC = 0;
    long costT = 0;
    long compressionT = 0;
    for (RoiSample s : control) {
      costC = Math.addExact(costC, s.netCostNanos());
    }
    for (RoiSample s : treatment) {
      costT = Math.addExact(costT, s.netCostNanos());
      compressionT = Math.addExact(compressionT, s.compressionCostNanos());
    }
    // savings per call = costC/nC - costT/nT = (costC*nT - costT*nC) / (nC*nT)
    BigInteger numerator = BigInteger.valueOf(costC).multiply(BigInteger.valueOf(nT))
        .subtract(BigInteger.valueOf(costT).multiply(BigInteger.valueOf(nC)));
    BigDecimal perCallUsd = new BigDecimal(numerator)
        .divide(BigDecimal.valueOf((long) nC * nT).multiply(NANOS_PER_USD), 12, RoundingMode.HALF_EVEN);
    BigDecimal totalUsd = new BigDecimal(numerator)
        .divide(BigDecimal.valueOf(nC).multiply(NANOS_PER_USD), 9, RoundingMode.HALF_EVEN);
    BigDecimal percent = costC == 0 ? null : new BigDecimal(numerator.multiply(BigInteger.valueOf(100)))
        .divide(new BigDecimal(BigInteger.valueOf(costC).multiply(BigInteger.valueOf(nT))), 4, RoundingMode.HALF_EVEN);
    double[] cCost = values(control, s -> s.netCostNanos() / 1e9);
    double[] tCost = values(treatment, s -> s.netCostNanos() / 1e9);
    Estimate costSavings = Stats.welch(cCost, tCost, confidence);
    Estimate costPercent = Stats.bootstrap(nC, nT, 1, 1,
        (ic, it) -> 100 * (1 - Stats.meanAt(tCost, it) / Stats.meanAt(cCost, ic)), iterations, seed, confidence);

    // Latency.
    double[] cLat = values(control, s -> s.latencyNanos());
    double[] tLat = values(treatment, s -> s.latencyNanos());
    Estimate p50 = Stats.bootstrap(nC, nT, 1, 1,
        (ic, it) -> Stats.percentileAt(tLat, it, 0.5) / Stats.percentileAt(cLat, ic, 0.5), iterations, seed,
        confidence);
    Estimate p95 = Stats.bootstrap(nC, nT, 1, 1,
        (ic, it) -> Stats.percentileAt(tLat, it, 0.95) / Stats.percentileAt(cLat, ic, 0.95), iterations, seed,
        confidence);

    // Quality.
    double[] cQ = scores(control);
    double[] tQ = scores(treatment);
    Estimate retention = null;
    NonInferiority nonInferiority = NonInferiority.NO_DATA;
    if (cQ.length >= 2 && tQ.length >= 2) {
      retention = Stats.bootstrap(cQ.length, tQ.length, 2, 2,
          (ic, it) -> Stats.meanAt(tQ, it) / Stats.meanAt(cQ, ic), iterations, seed, confidence);
      nonInferiority = retention.lower() >= 1 - margin ? NonInferiority.PASS : NonInferiority.FAIL;
    }

    // Cache and context window.
    double[] cHit = values(control, s -> s.cacheHit() ? 1 : 0);
    double[] tHit = values(treatment, s -> s.cacheHit() ? 1 : 0);
    double[] cUse = utilisation(control, false);
    double[] tUse = utilisation(treatment, false);
    long enabled = treatment.stream().filter(RoiSample::originalExceedsContextWindow).count();

    return new RoiResult(experiment, agent, group, controlGroup, nC, nT, origT, sentT, tokenSavings, inputSavings,
        costC, costT, compressionT, perCallUsd, totalUsd, percent, costSavings, costPercent,
        costSavings.verdict(0, true), p50, p95, p50.verdict(1, false), retention, margin, nonInferiority,
        Stats.mean(cHit), Stats.mean(tHit), Stats.welch(tHit, cHit, confidence), meanOrNaN(cUse), meanOrNaN(tUse),
        meanOrNaN(utilisation(treatment, true)), Stats.welch(tUse, cUse, confidence), enabled);
  }

  private static double[] values(List<RoiSample> samples, ToDoubleFunction<RoiSample> f) {
    double[] v = new double[samples.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = f.applyAsDouble(samples.get(i));
    }
    return v;
  }

  private static double[] scores(List<RoiSample> samples) {
    return samples.stream().filter(s -> s.qualityScore() != null).mapToDouble(s -> s.qualityScore()).toArray();
  }

  private static double[] utilisation(List<RoiSample> samples, boolean original) {
    return samples.stream()
        .filter(s -> s.contextWindow() > 0)
        .mapToDouble(s -> (double) (original ? s.inputTokensOriginal() : s.inputTokensSent()) / s.contextWindow())
        .toArray();
  }

  private static double meanOrNaN(double[] x) {
    return x.length == 0 ? Double.NaN : Stats.mean(x);
  }

  private static double sumAt(double[] x, int[] idx) {
    double s = 0;
    for (int i : idx) {
      s += x[i];
    }
    return s;
  }

  /** Builds a {@link RoiAnalysis}; fails fast on invalid values. Not thread-safe. */
  public static final class Builder {
    private String controlGroup = Experiment.CONTROL;
    private double margin = DEFAULT_MARGIN;
    private double confidence = DEFAULT_CONFIDENCE;
    private int iterations = DEFAULT_BOOTSTRAP_ITERATIONS;
    private long seed = DEFAULT_SEED;

    private Builder() {}

    /**
     * Sets the control group's key.
     *
     * @param group the key; default {@code control}
     * @return this builder
     * @throws IllegalArgumentException if blank
     */
    public Builder setControlGroup(String group) {
      Objects.requireNonNull(group, "group");
      if (group.isBlank()) {
        throw new IllegalArgumentException("control group is blank");
      }
      this.controlGroup = group;
      return this;
    }

    /**
     * Sets the non-inferiority margin for quality: retention passes when its lower bound is at least {@code 1 -
     * margin}.
     *
     * @param margin in {@code [0, 1)}; default 0.05
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder setNonInferiorityMargin(double margin) {
      if (!(margin >= 0 && margin < 1)) {
        throw new IllegalArgumentException("margin not in [0, 1)");
      }
      this.margin = margin;
      return this;
    }

    /**
     * Sets the confidence level of every interval.
     *
     * @param confidence in {@code (0, 1)}; default 0.95
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder setConfidence(double confidence) {
      if (!(confidence > 0 && confidence < 1)) {
        throw new IllegalArgumentException("confidence not in (0, 1)");
      }
      this.confidence = confidence;
      return this;
    }

    /**
     * Sets the number of bootstrap resamples.
     *
     * @param iterations at least 100; default 2000
     * @return this builder
     * @throws IllegalArgumentException if below 100
     */
    public Builder setBootstrapIterations(int iterations) {
      if (iterations < 100) {
        throw new IllegalArgumentException("bootstrap iterations < 100");
      }
      this.iterations = iterations;
      return this;
    }

    /**
     * Sets the bootstrap seed; the same samples and seed always give the same intervals.
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder setSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Builds the analysis.
     *
     * @return the analysis
     */
    public RoiAnalysis build() {
      return new RoiAnalysis(this);
    }
  }
}
