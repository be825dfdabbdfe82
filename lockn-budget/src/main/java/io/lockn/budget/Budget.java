package io.lockn.budget;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A limit on what a {@link Scope} may spend in a {@link Period}, with {@link Threshold}s that alert, throttle or
 * block as spending approaches it.
 *
 * <pre>{@code
 * Budget b = Budget.builder("tenant-monthly")
 *     .scope(Scope.each("app.tenant_id"))
 *     .limitUsd(new BigDecimal("100.00"))
 *     .period(Period.month(ZoneId.of("America/New_York")))
 *     .alertAt(80).throttleAt(90).blockAt(100)
 *     .build();
 * }</pre>
 *
 * <p>Spending counts reservations of calls in flight: a threshold is reached when the spent amount plus what is
 * reserved plus the new call's estimate would reach it. A budget without thresholds blocks at 100%. A budget without
 * a {@link Action#BLOCK} threshold never blocks. Immutable.
 */
public final class Budget {

  /** The default of {@link Builder#maxReservationPercent}: one estimated call reserves at most 10% of the limit. */
  public static final int DEFAULT_MAX_RESERVATION_PERCENT = 10;

  private final String name;
  private final Scope scope;
  private final BudgetUnit unit;
  private final long limit;
  private final Period period;
  private final List<Threshold> thresholds;
  private final long blockAt;
  private final long throttleAt;
  private final long approvalAbove;
  private final ThrottlePolicy throttle;
  // thresholds.get(i).amountOf(limit), computed once: the decimal division is too slow for every admission.
  private final long[] amounts;
  // Whether any threshold alerts: asked after every call, so computed once.
  private final boolean hasAlerts;
  private final BigDecimal maxReservationPercent;
  // floor(limit x maxReservationPercent / 100), computed once.
  private final long reservationCap;

  private Budget(Builder b, BudgetUnit unit, long limit, Period period, List<Threshold> thresholds) {
    this.name = b.name;
    this.approvalAbove = b.approvalAbove;
    this.throttle = b.throttle;
    this.scope = b.scope;
    this.unit = unit;
    this.limit = limit;
    this.period = period;
    this.thresholds = thresholds;
    long block = Long.MAX_VALUE;
    long throttle = Long.MAX_VALUE;
    this.amounts = new long[thresholds.size()];
    boolean alerts = false;
    for (int i = 0; i < amounts.length; i++) {
      Threshold t = thresholds.get(i);
      alerts |= t.action() == Action.ALERT;
      long amount = t.amountOf(limit);
      amounts[i] = amount;
      if (t.action() == Action.BLOCK) {
        block = Math.min(block, amount);
      } else if (t.action() == Action.THROTTLE) {
        throttle = Math.min(throttle, amount);
      }
    }
    this.hasAlerts = alerts;
    this.maxReservationPercent = b.maxReservationPercent;
    this.reservationCap = new Threshold(b.maxReservationPercent, Action.BLOCK).amountOf(limit);
    this.blockAt = block;
    this.throttleAt = throttle;
  }

  /**
   * A builder for a budget.
   *
   * @param name the budget's name, unique within a {@link Budgets}
   * @return the builder
   * @throws IllegalArgumentException if the name is blank
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * The name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The scope.
   *
   * @return the scope
   */
  public Scope scope() {
    return scope;
  }

  /**
   * The unit of {@link #limit()}.
   *
   * @return the unit
   */
  public BudgetUnit unit() {
    return unit;
  }

  /**
   * The limit, in nano-USD for {@link BudgetUnit#USD}, in tokens for {@link BudgetUnit#TOKENS}.
   *
   * @return the limit
   */
  public long limit() {
    return limit;
  }

  /**
   * The period.
   *
   * @return the period
   */
  public Period period() {
    return period;
  }

  /**
   * The thresholds, by increasing percentage.
   *
   * @return the thresholds
   */
  public List<Threshold> thresholds() {
    return thresholds;
  }

  /** The amount of the threshold at {@code index}: {@code thresholds().get(index).amountOf(limit())}. */
  /** Whether any threshold is an ALERT. */
  boolean hasAlerts() {
    return hasAlerts;
  }

  long thresholdAmount(int index) {
    return amounts[index];
  }

  /**
   * The amount at which calls are blocked: the lowest {@link Action#BLOCK} threshold.
   *
   * @return the amount, or {@link Long#MAX_VALUE} when the budget never blocks
   */
  public long blockAt() {
    return blockAt;
  }

  /**
   * The amount from which calls are throttled: the lowest {@link Action#THROTTLE} threshold.
   *
   * @return the amount, or {@link Long#MAX_VALUE} when the budget never throttles
   */
  public long throttleAt() {
    return throttleAt;
  }

  /**
   * The estimate above which a call needs approval from the {@link ApprovalPolicy}, in the budget's unit.
   *
   * @return the amount, or {@link Long#MAX_VALUE} when no call of this budget needs approval
   */
  public long approvalAbove() {
    return approvalAbove;
  }

  /**
   * What the budget does to calls past its {@link Action#THROTTLE} threshold.
   *
   * @return the policy; {@link ThrottlePolicy#downgrade()} by default
   */
  public ThrottlePolicy throttle() {
    return throttle;
  }

  /**
   * The most one call without {@code max_tokens} reserves on this budget, as a percentage of its limit ({@link
   * Builder#maxReservationPercent}); see {@link Budgets} for the reservation rule.
   *
   * @return the percentage, in (0, 100]; {@value #DEFAULT_MAX_RESERVATION_PERCENT} by default
   */
  public BigDecimal maxReservationPercent() {
    return maxReservationPercent;
  }

  /** {@code floor(limit x maxReservationPercent / 100)}: the cap of an estimated reservation, in the unit. */
  long reservationCap() {
    return reservationCap;
  }

  @Override
  public String toString() {
    return "Budget{" + name + ", " + scope + ", " + (unit == BudgetUnit.USD
        ? "$" + BigDecimal.valueOf(limit, 9).stripTrailingZeros().toPlainString()
        : limit + " tokens") + ", " + period + ", " + thresholds + "}";
  }

  /** Builds a {@link Budget}; every setter and {@link #build()} fails fast, naming the field. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private Scope scope = Scope.global();
    private @Nullable BudgetUnit unit;
    private long limit = -1;
    private @Nullable Period period;
    private final List<Threshold> thresholds = new ArrayList<>();
    private long approvalAbove = Long.MAX_VALUE;
    private @Nullable BudgetUnit approvalUnit;
    private ThrottlePolicy throttle = ThrottlePolicy.downgrade();
    private BigDecimal maxReservationPercent = BigDecimal.valueOf(DEFAULT_MAX_RESERVATION_PERCENT);

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name is blank");
      }
      this.name = name;
    }

    /**
     * Sets the scope. Defaults to {@link Scope#global()}.
     *
     * @param scope the scope
     * @return this builder
     */
    public Builder scope(Scope scope) {
      this.scope = Objects.requireNonNull(scope, "scope");
      return this;
    }

    /**
     * Sets a limit in USD, kept exactly in nano-USD.
     *
     * @param usd the limit, for example {@code new BigDecimal("100.00")}
     * @return this builder
     * @throws IllegalArgumentException if the limit is negative, finer than a nano-USD, or too large
     * @throws IllegalStateException if a limit was already set
     */
    public Builder limitUsd(BigDecimal usd) {
      Objects.requireNonNull(usd, "limit");
      requireUnset();
      if (usd.signum() < 0) {
        throw new IllegalArgumentException("limit < 0: " + usd.toPlainString());
      }
      long nanos = nanos(usd, "limit");
      this.unit = BudgetUnit.USD;
      this.limit = nanos;
      return this;
    }

    private static long nanos(BigDecimal usd, String field) {
      if (usd.signum() < 0) {
        throw new IllegalArgumentException(field + " < 0: " + usd.toPlainString());
      }
      try {
        return usd.movePointRight(9).longValueExact();
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(field + " is finer than a nano-USD or too large: " + usd.toPlainString());
      }
    }

    /**
     * Sets a limit in USD from a decimal string.
     *
     * @param usd the limit, for example {@code "100.00"}
     * @return this builder
     * @throws IllegalArgumentException if the string is not a decimal or the limit is invalid
     */
    public Builder limitUsd(String usd) {
      Objects.requireNonNull(usd, "limit");
      BigDecimal d;
      try {
        d = new BigDecimal(usd.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("limit is not a decimal: " + usd);
      }
      return limitUsd(d);
    }

    /**
     * Sets a limit in tokens (input plus output).
     *
     * @param tokens the limit
     * @return this builder
     * @throws IllegalArgumentException if the limit is negative
     * @throws IllegalStateException if a limit was already set
     */
    public Builder limitTokens(long tokens) {
      requireUnset();
      if (tokens < 0) {
        throw new IllegalArgumentException("limit < 0: " + tokens);
      }
      this.unit = BudgetUnit.TOKENS;
      this.limit = tokens;
      return this;
    }

    /**
     * Sets the period. Required.
     *
     * @param period the period
     * @return this builder
     */
    public Builder period(Period period) {
      this.period = Objects.requireNonNull(period, "period");
      return this;
    }

    /**
     * Adds a threshold.
     *
     * @param threshold the threshold
     * @return this builder
     */
    public Builder threshold(Threshold threshold) {
      thresholds.add(Objects.requireNonNull(threshold, "threshold"));
      return this;
    }

    /**
     * Adds an {@link Action#ALERT} threshold.
     *
     * @param percent the percentage of the limit, in (0, 100]
     * @return this builder
     * @throws IllegalArgumentException if the percentage is out of range
     */
    public Builder alertAt(int percent) {
      return threshold(Threshold.of(percent, Action.ALERT));
    }

    /**
     * Adds a {@link Action#THROTTLE} threshold.
     *
     * @param percent the percentage of the limit, in (0, 100]
     * @return this builder
     * @throws IllegalArgumentException if the percentage is out of range
     */
    public Builder throttleAt(int percent) {
      return threshold(Threshold.of(percent, Action.THROTTLE));
    }

    /**
     * Adds a {@link Action#BLOCK} threshold.
     *
     * @param percent the percentage of the limit, in (0, 100]
     * @return this builder
     * @throws IllegalArgumentException if the percentage is out of range
     */
    public Builder blockAt(int percent) {
      return threshold(Threshold.of(percent, Action.BLOCK));
    }

    /**
     * Sets what the budget does to calls past its {@link Action#THROTTLE} threshold. Defaults to {@link
     * ThrottlePolicy#downgrade()}; {@link ThrottlePolicy#delay} and {@link ThrottlePolicy#limitConcurrency} block the
     * calling thread.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder throttle(ThrottlePolicy policy) {
      this.throttle = Objects.requireNonNull(policy, "throttle");
      return this;
    }

    /**
     * Requires approval ({@link Budgets.Builder#setApprovalPolicy}) for calls of a USD budget whose estimated cost is
     * above {@code usd}.
     *
     * @param usd the amount, for example {@code new BigDecimal("2.50")}
     * @return this builder
     * @throws IllegalArgumentException if the amount is negative, finer than a nano-USD, or too large
     */
    public Builder approvalAboveUsd(BigDecimal usd) {
      Objects.requireNonNull(usd, "approvalAbove");
      this.approvalAbove = nanos(usd, "approvalAbove");
      this.approvalUnit = BudgetUnit.USD;
      return this;
    }

    /**
     * Caps what one call that sets no {@code max_tokens} reserves on this budget: its estimate (input plus the
     * output reserve of {@link Budgets.Builder#setOutputReserve}) is reserved up to this share of the limit, so a
     * small budget is not locked by one huge estimate (and up to what is left, never below its input: see {@link
     * Budgets}). A call that sets {@code max_tokens} reserves its whole estimate, uncapped. Defaults to {@value
     * #DEFAULT_MAX_RESERVATION_PERCENT}%.
     *
     * @param percent the percentage of the limit, in (0, 100]
     * @return this builder
     * @throws IllegalArgumentException if it is not in (0, 100]
     */
    public Builder maxReservationPercent(BigDecimal percent) {
      Objects.requireNonNull(percent, "maxReservationPercent");
      if (percent.signum() <= 0 || percent.compareTo(BigDecimal.valueOf(100)) > 0) {
        throw new IllegalArgumentException("not in (0, 100]: " + percent.toPlainString());
      }
      this.maxReservationPercent = percent;
      return this;
    }

    /**
     * Requires approval ({@link Budgets.Builder#setApprovalPolicy}) for calls of a token budget whose estimated tokens
     * are above {@code tokens}.
     *
     * @param tokens the amount
     * @return this builder
     * @throws IllegalArgumentException if the amount is negative
     */
    public Builder approvalAboveTokens(long tokens) {
      if (tokens < 0) {
        throw new IllegalArgumentException("approvalAbove < 0: " + tokens);
      }
      this.approvalAbove = tokens;
      this.approvalUnit = BudgetUnit.TOKENS;
      return this;
    }

    /**
     * Builds the budget. Without thresholds it blocks at 100%.
     *
     * @return the budget
     * @throws IllegalStateException if the limit or the period is missing
     * @throws IllegalArgumentException if two thresholds repeat the same percentage and action, or the approval
     *     threshold is in another unit than the limit
     */
    public Budget build() {
      if (unit == null) {
        throw new IllegalStateException("limit is required: limitUsd(...) or limitTokens(...)");
      }
      if (period == null) {
        throw new IllegalStateException("period is required");
      }
      if (approvalUnit != null && approvalUnit != unit) {
        throw new IllegalArgumentException("approvalAbove is in " + approvalUnit + " but the limit is in " + unit);
      }
      List<Threshold> sorted = new ArrayList<>(thresholds.isEmpty()
          ? List.of(Threshold.of(100, Action.BLOCK)) : thresholds);
      sorted.sort(Comparator.comparing(Threshold::percent).thenComparing(Threshold::action));
      for (int i = 1; i < sorted.size(); i++) {
        Threshold a = sorted.get(i - 1);
        Threshold b = sorted.get(i);
        if (a.action() == b.action() && a.percent().compareTo(b.percent()) == 0) {
          throw new IllegalArgumentException("threshold repeated: " + b.action() + " at " + b.percent() + "%");
        }
      }
      return new Budget(this, unit, limit, period, List.copyOf(sorted));
    }

    private void requireUnset() {
      if (unit != null) {
        throw new IllegalStateException("limit was already set");
      }
    }
  }
}
