package io.lockn.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agentic.Agent;
import dev.langchain4j.agentic.AgenticServices;
import dev.langchain4j.agentic.UntypedAgent;
import dev.langchain4j.agentic.agent.AgentInvocationException;
import dev.langchain4j.agentic.agent.ErrorRecoveryResult;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.V;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.lockn.pricing.CostAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * {@link LockNAgentListener} on real {@code langchain4j-agentic} systems whose agents call a real {@link
 * AnthropicChatModel}, decorated by {@link LockNLangChain4j#decorate}, against {@link ProviderStub}.
 *
 * <p>Claude Haiku 4.5 costs 1.00 USD per 1M input tokens (1,000 nano-USD a token) and 5.00 per 1M output tokens
 * (5,000 nano-USD a token).
 */
class AgenticWorkflowTest {

  private static final String HAIKU = "claude-haiku-4-5-20251001";

  @AutoClose private final Telemetry telemetry = Telemetry.create();
  @AutoClose private final ProviderStub stub = ProviderStub.start();
  private final LockNLangChain4j lc = LockNLangChain4j.create(telemetry.lockn());

  public interface Writer {
    @Agent(name = "writer", description = "Writes a first draft", outputKey = "draft")
    @UserMessage("Write one sentence about {{topic}}.")
    String write(@V("topic") String topic);
  }

  public interface Editor {
    @Agent(name = "editor", description = "Polishes a draft", outputKey = "story")
    @UserMessage("Polish this sentence: {{draft}}")
    String edit(@V("draft") String draft);
  }

  public interface Critic {
    @Agent(name = "critic", outputKey = "critique")
    @UserMessage("Criticise the topic {{topic}}.")
    String criticise(@V("topic") String topic);
  }

  public interface Support {
    @Agent(name = "support", outputKey = "answer")
    @UserMessage("Where is order {{orderId}}?")
    String answer(@V("orderId") String orderId);
  }

  /** The application's tool. */
  public static final class OrderTools {
    final List<String> lookedUp = new CopyOnWriteArrayList<>();

    @Tool("Looks up the shipping status of an order")
    public String lookupOrder(String orderId) {
      lookedUp.add(orderId);
      return "shipped on Monday";
    }
  }

  private ChatModel claude(ProviderStub provider) {
    return lc.decorate(AnthropicModels.chat(provider, HAIKU).build());
  }

  private static ProviderStub.Reply answer(String id, String text, int input, int output) {
    return ProviderStub.json(200, AnthropicJson.message(id, HAIKU, text, AnthropicJson.usage(input, 0, 0, output)));
  }

  private UntypedAgent novelist(ChatModel model) {
    return AgenticServices.sequenceBuilder()
        .name("novelist")
        .subAgents(
            AgenticServices.agentBuilder(Writer.class).chatModel(model).build(),
            AgenticServices.agentBuilder(Editor.class).chatModel(model).build())
        .outputKey("story")
        .listener(LockNAgentListener.create(lc))
        .build();
  }

  private SpanData chat(String responseId) {
    List<SpanData> chats = telemetry.spans().stream()
        .filter(s -> responseId.equals(s.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_ID)))
        .toList();
    assertThat(chats).as("chat spans answered by %s", responseId).hasSize(1);
    return chats.get(0);
  }

  private static List<Class<?>> causes(Throwable t) {
    List<Class<?>> classes = new ArrayList<>();
    for (Throwable c = t; c != null; c = c.getCause()) {
      classes.add(c.getClass());
    }
    return classes;
  }

  private static void assertChildOf(SpanData child, SpanData parent) {
    assertThat(child.getParentSpanId()).as("parent of %s", child.getName()).isEqualTo(parent.getSpanId());
    assertThat(child.getTraceId()).isEqualTo(parent.getTraceId());
  }

  @Test
  void sequence_isAWorkflowSpanWithOneAgentSpanPerAgentEachAboveItsChatSpan() {
    stub.enqueue(answer("msg_w", "Dragons hoard gold.", 20, 6), answer("msg_e", "Dragons guard their gold.", 30, 7));

    Object story = novelist(claude(stub)).invoke(Map.of("topic", "dragons"));

    assertThat(story).isEqualTo("Dragons guard their gold.");
    assertThat(stub.request(1).body()).contains("Polish this sentence: Dragons hoard gold.");
    assertThat(telemetry.names()).containsExactlyInAnyOrder(
        "invoke_workflow novelist", "invoke_agent writer", "invoke_agent editor",
        "chat " + HAIKU, "chat " + HAIKU);

    SpanData workflow = telemetry.span("invoke_workflow novelist");
    SpanData writer = telemetry.span("invoke_agent writer");
    SpanData editor = telemetry.span("invoke_agent editor");
    assertThat(workflow.getParentSpanContext().isValid()).isFalse();
    assertThat(workflow.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(workflow.getAttributes().get(GenAiAttributes.GEN_AI_OPERATION_NAME)).isEqualTo("invoke_workflow");
    assertThat(workflow.getAttributes().get(GenAiAttributes.GEN_AI_WORKFLOW_NAME)).isEqualTo("novelist");
    assertChildOf(writer, workflow);
    assertChildOf(editor, workflow);
    assertChildOf(chat("msg_w"), writer);
    assertChildOf(chat("msg_e"), editor);

    assertThat(writer.getAttributes().get(GenAiAttributes.GEN_AI_AGENT_NAME)).isEqualTo("writer");
    assertThat(writer.getAttributes().get(GenAiAttributes.GEN_AI_AGENT_DESCRIPTION)).isEqualTo("Writes a first draft");
    assertThat(writer.getAttributes().get(GenAiAttributes.GEN_AI_AGENT_ID)).isEqualTo("writer$0");
    assertThat(editor.getAttributes().get(GenAiAttributes.GEN_AI_AGENT_ID)).isEqualTo("editor$1");
    assertThat(chat("msg_w").getAttributes().get(LockNAttributes.AGENT_NAME)).isEqualTo("writer");
    assertThat(chat("msg_e").getAttributes().get(LockNAttributes.AGENT_NAME)).isEqualTo("editor");
    // the agents ran one after the other inside the workflow
    assertThat(writer.getEndEpochNanos()).isLessThanOrEqualTo(editor.getStartEpochNanos());
    assertThat(workflow.getStartEpochNanos()).isLessThanOrEqualTo(writer.getStartEpochNanos());
    assertThat(workflow.getEndEpochNanos()).isGreaterThanOrEqualTo(editor.getEndEpochNanos());

    // writer: 20 x 1,000 + 6 x 5,000 = 50,000; editor: 30 x 1,000 + 7 x 5,000 = 65,000 nano-USD
    assertThat(chat("msg_w").getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(50_000L);
    assertThat(chat("msg_e").getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(65_000L);
    assertThat(writer.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(50_000L);
    assertThat(editor.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(65_000L);
    assertThat(workflow.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(115_000L);
    assertThat(workflow.getAttributes().get(CostAttributes.ROLLUP_CALLS)).isEqualTo(2L);
    assertThat(Span.current().getSpanContext()).isEqualTo(SpanContext.getInvalid());
  }

  @Test
  void listenerAlsoOnASubagent_stillOneSpanPerAgent() {
    stub.enqueue(answer("msg_w", "Draft.", 1, 1), answer("msg_e", "Story.", 1, 1));
    ChatModel model = claude(stub);
    LockNAgentListener listener = LockNAgentListener.create(lc);
    UntypedAgent novelist = AgenticServices.sequenceBuilder()
        .name("novelist")
        .subAgents(
            AgenticServices.agentBuilder(Writer.class).chatModel(model).listener(listener).build(),
            AgenticServices.agentBuilder(Editor.class).chatModel(model).build())
        .outputKey("story")
        .listener(listener)
        .build();

    novelist.invoke(Map.of("topic", "dragons"));

    assertThat(telemetry.names()).containsExactlyInAnyOrder(
        "invoke_workflow novelist", "invoke_agent writer", "invoke_agent editor",
        "chat " + HAIKU, "chat " + HAIKU);
    assertChildOf(telemetry.span("invoke_agent writer"), telemetry.span("invoke_workflow novelist"));
  }

  @Test
  void sequence_leavesNoParentBehindOnTheCallersThread() {
    stub.enqueue(answer("msg_w", "Draft.", 1, 1), answer("msg_e", "Story.", 1, 1), answer("msg_later", "ok", 1, 1));
    ChatModel model = claude(stub);
    novelist(model).invoke(Map.of("topic", "dragons"));

    model.chat("An unrelated question, asked after the workflow");

    SpanData later = chat("msg_later");
    assertThat(later.getParentSpanContext().isValid()).as("parent of a call made after the workflow").isFalse();
    assertThat(later.getAttributes().get(LockNAttributes.AGENT_NAME)).isNull();
  }

  @Test
  void sequence_runTwice_eachRunIsItsOwnTrace() {
    stub.enqueue(answer("msg_w1", "Draft.", 1, 1), answer("msg_e1", "Story.", 1, 1),
        answer("msg_w2", "Draft.", 1, 1), answer("msg_e2", "Story.", 1, 1));
    UntypedAgent novelist = novelist(claude(stub));

    novelist.invoke(Map.of("topic", "dragons"));
    novelist.invoke(Map.of("topic", "knights"));

    List<SpanData> workflows = telemetry.spans().stream()
        .filter(s -> s.getName().equals("invoke_workflow novelist")).toList();
    assertThat(workflows).hasSize(2);
    assertThat(workflows.get(0).getTraceId()).isNotEqualTo(workflows.get(1).getTraceId());
    assertThat(chat("msg_w2").getTraceId()).isEqualTo(workflows.get(1).getTraceId());
    assertThat(chat("msg_e2").getTraceId()).isEqualTo(workflows.get(1).getTraceId());
    assertThat(telemetry.spans()).hasSize(10);
  }

  @Test
  void agentWithTool_toolSpanIsUnderTheAgentBetweenTheTwoModelCalls() {
    stub.enqueue(
        ProviderStub.json(200, AnthropicJson.toolUse(
            "msg_t", HAIKU, "toolu_01", "lookupOrder", "{\"orderId\":\"A-17\"}", AnthropicJson.usage(40, 0, 0, 12))),
        answer("msg_a", "Order A-17 shipped on Monday.", 60, 9));
    OrderTools tools = new OrderTools();
    UntypedAgent helpdesk = AgenticServices.sequenceBuilder()
        .name("helpdesk")
        .subAgents(AgenticServices.agentBuilder(Support.class).chatModel(claude(stub)).tools(tools).build())
        .outputKey("answer")
        .listener(LockNAgentListener.create(lc))
        .build();

    Object answer = helpdesk.invoke(Map.of("orderId", "A-17"));

    assertThat(answer).isEqualTo("Order A-17 shipped on Monday.");
    assertThat(tools.lookedUp).containsExactly("A-17");
    assertThat(stub.request(1).body()).contains("tool_result").contains("shipped on Monday");
    assertThat(telemetry.names()).containsExactlyInAnyOrder(
        "invoke_workflow helpdesk", "invoke_agent support", "chat " + HAIKU, "execute_tool lookupOrder",
        "chat " + HAIKU);

    SpanData agent = telemetry.span("invoke_agent support");
    SpanData tool = telemetry.span("execute_tool lookupOrder");
    assertChildOf(agent, telemetry.span("invoke_workflow helpdesk"));
    assertChildOf(chat("msg_t"), agent);
    assertChildOf(tool, agent);
    assertChildOf(chat("msg_a"), agent);
    assertThat(tool.getAttributes().get(GenAiAttributes.GEN_AI_OPERATION_NAME)).isEqualTo("execute_tool");
    assertThat(tool.getAttributes().get(GenAiAttributes.GEN_AI_TOOL_NAME)).isEqualTo("lookupOrder");
    assertThat(tool.getAttributes().get(GenAiAttributes.GEN_AI_TOOL_CALL_ID)).isEqualTo("toolu_01");
    assertThat(tool.getAttributes().get(GenAiAttributes.GEN_AI_TOOL_TYPE)).isEqualTo("function");
    assertThat(tool.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(tool.getStartEpochNanos()).isGreaterThanOrEqualTo(chat("msg_t").getEndEpochNanos());
    assertThat(tool.getEndEpochNanos()).isLessThanOrEqualTo(chat("msg_a").getStartEpochNanos());
    // (40 + 60) x 1,000 + (12 + 9) x 5,000 = 205,000 nano-USD, all of it the agent's
    assertThat(agent.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(205_000L);
    assertThat(agent.getAttributes().get(CostAttributes.ROLLUP_CALLS)).isEqualTo(2L);
  }

  @Test
  void parallel_agentsOnPoolThreadsNestUnderTheWorkflow() {
    try (ProviderStub critics = ProviderStub.start()) {
      stub.enqueue(answer("msg_w", "Dragons hoard gold.", 20, 6));
      critics.enqueue(answer("msg_c", "Dragons are overdone.", 25, 5));
      UntypedAgent panel = AgenticServices.parallelBuilder()
          .name("panel")
          .subAgents(
              AgenticServices.agentBuilder(Writer.class).chatModel(claude(stub)).build(),
              AgenticServices.agentBuilder(Critic.class).chatModel(claude(critics)).build())
          .listener(LockNAgentListener.create(lc))
          .build();

      panel.invoke(Map.of("topic", "dragons"));

      assertThat(telemetry.spans()).hasSize(5);
      SpanData workflow = telemetry.span("invoke_workflow panel");
      assertChildOf(telemetry.span("invoke_agent writer"), workflow);
      assertChildOf(telemetry.span("invoke_agent critic"), workflow);
      assertChildOf(chat("msg_w"), telemetry.span("invoke_agent writer"));
      assertChildOf(chat("msg_c"), telemetry.span("invoke_agent critic"));
      // 50,000 + (25 x 1,000 + 5 x 5,000) = 100,000 nano-USD
      assertThat(workflow.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(100_000L);
    }
  }

  @Test
  void parallel_failingAgent_everySpanEndedAndFailed() {
    try (ProviderStub critics = ProviderStub.start()) {
      stub.enqueue(ProviderStub.json(500, AnthropicJson.error("api_error", "boom")), answer("msg_later", "ok", 1, 1));
      critics.enqueue(answer("msg_c", "Dragons are overdone.", 25, 5));
      ChatModel model = claude(stub);
      UntypedAgent panel = AgenticServices.parallelBuilder()
          .name("panel")
          .subAgents(
              AgenticServices.agentBuilder(Writer.class).chatModel(model).build(),
              AgenticServices.agentBuilder(Critic.class).chatModel(claude(critics)).build())
          .listener(LockNAgentListener.create(lc))
          .build();

      Throwable failed = catchThrowable(() -> panel.invoke(Map.of("topic", "dragons")));

      assertThat(failed).isNotNull();
      assertThat(causes(failed)).contains(InternalServerException.class);
      List<SpanData> spans = telemetry.awaitSpans(5);
      assertThat(spans).hasSize(5);
      SpanData workflow = telemetry.span("invoke_workflow panel");
      assertThat(workflow.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(telemetry.span("invoke_agent writer").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertChildOf(telemetry.span("invoke_agent writer"), workflow);
      assertChildOf(telemetry.span("invoke_agent critic"), workflow);

      model.chat("An unrelated question, asked on the caller's thread after the failed run");
      assertThat(chat("msg_later").getParentSpanContext().isValid()).isFalse();
    }
  }

  @Test
  void failingModelCall_errorOnEverySpanExceptionUnchangedAndNoSpanLeftOpen() {
    String body = AnthropicJson.error("api_error", "Internal server error");
    stub.enqueue(ProviderStub.json(500, body), ProviderStub.json(500, body));
    UntypedAgent plain = AgenticServices.sequenceBuilder()
        .name("novelist")
        .subAgents(
            AgenticServices.agentBuilder(Writer.class)
                .chatModel(AnthropicModels.chat(stub, HAIKU).build())
                .build(),
            AgenticServices.agentBuilder(Editor.class).chatModel(claude(stub)).build())
        .outputKey("story")
        .build();

    Throwable withoutLockN = catchThrowable(() -> plain.invoke(Map.of("topic", "dragons")));
    Throwable withLockN = catchThrowable(() -> novelist(claude(stub)).invoke(Map.of("topic", "dragons")));

    assertThat(withLockN).isInstanceOf(AgentInvocationException.class)
        .hasSameClassAs(withoutLockN).hasMessage(withoutLockN.getMessage());
    assertThat(causes(withLockN)).isEqualTo(causes(withoutLockN)).contains(InternalServerException.class);
    assertThat(stub.requestCount()).as("the editor never ran").isEqualTo(2);

    // all three spans ended (the exporter only sees ended spans), each one failed
    assertThat(telemetry.names())
        .containsExactly("chat " + HAIKU, "invoke_agent writer", "invoke_workflow novelist");
    SpanData chat = telemetry.span("chat " + HAIKU);
    SpanData writer = telemetry.span("invoke_agent writer");
    SpanData workflow = telemetry.span("invoke_workflow novelist");
    assertChildOf(chat, writer);
    assertChildOf(writer, workflow);
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(chat.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo(InternalServerException.class.getName());
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
    assertThat(writer.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(workflow.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(workflow.getAttributes().get(GenAiAttributes.ERROR_TYPE))
        .isEqualTo(AgentInvocationException.class.getName());
    assertThat(workflow.getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
  }

  @Test
  void failingModelCall_leavesNoParentBehindOnTheCallersThread() {
    stub.enqueue(ProviderStub.json(500, AnthropicJson.error("api_error", "boom")), answer("msg_later", "ok", 1, 1));
    ChatModel model = claude(stub);
    assertThat(catchThrowable(() -> novelist(model).invoke(Map.of("topic", "dragons"))))
        .isInstanceOf(AgentInvocationException.class);

    model.chat("An unrelated question, asked after the failed workflow");

    assertThat(chat("msg_later").getParentSpanContext().isValid()).isFalse();
  }

  /**
   * An error handler that retries the failed agent: the run succeeds, and every span stays in the run's trace. The
   * workflow's span ended, failed, at the first error (LangChain4j cannot tell LockN the failure was recovered).
   */
  @Test
  void failingModelCallRetriedByTheErrorHandler_retryStaysInTheRunsTrace() {
    stub.enqueue(
        ProviderStub.json(500, AnthropicJson.error("api_error", "boom")),
        answer("msg_w", "Dragons hoard gold.", 20, 6),
        answer("msg_e", "Dragons guard their gold.", 30, 7));
    AtomicInteger handled = new AtomicInteger();
    ChatModel model = claude(stub);
    UntypedAgent novelist = AgenticServices.sequenceBuilder()
        .name("novelist")
        .subAgents(
            AgenticServices.agentBuilder(Writer.class).chatModel(model).build(),
            AgenticServices.agentBuilder(Editor.class).chatModel(model).build())
        .outputKey("story")
        .errorHandler(ctx -> handled.getAndIncrement() == 0
            ? ErrorRecoveryResult.retry() : ErrorRecoveryResult.throwException())
        .listener(LockNAgentListener.create(lc))
        .build();

    Object story = novelist.invoke(Map.of("topic", "dragons"));

    assertThat(story).isEqualTo("Dragons guard their gold.");
    assertThat(handled).hasValue(1);
    SpanData workflow = telemetry.span("invoke_workflow novelist");
    List<SpanData> writers = telemetry.spans().stream()
        .filter(s -> s.getName().equals("invoke_agent writer")).toList();
    assertThat(writers).hasSize(2);
    assertThat(writers.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(writers.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    writers.forEach(w -> assertChildOf(w, workflow));
    assertChildOf(telemetry.span("invoke_agent editor"), workflow);
    assertChildOf(chat("msg_w"), writers.get(1));
    assertChildOf(chat("msg_e"), telemetry.span("invoke_agent editor"));
    assertThat(telemetry.spans()).hasSize(7);
    assertThat(workflow.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }
}
