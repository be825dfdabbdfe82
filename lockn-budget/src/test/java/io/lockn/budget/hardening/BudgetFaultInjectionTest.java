package io.lockn.budget.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lockn.budget.ApprovalDeniedException;
import io.lockn.budget.ApprovalPolicy;
import io.lockn.budget.Budget;
import io.lockn.budget.BudgetAccount;
import io.lockn.budget.BudgetLedger;
import io.lockn.budget.BudgetStatus;
import io.lockn.budget.Budgets;
import io.lockn.budget.InMemoryBudgetLedger;
import io.lockn.budget.Period;
import io.lockn.budget.Scope;
import io.lockn.core.BudgetExceededException;
import io.lockn.core.LockN;
import io.lockn.core.TokenUsage;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fault injection into what budgets call out to on the application's thread: listeners, the approval policy and the
 * ledger, with LockN and the real {@link Budgets}. The application's result and exception come back unchanged, every
 * reservation is settled (the ledger's reserved balance returns to 0), and each failure is one WARNING line.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BudgetFaultInjectionTest {

  private static final int CALLS = 1_000;
  /** $10 and $30 per million tokens: 10,000 and 30,000 nano-USD per input and output token. */
  private static final PriceCatalog CATALOG = PriceCatalog.builder()
      .add(ModelPrice.builder("openai", "big").addPrices(Rates.perMillionTokens("10", "30")).build())
      .build();
  /** Estimated at 1,000 x 10,000 + 100 x 30,000 = 13,000,000 nano-USD. */
  private static final long ESTIMATE = 13_000_000L;
  /** Charged at 500 x 10,000 + 50 x 30,000 = 6,500,000 nano-USD. */
  private static final long ACTUAL = 6_500_000L;

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private OpenTelemetrySdk otel;
  private UsageLog log;

  @BeforeEach
  void setUp() {
    log = UsageLog.capture();
    otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .build();
  }

  @AfterEach
  void tearDown() {
    log.close();
    otel.close();
  }

  /**
   * A monthly budget of $100, alerting at 1% ($1), and a per-call budget of $1 alerting at 1% ($0.01): every call.
   * Both block at their limit.
   */
  private static Budgets.Builder budgets() {
    return Budgets.builder(CATALOG)
        .addBudget(Budget.builder("monthly").scope(Scope.global()).limitUsd("100").period(Period.month(ZoneOffset.UTC))
            .alertAt(1).blockAt(100).build())
        .addBudget(Budget.builder("per-call").scope(Scope.global()).limitUsd("1").period(Period.perCall())
            .alertAt(1).blockAt(100).build());
  }

  private LockN lockn(Budgets budgets) {
    return LockN.builder().setOpenTelemetry(otel).setCallAdmission(budgets).build();
  }

  private static String call(LockN lockn, String answer) {
    return lockn.chat("openai", "big").estimatedInputTokens(1000).maxTokens(100).supply(() -> {
      lockn.currentLlmCall().recordUsage(TokenUsage.of(500, 50));
      return answer;
    });
  }

  private static BudgetStatus monthly(Budgets budgets) {
    return budgets.status("monthly", "global");
  }

  private static long used(BudgetStatus s) {
    return s.spent() + s.reserved();
  }

  static final class ListenerBug extends RuntimeException {
    ListenerBug() {
      super("listener bug");
    }
  }

  @Test
  void throwingBudgetListener_everyCall_hostUnchanged_spendExact_nothingReserved_oneWarning() {
    AtomicInteger alerts = new AtomicInteger();
    Budgets budgets = budgets().addListener(event -> {
      alerts.incrementAndGet();
      throw new ListenerBug();
    }).build();
    LockN lockn = lockn(budgets);

    for (int i = 0; i < CALLS; i++) {
      assertThat(call(lockn, "answer-" + i)).isEqualTo("answer-" + i);
    }

    // The per-call budget alerts on every call (13,000,000 >= 1% of $1 = 10,000,000); the monthly one once, when
    // its spending first reaches $1 (after 154 calls of 6,500,000).
    assertThat(alerts).hasValue(CALLS + 1);
    assertThat(monthly(budgets).spent()).isEqualTo(CALLS * ACTUAL); // 6,500,000,000 nano-USD = $6.50
    assertThat(monthly(budgets).reserved()).isZero();
    assertThat(exporter.getFinishedSpanItems()).hasSize(CALLS);
    assertThat(log.warningsContaining(".onAlert")).hasSize(1);
  }

  @Test
  void budgetListenerThrowingError_whileAdmitting_leaksTheReservation() {
    Budgets budgets = budgets().addListener(event -> {
      throw new AssertionError("listener assertion");
    }).build();
    LockN lockn = lockn(budgets);

    assertThat(call(lockn, "ok")).isEqualTo("ok");

    assertThat(monthly(budgets).reserved()).as("reservation leaked").isZero();
    assertThat(monthly(budgets).spent()).isEqualTo(ACTUAL);
  }

  @Test
  void throwingApprovalPolicy_runtimeException_defaultDecisionEveryTime_nothingReserved_oneWarning() {
    AtomicInteger asked = new AtomicInteger();
    AtomicInteger ran = new AtomicInteger();
    Budgets budgets = budgets().setApprovalAboveUsd(new java.math.BigDecimal("0.001"))
        .setApprovalPolicy(request -> {
          asked.incrementAndGet();
          throw new IllegalStateException("approval service down");
        })
        .setApprovalTimeout(Duration.ofSeconds(30), ApprovalPolicy.Decision.deny()).build();
    LockN lockn = lockn(budgets);

    for (int i = 0; i < 100; i++) {
      Throwable thrown = catchThrowable(() -> lockn.chat("openai", "big").estimatedInputTokens(1000).maxTokens(100)
          .run(ran::incrementAndGet));
      assertThat(thrown).isInstanceOf(ApprovalDeniedException.class);
    }
    assertThat(asked).hasValue(100);
    assertThat(ran).hasValue(0);
    assertThat(used(monthly(budgets))).isZero();
    assertThat(log.warningsContaining("approval policy")).hasSize(1);
  }

  @Test
  void throwingApprovalPolicy_error_stillAppliesTheDefaultDecision() {
    AtomicInteger ran = new AtomicInteger();
    Budgets budgets = budgets().setApprovalAboveUsd(new java.math.BigDecimal("0.001"))
        .setApprovalPolicy(request -> {
          throw new AssertionError("approval policy assertion");
        })
        .setApprovalTimeout(Duration.ofSeconds(30), ApprovalPolicy.Decision.deny()).build();
    LockN lockn = lockn(budgets);

    Throwable thrown = catchThrowable(() -> lockn.chat("openai", "big").estimatedInputTokens(1000).maxTokens(100)
        .run(ran::incrementAndGet));

    assertThat(thrown).isInstanceOf(ApprovalDeniedException.class);
    assertThat(ran).hasValue(0);
  }

  @Test
  void approvalPolicyNeverAnswering_timesOutToTheDefault_thenTheHostThreadGoesOn() {
    CompletableFuture<ApprovalPolicy.Decision> never = new CompletableFuture<>();
    Budgets budgets = budgets().setApprovalAboveUsd(new java.math.BigDecimal("0.001"))
        .setApprovalPolicy(request -> never)
        .setApprovalTimeout(Duration.ofMillis(50), ApprovalPolicy.Decision.approve()).build();
    LockN lockn = lockn(budgets);

    // Not a timing assertion: a call that waited forever would hit the class timeout.
    for (int i = 0; i < 5; i++) {
      assertThat(call(lockn, "approved by default")).isEqualTo("approved by default");
    }
    assertThat(monthly(budgets).spent()).isEqualTo(5 * ACTUAL);
    assertThat(monthly(budgets).reserved()).isZero();
  }

  /** A real in-memory ledger behind a switch that makes chosen operations fail, as a broken shared store would. */
  static final class FailingLedger implements BudgetLedger {
    final InMemoryBudgetLedger delegate = new InMemoryBudgetLedger();
    volatile String failReserveFor = "\u0000";
    volatile boolean failCommit;
    volatile boolean failSnapshot;

    @Override
    public Reservation reserve(BudgetAccount account, long amount, long limit) {
      if (account.key().startsWith(failReserveFor)) {
        throw new IllegalStateException("ledger down for " + failReserveFor);
      }
      return delegate.reserve(account, amount, limit);
    }

    @Override
    public void commit(BudgetAccount account, long reserved, long actual) {
      if (failCommit) {
        throw new IllegalStateException("commit lost");
      }
      delegate.commit(account, reserved, actual);
    }

    @Override
    public void release(BudgetAccount account, long amount) {
      delegate.release(account, amount);
    }

    @Override
    public Balance snapshot(BudgetAccount account) {
      if (failSnapshot) {
        throw new IllegalStateException("snapshot failed");
      }
      return delegate.snapshot(account);
    }
  }

  @Test
  void throwingLedger_reserveOnSecondBudget_rollsBackTheFirst_callAdmitted_oneWarning() {
    FailingLedger ledger = new FailingLedger();
    Budgets budgets = Budgets.builder(CATALOG).setLedger(ledger)
        .addBudget(Budget.builder("monthly").scope(Scope.global()).limitUsd("100").period(Period.month(ZoneOffset.UTC))
            .build())
        .addBudget(Budget.builder("daily").scope(Scope.global()).limitUsd("100").period(Period.day(ZoneOffset.UTC))
            .build())
        .build();
    LockN lockn = lockn(budgets);
    ledger.failReserveFor = "daily|";

    for (int i = 0; i < 10; i++) {
      assertThat(call(lockn, "ok")).isEqualTo("ok");
    }

    // Admitted unreserved (LockN's failure must not block the application), and the monthly reservation made before
    // the daily one failed was rolled back: nothing reserved, nothing spent (the admission was LockN's fallback).
    assertThat(monthly(budgets).reserved()).isZero();
    assertThat(monthly(budgets).spent()).isZero();
    assertThat(log.warningsContaining("call admission")).hasSize(1);

    // Commit and snapshot failing: the call's result is the host's and the span ends; one WARNING.
    ledger.failReserveFor = "\u0000";
    ledger.failCommit = true;
    exporter.reset();
    for (int i = 0; i < 10; i++) {
      assertThat(call(lockn, "still ok")).isEqualTo("still ok");
    }
    assertThat(exporter.getFinishedSpanItems()).hasSize(10);
    assertThat(log.warningsContaining("committing budget")).hasSize(2); // one per budget
    ledger.failCommit = false;
    ledger.failSnapshot = true;
    assertThat(call(lockn, "snapshot broken")).isEqualTo("snapshot broken");
  }

  @Test
  void extremeTokenCounts_estimateAndCostSaturate_neverWrapToAGrant() {
    Budgets budgets = budgets().build();
    LockN lockn = lockn(budgets);
    AtomicInteger ran = new AtomicInteger();

    // Long.MAX_VALUE tokens at $10/M: the estimate saturates (it must not wrap negative, which would be granted).
    Throwable blocked = catchThrowable(() -> lockn.chat("openai", "big").estimatedInputTokens(Long.MAX_VALUE)
        .maxTokens(Long.MAX_VALUE).run(ran::incrementAndGet));
    assertThat(blocked).isInstanceOf(BudgetExceededException.class);
    assertThat(((BudgetExceededException) blocked).requested()).isPositive();
    assertThat(ran).hasValue(0);
    assertThat(used(monthly(budgets))).isZero();

    // Small estimates but absurd actual usage, with another call in flight: the committed cost saturates and must
    // not wrap the account below its limit (which would grant headroom that was spent).
    io.lockn.core.LlmCall first = lockn.chat("openai", "big").estimatedInputTokens(1).maxTokens(1).startDetached();
    io.lockn.core.LlmCall second = lockn.chat("openai", "big").estimatedInputTokens(1).maxTokens(1).startDetached();
    first.recordUsage(TokenUsage.of(Long.MAX_VALUE, Long.MAX_VALUE)).close();
    second.recordUsage(TokenUsage.of(Long.MAX_VALUE, Long.MAX_VALUE)).close();
    BudgetStatus after = monthly(budgets);
    assertThat(after.spent()).isPositive();
    assertThat(after.reserved()).isZero();
    assertThat(after.remaining()).isZero();
    // And the account is now exhausted: the next call is blocked before the provider.
    assertThat(catchThrowable(() -> call(lockn, "no"))).isInstanceOf(BudgetExceededException.class);
    // Negative counts are recorded as 0 and cost nothing.
    Budgets fresh = budgets().build();
    LockN lockn2 = lockn(fresh);
    lockn2.chat("openai", "big").estimatedInputTokens(-5).maxTokens(-5)
        .run(() -> lockn2.currentLlmCall().recordUsage(TokenUsage.of(-1, Long.MIN_VALUE)));
    assertThat(used(monthly(fresh))).isZero();
  }
}
