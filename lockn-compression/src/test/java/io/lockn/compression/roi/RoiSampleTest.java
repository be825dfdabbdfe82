package io.lockn.compression.roi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link RoiSample}'s builder: defaults, fail-fast setters, and the value semantics the analyses rely on. */
class RoiSampleTest {

  private static RoiSample.Builder full() {
    return RoiSample.builder().setExperiment("exp").setGroup("compressed").setAgent("bot").setInputTokensOriginal(1000)
        .setInputTokensSent(400).setOutputTokens(100).setCacheReadTokens(30).setCacheWriteTokens(20)
        .setCostNanos(2_000_000).setCompressionCostNanos(7).setLatencyNanos(1_000).setQualityScore(0.8)
        .setContextWindow(128_000).setEpochNanos(100);
  }

  @Test
  void builder_setsEveryValue() {
    RoiSample s = full().build();

    assertThat(s.experiment()).isEqualTo("exp");
    assertThat(s.group()).isEqualTo("compressed");
    assertThat(s.agent()).isEqualTo("bot");
    assertThat(s.inputTokensOriginal()).isEqualTo(1000);
    assertThat(s.inputTokensSent()).isEqualTo(400);
    assertThat(s.outputTokens()).isEqualTo(100);
    assertThat(s.cacheReadTokens()).isEqualTo(30);
    assertThat(s.cacheWriteTokens()).isEqualTo(20);
    assertThat(s.costNanos()).isEqualTo(2_000_000);
    assertThat(s.compressionCostNanos()).isEqualTo(7);
    assertThat(s.latencyNanos()).isEqualTo(1_000);
    assertThat(s.qualityScore()).isEqualTo(0.8);
    assertThat(s.contextWindow()).isEqualTo(128_000);
    assertThat(s.epochNanos()).isEqualTo(100);
    assertThat(s.netCostNanos()).isEqualTo(2_000_007); // 2,000,000 + 7
    assertThat(s.cacheHit()).isTrue();
    assertThat(s.originalExceedsContextWindow()).isFalse(); // 1,000 <= 128,000
  }

  @Test
  void builder_defaultsToAFreeUndatedCallWithoutAgentScoreOrCompression() {
    RoiSample s = RoiSample.builder().setExperiment("exp").setGroup("control").setInputTokensSent(400).build();

    assertThat(s.agent()).isEmpty();
    assertThat(s.inputTokensOriginal()).isEqualTo(400); // unset: what was sent, as for the control group
    assertThat(s.qualityScore()).isNull();
    assertThat(s.costNanos()).isZero();
    assertThat(s.compressionCostNanos()).isZero();
    assertThat(s.contextWindow()).isZero();
    assertThat(s.epochNanos()).isZero();
    assertThat(s.cacheHit()).isFalse();
    // An explicit 0 is kept: it is not "unset".
    assertThat(RoiSample.builder().setExperiment("e").setGroup("g").setInputTokensOriginal(0).setInputTokensSent(5)
        .build().inputTokensOriginal()).isZero();
  }

  @Test
  void builder_failsFastNamingTheValue() {
    RoiSample.Builder b = RoiSample.builder();
    assertThatThrownBy(() -> b.setInputTokensOriginal(-1)).hasMessage("inputTokensOriginal < 0");
    assertThatThrownBy(() -> b.setInputTokensSent(-1)).hasMessage("inputTokensSent < 0");
    assertThatThrownBy(() -> b.setOutputTokens(-1)).hasMessage("outputTokens < 0");
    assertThatThrownBy(() -> b.setCacheReadTokens(-1)).hasMessage("cacheReadTokens < 0");
    assertThatThrownBy(() -> b.setCacheWriteTokens(-1)).hasMessage("cacheWriteTokens < 0");
    assertThatThrownBy(() -> b.setCostNanos(-1)).hasMessage("costNanos < 0");
    assertThatThrownBy(() -> b.setCompressionCostNanos(-1)).hasMessage("compressionCostNanos < 0");
    assertThatThrownBy(() -> b.setLatencyNanos(Long.MIN_VALUE)).hasMessage("latencyNanos < 0");
    assertThatThrownBy(() -> b.setContextWindow(-1)).hasMessage("contextWindow < 0");
    assertThatThrownBy(() -> b.setEpochNanos(-1)).hasMessage("epochNanos < 0");
    assertThatThrownBy(() -> b.setQualityScore(Double.NaN)).hasMessage("qualityScore is not finite");
    assertThatThrownBy(() -> b.setQualityScore(Double.POSITIVE_INFINITY)).hasMessage("qualityScore is not finite");
    assertThatThrownBy(() -> b.setExperiment(null)).hasMessage("experiment");
    assertThatThrownBy(() -> b.setAgent(null)).hasMessage("agent");
    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessage("experiment not set");
    assertThatThrownBy(() -> b.setExperiment("exp").build()).isInstanceOf(IllegalStateException.class)
        .hasMessage("group not set");
    assertThatThrownBy(() -> full().build().withQualityScore(Double.NaN)).hasMessage("qualityScore is not finite");
  }

  @Test
  void samplesWithEqualValuesAreEqual_andEachValueCounts() {
    RoiSample s = full().build();

    assertThat(full().build()).isEqualTo(s).hasSameHashCodeAs(s).hasToString(s.toString());
    assertThat(s.toString()).startsWith("RoiSample[experiment=exp, group=compressed, agent=bot,")
        .endsWith("contextWindow=128000, epochNanos=100]");
    assertThat(full().setExperiment("other").build()).isNotEqualTo(s);
    assertThat(full().setGroup("control").build()).isNotEqualTo(s);
    assertThat(full().setAgent("").build()).isNotEqualTo(s);
    assertThat(full().setInputTokensOriginal(999).build()).isNotEqualTo(s);
    assertThat(full().setInputTokensSent(401).build()).isNotEqualTo(s);
    assertThat(full().setOutputTokens(101).build()).isNotEqualTo(s);
    assertThat(full().setCacheReadTokens(31).build()).isNotEqualTo(s);
    assertThat(full().setCacheWriteTokens(21).build()).isNotEqualTo(s);
    assertThat(full().setCostNanos(2_000_001).build()).isNotEqualTo(s);
    assertThat(full().setCompressionCostNanos(8).build()).isNotEqualTo(s);
    assertThat(full().setLatencyNanos(1_001).build()).isNotEqualTo(s);
    assertThat(full().setQualityScore(null).build()).isNotEqualTo(s);
    assertThat(full().setContextWindow(1).build()).isNotEqualTo(s);
    assertThat(full().setEpochNanos(101).build()).isNotEqualTo(s);
  }

  @Test
  void withQualityScore_replacesOnlyTheScore() {
    RoiSample s = full().setQualityScore(null).build();

    assertThat(s.withQualityScore(0.8)).isEqualTo(full().build());
    assertThat(s.withQualityScore(0.8).withQualityScore(null)).isEqualTo(s);
  }

  @Test
  void originalExceedsContextWindow_onlyWithAKnownWindow() {
    assertThat(full().setInputTokensOriginal(128_001).build().originalExceedsContextWindow()).isTrue();
    assertThat(full().setInputTokensOriginal(128_000).build().originalExceedsContextWindow()).isFalse();
    assertThat(full().setInputTokensOriginal(128_001).setContextWindow(0).build().originalExceedsContextWindow())
        .isFalse();
  }
}
