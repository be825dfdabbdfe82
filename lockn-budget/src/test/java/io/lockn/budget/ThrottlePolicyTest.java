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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The throttle policies: downgrade (default), delay through the injected sleeper, and a concurrency limit. */
class ThrottlePolicyTest {

  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-15T12:00:00Z"));
  private final List<Duration> slept = new CopyOnWriteArrayList<>();
  private final List<BudgetEvent> blocks = new CopyOnWriteArrayList<>();

  /** A token budget of 1,000 per day that throttles from 1% (10 tokens): every 100-token call is throttled. */
  private Budgets budgets(ThrottlePolicy policy) {
    return Budgets.builder(PriceCatalog.builder().build()).setClock(clock).setSleeper(slept::add)
        .addDowngrade("big", "small")
        .addListener(new BudgetListener() {
          @Override
          public void onAlert(BudgetEvent event) {}

          @Override
          public void onBlock(BudgetEvent event) {
            blocks.add(event);
          }
        })
        .addBudget(Budget.builder("daily").limitTokens(1000).period(Period.day(java.time.ZoneOffset.UTC))
            .throttleAt(1).blockAt(100).throttle(policy).build())
        .build();
  }

  private static CallRequest call() {
    return CallRequest.builder("openai", "big").estimatedInputTokens(100).maxOutputTokens(0).traceId(TRACE).build();
  }

  @Test
  void downgrade_isTheDefault() {
    assertThat(Budget.builder("b").limitTokens(1).period(Period.perCall()).build().throttle())
        .isSameAs(ThrottlePolicy.downgrade());
    Admission a = budgets(ThrottlePolicy.downgrade()).admit(call());

    assertThat(a.model()).isEqualTo("small");
    assertThat(slept).isEmpty();
  }

  @Test
  void delay_waitsThroughSleeper_thenAdmitsUnchanged() {
    Admission a = budgets(ThrottlePolicy.delay(Duration.ofSeconds(2))).admit(call());

    assertThat(a.model()).isEqualTo("big");
    assertThat(slept).containsExactly(Duration.ofSeconds(2));
  }

  @Test
  void delay_notBelowThrottleThreshold() {
    Budgets budgets = Budgets.builder(PriceCatalog.builder().build()).setClock(clock).setSleeper(slept::add)
        .addBudget(Budget.builder("daily").limitTokens(1000).period(Period.day(java.time.ZoneOffset.UTC))
            .throttleAt(50).throttle(ThrottlePolicy.delay(Duration.ofMillis(5))).build())
        .build();

    budgets.admit(call()).complete(Settle.call(TokenUsage.of(100, 0)), io.lockn.core.CallCost.notPriced());
    assertThat(slept).isEmpty();
  }

  @Test
  void delay_rejectsNonPositive() {
    assertThatThrownBy(() -> ThrottlePolicy.delay(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("throttle.duration");
  }

  @Test
  void limitConcurrency_blocksWhenNoPermitWithinMaxWait_andReleasesOnSettle() {
    ThrottlePolicy policy = ThrottlePolicy.limitConcurrency(2, Duration.ZERO);
    Budgets budgets = budgets(policy);

    Admission first = budgets.admit(call());
    Admission second = budgets.admit(call());
    assertThat(first.model()).isEqualTo("big");
    assertThatThrownBy(() -> budgets.admit(call())).isInstanceOf(BudgetExceededException.class)
        .satisfies(e -> assertThat(((BudgetExceededException) e).budgetName()).isEqualTo("daily"));
    assertThat(blocks).singleElement().extracting(BudgetEvent::action).isEqualTo(Action.BLOCK);
    assertThat(((ConcurrencyThrottle) policy).available("daily", "global")).isZero();

    first.complete(Settle.call(TokenUsage.of(100, 0)), io.lockn.core.CallCost.notPriced());
    first.complete(Settle.call(TokenUsage.of(100, 0)), io.lockn.core.CallCost.notPriced());
    second.release();
    assertThat(((ConcurrencyThrottle) policy).available("daily", "global")).isEqualTo(2);
    budgets.admit(call()).release();
    assertThat(budgets.status("daily", "global").reserved()).isZero();
  }

  @Test
  void limitConcurrency_permitFreedWhileWaiting_admitsTheWaiter() throws Exception {
    ThrottlePolicy policy = ThrottlePolicy.limitConcurrency(1, Duration.ofMinutes(1));
    Budgets budgets = budgets(policy);
    Admission holder = budgets.admit(call());
    CountDownLatch started = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Admission> waiter = pool.submit(() -> {
        started.countDown();
        return budgets.admit(call());
      });
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      holder.complete(Settle.call(TokenUsage.of(100, 0)), io.lockn.core.CallCost.notPriced());

      Admission admitted = waiter.get(10, TimeUnit.SECONDS);
      assertThat(admitted.model()).isEqualTo("big");
      assertThat(((ConcurrencyThrottle) policy).available("daily", "global")).isZero();
      admitted.complete(Settle.call(TokenUsage.of(100, 0)), io.lockn.core.CallCost.notPriced());
      assertThat(((ConcurrencyThrottle) policy).available("daily", "global")).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void limitConcurrency_permitReturnedWhenReservationBlocks() {
    ThrottlePolicy policy = ThrottlePolicy.limitConcurrency(1, Duration.ZERO);
    Budgets budgets = Budgets.builder(PriceCatalog.builder().build()).setClock(clock)
        .addBudget(Budget.builder("daily").limitTokens(150).period(Period.day(java.time.ZoneOffset.UTC))
            .throttleAt(1).blockAt(100).throttle(policy).build())
        .build();
    budgets.admit(call()).complete(Settle.call(TokenUsage.of(100, 0)), io.lockn.core.CallCost.notPriced());

    assertThatThrownBy(() -> budgets.admit(call())).isInstanceOf(BudgetExceededException.class);
    assertThat(((ConcurrencyThrottle) policy).available("daily", "global")).isEqualTo(1);
  }

  @Test
  void limitConcurrency_rejectsBadArguments() {
    assertThatThrownBy(() -> ThrottlePolicy.limitConcurrency(0, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("throttle.permits");
    assertThatThrownBy(() -> ThrottlePolicy.limitConcurrency(1, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("throttle.maxWait");
  }
}
