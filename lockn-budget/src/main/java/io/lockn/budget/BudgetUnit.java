package io.lockn.budget;

/** What a budget counts. */
public enum BudgetUnit {
  /** Cost, kept exactly in integer nano-USD (10<sup>-9</sup> USD). */
  USD,
  /** Tokens: input plus output, as the call's usage reports them. */
  TOKENS
}
