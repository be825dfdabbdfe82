package io.lockn.budget.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.budget.AnomalyDetector;
import io.lockn.budget.BudgetAttributes;
import io.lockn.budget.Budgets;
import io.lockn.budget.Runaway;
import io.lockn.budget.RunawayAgentException;
import io.lockn.budget.RunawayDetector;
import io.lockn.core.BudgetExceededException;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockN;
import io.lockn.core.LockNAttributes;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.ModelPrice;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.Rates;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stage on a real SDK, in the cost pipeline (which runs it after pricing), then an in-memory exporter. The
 * stage sees the cost the pipeline priced, whatever order anything was built or registered in.
 */
class GovernanceStageTest {

  private static final PriceCatalog CATALOG = PriceCatalog.builder()
      .add(ModelPrice.builder("openai", "big").addPrices(Rates.perMillionTokens("10", "30")).build())
      .build();
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-15T12:00:00Z"), ZoneOffset.UTC);

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private OpenTelemetrySdk otel;
  private CostPipeline processor;
  private Tracer tracer;

  private void start(GovernanceStage.Builder governance) {
    start(governance, 100_000);
  }

  private void start(GovernanceStage.Builder governance, int maxOpenSpans) {
    processor = CostPipeline.builder(CATALOG).setClock(CLOCK).addStage(governance.build())
        .setMaxOpenSpans(maxOpenSpans).build();
    otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(processor)
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build())
        .build();
    tracer = otel.getTracer("test");
  }

  @AfterEach
  void tearDown() {
    if (otel != null) {
      otel.close();
    }
  }

  private Span agent(String name) {
    return tracer.spanBuilder("invoke_agent " + name)
        .setAttribute(GenAiAttributes.GEN_AI_OPERATION_NAME, "invoke_agent")
        .setAttribute(GenAiAttributes.GEN_AI_AGENT_NAME, name)
        .startSpan();
  }

  private SpanData chat(Span parent, long in, long out, String tenant) {
    Span s = tracer.spanBuilder("chat big").setParent(Context.current().with(parent))
        .setAttribute(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat")
        .setAttribute(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai")
        .setAttribute(GenAiAttributes.GEN_AI_REQUEST_MODEL, "big")
        .setAttribute("app.tenant_id", tenant)
        .startSpan();
    s.setAttribute(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, in);
    s.setAttribute(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, out);
    s.end();
    return last();
  }

  private SpanData tool(Span parent, String name, String arguments) {
    Span s = tracer.spanBuilder("execute_tool " + name).setParent(Context.current().with(parent))
        .setAttribute(GenAiAttributes.GEN_AI_OPERATION_NAME, "execute_tool")
        .setAttribute(GenAiAttributes.GEN_AI_TOOL_NAME, name)
        .setAttribute(GenAiAttributes.GEN_AI_TOOL_CALL_ARGUMENTS, arguments)
        .startSpan();
    s.end();
    return last();
  }

  private SpanData last() {
    List<SpanData> spans = exporter.getFinishedSpanItems();
    return spans.get(spans.size() - 1);
  }

  private static List<String> events(SpanData span) {
    return span.getEvents().stream().map(EventData::getName).toList();
  }

  @Test
  void costSpike_isAnEventOnTheCall_andANormalCallIsNot() {
    start(GovernanceStage.builder().setAnomalyDetector(AnomalyDetector.builder().build()));
    for (int i = 0; i < 25; i++) {
      Span a = agent("planner");
      assertThat(events(chat(a, 1000, 100 + i % 3, "acme"))).isEmpty();
      a.end();
    }
    Span a = agent("planner");
    assertThat(events(chat(a, 1100, 110, "acme"))).isEmpty();
    SpanData spike = chat(a, 1000, 5000, "acme"); // $0.16 against ~$0.013: cost and tokens spike
    a.end();

    assertThat(spike.getAttributes().get(io.lockn.pricing.CostAttributes.TOTAL_NANOS)).isEqualTo(160_000_000L);
    List<EventData> anomalies = spike.getEvents();
    assertThat(anomalies).hasSize(4).extracting(EventData::getName).containsOnly(BudgetAttributes.ANOMALY_EVENT);
    EventData cost = anomalies.get(0);
    assertThat(cost.getAttributes().get(BudgetAttributes.ANOMALY_DIMENSION)).isEqualTo("agent");
    assertThat(cost.getAttributes().get(LockNAttributes.AGENT_NAME)).isEqualTo("planner");
    assertThat(cost.getAttributes().get(BudgetAttributes.ANOMALY_METRIC)).isEqualTo("cost_nanos");
    assertThat(cost.getAttributes().get(BudgetAttributes.ANOMALY_VALUE)).isEqualTo(160_000_000L);
    assertThat(cost.getAttributes().get(BudgetAttributes.ANOMALY_Z_SCORE)).isGreaterThan(4.0);
    assertThat(anomalies.get(2).getAttributes().get(BudgetAttributes.ANOMALY_TENANT)).isEqualTo("acme");
  }

  @Test
  void toolLoop_isAnEventOnTheFifthCall() {
    List<Runaway> heard = new ArrayList<>();
    start(GovernanceStage.builder()
        .setRunawayDetector(RunawayDetector.builder().addListener(io.lockn.budget.TestListeners.runaways(heard::add)).build()));
    Span a = agent("researcher");
    for (int i = 1; i <= 4; i++) {
      chat(a, 100, 10, "acme");
      assertThat(events(tool(a, "search", "{\"q\":\"lockn\"}"))).as("call %d", i).isEmpty();
    }
    SpanData fifth = tool(a, "search", "{\"q\":\"lockn\"}");
    a.end();

    assertThat(events(fifth)).containsExactly(BudgetAttributes.RUNAWAY_EVENT);
    var attributes = fifth.getEvents().get(0).getAttributes();
    assertThat(attributes.get(BudgetAttributes.RUNAWAY_REASON)).isEqualTo("tool_loop");
    assertThat(attributes.get(BudgetAttributes.RUNAWAY_TOOL)).isEqualTo("search");
    assertThat(attributes.get(BudgetAttributes.RUNAWAY_VALUE)).isEqualTo(5L);
    assertThat(attributes.get(LockNAttributes.AGENT_NAME)).isEqualTo("researcher");
    assertThat(heard).singleElement().satisfies(r -> {
      assertThat(r.taskSpanId()).isEqualTo(last().getSpanId());
      assertThat(r.modelCalls()).isEqualTo(4);
      assertThat(r.taskCostNanos()).isEqualTo(4 * 1_300_000L);
    });
  }

  @Test
  void nestedAgentCalls_countForTheNestedAgent_andDifferentArgumentsBreakTheRun() {
    start(GovernanceStage.builder().setRunawayDetector(RunawayDetector.builder().build()));
    Span outer = agent("outer");
    for (int i = 0; i < 3; i++) {
      tool(outer, "search", "x");
    }
    Span inner;
    try (Scope ignored = outer.makeCurrent()) {
      inner = agent("inner");
    }
    for (int i = 0; i < 3; i++) {
      assertThat(events(tool(inner, "search", "x"))).isEmpty();
    }
    inner.end();
    assertThat(events(tool(outer, "search", "x"))).isEmpty(); // the outer run is at 4
    assertThat(events(tool(outer, "search", "y"))).isEmpty(); // broken
    for (int i = 0; i < 4; i++) {
      assertThat(events(tool(outer, "search", "x"))).isEmpty();
    }
    assertThat(events(tool(outer, "search", "x"))).containsExactly(BudgetAttributes.RUNAWAY_EVENT);
    outer.end();
    assertThat(processor.openSpans()).isZero();
  }

  @Test
  void taskWithFourTimesItsUsualCalls_isFlagged() {
    start(GovernanceStage.builder()
        .setRunawayDetector(RunawayDetector.builder().setWarmUpTasks(5).build()));
    for (int t = 0; t < 5; t++) {
      Span a = agent("planner");
      for (int i = 0; i < 3; i++) {
        chat(a, 100, 10, "acme");
      }
      a.end();
    }
    Span a = agent("planner");
    List<SpanData> calls = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      calls.add(chat(a, 10, 1, "acme")); // cheap calls: the task's cost stays below 3x the usual
    }
    a.end();

    for (int i = 0; i < 12; i++) {
      if (i == 9) { // the 10th call: more than 3 x 3
        assertThat(events(calls.get(i))).containsExactly(BudgetAttributes.RUNAWAY_EVENT);
        assertThat(calls.get(i).getEvents().get(0).getAttributes().get(BudgetAttributes.RUNAWAY_REASON))
            .isEqualTo("model_calls");
      } else {
        assertThat(events(calls.get(i))).as("call %d", i + 1).isEmpty();
      }
    }
  }

  @Test
  void killSwitch_blocksTheTracesNextModelCall_beforeTheProvider_andOtherTracesGoOn() {
    RunawayDetector runaways = RunawayDetector.builder().enableKillSwitch(Duration.ofHours(1)).setClock(CLOCK).build();
    start(GovernanceStage.builder().setRunawayDetector(runaways));
    Budgets budgets = Budgets.builder(CATALOG).setClock(CLOCK).setRunawayKillSwitch(runaways).build();
    LockN lockn = LockN.builder().setOpenTelemetry(otel).setCallPricing(processor).setCallAdmission(budgets).build();

    Span looping = agent("looper");
    Span healthy = agent("healthy");
    for (int i = 0; i < 5; i++) {
      tool(looping, "search", "same");
    }
    assertThat(events(last())).containsExactly(BudgetAttributes.RUNAWAY_EVENT);
    assertThat(last().getEvents().get(0).getAttributes().get(BudgetAttributes.RUNAWAY_KILLED)).isTrue();

    AtomicBoolean providerCalled = new AtomicBoolean();
    try (Scope ignored = looping.makeCurrent()) {
      assertThatThrownBy(() -> lockn.chat("openai", "big").estimatedInputTokens(10).maxTokens(10)
          .run(() -> providerCalled.set(true)))
          .isInstanceOf(RunawayAgentException.class)
          .isInstanceOf(BudgetExceededException.class)
          .hasMessageContaining("looper called search 5 times in a row")
          .satisfies(e -> {
            RunawayAgentException r = (RunawayAgentException) e;
            assertThat(r.runaway().traceId()).isEqualTo(looping.getSpanContext().getTraceId());
            assertThat(r.budgetName()).isEqualTo(RunawayAgentException.BUDGET_NAME);
            assertThat(r.scope()).isEqualTo("trace=" + looping.getSpanContext().getTraceId());
          });
    }
    assertThat(providerCalled).isFalse();

    try (Scope ignored = healthy.makeCurrent()) {
      lockn.chat("openai", "big").estimatedInputTokens(10).maxTokens(10).run(() -> {
        providerCalled.set(true);
        lockn.currentLlmCall().recordUsage(TokenUsage.of(10, 10));
      });
    }
    assertThat(providerCalled).isTrue();
    looping.end();
    healthy.end();
  }

  @Test
  void listenerFailures_areContained_andTheSpanStillExports() {
    start(GovernanceStage.builder().setRunawayDetector(RunawayDetector.builder()
        .addListener(new io.lockn.budget.BudgetListener() {
          @Override
          public void onAlert(io.lockn.budget.BudgetEvent event) {}

          @Override
          public void onRunaway(Runaway runaway) {
            throw new IllegalStateException("boom");
          }
        }).build()));
    Span a = agent("a");
    for (int i = 0; i < 5; i++) {
      tool(a, "search", "same");
    }
    assertThat(events(last())).containsExactly(BudgetAttributes.RUNAWAY_EVENT);
    a.end();
  }

  @Test
  void openSpans_areBounded() {
    start(GovernanceStage.builder().setRunawayDetector(RunawayDetector.builder().build()), 10);
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      spans.add(agent("a" + i));
    }
    assertThat(processor.openSpans()).isEqualTo(10);
    spans.forEach(Span::end);
    assertThat(processor.openSpans()).isZero();
  }
}
