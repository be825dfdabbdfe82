package io.lockn.compression;

import java.util.concurrent.CompletionStage;

/**
 * Scores how much of the input's meaning a compression step kept, for example by comparing answers to the original
 * and the compressed prompt, or with an LLM judge.
 *
 * <p>{@link Compression} calls it after a step succeeded, on the step's thread (or the thread that completed an
 * asynchronous step), so it must return quickly: start the evaluation on an executor of its own and return its stage.
 * A score that is already known when the step ends is also set on the span as {@code lockn.compression.quality_score};
 * every score is emitted as the log-based event {@value CompressionAttributes#QUALITY_EVENT} in the compression span's
 * context and handed to the {@link CompressionListener}s. An evaluator that throws or whose stage fails is logged
 * through {@link io.lockn.core.spi.UsageLogger} and contained.
 */
@FunctionalInterface
public interface QualityEvaluator {

  /**
   * Scores one compression.
   *
   * @param input what went in and what came out
   * @return the score, by convention in [0, 1] with 1 for no loss; a {@code null} or non-finite score is ignored
   */
  CompletionStage<Double> evaluate(QualityInput input);
}
