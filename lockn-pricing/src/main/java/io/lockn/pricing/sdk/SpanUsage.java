package io.lockn.pricing.sdk;

import io.lockn.pricing.SpanPricing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.ReadableSpan;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * {@link SpanPricing}'s view of a live SDK span: counts set as longs or, by Micrometer bridges, as strings, and the
 * instrumentation scope's name as {@code otel.scope.name}. One small object per read; the string twin of each count
 * key is made once.
 */
final class SpanUsage implements SpanPricing.SpanAttributes {

  /** The string twins of the count keys the reader asks for: a fixed set of constants, so bounded in practice. */
  private static final ConcurrentHashMap<AttributeKey<Long>, AttributeKey<String>> AS_TEXT = new ConcurrentHashMap<>();
  private static final int MAX_TWINS = 1024;

  private final ReadableSpan span;

  SpanUsage(ReadableSpan span) {
    this.span = span;
  }

  @Override
  public long count(AttributeKey<Long> key) {
    return count(span, key);
  }

  @Override
  public @Nullable String string(AttributeKey<String> key) {
    String value = span.getAttribute(key);
    if (value == null
        && (key == SpanPricing.OTEL_SCOPE_NAME || key.getKey().equals(SpanPricing.OTEL_SCOPE_NAME.getKey()))) {
      return span.getInstrumentationScopeInfo().getName();
    }
    return value;
  }

  /** A count set as a long or, by Micrometer bridges, as a string; -1 when absent or unreadable. */
  static long count(ReadableSpan span, AttributeKey<Long> key) {
    Long value = span.getAttribute(key);
    if (value != null) {
      return value;
    }
    AttributeKey<String> text = AS_TEXT.get(key);
    if (text == null) {
      text = AttributeKey.stringKey(key.getKey());
      if (AS_TEXT.size() < MAX_TWINS) {
        AS_TEXT.putIfAbsent(key, text);
      }
    }
    return SpanPricing.parseCount(span.getAttribute(text));
  }
}
