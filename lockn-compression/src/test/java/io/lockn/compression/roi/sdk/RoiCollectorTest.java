package io.lockn.compression.roi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.lockn.compression.Compression;
import io.lockn.compression.CompressionAttributes;
import io.lockn.compression.CompressionRecord;
import io.lockn.compression.QualityEvaluator;
import io.lockn.compression.experiment.Assignment;
import io.lockn.compression.experiment.Experiments;
import io.lockn.compression.roi.RoiAnalysis;
import io.lockn.compression.roi.RoiResult;
import io.lockn.compression.roi.RoiSample;
import io.lockn.compression.roi.SavingsSeries;
import io.lockn.core.AttributionKeys;
import io.lockn.core.GenAiMessage;
import io.lockn.core.GenAiProvider;
import io.lockn.core.LockN;
import io.lockn.core.MessagePart;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.TokenCounter;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RoiCollector} on a real SDK, as a stage of the {@link CostPipeline}: LockN records the model calls, the
 * pipeline prices them (as LockN's call pricing) and hands the cost to the stage, and {@link Compression#measure}
 * records the compression steps.
 */
class RoiCollectorTest {

  static final String EXP = "ctx-trim";
  static final Assignment CONTROL = new Assignment(EXP, 0, "control", true, 0.1);
  static final Assignment COMPRESSED = new Assignment(EXP, 1, "compressed", true, 0.7);

  /** One token per whitespace-separated word. */
  static final TokenCounter WORDS = (provider, model, messages) -> messages.stream()
      .flatMap(m -> m.parts().stream())
      .filter(p -> p instanceof MessagePart.Text)
      .mapToLong(p -> ((MessagePart.Text) p).content().split("\\s+").length)
      .sum();

  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final List<OpenTelemetrySdk> sdks = new ArrayList<>();
  private final java.util.Map<OpenTelemetrySdk, CostPipeline> pipelines = new java.util.IdentityHashMap<>();

  @AfterEach
  void tearDown() {
    sdks.forEach(OpenTelemetrySdk::close);
  }

  private OpenTelemetrySdk sdk(RoiCollector roi) {
    return sdk(roi, 100_000);
  }

  /** The collector as a stage of the cost pipeline, which runs it after pricing. */
  private OpenTelemetrySdk sdk(RoiCollector roi, int maxOpenSpans) {
    CostPipeline costs = CostPipeline.builder(PriceCatalog.bundled()).addStage(roi).setMaxOpenSpans(maxOpenSpans)
        .build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(costs)
            .addSpanProcessor(SimpleSpanProcessor.create(exported))
            .build())
        .build();
    sdks.add(sdk);
    pipelines.put(sdk, costs);
    return sdk;
  }

  /** LockN on the SDK, pricing its calls with the SDK's pipeline. */
  private LockN lockn(OpenTelemetrySdk sdk, boolean allowlist) {
    AttributionKeys keys =
        allowlist ? Experiments.allowlist(AttributionKeys.builder()).build() : AttributionKeys.defaults();
    return LockN.builder().setOpenTelemetry(sdk).setAttributionKeys(keys).setCallPricing(pipelines.get(sdk)).build();
  }

  private static RoiCollector.Builder collector() {
    return RoiCollector.builder().setAnalysis(RoiAnalysis.builder().setBootstrapIterations(200).build());
  }

  static String words(long n) {
    return "w ".repeat((int) n).strip();
  }

  /** Where the compression step runs relative to the model call it prepares. */
  enum StepAt { SIBLING, CHILD }

  /**
   * One session: in its group's Baggage, the agent {@code bot} compresses (compressed group only) an {@code original}
   * of words to {@code sent} and makes one gpt-4o call that bills the words it was sent and 100 output tokens.
   */
  static void session(LockN lockn, Compression compression, Assignment group, long original, long sent, StepAt at) {
    boolean compress = group.is("compressed");
    group.run(() -> lockn.agent("bot").task("answer").run(() -> {
      long[] billed = {original};
      if (compress && at == StepAt.SIBLING) {
        billed[0] = count(compression.step("trim").model("gpt-4o").measure(words(original), t -> words(sent)));
      }
      lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {
        if (compress && at == StepAt.CHILD) {
          billed[0] = count(compression.step("trim").model("gpt-4o").measure(words(original), t -> words(sent)));
        }
        lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(billed[0], 0, 100, 0)).responseModel("gpt-4o");
      });
    }));
  }

  private static long count(String text) {
    return WORDS.countInputTokens("", "", List.of(GenAiMessage.user(text)));
  }

  private static Compression compression(OpenTelemetrySdk sdk, RoiCollector roi, QualityEvaluator evaluator) {
    return Compression.builder(sdk).setTokenCounter(WORDS).setQualityEvaluator(evaluator).addListener(roi).build();
  }

  private List<SpanData> chats() {
    return exported.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("chat"))
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
  }

  private static List<RoiSample> byStart(List<RoiSample> samples) {
    return samples.stream().sorted(Comparator.comparingLong(RoiSample::epochNanos)).toList();
  }

  @Test
  void collects_samplesByTheAuditsRulesWithThePricedCostAndTheStepsTokensAndQuality() {
    RoiCollector roi = collector().build();
    OpenTelemetrySdk sdk = sdk(roi);
    LockN lockn = lockn(sdk, true);
    Compression compression = compression(sdk, roi, in -> CompletableFuture.completedFuture(0.9));
    for (int i = 0; i < 4; i++) {
      session(lockn, compression, CONTROL, 1000 + i, 1000 + i, StepAt.SIBLING);
      session(lockn, compression, COMPRESSED, 1000 + i, 400 + i, i % 2 == 0 ? StepAt.SIBLING : StepAt.CHILD);
    }

    List<RoiSample> samples = byStart(roi.samples());
    List<SpanData> chats = chats();
    assertThat(samples).hasSize(8);
    for (int k = 0; k < 8; k++) {
      RoiSample s = samples.get(k);
      SpanData chat = chats.get(k);
      int i = k / 2;
      boolean compressed = k % 2 == 1;
      assertThat(s.experiment()).isEqualTo(EXP);
      assertThat(s.group()).isEqualTo(compressed ? "compressed" : "control");
      assertThat(s.agent()).isEqualTo("bot");
      assertThat(s.inputTokensOriginal()).isEqualTo(1000 + i);
      assertThat(s.inputTokensSent()).isEqualTo(compressed ? 400 + i : 1000 + i);
      assertThat(s.outputTokens()).isEqualTo(100);
      // gpt-4o: $2.50 per million input tokens, $10 per million output tokens.
      assertThat(s.costNanos()).isEqualTo(chat.getAttributes().get(CostAttributes.TOTAL_NANOS))
          .isEqualTo(s.inputTokensSent() * 2_500 + 100 * 10_000);
      assertThat(s.compressionCostNanos()).isZero();
      assertThat(s.qualityScore()).isEqualTo(compressed ? 0.9 : null);
      assertThat(s.contextWindow()).isEqualTo(128_000);
      assertThat(s.epochNanos()).isEqualTo(chat.getStartEpochNanos());
      assertThat(s.latencyNanos()).isEqualTo(chat.getEndEpochNanos() - chat.getStartEpochNanos());
    }

    RoiResult r = roi.report().get(EXP, RoiResult.ALL_AGENTS, "compressed").orElseThrow();
    assertThat(r.controlCalls()).isEqualTo(4);
    assertThat(r.treatmentCalls()).isEqualTo(4);
    assertThat(r.inputTokensOriginal()).isEqualTo(4006);
    assertThat(r.inputTokensSent()).isEqualTo(1606);
    // Exactly 600 input tokens fewer per call at $2.50 per million.
    assertThat(r.costSavingsUsd()).isEqualByComparingTo("0.006");
    assertThat(roi.report().get(EXP, "bot", "compressed")).isPresent();
    List<SavingsSeries> waterfall = roi.savingsOverTime();
    assertThat(waterfall).hasSize(1);
    assertThat(waterfall.get(0).totalSavingsNanos()).isEqualTo(6_000_000);
    assertThat(roi.callsSeen(EXP)).isEqualTo(8);
    assertThat(pipelines.get(sdk).openSpans()).isZero();
  }

  @Test
  void lateQualityScores_areTakenBeforeAndAfterTheCallEnded() {
    RoiCollector roi = collector().build();
    OpenTelemetrySdk sdk = sdk(roi);
    LockN lockn = lockn(sdk, true);
    List<CompletableFuture<Double>> judged = new CopyOnWriteArrayList<>();
    Compression compression = compression(sdk, roi, in -> {
      CompletableFuture<Double> f = new CompletableFuture<>();
      judged.add(f);
      return f;
    });

    // A score that comes after the step's span ended but before the model call ended.
    COMPRESSED.run(() -> lockn.agent("bot").run(() -> {
      compression.step("trim").model("gpt-4o").measure(words(1000), t -> words(500));
      judged.get(0).complete(0.8);
      lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() ->
          lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(500, 0, 100, 0)));
    }));
    // A score that comes after the model call ended.
    session(lockn, compression, COMPRESSED, 1000, 300, StepAt.CHILD);
    assertThat(byStart(roi.samples())).extracting(RoiSample::qualityScore).containsExactly(0.8, null);

    judged.get(1).complete(0.7);
    assertThat(byStart(roi.samples())).extracting(RoiSample::qualityScore).containsExactly(0.8, 0.7);
    // The late score is not on the step's span, which had ended.
    assertThat(exported.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("compress"))
        .map(s -> s.getAttributes().get(CompressionAttributes.QUALITY_SCORE))).containsOnlyNulls();
    // A second score for the same step does not replace the first.
    roi.onQualityScore(recordOf(exported.getFinishedSpanItems().stream()
        .filter(s -> s.getName().startsWith("compress")).reduce((a, b) -> b).orElseThrow()), 0.1);
    assertThat(byStart(roi.samples())).extracting(RoiSample::qualityScore).containsExactly(0.8, 0.7);
  }

  @Test
  void experiment_comesFromBaggageWhenNotOnTheSpansAndFromTheNearestAncestor() {
    RoiCollector roi = collector().build();
    OpenTelemetrySdk sdk = sdk(roi);
    // Not allowlisted: LockN does not copy the experiment from Baggage to its spans.
    LockN lockn = lockn(sdk, false);
    Compression compression = compression(sdk, roi, in -> CompletableFuture.completedFuture(1.0));
    session(lockn, compression, CONTROL, 1000, 1000, StepAt.SIBLING);
    session(lockn, compression, COMPRESSED, 1000, 250, StepAt.SIBLING);
    assertThat(chats()).allSatisfy(s -> assertThat(s.getAttributes().get(Experiments.EXPERIMENT_NAME)).isNull());

    // No Baggage: the group is on the agent's span only.
    lockn.agent("bot").run(() -> {
      COMPRESSED.applyTo(Span.current());
      compression.step("trim").model("gpt-4o").measure(words(1000), t -> words(200));
      lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() ->
          lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(200, 0, 100, 0)));
    });
    // Outside any experiment: no sample.
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() ->
        lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(10, 0, 1, 0)));

    assertThat(byStart(roi.samples())).extracting(RoiSample::group, RoiSample::inputTokensOriginal,
            RoiSample::inputTokensSent)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("control", 1000L, 1000L),
            org.assertj.core.groups.Tuple.tuple("compressed", 1000L, 250L),
            org.assertj.core.groups.Tuple.tuple("compressed", 1000L, 200L));
  }

  @Test
  void aStepUnderARemoteParentIsFoundAsTheCallsSibling() {
    RoiCollector roi = collector().build();
    OpenTelemetrySdk sdk = sdk(roi);
    LockN lockn = lockn(sdk, true);
    Compression compression = compression(sdk, roi, in -> CompletableFuture.completedFuture(0.95));
    Span remote = Span.wrap(io.opentelemetry.api.trace.SpanContext.createFromRemoteParent(
        "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", io.opentelemetry.api.trace.TraceFlags.getSampled(),
        io.opentelemetry.api.trace.TraceState.getDefault()));
    try (Scope ignored = Context.current().with(remote).makeCurrent()) {
      COMPRESSED.run(() -> {
        compression.step("trim").model("gpt-4o").measure(words(900), t -> words(300));
        lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() ->
            lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(300, 0, 100, 0)));
      });
    }
    RoiSample s = roi.samples().get(0);
    assertThat(s.inputTokensOriginal()).isEqualTo(900);
    assertThat(s.qualityScore()).isEqualTo(0.95);
    assertThat(s.agent()).isEmpty();
  }

  @Test
  void memory_isBounded_aReservoirPerExperimentAndAFixedNumberOfExperiments() {
    RoiCollector roi = collector().setMaxSamplesPerExperiment(5).setMaxExperiments(1).setSeed(7).build();
    OpenTelemetrySdk sdk = sdk(roi);
    LockN lockn = lockn(sdk, true);
    Compression compression = compression(sdk, roi, in -> CompletableFuture.completedFuture(1.0));
    for (int i = 0; i < 40; i++) {
      session(lockn, compression, i % 2 == 0 ? CONTROL : COMPRESSED, 1000 + i, 500, StepAt.SIBLING);
    }
    new Assignment("other", 0, "control", true, 0.1).run(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() ->
        lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(10, 0, 1, 0))));

    assertThat(roi.samples()).hasSize(5).allSatisfy(s -> assertThat(s.experiment()).isEqualTo(EXP));
    assertThat(roi.callsSeen(EXP)).isEqualTo(40);
    assertThat(roi.callsSeen("other")).isZero();
    // Not simply the first five: the reservoir replaced some with later calls.
    assertThat(roi.samples()).anySatisfy(s -> assertThat(s.inputTokensOriginal()).isGreaterThanOrEqualTo(1005));

    // The open-span table is bounded too: spans beyond it are not tracked, and nothing fails.
    RoiCollector small = collector().build();
    OpenTelemetrySdk sdk2 = sdk(small, 2);
    LockN lockn2 = lockn(sdk2, true);
    Tracer tracer = sdk2.getTracer("test");
    Span a = tracer.spanBuilder("a").startSpan();
    Span b = tracer.spanBuilder("b").setParent(Context.current().with(a)).startSpan();
    Span c = tracer.spanBuilder("c").setParent(Context.current().with(b)).startSpan();
    assertThat(pipelines.get(sdk2).openSpans()).isEqualTo(2);
    try (Scope ignored = c.makeCurrent()) {
      session(lockn2, Compression.noop(), CONTROL, 100, 100, StepAt.SIBLING);
    }
    c.end();
    b.end();
    a.end();
    assertThat(pipelines.get(sdk2).openSpans()).isZero();
  }

  @Test
  void concurrentCalls_areAllCollected() throws Exception {
    RoiCollector roi = collector().build();
    OpenTelemetrySdk sdk = sdk(roi);
    LockN lockn = lockn(sdk, true);
    Compression compression = compression(sdk, roi, in -> CompletableFuture.completedFuture(0.9));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 25; i++) {
            session(lockn, compression, (thread + i) % 2 == 0 ? CONTROL : COMPRESSED, 1000, 400,
                i % 2 == 0 ? StepAt.SIBLING : StepAt.CHILD);
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(roi.samples()).hasSize(200);
    assertThat(roi.samples().stream().filter(s -> s.group().equals("compressed")))
        .hasSize(100).allSatisfy(s -> {
          assertThat(s.inputTokensOriginal()).isEqualTo(1000);
          assertThat(s.qualityScore()).isEqualTo(0.9);
        });
    assertThat(roi.report().get(EXP, RoiResult.ALL_AGENTS, "compressed").orElseThrow().tokenSavingsRate().value())
        .isCloseTo(0.6, within(1e-12));
    assertThat(pipelines.get(sdk).openSpans()).isZero();
  }

  @Test
  void unpricedCalls_areLeftOut() {
    RoiCollector roi = collector().build();
    OpenTelemetrySdk sdk = sdk(roi);
    LockN lockn = lockn(sdk, true);
    CONTROL.run(() -> lockn.chat(GenAiProvider.OPENAI, "ft:unknown-model").run(() ->
        lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(10, 0, 1, 0))));
    assertThat(roi.samples()).isEmpty();
  }

  @Test
  void neverThrows_intoTheHost() {
    RoiCollector roi = collector().build();
    ReadWriteSpan broken = (ReadWriteSpan) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {ReadWriteSpan.class}, (proxy, method, args) -> {
          throw new IllegalStateException("broken span: " + method.getName());
        });
    CostPipeline costs = CostPipeline.builder(PriceCatalog.bundled()).addStage(roi).build();
    assertThatCode(() -> {
      costs.onStart(Context.root(), broken);
      costs.onEnding(broken);
      costs.onEnd(broken);
      roi.onQualityScore((CompressionRecord) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {CompressionRecord.class}, (proxy, method, args) -> {
            throw new IllegalStateException("broken record");
          }), 0.5);
    }).doesNotThrowAnyException();
    assertThat(roi.samples()).isEmpty();

    // A host exception passes through untouched, and the call still becomes a sample.
    OpenTelemetrySdk sdk = sdk(roi);
    LockN lockn = lockn(sdk, true);
    IllegalArgumentException thrown = new IllegalArgumentException("host");
    assertThatThrownBy(() -> CONTROL.run(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {
      lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(10, 0, 1, 0));
      throw thrown;
    }))).isSameAs(thrown);
    assertThat(roi.samples()).hasSize(1);
  }

  @Test
  void builder_failsFast() {
    assertThatThrownBy(() -> RoiCollector.builder().setMaxSamplesPerExperiment(1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoiCollector.builder().setMaxExperiments(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoiCollector.builder().setMaxPendingScores(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoiCollector.builder().setPriceCatalog(null)).isInstanceOf(NullPointerException.class);
  }

  /** A record naming a span, as {@link Compression} hands it to listeners. */
  static CompressionRecord recordOf(SpanData span) {
    Function<String, Object> answer = name -> switch (name) {
      case "spanContext" -> span.getSpanContext();
      case "strategy", "model" -> "";
      case "originalTokens", "compressedTokens", "costNanos" -> -1L;
      case "ratio", "durationMillis" -> 0.0;
      case "failed" -> false;
      default -> null;
    };
    return (CompressionRecord) Proxy.newProxyInstance(RoiCollectorTest.class.getClassLoader(),
        new Class<?>[] {CompressionRecord.class}, (proxy, method, args) -> answer.apply(method.getName()));
  }
}
