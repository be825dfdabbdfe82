package io.lockn.core.internal;

import io.lockn.core.AttributionKeys;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies the allowlisted Baggage entries onto spans, sanitised. The one place that turns Baggage into attribution,
 * used by LockN's own spans (on the span builder, so samplers see it) and by {@link
 * io.lockn.core.sdk.AttributionSpanProcessor} for GenAI spans other instrumentations start.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public final class BaggageAttribution {

  private final List<String> keys;
  private final List<AttributeKey<String>> attributeKeys;
  private final int maxValueLength;

  /**
   * Creates the copier.
   *
   * @param keys the allowlist
   */
  public BaggageAttribution(AttributionKeys keys) {
    this.keys = keys.allKeys();
    this.attributeKeys = this.keys.stream().map(AttributeKey::stringKey).toList();
    this.maxValueLength = keys.maxValueLength();
  }

  /**
   * Sets the allowlisted entries of {@code baggage} on a span builder.
   *
   * @param baggage the baggage
   * @param builder the span builder
   */
  public void copy(Baggage baggage, SpanBuilder builder) {
    if (baggage.isEmpty()) {
      return;
    }
    for (int i = 0; i < keys.size(); i++) {
      String value = value(baggage, i);
      if (value != null) {
        builder.setAttribute(attributeKeys.get(i), value);
      }
    }
  }

  /**
   * Sets the allowlisted entries of {@code baggage} on a started span.
   *
   * @param baggage the baggage
   * @param span the span
   */
  public void copy(Baggage baggage, Span span) {
    if (baggage.isEmpty()) {
      return;
    }
    for (int i = 0; i < keys.size(); i++) {
      String value = value(baggage, i);
      if (value != null) {
        span.setAttribute(attributeKeys.get(i), value);
      }
    }
  }

  /**
   * The allowlisted entries of {@code baggage} as a map from attribute key to sanitised value.
   *
   * @param baggage the baggage
   * @return the entries, in allowlist order
   */
  public Map<String, String> toMap(Baggage baggage) {
    if (baggage.isEmpty()) {
      return Map.of();
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      String value = value(baggage, i);
      if (value != null) {
        map.put(keys.get(i), value);
      }
    }
    return map;
  }

  private @org.jspecify.annotations.Nullable String value(Baggage baggage, int index) {
    String value = Strings.sanitize(baggage.getEntryValue(keys.get(index)), maxValueLength);
    return value == null || value.isEmpty() ? null : value;
  }
}
