package io.lockn.compression.roi;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The savings of one treatment group over time, from {@link RoiAnalysis#savingsOverTime}: a cost waterfall by time
 * bucket, what the group's calls would have cost uncompressed, what they cost, the savings and the cumulative savings.
 *
 * <p><b>The counterfactual.</b> A treatment call's uncompressed cost is estimated as {@link RoiAnalysis} estimates it
 * for {@link RoiResult#costSavingsUsd()}: the control group's mean net cost per call over the whole experiment. The
 * savings up to the end of each bucket are {@code n x controlMean - cost}, for the {@code n} treatment calls up to
 * then and their exact net {@code cost}, rounded half-even to the nano-USD; a bucket's savings are the difference of
 * two such cumulative values, and its original cost is its actual cost plus its savings. Every amount is therefore an
 * exact {@code long} of nano-USD, the buckets add up exactly, and the last cumulative value is exactly {@link
 * RoiResult#costSavingsUsd()} of the same samples when every treatment call has a start time.
 *
 * @param experiment the experiment name
 * @param group the treatment group, e.g. {@code compressed}
 * @param controlGroup the control group, e.g. {@code control}
 * @param interval the width of each bucket
 * @param controlCalls calls in the control group, dated or not
 * @param controlCostNanos the control group's net cost, summed, exact
 * @param counterfactualCostPerCallUsd the control group's mean net cost per call: what each treatment call is
 *     estimated to have cost uncompressed, in USD rounded half-even to 12 decimal places (pico-USD)
 * @param buckets contiguous buckets, oldest first, empty ones included; from the bucket of the experiment's first dated
 *     call to that of its last
 * @param undatedCalls treatment calls without a start time ({@link RoiSample#epochNanos()} 0), left out of the buckets
 */
public record SavingsSeries(
    String experiment,
    String group,
    String controlGroup,
    Duration interval,
    int controlCalls,
    long controlCostNanos,
    BigDecimal counterfactualCostPerCallUsd,
    List<Bucket> buckets,
    int undatedCalls) {

  /**
   * Copies the buckets.
   *
   * @param experiment the experiment name
   * @param group the treatment group
   * @param controlGroup the control group
   * @param interval the bucket width
   * @param controlCalls the control group's calls
   * @param controlCostNanos the control group's net cost
   * @param counterfactualCostPerCallUsd the control group's mean net cost per call
   * @param buckets the buckets
   * @param undatedCalls treatment calls left out
   */
  public SavingsSeries {
    Objects.requireNonNull(experiment, "experiment");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(controlGroup, "controlGroup");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(counterfactualCostPerCallUsd, "counterfactualCostPerCallUsd");
    buckets = List.copyOf(Objects.requireNonNull(buckets, "buckets"));
  }

  /**
   * The savings over every bucket: the last bucket's cumulative savings.
   *
   * @return nano-USD, negative when the treatment cost more; 0 without buckets
   */
  public long totalSavingsNanos() {
    return buckets.isEmpty() ? 0 : buckets.get(buckets.size() - 1).cumulativeSavingsNanos();
  }

  /**
   * One time bucket of a {@link SavingsSeries}.
   *
   * @param startEpochNanos the bucket's start, in nanoseconds since the epoch (UTC)
   * @param calls treatment calls that started in the bucket
   * @param controlCalls control calls that started in the bucket (shown for context; the counterfactual uses the
   *     control mean over the whole experiment)
   * @param originalCostNanos what the treatment calls are estimated to have cost uncompressed: {@code
   *     compressedCostNanos + savingsNanos}
   * @param compressedCostNanos what the treatment calls cost: their net cost ({@link RoiSample#netCostNanos()}),
   *     compression step and cache-write premiums included, exact
   * @param compressionCostNanos the compression steps' own cost, part of {@code compressedCostNanos}
   * @param savingsNanos the bucket's savings; negative when the treatment cost more than the control mean
   * @param cumulativeSavingsNanos the savings of this bucket and every earlier one
   */
  public record Bucket(
      long startEpochNanos,
      int calls,
      int controlCalls,
      long originalCostNanos,
      long compressedCostNanos,
      long compressionCostNanos,
      long savingsNanos,
      long cumulativeSavingsNanos) {

    /**
     * The bucket's start.
     *
     * @return the instant
     */
    public Instant start() {
      return Instant.ofEpochSecond(
          Math.floorDiv(startEpochNanos, 1_000_000_000L), Math.floorMod(startEpochNanos, 1_000_000_000L));
    }

    /**
     * The savings as a share of the original cost.
     *
     * @return {@code 100 x savings / original}, rounded half-even to 4 decimal places, or {@code null} when the
     *     original cost is not positive
     */
    public @Nullable BigDecimal savingsPercent() {
      if (originalCostNanos <= 0) {
        return null;
      }
      return BigDecimal.valueOf(savingsNanos)
          .multiply(BigDecimal.valueOf(100))
          .divide(BigDecimal.valueOf(originalCostNanos), 4, RoundingMode.HALF_EVEN);
    }
  }
}
