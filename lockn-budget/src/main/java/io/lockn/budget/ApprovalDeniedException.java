package io.lockn.budget;

import io.lockn.core.BudgetExceededException;
import io.opentelemetry.api.common.Attributes;

/**
 * A call was denied by the {@link ApprovalPolicy}, or by the default decision when the policy did not answer in
 * time, before its provider was called. It is a {@link BudgetExceededException}, so applications that handle blocked
 * calls handle it too; LockN records it on the span like any block ({@code error.type=budget_exceeded}, a {@code
 * lockn.budget.exceeded} event) plus the {@link BudgetAttributes#APPROVAL_DECISION approval attributes}.
 *
 * <p>{@link #budgetName()} is the first budget whose approval threshold the call exceeded, or {@code global} for the
 * global threshold; {@link #limit()} is that approval threshold, {@link #spent()} 0 and {@link #requested()} the
 * call's estimate, in the unit of {@link #unit()}. {@link #periodEnd()} is {@code null}: a denial does not lift with
 * time.
 */
public final class ApprovalDeniedException extends BudgetExceededException {

  private static final long serialVersionUID = 1L;

  private final String reason;
  private final boolean timedOut;

  ApprovalDeniedException(
      String budgetName, String scope, Unit unit, long threshold, long requested, String reason, boolean timedOut) {
    super(budgetName, scope, unit, threshold, 0, requested);
    this.reason = reason;
    this.timedOut = timedOut;
  }

  /**
   * Why the call was denied, as the policy said, or a note that no decision came in time.
   *
   * @return the reason; may be empty
   */
  public String reason() {
    return reason;
  }

  /**
   * Whether the denial is the default decision applied because the policy did not decide in time (or failed).
   *
   * @return {@code true} for a default decision
   */
  public boolean timedOut() {
    return timedOut;
  }

  @Override
  public String getMessage() {
    return "Approval denied (" + budgetName() + ", " + scope() + "): the call needs up to " + format(requested())
        + ", above the approval threshold of " + format(limit())
        + (timedOut ? "; no decision came in time and the default is to deny" : "")
        + (reason.isEmpty() ? "" : "; reason: " + reason)
        + "; the call was blocked before the provider was called";
  }

  private String format(long amount) {
    return unit() == Unit.NANO_USD
        ? "$" + java.math.BigDecimal.valueOf(amount, 9).stripTrailingZeros().toPlainString()
        : amount + " tokens";
  }

  @Override
  public Attributes spanAttributes() {
    return BudgetAttributes.approval(false, reason, timedOut);
  }
}
