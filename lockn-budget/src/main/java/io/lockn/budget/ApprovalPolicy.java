package io.lockn.budget;

import io.lockn.core.spi.CallRequest;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Decides on calls whose estimated cost is above an approval threshold: a budget's ({@link
 * Budget.Builder#approvalAboveUsd}, {@link Budget.Builder#approvalAboveTokens}) or the global one ({@link
 * Budgets.Builder#setApprovalAboveUsd}).
 *
 * <p>{@link Budgets} asks the policy on the calling thread, after a possible throttle and before reserving anything,
 * so a call waiting for a decision holds no budget (and an approved call may still be blocked by a budget). The
 * policy answers with a {@link CompletionStage}: already completed for an immediate decision, or completed later by
 * an out-of-band process (a human, a ticket, a chat-ops bot). The calling thread waits for it for at most the
 * configured timeout ({@link Budgets.Builder#setApprovalTimeout}); when the timeout passes, the stage completes
 * exceptionally, the policy throws or answers {@code null}, the configured default decision applies. A denied call
 * throws an {@link ApprovalDeniedException}, a {@link io.lockn.core.BudgetExceededException}, before the provider is
 * called. The decision is recorded on the call's span ({@link BudgetAttributes#APPROVAL_DECISION}).
 *
 * <p>Waiting blocks the application's thread: that is the point of an approval, so configure the timeout with care.
 */
@FunctionalInterface
public interface ApprovalPolicy {

  /**
   * Reviews one call.
   *
   * @param request the call and why it needs approval
   * @return the decision, now or later
   */
  CompletionStage<Decision> review(Request request);

  /**
   * A call that needs approval.
   *
   * @param call the call as admission sees it (provider, model, attribution, agent, task, trace id)
   * @param admittedModel the model the call will use: the request model unless throttled
   * @param estimatedNanoUsd the call's estimated maximum cost at the admitted model's prices, in nano-USD (0 when the
   *     model is unpriced)
   * @param estimatedTokens the call's estimated maximum tokens, input plus {@code max_tokens}
   * @param triggeredBy the names of the budgets whose approval threshold the call exceeds, and {@code global} when it
   *     exceeds the global one
   */
  record Request(
      CallRequest call, String admittedModel, long estimatedNanoUsd, long estimatedTokens, List<String> triggeredBy) {

    /**
     * Creates a request; the list is copied.
     *
     * @param call the call
     * @param admittedModel the admitted model
     * @param estimatedNanoUsd the estimated cost
     * @param estimatedTokens the estimated tokens
     * @param triggeredBy the triggering budgets
     */
    public Request {
      Objects.requireNonNull(call, "call");
      Objects.requireNonNull(admittedModel, "admittedModel");
      triggeredBy = List.copyOf(Objects.requireNonNull(triggeredBy, "triggeredBy"));
    }
  }

  /**
   * An approval decision.
   *
   * @param approved whether the call may proceed
   * @param reason why, for the span and the exception; may be empty
   */
  record Decision(boolean approved, String reason) {

    private static final Decision APPROVE = new Decision(true, "");
    private static final Decision DENY = new Decision(false, "");

    /**
     * Creates a decision.
     *
     * @param approved whether the call may proceed
     * @param reason the reason
     */
    public Decision {
      Objects.requireNonNull(reason, "reason");
    }

    /**
     * Approval without a reason.
     *
     * @return the shared decision
     */
    public static Decision approve() {
      return APPROVE;
    }

    /**
     * Approval with a reason.
     *
     * @param reason the reason, for example who approved
     * @return the decision
     */
    public static Decision approve(String reason) {
      return new Decision(true, reason);
    }

    /**
     * Denial without a reason.
     *
     * @return the shared decision
     */
    public static Decision deny() {
      return DENY;
    }

    /**
     * Denial with a reason.
     *
     * @param reason the reason
     * @return the decision
     */
    public static Decision deny(String reason) {
      return new Decision(false, reason);
    }
  }
}
