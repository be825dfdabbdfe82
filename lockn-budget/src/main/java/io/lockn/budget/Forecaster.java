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
  private long completed;

  Forecaster(Instant periodStart, Instant periodEnd, long interval, BigDecimal alpha) {
    this.periodStart = periodStart.toEpochMilli();
    this.periodEnd = periodEnd.toEpochMilli();
    this.interval = interval;
    this.alpha = alpha;
    this.keep = BigDecimal.ONE.subtract(alpha);
  }

  long periodStart() {
    return periodStart;
  }

  /** Observes the committed balance {@code spent} at {@code now} and returns the forecast. */
  synchronized BudgetForecast observe(Budget budget, String scope, long spent, Instant now) {
    long nowMillis = Math.min(Math.max(now.toEpochMilli(), periodStart), periodEnd);
    long idx = (nowMillis - periodStart) / interval;
    roll(idx);
    if (spent > lastSpent) {
      intervalSpend += spent - lastSpent;
    }
    lastSpent = Math.max(lastSpent, spent);

    long length = periodEnd - periodStart;
    long elapsed = nowMillis - periodStart;
    long linear = elapsed <= 0 ? spent : linear(spent, length, elapsed);
    long projected = linear;
    if (ewma != null) {
      BigDecimal rest = ewma.multiply(BigDecimal.valueOf(periodEnd - nowMillis))
          .divide(BigDecimal.valueOf(interval), 0, RoundingMode.DOWN);
      projected = clamp(BigInteger.valueOf(spent).add(rest.toBigIntegerExact()));
    }
    return new BudgetForecast(budget.name(), scope, budget.unit(), budget.limit(), spent, now,
        Instant.ofEpochMilli(periodStart), Instant.ofEpochMilli(periodEnd), linear, projected, interval, completed);
  }

  /** Whether at least one whole interval of the period has elapsed at {@code now}. */
  boolean warmedUp(Instant now) {
    return now.toEpochMilli() - periodStart >= interval;
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
    completed += idx - index;
    index = idx;
    intervalSpend = 0;
  }

  private static BigDecimal round(BigDecimal d) {
    return d.setScale(SCALE, RoundingMode.HALF_EVEN);
  }

  /** {@code spent x length / elapsed}, rounded down and clamped; in longs when the product fits, as it usually does. */
  static long linear(long spent, long length, long elapsed) {
    if (spent >= 0 && Math.multiplyHigh(spent, length) == 0 && spent * length >= 0) {
      return spent * length / elapsed;
    }
    return clamp(BigInteger.valueOf(spent).multiply(BigInteger.valueOf(length)).divide(BigInteger.valueOf(elapsed)));
  }

  private static long clamp(BigInteger v) {
    return v.bitLength() < 64 ? v.longValue() : Long.MAX_VALUE;
  }
}
