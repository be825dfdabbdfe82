package io.lockn.pricing.sdk;

import io.lockn.core.TokenUsage;
import io.lockn.pricing.UsageAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.ReadableSpan;
import org.jspecify.annotations.Nullable;

/** {@link UsageAttributes} over a live SDK span. */
final class SpanUsage {


  private SpanUsage() {}

  /** The usage, or {@code null} when the span reports no token counts. */
  static @Nullable TokenUsage read(ReadableSpan span) {
    return UsageAttributes.read(key -> count(span, key));
  }

  /** A count set as a long or, by Micrometer bridges, as a string; -1 when absent or unreadable. */
  static long count(ReadableSpan span, AttributeKey<Long> key) {
    Long value = span.getAttribute(key);
    if (value != null) {
      return value;
    }
    return UsageAttributes.parse(span.getAttribute(AttributeKey.stringKey(key.getKey())));
  }
}
