package io.lockn.compression.roi;

import io.lockn.compression.experiment.Experiment;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Computes the ROI of compression experiments from observed calls: token, cost and latency savings, quality retention
 * with a non-inferiority check, cache hit rate, context-window utilisation and requests enabled, each difference with
 * a confidence interval.
 *
 * <pre>{@code
 * RoiReport report = RoiAnalysis.of(samples);                        // defaults
 * RoiReport strict = RoiAnalysis.builder().setNonInferiorityMargin(0.02).build().analyze(samples);
 * List<SavingsSeries> waterfall = RoiAnalysis.builder().build().savingsOverTime(samples);   // by hour, day...
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
 * meant for the query API and the offline audit, never for the call path. {@link #savingsOverTime} is linear in
 * the samples and exact throughout.
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
  /** The most buckets of an automatically chosen interval in {@link #savingsOverTime(List)}. */
  public static final int MAX_AUTO_BUCKETS = 60;
  /** The most buckets per experiment that {@link #savingsOverTime(List, Duration)} gives. */
  public static final int MAX_BUCKETS = 100_000;

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
    List<RoiResult> results = new ArrayList<>();
    for (Map.Entry<String, List<RoiSample>> e : byExperiment(samples).entrySet()) {
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

  /**
   * The savings of each treatment group over time, per experiment over all agents, in buckets of an interval chosen
   * for the time the calls span: the smallest of 1, 2, 5, 10, 15 and 30 seconds, 1, 2, 5, 10, 15 and 30 minutes, 1,
   * 2, 3, 6 and 12 hours, 1 day and whole weeks that gives at most {@value #MAX_AUTO_BUCKETS} buckets. Calls are placed
   * by {@link RoiSample#epochNanos()}; calls without a start time are counted in {@link
   * SavingsSeries#undatedCalls()} only. See {@link SavingsSeries} for how the uncompressed cost is estimated.
   *
   * @param samples the observed calls
   * @return one series per experiment and treatment group with a control group, in name order
   */
  public List<SavingsSeries> savingsOverTime(List<RoiSample> samples) {
    return series(samples, null);
  }

  /**
   * The savings of each treatment group over time, in buckets of a given width. Buckets start at whole multiples of
   * the interval since the epoch (UTC), so a day starts at midnight UTC; intervals of whole weeks start on Mondays.
   *
   * @param samples the observed calls
   * @param interval the bucket width, at least 1 ms
   * @return one series per experiment and treatment group with a control group, in name order
   * @throws IllegalArgumentException if the interval is shorter than 1 ms, or would give more than {@value
   *     #MAX_BUCKETS} buckets for one experiment
   */
  public List<SavingsSeries> savingsOverTime(List<RoiSample> samples, Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("interval < 1 ms");
    }
    return series(samples, interval);
  }

  private List<SavingsSeries> series(List<RoiSample> samples, @Nullable Duration fixed) {
    List<SavingsSeries> out = new ArrayList<>();
    for (Map.Entry<String, List<RoiSample>> e : byExperiment(samples).entrySet()) {
      Map<String, List<RoiSample>> byGroup = new TreeMap<>();
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      for (RoiSample s : e.getValue()) {
        byGroup.computeIfAbsent(s.group(), k -> new ArrayList<>()).add(s);
        if (s.epochNanos() > 0) {
          first = Math.min(first, s.epochNanos());
          last = Math.max(last, s.epochNanos());
        }
      }
      List<RoiSample> control = byGroup.get(controlGroup);
      if (control == null || byGroup.size() < 2) {
        continue;
      }
      boolean dated = first <= last;
      Duration interval = fixed != null ? fixed : dated ? autoInterval(first, last) : Duration.ofHours(1);
      long step = interval.toNanos();
      long from = dated ? bucketStart(first, step) : 0;
      int n = 0;
      if (dated) {
        long count = (bucketStart(last, step) - from) / step + 1;
        if (count > MAX_BUCKETS) {
          throw new IllegalArgumentException("interval " + interval + " gives more than " + MAX_BUCKETS
              + " buckets for experiment " + e.getKey());
        }
        n = (int) count;
      }
      int nC = control.size();
      long costC = 0;
      int[] controlPerBucket = new int[n];
      for (RoiSample s : control) {
        costC = Math.addExact(costC, s.netCostNanos());
        if (s.epochNanos() > 0) {
          controlPerBucket[(int) ((bucketStart(s.epochNanos(), step) - from) / step)]++;
        }
      }
      BigDecimal perCall = BigDecimal.valueOf(costC)
          .divide(BigDecimal.valueOf(nC).multiply(NANOS_PER_USD), 12, RoundingMode.HALF_EVEN);
      for (Map.Entry<String, List<RoiSample>> g : byGroup.entrySet()) {
        if (g.getKey().equals(controlGroup)) {
          continue;
        }
        int[] calls = new int[n];
        long[] cost = new long[n];
        long[] stepCost = new long[n];
        int undated = 0;
        for (RoiSample s : g.getValue()) {
          if (s.epochNanos() <= 0) {
            undated++;
            continue;
          }
          int k = (int) ((bucketStart(s.epochNanos(), step) - from) / step);
          calls[k]++;
          cost[k] = Math.addExact(cost[k], s.netCostNanos());
          stepCost[k] = Math.addExact(stepCost[k], s.compressionCostNanos());
        }
        List<SavingsSeries.Bucket> buckets = new ArrayList<>(n);
        long cumCalls = 0;
        long cumCost = 0;
        long previous = 0;
        for (int k = 0; k < n; k++) {
          cumCalls += calls[k];
          cumCost = Math.addExact(cumCost, cost[k]);
          // Cumulative savings are rounded once each, so the buckets add up exactly to the last of them.
          long cumulative = savingsNanos(costC, nC, cumCost, cumCalls);
          long savings = Math.subtractExact(cumulative, previous);
          buckets.add(new SavingsSeries.Bucket(from + k * step, calls[k], controlPerBucket[k],
              Math.addExact(cost[k], savings), cost[k], stepCost[k], savings, cumulative));
          previous = cumulative;
        }
        out.add(new SavingsSeries(e.getKey(), g.getKey(), controlGroup, interval, nC, costC, perCall, buckets,
            undated));
      }
    }
    return out;
  }

  /** The samples by experiment, in name order. */
  private static Map<String, List<RoiSample>> byExperiment(List<RoiSample> samples) {
    Objects.requireNonNull(samples, "samples");
    Map<String, List<RoiSample>> byExperiment = new TreeMap<>();
    for (RoiSample s : samples) {
      byExperiment.computeIfAbsent(Objects.requireNonNull(s, "sample").experiment(), k -> new ArrayList<>()).add(s);
    }
    return byExperiment;
  }

  /** Candidate bucket widths for {@link #savingsOverTime(List)}, smallest first; whole weeks follow. */
  private static final long[] AUTO_INTERVALS_SECONDS = {
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400
  };

  private static final long WEEK_NANOS = 7 * 86_400 * 1_000_000_000L;

  /** 1970-01-05T00:00Z, the first Monday after the epoch: where week-long buckets start. */
  private static final long MONDAY_NANOS = 4 * 86_400 * 1_000_000_000L;

  /** The width {@link #savingsOverTime(List)} chooses for calls that started between {@code first} and {@code last}. */
  static Duration autoInterval(long first, long last) {
    for (long seconds : AUTO_INTERVALS_SECONDS) {
      long step = seconds * 1_000_000_000L;
      if ((bucketStart(last, step) - bucketStart(first, step)) / step + 1 <= MAX_AUTO_BUCKETS) {
        return Duration.ofSeconds(seconds);
      }
    }
    for (long weeks = 1; ; weeks++) {
      long step = weeks * WEEK_NANOS;
      if ((bucketStart(last, step) - bucketStart(first, step)) / step + 1 <= MAX_AUTO_BUCKETS) {
        return Duration.ofDays(7 * weeks);
      }
    }
  }

  /** The start of the bucket of width {@code step} holding {@code epochNanos}: epoch-aligned, weeks on Mondays. */
  static long bucketStart(long epochNanos, long step) {
    long origin = step % WEEK_NANOS == 0 ? MONDAY_NANOS : 0;
    return origin + Math.floorDiv(epochNanos - origin, step) * step;
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
    BigDecimal totalUsd = BigDecimal.valueOf(savingsNanos(costC, nC, costT, nT), 9);
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

    return new RoiResultRecord(experiment, agent, group, controlGroup, nC, nT, origT, sentT, tokenSavings,
        inputSavings, costC, costT, compressionT, perCallUsd, totalUsd, percent, costSavings, costPercent,
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

  /**
   * The savings of {@code calls} treatment calls that cost {@code cost} against paying the control's mean for each:
   * {@code calls x controlCost / controlCalls - cost}, rounded half-even to the nano-USD. The one estimate of the
   * counterfactual, used by {@link RoiResult#costSavingsUsd()} and by every bucket of {@link SavingsSeries}.
   */
  static long savingsNanos(long controlCost, int controlCalls, long cost, long calls) {
    BigInteger numerator = BigInteger.valueOf(controlCost).multiply(BigInteger.valueOf(calls))
        .subtract(BigInteger.valueOf(cost).multiply(BigInteger.valueOf(controlCalls)));
    return new BigDecimal(numerator)
        .divide(BigDecimal.valueOf(controlCalls), 0, RoundingMode.HALF_EVEN)
        .longValueExact();
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
