package io.lockn.pricing.sdk;

import io.lockn.core.GenAiAttributes;
import io.lockn.pricing.SpanPricing;
import io.opentelemetry.sdk.trace.ReadableSpan;
import org.jspecify.annotations.Nullable;

/** The operation of a live span, as the pipeline and its stages read it. */
public final class SpanOperations {

  private SpanOperations() {}

  /**
   * A live span's operation, by {@link SpanPricing#operation}'s rules: {@code gen_ai.operation.name}, else OpenLLMetry's
   * {@code llm.request.type}, which is read only when the first is absent (each read takes the span's lock).
   *
   * @param span the span
   * @return the operation in the conventions' spelling, or {@code null}
   */
  public static @Nullable String of(ReadableSpan span) {
    String name = span.getAttribute(GenAiAttributes.GEN_AI_OPERATION_NAME);
    return SpanPricing.operation(name, name != null ? null : span.getAttribute(SpanPricing.LLM_REQUEST_TYPE));
  }
}
