package io.lockn.pricing;

import io.lockn.core.CallCost;
import io.lockn.pricing.internal.Decimals;
import java.math.BigDecimal;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The cost of one model call, in exact integer nano-USD (10<sup>-9</sup> USD) per token class.
 *
 * <p>Rounding rule: each part is {@code round_half_even(tokens x pico-USD per token x multipliers / 1000)}, computed
 * exactly and rounded once; the total is the sum of the rounded parts, so the parts always add up to the total, and
 * any sum of costs is an exact sum of integers. The list total is the same without negotiated discounts.
 *
 * <p>An unpriced call (unknown model, or no price in force at its time) is {@link #UNPRICED}: {@link #isPriced()} is
 * {@code false} and every amount is 0, which must never be read as "free". Immutable.
 *
 * <p>It is the {@link CallCost} LockN hands to budgets and listeners for a call this module priced.
 */
public final class Cost implements CallCost {

  /** The cost of a call that could not be priced. */
  public static final Cost UNPRICED = new Cost(false, 0, 0, 0, 0, 0, 0, 0, CostSource.LOCAL, "");

  private final boolean priced;
  private final long inputNanos;
  private final long outputNanos;
  private final long cacheReadNanos;
  private final long cacheWriteNanos;
  private final long reasoningNanos;
  private final long totalNanos;
  private final long listTotalNanos;
  private final CostSource source;
  private final String pricingId;

  Cost(
      boolean priced,
      long inputNanos,
      long outputNanos,
      long cacheReadNanos,
      long cacheWriteNanos,
      long reasoningNanos,
      long totalNanos,
      long listTotalNanos,
      CostSource source,
      String pricingId) {
    this.priced = priced;
    this.inputNanos = inputNanos;
    this.outputNanos = outputNanos;
    this.cacheReadNanos = cacheReadNanos;
    this.cacheWriteNanos = cacheWriteNanos;
    this.reasoningNanos = reasoningNanos;
    this.totalNanos = totalNanos;
    this.listTotalNanos = listTotalNanos;
    this.source = source;
    this.pricingId = pricingId;
  }

  /**
   * A cost the provider reported with the response; it takes precedence over the catalog. Its parts are unknown, so
   * the whole amount is the total.
   *
   * @param usd the reported cost in USD
   * @param pricingId what to record as {@code lockn.pricing.id}, e.g. {@code openrouter/reported}
   * @return the cost
   * @throws IllegalArgumentException if the amount is negative
   */
  public static Cost providerReported(BigDecimal usd, String pricingId) {
    Objects.requireNonNull(usd, "usd");
    if (usd.signum() < 0) {
      throw new IllegalArgumentException("reported cost < 0");
    }
    long nanos = Decimals.nanos(usd);
    return new Cost(
        true, 0, 0, 0, 0, 0, nanos, nanos, CostSource.PROVIDER, Objects.requireNonNull(pricingId, "pricingId"));
  }

  /**
   * A cost recorded earlier, for example read back from a span's {@code lockn.cost.*} attributes by the offline
   * audit. The total is given, not recomputed: it is the amount that was recorded.
   *
   * @param inputNanos uncached input
   * @param outputNanos non-reasoning output
   * @param cacheReadNanos cache reads
   * @param cacheWriteNanos cache writes
   * @param reasoningNanos reasoning
   * @param totalNanos the recorded total
   * @param listTotalNanos the recorded total at list prices (the total itself when no discount applied)
   * @param source where it came from
   * @param pricingId the recorded {@code lockn.pricing.id}, or empty
   * @return the cost
   * @throws IllegalArgumentException if an amount is negative
   */
  public static Cost recorded(
      long inputNanos,
      long outputNanos,
      long cacheReadNanos,
      long cacheWriteNanos,
      long reasoningNanos,
      long totalNanos,
      long listTotalNanos,
      CostSource source,
      String pricingId) {
    if ((inputNanos | outputNanos | cacheReadNanos | cacheWriteNanos | reasoningNanos | totalNanos | listTotalNanos)
        < 0) {
      throw new IllegalArgumentException("cost < 0");
    }
    return new Cost(true, inputNanos, outputNanos, cacheReadNanos, cacheWriteNanos, reasoningNanos, totalNanos,
        listTotalNanos, Objects.requireNonNull(source, "source"), Objects.requireNonNull(pricingId, "pricingId"));
  }

  /** A locally computed cost; the total is the sum of the parts. */
  static Cost local(
      long inputNanos,
      long outputNanos,
      long cacheReadNanos,
      long cacheWriteNanos,
      long reasoningNanos,
      long listTotalNanos,
      String pricingId) {
    long total = sum(inputNanos, outputNanos, cacheReadNanos, cacheWriteNanos, reasoningNanos);
    return new Cost(true, inputNanos, outputNanos, cacheReadNanos, cacheWriteNanos, reasoningNanos, total,
        listTotalNanos < 0 ? total : listTotalNanos, CostSource.LOCAL, pricingId);
  }

  /** The total of a locally computed cost's parts, saturating; {@link PriceCatalog#totalNanos} adds the same way. */
  static long sum(long inputNanos, long outputNanos, long cacheReadNanos, long cacheWriteNanos, long reasoningNanos) {
    return Decimals.add(Decimals.add(Decimals.add(inputNanos, outputNanos), Decimals.add(cacheReadNanos,
        cacheWriteNanos)), reasoningNanos);
  }

  /**
   * Whether the call could be priced.
   *
   * @return {@link CallCost.Status#UNPRICED} for {@link #UNPRICED}, else {@link CallCost.Status#PRICED}
   */
  @Override
  public Status status() {
    return priced ? Status.PRICED : Status.UNPRICED;
  }

  /**
   * Whether the call could be priced.
   *
   * @return {@code false} for {@link #UNPRICED}
   */
  @Override
  public boolean isPriced() {
    return priced;
  }

  /**
   * Uncached input tokens, in nano-USD.
   *
   * @return the amount
   */
  public long inputNanos() {
    return inputNanos;
  }

  /**
   * Non-reasoning output tokens, in nano-USD.
   *
   * @return the amount
   */
  public long outputNanos() {
    return outputNanos;
  }

  /**
   * Cache reads, in nano-USD.
   *
   * @return the amount
   */
  public long cacheReadNanos() {
    return cacheReadNanos;
  }

  /**
   * Cache writes (5-minute and 1-hour), in nano-USD.
   *
   * @return the amount
   */
  public long cacheWriteNanos() {
    return cacheWriteNanos;
  }

  /**
   * Reasoning tokens, in nano-USD.
   *
   * @return the amount
   */
  public long reasoningNanos() {
    return reasoningNanos;
  }

  /**
   * The total: the sum of the parts, or the provider-reported amount.
   *
   * @return nano-USD
   */
  @Override
  public long totalNanos() {
    return totalNanos;
  }

  /**
   * The total at list prices, before negotiated discounts; equal to {@link #totalNanos()} without a discount.
   *
   * @return nano-USD
   */
  public long listTotalNanos() {
    return listTotalNanos;
  }

  /**
   * The total in USD, exact.
   *
   * @return USD with 9 decimal places
   */
  @Override
  public BigDecimal totalUsd() {
    return Decimals.usd(totalNanos());
  }

  /**
   * Where the cost comes from.
   *
   * @return {@code LOCAL} or {@code PROVIDER}
   */
  public CostSource source() {
    return source;
  }

  /**
   * The catalog entry and effective date used, e.g. {@code openai/gpt-4o@2024-10-02}; empty when unpriced.
   *
   * @return the pricing id
   */
  public String pricingId() {
    return pricingId;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof Cost c)) {
      return false;
    }
    return c.priced == priced
        && c.inputNanos == inputNanos
        && c.outputNanos == outputNanos
        && c.cacheReadNanos == cacheReadNanos
        && c.cacheWriteNanos == cacheWriteNanos
        && c.reasoningNanos == reasoningNanos
        && c.totalNanos == totalNanos
        && c.listTotalNanos == listTotalNanos
        && c.source == source
        && c.pricingId.equals(pricingId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(priced, inputNanos, outputNanos, cacheReadNanos, cacheWriteNanos, reasoningNanos,
        totalNanos, listTotalNanos, source, pricingId);
  }

  @Override
  public String toString() {
    if (!priced) {
      return "Cost{UNPRICED}";
    }
    return "Cost{total=$" + totalUsd().toPlainString() + " (input=" + inputNanos + "n, output=" + outputNanos
        + "n, cacheRead=" + cacheReadNanos + "n, cacheWrite=" + cacheWriteNanos + "n, reasoning=" + reasoningNanos
        + "n), list=" + listTotalNanos + "n, " + source.value() + ", " + pricingId + "}";
  }
}
