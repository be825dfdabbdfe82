package io.lockn.boundaryfixture.internal;

/** A public class of an internal package that does not say it is internal: what the second rule must refuse. */
public final class Undisclaimed {

  private Undisclaimed() {}
}
