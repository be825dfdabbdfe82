package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.core.TokenUsage;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.CallRequest;
import io.lockn.pricing.PriceCatalog;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Period-end forecasts: linear and EWMA arithmetic, empty intervals, rounding, and the once-per-period alert. */
class ForecastTest {

  private static final String TRACE = "0".repeat(32);
  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T00:00:00Z"));
  private final List<BudgetForecast> alerts = new CopyOnWriteArrayList<>();

  private Budgets budgets(long limit) {
    return Budgets.builder(PriceCatalog.builder().build()).setClock(clock)
        .addBudget(Budget.builder("m").limitTokens(limit).period(Period.month(ZoneOffset.UTC)).alertAt(100).build())
        .addBudget(Budget.builder("r").limitTokens(limit).period(Period.rolling(Duration.ofHours(1))).build())
        .addListener(new BudgetListener() {
          @Override
          public void onAlert(BudgetEvent event) {}

          @Override
          public void onForecast(BudgetForecast forecast) {
            alerts.add(forecast);
          }
        })
        .build();
  }

  /** Spends exactly {@code tokens} at {@code when}. */
  private void spend(Budgets budgets, String when, long tokens) {
    clock.set(Instant.parse(when));
    Admission a = budgets.admit(CallRequest.builder("openai", "m")
        .estimatedInputTokens(tokens)
        .maxOutputTokens(0)
        .traceId(TRACE)
        .build());
    a.complete(Settle.call(TokenUsage.of(tokens, 0)), io.lockn.core.CallCost.notPriced());
  }

  @Test
  void linearAndEwma_exactOverCompletedIntervals() {
    Budgets budgets = budgets(1_000_000);
    spend(budgets, "2025-03-01T12:00:00Z", 10_000);
    spend(budgets, "2025-03-02T12:00:00Z", 20_000);
    clock.set(Instant.parse("2025-03-03T00:00:00Z"));

    BudgetForecast f = budgets.forecast("m", "global");

    assertThat(f.spent()).isEqualTo(30_000);
    assertThat(f.periodStart()).isEqualTo(Instant.parse("2025-03-01T00:00:00Z"));
    assertThat(f.periodEnd()).isEqualTo(Instant.parse("2025-04-01T00:00:00Z"));
    // 30,000 x 31 days / 2 days.
    assertThat(f.linear()).isEqualTo(465_000);
    // e = 10,000, then 0.3 x 20,000 + 0.7 x 10,000 = 13,000 per day; 29 days remain.
    assertThat(f.completedIntervals()).isEqualTo(2);
    assertThat(f.interval()).isEqualTo(Duration.ofDays(1).toMillis());
    assertThat(f.ewma()).isEqualTo(30_000 + 13_000L * 29);
    assertThat(f.exceedsLimit()).isFalse();
  }

  @Test
  void emptyIntervals_decayTheEwma() {
    Budgets budgets = budgets(1_000_000);
    spend(budgets, "2025-03-01T12:00:00Z", 10_000);
    spend(budgets, "2025-03-02T12:00:00Z", 20_000);
    clock.set(Instant.parse("2025-03-06T00:00:00Z"));

    BudgetForecast f = budgets.forecast("m", "global");

    // Day 3 empty: 0.7 x 13,000 = 9,100; days 4 and 5 empty: x 0.49 = 4,459 per day; 26 days remain.
    assertThat(f.ewma()).isEqualTo(30_000 + 4_459L * 26);
    assertThat(f.linear()).isEqualTo(30_000L * 31 / 5);
  }

  @Test
  void beforeFirstInterval_ewmaEqualsLinear_roundedDown() {
    Budgets budgets = budgets(1_000_000);
    spend(budgets, "2025-03-01T00:00:00Z", 10);
    clock.set(Instant.parse("2025-03-01T08:00:00Z"));

    BudgetForecast f = budgets.forecast("m", "global");

    // 10 x 744 h / 8 h = 930 exactly; at 7 h it is 1062.857... rounded down.
    assertThat(f.linear()).isEqualTo(930);
    assertThat(f.ewma()).isEqualTo(930);
    assertThat(f.completedIntervals()).isZero();
    clock.set(Instant.parse("2025-03-01T07:00:00Z"));
    assertThat(budgets.forecast("m", "global").linear()).isEqualTo(1062);
  }

  @Test
  void alert_oncePerAccountAndPeriod_notBeforeOneInterval() {
    Budgets budgets = budgets(400_000);
    // A first call projects 10,000 x 744 = 7.44M, but no interval has elapsed yet: no alert.
    spend(budgets, "2025-03-01T01:00:00Z", 10_000);
    assertThat(alerts).isEmpty();
    spend(budgets, "2025-03-02T12:00:00Z", 20_000);
    // 30,000 x 31 / 1.5 = 620,000 > 400,000.
    assertThat(alerts).singleElement().satisfies(f -> {
      assertThat(f.budget()).isEqualTo("m");
      assertThat(f.scope()).isEqualTo("global");
      assertThat(f.linear()).isEqualTo(620_000);
      assertThat(f.exceedsLimit()).isTrue();
    });
    spend(budgets, "2025-03-03T12:00:00Z", 20_000);
    budgets.forecast("m", "global");
    assertThat(alerts).hasSize(1);

    // April starts afresh.
    spend(budgets, "2025-04-02T00:00:00Z", 100_000);
    assertThat(alerts).hasSize(2);
    assertThat(alerts.get(1).periodStart()).isEqualTo(Instant.parse("2025-04-01T00:00:00Z"));
    assertThat(alerts.get(1).spent()).isEqualTo(100_000);
  }

  @Test
  void forecasts_listsCalendarAccountsOnly_rollingRefused() {
    Budgets budgets = budgets(1_000_000);
    spend(budgets, "2025-03-01T12:00:00Z", 10);

    assertThat(budgets.forecasts()).extracting(BudgetForecast::budget).containsExactly("m");
    assertThatThrownBy(() -> budgets.forecast("r", "global"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rolling");
    assertThatThrownBy(() -> budgets.forecast("nope", "global")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void customIntervalAndSmoothing() {
    Budgets budgets = Budgets.builder(PriceCatalog.builder().build()).setClock(clock)
        .setForecastInterval(Period.Kind.MONTH, Duration.ofHours(12))
        .setForecastSmoothing(new BigDecimal("0.5"))
        .addBudget(Budget.builder("m").limitTokens(1_000_000).period(Period.month(ZoneOffset.UTC)).build())
        .build();
    spend(budgets, "2025-03-01T06:00:00Z", 100);
    spend(budgets, "2025-03-01T18:00:00Z", 300);
    clock.set(Instant.parse("2025-03-02T00:00:00Z"));

    BudgetForecast f = budgets.forecast("m", "global");

    // e = 100, then 0.5 x 300 + 0.5 x 100 = 200 per 12 h; 60 half-days remain.
    assertThat(f.ewma()).isEqualTo(400 + 200L * 60);
    assertThatThrownBy(() -> Budgets.builder(PriceCatalog.builder().build())
        .setForecastSmoothing(BigDecimal.ZERO)).hasMessageStartingWith("forecastSmoothing");
    assertThatThrownBy(() -> Budgets.builder(PriceCatalog.builder().build())
        .setForecastInterval(Period.Kind.ROLLING, Duration.ofHours(1))).hasMessageStartingWith("forecastInterval");
  }

  @Test
  void linearProjection_inLongsEqualsTheExactQuotient() {
    long month = 30L * 86_400_000L;
    long[][] cases = {
      {0, month, 1}, {276_000, month, 86_400_000L}, {Long.MAX_VALUE / month, month, 7},
      {Long.MAX_VALUE / month + 1, month, month - 1}, {Long.MAX_VALUE, month, month}, {Long.MAX_VALUE, month, 1},
      {1_000_000_007L, 3, 2},
      // The product overflows but the split q x length + r x length / elapsed does not (about $3.5 and more).
      {3_600_000_001L, month, 1}, {3_600_000_001L, month, 86_400_001L}, {987_654_321_987L, month, month - 1},
      {Long.MAX_VALUE / 2, month, month}, {Long.MAX_VALUE / 3, 7, 5}, {Long.MAX_VALUE - 1, 31, 30}};
    for (long[] c : cases) {
      java.math.BigInteger exact = java.math.BigInteger.valueOf(c[0]).multiply(java.math.BigInteger.valueOf(c[1]))
          .divide(java.math.BigInteger.valueOf(c[2]));
      long expected = exact.bitLength() < 64 ? exact.longValue() : Long.MAX_VALUE;
      assertThat(Forecaster.linear(c[0], c[1], c[2])).as("%s x %s / %s", c[0], c[1], c[2]).isEqualTo(expected);
    }
  }

  @Test
  void thresholdAmounts_areComputedOncePerBudget() {
    Budget b = Budget.builder("b").limitUsd("100").period(Period.month(ZoneOffset.UTC)).alertAt(80).throttleAt(95)
        .blockAt(100).build();
    for (int i = 0; i < b.thresholds().size(); i++) {
      assertThat(b.thresholdAmount(i)).isEqualTo(b.thresholds().get(i).amountOf(b.limit()));
    }
    assertThat(b.thresholdAmount(0)).isEqualTo(80_000_000_000L);
  }
}
