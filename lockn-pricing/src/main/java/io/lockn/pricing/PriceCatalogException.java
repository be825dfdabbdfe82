package io.lockn.pricing;

/**
 * A price file or entry that cannot be loaded. The message names the file, the entry and the field; nothing of a
 * rejected file is loaded.
 */
public final class PriceCatalogException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong and where
   */
  public PriceCatalogException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what is wrong and where
   * @param cause the underlying failure
   */
  public PriceCatalogException(String message, Throwable cause) {
    super(message, cause);
  }
}
