package io.lockn.core.internal;

import io.lockn.core.Attribution;
import io.opentelemetry.context.Scope;

/** The attribution of a no-op LockN: runs the code, sets nothing. */
enum NoopAttribution implements Attribution {
  INSTANCE;

  @Override
  public Attribution tenant(String tenantId) {
    return this;
  }

  @Override
  public Attribution costCenter(String costCenter) {
    return this;
  }

  @Override
  public Attribution workflowId(String workflowId) {
    return this;
  }

  @Override
  public Attribution feature(String feature) {
    return this;
  }

  @Override
  public Attribution plan(String plan) {
    return this;
  }

  @Override
  public Attribution user(String userId) {
    return this;
  }

  @Override
  public Attribution put(String key, String value) {
    return this;
  }

  @Override
  public Scope makeCurrent() {
    return Scope.noop();
  }
}
