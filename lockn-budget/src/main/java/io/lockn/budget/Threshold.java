package io.lockn.budget;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A fraction of a budget's limit and what to do when spending, including reservations for calls in flight, would
 * reach it.
 *
 * @param percent the percentage of the limit, greater than 0 and at most 100
 * @param action the action
 */
public record Threshold(BigDecimal percent, Action action) {

  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  /**
   * Creates a threshold.
   *
   * @param percent the percentage of the limit, in (0, 100]
   * @param action the action
   * @throws IllegalArgumentException if the percentage is not in (0, 100]
   */
  public Threshold {
    Objects.requireNonNull(percent, "percent");
    Objects.requireNonNull(action, "action");
    if (percent.signum() <= 0 || percent.compareTo(HUNDRED) > 0) {
      throw new IllegalArgumentException("threshold percent not in (0, 100]: " + percent.toPlainString());
    }
  }

  /**
   * A threshold at a whole percentage.
   *
   * @param percent the percentage, in (0, 100]
   * @param action the action
   * @return the threshold
   */
  public static Threshold of(int percent, Action action) {
    return new Threshold(BigDecimal.valueOf(percent), action);
  }

  /**
   * The amount this threshold stands for: {@code floor(limit x percent / 100)}, exact.
   *
   * @param limit the budget's limit
   * @return the amount, in the budget's unit
   */
  public long amountOf(long limit) {
    return BigDecimal.valueOf(limit).multiply(percent).divideToIntegralValue(HUNDRED).longValueExact();
  }
}
