package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnomalyDetectorTest {

  private static long steady(int i) {
    return 1_000_000 + (i % 3 - 1) * 20_000; // 1m nano-USD +- 2%
  }

  @Test
  void costSpike_afterSteadyBaseline_isFlagged_andNormalCallIsNot() {
    List<Anomaly> heard = new ArrayList<>();
    AnomalyDetector d = AnomalyDetector.builder().addListener(TestListeners.anomalies(heard::add)).build();
    for (int i = 0; i < 30; i++) {
      assertThat(d.observe("planner", "acme", steady(i), 500, "t", "s" + i)).isEmpty();
    }
    assertThat(d.observe("planner", "acme", 1_150_000, 520, "t", "normal")).isEmpty();

    List<Anomaly> spike = d.observe("planner", "acme", 10_000_000, 510, "t", "spike");

    assertThat(spike).extracting(Anomaly::dimension, Anomaly::key, Anomaly::metric, Anomaly::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Anomaly.Dimension.AGENT, "planner", Anomaly.Metric.COST_NANOS,
                10_000_000L),
            org.assertj.core.groups.Tuple.tuple(Anomaly.Dimension.TENANT, "acme", Anomaly.Metric.COST_NANOS,
                10_000_000L));
    Anomaly a = spike.get(0);
    assertThat(a.mean()).isBetween(990_000.0, 1_020_000.0);
    assertThat(a.stdDev()).isEqualTo(a.mean() * 0.25); // the floor: the measured deviation is ~2%
    assertThat(a.zScore()).isGreaterThan(4).isEqualTo((10_000_000 - a.mean()) / a.stdDev());
    assertThat(a.baselineCalls()).isEqualTo(31);
    assertThat(a.spanId()).isEqualTo("spike");
    assertThat(heard).isEqualTo(spike);
  }

  @Test
  void tokenSpike_isFlagged_andUnknownValuesAreNotMeasured() {
    AnomalyDetector d = AnomalyDetector.builder().setWarmUpCalls(5).build();
    for (int i = 0; i < 5; i++) {
      d.observe("a", null, -1, 1000, "t", "s");
    }
    assertThat(d.observe("a", null, -1, 9000, "t", "s")).singleElement()
        .extracting(Anomaly::metric).isEqualTo(Anomaly.Metric.TOKENS);
    assertThat(d.observe(null, null, 1, 1, "t", "s")).isEmpty();
  }

  @Test
  void warmUp_isRespected() {
    AnomalyDetector d = AnomalyDetector.builder().build(); // 20 calls
    for (int i = 0; i < 10; i++) {
      d.observe("a", null, 1_000_000, -1, "t", "s");
    }
    assertThat(d.observe("a", null, 50_000_000, -1, "t", "early")).isEmpty(); // 10 calls: still warming up
    for (int i = 0; i < 9; i++) {
      d.observe("a", null, 1_000_000, -1, "t", "s");
    }
    // 20 calls in the baseline now (the early spike among them, winsorised only once warm).
    assertThat(d.observe("a", null, 500_000_000, -1, "t", "late")).singleElement()
        .extracting(Anomaly::spanId).isEqualTo("late");
  }

  @Test
  void oneSpike_doesNotHideTheNext() {
    AnomalyDetector d = AnomalyDetector.builder().setWarmUpCalls(20).build();
    for (int i = 0; i < 20; i++) {
      d.observe("a", null, steady(i), -1, "t", "s");
    }
    assertThat(d.observe("a", null, 100_000_000, -1, "t", "1")).hasSize(1);
    assertThat(d.observe("a", null, 100_000_000, -1, "t", "2")).hasSize(1);
  }

  @Test
  void listenerFailure_isContained() {
    List<Anomaly> heard = new ArrayList<>();
    AnomalyDetector d = AnomalyDetector.builder().setWarmUpCalls(1)
        .addListener(TestListeners.anomalies(a -> {
          throw new IllegalStateException("boom");
        }))
        .addListener(new BudgetListener() {
          @Override
          public void onAlert(BudgetEvent event) {}

          @Override
          public void onAnomaly(Anomaly anomaly) {
            heard.add(anomaly);
          }
        })
        .build();
    d.observe("a", null, 100, -1, "t", "s");
    assertThat(d.observe("a", null, 100_000, -1, "t", "s")).hasSize(1);
    assertThat(heard).hasSize(1);
  }

  @Test
  void memory_isBounded() {
    AnomalyDetector d = AnomalyDetector.builder().setMaxTracked(100).build();
    for (int i = 0; i < 10_000; i++) {
      d.observe("agent-" + i, "tenant-" + i, 1, 1, "t", "s");
    }
    assertThat(d.trackedBaselines()).isEqualTo(100);
  }

  @Test
  void ewma_startsWithThePlainMeanAndVariance() {
    Ewma e = new Ewma(0.1);
    e.add(2);
    e.add(4);
    e.add(6);
    assertThat(e.mean()).isEqualTo(4.0);
    assertThat(e.stdDev()).isCloseTo(Math.sqrt(8.0 / 3), org.assertj.core.data.Offset.offset(1e-12));
  }
}
