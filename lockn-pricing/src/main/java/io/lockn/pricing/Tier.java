package io.lockn.pricing;

/**
 * A context tier: when a request's input tokens, cache reads and writes included, are strictly greater than {@code
 * aboveInputTokens}, every token of the request (input, cache and output alike) is priced at {@code rates}. With
 * several tiers the highest one crossed applies.
 *
 * @param aboveInputTokens the threshold, compared with {@code >}
 * @param rates the rates of the whole request above the threshold
 */
public record Tier(long aboveInputTokens, Rates rates) {

  /**
   * Creates a tier.
   *
   * @param aboveInputTokens the threshold
   * @param rates the rates
   * @throws IllegalArgumentException if the threshold is negative
   */
  public Tier {
    if (aboveInputTokens < 0) {
      throw new IllegalArgumentException("aboveInputTokens < 0");
    }
    java.util.Objects.requireNonNull(rates, "rates");
  }
}
