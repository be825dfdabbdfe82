package io.lockn.core.internal;

import io.lockn.core.CallCost;
import io.lockn.core.spi.CallPricing;
import io.lockn.core.spi.EndedCall;
import io.lockn.core.spi.UsageLogger;

/**
 * A {@link CallPricing} that contains its delegate's failures: a pricing that throws or returns {@code null} costs
 * the call its price (logged through {@link UsageLogger}, which lets {@link VirtualMachineError}s pass; the call is
 * {@link CallCost#notPriced()}), never the application's call.
 */
final class GuardedCallPricing implements CallPricing {

  private final CallPricing delegate;

  private GuardedCallPricing(CallPricing delegate) {
    this.delegate = delegate;
  }

  /** The pricing to call from the call path: {@link CallPricing#none()} as is, anything else guarded. */
  static CallPricing wrap(CallPricing pricing) {
    return pricing == CallPricing.none() || pricing instanceof GuardedCallPricing
        ? pricing : new GuardedCallPricing(pricing);
  }

  @Override
  public CallCost price(EndedCall call) {
    try {
      CallCost cost = delegate.price(call);
      if (cost == null) {
        UsageLogger.warn(delegate.getClass().getName() + ".price returned null; the call is not priced");
        return CallCost.notPriced();
      }
      return cost;
    } catch (Throwable t) {
      UsageLogger.failed("call pricing " + delegate.getClass().getName(), t);
      return CallCost.notPriced();
    }
  }

  @Override
  public String toString() {
    return "Guarded{" + delegate + "}";
  }
}
