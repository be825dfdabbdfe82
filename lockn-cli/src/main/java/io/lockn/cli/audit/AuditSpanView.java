package io.lockn.cli.audit;

import io.lockn.compression.roi.RoiSpans;
import io.lockn.core.LockNAttributes;
import io.lockn.pricing.TraceCalls;
import io.opentelemetry.api.common.AttributeKey;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An {@link AuditSpan} within its trace, as the shared span rules read it: model calls, their pricing and attribution
 * ({@link io.lockn.pricing.SpanPricing}, {@link TraceCalls}) and the ROI sample ({@link RoiSpans}).
 *
 * @param span the span
 * @param byId the spans of its trace, by span id
 * @param hideReportedCost whether to hide a provider-reported cost, so that the span is priced anew ({@code
 *     --reprice})
 */
record AuditSpanView(AuditSpan span, Map<String, AuditSpan> byId, boolean hideReportedCost)
    implements RoiSpans.SpanView, TraceCalls.Span {

  @Override
  public String spanId() {
    return span.spanId();
  }

  @Override
  public @Nullable String parentSpanId() {
    return span.parentSpanId();
  }

  @Override
  public long count(AttributeKey<Long> key) {
    if (hideReportedCost && key.equals(LockNAttributes.COST_REPORTED_NANOS)) {
      return -1;
    }
    return span.count(key.getKey());
  }

  @Override
  public @Nullable String string(AttributeKey<String> key) {
    return span.string(key.getKey());
  }

  @Override
  public @Nullable Double number(AttributeKey<Double> key) {
    return span.attributes().get(key.getKey()) instanceof Number n ? n.doubleValue() : null;
  }

  @Override
  public String name() {
    return span.name();
  }

  @Override
  public long startEpochNanos() {
    return span.startEpochNanos();
  }

  @Override
  public long endEpochNanos() {
    return span.endEpochNanos();
  }

  @Override
  public RoiSpans.@Nullable SpanView parent() {
    AuditSpan parent = span.parentSpanId() == null ? null : byId.get(span.parentSpanId());
    return parent == null ? null : new AuditSpanView(parent, byId, hideReportedCost);
  }

  /** The resource's value: offline, Baggage is only what instrumentations copied onto the spans. */
  @Override
  public @Nullable String outerString(AttributeKey<String> key) {
    return span.resource().get(key.getKey()) instanceof String s ? s : null;
  }
}
