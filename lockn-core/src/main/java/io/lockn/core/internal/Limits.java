package io.lockn.core.internal;

/** Caps on identifiers recorded from provider responses, so that hostile values cannot blow up span size. */
final class Limits {
  static final int MAX_MODEL_LENGTH = 256;
  static final int MAX_ID_LENGTH = 256;
  static final int MAX_NAME_LENGTH = io.lockn.core.spi.CardinalityLimiter.MAX_NAME_LENGTH;

  private Limits() {}
}
