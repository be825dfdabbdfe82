package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Redis stops mid-test and comes back: the configured failure mode, then normal behaviour again. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisBudgetLedgerOutageTest {

  private static RedisTestServer server;

  @BeforeAll
  static void startRedis() throws Exception {
    server = RedisTestServer.startNew();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void redisDown_failOpenAdmits_failClosedRefuses_thenBothRecover() throws Exception {
    Instant start = Instant.now().minus(Duration.ofHours(1));
    BudgetAccount a = new BudgetAccount("down|global|" + start.toEpochMilli(), start, start.plus(Duration.ofDays(1)),
        1, 0);
    List<String> events = new CopyOnWriteArrayList<>();
    RedisBudgetLedger.ConnectionListener listener = new RedisBudgetLedger.ConnectionListener() {
      @Override
      public void onUnavailable(RedisBudgetLedger.FailureMode mode, Throwable cause) {
        events.add("down " + mode);
      }

      @Override
      public void onRecovered() {
        events.add("up");
      }
    };
    try (RedisBudgetLedger open = builder("open:", listener).build();
        RedisBudgetLedger closed = builder("closed:", listener)
            .setFailureMode(RedisBudgetLedger.FailureMode.FAIL_CLOSED).build()) {
      assertThat(open.reserve(a, 60, 100).granted()).isTrue();
      assertThat(closed.reserve(a, 60, 100).granted()).isTrue();

      server.stop(true); // keeps a snapshot: the reservations survive the outage
      waitFor(() -> !open.isAvailable() & !closed.isAvailable(), () -> {
        open.snapshot(a);
        closed.snapshot(a);
      });

      long t0 = System.nanoTime();
      // Fail open: admitted, even past the limit, since nothing can check it.
      for (int i = 0; i < 5; i++) {
        assertThat(open.reserve(a, 60, 100).granted()).isTrue();
      }
      // Fail closed: refused, the way the SPI reports a refusal.
      assertThat(closed.reserve(a, 1, 100).granted()).isFalse();
      // A commit while down is kept and applied on recovery.
      closed.commit(a, 60, 25);
      open.release(a, 60); // settles one of the unbacked grants
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(elapsedMillis).as("no waiting during an outage").isLessThan(500);
      assertThat(closed.pendingCount()).isEqualTo(1);
      assertThat(events).containsExactlyInAnyOrder("down FAIL_OPEN", "down FAIL_CLOSED");

      server.start();
      waitFor(() -> open.isAvailable() && closed.isAvailable() && closed.pendingCount() == 0, () -> {
        open.snapshot(a);
        closed.snapshot(a);
      });
      assertThat(events).containsExactlyInAnyOrder("down FAIL_OPEN", "down FAIL_CLOSED", "up", "up");

      // The queued commit was replayed: 25 spent, nothing reserved (the script was reloaded after the restart).
      assertThat(closed.snapshot(a)).isEqualTo(new BudgetLedger.Balance(25, 0));
      assertThat(closed.reserve(a, 75, 100).granted()).isTrue();
      assertThat(closed.reserve(a, 1, 100).granted()).isFalse();

      // Fail open: the 4 grants still unsettled were never reserved in Redis; settling them leaves the pre-outage
      // reservation intact and adds their spending.
      for (int i = 0; i < 4; i++) {
        open.commit(a, 60, 1);
      }
      assertThat(open.snapshot(a)).isEqualTo(new BudgetLedger.Balance(4, 60));
      open.commit(a, 60, 30);
      assertThat(open.snapshot(a)).isEqualTo(new BudgetLedger.Balance(34, 0));
      assertThat(open.reserve(a, 66, 100).granted()).isTrue();
      assertThat(open.reserve(a, 1, 100).granted()).isFalse();
    }
  }

  @Test
  void redisDownAtStartup_followsFailureMode_thenConnects() throws Exception {
    Instant start = Instant.now().minus(Duration.ofHours(1));
    BudgetAccount a = new BudgetAccount("late|global|" + start.toEpochMilli(), start, start.plus(Duration.ofDays(1)),
        1, 0);
    server.stop(false);
    try (RedisBudgetLedger closed = builder("late:", RedisBudgetLedger.ConnectionListener.NONE)
        .setFailureMode(RedisBudgetLedger.FailureMode.FAIL_CLOSED).build()) {
      assertThat(closed.isAvailable()).isFalse();
      assertThat(closed.reserve(a, 1, 100).granted()).isFalse();
      server.start();
      waitFor(closed::isAvailable, () -> closed.snapshot(a));
      assertThat(closed.reserve(a, 100, 100).granted()).isTrue();
      assertThat(closed.reserve(a, 1, 100).granted()).isFalse();
    }
  }

  private static RedisBudgetLedger.Builder builder(String prefix, RedisBudgetLedger.ConnectionListener listener) {
    return RedisBudgetLedger.builder(server.uri()).setKeyPrefix(prefix)
        .setCommandTimeout(Duration.ofMillis(200))
        .setConnectTimeout(Duration.ofMillis(300))
        .setReconnectDelay(Duration.ofMillis(100))
        .setConnectionListener(listener);
  }

  private static void waitFor(BooleanSupplier condition, Runnable poke) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      poke.run();
      Thread.sleep(20);
    }
  }
}
