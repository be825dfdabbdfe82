package io.lockn.core;

/** Where a cached answer came from: the value of {@code lockn.cache.type}. */
public enum CacheType {
  /** An application-side semantic cache answered; the provider was not called. */
  SEMANTIC("semantic"),
  /** The provider's prompt cache served part of the input. */
  PROVIDER("provider");

  private final String value;

  CacheType(String value) {
    this.value = value;
  }

  /**
   * The attribute value.
   *
   * @return {@code semantic} or {@code provider}
   */
  public String value() {
    return value;
  }
}
