package io.lockn.compression;

import io.lockn.core.GenAiMessage;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/*
 * One running measurement: the span it records on, the original count, and what the step reported through its
 * CompressionContext (cache hit, own cost).
 *
 * Ending is done once (the first of succeeded/failed wins), on whatever thread the step finished on. Everything is
 * guarded: a failing counter, evaluator, listener or SDK component is logged through UsageLogger and the step's result
 * or exception passes through untouched.
 *
 * Quality scores: an evaluator may take seconds (an LLM judge) or arrive much later (user feedback). Holding the
 * compression span open until then would delay its export, distort its duration and leak spans when an evaluation
 * never completes, and an ended span can no longer take attributes. So a score known before the span ends is set on
 * it as lockn.compression.quality_score, and every score is emitted as the log-based event lockn.compression.quality
 * carrying the span's context (trace and span id), which back ends join to the span, and handed to the listeners.
 */
final class Measurement<T> implements CompressionContext {

  private static final ContextKey<CompressionContext> KEY = ContextKey.named("io.lockn.compression.step");
  /** A field updater rather than an AtomicLong, so that a measurement allocates nothing for a cost it never gets. */
  @SuppressWarnings("rawtypes")
  private static final AtomicLongFieldUpdater<Measurement> COST_NANOS =
      AtomicLongFieldUpdater.newUpdater(Measurement.class, "costNanos");

  private final TracingCompression compression;
  private final String strategy;
  private final String model;
  private final String provider;
  private final @Nullable Double targetRatio;
  private final boolean ownSpan;
  private final Span span;
  private final Context context;
  private final T input;
  private final Function<T, List<GenAiMessage>> asMessages;
  private final long originalTokens;
  private volatile @Nullable Boolean cacheHit;
  /** The step's own cost in nano-USD, {@code -1} until something is reported. */
  private volatile long costNanos;
  private volatile boolean ended;

  private Measurement(
      TracingCompression compression,
      String strategy,
      String model,
      String provider,
      @Nullable Double targetRatio,
      long stepCostNanos,
      boolean onCurrentSpan,
      T input,
      Function<T, List<GenAiMessage>> asMessages) {
    this.compression = compression;
    this.strategy = strategy;
    this.model = model;
    this.provider = provider;
    this.targetRatio = targetRatio;
    this.costNanos = stepCostNanos;
    this.ownSpan = !onCurrentSpan;
    this.input = input;
    this.asMessages = asMessages;
    Context parent = Context.current();
    if (onCurrentSpan) {
      this.span = Span.fromContext(parent);
    } else {
      var builder =
          compression
              .tracer
              .spanBuilder("compress " + strategy)
              .setSpanKind(SpanKind.INTERNAL)
              .setParent(parent)
              .setAttribute(CompressionAttributes.STRATEGY, strategy);
      if (!model.isEmpty()) {
        builder.setAttribute(CompressionAttributes.REQUEST_MODEL, model);
      }
      this.span = builder.startSpan();
    }
    this.context = parent.with(span).with(KEY, this);
    // Counted before the step runs (and outside its duration): a step may change its input in place.
    this.originalTokens = count(input);
  }

  static <T> Measurement<T> start(
      TracingCompression compression,
      String strategy,
      String model,
      String provider,
      @Nullable Double targetRatio,
      long stepCostNanos,
      boolean onCurrentSpan,
      T input,
      Function<T, List<GenAiMessage>> asMessages) {
    return new Measurement<>(
        compression, strategy, model, provider, targetRatio, stepCostNanos, onCurrentSpan, input, asMessages);
  }

  static CompressionContext current() {
    CompressionContext c = Context.current().get(KEY);
    return c != null ? c : NoopContext.INSTANCE;
  }

  static List<GenAiMessage> text(@Nullable String text) {
    return text == null ? List.of() : List.of(GenAiMessage.user(text));
  }

  static List<GenAiMessage> messages(@Nullable List<GenAiMessage> messages) {
    return messages == null ? List.of() : messages;
  }

  @Override
  public CompressionContext cacheHit(boolean hit) {
    if (!ended) {
      cacheHit = hit;
    }
    return this;
  }

  @Override
  public CompressionContext recordStepCost(long costNanos) {
    if (costNanos < 0) {
      UsageLogger.warn("compression step cost must be at least 0, was " + costNanos + "; ignored");
    } else if (!ended) {
      COST_NANOS.accumulateAndGet(this, costNanos, Measurement::addCost);
    }
    return this;
  }

  /** Adds a reported cost to the sum so far ({@code -1}: none yet), saturating instead of wrapping around. */
  private static long addCost(long sum, long cost) {
    long base = Math.max(sum, 0);
    return base > Long.MAX_VALUE - cost ? Long.MAX_VALUE : base + cost;
  }

  Scope makeCurrent() {
    try {
      return context.makeCurrent();
    } catch (Throwable t) {
      UsageLogger.failed("making the compression context current", t);
      return Scope.noop();
    }
  }

  void succeeded(@Nullable T output, long durationNanos) {
    end(output, null, false, durationNanos);
  }

  /** The step threw {@code error}, or returned a null stage when {@code error} is {@code null}. */
  void failed(@Nullable Throwable error, long durationNanos) {
    end(null, error, true, durationNanos);
  }

  private void end(@Nullable T output, @Nullable Throwable error, boolean failed, long durationNanos) {
    if (ended) {
      return;
    }
    ended = true;
    MeasuredRecord record;
    CompletionStage<Double> quality = null;
    long compressedTokens = -1;
    try {
      compressedTokens = failed || output == null ? -1 : count(output);
      double ratio =
          originalTokens > 0 && compressedTokens >= 0 ? round(compressedTokens / (double) originalTokens, 4) : Double.NaN;
      record =
          new MeasuredRecord(
              strategy,
              model,
              originalTokens,
              compressedTokens,
              ratio,
              targetRatio,
              round(durationNanos / 1_000_000.0, 3),
              cacheHit,
              costNanos,
              failed,
              span.getSpanContext());
      setAttributes(record);
      if (!failed && output != null && compression.qualityEvaluator != null) {
        quality = evaluate(output);
        Double early = quality == null ? null : scoreIfDone(quality);
        if (early != null) {
          span.setAttribute(CompressionAttributes.QUALITY_SCORE, early);
        }
      }
      if (failed) {
        recordFailure(error);
      }
    } catch (Throwable t) {
      UsageLogger.failed("recording a compression measurement", t);
      record = null;
    } finally {
      recordMetrics(error, failed, compressedTokens, durationNanos);
      if (ownSpan) {
        try {
          span.end();
        } catch (Throwable t) {
          UsageLogger.failed("ending the compression span", t);
        }
      }
    }
    if (record == null) {
      return;
    }
    // Indexed: an immutable list's iterator is an allocation per measured step, even with no listener.
    List<CompressionListener> listeners = compression.listeners;
    for (int i = 0; i < listeners.size(); i++) {
      CompressionListener listener = listeners.get(i);
      try {
        listener.onMeasured(record);
      } catch (Throwable t) {
        UsageLogger.failed("compression listener " + listener.getClass().getName(), t);
      }
    }
    if (quality != null) {
      MeasuredRecord r = record;
      try {
        quality.whenComplete((score, e) -> onQuality(r, score, e));
      } catch (Throwable t) {
        UsageLogger.failed("awaiting a compression quality score", t);
      }
    }
  }

  /** Guarded on its own: the span and the listeners get the measurement even if metrics fail, and vice versa. */
  private void recordMetrics(@Nullable Throwable error, boolean failed, long compressedTokens, long durationNanos) {
    try {
      compression.metrics.record(
          strategy,
          model,
          provider,
          failed ? errorType(error) : null,
          originalTokens,
          compressedTokens,
          cacheHit,
          durationNanos,
          context);
    } catch (Throwable t) {
      UsageLogger.failed("recording compression metrics", t);
    }
  }

  private void setAttributes(MeasuredRecord r) {
    if (!ownSpan) {
      span.setAttribute(CompressionAttributes.STRATEGY, strategy);
    }
    if (r.originalTokens() >= 0) {
      span.setAttribute(CompressionAttributes.INPUT_TOKENS_ORIGINAL, r.originalTokens());
    }
    if (r.compressedTokens() >= 0) {
      span.setAttribute(CompressionAttributes.INPUT_TOKENS_COMPRESSED, r.compressedTokens());
    }
    if (!Double.isNaN(r.ratio())) {
      span.setAttribute(CompressionAttributes.RATIO, r.ratio());
    }
    if (targetRatio != null) {
      span.setAttribute(CompressionAttributes.TARGET_RATIO, targetRatio);
    }
    if (r.originalTokens() >= 0 || r.compressedTokens() >= 0) {
      if (compression.tokenizer != null) {
        span.setAttribute(CompressionAttributes.TOKENIZER, compression.tokenizer);
      }
      span.setAttribute(CompressionAttributes.TOKENS_ESTIMATED, compression.tokensEstimated);
    }
    span.setAttribute(CompressionAttributes.DURATION_MS, r.durationMillis());
    Boolean hit = r.cacheHit();
    if (hit != null) {
      span.setAttribute(CompressionAttributes.CACHE_HIT, hit);
    }
    if (r.costNanos() >= 0) {
      span.setAttribute(CompressionAttributes.COST_NANOS, r.costNanos());
    }
  }

  private void recordFailure(@Nullable Throwable error) {
    String type = errorType(error);
    if (ownSpan) {
      span.setAttribute(CompressionAttributes.ERROR_TYPE, type);
      span.setStatus(StatusCode.ERROR);
    }
    // The LLM span's own status is left to its owner; the exception event still says what the step threw. Last and
    // guarded on its own: the SDK calls the exception's getMessage() and toString(), which are application code.
    if (error != null) {
      try {
        span.recordException(error);
      } catch (Throwable t) {
        UsageLogger.failed("recording the compression step's exception", t);
      }
    }
  }

  private static String errorType(@Nullable Throwable error) {
    return error == null ? "null_stage" : error.getClass().getName();
  }

  private long count(T value) {
    try {
      long n = compression.tokenCounter.countInputTokens(provider, model, asMessages.apply(value));
      return n < 0 ? -1 : n;
    } catch (Throwable t) {
      UsageLogger.failed("counting compression tokens with " + compression.tokenCounter, t);
      return -1;
    }
  }

  private @Nullable CompletionStage<Double> evaluate(T output) {
    QualityEvaluator evaluator = compression.qualityEvaluator;
    if (evaluator == null) {
      return null;
    }
    try {
      CompletionStage<Double> stage =
          evaluator.evaluate(new QualityInput(strategy, model, asMessages.apply(input), asMessages.apply(output)));
      if (stage == null) {
        UsageLogger.warn("quality evaluator " + evaluator.getClass().getName() + " returned a null stage; ignored");
      }
      return stage;
    } catch (Throwable t) {
      UsageLogger.failed("quality evaluator " + evaluator.getClass().getName(), t);
      return null;
    }
  }

  private static @Nullable Double scoreIfDone(CompletionStage<Double> stage) {
    try {
      CompletableFuture<Double> f = stage.toCompletableFuture();
      if (f.isDone() && !f.isCompletedExceptionally()) {
        Double score = f.getNow(null);
        return valid(score) ? score : null;
      }
    } catch (Throwable ignored) {
      // Not every stage converts to a future, and a failed stage is reported by onQuality.
    }
    return null;
  }

  private void onQuality(MeasuredRecord record, @Nullable Double score, @Nullable Throwable error) {
    if (error != null) {
      UsageLogger.failed("quality evaluation of a " + strategy + " compression", error);
      return;
    }
    if (score == null || !valid(score)) {
      UsageLogger.warn("quality evaluator returned a null or non-finite score (" + score + "); ignored");
      return;
    }
    double s = score;
    try {
      AttributesBuilder attributes =
          Attributes.builder()
              .put(CompressionAttributes.STRATEGY, strategy)
              .put(CompressionAttributes.QUALITY_SCORE, s);
      if (!model.isEmpty()) {
        attributes.put(CompressionAttributes.REQUEST_MODEL, model);
      }
      if (!Double.isNaN(record.ratio())) {
        attributes.put(CompressionAttributes.RATIO, record.ratio());
      }
      LogRecordBuilder b =
          compression
              .eventLogger
              .logRecordBuilder()
              .setEventName(CompressionAttributes.QUALITY_EVENT)
              .setContext(Context.root().with(Span.wrap(record.spanContext())))
              .setAllAttributes(attributes.build());
      b.emit();
    } catch (Throwable t) {
      UsageLogger.failed("emitting a compression quality event", t);
    }
    List<CompressionListener> listeners = compression.listeners;
    for (int i = 0; i < listeners.size(); i++) {
      CompressionListener listener = listeners.get(i);
      try {
        listener.onQualityScore(record, s);
      } catch (Throwable t) {
        UsageLogger.failed("compression listener " + listener.getClass().getName(), t);
      }
    }
  }

  private static boolean valid(@Nullable Double score) {
    return score != null && Double.isFinite(score);
  }

  // Powers of ten for round(): Math.pow on every measured step showed in profiles.
  private static final double[] SCALES = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

  private static double round(double value, int decimals) {
    double scale = decimals < SCALES.length ? SCALES[decimals] : Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  /** What {@link CompressionContext#current()} returns outside a measured step. */
  private enum NoopContext implements CompressionContext {
    INSTANCE;

    @Override
    public CompressionContext cacheHit(boolean hit) {
      return this;
    }

    @Override
    public CompressionContext recordStepCost(long costNanos) {
      return this;
    }
  }

  /** The immutable {@link CompressionRecord}. */
  private record MeasuredRecord(
      String strategy,
      String model,
      long originalTokens,
      long compressedTokens,
      double ratio,
      @Nullable Double targetRatio,
      double durationMillis,
      @Nullable Boolean cacheHit,
      long costNanos,
      boolean failed,
      SpanContext spanContext)
      implements CompressionRecord {}
}
