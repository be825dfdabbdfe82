package io.lockn.compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lockn.compression.experiment.Assignment;
import io.lockn.compression.experiment.Experiment;
import io.lockn.compression.experiment.Experiments;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.GenAiMessage;
import io.lockn.core.GenAiProvider;
import io.lockn.core.LockN;
import io.lockn.core.MessagePart;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.CardinalityLimiter;
import io.lockn.core.spi.TokenCounter;
import io.lockn.pricing.Cost;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.ModelPrice;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.Rates;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CompressionTest {

  private static final String ORIGINAL = "lockn.compression.input_tokens.original";
  private static final String COMPRESSED = "lockn.compression.input_tokens.compressed";
  private static final String DURATION = "lockn.compression.duration";
  private static final String CACHE_HITS = "lockn.compression.cache_hits";

  /** Counts whitespace-separated words in the text parts: deterministic and easy to reason about. */
  static final TokenCounter WORDS =
      (provider, model, messages) ->
          messages.stream()
              .flatMap(m -> m.parts().stream())
              .filter(p -> p instanceof MessagePart.Text)
              .mapToLong(p -> words(((MessagePart.Text) p).content()))
              .sum();

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
  private final InMemoryMetricReader metricReader = InMemoryMetricReader.create();
  private OpenTelemetrySdk otel;
  /** A clock that advances 2.5 ms on every read, so a step's duration is 2.5 ms exactly. */
  private final AtomicLong clock = new AtomicLong();

  @BeforeEach
  void setUp() {
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setLoggerProvider(
                SdkLoggerProvider.builder().addLogRecordProcessor(SimpleLogRecordProcessor.create(logs)).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metricReader).build())
            .build();
  }

  @AfterEach
  void tearDown() {
    otel.close();
  }

  private CompressionBuilder builder() {
    return Compression.builder(otel)
        .setTokenCounter(WORDS)
        .setNanoTime(() -> clock.getAndAdd(2_500_000));
  }

  private static long words(String text) {
    String t = text.strip();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }

  /** Keeps the first occurrence of every word. */
  private static String dedup(String text) {
    return Arrays.stream(text.split("\\s+")).distinct().collect(Collectors.joining(" "));
  }

  private SpanData onlySpan() {
    assertThat(spans.getFinishedSpanItems()).hasSize(1);
    return spans.getFinishedSpanItems().get(0);
  }

  @Test
  void measure_recordsExactCountsRatioAndDurationOnOwnSpan() {
    Compression compression = builder().setTokenizer("words").setTokensEstimated(true).build();

    String out =
        compression.measure(
            CompressionStrategy.SEMANTIC_DEDUP, "gpt-4o", "a b a b a c d a", CompressionTest::dedup);

    assertThat(out).isEqualTo("a b c d");
    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("compress semantic_dedup");
    assertThat(span.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(span.getAttributes().get(CompressionAttributes.STRATEGY)).isEqualTo("semantic_dedup");
    assertThat(span.getAttributes().get(CompressionAttributes.REQUEST_MODEL)).isEqualTo("gpt-4o");
    assertThat(span.getAttributes().get(CompressionAttributes.INPUT_TOKENS_ORIGINAL)).isEqualTo(8L);
    assertThat(span.getAttributes().get(CompressionAttributes.INPUT_TOKENS_COMPRESSED)).isEqualTo(4L);
    assertThat(span.getAttributes().get(CompressionAttributes.RATIO)).isEqualTo(0.5);
    assertThat(span.getAttributes().get(CompressionAttributes.TOKENIZER)).isEqualTo("words");
    assertThat(span.getAttributes().get(CompressionAttributes.TOKENS_ESTIMATED)).isTrue();
    assertThat(span.getAttributes().get(CompressionAttributes.DURATION_MS)).isEqualTo(2.5);
    assertThat(span.getAttributes().get(CompressionAttributes.TARGET_RATIO)).isNull();
    assertThat(span.getAttributes().get(CompressionAttributes.CACHE_HIT)).isNull();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void measure_roundsRatioToFourDecimals() {
    Compression compression = builder().build();

    compression.measure("boilerplate_strip", "gpt-4o", "a b c", text -> "a");

    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("compress boilerplate_strip");
    assertThat(span.getAttributes().get(CompressionAttributes.STRATEGY)).isEqualTo("boilerplate_strip");
    assertThat(span.getAttributes().get(CompressionAttributes.RATIO)).isEqualTo(0.3333);
    assertThat(span.getAttributes().get(CompressionAttributes.TOKENS_ESTIMATED)).isFalse();
    assertThat(span.getAttributes().get(CompressionAttributes.TOKENIZER)).isNull();
  }

  @ParameterizedTest
  @EnumSource(CompressionStrategy.class)
  void strategy_recordsItsSnakeCaseValue(CompressionStrategy strategy) {
    builder().build().measure(strategy, "gpt-4o", "x y", text -> text);

    assertThat(onlySpan().getAttributes().get(CompressionAttributes.STRATEGY))
        .isEqualTo(strategy.value())
        .matches("[a-z_]+");
  }

  @Test
  void targetRatio_isRecordedBesideAchievedRatio() {
    Compression compression = builder().build();

    compression
        .step(CompressionStrategy.CONTEXT_DISTILLATION)
        .model("gpt-4o")
        .targetRatio(0.25)
        .measure("one two three four five six seven eight", text -> "one two three");

    SpanData span = onlySpan();
    assertThat(span.getAttributes().get(CompressionAttributes.TARGET_RATIO)).isEqualTo(0.25);
    assertThat(span.getAttributes().get(CompressionAttributes.RATIO)).isEqualTo(0.375);
  }

  @Test
  void targetRatio_outOfRangeIsIgnored() {
    builder().build().step(CompressionStrategy.SEMANTIC_DEDUP).targetRatio(1.5).measure("a b", text -> "a");

    assertThat(onlySpan().getAttributes().get(CompressionAttributes.TARGET_RATIO)).isNull();
  }

  @Test
  void measureMessages_countsWithTheCounter() {
    Compression compression = builder().build();
    List<GenAiMessage> history =
        List.of(
            GenAiMessage.system("be brief"),
            GenAiMessage.user("first long question here"),
            GenAiMessage.assistant("first long answer here"),
            GenAiMessage.user("second question"));

    List<GenAiMessage> out =
        compression.measure(
            CompressionStrategy.SUMMARY_INJECTION,
            "gpt-4o",
            history,
            messages ->
                List.of(messages.get(0), GenAiMessage.system("summary"), messages.get(messages.size() - 1)));

    assertThat(out).hasSize(3);
    SpanData span = onlySpan();
    assertThat(span.getAttributes().get(CompressionAttributes.INPUT_TOKENS_ORIGINAL)).isEqualTo(12L);
    assertThat(span.getAttributes().get(CompressionAttributes.INPUT_TOKENS_COMPRESSED)).isEqualTo(5L);
    assertThat(span.getAttributes().get(CompressionAttributes.RATIO)).isEqualTo(0.4167);
  }

  /** A framework's own prompt type, as an adapter would measure it. */
  private record Prompt(List<String> lines) {}

  private static List<GenAiMessage> asMessages(Prompt p) {
    return p.lines().stream().map(GenAiMessage::user).toList();
  }

  @Test
  void measureOwnType_returnsTheStepsResultAndCountsThroughTheConversion() {
    Prompt original = new Prompt(List.of("one two three", "four five", "six"));
    Prompt trimmed = new Prompt(List.of("six"));

    Prompt out = builder().build().step(CompressionStrategy.CONTEXT_DISTILLATION).model("gpt-4o")
        .measure(original, p -> trimmed, CompressionTest::asMessages);

    assertThat(out).isSameAs(trimmed);
    SpanData span = onlySpan();
    assertThat(span.getAttributes().get(CompressionAttributes.INPUT_TOKENS_ORIGINAL)).isEqualTo(6L);
    assertThat(span.getAttributes().get(CompressionAttributes.INPUT_TOKENS_COMPRESSED)).isEqualTo(1L);
    assertThat(span.getAttributes().get(CompressionAttributes.RATIO)).isEqualTo(0.1667);
  }

  @Test
  void measureOwnType_theStepsExceptionPassesThroughAndAFailingConversionNeverFailsTheStep() {
    IllegalStateException boom = new IllegalStateException("step failed");
    CompressionSpec spec = builder().build().step(CompressionStrategy.CONTEXT_DISTILLATION).model("gpt-4o");

    assertThatThrownBy(() -> spec.measure(new Prompt(List.of("a")), p -> {
      throw boom;
    }, CompressionTest::asMessages)).isSameAs(boom);
    Prompt kept = new Prompt(List.of("a b"));
    Prompt out = spec.measure(kept, p -> p, p -> {
      throw new IllegalArgumentException("cannot convert");
    });
    assertThat(out).isSameAs(kept);
    assertThat(Compression.noop().step("x").measure(kept, p -> null, CompressionTest::asMessages)).isNull();
  }

  @Test
  void measure_isChildOfLockNChatSpan_andStepRunsUnderIt() {
    LockN lockn = LockN.create(otel);
    Compression compression = builder().build();
    List<String> spanSeenByStep = new ArrayList<>();

    lockn.chat(GenAiProvider.OPENAI, "gpt-4o")
        .supply(
            () ->
                compression.measure(
                    CompressionStrategy.SEMANTIC_DEDUP,
                    "gpt-4o",
                    "a a b",
                    text -> {
                      spanSeenByStep.add(Span.current().getSpanContext().getSpanId());
                      return dedup(text);
                    }));

    List<SpanData> finished = spans.getFinishedSpanItems();
    SpanData compress = finished.stream().filter(s -> s.getName().startsWith("compress")).findFirst().orElseThrow();
    SpanData chat = finished.stream().filter(s -> s.getName().equals("chat gpt-4o")).findFirst().orElseThrow();
    assertThat(compress.getParentSpanId()).isEqualTo(chat.getSpanId());
    assertThat(compress.getTraceId()).isEqualTo(chat.getTraceId());
    assertThat(spanSeenByStep).containsExactly(compress.getSpanId());
    assertThat(chat.getAttributes().get(CompressionAttributes.STRATEGY)).isNull();
  }

  @Test
  void onCurrentSpan_recordsOnTheLlmSpan() {
    LockN lockn = LockN.create(otel);
    Compression compression = builder().build();

    lockn.chat(GenAiProvider.OPENAI, "gpt-4o")
        .supply(
            () ->
                compression
                    .step(CompressionStrategy.PROMPT_CACHING)
                    .model("gpt-4o")
                    .targetRatio(0.5)
                    .onCurrentSpan()
                    .measure(
                        "a b c d",
                        text -> {
                          CompressionContext.current().cacheHit(true);
                          return "a b";
                        }));

    SpanData chat = onlySpan();
    assertThat(chat.getName()).isEqualTo("chat gpt-4o");
    assertThat(chat.getAttributes().get(CompressionAttributes.STRATEGY)).isEqualTo("prompt_caching");
    assertThat(chat.getAttributes().get(CompressionAttributes.INPUT_TOKENS_ORIGINAL)).isEqualTo(4L);
    assertThat(chat.getAttributes().get(CompressionAttributes.INPUT_TOKENS_COMPRESSED)).isEqualTo(2L);
    assertThat(chat.getAttributes().get(CompressionAttributes.RATIO)).isEqualTo(0.5);
    assertThat(chat.getAttributes().get(CompressionAttributes.TARGET_RATIO)).isEqualTo(0.5);
    assertThat(chat.getAttributes().get(CompressionAttributes.CACHE_HIT)).isTrue();
    assertThat(chat.getAttributes().get(CompressionAttributes.DURATION_MS)).isEqualTo(2.5);
  }

  @Test
  void cacheHit_setByStepThroughContext() {
    builder()
        .build()
        .measure(
            CompressionStrategy.PROMPT_CACHING,
            "gpt-4o",
            "a b",
            text -> {
              CompressionContext.current().cacheHit(false);
              return text;
            });

    assertThat(onlySpan().getAttributes().get(CompressionAttributes.CACHE_HIT)).isFalse();
  }

  @Test
  void cacheHit_outsideAStepIsIgnored() {
    assertThat(CompressionContext.current().cacheHit(true)).isNotNull();
    assertThat(spans.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void measureAsync_endsSpanOnCompletion() {
    Compression compression = builder().build();
    CompletableFuture<String> pending = new CompletableFuture<>();

    CompletionStage<String> result =
        compression.measureAsync(
            CompressionStrategy.SUMMARY_INJECTION,
            "gpt-4o",
            "a b c d",
            text -> {
              CompressionContext context = CompressionContext.current();
              return pending.thenApply(
                  summary -> {
                    context.cacheHit(true);
                    return summary;
                  });
            });

    assertThat(spans.getFinishedSpanItems()).isEmpty();
    pending.complete("a");

    assertThat(result.toCompletableFuture().join()).isEqualTo("a");
    SpanData span = onlySpan();
    assertThat(span.getAttributes().get(CompressionAttributes.INPUT_TOKENS_ORIGINAL)).isEqualTo(4L);
    assertThat(span.getAttributes().get(CompressionAttributes.INPUT_TOKENS_COMPRESSED)).isEqualTo(1L);
    assertThat(span.getAttributes().get(CompressionAttributes.RATIO)).isEqualTo(0.25);
    assertThat(span.getAttributes().get(CompressionAttributes.CACHE_HIT)).isTrue();
  }

  @Test
  void measureMessagesAsync_recordsCounts() {
    List<GenAiMessage> in = List.of(GenAiMessage.user("a b c"), GenAiMessage.user("a b c"));

    List<GenAiMessage> out =
        builder()
            .build()
            .measureMessagesAsync(
                CompressionStrategy.SEMANTIC_DEDUP,
                "gpt-4o",
                in,
                messages -> CompletableFuture.completedFuture(List.of(messages.get(0))))
            .toCompletableFuture()
            .join();

    assertThat(out).hasSize(1);
    assertThat(onlySpan().getAttributes().get(CompressionAttributes.RATIO)).isEqualTo(0.5);
  }

  @Test
  void measureAsync_failedStageCompletesWithSameException() {
    IllegalStateException boom = new IllegalStateException("boom");

    CompletionStage<String> result =
        builder()
            .build()
            .measureAsync(
                CompressionStrategy.SEMANTIC_DEDUP, "gpt-4o", "a", text -> CompletableFuture.failedFuture(boom));

    Throwable thrown = catchThrowable(() -> result.toCompletableFuture().join());
    assertThat(thrown).isInstanceOf(CompletionException.class);
    assertThat(thrown.getCause()).isSameAs(boom);
    List<Throwable> seen = new ArrayList<>();
    result.whenComplete((v, e) -> seen.add(e));
    assertThat(seen).containsExactly(boom);
    SpanData span = onlySpan();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(CompressionAttributes.ERROR_TYPE))
        .isEqualTo(IllegalStateException.class.getName());
  }

  @Test
  void measureAsync_synchronousThrowIsRethrownAsSameInstance() {
    IllegalArgumentException boom = new IllegalArgumentException("boom");

    Throwable thrown =
        catchThrowable(
            () ->
                builder()
                    .build()
                    .measureAsync(
                        CompressionStrategy.SEMANTIC_DEDUP,
                        "gpt-4o",
                        "a",
                        text -> {
                          throw boom;
                        }));

    assertThat(thrown).isSameAs(boom);
    assertThat(onlySpan().getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  void measure_rethrowsStepExceptionAsSameInstance() {
    IllegalStateException boom = new IllegalStateException("step failed");
    Compression compression = builder().build();

    Throwable thrown =
        catchThrowable(
            () ->
                compression.measure(
                    CompressionStrategy.SEMANTIC_DEDUP,
                    "gpt-4o",
                    "a b",
                    text -> {
                      throw boom;
                    }));

    assertThat(thrown).isSameAs(boom);
    SpanData span = onlySpan();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(CompressionAttributes.ERROR_TYPE))
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(span.getAttributes().get(CompressionAttributes.INPUT_TOKENS_ORIGINAL)).isEqualTo(2L);
    assertThat(span.getAttributes().get(CompressionAttributes.INPUT_TOKENS_COMPRESSED)).isNull();
    assertThat(span.getEvents()).anyMatch(e -> e.getName().equals("exception"));
    assertThat(Span.current().getSpanContext().isValid()).isFalse();
    // Metrics: the duration with error.type, no token counters (there is no compressed count)
    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    assertThat(metrics).extracting(MetricData::getName).containsExactly(DURATION);
    HistogramPointData duration = onlyPoint(metric(metrics, DURATION));
    assertThat(duration.getAttributes())
        .isEqualTo(
            Attributes.builder()
                .put(CompressionAttributes.STRATEGY, "semantic_dedup")
                .put(CompressionAttributes.REQUEST_MODEL, "gpt-4o")
                .put(CompressionAttributes.ERROR_TYPE, IllegalStateException.class.getName())
                .build());
    assertThat(duration.getSum()).isEqualTo(0.0025);
  }

  @Test
  void lateQualityScore_isEmittedAsEventWithTheSpanContext_afterTheSpanEnded() {
    CompletableFuture<Double> late = new CompletableFuture<>();
    List<QualityInput> evaluated = new ArrayList<>();
    List<Double> scores = new CopyOnWriteArrayList<>();
    List<CompressionRecord> records = new CopyOnWriteArrayList<>();
    Compression compression =
        builder()
            .setQualityEvaluator(
                input -> {
                  evaluated.add(input);
                  return late;
                })
            .addListener(
                new CompressionListener() {
                  @Override
                  public void onMeasured(CompressionRecord record) {
                    records.add(record);
                  }

                  @Override
                  public void onQualityScore(CompressionRecord record, double score) {
                    scores.add(score);
                  }
                })
            .build();

    compression.measure(CompressionStrategy.SEMANTIC_DEDUP, "gpt-4o", "a a b", CompressionTest::dedup);

    SpanData span = onlySpan();
    assertThat(span.hasEnded()).isTrue();
    assertThat(span.getAttributes().get(CompressionAttributes.QUALITY_SCORE)).isNull();
    assertThat(logs.getFinishedLogRecordItems()).isEmpty();
    assertThat(evaluated).singleElement().satisfies(i -> {
      assertThat(i.originalText()).isEqualTo("a a b");
      assertThat(i.compressedText()).isEqualTo("a b");
      assertThat(i.strategy()).isEqualTo("semantic_dedup");
    });
    assertThat(records).singleElement().satisfies(r -> {
      assertThat(r.originalTokens()).isEqualTo(3);
      assertThat(r.compressedTokens()).isEqualTo(2);
      assertThat(r.ratio()).isEqualTo(0.6667);
      assertThat(r.spanContext()).isEqualTo(span.getSpanContext());
    });

    late.complete(0.92);

    LogRecordData event = logs.getFinishedLogRecordItems().get(0);
    assertThat(logs.getFinishedLogRecordItems()).hasSize(1);
    assertThat(event.getEventName()).isEqualTo(CompressionAttributes.QUALITY_EVENT);
    assertThat(event.getSpanContext().getTraceId()).isEqualTo(span.getTraceId());
    assertThat(event.getSpanContext().getSpanId()).isEqualTo(span.getSpanId());
    assertThat(event.getAttributes().get(CompressionAttributes.QUALITY_SCORE)).isEqualTo(0.92);
    assertThat(event.getAttributes().get(CompressionAttributes.STRATEGY)).isEqualTo("semantic_dedup");
    assertThat(scores).containsExactly(0.92);
    assertThat(spans.getFinishedSpanItems()).hasSize(1);
  }

  @Test
  void earlyQualityScore_isAlsoOnTheSpan() {
    Compression compression =
        builder().setQualityEvaluator(input -> CompletableFuture.completedFuture(0.8)).build();

    compression.measure(CompressionStrategy.SEMANTIC_DEDUP, "gpt-4o", "a a", CompressionTest::dedup);

    assertThat(onlySpan().getAttributes().get(CompressionAttributes.QUALITY_SCORE)).isEqualTo(0.8);
    assertThat(logs.getFinishedLogRecordItems())
        .singleElement()
        .satisfies(e -> assertThat(e.getAttributes().get(CompressionAttributes.QUALITY_SCORE)).isEqualTo(0.8));
  }

  @Test
  void failingCounter_isContained() {
    Compression compression =
        Compression.builder(otel)
            .setTokenCounter(
                (provider, model, messages) -> {
                  throw new IllegalStateException("counter broke");
                })
            .build();

    String out = compression.measure(CompressionStrategy.SEMANTIC_DEDUP, "gpt-4o", "a a", CompressionTest::dedup);

    assertThat(out).isEqualTo("a");
    SpanData span = onlySpan();
    assertThat(span.getAttributes().get(CompressionAttributes.STRATEGY)).isEqualTo("semantic_dedup");
    assertThat(span.getAttributes().get(CompressionAttributes.INPUT_TOKENS_ORIGINAL)).isNull();
    assertThat(span.getAttributes().get(CompressionAttributes.RATIO)).isNull();
    assertThat(span.getAttributes().get(CompressionAttributes.DURATION_MS)).isNotNull();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void unknownCounts_recordNoRatio() {
    Compression compression = Compression.builder(otel).build();

    compression.measure(CompressionStrategy.SEMANTIC_DEDUP, "gpt-4o", "a a", CompressionTest::dedup);

    assertThat(onlySpan().getAttributes().get(CompressionAttributes.RATIO)).isNull();
    assertThat(onlySpan().getAttributes().get(CompressionAttributes.TOKENS_ESTIMATED)).isNull();
  }

  @Test
  void failingEvaluatorAndListener_areContained() {
    Compression throwing =
        builder()
            .setQualityEvaluator(
                input -> {
                  throw new IllegalStateException("evaluator broke");
                })
            .addListener(
                new CompressionListener() {
                  @Override
                  public void onMeasured(CompressionRecord record) {
                    throw new IllegalStateException("listener broke");
                  }
                })
            .build();
    Compression failingStage =
        builder()
            .setQualityEvaluator(input -> CompletableFuture.failedFuture(new IllegalStateException("late failure")))
            .build();
    Compression nullScore = builder().setQualityEvaluator(input -> CompletableFuture.completedFuture(null)).build();

    assertThat(throwing.measure(CompressionStrategy.SEMANTIC_DEDUP, "m", "a a", CompressionTest::dedup))
        .isEqualTo("a");
    assertThat(failingStage.measure(CompressionStrategy.SEMANTIC_DEDUP, "m", "a a", CompressionTest::dedup))
        .isEqualTo("a");
    assertThat(nullScore.measure(CompressionStrategy.SEMANTIC_DEDUP, "m", "a a", CompressionTest::dedup))
        .isEqualTo("a");

    assertThat(spans.getFinishedSpanItems()).hasSize(3);
    assertThat(logs.getFinishedLogRecordItems()).isEmpty();
  }

  @Test
  void brokenOpenTelemetry_stillRunsTheStep() {
    Compression compression = Compression.builder(OpenTelemetry.noop()).setTokenCounter(WORDS).build();

    assertThat(compression.measure(CompressionStrategy.SEMANTIC_DEDUP, "m", "a a", CompressionTest::dedup))
        .isEqualTo("a");
  }

  @Test
  void invalidArguments_areIgnoredAtCallTime() {
    Compression compression = builder().build();

    assertThat(compression.measure((String) null, "m", "a", text -> text)).isEqualTo("a");
    assertThat(compression.step(CompressionStrategy.SEMANTIC_DEDUP).measure("a", null)).isEqualTo("a");
    assertThat(spans.getFinishedSpanItems())
        .singleElement()
        .satisfies(s -> assertThat(s.getAttributes().get(CompressionAttributes.STRATEGY)).isEqualTo("unknown"));
  }

  @Test
  void builder_failsFastOnNull() {
    assertThatThrownBy(() -> Compression.builder(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> builder().setTokenCounter(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> builder().setTokenizer(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void noop_runsStepAndRecordsNothing() {
    Compression noop = Compression.noop();
    IllegalStateException boom = new IllegalStateException();

    assertThat(noop.isEnabled()).isFalse();
    assertThat(noop.measure(CompressionStrategy.SEMANTIC_DEDUP, "gpt-4o", "a a", CompressionTest::dedup))
        .isEqualTo("a");
    assertThat(noop.step("x").targetRatio(0.5).onCurrentSpan()).isSameAs(noop.step(CompressionStrategy.SEMANTIC_DEDUP));
    assertThat(
            noop.measureAsync(
                    CompressionStrategy.SEMANTIC_DEDUP, "m", "a", text -> CompletableFuture.completedFuture("b"))
                .toCompletableFuture()
                .join())
        .isEqualTo("b");
    assertThat(
            catchThrowable(
                () ->
                    noop.measure(
                        CompressionStrategy.SEMANTIC_DEDUP,
                        "m",
                        "a",
                        text -> {
                          throw boom;
                        })))
        .isSameAs(boom);
    assertThat(spans.getFinishedSpanItems()).isEmpty();
    assertThat(noop.step("x").measure("a", text -> CompressionContext.current().cacheHit(true) == null ? "?" : "ok"))
        .isEqualTo("ok");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The lockn.compression.* metrics, read back exactly from the InMemoryMetricReader
  // ---------------------------------------------------------------------------------------------------------------

  private static Attributes attributes(String strategy, String model, String provider) {
    return Attributes.builder()
        .put(CompressionAttributes.STRATEGY, strategy)
        .put(CompressionAttributes.REQUEST_MODEL, model)
        .put(GenAiAttributes.GEN_AI_PROVIDER_NAME, provider)
        .build();
  }

  @Test
  void measure_recordsTokenCountersDurationAndCacheHit_exactly() {
    Compression compression = builder().setProvider("openai").build();

    compression.measure(
        CompressionStrategy.SEMANTIC_DEDUP,
        "gpt-4o",
        "a b a b a c d a",
        text -> {
          CompressionContext.current().cacheHit(true);
          return "a b c d";
        });
    compression.measure(CompressionStrategy.SEMANTIC_DEDUP, "gpt-4o", "x y x y", text -> "x y");

    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    Attributes expected = attributes("semantic_dedup", "gpt-4o", "openai");
    assertThat(longSums(metric(metrics, ORIGINAL))).containsExactly(Map.entry(expected, 12L));
    assertThat(longSums(metric(metrics, COMPRESSED))).containsExactly(Map.entry(expected, 6L));
    assertThat(longSums(metric(metrics, CACHE_HITS))).containsExactly(Map.entry(expected, 1L));
    HistogramPointData duration = onlyPoint(metric(metrics, DURATION));
    assertThat(duration.getAttributes()).isEqualTo(expected);
    assertThat(duration.getCount()).isEqualTo(2);
    assertThat(duration.getSum()).isEqualTo(0.005);
    assertThat(duration.getBoundaries()).containsExactlyElementsOf(CompressionMetrics.DURATION_BUCKETS);
    // 0.0025 s falls in (0.001, 0.0025]: the fifth bucket
    assertThat(duration.getCounts().get(4)).isEqualTo(2);
  }

  @Test
  void instruments_haveTheirUnitsKindsAndScope() {
    builder().build().measure(CompressionStrategy.PROMPT_CACHING, "gpt-4o", "a b", text -> {
      CompressionContext.current().cacheHit(true);
      return text;
    });

    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    assertThat(metrics)
        .extracting(MetricData::getName)
        .containsExactlyInAnyOrder(ORIGINAL, COMPRESSED, DURATION, CACHE_HITS);
    assertThat(metrics).allSatisfy(m -> assertThat(m.getInstrumentationScopeInfo().getName())
        .isEqualTo("io.lockn.compression"));
    assertThat(metric(metrics, ORIGINAL).getUnit()).isEqualTo("{token}");
    assertThat(metric(metrics, ORIGINAL).getLongSumData().isMonotonic()).isTrue();
    assertThat(metric(metrics, COMPRESSED).getUnit()).isEqualTo("{token}");
    assertThat(metric(metrics, DURATION).getUnit()).isEqualTo("s");
    assertThat(metric(metrics, DURATION).getType()).isEqualTo(MetricDataType.HISTOGRAM);
    assertThat(metric(metrics, CACHE_HITS).getUnit()).isEqualTo("{step}");
    assertThat(CompressionAttributes.ORIGINAL_TOKENS_METRIC).isEqualTo(ORIGINAL);
    assertThat(CompressionAttributes.COMPRESSED_TOKENS_METRIC).isEqualTo(COMPRESSED);
    assertThat(CompressionAttributes.DURATION_METRIC).isEqualTo(DURATION);
    assertThat(CompressionAttributes.CACHE_HITS_METRIC).isEqualTo(CACHE_HITS);
  }

  @Test
  void attributes_leaveOutUnknownModelAndProvider_andAStepSpecProviderWins() {
    Compression compression = builder().build();

    compression.measure("boilerplate_strip", "", "a b c", text -> "a");
    compression.step("boilerplate_strip").provider("anthropic").measure("a b", text -> "a");

    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    Attributes bare = Attributes.of(CompressionAttributes.STRATEGY, "boilerplate_strip");
    Attributes withProvider =
        bare.toBuilder().put(GenAiAttributes.GEN_AI_PROVIDER_NAME, "anthropic").build();
    assertThat(longSums(metric(metrics, ORIGINAL)))
        .containsOnly(Map.entry(bare, 3L), Map.entry(withProvider, 2L));
    assertThat(longSums(metric(metrics, COMPRESSED)))
        .containsOnly(Map.entry(bare, 1L), Map.entry(withProvider, 1L));
  }

  @Test
  void nullStage_recordsErrorTypeNullStage() {
    builder().build().measureAsync(CompressionStrategy.SEMANTIC_DEDUP, "gpt-4o", "a", text -> null);

    assertThat(onlyPoint(metric(metricReader.collectAllMetrics(), DURATION)).getAttributes().get(CompressionAttributes.ERROR_TYPE))
        .isEqualTo("null_stage");
  }

  @Test
  void unknownCounts_recordDurationOnly() {
    Compression compression = Compression.builder(otel).build();

    compression.measure(CompressionStrategy.SEMANTIC_DEDUP, "gpt-4o", "a a", text -> "a");

    assertThat(metricReader.collectAllMetrics()).extracting(MetricData::getName).containsExactly(DURATION);
  }

  @Test
  void cacheMiss_isNotCounted() {
    builder().build().measure(CompressionStrategy.PROMPT_CACHING, "gpt-4o", "a", text -> {
      CompressionContext.current().cacheHit(false);
      return text;
    });

    assertThat(metricReader.collectAllMetrics()).extracting(MetricData::getName).doesNotContain(CACHE_HITS);
  }

  @Test
  void asyncStep_isRecordedWhenItsStageCompletes() {
    CompletableFuture<String> pending = new CompletableFuture<>();
    CompletionStage<String> result =
        builder().build().measureAsync(CompressionStrategy.SUMMARY_INJECTION, "gpt-4o", "a b c d", text -> pending);

    assertThat(metricReader.collectAllMetrics()).isEmpty();
    pending.complete("a");

    assertThat(result.toCompletableFuture().join()).isEqualTo("a");
    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    assertThat(longSums(metric(metrics, ORIGINAL)).values()).containsExactly(4L);
    assertThat(longSums(metric(metrics, COMPRESSED)).values()).containsExactly(1L);
    assertThat(onlyPoint(metric(metrics, DURATION)).getCount()).isEqualTo(1);
  }

  @Test
  void experimentInBaggage_becomesNameAndGroupAttributes() {
    Experiment experiment = Experiment.of("trim-context");
    Assignment assignment = experiment.assign("tenant-7");
    Compression compression = builder().build();

    assignment.run(() -> compression.measure(CompressionStrategy.SEMANTIC_DEDUP, "gpt-4o", "a a", text -> "a"));

    Attributes expected =
        Attributes.builder()
            .put(CompressionAttributes.STRATEGY, "semantic_dedup")
            .put(CompressionAttributes.REQUEST_MODEL, "gpt-4o")
            .put(Experiments.EXPERIMENT_NAME, "trim-context")
            .put(Experiments.EXPERIMENT_GROUP, assignment.variationKey())
            .build();
    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    assertThat(longSums(metric(metrics, ORIGINAL))).containsExactly(Map.entry(expected, 2L));
    assertThat(onlyPoint(metric(metrics, DURATION)).getAttributes()).isEqualTo(expected);
  }

  @Test
  void hostileBaggage_isSanitisedAndCut() {
    String longName = "x".repeat(500);
    Baggage baggage =
        Baggage.builder()
            .put(Experiments.EXPERIMENT_NAME_KEY, longName)
            .put(Experiments.EXPERIMENT_GROUP_KEY, "treat\nment")
            .build();

    try (Scope ignored = baggage.makeCurrent()) {
      builder().build().measure(CompressionStrategy.SEMANTIC_DEDUP, "", "a", text -> text);
    }

    Attributes attributes = onlyPoint(metric(metricReader.collectAllMetrics(), DURATION)).getAttributes();
    assertThat(attributes.get(Experiments.EXPERIMENT_NAME)).isEqualTo("x".repeat(128));
    assertThat(attributes.get(Experiments.EXPERIMENT_GROUP)).isEqualTo("treatment");
  }

  @Test
  void everyAttribute_isCappedInCardinality_independently() {
    Compression compression = builder().setMetricCardinalityLimit(2).build();

    for (String model : List.of("m1", "m2", "m3")) {
      for (String strategy : List.of("s1", "s2", "s3")) {
        compression.measure(strategy, model, "a", text -> text);
      }
    }

    Map<Attributes, Long> counts = histogramCounts(metric(metricReader.collectAllMetrics(), DURATION));
    Map<String, Long> byStrategy = sumBy(counts, CompressionAttributes.STRATEGY);
    Map<String, Long> byModel = sumBy(counts, CompressionAttributes.REQUEST_MODEL);
    assertThat(byStrategy).containsOnly(Map.entry("s1", 3L), Map.entry("s2", 3L), Map.entry(CardinalityLimiter.OVERFLOW, 3L));
    assertThat(byModel).containsOnly(Map.entry("m1", 3L), Map.entry("m2", 3L), Map.entry(CardinalityLimiter.OVERFLOW, 3L));
    assertThat(counts).hasSize(9);
  }

  @Test
  void brokenMeterProvider_costsTheMetricsOnly() {
    OpenTelemetry broken =
        new OpenTelemetry() {
          @Override
          public TracerProvider getTracerProvider() {
            return otel.getTracerProvider();
          }

          @Override
          public MeterProvider getMeterProvider() {
            throw new IllegalStateException("meter provider broke");
          }

          @Override
          public ContextPropagators getPropagators() {
            return ContextPropagators.noop();
          }
        };
    Compression compression = Compression.builder(broken).setTokenCounter(WORDS).build();

    assertThat(compression.measure(CompressionStrategy.SEMANTIC_DEDUP, "m", "a a", text -> "a")).isEqualTo("a");
    assertThat(spans.getFinishedSpanItems()).singleElement().satisfies(s ->
        assertThat(s.getAttributes().get(CompressionAttributes.INPUT_TOKENS_ORIGINAL)).isEqualTo(2L));
  }

  @Test
  void builder_rejectsCardinalityLimitBelowOne() {
    assertThatThrownBy(() -> builder().setMetricCardinalityLimit(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit < 1");
  }

  private static MetricData metric(Collection<MetricData> metrics, String name) {
    return metrics.stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name + " in " + metrics));
  }

  private static Map<Attributes, Long> longSums(MetricData metric) {
    assertThat(metric.getType()).isEqualTo(MetricDataType.LONG_SUM);
    return metric.getLongSumData().getPoints().stream()
        .collect(Collectors.toMap(LongPointData::getAttributes, LongPointData::getValue));
  }

  private static Map<Attributes, Long> histogramCounts(MetricData metric) {
    Map<Attributes, Long> result = new HashMap<>();
    metric.getHistogramData().getPoints().forEach(p -> result.put(p.getAttributes(), p.getCount()));
    return result;
  }

  private static Map<String, Long> sumBy(Map<Attributes, Long> counts, AttributeKey<String> key) {
    Map<String, Long> result = new HashMap<>();
    counts.forEach((attributes, n) -> result.merge(attributes.get(key), n, Long::sum));
    return result;
  }

  private static HistogramPointData onlyPoint(MetricData metric) {
    assertThat(metric.getHistogramData().getPoints()).hasSize(1);
    return metric.getHistogramData().getPoints().iterator().next();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The step's own cost
  // ---------------------------------------------------------------------------------------------------------------

  @Test
  void stepCost_specAndContextAddUp_onSpanAndRecord() {
    List<CompressionRecord> records = new CopyOnWriteArrayList<>();
    Compression compression = builder().addListener(recording(records)).build();

    compression
        .step(CompressionStrategy.SUMMARY_INJECTION)
        .model("gpt-4o")
        .stepCostNanos(1_000)
        .measure(
            "a b c d",
            text -> {
              CompressionContext.current().recordStepCost(150_000).recordStepCost(2_500);
              return "a";
            });

    assertThat(onlySpan().getAttributes().get(CompressionAttributes.COST_NANOS)).isEqualTo(153_500L);
    assertThat(records).singleElement().satisfies(r -> assertThat(r.costNanos()).isEqualTo(153_500L));
    assertThat(CompressionAttributes.COST_NANOS.getKey()).isEqualTo("lockn.compression.cost_nanos");
  }

  @Test
  void stepCost_noneReported_isAbsent() {
    List<CompressionRecord> records = new CopyOnWriteArrayList<>();

    builder().addListener(recording(records)).build()
        .measure(CompressionStrategy.SEMANTIC_DEDUP, "gpt-4o", "a a", CompressionTest::dedup);

    assertThat(onlySpan().getAttributes().get(CompressionAttributes.COST_NANOS)).isNull();
    assertThat(records).singleElement().satisfies(r -> assertThat(r.costNanos()).isEqualTo(-1));
  }

  @Test
  void stepCost_zeroIsRecorded_negativeIsIgnored() {
    Compression compression = builder().build();

    compression.step(CompressionStrategy.SEMANTIC_DEDUP).stepCostNanos(-5).measure("a", text -> {
      CompressionContext.current().recordStepCost(-1).recordStepCost(0);
      return text;
    });

    assertThat(onlySpan().getAttributes().get(CompressionAttributes.COST_NANOS)).isZero();
  }

  @Test
  void stepCost_saturatesInsteadOfWrapping() {
    builder().build().step(CompressionStrategy.SEMANTIC_DEDUP).stepCostNanos(Long.MAX_VALUE - 1).measure("a", text -> {
      CompressionContext.current().recordStepCost(10);
      return text;
    });

    assertThat(onlySpan().getAttributes().get(CompressionAttributes.COST_NANOS)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void stepCost_isRecordedOnFailedAndAsyncSteps() {
    Compression compression = builder().build();
    CompletableFuture<String> pending = new CompletableFuture<>();

    catchThrowable(() -> compression.measure(CompressionStrategy.SEMANTIC_DEDUP, "m", "a", text -> {
      CompressionContext.current().recordStepCost(7);
      throw new IllegalStateException("after paying");
    }));
    CompletionStage<String> result = compression.measureAsync(CompressionStrategy.SUMMARY_INJECTION, "m", "a b", text -> {
      CompressionContext context = CompressionContext.current();
      return pending.thenApply(summary -> {
        context.recordStepCost(40);
        return summary;
      });
    });
    pending.complete("a");
    result.toCompletableFuture().join();

    assertThat(spans.getFinishedSpanItems())
        .extracting(s -> s.getAttributes().get(CompressionAttributes.COST_NANOS))
        .containsExactly(7L, 40L);
  }

  @Test
  void stepCost_afterTheMeasurementEnded_isIgnored() {
    List<CompressionRecord> records = new CopyOnWriteArrayList<>();
    List<CompressionContext> leaked = new ArrayList<>();

    builder().addListener(recording(records)).build().measure(CompressionStrategy.SEMANTIC_DEDUP, "m", "a", text -> {
      leaked.add(CompressionContext.current());
      return text;
    });
    leaked.get(0).recordStepCost(99);

    assertThat(records).singleElement().satisfies(r -> assertThat(r.costNanos()).isEqualTo(-1));
    assertThat(CompressionContext.current().recordStepCost(5)).isNotNull();
  }

  /**
   * A summariser that calls a model through LockN: that call is a child span of the compression span, priced on its
   * own span by the CostPipeline, while the step reports the same cost as lockn.compression.cost_nanos for the
   * ROI; the compression span itself is never priced, so nothing counts twice.
   */
  @Test
  void stepWithItsOwnLockNCall_childIsPricedOnItsSpan_stepReportsItsCost() {
    PriceCatalog catalog =
        PriceCatalog.builder()
            .add(ModelPrice.builder("openai", "gpt-4o-mini").addPrices(Rates.perMillionTokens("0.15", "0.60")).build())
            .build();
    InMemorySpanExporter priced = InMemorySpanExporter.create();
    try (OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(CostPipeline.builder(catalog).build())
                    .addSpanProcessor(SimpleSpanProcessor.create(priced))
                    .build())
            .build()) {
      LockN lockn = LockN.create(sdk);
      TokenUsage usage = TokenUsage.of(1_000, 100);
      Compression compression = Compression.builder(sdk).setTokenCounter(WORDS).build();

      compression.measure(CompressionStrategy.SUMMARY_INJECTION, "gpt-4o", "a b c d", text -> {
        lockn.chat(GenAiProvider.OPENAI, "gpt-4o-mini").run(() -> lockn.currentLlmCall().recordUsage(usage));
        Cost cost = catalog.cost("openai", "gpt-4o-mini", usage, Instant.now(), null);
        CompressionContext.current().recordStepCost(cost.totalNanos());
        return "summary";
      });

      SpanData chat = priced.getFinishedSpanItems().stream()
          .filter(s -> s.getName().equals("chat gpt-4o-mini")).findFirst().orElseThrow();
      SpanData compress = priced.getFinishedSpanItems().stream()
          .filter(s -> s.getName().startsWith("compress")).findFirst().orElseThrow();
      // 1000 x 0.15 + 100 x 0.60 per million tokens = 0.00021 USD
      assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(210_000L);
      assertThat(chat.getParentSpanId()).isEqualTo(compress.getSpanId());
      assertThat(compress.getAttributes().get(CompressionAttributes.COST_NANOS)).isEqualTo(210_000L);
      assertThat(compress.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
    }
  }

  @Test
  void noop_acceptsStepCost() {
    Compression noop = Compression.noop();

    assertThat(noop.step("x").stepCostNanos(5)).isSameAs(noop.step("y"));
    assertThat(noop.step("x").measure("a", text -> {
      CompressionContext.current().recordStepCost(5);
      return "b";
    })).isEqualTo("b");
  }

  private static CompressionListener recording(List<CompressionRecord> records) {
    return new CompressionListener() {
      @Override
      public void onMeasured(CompressionRecord record) {
        records.add(record);
      }
    };
  }
}
