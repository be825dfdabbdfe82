package io.lockn.core.internal;

import io.lockn.core.CacheType;
import io.lockn.core.CallCost;
import io.lockn.core.GenAiOperation;
import io.lockn.core.LlmCallRecord;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.EndedCall;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One of LockN's model calls as it ended: what its pricing, its budget settlement and its listeners all see, read
 * once from the call's handle so that they see the same values. The cost is set once, after pricing, before the
 * settlement and the listeners read it.
 */
final class EndedModelCall implements EndedCall, LlmCallRecord {

  private final LlmCallHandle call;
  private final @Nullable TokenUsage usage;
  private final @Nullable String responseModel;
  private final @Nullable String serviceTier;
  private final long reportedCostNanos;
  private final @Nullable String errorType;
  private final @Nullable CacheType cacheType;
  private final long durationNanos;
  private long startEpochNanos = -1;
  private CallCost cost = CallCost.notPriced();
  private @Nullable Map<String, String> attribution;

  EndedModelCall(
      LlmCallHandle call,
      @Nullable TokenUsage usage,
      @Nullable String responseModel,
      @Nullable String serviceTier,
      long reportedCostNanos,
      @Nullable String errorType,
      @Nullable CacheType cacheType,
      long durationNanos) {
    this.call = call;
    this.usage = usage;
    this.responseModel = responseModel;
    this.serviceTier = serviceTier;
    this.reportedCostNanos = reportedCostNanos;
    this.errorType = errorType;
    this.cacheType = cacheType;
    this.durationNanos = durationNanos;
  }

  void cost(CallCost cost) {
    this.cost = cost;
  }

  @Override
  public GenAiOperation operation() {
    return call.llmOperation;
  }

  @Override
  public String provider() {
    return call.provider;
  }

  @Override
  public String requestModel() {
    return call.requestModel;
  }

  @Override
  public String admittedModel() {
    return call.admittedModel();
  }

  @Override
  public @Nullable String responseModel() {
    return responseModel;
  }

  @Override
  public TokenUsage usage() {
    return usage != null ? usage : TokenUsage.EMPTY;
  }

  @Override
  public boolean hasUsage() {
    return usage != null;
  }

  @Override
  public @Nullable String serviceTier() {
    return serviceTier;
  }

  @Override
  public long reportedCostNanos() {
    return reportedCostNanos;
  }

  @Override
  public long startEpochNanos() {
    // Read when asked (pricing reads a recording span's own start instead): the JVM's wall clock now, less the
    // measured duration. No clock read when the call starts.
    long start = startEpochNanos;
    if (start < 0) {
      start = System.currentTimeMillis() * 1_000_000L - durationNanos;
      startEpochNanos = start;
    }
    return start;
  }

  @Override
  public @Nullable String errorType() {
    return errorType;
  }

  @Override
  public @Nullable String agentName() {
    return call.agentName;
  }

  @Override
  public @Nullable String taskName() {
    return call.taskName;
  }

  @Override
  public @Nullable String attribution(String attributeKey) {
    // As on the span: a value set explicitly on the call wins over Baggage.
    Attributes explicit = call.explicitAttributes;
    if (!explicit.isEmpty()) {
      String value = explicit.get(AttributeKey.stringKey(attributeKey));
      if (value != null && call.lockn.attribution.allows(attributeKey)) {
        return value;
      }
    }
    return call.lockn.attribution.value(Baggage.fromContext(call.parent), attributeKey);
  }

  @Override
  public Span span() {
    return call.span;
  }

  @Override
  public Span recordingAncestor() {
    return RecordingSpans.nearest(call.parent);
  }

  @Override
  public CallCost cost() {
    return cost;
  }

  @Override
  public Duration duration() {
    return Duration.ofNanos(durationNanos);
  }

  @Override
  public Map<String, String> attribution() {
    Map<String, String> a = attribution;
    if (a == null) {
      Map<String, String> map = new LinkedHashMap<>(call.lockn.attribution.toMap(Baggage.fromContext(call.parent)));
      call.explicitAttributes.forEach((key, value) -> {
        if (value instanceof String s && call.lockn.attribution.allows(key.getKey())) {
          map.put(key.getKey(), s);
        }
      });
      a = java.util.Collections.unmodifiableMap(map);
      attribution = a;
    }
    return a;
  }

  @Override
  public int attempt() {
    return call.attempt;
  }

  @Override
  public int fallbackDepth() {
    return call.fallbackDepth;
  }

  @Override
  public @Nullable CacheType cacheType() {
    return cacheType;
  }

  @Override
  public SpanContext spanContext() {
    return call.span.getSpanContext();
  }

  @Override
  public String toString() {
    return "LlmCallRecord{" + call.llmOperation.value() + " " + call.provider + "/" + call.requestModel
        + (responseModel != null ? " -> " + responseModel : "") + ", usage=" + usage + ", cost=" + cost
        + (errorType != null ? ", error=" + errorType : "") + "}";
  }
}
