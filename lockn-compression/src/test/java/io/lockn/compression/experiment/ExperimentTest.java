package io.lockn.compression.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExperimentTest {

  private static final int UNITS = 100_000;

  @Test
  void defaults() {
    Experiment e = Experiment.of("distill-v1");
    assertThat(e.name()).isEqualTo("distill-v1");
    assertThat(e.seed()).isEqualTo("distill-v1");
    assertThat(e.hashVersion()).isEqualTo(2);
    assertThat(e.coverage()).isEqualTo(1.0);
    assertThat(e.namespace()).isNull();
    assertThat(e.variations())
        .containsExactly(new Variation("control", 0.5), new Variation("compressed", 0.5));
    assertThat(e.bucketRanges()).containsExactly(new BucketRange(0, 0.5), new BucketRange(0.5, 1));
  }

  @Test
  void seedDefaultsToNameAndChangesAssignments() {
    Experiment byName = Experiment.of("distill-v1");
    Experiment sameSeed = Experiment.builder("renamed").setSeed("distill-v1").build();
    Experiment otherSeed = Experiment.builder("distill-v1").setSeed("other").build();
    int differ = 0;
    for (int i = 0; i < 1000; i++) {
      String id = "user-" + i;
      assertThat(sameSeed.assign(id).variationIndex()).isEqualTo(byName.assign(id).variationIndex());
      if (otherSeed.assign(id).variationIndex() != byName.assign(id).variationIndex()) {
        differ++;
      }
    }
    assertThat(differ).isBetween(400, 600);
  }

  @Test
  void builderFailsFastNamingTheField() {
    assertThatThrownBy(() -> Experiment.builder(" ")).hasMessageContaining("name");
    assertThatThrownBy(() -> Experiment.builder(null)).isInstanceOf(NullPointerException.class).hasMessage("name");
    assertThatThrownBy(() -> Experiment.builder("e").setSeed(null)).hasMessage("seed");
    assertThatThrownBy(() -> Experiment.builder("e").setHashVersion(3)).hasMessageContaining("hashVersion");
    assertThatThrownBy(() -> Experiment.builder("e").setCoverage(1.5)).hasMessageContaining("coverage");
    assertThatThrownBy(() -> Experiment.builder("e").setCoverage(Double.NaN)).hasMessageContaining("coverage");
    assertThatThrownBy(() -> Experiment.builder("e").addVariation("", 0.5)).hasMessageContaining("variation.key");
    assertThatThrownBy(() -> Experiment.builder("e").addVariation("a", -0.1)).hasMessageContaining("variation.weight");
    assertThatThrownBy(() -> Experiment.builder("e").addVariation("a", 0.5).addVariation("a", 0.5))
        .hasMessageContaining("variations: duplicate key 'a'");
    assertThatThrownBy(() -> Experiment.builder("e").addVariation("a", 1).build())
        .hasMessageContaining("variations")
        .hasMessageContaining("at least 2");
    assertThatThrownBy(() -> Experiment.builder("e").addVariation("a", 0.4).addVariation("b", 0.4).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("variations: weights sum to");
    assertThatThrownBy(() -> Experiment.builder("e").setVariations("only")).hasMessageContaining("variations");
    assertThatThrownBy(() -> new Namespace("ns", 0.5, 0.2)).hasMessageContaining("namespace");
  }

  @ParameterizedTest
  @ValueSource(strings = {"tenant-acme", "user-1001", "session-9f8e7d", "req-0001", "\u00fcn\u00efc\u00f8d\u00e9-ID", "\uD83D\uDE00"})
  void stickyWithinAndAcrossInstances(String unitId) {
    Assignment first = Experiment.of("distill-v1").assign(unitId);
    for (int i = 0; i < 5; i++) {
      assertThat(Experiment.of("distill-v1").assign(unitId)).isEqualTo(first);
    }
    assertThat(first.inExperiment()).isTrue();
    assertThat(first.bucket()).isEqualTo(GrowthBookHashing.hash("distill-v1", unitId, 2).orElseThrow());
  }

  /**
   * Pinned values: a change here means units would switch groups between versions, JVMs or SDKs. The buckets were
   * cross-checked by running GrowthBook's {@code hashFnv32a}/{@code hash} from {@code packages/sdk-js/src/util.ts}
   * under Node.js, including the non-ASCII ids.
   */
  @Test
  void assignmentsArePinned() {
    Experiment e = Experiment.of("distill-v1");
    assertThat(
            List.of("tenant-acme", "tenant-globex", "user-1001", "req-0001", "\u00fcn\u00efc\u00f8d\u00e9-ID", "\uD83D\uDE00")
                .stream()
                .map(id -> e.assign(id).variationKey() + "@" + e.assign(id).bucket())
                .toList())
        .containsExactly(
            "compressed@0.7125",
            "compressed@0.6516",
            "control@0.2789",
            "compressed@0.6389",
            "control@0.2235",
            "compressed@0.6998");
  }

  @Test
  void unitsOutsideCoverageOrNamespaceOrWithoutIdAreNotInTheExperiment() {
    Experiment none = Experiment.builder("e").setCoverage(0).build();
    assertThat(none.assign("u1"))
        .returns(false, Assignment::inExperiment)
        .returns(0, Assignment::variationIndex)
        .returns("control", Assignment::variationKey);

    Experiment e = Experiment.of("e");
    assertThat(e.assign(null).inExperiment()).isFalse();
    assertThat(e.assign("").inExperiment()).isFalse();
    assertThat(e.assign("").bucket()).isNaN();

    // GrowthBook's case "user 3, namespace2" is in [0, 0.4) and not in [0.4, 1).
    assertThat(Experiment.builder("e").setNamespace(new Namespace("namespace2", 0, 0.4)).build().assign("3").inExperiment())
        .isTrue();
    assertThat(Experiment.builder("e").setNamespace(new Namespace("namespace2", 0.4, 1)).build().assign("3").inExperiment())
        .isFalse();
  }

  @Test
  void fiftyFiftySplitsOneHundredThousandUnitsEvenlyAndStably() {
    Experiment e = Experiment.of("distill-v1");
    int[] counts = count(e, "tenant-");
    assertThat(counts).isEqualTo(count(e, "tenant-"));
    // Binomial(100000, 0.5): sd = 158; 1% is more than 6 sd.
    assertThat((double) counts[0] / UNITS).isCloseTo(0.5, within(0.01));
    assertThat(counts).isEqualTo(PINNED_50_50);
  }

  /** Computed once; GrowthBook's JavaScript hash gives the same 50285 / 49715 under Node.js. */
  private static final int[] PINNED_50_50 = {50285, 49715, 0};

  @Test
  void weightedCoveredSplitFollowsWeights() {
    Experiment e =
        Experiment.builder("trim-window")
            .addVariation("control", 0.2)
            .addVariation("trim-4k", 0.3)
            .addVariation("trim-8k", 0.5)
            .setCoverage(0.5)
            .build();
    int[] counts = count(e, "user-");
    assertThat(counts).isEqualTo(count(e, "user-"));
    int excluded = UNITS - Arrays.stream(counts, 0, 3).sum();
    assertThat(counts[3]).isEqualTo(excluded);
    assertThat((double) excluded / UNITS).isCloseTo(0.5, within(0.01));
    assertThat((double) counts[0] / UNITS).isCloseTo(0.10, within(0.01));
    assertThat((double) counts[1] / UNITS).isCloseTo(0.15, within(0.01));
    assertThat((double) counts[2] / UNITS).isCloseTo(0.25, within(0.01));
    assertThat(counts).isEqualTo(PINNED_WEIGHTED);
  }

  /** Control, trim-4k, trim-8k, then not in the experiment; GrowthBook's JavaScript gives the same under Node.js. */
  private static final int[] PINNED_WEIGHTED = {9960, 15001, 24913, 50126};

  /** Counts in-experiment units per variation, then units not in the experiment last. */
  private static int[] count(Experiment e, String prefix) {
    int[] counts = new int[e.variations().size() + 1];
    for (int i = 0; i < UNITS; i++) {
      Assignment a = e.assign(prefix + i);
      counts[a.inExperiment() ? a.variationIndex() : counts.length - 1]++;
    }
    return counts;
  }
}
