package io.lockn.budget;

import java.util.function.Consumer;

/** Listeners for anomalies and runaways, which a lambda (an alert listener) cannot be. */
public final class TestListeners {

  private TestListeners() {}

  public static BudgetListener anomalies(Consumer<Anomaly> consumer) {
    return new BudgetListener() {
      @Override
      public void onAlert(BudgetEvent event) {}

      @Override
      public void onAnomaly(Anomaly anomaly) {
        consumer.accept(anomaly);
      }
    };
  }

  public static BudgetListener runaways(Consumer<Runaway> consumer) {
    return new BudgetListener() {
      @Override
      public void onAlert(BudgetEvent event) {}

      @Override
      public void onRunaway(Runaway runaway) {
        consumer.accept(runaway);
      }
    };
  }
}
