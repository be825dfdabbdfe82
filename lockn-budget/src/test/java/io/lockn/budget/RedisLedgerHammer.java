package io.lockn.budget;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * The second JVM of the two-JVM test: hammers one Redis budget account with reserve/commit pairs and prints its totals
 * as {@code committed excess maxUsed grants}. Args: uri prefix key startMillis endMillis limit iterations seed exact.
 * Prints {@code READY} once connected and starts when a line arrives on standard input.
 */
final class RedisLedgerHammer {

  private RedisLedgerHammer() {}

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    BudgetAccount account = new BudgetAccount(args[2], Instant.ofEpochMilli(Long.parseLong(args[3])),
        Instant.ofEpochMilli(Long.parseLong(args[4])), 1, 0);
    long limit = Long.parseLong(args[5]);
    int iterations = Integer.parseInt(args[6]);
    long seed = Long.parseLong(args[7]);
    boolean exact = Boolean.parseBoolean(args[8]);
    try (RedisBudgetLedger ledger = RedisBudgetLedger.builder(uri).setKeyPrefix(args[1])
        .setFailureMode(RedisBudgetLedger.FailureMode.FAIL_CLOSED).setCommandTimeout(java.time.Duration.ofSeconds(2))
        .build()) {
      ledger.snapshot(account);
      System.out.println("READY");
      System.out.flush();
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      long[] totals = run(ledger, account, limit, iterations, seed, exact);
      System.out.println(totals[0] + " " + totals[1] + " " + totals[2] + " " + totals[3]);
      System.out.flush();
    }
  }

  /** Returns {committed, excess, maxUsed, grants}. */
  static long[] run(BudgetLedger ledger, BudgetAccount account, long limit, int iterations, long seed, boolean exact) {
    SplittableRandom random = new SplittableRandom(seed);
    long committed = 0;
    long excess = 0;
    long maxUsed = 0;
    long grants = 0;
    for (int i = 0; i < iterations; i++) {
      long estimate = 1 + random.nextInt(3);
      BudgetLedger.Reservation r = ledger.reserve(account, estimate, limit);
      if (!r.granted()) {
        continue;
      }
      grants++;
      maxUsed = Math.max(maxUsed, r.used());
      long actual = exact ? estimate
          : random.nextInt(10) == 0 ? estimate + 1 : random.nextInt((int) estimate + 1);
      ledger.commit(account, estimate, actual);
      committed += actual;
      excess += Math.max(0, actual - estimate);
    }
    return new long[] {committed, excess, maxUsed, grants};
  }
}
