package io.lockn.budget;

import io.lockn.core.BudgetExceededException;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a budget does to a call once its spending passes the budget's {@link Action#THROTTLE} threshold: set per
 * budget with {@link Budget.Builder#throttle}, {@link #downgrade()} by default.
 *
 * <ul>
 *   <li>{@link #downgrade()}: admit the call with the cheaper model configured for its request model ({@link
 *       Budgets.Builder#addDowngrade}); without one, the call proceeds unchanged.
 *   <li>{@link #delay(Duration)}: wait, then admit the call unchanged. This is deliberate back-pressure: <b>the
 *       calling thread is blocked</b> for the whole delay, before the provider is called.
 *   <li>{@link #limitConcurrency(int, Duration)}: at most {@code permits} throttled calls in flight per account
 *       (budget and scope value); a call waits up to {@code maxWait} for a permit, <b>blocking the calling
 *       thread</b>, and is blocked with a {@link BudgetExceededException} if none frees up in time. The permit is
 *       held until the call ends.
 * </ul>
 *
 * <p>{@link Budgets} calls {@link #throttle} on the calling thread, once per throttled call, for the first matching
 * budget whose throttle threshold the call would pass, before the approval policy and the reservations. If the call
 * is later blocked or ends, {@link Budgets} calls {@link Throttle#release()} exactly once. Implementations must be
 * thread-safe; they may block, and may throw {@link BudgetExceededException} (through {@link Context#exceeded()}) to
 * block the call.
 */
public interface ThrottlePolicy {

  /**
   * Admits throttled calls with the configured cheaper model; the default.
   *
   * @return the shared policy
   */
  static ThrottlePolicy downgrade() {
    return Downgrade.INSTANCE;
  }

  /**
   * Delays throttled calls by {@code duration} on the calling thread, then admits them unchanged. The wait goes
   * through the {@link Sleeper} of the {@link Budgets} ({@link Budgets.Builder#setSleeper}). If the thread is
   * interrupted while it waits, its interrupt status is restored and the call is admitted at once.
   *
   * @param duration the delay, positive
   * @return the policy
   * @throws IllegalArgumentException if the duration is not positive
   */
  static ThrottlePolicy delay(Duration duration) {
    return new DelayThrottle(duration);
  }

  /**
   * Lets at most {@code permits} throttled calls per account be in flight at once.
   *
   * @param permits the calls in flight per account, at least 1
   * @param maxWait how long a call waits for a permit, {@code >= 0}; then it is blocked
   * @return the policy
   * @throws IllegalArgumentException if {@code permits < 1} or {@code maxWait} is negative
   */
  static ThrottlePolicy limitConcurrency(int permits, Duration maxWait) {
    return new ConcurrencyThrottle(permits, maxWait);
  }

  /**
   * Throttles one call.
   *
   * @param context the call and the budget that throttles it
   * @return what the call proceeds with, released when it ends
   * @throws BudgetExceededException to block the call
   */
  Throttle throttle(Context context);

  /**
   * A throttled call, as a {@link ThrottlePolicy} sees it.
   *
   * @param budget the budget whose throttle threshold the call passes
   * @param scope the account's scope: {@code global} or {@code key=value}
   * @param requestModel the model the caller requested
   * @param cheaperModel the downgrade configured for the request model, or {@code null}
   * @param used the account's spent plus reserved amount before the call, in the budget's unit
   * @param estimate the call's estimate in the budget's unit
   * @param sleeper the sleeper to wait with
   */
  record Context(
      Budget budget,
      String scope,
      String requestModel,
      @Nullable String cheaperModel,
      long used,
      long estimate,
      Sleeper sleeper) {

    /**
     * Creates a context.
     *
     * @param budget the budget
     * @param scope the scope
     * @param requestModel the request model
     * @param cheaperModel the downgrade, or {@code null}
     * @param used the used amount
     * @param estimate the estimate
     * @param sleeper the sleeper
     */
    public Context {
      Objects.requireNonNull(budget, "budget");
      Objects.requireNonNull(scope, "scope");
      Objects.requireNonNull(requestModel, "requestModel");
      Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * The exception that blocks this call, to throw from {@link ThrottlePolicy#throttle}.
     *
     * @return the exception
     */
    public BudgetExceededException exceeded() {
      return new BudgetExceededException(budget.name(), scope,
          budget.unit() == BudgetUnit.USD ? BudgetExceededException.Unit.NANO_USD : BudgetExceededException.Unit.TOKENS,
          budget.limit(), used, estimate);
    }
  }

  /** What a throttled call proceeds with; released exactly once, when the call ends or is blocked. */
  interface Throttle {

    /**
     * A throttle that admits the call with {@code model} and holds nothing.
     *
     * @param model the model to call
     * @return the throttle
     */
    static Throttle admitWith(String model) {
      Objects.requireNonNull(model, "model");
      return () -> model;
    }

    /**
     * The model the call proceeds with: the request model, or a cheaper one.
     *
     * @return the model
     */
    String model();

    /** Frees what the throttle holds, for example a concurrency permit. Must not throw. */
    default void release() {}
  }

  /** Waits; injectable so that tests need not sleep. */
  @FunctionalInterface
  interface Sleeper {

    /**
     * The sleeper of {@link Thread#sleep}.
     *
     * @return the system sleeper
     */
    static Sleeper system() {
      return d -> Thread.sleep(d.toMillis(), (int) (d.toNanosPart() % 1_000_000));
    }

    /**
     * Blocks the calling thread for {@code duration}.
     *
     * @param duration the duration
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    void sleep(Duration duration) throws InterruptedException;
  }
}

/** The policy behind {@link ThrottlePolicy#downgrade()}. */
enum Downgrade implements ThrottlePolicy {
  INSTANCE;

  @Override
  public Throttle throttle(Context context) {
    String cheaper = context.cheaperModel();
    return Throttle.admitWith(cheaper != null ? cheaper : context.requestModel());
  }

  @Override
  public String toString() {
    return "downgrade";
  }
}
