package io.lockn.boundaryfixture.internal;

/**
 * A public class of an internal package that says so: what the second rule must accept.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public final class Disclaimed {

  private Disclaimed() {}

  /** Package-private classes need no disclaimer. */
  static final class Nested {}
}
