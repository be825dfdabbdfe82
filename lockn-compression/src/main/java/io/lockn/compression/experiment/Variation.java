package io.lockn.compression.experiment;

import java.util.Objects;

/**
 * One arm of an {@link Experiment}: its key, reported as {@code lockn.experiment.group}, and its share of the covered
 * units.
 *
 * @param key the variation key, for example {@code control} or {@code compressed}
 * @param weight the share of covered units, in {@code [0, 1]}; the weights of an experiment sum to 1
 */
public record Variation(String key, double weight) {

  /**
   * Validates the variation.
   *
   * @throws IllegalArgumentException if {@code key} is blank or {@code weight} is not in {@code [0, 1]}
   */
  public Variation {
    Objects.requireNonNull(key, "variation.key");
    if (key.isBlank()) {
      throw new IllegalArgumentException("variation.key is blank");
    }
    if (!(weight >= 0 && weight <= 1)) {
      throw new IllegalArgumentException("variation.weight of '" + key + "' is " + weight + ", not in [0, 1]");
    }
  }
}
