package io.lockn.cli.audit;

import io.lockn.pricing.SpanPricing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Feeds an {@link Audit} in-process: a span exporter (put it behind a {@code BatchSpanProcessor}) that hands every
 * exported span to the audit, so that the same totals, findings and experiment analysis as {@code lockn audit} are
 * available from a running application, as an {@link AuditReport}.
 *
 * <pre>{@code
 * Audit audit = Audit.builder(PriceCatalog.bundled()).build();
 * tracerProviderBuilder.addSpanProcessor(BatchSpanProcessor.builder(AuditSpanExporter.create(audit)).build());
 * ...
 * AuditReport report = audit.finish();   // after the tracer provider is flushed
 * }</pre>
 *
 * <p>Needs {@code io.opentelemetry:opentelemetry-sdk}. Thread-safe: exports are serialised.
 */
public final class AuditSpanExporter implements SpanExporter {

  private final Audit audit;

  private AuditSpanExporter(Audit audit) {
    this.audit = audit;
  }

  /**
   * Creates the exporter.
   *
   * @param audit the audit to feed
   * @return the exporter
   */
  public static AuditSpanExporter create(Audit audit) {
    return new AuditSpanExporter(Objects.requireNonNull(audit, "audit"));
  }

  @Override
  public synchronized CompletableResultCode export(Collection<SpanData> spans) {
    List<AuditSpan> batch = new ArrayList<>(spans.size());
    for (SpanData s : spans) {
      batch.add(convert(s));
    }
    try {
      audit.accept(batch);
      return CompletableResultCode.ofSuccess();
    } catch (RuntimeException e) {
      return CompletableResultCode.ofExceptionalFailure(e);
    }
  }

  static AuditSpan convert(SpanData s) {
    String parent = s.getParentSpanContext().isValid() ? s.getParentSpanContext().getSpanId() : null;
    Map<String, Object> attributes = values(s.getAttributes());
    // Read like an attribute, as OtlpJsonReader does: some counting conventions depend on the instrumentation.
    attributes.putIfAbsent(SpanPricing.OTEL_SCOPE_NAME.getKey(), s.getInstrumentationScopeInfo().getName());
    return new AuditSpan(
        s.getTraceId(),
        s.getSpanId(),
        parent,
        s.getName(),
        s.getStartEpochNanos(),
        s.getEndEpochNanos(),
        s.getStatus().getStatusCode() == StatusCode.ERROR || attributes.containsKey("error.type"),
        attributes,
        values(s.getResource().getAttributes()));
  }

  private static Map<String, Object> values(Attributes attributes) {
    Map<String, Object> map = new LinkedHashMap<>();
    attributes.forEach((AttributeKey<?> key, Object value) -> map.put(key.getKey(), value));
    return map;
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }
}
