package io.lockn.budget;

import java.time.Instant;
import java.util.Objects;

/**
 * One budget's account for one scope value in one period: what a {@link BudgetLedger} keeps a balance for.
 *
 * <p>For a calendar period the key includes the period's start, so a new period is a new, empty account and the
 * budget resets exactly at the period's first instant. A rolling period has one account per scope value, divided into
 * {@code buckets} buckets of equal width; {@code bucket} is the index ({@code floor(epochMillis / width)}) of the
 * bucket current when the account was looked up, so the ledger sums the buckets {@code (bucket - buckets, bucket]}.
 *
 * @param key the ledger key: {@code budget|scope|periodStartMillis}, or {@code budget|scope} for rolling periods
 * @param periodStart the period's first instant
 * @param periodEnd the first instant after the period; a ledger may forget the account afterwards
 * @param buckets 1 for calendar periods, {@link Period#ROLLING_BUCKETS} for rolling ones
 * @param bucket the current bucket index of a rolling period, 0 otherwise
 */
public record BudgetAccount(String key, Instant periodStart, Instant periodEnd, int buckets, long bucket) {

  /**
   * Creates an account.
   *
   * @param key the key
   * @param periodStart the start
   * @param periodEnd the end
   * @param buckets the bucket count, at least 1
   * @param bucket the current bucket index
   * @throws IllegalArgumentException if {@code buckets < 1}
   */
  public BudgetAccount {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(periodStart, "periodStart");
    Objects.requireNonNull(periodEnd, "periodEnd");
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets < 1");
    }
  }

  /**
   * Whether this is a rolling account.
   *
   * @return {@code true} if it has more than one bucket
   */
  public boolean isRolling() {
    return buckets > 1;
  }
}
