package io.lockn.pricing;

import io.lockn.pricing.internal.Decimals;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * In-process cost totals by tenant, cost center, agent, workflow and model over a time window, fed by {@link
 * io.lockn.pricing.sdk.CostPipeline}; the basis of reports and budgets.
 *
 * <pre>{@code
 * CostLedger ledger = CostLedger.create();
 * // ... CostPipeline.builder(catalog).setLedger(ledger, AttributionKeys.defaults()) ...
 * Map<String, BigDecimal> perTenant = ledger.totals(CostLedger.Dimension.TENANT, from, to);
 * }</pre>
 *
 * <p>Costs are kept in time buckets (one minute by default) for a retention window (24 hours by default); a record
 * older than the window is not kept. Totals are exact sums of nano-USD. Memory is bounded: a fixed ring of buckets,
 * and at most {@value #MAX_VALUES_PER_BUCKET} distinct values per dimension per bucket, beyond which values count as
 * {@code _OTHER}. Sums saturate at {@link Long#MAX_VALUE} nano-USD. Thread-safe; recording allocates only when a
 * bucket or a value is new.
 */
public final class CostLedger {

  /** A dimension to total by. */
  public enum Dimension {
    /** The tenant attribution key. */
    TENANT,
    /** The cost-center attribution key. */
    COST_CENTER,
    /** The nearest agent. */
    AGENT,
    /** The workflow-id attribution key. */
    WORKFLOW,
    /** The response model, else the request model. */
    MODEL
  }

  /** Distinct values kept per dimension per bucket. */
  public static final int MAX_VALUES_PER_BUCKET = 1000;

  /** The value recorded when a call has no value for a dimension. */
  public static final String NONE = "(none)";

  private static final int DIMENSIONS = Dimension.values().length;
  private static final long MAX_BUCKETS = 1_000_000;

  private final long bucketMillis;
  private final AtomicReferenceArray<Bucket> ring;

  private static final class Bucket {
    final long index;
    final AtomicLong total = new AtomicLong();
    @SuppressWarnings("unchecked")
    final ConcurrentHashMap<String, AtomicLong>[] byDimension = new ConcurrentHashMap[DIMENSIONS];

    Bucket(long index) {
      this.index = index;
      for (int i = 0; i < DIMENSIONS; i++) {
        byDimension[i] = new ConcurrentHashMap<>();
      }
    }
  }

  private CostLedger(Duration retention, Duration bucket) {
    this.bucketMillis = bucket.toMillis();
    this.ring = new AtomicReferenceArray<>((int) (retention.toMillis() / bucketMillis));
  }

  /**
   * A ledger with one-minute buckets kept for 24 hours.
   *
   * @return the ledger
   */
  public static CostLedger create() {
    return create(Duration.ofHours(24), Duration.ofMinutes(1));
  }

  /**
   * A ledger with the given retention and bucket size.
   *
   * @param retention how long costs are kept
   * @param bucket the time resolution of queries
   * @return the ledger
   * @throws IllegalArgumentException if the bucket is not a positive whole number of milliseconds ({@link
   *     #checkBucket}), or the retention is shorter than the bucket or more than 1,000,000 buckets long ({@link
   *     #checkRetention})
   */
  public static CostLedger create(Duration retention, Duration bucket) {
    checkRetention(retention, checkBucket(bucket));
    return new CostLedger(retention, bucket);
  }

  /**
   * Checks a bucket size, as {@link #create} does; configuration front ends call it to name their property.
   *
   * @param bucket the bucket size
   * @return the bucket size
   * @throws IllegalArgumentException if it is not a positive whole number of milliseconds
   */
  public static Duration checkBucket(Duration bucket) {
    Objects.requireNonNull(bucket, "bucket");
    boolean wholeMillis;
    try {
      wholeMillis = Duration.ofMillis(bucket.toMillis()).equals(bucket);
    } catch (ArithmeticException e) {
      wholeMillis = false;
    }
    if (!wholeMillis || bucket.toMillis() <= 0) {
      throw new IllegalArgumentException("bucket must be a positive whole number of milliseconds: " + bucket);
    }
    return bucket;
  }

  /**
   * Checks a retention against a valid bucket size ({@link #checkBucket}), as {@link #create} does.
   *
   * @param retention the retention
   * @param bucket the bucket size
   * @return the retention
   * @throws IllegalArgumentException if it is shorter than the bucket or more than 1,000,000 buckets long
   */
  public static Duration checkRetention(Duration retention, Duration bucket) {
    Objects.requireNonNull(retention, "retention");
    long buckets = retention.isNegative() ? -1 : retention.toMillis() / bucket.toMillis();
    if (buckets < 1 || buckets > MAX_BUCKETS) {
      throw new IllegalArgumentException("retention must be 1 to 1,000,000 buckets of " + bucket + ": " + retention);
    }
    return retention;
  }

  /**
   * Records one call's cost. Called by the cost span processor; applications rarely call it.
   *
   * @param epochMillis when the call started
   * @param nanos its cost in nano-USD
   * @param tenant the tenant, or {@code null}
   * @param costCenter the cost center, or {@code null}
   * @param agent the agent, or {@code null}
   * @param workflow the workflow id, or {@code null}
   * @param model the model, or {@code null}
   */
  public void record(
      long epochMillis,
      long nanos,
      @Nullable String tenant,
      @Nullable String costCenter,
      @Nullable String agent,
      @Nullable String workflow,
      @Nullable String model) {
    if (nanos <= 0) {
      return;
    }
    Bucket bucket = bucketFor(epochMillis / bucketMillis);
    if (bucket == null) {
      return;
    }
    add(bucket.total, nanos);
    add(bucket, Dimension.TENANT, tenant, nanos);
    add(bucket, Dimension.COST_CENTER, costCenter, nanos);
    add(bucket, Dimension.AGENT, agent, nanos);
    add(bucket, Dimension.WORKFLOW, workflow, nanos);
    add(bucket, Dimension.MODEL, model, nanos);
  }

  /**
   * The total cost of calls that started in {@code [from, to)}.
   *
   * @param from the start, inclusive
   * @param to the end, exclusive
   * @return USD, exact
   */
  public BigDecimal total(Instant from, Instant to) {
    long sum = 0;
    for (Bucket b : buckets(from, to)) {
      sum = Decimals.add(sum, b.total.get());
    }
    return Decimals.usd(sum);
  }

  /**
   * Totals per value of a dimension for calls that started in {@code [from, to)}, largest first.
   *
   * @param dimension what to total by
   * @param from the start, inclusive
   * @param to the end, exclusive
   * @return USD by value, exact
   */
  public Map<String, BigDecimal> totals(Dimension dimension, Instant from, Instant to) {
    Map<String, Long> sums = new TreeMap<>();
    for (Bucket b : buckets(from, to)) {
      b.byDimension[dimension.ordinal()].forEach((value, amount) -> sums.merge(value, amount.get(), Decimals::add));
    }
    Map<String, BigDecimal> result = new LinkedHashMap<>();
    sums.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> result.put(e.getKey(), Decimals.usd(e.getValue())));
    return result;
  }

  private java.util.List<Bucket> buckets(Instant from, Instant to) {
    long first = Math.floorDiv(epochMillis(from), bucketMillis);
    long last = Math.floorDiv(epochMillis(to) - 1, bucketMillis);
    java.util.List<Bucket> result = new java.util.ArrayList<>();
    for (int i = 0; i < ring.length(); i++) {
      Bucket b = ring.get(i);
      if (b != null && b.index >= first && b.index <= last) {
        result.add(b);
      }
    }
    return result;
  }

  /** Milliseconds since the epoch, clamped so that {@code Instant.MIN}/{@code MAX} select everything. */
  private static long epochMillis(Instant instant) {
    Objects.requireNonNull(instant, "instant");
    if (instant.isBefore(Instant.ofEpochMilli(Long.MIN_VALUE / 2))) {
      return Long.MIN_VALUE / 2;
    }
    if (instant.isAfter(Instant.ofEpochMilli(Long.MAX_VALUE / 2))) {
      return Long.MAX_VALUE / 2;
    }
    return instant.toEpochMilli();
  }

  private @Nullable Bucket bucketFor(long index) {
    int slot = (int) Math.floorMod(index, (long) ring.length());
    while (true) {
      Bucket current = ring.get(slot);
      if (current != null && current.index == index) {
        return current;
      }
      if (current != null && current.index > index) {
        return null; // older than the retention window
      }
      Bucket fresh = new Bucket(index);
      if (ring.compareAndSet(slot, current, fresh)) {
        return fresh;
      }
    }
  }

  private static void add(Bucket bucket, Dimension dimension, @Nullable String value, long nanos) {
    ConcurrentHashMap<String, AtomicLong> map = bucket.byDimension[dimension.ordinal()];
    String key = value == null || value.isEmpty() ? NONE : value;
    AtomicLong amount = map.get(key);
    if (amount == null) {
      if (map.size() >= MAX_VALUES_PER_BUCKET) {
        key = "_OTHER";
      }
      amount = map.computeIfAbsent(key, k -> new AtomicLong());
    }
    add(amount, nanos);
  }

  /** Saturating: hostile amounts cap at Long.MAX_VALUE nano-USD rather than wrapping into negative money. */
  private static void add(AtomicLong amount, long nanos) {
    amount.accumulateAndGet(nanos, Decimals::add);
  }
}
