package io.lockn.compression.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * GrowthBook's hashing and bucketing, ported exactly from {@code growthbook/growthbook:packages/sdk-js/src/util.ts}
 * (MIT licence) so that a unit lands in the same bucket here as in GrowthBook's JavaScript, Python, Go and other SDKs.
 * Verified against GrowthBook's cross-language cases ({@code packages/sdk-js/test/cases.json}).
 *
 * <ul>
 *   <li>{@code fnv32a(s)}: 32-bit FNV-1a over the UTF-16 code units of {@code s} (JavaScript's {@code charCodeAt},
 *       Java's {@code charAt}), offset basis {@code 0x811c9dc5}, prime {@code 16777619}, unsigned result. Hashing
 *       bytes in some charset instead would diverge for non-ASCII ids.
 *   <li>{@code hash(seed, value, 2) = (fnv32a(decimal(fnv32a(seed + value))) % 10000) / 10000}, in {@code [0, 1)}.
 *   <li>{@code hash(seed, value, 1) = (fnv32a(value + seed) % 1000) / 1000}: the original, biased version, kept for
 *       compatibility and for namespaces.
 * </ul>
 *
 * <p>{@link #getBucketRanges} and {@link #chooseVariation} are as lenient as GrowthBook's: they clamp and fall back
 * instead of throwing. {@link Experiment}'s builder validates up front instead.
 */
public final class GrowthBookHashing {

  private static final int FNV32A_OFFSET_BASIS = 0x811c9dc5;
  private static final int FNV32A_PRIME = 16777619;

  private GrowthBookHashing() {}

  /**
   * 32-bit FNV-1a over the UTF-16 code units of {@code s}.
   *
   * @param s the string
   * @return the hash as an unsigned 32-bit value
   */
  public static long fnv32a(String s) {
    int h = FNV32A_OFFSET_BASIS;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      // GrowthBook writes this as h += (h<<1)+(h<<4)+(h<<7)+(h<<8)+(h<<24), which is h * 16777619 mod 2^32.
      h *= FNV32A_PRIME;
    }
    return Integer.toUnsignedLong(h);
  }

  /**
   * GrowthBook's {@code hash(seed, value, version)}.
   *
   * @param seed the experiment's seed (GrowthBook: the experiment key unless set)
   * @param value the unit's id
   * @param version 1 or 2
   * @return the hash in {@code [0, 1)}, or empty for any other version
   */
  public static OptionalDouble hash(String seed, String value, int version) {
    if (version == 2) {
      return OptionalDouble.of(hashV2(seed, value));
    }
    if (version == 1) {
      return OptionalDouble.of(hashV1(seed, value));
    }
    return OptionalDouble.empty();
  }

  static double hashV2(String seed, String value) {
    long inner = fnv32a(seed + value);
    return (fnv32a(Long.toString(inner)) % 10000) / 10000.0;
  }

  static double hashV1(String seed, String value) {
    return (fnv32a(value + seed) % 1000) / 1000.0;
  }

  /**
   * GrowthBook's {@code getEqualWeights(n)}.
   *
   * @param n the number of variations
   * @return {@code n} weights of {@code 1/n}, or none when {@code n <= 0}
   */
  public static double[] getEqualWeights(int n) {
    if (n <= 0) {
      return new double[0];
    }
    double[] weights = new double[n];
    Arrays.fill(weights, 1.0 / n);
    return weights;
  }

  /**
   * GrowthBook's {@code getBucketRanges(numVariations, coverage, weights)}: variation {@code i} gets {@code [start_i,
   * start_i + coverage * w_i)} where {@code start_i} is the sum of the earlier weights. Coverage is clamped to {@code
   * [0, 1]}; missing weights, weights of the wrong length, or weights summing outside {@code [0.99, 1.01]} fall back to
   * equal weights.
   *
   * @param numVariations the number of variations
   * @param coverage the share of units included, or {@code null} for 1
   * @param weights the weights, or {@code null} for equal weights
   * @return the ranges, one per variation
   */
  public static List<BucketRange> getBucketRanges(
      int numVariations, @Nullable Double coverage, double @Nullable [] weights) {
    double c = coverage == null ? 1 : coverage;
    if (c < 0) {
      c = 0;
    } else if (c > 1) {
      c = 1;
    }
    double[] equal = getEqualWeights(numVariations);
    double[] w = weights == null ? equal : weights;
    if (w.length != numVariations) {
      w = equal;
    }
    double total = 0;
    for (double x : w) {
      total += x;
    }
    if (total < 0.99 || total > 1.01) {
      w = equal;
    }
    List<BucketRange> ranges = new ArrayList<>(w.length);
    double cumulative = 0;
    for (double x : w) {
      double start = cumulative;
      cumulative += x;
      ranges.add(new BucketRange(start, start + c * x));
    }
    return List.copyOf(ranges);
  }

  /**
   * GrowthBook's {@code chooseVariation(n, ranges)}: the first range containing {@code n}.
   *
   * @param n the hash value
   * @param ranges the ranges
   * @return the index of the range, or -1 when none contains {@code n}
   */
  public static int chooseVariation(double n, List<BucketRange> ranges) {
    for (int i = 0; i < ranges.size(); i++) {
      if (ranges.get(i).contains(n)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * GrowthBook's {@code inNamespace(hashValue, [id, start, end])}: whether the unit falls in {@code [start, end)} of
   * the namespace, using hash version 1 with seed {@code "__" + id} as GrowthBook does.
   *
   * @param unitId the unit's id
   * @param namespace the namespace
   * @return whether the unit is in the namespace's range
   */
  public static boolean inNamespace(String unitId, Namespace namespace) {
    double n = hashV1("__" + namespace.id(), unitId);
    return n >= namespace.start() && n < namespace.end();
  }
}
