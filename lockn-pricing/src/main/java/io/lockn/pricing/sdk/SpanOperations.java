package io.lockn.pricing.sdk;

import io.lockn.core.GenAiAttributes;
import io.lockn.pricing.SpanPricing;
import io.opentelemetry.sdk.trace.ReadableSpan;
import org.jspecify.annotations.Nullable;

/** The operation of a live span, as the pipeline and its stages read it. */
public final class SpanOperations {

  private SpanOperations() {}

  /**
   * A live span's operation, by {@link SpanPricing#operation(SpanPricing.SpanAttributes)}'s rules: {@code
   * gen_ai.operation.name}, else the other dialects' names ({@code llm.request.type}, {@code openinference.span.kind},
   * the Vercel AI SDK's {@code ai.operationId}, {@code langfuse.observation.type}), which are read only when the first
   * is absent (each read takes the span's lock).
   *
   * @param span the span
   * @return the operation in the conventions' spelling, or {@code null}
   */
  public static @Nullable String of(ReadableSpan span) {
    String name = span.getAttribute(GenAiAttributes.GEN_AI_OPERATION_NAME);
    return name != null ? SpanPricing.operation(name, null) : SpanPricing.operation(new SpanUsage(span));
  }

  /**
   * The operation of one of LockN's own spans: {@code gen_ai.operation.name} only (LockN writes no other dialect), one
   * read.
   *
   * @param span the span
   * @return the operation, or {@code null}
   */
  static @Nullable String ofLockN(ReadableSpan span) {
    String name = span.getAttribute(GenAiAttributes.GEN_AI_OPERATION_NAME);
    return name != null ? SpanPricing.operation(name, null) : null;
  }
}
