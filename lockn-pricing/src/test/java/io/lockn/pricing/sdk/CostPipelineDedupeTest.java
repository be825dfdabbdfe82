package io.lockn.pricing.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.GenAiProvider;
import io.lockn.core.LockN;
import io.lockn.core.SemconvProfile;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.CostLedger;
import io.lockn.pricing.PriceCatalog;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
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
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cost pipeline counts one provider call once however many spans describe it, in whatever order they end, and
 * attributes other instrumentations' calls from their own keys and their ancestors'; under the latest experimental
 * conventions it also writes the proposed {@code gen_ai.usage.cost.*}.
 */
class CostPipelineDedupeTest {

  private static final Instant NOW = Instant.parse("2026-11-01T12:00:00Z");

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final CostLedger ledger = CostLedger.create();
  private OpenTelemetrySdk sdk;
  private LockN lockn;

  private void setUp(SemconvProfile profile) {
    SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(metrics).build();
    CostPipeline costs = CostPipeline.builder(PriceCatalog.bundled())
        .setMeterProvider(meters)
        .addMetricAttributionKey("app.tenant_id")
        .setLedger(ledger)
        .setSemconvProfile(profile)
        .build();
    sdk = OpenTelemetrySdk.builder()
        .setMeterProvider(meters)
        .setTracerProvider(SdkTracerProvider.builder()
            .setClock(TestClock.create(NOW))
            .addSpanProcessor(costs)
            .addSpanProcessor(SimpleSpanProcessor.create(spans))
            .build())
        .build();
    lockn = LockN.builder().setOpenTelemetry(sdk).setCallPricing(costs).setSemconvProfile(profile).build();
  }

  @AfterEach
  void tearDown() {
    if (sdk != null) {
      sdk.close();
    }
  }

  private SpanData span(String name) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }

  private long metricTotal() {
    long sum = 0;
    for (MetricData m : metrics.collectAllMetrics()) {
      if (m.getName().equals("lockn.client.cost")) {
        for (LongPointData p : m.getLongSumData().getPoints()) {
          sum += p.getValue();
        }
      }
    }
    return sum;
  }

  /** A GenAI span as the OpenTelemetry Java agent's openai-java instrumentation writes it: no cache counts. */
  private static SpanBuilder agentChat(Tracer tracer, String name) {
    return tracer.spanBuilder(name).setSpanKind(SpanKind.CLIENT)
        .setAttribute("gen_ai.operation.name", "chat")
        .setAttribute("gen_ai.provider.name", "openai")
        .setAttribute("gen_ai.request.model", "gpt-4o");
  }

  private static void usage(Span span, long input, long output) {
    span.setAttribute("gen_ai.response.model", "gpt-4o-2024-08-06");
    span.setAttribute("gen_ai.usage.input_tokens", input);
    span.setAttribute("gen_ai.usage.output_tokens", output);
  }

  @Test
  void theJavaAgentsSpanInsideLockNsOwnCall_isTheDuplicate_andLockNsUsageIsPriced() {
    setUp(SemconvProfile.V1_41);
    Tracer agent = sdk.getTracer("io.opentelemetry.openai-java-1.1");
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {
      Span inner = agentChat(agent, "chat gpt-4o (agent)").startSpan();
      usage(inner, 1000, 500);
      inner.end();
      lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(1000, 200, 500, 0))
          .responseModel("gpt-4o-2024-08-06");
    });

    // LockN knows 200 of the 1,000 input tokens were cached: 800 x $2.50 + 200 x $1.25 + 500 x $10, per 1M. The agent's
    // span, which does not, would have said 1,000 x $2.50 + 500 x $10 = $0.0075: it is not priced.
    SpanData own = span("chat gpt-4o");
    SpanData inner = span("chat gpt-4o (agent)");
    assertThat(own.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(7_250_000L);
    assertThat(inner.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
    assertThat(inner.getAttributes().get(CostAttributes.DUPLICATE_OF)).isEqualTo(own.getSpanId());
    assertThat(metricTotal()).isEqualTo(7_250_000L);
    assertThat(ledger.total(NOW, NOW.plusSeconds(60))).isEqualByComparingTo("0.00725");
  }

  @Test
  void aWrapperThatEndsAfterTheSpanInside_isTheDuplicate_andTheRollupCountsTheCallOnce() {
    setUp(SemconvProfile.V1_41);
    Tracer framework = sdk.getTracer("@arizeai/openinference-instrumentation-openai");
    Tracer agent = sdk.getTracer("io.opentelemetry.openai-java-1.1");
    Span root = sdk.getTracer("app").spanBuilder("POST /ask").setSpanKind(SpanKind.SERVER).startSpan();
    try (Scope r = root.makeCurrent()) {
      Span wrapper = framework.spanBuilder("OpenAI Chat Completions")
          .setAttribute("openinference.span.kind", "LLM").setAttribute("llm.provider", "openai").startSpan();
      try (Scope w = wrapper.makeCurrent()) {
        Span inner = agentChat(agent, "chat gpt-4o").startSpan();
        usage(inner, 1000, 500);
        inner.end();
      }
      wrapper.setAttribute("llm.model_name", "gpt-4o-2024-08-06");
      wrapper.setAttribute("llm.token_count.prompt", 1000L);
      wrapper.setAttribute("llm.token_count.completion", 500L);
      wrapper.end();
    }
    root.end();

    // 1,000 x $2.50 + 500 x $10 per 1M, once.
    assertThat(span("chat gpt-4o").getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(7_500_000L);
    SpanData wrapper = span("OpenAI Chat Completions");
    assertThat(wrapper.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
    assertThat(wrapper.getAttributes().get(CostAttributes.DUPLICATE_OF))
        .isEqualTo(span("chat gpt-4o").getSpanId());
    assertThat(span("POST /ask").getAttributes().get(CostAttributes.ROLLUP_CALLS)).isEqualTo(1L);
    assertThat(span("POST /ask").getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(7_500_000L);
    assertThat(metricTotal()).isEqualTo(7_500_000L);
  }

  @Test
  void aWrapperThatEndsFirst_isPriced_andTheSpanInsideThatEndsLater_isTheDuplicate() {
    setUp(SemconvProfile.V1_41);
    Tracer traceloop = sdk.getTracer("@traceloop/instrumentation-anthropic");
    Tracer sdkTracer = sdk.getTracer("com.anthropic.sdk.typescript");
    Span wrapper = traceloop.spanBuilder("chat claude-sonnet-4-5").setSpanKind(SpanKind.CLIENT)
        .setAttribute("gen_ai.operation.name", "chat").setAttribute("gen_ai.provider.name", "anthropic")
        .setAttribute("gen_ai.request.model", "claude-sonnet-4-5").startSpan();
    Span inner;
    try (Scope w = wrapper.makeCurrent()) {
      inner = sdkTracer.spanBuilder("anthropic.messages.create").setSpanKind(SpanKind.CLIENT)
          .setAttribute("gen_ai.operation.name", "chat").setAttribute("gen_ai.provider.name", "anthropic")
          .setAttribute("gen_ai.request.model", "claude-sonnet-4-5").startSpan();
    }
    // OpenLLMetry writes Anthropic's own input_tokens (cache left out) and ends first, as on a stream.
    wrapper.setAttribute("gen_ai.usage.input_tokens", 21L);
    wrapper.setAttribute("gen_ai.usage.cache_read.input_tokens", 3072L);
    wrapper.setAttribute("gen_ai.usage.output_tokens", 241L);
    wrapper.end();
    inner.setAttribute("gen_ai.usage.input_tokens", 3093L);
    inner.setAttribute("gen_ai.usage.cache_read.input_tokens", 3072L);
    inner.setAttribute("gen_ai.usage.output_tokens", 241L);
    inner.end();

    // 21 x $3 + 3,072 x $0.30 + 241 x $15, per 1M = 63 + 921.6 + 3,615 micro-USD.
    assertThat(span("chat claude-sonnet-4-5").getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(4_599_600L);
    assertThat(span("anthropic.messages.create").getAttributes().get(CostAttributes.DUPLICATE_OF))
        .isEqualTo(span("chat claude-sonnet-4-5").getSpanId());
    assertThat(metricTotal()).isEqualTo(4_599_600L);
  }

  @Test
  void aCallWithoutUsageThatDidNotFail_isUnpriced_notFree_andAFailedOneIsNoCost() {
    setUp(SemconvProfile.V1_41);
    Tracer agent = sdk.getTracer("io.opentelemetry.openai-java-1.1");
    agentChat(agent, "lost stream").startSpan().end();
    Span failed = agentChat(agent, "rejected").startSpan();
    failed.setStatus(StatusCode.ERROR);
    failed.end();

    assertThat(span("lost stream").getAttributes().get(CostAttributes.UNPRICED)).isTrue();
    assertThat(span("rejected").getAttributes().get(CostAttributes.UNPRICED)).isNull();
    long unpriced = metrics.collectAllMetrics().stream().filter(m -> m.getName().equals("lockn.client.unpriced_calls"))
        .flatMap(m -> m.getLongSumData().getPoints().stream()).mapToLong(LongPointData::getValue).sum();
    assertThat(unpriced).isEqualTo(1);
  }

  @Test
  void anotherInstrumentationsCall_takesItsTenantFromItsOwnKeys_elseFromAnAncestor_andLockNsKeyWins() {
    setUp(SemconvProfile.V1_41);
    Tracer traceloop = sdk.getTracer("@traceloop/node-server-sdk");
    Tracer agent = sdk.getTracer("io.opentelemetry.openai-java-1.1");
    Span workflow = traceloop.spanBuilder("support.workflow")
        .setAttribute("traceloop.association.properties.tenant_id", "acme").startSpan();
    try (Scope w = workflow.makeCurrent()) {
      Span inherited = agentChat(agent, "inherited").startSpan();
      usage(inherited, 1_000_000, 0); // $2.50
      inherited.end();
      Span own = agentChat(agent, "own").startSpan();
      own.setAttribute("metadata", "{\"tenant_id\":\"globex\"}");
      usage(own, 2_000_000, 0); // $5.00
      own.end();
      Span both = agentChat(agent, "both").startSpan();
      both.setAttribute("tenant.id", "initech");
      both.setAttribute("app.tenant_id", "umbrella");
      usage(both, 4_000_000, 0); // $10.00
      both.end();
    }
    workflow.end();

    Map<String, BigDecimal> byTenant = ledger.totals(CostLedger.Dimension.TENANT, NOW, NOW.plusSeconds(60));
    assertThat(byTenant).containsOnly(Map.entry("acme", new BigDecimal("2.500000000")),
        Map.entry("globex", new BigDecimal("5.000000000")), Map.entry("umbrella", new BigDecimal("10.000000000")));
    assertThat(metrics.collectAllMetrics().stream().filter(m -> m.getName().equals("lockn.client.cost"))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .map(p -> p.getAttributes().get(AttributeKey.stringKey("app.tenant_id"))))
        .containsOnly("acme", "globex", "umbrella");
  }

  @Test
  void latestConventions_writeTheProposedCostAttributes() {
    setUp(SemconvProfile.LATEST_EXPERIMENTAL);
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> lockn.currentLlmCall()
        .recordUsage(TokenUsage.fromOpenAi(1000, 200, 500, 0)).responseModel("gpt-4o-2024-08-06"));
    Span foreign = agentChat(sdk.getTracer("io.opentelemetry.openai-java-1.1"), "foreign").startSpan();
    usage(foreign, 1000, 500);
    foreign.end();

    // $0.00725 (see theJavaAgentsSpanInsideLockNsOwnCall...) and 1,000 x $2.50 + 500 x $10 = $0.0075, per 1M.
    assertThat(span("chat gpt-4o").getAttributes().asMap())
        .containsEntry(CostAttributes.GEN_AI_USAGE_COST_AMOUNT, 0.00725)
        .containsEntry(CostAttributes.GEN_AI_USAGE_COST_CURRENCY, "USD")
        .containsEntry(CostAttributes.GEN_AI_USAGE_COST_SOURCE, "local")
        .containsKey(AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens"));
    assertThat(span("foreign").getAttributes().get(CostAttributes.GEN_AI_USAGE_COST_AMOUNT)).isEqualTo(0.0075);
  }

  @Test
  void releasedConventions_keepLockNsOwnCostAttributesOnly() {
    setUp(SemconvProfile.V1_41);
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> lockn.currentLlmCall()
        .recordUsage(TokenUsage.fromOpenAi(1000, 200, 500, 0)).responseModel("gpt-4o-2024-08-06"));
    assertThat(span("chat gpt-4o").getAttributes().asMap()).containsEntry(CostAttributes.TOTAL_NANOS, 7_250_000L)
        .doesNotContainKeys(CostAttributes.GEN_AI_USAGE_COST_AMOUNT, CostAttributes.GEN_AI_USAGE_COST_CURRENCY,
            CostAttributes.GEN_AI_USAGE_COST_SOURCE);
  }
}
