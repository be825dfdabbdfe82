package io.lockn.boundaryfixture.nullness.optedout;

/** A class of a package whose package-info is not {@code @NullMarked}. */
final class OptedOut {

  private OptedOut() {}
}
