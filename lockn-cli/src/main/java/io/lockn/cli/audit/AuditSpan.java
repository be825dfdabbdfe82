package io.lockn.cli.audit;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One span as the audit sees it: identity, timing, status, and its attributes and its resource's attributes as plain
 * values ({@code String}, {@code Long}, {@code Double}, {@code Boolean}, or a {@code List} of those). Internal: read
 * from an export by {@link OtlpJsonReader} or converted from the SDK's spans by {@link AuditSpanExporter}, so that it
 * can grow without breaking anyone.
 *
 * @param traceId the trace id, hex
 * @param spanId the span id, hex
 * @param parentSpanId the parent span id, or {@code null} for a root
 * @param name the span name
 * @param startEpochNanos start time
 * @param endEpochNanos end time
 * @param error whether the span's status is ERROR or it carries {@code error.type}
 * @param attributes the span's attributes
 * @param resource the resource's attributes
 */
record AuditSpan(
    String traceId,
    String spanId,
    @Nullable String parentSpanId,
    String name,
    long startEpochNanos,
    long endEpochNanos,
    boolean error,
    Map<String, Object> attributes,
    Map<String, Object> resource) {

  /** An empty or all-zero parent id, as some exporters write a root's, is no parent. */
  AuditSpan {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    Objects.requireNonNull(name, "name");
    if (parentSpanId != null && (parentSpanId.isEmpty() || parentSpanId.equals("0000000000000000"))) {
      parentSpanId = null;
    }
  }

  /**
   * A string attribute.
   *
   * @param key the key
   * @return the value, or {@code null} when absent or not a string
   */
  @Nullable String string(String key) {
    Object v = attributes.get(key);
    return v instanceof String s ? s : null;
  }

  /**
   * A count attribute, read from an integer or from text.
   *
   * @param key the key
   * @return the value, or -1 when absent or not an integer
   */
  long count(String key) {
    Object v = attributes.get(key);
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    if (v instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
      return d.longValue();
    }
    return -1;
  }

  /**
   * Whether a boolean attribute is {@code true}.
   *
   * @param key the key
   * @return {@code true} only for a boolean {@code true} (or the text {@code "true"})
   */
  boolean flag(String key) {
    Object v = attributes.get(key);
    return Boolean.TRUE.equals(v) || "true".equals(v);
  }
}
