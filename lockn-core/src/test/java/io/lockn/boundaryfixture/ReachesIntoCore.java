package io.lockn.boundaryfixture;

import io.lockn.core.internal.Strings;

/** A class of "another module" that reaches into lockn-core's internal package: what the first rule must refuse. */
final class ReachesIntoCore {

  private ReachesIntoCore() {}

  static String clean(String value) {
    return String.valueOf(Strings.sanitize(value, 16));
  }
}
