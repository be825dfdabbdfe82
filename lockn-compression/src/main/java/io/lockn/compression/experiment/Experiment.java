package io.lockn.compression.experiment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An A/B experiment that assigns units (tenants, users, sessions or requests) to weighted variations, exactly as
 * GrowthBook's SDKs do, so that the same unit gets the same variation in every JVM, every restart and every GrowthBook
 * SDK given the same seed, hash version, weights, coverage and namespace.
 *
 * <pre>{@code
 * Experiment experiment =
 *     Experiment.builder("prompt-cache-2025-06")
 *         .addVariation("control", 0.5)
 *         .addVariation("compressed", 0.5)
 *         .setCoverage(0.2)                 // only 20% of tenants take part
 *         .build();
 * Assignment a = experiment.assign(tenantId);
 * }</pre>
 *
 * <p>Assignment is GrowthBook's: {@code n = hash(seed, unitId, hashVersion)}; {@code ranges =
 * getBucketRanges(variations, coverage, weights)}; the unit is in the variation whose range contains {@code n}, or
 * not in the experiment when none does (coverage) or when it is outside the namespace. Changing the seed, the hash
 * version, the weights or the coverage reshuffles units; to keep units sticky, change none of them while the
 * experiment runs. Immutable and thread-safe.
 */
public final class Experiment {

  /** The default control variation key. */
  public static final String CONTROL = "control";
  /** The default treatment variation key. */
  public static final String COMPRESSED = "compressed";
  /** The default hash version: GrowthBook's unbiased v2. */
  public static final int DEFAULT_HASH_VERSION = 2;

  private final String name;
  private final String seed;
  private final int hashVersion;
  private final List<Variation> variations;
  private final double coverage;
  private final @Nullable Namespace namespace;
  private final List<BucketRange> ranges;

  private Experiment(Builder b, List<Variation> variations) {
    this.name = b.name;
    this.seed = b.seed == null ? b.name : b.seed;
    this.hashVersion = b.hashVersion;
    this.variations = variations;
    this.coverage = b.coverage;
    this.namespace = b.namespace;
    double[] weights = new double[variations.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = variations.get(i).weight();
    }
    this.ranges = GrowthBookHashing.getBucketRanges(weights.length, coverage, weights);
  }

  /**
   * An experiment with the defaults: seed = name, hash version 2, {@code control} / {@code compressed} at 50/50, full
   * coverage.
   *
   * @param name the experiment name, reported as {@code lockn.experiment.name} and {@code feature_flag.key}
   * @return the experiment
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static Experiment of(String name) {
    return builder(name).build();
  }

  /**
   * A builder.
   *
   * @param name the experiment name, reported as {@code lockn.experiment.name} and {@code feature_flag.key}
   * @return a new builder
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Assigns a unit. Deterministic: the same unit always gets the same result for this experiment's configuration.
   * Never throws: a {@code null} or empty unit id is not in the experiment.
   *
   * @param unitId the unit's id: a tenant, user, session or request id
   * @return the assignment
   */
  public Assignment assign(@Nullable String unitId) {
    if (unitId == null || unitId.isEmpty()) {
      return notIn(Double.NaN);
    }
    if (namespace != null && !GrowthBookHashing.inNamespace(unitId, namespace)) {
      return notIn(Double.NaN);
    }
    double n =
        hashVersion == 1 ? GrowthBookHashing.hashV1(seed, unitId) : GrowthBookHashing.hashV2(seed, unitId);
    int index = GrowthBookHashing.chooseVariation(n, ranges);
    if (index < 0) {
      return notIn(n);
    }
    return new Assignment(name, index, variations.get(index).key(), true, n);
  }

  private Assignment notIn(double n) {
    return new Assignment(name, 0, variations.get(0).key(), false, n);
  }

  /**
   * The name.
   *
   * @return the experiment name
   */
  public String name() {
    return name;
  }

  /**
   * The hash seed; the name unless set.
   *
   * @return the seed
   */
  public String seed() {
    return seed;
  }

  /**
   * The GrowthBook hash version.
   *
   * @return 1 or 2
   */
  public int hashVersion() {
    return hashVersion;
  }

  /**
   * The variations, control first.
   *
   * @return the variations
   */
  public List<Variation> variations() {
    return variations;
  }

  /**
   * The share of units that take part.
   *
   * @return the coverage in {@code [0, 1]}
   */
  public double coverage() {
    return coverage;
  }

  /**
   * The namespace, if any.
   *
   * @return the namespace, or {@code null}
   */
  public @Nullable Namespace namespace() {
    return namespace;
  }

  /**
   * The bucket ranges, one per variation, as GrowthBook computes them.
   *
   * @return the ranges
   */
  public List<BucketRange> bucketRanges() {
    return ranges;
  }

  @Override
  public String toString() {
    return "Experiment{name="
        + name
        + ", seed="
        + seed
        + ", hashVersion="
        + hashVersion
        + ", variations="
        + variations
        + ", coverage="
        + coverage
        + (namespace == null ? "" : ", namespace=" + namespace)
        + '}';
  }

  /** Builds an {@link Experiment}; every setter checks its argument and names the field when it fails. */
  public static final class Builder {
    private final String name;
    private @Nullable String seed;
    private int hashVersion = DEFAULT_HASH_VERSION;
    private final List<Variation> variations = new ArrayList<>();
    private double coverage = 1;
    private @Nullable Namespace namespace;

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name is blank");
      }
      this.name = name;
    }

    /**
     * Sets the hash seed; defaults to the name. Set it to GrowthBook's seed (usually the experiment key) to match
     * assignments made by GrowthBook.
     *
     * @param seed the seed, may be empty
     * @return this builder
     */
    public Builder setSeed(String seed) {
      this.seed = Objects.requireNonNull(seed, "seed");
      return this;
    }

    /**
     * Sets the GrowthBook hash version; defaults to {@value Experiment#DEFAULT_HASH_VERSION}.
     *
     * @param hashVersion 1 (biased, legacy) or 2
     * @return this builder
     * @throws IllegalArgumentException for any other version
     */
    public Builder setHashVersion(int hashVersion) {
      if (hashVersion != 1 && hashVersion != 2) {
        throw new IllegalArgumentException("hashVersion is " + hashVersion + ", not 1 or 2");
      }
      this.hashVersion = hashVersion;
      return this;
    }

    /**
     * Adds a variation. The first one added is the control. Without any, the experiment has {@code control} and
     * {@code compressed} at 50/50.
     *
     * @param key the variation key
     * @param weight its share of covered units, in {@code [0, 1]}
     * @return this builder
     * @throws IllegalArgumentException if {@code key} is blank or already added, or {@code weight} is out of range
     */
    public Builder addVariation(String key, double weight) {
      Variation variation = new Variation(key, weight);
      for (Variation v : variations) {
        if (v.key().equals(key)) {
          throw new IllegalArgumentException("variations: duplicate key '" + key + "'");
        }
      }
      variations.add(variation);
      return this;
    }

    /**
     * Replaces the variations with {@code keys} at equal weights.
     *
     * @param keys the variation keys, control first; at least two
     * @return this builder
     * @throws IllegalArgumentException if there are fewer than two keys, or a key is blank or repeated
     */
    public Builder setVariations(String... keys) {
      Objects.requireNonNull(keys, "variations");
      if (keys.length < 2) {
        throw new IllegalArgumentException("variations: " + keys.length + " given, at least 2 needed");
      }
      Set<String> seen = new HashSet<>();
      List<Variation> list = new ArrayList<>(keys.length);
      double[] weights = GrowthBookHashing.getEqualWeights(keys.length);
      for (int i = 0; i < keys.length; i++) {
        Variation v = new Variation(keys[i], weights[i]);
        if (!seen.add(v.key())) {
          throw new IllegalArgumentException("variations: duplicate key '" + v.key() + "'");
        }
        list.add(v);
      }
      variations.clear();
      variations.addAll(list);
      return this;
    }

    /**
     * Sets the share of units that take part; the others are not in the experiment. Defaults to 1.
     *
     * @param coverage the coverage in {@code [0, 1]}
     * @return this builder
     * @throws IllegalArgumentException if {@code coverage} is not in {@code [0, 1]}
     */
    public Builder setCoverage(double coverage) {
      if (!(coverage >= 0 && coverage <= 1)) {
        throw new IllegalArgumentException("coverage is " + coverage + ", not in [0, 1]");
      }
      this.coverage = coverage;
      return this;
    }

    /**
     * Restricts the experiment to a slice of a GrowthBook namespace, so that it shares no units with experiments on
     * other slices.
     *
     * @param namespace the namespace slice
     * @return this builder
     */
    public Builder setNamespace(Namespace namespace) {
      this.namespace = Objects.requireNonNull(namespace, "namespace");
      return this;
    }

    /**
     * Builds the experiment.
     *
     * @return the immutable experiment
     * @throws IllegalArgumentException if fewer than two variations were added or their weights do not sum to 1
     *     (within GrowthBook's tolerance of 0.01)
     */
    public Experiment build() {
      List<Variation> list;
      if (variations.isEmpty()) {
        list = List.of(new Variation(CONTROL, 0.5), new Variation(COMPRESSED, 0.5));
      } else {
        if (variations.size() < 2) {
          throw new IllegalArgumentException("variations: " + variations.size() + " given, at least 2 needed");
        }
        double total = 0;
        for (Variation v : variations) {
          total += v.weight();
        }
        // GrowthBook silently falls back to equal weights outside [0.99, 1.01]; fail instead.
        if (total < 0.99 || total > 1.01) {
          throw new IllegalArgumentException("variations: weights sum to " + total + ", not 1");
        }
        list = List.copyOf(variations);
      }
      return new Experiment(this, list);
    }
  }
}
