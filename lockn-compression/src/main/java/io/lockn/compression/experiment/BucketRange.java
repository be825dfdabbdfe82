package io.lockn.compression.experiment;

/**
 * A half-open range {@code [start, end)} of hash values, GrowthBook's {@code VariationRange}.
 *
 * @param start the inclusive start
 * @param end the exclusive end
 */
public record BucketRange(double start, double end) {

  /**
   * Whether {@code n} is in {@code [start, end)}.
   *
   * @param n a hash value
   * @return whether the range contains it
   */
  public boolean contains(double n) {
    return n >= start && n < end;
  }
}
