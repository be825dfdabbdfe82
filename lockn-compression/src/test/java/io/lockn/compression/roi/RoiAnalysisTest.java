package io.lockn.compression.roi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class RoiAnalysisTest {

  private static final String EXP = "distill-v1";

  private static RoiSample call(
      String group, String agent, long original, long sent, long cacheRead, long cacheWrite, long costNanos,
      long compressionNanos, long latencyMillis, @Nullable Double quality, long window) {
    return RoiSample.builder().setExperiment(EXP).setGroup(group).setAgent(agent).setInputTokensOriginal(original)
        .setInputTokensSent(sent).setOutputTokens(100).setCacheReadTokens(cacheRead).setCacheWriteTokens(cacheWrite)
        .setCostNanos(costNanos).setCompressionCostNanos(compressionNanos).setLatencyNanos(latencyMillis * 1_000_000)
        .setQualityScore(quality).setContextWindow(window).build();
  }

  private static RoiSample control(long costNanos) {
    return call("control", "bot", 1000, 1000, 0, 0, costNanos, 0, 100, null, 0);
  }

  @Test
  void analyze_computesExactSavingsOnConstructedData() {
    List<RoiSample> samples = List.of(
        control(3_000_000), control(3_000_000), control(3_200_000), control(2_800_000),
        call("compressed", "bot", 1000, 400, 0, 0, 1_000_000, 100_000, 80, null, 0),
        call("compressed", "bot", 1000, 300, 0, 0, 1_100_000, 100_000, 80, null, 0),
        call("compressed", "bot", 1000, 500, 0, 0, 900_000, 100_000, 80, null, 0));

    RoiResult r = RoiAnalysis.of(samples).get(EXP, RoiResult.ALL_AGENTS, "compressed").orElseThrow();

    // Tokens: 1 - 1200 / 3000.
    assertThat(r.inputTokensOriginal()).isEqualTo(3000);
    assertThat(r.inputTokensSent()).isEqualTo(1200);
    assertThat(r.tokenSavingsRate().value()).isCloseTo(0.6, within(1e-15));
    assertThat(r.inputTokensPerCallSavings().value()).isCloseTo(600, within(1e-9));
    // Cost: control mean 3,000,000 n; compressed mean (3,000,000 + 3 x 100,000) / 3 = 1,100,000 n.
    assertThat(r.controlCostNanos()).isEqualTo(12_000_000);
    assertThat(r.treatmentCostNanos()).isEqualTo(3_300_000);
    assertThat(r.compressionCostNanos()).isEqualTo(300_000);
    assertThat(r.costSavingsPerCallUsd()).isEqualTo(new BigDecimal("0.001900000000"));
    assertThat(r.costSavingsUsd()).isEqualTo(new BigDecimal("0.005700000"));
    assertThat(r.costSavingsPercent()).isEqualTo(new BigDecimal("63.3333"));
    // scipy.stats.ttest_ind(control/1e9, compressed/1e9, equal_var=False): df 4.909..., CI below.
    assertThat(r.costSavingsPerCall().value()).isCloseTo(0.0019, within(1e-15));
    assertThat(r.costSavingsPerCall().lower()).isCloseTo(0.0016415033952394205, within(1e-12));
    assertThat(r.costSavingsPerCall().upper()).isCloseTo(0.0021584966047605795, within(1e-12));
    assertThat(r.costVerdict()).isEqualTo(Verdict.SAVES);
    // Latency: constant 80 ms vs 100 ms.
    assertThat(r.latencyP50Ratio().value()).isCloseTo(0.8, within(1e-12));
    assertThat(r.latencyP95Ratio().lower()).isCloseTo(0.8, within(1e-12));
    assertThat(r.latencyP95Ratio().upper()).isCloseTo(0.8, within(1e-12));
    assertThat(r.latencyVerdict()).isEqualTo(Verdict.SAVES);
    assertThat(r.nonInferiority()).isEqualTo(NonInferiority.NO_DATA);
    assertThat(r.qualityRetention()).isNull();
  }

  @Test
  void analyze_cacheWritePremiumsMakeSavingsNegative() {
    // Prompt caching writes a long prefix at 1.25x and rarely reads it back: each call costs 25% more.
    List<RoiSample> samples = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      long noise = (i % 5) * 10_000;
      samples.add(control(1_000_000 + noise));
      samples.add(call("compressed", "bot", 1000, 1000, i % 10 == 0 ? 800 : 0, 800, 1_250_000 + noise, 0, 100,
          null, 0));
    }
    RoiResult r = RoiAnalysis.of(samples).get(EXP, RoiResult.ALL_AGENTS, "compressed").orElseThrow();

    assertThat(r.costSavingsPerCallUsd()).isEqualTo(new BigDecimal("-0.000250000000"));
    assertThat(r.costSavingsUsd()).isEqualTo(new BigDecimal("-0.007500000"));
    assertThat(r.costSavingsPercent()).isEqualTo(new BigDecimal("-24.5098")); // -250,000 / 1,020,000
    assertThat(r.costSavingsPerCall().upper()).isLessThan(0);
    assertThat(r.costVerdict()).isEqualTo(Verdict.COSTS_MORE);
    assertThat(r.costSavingsPercentEstimate().upper()).isLessThan(0);
    assertThat(r.treatmentCacheHitRate()).isCloseTo(0.1, within(1e-15));
    assertThat(r.controlCacheHitRate()).isZero();
  }

  @Test
  void analyze_isInconclusiveWhenTheIntervalContainsZero() {
    List<RoiSample> samples = List.of(
        control(1_000_000), control(2_000_000), control(3_000_000),
        call("compressed", "bot", 1000, 900, 0, 0, 1_100_000, 0, 100, null, 0),
        call("compressed", "bot", 1000, 900, 0, 0, 2_900_000, 0, 100, null, 0),
        call("compressed", "bot", 1000, 900, 0, 0, 1_600_000, 0, 100, null, 0));
    RoiResult r = RoiAnalysis.of(samples).get(EXP, RoiResult.ALL_AGENTS, "compressed").orElseThrow();
    assertThat(r.costSavingsPerCallUsd()).isEqualTo(new BigDecimal("0.000133333333"));
    assertThat(r.costVerdict()).isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  void analyze_nonInferiorityPassesWhenQualityHolds() {
    RoiResult r = RoiAnalysis.of(qualitySamples(1.0)).get(EXP, RoiResult.ALL_AGENTS, "compressed").orElseThrow();
    assertThat(r.qualityRetention()).isNotNull();
    assertThat(r.qualityRetention().value()).isCloseTo(1.0, within(1e-12));
    assertThat(r.qualityRetention().lower()).isGreaterThanOrEqualTo(0.95);
    assertThat(r.nonInferiority()).isEqualTo(NonInferiority.PASS);
  }

  @Test
  void analyze_nonInferiorityFailsBeyondTheMarginAndMarginIsConfigurable() {
    List<RoiSample> samples = qualitySamples(0.9);
    RoiResult r = RoiAnalysis.of(samples).get(EXP, RoiResult.ALL_AGENTS, "compressed").orElseThrow();
    assertThat(r.qualityRetention().value()).isCloseTo(0.9, within(1e-12));
    assertThat(r.nonInferiority()).isEqualTo(NonInferiority.FAIL);

    RoiResult lenient = RoiAnalysis.builder().setNonInferiorityMargin(0.15).build().analyze(samples)
        .get(EXP, RoiResult.ALL_AGENTS, "compressed").orElseThrow();
    assertThat(lenient.nonInferiorityMargin()).isEqualTo(0.15);
    assertThat(lenient.nonInferiority()).isEqualTo(NonInferiority.PASS);
  }

  private static List<RoiSample> qualitySamples(double factor) {
    List<RoiSample> samples = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      double q = 0.80 + 0.01 * (i % 11);
      samples.add(call("control", "bot", 1000, 1000, 0, 0, 1_000_000, 0, 100, q, 0));
      samples.add(call("compressed", "bot", 1000, 500, 0, 0, 500_000, 0, 100, q * factor, 0));
    }
    return samples;
  }

  @Test
  void analyze_countsRequestsEnabledAndContextUtilisation() {
    List<RoiSample> samples = List.of(
        call("control", "bot", 10_000, 10_000, 0, 0, 1_000_000, 0, 100, null, 16_000), // control: not counted
        call("control", "bot", 4_000, 4_000, 0, 0, 1_000_000, 0, 100, null, 16_000),
        call("compressed", "bot", 10_000, 6_000, 0, 0, 600_000, 0, 100, null, 8_000), // enabled
        call("compressed", "bot", 9_000, 4_000, 0, 0, 400_000, 0, 100, null, 8_000), // enabled
        call("compressed", "bot", 8_000, 2_000, 0, 0, 200_000, 0, 100, null, 8_000), // == window: fits
        call("compressed", "bot", 50_000, 2_000, 0, 0, 200_000, 0, 100, null, 0)); // unknown window
    RoiResult r = RoiAnalysis.of(samples).get(EXP, RoiResult.ALL_AGENTS, "compressed").orElseThrow();
    assertThat(r.requestsEnabled()).isEqualTo(2);
    assertThat(r.controlContextUtilisation()).isCloseTo((10.0 / 16 + 4.0 / 16) / 2, within(1e-15));
    assertThat(r.treatmentContextUtilisation()).isCloseTo((6.0 / 8 + 4.0 / 8 + 2.0 / 8) / 3, within(1e-15));
    assertThat(r.treatmentOriginalContextUtilisation()).isCloseTo((10.0 / 8 + 9.0 / 8 + 1.0) / 3, within(1e-15));
  }

  @Test
  void analyze_slicesPerAgentAndSkipsSlicesWithoutControl() {
    List<RoiSample> samples = List.of(
        call("control", "a", 1000, 1000, 0, 0, 1_000_000, 0, 100, null, 0),
        call("control", "a", 1000, 1000, 0, 0, 1_000_000, 0, 100, null, 0),
        call("compressed", "a", 1000, 500, 0, 0, 500_000, 0, 100, null, 0),
        call("compressed", "b", 1000, 250, 0, 0, 250_000, 0, 100, null, 0));
    RoiReport report = RoiAnalysis.of(samples);
    assertThat(report.results()).extracting(RoiResult::agent).containsExactly(RoiResult.ALL_AGENTS, "a");
    assertThat(report.get(EXP, "a", "compressed").orElseThrow().tokenSavingsRate().value())
        .isCloseTo(0.5, within(1e-15));
    assertThat(report.get(EXP, RoiResult.ALL_AGENTS, "compressed").orElseThrow().tokenSavingsRate().value())
        .isCloseTo(0.625, within(1e-15));
    assertThat(report.get(EXP, "b", "compressed")).isEmpty();
  }

  @Test
  void analyze_isReproducibleWithTheFixedSeed() {
    List<RoiSample> samples = new ArrayList<>();
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 100; i++) {
      samples.add(call("control", "bot", 1000, 1000, 0, 0, 1_000_000 + random.nextInt(200_000), 0,
          90 + random.nextInt(40), 0.8 + 0.1 * random.nextDouble(), 0));
      samples.add(call("compressed", "bot", 1000, 600, 0, 0, 700_000 + random.nextInt(200_000), 0,
          70 + random.nextInt(40), 0.8 + 0.1 * random.nextDouble(), 0));
    }
    RoiReport first = RoiAnalysis.of(samples);
    RoiReport second = RoiAnalysis.of(samples);
    assertThat(second).isEqualTo(first);
    RoiReport reseeded = RoiAnalysis.builder().setSeed(1).build().analyze(samples);
    assertThat(reseeded.results().get(0).latencyP95Ratio().lower())
        .isNotEqualTo(first.results().get(0).latencyP95Ratio().lower());
    assertThat(first.results().get(0).costVerdict()).isEqualTo(Verdict.SAVES);
  }

  @Test
  void builder_failsFastOnInvalidValues() {
    assertThatThrownBy(() -> RoiAnalysis.builder().setNonInferiorityMargin(1.0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoiAnalysis.builder().setConfidence(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoiAnalysis.builder().setBootstrapIterations(10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> control(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
