package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.AttributionKeys;
import io.lockn.core.CallCost;
import io.lockn.core.GenAiProvider;
import io.lockn.core.LlmCall;
import io.lockn.core.LlmCallRecord;
import io.lockn.core.LockN;
import io.lockn.core.LockNListener;
import io.lockn.core.LockNScope;
import io.lockn.core.TokenUsage;
import io.lockn.core.sdk.CostAwareSampler;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.CostLedger;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.testing.time.TestClock;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LockN's one pricing path, end to end, on a real SDK: a LockN call is priced once, when it ends, and that one cost is
 * what its span carries ({@code lockn.cost.total_nanos}), what the cost metric and the ledger count, what its budget
 * is charged and what listeners hear, whether or not the call is sampled. The expected amounts are computed by hand
 * from the published prices in the bundled catalog.
 */
class PricingPathTest {

  private static final Instant NOW = Instant.parse("2026-11-01T12:00:00Z");
  private static final String TENANT = AttributionKeys.DEFAULT_TENANT_KEY;

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final CostLedger ledger = CostLedger.create();
  private final List<LlmCallRecord> heard = new CopyOnWriteArrayList<>();
  private OpenTelemetrySdk sdk;
  private Budgets budgets;
  private LockN lockn;

  /** The whole stack: pipeline as the call pricing and the span processor, ledger, metric, budgets, a listener. */
  private void start(Instant sdkTime, Sampler sampler, Budget... budgetList) {
    SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(metrics).build();
    PriceCatalog catalog = PriceCatalog.bundled();
    CostPipeline costs = CostPipeline.builder(catalog).setMeterProvider(meters).addMetricAttributionKey(TENANT)
        .setLedger(ledger).build();
    sdk = OpenTelemetrySdk.builder()
        .setMeterProvider(meters)
        .setTracerProvider(SdkTracerProvider.builder()
            .setClock(TestClock.create(sdkTime))
            .setSampler(sampler)
            .addSpanProcessor(costs)
            .addSpanProcessor(SimpleSpanProcessor.create(spans))
            .build())
        .build();
    Budgets.Builder b = Budgets.builder(catalog).addDowngrade("gpt-4o", "gpt-4o-mini");
    for (Budget budget : budgetList) {
      b.addBudget(budget);
    }
    if (budgetList.length == 0) {
      b.addBudget(Budget.builder("all").limitUsd("1000000").period(Period.month(ZoneOffset.UTC)).build());
      b.addBudget(Budget.builder("tenants").scope(Scope.each(TENANT)).limitUsd("1000000")
          .period(Period.month(ZoneOffset.UTC)).build());
    }
    budgets = b.build();
    lockn = LockN.builder().setOpenTelemetry(sdk).setCallPricing(costs).setCallAdmission(budgets)
        .addListener(new LockNListener() {
          @Override
          public void onLlmCallEnded(LlmCallRecord call) {
            heard.add(call);
          }
        })
        .build();
  }

  @AfterEach
  void tearDown() {
    if (sdk != null) {
      sdk.close();
    }
  }

  /** One call each, and the cost it must have, by hand from the bundled catalog's published prices. */
  static Stream<Arguments> calls() {
    return Stream.of(
        // gpt-5, flex tier (x0.5): 100,000 in x $1.25/M = $0.125 -> $0.0625; 10,000 out x $10/M = $0.10 -> $0.05.
        Arguments.of("service tier flex", NOW, (Consumer<LockN>) l -> l.chat(GenAiProvider.OPENAI, "gpt-5")
            .run(() -> l.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(100_000, 0, 10_000, 0))
                .serviceTier("flex")), 112_500_000L),
        // priority (x2): $0.25 + $0.20.
        Arguments.of("service tier priority", NOW, (Consumer<LockN>) l -> l.chat(GenAiProvider.OPENAI, "gpt-5")
            .run(() -> l.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(100_000, 0, 10_000, 0))
                .serviceTier("priority")), 450_000_000L),
        // batch (x0.5): 20,000 in x $1.25/M = $0.025 -> $0.0125; 4,000 out x $10/M = $0.04 -> $0.02.
        Arguments.of("service tier batch", NOW, (Consumer<LockN>) l -> l.chat(GenAiProvider.OPENAI, "gpt-5")
            .run(() -> l.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(20_000, 0, 4_000, 0))
                .serviceTier("batch")), 32_500_000L),
        // OpenRouter's reported $0.0191 wins over the catalog.
        Arguments.of("provider-reported cost", NOW, (Consumer<LockN>) l -> l.chat("openrouter",
            "anthropic/claude-sonnet-4-5").run(() -> l.currentLlmCall().recordUsage(TokenUsage.of(1000, 1000))
            .providerReportedCost(new BigDecimal("0.0191"))), 19_100_000L),
        // A gateway answered gpt-4o with gpt-4o-mini: 1M in x $0.15 + 100,000 out x $0.60/M = $0.15 + $0.06.
        Arguments.of("gateway-substituted response model", NOW, (Consumer<LockN>) l -> l.chat(GenAiProvider.OPENAI,
            "gpt-4o").run(() -> l.currentLlmCall().recordUsage(TokenUsage.of(1_000_000, 100_000))
            .responseModel("gpt-4o-mini-2024-07-18")), 210_000_000L),
        // An unknown request model (a deployment name) answered by gpt-4o-2024-08-06: 1,000 x $2.50/M + 1,000 x $10/M.
        Arguments.of("unknown request model, known response model", NOW, (Consumer<LockN>) l ->
            l.chat(GenAiProvider.OPENAI, "support-prod").run(() -> l.currentLlmCall()
                .recordUsage(TokenUsage.of(1000, 1000)).responseModel("gpt-4o-2024-08-06")), 12_500_000L),
        // Over 200k input tokens, the long-context rates for the whole request: 250,000 x $6/M + 1,000 x $22.50/M.
        Arguments.of("long-context tier", NOW, (Consumer<LockN>) l -> l.chat(GenAiProvider.ANTHROPIC,
            "claude-sonnet-4-5").run(() -> l.currentLlmCall()
            .recordUsage(TokenUsage.fromAnthropic(250_000, 0, 0, 1000))), 1_522_500_000L),
        // Bedrock's EU cross-region profile, +10%: 10,000 x $1/M x 1.1 + 1,000 x $5/M x 1.1.
        Arguments.of("regional inference profile", NOW, (Consumer<LockN>) l -> l.chat(GenAiProvider.AWS_BEDROCK,
            "eu.anthropic.claude-haiku-4-5-20251001-v1:0").run(() -> l.currentLlmCall()
            .recordUsage(TokenUsage.fromBedrock(10_000, 0, 0, 1000))), 16_500_000L),
        // gpt-4o on 2024-06-01 (the SDK's clock), at that day's $5/$15: 1,000 x $5/M + 1,000 x $15/M, not today's
        // $2.50/$10 ($0.0125).
        Arguments.of("dated price", Instant.parse("2024-06-01T09:00:00Z"), (Consumer<LockN>) l ->
            l.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> l.currentLlmCall()
                .recordUsage(TokenUsage.of(1000, 1000))), 20_000_000L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("calls")
  void oneCall_spanLedgerMetricBudgetAndListener_allCarryTheSameExactCost(
      String name, Instant sdkTime, Consumer<LockN> call, long expectedNanos) {
    start(sdkTime, Sampler.alwaysOn());

    lockn.attribution().tenant("acme").run(() -> call.accept(lockn));

    SpanData span = spans.getFinishedSpanItems().stream()
        .filter(s -> s.getAttributes().get(CostAttributes.TOTAL_NANOS) != null).findFirst().orElseThrow();
    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(expectedNanos);
    assertThat(ledgerNanos()).isEqualTo(expectedNanos);
    assertThat(metricNanos()).isEqualTo(Map.of("acme", expectedNanos));
    assertThat(budgets.status("all", "global").spent()).isEqualTo(expectedNanos);
    assertThat(budgets.status("tenants", TENANT + "=acme").spent()).isEqualTo(expectedNanos);
    assertThat(heard).singleElement().satisfies(r -> {
      assertThat(r.cost().status()).isEqualTo(CallCost.Status.PRICED);
      assertThat(r.cost().totalNanos()).isEqualTo(expectedNanos);
    });
  }

  @Test
  void throttledCall_withoutResponseModel_isPricedAtTheAdmittedModel_everywhere() {
    // $0.005 of a $0.01 daily limit spent: the next gpt-4o call passes the 50% throttle threshold and is sent as
    // gpt-4o-mini. Without a response model, it costs what gpt-4o-mini costs: 1,000 x $0.15/M + 1,000 x $0.60/M.
    start(NOW, Sampler.alwaysOn(), Budget.builder("daily").limitUsd("0.01").period(Period.day(ZoneOffset.UTC))
        .throttleAt(50).blockAt(100).build());
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(2000, 0)));
    long before = budgets.status("daily", "global").spent();
    assertThat(before).isEqualTo(5_000_000L); // 2,000 x $2.50/M

    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").maxTokens(10).run(() -> {
      assertThat(lockn.currentLlmCall().admittedModel()).isEqualTo("gpt-4o-mini");
      lockn.currentLlmCall().recordUsage(TokenUsage.of(1000, 1000));
    });

    long expected = 750_000L;
    SpanData throttled = spans.getFinishedSpanItems().get(1);
    assertThat(throttled.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(expected);
    assertThat(budgets.status("daily", "global").spent() - before).isEqualTo(expected);
    assertThat(ledgerNanos()).isEqualTo(before + expected);
    assertThat(metricNanos().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(before + expected);
  }

  @Test
  void tenThousandCalls_tenPercentSampled_ledgerMetricAndBudgetsCountEveryOne() {
    tenThousandCalls(Sampler.parentBased(Sampler.traceIdRatioBased(0.1)));
  }

  @Test
  void tenThousandCalls_underCostAwareSampler_ledgerMetricAndBudgetsCountEveryOne_exportNoMore() {
    tenThousandCalls(CostAwareSampler.wrap(Sampler.parentBased(Sampler.traceIdRatioBased(0.1))));
  }

  /**
   * 10,000 calls on four models and five tenants, each under a root span of its own, sampled at 10% by trace id. The
   * ledger, the cost metric and the per-tenant budgets must equal, per tenant, the exact sum of all 10,000 costs,
   * computed here independently from the published prices (each part rounded half-even, as providers bill); the
   * export holds only the sampled traces' spans.
   */
  private void tenThousandCalls(Sampler sampler) {
    start(NOW, sampler);
    String[] tenants = {"acme", "globex", "initech", "umbrella", "hooli"};
    // model, provider, $ per million input, $ per million output
    String[][] models = {
        {"gpt-4o-mini", GenAiProvider.OPENAI, "0.15", "0.60"},
        {"gpt-4.1", GenAiProvider.OPENAI, "2.00", "8.00"},
        {"claude-haiku-4-5", GenAiProvider.ANTHROPIC, "1.00", "5.00"},
        {"gpt-4.1-mini", GenAiProvider.OPENAI, "0.40", "1.60"}};
    Map<String, Long> expected = new HashMap<>();
    Random random = new Random(42);
    Tracer app = sdk.getTracer("app");
    int sampledRoots = 0;
    for (int i = 0; i < 10_000; i++) {
      String tenant = tenants[i % tenants.length];
      String[] model = models[random.nextInt(models.length)];
      long in = 1 + random.nextInt(50_000);
      long out = random.nextInt(4_000);
      expected.merge(tenant, nanos(in, model[2]) + nanos(out, model[3]), Long::sum);
      Span root = app.spanBuilder("GET /answer").setSpanKind(SpanKind.SERVER).startSpan();
      sampledRoots += root.getSpanContext().isSampled() ? 1 : 0;
      try (io.opentelemetry.context.Scope ignored = root.makeCurrent()) {
        lockn.attribution().tenant(tenant).run(() -> lockn.chat(model[1], model[0]).run(() ->
            lockn.currentLlmCall().recordUsage(TokenUsage.of(in, out))));
      } finally {
        root.end();
      }
    }

    // Sampling really happened: about 1,000 traces were exported, each a root and its call.
    assertThat(sampledRoots).isBetween(800, 1200);
    assertThat(spans.getFinishedSpanItems()).hasSize(2 * sampledRoots)
        .allSatisfy(s -> assertThat(s.getSpanContext().isSampled()).isTrue());
    long total = expected.values().stream().mapToLong(Long::longValue).sum();
    assertThat(metricNanos()).isEqualTo(expected);
    assertThat(ledgerNanos()).isEqualTo(total);
    assertThat(ledger.totals(CostLedger.Dimension.TENANT, Instant.MIN, Instant.MAX)).hasSize(tenants.length)
        .allSatisfy((tenant, usd) -> assertThat(usd.movePointRight(9).longValueExact()).isEqualTo(
            expected.get(tenant)));
    for (String tenant : tenants) {
      assertThat(budgets.status("tenants", TENANT + "=" + tenant).spent()).as(tenant).isEqualTo(expected.get(tenant));
    }
    assertThat(budgets.status("all", "global").spent()).isEqualTo(total);
    assertThat(heard).hasSize(10_000).allSatisfy(r -> assertThat(r.cost().isPriced()).isTrue());
  }

  @Test
  void unsampledCall_underARecordingAgent_isRolledUpOnTheAgent() {
    // A sampler that is not parent-based: agents are recorded, model calls dropped. The calls' own spans are not
    // recording, so their cost reaches the agent's roll-up through LockN's pricing, not through the span processor.
    Sampler agentsOnly = new Sampler() {
      @Override
      public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
          Attributes attributes, List<LinkData> parentLinks) {
        return name.startsWith("invoke_agent") ? SamplingResult.recordAndSample() : SamplingResult.drop();
      }

      @Override
      public String getDescription() {
        return "agents only";
      }
    };
    start(NOW, agentsOnly);

    lockn.agent("planner").run(() -> {
      for (int i = 0; i < 3; i++) {
        // 1M in x $0.15 + 100,000 out x $0.60/M = $0.21 each
        lockn.chat(GenAiProvider.OPENAI, "gpt-4o-mini").run(() ->
            lockn.currentLlmCall().recordUsage(TokenUsage.of(1_000_000, 100_000)));
      }
      lockn.chat(GenAiProvider.OPENAI, "no-such-model").run(() ->
          lockn.currentLlmCall().recordUsage(TokenUsage.of(10, 10)));
    });

    assertThat(spans.getFinishedSpanItems()).singleElement().satisfies(agent -> {
      assertThat(agent.getName()).isEqualTo("invoke_agent planner");
      assertThat(agent.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(630_000_000L);
      assertThat(agent.getAttributes().get(CostAttributes.ROLLUP_CALLS)).isEqualTo(3L);
      assertThat(agent.getAttributes().get(CostAttributes.ROLLUP_UNPRICED_CALLS)).isEqualTo(1L);
    });
    assertThat(ledgerNanos()).isEqualTo(630_000_000L);
    assertThat(budgets.status("all", "global").spent()).isEqualTo(630_000_000L);
  }

  @Test
  void recordedLockNSpan_isPricedOnce_notAgainByTheSpanProcessor() {
    start(NOW, Sampler.alwaysOn());

    try (LockNScope agent = lockn.agent("a").start()) {
      try (LlmCall call = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").start()) {
        call.recordUsage(TokenUsage.of(1000, 1000));
      }
    }

    // 1,000 x $2.50/M + 1,000 x $10/M, counted once in each place.
    assertThat(metricNanos().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(12_500_000L);
    assertThat(ledgerNanos()).isEqualTo(12_500_000L);
    assertThat(spans.getFinishedSpanItems()).filteredOn(s -> s.getName().equals("invoke_agent a")).singleElement()
        .satisfies(a -> assertThat(a.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(12_500_000L));
  }

  /** {@code tokens x $ per million}, in nano-USD, rounded half-even once: the independent expectation. */
  private static long nanos(long tokens, String usdPerMillion) {
    return new BigDecimal(usdPerMillion).multiply(BigDecimal.valueOf(tokens)).movePointLeft(6).movePointRight(9)
        .setScale(0, RoundingMode.HALF_EVEN).longValueExact();
  }

  private long ledgerNanos() {
    return ledger.total(Instant.MIN, Instant.MAX).movePointRight(9).longValueExact();
  }

  /** The cost metric's sums by tenant. */
  private Map<String, Long> metricNanos() {
    Map<String, Long> byTenant = new HashMap<>();
    for (MetricData m : metrics.collectAllMetrics()) {
      if (m.getName().equals("lockn.client.cost")) {
        for (LongPointData p : m.getLongSumData().getPoints()) {
          byTenant.merge(String.valueOf(p.getAttributes().get(AttributeKey.stringKey(TENANT))), p.getValue(),
              Long::sum);
        }
      }
    }
    return byTenant;
  }
}
