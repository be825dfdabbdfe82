package io.lockn.budget;

/**
 * Receives what budgets do. Called synchronously on the thread of the model call (or of its end, for alerts crossed
 * when the actual cost is reconciled), so implementations must be fast and must not block; exceptions are logged and
 * otherwise ignored.
 */
@FunctionalInterface
public interface BudgetListener {

  /**
   * An {@link Action#ALERT} threshold was reached: once per threshold, account and calendar period (a rolling budget
   * re-arms the alert once spending falls back below the threshold).
   *
   * @param event the alert
   */
  void onAlert(BudgetEvent event);

  /**
   * A call was throttled to a cheaper model.
   *
   * @param event the throttle; {@link BudgetEvent#admittedModel()} is the model it was downgraded to
   */
  default void onThrottle(BudgetEvent event) {}

  /**
   * A call was blocked; the application receives a {@link io.lockn.core.BudgetExceededException}.
   *
   * @param event the block
   */
  default void onBlock(BudgetEvent event) {}

  /**
   * A calendar budget's forecast ({@link BudgetForecast#exceedsLimit()}) first ends its period above the limit: once
   * per account and period, and only after one forecast interval of the period has elapsed, so a single early call
   * does not alert on its own extrapolation.
   *
   * @param forecast the forecast
   */
  default void onForecast(BudgetForecast forecast) {}

  /**
   * A model call's cost or tokens spiked against its agent's or tenant's baseline ({@link AnomalyDetector}).
   *
   * @param anomaly the anomaly
   */
  default void onAnomaly(Anomaly anomaly) {}

  /**
   * A task ran away ({@link RunawayDetector}): once per task. When {@link Runaway#killed()}, its trace's further
   * model calls are blocked by budgets that consult the detector.
   *
   * @param runaway the runaway
   */
  default void onRunaway(Runaway runaway) {}
}
