package io.lockn.compression.roi;

/**
 * A point estimate with a two-sided confidence interval. Bounds are {@code NaN} when there was not enough data (fewer
 * than 2 observations in a group).
 *
 * @param value the point estimate
 * @param lower the lower bound
 * @param upper the upper bound
 * @param confidence the confidence level, e.g. 0.95
 * @param method how the interval was computed
 */
public record Estimate(double value, double lower, double upper, double confidence, Method method) {

  /** How an interval was computed. */
  public enum Method {
    /** Welch's t interval for a difference of means, with Welch–Satterthwaite degrees of freedom. */
    WELCH_T,
    /** Percentile bootstrap, resampling each group with replacement. */
    PERCENTILE_BOOTSTRAP
  }

  /**
   * Whether the interval is known and lies entirely above or entirely below {@code x}.
   *
   * @param x the value, e.g. 0 for a difference or 1 for a ratio
   * @return {@code true} if {@code x < lower} or {@code x > upper}
   */
  public boolean excludes(double x) {
    return x < lower || x > upper;
  }

  /**
   * The verdict of this interval about a change, where values above {@code none} are good.
   *
   * @param none the value meaning "no change"
   * @param higherIsBetter whether values above {@code none} mean savings
   * @return {@link Verdict#SAVES} or {@link Verdict#COSTS_MORE} if the interval excludes {@code none}, else {@link
   *     Verdict#INCONCLUSIVE}
   */
  public Verdict verdict(double none, boolean higherIsBetter) {
    if (lower > none) {
      return higherIsBetter ? Verdict.SAVES : Verdict.COSTS_MORE;
    }
    if (upper < none) {
      return higherIsBetter ? Verdict.COSTS_MORE : Verdict.SAVES;
    }
    return Verdict.INCONCLUSIVE;
  }

  static Estimate unknown(double value, double confidence, Method method) {
    return new Estimate(value, Double.NaN, Double.NaN, confidence, method);
  }
}
