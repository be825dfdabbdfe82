package io.lockn.pricing;

import io.lockn.pricing.internal.Decimals;
import org.jspecify.annotations.Nullable;

/**
 * The price of each token class, in integer pico-USD (10<sup>-12</sup> USD) per token, which represents every
 * published per-million-token price exactly ($2.50 per million tokens is 2,500,000 pico-USD per token).
 *
 * @param input uncached input tokens
 * @param output output tokens that are not reasoning
 * @param cacheRead input tokens read from the provider's cache
 * @param cacheWrite5m input tokens written to the cache with a 5-minute (or unspecified) TTL
 * @param cacheWrite1h input tokens written to the cache with a 1-hour TTL
 * @param reasoning reasoning (thinking) output tokens
 */
public record Rates(
    long input, long output, long cacheRead, long cacheWrite5m, long cacheWrite1h, long reasoning) {

  /**
   * Creates rates.
   *
   * @param input uncached input tokens
   * @param output output tokens that are not reasoning
   * @param cacheRead cache reads
   * @param cacheWrite5m 5-minute cache writes
   * @param cacheWrite1h 1-hour cache writes
   * @param reasoning reasoning tokens
   * @throws IllegalArgumentException if a rate is negative
   */
  public Rates {
    if (input < 0 || output < 0 || cacheRead < 0 || cacheWrite5m < 0 || cacheWrite1h < 0 || reasoning < 0) {
      throw new IllegalArgumentException("rate < 0");
    }
  }

  /**
   * Rates from USD-per-million-token decimal strings, as providers publish them. A {@code null} cache or reasoning
   * price means there is no separate price: cache reads and writes are then priced as input, reasoning as output.
   *
   * @param input USD per 1M uncached input tokens, e.g. {@code "2.50"}
   * @param output USD per 1M output tokens
   * @param cacheRead USD per 1M cache-read tokens, or {@code null}
   * @param cacheWrite5m USD per 1M 5-minute cache-write tokens, or {@code null}
   * @param cacheWrite1h USD per 1M 1-hour cache-write tokens, or {@code null} for the 5-minute price
   * @param reasoning USD per 1M reasoning tokens, or {@code null}
   * @return the rates
   * @throws IllegalArgumentException if a price is negative, not a decimal, or finer than 10<sup>-6</sup> USD per
   *     million tokens
   */
  public static Rates perMillionTokens(
      String input,
      String output,
      @Nullable String cacheRead,
      @Nullable String cacheWrite5m,
      @Nullable String cacheWrite1h,
      @Nullable String reasoning) {
    long in = Decimals.picosPerToken(input, "input");
    long out = Decimals.picosPerToken(output, "output");
    long write5m = cacheWrite5m == null ? in : Decimals.picosPerToken(cacheWrite5m, "cache_write_5m");
    return new Rates(
        in,
        out,
        cacheRead == null ? in : Decimals.picosPerToken(cacheRead, "cache_read"),
        write5m,
        cacheWrite1h == null ? write5m : Decimals.picosPerToken(cacheWrite1h, "cache_write_1h"),
        reasoning == null ? out : Decimals.picosPerToken(reasoning, "reasoning"));
  }

  /**
   * Rates with only input and output prices, in USD per million tokens.
   *
   * @param input USD per 1M input tokens
   * @param output USD per 1M output tokens
   * @return the rates
   */
  public static Rates perMillionTokens(String input, String output) {
    return perMillionTokens(input, output, null, null, null, null);
  }
}
