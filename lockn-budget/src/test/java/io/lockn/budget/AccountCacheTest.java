package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.BudgetExceededException;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.CallRequest;
import io.lockn.pricing.PriceCatalog;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The cache of current calendar accounts ({@code Budgets.currentAccount}): a cached account is used only inside its
 * period, so calls across a period boundary, or with a clock moved back, use the right period; and it stays bounded.
 * Also the forecast's long-arithmetic projection against the exact BigDecimal one.
 */
class AccountCacheTest {

  private static final String TRACE = "0".repeat(32);
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-31T23:59:59.999Z"));

  private Budgets budgets(Period period) {
    return Budgets.builder(PriceCatalog.builder().build()).setClock(clock)
        .addBudget(Budget.builder("t").scope(Scope.each("tenant")).limitTokens(100).period(period).build())
        .build();
  }

  private void spend(Budgets budgets, long tokens) {
    Admission a = budgets.admit(CallRequest.builder("openai", "m")
        .estimatedInputTokens(tokens)
        .maxOutputTokens(0)
        .attribution(Map.of("tenant", "acme"))
        .traceId(TRACE)
        .build());
    a.complete(Settle.call(TokenUsage.of(tokens, 0)), io.lockn.core.CallCost.notPriced());
  }

  @Test
  void monthBoundary_newPeriodAtItsFirstInstant_andBackAgain() {
    Budgets budgets = budgets(Period.month(ZoneOffset.UTC));
    spend(budgets, 80);
    spend(budgets, 20);
    // The January account is full and cached.
    Assertions.assertThatThrownBy(() -> spend(budgets, 1)).isInstanceOf(BudgetExceededException.class);

    clock.set(Instant.parse("2025-02-01T00:00:00Z"));
    spend(budgets, 60);
    BudgetStatus feb = budgets.status("t", "tenant=acme");
    assertThat(feb.periodStart()).isEqualTo(Instant.parse("2025-02-01T00:00:00Z"));
    assertThat(feb.spent()).isEqualTo(60);

    // A clock moved back (or a late thread) gets January's account again, not the cached February one.
    clock.set(Instant.parse("2025-01-31T12:00:00Z"));
    Assertions.assertThatThrownBy(() -> spend(budgets, 1)).isInstanceOf(BudgetExceededException.class);
    assertThat(budgets.status("t", "tenant=acme").spent()).isEqualTo(100);
  }

  @Test
  void dayBoundary_inAZoneWithDaylightSaving() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    // 2025-03-30 is 23 hours long in Paris; the next day starts at 2025-03-30T22:00Z.
    clock.set(Instant.parse("2025-03-30T21:59:59.999Z"));
    Budgets budgets = budgets(Period.day(paris));
    spend(budgets, 100);
    clock.set(Instant.parse("2025-03-30T22:00:00Z"));
    spend(budgets, 30);
    BudgetStatus s = budgets.status("t", "tenant=acme");
    assertThat(s.periodStart()).isEqualTo(Instant.parse("2025-03-30T22:00:00Z"));
    assertThat(s.spent()).isEqualTo(30);
  }

  @Test
  void cacheIsBounded_andDropsEndedPeriodsFirst() {
    Budget day = Budget.builder("d").scope(Scope.each("s")).limitTokens(100).period(Period.day(ZoneOffset.UTC)).build();
    ConcurrentHashMap<String, Budgets.CurrentAccount> cache = new ConcurrentHashMap<>();
    Instant t = Instant.parse("2025-05-05T10:00:00Z");
    for (int i = 0; i < Budgets.MAX_CACHED_ACCOUNTS; i++) {
      Budgets.currentAccount(cache, day, String.valueOf(i), t.toEpochMilli());
    }
    assertThat(cache).hasSize(Budgets.MAX_CACHED_ACCOUNTS);

    // Full with current periods: a new scope gets a correct account that is not cached.
    Budgets.CurrentAccount extra = Budgets.currentAccount(cache, day, "new", t.toEpochMilli());
    assertThat(extra.account).isEqualTo(Budgets.account(day, "s=new", t));
    assertThat(extra.scope).isEqualTo("s=new");
    assertThat(extra.key).isEqualTo("d|s=new");
    assertThat(cache).hasSize(Budgets.MAX_CACHED_ACCOUNTS).doesNotContainKey("new");

    // A cached scope is served from the cache within its period.
    Budgets.CurrentAccount first = Budgets.currentAccount(cache, day, "0", t.toEpochMilli());
    assertThat(Budgets.currentAccount(cache, day, "0", t.toEpochMilli() + 3_600_000))
        .isSameAs(first);

    // The next day every cached period has ended: they are dropped and the new scope is cached.
    Instant next = Instant.parse("2025-05-06T00:00:00Z");
    Budgets.CurrentAccount tomorrow = Budgets.currentAccount(cache, day, "new", next.toEpochMilli());
    assertThat(tomorrow.account).isEqualTo(Budgets.account(day, "s=new", next));
    assertThat(cache).hasSize(1).containsKey("new");
  }

  @Test
  void ewmaProjection_inLongsEqualsBigDecimal() {
    Budget b = Budget.builder("m").limitTokens(Long.MAX_VALUE).period(Period.month(ZoneOffset.UTC)).build();
    Instant start = Instant.parse("2025-03-01T00:00:00Z");
    Instant end = Instant.parse("2025-04-01T00:00:00Z");
    long interval = 86_400_000L;
    BigDecimal alpha = new BigDecimal("0.3");
    long[] spends = {0, 1, 7, 276_000, 999_999_937, 1L << 40, Long.MAX_VALUE / 4};
    for (long daily : spends) {
      Forecaster f = new Forecaster(start, end, interval, alpha);
      f.observe(b, "global", daily, start.plus(Duration.ofHours(12)));
      Instant now = start.plus(Duration.ofDays(1)).plusMillis(12_345);
      BudgetForecast forecast = f.observe(b, "global", daily, now);
      // One completed interval: ewma = daily, to 9 decimals.
      BigDecimal rest = BigDecimal.valueOf(daily).setScale(9)
          .multiply(BigDecimal.valueOf(end.toEpochMilli() - now.toEpochMilli()))
          .divide(BigDecimal.valueOf(interval), 0, RoundingMode.DOWN);
      BigInteger exact = BigInteger.valueOf(daily).add(rest.toBigIntegerExact());
      long expected = exact.bitLength() < 64 ? exact.longValue() : Long.MAX_VALUE;
      assertThat(forecast.ewma()).as("daily %d", daily).isEqualTo(expected);
    }
  }
}
