package io.lockn.core.internal;

import io.lockn.core.Attribution;
import io.lockn.core.AttributionKeys;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.BaggageBuilder;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/** {@link Attribution} on W3C Baggage: collects entries, then makes them current on top of the current Baggage. */
final class BaggageAttributionScope implements Attribution {

  private final AttributionKeys keys;
  private final BaggageBuilder baggage = Baggage.current().toBuilder();

  BaggageAttributionScope(AttributionKeys keys) {
    this.keys = keys;
  }

  @Override
  public Attribution tenant(String tenantId) {
    return put(keys.tenantKey(), tenantId);
  }

  @Override
  public Attribution costCenter(String costCenter) {
    return put(keys.costCenterKey(), costCenter);
  }

  @Override
  public Attribution workflowId(String workflowId) {
    return put(keys.workflowIdKey(), workflowId);
  }

  @Override
  public Attribution feature(String feature) {
    return put(keys.featureKey(), feature);
  }

  @Override
  public Attribution plan(String plan) {
    return put(keys.planKey(), plan);
  }

  @Override
  public Attribution user(String userId) {
    return put(keys.userIdKey(), userId);
  }

  @Override
  public Attribution put(String key, String value) {
    if (key == null || key.isEmpty() || value == null) {
      ApiUsageLogger.warn("attribution entries need a key and a value; ignored");
      return this;
    }
    baggage.put(key, value);
    return this;
  }

  @Override
  public Scope makeCurrent() {
    try {
      return Context.current().with(baggage.build()).makeCurrent();
    } catch (Throwable t) {
      ApiUsageLogger.failed("Attribution.makeCurrent", t);
      return Scope.noop();
    }
  }
}
