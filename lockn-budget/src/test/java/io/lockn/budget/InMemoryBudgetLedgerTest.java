package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Exactness and the overshoot bound of the in-memory ledger, including under contention. */
class InMemoryBudgetLedgerTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final BudgetAccount ACCOUNT =
      new BudgetAccount("b|global|0", T0, T0.plus(Duration.ofDays(31)), 1, 0);

  @Test
  void reserve_grantsUpToLimitExactly() {
    InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
    assertThat(ledger.reserve(ACCOUNT, 60, 100).granted()).isTrue();
    assertThat(ledger.reserve(ACCOUNT, 41, 100).granted()).isFalse();
    BudgetLedger.Reservation r = ledger.reserve(ACCOUNT, 40, 100);
    assertThat(r.granted()).isTrue();
    assertThat(r.used()).isEqualTo(100);
    assertThat(ledger.reserve(ACCOUNT, 0, 100).granted()).isTrue();
    assertThat(ledger.reserve(ACCOUNT, 1, 100).granted()).isFalse();
  }

  @Test
  void commit_replacesReservation_release_freesIt() {
    InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
    ledger.reserve(ACCOUNT, 50, 100);
    ledger.reserve(ACCOUNT, 30, 100);
    ledger.commit(ACCOUNT, 50, 12);
    assertThat(ledger.snapshot(ACCOUNT)).isEqualTo(new BudgetLedger.Balance(12, 30));
    ledger.release(ACCOUNT, 30);
    assertThat(ledger.snapshot(ACCOUNT)).isEqualTo(new BudgetLedger.Balance(12, 0));
  }

  @Test
  void twoThreads_millionReserveCommitPairsEach_exactAndWithinBound() throws Exception {
    InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
    long limit = 1_500_000;
    int perThread = 1_000_000;
    AtomicLong committed = new AtomicLong();
    AtomicLong excess = new AtomicLong();
    AtomicLong grants = new AtomicLong();
    AtomicLong maxUsedSeen = new AtomicLong();
    CyclicBarrier start = new CyclicBarrier(2);
    Runnable worker = () -> {
      SplittableRandom random = new SplittableRandom(Thread.currentThread().getId());
      long mine = 0;
      long myExcess = 0;
      long myGrants = 0;
      try {
        start.await();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      for (int i = 0; i < perThread; i++) {
        long estimate = 1 + random.nextInt(3);
        BudgetLedger.Reservation r = ledger.reserve(ACCOUNT, estimate, limit);
        if (!r.granted()) {
          continue;
        }
        myGrants++;
        maxUsedSeen.accumulateAndGet(r.used(), Math::max);
        // Actual costs are mostly within the estimate, sometimes above it.
        long actual = random.nextInt(10) == 0 ? estimate + 1 : random.nextInt((int) estimate + 1);
        ledger.commit(ACCOUNT, estimate, actual);
        mine += actual;
        myExcess += Math.max(0, actual - estimate);
      }
      committed.addAndGet(mine);
      excess.addAndGet(myExcess);
      grants.addAndGet(myGrants);
    };
    Thread a = new Thread(worker);
    Thread b = new Thread(worker);
    a.start();
    b.start();
    a.join();
    b.join();

    BudgetLedger.Balance balance = ledger.snapshot(ACCOUNT);
    assertThat(balance.reserved()).isZero();
    assertThat(balance.spent()).isEqualTo(committed.get());
    assertThat(balance.spent()).isLessThanOrEqualTo(limit + excess.get());
    assertThat(maxUsedSeen.get()).isLessThanOrEqualTo(limit + excess.get());
    assertThat(grants.get()).isGreaterThan(0);
    // The limit was reached: the run was contended at the boundary, not trivially under it.
    assertThat(ledger.reserve(ACCOUNT, 3, limit).granted()).isFalse();
  }

  @Test
  void twoThreads_millionPairsEach_exactEstimates_neverAboveLimit() throws Exception {
    InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
    long limit = 1_000_000;
    AtomicLong committed = new AtomicLong();
    AtomicLong maxUsed = new AtomicLong();
    Runnable worker = () -> {
      long mine = 0;
      for (int i = 0; i < 1_000_000; i++) {
        BudgetLedger.Reservation r = ledger.reserve(ACCOUNT, 2, limit);
        if (r.granted()) {
          maxUsed.accumulateAndGet(r.used(), Math::max);
          ledger.commit(ACCOUNT, 2, 1);
          mine++;
        }
      }
      committed.addAndGet(mine);
    };
    Thread a = new Thread(worker);
    Thread b = new Thread(worker);
    a.start();
    b.start();
    a.join();
    b.join();
    assertThat(maxUsed.get()).isLessThanOrEqualTo(limit);
    assertThat(ledger.snapshot(ACCOUNT)).isEqualTo(new BudgetLedger.Balance(committed.get(), 0));
    assertThat(committed.get()).isBetween(limit - 1, limit);
  }

  @Test
  void rolling_sumIsExactPerBucket_andExpires() {
    InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
    Period p = Period.rolling(Duration.ofMinutes(60));
    Budget budget = Budget.builder("r").limitTokens(100).period(p).build();
    Instant t = Instant.parse("2025-01-01T10:00:00Z");
    BudgetAccount a0 = Budgets.account(budget, "global", t);
    ledger.reserve(a0, 10, 100);
    ledger.commit(a0, 10, 7);
    BudgetAccount a30 = Budgets.account(budget, "global", t.plusSeconds(30 * 60));
    ledger.reserve(a30, 5, 100);
    ledger.commit(a30, 5, 5);
    assertThat(ledger.snapshot(a30).spent()).isEqualTo(12);
    assertThat(ledger.snapshot(Budgets.account(budget, "global", t.plusSeconds(59 * 60 + 59))).spent())
        .isEqualTo(12);
    // The first bucket leaves the window exactly one hour after it started.
    assertThat(ledger.snapshot(Budgets.account(budget, "global", t.plusSeconds(60 * 60))).spent()).isEqualTo(5);
    assertThat(ledger.snapshot(Budgets.account(budget, "global", t.plusSeconds(3 * 60 * 60))).spent()).isZero();
  }

  @Test
  void endedCalendarAccounts_arePruned() {
    InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
    Budget day = Budget.builder("d").limitTokens(100).period(Period.day(java.time.ZoneOffset.UTC)).build();
    for (int i = 0; i < 1000; i++) {
      BudgetAccount a = Budgets.account(day, "global", T0.plus(Duration.ofDays(i)));
      ledger.reserve(a, 1, 100);
    }
    assertThat(ledger.size()).isLessThanOrEqualTo(64);
  }
}
