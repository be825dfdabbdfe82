package io.lockn.budget;

import io.lockn.core.CallCost;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.EndedCall;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;

/** The reservations one call holds on its matching budgets, settled exactly once. */
final class BudgetAdmission implements Admission {

  private final Budgets owner;
  final String provider;
  final String requestModel;
  final String model;
  final long epochMillis;
  final List<Budgets.Charge> charges;
  final ThrottlePolicy.@Nullable Throttle throttle;
  private final Attributes spanAttributes;
  // Where the call's budget events go, at admission and at settlement: its span, or its nearest recording ancestor.
  final Span span;
  // 0 until settled; a field updater instead of an AtomicBoolean saves an object per admitted call.
  private static final AtomicIntegerFieldUpdater<BudgetAdmission> SETTLED =
      AtomicIntegerFieldUpdater.newUpdater(BudgetAdmission.class, "settled");
  private volatile int settled;

  BudgetAdmission(
      Budgets owner,
      String provider,
      String requestModel,
      String model,
      long epochMillis,
      List<Budgets.Charge> charges,
      Attributes spanAttributes,
      Span span,
      ThrottlePolicy.@Nullable Throttle throttle) {
    this.owner = owner;
    this.provider = provider;
    this.requestModel = requestModel;
    this.model = model;
    this.epochMillis = epochMillis;
    this.charges = charges;
    this.spanAttributes = spanAttributes;
    this.span = span;
    this.throttle = throttle;
  }

  @Override
  public Attributes spanAttributes() {
    return spanAttributes;
  }

  @Override
  public String model() {
    return model;
  }

  @Override
  public void complete(EndedCall call, CallCost cost) {
    if (SETTLED.compareAndSet(this, 0, 1)) {
      owner.complete(this, call, cost);
    }
  }

  @Override
  public void release() {
    if (SETTLED.compareAndSet(this, 0, 1)) {
      owner.release(this);
    }
  }
}
