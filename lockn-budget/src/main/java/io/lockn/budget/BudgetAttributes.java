package io.lockn.budget;

import io.lockn.core.LockNAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;

/**
 * The span attributes, span events and metric that budgets record, under {@code lockn.budget.*}. Event attributes
 * reuse {@link LockNAttributes#BUDGET_NAME}, {@link LockNAttributes#BUDGET_SCOPE}, {@link LockNAttributes#BUDGET_UNIT},
 * {@link LockNAttributes#BUDGET_LIMIT} and {@link LockNAttributes#BUDGET_REQUESTED}.
 */
public final class BudgetAttributes {

  /** {@code lockn.budget.approval.decision}: {@code approved} or {@code denied}, on a call that needed approval. */
  public static final AttributeKey<String> APPROVAL_DECISION = AttributeKey.stringKey("lockn.budget.approval.decision");

  /** {@code lockn.budget.approval.reason}: the decision's reason, when it has one. */
  public static final AttributeKey<String> APPROVAL_REASON = AttributeKey.stringKey("lockn.budget.approval.reason");

  /** {@code lockn.budget.approval.timed_out}: {@code true} when the default decision applied. */
  public static final AttributeKey<Boolean> APPROVAL_TIMED_OUT = AttributeKey.booleanKey("lockn.budget.approval.timed_out");

  /** {@code lockn.budget.used}: spent plus reserved in the account, on alert and throttle events. */
  public static final AttributeKey<Long> USED = AttributeKey.longKey("lockn.budget.used");

  /** {@code lockn.budget.threshold_percent}: the threshold reached, as a decimal string, on alert and throttle events. */
  public static final AttributeKey<String> THRESHOLD_PERCENT = AttributeKey.stringKey("lockn.budget.threshold_percent");

  /** {@code lockn.budget.action}: {@code alert}, {@code throttle}, {@code block} or {@code forecast}, on the metric. */
  public static final AttributeKey<String> ACTION = AttributeKey.stringKey("lockn.budget.action");

  /**
   * The span event of a call that made an account reach an {@link Action#ALERT} threshold, when it was admitted (its
   * reservation) or settled (its actual cost): on the call's span, or its nearest recording ancestor.
   */
  public static final String ALERT_EVENT = "lockn.budget.alert";

  /** The span event of a call that was throttled. */
  public static final String THROTTLE_EVENT = "lockn.budget.throttle";

  /**
   * The span event of the call whose cost first made a calendar account's forecast end its period above the limit
   * ({@link BudgetListener#onForecast}).
   */
  public static final String FORECAST_EVENT = "lockn.budget.forecast";

  /** The span event of a call that needed approval: the decision, also set as span attributes when approved. */
  public static final String APPROVAL_EVENT = "lockn.budget.approval";

  /**
   * {@code lockn.budget.phase}: {@code admission} or {@code settlement}, on alert and throttle events: whether the
   * call's reservation ({@code lockn.budget.requested} is then the reservation) or its actual cost ({@code
   * lockn.budget.requested} is then that cost) reached the threshold.
   */
  public static final AttributeKey<String> PHASE = AttributeKey.stringKey("lockn.budget.phase");

  /** {@code lockn.budget.forecast.linear}: the linear period-end projection, on forecast events. */
  public static final AttributeKey<Long> FORECAST_LINEAR = AttributeKey.longKey("lockn.budget.forecast.linear");

  /** {@code lockn.budget.forecast.ewma}: the EWMA period-end projection, on forecast events. */
  public static final AttributeKey<Long> FORECAST_EWMA = AttributeKey.longKey("lockn.budget.forecast.ewma");

  static final String ADMISSION = "admission";
  static final String SETTLEMENT = "settlement";

  /** The span event added to a model call whose cost or tokens spiked ({@link AnomalyDetector}). */
  public static final String ANOMALY_EVENT = "lockn.budget.anomaly";

  /** The span event added to the call that revealed a runaway task ({@link RunawayDetector}). */
  public static final String RUNAWAY_EVENT = "lockn.budget.runaway";

  /** {@code lockn.budget.anomaly.dimension}: {@code agent} or {@code tenant}, on anomaly events. */
  public static final AttributeKey<String> ANOMALY_DIMENSION = AttributeKey.stringKey("lockn.budget.anomaly.dimension");

  /** {@code lockn.budget.anomaly.tenant}: the tenant whose baseline the call spiked against, on anomaly events. */
  public static final AttributeKey<String> ANOMALY_TENANT = AttributeKey.stringKey("lockn.budget.anomaly.tenant");

  /** {@code lockn.budget.anomaly.metric}: {@code cost_nanos} or {@code tokens}, on anomaly events. */
  public static final AttributeKey<String> ANOMALY_METRIC = AttributeKey.stringKey("lockn.budget.anomaly.metric");

  /** {@code lockn.budget.anomaly.value}: the call's cost in nano-USD or its tokens, on anomaly events. */
  public static final AttributeKey<Long> ANOMALY_VALUE = AttributeKey.longKey("lockn.budget.anomaly.value");

  /** {@code lockn.budget.anomaly.mean}: the baseline's EWMA mean, on anomaly events. */
  public static final AttributeKey<Double> ANOMALY_MEAN = AttributeKey.doubleKey("lockn.budget.anomaly.mean");

  /** {@code lockn.budget.anomaly.stddev}: the (floored) standard deviation, on anomaly events. */
  public static final AttributeKey<Double> ANOMALY_STDDEV = AttributeKey.doubleKey("lockn.budget.anomaly.stddev");

  /** {@code lockn.budget.anomaly.z_score}: the call's z-score, on anomaly events. */
  public static final AttributeKey<Double> ANOMALY_Z_SCORE = AttributeKey.doubleKey("lockn.budget.anomaly.z_score");

  /** {@code lockn.budget.runaway.reason}: {@code cost}, {@code model_calls}, {@code tool_calls} or {@code tool_loop}. */
  public static final AttributeKey<String> RUNAWAY_REASON = AttributeKey.stringKey("lockn.budget.runaway.reason");

  /** {@code lockn.budget.runaway.value}: what the rule measured, on runaway events. */
  public static final AttributeKey<Long> RUNAWAY_VALUE = AttributeKey.longKey("lockn.budget.runaway.value");

  /** {@code lockn.budget.runaway.usual}: the agent's usual value, on runaway events (not for tool loops). */
  public static final AttributeKey<Double> RUNAWAY_USUAL = AttributeKey.doubleKey("lockn.budget.runaway.usual");

  /** {@code lockn.budget.runaway.limit}: the value the rule allows, on runaway events. */
  public static final AttributeKey<Double> RUNAWAY_LIMIT = AttributeKey.doubleKey("lockn.budget.runaway.limit");

  /** {@code lockn.budget.runaway.tool}: the repeated tool, on tool-loop events. */
  public static final AttributeKey<String> RUNAWAY_TOOL = AttributeKey.stringKey("lockn.budget.runaway.tool");

  /** {@code lockn.budget.runaway.task_span_id}: the span id of the runaway task, on runaway events. */
  public static final AttributeKey<String> RUNAWAY_TASK_SPAN_ID =
      AttributeKey.stringKey("lockn.budget.runaway.task_span_id");

  /** {@code lockn.budget.runaway.killed}: whether the trace was killed, on runaway events. */
  public static final AttributeKey<Boolean> RUNAWAY_KILLED = AttributeKey.booleanKey("lockn.budget.runaway.killed");

  /**
   * The counter {@code lockn.budget.actions}: one per alert, throttle, block and forecast alert, with the attributes
   * {@link LockNAttributes#BUDGET_NAME} and {@link #ACTION} only (never the scope: tenant ids are high-cardinality).
   */
  public static final String ACTIONS_METRIC = "lockn.budget.actions";

  private BudgetAttributes() {}

  static Attributes approval(boolean approved, String reason, boolean timedOut) {
    var b = Attributes.builder().put(APPROVAL_DECISION, approved ? "approved" : "denied");
    if (!reason.isEmpty()) {
      b.put(APPROVAL_REASON, reason);
    }
    if (timedOut) {
      b.put(APPROVAL_TIMED_OUT, true);
    }
    return b.build();
  }

  /** The attributes of an alert or throttle event. */
  static Attributes event(BudgetEvent e, String phase) {
    var b = Attributes.builder()
        .put(LockNAttributes.BUDGET_NAME, e.budget())
        .put(LockNAttributes.BUDGET_SCOPE, e.scope())
        .put(LockNAttributes.BUDGET_UNIT, e.unit() == BudgetUnit.USD ? "nano_usd" : "tokens")
        .put(LockNAttributes.BUDGET_LIMIT, e.limit())
        .put(USED, e.used())
        .put(LockNAttributes.BUDGET_REQUESTED, e.requested());
    if (e.threshold() != null) {
      b.put(THRESHOLD_PERCENT, e.threshold().percent().toPlainString());
    }
    if (!e.admittedModel().equals(e.requestModel())) {
      b.put(LockNAttributes.BUDGET_ADMITTED_MODEL, e.admittedModel());
    }
    return b.put(PHASE, phase).build();
  }

  /** The attributes of a forecast event: the account, its committed spending and both projections. */
  static Attributes forecast(BudgetForecast f) {
    return Attributes.builder()
        .put(LockNAttributes.BUDGET_NAME, f.budget())
        .put(LockNAttributes.BUDGET_SCOPE, f.scope())
        .put(LockNAttributes.BUDGET_UNIT, f.unit() == BudgetUnit.USD ? "nano_usd" : "tokens")
        .put(LockNAttributes.BUDGET_LIMIT, f.limit())
        .put(LockNAttributes.BUDGET_SPENT, f.spent())
        .put(FORECAST_LINEAR, f.linear())
        .put(FORECAST_EWMA, f.ewma())
        .build();
  }

  /** The attributes of an approval event: the first budget that asked (or {@code global}), its scope, the decision. */
  static Attributes approvalEvent(String budget, String scope, boolean approved, String reason, boolean timedOut) {
    return Attributes.builder()
        .put(LockNAttributes.BUDGET_NAME, budget)
        .put(LockNAttributes.BUDGET_SCOPE, scope)
        .putAll(approval(approved, reason, timedOut))
        .build();
  }
}
