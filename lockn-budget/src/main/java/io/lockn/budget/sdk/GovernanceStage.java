package io.lockn.budget.sdk;

import io.lockn.budget.Anomaly;
import io.lockn.budget.AnomalyDetector;
import io.lockn.budget.BudgetAttributes;
import io.lockn.budget.Runaway;
import io.lockn.budget.RunawayDetector;
import io.lockn.core.AttributionKeys;
import io.lockn.core.CallCost;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.lockn.pricing.SpanPricing;
import io.lockn.pricing.sdk.SpanOperations;
import io.lockn.pricing.sdk.SpanStage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Feeds an {@link AnomalyDetector} and a {@link RunawayDetector} from GenAI spans as they end, whoever created them,
 * and adds what they find to the span where it was found as {@link BudgetAttributes#ANOMALY_EVENT} and {@link
 * BudgetAttributes#RUNAWAY_EVENT} events. A stage of the cost pipeline, which runs it after a span's cost is known:
 *
 * <pre>{@code
 * RunawayDetector runaways = RunawayDetector.builder().enableKillSwitch(Duration.ofHours(1)).build();
 * CostPipeline costs = CostPipeline.builder(catalog)
 *     .addStage(GovernanceStage.builder()
 *         .setAnomalyDetector(AnomalyDetector.builder().build())
 *         .setRunawayDetector(runaways).build())
 *     .build();
 * SdkTracerProvider.builder().addSpanProcessor(costs)...build();
 * Budgets budgets = Budgets.builder(catalog).setRunawayKillSwitch(runaways)...build();
 * }</pre>
 *
 * <p><b>What it reads.</b> Model calls ({@code chat}, {@code text_completion}, {@code generate_content}, {@code
 * embeddings}): their cost, as the pipeline priced it (when unpriced, only tokens are measured), and {@code
 * gen_ai.usage.input_tokens + output_tokens}. Tool calls ({@code execute_tool}): {@code gen_ai.tool.name} and {@code
 * gen_ai.tool.call.arguments}. Agent invocations ({@code invoke_agent}) delimit tasks; a trace's local root delimits a
 * task for calls under no agent. The agent of a call is {@code lockn.agent.name}, else {@code gen_ai.agent.name},
 * else its nearest enclosing agent's; its tenant is the tenant attribution key ({@code app.tenant_id} by default).
 *
 * <p><b>Memory.</b> Each open span has a small state (its task and agent) in the pipeline's one table of open spans,
 * with the pipeline's bounds. Only recorded spans are observed. Never throws.
 */
public final class GovernanceStage implements SpanStage<GovernanceStage.Node> {

  private static final String INVOKE_AGENT = "invoke_agent";
  private static final String EXECUTE_TOOL = "execute_tool";

  private final @Nullable AnomalyDetector anomalies;
  private final @Nullable RunawayDetector runaways;
  private final AttributeKey<String> tenantKey;

  /** What an open span keeps: its task (shared with the spans under it) and its agent. */
  record Node(RunawayDetector.@Nullable Task task, boolean ownsTask, @Nullable String agent) {}

  private GovernanceStage(Builder b) {
    this.anomalies = b.anomalies;
    this.runaways = b.runaways;
    this.tenantKey = AttributeKey.stringKey(b.attributionKeys.tenantKey());
  }

  /**
   * A builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Kind kind() {
    return Kind.GOVERNANCE;
  }

  @Override
  public Node onStart(Context parentContext, ReadWriteSpan span, @Nullable Node parent) {
    String operation = operation(span);
    String traceId = span.getSpanContext().getTraceId();
    String spanId = span.getSpanContext().getSpanId();
    RunawayDetector r = runaways;
    if (INVOKE_AGENT.equals(operation)) {
      String agent = Objects.requireNonNullElse(span.getAttribute(GenAiAttributes.GEN_AI_AGENT_NAME), span.getName());
      return new Node(r == null ? null : r.startTask(traceId, spanId, agent, true), r != null, agent);
    }
    if (parent != null) {
      return new Node(parent.task, false, parent.agent);
    }
    String name = Objects.requireNonNullElse(span.getAttribute(LockNAttributes.TASK_NAME), span.getName());
    return new Node(r == null ? null : r.startTask(traceId, spanId, name, false), r != null, null);
  }

  @Override
  public void onEnding(ReadWriteSpan span, Node node, CallCost cost) {
    String operation = operation(span);
    String spanId = span.getSpanContext().getSpanId();
    @Nullable Runaway runaway = null;
    RunawayDetector.Task task = node.task;
    if (SpanPricing.isModelCall(operation)) {
      long nanos = cost.isPriced() ? cost.totalNanos() : -1;
      AnomalyDetector a = anomalies;
      if (a != null) {
        String agent = span.getAttribute(LockNAttributes.AGENT_NAME);
        if (agent == null) {
          agent = span.getAttribute(GenAiAttributes.GEN_AI_AGENT_NAME);
        }
        if (agent == null) {
          agent = node.agent;
        }
        List<Anomaly> found = a.observe(agent, span.getAttribute(tenantKey), nanos, tokens(span),
            span.getSpanContext().getTraceId(), spanId);
        for (Anomaly anomaly : found) {
          span.addEvent(BudgetAttributes.ANOMALY_EVENT, anomaly.spanAttributes());
        }
      }
      if (task != null) {
        runaway = task.modelCall(Math.max(0, nanos), spanId);
      }
    } else if (EXECUTE_TOOL.equals(operation) && task != null) {
      runaway = task.toolCall(span.getAttribute(GenAiAttributes.GEN_AI_TOOL_NAME),
          span.getAttribute(GenAiAttributes.GEN_AI_TOOL_CALL_ARGUMENTS), spanId);
    }
    if (runaway != null) {
      span.addEvent(BudgetAttributes.RUNAWAY_EVENT, runaway.spanAttributes());
    }
    RunawayDetector r = runaways;
    if (node.ownsTask && task != null && r != null) {
      r.endTask(task);
    }
  }

  private static @Nullable String operation(ReadableSpan span) {
    return SpanOperations.of(span);
  }

  private static long tokens(ReadableSpan span) {
    Long in = span.getAttribute(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS);
    Long out = span.getAttribute(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS);
    if (in == null && out == null) {
      return -1;
    }
    long sum = (in == null ? 0 : Math.max(0, in)) + (out == null ? 0 : Math.max(0, out));
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  /** Builds a {@link GovernanceStage}. Not thread-safe. */
  public static final class Builder {
    private @Nullable AnomalyDetector anomalies;
    private @Nullable RunawayDetector runaways;
    private AttributionKeys attributionKeys = AttributionKeys.defaults();

    private Builder() {}

    /**
     * Sets the anomaly detector to feed. None by default.
     *
     * @param detector the detector
     * @return this builder
     */
    public Builder setAnomalyDetector(AnomalyDetector detector) {
      this.anomalies = Objects.requireNonNull(detector, "anomalyDetector");
      return this;
    }

    /**
     * Sets the runaway detector to feed. None by default.
     *
     * @param detector the detector
     * @return this builder
     */
    public Builder setRunawayDetector(RunawayDetector detector) {
      this.runaways = Objects.requireNonNull(detector, "runawayDetector");
      return this;
    }

    /**
     * Sets which span attribute holds the tenant. Defaults to {@link AttributionKeys#defaults()} ({@code
     * app.tenant_id}).
     *
     * @param keys the attribution keys
     * @return this builder
     */
    public Builder setAttributionKeys(AttributionKeys keys) {
      this.attributionKeys = Objects.requireNonNull(keys, "attributionKeys");
      return this;
    }

    /**
     * Builds the stage.
     *
     * @return the stage
     */
    public GovernanceStage build() {
      return new GovernanceStage(this);
    }
  }
}
