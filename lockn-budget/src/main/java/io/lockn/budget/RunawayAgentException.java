package io.lockn.budget;

import io.lockn.core.BudgetExceededException;
import io.opentelemetry.api.common.Attributes;
import java.util.Objects;

/**
 * A model call was blocked because its trace was killed as a runaway: a {@link RunawayDetector} with its kill switch
 * enabled ({@link RunawayDetector.Builder#enableKillSwitch}) found a runaway task in the trace, and {@link Budgets}
 * consults it ({@link Budgets.Builder#setRunawayKillSwitch}). Thrown by admission, before the provider is called, for
 * every further model call in that trace until the kill expires; calls in other traces are unaffected.
 *
 * <p>As a {@link BudgetExceededException} it reaches the application unchanged and is recorded on the call's span;
 * {@link #budgetName()} is {@value #BUDGET_NAME} and {@link #scope()} is {@code trace=<trace id>}. The inherited
 * amounts are in nano-USD: {@link #limit()} is 0 (the trace may spend nothing more), {@link #spent()} the runaway
 * task's cost when it was detected and {@link #requested()} 0; {@link #periodEnd()} is {@code null} (the kill ends
 * with its trace, or when it expires). {@link #runaway()} tells what was detected.
 */
public class RunawayAgentException extends BudgetExceededException {

  private static final long serialVersionUID = 1L;

  /** The {@link #budgetName()} of every runaway block. */
  public static final String BUDGET_NAME = "runaway-agent";

  private final transient Runaway runaway;

  /**
   * Creates the exception.
   *
   * @param runaway what the detector found
   */
  public RunawayAgentException(Runaway runaway) {
    super(BUDGET_NAME, "trace=" + Objects.requireNonNull(runaway, "runaway").traceId(), Unit.NANO_USD, 0,
        runaway.taskCostNanos(), 0);
    this.runaway = runaway;
  }

  /**
   * What the detector found.
   *
   * @return the runaway
   */
  public Runaway runaway() {
    return runaway;
  }

  @Override
  public String getMessage() {
    return "Runaway agent: " + runaway.describe()
        + "; the trace was killed and this model call was blocked before the provider was called";
  }

  @Override
  public Attributes spanAttributes() {
    return runaway.spanAttributes();
  }
}
