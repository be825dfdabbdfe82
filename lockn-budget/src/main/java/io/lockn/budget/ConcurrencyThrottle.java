package io.lockn.budget;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The policy behind {@link ThrottlePolicy#limitConcurrency}: one fair semaphore per account (budget and scope value).
 * Memory stays bounded: past {@value #MAX_ACCOUNTS} accounts, the semaphores with every permit free are dropped.
 */
final class ConcurrencyThrottle implements ThrottlePolicy {

  static final int MAX_ACCOUNTS = 10_000;

  private final int permits;
  private final Duration maxWait;
  private final long maxWaitNanos;
  private final ConcurrentHashMap<String, Semaphore> semaphores = new ConcurrentHashMap<>();

  ConcurrencyThrottle(int permits, Duration maxWait) {
    Objects.requireNonNull(maxWait, "maxWait");
    if (permits < 1) {
      throw new IllegalArgumentException("throttle.permits < 1: " + permits);
    }
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("throttle.maxWait < 0: " + maxWait);
    }
    try {
      this.maxWaitNanos = maxWait.toNanos();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("throttle.maxWait is too long: " + maxWait);
    }
    this.permits = permits;
    this.maxWait = maxWait;
  }

  int permits() {
    return permits;
  }

  Duration maxWait() {
    return maxWait;
  }

  @Override
  public Throttle throttle(Context context) {
    String key = context.budget().name() + '|' + context.scope();
    Semaphore s = semaphores.get(key);
    if (s == null) {
      if (semaphores.size() >= MAX_ACCOUNTS) {
        semaphores.values().removeIf(x -> x.availablePermits() >= permits);
      }
      s = semaphores.computeIfAbsent(key, k -> new Semaphore(permits, true));
    }
    boolean acquired;
    try {
      acquired = s.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      acquired = false;
    }
    if (!acquired) {
      throw context.exceeded();
    }
    Semaphore held = s;
    String model = context.requestModel();
    AtomicBoolean released = new AtomicBoolean();
    return new Throttle() {
      @Override
      public String model() {
        return model;
      }

      @Override
      public void release() {
        if (released.compareAndSet(false, true)) {
          held.release();
        }
      }
    };
  }

  /** Free permits of one account; for tests. */
  int available(String budget, String scope) {
    Semaphore s = semaphores.get(budget + '|' + scope);
    return s == null ? permits : s.availablePermits();
  }

  @Override
  public String toString() {
    return "limit concurrency to " + permits + " (max wait " + maxWait + ")";
  }
}
