package io.lockn.pricing;

/** Where a cost comes from: the value of {@code lockn.cost.source}. */
public enum CostSource {
  /** Computed in-process from the tokens and the price catalog. */
  LOCAL("local"),
  /** Reported by the provider with the response (for example OpenRouter's {@code usage.cost}). */
  PROVIDER("provider");

  private final String value;

  CostSource(String value) {
    this.value = value;
  }

  /**
   * The attribute value.
   *
   * @return {@code local} or {@code provider}
   */
  public String value() {
    return value;
  }
}
