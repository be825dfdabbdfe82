package io.lockn.langchain4j;

import static io.lockn.langchain4j.Telemetry.nanos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.lockn.core.annotation.AgentTask;
import io.lockn.pricing.CostAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** AI Services on OpenAI: the agent span, its model round trips and tool executions, cost roll-up, failures. */
class OpenAiAiServicesTest extends OpenAiFixture {

  private static final String USAGE_1 = OpenAiJson.usage(1000, 0, 20, 0);
  private static final String USAGE_2 = OpenAiJson.usage(1100, 1000, 30, 0);
  /** gpt-4o: 1000 input + 20 output, then 100 uncached + 1000 cache reads + 30 output. */
  private static final long COST_1 = nanos(1000, "2.50") + nanos(20, "10.00");
  private static final long COST_2 = nanos(100, "2.50") + nanos(1000, "1.25") + nanos(30, "10.00");

  private ExecutorService executor;

  @AfterEach
  void shutDownExecutor() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  interface Assistant {
    String chat(@MemoryId String user, @UserMessage String message);
  }

  interface BillingAgent {
    @AgentTask(agent = "billing-bot", task = "answer")
    String answer(String question);
  }

  /** The application's tools; each execution takes at least 50 ms. */
  static final class BillingTools {
    final List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile CountDownLatch together;

    @Tool("Finds an invoice")
    String invoice(@P("invoice id") String id) throws InterruptedException {
      threads.add(Thread.currentThread().getName());
      CountDownLatch latch = together;
      if (latch != null) {
        latch.countDown();
        // Both tool calls of the turn must be running at the same time.
        assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
      }
      Thread.sleep(50);
      return "Invoice " + id + ": 42 USD, paid";
    }

    @Tool("Refunds an invoice")
    String refund(@P("invoice id") String id) {
      throw new IllegalStateException("ledger offline for " + id);
    }
  }

  private <T> AiServices<T> service(Class<T> type, Object tools) {
    return lc.instrument(AiServices.builder(type))
        .chatModel(lc.decorate(openAiChat("gpt-4o").build()))
        .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
        .tools(tools);
  }

  private void enqueueToolTurn(String... toolCalls) {
    stub.enqueue(
        ProviderStub.json(200, OpenAiJson.toolCalls("chatcmpl-t1", "gpt-4o-2024-08-06", USAGE_1, toolCalls)));
  }

  private void enqueueToolTurnThenAnswer(String... toolCalls) {
    enqueueToolTurn(toolCalls);
    stub.enqueue(
        ProviderStub.json(200, OpenAiJson.completion("chatcmpl-t2", "gpt-4o-2024-08-06", "It is paid.", USAGE_2)));
  }

  @Test
  void toolLoop_isOneAgentSpanWithBothRoundTripsAndTheToolAsChildren() {
    enqueueToolTurnThenAnswer(OpenAiJson.toolCall("call_1", "invoice", "{\"id\":\"A-1\"}"));
    BillingTools tools = new BillingTools();
    Assistant assistant = service(Assistant.class, tools).build();

    String answer = assistant.chat("user-7", "Is invoice A-1 paid?");

    assertThat(answer).isEqualTo("It is paid.");
    assertThat(stub.requestCount()).isEqualTo(2);
    // Tools are listed in reflection order, which the JVM does not fix.
    assertThat(stub.request(0).json().findValuesAsText("name")).contains("invoice");
    assertThat(stub.request(1).json().at("/messages/2/tool_call_id").asText()).isEqualTo("call_1");
    assertThat(stub.request(1).json().at("/messages/2/content").asText()).isEqualTo("Invoice A-1: 42 USD, paid");

    assertThat(telemetry.names())
        .containsExactly("chat gpt-4o", "execute_tool invoice", "chat gpt-4o", "invoke_agent Assistant.chat");
    List<SpanData> spans = telemetry.spans();
    SpanData firstChat = spans.get(0);
    SpanData tool = spans.get(1);
    SpanData secondChat = spans.get(2);
    SpanData agent = spans.get(3);

    assertThat(agent.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(agent.getParentSpanContext().isValid()).isFalse();
    assertThat(agent.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(agent.getAttributes().get(GenAiAttributes.GEN_AI_OPERATION_NAME)).isEqualTo("invoke_agent");
    assertThat(agent.getAttributes().get(GenAiAttributes.GEN_AI_AGENT_NAME)).isEqualTo("Assistant.chat");
    assertThat(agent.getAttributes().get(GenAiAttributes.GEN_AI_CONVERSATION_ID)).isEqualTo("user-7");
    for (SpanData child : List.of(firstChat, tool, secondChat)) {
      assertThat(child.getParentSpanContext()).as(child.getName()).isEqualTo(agent.getSpanContext());
    }
    assertThat(firstChat.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(firstChat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS))
        .containsExactly("tool_call");
    assertThat(secondChat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS))
        .containsExactly("stop");

    assertThat(tool.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(tool.getAttributes().get(GenAiAttributes.GEN_AI_OPERATION_NAME)).isEqualTo("execute_tool");
    assertThat(tool.getAttributes().get(GenAiAttributes.GEN_AI_TOOL_NAME)).isEqualTo("invoice");
    assertThat(tool.getAttributes().get(GenAiAttributes.GEN_AI_TOOL_CALL_ID)).isEqualTo("call_1");
    assertThat(tool.getAttributes().get(GenAiAttributes.GEN_AI_TOOL_TYPE)).isEqualTo("function");
    assertThat(tool.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    // The tool span covers the tool's own work, between the two round trips.
    assertThat(tool.getEndEpochNanos() - tool.getStartEpochNanos()).isGreaterThanOrEqualTo(50_000_000L);
    assertThat(tool.getStartEpochNanos()).isGreaterThanOrEqualTo(firstChat.getEndEpochNanos());
    assertThat(tool.getEndEpochNanos()).isLessThanOrEqualTo(secondChat.getStartEpochNanos());

    assertThat(firstChat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(COST_1).isEqualTo(2_700_000L);
    assertThat(secondChat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(COST_2).isEqualTo(1_800_000L);
    assertThat(agent.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(COST_1 + COST_2);
    assertThat(agent.getAttributes().get(CostAttributes.ROLLUP_CALLS)).isEqualTo(2L);
    assertThat(agent.getAttributes().get(CostAttributes.ROLLUP_UNPRICED_CALLS)).isNull();
    assertThat(tool.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isNull();
    assertThat(Span.current().getSpanContext()).isEqualTo(SpanContext.getInvalid());
  }

  @Test
  void agentTaskAnnotation_namesTheAgentAndTask() {
    stub.enqueue(ProviderStub.json(200, OpenAiJson.completion("c", "gpt-4o", "Hi", USAGE_1)));
    BillingAgent agent = service(BillingAgent.class, new BillingTools()).build();

    agent.answer("Hello");

    SpanData span = telemetry.span("invoke_agent billing-bot");
    assertThat(span.getAttributes().get(GenAiAttributes.GEN_AI_AGENT_NAME)).isEqualTo("billing-bot");
    assertThat(span.getAttributes().get(LockNAttributes.TASK_NAME)).isEqualTo("answer");
    // No @MemoryId: the default memory id is not a conversation.
    assertThat(span.getAttributes().get(GenAiAttributes.GEN_AI_CONVERSATION_ID)).isNull();
    SpanData chat = telemetry.span("chat gpt-4o");
    assertThat(chat.getParentSpanContext()).isEqualTo(span.getSpanContext());
    assertThat(chat.getAttributes().get(LockNAttributes.TASK_NAME)).isEqualTo("answer");
  }

  /** A tool that calls a model itself: that call nests under the tool's span, and its cost rolls up to the agent. */
  @Test
  void modelCallInsideATool_nestsUnderTheToolSpan() {
    ChatModel summarizer = lc.decorate(openAiChat("gpt-4o-mini").build());
    Object tools = new Object() {
      @Tool("Summarizes an invoice")
      String summarize(@P("invoice id") String id) {
        return summarizer.chat("Summarize invoice " + id);
      }
    };
    stub.enqueue(
        ProviderStub.json(200, OpenAiJson.toolCalls("chatcmpl-t1", "gpt-4o", USAGE_1,
            OpenAiJson.toolCall("call_9", "summarize", "{\"id\":\"A-1\"}"))),
        ProviderStub.json(200, OpenAiJson.completion("chatcmpl-in", "gpt-4o-mini", "Paid, 42 USD.",
            OpenAiJson.usage(400, 0, 10, 0))),
        ProviderStub.json(200, OpenAiJson.completion("chatcmpl-t2", "gpt-4o", "It is paid.", USAGE_2)));
    Assistant assistant = service(Assistant.class, tools).build();

    assertThat(assistant.chat("user-7", "Summarize A-1")).isEqualTo("It is paid.");

    assertThat(stub.request(1).json().get("model").asText()).isEqualTo("gpt-4o-mini");
    SpanData agent = telemetry.span("invoke_agent Assistant.chat");
    SpanData tool = telemetry.span("execute_tool summarize");
    SpanData inner = telemetry.span("chat gpt-4o-mini");
    assertThat(tool.getParentSpanContext()).isEqualTo(agent.getSpanContext());
    assertThat(inner.getParentSpanContext()).isEqualTo(tool.getSpanContext());
    assertThat(telemetry.spans().stream().filter(s -> s.getName().equals("chat gpt-4o")))
        .hasSize(2)
        .allSatisfy(s -> assertThat(s.getParentSpanContext()).isEqualTo(agent.getSpanContext()));
    long innerCost = nanos(400, "0.15") + nanos(10, "0.60");
    assertThat(inner.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(innerCost).isEqualTo(66_000L);
    assertThat(tool.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isNull();
    assertThat(agent.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(COST_1 + COST_2 + innerCost);
    assertThat(agent.getAttributes().get(CostAttributes.ROLLUP_CALLS)).isEqualTo(3L);
  }

  @Test
  void concurrentTools_areBothChildrenOfTheAgent() {
    executor = Executors.newFixedThreadPool(2, r -> new Thread(r, "tool-pool"));
    enqueueToolTurnThenAnswer(
        OpenAiJson.toolCall("call_a", "invoice", "{\"id\":\"A-1\"}"),
        OpenAiJson.toolCall("call_b", "invoice", "{\"id\":\"B-2\"}"));
    BillingTools tools = new BillingTools();
    tools.together = new CountDownLatch(2);
    Assistant assistant = service(Assistant.class, tools).executeToolsConcurrently(lc.contextPropagating(executor))
        .build();

    assertThat(assistant.chat("user-7", "Are A-1 and B-2 paid?")).isEqualTo("It is paid.");

    assertThat(tools.threads).containsOnly("tool-pool").hasSize(2);
    SpanData agent = telemetry.span("invoke_agent Assistant.chat");
    List<SpanData> toolSpans =
        telemetry.spans().stream().filter(s -> s.getName().equals("execute_tool invoice")).toList();
    assertThat(toolSpans).hasSize(2)
        .allSatisfy(s -> assertThat(s.getParentSpanContext()).isEqualTo(agent.getSpanContext()));
    assertThat(toolSpans).extracting(s -> s.getAttributes().get(GenAiAttributes.GEN_AI_TOOL_CALL_ID))
        .containsExactlyInAnyOrder("call_a", "call_b");
    // They ran at the same time.
    SpanData a = toolSpans.get(0);
    SpanData b = toolSpans.get(1);
    assertThat(a.getStartEpochNanos()).isLessThan(b.getEndEpochNanos());
    assertThat(b.getStartEpochNanos()).isLessThan(a.getEndEpochNanos());
    assertThat(agent.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(COST_1 + COST_2);
  }

  /** By default LangChain4j sends a tool's exception to the model as the result: the tool span is failed. */
  @Test
  void failingTool_withTheDefaultErrorHandler_failsOnlyTheToolSpan() {
    enqueueToolTurnThenAnswer(OpenAiJson.toolCall("call_r", "refund", "{\"id\":\"A-1\"}"));
    Assistant assistant = service(Assistant.class, new BillingTools()).build();

    assertThat(assistant.chat("user-7", "Refund A-1")).isEqualTo("It is paid.");

    assertThat(stub.request(1).json().at("/messages/2/content").asText()).isEqualTo("ledger offline for A-1");
    SpanData tool = telemetry.span("execute_tool refund");
    assertThat(tool.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(tool.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo("tool_error");
    assertThat(telemetry.span("invoke_agent Assistant.chat").getStatus().getStatusCode())
        .isEqualTo(StatusCode.UNSET);
  }

  @Test
  void failingTool_rethrownByTheApplication_passesThroughAndFailsTheAgent() {
    // The exception ends each invocation after its first round trip.
    enqueueToolTurn(OpenAiJson.toolCall("call_r", "refund", "{\"id\":\"A-1\"}"));
    enqueueToolTurn(OpenAiJson.toolCall("call_r", "refund", "{\"id\":\"A-1\"}"));
    Assistant plain = AiServices.builder(Assistant.class)
        .chatModel(openAiChat("gpt-4o").build())
        .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
        .tools(new BillingTools())
        .toolExecutionErrorHandler(OpenAiAiServicesTest::rethrow)
        .build();
    Assistant assistant = service(Assistant.class, new BillingTools())
        .toolExecutionErrorHandler(OpenAiAiServicesTest::rethrow)
        .build();

    Throwable without = catchThrowable(() -> plain.chat("user-7", "Refund A-1"));
    Throwable with = catchThrowable(() -> assistant.chat("user-7", "Refund A-1"));

    assertThat(without).isInstanceOf(IllegalStateException.class).hasMessage("ledger offline for A-1");
    assertThat(with).hasSameClassAs(without).hasMessage(without.getMessage());
    SpanData agent = telemetry.span("invoke_agent Assistant.chat");
    SpanData tool = telemetry.span("execute_tool refund");
    assertThat(agent.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(agent.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo(IllegalStateException.class.getName());
    assertThat(tool.getParentSpanContext()).isEqualTo(agent.getSpanContext());
    assertThat(tool.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(agent.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(COST_1);
  }

  /**
   * A tool that fails on a pool thread, with the after-hook skipped: the tool's span is ended by the invocation, and
   * nothing of it stays behind on the pool thread to adopt later, unrelated model calls.
   */
  @Test
  void failingConcurrentTool_leavesNoParentBehindOnThePoolThread() throws Exception {
    executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "tool-pool"));
    enqueueToolTurn(
        OpenAiJson.toolCall("call_r", "refund", "{\"id\":\"A-1\"}"),
        OpenAiJson.toolCall("call_i", "invoice", "{\"id\":\"B-2\"}"));
    Assistant assistant = service(Assistant.class, new BillingTools())
        .executeToolsConcurrently(lc.contextPropagating(executor))
        .toolExecutionErrorHandler(OpenAiAiServicesTest::rethrow)
        .build();

    assertThat(catchThrowable(() -> assistant.chat("user-7", "Refund A-1"))).isInstanceOf(IllegalStateException.class);
    stub.enqueue(ProviderStub.json(200, OpenAiJson.completion("c", "gpt-4o-mini", "ok", USAGE_1)));
    ChatModel model = lc.decorate(openAiChat("gpt-4o-mini").build());
    executor.submit(() -> model.chat("unrelated")).get(10, TimeUnit.SECONDS);

    SpanData unrelated = telemetry.span("chat gpt-4o-mini");
    assertThat(unrelated.getParentSpanContext().isValid()).isFalse();
    SpanData refund = telemetry.span("execute_tool refund");
    assertThat(refund.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  void providerError_passesThroughAndFailsTheAgent() {
    String error = OpenAiJson.error("server_error", "The server had an error");
    stub.enqueue(ProviderStub.json(500, error), ProviderStub.json(500, error));
    Assistant plain = AiServices.builder(Assistant.class)
        .chatModel(openAiChat("gpt-4o").build())
        .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
        .build();
    Assistant assistant = service(Assistant.class, new BillingTools()).build();

    Throwable without = catchThrowable(() -> plain.chat("user-7", "Hello"));
    Throwable with = catchThrowable(() -> assistant.chat("user-7", "Hello"));

    assertThat(with).isInstanceOf(InternalServerException.class).hasSameClassAs(without)
        .hasMessage(without.getMessage());
    assertThat(telemetry.names()).containsExactly("chat gpt-4o", "invoke_agent Assistant.chat");
    SpanData agent = telemetry.span("invoke_agent Assistant.chat");
    SpanData chat = telemetry.span("chat gpt-4o");
    assertThat(chat.getParentSpanContext()).isEqualTo(agent.getSpanContext());
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(agent.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(agent.getAttributes().get(GenAiAttributes.ERROR_TYPE))
        .isEqualTo(InternalServerException.class.getName());
    assertThat(agent.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isNull();
  }

  @Test
  void chatModelListener_alsoNestsTheRoundTripsUnderTheAgent() {
    enqueueToolTurnThenAnswer(OpenAiJson.toolCall("call_1", "invoice", "{\"id\":\"A-1\"}"));
    Assistant assistant = lc.instrument(AiServices.builder(Assistant.class))
        .chatModel(openAiChat("gpt-4o").listeners(List.of(lc.chatModelListener())).build())
        .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
        .tools(new BillingTools())
        .build();

    assistant.chat("user-7", "Is invoice A-1 paid?");

    SpanData agent = telemetry.span("invoke_agent Assistant.chat");
    assertThat(telemetry.spans()).hasSize(4)
        .filteredOn(s -> s != agent)
        .allSatisfy(s -> assertThat(s.getParentSpanContext()).isEqualTo(agent.getSpanContext()));
    assertThat(agent.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(COST_1 + COST_2);
  }

  private static ToolErrorHandlerResult rethrow(Throwable error, Object context) {
    if (error instanceof RuntimeException e) {
      throw e;
    }
    throw new IllegalStateException(error);
  }
}
