package io.lockn.pricing.sdk;

import io.lockn.core.CallCost;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import org.jspecify.annotations.Nullable;

/**
 * A step of the {@link CostPipeline} that runs on every span after the span's cost is known: governance (anomaly and
 * runaway-agent detection, in {@code lockn-budget}) and ROI collection (in {@code lockn-compression}). Stages are
 * added to the pipeline's builder ({@link CostPipeline.Builder#addStage}); the pipeline runs them in the order of
 * their {@link Kind}, fixed here, whatever the order they were added in, after it has priced the span and rolled its
 * cost up, so that no stage can run before the cost it reads.
 *
 * <p>A stage keeps one state per span, in the pipeline's single table of open spans (same bounds for all stages).
 * Its callbacks run synchronously on the thread that starts or ends the span; they must not block. A callback that
 * throws is logged through {@link io.lockn.core.spi.UsageLogger}; the span and the other stages go on.
 *
 * @param <S> the state the stage keeps per open span
 */
public interface SpanStage<S> {

  /** The stages the pipeline knows, in the order it runs them. */
  enum Kind {
    /** Anomaly and runaway-agent detection: reads the cost, adds span events. */
    GOVERNANCE,
    /** Compression ROI collection: reads the cost and the ended span. */
    ROI
  }

  /**
   * Which stage this is; at most one stage of each kind per pipeline.
   *
   * @return the kind
   */
  Kind kind();

  /**
   * A span started.
   *
   * @param parentContext the context it started in
   * @param span the span
   * @param parentState this stage's state of the span's parent, when the parent is a local span the pipeline tracks
   * @return the span's state, or {@code null} to keep none (then the end callbacks are not called for it)
   */
  @Nullable S onStart(Context parentContext, ReadWriteSpan span, @Nullable S parentState);

  /**
   * A span is ending, after the pipeline set its cost and roll-up: the last moment it can take attributes and events.
   *
   * @param span the span
   * @param state its state
   * @param cost the span's own cost: the model call's cost ({@link CallCost.Status#UNPRICED} when no price is known),
   *     {@link CallCost#notPriced()} for a span that is not a priced model call
   */
  default void onEnding(ReadWriteSpan span, S state, CallCost cost) {}

  /**
   * Whether this stage needs {@link #onEnd}; the pipeline keeps a span's states until then.
   *
   * @return {@code false} by default
   */
  default boolean isEndRequired() {
    return false;
  }

  /**
   * A span ended; its data is final.
   *
   * @param span the span
   * @param state its state
   * @param cost the span's own cost, as in {@link #onEnding}
   */
  default void onEnd(ReadableSpan span, S state, CallCost cost) {}

  /** The pipeline shuts down: drop what is held. */
  default void shutdown() {}
}
