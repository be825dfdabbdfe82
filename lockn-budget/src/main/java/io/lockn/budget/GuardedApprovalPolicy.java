package io.lockn.budget;

import io.lockn.core.spi.UsageLogger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * An {@link ApprovalPolicy} that contains its delegate's failures, and the one place that waits for its decisions. A
 * policy that throws (even an {@link Error}), answers {@code null}, fails or cancels its stage, or answers nothing in
 * time gives no decision here, so that {@link Budgets} applies the configured default decision: never an unreviewed
 * call. Failures are logged through {@link UsageLogger}, which lets {@link VirtualMachineError}s pass.
 */
final class GuardedApprovalPolicy implements ApprovalPolicy {

  /** The answer of a policy that gave none: completed, with no decision. */
  private static final CompletionStage<Decision> NO_DECISION = CompletableFuture.completedStage(null);

  private final ApprovalPolicy delegate;

  private GuardedApprovalPolicy(ApprovalPolicy delegate) {
    this.delegate = delegate;
  }

  /** The policy to call from admission, guarded; {@code null} for none. */
  static @Nullable GuardedApprovalPolicy wrap(@Nullable ApprovalPolicy policy) {
    if (policy == null || policy instanceof GuardedApprovalPolicy) {
      return (GuardedApprovalPolicy) policy;
    }
    return new GuardedApprovalPolicy(policy);
  }

  /** The delegate's stage; one completed with no decision when the policy throws (logged) or answers {@code null}. */
  @Override
  public CompletionStage<Decision> review(Request request) {
    try {
      CompletionStage<Decision> stage = delegate.review(request);
      return stage != null ? stage : NO_DECISION;
    } catch (Throwable e) {
      failed(e);
      return NO_DECISION;
    }
  }

  /**
   * Reviews the call and waits for the decision.
   *
   * @return the decision, or {@code null} when none came within {@code timeoutNanos}, the wait was interrupted (the
   *     thread's interrupt flag is restored) or the policy failed (logged)
   */
  @Nullable Decision decide(Request request, long timeoutNanos) {
    try {
      // The stage is the policy's object: toCompletableFuture and get run its code, guarded here too.
      return review(request).toCompletableFuture().get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException e) {
      failed(e.getCause() != null ? e.getCause() : e);
      return null;
    } catch (Throwable e) {
      failed(e);
      return null;
    }
  }

  private void failed(Throwable e) {
    UsageLogger.failed("approval policy " + delegate.getClass().getName(), e);
  }

  @Override
  public String toString() {
    return "Guarded{" + delegate + "}";
  }
}
