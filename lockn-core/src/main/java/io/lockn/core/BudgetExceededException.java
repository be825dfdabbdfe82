package io.lockn.core;

import io.opentelemetry.api.common.Attributes;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A model call was blocked by a budget before its provider was called. This is the one exception LockN deliberately
 * lets reach the application: {@code start()}, {@code run}, {@code supply}, {@code call} and the decorated functions
 * of an {@link LlmCallSpec} throw it, unchanged, instead of running the application's code. The call's span records
 * it ({@code error.type=budget_exceeded} and a {@code lockn.budget.exceeded} event).
 *
 * <p>Amounts are exact integers in the budget's {@link Unit}: nano-USD (10<sup>-9</sup> USD) or tokens. When the block
 * lifts by itself, at the end of the budget's period, {@link #periodEnd()} says when: a web application can answer
 * the blocked request with HTTP 429 and a {@code Retry-After} (the Spring Boot starter does).
 */
public class BudgetExceededException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The unit of a budget's amounts. */
  public enum Unit {
    /** Nano-USD: 10<sup>-9</sup> USD. */
    NANO_USD,
    /** Tokens, input plus output. */
    TOKENS
  }

  private final String budgetName;
  private final String scope;
  private final Unit unit;
  private final long limit;
  private final long spent;
  private final long requested;
  private final @Nullable Instant periodEnd;

  /**
   * Creates the exception, with no known period end ({@link #periodEnd()} is {@code null}).
   *
   * @param budgetName the budget's name
   * @param scope the account the call was charged to, for example {@code app.tenant_id=acme}
   * @param unit the unit of the amounts
   * @param limit the amount the budget blocks at
   * @param spent what the account had spent and reserved when the call was refused
   * @param requested what the call would have reserved
   */
  public BudgetExceededException(
      String budgetName, String scope, Unit unit, long limit, long spent, long requested) {
    this(budgetName, scope, unit, limit, spent, requested, null);
  }

  /**
   * Creates the exception.
   *
   * @param budgetName the budget's name
   * @param scope the account the call was charged to, for example {@code app.tenant_id=acme}
   * @param unit the unit of the amounts
   * @param limit the amount the budget blocks at
   * @param spent what the account had spent and reserved when the call was refused
   * @param requested what the call would have reserved
   * @param periodEnd the first instant after the account's current period, when its spending starts again from
   *     zero (or, for a rolling period, when its oldest spending leaves the window); {@code null} when no such instant
   *     is known, for example for a per-call or per-trace budget
   */
  public BudgetExceededException(
      String budgetName, String scope, Unit unit, long limit, long spent, long requested,
      @Nullable Instant periodEnd) {
    super(message(budgetName, scope, unit, limit, spent, requested));
    this.budgetName = Objects.requireNonNull(budgetName, "budgetName");
    this.scope = Objects.requireNonNull(scope, "scope");
    this.unit = Objects.requireNonNull(unit, "unit");
    this.limit = limit;
    this.spent = spent;
    this.requested = requested;
    this.periodEnd = periodEnd;
  }

  private static String message(String budgetName, String scope, Unit unit, long limit, long spent, long requested) {
    return "Budget '" + budgetName + "' exceeded for " + scope + ": limit " + format(unit, limit) + ", spent and reserved "
        + format(unit, spent) + ", this call needs up to " + format(unit, requested)
        + "; the call was blocked before the provider was called";
  }

  private static String format(Unit unit, long amount) {
    return unit == Unit.NANO_USD
        ? "$" + BigDecimal.valueOf(amount, 9).stripTrailingZeros().toPlainString()
        : amount + " tokens";
  }

  /**
   * Attributes LockN sets on the blocked call's span besides the {@code lockn.budget.exceeded} event, for example the
   * decision of an approval policy. Subclasses override it; it must not throw.
   *
   * @return the attributes; empty by default
   */
  public Attributes spanAttributes() {
    return Attributes.empty();
  }

  /**
   * The budget's name.
   *
   * @return the name
   */
  public String budgetName() {
    return budgetName;
  }

  /**
   * The account the call was charged to: {@code global}, or the scope and its value, for example {@code
   * app.tenant_id=acme}.
   *
   * @return the scope
   */
  public String scope() {
    return scope;
  }

  /**
   * The unit of {@link #limit()}, {@link #spent()} and {@link #requested()}.
   *
   * @return the unit
   */
  public Unit unit() {
    return unit;
  }

  /**
   * The amount the budget blocks at.
   *
   * @return nano-USD or tokens
   */
  public long limit() {
    return limit;
  }

  /**
   * What the account had spent and reserved for calls in flight when this call was refused.
   *
   * @return nano-USD or tokens
   */
  public long spent() {
    return spent;
  }

  /**
   * What this call would have reserved: its estimated maximum cost or tokens.
   *
   * @return nano-USD or tokens
   */
  public long requested() {
    return requested;
  }

  /**
   * When the block may lift by itself: the first instant after the budget account's current period. For a calendar
   * period ({@code day}, {@code week}, {@code month}) the account starts again from zero then; for a rolling period
   * it is the end of the current bucket, when the window's oldest bucket of spending leaves it (the earliest instant
   * the account can have room again, not a guarantee that it will). An earlier retry is admitted only if it needs
   * less, or if calls in flight release part of their reservations meanwhile.
   *
   * @return the instant, or {@code null} when unknown: per-call and per-trace budgets (a retry is a new call or a new
   *     trace), approval denials, runaway kills, throttle policies that block, and exceptions created without one
   */
  public @Nullable Instant periodEnd() {
    return periodEnd;
  }
}
