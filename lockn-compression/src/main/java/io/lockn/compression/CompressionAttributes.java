package io.lockn.compression;

import io.opentelemetry.api.common.AttributeKey;

/** The span, event and log attributes that {@link Compression} records. */
public final class CompressionAttributes {

  /** The strategy: a {@link CompressionStrategy#value()} or a custom name. */
  public static final AttributeKey<String> STRATEGY = AttributeKey.stringKey("lockn.compression.strategy");

  /** Input tokens before the step, as the configured token counter counted them; an exact integer. */
  public static final AttributeKey<Long> INPUT_TOKENS_ORIGINAL =
      AttributeKey.longKey("lockn.compression.input_tokens_original");

  /** Input tokens after the step; an exact integer. */
  public static final AttributeKey<Long> INPUT_TOKENS_COMPRESSED =
      AttributeKey.longKey("lockn.compression.input_tokens_compressed");

  /**
   * The achieved ratio {@code compressed / original} (the fraction kept, LLMLingua's "rate"), rounded to 4 decimals;
   * absent when the original count is unknown or 0. Savings are {@code 1 - ratio}.
   */
  public static final AttributeKey<Double> RATIO = AttributeKey.doubleKey("lockn.compression.ratio");

  /** The ratio the caller asked for, in the same {@code compressed / original} convention, beside the achieved one. */
  public static final AttributeKey<Double> TARGET_RATIO = AttributeKey.doubleKey("lockn.compression.target_ratio");

  /** The tokenizer that produced the counts, for example {@code o200k_base}, when the builder named it. */
  public static final AttributeKey<String> TOKENIZER = AttributeKey.stringKey("lockn.compression.tokenizer");

  /** Whether the counts are estimates (for example an OpenAI encoding used for a Claude model). */
  public static final AttributeKey<Boolean> TOKENS_ESTIMATED =
      AttributeKey.booleanKey("lockn.compression.tokens_estimated");

  /** The compression step's own wall-clock duration in milliseconds, excluding counting and any model call after it. */
  public static final AttributeKey<Double> DURATION_MS = AttributeKey.doubleKey("lockn.compression.duration_ms");

  /** Whether a cache served the step, as the step reported through {@link CompressionContext#cacheHit(boolean)}. */
  public static final AttributeKey<Boolean> CACHE_HIT = AttributeKey.booleanKey("lockn.compression.cache_hit");

  /** The score of the {@link QualityEvaluator}, on the span when it was known in time and on the quality event. */
  public static final AttributeKey<Double> QUALITY_SCORE = AttributeKey.doubleKey("lockn.compression.quality_score");

  /** The model the compressed input is meant for. */
  public static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");

  /** The class name of the step's exception, on the compression's own span. */
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** The name of the log-based event that carries a quality score: {@value}. */
  public static final String QUALITY_EVENT = "lockn.compression.quality";

  private CompressionAttributes() {}
}
