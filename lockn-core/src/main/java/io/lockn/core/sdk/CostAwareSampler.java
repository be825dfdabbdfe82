package io.lockn.core.sdk;

import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;
import java.util.Objects;

/**
 * A sampler that always keeps GenAI spans (inference, embeddings, tool, agent and workflow spans, and LockN task
 * spans) and delegates every other span to the application's sampler. Cost data is only as complete as the spans
 * that reach the backend: a 1% head sampler would otherwise drop 99% of the spend, including the failed attempts and
 * fallbacks that multiply it.
 *
 * <p>Wrap the <em>outermost</em> sampler, including any parent-based one, so that GenAI spans are kept even under an
 * unsampled parent:
 *
 * <pre>{@code
 * Sampler sampler = CostAwareSampler.wrap(Sampler.parentBased(Sampler.traceIdRatioBased(0.01)));
 * }</pre>
 *
 * <p>A GenAI span kept under an unsampled parent is exported without its parent: the trace has a gap above it, but
 * the span itself carries everything cost needs (tokens, model, attribution, task and agent names). Its own children
 * see a sampled parent, so under {@code parentBased} the whole GenAI subtree is kept. A span counts as GenAI when
 * {@code gen_ai.operation.name} or {@code lockn.task.name} is set on its builder, as the semantic conventions require
 * for sampling-relevant attributes and as LockN always does.
 */
public final class CostAwareSampler implements Sampler {

  private final Sampler delegate;

  private CostAwareSampler(Sampler delegate) {
    this.delegate = delegate;
  }

  /**
   * Wraps the application's sampler.
   *
   * @param delegate the sampler for non-GenAI spans
   * @return the cost-aware sampler
   */
  public static CostAwareSampler wrap(Sampler delegate) {
    return new CostAwareSampler(Objects.requireNonNull(delegate, "delegate"));
  }

  @Override
  public SamplingResult shouldSample(
      Context parentContext,
      String traceId,
      String name,
      SpanKind spanKind,
      Attributes attributes,
      List<LinkData> parentLinks) {
    if (attributes.get(GenAiAttributes.GEN_AI_OPERATION_NAME) != null
        || attributes.get(LockNAttributes.TASK_NAME) != null) {
      return SamplingResult.recordAndSample();
    }
    return delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
  }

  @Override
  public String getDescription() {
    return "CostAwareSampler{" + delegate.getDescription() + "}";
  }

  @Override
  public String toString() {
    return getDescription();
  }
}
