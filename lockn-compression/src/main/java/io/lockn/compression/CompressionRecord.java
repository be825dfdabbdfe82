package io.lockn.compression;

import io.opentelemetry.api.trace.SpanContext;
import org.jspecify.annotations.Nullable;

/** One measured compression step, as handed to {@link CompressionListener}s. Immutable. */
public interface CompressionRecord {

  /**
   * The strategy name.
   *
   * @return {@code lockn.compression.strategy}
   */
  String strategy();

  /**
   * The model the input is meant for.
   *
   * @return the model, possibly empty
   */
  String model();

  /**
   * Input tokens before the step.
   *
   * @return the count, or {@code -1} when unknown
   */
  long originalTokens();

  /**
   * Input tokens after the step.
   *
   * @return the count, or {@code -1} when unknown
   */
  long compressedTokens();

  /**
   * The achieved ratio {@code compressed / original}, rounded to 4 decimals.
   *
   * @return the ratio, or {@code NaN} when unknown
   */
  double ratio();

  /**
   * The requested ratio.
   *
   * @return the target, or {@code null} when none was requested
   */
  @Nullable Double targetRatio();

  /**
   * The step's own duration.
   *
   * @return milliseconds
   */
  double durationMillis();

  /**
   * Whether a cache served the step.
   *
   * @return what the step reported, or {@code null} when it reported nothing
   */
  @Nullable Boolean cacheHit();

  /**
   * The step's own cost, as reported through {@link CompressionSpec#stepCostNanos(long)} and {@link
   * CompressionContext#recordStepCost(long)}.
   *
   * @return exact nano-USD, or {@code -1} when the step reported none
   */
  long costNanos();

  /**
   * Whether the step threw or its stage failed.
   *
   * @return {@code true} for a failed step
   */
  boolean failed();

  /**
   * The span the compression was recorded on: its own span, or the current span in {@link
   * CompressionSpec#onCurrentSpan()} mode.
   *
   * @return the span context, invalid when nothing was recording
   */
  SpanContext spanContext();
}
