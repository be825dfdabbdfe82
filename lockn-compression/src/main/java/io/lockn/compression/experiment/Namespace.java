package io.lockn.compression.experiment;

import java.util.Objects;

/**
 * A GrowthBook namespace: experiments that take disjoint {@code [start, end)} slices of the same namespace never share
 * a unit. Membership uses GrowthBook's hash version 1 with seed {@code "__" + id}.
 *
 * @param id the namespace id
 * @param start the inclusive start, in {@code [0, 1]}
 * @param end the exclusive end, in {@code [start, 1]}
 */
public record Namespace(String id, double start, double end) {

  /**
   * Validates the namespace.
   *
   * @throws IllegalArgumentException if {@code id} is blank or the range is not within {@code [0, 1]}
   */
  public Namespace {
    Objects.requireNonNull(id, "namespace.id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("namespace.id is blank");
    }
    if (!(start >= 0 && start <= end && end <= 1)) {
      throw new IllegalArgumentException("namespace range [" + start + ", " + end + ") is not within [0, 1]");
    }
  }
}
