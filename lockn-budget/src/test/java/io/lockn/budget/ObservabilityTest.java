package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.LockN;
import io.lockn.core.LockNAttributes;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.ModelPrice;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.Rates;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Alert, throttle and forecast span events, and the lockn.budget.actions counter. */
class ObservabilityTest {

  private static final PriceCatalog CATALOG = PriceCatalog.builder()
      .add(ModelPrice.builder("openai", "big").addPrices(Rates.perMillionTokens("10", "30")).build())
      .add(ModelPrice.builder("openai", "small").addPrices(Rates.perMillionTokens("1", "2")).build())
      .build();

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-15T12:00:00Z"));
  private OpenTelemetrySdk otel;

  @BeforeEach
  void setUp() {
    otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .build();
  }

  @AfterEach
  void tearDown() {
    otel.close();
  }

  private static void bigCall(LockN lockn) {
    lockn.chat("openai", "big").estimatedInputTokens(1000).maxTokens(100)
        .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(1000, 100)));
  }

  @Test
  void alertAndThrottle_areSpanEventsAndCounted() {
    // 30m limit: alert at 40% (12m), throttle at 80% (24m); each big call is 13m, a throttled one 1.2m.
    Budgets budgets = Budgets.builder(CATALOG).setClock(clock).addDowngrade("big", "small")
        .setMeterProvider(otel.getMeterProvider())
        .addBudget(Budget.builder("m").limitUsd("0.03").period(Period.month(ZoneOffset.UTC))
            .alertAt(40).throttleAt(80).blockAt(100).build())
        .build();
    LockN lockn = LockN.builder().setOpenTelemetry(otel).setCallAdmission(budgets).build();

    bigCall(lockn); // 13m reserved >= 12m: alert
    bigCall(lockn); // 13m + 13m > 24m: throttled to small

    SpanData first = exporter.getFinishedSpanItems().get(0);
    assertThat(first.getEvents()).extracting(EventData::getName).containsExactly(BudgetAttributes.ALERT_EVENT);
    Attributes alert = first.getEvents().get(0).getAttributes();
    assertThat(alert.get(LockNAttributes.BUDGET_NAME)).isEqualTo("m");
    assertThat(alert.get(LockNAttributes.BUDGET_SCOPE)).isEqualTo("global");
    assertThat(alert.get(LockNAttributes.BUDGET_UNIT)).isEqualTo("nano_usd");
    assertThat(alert.get(LockNAttributes.BUDGET_LIMIT)).isEqualTo(30_000_000L);
    assertThat(alert.get(BudgetAttributes.USED)).isEqualTo(13_000_000L);
    assertThat(alert.get(BudgetAttributes.THRESHOLD_PERCENT)).isEqualTo("40");
    assertThat(alert.get(BudgetAttributes.PHASE)).isEqualTo("admission");

    // The second call is throttled at admission; its cost, settled, makes the month's forecast pass the limit.
    SpanData second = exporter.getFinishedSpanItems().get(1);
    assertThat(second.getEvents()).extracting(EventData::getName)
        .containsExactly(BudgetAttributes.THROTTLE_EVENT, BudgetAttributes.FORECAST_EVENT);
    Attributes throttle = second.getEvents().get(0).getAttributes();
    assertThat(throttle.get(LockNAttributes.BUDGET_ADMITTED_MODEL)).isEqualTo("small");
    assertThat(throttle.get(BudgetAttributes.THRESHOLD_PERCENT)).isEqualTo("80");
    assertThat(throttle.get(BudgetAttributes.PHASE)).isEqualTo("admission");
    // Spent 13,000,000 + 1,200,000 (1,000 x $1 + 100 x $2 per 1M on small) = 14,200,000 on March 15, 12:00.
    // Linear: floor(14,200,000 x 31 days / 14.5 days) = floor(14,200,000 x 2,678,400,000 / 1,252,800,000)
    // = 30,358,620 > 30,000,000. EWMA: no interval completed with spending yet (both calls at 12:00), so 14,200,000.
    assertThat(second.getEvents().get(1).getAttributes()).isEqualTo(Attributes.builder()
        .put(LockNAttributes.BUDGET_NAME, "m")
        .put(LockNAttributes.BUDGET_SCOPE, "global")
        .put(LockNAttributes.BUDGET_UNIT, "nano_usd")
        .put(LockNAttributes.BUDGET_LIMIT, 30_000_000L)
        .put(LockNAttributes.BUDGET_SPENT, 14_200_000L)
        .put(BudgetAttributes.FORECAST_LINEAR, 30_358_620L)
        .put(BudgetAttributes.FORECAST_EWMA, 14_200_000L)
        .build());

    assertThat(counts()).containsEntry("m|alert", 1L).containsEntry("m|throttle", 1L)
        .containsEntry("m|forecast", 1L).doesNotContainKey("m|block");
  }

  private Map<String, Long> counts() {
    Map<String, Long> result = new HashMap<>();
    for (MetricData m : metrics.collectAllMetrics()) {
      if (m.getName().equals(BudgetAttributes.ACTIONS_METRIC)) {
        for (LongPointData p : m.getLongSumData().getPoints()) {
          result.put(p.getAttributes().get(LockNAttributes.BUDGET_NAME) + "|"
              + p.getAttributes().get(BudgetAttributes.ACTION), p.getValue());
          assertThat(p.getAttributes().size()).isEqualTo(2);
        }
      }
    }
    return result;
  }
}
