package io.lockn.core.sdk;

import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;
import java.util.Objects;

/**
 * A sampler that never lets the application's sampler hide a GenAI span from LockN's span processors, so that the
 * cost of every model call is counted whatever the trace sampling: GenAI spans (inference, embeddings, tool, agent and
 * workflow spans, and LockN task spans) that the application's sampler drops are still <em>recorded</em>; every other
 * span is decided by the application's sampler alone.
 *
 * <pre>{@code
 * Sampler sampler = CostAwareSampler.wrap(Sampler.parentBased(Sampler.traceIdRatioBased(0.1)));
 * }</pre>
 *
 * <p><b>Why.</b> LockN prices its own model calls when they end, sampled or not. Spans that other instrumentations
 * start (the Java agent's OpenAI spans, Spring AI's observations) are priced by the cost span processor, and a span
 * processor only sees spans that are recorded: an unsampled span is invisible to it, and a 10% sampler would hide
 * 90% of that spend.
 *
 * <p><b>What it guarantees</b>, in the default mode ({@link #wrap}): a GenAI span the application's sampler drops is
 * recorded but not sampled ({@link SamplingDecision#RECORD_ONLY}): span processors see it start and end, so its cost
 * reaches the cost metric, the ledger, budgets and the roll-ups of recording ancestors, but exporters (which export
 * sampled spans only) never receive it. Exported traces are exactly the ones the application's sampler chose, never a
 * GenAI fragment of an unsampled trace. A GenAI span the application's sampler keeps is kept as it is. Recording
 * costs memory and CPU for the span's lifetime (as a sampled span does, without the export).
 *
 * <p>In the {@link #exportAll} mode, a GenAI span is always recorded <em>and sampled</em>, as for an export that
 * must hold every model call ({@code lockn audit} prices exports offline): under an unsampled parent it is exported
 * without its parent, and the trace has a gap above it, but the span carries everything cost needs (tokens, model,
 * attribution, task and agent names).
 *
 * <p>Wrap the <em>outermost</em> sampler, including any parent-based one. A span counts as GenAI when {@code
 * gen_ai.operation.name} or {@code lockn.task.name} is set on its builder, as the semantic conventions require for
 * sampling-relevant attributes and as LockN always does. A child of a recorded-only span sees an unsampled parent: a
 * parent-based sampler drops its non-GenAI children.
 */
public final class CostAwareSampler implements Sampler {

  private final Sampler delegate;
  private final boolean exportAll;

  private CostAwareSampler(Sampler delegate, boolean exportAll) {
    this.delegate = delegate;
    this.exportAll = exportAll;
  }

  /**
   * Wraps the application's sampler: GenAI spans it drops are recorded, not exported.
   *
   * @param delegate the application's sampler
   * @return the cost-aware sampler
   */
  public static CostAwareSampler wrap(Sampler delegate) {
    return new CostAwareSampler(Objects.requireNonNull(delegate, "delegate"), false);
  }

  /**
   * Wraps the application's sampler so that every GenAI span is recorded and exported, even under an unsampled
   * parent.
   *
   * @param delegate the application's sampler, for non-GenAI spans
   * @return the cost-aware sampler
   */
  public static CostAwareSampler exportAll(Sampler delegate) {
    return new CostAwareSampler(Objects.requireNonNull(delegate, "delegate"), true);
  }

  @Override
  public SamplingResult shouldSample(
      Context parentContext,
      String traceId,
      String name,
      SpanKind spanKind,
      Attributes attributes,
      List<LinkData> parentLinks) {
    boolean genAi = attributes.get(GenAiAttributes.GEN_AI_OPERATION_NAME) != null
        || attributes.get(LockNAttributes.TASK_NAME) != null;
    if (genAi && exportAll) {
      return SamplingResult.recordAndSample();
    }
    SamplingResult result = delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
    if (genAi && result.getDecision() == SamplingDecision.DROP) {
      return result.getAttributes().isEmpty()
          ? SamplingResult.recordOnly()
          : SamplingResult.create(SamplingDecision.RECORD_ONLY, result.getAttributes());
    }
    return result;
  }

  @Override
  public String getDescription() {
    return (exportAll ? "CostAwareSampler.exportAll{" : "CostAwareSampler{") + delegate.getDescription() + "}";
  }

  @Override
  public String toString() {
    return getDescription();
  }
}
