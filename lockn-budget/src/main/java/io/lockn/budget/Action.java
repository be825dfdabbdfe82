package io.lockn.budget;

/** What a budget does when spending crosses one of its {@link Threshold}s. */
public enum Action {
  /** Notify the {@link BudgetListener}s once per crossing, per account and period; the call proceeds. */
  ALERT,
  /**
   * Downgrade the call to the cheaper model configured for its request model ({@link
   * Budgets.Builder#addDowngrade}); without a configured downgrade the call proceeds unchanged.
   */
  THROTTLE,
  /** Refuse the call with a {@link io.lockn.core.BudgetExceededException} before the provider is called. */
  BLOCK
}
