package io.lockn.core.internal;

import io.lockn.core.BudgetExceededException;
import io.lockn.core.CallCost;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.AdmissionEvent;
import io.lockn.core.spi.CallAdmission;
import io.lockn.core.spi.CallRequest;
import io.lockn.core.spi.EndedCall;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import java.util.List;

/**
 * A {@link CallAdmission} that contains its delegate's failures, and the one place that calls the {@link Admission}s
 * it returns. Only the documented block passes: a {@link BudgetExceededException} (an {@code ApprovalDeniedException}
 * or a {@code RunawayAgentException} too) thrown by {@link #admit} reaches the application unchanged. Anything else a
 * policy or one of its admissions throws, or a {@code null} it answers, is logged through {@link UsageLogger} (which
 * lets {@link VirtualMachineError}s pass) and the call goes on as if admitted unconditionally: with its request model,
 * nothing added to its span, nothing to settle.
 *
 * <p>An admission is per call: its methods are called through the static methods here rather than through a
 * decorator around each one, which would cost every admitted call one more object.
 */
final class GuardedCallAdmission implements CallAdmission {

  private final CallAdmission delegate;

  private GuardedCallAdmission(CallAdmission delegate) {
    this.delegate = delegate;
  }

  /** The policy to call from the call path: {@link CallAdmission#allowAll()} as is, anything else guarded. */
  static CallAdmission wrap(CallAdmission policy) {
    return policy == CallAdmission.allowAll() || policy instanceof GuardedCallAdmission
        ? policy : new GuardedCallAdmission(policy);
  }

  /**
   * Asks the policy; a {@link BudgetExceededException} passes through, any other failure is the policy's own and
   * admits the call.
   */
  @Override
  public Admission admit(CallRequest request) {
    try {
      Admission admission = delegate.admit(request);
      if (admission == null) {
        UsageLogger.warn(delegate.getClass().getName() + ".admit returned null; the call is admitted");
        return Admission.allowed();
      }
      return admission;
    } catch (BudgetExceededException blocked) {
      throw blocked;
    } catch (Throwable t) {
      UsageLogger.failed("call admission " + delegate.getClass().getName(), t);
      return Admission.allowed();
    }
  }

  /**
   * {@link Admission#model()}, unsanitised.
   *
   * @return the admitted model, or {@code ""} (the request model) when the admission fails or answers {@code null}
   */
  static String model(Admission admission) {
    try {
      String model = admission.model();
      return model != null ? model : "";
    } catch (Throwable t) {
      UsageLogger.failed("Admission.model", t);
      return "";
    }
  }

  /** Copies what the admission asks to record onto the call's span; a failure records nothing more. */
  static void record(Admission admission, Span span) {
    try {
      Attributes attributes = admission.spanAttributes();
      if (attributes != null && !attributes.isEmpty()) {
        span.setAllAttributes(attributes);
      }
      List<AdmissionEvent> events = admission.spanEvents();
      if (events != null) {
        for (AdmissionEvent e : events) {
          span.addEvent(e.name(), e.attributes());
        }
      }
    } catch (Throwable t) {
      UsageLogger.failed("recording the call admission " + admission.getClass().getName(), t);
    }
  }

  /** {@link Admission#complete}; a failure is logged, and whatever the admission holds is its own to free. */
  static void complete(Admission admission, EndedCall call, CallCost cost) {
    try {
      admission.complete(call, cost);
    } catch (Throwable t) {
      UsageLogger.failed("settling the call admission " + admission.getClass().getName(), t);
    }
  }

  /** {@link Admission#release()}; a failure is logged. */
  static void release(Admission admission) {
    try {
      admission.release();
    } catch (Throwable t) {
      UsageLogger.failed("settling the call admission " + admission.getClass().getName(), t);
    }
  }

  @Override
  public String toString() {
    return "Guarded{" + delegate + "}";
  }
}
