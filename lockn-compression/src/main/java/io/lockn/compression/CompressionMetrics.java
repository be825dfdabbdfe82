package io.lockn.compression;

import io.lockn.compression.experiment.Experiments;
import io.lockn.core.AttributionKeys;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.spi.CardinalityLimiter;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.context.Context;
import java.util.List;
import org.jspecify.annotations.Nullable;

/*
 * The compression instruments of one Compression instance, created once with it (names and units in
 * CompressionAttributes), so that a measured step only builds its attributes and records.
 *
 * Every metric attribute is bounded by its own CardinalityLimiter (lockn-core's, as LockN's own metrics use):
 * strategy, model, provider and error type come from the application, the experiment name and group from Baggage,
 * which a remote caller controls, so those are also sanitised and cut like LockN's Baggage attribution. Prompts,
 * tenants and request ids never become attributes here.
 */
final class CompressionMetrics {

  /**
   * Step durations, in seconds: in-process deduplication or truncation takes microseconds to milliseconds, an LLM
   * summariser or a remote compression service seconds; the SDK's default buckets (0 to 10,000, meant for
   * milliseconds) would put almost every step in the first two.
   */
  static final List<Double> DURATION_BUCKETS =
      List.of(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
          30.0, 60.0);

  private final LongCounter originalTokens;
  private final LongCounter compressedTokens;
  private final DoubleHistogram duration;
  private final LongCounter cacheHits;
  private final CardinalityLimiter strategyLimiter;
  private final CardinalityLimiter modelLimiter;
  private final CardinalityLimiter providerLimiter;
  private final CardinalityLimiter errorTypeLimiter;
  private final CardinalityLimiter experimentLimiter;
  private final CardinalityLimiter groupLimiter;

  private CompressionMetrics(Meter meter, int cardinalityLimit) {
    this.originalTokens =
        meter
            .counterBuilder(CompressionAttributes.ORIGINAL_TOKENS_METRIC)
            .setUnit("{token}")
            .setDescription("Input tokens before compression steps whose original and compressed counts are known.")
            .build();
    this.compressedTokens =
        meter
            .counterBuilder(CompressionAttributes.COMPRESSED_TOKENS_METRIC)
            .setUnit("{token}")
            .setDescription("Input tokens after the same compression steps.")
            .build();
    this.duration =
        meter
            .histogramBuilder(CompressionAttributes.DURATION_METRIC)
            .setUnit("s")
            .setDescription("Duration of the compression step alone.")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    this.cacheHits =
        meter
            .counterBuilder(CompressionAttributes.CACHE_HITS_METRIC)
            .setUnit("{step}")
            .setDescription("Compression steps that reported a cache hit.")
            .build();
    this.strategyLimiter = CardinalityLimiter.of(cardinalityLimit);
    this.modelLimiter = CardinalityLimiter.of(cardinalityLimit);
    this.providerLimiter = CardinalityLimiter.of(cardinalityLimit);
    this.errorTypeLimiter = CardinalityLimiter.of(cardinalityLimit);
    this.experimentLimiter = CardinalityLimiter.of(cardinalityLimit);
    this.groupLimiter = CardinalityLimiter.of(cardinalityLimit);
  }

  /** The instruments, or no-op ones when the SDK's meter provider fails: a broken component costs its signal only. */
  static CompressionMetrics create(OpenTelemetry openTelemetry, int cardinalityLimit) {
    try {
      return new CompressionMetrics(
          openTelemetry.getMeterProvider().meterBuilder(TracingCompression.INSTRUMENTATION_NAME).build(),
          cardinalityLimit);
    } catch (RuntimeException e) {
      UsageLogger.failed("creating the compression instruments; compression metrics are not recorded", e);
      return new CompressionMetrics(MeterProvider.noop().get(TracingCompression.INSTRUMENTATION_NAME), cardinalityLimit);
    }
  }

  /**
   * Records one ended step.
   *
   * @param originalTokens the count before, {@code -1} when unknown
   * @param compressedTokens the count after, {@code -1} when unknown or the step failed
   * @param errorType {@code error.type} of a failed step, else {@code null}
   * @param context the step's context: its Baggage gives the experiment, its span the exemplars
   */
  void record(
      String strategy,
      String model,
      String provider,
      @Nullable String errorType,
      long originalTokens,
      long compressedTokens,
      @Nullable Boolean cacheHit,
      long durationNanos,
      Context context) {
    AttributesBuilder b = Attributes.builder().put(CompressionAttributes.STRATEGY, strategyLimiter.limit(strategy));
    if (!model.isEmpty()) {
      b.put(CompressionAttributes.REQUEST_MODEL, modelLimiter.limit(model));
    }
    if (!provider.isEmpty()) {
      b.put(GenAiAttributes.GEN_AI_PROVIDER_NAME, providerLimiter.limit(provider));
    }
    if (errorType != null) {
      b.put(CompressionAttributes.ERROR_TYPE, errorTypeLimiter.limit(errorType));
    }
    Baggage baggage = Baggage.fromContext(context);
    String experiment =
        experimentLimiter.limitUntrusted(
            baggage.getEntryValue(Experiments.EXPERIMENT_NAME_KEY), AttributionKeys.DEFAULT_MAX_VALUE_LENGTH);
    if (experiment != null) {
      b.put(Experiments.EXPERIMENT_NAME, experiment);
    }
    String group =
        groupLimiter.limitUntrusted(
            baggage.getEntryValue(Experiments.EXPERIMENT_GROUP_KEY), AttributionKeys.DEFAULT_MAX_VALUE_LENGTH);
    if (group != null) {
      b.put(Experiments.EXPERIMENT_GROUP, group);
    }
    Attributes attributes = b.build();

    duration.record(durationNanos / 1e9, attributes, context);
    // Both counters or neither, so that their quotient is the ratio over exactly the same steps.
    if (originalTokens >= 0 && compressedTokens >= 0) {
      this.originalTokens.add(originalTokens, attributes, context);
      this.compressedTokens.add(compressedTokens, attributes, context);
    }
    if (Boolean.TRUE.equals(cacheHit)) {
      cacheHits.add(1, attributes, context);
    }
  }
}
