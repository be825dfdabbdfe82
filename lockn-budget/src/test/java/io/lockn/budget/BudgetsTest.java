package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.core.AttributionKeys;
import io.lockn.core.BudgetExceededException;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockN;
import io.lockn.core.LockNAttributes;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.ModelPrice;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.Rates;
import io.opentelemetry.api.baggage.Baggage;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Budgets through a real LockN: each action, reconciliation, release, per-tenant accounts and period resets. */
class BudgetsTest {

  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  private static final String TENANT = AttributionKeys.DEFAULT_TENANT_KEY;
  // big: $10 / $30 per 1M tokens = 10,000 / 30,000 nano-USD per token; small: 1,000 / 2,000.
  private static final PriceCatalog CATALOG =
      PriceCatalog.builder()
          .add(ModelPrice.builder("openai", "big").addPrices(Rates.perMillionTokens("10", "30")).build())
          .add(ModelPrice.builder("openai", "small").addPrices(Rates.perMillionTokens("1", "2")).build())
          .build();

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final MutableClock clock = new MutableClock(at("2025-03-15T12:00"));
  private final List<BudgetEvent> events = new CopyOnWriteArrayList<>();
  private final BudgetListener listener = new BudgetListener() {
    @Override
    public void onAlert(BudgetEvent event) {
      events.add(event);
    }

    @Override
    public void onThrottle(BudgetEvent event) {
      events.add(event);
    }

    @Override
    public void onBlock(BudgetEvent event) {
      events.add(event);
    }
  };
  private OpenTelemetrySdk otel;

  @BeforeEach
  void setUp() {
    otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .build();
  }

  @AfterEach
  void tearDown() {
    otel.close();
  }

  private static Instant at(String local) {
    return LocalDateTime.parse(local).atZone(PARIS).toInstant();
  }

  private Budgets budgets(Budget... list) {
    Budgets.Builder b = Budgets.builder(CATALOG).setClock(clock).addListener(listener).addDowngrade("big", "small");
    for (Budget budget : list) {
      b.addBudget(budget);
    }
    return b.build();
  }

  private LockN lockn(Budgets budgets) {
    return LockN.builder().setOpenTelemetry(otel).setCallAdmission(budgets).build();
  }

  /** A call of the big model estimated at 1,000 in x 10,000 + 100 out x 30,000 = 13,000,000 nano-USD ($0.013). */
  private static <T> T bigCall(LockN lockn, TokenUsage actual, Supplier<T> body) {
    return lockn.chat("openai", "big").estimatedInputTokens(1000).maxTokens(100).supply(() -> {
      lockn.currentLlmCall().recordUsage(actual);
      return body.get();
    });
  }

  private static <T> T inTenant(String tenant, Supplier<T> body) {
    try (io.opentelemetry.context.Scope ignored = Baggage.current().toBuilder().put(TENANT, tenant).build().makeCurrent()) {
      return body.get();
    }
  }

  private static Budget monthly(String usd) {
    return Budget.builder("monthly").scope(Scope.each(TENANT)).limitUsd(usd).period(Period.month(PARIS))
        .alertAt(50).throttleAt(80).blockAt(100).build();
  }

  @Test
  void block_throwsBeforeProviderLambdaRuns_andRecordsSpan() {
    Budgets budgets = budgets(Budget.builder("tiny").limitUsd("0.01").period(Period.day(PARIS)).build());
    LockN lockn = lockn(budgets);
    AtomicBoolean called = new AtomicBoolean();

    assertThatThrownBy(() -> bigCall(lockn, TokenUsage.of(1, 1), () -> called.getAndSet(true)))
        .isInstanceOfSatisfying(BudgetExceededException.class, e -> {
          assertThat(e.budgetName()).isEqualTo("tiny");
          assertThat(e.scope()).isEqualTo("global");
          assertThat(e.limit()).isEqualTo(10_000_000L);
          assertThat(e.spent()).isZero();
          assertThat(e.requested()).isEqualTo(13_000_000L);
        });

    assertThat(called).isFalse();
    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertThat(span.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo("budget_exceeded");
    assertThat(span.getEvents()).extracting(e -> e.getName()).containsExactly(LockNAttributes.BUDGET_EXCEEDED_EVENT);
    assertThat(budgets.status("tiny", "global").reserved()).isZero();
    assertThat(events).extracting(BudgetEvent::action).containsExactly(Action.BLOCK);
  }

  @Test
  void complete_replacesReservationWithActualCost() {
    Budgets budgets = budgets(monthly("1"));
    LockN lockn = lockn(budgets);

    inTenant("acme", () -> bigCall(lockn, TokenUsage.of(500, 10), () -> {
      BudgetStatus during = budgets.status("monthly", TENANT + "=acme");
      assertThat(during.reserved()).isEqualTo(13_000_000L);
      assertThat(during.spent()).isZero();
      return null;
    }));

    BudgetStatus after = budgets.status("monthly", TENANT + "=acme");
    // 500 x 10,000 + 10 x 30,000 nano-USD.
    assertThat(after.spent()).isEqualTo(5_300_000L);
    assertThat(after.reserved()).isZero();
    assertThat(after.remaining()).isEqualTo(1_000_000_000L - 5_300_000L);
    assertThat(after.periodStart()).isEqualTo(at("2025-03-01T00:00"));
    assertThat(after.periodEnd()).isEqualTo(at("2025-04-01T00:00"));
  }

  @Test
  void release_onProviderFailure_freesReservation() {
    Budgets budgets = budgets(monthly("1"));
    LockN lockn = lockn(budgets);
    IllegalStateException boom = new IllegalStateException("provider down");

    assertThatThrownBy(() -> inTenant("acme", () -> lockn.chat("openai", "big").estimatedInputTokens(1000)
        .maxTokens(100).supply(() -> {
          throw boom;
        }))).isSameAs(boom);

    BudgetStatus s = budgets.status("monthly", TENANT + "=acme");
    assertThat(s.spent()).isZero();
    assertThat(s.reserved()).isZero();
  }

  @Test
  void failureAfterUsageWasRecorded_isChargedWhatItUsed_asItsSpanSays() {
    Budgets budgets = budgets(monthly("1"));
    LockN lockn = lockn(budgets);
    IllegalStateException boom = new IllegalStateException("stream cut short");

    assertThatThrownBy(() -> inTenant("acme", () -> bigCall(lockn, TokenUsage.of(500, 10), () -> {
      throw boom;
    }))).isSameAs(boom);

    BudgetStatus s = budgets.status("monthly", TENANT + "=acme");
    // 500 x 10,000 + 10 x 30,000 nano-USD: the provider billed the tokens.
    assertThat(s.spent()).isEqualTo(5_300_000L);
    assertThat(s.reserved()).isZero();
  }

  @Test
  void eachTenant_hasItsOwnAccount() {
    Budgets budgets = budgets(Budget.builder("t").scope(Scope.each(TENANT)).limitUsd("0.02")
        .period(Period.month(PARIS)).build());
    LockN lockn = lockn(budgets);

    inTenant("acme", () -> bigCall(lockn, TokenUsage.of(1000, 100), () -> null));
    assertThatThrownBy(() -> inTenant("acme", () -> bigCall(lockn, TokenUsage.of(1, 1), () -> null)))
        .isInstanceOf(BudgetExceededException.class)
        .hasMessageContaining("app.tenant_id=acme");
    assertThat(inTenant("globex", () -> bigCall(lockn, TokenUsage.of(1, 1), () -> "ok"))).isEqualTo("ok");
    // Calls without a tenant are not in the scope.
    assertThat(bigCall(lockn, TokenUsage.of(1, 1), () -> "ok")).isEqualTo("ok");

    assertThat(budgets.status()).extracting(BudgetStatus::scope)
        .containsExactly(TENANT + "=acme", TENANT + "=globex");
    assertThat(budgets.status().get(0).spent()).isEqualTo(13_000_000L);
  }

  @Test
  void alert_firesOncePerThresholdAccountAndPeriod() {
    Budgets budgets = budgets(Budget.builder("m").limitUsd("0.05").period(Period.month(PARIS)).alertAt(50).build());
    LockN lockn = lockn(budgets);

    bigCall(lockn, TokenUsage.of(1000, 100), () -> null); // 13m of 50m: below 50% even with the reservation
    assertThat(events).isEmpty();
    bigCall(lockn, TokenUsage.of(1000, 100), () -> null); // 13m + 13m reserved = 26m >= 25m: alert
    bigCall(lockn, TokenUsage.of(1000, 100), () -> null);
    assertThat(events).hasSize(1);
    assertThat(events.get(0).action()).isEqualTo(Action.ALERT);
    assertThat(events.get(0).used()).isEqualTo(26_000_000L);
    // No threshold blocks this budget: 100% is only an alert away, and the next month starts afresh.
    clock.set(at("2025-04-01T00:00"));
    bigCall(lockn, TokenUsage.of(1000, 100), () -> null);
    assertThat(events).hasSize(1);
    bigCall(lockn, TokenUsage.of(1000, 100), () -> null);
    assertThat(events).hasSize(2);
    assertThat(events.get(1).periodStart()).isEqualTo(at("2025-04-01T00:00"));
  }

  @Test
  void throttle_downgradesToCheaperModel_andChargesItsPrice() {
    Budgets budgets = budgets(monthly("0.03"));
    LockN lockn = lockn(budgets);

    String first = inTenant("acme", () -> bigCall(lockn, TokenUsage.of(1000, 100),
        () -> lockn.currentLlmCall().admittedModel()));
    // 13m spent + 13m estimate = 26m > 80% of 30m = 24m: throttled.
    String second = inTenant("acme", () -> bigCall(lockn, TokenUsage.of(1000, 100),
        () -> lockn.currentLlmCall().admittedModel()));

    assertThat(first).isEqualTo("big");
    assertThat(second).isEqualTo("small");
    assertThat(events).extracting(BudgetEvent::action).contains(Action.THROTTLE);
    // The throttled call is charged at small's prices: 1000 x 1,000 + 100 x 2,000.
    assertThat(budgets.status("monthly", TENANT + "=acme").spent()).isEqualTo(13_000_000L + 1_200_000L);
    assertThat(exporter.getFinishedSpanItems().get(1).getAttributes().get(LockNAttributes.BUDGET_ADMITTED_MODEL))
        .isEqualTo("small");
  }

  @Test
  void throttle_withoutDowngrade_admitsUnchanged() {
    Budgets budgets = Budgets.builder(CATALOG).setClock(clock).addBudget(
        Budget.builder("g").limitUsd("0.03").period(Period.day(PARIS)).throttleAt(10).build()).build();
    LockN lockn = lockn(budgets);
    assertThat(bigCall(lockn, TokenUsage.of(1, 1), () -> lockn.currentLlmCall().admittedModel())).isEqualTo("big");
  }

  @Test
  void calendarDay_resetsExactlyAtMidnightInZone_acrossDst() {
    Budgets budgets = budgets(Budget.builder("d").limitUsd("0.02").period(Period.day(PARIS)).build());
    LockN lockn = lockn(budgets);
    clock.set(at("2025-03-30T23:59:59.999"));
    bigCall(lockn, TokenUsage.of(1000, 100), () -> null);
    assertThatThrownBy(() -> bigCall(lockn, TokenUsage.of(1, 1), () -> null))
        .isInstanceOf(BudgetExceededException.class);
    clock.set(at("2025-03-31T00:00"));
    assertThat(bigCall(lockn, TokenUsage.of(1, 1), () -> "ok")).isEqualTo("ok");
  }

  @Test
  void allMatchingBudgets_reserveAllOrNothing() {
    Budget roomy = Budget.builder("roomy").limitUsd("1").period(Period.month(PARIS)).build();
    Budget tight = Budget.builder("tight").scope(Scope.attribute(TENANT, "acme")).limitUsd("0.02")
        .period(Period.month(PARIS)).build();
    Budgets budgets = budgets(roomy, tight);
    LockN lockn = lockn(budgets);

    inTenant("acme", () -> bigCall(lockn, TokenUsage.of(1000, 100), () -> null));
    assertThatThrownBy(() -> inTenant("acme", () -> bigCall(lockn, TokenUsage.of(1, 1), () -> null)))
        .isInstanceOfSatisfying(BudgetExceededException.class, e -> assertThat(e.budgetName()).isEqualTo("tight"));

    // The roomy budget's reservation was rolled back.
    assertThat(budgets.status("roomy", "global").spent()).isEqualTo(13_000_000L);
    assertThat(budgets.status("roomy", "global").reserved()).isZero();
  }

  @Test
  void tokenBudget_appliesToUnpricedModel_usdBudgetCountsZero() {
    Budgets budgets = budgets(
        Budget.builder("tokens").limitTokens(1500).period(Period.rolling(Duration.ofHours(1))).build(),
        Budget.builder("usd").limitUsd("0.000000001").period(Period.day(PARIS)).build());
    LockN lockn = lockn(budgets);

    lockn.chat("acme-ai", "mystery").estimatedInputTokens(1000).maxTokens(100).run(
        () -> lockn.currentLlmCall().recordUsage(TokenUsage.of(900, 50)));
    assertThat(budgets.status("tokens", "global").spent()).isEqualTo(950);
    assertThat(budgets.status("usd", "global").spent()).isZero();
    assertThatThrownBy(() -> lockn.chat("acme-ai", "mystery").estimatedInputTokens(500).maxTokens(100)
        .run(() -> {})).isInstanceOfSatisfying(BudgetExceededException.class,
            e -> assertThat(e.unit()).isEqualTo(BudgetExceededException.Unit.TOKENS));
    clock.advance(Duration.ofHours(1));
    lockn.chat("acme-ai", "mystery").estimatedInputTokens(500).maxTokens(100).run(() -> {});
  }

  @Test
  void perCall_blocksOnlyTheExpensiveCall() {
    Budgets budgets = budgets(Budget.builder("call").limitUsd("0.01").period(Period.perCall()).build());
    LockN lockn = lockn(budgets);
    assertThatThrownBy(() -> bigCall(lockn, TokenUsage.of(1, 1), () -> null))
        .isInstanceOf(BudgetExceededException.class);
    assertThat(lockn.chat("openai", "big").estimatedInputTokens(100).maxTokens(100).supply(() -> "ok"))
        .isEqualTo("ok");
    assertThat(budgets.status()).isEmpty();
  }

  @Test
  void failingListener_doesNotAffectAdmission() {
    Budgets budgets = Budgets.builder(CATALOG).setClock(clock)
        .addBudget(Budget.builder("m").limitUsd("1").period(Period.day(PARIS)).alertAt(1).build())
        .addListener(e -> {
          throw new IllegalStateException("listener");
        }).build();
    LockN lockn = lockn(budgets);
    assertThat(bigCall(lockn, TokenUsage.of(1, 1), () -> "ok")).isEqualTo("ok");
  }

  @Test
  void complete_pricesAtResponseModel_whenCatalogKnowsIt() {
    Budgets budgets = budgets(Budget.builder("m").limitUsd("10").period(Period.month(PARIS)).build());
    LockN lockn = lockn(budgets);

    // Requested big, answered by small: 1,000 x 1,000 + 100 x 2,000 = 1,200,000 nano-USD, not the big price.
    bigCall(lockn, TokenUsage.of(1000, 100), () -> lockn.currentLlmCall().responseModel("small"));
    assertThat(budgets.status("m", "global").spent()).isEqualTo(1_200_000L);

    // An unpriced response model is charged at the admitted model: 1,000 x 10,000 + 100 x 30,000.
    bigCall(lockn, TokenUsage.of(1000, 100), () -> lockn.currentLlmCall().responseModel("mystery-model"));
    assertThat(budgets.status("m", "global").spent()).isEqualTo(1_200_000L + 13_000_000L);
  }
}
