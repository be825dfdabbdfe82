package io.lockn.examples;

/** A simulated provider error with its HTTP status, as a real client library would throw. */
final class ProviderException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;

  ProviderException(int status, String message) {
    super(status + " " + message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
