package io.lockn.budget.sdk;

import io.lockn.budget.Anomaly;
import io.lockn.budget.AnomalyDetector;
import io.lockn.budget.BudgetAttributes;
import io.lockn.budget.Runaway;
import io.lockn.budget.RunawayDetector;
import io.lockn.core.AttributionKeys;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.lockn.core.sdk.OpenSpanTable;
import io.lockn.core.spi.UsageLogger;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.SpanPricing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.internal.ExtendedSpanProcessor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Feeds an {@link AnomalyDetector} and a {@link RunawayDetector} from GenAI spans as they end, whoever created them,
 * and adds what they find to the span where it was found as {@link BudgetAttributes#ANOMALY_EVENT} and {@link
 * BudgetAttributes#RUNAWAY_EVENT} events.
 *
 * <pre>{@code
 * RunawayDetector runaways = RunawayDetector.builder().enableKillSwitch(Duration.ofHours(1)).build();
 * SdkTracerProvider.builder()
 *     .addSpanProcessor(CostSpanProcessor.builder(catalog).build())             // first: it sets lockn.cost.*
 *     .addSpanProcessor(GovernanceSpanProcessor.builder()
 *         .setAnomalyDetector(AnomalyDetector.builder().build())
 *         .setRunawayDetector(runaways).build())
 *     .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
 *     .build();
 * Budgets budgets = Budgets.builder(catalog).setRunawayKillSwitch(runaways)...build();
 * }</pre>
 *
 * <p><b>What it reads.</b> Model calls ({@code chat}, {@code text_completion}, {@code generate_content}, {@code
 * embeddings}): their cost from {@code lockn.cost.total_nanos}, which the {@link
 * io.lockn.pricing.sdk.CostSpanProcessor} sets when it is registered <em>before</em> this processor (else, or when
 * unpriced, only tokens are measured), and {@code gen_ai.usage.input_tokens + output_tokens}. Tool calls ({@code
 * execute_tool}): {@code gen_ai.tool.name} and {@code gen_ai.tool.call.arguments}. Agent invocations ({@code
 * invoke_agent}) delimit tasks; a trace's local root delimits a task for calls under no agent. The agent of a call is
 * {@code lockn.agent.name}, else {@code gen_ai.agent.name}, else its nearest enclosing agent's; its tenant is the
 * tenant attribution key ({@code app.tenant_id} by default).
 *
 * <p><b>Memory.</b> Each open span has a small node (its task and agent), at most {@code maxOpenSpans} of them;
 * spans left open longer than {@code abandonAfter} are dropped when the table is full, and spans started while it is
 * still full are not observed. Uses the SDK's {@code ExtendedSpanProcessor#onEnding} hook, the only point where events
 * can still be added to an ending span. Never throws.
 */
public final class GovernanceSpanProcessor implements ExtendedSpanProcessor {

  private static final String INVOKE_AGENT = "invoke_agent";
  private static final String EXECUTE_TOOL = "execute_tool";

  private final @Nullable AnomalyDetector anomalies;
  private final @Nullable RunawayDetector runaways;
  private final AttributeKey<String> tenantKey;
  private final Clock clock;
  private final OpenSpanTable<Node> open;

  /** What an open span keeps: its task (shared with the spans under it), its agent, and when it started. */
  private record Node(RunawayDetector.@Nullable Task task, boolean ownsTask, @Nullable String agent,
      long startMillis) {}

  private GovernanceSpanProcessor(Builder b) {
    this.anomalies = b.anomalies;
    this.runaways = b.runaways;
    this.tenantKey = AttributeKey.stringKey(b.attributionKeys.tenantKey());
    this.open = OpenSpanTable.create(b.maxOpenSpans, b.abandonAfter.toMillis(), n -> n.startMillis);
    this.clock = b.clock;
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
  public void onStart(Context parentContext, ReadWriteSpan span) {
    try {
      long now = clock.millis();
      if (!open.hasRoom(now)) {
        return;
      }
      Node parentNode = open.parentOf(parentContext);
      String operation = operation(span);
      String traceId = span.getSpanContext().getTraceId();
      String spanId = span.getSpanContext().getSpanId();
      RunawayDetector r = runaways;
      Node node;
      if (INVOKE_AGENT.equals(operation)) {
        String agent = Objects.requireNonNullElse(span.getAttribute(GenAiAttributes.GEN_AI_AGENT_NAME), span.getName());
        node = new Node(r == null ? null : r.startTask(traceId, spanId, agent, true), r != null, agent, now);
      } else if (parentNode != null) {
        node = new Node(parentNode.task, false, parentNode.agent, now);
      } else {
        String name = Objects.requireNonNullElse(span.getAttribute(LockNAttributes.TASK_NAME), span.getName());
        node = new Node(r == null ? null : r.startTask(traceId, spanId, name, false), r != null, null, now);
      }
      open.put(span, node);
    } catch (Throwable t) {
      UsageLogger.failed("GovernanceSpanProcessor.onStart", t);
    }
  }

  @Override
  public void onEnding(ReadWriteSpan span) {
    try {
      Node node = open.remove(span);
      if (node == null) {
        return;
      }
      String operation = operation(span);
      String spanId = span.getSpanContext().getSpanId();
      @Nullable Runaway runaway = null;
      RunawayDetector.Task task = node.task;
      if (SpanPricing.isModelCall(operation)) {
        Long cost = span.getAttribute(CostAttributes.TOTAL_NANOS);
        AnomalyDetector a = anomalies;
        if (a != null) {
          String agent = span.getAttribute(LockNAttributes.AGENT_NAME);
          if (agent == null) {
            agent = span.getAttribute(GenAiAttributes.GEN_AI_AGENT_NAME);
          }
          if (agent == null) {
            agent = node.agent;
          }
          List<Anomaly> found = a.observe(agent, span.getAttribute(tenantKey), cost == null ? -1 : cost, tokens(span),
              span.getSpanContext().getTraceId(), spanId);
          for (Anomaly anomaly : found) {
            span.addEvent(BudgetAttributes.ANOMALY_EVENT, anomaly.spanAttributes());
          }
        }
        if (task != null) {
          runaway = task.modelCall(cost == null ? 0 : cost, spanId);
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
    } catch (Throwable t) {
      UsageLogger.failed("GovernanceSpanProcessor.onEnding", t);
    }
  }

  private static @Nullable String operation(ReadableSpan span) {
    return SpanPricing.operation(span.getAttribute(GenAiAttributes.GEN_AI_OPERATION_NAME),
        span.getAttribute(SpanPricing.LLM_REQUEST_TYPE));
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

  /** The number of spans currently tracked; for tests and monitoring. */
  int openSpans() {
    return open.size();
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public boolean isOnEndingRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {}

  @Override
  public boolean isEndRequired() {
    return false;
  }

  @Override
  public CompletableResultCode shutdown() {
    open.clear();
    return CompletableResultCode.ofSuccess();
  }

  /** Builds a {@link GovernanceSpanProcessor}. Not thread-safe. */
  public static final class Builder {
    private @Nullable AnomalyDetector anomalies;
    private @Nullable RunawayDetector runaways;
    private AttributionKeys attributionKeys = AttributionKeys.defaults();
    private int maxOpenSpans = OpenSpanTable.DEFAULT_MAX_OPEN_SPANS;
    private Duration abandonAfter = OpenSpanTable.DEFAULT_ABANDON_AFTER;
    private Clock clock = Clock.systemUTC();

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
     * Sets how many open spans are tracked. Defaults to 100,000.
     *
     * @param maxOpenSpans at least 1
     * @return this builder
     * @throws IllegalArgumentException if it is below 1
     */
    public Builder setMaxOpenSpans(int maxOpenSpans) {
      this.maxOpenSpans = OpenSpanTable.checkMaxOpenSpans(maxOpenSpans);
      return this;
    }

    /**
     * Sets after how long an open span counts as abandoned and may be dropped when the table is full. Defaults to 6
     * hours.
     *
     * @param abandonAfter the age, positive
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder setAbandonAfter(Duration abandonAfter) {
      this.abandonAfter = OpenSpanTable.checkAbandonAfter(abandonAfter);
      return this;
    }

    /**
     * Sets the clock that dates open spans. Defaults to UTC system time.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the processor.
     *
     * @return the processor
     */
    public GovernanceSpanProcessor build() {
      return new GovernanceSpanProcessor(this);
    }
  }
}
