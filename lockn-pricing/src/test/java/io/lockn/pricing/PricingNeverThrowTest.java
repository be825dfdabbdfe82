package io.lockn.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.SoftAssertions.assertSoftly;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.lockn.core.AttributionKeys;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pricing never breaks the host: hostile GenAI spans (made with a plain {@link Tracer}, as foreign instrumentation
 * would), a failing metrics backend, extreme ledger input and hostile catalog lookups neither throw nor corrupt what
 * is recorded. A span that cannot be priced is marked {@code lockn.cost.unpriced=true}, never given a silent $0.
 */
class PricingNeverThrowTest {

  private static final Instant NOW = Instant.parse("2026-11-01T12:00:00Z");
  private static final String[] HOSTILE_IDS = {
    "gpt-4o\u0000",
    "\u0000",
    "gpt\u001b[31m-4o",
    "claude-sonnet-4-5\r\nX-Injected: log line",
    "\uD800",
    "gpt-4o\uDFFF",
    "\uDFFF\uD800gpt-4o",
    "\uDBFF\uDFFF",
    "\u202Egpt-4o",
    "gpt-4o\t\n",
    "\u00A0",
    "\uFEFFgpt-4o",
    "gpt\u20144o",
  };

  private InMemorySpanExporter spans;
  private InMemoryMetricReader metrics;
  private SdkMeterProvider meters;
  private CostLedger ledger;
  private SdkTracerProvider tracerProvider;
  private Tracer tracer;
  private int counter;

  @BeforeEach
  void setUp() {
    spans = InMemorySpanExporter.create();
    metrics = InMemoryMetricReader.create();
    meters = SdkMeterProvider.builder().registerMetricReader(metrics).build();
    ledger = CostLedger.create();
    tracerProvider = tracerProvider(
        CostPipeline.builder(PriceCatalog.bundled())
            .setSpanCostBreakdown(true)
            .setMeterProvider(meters)
            .addMetricAttributionKey("app.tenant_id")
            .setLedger(ledger)
            .build());
    tracer = tracerProvider.get("io.example.hostile-instrumentation");
  }

  @AfterEach
  void tearDown() {
    tracerProvider.close();
    meters.close();
  }

  /** Replaces the tracer provider with one using {@code processor}, exporting to a fresh in-memory exporter. */
  private Tracer replaceProcessor(CostPipeline processor) {
    tracerProvider.close(); // also shuts the old exporter down
    spans = InMemorySpanExporter.create();
    tracerProvider = tracerProvider(processor);
    return tracerProvider.get("broken-metrics");
  }

  private SdkTracerProvider tracerProvider(CostPipeline processor) {
    return SdkTracerProvider.builder()
        .setClock(io.opentelemetry.sdk.testing.time.TestClock.create(NOW))
        .addSpanProcessor(processor)
        .addSpanProcessor(SimpleSpanProcessor.create(spans))
        .build();
  }

  /** Starts a chat span, lets {@code attributes} set what it likes, ends it (which must not throw), returns it. */
  private SpanData chat(Consumer<Span> attributes) {
    return chat(tracer, attributes);
  }

  private SpanData chat(Tracer t, Consumer<Span> attributes) {
    String name = "span-" + (++counter);
    Span span = t.spanBuilder(name).setSpanKind(SpanKind.CLIENT)
        .setAttribute("gen_ai.operation.name", "chat").startSpan();
    attributes.accept(span);
    assertThatCode(span::end).as("ending %s", name).doesNotThrowAnyException();
    return exported(name);
  }

  private SpanData exported(String name) {
    List<SpanData> found = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(found).as("%s exported once", name).hasSize(1);
    return found.get(0);
  }

  private static Long totalNanos(SpanData s) {
    return s.getAttributes().get(CostAttributes.TOTAL_NANOS);
  }

  private static boolean unpriced(SpanData s) {
    return Boolean.TRUE.equals(s.getAttributes().get(CostAttributes.UNPRICED));
  }

  /** Either priced, with no negative amount, or marked unpriced; never both, never neither. */
  private static void assertPricedXorUnpriced(SpanData s) {
    Long total = totalNanos(s);
    assertThat(total != null).as("priced xor unpriced: %s", s.getAttributes()).isNotEqualTo(unpriced(s));
    if (total != null) {
      assertNoNegativeCost(s);
    }
  }

  private static void assertNoNegativeCost(SpanData s) {
    Map<AttributeKey<?>, Object> a = s.getAttributes().asMap();
    for (AttributeKey<?> key : List.of(CostAttributes.TOTAL_NANOS, CostAttributes.LIST_TOTAL_NANOS,
        CostAttributes.ROLLUP_TOTAL_NANOS)) {
      Object v = a.get(key);
      if (v != null) {
        assertThat((Long) v).as("%s of %s", key, s.getName()).isNotNegative();
      }
    }
    for (AttributeKey<Double> key : List.of(CostAttributes.INPUT, CostAttributes.OUTPUT, CostAttributes.CACHE_READ,
        CostAttributes.CACHE_WRITE, CostAttributes.REASONING, CostAttributes.TOTAL, CostAttributes.ROLLUP_TOTAL)) {
      Double v = s.getAttributes().get(key);
      if (v != null) {
        assertThat(v).as("%s of %s", key, s.getName()).isGreaterThanOrEqualTo(0.0);
      }
    }
  }

  private long unpricedCalls() {
    return metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals("lockn.client.unpriced_calls"))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .mapToLong(LongPointData::getValue).sum();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Hostile token counts.

  @Test
  void negativeTokenCounts_countAsNothing() {
    SpanData oneNegative = chat(s -> s.setAttribute("gen_ai.provider.name", "openai")
        .setAttribute("gen_ai.request.model", "gpt-4o")
        .setAttribute("gen_ai.usage.input_tokens", -5L)
        .setAttribute("gen_ai.usage.cache_read.input_tokens", -1_000L)
        .setAttribute("gen_ai.usage.output_tokens", 100L)
        .setAttribute("gen_ai.usage.reasoning.output_tokens", -3L));
    // 100 output tokens x $10 per 1M; nothing for the negative counts.
    assertThat(totalNanos(oneNegative)).isEqualTo(1_000_000L);
    assertNoNegativeCost(oneNegative);

    SpanData allNegative = chat(s -> s.setAttribute("gen_ai.provider.name", "openai")
        .setAttribute("gen_ai.request.model", "gpt-4o")
        .setAttribute("gen_ai.usage.input_tokens", -1L)
        .setAttribute("gen_ai.usage.output_tokens", Long.MIN_VALUE)
        .setAttribute("gen_ai.usage.cache_creation.input_tokens", -7L));
    assertThat(totalNanos(allNegative)).isIn(null, 0L);
    assertNoNegativeCost(allNegative);
  }

  @Test
  void maxValueTokenCounts_spanEndsAndIsExported() {
    Span agent = tracer.spanBuilder("agent").setAttribute("gen_ai.operation.name", "invoke_agent").startSpan();
    try (Scope ignored = agent.makeCurrent()) {
      SpanData openai = chat(s -> s.setAttribute("gen_ai.provider.name", "openai")
          .setAttribute("gen_ai.request.model", "gpt-4o")
          .setAttribute("gen_ai.usage.input_tokens", Long.MAX_VALUE)
          .setAttribute("gen_ai.usage.cache_read.input_tokens", Long.MAX_VALUE)
          .setAttribute("gen_ai.usage.output_tokens", Long.MAX_VALUE)
          .setAttribute("gen_ai.usage.reasoning.output_tokens", Long.MAX_VALUE)
          .setAttribute("app.tenant_id", "acme"));
      SpanData anthropic = chat(s -> s.setAttribute("gen_ai.provider.name", "anthropic")
          .setAttribute("gen_ai.request.model", "claude-sonnet-4-5")
          .setAttribute("gen_ai.usage.input_tokens", "9223372036854775807")
          .setAttribute("gen_ai.usage.cache_creation.input_tokens", Long.MAX_VALUE)
          .setAttribute("lockn.usage.cache_write_1h.input_tokens", Long.MAX_VALUE)
          .setAttribute("gen_ai.usage.output_tokens", Long.MAX_VALUE));
      SpanData reported = chat(s -> s.setAttribute("gen_ai.provider.name", "openrouter")
          .setAttribute("gen_ai.request.model", "anthropic/claude-sonnet-4-5")
          .setAttribute("lockn.cost.reported_nanos", Long.MAX_VALUE)
          .setAttribute("gen_ai.usage.input_tokens", 1L));
      assertThat(List.of(openai, anthropic, reported)).allSatisfy(s -> assertThat(unpriced(s) || totalNanos(s) != null)
          .isTrue());
    }
    assertThatCode(agent::end).doesNotThrowAnyException();
    exported("agent");
    assertThatCode(() -> metrics.collectAllMetrics()).doesNotThrowAnyException();
    assertThatCode(() -> ledger.totals(CostLedger.Dimension.TENANT, NOW.minusSeconds(60), NOW.plusSeconds(60)))
        .doesNotThrowAnyException();
  }

  @Test
  void maxValueTokenCounts_neverGiveANegativeCostRollupOrLedgerTotal() {
    Span agent = tracer.spanBuilder("agent").setAttribute("gen_ai.operation.name", "invoke_agent").startSpan();
    List<SpanData> calls = new ArrayList<>();
    try (Scope ignored = agent.makeCurrent()) {
      calls.add(chat(s -> s.setAttribute("gen_ai.provider.name", "openai")
          .setAttribute("gen_ai.request.model", "gpt-4o")
          .setAttribute("gen_ai.usage.input_tokens", Long.MAX_VALUE)
          .setAttribute("gen_ai.usage.output_tokens", Long.MAX_VALUE)
          .setAttribute("app.tenant_id", "acme")));
      calls.add(chat(s -> s.setAttribute("gen_ai.provider.name", "openrouter")
          .setAttribute("gen_ai.request.model", "anthropic/claude-sonnet-4-5")
          .setAttribute("lockn.cost.reported_nanos", Long.MAX_VALUE)
          .setAttribute("gen_ai.usage.input_tokens", 1L)
          .setAttribute("app.tenant_id", "acme")));
    }
    agent.end();
    calls.forEach(PricingNeverThrowTest::assertPricedXorUnpriced);
    assertNoNegativeCost(exported("agent"));
    Instant from = NOW.minusSeconds(60);
    Instant to = NOW.plusSeconds(60);
    assertThat(ledger.total(from, to)).isNotNegative();
    assertThat(ledger.totals(CostLedger.Dimension.TENANT, from, to).values()).allSatisfy(v ->
        assertThat(v).isNotNegative());
  }

  static Stream<Arguments> unreadableCounts() {
    return Stream.of(
        // the input count as a string; the output is "1000" (x $10 per 1M = 10,000,000 n) in every case
        Arguments.of("lots", 10_000_000L),
        Arguments.of("1e3", 10_000_000L),
        Arguments.of("12.5", 10_000_000L),
        Arguments.of("", 10_000_000L),
        Arguments.of("   ", 10_000_000L),
        Arguments.of("0x10", 10_000_000L),
        Arguments.of("NaN", 10_000_000L),
        Arguments.of("-5", 10_000_000L),
        Arguments.of("99999999999999999999", 10_000_000L),
        Arguments.of("\u0000", 10_000_000L),
        // readable after trimming: 12 x $2.50 per 1M = 30,000 n
        Arguments.of(" 12 ", 10_030_000L));
  }

  @ParameterizedTest(name = "input_tokens=\"{0}\"")
  @MethodSource("unreadableCounts")
  void nonNumericStringTokenCounts_areIgnored(String input, long expectedTotalNanos) {
    SpanData s = chat(span -> span.setAttribute("gen_ai.provider.name", "openai")
        .setAttribute("gen_ai.request.model", "gpt-4o")
        .setAttribute("gen_ai.usage.input_tokens", input)
        .setAttribute("gen_ai.usage.output_tokens", "1000"));
    assertThat(totalNanos(s)).isEqualTo(expectedTotalNanos);
    assertThat(unpriced(s)).isFalse();
  }

  @Test
  void wronglyTypedAttributes_areIgnored() {
    SpanData s = chat(span -> span.setAttribute("gen_ai.provider.name", "openai")
        .setAttribute("gen_ai.request.model", "gpt-4o")
        .setAttribute("gen_ai.usage.input_tokens", 1000.75)
        .setAttribute(AttributeKey.booleanKey("gen_ai.usage.cache_read.input_tokens"), true)
        .setAttribute(AttributeKey.longArrayKey("gen_ai.usage.output_tokens"), List.of(1L, 2L))
        .setAttribute(AttributeKey.doubleKey("lockn.cost.reported_nanos"), 1e300));
    // No readable count at all: nothing to price, and no cost attributes.
    assertThat(totalNanos(s)).isIn(null, 0L);
    assertNoNegativeCost(s);

    SpanData typedModel = chat(span -> span.setAttribute("gen_ai.provider.name", "openai")
        .setAttribute(AttributeKey.longKey("gen_ai.request.model"), 4L)
        .setAttribute("gen_ai.usage.input_tokens", 1000L));
    assertThat(unpriced(typedModel)).isTrue();
    assertPricedXorUnpriced(typedModel);
  }

  @Test
  void cacheAndReasoningCountsLargerThanTheirTotals_areReadAsLeftOutOfThem_notClamped() {
    SpanData anthropic = chat(s -> s.setAttribute("gen_ai.provider.name", "anthropic")
        .setAttribute("gen_ai.request.model", "claude-sonnet-4-5")
        .setAttribute("gen_ai.usage.input_tokens", 1_000L)
        .setAttribute("gen_ai.usage.cache_read.input_tokens", 5_000L)
        .setAttribute("gen_ai.usage.cache_creation.input_tokens", 3_000L)
        .setAttribute("lockn.usage.cache_write_1h.input_tokens", 9_000L)
        .setAttribute("gen_ai.usage.output_tokens", 10L));
    // Cache reads and writes (8,000) exceed the input (1,000): the source left them out of it (Anthropic's
    // convention), so the input is 1,000 uncached + 5,000 read + 3,000 written. The 1-hour writes (9,000) cannot
    // exceed the writes: all 3,000 are read as 1-hour, and a warning says so. Per 1M: 1,000 x $3 + 5,000 x $0.30 +
    // 3,000 x $6 + 10 x $15 = $0.003 + $0.0015 + $0.018 + $0.00015.
    assertThat(anthropic.getAttributes().get(CostAttributes.INPUT)).isEqualTo(0.003);
    assertThat(anthropic.getAttributes().get(CostAttributes.CACHE_READ)).isEqualTo(0.0015);
    assertThat(anthropic.getAttributes().get(CostAttributes.CACHE_WRITE)).isEqualTo(0.018);
    assertThat(totalNanos(anthropic)).isEqualTo(22_650_000L);

    SpanData openai = chat(s -> s.setAttribute("gen_ai.provider.name", "openai")
        .setAttribute("gen_ai.request.model", "o4-mini")
        .setAttribute("gen_ai.usage.input_tokens", 1_000L)
        .setAttribute("gen_ai.usage.output_tokens", 100L)
        .setAttribute("gen_ai.usage.reasoning.output_tokens", 500L));
    // Reasoning (500) exceeds the output (100): the output left it out (Gemini's convention), so the output is 100 +
    // 500 reasoning. Per 1M: 1,000 x $1.10 + 100 x $4.40 + 500 reasoning x $4.40 = $0.0011 + $0.00044 + $0.0022.
    assertThat(openai.getAttributes().get(CostAttributes.REASONING)).isEqualTo(0.0022);
    assertThat(totalNanos(openai)).isEqualTo(3_740_000L);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Hostile provider and model ids.

  @Test
  void missingOrNullProviderAndModel() {
    // No provider: the model id alone still finds OpenAI's price ($2.50 + $10 per 1M, 1,000 each).
    SpanData noProvider = chat(s -> s.setAttribute("gen_ai.request.model", "gpt-4o")
        .setAttribute("gen_ai.usage.input_tokens", 1_000L).setAttribute("gen_ai.usage.output_tokens", 1_000L));
    assertThat(totalNanos(noProvider)).isEqualTo(12_500_000L);
    assertThat(noProvider.getAttributes().get(CostAttributes.PRICING_ID)).isEqualTo("openai/gpt-4o@2024-10-02");
    // The deprecated gen_ai.system.
    SpanData system = chat(s -> s.setAttribute("gen_ai.system", "openai")
        .setAttribute("gen_ai.response.model", "gpt-4o-2024-08-06")
        .setAttribute("gen_ai.usage.input_tokens", 1_000L).setAttribute("gen_ai.usage.output_tokens", 1_000L));
    assertThat(totalNanos(system)).isEqualTo(12_500_000L);

    List<SpanData> unpricedSpans = List.of(
        chat(s -> s.setAttribute("gen_ai.provider.name", "openai")
            .setAttribute("gen_ai.usage.input_tokens", 1_000L)),
        chat(s -> s.setAttribute("gen_ai.usage.input_tokens", 1_000L)),
        chat(s -> s.setAttribute("gen_ai.provider.name", "openai").setAttribute("gen_ai.request.model", "")
            .setAttribute("gen_ai.usage.input_tokens", 1_000L)),
        chat(s -> s.setAttribute("gen_ai.provider.name", "").setAttribute("gen_ai.request.model", "   ")
            .setAttribute("gen_ai.usage.input_tokens", 1_000L)),
        chat(s -> s.setAttribute(AttributeKey.stringKey("gen_ai.provider.name"), null)
            .setAttribute(AttributeKey.stringKey("gen_ai.request.model"), null)
            .setAttribute("gen_ai.usage.input_tokens", 1_000L)),
        chat(s -> s.setAttribute("gen_ai.provider.name", "openai")
            .setAttribute("gen_ai.response.model", "no-such-model-2099")
            .setAttribute("gen_ai.usage.output_tokens", 1_000L)));
    assertThat(unpricedSpans).allSatisfy(s -> {
      assertThat(unpriced(s)).as("%s", s.getAttributes()).isTrue();
      assertThat(totalNanos(s)).isNull();
      assertPricedXorUnpriced(s);
    });
    assertThat(unpricedCalls()).isEqualTo(unpricedSpans.size());
  }

  @Test
  void hugeIds_areUnpricedOrPricedButNeverThrow() {
    String huge = "x".repeat(100_000);
    SpanData hugeModel = chat(s -> s.setAttribute("gen_ai.provider.name", "openai")
        .setAttribute("gen_ai.request.model", "gpt-4o-" + huge)
        .setAttribute("gen_ai.response.model", huge)
        .setAttribute("gen_ai.usage.input_tokens", 1_000L));
    assertThat(unpriced(hugeModel)).isTrue();
    assertPricedXorUnpriced(hugeModel);
    // A huge provider name: the model id still resolves across providers.
    SpanData hugeProvider = chat(s -> s.setAttribute("gen_ai.provider.name", huge)
        .setAttribute("gen_ai.request.model", "gpt-4o")
        .setAttribute("gen_ai.usage.input_tokens", 1_000L).setAttribute("gen_ai.usage.output_tokens", 1_000L)
        .setAttribute("app.tenant_id", huge));
    assertThat(totalNanos(hugeProvider)).isEqualTo(12_500_000L);
    assertThat(ledger.total(NOW.minusSeconds(60), NOW.plusSeconds(60))).isEqualByComparingTo("0.0125");
  }

  @Test
  void manyDistinctUnknownModels_keepTheUnpricedMetricBounded() {
    for (int i = 0; i < 300; i++) {
      String model = "unknown-model-" + i;
      chat(s -> s.setAttribute("gen_ai.provider.name", "openai").setAttribute("gen_ai.request.model", model)
          .setAttribute("gen_ai.usage.input_tokens", 10L));
    }
    MetricData unpricedMetric = metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals("lockn.client.unpriced_calls")).findFirst().orElseThrow();
    assertThat(unpricedMetric.getLongSumData().getPoints()).hasSizeLessThanOrEqualTo(101);
    assertThat(unpricedMetric.getLongSumData().getPoints().stream().mapToLong(LongPointData::getValue).sum())
        .isEqualTo(300);
  }

  @Test
  void controlCharactersAndUnpairedSurrogates_inIds() {
    for (String id : HOSTILE_IDS) {
      SpanData asModel = chat(s -> s.setAttribute("gen_ai.provider.name", "openai")
          .setAttribute("gen_ai.request.model", id)
          .setAttribute("gen_ai.usage.input_tokens", 1_000L));
      assertPricedXorUnpriced(asModel);
      SpanData asProvider = chat(s -> s.setAttribute("gen_ai.provider.name", id)
          .setAttribute("gen_ai.response.model", id + "/" + id)
          .setAttribute("gen_ai.request.model", "claude-haiku-4-5")
          .setAttribute("app.tenant_id", id)
          .setAttribute("gen_ai.agent.name", id)
          .setAttribute("gen_ai.usage.input_tokens", 1_000L));
      assertPricedXorUnpriced(asProvider);
    }
    // Controls that are plainly not a model id are unpriced, not guessed.
    SpanData nul = chat(s -> s.setAttribute("gen_ai.provider.name", "openai")
        .setAttribute("gen_ai.request.model", "\u0000").setAttribute("gen_ai.usage.input_tokens", 1L));
    assertThat(unpriced(nul)).isTrue();
    SpanData lone = chat(s -> s.setAttribute("gen_ai.provider.name", "openai")
        .setAttribute("gen_ai.request.model", "\uD800").setAttribute("gen_ai.usage.input_tokens", 1L));
    assertThat(unpriced(lone)).isTrue();
    assertThatCode(() -> metrics.collectAllMetrics()).doesNotThrowAnyException();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // A metrics backend that throws.

  /** A metrics API object whose builders work but whose instruments throw, or whose every method throws. */
  private static <T> T throwing(Class<T> type, boolean instrumentsOnly) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      switch (method.getName()) {
        case "equals":
          if (method.getParameterCount() == 1) {
            return proxy == args[0];
          }
          break;
        case "hashCode":
          if (method.getParameterCount() == 0) {
            return System.identityHashCode(proxy);
          }
          break;
        case "toString":
          if (method.getParameterCount() == 0) {
            return "throwing " + type.getSimpleName();
          }
          break;
        default:
          break;
      }
      Class<?> returns = method.getReturnType();
      if (instrumentsOnly && returns.isInterface() && returns.getName().startsWith("io.opentelemetry.api.metrics.")) {
        return throwing(returns, true);
      }
      throw new IllegalStateException("metrics backend failure in " + type.getSimpleName() + "." + method.getName());
    }));
  }

  static Stream<Arguments> throwingMeterProviders() {
    return Stream.of(
        Arguments.of("instruments throw on add", throwing(MeterProvider.class, true)),
        Arguments.of("the meter provider throws", throwing(MeterProvider.class, false)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("throwingMeterProviders")
  void throwingMeterProvider_spansStillEndPricedAndExported(String name, MeterProvider broken) {
    // Sanity: the proxy really throws.
    assertThatCode(() -> broken.meterBuilder("x").build().counterBuilder("c").build().add(1))
        .isInstanceOf(IllegalStateException.class);
    Tracer t = replaceProcessor(CostPipeline.builder(PriceCatalog.bundled()).setMeterProvider(broken).build());
    for (int i = 0; i < 3; i++) {
      SpanData priced = chat(t, s -> s.setAttribute("gen_ai.provider.name", "openai")
          .setAttribute("gen_ai.request.model", "gpt-4o")
          .setAttribute("gen_ai.usage.input_tokens", 1_000L).setAttribute("gen_ai.usage.output_tokens", 1_000L));
      assertThat(totalNanos(priced)).isEqualTo(12_500_000L);
      assertThat(priced.getAttributes().get(CostAttributes.PRICING_ID)).isEqualTo("openai/gpt-4o@2024-10-02");
      SpanData unknown = chat(t, s -> s.setAttribute("gen_ai.provider.name", "openai")
          .setAttribute("gen_ai.request.model", "no-such-model").setAttribute("gen_ai.usage.input_tokens", 1L));
      assertThat(unpriced(unknown)).isTrue();
    }
  }

  @Test
  void throwingInstruments_doNotCostTheLedgerOrTheRollup() {
    Tracer t = replaceProcessor(CostPipeline.builder(PriceCatalog.bundled())
        .setMeterProvider(throwing(MeterProvider.class, true))
        .setLedger(ledger).build());
    Span agent = t.spanBuilder("agent").setAttribute("gen_ai.operation.name", "invoke_agent").startSpan();
    try (Scope ignored = agent.makeCurrent()) {
      chat(t, s -> s.setAttribute("gen_ai.provider.name", "openai").setAttribute("gen_ai.request.model", "gpt-4o")
          .setAttribute("gen_ai.usage.input_tokens", 1_000L).setAttribute("gen_ai.usage.output_tokens", 1_000L)
          .setAttribute("app.tenant_id", "acme"));
    }
    agent.end();
    // The metric is lost with its backend; the span roll-up and the in-process ledger are not.
    SpanData agentData = exported("agent");
    assertSoftly(softly -> {
      softly.assertThat(agentData.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).as("roll-up")
          .isEqualTo(12_500_000L);
      softly.assertThat(ledger.total(NOW.minusSeconds(60), NOW.plusSeconds(60))).as("ledger")
          .isEqualByComparingTo("0.0125");
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The ledger fed extreme values.

  @Test
  void ledger_extremeRecordsNeverThrow() {
    CostLedger l = CostLedger.create();
    String huge = "y".repeat(100_000);
    long now = NOW.toEpochMilli();
    assertThatCode(() -> {
      l.record(Long.MIN_VALUE, 5, null, null, null, null, null);
      l.record(Long.MAX_VALUE, 5, "", "", "", "", "");
      l.record(-1, 5, "\uD800", "\u0000", "\r\n", huge, huge);
      l.record(now, -5, "t", null, null, null, null);
      l.record(now, Long.MIN_VALUE, "t", null, null, null, null);
      l.record(now, 0, "t", null, null, null, null);
      for (int i = 0; i < 3_000; i++) {
        l.record(now, 1, "tenant-" + i, null, null, null, "model-" + i);
      }
    }).doesNotThrowAnyException();
    Instant from = NOW.minusSeconds(60);
    Instant to = NOW.plusSeconds(60);
    // Only the 3,000 positive records in the window count: 3,000 nano-USD.
    assertThat(l.total(from, to)).isEqualTo(new BigDecimal("0.000003000"));
    Map<String, BigDecimal> tenants = l.totals(CostLedger.Dimension.TENANT, from, to);
    assertThat(tenants).hasSizeLessThanOrEqualTo(CostLedger.MAX_VALUES_PER_BUCKET + 1);
    assertThat(tenants.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add))
        .isEqualTo(new BigDecimal("0.000003000"));
    // Reversed and empty windows are empty, not errors.
    assertThat(l.total(to, from)).isEqualByComparingTo("0");
    assertThat(l.total(from, from)).isEqualByComparingTo("0");
  }

  @Test
  void ledger_totalsNeverOverflowToNegative() {
    CostLedger l = CostLedger.create();
    long now = NOW.toEpochMilli();
    // Two calls of 2^63-1 nano-USD in the same minute.
    l.record(now, Long.MAX_VALUE, "acme", null, null, null, "gpt-4o");
    l.record(now, Long.MAX_VALUE, "acme", null, null, null, "gpt-4o");
    Instant from = NOW.minusSeconds(600);
    Instant to = NOW.plusSeconds(600);
    assertThat(l.total(from, to)).isNotNegative();
    assertThat(l.totals(CostLedger.Dimension.TENANT, from, to).get("acme")).isNotNegative();
    assertThat(l.totals(CostLedger.Dimension.MODEL, from, to).get("gpt-4o")).isNotNegative();
  }

  @Test
  void ledger_queriesOverUnboundedInstantsDoNotThrow() {
    CostLedger l = CostLedger.create();
    l.record(NOW.toEpochMilli(), 1_000, "acme", null, null, null, null);
    assertThatCode(() -> l.total(Instant.MIN, Instant.MAX)).doesNotThrowAnyException();
    assertThatCode(() -> l.totals(CostLedger.Dimension.TENANT, Instant.EPOCH, Instant.MAX))
        .doesNotThrowAnyException();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // PriceCatalog.resolve and cost with null, blank and huge input.

  @Test
  void resolve_nullBlankAndHugeInputs() {
    PriceCatalog catalog = PriceCatalog.bundled();
    String huge = "z".repeat(100_000);
    assertThat(catalog.resolve(null, null)).isNull();
    assertThat(catalog.resolve("openai", null)).isNull();
    assertThat(catalog.resolve("", "")).isNull();
    assertThat(catalog.resolve("  ", " \t\n ")).isNull();
    assertThat(catalog.resolve("openai", huge)).isNull();
    assertThat(catalog.resolve("openai", "gpt-4o-" + huge)).isNull();
    assertThat(catalog.resolve(null, "gpt-4o")).isNotNull();
    assertThat(catalog.resolve(huge, "gpt-4o")).isNotNull();
    assertThat(catalog.resolve("OPENAI", "  GPT-4O  ")).isNotNull();
    for (String id : HOSTILE_IDS) {
      assertThatCode(() -> catalog.resolve(id, id)).doesNotThrowAnyException();
      assertThatCode(() -> catalog.resolve("aws.bedrock", id + ".anthropic." + id + "-v1:0"))
          .doesNotThrowAnyException();
    }
  }

  static Stream<String> edgeIds() {
    return Stream.of("/", "//", "a/", "/a", "openai/", "/openai/gpt-4o", "azure/eu/", "azure/eu",
        "openai/openai/openai/openai/openai/openai/gpt-4o", "@", "gpt-4o@", "@20241022", "-v1:0", ":latest",
        "-latest", "-2024-08-06", "-20241022", "-001", "us.", "us.anthropic.", "anthropic.", "bedrock/us.",
        "global.anthropic.-v2:0", "claude-3.5.", "3.5", ".5", "....", "1.2.3.4.5.6.7.8.9", "models/", "a".repeat(256),
        "a".repeat(257), "gpt-4o" + "-v1".repeat(80));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("edgeIds")
  void resolveAndCost_edgeIdsNeverThrow(String id) {
    PriceCatalog catalog = PriceCatalog.bundled();
    for (String provider : List.of("openai", "azure.ai.openai", "aws.bedrock", "gcp.vertex_ai", "")) {
      assertThatCode(() -> catalog.resolve(provider, id)).doesNotThrowAnyException();
      Cost c = catalog.cost(provider, id, TokenUsage.of(1_000, 1_000), NOW, null);
      assertThat(c.totalNanos()).isNotNegative();
    }
  }

  @Test
  void cost_nullUsageAndOddServiceTiersAreHandled() {
    PriceCatalog catalog = PriceCatalog.bundled();
    TokenUsage usage = TokenUsage.fromOpenAi(1_000_000, 0, 0, 0);
    assertThat(catalog.cost(null, null, usage, NOW, null)).isSameAs(Cost.UNPRICED);
    assertThat(catalog.cost("openai", "gpt-4o", null, NOW, null)).isSameAs(Cost.UNPRICED);
    assertThat(catalog.cost(null, "gpt-4o", usage, NOW, null).totalUsd()).isEqualByComparingTo("2.5");
    // The service tier is case-insensitive; unknown tiers price at the standard rate.
    assertThat(catalog.cost("openai", "gpt-5", usage, NOW, "BATCH").totalUsd()).isEqualByComparingTo("0.625");
    for (String tier : new String[] {"", " ", "\u0000", "x".repeat(100_000), "\uD800", "batch "}) {
      assertThat(catalog.cost("openai", "gpt-5", usage, NOW, tier).totalUsd()).isEqualByComparingTo("1.25");
    }
    // Extreme times given as epoch milliseconds: before any price, or in the far future.
    assertThat(catalog.cost("openai", "gpt-4o", usage, Long.MIN_VALUE, null)).isSameAs(Cost.UNPRICED);
    assertThat(catalog.cost("openai", "gpt-4o", usage, Long.MAX_VALUE, null).totalUsd()).isEqualByComparingTo("2.5");
  }

  @Test
  void cost_nullOrUnrepresentableInstantIsUnpricedNotAnException() {
    PriceCatalog catalog = PriceCatalog.bundled();
    TokenUsage usage = TokenUsage.of(1_000, 1_000);
    assertThatCode(() -> catalog.cost("openai", "gpt-4o", usage, Instant.MAX, null)).doesNotThrowAnyException();
    assertThatCode(() -> catalog.cost("openai", "gpt-4o", usage, Instant.MIN, null)).doesNotThrowAnyException();
    assertThatCode(() -> catalog.cost("openai", "gpt-4o", usage, (Instant) null, null)).doesNotThrowAnyException();
  }

  @Test
  void cost_extremeUsageNeverGivesANegativeOrInconsistentCost() {
    TokenUsage max = TokenUsage.builder()
        .uncachedInputTokens(Long.MAX_VALUE)
        .cacheReadTokens(Long.MAX_VALUE)
        .cacheWrite5mTokens(Long.MAX_VALUE)
        .cacheWrite1hTokens(Long.MAX_VALUE)
        .nonReasoningOutputTokens(Long.MAX_VALUE)
        .reasoningTokens(Long.MAX_VALUE)
        .build();
    PriceCatalog discounted = PriceCatalog.builder().addAll(PriceCatalog.bundled())
        .discount("anthropic", null, new BigDecimal("15")).build();
    List<Cost> costs = List.of(
        PriceCatalog.bundled().cost("openai", "gpt-4o", max, NOW, null),
        PriceCatalog.bundled().cost("anthropic", "claude-opus-4-1", max, NOW, "batch"),
        PriceCatalog.bundled().cost("aws.bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", max, NOW, null),
        discounted.cost("anthropic", "claude-sonnet-4-5", max, NOW, null),
        PriceCatalog.bundled().cost("openai", "gpt-4o", TokenUsage.of(Long.MAX_VALUE, 0), NOW, null));
    assertThat(costs).allSatisfy(c -> {
      assertThat(c.inputNanos()).isNotNegative();
      assertThat(c.outputNanos()).isNotNegative();
      assertThat(c.cacheReadNanos()).isNotNegative();
      assertThat(c.cacheWriteNanos()).isNotNegative();
      assertThat(c.reasoningNanos()).isNotNegative();
      assertThat(c.totalNanos()).as("%s", c).isNotNegative();
      assertThat(c.listTotalNanos()).as("%s", c).isNotNegative();
      if (c.isPriced()) {
        // The total can never be less than any of its parts.
        assertThat(c.totalNanos()).isGreaterThanOrEqualTo(c.inputNanos()).isGreaterThanOrEqualTo(c.outputNanos());
      }
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The resolution cache is bounded.

  @Test
  void fiftyThousandBogusModelIds_resolveQuicklyAndLaterLookupsStillWork() {
    PriceCatalog catalog = PriceCatalog.builder().addAll(PriceCatalog.bundled()).build();
    assertThat(catalog.resolve("openai", "gpt-4o")).isNotNull();
    assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        IntStream.range(0, 50_000).parallel().forEach(i -> {
          String provider = i % 3 == 0 ? "openai" : "bogus-provider-" + (i % 997);
          String model = switch (i % 4) {
            case 0 -> "bogus-model-" + i;
            case 1 -> "openai/azure/eu/bogus-" + i + "-2024-08-06";
            case 2 -> "us.anthropic.bogus-" + i + "-20241022-v2:0";
            default -> "claude-9." + i + "-sonnet@2099" + i;
          };
          if (catalog.resolve(provider, model) != null) {
            throw new AssertionError("bogus id resolved: " + provider + "/" + model);
          }
        }));
    // Models resolved before, and models never seen, still resolve correctly once the cache is full.
    TokenUsage usage = TokenUsage.of(1_000, 500);
    assertThat(catalog.cost("openai", "gpt-4o", usage, NOW, null).totalUsd()).isEqualByComparingTo("0.0075");
    assertThat(catalog.cost("openai", "gpt-4o-2024-11-20", usage, NOW, null).totalUsd())
        .isEqualByComparingTo("0.0075");
    assertThat(catalog.cost("anthropic", "claude-3.5-sonnet", usage, NOW, null).totalUsd())
        .isEqualByComparingTo("0.0105");
    assertThat(catalog.cost("aws.bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", usage, NOW, null)
        .totalUsd()).isEqualByComparingTo("0.01155");
    assertThat(catalog.resolve("openai", "bogus-model-0")).isNull();
  }
}
