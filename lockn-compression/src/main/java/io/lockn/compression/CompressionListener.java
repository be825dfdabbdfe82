package io.lockn.compression;

/**
 * Receives measured compressions, for example to feed an experiment's analysis in-process. Methods have empty defaults
 * so that new events can be added compatibly. They are called synchronously (the quality score on the thread that
 * completed the evaluation), must be fast, must not block and should not throw; a listener that throws is logged
 * through {@link io.lockn.core.spi.UsageLogger} and contained.
 */
public interface CompressionListener {

  /**
   * Called once per measured step, after its span ended.
   *
   * @param record the measurement
   */
  default void onMeasured(CompressionRecord record) {}

  /**
   * Called when the {@link QualityEvaluator} reported a score, which may be long after {@link #onMeasured}.
   *
   * @param record the measurement the score belongs to
   * @param score the score
   */
  default void onQualityScore(CompressionRecord record, double score) {}
}
