package io.lockn.compression;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The span, event and log attributes, and the metric names, that {@link Compression} records.
 *
 * <p>Metric names follow the OpenTelemetry naming guidelines: {@code lockn.*} for what the semantic conventions do
 * not define, dots for namespaces, units in the unit field (not the name), and one instrument per quantity whose sum
 * across attribute values means something. That is why original and compressed tokens are two counters rather than
 * one counter with a stage attribute: their sum is meaningless, while their difference is the saving and their
 * quotient the ratio. In Prometheus, dots become underscores, counters get {@code _total} and the duration histogram
 * gets {@code _seconds}.
 */
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

  /**
   * The compression step's own cost in nano-USD, an exact integer, as the step reported it through {@link
   * CompressionSpec#stepCostNanos(long)} and {@link CompressionContext#recordStepCost(long)}; absent when it reported
   * none. {@code lockn audit} reads it as the step's cost in the ROI.
   */
  public static final AttributeKey<Long> COST_NANOS = AttributeKey.longKey("lockn.compression.cost_nanos");

  /**
   * Counter {@value} ({@code {token}}): input tokens before each successful step whose counts are both known. With
   * {@link #COMPRESSED_TOKENS_METRIC} over the same steps, {@code original - compressed} is the saving and {@code
   * compressed / original} the ratio. Prometheus: {@code lockn_compression_input_tokens_original_total}.
   */
  public static final String ORIGINAL_TOKENS_METRIC = "lockn.compression.input_tokens.original";

  /**
   * Counter {@value} ({@code {token}}): input tokens after each step counted in {@link #ORIGINAL_TOKENS_METRIC}.
   * Prometheus: {@code lockn_compression_input_tokens_compressed_total}.
   */
  public static final String COMPRESSED_TOKENS_METRIC = "lockn.compression.input_tokens.compressed";

  /**
   * Histogram {@value} ({@code s}): each step's own duration, failed steps included (with {@code error.type}), with
   * explicit buckets from 100 &micro;s (in-process deduplication) to 60 s (an LLM summariser). Prometheus: {@code
   * lockn_compression_duration_seconds_bucket/_sum/_count}; {@code _count} is the number of steps.
   */
  public static final String DURATION_METRIC = "lockn.compression.duration";

  /**
   * Counter {@value} ({@code {step}}): steps that reported {@link CompressionContext#cacheHit(boolean) a cache hit}.
   * Divided by the duration's count it is the hit rate of a strategy whose steps all report. Prometheus: {@code
   * lockn_compression_cache_hits_total}.
   */
  public static final String CACHE_HITS_METRIC = "lockn.compression.cache_hits";

  /** The name of the log-based event that carries a quality score: {@value}. */
  public static final String QUALITY_EVENT = "lockn.compression.quality";

  private CompressionAttributes() {}
}
