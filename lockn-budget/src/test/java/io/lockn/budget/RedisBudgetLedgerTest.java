package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Redis ledger against a real redis-server: exactness, expiry, two threads, two JVMs, and Redis going away. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisBudgetLedgerTest {

  private static RedisTestServer server;
  private final List<RedisBudgetLedger> ledgers = new ArrayList<>();

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

  @AfterEach
  void closeLedgers() {
    ledgers.forEach(RedisBudgetLedger::close);
  }

  private RedisBudgetLedger ledger(RedisBudgetLedger.Builder b) {
    RedisBudgetLedger l = b.build();
    ledgers.add(l);
    return l;
  }

  private RedisBudgetLedger ledger() {
    return ledger(RedisBudgetLedger.builder(server.uri()).setKeyPrefix("t:" + UUID.randomUUID() + ":"));
  }

  private static BudgetAccount calendar(String name) {
    Instant start = Instant.now().minus(Duration.ofDays(1));
    return new BudgetAccount(name + "|global|" + start.toEpochMilli(), start, start.plus(Duration.ofDays(31)), 1, 0);
  }

  @Test
  void reserve_grantsUpToLimitExactly_commitAndRelease() {
    RedisBudgetLedger ledger = ledger();
    BudgetAccount a = calendar("b");
    assertThat(ledger.snapshot(a)).isEqualTo(BudgetLedger.Balance.ZERO);
    assertThat(ledger.reserve(a, 60, 100)).isEqualTo(new BudgetLedger.Reservation(true, 0, 60));
    assertThat(ledger.reserve(a, 41, 100)).isEqualTo(new BudgetLedger.Reservation(false, 0, 60));
    assertThat(ledger.reserve(a, 40, 100)).isEqualTo(new BudgetLedger.Reservation(true, 0, 100));
    assertThat(ledger.reserve(a, 0, 100).granted()).isTrue();
    assertThat(ledger.reserve(a, 1, 100).granted()).isFalse();
    ledger.commit(a, 60, 12);
    assertThat(ledger.snapshot(a)).isEqualTo(new BudgetLedger.Balance(12, 40));
    ledger.release(a, 40);
    assertThat(ledger.snapshot(a)).isEqualTo(new BudgetLedger.Balance(12, 0));
    ledger.commit(a, 0, -5); // a negative actual counts as 0, as in memory
    assertThat(ledger.snapshot(a)).isEqualTo(new BudgetLedger.Balance(12, 0));
    assertThatThrownBy(() -> ledger.reserve(a, -1, 100)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reserve_exactBeyondDoublePrecision_andOverflowRefuses() {
    RedisBudgetLedger ledger = ledger();
    BudgetAccount a = calendar("big");
    long limit = (1L << 53) + 1; // not representable as a double
    assertThat(ledger.reserve(a, 1L << 53, limit).granted()).isTrue();
    assertThat(ledger.reserve(a, 2, limit).granted()).isFalse();
    assertThat(ledger.reserve(a, 1, limit)).isEqualTo(new BudgetLedger.Reservation(true, 0, limit));
    ledger.commit(a, 1, 1);
    assertThat(ledger.snapshot(a)).isEqualTo(new BudgetLedger.Balance(1, 1L << 53));
    // No limit at all, then an amount that would overflow a 64-bit counter: refused, nothing changed.
    BudgetAccount b = calendar("max");
    assertThat(ledger.reserve(b, Long.MAX_VALUE - 1, Long.MAX_VALUE).granted()).isTrue();
    assertThat(ledger.reserve(b, 1, Long.MAX_VALUE).granted()).isTrue();
    assertThat(ledger.reserve(b, 1, Long.MAX_VALUE)).isEqualTo(new BudgetLedger.Reservation(false, 0, Long.MAX_VALUE));
    assertThat(ledger.reserve(b, Long.MAX_VALUE, Long.MAX_VALUE).granted()).isFalse();
    assertThat(ledger.snapshot(b)).isEqualTo(new BudgetLedger.Balance(0, Long.MAX_VALUE));
  }

  @Test
  void keys_carryPrefixAndPeriodStart_andExpireAfterPeriodPlusMargin() throws Exception {
    Instant now = Instant.now();
    String prefix = "exp:" + UUID.randomUUID() + ":";
    RedisBudgetLedger ledger = ledger(RedisBudgetLedger.builder(server.uri()).setKeyPrefix(prefix)
        .setExpiryMargin(Duration.ofMillis(300)).setClock(Clock.systemUTC()));
    Instant start = now.minusSeconds(10);
    BudgetAccount a = new BudgetAccount("day|global|" + start.toEpochMilli(), start, now.plusMillis(400), 1, 0);
    assertThat(ledger.redisKey(a)).isEqualTo(prefix + "day|global|" + start.toEpochMilli());
    assertThat(ledger.reserve(a, 5, 10).granted()).isTrue();
    assertThat(server.command("EXISTS " + ledger.redisKey(a))).isEqualTo(":1");
    long ttl = Long.parseLong(server.command("PTTL " + ledger.redisKey(a)).substring(1));
    assertThat(ttl).isBetween(300L, 700L);
    // A refused reservation on a new key leaves no key without a time to live either.
    BudgetAccount refused = new BudgetAccount("day|x|" + start.toEpochMilli(), start, now.plusMillis(400), 1, 0);
    assertThat(ledger.reserve(refused, 11, 10).granted()).isFalse();
    assertThat(Long.parseLong(server.command("PTTL " + ledger.redisKey(refused)).substring(1))).isPositive();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (server.command("EXISTS " + ledger.redisKey(a)).equals(":1") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(server.command("EXISTS " + ledger.redisKey(a))).isEqualTo(":0");
    assertThat(server.command("EXISTS " + ledger.redisKey(refused))).isEqualTo(":0");
    // A late commit for an expired account is ignored and does not bring the key back.
    ledger.commit(a, 5, 5);
    assertThat(server.command("EXISTS " + ledger.redisKey(a))).isEqualTo(":0");
    assertThat(ledger.snapshot(a)).isEqualTo(BudgetLedger.Balance.ZERO);
    // The next period is another key, starting empty.
    BudgetAccount next = new BudgetAccount("day|global|" + now.plusMillis(400).toEpochMilli(), now.plusMillis(400),
        now.plusSeconds(60), 1, 0);
    assertThat(ledger.reserve(next, 10, 10).granted()).isTrue();
  }

  @Test
  void rolling_matchesInMemoryLedger_bucketByBucket() {
    RedisBudgetLedger redis = ledger();
    InMemoryBudgetLedger memory = new InMemoryBudgetLedger();
    int n = Period.ROLLING_BUCKETS;
    long width = 1000;
    long base = 1_700_000_000L;
    SplittableRandom random = new SplittableRandom(42);
    List<long[]> inFlight = new ArrayList<>(); // {bucket, reserved}
    long bucket = base;
    for (int step = 0; step < 3000; step++) {
      int jump = random.nextInt(100);
      bucket += jump < 90 ? 0 : jump < 98 ? 1 : random.nextInt(2 * n);
      BudgetAccount acc = rolling(bucket, n, width);
      int op = random.nextInt(3);
      if (op == 0 || inFlight.isEmpty()) {
        long amount = random.nextInt(50);
        BudgetLedger.Reservation m = memory.reserve(acc, amount, 2_000);
        assertThat(redis.reserve(acc, amount, 2_000)).as("step %d", step).isEqualTo(m);
        if (m.granted()) {
          inFlight.add(new long[] {bucket, amount});
        }
      } else {
        long[] f = inFlight.remove(random.nextInt(inFlight.size()));
        BudgetAccount admitted = rolling(f[0], n, width);
        if (op == 1) {
          long actual = random.nextInt(60);
          memory.commit(admitted, f[1], actual);
          redis.commit(admitted, f[1], actual);
        } else {
          memory.release(admitted, f[1]);
          redis.release(admitted, f[1]);
        }
      }
      assertThat(redis.snapshot(acc)).as("step %d", step).isEqualTo(memory.snapshot(acc));
    }
  }

  private static BudgetAccount rolling(long bucket, int n, long width) {
    Instant end = Instant.ofEpochMilli((bucket + 1) * width);
    return new BudgetAccount("roll|global", end.minusMillis(n * width), end, n, bucket);
  }

  @Test
  void twoThreads_manyReservations_exactAndWithinBound() throws Exception {
    RedisBudgetLedger ledger = ledger();
    BudgetAccount a = calendar("threads");
    long limit = 10_000;
    CyclicBarrier start = new CyclicBarrier(2);
    List<long[]> results = new CopyOnWriteArrayList<>();
    Runnable worker = () -> {
      try {
        start.await();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      results.add(RedisLedgerHammer.run(ledger, a, limit, 6_000, Thread.currentThread().getId(), false));
    };
    Thread t1 = new Thread(worker);
    Thread t2 = new Thread(worker);
    t1.start();
    t2.start();
    t1.join();
    t2.join();
    assertBound(ledger, a, limit, results);
  }

  @Test
  void twoJvms_shareOneLimit() throws Exception {
    String prefix = "jvm:" + UUID.randomUUID() + ":";
    RedisBudgetLedger ledger = ledger(RedisBudgetLedger.builder(server.uri()).setKeyPrefix(prefix)
        .setCommandTimeout(Duration.ofSeconds(2)));
    for (boolean exact : new boolean[] {false, true}) {
      BudgetAccount a = calendar("jvms-" + exact);
      long limit = 9_000;
      int iterations = 5_000;
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          RedisLedgerHammer.class.getName(), server.uri(), prefix, a.key(),
          Long.toString(a.periodStart().toEpochMilli()), Long.toString(a.periodEnd().toEpochMilli()),
          Long.toString(limit), Integer.toString(iterations), "7", Boolean.toString(exact))
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> readLine(out));
        assertThat(ready.get(20, TimeUnit.SECONDS)).isEqualTo("READY");
        OutputStream in = child.getOutputStream();
        in.write("GO\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        CompletableFuture<String> totals = CompletableFuture.supplyAsync(() -> readLine(out));
        long[] mine = RedisLedgerHammer.run(ledger, a, limit, iterations, 11, exact);
        String line = totals.get(20, TimeUnit.SECONDS);
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
        String[] f = line.trim().split(" ");
        long[] theirs = {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])};
        assertThat(theirs[3]).as("the other JVM got reservations").isPositive();
        assertThat(mine[3]).as("this JVM got reservations").isPositive();
        BudgetLedger.Balance b = assertBound(ledger, a, limit, List.of(mine, theirs));
        if (exact) {
          assertThat(b.spent()).isEqualTo(limit);
          assertThat(Math.max(mine[2], theirs[2])).isLessThanOrEqualTo(limit);
        }
      } finally {
        child.destroyForcibly();
        child.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  private static String readLine(BufferedReader r) {
    try {
      return r.readLine();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static BudgetLedger.Balance assertBound(
      BudgetLedger ledger, BudgetAccount a, long limit, List<long[]> results) {
    long committed = 0;
    long excess = 0;
    long maxUsed = 0;
    for (long[] r : results) {
      committed += r[0];
      excess += r[1];
      maxUsed = Math.max(maxUsed, r[2]);
    }
    BudgetLedger.Balance b = ledger.snapshot(a);
    assertThat(b.reserved()).isZero();
    assertThat(b.spent()).isEqualTo(committed);
    assertThat(b.spent()).isLessThanOrEqualTo(limit + excess);
    assertThat(maxUsed).isLessThanOrEqualTo(limit + excess);
    // The limit was reached: the run was contended at the boundary.
    assertThat(ledger.reserve(a, 3, limit).granted()).isFalse();
    return b;
  }

  @Test
  void builder_failsFast() {
    assertThatThrownBy(() -> RedisBudgetLedger.builder("not a uri"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("uri");
    RedisBudgetLedger.Builder b = RedisBudgetLedger.builder(server.uri());
    assertThatThrownBy(() -> b.setCommandTimeout(Duration.ZERO)).hasMessage("commandTimeout <= 0");
    assertThatThrownBy(() -> b.setExpiryMargin(Duration.ofSeconds(-1))).hasMessage("expiryMargin < 0");
    assertThatThrownBy(() -> b.setReconnectDelay(Duration.ofMillis(-1))).hasMessage("reconnectDelay <= 0");
    assertThatThrownBy(() -> b.setKeyPrefix(null)).isInstanceOf(NullPointerException.class).hasMessage("keyPrefix");
  }
}
