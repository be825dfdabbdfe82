package io.lockn.compression;

import io.lockn.core.spi.TokenCounter;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import java.util.List;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/** The recording {@link Compression}. Immutable; per-call state lives in {@link RecordingSpec} and {@link Measurement}. */
final class TracingCompression implements Compression {

  /** The instrumentation scope name of the tracer, the meter and the event logger. */
  static final String INSTRUMENTATION_NAME = "io.lockn.compression";

  final Tracer tracer;
  final Logger eventLogger;
  final CompressionMetrics metrics;
  final TokenCounter tokenCounter;
  final @Nullable String tokenizer;
  final boolean tokensEstimated;
  final String provider;
  final @Nullable QualityEvaluator qualityEvaluator;
  final List<CompressionListener> listeners;
  final LongSupplier nanoTime;

  TracingCompression(CompressionBuilder b) {
    // A broken SDK component costs that signal only, never the application's start-up.
    Tracer t;
    try {
      t = b.openTelemetry.tracerBuilder(INSTRUMENTATION_NAME).build();
    } catch (RuntimeException e) {
      UsageLogger.failed("creating the compression tracer; compression spans are not recorded", e);
      t = TracerProvider.noop().get(INSTRUMENTATION_NAME);
    }
    this.tracer = t;
    Logger l;
    try {
      l = b.openTelemetry.getLogsBridge().loggerBuilder(INSTRUMENTATION_NAME).build();
    } catch (RuntimeException e) {
      UsageLogger.failed("creating the compression event logger; quality events are not recorded", e);
      l = LoggerProvider.noop().get(INSTRUMENTATION_NAME);
    }
    this.eventLogger = l;
    this.metrics = CompressionMetrics.create(b.openTelemetry, b.metricCardinalityLimit);
    this.tokenCounter = b.tokenCounter;
    this.tokenizer = b.tokenizer;
    this.tokensEstimated = b.tokensEstimated;
    this.provider = b.provider;
    this.qualityEvaluator = b.qualityEvaluator;
    this.listeners = List.copyOf(b.listeners);
    this.nanoTime = b.nanoTime;
  }

  @Override
  public CompressionSpec step(CompressionStrategy strategy) {
    return new RecordingSpec(this, strategy == null ? null : strategy.value());
  }

  @Override
  public CompressionSpec step(String strategy) {
    return new RecordingSpec(this, strategy);
  }

  @Override
  public boolean isEnabled() {
    return true;
  }

  @Override
  public String toString() {
    return "Compression{tokenCounter=" + tokenCounter + ", tokenizer=" + tokenizer + "}";
  }
}
