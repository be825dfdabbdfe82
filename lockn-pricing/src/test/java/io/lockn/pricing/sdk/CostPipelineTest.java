package io.lockn.pricing.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.AttributionKeys;
import io.lockn.core.GenAiProvider;
import io.lockn.core.LockN;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.CostLedger;
import io.lockn.pricing.PriceCatalog;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.testing.time.TestClock;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CostPipelineTest {

  private static final Instant NOW = Instant.parse("2026-11-01T12:00:00Z");

  private InMemorySpanExporter spans;
  private InMemoryMetricReader metrics;
  private CostLedger ledger;
  private OpenTelemetrySdk sdk;
  private CostPipeline costs;
  private LockN lockn;

  @BeforeEach
  void setUp() {
    spans = InMemorySpanExporter.create();
    metrics = InMemoryMetricReader.create();
    ledger = CostLedger.create();
    SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(metrics).build();
    costs = CostPipeline.builder(PriceCatalog.bundled())
        .setMeterProvider(meters)
        .addMetricAttributionKey("app.tenant_id")
        .setLedger(ledger)
        .build();
    sdk =
        OpenTelemetrySdk.builder()
            .setMeterProvider(meters)
            .setTracerProvider(
                SdkTracerProvider.builder()
                    // Spans start at NOW by the SDK's clock: their prices are those in force then.
                    .setClock(TestClock.create(NOW))
                    .addSpanProcessor(costs)
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    lockn = LockN.builder().setOpenTelemetry(sdk).setCallPricing(costs).build();
  }

  private SpanData span(String name) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void lockNChatSpan_carriesTheTotalCurrencySourceAndPricingId_notThePartsByDefault() {
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> lockn.currentLlmCall()
        .recordUsage(TokenUsage.fromOpenAi(1000, 200, 500, 0)).responseModel("gpt-4o-2024-08-06"));

    // 800 uncached x $2.50/M + 200 cached x $1.25/M + 500 out x $10/M = $0.002 + $0.00025 + $0.005.
    Map<AttributeKey<?>, Object> a = span("chat gpt-4o").getAttributes().asMap();
    assertThat(a).containsEntry(CostAttributes.TOTAL_NANOS, 7_250_000L)
        .containsEntry(CostAttributes.TOTAL, 0.00725)
        .containsEntry(CostAttributes.PRICING_ID, "openai/gpt-4o-2024-08-06")
        // The source only when it is the provider; the parts and the currency only with the breakdown.
        .doesNotContainKeys(CostAttributes.INPUT, CostAttributes.OUTPUT, CostAttributes.CACHE_READ,
            CostAttributes.CACHE_WRITE, CostAttributes.REASONING, CostAttributes.UNPRICED, CostAttributes.SOURCE,
            CostAttributes.CURRENCY, CostAttributes.LIST_TOTAL_NANOS);
  }

  @Test
  void spanCostBreakdown_writesTheNonZeroParts() {
    CostPipeline detailed = CostPipeline.builder(PriceCatalog.bundled()).setSpanCostBreakdown(true).build();
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
        .setClock(TestClock.create(NOW)).addSpanProcessor(detailed).addSpanProcessor(SimpleSpanProcessor.create(exported))
        .build()).build()) {
      LockN local = LockN.builder().setOpenTelemetry(otel).setCallPricing(detailed).build();
      local.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> local.currentLlmCall()
          .recordUsage(TokenUsage.fromOpenAi(1000, 200, 500, 0)).responseModel("gpt-4o-2024-08-06"));

      Map<AttributeKey<?>, Object> a = exported.getFinishedSpanItems().get(0).getAttributes().asMap();
      assertThat(a).containsEntry(CostAttributes.TOTAL_NANOS, 7_250_000L)
          .containsEntry(CostAttributes.INPUT, 0.002)
          .containsEntry(CostAttributes.CACHE_READ, 0.00025)
          .containsEntry(CostAttributes.OUTPUT, 0.005)
          .doesNotContainKey(CostAttributes.CACHE_WRITE) // a part that costs nothing is not written
          .doesNotContainKey(CostAttributes.REASONING)
          .containsEntry(CostAttributes.CURRENCY, "USD")
          .containsEntry(CostAttributes.SOURCE, "local");
    }
  }

  @Test
  void rollups_onAgentTaskWorkflowAndRoot() {
    lockn.attribution().tenant("acme").run(() ->
        lockn.workflow("support").run(() -> lockn.agent("bot").task("triage").run(() -> {
          lockn.chat("openai", "gpt-4o-mini").run(() ->
              lockn.currentLlmCall().recordUsage(TokenUsage.of(1_000_000, 0)));       // $0.15
          lockn.tool("search").run(() -> lockn.embeddings("openai", "text-embedding-3-small").run(() ->
              lockn.currentLlmCall().recordUsage(TokenUsage.of(1_000_000, 0))));      // $0.02
          lockn.chat("openai", "my-private-model").run(() ->
              lockn.currentLlmCall().recordUsage(TokenUsage.of(10, 10)));             // unpriced
        })));

    Map<AttributeKey<?>, Object> agent = span("invoke_agent bot").getAttributes().asMap();
    assertThat(agent).containsEntry(CostAttributes.ROLLUP_TOTAL_NANOS, 170_000_000L)
        .containsEntry(CostAttributes.ROLLUP_TOTAL, 0.17)
        .containsEntry(CostAttributes.ROLLUP_CALLS, 2L)
        .containsEntry(CostAttributes.ROLLUP_UNPRICED_CALLS, 1L);
    assertThat(span("invoke_workflow support").getAttributes().asMap())
        .containsEntry(CostAttributes.ROLLUP_TOTAL_NANOS, 170_000_000L);
    // Tools carry their own children's cost only through their ancestors.
    assertThat(span("execute_tool search").getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isNull();
    assertThat(span("chat my-private-model").getAttributes().get(CostAttributes.UNPRICED)).isTrue();
    assertThat(span("chat my-private-model").getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
    // Ledger totals by tenant, agent and model.
    Instant from = NOW.minusSeconds(60);
    Instant to = NOW.plusSeconds(60);
    assertThat(ledger.total(from, to)).isEqualByComparingTo("0.17");
    assertThat(ledger.totals(CostLedger.Dimension.TENANT, from, to)).containsExactly(
        Map.entry("acme", new BigDecimal("0.170000000")));
    assertThat(ledger.totals(CostLedger.Dimension.AGENT, from, to)).containsEntry("bot",
        new BigDecimal("0.170000000"));
    assertThat(ledger.totals(CostLedger.Dimension.MODEL, from, to)).containsExactly(
        Map.entry("gpt-4o-mini", new BigDecimal("0.150000000")),
        Map.entry("text-embedding-3-small", new BigDecimal("0.020000000")));
  }

  @Test
  void rollup_onAPlainRootSpanAboveLockN() {
    Tracer tracer = sdk.getTracer("app");
    Span root = tracer.spanBuilder("POST /tickets").setSpanKind(SpanKind.SERVER).startSpan();
    try (var ignored = root.makeCurrent()) {
      lockn.chat("anthropic", "claude-haiku-4-5").run(() ->
          lockn.currentLlmCall().recordUsage(TokenUsage.fromAnthropic(1000, 0, 0, 1000)));  // $0.006
    } finally {
      root.end();
    }
    assertThat(span("POST /tickets").getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(6_000_000L);
  }

  @Test
  void foreignSpans_deprecatedNamesSystemAndStringValues() {
    Tracer tracer = sdk.getTracer("io.opentelemetry.openai-java-1.1");
    Span legacy = tracer.spanBuilder("chat gpt-4o-mini").setSpanKind(SpanKind.CLIENT)
        .setAttribute("gen_ai.operation.name", "chat")
        .setAttribute("gen_ai.system", "openai")
        .setAttribute("gen_ai.request.model", "gpt-4o-mini")
        .startSpan();
    legacy.setAttribute("gen_ai.usage.prompt_tokens", 1_000_000L);
    legacy.setAttribute("gen_ai.usage.completion_tokens", 1_000_000L);
    legacy.end();
    // Micrometer-bridged observations (Spring AI) carry numbers as strings.
    Span bridged = tracer.spanBuilder("chat claude-3-5-haiku").setSpanKind(SpanKind.CLIENT)
        .setAttribute("gen_ai.operation.name", "chat")
        .setAttribute("gen_ai.provider.name", "anthropic")
        .setAttribute("gen_ai.request.model", "claude-3-5-haiku-latest")
        .setAttribute("gen_ai.usage.input_tokens", "1000000")
        .setAttribute("gen_ai.usage.output_tokens", "0")
        .startSpan();
    bridged.end();

    assertThat(span("chat gpt-4o-mini").getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(750_000_000L);
    assertThat(span("chat claude-3-5-haiku").getAttributes().get(CostAttributes.TOTAL_NANOS))
        .isEqualTo(800_000_000L);
  }

  @Test
  void providerReportedCost_winsOverTheCatalog() {
    lockn.chat("openrouter", "anthropic/claude-sonnet-4-5").run(() -> lockn.currentLlmCall()
        .recordUsage(TokenUsage.of(1000, 1000)).providerReportedCost(new BigDecimal("0.0191")));
    Map<AttributeKey<?>, Object> a = span("chat anthropic/claude-sonnet-4-5").getAttributes().asMap();
    assertThat(a).containsEntry(CostAttributes.TOTAL_NANOS, 19_100_000L)
        .containsEntry(CostAttributes.SOURCE, "provider")
        .containsEntry(CostAttributes.PRICING_ID, "openrouter/reported");
  }

  @Test
  void unknownResponseModel_fallsBackToTheRequestModel() {
    lockn.chat("azure.ai.openai", "gpt-4o-mini").run(() -> lockn.currentLlmCall()
        .recordUsage(TokenUsage.of(1_000_000, 0)).responseModel("gpt-4o-mini-2099-01-01-custom"));
    assertThat(span("chat gpt-4o-mini").getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(150_000_000L);
  }

  @Test
  void costMetric_exactNanosByTokenClassAndTenant() {
    lockn.attribution().tenant("acme").run(() -> lockn.chat("openai", "gpt-4o").run(() ->
        lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(1000, 200, 500, 0))));
    lockn.chat("openai", "unknown-model-x").run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(1, 1)));

    List<MetricData> all = List.copyOf(metrics.collectAllMetrics());
    MetricData cost = all.stream().filter(m -> m.getName().equals("lockn.client.cost")).findFirst().orElseThrow();
    assertThat(cost.getUnit()).isEqualTo("{nanoUSD}");
    Map<String, Long> byType = cost.getLongSumData().getPoints().stream().collect(Collectors.toMap(
        p -> p.getAttributes().get(CostAttributes.COST_TYPE), LongPointData::getValue));
    assertThat(byType).containsOnly(Map.entry("input", 2_000_000L), Map.entry("cache_read", 250_000L),
        Map.entry("output", 5_000_000L));
    assertThat(cost.getLongSumData().getPoints()).allSatisfy(p -> assertThat(p.getAttributes().asMap())
        .containsEntry(AttributeKey.stringKey("app.tenant_id"), "acme")
        .containsEntry(AttributeKey.stringKey("gen_ai.provider.name"), "openai")
        .containsEntry(AttributeKey.stringKey("gen_ai.request.model"), "gpt-4o"));
    MetricData unpriced =
        all.stream().filter(m -> m.getName().equals("lockn.client.unpriced_calls")).findFirst().orElseThrow();
    assertThat(unpriced.getLongSumData().getPoints()).singleElement()
        .satisfies(p -> assertThat(p.getValue()).isEqualTo(1));
  }

  /**
   * Without metric attribution keys the cost metric's attributes are built once per provider and models and reused:
   * repeated calls add up exactly on the same series, each cost type its own, the unpriced counter has no cost type,
   * and models past the cardinality limit are recorded as {@code _OTHER}, on the first and every later call.
   */
  @Test
  void costMetricWithoutAttributionKeys_cachedAttributes_exactSumsAndBoundedModels() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(reader).build();
    CostPipeline local2 = CostPipeline.builder(PriceCatalog.bundled()).setMeterProvider(meters)
        .setMetricCardinalityLimit(2).build();
    OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setMeterProvider(meters)
        .setTracerProvider(SdkTracerProvider.builder().setClock(TestClock.create(NOW)).addSpanProcessor(local2).build())
        .build();
    LockN local = LockN.builder().setOpenTelemetry(otel).setCallPricing(local2).build();
    for (int i = 0; i < 3; i++) {
      local.chat("openai", "gpt-4o").run(() -> local.currentLlmCall()
          .recordUsage(TokenUsage.fromOpenAi(1000, 200, 500, 0)));
    }
    // Two request models fill the limit of 2 (gpt-4o, gpt-4o-mini); gpt-5 and o3 overflow.
    for (String model : List.of("gpt-4o-mini", "gpt-5", "o3", "gpt-5")) {
      local.chat("openai", model).run(() -> local.currentLlmCall().recordUsage(TokenUsage.of(1_000_000, 0)));
    }
    local.chat("openai", "unknown-model-x").run(() -> local.currentLlmCall().recordUsage(TokenUsage.of(1, 1)));

    List<MetricData> all = List.copyOf(reader.collectAllMetrics());
    MetricData cost = all.stream().filter(m -> m.getName().equals("lockn.client.cost")).findFirst().orElseThrow();
    Map<String, Long> byModelAndType = cost.getLongSumData().getPoints().stream().collect(Collectors.toMap(
        p -> p.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")) + "/"
            + p.getAttributes().get(CostAttributes.COST_TYPE), LongPointData::getValue));
    // gpt-4o, 3 calls: input 3 x 2,000,000; cache_read 3 x 250,000; output 3 x 5,000,000.
    // gpt-4o-mini: 1M input x $0.15 = 150,000,000. _OTHER: gpt-5 twice (2 x $1.25) and o3 once ($2.00), 1M input each.
    assertThat(byModelAndType).containsOnly(
        Map.entry("gpt-4o/input", 6_000_000L), Map.entry("gpt-4o/cache_read", 750_000L),
        Map.entry("gpt-4o/output", 15_000_000L), Map.entry("gpt-4o-mini/input", 150_000_000L),
        Map.entry("_OTHER/input", 2 * 1_250_000_000L + 2_000_000_000L));
    MetricData unpriced =
        all.stream().filter(m -> m.getName().equals("lockn.client.unpriced_calls")).findFirst().orElseThrow();
    assertThat(unpriced.getLongSumData().getPoints()).singleElement().satisfies(p -> {
      assertThat(p.getValue()).isEqualTo(1);
      assertThat(p.getAttributes().get(CostAttributes.COST_TYPE)).isNull();
      assertThat(p.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("_OTHER");
    });
    otel.close();
  }

  /** With a metric attribution key, the cached attributes are per tenant too: alternating tenants sum apart. */
  @Test
  void costMetric_alternatingTenants_eachTenantsSumExact() {
    for (int i = 0; i < 10; i++) {
      String tenant = i % 2 == 0 ? "acme" : "globex";
      long input = i % 2 == 0 ? 1000 : 2000;
      lockn.attribution().tenant(tenant).run(() -> lockn.chat("openai", "gpt-4o").run(() ->
          lockn.currentLlmCall().recordUsage(TokenUsage.of(input, 0))));
    }

    MetricData cost = metrics.collectAllMetrics().stream().filter(m -> m.getName().equals("lockn.client.cost"))
        .findFirst().orElseThrow();
    Map<String, Long> byTenant = cost.getLongSumData().getPoints().stream().collect(Collectors.toMap(
        p -> p.getAttributes().get(AttributeKey.stringKey("app.tenant_id")), LongPointData::getValue));
    // gpt-4o input $2.50 per 1M: acme 5 x 1000 x 2,500 = 12,500,000; globex 5 x 2000 x 2,500 = 25,000,000.
    assertThat(byTenant).containsOnly(Map.entry("acme", 12_500_000L), Map.entry("globex", 25_000_000L));
  }

  @Test
  void openSpanTable_isBoundedAndEmptiesWhenSpansEnd() {
    CostPipeline processor = CostPipeline.builder(PriceCatalog.bundled()).setMaxOpenSpans(2).build();
    SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(processor).build();
    Tracer tracer = provider.get("t");
    Span a = tracer.spanBuilder("a").startSpan();
    Span b = tracer.spanBuilder("b").startSpan();
    Span c = tracer.spanBuilder("c").startSpan();
    assertThat(processor.openSpans()).isEqualTo(2);
    a.end();
    b.end();
    c.end();
    assertThat(processor.openSpans()).isZero();
    provider.close();
  }

  // ---- one pricing path: dates, sampling, double counting, stages ----

  /** A foreign chat span of gpt-4o with 1,000 input and 1,000 output tokens, started by {@code builder}. */
  private static Span foreignChat(io.opentelemetry.api.trace.SpanBuilder builder) {
    Span span = builder.setSpanKind(SpanKind.CLIENT)
        .setAttribute("gen_ai.operation.name", "chat")
        .setAttribute("gen_ai.provider.name", "openai")
        .setAttribute("gen_ai.request.model", "gpt-4o")
        .startSpan();
    span.setAttribute("gen_ai.usage.input_tokens", 1000L);
    span.setAttribute("gen_ai.usage.output_tokens", 1000L);
    return span;
  }

  @Test
  void foreignSpan_withAnExplicitStartTimestamp_isPricedAtThatDate() {
    Tracer tracer = sdk.getTracer("io.opentelemetry.openai-java-1.1");
    // gpt-4o cost $5/$15 per million until 2024-10-02: 1,000 x $5/M + 1,000 x $15/M = $0.02, not today's $0.0125.
    foreignChat(tracer.spanBuilder("chat then").setStartTimestamp(Instant.parse("2024-06-01T09:00:00Z"))).end();
    foreignChat(tracer.spanBuilder("chat now")).end();

    assertThat(span("chat then").getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(20_000_000L);
    assertThat(span("chat now").getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(12_500_000L);
  }

  @Test
  void foreignAndLockNSpans_startedByTheSdksClockInThePast_arePricedAtThatDate() {
    CostPipeline past = CostPipeline.builder(PriceCatalog.bundled()).build();
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    try (OpenTelemetrySdk old = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .setClock(TestClock.create(Instant.parse("2024-06-01T09:00:00Z")))
            .addSpanProcessor(past).addSpanProcessor(SimpleSpanProcessor.create(exported)).build())
        .build()) {
      foreignChat(old.getTracer("other").spanBuilder("chat foreign")).end();
      LockN local = LockN.builder().setOpenTelemetry(old).setCallPricing(past).build();
      local.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> local.currentLlmCall().recordUsage(TokenUsage.of(1000, 1000)));

      // Both at 2024-06-01's $5/$15: $0.02 each.
      assertThat(exported.getFinishedSpanItems()).hasSize(2).allSatisfy(s ->
          assertThat(s.getAttributes().get(CostAttributes.TOTAL_NANOS)).as(s.getName()).isEqualTo(20_000_000L));
    }
  }

  @Test
  void spanStartTimes_readTheSdkSpansOwnStart_withoutCopyingItsAttributes() {
    // The fast path must be active on the SDK LockN is built against; a renamed field would silently fall back.
    assertThat(SpanStartTimes.fast()).isTrue();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create())).build();
    Span span = provider.get("t").spanBuilder("s").setStartTimestamp(Instant.parse("2024-06-01T09:00:00.123456789Z"))
        .startSpan();
    io.opentelemetry.sdk.trace.ReadableSpan readable = (io.opentelemetry.sdk.trace.ReadableSpan) span;
    assertThat(SpanStartTimes.epochNanos(readable)).isEqualTo(readable.toSpanData().getStartEpochNanos())
        .isEqualTo(1_717_232_400_123_456_789L);
    span.end();
    provider.close();
  }

  @Test
  void spanLockNAlreadyPriced_isNotPricedAgain_evenWithoutThisPipelineAsLockNsPricing() {
    // LockN priced by another pipeline instance (the same catalog): this one must not count the span a second time.
    CostPipeline other = CostPipeline.builder(PriceCatalog.bundled()).build();
    LockN separate = LockN.builder().setOpenTelemetry(sdk).setCallPricing(other).build();

    separate.agent("a").run(() -> separate.chat(GenAiProvider.OPENAI, "gpt-4o").run(() ->
        separate.currentLlmCall().recordUsage(TokenUsage.of(1000, 1000))));

    assertThat(span("chat gpt-4o").getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(12_500_000L);
    // This pipeline recorded nothing (no metric, no ledger) but rolled the span's cost up.
    assertThat(metrics.collectAllMetrics()).noneMatch(m -> m.getName().equals("lockn.client.cost"));
    assertThat(ledger.total(Instant.MIN, Instant.MAX)).isEqualByComparingTo("0");
    assertThat(span("invoke_agent a").getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(12_500_000L);
  }

  @Test
  void foreignGenAiSpan_underAnUnsampledParent_isCountedButNotExported_withCostAwareSampler() {
    CostPipeline costs2 = CostPipeline.builder(PriceCatalog.bundled()).setLedger(ledger).build();
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    try (SdkTracerProvider provider = SdkTracerProvider.builder()
        .setSampler(io.lockn.core.sdk.CostAwareSampler.wrap(
            io.opentelemetry.sdk.trace.samplers.Sampler.parentBased(
                io.opentelemetry.sdk.trace.samplers.Sampler.alwaysOff())))
        .addSpanProcessor(costs2).addSpanProcessor(SimpleSpanProcessor.create(exported)).build()) {
      Tracer tracer = provider.get("io.opentelemetry.openai-java-1.1");
      Span request = tracer.spanBuilder("GET /ask").setSpanKind(SpanKind.SERVER).startSpan();
      try (var ignored = request.makeCurrent()) {
        foreignChat(tracer.spanBuilder("chat gpt-4o")).end();
      } finally {
        request.end();
      }

      assertThat(exported.getFinishedSpanItems()).isEmpty();
      // 1,000 x $2.50/M + 1,000 x $10/M, in the ledger although no span was exported.
      assertThat(ledger.total(Instant.MIN, Instant.MAX)).isEqualByComparingTo("0.0125");
    }
  }

  @Test
  void foreignGenAiSpan_getsTheTenantFromBaggage_intoTheLedgerAndMetric_unlessCopyingIsOff() {
    Tracer tracer = sdk.getTracer("io.opentelemetry.openai-java-1.1");
    try (var ignored = io.opentelemetry.api.baggage.Baggage.current().toBuilder().put("app.tenant_id", "acme").build()
        .makeCurrent()) {
      foreignChat(tracer.spanBuilder("chat gpt-4o")).end();
    }
    assertThat(span("chat gpt-4o").getAttributes().get(AttributeKey.stringKey("app.tenant_id"))).isEqualTo("acme");
    assertThat(ledger.totals(CostLedger.Dimension.TENANT, Instant.MIN, Instant.MAX))
        .containsExactly(Map.entry("acme", new BigDecimal("0.012500000")));

    CostPipeline quiet = CostPipeline.builder(PriceCatalog.bundled()).setCopyBaggageAttribution(false).build();
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    try (SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(quiet)
        .addSpanProcessor(SimpleSpanProcessor.create(exported)).build();
        var ignored = io.opentelemetry.api.baggage.Baggage.current().toBuilder().put("app.tenant_id", "acme").build()
            .makeCurrent()) {
      foreignChat(provider.get("other").spanBuilder("chat gpt-4o")).end();
      assertThat(exported.getFinishedSpanItems().get(0).getAttributes().get(AttributeKey.stringKey("app.tenant_id")))
          .isNull();
    }
  }

  /** Records, per stage, what it saw. */
  private static final class RecordingStage implements SpanStage<String> {
    final SpanStage.Kind kind;
    final List<String> log;

    RecordingStage(SpanStage.Kind kind, List<String> log) {
      this.kind = kind;
      this.log = log;
    }

    @Override
    public SpanStage.Kind kind() {
      return kind;
    }

    @Override
    public String onStart(io.opentelemetry.context.Context parentContext, io.opentelemetry.sdk.trace.ReadWriteSpan span,
        @org.jspecify.annotations.Nullable String parentState) {
      return span.getName() + (parentState == null ? "" : " under " + parentState);
    }

    @Override
    public void onEnding(io.opentelemetry.sdk.trace.ReadWriteSpan span, String state, io.lockn.core.CallCost cost) {
      // The cost is on the span before any stage runs.
      log.add(kind + " " + state + " " + cost.status() + " " + cost.totalNanos() + " "
          + span.getAttribute(CostAttributes.TOTAL_NANOS));
    }
  }

  @Test
  void stages_runAfterPricing_inTheirKindsOrder_whateverTheyWereAddedIn_oneOfEachKind() {
    List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    CostPipeline staged = CostPipeline.builder(PriceCatalog.bundled())
        .addStage(new RecordingStage(SpanStage.Kind.ROI, log))
        .addStage(new RecordingStage(SpanStage.Kind.GOVERNANCE, log))
        .build();
    try (SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(staged).build()) {
      Tracer tracer = provider.get("other");
      Span agent = tracer.spanBuilder("agent").startSpan();
      try (var ignored = agent.makeCurrent()) {
        foreignChat(tracer.spanBuilder("chat")).end();
      }
      agent.end();
    }
    assertThat(log).containsExactly(
        "GOVERNANCE chat under agent PRICED 12500000 12500000",
        "ROI chat under agent PRICED 12500000 12500000",
        "GOVERNANCE agent NOT_PRICED 0 null",
        "ROI agent NOT_PRICED 0 null");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CostPipeline.builder(PriceCatalog.bundled())
            .addStage(new RecordingStage(SpanStage.Kind.ROI, log)).addStage(new RecordingStage(SpanStage.Kind.ROI, log)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("a ROI stage was already added");
  }

  @Test
  void unsampledLockNCall_withNoRecordingAncestor_isStillCountedInTheLedgerAndMetric() {
    CostPipeline costs2 = CostPipeline.builder(PriceCatalog.bundled()).setLedger(ledger).build();
    try (SdkTracerProvider provider = SdkTracerProvider.builder()
        .setSampler(io.opentelemetry.sdk.trace.samplers.Sampler.alwaysOff()).addSpanProcessor(costs2).build();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider).build()) {
      LockN local = LockN.builder().setOpenTelemetry(otel).setCallPricing(costs2).build();
      local.agent("a").run(() -> local.chat(GenAiProvider.OPENAI, "gpt-4o").run(() ->
          local.currentLlmCall().recordUsage(TokenUsage.of(1000, 1000))));
      assertThat(ledger.total(Instant.MIN, Instant.MAX)).isEqualByComparingTo("0.0125");
      assertThat(costs2.openSpans()).isZero();
    }
  }
}
