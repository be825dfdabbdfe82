package io.lockn.boundaryfixture.internal;

/** A package-private class of an internal package: no disclaimer needed, since nothing outside can use it. */
final class Hidden {

  private Hidden() {}
}
