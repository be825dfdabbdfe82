package io.lockn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.core.annotation.AgentTask;
import io.lockn.core.annotation.AgentTool;
import io.lockn.core.annotation.SpanAttribute;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.ExceptionEventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AnnotatedProxyTest {

  /** A value recorded through its toString(). */
  record Customer(String id, String tier) {
    @Override
    public String toString() {
      return "Customer[" + id + "/" + tier + "]";
    }
  }

  /** The instrumented interface; public so that the proxy's reflective calls need no extra access. */
  public interface SupportAgent {

    @AgentTask(agent = "support-bot", task = "triage", description = "Sorts incoming tickets")
    String triage(
        @SpanAttribute("app.ticket_id") String ticketId,
        @SpanAttribute("app.priority") int priority,
        @SpanAttribute("app.vip") boolean vip,
        @SpanAttribute("app.score") double score,
        @SpanAttribute("app.customer") Customer customer,
        String body);

    @AgentTask
    String summarize(String text);

    @AgentTool(name = "lookup_order", description = "Looks up an order", type = "datastore")
    String lookupOrder(@SpanAttribute("app.order_id") String orderId);

    @AgentTool
    long refund(@SpanAttribute long amountCents, @SpanAttribute("app.note") String note);

    String plain(String text);

    String annotatedOnImplementation(String orderId);

    @AgentTask(agent = "support-bot", task = "escalate")
    String escalate(String reason) throws IOException;

    @AgentTool(name = "charge")
    String charge(String card);

    @AgentTask(agent = "support-bot", task = "answer_async")
    CompletableFuture<String> answerAsync(CompletableFuture<String> pending);

    @AgentTask(agent = "support-bot", task = "handle")
    String handle(String question);
  }

  /** Package-private on purpose: the proxy must not need access to the implementation class. */
  static final class DefaultSupportAgent implements SupportAgent {
    SupportAgent self;
    final List<String> calls = new ArrayList<>();
    IOException checkedFailure;
    RuntimeException uncheckedFailure;

    @Override
    public String triage(String ticketId, int priority, boolean vip, double score, Customer customer, String body) {
      calls.add("triage");
      return "triaged " + ticketId;
    }

    @Override
    public String summarize(String text) {
      return "summary of " + text;
    }

    @Override
    public String lookupOrder(String orderId) {
      return "order " + orderId + " shipped";
    }

    @Override
    public long refund(long amountCents, String note) {
      return amountCents;
    }

    @Override
    public String plain(String text) {
      calls.add("plain");
      return text.toUpperCase();
    }

    @Override
    @AgentTool(name = "impl_lookup", description = "Declared on the implementation")
    public String annotatedOnImplementation(@SpanAttribute("app.order_id") String orderId) {
      return "impl " + orderId;
    }

    @Override
    public String escalate(String reason) throws IOException {
      throw checkedFailure;
    }

    @Override
    public String charge(String card) {
      throw uncheckedFailure;
    }

    @Override
    public CompletableFuture<String> answerAsync(CompletableFuture<String> pending) {
      return pending;
    }

    @Override
    public String handle(String question) {
      return self.lookupOrder("A-1") + " for " + question;
    }

    @Override
    public String toString() {
      return "DefaultSupportAgent";
    }
  }

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider tracerProvider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final LockN lockn =
      LockN.builder()
          .setOpenTelemetry(OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build())
          .setSemconvProfile(SemconvProfile.V1_41)
          .setContentCapture(ContentCapture.disabled())
          .build();
  private final DefaultSupportAgent impl = new DefaultSupportAgent();
  private final SupportAgent agent = lockn.instrument(SupportAgent.class, impl);

  {
    impl.self = agent;
  }

  @AfterEach
  void closeProvider() {
    tracerProvider.close();
  }

  private SpanData onlySpan() {
    assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    return exporter.getFinishedSpanItems().get(0);
  }

  private static ExceptionEventData exceptionEvent(SpanData span) {
    List<EventData> events = span.getEvents();
    assertThat(events).hasSize(1);
    assertThat(events.get(0)).isInstanceOf(ExceptionEventData.class);
    return (ExceptionEventData) events.get(0);
  }

  @Test
  void agentTask_recordsAnInvokeAgentSpanWithAgentTaskAndDescription() {
    String result = agent.triage("T-1", 2, true, 0.75, new Customer("c-9", "gold"), "my order is late");

    assertThat(result).isEqualTo("triaged T-1");
    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("invoke_agent support-bot");
    assertThat(span.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    Attributes attributes = span.getAttributes();
    assertThat(attributes.get(GenAiAttributes.GEN_AI_OPERATION_NAME)).isEqualTo("invoke_agent");
    assertThat(attributes.get(GenAiAttributes.GEN_AI_AGENT_NAME)).isEqualTo("support-bot");
    assertThat(attributes.get(GenAiAttributes.GEN_AI_AGENT_DESCRIPTION)).isEqualTo("Sorts incoming tickets");
    assertThat(attributes.get(LockNAttributes.TASK_NAME)).isEqualTo("triage");
  }

  @Test
  void spanAttribute_recordsEachParameterWithItsType() {
    agent.triage("T-1", 2, true, 0.75, new Customer("c-9", "gold"), "my order is late");

    Attributes attributes = onlySpan().getAttributes();
    assertThat(attributes.get(AttributeKey.stringKey("app.ticket_id"))).isEqualTo("T-1");
    assertThat(attributes.get(AttributeKey.longKey("app.priority"))).isEqualTo(2L);
    assertThat(attributes.get(AttributeKey.booleanKey("app.vip"))).isTrue();
    assertThat(attributes.get(AttributeKey.doubleKey("app.score"))).isEqualTo(0.75);
    assertThat(attributes.get(AttributeKey.stringKey("app.customer"))).isEqualTo("Customer[c-9/gold]");
    assertThat(attributes.get(AttributeKey.stringKey("app.priority"))).isNull();
    assertThat(attributes.asMap().values()).doesNotContain("my order is late");
  }

  @Test
  void spanAttribute_nullArgumentIsNotRecordedAndLongObjectStringIsCut() {
    agent.triage(null, 1, false, 0.0, new Customer("c".repeat(300), "gold"), null);

    Attributes attributes = onlySpan().getAttributes();
    assertThat(attributes.get(AttributeKey.stringKey("app.ticket_id"))).isNull();
    String customer = attributes.get(AttributeKey.stringKey("app.customer"));
    assertThat(customer).hasSize(256).startsWith("Customer[ccc").endsWith("c…");
    assertThat(attributes.get(AttributeKey.booleanKey("app.vip"))).isFalse();
  }

  @Test
  void agentTask_defaultsAgentToTheInterfaceNameAndTaskToTheMethodName() {
    assertThat(agent.summarize("thread")).isEqualTo("summary of thread");

    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("invoke_agent SupportAgent");
    assertThat(span.getAttributes().get(GenAiAttributes.GEN_AI_AGENT_NAME)).isEqualTo("SupportAgent");
    assertThat(span.getAttributes().get(LockNAttributes.TASK_NAME)).isEqualTo("summarize");
    assertThat(span.getAttributes().get(GenAiAttributes.GEN_AI_AGENT_DESCRIPTION)).isNull();
  }

  @Test
  void agentTool_recordsAnExecuteToolSpanWithNameTypeAndDescription() {
    assertThat(agent.lookupOrder("A-1")).isEqualTo("order A-1 shipped");

    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("execute_tool lookup_order");
    assertThat(span.getKind()).isEqualTo(SpanKind.INTERNAL);
    Attributes attributes = span.getAttributes();
    assertThat(attributes.get(GenAiAttributes.GEN_AI_OPERATION_NAME)).isEqualTo("execute_tool");
    assertThat(attributes.get(GenAiAttributes.GEN_AI_TOOL_NAME)).isEqualTo("lookup_order");
    assertThat(attributes.get(GenAiAttributes.GEN_AI_TOOL_TYPE)).isEqualTo("datastore");
    assertThat(attributes.get(GenAiAttributes.GEN_AI_TOOL_DESCRIPTION)).isEqualTo("Looks up an order");
    assertThat(attributes.get(AttributeKey.stringKey("app.order_id"))).isEqualTo("A-1");
  }

  @Test
  void agentTool_defaultsNameToTheMethodNameTypeToFunctionAndKeyToTheParameterName() {
    assertThat(agent.refund(1250L, "late delivery")).isEqualTo(1250L);

    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("execute_tool refund");
    Attributes attributes = span.getAttributes();
    assertThat(attributes.get(GenAiAttributes.GEN_AI_TOOL_NAME)).isEqualTo("refund");
    assertThat(attributes.get(GenAiAttributes.GEN_AI_TOOL_TYPE)).isEqualTo("function");
    assertThat(attributes.get(GenAiAttributes.GEN_AI_TOOL_DESCRIPTION)).isNull();
    assertThat(attributes.get(AttributeKey.longKey("amountCents"))).isEqualTo(1250L);
    assertThat(attributes.get(AttributeKey.stringKey("app.note"))).isEqualTo("late delivery");
  }

  @Test
  void annotationsOnTheImplementationMethodAreRead() {
    assertThat(agent.annotatedOnImplementation("B-2")).isEqualTo("impl B-2");

    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("execute_tool impl_lookup");
    assertThat(span.getAttributes().get(GenAiAttributes.GEN_AI_TOOL_DESCRIPTION))
        .isEqualTo("Declared on the implementation");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("app.order_id"))).isEqualTo("B-2");
  }

  @Test
  void unannotatedMethodPassesThroughWithoutASpan() {
    assertThat(agent.plain("hello")).isEqualTo("HELLO");

    assertThat(impl.calls).containsExactly("plain");
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void objectMethods_workWithoutSpans() {
    SupportAgent other = lockn.instrument(SupportAgent.class, impl);

    assertThat(agent.equals(agent)).isTrue();
    assertThat(agent).isEqualTo(agent);
    assertThat(agent.equals(other)).isFalse();
    assertThat(agent.equals(null)).isFalse();
    assertThat(agent.hashCode()).isEqualTo(agent.hashCode()).isEqualTo(System.identityHashCode(agent));
    assertThat(agent.toString()).isEqualTo("LockN proxy of SupportAgent for DefaultSupportAgent");
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void checkedException_isRethrownAsTheSameInstanceAndRecorded() {
    IOException failure = new IOException("ticket system down");
    impl.checkedFailure = failure;

    assertThatThrownBy(() -> agent.escalate("angry customer")).isSameAs(failure);

    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("invoke_agent support-bot");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo("java.io.IOException");
    assertThat(exceptionEvent(span).getException()).isSameAs(failure);
  }

  @Test
  void runtimeException_isRethrownAsTheSameInstanceAndRecorded() {
    IllegalStateException failure = new IllegalStateException("card declined");
    impl.uncheckedFailure = failure;

    assertThatThrownBy(() -> agent.charge("4111")).isSameAs(failure);

    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("execute_tool charge");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(GenAiAttributes.ERROR_TYPE))
        .isEqualTo("java.lang.IllegalStateException");
    assertThat(exceptionEvent(span).getException()).isSameAs(failure);
  }

  @Test
  void completableFuture_isReturnedUnchangedAndEndsTheSpanOnlyOnCompletion() throws Exception {
    CompletableFuture<String> pending = new CompletableFuture<>();

    CompletableFuture<String> returned = agent.answerAsync(pending);

    assertThat(returned).isSameAs(pending);
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
    assertThat(Span.current().getSpanContext().isValid()).isFalse();

    pending.complete("answer");

    assertThat(returned.get()).isEqualTo("answer");
    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("invoke_agent support-bot");
    assertThat(span.getAttributes().get(LockNAttributes.TASK_NAME)).isEqualTo("answer_async");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void completableFuture_failureIsRecordedWhenTheFutureFails() {
    CompletableFuture<String> pending = new CompletableFuture<>();
    IllegalStateException failure = new IllegalStateException("model timeout");

    CompletionStage<String> returned = agent.answerAsync(pending);
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
    pending.completeExceptionally(failure);

    assertThat(returned).isSameAs(pending);
    SpanData span = onlySpan();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(GenAiAttributes.ERROR_TYPE))
        .isEqualTo("java.lang.IllegalStateException");
    assertThat(exceptionEvent(span).getException()).isSameAs(failure);
  }

  @Test
  void toolCalledInsideATask_nestsUnderTheTaskSpan() {
    assertThat(agent.handle("where is it?")).isEqualTo("order A-1 shipped for where is it?");

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).hasSize(2);
    SpanData tool = spans.get(0);
    SpanData task = spans.get(1);
    assertThat(tool.getName()).isEqualTo("execute_tool lookup_order");
    assertThat(task.getName()).isEqualTo("invoke_agent support-bot");
    assertThat(tool.getTraceId()).isEqualTo(task.getTraceId());
    assertThat(tool.getParentSpanId()).isEqualTo(task.getSpanId());
    assertThat(task.getParentSpanContext().isValid()).isFalse();
    assertThat(tool.getAttributes().get(LockNAttributes.TASK_NAME)).isEqualTo("handle");
    assertThat(tool.getAttributes().get(LockNAttributes.AGENT_NAME)).isEqualTo("support-bot");
  }

  @Test
  void annotatedMethod_recordsOneSpanPerCall() {
    agent.summarize("a");
    agent.summarize("b");

    assertThat(exporter.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .containsExactly("invoke_agent SupportAgent", "invoke_agent SupportAgent");
  }

  @Test
  void instrument_nonInterfaceTypeIsRejected() {
    assertThatThrownBy(() -> lockn.instrument(DefaultSupportAgent.class, impl))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not an interface");
  }

  @Test
  void instrument_noopReturnsTheImplementationItself() {
    assertThat(LockN.noop().instrument(SupportAgent.class, impl)).isSameAs(impl);
  }

  /** Not public: a package-private interface is a legal argument to instrument(). */
  interface PackagePrivateAgent {
    @AgentTask(agent = "internal-bot")
    String work(String input);

    String plain(String input);
  }

  @Test
  void instrument_packagePrivateInterfaceWorks() {
    PackagePrivateAgent target =
        new PackagePrivateAgent() {
          @Override
          public String work(String input) {
            return "worked " + input;
          }

          @Override
          public String plain(String input) {
            return "plain " + input;
          }
        };
    PackagePrivateAgent proxy = lockn.instrument(PackagePrivateAgent.class, target);

    assertThat(proxy.plain("x")).isEqualTo("plain x");
    assertThat(proxy.work("y")).isEqualTo("worked y");
    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("invoke_agent internal-bot");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }
}
