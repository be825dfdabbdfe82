package io.lockn.compression.roi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoiStatsTest {

  @Test
  void tQuantile_matchesPrintedTables() {
    assertThat(Stats.tQuantile(0.975, 10)).isCloseTo(2.228, within(5e-4));
    assertThat(Stats.tQuantile(0.975, 30)).isCloseTo(2.042, within(5e-4));
    assertThat(Stats.tQuantile(0.975, Double.POSITIVE_INFINITY)).isCloseTo(1.960, within(5e-4));
    assertThat(Stats.tQuantile(0.975, 1e12)).isCloseTo(1.960, within(5e-4));
  }

  // Reference values: scipy.stats.t.ppf / norm.ppf (SciPy 1.17.1).
  @ParameterizedTest
  @CsvSource({
    "0.975, 1, 12.706204736174694",
    "0.975, 2, 4.302652729749462",
    "0.975, 2.5, 3.5746548420036817",
    "0.975, 10, 2.228138851986274",
    "0.975, 30, 2.0422724563012378",
    "0.975, 1000, 1.9623390808264083",
    "0.975, 100000, 1.9599877075346095",
    "0.975, 200000, 1.959975845966768",
    "0.05, 7.3, -1.8829300179564314",
    "0.975, Infinity, 1.959963984540054"
  })
  void tQuantile_matchesScipyTo1e9(double p, double df, double expected) {
    assertThat(Stats.tQuantile(p, df)).isCloseTo(expected, within(1e-9));
  }

  @Test
  void normalQuantile_isNearDoublePrecision() {
    assertThat(Stats.normalQuantile(0.975)).isCloseTo(1.959963984540054, within(1e-12));
    assertThat(Stats.normalQuantile(0.001)).isCloseTo(-3.090232306167813, within(1e-12));
    assertThat(Stats.normalQuantile(0.5)).isCloseTo(0, within(1e-15));
  }

  @Test
  void welch_matchesScipyOnSmallSample() {
    // scipy.stats.ttest_ind([10,20,30],[4,6,8], equal_var=False): df 2.159744..., CI [-9.6197821841, 37.6197821841]
    Estimate e = Stats.welch(new double[] {10, 20, 30}, new double[] {4, 6, 8}, 0.95);
    assertThat(Stats.welchDf(100.0 / 3, 3, 4.0 / 3, 3)).isCloseTo(2.159744408945687, within(1e-12));
    assertThat(e.value()).isEqualTo(14);
    assertThat(e.lower()).isCloseTo(-9.619782184142124, within(1e-8));
    assertThat(e.upper()).isCloseTo(37.619782184142124, within(1e-8));
    assertThat(e.verdict(0, true)).isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  void welch_coversKnownTrueDifferenceOnSimulatedNormalData() {
    Random random = new Random(42);
    double[] control = normal(random, 200, 10, 2);
    double[] treatment = normal(random, 150, 8, 3);
    Estimate e = Stats.welch(control, treatment, 0.95);
    assertThat(e.lower()).isLessThan(2.0);
    assertThat(e.upper()).isGreaterThan(2.0);
    assertThat(e.verdict(0, true)).isEqualTo(Verdict.SAVES);
  }

  @Test
  void welch_hasNominalCoverageOnSimulatedData() {
    Random random = new Random(7);
    int covered = 0;
    int runs = 1000;
    for (int i = 0; i < runs; i++) {
      // Small, unequal samples with unequal variances: where Welch's df matter.
      Estimate e = Stats.welch(normal(random, 8, 5, 1), normal(random, 15, 3, 4), 0.95);
      if (e.lower() <= 2 && 2 <= e.upper()) {
        covered++;
      }
    }
    // Binomial(1000, 0.95): sd 0.0069; +-3 sd.
    assertThat(covered / (double) runs).isBetween(0.929, 0.971);
  }

  @Test
  void bootstrap_isReproducibleWithTheSameSeed() {
    Random random = new Random(1);
    double[] c = normal(random, 60, 100, 20);
    double[] t = normal(random, 60, 80, 20);
    Stats.Statistic ratio = (ic, it) -> Stats.percentileAt(t, it, 0.5) / Stats.percentileAt(c, ic, 0.5);
    Estimate a = Stats.bootstrap(c.length, t.length, 1, 1, ratio, 2000, 99, 0.95);
    Estimate b = Stats.bootstrap(c.length, t.length, 1, 1, ratio, 2000, 99, 0.95);
    Estimate other = Stats.bootstrap(c.length, t.length, 1, 1, ratio, 2000, 100, 0.95);
    assertThat(b).isEqualTo(a);
    assertThat(other.lower()).isNotEqualTo(a.lower());
    assertThat(a.lower()).isLessThan(a.value()).isLessThan(a.upper());
    assertThat(a.value()).isCloseTo(0.8, within(0.1));
  }

  @Test
  void percentile_isType7() {
    assertThat(Stats.percentile(new double[] {4, 1, 3, 2}, 0.5)).isEqualTo(2.5);
    assertThat(Stats.percentile(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 0.95)).isEqualTo(10.5);
  }

  static double[] normal(Random random, int n, double mean, double sd) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = mean + sd * random.nextGaussian();
    }
    return x;
  }
}
