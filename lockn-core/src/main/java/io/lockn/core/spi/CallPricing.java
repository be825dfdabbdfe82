package io.lockn.core.spi;

import io.lockn.core.CallCost;

/**
 * Prices model calls: the one rule set that turns an ended call into its cost, and the one place that records that
 * cost. The {@code lockn-pricing} module implements it ({@code io.lockn.pricing.sdk.CostPipeline}), the way {@code
 * lockn-budget} implements {@link CallAdmission}.
 *
 * <p>LockN calls {@link #price} exactly once per model call, when the call ends, whether or not its span is sampled:
 * on the thread that ends the call, before the call's span ends and before its {@link Admission} is settled. The
 * implementation prices the call and records the cost wherever it keeps costs (the span's {@code lockn.cost.*}
 * attributes when the span is recording, the cost metric, a ledger, the roll-up of the nearest recording ancestor).
 * LockN then hands the same cost to the admission ({@link Admission#complete}), so that a budget is charged exactly
 * what the span says, and to listeners ({@link io.lockn.core.LlmCallRecord#cost()}).
 *
 * <p>Contract: must not block (no I/O on the call path) and should not throw; a failure is logged through {@link
 * UsageLogger} and the call is treated as not priced. Implementations must be thread-safe.
 */
public interface CallPricing {

  /**
   * Pricing that prices nothing: every call's cost is {@link CallCost#notPriced()}. The default of {@code
   * LockNBuilder}; it allocates nothing.
   *
   * @return the shared instance
   */
  static CallPricing none() {
    return NoPricing.INSTANCE;
  }

  /**
   * Prices one ended call and records its cost.
   *
   * @param call the call
   * @return its cost; {@link CallCost#notPriced()} when it recorded no usage
   */
  CallCost price(EndedCall call);
}

/** The pricing behind {@link CallPricing#none()}. */
enum NoPricing implements CallPricing {
  INSTANCE;

  @Override
  public CallCost price(EndedCall call) {
    return CallCost.notPriced();
  }

  @Override
  public String toString() {
    return "CallPricing.none()";
  }
}
