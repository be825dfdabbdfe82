package io.lockn.core.spi;

import io.lockn.core.CallCost;
import io.opentelemetry.api.common.Attributes;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of {@link CallAdmission#admit}: a call that may proceed, possibly with another model, and whatever the
 * policy reserved for it until it ends.
 *
 * <p>LockN calls exactly one of {@link #complete} and {@link #release()}, exactly once, when the call's span ends.
 * Both may be called on any thread (streamed responses end on callback threads) and must not throw; a failure is
 * logged through {@link UsageLogger} and otherwise ignored.
 */
public interface Admission {

  /**
   * The admission of a call that may proceed unchanged and holds nothing. Shared and allocation-free.
   *
   * @return the shared instance
   */
  static Admission allowed() {
    return Allowed.INSTANCE;
  }

  /**
   * The model the caller should use: normally the request model, a cheaper one when the call was throttled. An empty
   * string means "the request model, unchanged" ({@link #allowed()} returns it, since it knows no model).
   *
   * @return the model to call, or {@code ""} for the request model
   */
  String model();

  /**
   * Reconciles the admission with what the call actually cost, when it succeeded: a budget replaces its reservation
   * with the call's {@code cost} (USD budgets) or its usage (token budgets). The cost is the one the call was priced
   * at by LockN's {@link CallPricing}, also written on its span; it is {@link io.lockn.core.CallCost#notPriced()} when
   * no pricing is configured, in which case the admission may price the call itself with the same rules.
   *
   * @param call the ended call: its usage, models, service tier and start time
   * @param cost the call's cost
   */
  void complete(EndedCall call, CallCost cost);

  /** Frees whatever the admission holds, when the call failed. */
  void release();

  /**
   * Attributes LockN sets on the call's span right after admission, for example the decision of an approval policy.
   * Read once, on the calling thread, before the application's code runs; a failure is logged and ignored.
   *
   * @return the attributes; empty by default
   */
  default Attributes spanAttributes() {
    return Attributes.empty();
  }

  /**
   * Events LockN adds to the call's span right after admission, for example a budget alert or throttle. Read once,
   * on the calling thread, before the application's code runs; a failure is logged and ignored.
   *
   * @return the events; empty by default
   */
  default List<AdmissionEvent> spanEvents() {
    return List.of();
  }
}

/** The admission behind {@link Admission#allowed()}. */
enum Allowed implements Admission {
  INSTANCE;

  @Override
  public String model() {
    return "";
  }

  @Override
  public void complete(EndedCall call, CallCost cost) {}

  @Override
  public void release() {}

  @Override
  public String toString() {
    return "Admission.allowed()";
  }
}
