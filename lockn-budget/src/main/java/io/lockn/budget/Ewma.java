package io.lockn.budget;

/**
 * An exponentially weighted moving mean and variance (West 1979; Finch 2009, "Incremental calculation of weighted mean
 * and variance"), with the weight of the {@code n}-th sample raised to {@code 1/n} while that is larger than the
 * smoothing factor, so that the first samples give their plain (population) mean and variance instead of a baseline
 * biased towards the first value. Statistics, not money: doubles. Not thread-safe.
 */
final class Ewma {

  private final double alpha;
  private long count;
  private double mean;
  private double variance;

  Ewma(double alpha) {
    this.alpha = alpha;
  }

  /**
   * Checks a smoothing factor, for the builders of the detectors that keep these averages.
   *
   * @throws IllegalArgumentException if it is not in (0, 1]
   */
  static double checkSmoothing(double alpha) {
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("smoothing not in (0, 1]: " + alpha);
    }
    return alpha;
  }

  /**
   * Checks how many samples a baseline needs before it is trusted (a detector's warm-up).
   *
   * @throws IllegalArgumentException if it is below 1
   */
  static int checkWarmUp(String field, int samples) {
    if (samples < 1) {
      throw new IllegalArgumentException(field + " < 1: " + samples);
    }
    return samples;
  }

  /**
   * Adds a sample: {@code a = max(alpha, 1/n)}, {@code d = x - mean}, {@code mean += a*d}, {@code variance = (1-a) *
   * (variance + a*d*d)}.
   */
  void add(double x) {
    count++;
    double a = Math.max(alpha, 1.0 / count);
    double diff = x - mean;
    double increment = a * diff;
    mean += increment;
    variance = (1 - a) * (variance + diff * increment);
  }

  long count() {
    return count;
  }

  double mean() {
    return mean;
  }

  double stdDev() {
    return Math.sqrt(Math.max(0, variance));
  }
}
