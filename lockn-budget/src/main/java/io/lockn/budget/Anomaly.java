package io.lockn.budget;

import io.lockn.core.LockNAttributes;
import io.opentelemetry.api.common.Attributes;
import java.util.Locale;

/**
 * A model call whose cost or tokens spiked against the rolling baseline of its agent or tenant, as {@link
 * AnomalyDetector} reports it to {@link BudgetListener#onAnomaly} and as a {@link BudgetAttributes#ANOMALY_EVENT} span
 * event. {@link #value()} is exact; the baseline statistics are doubles (statistics, not money).
 *
 * @param dimension whether {@link #key()} is an agent or a tenant
 * @param key the agent's name or the tenant's id
 * @param metric what spiked
 * @param value the call's cost in nano-USD, or its tokens (input plus output)
 * @param mean the baseline's EWMA mean before this call
 * @param stdDev the standard deviation the z-score divided by: the baseline's EWMA standard deviation, raised to the
 *     configured floor ({@link AnomalyDetector} explains it)
 * @param zScore {@code (value - mean) / stdDev}
 * @param baselineCalls the number of calls in the baseline before this one
 * @param traceId the call's trace id
 * @param spanId the call's span id
 */
public record Anomaly(
    Dimension dimension,
    String key,
    Metric metric,
    long value,
    double mean,
    double stdDev,
    double zScore,
    long baselineCalls,
    String traceId,
    String spanId) {

  /** What a baseline is kept for. */
  public enum Dimension {
    /** An agent: {@code lockn.agent.name}, else {@code gen_ai.agent.name}, else the nearest enclosing agent. */
    AGENT,
    /** A tenant: the tenant attribution key, {@code app.tenant_id} by default. */
    TENANT
  }

  /** What is measured per call. */
  public enum Metric {
    /** The call's cost in nano-USD ({@code lockn.cost.total_nanos}); unpriced calls are not measured. */
    COST_NANOS,
    /** The call's input plus output tokens. */
    TOKENS
  }

  /**
   * The attributes of the {@link BudgetAttributes#ANOMALY_EVENT} span event.
   *
   * @return the attributes
   */
  public Attributes spanAttributes() {
    return Attributes.builder()
        .put(BudgetAttributes.ANOMALY_DIMENSION, dimension.name().toLowerCase(Locale.ROOT))
        .put(dimension == Dimension.AGENT ? LockNAttributes.AGENT_NAME : BudgetAttributes.ANOMALY_TENANT, key)
        .put(BudgetAttributes.ANOMALY_METRIC, metric.name().toLowerCase(Locale.ROOT))
        .put(BudgetAttributes.ANOMALY_VALUE, value)
        .put(BudgetAttributes.ANOMALY_MEAN, mean)
        .put(BudgetAttributes.ANOMALY_STDDEV, stdDev)
        .put(BudgetAttributes.ANOMALY_Z_SCORE, zScore)
        .build();
  }
}
