package io.lockn.boundaryfixture.nullness.unmarked;

/** A class of a package without a package-info: what the third rule must refuse. */
final class Unmarked {

  private Unmarked() {}
}
