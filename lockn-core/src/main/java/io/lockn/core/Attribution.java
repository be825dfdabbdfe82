package io.lockn.core;

import io.opentelemetry.context.Scope;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Sets business attribution (tenant, cost center, workflow, feature, plan, user) for a block of code, in W3C
 * Baggage, so that it reaches every GenAI span below and crosses service boundaries with the {@code baggage}
 * propagator. Obtain one from {@link LockN#attribution()}; it uses that instance's {@link AttributionKeys}.
 *
 * <pre>{@code
 * lockn.attribution().tenant("acme").costCenter("cc-42").feature("support-chat").run(() -> agent.answer(q));
 * }</pre>
 *
 * <p>Values are kept as given in Baggage and sanitised when copied onto spans. Not thread-safe; use once.
 */
public interface Attribution {

  /**
   * Sets the tenant.
   *
   * @param tenantId the tenant id
   * @return this attribution
   */
  Attribution tenant(String tenantId);

  /**
   * Sets the cost center.
   *
   * @param costCenter the cost center
   * @return this attribution
   */
  Attribution costCenter(String costCenter);

  /**
   * Sets the workflow id.
   *
   * @param workflowId the workflow id
   * @return this attribution
   */
  Attribution workflowId(String workflowId);

  /**
   * Sets the feature.
   *
   * @param feature the product feature
   * @return this attribution
   */
  Attribution feature(String feature);

  /**
   * Sets the plan or tier.
   *
   * @param plan the plan
   * @return this attribution
   */
  Attribution plan(String plan);

  /**
   * Sets the user id.
   *
   * @param userId the user id
   * @return this attribution
   */
  Attribution user(String userId);

  /**
   * Sets any Baggage entry; it is copied onto spans only if its key is allowlisted in {@link AttributionKeys}.
   *
   * @param key the Baggage key
   * @param value the value
   * @return this attribution
   */
  Attribution put(String key, String value);

  /**
   * Makes the attribution current until the returned scope is closed, on this thread.
   *
   * @return the scope to close
   */
  Scope makeCurrent();

  /**
   * Runs {@code body} with the attribution current.
   *
   * @param body the code
   */
  default void run(Runnable body) {
    try (Scope ignored = makeCurrent()) {
      body.run();
    }
  }

  /**
   * Runs {@code body} with the attribution current and returns its result.
   *
   * @param body the code
   * @param <T> the result type
   * @return what {@code body} returned
   */
  default <T> T supply(Supplier<T> body) {
    try (Scope ignored = makeCurrent()) {
      return body.get();
    }
  }

  /**
   * Runs {@code body} with the attribution current and returns its result.
   *
   * @param body the code
   * @param <T> the result type
   * @return what {@code body} returned
   * @throws Exception whatever {@code body} threw, unchanged
   */
  default <T> T call(Callable<T> body) throws Exception {
    try (Scope ignored = makeCurrent()) {
      return body.call();
    }
  }
}
