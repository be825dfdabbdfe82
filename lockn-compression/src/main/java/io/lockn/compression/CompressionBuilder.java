package io.lockn.compression;

import io.lockn.core.LockNBuilder;
import io.lockn.core.spi.TokenCounter;
import io.opentelemetry.api.OpenTelemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/** Builds a recording {@link Compression}; from {@link Compression#builder}. Not thread-safe. */
public final class CompressionBuilder {

  final OpenTelemetry openTelemetry;
  TokenCounter tokenCounter = TokenCounter.none();
  @Nullable String tokenizer;
  boolean tokensEstimated;
  String provider = "";
  @Nullable QualityEvaluator qualityEvaluator;
  final List<CompressionListener> listeners = new ArrayList<>();
  int metricCardinalityLimit = LockNBuilder.DEFAULT_METRIC_CARDINALITY_LIMIT;
  LongSupplier nanoTime = System::nanoTime;

  CompressionBuilder(OpenTelemetry openTelemetry) {
    this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
  }

  /**
   * Sets the counter of input tokens before and after each step. Text is counted as one user message. Without a
   * counter ({@link TokenCounter#none()}, the default) no counts and no ratio are recorded.
   *
   * @param tokenCounter the counter; must be thread-safe and fast
   * @return this builder
   */
  public CompressionBuilder setTokenCounter(TokenCounter tokenCounter) {
    this.tokenCounter = Objects.requireNonNull(tokenCounter, "tokenCounter");
    return this;
  }

  /**
   * Names the tokenizer behind the counter, recorded as {@code lockn.compression.tokenizer}.
   *
   * @param tokenizer for example {@code o200k_base}
   * @return this builder
   */
  public CompressionBuilder setTokenizer(String tokenizer) {
    Objects.requireNonNull(tokenizer, "tokenizer");
    if (tokenizer.isBlank()) {
      throw new IllegalArgumentException("tokenizer is blank");
    }
    this.tokenizer = tokenizer;
    return this;
  }

  /**
   * Sets whether the counter's counts are estimates ({@code lockn.compression.tokens_estimated}); {@code false} by
   * default.
   *
   * @param estimated whether counts are estimates
   * @return this builder
   */
  public CompressionBuilder setTokensEstimated(boolean estimated) {
    this.tokensEstimated = estimated;
    return this;
  }

  /**
   * Sets the provider passed to the token counter when a step names none.
   *
   * @param provider {@code gen_ai.provider.name}, for example {@code openai}
   * @return this builder
   */
  public CompressionBuilder setProvider(String provider) {
    this.provider = Objects.requireNonNull(provider, "provider");
    return this;
  }

  /**
   * Sets the evaluator of each successful step's quality; none by default.
   *
   * @param evaluator the evaluator
   * @return this builder
   */
  public CompressionBuilder setQualityEvaluator(QualityEvaluator evaluator) {
    this.qualityEvaluator = Objects.requireNonNull(evaluator, "evaluator");
    return this;
  }

  /**
   * Adds a listener of measurements and quality scores.
   *
   * @param listener the listener
   * @return this builder
   */
  public CompressionBuilder addListener(CompressionListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * Sets the number of distinct values kept per metric attribute (strategy, model, provider, error type, experiment
   * name and group) before values are recorded as {@code _OTHER}. Defaults to {@value
   * LockNBuilder#DEFAULT_METRIC_CARDINALITY_LIMIT}, like LockN's.
   *
   * @param limit the limit, at least 1
   * @return this builder
   * @throws IllegalArgumentException if {@code limit < 1}
   */
  public CompressionBuilder setMetricCardinalityLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit < 1");
    }
    this.metricCardinalityLimit = limit;
    return this;
  }

  /** The clock of step durations; tests replace it. */
  CompressionBuilder setNanoTime(LongSupplier nanoTime) {
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    return this;
  }

  /**
   * Builds the instance.
   *
   * @return the immutable, shareable instance
   */
  public Compression build() {
    return new TracingCompression(this);
  }
}
