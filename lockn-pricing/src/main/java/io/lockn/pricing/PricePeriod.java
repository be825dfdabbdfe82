package io.lockn.pricing;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The prices of a model during one period: {@code [effectiveFrom, effectiveTo)}, open-ended where {@code null}.
 *
 * @param effectiveFrom the first instant these prices apply, or {@code null} for "since the model existed"
 * @param effectiveTo the first instant they no longer apply, or {@code null} for "still in force"
 * @param rates the base rates
 * @param tiers context tiers, in any order
 */
public record PricePeriod(
    @Nullable Instant effectiveFrom, @Nullable Instant effectiveTo, Rates rates, List<Tier> tiers) {

  /**
   * Creates a period; tiers are sorted by threshold.
   *
   * @param effectiveFrom the start, or {@code null}
   * @param effectiveTo the end, or {@code null}
   * @param rates the base rates
   * @param tiers the tiers
   * @throws IllegalArgumentException if the period is empty
   */
  public PricePeriod {
    Objects.requireNonNull(rates, "rates");
    tiers = tiers.stream().sorted(Comparator.comparingLong(Tier::aboveInputTokens)).toList();
    if (effectiveFrom != null && effectiveTo != null && !effectiveFrom.isBefore(effectiveTo)) {
      throw new IllegalArgumentException("effective_from " + effectiveFrom + " is not before effective_to " + effectiveTo);
    }
  }

  /**
   * Whether these prices were in force at {@code epochMillis}.
   *
   * @param epochMillis the instant, in milliseconds since the epoch
   * @return {@code true} if in force
   */
  public boolean appliesAt(long epochMillis) {
    return (effectiveFrom == null || effectiveFrom.toEpochMilli() <= epochMillis)
        && (effectiveTo == null || epochMillis < effectiveTo.toEpochMilli());
  }

  /**
   * The rates for a request with {@code inputTokens} input tokens (cache included): the highest tier crossed, else
   * the base rates.
   *
   * @param inputTokens the request's inclusive input tokens
   * @return the rates of the whole request
   */
  public Rates ratesFor(long inputTokens) {
    Rates result = rates;
    for (int i = 0; i < tiers.size(); i++) {
      Tier tier = tiers.get(i);
      if (inputTokens > tier.aboveInputTokens()) {
        result = tier.rates();
      }
    }
    return result;
  }
}
