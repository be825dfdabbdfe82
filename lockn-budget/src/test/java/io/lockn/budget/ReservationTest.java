package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.core.BudgetExceededException;
import io.lockn.core.CallCost;
import io.lockn.core.GenAiOperation;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.CallRequest;
import io.lockn.core.spi.EndedCall;
import io.lockn.pricing.ModelPrice;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.Rates;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Reservations that hold by default: what a call reserves without {@code max_tokens} (the output reserve, the cap per
 * budget, the input floor), that settlement charges the exact priced cost and releases the rest, and the documented
 * overshoot bound, with the in-memory and the Redis ledger.
 *
 * <p>Prices are the bundled catalog's: gpt-4o-mini $0.15 per 1M input tokens (150 nano-USD a token) and $0.60 per 1M
 * output tokens (600 a token), with a maximum output of 16,384 tokens; gpt-4o $2.50 and $10 (2,500 and 10,000 a
 * token). So 19 input tokens cost 2,850 nano-USD, the "$0.00000285 for a 19-token prompt".
 */
class ReservationTest {

  private static final PriceCatalog CATALOG = PriceCatalog.bundled();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-01T12:00:00Z"));

  private Budgets.Builder budgets(Budget budget) {
    return Budgets.builder(CATALOG).setClock(clock).addBudget(budget);
  }

  private static Budget usd(String limit) {
    return Budget.builder("tenant").limitUsd(limit).period(Period.month(ZoneOffset.UTC)).build();
  }

  private static CallRequest request(String model, long input, long maxTokens) {
    return CallRequest.builder("openai", model).estimatedInputTokens(input).maxOutputTokens(maxTokens).build();
  }

  private static EndedCall ended(String model, long input, long output) {
    return EndedCall.builder(GenAiOperation.CHAT, "openai", model).usage(TokenUsage.of(input, output)).build();
  }

  private static long reserved(Budgets b) {
    return b.status("tenant", "global").reserved();
  }

  private static long spent(Budgets b) {
    return b.status("tenant", "global").spent();
  }

  @Test
  void noMaxTokens_reservesTheModelsMaximumOutputFromTheCatalog_thenChargesTheExactCost() {
    Budgets b = budgets(usd("1")).build();

    Admission a = b.admit(request("gpt-4o-mini", 19, -1));
    // 19 x 150 + 16,384 x 600 = 2,850 + 9,830,400 = 9,833,250 nano-USD, below the cap (10% of $1 = 100,000,000).
    assertThat(reserved(b)).isEqualTo(9_833_250L);

    a.complete(ended("gpt-4o-mini", 19, 40), CallCost.notPriced());
    // Charged the priced cost, 2,850 + 40 x 600 = 26,850; the rest of the reservation released.
    assertThat(spent(b)).isEqualTo(26_850L);
    assertThat(reserved(b)).isZero();
  }

  @Test
  void noMaxTokens_onASmallBudget_theReservationIsCappedAtTenPercentOfTheLimit() {
    Budgets b = budgets(usd("0.01")).build();

    b.admit(request("gpt-4o-mini", 19, -1));
    // min(9,833,250, 10% of 10,000,000 = 1,000,000) = 1,000,000: one estimate cannot lock the budget.
    assertThat(reserved(b)).isEqualTo(1_000_000L);
    // Nine more fit beside it: 10 x 1,000,000 = 10,000,000 = the limit.
    for (int i = 0; i < 9; i++) {
      b.admit(request("gpt-4o-mini", 19, -1));
    }
    assertThat(reserved(b)).isEqualTo(10_000_000L);
    assertThatThrownBy(() -> b.admit(request("gpt-4o-mini", 19, -1))).isInstanceOf(BudgetExceededException.class);
  }

  @Test
  void noMaxTokens_theCapNeverCutsBelowTheInputAlone() {
    Budget small = Budget.builder("tenant").limitUsd("0.0001").period(Period.month(ZoneOffset.UTC)).build();
    Budgets b = budgets(small).build();

    b.admit(request("gpt-4o-mini", 100, -1));
    // Cap: 10% of 100,000 = 10,000; the input alone, 100 x 150 = 15,000, is reserved in full.
    assertThat(reserved(b)).isEqualTo(15_000L);
    // 1,000 input tokens are 150,000 > 100,000 - 15,000: refused before the provider is called.
    assertThatThrownBy(() -> b.admit(request("gpt-4o-mini", 1_000, -1)))
        .isInstanceOfSatisfying(BudgetExceededException.class, e -> {
          assertThat(e.spent()).isEqualTo(15_000L);
          assertThat(e.requested()).isEqualTo(150_000L);
        });
  }

  @Test
  void maxTokensSet_reservesTheWholeEstimate_uncapped() {
    Budgets b = budgets(usd("0.01")).build();

    b.admit(request("gpt-4o-mini", 19, 16_384));
    // The caller's own bound is exact: 9,833,250, above the 1,000,000 cap.
    assertThat(reserved(b)).isEqualTo(9_833_250L);
  }

  @Test
  void maxReservationPercent_isPerBudget() {
    Budget b100 = Budget.builder("tenant").limitUsd("0.01").period(Period.month(ZoneOffset.UTC))
        .maxReservationPercent(new BigDecimal("50")).build();
    Budgets b = budgets(b100).build();

    b.admit(request("gpt-4o-mini", 19, -1));
    // min(9,833,250, 50% of 10,000,000 = 5,000,000).
    assertThat(reserved(b)).isEqualTo(5_000_000L);
    assertThatThrownBy(() -> Budget.builder("x").maxReservationPercent(BigDecimal.ZERO))
        .hasMessage("not in (0, 100]: 0");
  }

  @Test
  void outputReserve_configuredPerModel_thenForEveryModel_thenTheCatalog_thenTheDefault() {
    PriceCatalog catalog = PriceCatalog.builder().addAll(CATALOG)
        // A model the catalog prices but whose maximum output it does not know.
        .add(ModelPrice.builder("openai", "house-model").addPrices(Rates.perMillionTokens("1", "2")).build())
        .build();
    Budget tokens = Budget.builder("tenant").limitTokens(10_000_000).period(Period.month(ZoneOffset.UTC)).build();

    Budgets catalogOnly = Budgets.builder(catalog).setClock(clock).addBudget(tokens).build();
    catalogOnly.admit(request("gpt-4o-mini", 19, -1));
    assertThat(reserved(catalogOnly)).isEqualTo(19 + 16_384);
    catalogOnly.admit(request("house-model", 19, -1));
    assertThat(reserved(catalogOnly)).isEqualTo(19 + 16_384 + 19 + Budgets.DEFAULT_OUTPUT_RESERVE_TOKENS);

    Budgets configured = Budgets.builder(catalog).setClock(clock).addBudget(tokens)
        .setOutputReserve(1_000).addOutputReserve("gpt-4o-mini", 500).build();
    configured.admit(request("gpt-4o-mini", 19, -1));
    assertThat(reserved(configured)).isEqualTo(19 + 500);
    configured.admit(request("house-model", 19, -1));
    assertThat(reserved(configured)).isEqualTo(19 + 500 + 19 + 1_000);
  }

  @Test
  void outputReserve_invalid_failsNamingTheField() {
    assertThatThrownBy(() -> Budgets.builder(CATALOG).setOutputReserve(0))
        .isInstanceOf(BudgetConfigException.class).hasMessage("output-reserve.tokens: must be at least 1 token: 0");
    assertThatThrownBy(() -> Budgets.builder(CATALOG).addOutputReserve("gpt-4o", -5))
        .hasMessage("output-reserve.models[gpt-4o]: must be at least 1 token: -5");
    assertThatThrownBy(() -> Budgets.builder(CATALOG).addOutputReserve(" ", 5))
        .hasMessage("output-reserve.models: a model is blank");
  }

  @Test
  void throttleDowngrade_reservesTheCheaperModelsOutputReserveAtItsPrices() {
    Budget budget = Budget.builder("tenant").limitUsd("1").period(Period.month(ZoneOffset.UTC))
        .maxReservationPercent(BigDecimal.valueOf(100)).throttleAt(1).blockAt(100).build();
    Budgets b = budgets(budget).addDowngrade("gpt-4o", "gpt-4o-mini")
        .addOutputReserve("gpt-4o", 1_000).addOutputReserve("gpt-4o-mini", 2_000).build();

    // gpt-4o: 1,000 x 2,500 + 1,000 x 10,000 = 12,500,000 > 1% of $1 (10,000,000): throttled to gpt-4o-mini, which
    // reserves 1,000 x 150 + 2,000 x 600 = 1,350,000.
    Admission a = b.admit(request("gpt-4o", 1_000, -1));
    assertThat(a.model()).isEqualTo("gpt-4o-mini");
    assertThat(reserved(b)).isEqualTo(1_350_000L);
  }

  /** $0.001 = 1,000,000; cap 10% = 100,000. Each call: 500 input tokens (75,000), no max_tokens. */
  private long[] sequence(Budgets b, long... outputs) {
    long[] reserved = new long[outputs.length];
    for (int i = 0; i < outputs.length; i++) {
      Admission a = b.admit(request("gpt-4o-mini", 500, -1));
      reserved[i] = ((BudgetAdmission) a).charges.get(0).reserved;
      a.complete(ended("gpt-4o-mini", 500, outputs[i]), CallCost.notPriced());
    }
    return reserved;
  }

  @Test
  void sequentialCalls_spendStaysWithinTheDocumentedBound() {
    Budgets b = budgets(usd("0.001")).build();
    // Each reserves max(75,000, min(75,000 + 16,384 x 600, 100,000)) = 100,000 while that fits; then what is left.
    // Spent: 195,000 (75,000 + 200 x 600), 390,000, 585,000, 780,000, 909,000 (+ 75,000 + 90 x 600); the sixth is
    // admitted on the 91,000 left (100,000 does not fit, the 75,000 of input does) and costs 195,000.
    long[] reserved = sequence(b, 200, 200, 200, 200, 90, 200);

    assertThat(reserved).containsExactly(100_000, 100_000, 100_000, 100_000, 100_000, 91_000);
    assertThat(spent(b)).isEqualTo(1_104_000L);
    // The bound, one call at a time: limit + cost(last) - reserved(last) = 1,000,000 + 195,000 - 91,000.
    assertThat(spent(b)).isLessThanOrEqualTo(1_000_000L + 195_000L - 91_000L);
    // Nothing more: not even the input (75,000) fits.
    assertThatThrownBy(() -> b.admit(request("gpt-4o-mini", 500, -1)))
        .isInstanceOfSatisfying(BudgetExceededException.class, e -> {
          assertThat(e.spent()).isEqualTo(1_104_000L);
          assertThat(e.requested()).isEqualTo(75_000L);
        });
  }

  @Test
  void sequentialCalls_aCallThatFitsWhatIsLeftIsAdmitted() {
    Budgets b = budgets(usd("0.001")).build();
    // As above up to 909,000; the sixth, admitted on the 91,000 left, answers 20 tokens: 75,000 + 12,000 = 87,000.
    long[] reserved = sequence(b, 200, 200, 200, 200, 90, 20);

    assertThat(reserved[5]).isEqualTo(91_000L);
    assertThat(spent(b)).isEqualTo(996_000L).isLessThanOrEqualTo(1_000_000L);
    // 4,000 left: a call whose input alone (75,000) does not fit is refused; one that fits is not.
    assertThatThrownBy(() -> b.admit(request("gpt-4o-mini", 500, -1))).isInstanceOf(BudgetExceededException.class);
    Admission small = b.admit(request("gpt-4o-mini", 10, -1));
    // 10 x 150 = 1,500 of input; reserved: the 4,000 left.
    assertThat(((BudgetAdmission) small).charges.get(0).reserved).isEqualTo(4_000L);
  }

  @Test
  void concurrentCalls_spendWithinTheBound_andOnlyCallsWhoseInputDoesNotFitAreRefused() throws Exception {
    // $0.01 = 10,000,000; cap 25% = 2,500,000. Each call: 500 input tokens, no max_tokens, an output reserve of 200:
    // 75,000 + 120,000 = 195,000, uncapped; it answers 1 to 200 tokens, so its cost is at most 195,000.
    Budget budget = Budget.builder("tenant").limitUsd("0.01").period(Period.month(ZoneOffset.UTC))
        .maxReservationPercent(BigDecimal.valueOf(25)).build();
    Budgets b = budgets(budget).addOutputReserve("gpt-4o-mini", 200).build();
    assertWithinBound(b, 10_000_000L, 195_000L);
  }

  @Test
  void redisLedger_reservesTheEstimateAndSettlesTheExactCost() throws Exception {
    try (RedisTestServer server = RedisTestServer.startNew();
        RedisBudgetLedger ledger = RedisBudgetLedger.builder(server.uri())
            .setKeyPrefix("t:" + UUID.randomUUID() + ":").build();
        RedisBudgetLedger second = RedisBudgetLedger.builder(server.uri())
            .setKeyPrefix("t:" + UUID.randomUUID() + ":").build()) {
      // The ledger expires an account with its period by the real clock: the budgets use the real clock too.
      Budgets b = Budgets.builder(CATALOG).addBudget(usd("1")).setLedger(ledger).build();

      Admission a = b.admit(request("gpt-4o-mini", 19, -1));
      assertThat(reserved(b)).isEqualTo(9_833_250L);
      a.complete(ended("gpt-4o-mini", 19, 40), CallCost.notPriced());
      assertThat(spent(b)).isEqualTo(26_850L);
      assertThat(reserved(b)).isZero();

      Budget budget = Budget.builder("tenant").limitUsd("0.01").period(Period.month(ZoneOffset.UTC))
          .maxReservationPercent(BigDecimal.valueOf(25)).build();
      Budgets shared = Budgets.builder(CATALOG).addBudget(budget).setLedger(second)
          .addOutputReserve("gpt-4o-mini", 200).build();
      assertWithinBound(shared, 10_000_000L, 195_000L);
    }
  }

  /**
   * Four threads make calls until the budget refuses them all. A refusal is for the call's input alone (75,000), and
   * the last one, which no other call races, leaves less than that unspent; a call reserved its whole estimate
   * unless only less was left; and the spend, the exact sum of the admitted calls' costs, stays within the
   * documented bound: the limit plus what calls cost beyond their reservations (only calls admitted on what was left
   * can).
   */
  private void assertWithinBound(Budgets b, long limit, long reservation) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    AtomicLong charged = new AtomicLong();
    AtomicLong excess = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; ; i++) {
            Admission a;
            try {
              a = b.admit(request("gpt-4o-mini", 500, -1));
            } catch (BudgetExceededException e) {
              // What it needed: its input. (That it did not fit is checked at the end, where no call races it.)
              assertThat(e.requested()).isEqualTo(75_000L);
              return null;
            }
            long reserved = ((BudgetAdmission) a).charges.get(0).reserved;
            assertThat(reserved).isBetween(75_000L, reservation);
            long output = 1 + (thread * 37 + i * 53) % 200;
            long cost = 75_000 + output * 600;
            a.complete(ended("gpt-4o-mini", 500, output), CallCost.notPriced());
            charged.addAndGet(cost);
            excess.addAndGet(Math.max(0, cost - reserved));
          }
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(spent(b)).isEqualTo(charged.get()).isLessThanOrEqualTo(limit + excess.get());
    assertThat(reserved(b)).isZero();
    // The last refusal saw no other call in flight: what is left is less than one call's input.
    assertThat(limit - spent(b)).isLessThan(75_000L);
  }
}
