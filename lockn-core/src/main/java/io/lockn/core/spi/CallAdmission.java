package io.lockn.core.spi;

/**
 * Decides, before a model call reaches its provider, whether it may proceed and with which model: the hook through
 * which budgets (the {@code lockn-budget} module) reserve the call's estimated cost, throttle it to a cheaper model or
 * block it.
 *
 * <p>LockN calls {@link #admit} once per model call, on the calling thread, right after the call's span started and
 * before the application's code runs. Then it settles the returned {@link Admission} exactly once when the span ends:
 * {@link Admission#complete} when the call succeeded, {@link Admission#release()} when it failed.
 *
 * <p>Contract: {@code admit} may throw {@link io.lockn.core.BudgetExceededException} to block the call; LockN records
 * it on the span and rethrows it to the application unchanged, before the provider is called. Any other exception is
 * LockN's own failure: it is logged through {@link UsageLogger} and the call is admitted. Implementations must be
 * thread-safe and should not block for long, because they run on the application's thread.
 */
public interface CallAdmission {

  /**
   * A policy that admits every call unchanged. It allocates nothing: LockN does not even build the {@link
   * CallRequest} when this policy is configured.
   *
   * @return the shared allow-all policy
   */
  static CallAdmission allowAll() {
    return AllowAll.INSTANCE;
  }

  /**
   * Decides on one model call.
   *
   * @param request what is about to be called
   * @return the admission to settle when the call ends; {@link Admission#allowed()} for an unconditional yes
   * @throws io.lockn.core.BudgetExceededException to block the call
   */
  Admission admit(CallRequest request);
}

/** The policy behind {@link CallAdmission#allowAll()}. */
enum AllowAll implements CallAdmission {
  INSTANCE;

  @Override
  public Admission admit(CallRequest request) {
    return Admission.allowed();
  }

  @Override
  public String toString() {
    return "CallAdmission.allowAll()";
  }
}
