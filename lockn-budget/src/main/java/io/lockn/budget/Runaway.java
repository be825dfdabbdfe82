package io.lockn.budget;

import io.lockn.core.LockNAttributes;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A runaway task, as {@link RunawayDetector} reports it to {@link BudgetListener#onRunaway} and as a {@link
 * BudgetAttributes#RUNAWAY_EVENT} span event on the call that revealed it. Counts and costs are exact; {@link
 * #usual()} and {@link #limit()} are statistics (doubles).
 *
 * @param reason which rule fired
 * @param traceId the task's trace id
 * @param taskSpanId the span id of the task: the agent invocation, or the trace's local root when no agent encloses
 *     the calls
 * @param spanId the span id of the call that revealed the runaway
 * @param agent the agent's name (or the root span's name for a task without an agent), or {@code null}
 * @param value what the rule measured: the task's cost in nano-USD, its model calls, its tool calls, or the number of
 *     identical tool calls in a row
 * @param usual the usual value (the EWMA of completed tasks' totals for the same agent); {@code NaN} for {@link
 *     Reason#TOOL_LOOP}
 * @param limit the value the rule allows: {@code multiple x usual} (calls: {@code multiple x max(usual, 1)}), or the
 *     configured repeats for {@link Reason#TOOL_LOOP} (reached, not exceeded)
 * @param tool the repeated tool's name for {@link Reason#TOOL_LOOP}, else {@code null}
 * @param taskCostNanos the task's cost so far, nano-USD (priced calls only)
 * @param modelCalls the task's model calls so far
 * @param toolCalls the task's tool calls so far
 * @param killed whether the kill switch now blocks the trace's further model calls
 */
public record Runaway(
    Reason reason,
    String traceId,
    String taskSpanId,
    String spanId,
    @Nullable String agent,
    long value,
    double usual,
    double limit,
    @Nullable String tool,
    long taskCostNanos,
    long modelCalls,
    long toolCalls,
    boolean killed) {

  /** The rule that found a runaway task. */
  public enum Reason {
    /** The task's cost exceeds the cost multiple of the agent's usual task cost. */
    COST,
    /** The task's model calls exceed the calls multiple of the agent's usual number. */
    MODEL_CALLS,
    /** The task's tool calls exceed the calls multiple of the agent's usual number. */
    TOOL_CALLS,
    /** The same tool was called with the same arguments the configured number of times in a row. */
    TOOL_LOOP
  }

  /**
   * A one-line description, for logs and exception messages.
   *
   * @return the description
   */
  public String describe() {
    String who = agent == null ? "task " + taskSpanId : agent;
    return switch (reason) {
      case TOOL_LOOP -> who + " called " + tool + " " + value + " times in a row with the same arguments";
      case COST -> who + " cost $" + java.math.BigDecimal.valueOf(value, 9).stripTrailingZeros().toPlainString()
          + " in one task, more than " + limit / 1e9 + " USD (usual " + usual / 1e9 + ")";
      case MODEL_CALLS -> who + " made " + value + " model calls in one task, more than " + limit + " (usual "
          + usual + ")";
      case TOOL_CALLS -> who + " made " + value + " tool calls in one task, more than " + limit + " (usual " + usual
          + ")";
    } + " (trace " + traceId + ")";
  }

  /**
   * The attributes of the {@link BudgetAttributes#RUNAWAY_EVENT} span event.
   *
   * @return the attributes
   */
  public Attributes spanAttributes() {
    AttributesBuilder b = Attributes.builder()
        .put(BudgetAttributes.RUNAWAY_REASON, reason.name().toLowerCase(Locale.ROOT))
        .put(BudgetAttributes.RUNAWAY_VALUE, value)
        .put(BudgetAttributes.RUNAWAY_LIMIT, limit)
        .put(BudgetAttributes.RUNAWAY_TASK_SPAN_ID, taskSpanId)
        .put(BudgetAttributes.RUNAWAY_KILLED, killed);
    if (!Double.isNaN(usual)) {
      b.put(BudgetAttributes.RUNAWAY_USUAL, usual);
    }
    if (agent != null) {
      b.put(LockNAttributes.AGENT_NAME, agent);
    }
    if (tool != null) {
      b.put(BudgetAttributes.RUNAWAY_TOOL, tool);
    }
    return b.build();
  }
}
