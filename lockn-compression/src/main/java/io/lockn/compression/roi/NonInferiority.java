package io.lockn.compression.roi;

/** The outcome of the quality non-inferiority check: is the lower confidence bound of retention {@code >= 1 - margin}. */
public enum NonInferiority {
  /** The lower bound of quality retention is at least {@code 1 - margin}: quality held. */
  PASS,
  /** The lower bound is below {@code 1 - margin}: a drop beyond the margin cannot be ruled out. */
  FAIL,
  /** Fewer than 2 quality scores in a group. */
  NO_DATA
}
