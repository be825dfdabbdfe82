package io.lockn.compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lockn.core.GenAiMessage;
import io.lockn.core.GenAiProvider;
import io.lockn.core.LockN;
import io.lockn.core.MessagePart;
import io.lockn.core.spi.TokenCounter;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

}
