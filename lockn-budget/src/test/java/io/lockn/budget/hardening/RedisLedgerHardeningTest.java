package io.lockn.budget.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lockn.budget.Budget;
import io.lockn.budget.BudgetStatus;
import io.lockn.budget.Budgets;
import io.lockn.budget.Period;
import io.lockn.budget.RedisBudgetLedger;
import io.lockn.budget.RedisTestServer;
import io.lockn.budget.Scope;
import io.lockn.core.BudgetExceededException;
import io.lockn.core.LlmCall;
import io.lockn.core.LockN;
import io.lockn.core.TokenUsage;
import io.lockn.core.hardening.Threads;
import io.lockn.core.hardening.UsageLog;
import io.lockn.pricing.ModelPrice;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.Rates;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Redis ledger under a real {@code redis-server} that stops mid-run and restarts, and that hangs (SIGSTOP), with
 * LockN and {@link Budgets} in front as an application uses them. During an outage admissions follow the failure
 * mode (fail closed: the documented {@link BudgetExceededException} before the provider; fail open: admitted), no call
 * hangs (a hang would hit the class timeout: no timing assertion), the spending recorded before, during and after is
 * exact once Redis is back, nothing stays reserved, and closing the ledger stops every thread it started.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisLedgerHardeningTest {

  private static final PriceCatalog CATALOG = PriceCatalog.builder()
      .add(ModelPrice.builder("openai", "big").addPrices(Rates.perMillionTokens("10", "30")).build())
      .build();
  /** Charged at 500 x 10,000 + 50 x 30,000 = 6,500,000 nano-USD per call (estimated at 13,000,000). */
  private static final long ACTUAL = 6_500_000L;

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private OpenTelemetrySdk otel;
  private RedisTestServer redis;
  private UsageLog log;

  @BeforeEach
  void setUp() throws Exception {
    log = UsageLog.capture();
    redis = RedisTestServer.startNew();
    otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .build();
  }

  @AfterEach
  void tearDown() throws Exception {
    log.close();
    otel.close();
    if (redis != null) {
      redis.close();
    }
  }

  private RedisBudgetLedger ledger(String prefix, RedisBudgetLedger.FailureMode mode) {
    return RedisBudgetLedger.builder(redis.uri()).setKeyPrefix(prefix).setFailureMode(mode)
        .setCommandTimeout(Duration.ofMillis(200)).setConnectTimeout(Duration.ofMillis(500))
        .setReconnectDelay(Duration.ofMillis(100)).build();
  }

  private static Budgets budgets(RedisBudgetLedger ledger) {
    return Budgets.builder(CATALOG).setLedger(ledger)
        .addBudget(Budget.builder("monthly").scope(Scope.global()).limitUsd("100").period(Period.month(ZoneOffset.UTC))
            .blockAt(100).build())
        .build();
  }

  private LockN lockn(Budgets budgets) {
    return LockN.builder().setOpenTelemetry(otel).setCallAdmission(budgets).build();
  }

  private static String call(LockN lockn, AtomicInteger providerCalls, String answer) {
    return lockn.chat("openai", "big").estimatedInputTokens(1000).maxTokens(100).supply(() -> {
      providerCalls.incrementAndGet();
      lockn.currentLlmCall().recordUsage(TokenUsage.of(500, 50));
      return answer;
    });
  }

  private static LlmCall startInFlight(LockN lockn) {
    return lockn.chat("openai", "big").estimatedInputTokens(1000).maxTokens(100).startDetached();
  }

  private static BudgetStatus status(Budgets budgets) {
    return budgets.status("monthly", "global");
  }

  @Test
  void redisStoppedMidRunAndRestarted_failureModesApply_noHang_totalsExact_noThreadsLeft() throws Exception {
    Set<Thread> before = Threads.live();
    RedisBudgetLedger closedLedger = ledger("closed:", RedisBudgetLedger.FailureMode.FAIL_CLOSED);
    RedisBudgetLedger openLedger = ledger("open:", RedisBudgetLedger.FailureMode.FAIL_OPEN);
    Budgets closed = budgets(closedLedger);
    Budgets open = budgets(openLedger);
    LockN lockClosed = lockn(closed);
    LockN lockOpen = lockn(open);
    AtomicInteger provider = new AtomicInteger();

    for (int i = 0; i < 10; i++) {
      assertThat(call(lockClosed, provider, "c" + i)).isEqualTo("c" + i);
      assertThat(call(lockOpen, provider, "o" + i)).isEqualTo("o" + i);
    }
    // One call each admitted while Redis is up and ending during the outage: its commit must not be lost.
    LlmCall inFlightClosed = startInFlight(lockClosed);
    LlmCall inFlightOpen = startInFlight(lockOpen);

    redis.stop(true); // SHUTDOWN SAVE: the balances survive, as with a persistent Redis
    // Once the ledgers know Redis is gone, commits are kept and replayed. (A commit sent in the instant before the
    // client noticed is not retried, by design: Redis may have applied it; see RedisBudgetLedger.)
    await(() -> {
      status(closed);
      status(open);
      return !closedLedger.isAvailable() && !openLedger.isAvailable();
    }, () -> "outage noticed");
    inFlightClosed.recordUsage(TokenUsage.of(500, 50)).close();
    inFlightOpen.recordUsage(TokenUsage.of(500, 50)).close();
    provider.set(0);
    for (int i = 0; i < 10; i++) {
      // Fail closed: the documented block, before the provider; fail open: admitted unchecked.
      assertThat(catchThrowable(() -> call(lockClosed, provider, "never"))).isInstanceOf(BudgetExceededException.class);
      assertThat(call(lockOpen, provider, "outage-" + i)).isEqualTo("outage-" + i);
    }
    assertThat(provider).hasValue(10); // only the fail-open calls reached the provider
    redis.start();
    // Before outage 10, in flight 1, during the outage 0 (closed) or 10 (open): 11 x 6,500,000 and 21 x 6,500,000.
    awaitStatus(closed, 11 * ACTUAL);
    awaitStatus(open, 21 * ACTUAL);
    for (int i = 0; i < 10; i++) {
      assertThat(call(lockClosed, provider, "after")).isEqualTo("after");
      assertThat(call(lockOpen, provider, "after")).isEqualTo("after");
    }
    assertThat(status(closed).spent()).isEqualTo(21 * ACTUAL); // 136,500,000 nano-USD
    assertThat(status(closed).reserved()).isZero();
    assertThat(status(open).spent()).isEqualTo(31 * ACTUAL); // 201,500,000 nano-USD
    assertThat(status(open).reserved()).isZero();
    // The outage was reported once per ledger, as one line each, not once per call.
    assertThat(log.warningsContaining("unreachable")).hasSize(2);
    assertThat(exporter.getFinishedSpanItems()).hasSize(62);

    closedLedger.close();
    openLedger.close();
    Threads.awaitNoNewThreads(before);
  }

  @Test
  void redisHung_callsReturnWithinTheCommandTimeout_followTheFailureMode_andNothingStaysReserved()
      throws Exception {
    RedisBudgetLedger closedLedger = ledger("hung-closed:", RedisBudgetLedger.FailureMode.FAIL_CLOSED);
    RedisBudgetLedger openLedger = ledger("hung-open:", RedisBudgetLedger.FailureMode.FAIL_OPEN);
    Budgets closed = budgets(closedLedger);
    Budgets open = budgets(openLedger);
    LockN lockClosed = lockn(closed);
    LockN lockOpen = lockn(open);
    AtomicInteger provider = new AtomicInteger();
    try {
      assertThat(call(lockClosed, provider, "up")).isEqualTo("up");
      assertThat(call(lockOpen, provider, "up")).isEqualTo("up");

      redis.pause();
      provider.set(0);
      for (int i = 0; i < 3; i++) {
        // Each waits at most the 200 ms command timeout; a hang would hit the class timeout instead.
        assertThat(catchThrowable(() -> call(lockClosed, provider, "never")))
            .isInstanceOf(BudgetExceededException.class);
        assertThat(call(lockOpen, provider, "hung-" + i)).isEqualTo("hung-" + i);
      }
      assertThat(provider).hasValue(3);
      redis.resume();

      awaitAvailable(closedLedger, closed);
      awaitAvailable(openLedger, open);
      // Redis ran the commands it received while hung. Whatever it applied late must not stay reserved: that would
      // eat the budget until the end of the month.
      awaitReservedZero(closed);
      awaitReservedZero(open);
      assertThat(status(closed).spent()).isEqualTo(ACTUAL);
      assertThat(status(open).spent()).isEqualTo(4 * ACTUAL);
    } finally {
      closedLedger.close();
      openLedger.close();
    }
  }

  @Test
  void absurdActualCost_withAnotherCallInFlight_saturatesInsteadOfBeingDropped() {
    java.time.Instant start = java.time.Instant.now().minus(Duration.ofHours(1));
    io.lockn.budget.BudgetAccount a = new io.lockn.budget.BudgetAccount("sat|global|" + start.toEpochMilli(), start,
        start.plus(Duration.ofDays(1)), 1, 0);
    try (RedisBudgetLedger ledger = ledger("sat:", RedisBudgetLedger.FailureMode.FAIL_CLOSED)) {
      assertThat(ledger.reserve(a, 5, 100).granted()).isTrue();
      assertThat(ledger.reserve(a, 5, 100).granted()).isTrue();
      // u = 10 - 5 + (2^63 - 1) overflows: saturated at 2^63 - 1, with 5 still reserved.
      ledger.commit(a, 5, Long.MAX_VALUE);
      assertThat(ledger.snapshot(a)).isEqualTo(new io.lockn.budget.BudgetLedger.Balance(Long.MAX_VALUE - 5, 5));
      assertThat(ledger.reserve(a, 1, 100).granted()).isFalse();
      ledger.commit(a, 5, Long.MAX_VALUE);
      assertThat(ledger.snapshot(a)).isEqualTo(new io.lockn.budget.BudgetLedger.Balance(Long.MAX_VALUE, 0));
      assertThat(ledger.reserve(a, 1, Long.MAX_VALUE).granted()).isFalse();
    }
  }

  private static void awaitStatus(Budgets budgets, long spent) throws InterruptedException {
    await(() -> {
      BudgetStatus s = status(budgets);
      return s.spent() == spent && s.reserved() == 0;
    }, () -> "spent " + spent + ", now " + status(budgets));
  }

  private static void awaitAvailable(RedisBudgetLedger ledger, Budgets budgets) throws InterruptedException {
    await(() -> {
      status(budgets); // an operation is what notices the recovery
      return ledger.isAvailable();
    }, () -> "ledger available");
  }

  private static void awaitReservedZero(Budgets budgets) throws InterruptedException {
    // Late replies and replays settle asynchronously; give them time, then demand the exact state.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline && status(budgets).reserved() != 0) {
      Thread.sleep(50);
    }
    assertThat(status(budgets).reserved()).as("reserved after recovery").isZero();
  }

  private static void await(BooleanSupplier condition, java.util.function.Supplier<String> what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what.get()).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
