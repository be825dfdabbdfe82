package io.lockn.budget;

import java.time.Instant;

/**
 * A period-end projection of one account's spending, for calendar periods (day, week, month). Amounts are in the
 * budget's unit (nano-USD or tokens), from committed spending only (reservations of calls in flight are not spending
 * yet).
 *
 * <ul>
 *   <li><b>Linear</b>: {@code floor(spent x periodLength / elapsed)}, computed exactly in integers ({@code spent}
 *       when nothing has elapsed).
 *   <li><b>EWMA</b>: the period is cut into intervals of {@link #interval} from its start; the spending observed in
 *       each completed interval feeds an exponentially weighted moving average {@code e = a x x + (1 - a) x e} (seeded
 *       with the first interval; intervals without spending count as 0). The projection is {@code spent + floor(e x
 *       remaining / interval)}. {@code e} is kept as a {@link java.math.BigDecimal} rounded half-even to 9 decimal
 *       places of the unit after each update; the projection is rounded down once. Until an interval has completed,
 *       the EWMA projection equals the linear one.
 * </ul>
 *
 * @param budget the budget's name
 * @param scope the account's scope
 * @param unit the unit
 * @param limit the budget's limit
 * @param spent committed spending so far in the period
 * @param asOf the instant of the projection
 * @param periodStart the period's first instant
 * @param periodEnd the first instant after the period
 * @param linear the linear projection at period end
 * @param ewma the EWMA projection at period end
 * @param interval the EWMA interval in milliseconds
 * @param completedIntervals how many intervals the EWMA has seen
 */
public record BudgetForecast(
    String budget,
    String scope,
    BudgetUnit unit,
    long limit,
    long spent,
    Instant asOf,
    Instant periodStart,
    Instant periodEnd,
    long linear,
    long ewma,
    long interval,
    long completedIntervals) {

  /**
   * Whether either projection ends the period above the limit.
   *
   * @return {@code linear > limit || ewma > limit}
   */
  public boolean exceedsLimit() {
    return linear > limit || ewma > limit;
  }
}
