package io.lockn.core.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.lockn.core.CallCost;
import io.lockn.core.AttributionKeys;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.GenAiMessage;
import io.lockn.core.LlmCall;
import io.lockn.core.LlmCallRecord;
import io.lockn.core.LockN;
import io.lockn.core.LockNAttributes;
import io.lockn.core.LockNListener;
import io.lockn.core.LockNScope;
import io.lockn.core.SemconvProfile;
import io.lockn.core.TokenUsage;
import io.lockn.core.sdk.AttributionSpanProcessor;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.CallAdmission;
import io.lockn.core.spi.CallRequest;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.BaggageBuilder;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * Bad runtime input through the public API: extreme token counts, null, empty, 10 MB and odd-unicode names and
 * values, hostile Baggage and 100,000 distinct values. Each is sanitised or rejected without an exception into the
 * application, span attributes and log lines stay bounded, and metric cardinality stays bounded.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CoreBadInputTest {

  /** The cap on names and identifiers LockN records (model, provider, ids, error types): {@code Limits}. */
  private static final int MAX_NAME = 256;
  /** The cap on a log line's message: {@code UsageLogger.MAX_MESSAGE_LENGTH} plus its truncation marker. */
  private static final int MAX_LOG_MESSAGE = 1024 + 64; // plus the fixed text around a quoted place

  private static final String TEN_MB = "m".repeat(10 * 1024 * 1024);
  private static final String ONE_MB = "t".repeat(1024 * 1024);
  /** RTL override, zero-width space and joiner, BOM, lone high and low surrogates, NUL, CR LF, tab, DEL, NEL. */
  private static final String ODD = "gpt\u202E\u200B\u200D\uFEFF\uD800x\uDC00\u0000\r\n\t\u007F\u0085-4o";
  private static final List<String> HOSTILE =
      Arrays.asList(null, "", " ", "\u0000\n\r", TEN_MB, ODD, "\uD83D".repeat(300), "x".repeat(255) + "\uD83D\uDE00");

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final List<CallRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicLong completedTokens = new AtomicLong();
  private final AtomicInteger outstanding = new AtomicInteger();
  private final CallAdmission admission = request -> {
    requests.add(request);
    outstanding.incrementAndGet();
    return new Admission() {
      @Override
      public String model() {
        return "";
      }

      @Override
      public void complete(io.lockn.core.spi.EndedCall call, CallCost cost) {
        TokenUsage usage = call.usage();
        completedTokens.addAndGet(usage.totalTokens());
        outstanding.decrementAndGet();
      }

      @Override
      public void release() {
        outstanding.decrementAndGet();
      }
    };
  };
  private OpenTelemetrySdk otel;
  private UsageLog log;

  @BeforeEach
  void setUp() {
    log = UsageLog.capture();
    otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .build();
  }

  @AfterEach
  void tearDown() {
    log.close();
    otel.close();
  }

  private LockN lockn() {
    return LockN.builder().setOpenTelemetry(otel).setSemconvProfile(SemconvProfile.LATEST_EXPERIMENTAL)
        .setCallAdmission(admission).build();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Token counts.

  @Test
  void tokenCounts_negativeZeroMaxAndOverflowingSums_neverWrap_neverThrow() {
    LockN lockn = lockn();
    long max = Long.MAX_VALUE;
    List<TokenUsage> usages = List.of(
        TokenUsage.of(-1, Long.MIN_VALUE),
        TokenUsage.of(0, 0),
        TokenUsage.of(max, max),
        TokenUsage.fromAnthropic(max, max, max, max, max),
        TokenUsage.fromOpenAi(max, max, max, max),
        TokenUsage.fromGemini(max, max, max, max),
        TokenUsage.of(max, max).plus(TokenUsage.of(max, max)).plus(TokenUsage.fromAnthropic(max, max, max, max, max)));

    for (TokenUsage u : usages) {
      assertThat(u.inputTokens()).isNotNegative();
      assertThat(u.outputTokens()).isNotNegative();
      assertThat(u.totalTokens()).isNotNegative();
      assertThatCode(() -> lockn.chat("openai", "gpt-4o").estimatedInputTokens(max).maxTokens(max)
          .run(() -> lockn.currentLlmCall().recordUsage(u))).doesNotThrowAnyException();
    }

    // Sums saturate at Long.MAX_VALUE: fromAnthropic(max x5) has input = max + max + max + max -> MAX_VALUE.
    assertThat(usages.get(3).inputTokens()).isEqualTo(max);
    assertThat(usages.get(6).totalTokens()).isEqualTo(max);
    assertThat(usages.get(0)).isEqualTo(TokenUsage.EMPTY);
    for (SpanData s : exporter.getFinishedSpanItems()) {
      s.getAttributes().forEach((k, v) -> {
        if (v instanceof Long l) {
          assertThat(l).as("%s on %s", k, s.getName()).isNotNegative();
        }
      });
    }
    // The estimate passed to admission: Long.MAX_VALUE each, as given; nothing wrapped on the way.
    assertThat(requests).hasSize(usages.size()).allSatisfy(r -> {
      assertThat(r.estimatedInputTokens()).isEqualTo(max);
      assertThat(r.maxOutputTokens()).isEqualTo(max);
    });
    assertThat(outstanding).hasValue(0);
    // Two negative counts in one call: one WARNING line each, bounded.
    assertThat(log.warningsContaining("negative token count")).hasSize(2);
  }

  @Test
  void estimatesAndMaxTokens_negative_recordedAsUnknown_withOneWarning() {
    LockN lockn = lockn();
    for (int i = 0; i < 100; i++) {
      lockn.chat("openai", "gpt-4o").estimatedInputTokens(-1).maxTokens(-5).run(() -> {});
      lockn.chat("openai", "gpt-4o").estimatedInputTokens(Long.MIN_VALUE).maxTokens(Long.MIN_VALUE).run(() -> {});
    }
    // A TokenCounter answering a negative count means "unknown" (the approximate estimate is used: "x" is 1 UTF-8
    // byte, ceil(1 / 4) + 4 for the message = 5), and one answering Long.MAX_VALUE is believed.
    LockN counted = LockN.builder().setOpenTelemetry(otel).setCallAdmission(admission)
        .setTokenCounter((p, m, msgs) -> p.equals("a") ? -7 : Long.MAX_VALUE).build();
    counted.chat("a", "m").inputMessages(List.of(GenAiMessage.user("x"))).run(() -> {});
    counted.chat("b", "m").inputMessages(List.of(GenAiMessage.user("x"))).run(() -> {});

    assertThat(requests.subList(0, 200)).allSatisfy(r -> {
      assertThat(r.estimatedInputTokens()).isZero();
      assertThat(r.maxOutputTokens()).isEqualTo(-1);
    });
    assertThat(requests.get(200).estimatedInputTokens()).isEqualTo(5);
    assertThat(requests.get(201).estimatedInputTokens()).isEqualTo(Long.MAX_VALUE);
    assertThat(exporter.getFinishedSpanItems().subList(0, 200))
        .allSatisfy(s -> assertThat(s.getAttributes().get(GenAiAttributes.GEN_AI_REQUEST_MAX_TOKENS)).isNull());
    assertThat(log.warningsContaining("estimatedInputTokens")).hasSize(1);
  }

  @Test
  void providerReportedCost_hugeNegativeAndSubNano_ignoredOrRounded_withOneBoundedWarningLine() {
    LockN lockn = lockn();
    // 100,000 digits: its toString alone would be a 100 kB log line. (10 million would take the test minutes to parse.)
    BigDecimal hugeCost = new BigDecimal("9".repeat(100_000));
    BigDecimal[] costs = {hugeCost, new BigDecimal("-0.01"), new BigDecimal("1e-12"), null};
    for (BigDecimal c : costs) {
      assertThatCode(() -> lockn.chat("openrouter", "m").run(() -> lockn.currentLlmCall().providerReportedCost(c)))
          .doesNotThrowAnyException();
    }
    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans.get(0).getAttributes().get(LockNAttributes.COST_REPORTED_NANOS)).isNull();
    assertThat(spans.get(1).getAttributes().get(LockNAttributes.COST_REPORTED_NANOS)).isNull();
    assertThat(spans.get(2).getAttributes().get(LockNAttributes.COST_REPORTED_NANOS)).isZero(); // 1e-12 USD -> 0 nano
    assertThat(log.warnings()).isNotEmpty().allSatisfy(CoreBadInputTest::assertBoundedOneLine);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Names and values.

  /**
   * Every name and identifier LockN takes from the application or the provider, fed null, empty, blank, only
   * control characters, 10 MB, RTL/zero-width/lone-surrogate/NUL/newline text and unpaired surrogates at the cut.
   * Every string attribute of every span (and the span name) is then at most 256 characters (plus the operation
   * prefix, for span names) and free of ISO control characters; nothing throws.
   */
  @Test
  void namesAndValues_nullEmptyTenMegabytesOddUnicode_sanitisedAndBoundedOnEverySpan() {
    LockN lockn = lockn();
    for (String v : HOSTILE) {
      assertThatCode(() -> {
        lockn.workflow(v).conversationId(v).run(() ->
            lockn.agent(v).id(v).description(v).version(v).provider(v).requestModel(v).run(() ->
                lockn.task(v).agent(v).run(() -> {
                  try (LockNScope tool = lockn.tool(v).callId(v).type(v).description(v).start()) {
                    tool.recordError(v);
                  }
                  LlmCall call = lockn.chat(v, v).server(v, -1).conversationId(v).promptKey(v).start();
                  try {
                    call.responseModel(v).responseId(v).finishReason(v).finishReasons(Arrays.asList(v, v, null));
                    call.recordUsage(TokenUsage.of(1, 1));
                    call.recordError(v);
                  } finally {
                    call.close();
                  }
                  lockn.embeddings(v, v).run(() -> {});
                })));
      }).as("input %s", describe(v)).doesNotThrowAnyException();
    }

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).hasSize(HOSTILE.size() * 6);
    for (SpanData s : spans) {
      assertThat(s.getName().length()).as("span name length").isLessThanOrEqualTo(
          "invoke_workflow ".length() + MAX_NAME);
      assertClean(s.getName(), "span name");
      s.getAttributes().forEach((k, v) -> assertBoundedAttribute(k, v, MAX_NAME));
    }
    assertThat(outstanding).hasValue(0);
    assertThat(log.warnings()).allSatisfy(CoreBadInputTest::assertBoundedOneLine);
  }

  @Test
  void recordError_hugeAndOddErrorTypes_boundedOnSpanAndMetric() {
    LockN lockn = lockn();
    try (LockNScope call = lockn.chat("openai", "gpt-4o").start()) {
      call.recordError(TEN_MB + "\n");
    }
    try (LockNScope call = lockn.chat("openai", "gpt-4o").start()) {
      call.recordError("\u0000\r\n");
    }
    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans.get(0).getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo("m".repeat(MAX_NAME));
    // Nothing left after sanitising: the conventions' fallback value.
    assertThat(spans.get(1).getAttributes().get(GenAiAttributes.ERROR_TYPE))
        .isEqualTo(GenAiAttributes.ERROR_TYPE_OTHER);
    for (MetricData m : metrics.collectAllMetrics()) {
      pointAttributes(m).forEach(a -> a.forEach((k, v) -> assertBoundedAttribute(k, v, MAX_NAME)));
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Hostile Baggage.

  private static Baggage hostileBaggage() {
    BaggageBuilder b = Baggage.builder();
    for (int i = 0; i < 1_000; i++) {
      b.put("k" + i, "v" + i);
    }
    // Keys that mimic LockN's and the conventions' own attributes: not allowlisted, so never copied.
    b.put("gen_ai.request.model", "cheap-model");
    b.put("gen_ai.provider.name", "evil");
    b.put("lockn.cost.total_nanos", "0");
    b.put("lockn.budget.admitted_model", "free");
    b.put("error.type", "none");
    // Allowlisted keys with hostile values.
    b.put(AttributionKeys.DEFAULT_TENANT_KEY, "\u202Eacme\r\nX-Injected: 1\u0000" + ONE_MB);
    b.put(AttributionKeys.DEFAULT_USER_ID_KEY, "\u0000\n\r\t");
    b.put(AttributionKeys.DEFAULT_FEATURE_KEY, "\uD800".repeat(1_000));
    return b.build();
  }

  /**
   * The same through the W3C {@code baggage} header, as a remote caller would send it: {@code entries} filler keys,
   * then lookalike keys and a tenant value with percent-encoded RTL, CR LF and NUL, padded with {@code padding}
   * characters.
   */
  private static Context hostileBaggageFromHeader(int entries, int padding) {
    StringBuilder header = new StringBuilder();
    for (int i = 0; i < entries; i++) {
      header.append("k").append(i).append("=v").append(i).append(',');
    }
    header.append("gen_ai.request.model=cheap-model,lockn.cost.total_nanos=0,");
    header.append("app.tenant_id=%E2%80%AEacme%0D%0AX-Injected%3A%201%00").append("t".repeat(padding)).append(',');
    header.append("app.user_id=%00%0A");
    Map<String, String> carrier = Map.of("baggage", header.toString());
    return W3CBaggagePropagator.getInstance().extract(Context.root(), carrier, new TextMapGetter<>() {
      @Override
      public Iterable<String> keys(Map<String, String> c) {
        return c.keySet();
      }

      @Override
      public @Nullable String get(@Nullable Map<String, String> c, String key) {
        return c == null ? null : c.get(key);
      }
    });
  }

  @Test
  void hostileBaggage_thousandKeysMegabyteValuesControlsAndLookalikeKeys_onlyAllowlistedAndBounded() {
    AtomicReference<LlmCallRecord> heard = new AtomicReference<>();
    LockN lockn = LockN.builder().setOpenTelemetry(otel).setCallAdmission(admission)
        .addMetricAttributionKey(AttributionKeys.DEFAULT_TENANT_KEY)
        .addListener(new LockNListener() {
          @Override
          public void onLlmCallEnded(LlmCallRecord call) {
            heard.set(call);
          }
        }).build();

    // In process: 1,000 keys and a 1 MB value reach LockN as they are. Over the wire: a header within the limits of
    // the OpenTelemetry propagator (8,192 bytes, 64 entries) carries the same hostile values; one over them (1,000
    // keys, 1 MB) is dropped before LockN sees it, and the call simply has no attribution.
    List<Context> contexts = List.of(Context.root().with(hostileBaggage()), hostileBaggageFromHeader(50, 200),
        hostileBaggageFromHeader(1_000, 1024 * 1024));
    for (int c = 0; c < contexts.size(); c++) {
      exporter.reset();
      requests.clear();
      try (Scope ignored = contexts.get(c).makeCurrent()) {
        assertThat(lockn.chat("openai", "gpt-4o").supply(() -> "ok")).isEqualTo("ok");
      }
      SpanData span = exporter.getFinishedSpanItems().get(0);
      Attributes a = span.getAttributes();
      assertThat(a.get(GenAiAttributes.GEN_AI_REQUEST_MODEL)).isEqualTo("gpt-4o");
      assertThat(a.get(GenAiAttributes.GEN_AI_PROVIDER_NAME)).isEqualTo("openai");
      assertThat(a.get(AttributeKey.stringKey("lockn.cost.total_nanos"))).isNull();
      assertThat(a.get(AttributeKey.stringKey("k0"))).isNull();
      assertThat(a.get(AttributeKey.stringKey(AttributionKeys.DEFAULT_USER_ID_KEY))).isNull(); // nothing left
      String tenant = a.get(AttributeKey.stringKey(AttributionKeys.DEFAULT_TENANT_KEY));
      if (c < 2) {
        // Control characters removed, everything else kept, cut at the 128-character default.
        assertThat(tenant).as("context %s", c).startsWith("\u202EacmeX-Injected: 1").hasSize(128);
      } else {
        assertThat(tenant).isNull();
      }
      a.forEach((k, v) -> assertBoundedAttribute(k, v, MAX_NAME));
      // Admission and listeners get the same sanitised, allowlisted view.
      Map<String, String> attribution = requests.get(0).attribution();
      assertThat(AttributionKeys.defaults().allKeys()).containsAll(attribution.keySet());
      assertThat(attribution.get(AttributionKeys.DEFAULT_TENANT_KEY)).isEqualTo(tenant);
      assertThat(heard.get().attribution()).isEqualTo(attribution);
    }
    for (MetricData m : metrics.collectAllMetrics()) {
      pointAttributes(m).forEach(p -> p.forEach((k, v) -> assertBoundedAttribute(k, v, MAX_NAME)));
    }
  }

  @Test
  void hostileBaggage_onForeignGenAiSpans_throughAttributionSpanProcessor_onlyAllowlistedAndBounded() {
    InMemorySpanExporter foreign = InMemorySpanExporter.create();
    try (SdkTracerProvider provider = SdkTracerProvider.builder()
        .addSpanProcessor(AttributionSpanProcessor.create(AttributionKeys.defaults()))
        .addSpanProcessor(SimpleSpanProcessor.create(foreign)).build()) {
      try (Scope ignored = Context.root().with(hostileBaggage()).makeCurrent()) {
        provider.get("other-instrumentation").spanBuilder("chat x").setSpanKind(SpanKind.CLIENT)
            .setAttribute(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat")
            .setAttribute(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o").startSpan().end();
      }
      Attributes a = foreign.getFinishedSpanItems().get(0).getAttributes();
      assertThat(a.get(GenAiAttributes.GEN_AI_REQUEST_MODEL)).isEqualTo("gpt-4o");
      assertThat(a.get(AttributeKey.stringKey(AttributionKeys.DEFAULT_TENANT_KEY))).hasSize(128);
      assertThat(a.size()).isLessThanOrEqualTo(2 + AttributionKeys.defaults().allKeys().size());
      a.forEach((k, v) -> assertBoundedAttribute(k, v, 128));
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Bounded memory and cardinality.

  /**
   * 100,000 calls, each with a distinct hostile value in one metric attribute at a time (request model, response
   * model, tenant from Baggage, error type, finish reason): every LockN metric keeps at most {@code limit + 1} values
   * per attribute (the limit, then {@code _OTHER}) and the SDK's own overflow series is never reached.
   */
  @Test
  void hundredThousandDistinctHostileValues_metricCardinalityBounded_spanAttributesBounded() {
    int limit = 10;
    AtomicLong longest = new AtomicLong();
    AtomicInteger controlChars = new AtomicInteger();
    AtomicInteger ended = new AtomicInteger();
    // Checks every span as it ends instead of keeping 100,000 of them in memory.
    SpanProcessor checker = new SpanProcessor() {
      @Override
      public void onStart(Context parentContext, ReadWriteSpan span) {}

      @Override
      public boolean isStartRequired() {
        return false;
      }

      @Override
      public void onEnd(ReadableSpan span) {
        ended.incrementAndGet();
        span.toSpanData().getAttributes().forEach((k, v) -> {
          if (v instanceof String s) {
            longest.accumulateAndGet(s.length(), Math::max);
            if (s.chars().anyMatch(Character::isISOControl)) {
              controlChars.incrementAndGet();
            }
          }
        });
      }

      @Override
      public boolean isEndRequired() {
        return true;
      }
    };
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(checker).build())
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
        .build()) {
      LockN lockn = LockN.builder().setOpenTelemetry(sdk).setSemconvProfile(SemconvProfile.LATEST_EXPERIMENTAL)
          .addMetricAttributionKey(AttributionKeys.DEFAULT_TENANT_KEY).setMetricCardinalityLimit(limit)
          .setCallAdmission(admission).build();
      int perPhase = 20_000;
      List<IntFunction<Runnable>> phases = new ArrayList<>();
      phases.add(i -> () -> call(lockn, "model-\n" + i + TEN_MB.substring(0, 300), "resp", "stop", null));
      phases.add(i -> () -> call(lockn, "gpt-4o", "resp-\u0000" + i, "stop", null));
      phases.add(i -> () -> {
        String tenant = "t\r\n" + i + ONE_MB.substring(0, 200);
        try (Scope ignored = Baggage.builder().put(AttributionKeys.DEFAULT_TENANT_KEY, tenant).build().makeCurrent()) {
          call(lockn, "gpt-4o", "resp", "stop", null);
        }
      });
      phases.add(i -> () -> call(lockn, "gpt-4o", "resp", "stop", "HTTP 5xx request " + i));
      phases.add(i -> () -> call(lockn, "gpt-4o", "resp", "reason-" + i, null));
      for (IntFunction<Runnable> phase : phases) {
        for (int i = 0; i < perPhase; i++) {
          phase.apply(i).run();
        }
      }
      requests.clear(); // the admission kept every request; not what is measured here

      assertThat(ended).hasValue(5 * perPhase);
      assertThat(longest.get()).isLessThanOrEqualTo(MAX_NAME);
      assertThat(controlChars).hasValue(0);
      Map<String, Integer> series = new HashMap<>();
      for (MetricData m : reader.collectAllMetrics()) {
        List<Attributes> points = pointAttributes(m);
        series.put(m.getName(), points.size());
        assertThat(points).as("%s", m.getName()).noneMatch(p ->
            p.asMap().keySet().stream().anyMatch(k -> k.getKey().equals("otel.metric.overflow")));
        for (String key : List.of("gen_ai.request.model", "gen_ai.response.model", "app.tenant_id", "error.type",
            "lockn.finish_reason")) {
          long distinct = points.stream().map(p -> p.get(AttributeKey.stringKey(key))).distinct().count();
          assertThat(distinct).as("distinct %s on %s", key, m.getName()).isLessThanOrEqualTo(limit + 2);
        }
        points.forEach(p -> p.forEach((k, v) -> assertBoundedAttribute(k, v, MAX_NAME)));
      }
      // 5 phases, each adding at most limit + 1 series to any metric, plus the fixed combination they share.
      assertThat(series).allSatisfy((name, n) -> assertThat(n).as(name).isLessThanOrEqualTo(5 * (limit + 1) + 1));
    }
    assertThat(outstanding).hasValue(0);
    // UsageLogger remembers at most 256 distinct problems, each a bounded line: bounded memory too.
    assertThat(log.warnings()).hasSizeLessThanOrEqualTo(256).allSatisfy(CoreBadInputTest::assertBoundedOneLine);
  }

  private static void call(LockN lockn, String model, String responseModel, String finishReason,
      @Nullable String error) {
    LlmCall call = lockn.chat("openai", model).start();
    try {
      call.responseModel(responseModel).finishReason(finishReason).recordUsage(TokenUsage.of(3, 2));
      if (error != null) {
        call.recordError(error);
      }
    } finally {
      call.close();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The log itself.

  @Test
  void usageLogger_hugeAndMultiLineMessages_oneBoundedLineEach_atMost256Warnings() {
    for (int i = 0; i < 1_000; i++) {
      UsageLogger.warn("problem " + i + "\nFAKE LOG LINE: admin logged in\r\n" + ONE_MB);
      UsageLogger.failed("place " + i + "\n" + ONE_MB, new IllegalStateException("x"));
    }
    assertThat(log.warnings()).hasSize(256).allSatisfy(CoreBadInputTest::assertBoundedOneLine);
    assertThat(log.all()).hasSize(2_000).allSatisfy(CoreBadInputTest::assertBoundedOneLine);
  }

  // ---------------------------------------------------------------------------------------------------------------

  private static List<Attributes> pointAttributes(MetricData m) {
    List<Attributes> out = new ArrayList<>();
    if (m.getType() == MetricDataType.LONG_SUM) {
      m.getLongSumData().getPoints().forEach(p -> out.add(p.getAttributes()));
    } else if (m.getType() == MetricDataType.HISTOGRAM) {
      m.getHistogramData().getPoints().forEach(p -> out.add(p.getAttributes()));
    } else if (m.getType() == MetricDataType.DOUBLE_SUM) {
      m.getDoubleSumData().getPoints().forEach(p -> out.add(p.getAttributes()));
    } else if (m.getType() == MetricDataType.LONG_GAUGE) {
      m.getLongGaugeData().getPoints().forEach(p -> out.add(p.getAttributes()));
    }
    return out;
  }

  static void assertBoundedAttribute(AttributeKey<?> k, Object v, int max) {
    if (k.getType() == AttributeType.STRING) {
      assertThat(((String) v).length()).as("length of %s", k).isLessThanOrEqualTo(max);
      assertClean((String) v, k.getKey());
    } else if (k.getType() == AttributeType.STRING_ARRAY) {
      for (Object e : (List<?>) v) {
        assertThat(((String) e).length()).as("length of %s", k).isLessThanOrEqualTo(max);
        assertClean((String) e, k.getKey());
      }
    } else if (v instanceof Long l && !k.getKey().contains("time")) {
      assertThat(l).as("%s", k).isNotNegative();
    }
  }

  private static void assertClean(String s, String what) {
    assertThat(s.chars().noneMatch(Character::isISOControl)).as("%s has no control characters", what).isTrue();
  }

  static void assertBoundedOneLine(java.util.logging.LogRecord r) {
    String m = r.getMessage();
    assertThat(m.length()).as("log message length").isLessThanOrEqualTo(MAX_LOG_MESSAGE);
    assertThat(m).as("one line").doesNotContain("\n").doesNotContain("\r");
  }

  private static String describe(@Nullable String v) {
    return v == null ? "null" : v.length() > 40 ? v.length() + " chars" : v;
  }
}
