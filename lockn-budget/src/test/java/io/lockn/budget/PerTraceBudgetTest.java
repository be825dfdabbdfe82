package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.core.BudgetExceededException;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.CallRequest;
import io.lockn.pricing.PriceCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Per-trace budgets: one account per trace id, expiring after an idle time; no trace means per call. */
class PerTraceBudgetTest {

  private static final String T1 = "0af7651916cd43dd8448eb211c80319c";
  private static final String T2 = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String NO_TRACE = "0".repeat(32);
  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-15T12:00:00Z"));
  private final InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
  private final List<BudgetEvent> alerts = new CopyOnWriteArrayList<>();

  private Budgets budgets() {
    return Budgets.builder(PriceCatalog.builder().build()).setClock(clock).setLedger(ledger)
        .addListener(new BudgetListener() {
          @Override
          public void onAlert(BudgetEvent event) {
            alerts.add(event);
          }
        })
        .addBudget(Budget.builder("ticket").limitTokens(250).period(Period.perTrace(Duration.ofMinutes(10)))
            .alertAt(50).blockAt(100).build())
        .build();
  }

  private static CallRequest call(String trace) {
    return CallRequest.builder("openai", "m").estimatedInputTokens(100).maxOutputTokens(0).traceId(trace).build();
  }

  @Test
  void eachTraceHasItsOwnLimit() {
    Budgets budgets = budgets();
    budgets.admit(call(T1)).complete(Settle.call(TokenUsage.of(100, 0)), io.lockn.core.CallCost.notPriced());
    budgets.admit(call(T1)).complete(Settle.call(TokenUsage.of(100, 0)), io.lockn.core.CallCost.notPriced());

    assertThatThrownBy(() -> budgets.admit(call(T1))).isInstanceOf(BudgetExceededException.class)
        .satisfies(e -> assertThat(((BudgetExceededException) e).scope()).isEqualTo("global|trace=" + T1));
    budgets.admit(call(T2)).complete(Settle.call(TokenUsage.of(100, 0)), io.lockn.core.CallCost.notPriced());

    assertThat(budgets.status("ticket", "global", T1).spent()).isEqualTo(200);
    assertThat(budgets.status("ticket", "global", T2).spent()).isEqualTo(100);
    assertThat(budgets.status()).isEmpty();
    assertThatThrownBy(() -> budgets.status("ticket", "global")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> budgets.forecast("ticket", "global")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void alertsOncePerTrace() {
    Budgets budgets = budgets();
    budgets.admit(call(T1)).complete(Settle.call(TokenUsage.of(100, 0)), io.lockn.core.CallCost.notPriced());
    clock.advance(Duration.ofMinutes(1));
    budgets.admit(call(T1)).complete(Settle.call(TokenUsage.of(100, 0)), io.lockn.core.CallCost.notPriced());
    clock.advance(Duration.ofMinutes(1));
    budgets.admit(CallRequest.builder("openai", "m")
        .estimatedInputTokens(10)
        .maxOutputTokens(0)
        .traceId(T1)
        .build()).complete(Settle.call(TokenUsage.of(10, 0)), io.lockn.core.CallCost.notPriced());
    budgets.admit(call(T2)).complete(Settle.call(TokenUsage.of(100, 0)), io.lockn.core.CallCost.notPriced());
    budgets.admit(call(T2)).complete(Settle.call(TokenUsage.of(100, 0)), io.lockn.core.CallCost.notPriced());

    assertThat(alerts).extracting(BudgetEvent::scope).containsExactly("global|trace=" + T1, "global|trace=" + T2);
  }

  @Test
  void accountExpiresAfterIdleTime_andEachCallExtendsIt() {
    Budgets budgets = budgets();
    budgets.admit(call(T1)).complete(Settle.call(TokenUsage.of(100, 0)), io.lockn.core.CallCost.notPriced());
    clock.advance(Duration.ofMinutes(9));
    budgets.admit(call(T1)).complete(Settle.call(TokenUsage.of(100, 0)), io.lockn.core.CallCost.notPriced());
    clock.advance(Duration.ofMinutes(9));
    // Still within 10 minutes of the last call: the trace's spending is kept.
    assertThatThrownBy(() -> budgets.admit(call(T1))).isInstanceOf(BudgetExceededException.class);

    clock.advance(Duration.ofMinutes(11));
    // Enough new accounts for the ledger to prune: the idle trace is forgotten.
    for (int i = 0; i < 64; i++) {
      budgets.admit(call(String.format("%032x", i + 1))).complete(Settle.call(TokenUsage.of(1, 0)), io.lockn.core.CallCost.notPriced());
    }
    assertThat(budgets.status("ticket", "global", T1).spent()).isZero();
    assertThat(ledger.size()).isLessThanOrEqualTo(64);
  }

  @Test
  void withoutTrace_eachCallIsCheckedOnItsOwn() {
    Budgets budgets = budgets();
    for (int i = 0; i < 5; i++) {
      Admission a = budgets.admit(call(NO_TRACE));
      a.complete(Settle.call(TokenUsage.of(100, 0)), io.lockn.core.CallCost.notPriced());
    }
    assertThat(ledger.size()).isZero();
    assertThatThrownBy(() -> budgets.admit(CallRequest.builder("openai", "m")
        .estimatedInputTokens(300)
        .maxOutputTokens(0)
        .traceId(NO_TRACE)
        .build()))
        .isInstanceOf(BudgetExceededException.class);
  }

  @Test
  void period_windowAndValidation() {
    Instant now = clock.instant();
    assertThat(Period.perTrace().window()).isEqualTo(Period.DEFAULT_TRACE_IDLE);
    assertThat(Period.perTrace(Duration.ofMinutes(5)).windowAt(now))
        .isEqualTo(new Period.Window(now, now.plus(Duration.ofMinutes(5))));
    assertThat(Period.perTrace(Duration.ofMinutes(5))).isEqualTo(Period.perTrace(Duration.ofMinutes(5)));
    assertThatThrownBy(() -> Period.perTrace(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("idle");
  }
}
