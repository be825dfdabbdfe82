package io.lockn.boundaryfixture.nullness.marked;

/** A class of a null-marked package. */
final class Marked {

  private Marked() {}
}
