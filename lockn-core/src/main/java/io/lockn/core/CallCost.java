package io.lockn.core;

import java.math.BigDecimal;

/**
 * The cost of one model call, as priced once when the call ended: what its span carries as {@code lockn.cost.*},
 * what its budget was charged, and what the cost metric and ledger counted. Amounts are exact nano-USD (1e-9 USD).
 *
 * <p>A cost is in one of three states ({@link Status}): {@link Status#PRICED}, with an amount (possibly 0 for a free
 * model); {@link Status#UNPRICED}, when the call used tokens but no price is known for its model (never counted as
 * $0 silently: the span is marked {@code lockn.cost.unpriced=true} and a warning is logged); and {@link
 * Status#NOT_PRICED}, when nothing priced the call (no pricing is configured, or the call recorded no usage).
 *
 * <p>Implementations are immutable. The {@code lockn-pricing} module's {@code Cost} implements this interface with
 * the cost's breakdown by token class.
 */
public interface CallCost {

  /** Whether a call's cost is known. */
  enum Status {
    /** Priced: {@link #totalNanos()} is the call's cost. */
    PRICED,
    /** The call used tokens, but no price is known for its model at its time. */
    UNPRICED,
    /** Nothing priced the call: no pricing is configured, or the call recorded no usage. */
    NOT_PRICED
  }

  /**
   * The cost of a call nothing priced. Shared.
   *
   * @return the shared not-priced cost
   */
  static CallCost notPriced() {
    return NotPriced.INSTANCE;
  }

  /**
   * Whether the cost is known.
   *
   * @return the status
   */
  Status status();

  /**
   * Whether the call was priced.
   *
   * @return {@code true} for {@link Status#PRICED}
   */
  default boolean isPriced() {
    return status() == Status.PRICED;
  }

  /**
   * The call's cost in nano-USD.
   *
   * @return the exact amount; 0 unless {@link #isPriced()}
   */
  long totalNanos();

  /**
   * The call's cost in USD.
   *
   * @return the exact amount, scale 9; 0 unless {@link #isPriced()}
   */
  default BigDecimal totalUsd() {
    return BigDecimal.valueOf(totalNanos(), 9);
  }
}

/** The cost behind {@link CallCost#notPriced()}. */
enum NotPriced implements CallCost {
  INSTANCE;

  @Override
  public Status status() {
    return Status.NOT_PRICED;
  }

  @Override
  public long totalNanos() {
    return 0;
  }

  @Override
  public String toString() {
    return "CallCost.notPriced()";
  }
}
