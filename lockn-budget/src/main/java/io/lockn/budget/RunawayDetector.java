package io.lockn.budget;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Finds runaway tasks while they run, and optionally kills their traces. Fed by {@code
 * io.lockn.budget.sdk.GovernanceStage} (or by hand: {@link #startTask}, {@link Task#modelCall}, {@link
 * Task#toolCall}, {@link #endTask}); reports to {@link BudgetListener#onRunaway} and, through the stage, as {@link
 * BudgetAttributes#RUNAWAY_EVENT} span events.
 *
 * <p><b>Tasks.</b> A task is one agent invocation ({@code invoke_agent} span) in one trace; the model and tool calls
 * under it belong to it, except those of a nested agent, which belong to the nested agent's task (as in {@code lockn
 * audit}). Calls under no agent belong to their trace's local root span, a task for the rules on totals but not for
 * the tool-loop rule, which {@code lockn audit} too applies only within agent invocations.
 *
 * <p><b>Rules</b>, checked each time one of the task's calls ends; the first that fires reports the task, once:
 *
 * <ul>
 *   <li>{@link Runaway.Reason#TOOL_LOOP}: the same tool called with the same arguments {@code toolRepeats} times in a
 *       row (default 5). Exactly the rule of {@code lockn audit}'s runaway findings: consecutive tool calls of one
 *       agent invocation, the model calls between them ignored (they are the loop's own turns), two calls the same
 *       when {@code gen_ai.tool.name} and {@code gen_ai.tool.call.arguments} are equal (the name alone when the
 *       arguments were not captured; a call with captured arguments never equals one without). One difference:
 *       the audit orders calls by start time, this detector by end time, which differs only for tool calls that
 *       overlap.
 *   <li>{@link Runaway.Reason#COST}, {@link Runaway.Reason#MODEL_CALLS}, {@link Runaway.Reason#TOOL_CALLS}: the
 *       task's cost (nano-USD, priced calls only), model calls or tool calls so far exceed a multiple (default 3) of
 *       the agent's usual value: the EWMA (smoothing {@code alpha}, default 0.2, with {@code a = max(alpha, 1/n)} as
 *       in {@link AnomalyDetector}) of the totals of its completed tasks, once at least {@code warmUp} tasks (default
 *       10) have completed. Call counts compare with {@code multiple x max(usual, 1)}, so an agent that usually calls
 *       no tool is not reported for one call; the cost rule is skipped while the usual cost is 0. Tasks reported as
 *       runaways are left out of the baseline, so a runaway does not raise the usual value. The usual values are
 *       statistics (doubles); costs and counts are exact.
 * </ul>
 *
 * <p><b>Kill switch.</b> With {@link Builder#enableKillSwitch}, a reported task's trace is killed: {@link Budgets}
 * configured with {@link Budgets.Builder#setRunawayKillSwitch} then blocks every further model call in that trace
 * with a {@link RunawayAgentException}, before the provider is called, until the kill expires.
 *
 * <p><b>Memory.</b> Baselines: at most {@code maxTrackedAgents} (default 10,000), least recently used forgotten first.
 * Killed traces: at most {@code maxKilledTraces} (default 10,000), each for the configured time; when full, the
 * oldest kill goes first. Open tasks are held by their caller (the processor bounds them). Thread-safe.
 */
public final class RunawayDetector {

  private final double costMultiple;
  private final double callsMultiple;
  private final int warmUp;
  private final double alpha;
  private final int toolRepeats;
  private final boolean killSwitch;
  private final long killMillis;
  private final int maxKilled;
  private final Clock clock;
  private final List<BudgetListener> listeners;
  private final Map<String, Ewma[]> baselines;
  // trace id -> the kill, in the order of killing.
  private final LinkedHashMap<String, Kill> killed = new LinkedHashMap<>();

  private record Kill(Runaway runaway, long expiresAtMillis) {}

  private RunawayDetector(Builder b) {
    this.costMultiple = b.costMultiple;
    this.callsMultiple = b.callsMultiple;
    this.warmUp = b.warmUp;
    this.alpha = b.alpha;
    this.toolRepeats = b.toolRepeats;
    this.killSwitch = b.killFor != null;
    this.killMillis = b.killFor == null ? 0 : b.killFor.toMillis();
    this.maxKilled = b.maxKilled;
    this.clock = b.clock;
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
   * A builder with the defaults: multiples 3, warm-up 10 tasks, smoothing 0.2, 5 repeats, no kill switch.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a task.
   *
   * @param traceId the trace id
   * @param taskSpanId the span id of the agent invocation, or of the trace's local root
   * @param agent the agent's name (the root span's name for a task without an agent), the key of the baseline; {@code
   *     null} shares one baseline among unnamed tasks
   * @param agentInvocation whether the task is an agent invocation (the tool-loop rule applies only then)
   * @return the task, to feed with its calls and end with {@link #endTask}
   */
  public Task startTask(String traceId, String taskSpanId, @Nullable String agent, boolean agentInvocation) {
    return new Task(Objects.requireNonNull(traceId, "traceId"), Objects.requireNonNull(taskSpanId, "taskSpanId"),
        agent, agentInvocation);
  }

  /**
   * Ends a task: unless it was reported as a runaway, its totals join its agent's baseline.
   *
   * @param task the task
   */
  public void endTask(Task task) {
    long cost;
    long model;
    long tools;
    synchronized (task) {
      if (task.ended || task.reported) {
        task.ended = true;
        return;
      }
      task.ended = true;
      cost = task.costNanos;
      model = task.modelCalls;
      tools = task.toolCalls;
    }
    synchronized (baselines) {
      Ewma[] b = baselines.computeIfAbsent(key(task.agent),
          k -> new Ewma[] {new Ewma(alpha), new Ewma(alpha), new Ewma(alpha)});
      b[0].add(cost);
      b[1].add(model);
      b[2].add(tools);
    }
  }

  /**
   * Whether the kill switch is enabled.
   *
   * @return {@code true} if reported traces are killed
   */
  public boolean killSwitchEnabled() {
    return killSwitch;
  }

  /**
   * The runaway that killed a trace, if the trace is killed now.
   *
   * @param traceId the trace id
   * @return the runaway, or {@code null} if the trace is not (or no longer) killed
   */
  public @Nullable Runaway killedBy(String traceId) {
    if (!killSwitch) {
      return null;
    }
    synchronized (killed) {
      if (killed.isEmpty()) {
        return null;
      }
      Kill k = killed.get(traceId);
      if (k == null) {
        return null;
      }
      if (k.expiresAtMillis <= clock.millis()) {
        killed.remove(traceId);
        return null;
      }
      return k.runaway;
    }
  }

  /** The number of killed traces held; for tests and monitoring. */
  int killedTraces() {
    synchronized (killed) {
      return killed.size();
    }
  }

  /** The number of baselines kept; for tests and monitoring. */
  int trackedAgents() {
    synchronized (baselines) {
      return baselines.size();
    }
  }

  private static String key(@Nullable String agent) {
    return agent == null ? "" : agent;
  }

  private void kill(Runaway r) {
    long now = clock.millis();
    synchronized (killed) {
      for (Iterator<Kill> it = killed.values().iterator(); it.hasNext(); ) {
        if (it.next().expiresAtMillis <= now) {
          it.remove();
        }
      }
      killed.remove(r.traceId());
      while (killed.size() >= maxKilled) {
        Iterator<String> it = killed.keySet().iterator();
        it.next();
        it.remove();
      }
      long expires = now + killMillis;
      killed.put(r.traceId(), new Kill(r, expires < now ? Long.MAX_VALUE : expires));
    }
  }

  private void report(Runaway r) {
    if (r.killed()) {
      kill(r);
    }
    for (BudgetListener l : listeners) {
      l.onRunaway(r); // guarded: a failing listener is logged, the others still hear of it
    }
  }

  /** One running task: its totals and its current run of identical tool calls. Thread-safe. */
  public final class Task {
    private final String traceId;
    private final String taskSpanId;
    private final @Nullable String agent;
    private final boolean agentInvocation;
    private long costNanos;
    private long modelCalls;
    private long toolCalls;
    private final ToolRepeats repeats = new ToolRepeats();
    private boolean reported;
    private boolean ended;

    private Task(String traceId, String taskSpanId, @Nullable String agent, boolean agentInvocation) {
      this.traceId = traceId;
      this.taskSpanId = taskSpanId;
      this.agent = agent;
      this.agentInvocation = agentInvocation;
    }

    /**
     * The task's agent (or root span name).
     *
     * @return the name, or {@code null}
     */
    public @Nullable String agent() {
      return agent;
    }

    /**
     * Records a model call that ended, and checks the rules.
     *
     * @param costNanos its cost in nano-USD, 0 when unpriced
     * @param spanId its span id
     * @return the runaway, if this call revealed one (it is reported to the listeners already)
     */
    public @Nullable Runaway modelCall(long costNanos, String spanId) {
      Runaway r;
      synchronized (this) {
        if (ended) {
          return null;
        }
        long sum = this.costNanos + Math.max(0, costNanos);
        this.costNanos = sum < this.costNanos ? Long.MAX_VALUE : sum;
        modelCalls++;
        r = check(spanId, false, null);
      }
      if (r != null) {
        report(r);
      }
      return r;
    }

    /**
     * Records a tool call that ended, and checks the rules.
     *
     * @param tool {@code gen_ai.tool.name}, or {@code null}
     * @param arguments {@code gen_ai.tool.call.arguments}, or {@code null} when not captured
     * @param spanId its span id
     * @return the runaway, if this call revealed one (it is reported to the listeners already)
     */
    public @Nullable Runaway toolCall(@Nullable String tool, @Nullable String arguments, String spanId) {
      Runaway r;
      synchronized (this) {
        if (ended) {
          return null;
        }
        toolCalls++;
        repeats.record(tool, arguments);
        r = check(spanId, true, tool);
      }
      if (r != null) {
        report(r);
      }
      return r;
    }

    /** Checks the rules; the caller holds this task's lock. */
    private @Nullable Runaway check(String spanId, boolean toolCall, @Nullable String tool) {
      if (reported) {
        return null;
      }
      Runaway r = null;
      if (toolCall && agentInvocation && repeats.run() == toolRepeats) {
        r = runaway(Runaway.Reason.TOOL_LOOP, spanId, repeats.run(), Double.NaN, toolRepeats, tool);
      }
      if (r == null) {
        double @Nullable [] usual = usual();
        if (usual != null) {
          if (usual[0] > 0 && costNanos > costMultiple * usual[0]) {
            r = runaway(Runaway.Reason.COST, spanId, costNanos, usual[0], costMultiple * usual[0], null);
          } else if (modelCalls > callsMultiple * Math.max(usual[1], 1)) {
            r = runaway(Runaway.Reason.MODEL_CALLS, spanId, modelCalls, usual[1],
                callsMultiple * Math.max(usual[1], 1), null);
          } else if (toolCalls > callsMultiple * Math.max(usual[2], 1)) {
            r = runaway(Runaway.Reason.TOOL_CALLS, spanId, toolCalls, usual[2],
                callsMultiple * Math.max(usual[2], 1), null);
          }
        }
      }
      if (r != null) {
        reported = true;
      }
      return r;
    }

    private Runaway runaway(Runaway.Reason reason, String spanId, long value, double usual, double limit,
        @Nullable String tool) {
      return new Runaway(reason, traceId, taskSpanId, spanId, agent, value, usual, limit, tool, costNanos, modelCalls,
          toolCalls, killSwitch);
    }

    private double @Nullable [] usual() {
      synchronized (baselines) {
        Ewma[] b = baselines.get(key(agent));
        if (b == null || b[0].count() < warmUp) {
          return null;
        }
        return new double[] {b[0].mean(), b[1].mean(), b[2].mean()};
      }
    }
  }

  /** Builds a {@link RunawayDetector}; fails fast, naming the field. Not thread-safe. */
  public static final class Builder {
    private double costMultiple = 3;
    private double callsMultiple = 3;
    private int warmUp = 10;
    private double alpha = 0.2;
    private int toolRepeats = 5;
    private @Nullable Duration killFor;
    private int maxKilled = 10_000;
    private int maxTracked = 10_000;
    private Clock clock = Clock.systemUTC();
    private final List<BudgetListener> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the multiple of the usual task cost above which a task is a runaway. Defaults to 3.
     *
     * @param multiple greater than 1
     * @return this builder
     * @throws IllegalArgumentException if it is not above 1 and finite
     */
    public Builder setCostMultiple(double multiple) {
      this.costMultiple = multiple("costMultiple", multiple);
      return this;
    }

    /**
     * Sets the multiple of the usual number of model calls, and of tool calls, above which a task is a runaway.
     * Defaults to 3.
     *
     * @param multiple greater than 1
     * @return this builder
     * @throws IllegalArgumentException if it is not above 1 and finite
     */
    public Builder setCallsMultiple(double multiple) {
      this.callsMultiple = multiple("callsMultiple", multiple);
      return this;
    }

    private static double multiple(String field, double multiple) {
      if (!(multiple > 1) || Double.isInfinite(multiple)) {
        throw new IllegalArgumentException(field + " must be above 1 and finite: " + multiple);
      }
      return multiple;
    }

    /**
     * Sets how many completed tasks an agent's baseline needs before the rules on totals apply. Defaults to 10.
     *
     * @param tasks at least 1
     * @return this builder
     * @throws IllegalArgumentException if it is below 1
     */
    public Builder setWarmUpTasks(int tasks) {
      this.warmUp = Ewma.checkWarmUp("warmUpTasks", tasks);
      return this;
    }

    /**
     * Sets the EWMA smoothing factor of the usual values: the weight of the latest completed task. Defaults to 0.2.
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
     * Sets how many identical tool calls in a row make a loop. Defaults to 5, as {@code lockn audit}.
     *
     * @param repeats at least 2
     * @return this builder
     * @throws IllegalArgumentException if it is below 2
     */
    public Builder setToolRepeats(int repeats) {
      if (repeats < 2) {
        throw new IllegalArgumentException("toolRepeats < 2: " + repeats);
      }
      this.toolRepeats = repeats;
      return this;
    }

    /**
     * Enables the kill switch: a runaway's trace is killed for {@code duration}, and {@link Budgets} configured with
     * {@link Budgets.Builder#setRunawayKillSwitch} blocks its further model calls. Disabled by default.
     *
     * @param duration how long a trace stays killed, positive
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder enableKillSwitch(Duration duration) {
      Objects.requireNonNull(duration, "killSwitch");
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("killSwitch duration must be positive: " + duration);
      }
      this.killFor = duration;
      return this;
    }

    /**
     * Sets how many killed traces are held at most; when full, the oldest kill is forgotten. Defaults to 10,000.
     *
     * @param max at least 1
     * @return this builder
     * @throws IllegalArgumentException if it is below 1
     */
    public Builder setMaxKilledTraces(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxKilledTraces < 1: " + max);
      }
      this.maxKilled = max;
      return this;
    }

    /**
     * Sets how many agents' baselines are kept; the least recently used is forgotten first. Defaults to 10,000.
     *
     * @param max at least 1
     * @return this builder
     * @throws IllegalArgumentException if it is below 1
     */
    public Builder setMaxTrackedAgents(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxTrackedAgents < 1: " + max);
      }
      this.maxTracked = max;
      return this;
    }

    /**
     * Sets the clock that times kills. Defaults to {@link Clock#systemUTC()}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Adds a listener; its {@link BudgetListener#onRunaway} is called synchronously, failures are logged and ignored.
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
    public RunawayDetector build() {
      return new RunawayDetector(this);
    }
  }
}
