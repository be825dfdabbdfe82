package io.lockn.budget;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The default {@link BudgetLedger}: exact balances in this JVM's memory.
 *
 * <p>Design. A calendar account is two {@link AtomicLong}s: {@code used} (spent plus reserved), which a reservation
 * advances with a compare-and-set loop that checks the limit, so admission is lock-free and exact; and {@code
 * reserved}. The spent balance is {@code used - reserved}. Under concurrent updates a {@link #snapshot} may see one
 * counter before the other, so its split between spent and reserved is exact only when the account is quiet; {@code
 * used}, which admission checks, is always exact. A rolling account keeps one amount per bucket and a running total,
 * guarded by the account's own lock (the critical section is a few additions), so the rolling sum is exact and its
 * memory is {@link Period#ROLLING_BUCKETS} longs.
 *
 * <p>Memory stays bounded: accounts of calendar periods that ended, and rolling accounts whose whole window expired
 * with nothing reserved, are dropped as new accounts appear. A per-trace account ({@link Period#perTrace}) ends an idle
 * time after its latest reservation, and is dropped once that has passed. A commit or release for a dropped account is ignored:
 * its period is over. Thread-safe.
 */
public final class InMemoryBudgetLedger implements BudgetLedger {

  private static final int PRUNE_EVERY = 64;

  private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();
  private final AtomicInteger created = new AtomicInteger();
  // The latest period start seen: a lower bound of "now" that needs no clock.
  private final AtomicLong watermark = new AtomicLong(Long.MIN_VALUE);

  /** Creates an empty ledger. */
  public InMemoryBudgetLedger() {}

  @Override
  public Reservation reserve(BudgetAccount account, long amount, long limit) {
    if (amount < 0) {
      throw new IllegalArgumentException("amount < 0");
    }
    return state(account).reserve(account, amount, limit);
  }

  @Override
  public void commit(BudgetAccount account, long reserved, long actual) {
    State s = states.get(account.key());
    if (s != null) {
      s.commit(account, reserved, Math.max(0, actual));
    }
  }

  @Override
  public Balance commitAndSnapshot(BudgetAccount account, long reserved, long actual) {
    State s = states.get(account.key());
    if (s == null) {
      return Balance.ZERO;
    }
    s.commit(account, reserved, Math.max(0, actual));
    return s.snapshot(account);
  }

  @Override
  public void release(BudgetAccount account, long amount) {
    State s = states.get(account.key());
    if (s != null) {
      s.commit(account, amount, 0);
    }
  }

  @Override
  public Balance snapshot(BudgetAccount account) {
    State s = states.get(account.key());
    return s == null ? Balance.ZERO : s.snapshot(account);
  }

  /** The number of accounts held; for tests. */
  int size() {
    return states.size();
  }

  private State state(BudgetAccount account) {
    State s = states.get(account.key());
    if (s != null) {
      return s;
    }
    State fresh = account.isRolling() ? new Rolling(account) : new Fixed(account.periodEnd().toEpochMilli());
    s = states.putIfAbsent(account.key(), fresh);
    if (s != null) {
      return s;
    }
    // A lower bound of now: a calendar period has started; a rolling account's current bucket has started.
    long started = account.isRolling()
        ? account.periodEnd().toEpochMilli() - ((Rolling) fresh).widthMillis
        : account.periodStart().toEpochMilli();
    long mark = watermark.accumulateAndGet(started, Math::max);
    if (created.incrementAndGet() % PRUNE_EVERY == 0) {
      states.values().removeIf(x -> x != fresh && x.expiredBy(mark));
    }
    return fresh;
  }

  private abstract static class State {
    abstract Reservation reserve(BudgetAccount account, long amount, long limit);

    abstract void commit(BudgetAccount account, long reserved, long actual);

    abstract Balance snapshot(BudgetAccount account);

    abstract boolean expiredBy(long nowLowerBoundMillis);
  }

  /** A calendar or per-trace account: lock-free. */
  private static final class Fixed extends State {
    // Fixed for a calendar period; moved forward by each reservation of a per-trace account.
    private volatile long endMillis;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong reserved = new AtomicLong();

    Fixed(long endMillis) {
      this.endMillis = endMillis;
    }

    @Override
    Reservation reserve(BudgetAccount account, long amount, long limit) {
      long end = account.periodEnd().toEpochMilli();
      if (end > endMillis) {
        synchronized (this) {
          endMillis = Math.max(endMillis, end);
        }
      }
      while (true) {
        long u = used.get();
        if (amount > limit - u) {
          long r = reserved.get();
          return new Reservation(false, u - r, r);
        }
        if (used.compareAndSet(u, u + amount)) {
          long r = reserved.addAndGet(amount);
          return new Reservation(true, u + amount - r, r);
        }
      }
    }

    @Override
    void commit(BudgetAccount account, long reservedAmount, long actual) {
      reserved.addAndGet(-reservedAmount);
      // Saturating: an absurd actual cost (Long.MAX_VALUE tokens) with other calls in flight used to wrap `used`
      // negative, which silently turned spent money into headroom. Both amounts are >= 0, so the delta is exact.
      used.accumulateAndGet(actual - reservedAmount, InMemoryBudgetLedger::addSaturated);
    }

    @Override
    Balance snapshot(BudgetAccount account) {
      long r = reserved.get();
      return new Balance(used.get() - r, r);
    }

    @Override
    boolean expiredBy(long now) {
      return endMillis <= now;
    }
  }

  /** A rolling account: per-bucket amounts and their running total, under the account's lock. */
  private static final class Rolling extends State {
    private final Object lock = new Object();
    private final int n;
    private final long windowMillis;
    private final long widthMillis;
    private final long[] amounts;
    private long latest;
    private long total;
    private long reserved;

    Rolling(BudgetAccount account) {
      this.n = account.buckets();
      this.windowMillis = account.periodEnd().toEpochMilli() - account.periodStart().toEpochMilli();
      this.widthMillis = windowMillis / n;
      this.amounts = new long[n];
      this.latest = account.bucket();
    }

    /** Moves the window so that {@code bucket} is its newest bucket, dropping what left it. */
    private void advance(long bucket) {
      if (bucket <= latest) {
        return;
      }
      if (bucket - latest >= n) {
        java.util.Arrays.fill(amounts, 0);
        total = 0;
      } else {
        boolean saturated = total == Long.MAX_VALUE;
        for (long b = latest + 1; b <= bucket; b++) {
          int slot = (int) Math.floorMod(b, (long) n);
          total -= amounts[slot];
          amounts[slot] = 0;
        }
        if (saturated) {
          // A saturated total is not the sum of its buckets: recount what is left instead of subtracting.
          total = 0;
          for (long a : amounts) {
            total = addSaturated(total, a);
          }
        }
      }
      latest = bucket;
    }

    @Override
    Reservation reserve(BudgetAccount account, long amount, long limit) {
      synchronized (lock) {
        advance(account.bucket());
        long u = addSaturated(total, reserved);
        if (amount > limit - u) {
          return new Reservation(false, total, reserved);
        }
        reserved += amount;
        return new Reservation(true, total, reserved);
      }
    }

    @Override
    void commit(BudgetAccount account, long reservedAmount, long actual) {
      synchronized (lock) {
        reserved -= reservedAmount;
        long b = account.bucket();
        // Spend belongs to the bucket the call was admitted in; if that bucket already left the window, so did it.
        if (b > latest - n && b <= latest && actual != 0) {
          add(b, actual);
        } else if (b > latest && actual != 0) {
          advance(b);
          add(b, actual);
        }
      }
    }

    /** Adds spending to a bucket and the total, saturating rather than wrapping into negative money. */
    private void add(long bucket, long actual) {
      int slot = (int) Math.floorMod(bucket, (long) n);
      amounts[slot] = addSaturated(amounts[slot], actual);
      total = addSaturated(total, actual);
    }

    @Override
    Balance snapshot(BudgetAccount account) {
      synchronized (lock) {
        advance(account.bucket());
        return new Balance(total, reserved);
      }
    }

    @Override
    boolean expiredBy(long now) {
      synchronized (lock) {
        return reserved == 0 && (latest + 1) * widthMillis + windowMillis <= now;
      }
    }
  }

  /** {@code a + b}, clamped to the range of {@code long} instead of wrapping. */
  static long addSaturated(long a, long b) {
    long r = a + b;
    // Overflow iff both operands have the sign opposite to the result's.
    if (((a ^ r) & (b ^ r)) < 0) {
      return a > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return r;
  }
}
