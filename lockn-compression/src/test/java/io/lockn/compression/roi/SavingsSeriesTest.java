package io.lockn.compression.roi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RoiAnalysis#savingsOverTime}: the cost waterfall over time, on constructed data with exact answers. */
class SavingsSeriesTest {

  private static final String EXP = "distill-v1";
  private static final long HOUR = 3_600_000_000_000L;
  /** 2025-06-16T00:00:00Z, a Monday. */
  private static final long T0 = Instant.parse("2025-06-16T00:00:00Z").getEpochSecond() * 1_000_000_000L;

  private static RoiSample call(String group, long costNanos, long stepNanos, long epochNanos) {
    return sample(group, "bot", 1000, group.equals("control") ? 1000 : 400, costNanos)
        .setCompressionCostNanos(stepNanos).setLatencyNanos(80_000_000L).setEpochNanos(epochNanos).build();
  }

  /** A sample of {@code EXP} with 100 output tokens, no cache use and no start time yet. */
  private static RoiSample.Builder sample(String group, String agent, long original, long sent, long costNanos) {
    return RoiSample.builder().setExperiment(EXP).setGroup(group).setAgent(agent).setInputTokensOriginal(original)
        .setInputTokensSent(sent).setOutputTokens(100).setCostNanos(costNanos);
  }

  @Test
  void savingsOverTime_bucketsByIntervalWithExactAmountsThatAddUpToTheAnalysis() {
    List<RoiSample> samples = List.of(
        call("control", 3_000_000, 0, T0 + 5), call("control", 3_000_000, 0, T0 + HOUR),
        call("control", 3_200_000, 0, T0 + HOUR + 7), call("control", 2_800_000, 0, T0 + 2 * HOUR),
        call("compressed", 1_000_000, 100_000, T0 + 10),
        call("compressed", 1_100_000, 100_000, T0 + HOUR - 1),
        call("compressed", 900_000, 100_000, T0 + 2 * HOUR + 59));

    List<SavingsSeries> all = RoiAnalysis.builder().build().savingsOverTime(samples, Duration.ofHours(1));

    assertThat(all).hasSize(1);
    SavingsSeries s = all.get(0);
    assertThat(s.experiment()).isEqualTo(EXP);
    assertThat(s.group()).isEqualTo("compressed");
    assertThat(s.controlGroup()).isEqualTo("control");
    assertThat(s.interval()).isEqualTo(Duration.ofHours(1));
    assertThat(s.controlCalls()).isEqualTo(4);
    assertThat(s.controlCostNanos()).isEqualTo(12_000_000);
    assertThat(s.counterfactualCostPerCallUsd()).isEqualTo(new BigDecimal("0.003000000000"));
    assertThat(s.undatedCalls()).isZero();
    // Control mean 3,000,000 n per call. Hour 0: 2 calls costing 2,300,000 (200,000 of it the steps); hour 1:
    // nothing; hour 2: 1 call costing 1,000,000.
    assertThat(s.buckets()).containsExactly(
        new SavingsSeries.Bucket(T0, 2, 1, 6_000_000, 2_300_000, 200_000, 3_700_000, 3_700_000),
        new SavingsSeries.Bucket(T0 + HOUR, 0, 2, 0, 0, 0, 0, 3_700_000),
        new SavingsSeries.Bucket(T0 + 2 * HOUR, 1, 1, 3_000_000, 1_000_000, 100_000, 2_000_000, 5_700_000));
    assertThat(s.buckets().get(0).start()).isEqualTo(Instant.parse("2025-06-16T00:00:00Z"));
    assertThat(s.buckets().get(0).savingsPercent()).isEqualTo(new BigDecimal("61.6667"));
    assertThat(s.buckets().get(1).savingsPercent()).isNull();

    // The last cumulative value is the analysis's exact cost savings.
    RoiResult r = RoiAnalysis.of(samples).get(EXP, RoiResult.ALL_AGENTS, "compressed").orElseThrow();
    assertThat(BigDecimal.valueOf(s.totalSavingsNanos(), 9)).isEqualTo(r.costSavingsUsd());
  }

  @Test
  void savingsOverTime_roundsTheCumulativeSavingsSoTheBucketsAddUpExactly() {
    // Control mean 1.5 n per call: 3 free calls save 1.5, 3 and 4.5 n cumulatively, rounded half-even to 2, 3, 4.
    List<RoiSample> samples = List.of(call("control", 1, 0, T0), call("control", 2, 0, T0),
        call("compressed", 0, 0, T0), call("compressed", 0, 0, T0 + HOUR), call("compressed", 0, 0, T0 + 2 * HOUR));

    SavingsSeries s = RoiAnalysis.builder().build().savingsOverTime(samples, Duration.ofHours(1)).get(0);

    assertThat(s.counterfactualCostPerCallUsd()).isEqualTo(new BigDecimal("0.000000001500"));
    assertThat(s.buckets()).extracting(SavingsSeries.Bucket::savingsNanos).containsExactly(2L, 1L, 1L);
    assertThat(s.buckets()).extracting(SavingsSeries.Bucket::originalCostNanos).containsExactly(2L, 1L, 1L);
    assertThat(s.buckets()).extracting(SavingsSeries.Bucket::cumulativeSavingsNanos).containsExactly(2L, 3L, 4L);
    RoiResult r = RoiAnalysis.of(samples).get(EXP, RoiResult.ALL_AGENTS, "compressed").orElseThrow();
    assertThat(r.costSavingsUsd()).isEqualTo(new BigDecimal("0.000000004"));
    assertThat(s.totalSavingsNanos()).isEqualTo(4);
  }

  @Test
  void savingsOverTime_cacheWritePremiumsMakeTheSavingsNegative() {
    // Each treated call writes its prefix to the prompt cache at 1.25x and never reads it back: 25% dearer.
    List<RoiSample> samples = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      samples.add(call("control", 1_000_000, 0, T0 + i * HOUR));
      samples.add(sample("cached", "bot", 1000, 1000, 1_250_000).setCacheWriteTokens(800).setLatencyNanos(80_000_000L)
          .setEpochNanos(T0 + i * HOUR + 1).build());
    }

    SavingsSeries s = RoiAnalysis.builder().build().savingsOverTime(samples, Duration.ofHours(2)).get(0);

    assertThat(s.group()).isEqualTo("cached");
    assertThat(s.buckets()).hasSize(3).allSatisfy(b -> {
      assertThat(b.calls()).isEqualTo(2);
      assertThat(b.originalCostNanos()).isEqualTo(2_000_000);
      assertThat(b.compressedCostNanos()).isEqualTo(2_500_000);
      assertThat(b.savingsNanos()).isEqualTo(-500_000);
      assertThat(b.savingsPercent()).isEqualTo(new BigDecimal("-25.0000"));
    });
    assertThat(s.buckets()).extracting(SavingsSeries.Bucket::cumulativeSavingsNanos)
        .containsExactly(-500_000L, -1_000_000L, -1_500_000L);
    RoiResult r = RoiAnalysis.of(samples).get(EXP, RoiResult.ALL_AGENTS, "cached").orElseThrow();
    assertThat(r.costSavingsUsd()).isEqualTo(new BigDecimal("-0.001500000"));
    assertThat(r.costVerdict()).isEqualTo(Verdict.COSTS_MORE);
  }

  @Test
  void savingsOverTime_choosesTheIntervalForTheTimeSpanned() {
    assertThat(RoiAnalysis.autoInterval(T0, T0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(RoiAnalysis.autoInterval(T0, T0 + 59_000_000_000L)).isEqualTo(Duration.ofSeconds(1));
    assertThat(RoiAnalysis.autoInterval(T0, T0 + 800_000_000_000L)).isEqualTo(Duration.ofSeconds(15));
    assertThat(RoiAnalysis.autoInterval(T0, T0 + 48 * HOUR - 1)).isEqualTo(Duration.ofHours(1));
    assertThat(RoiAnalysis.autoInterval(T0, T0 + 48 * HOUR + 1)).isEqualTo(Duration.ofHours(1));
    assertThat(RoiAnalysis.autoInterval(T0, T0 + 240 * HOUR)).isEqualTo(Duration.ofHours(6));
    assertThat(RoiAnalysis.autoInterval(T0, T0 + 50 * 24 * HOUR)).isEqualTo(Duration.ofDays(1));
    assertThat(RoiAnalysis.autoInterval(T0, T0 + 300 * 24 * HOUR)).isEqualTo(Duration.ofDays(7));
    assertThat(RoiAnalysis.autoInterval(T0, T0 + 730 * 24 * HOUR)).isEqualTo(Duration.ofDays(14));
    // Weeks start on Mondays, days at midnight UTC.
    long wednesdayNoon = T0 + 2 * 24 * HOUR + 12 * HOUR;
    assertThat(RoiAnalysis.bucketStart(wednesdayNoon, Duration.ofDays(7).toNanos())).isEqualTo(T0);
    assertThat(RoiAnalysis.bucketStart(wednesdayNoon, Duration.ofDays(1).toNanos())).isEqualTo(T0 + 48 * HOUR);

    List<RoiSample> samples = List.of(call("control", 10, 0, T0), call("compressed", 5, 0, T0 + 48 * HOUR));
    SavingsSeries s = RoiAnalysis.builder().build().savingsOverTime(samples).get(0);
    assertThat(s.interval()).isEqualTo(Duration.ofHours(1));
    assertThat(s.buckets()).hasSize(49);
    assertThat(s.buckets().get(48)).isEqualTo(new SavingsSeries.Bucket(T0 + 48 * HOUR, 1, 0, 10, 5, 0, 5, 5));
  }

  @Test
  void savingsOverTime_leavesUndatedCallsOutAndSkipsExperimentsWithoutControl() {
    List<RoiSample> samples = new ArrayList<>(List.of(
        call("control", 10, 0, T0), call("compressed", 4, 0, T0),
        sample("compressed", "bot", 1000, 400, 4).setLatencyNanos(1).build()));
    samples.add(sample("compressed", "bot", 10, 5, 1).setExperiment("no-control").setOutputTokens(1).setLatencyNanos(1)
        .setEpochNanos(T0).build());

    List<SavingsSeries> all = RoiAnalysis.builder().build().savingsOverTime(samples);

    assertThat(all).extracting(SavingsSeries::experiment).containsExactly(EXP);
    SavingsSeries s = all.get(0);
    assertThat(s.undatedCalls()).isEqualTo(1);
    assertThat(s.buckets()).containsExactly(new SavingsSeries.Bucket(T0, 1, 1, 10, 4, 0, 6, 6));
    // The analysis counts the undated call too: 2 x (10 - 4).
    RoiResult r = RoiAnalysis.of(samples).get(EXP, RoiResult.ALL_AGENTS, "compressed").orElseThrow();
    assertThat(r.costSavingsUsd()).isEqualTo(new BigDecimal("0.000000012"));

    // Only undated calls: a series without buckets.
    List<RoiSample> undated = List.of(sample("control", "", 1, 1, 10).setOutputTokens(1).setLatencyNanos(1).build(),
        sample("compressed", "", 1, 1, 4).setOutputTokens(1).setLatencyNanos(1).build());
    SavingsSeries none = RoiAnalysis.builder().build().savingsOverTime(undated).get(0);
    assertThat(none.buckets()).isEmpty();
    assertThat(none.totalSavingsNanos()).isZero();
    assertThat(none.undatedCalls()).isEqualTo(1);
  }

  @Test
  void savingsOverTime_failsFastOnAnIntervalTooSmallForTheData() {
    RoiAnalysis analysis = RoiAnalysis.builder().build();
    List<RoiSample> samples = List.of(call("control", 10, 0, T0), call("compressed", 5, 0, T0 + 48 * HOUR));
    assertThatThrownBy(() -> analysis.savingsOverTime(samples, Duration.ofNanos(999_999)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("interval < 1 ms");
    assertThatThrownBy(() -> analysis.savingsOverTime(samples, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than 100000 buckets");
    assertThatThrownBy(() -> sample("control", "", 1, 1, 1).setEpochNanos(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("epochNanos < 0");
  }
}
