package io.lockn.core.internal;

import io.lockn.core.Attribution;
import io.lockn.core.AttributionKeys;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.BaggageBuilder;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Attribution} on W3C Baggage: collects entries, then puts them on top of the Baggage that is current when
 * {@link #makeCurrent()} is called, so that entries set by an enclosing scope in the meantime are kept.
 */
final class BaggageAttributionScope implements Attribution {

  private final AttributionKeys keys;
  // Alternating keys and values, in the order they were set; later entries win.
  private final List<String> entries = new ArrayList<>(12);

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
      UsageLogger.warn("attribution entries need a key and a value; ignored");
      return this;
    }
    entries.add(key);
    entries.add(value);
    return this;
  }

  @Override
  public Scope makeCurrent() {
    try {
      Context current = Context.current();
      BaggageBuilder baggage = Baggage.fromContext(current).toBuilder();
      for (int i = 0; i < entries.size(); i += 2) {
        baggage.put(entries.get(i), entries.get(i + 1));
      }
      return current.with(baggage.build()).makeCurrent();
    } catch (Throwable t) {
      UsageLogger.failed("Attribution.makeCurrent", t);
      return Scope.noop();
    }
  }
}
