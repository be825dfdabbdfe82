package io.lockn.pricing.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import org.jspecify.annotations.Nullable;

/**
 * Conversions between published decimal prices and LockN's integer money units, with the one rounding rule: HALF_EVEN
 * to the unit, applied once per cost part.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public final class Decimals {

  /** Pico-USD per USD-per-million-tokens: $1 per 1M tokens is 10<sup>-6</sup> USD = 10<sup>6</sup> pico-USD. */
  private static final BigDecimal PICOS_PER_USD_PER_MILLION = BigDecimal.valueOf(1_000_000);

  private static final BigDecimal NANOS_PER_USD = BigDecimal.valueOf(1_000_000_000);

  private Decimals() {}

  /**
   * Converts a USD-per-million-tokens price to exact pico-USD per token.
   *
   * @param usdPerMillion the price, e.g. {@code "0.075"}
   * @param field the field name, for the error message
   * @return pico-USD per token
   * @throws IllegalArgumentException if the price is not a non-negative decimal with at most 6 decimal places
   */
  public static long picosPerToken(String usdPerMillion, String field) {
    if (usdPerMillion == null) {
      throw new IllegalArgumentException(field + " is missing");
    }
    BigDecimal price;
    try {
      price = new BigDecimal(usdPerMillion.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + " is not a decimal number: '" + usdPerMillion + "'");
    }
    return picosPerToken(price, field);
  }

  /**
   * Converts a USD-per-million-tokens price to exact pico-USD per token.
   *
   * @param usdPerMillion the price
   * @param field the field name, for the error message
   * @return pico-USD per token
   * @throws IllegalArgumentException if the price is negative or finer than a pico-USD per token
   */
  public static long picosPerToken(BigDecimal usdPerMillion, String field) {
    if (usdPerMillion.signum() < 0) {
      throw new IllegalArgumentException(field + " is negative: " + usdPerMillion.toPlainString());
    }
    BigDecimal picos = usdPerMillion.multiply(PICOS_PER_USD_PER_MILLION);
    try {
      return picos.setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          field + " " + usdPerMillion.toPlainString() + " USD per 1M tokens is finer than 1e-12 USD per token");
    }
  }

  /**
   * Converts a USD-per-token price (LiteLLM's unit) to pico-USD per token, rounding HALF_EVEN to the pico-USD.
   *
   * @param usdPerToken the price, e.g. {@code 2.5e-06} as written in the file
   * @return pico-USD per token
   */
  public static long picosFromUsdPerToken(BigDecimal usdPerToken) {
    return usdPerToken.movePointRight(12).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
  }

  /**
   * Divides by 1000 rounding HALF_EVEN: pico-USD to nano-USD. Exact integer arithmetic, no allocation.
   *
   * @param picos a non-negative amount in pico-USD
   * @return nano-USD
   */
  public static long picosToNanos(long picos) {
    long q = picos / 1000;
    long r = picos % 1000;
    if (r > 500 || (r == 500 && (q & 1) == 1)) {
      q++;
    }
    return q;
  }

  /**
   * {@code round_half_even(tokens * picosPerToken * multiplier / 1000)} in nano-USD, exactly; the multiplier is a
   * decimal such as a regional uplift, a service-tier factor or a discount.
   *
   * @param tokens the token count
   * @param picosPerToken the price
   * @param multiplier the multiplier, or {@code null} for 1
   * @return nano-USD
   */
  public static long costNanos(long tokens, long picosPerToken, @Nullable BigDecimal multiplier) {
    if (tokens == 0 || picosPerToken == 0) {
      return 0;
    }
    if (multiplier == null) {
      long high = Math.multiplyHigh(tokens, picosPerToken);
      if (high == 0 && tokens * picosPerToken >= 0) {
        return picosToNanos(tokens * picosPerToken);
      }
    }
    BigDecimal picos = new BigDecimal(BigInteger.valueOf(tokens).multiply(BigInteger.valueOf(picosPerToken)));
    if (multiplier != null) {
      picos = picos.multiply(multiplier);
    }
    BigDecimal nanos = picos.movePointLeft(3).setScale(0, RoundingMode.HALF_EVEN);
    return nanos.min(BigDecimal.valueOf(Long.MAX_VALUE)).longValue();
  }

  /**
   * Adds two non-negative amounts, saturating at {@link Long#MAX_VALUE} instead of overflowing into negative money.
   *
   * @param a an amount
   * @param b an amount
   * @return the sum, at most {@code Long.MAX_VALUE}
   */
  public static long add(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? (r < 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : r;
  }

  /**
   * Nano-USD as an exact USD decimal with 9 decimal places.
   *
   * @param nanos nano-USD
   * @return USD
   */
  public static BigDecimal usd(long nanos) {
    return BigDecimal.valueOf(nanos, 9);
  }

  /**
   * USD to nano-USD, rounding HALF_EVEN.
   *
   * @param usd USD
   * @return nano-USD
   */
  public static long nanos(BigDecimal usd) {
    return usd.multiply(NANOS_PER_USD).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
  }
}
