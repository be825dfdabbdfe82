package io.lockn.budget;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Finds spikes in the cost and tokens of single model calls, per agent and per tenant, against a rolling baseline.
 * Fed by {@code io.lockn.budget.sdk.GovernanceStage} (or by hand through {@link #observe}); reports to {@link
 * BudgetListener#onAnomaly} and, through the stage, as {@link BudgetAttributes#ANOMALY_EVENT} span events.
 *
 * <p><b>Method.</b> Each agent and each tenant keeps, for each {@link Anomaly.Metric} (cost in nano-USD, tokens), an
 * exponentially weighted mean {@code m} and variance {@code v} of its calls' values {@code x}. With the smoothing
 * factor {@code alpha} (default 0.1) and {@code n} the number of samples including the new one:
 *
 * <pre>{@code
 * a = max(alpha, 1/n)             (the first samples give their plain mean and variance)
 * d = x - m
 * m = m + a*d
 * v = (1 - a) * (v + a*d*d)
 * }</pre>
 *
 * Before a call updates the baseline it is scored against it:
 *
 * <pre>{@code
 * s = max(sqrt(v), minRelativeStdDev * m, 1)     (default minRelativeStdDev 0.25)
 * z = (x - m) / s
 * }</pre>
 *
 * and it is an anomaly when the baseline already holds at least {@code warmUp} calls (default 20) and {@code z >
 * threshold} (default 4). Only spikes count, not drops. The floor on {@code s} keeps a perfectly steady baseline
 * ({@code v = 0}) from flagging every small wobble: with the defaults a call must cost at least twice its usual
 * amount to be flagged, whatever the variance. The baseline then takes the call in winsorised, as {@code min(x, m +
 * threshold * s)}, so one spike cannot inflate the baseline enough to hide the next, while a lasting change of level
 * still becomes the new normal within a few dozen calls.
 *
 * <p><b>Numbers.</b> Values are exact integers (nano-USD and tokens, as everywhere in LockN); the mean, variance and
 * z-score are doubles because they are statistics, never charged or compared with a budget. A double holds every
 * integer below 2<sup>53</sup> exactly (9 million USD in nano-USD).
 *
 * <p><b>Memory.</b> At most {@code maxTracked} baselines (default 10,000, agents and tenants together) are kept; when
 * full, the least recently used is forgotten and starts a new warm-up if it comes back. Thread-safe: updates take one
 * short lock.
 */
public final class AnomalyDetector {

  private final double threshold;
  private final int warmUp;
  private final double alpha;
  private final double minRelativeStdDev;
  private final List<BudgetListener> listeners;
  private final Map<String, Ewma[]> baselines;

  private AnomalyDetector(Builder b) {
    this.threshold = b.threshold;
    this.warmUp = b.warmUp;
    this.alpha = b.alpha;
    this.minRelativeStdDev = b.minRelativeStdDev;
    this.listeners = GuardedBudgetListener.wrapAll(b.listeners);
    int max = b.maxTracked;
    this.baselines = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Ewma[]> eldest) {
        return size() > max;
      }
    };
  }

  /**
   * A builder with the defaults: threshold 4, warm-up 20 calls, smoothing 0.1, minimum relative deviation 0.25, at
   * most 10,000 baselines.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Scores one model call against its agent's and its tenant's baselines, then adds it to them, and notifies the
   * listeners of each anomaly.
   *
   * @param agent the call's agent, or {@code null}
   * @param tenant the call's tenant, or {@code null}
   * @param costNanos the call's cost in nano-USD, or a negative number when it is unknown (unpriced)
   * @param tokens the call's input plus output tokens, or a negative number when unknown
   * @param traceId the call's trace id
   * @param spanId the call's span id
   * @return the anomalies found, usually none
   */
  public List<Anomaly> observe(@Nullable String agent, @Nullable String tenant, long costNanos, long tokens,
      String traceId, String spanId) {
    @Nullable List<Anomaly> found = null;
    if (agent != null) {
      found = observe(Anomaly.Dimension.AGENT, agent, costNanos, tokens, traceId, spanId, found);
    }
    if (tenant != null) {
      found = observe(Anomaly.Dimension.TENANT, tenant, costNanos, tokens, traceId, spanId, found);
    }
    if (found == null) {
      return List.of();
    }
    for (Anomaly a : found) {
      for (BudgetListener l : listeners) {
        l.onAnomaly(a); // guarded: a failing listener is logged, the others still hear of it
      }
    }
    return found;
  }

  private @Nullable List<Anomaly> observe(Anomaly.Dimension dimension, String key, long costNanos, long tokens,
      String traceId, String spanId, @Nullable List<Anomaly> found) {
    String mapKey = (dimension == Anomaly.Dimension.AGENT ? "a\u0000" : "t\u0000") + key;
    synchronized (baselines) {
      Ewma[] b = baselines.computeIfAbsent(mapKey, k -> new Ewma[] {new Ewma(alpha), new Ewma(alpha)});
      if (costNanos >= 0) {
        found = score(b[0], dimension, key, Anomaly.Metric.COST_NANOS, costNanos, traceId, spanId, found);
      }
      if (tokens >= 0) {
        found = score(b[1], dimension, key, Anomaly.Metric.TOKENS, tokens, traceId, spanId, found);
      }
    }
    return found;
  }

  private @Nullable List<Anomaly> score(Ewma e, Anomaly.Dimension dimension, String key, Anomaly.Metric metric,
      long value, String traceId, String spanId, @Nullable List<Anomaly> found) {
    double x = value;
    double m = e.mean();
    double s = Math.max(Math.max(e.stdDev(), minRelativeStdDev * m), 1.0);
    double z = (x - m) / s;
    if (e.count() >= warmUp) {
      if (z > threshold) {
        if (found == null) {
          found = new ArrayList<>(2);
        }
        found.add(new Anomaly(dimension, key, metric, value, m, s, z, e.count(), traceId, spanId));
      }
      x = Math.min(x, m + threshold * s);
    }
    e.add(x);
    return found;
  }

  /** The number of baselines kept; for tests and monitoring. */
  int trackedBaselines() {
    synchronized (baselines) {
      return baselines.size();
    }
  }

  /** Builds an {@link AnomalyDetector}; fails fast, naming the field. Not thread-safe. */
  public static final class Builder {
    private double threshold = 4;
    private int warmUp = 20;
    private double alpha = 0.1;
    private double minRelativeStdDev = 0.25;
    private int maxTracked = 10_000;
    private final List<BudgetListener> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the z-score above which a call is an anomaly. Defaults to 4.
     *
     * @param threshold a positive number
     * @return this builder
     * @throws IllegalArgumentException if it is not positive and finite
     */
    public Builder setZScoreThreshold(double threshold) {
      if (!(threshold > 0) || Double.isInfinite(threshold)) {
        throw new IllegalArgumentException("zScoreThreshold must be positive and finite: " + threshold);
      }
      this.threshold = threshold;
      return this;
    }

    /**
     * Sets how many calls a baseline needs before it flags anything. Defaults to 20.
     *
     * @param calls at least 1
     * @return this builder
     * @throws IllegalArgumentException if it is below 1
     */
    public Builder setWarmUpCalls(int calls) {
      this.warmUp = Ewma.checkWarmUp("warmUpCalls", calls);
      return this;
    }

    /**
     * Sets the EWMA smoothing factor: the weight of the latest call. Defaults to 0.1 (about the last 20 calls).
     *
     * @param alpha in (0, 1]
     * @return this builder
     * @throws IllegalArgumentException if it is out of range
     */
    public Builder setSmoothing(double alpha) {
      this.alpha = Ewma.checkSmoothing(alpha);
      return this;
    }

    /**
     * Sets the floor of the standard deviation as a fraction of the mean. Defaults to 0.25.
     *
     * @param fraction {@code >= 0}
     * @return this builder
     * @throws IllegalArgumentException if it is negative or not finite
     */
    public Builder setMinRelativeStdDev(double fraction) {
      if (!(fraction >= 0) || Double.isInfinite(fraction)) {
        throw new IllegalArgumentException("minRelativeStdDev must be >= 0 and finite: " + fraction);
      }
      this.minRelativeStdDev = fraction;
      return this;
    }

    /**
     * Sets how many baselines (agents and tenants together) are kept. Defaults to 10,000.
     *
     * @param max at least 1
     * @return this builder
     * @throws IllegalArgumentException if it is below 1
     */
    public Builder setMaxTracked(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxTracked < 1: " + max);
      }
      this.maxTracked = max;
      return this;
    }

    /**
     * Adds a listener; its {@link BudgetListener#onAnomaly} is called synchronously, failures are logged and ignored.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder addListener(BudgetListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Builds the detector.
     *
     * @return the detector
     */
    public AnomalyDetector build() {
      return new AnomalyDetector(this);
    }
  }
}
