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

class CostSpanProcessorTest {

  private static final Instant NOW = Instant.parse("2026-11-01T12:00:00Z");

  private InMemorySpanExporter spans;
  private InMemoryMetricReader metrics;
  private CostLedger ledger;
  private OpenTelemetrySdk sdk;
  private LockN lockn;

  @BeforeEach
  void setUp() {
    spans = InMemorySpanExporter.create();
    metrics = InMemoryMetricReader.create();
    ledger = CostLedger.create();
    SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(metrics).build();
    sdk =
        OpenTelemetrySdk.builder()
            .setMeterProvider(meters)
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(
                        CostSpanProcessor.builder(PriceCatalog.bundled())
                            .setMeterProvider(meters)
                            .addMetricAttributionKey("app.tenant_id")
                            .setLedger(ledger, AttributionKeys.defaults())
                            .setClock(Clock.fixed(NOW, ZoneOffset.UTC))
                            .build())
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    lockn = LockN.builder().setOpenTelemetry(sdk).build();
  }

  private SpanData span(String name) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void lockNChatSpan_carriesEveryCostAttribute() {
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> lockn.currentLlmCall()
        .recordUsage(TokenUsage.fromOpenAi(1000, 200, 500, 0)).responseModel("gpt-4o-2024-08-06"));

    Map<AttributeKey<?>, Object> a = span("chat gpt-4o").getAttributes().asMap();
    assertThat(a).containsEntry(CostAttributes.TOTAL_NANOS, 7_250_000L)
        .containsEntry(CostAttributes.TOTAL, 0.00725)
        .containsEntry(CostAttributes.INPUT, 0.002)
        .containsEntry(CostAttributes.CACHE_READ, 0.00025)
        .containsEntry(CostAttributes.OUTPUT, 0.005)
        .containsEntry(CostAttributes.CACHE_WRITE, 0.0)
        .containsEntry(CostAttributes.REASONING, 0.0)
        .containsEntry(CostAttributes.CURRENCY, "USD")
        .containsEntry(CostAttributes.SOURCE, "local")
        .containsEntry(CostAttributes.PRICING_ID, "openai/gpt-4o-2024-08-06")
        .doesNotContainKey(CostAttributes.UNPRICED);
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
    OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setMeterProvider(meters)
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(CostSpanProcessor.builder(PriceCatalog.bundled()).setMeterProvider(meters)
                .setMetricCardinalityLimit(2).setClock(Clock.fixed(NOW, ZoneOffset.UTC)).build())
            .build())
        .build();
    LockN local = LockN.builder().setOpenTelemetry(otel).build();
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
    CostSpanProcessor processor = CostSpanProcessor.builder(PriceCatalog.bundled()).setMaxOpenSpans(2).build();
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
}
