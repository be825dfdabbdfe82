package io.lockn.budget;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One account's forecast state in one calendar period: the EWMA of per-interval spending.
 *
 * <p>Spending is observed as the growth of the ledger's committed balance between observations (at each commit and
 * each {@link Budgets#forecast} call), and attributed to the interval in which it was observed; so with a shared
 * ledger the spending of other JVMs counts too, in the interval this JVM next looks. Thread-safe (one lock per
 * account, held for a few arithmetic operations).
 */
final class Forecaster {

  /** Scale of the EWMA, in decimal places of the unit. */
  static final int SCALE = 9;

  private final long periodStart;
  private final long periodEnd;
  private final long interval;
  private final BigDecimal alpha;
  private final BigDecimal keep;
  private long index;
  private long intervalSpend;
  private long lastSpent;
  private @Nullable BigDecimal ewma;
  // The EWMA's unscaled value (it always has SCALE decimals) when it fits in a long, else -1: lets observe() project
  // with long arithmetic on every commit instead of BigDecimal, with the same exact result (see project()).
  private long ewmaUnscaled = -1;
  // interval x 10^SCALE, the projection's divisor, or -1 if it does not fit in a long.
  private final long divisor;
  private long completed;

  Forecaster(Instant periodStart, Instant periodEnd, long interval, BigDecimal alpha) {
    this.periodStart = periodStart.toEpochMilli();
    this.periodEnd = periodEnd.toEpochMilli();
    this.interval = interval;
    this.alpha = alpha;
    this.keep = BigDecimal.ONE.subtract(alpha);
    long d = interval * 1_000_000_000L;
    this.divisor = Math.multiplyHigh(interval, 1_000_000_000L) == 0 && d > 0 ? d : -1;
  }

  long periodStart() {
    return periodStart;
  }

  /** Observes the committed balance {@code spent} at {@code now} and returns the forecast. */
  BudgetForecast observe(Budget budget, String scope, long spent, Instant now) {
    return java.util.Objects.requireNonNull(observe(budget, scope, spent, now.toEpochMilli(), false));
  }

  /**
   * Observes the committed balance {@code spent} at {@code now} and returns the forecast; with {@code
   * onlyIfExceeds}, returns {@code null} instead when it does not exceed the limit, so that a commit, which only
   * needs the forecast to alert, allocates no {@link BudgetForecast} on the usual path.
   */
  synchronized @Nullable BudgetForecast observe(
      Budget budget, String scope, long spent, long atMillis, boolean onlyIfExceeds) {
    long nowMillis = Math.min(Math.max(atMillis, periodStart), periodEnd);
    long idx = (nowMillis - periodStart) / interval;
    roll(idx);
    if (spent > lastSpent) {
      intervalSpend += spent - lastSpent;
    }
    lastSpent = Math.max(lastSpent, spent);

    long length = periodEnd - periodStart;
    long elapsed = nowMillis - periodStart;
    long linear = elapsed <= 0 ? spent : linear(spent, length, elapsed);
    long projected = ewma == null ? linear : project(spent, periodEnd - nowMillis);
    if (onlyIfExceeds && linear <= budget.limit() && projected <= budget.limit()) {
      return null;
    }
    return new BudgetForecast(budget.name(), scope, budget.unit(), budget.limit(), spent, Instant.ofEpochMilli(atMillis),
        Instant.ofEpochMilli(periodStart), Instant.ofEpochMilli(periodEnd), linear, projected, interval, completed);
  }

  /**
   * {@code spent + floor(ewma x remaining / interval)}, clamped. With {@code ewma = u / 10^SCALE} (u >= 0), that is
   * {@code floor(u x remaining / (interval x 10^SCALE))}: computed in longs when every step fits, which is the
   * BigDecimal result exactly (both truncate a non-negative exact quotient); otherwise in BigDecimal as before.
   */
  private long project(long spent, long remaining) {
    long u = ewmaUnscaled;
    if (u >= 0 && divisor > 0 && remaining >= 0 && spent >= 0 && Math.multiplyHigh(u, remaining) == 0) {
      long product = u * remaining;
      if (product >= 0) {
        long rest = product / divisor;
        long sum = spent + rest;
        return sum >= 0 ? sum : Long.MAX_VALUE;
      }
    }
    BigDecimal rest = java.util.Objects.requireNonNull(ewma).multiply(BigDecimal.valueOf(remaining))
        .divide(BigDecimal.valueOf(interval), 0, RoundingMode.DOWN);
    return clamp(BigInteger.valueOf(spent).add(rest.toBigIntegerExact()));
  }

  /** Whether at least one whole interval of the period has elapsed at {@code now}. */
  boolean warmedUp(long nowMillis) {
    return nowMillis - periodStart >= interval;
  }

  private void roll(long idx) {
    if (idx <= index) {
      return;
    }
    BigDecimal x = BigDecimal.valueOf(intervalSpend);
    ewma = ewma == null ? x.setScale(SCALE) : round(alpha.multiply(x).add(keep.multiply(ewma)));
    long gap = idx - index - 1;
    if (gap > 0) {
      // Intervals without spending: e = (1 - a)^gap x e, the power to 34 significant digits, then the one rounding.
      ewma = round(ewma.multiply(keep.pow((int) Math.min(gap, 999_999_999), MathContext.DECIMAL128)));
    }
    BigInteger unscaled = ewma.unscaledValue();
    ewmaUnscaled = ewma.scale() == SCALE && unscaled.signum() >= 0 && unscaled.bitLength() < 64
        ? unscaled.longValue() : -1;
    completed += idx - index;
    index = idx;
    intervalSpend = 0;
  }

  private static BigDecimal round(BigDecimal d) {
    return d.setScale(SCALE, RoundingMode.HALF_EVEN);
  }

  /**
   * {@code spent x length / elapsed}, rounded down and clamped; in longs when the product fits, as it usually does.
   * When it does not (a month is 2.6 x 10^9 ms, so from about $3.5 spent in nano-USD), it is split as {@code spent =
   * q x elapsed + r}: {@code floor(spent x length / elapsed) = q x length + floor(r x length / elapsed)} exactly
   * for non-negative values, and {@code r < elapsed <= length} keeps {@code r x length} in a long for any calendar
   * period; BigInteger only if a step still overflows.
   */
  static long linear(long spent, long length, long elapsed) {
    if (spent >= 0 && Math.multiplyHigh(spent, length) == 0 && spent * length >= 0) {
      return spent * length / elapsed;
    }
    if (spent >= 0 && length >= 0 && elapsed > 0) {
      long q = spent / elapsed;
      long r = spent % elapsed;
      if (Math.multiplyHigh(q, length) == 0 && q * length >= 0
          && Math.multiplyHigh(r, length) == 0 && r * length >= 0) {
        long sum = q * length + r * length / elapsed;
        if (sum >= 0) {
          return sum;
        }
      }
    }
    return clamp(BigInteger.valueOf(spent).multiply(BigInteger.valueOf(length)).divide(BigInteger.valueOf(elapsed)));
  }

  private static long clamp(BigInteger v) {
    return v.bitLength() < 64 ? v.longValue() : Long.MAX_VALUE;
  }
}
