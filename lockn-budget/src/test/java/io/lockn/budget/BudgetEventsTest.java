package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.core.BudgetExceededException;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockN;
import io.lockn.core.LockNAttributes;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.CallRequest;
import io.lockn.pricing.ModelPrice;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.Rates;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every budget action of a call made through LockN's own API ({@code lockn.chat(...)}) is a span event: alerts found
 * at admission and at settlement alike, on the call's span, or on its nearest recording ancestor when the call's span
 * is not recording; and each event counts once on {@code lockn.budget.actions}.
 *
 * <p>Prices: "big" costs $10 per 1M input and $30 per 1M output tokens, so 1,000 input tokens are 10,000,000 nano-USD
 * and each 100 output tokens 3,000,000. The budget "m": $0.03 (30,000,000 nano-USD) a month, no reservation cap
 * (100%), alerts at 40% (12,000,000) and 50% (15,000,000). Calls set no {@code max_tokens} and the output reserve is
 * configured to 100 tokens, so each call reserves 10,000,000 + 3,000,000 = 13,000,000 and, answering 200 tokens,
 * costs 10,000,000 + 6,000,000 = 16,000,000.
 */
class BudgetEventsTest {

  private static final PriceCatalog CATALOG = PriceCatalog.builder()
      .add(ModelPrice.builder("openai", "big").addPrices(Rates.perMillionTokens("10", "30")).build())
      .build();

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T00:10:00Z"));
  private OpenTelemetrySdk otel;

  @AfterEach
  void tearDown() {
    otel.close();
  }

  private LockN lockn(Sampler sampler, int... alertPercents) {
    otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().setSampler(sampler)
            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .build();
    Budget.Builder budget = Budget.builder("m").limitUsd("0.03").period(Period.month(ZoneOffset.UTC))
        .maxReservationPercent(BigDecimal.valueOf(100));
    for (int p : alertPercents) {
      budget.alertAt(p);
    }
    Budgets budgets = Budgets.builder(CATALOG).setClock(clock).setMeterProvider(otel.getMeterProvider())
        .setOutputReserve(100)
        .addBudget(budget.blockAt(100).build())
        .build();
    return LockN.builder().setOpenTelemetry(otel).setCallAdmission(budgets).build();
  }

  /** 1,000 input tokens, no max_tokens, answered with 200 output tokens: reserves 13,000,000, costs 16,000,000. */
  private static void call(LockN lockn) {
    lockn.chat("openai", "big").estimatedInputTokens(1000)
        .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(1000, 200)));
  }

  private static Attributes alert(String percent, long used, long requested, String phase) {
    return Attributes.builder()
        .put(LockNAttributes.BUDGET_NAME, "m")
        .put(LockNAttributes.BUDGET_SCOPE, "global")
        .put(LockNAttributes.BUDGET_UNIT, "nano_usd")
        .put(LockNAttributes.BUDGET_LIMIT, 30_000_000L)
        .put(BudgetAttributes.USED, used)
        .put(LockNAttributes.BUDGET_REQUESTED, requested)
        .put(BudgetAttributes.THRESHOLD_PERCENT, percent)
        .put(BudgetAttributes.PHASE, phase)
        .build();
  }

  @Test
  void alertFoundAtSettlement_isAnEventOnTheCallsSpan() {
    LockN lockn = lockn(Sampler.alwaysOn(), 50);

    // Reserved 13,000,000 < 15,000,000: no alert at admission. Charged 16,000,000 >= 15,000,000 at settlement.
    call(lockn);

    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertThat(span.getEvents()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo(BudgetAttributes.ALERT_EVENT);
      assertThat(e.getAttributes()).isEqualTo(alert("50", 16_000_000L, 16_000_000L, "settlement"));
    });
    assertThat(alertCount()).isEqualTo(1);
  }

  @Test
  void alertFoundAtAdmission_isAnEventOnTheCallsSpan() {
    LockN lockn = lockn(Sampler.alwaysOn(), 40);

    // Reserved 13,000,000 >= 12,000,000: the alert fires at admission, once for the period.
    call(lockn);

    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertThat(span.getEvents()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo(BudgetAttributes.ALERT_EVENT);
      assertThat(e.getAttributes()).isEqualTo(alert("40", 13_000_000L, 13_000_000L, "admission"));
    });
    assertThat(alertCount()).isEqualTo(1);
  }

  @Test
  void unsampledCall_eventsAndBlockGoToTheNearestRecordingAncestor() {
    // Records agents, drops model calls: a sampler that is not parent-based, as CostAwareSampler's input may be.
    LockN lockn = lockn(new Sampler() {
      @Override
      public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind,
          Attributes attributes, List<LinkData> links) {
        return "chat".equals(attributes.get(GenAiAttributes.GEN_AI_OPERATION_NAME))
            ? SamplingResult.drop() : SamplingResult.recordAndSample();
      }

      @Override
      public String getDescription() {
        return "agents only";
      }
    }, 40, 50);

    lockn.agent("support").run(() -> {
      // Admission: 13,000,000 >= 12,000,000 (40%). Settlement: 16,000,000 >= 15,000,000 (50%).
      call(lockn);
      // 16,000,000 spent; 1,000 input tokens and max_tokens 1,000 ask 10,000,000 + 30,000,000 = 40,000,000.
      assertThatThrownBy(() -> lockn.chat("openai", "big").estimatedInputTokens(1000).maxTokens(1000)
          .run(() -> {})).isInstanceOf(BudgetExceededException.class);
    });

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).singleElement().satisfies(agent -> {
      assertThat(agent.getAttributes().get(GenAiAttributes.GEN_AI_AGENT_NAME)).isEqualTo("support");
      assertThat(agent.getEvents()).extracting(EventData::getName).containsExactly(BudgetAttributes.ALERT_EVENT,
          BudgetAttributes.ALERT_EVENT, LockNAttributes.BUDGET_EXCEEDED_EVENT);
      assertThat(agent.getEvents().get(0).getAttributes())
          .isEqualTo(alert("40", 13_000_000L, 13_000_000L, "admission"));
      assertThat(agent.getEvents().get(1).getAttributes())
          .isEqualTo(alert("50", 16_000_000L, 16_000_000L, "settlement"));
      assertThat(agent.getEvents().get(2).getAttributes()).isEqualTo(Attributes.builder()
          .put(LockNAttributes.BUDGET_NAME, "m")
          .put(LockNAttributes.BUDGET_SCOPE, "global")
          .put(LockNAttributes.BUDGET_UNIT, "nano_usd")
          .put(LockNAttributes.BUDGET_LIMIT, 30_000_000L)
          .put(LockNAttributes.BUDGET_SPENT, 16_000_000L)
          .put(LockNAttributes.BUDGET_REQUESTED, 40_000_000L)
          .build());
    });
    assertThat(alertCount()).isEqualTo(2);
  }

  @Test
  void adapterAdmission_recordsOnTheSpanItPasses_atAdmissionAndSettlement() {
    lockn(Sampler.alwaysOn(), 40, 50);
    Budgets budgets = Budgets.builder(CATALOG).setClock(clock).setOutputReserve(100)
        .addBudget(Budget.builder("m").limitUsd("0.03").period(Period.month(ZoneOffset.UTC))
            .maxReservationPercent(BigDecimal.valueOf(100)).alertAt(40).alertAt(50).build())
        .build();
    Span parent = otel.getTracer("test").spanBuilder("advisor").startSpan();
    try (Scope ignored = parent.makeCurrent()) {
      // What an adapter that admits calls itself does (Spring AI's advisor): the span its model call runs under.
      Admission admission = budgets.admit(CallRequest.builder("openai", "big").estimatedInputTokens(1000)
          .span(CallRequest.recordingSpan(Context.current())).build());
      admission.complete(io.lockn.core.spi.EndedCall.builder(io.lockn.core.GenAiOperation.CHAT, "openai", "big")
          .usage(TokenUsage.of(1000, 200)).build(), io.lockn.core.CallCost.notPriced());
    } finally {
      parent.end();
    }

    assertThat(exporter.getFinishedSpanItems()).singleElement().satisfies(s -> {
      assertThat(s.getEvents()).extracting(EventData::getName)
          .containsExactly(BudgetAttributes.ALERT_EVENT, BudgetAttributes.ALERT_EVENT);
      assertThat(s.getEvents().get(0).getAttributes()).isEqualTo(alert("40", 13_000_000L, 13_000_000L, "admission"));
      // Priced here by the catalog (no CallPricing): 16,000,000.
      assertThat(s.getEvents().get(1).getAttributes())
          .isEqualTo(alert("50", 16_000_000L, 16_000_000L, "settlement"));
    });
  }

  @Test
  void rollingBudget_aReservationSettledForLess_doesNotReArmTheAlert() {
    otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .build();
    Budgets budgets = Budgets.builder(CATALOG).setClock(clock).setMeterProvider(otel.getMeterProvider())
        .setOutputReserve(100)
        .addBudget(Budget.builder("m").limitUsd("0.03").period(Period.rolling(java.time.Duration.ofHours(1)))
            .maxReservationPercent(BigDecimal.valueOf(100)).alertAt(40).blockAt(100).build())
        .build();
    LockN lockn = LockN.builder().setOpenTelemetry(otel).setCallAdmission(budgets).build();
    // Each call reserves 13,000,000 and answers with no output: 10,000,000.
    Runnable call = () -> lockn.chat("openai", "big").estimatedInputTokens(1000)
        .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(1000, 0)));

    call.run(); // admission: 13,000,000 >= 12,000,000, alert; settled 10,000,000, below it: stays fired
    call.run(); // admission: 10,000,000 + 13,000,000: already alerted
    assertThat(alertCount()).isEqualTo(1);

    // Two hours later the window holds nothing: a call below the threshold re-arms it, the next crossing alerts.
    clock.advance(java.time.Duration.ofHours(2));
    lockn.chat("openai", "big").estimatedInputTokens(100).maxTokens(0)
        .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(100, 0)));
    call.run();
    assertThat(alertCount()).isEqualTo(2);
    assertThat(exporter.getFinishedSpanItems()).extracting(s -> s.getEvents().size()).containsExactly(1, 0, 0, 1);
  }

  private long alertCount() {
    long n = 0;
    for (MetricData m : metrics.collectAllMetrics()) {
      if (m.getName().equals(BudgetAttributes.ACTIONS_METRIC)) {
        for (LongPointData p : m.getLongSumData().getPoints()) {
          if ("alert".equals(p.getAttributes().get(BudgetAttributes.ACTION))) {
            n += p.getValue();
          }
        }
      }
    }
    return n;
  }
}
