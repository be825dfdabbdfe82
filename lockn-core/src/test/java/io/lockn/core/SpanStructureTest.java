package io.lockn.core;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThatThrownBy;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Span names, kinds, parent/child links and attributes of every LockN operation, and how the scopes run code. */
class SpanStructureTest {

  private static final AttributeKey<String> TENANT = AttributeKey.stringKey("app.tenant_id");

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final CapturingSampler sampler = new CapturingSampler();
  private OpenTelemetrySdk otel;
  private LockN lockn;

  @BeforeEach
  void setUp() {
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setSampler(sampler)
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build();
    lockn = LockN.builder().setOpenTelemetry(otel).setSemconvProfile(SemconvProfile.V1_41).build();
  }

  @AfterEach
  void tearDown() {
    otel.close();
  }

  // ---- structure: names, kinds, parents ----

  @Test
  void nestedOperations_haveSemconvNamesKindsAndParents() {
    lockn.workflow("support").run(() ->
        lockn.agent("router").run(() -> {
          lockn.task("triage").agent("triager").run(() ->
              lockn.task("classify").run(() ->
                  lockn.tool("lookup_order").run(() -> {
                    lockn.chat(GenAiProvider.OPENAI, "gpt-4o-mini").run(() -> {});
                    lockn.embeddings(GenAiProvider.OPENAI, "text-embedding-3-small").run(() -> {});
                  })));
          lockn.createAgent(GenAiProvider.OPENAI, "helper").run(() -> {});
        }));

    assertThat(exporter.getFinishedSpanItems()).hasSize(8);
    SpanData workflow = span("invoke_workflow support");
    SpanData router = span("invoke_agent router");
    SpanData triager = span("invoke_agent triager");
    SpanData classify = span("task classify");
    SpanData tool = span("execute_tool lookup_order");
    SpanData chat = span("chat gpt-4o-mini");
    SpanData embeddings = span("embeddings text-embedding-3-small");
    SpanData create = span("create_agent helper");

    assertThat(workflow).hasKind(SpanKind.INTERNAL).hasNoParent();
    assertThat(router).hasKind(SpanKind.INTERNAL).hasParent(workflow);
    assertThat(triager).hasKind(SpanKind.INTERNAL).hasParent(router);
    assertThat(classify).hasKind(SpanKind.INTERNAL).hasParent(triager);
    assertThat(tool).hasKind(SpanKind.INTERNAL).hasParent(classify);
    assertThat(chat).hasKind(SpanKind.CLIENT).hasParent(tool);
    assertThat(embeddings).hasKind(SpanKind.CLIENT).hasParent(tool);
    assertThat(create).hasKind(SpanKind.CLIENT).hasParent(router);
    assertThat(exporter.getFinishedSpanItems())
        .extracting(SpanData::getTraceId)
        .containsOnly(workflow.getTraceId());
  }

  @Test
  void llm_otherInferenceOperations_nameIsOperationAndModel() {
    lockn.llm(GenAiOperation.GENERATE_CONTENT, GenAiProvider.GCP_GEMINI, "gemini-1.5-pro").run(() -> {});
    lockn.llm(GenAiOperation.TEXT_COMPLETION, GenAiProvider.OPENAI, "gpt-3.5-turbo-instruct").run(() -> {});

    assertThat(span("generate_content gemini-1.5-pro"))
        .hasKind(SpanKind.CLIENT)
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "generate_content"),
            equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "gcp.gemini"),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gemini-1.5-pro"));
    assertThat(span("text_completion gpt-3.5-turbo-instruct"))
        .hasKind(SpanKind.CLIENT)
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "text_completion"),
            equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai"),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-3.5-turbo-instruct"));
  }

  // ---- attributes per span kind ----

  @Test
  void workflow_setsOperationWorkflowNameAndConversationId() {
    lockn.workflow("support").conversationId("conv-1").run(() -> {});

    assertThat(span("invoke_workflow support"))
        .hasKind(SpanKind.INTERNAL)
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "invoke_workflow"),
            equalTo(GenAiAttributes.GEN_AI_WORKFLOW_NAME, "support"),
            equalTo(GenAiAttributes.GEN_AI_CONVERSATION_ID, "conv-1"));
  }

  @Test
  void agent_setsEveryAgentAttribute() {
    lockn.agent("support-bot")
        .id("asst_123")
        .description("Answers support tickets")
        .version("2.1.0")
        .provider(GenAiProvider.ANTHROPIC)
        .requestModel("claude-sonnet-4")
        .conversationId("conv-9")
        .task("answer")
        .attribute(AttributeKey.stringKey("app.channel"), "email")
        .run(() -> {});

    assertThat(span("invoke_agent support-bot"))
        .hasKind(SpanKind.INTERNAL)
        .hasNoParent()
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "invoke_agent"),
            equalTo(GenAiAttributes.GEN_AI_AGENT_NAME, "support-bot"),
            equalTo(GenAiAttributes.GEN_AI_AGENT_ID, "asst_123"),
            equalTo(GenAiAttributes.GEN_AI_AGENT_DESCRIPTION, "Answers support tickets"),
            equalTo(GenAiAttributes.GEN_AI_AGENT_VERSION, "2.1.0"),
            equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "anthropic"),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "claude-sonnet-4"),
            equalTo(GenAiAttributes.GEN_AI_CONVERSATION_ID, "conv-9"),
            equalTo(LockNAttributes.TASK_NAME, "answer"),
            equalTo(AttributeKey.stringKey("app.channel"), "email"));
  }

  @Test
  void agent_withOnlyName_setsOperationAndNameOnly() {
    lockn.agent("bare").run(() -> {});

    assertThat(span("invoke_agent bare"))
        .hasKind(SpanKind.INTERNAL)
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "invoke_agent"),
            equalTo(GenAiAttributes.GEN_AI_AGENT_NAME, "bare"));
  }

  @Test
  void createAgent_isClientSpanWithProviderAndAgentAttributes() {
    lockn.createAgent(GenAiProvider.AZURE_AI_INFERENCE, "math-tutor")
        .id("asst_5j66")
        .description("Helps with math")
        .version("1")
        .requestModel("gpt-4o")
        .run(() -> {});

    assertThat(span("create_agent math-tutor"))
        .hasKind(SpanKind.CLIENT)
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "create_agent"),
            equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "azure.ai.inference"),
            equalTo(GenAiAttributes.GEN_AI_AGENT_NAME, "math-tutor"),
            equalTo(GenAiAttributes.GEN_AI_AGENT_ID, "asst_5j66"),
            equalTo(GenAiAttributes.GEN_AI_AGENT_DESCRIPTION, "Helps with math"),
            equalTo(GenAiAttributes.GEN_AI_AGENT_VERSION, "1"),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o"));
  }

  @Test
  void taskWithoutAgent_isInternalTaskSpanCarryingTaskNameAndEnclosingAgent() {
    lockn.task("standalone").run(() -> {});
    lockn.agent("bot").run(() -> lockn.task("nested").run(() -> {}));

    assertThat(span("task standalone"))
        .hasKind(SpanKind.INTERNAL)
        .hasAttributesSatisfyingExactly(equalTo(LockNAttributes.TASK_NAME, "standalone"));
    assertThat(span("task nested"))
        .hasKind(SpanKind.INTERNAL)
        .hasParent(span("invoke_agent bot"))
        .hasAttributesSatisfyingExactly(
            equalTo(LockNAttributes.TASK_NAME, "nested"), equalTo(LockNAttributes.AGENT_NAME, "bot"));
  }

  @Test
  void taskWithAgent_isInvokeAgentSpanCarryingTaskName() {
    lockn.task("triage").agent("support-bot").run(() -> {});

    assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    assertThat(span("invoke_agent support-bot"))
        .hasKind(SpanKind.INTERNAL)
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "invoke_agent"),
            equalTo(GenAiAttributes.GEN_AI_AGENT_NAME, "support-bot"),
            equalTo(LockNAttributes.TASK_NAME, "triage"));
  }

  @Test
  void tool_setsToolAttributesAndEnclosingAgentAndTask() {
    lockn.task("refunds").agent("billing").run(() ->
        lockn.tool("issue_refund")
            .callId("call_VSPygqKTWdrhaFErNvMV18Yl")
            .type("function")
            .description("Issues a refund for an order")
            .run(() -> {}));

    assertThat(span("execute_tool issue_refund"))
        .hasKind(SpanKind.INTERNAL)
        .hasParent(span("invoke_agent billing"))
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "execute_tool"),
            equalTo(GenAiAttributes.GEN_AI_TOOL_NAME, "issue_refund"),
            equalTo(GenAiAttributes.GEN_AI_TOOL_CALL_ID, "call_VSPygqKTWdrhaFErNvMV18Yl"),
            equalTo(GenAiAttributes.GEN_AI_TOOL_TYPE, "function"),
            equalTo(GenAiAttributes.GEN_AI_TOOL_DESCRIPTION, "Issues a refund for an order"),
            equalTo(LockNAttributes.AGENT_NAME, "billing"),
            equalTo(LockNAttributes.TASK_NAME, "refunds"));
  }

  @Test
  void tool_outsideAnyAgent_setsOnlyOperationAndToolName() {
    lockn.tool("search").run(() -> {});

    assertThat(span("execute_tool search"))
        .hasKind(SpanKind.INTERNAL)
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "execute_tool"),
            equalTo(GenAiAttributes.GEN_AI_TOOL_NAME, "search"));
  }

  @Test
  void chat_setsEveryRequestAttribute() {
    lockn.agent("bot").task("answer").run(() ->
        lockn.chat(GenAiProvider.OPENAI, "gpt-4o")
            .server("api.openai.com", 443)
            .maxTokens(512)
            .temperature(0.2)
            .topP(0.9)
            .stream(true)
            .conversationId("conv-3")
            .run(() -> {}));

    assertThat(span("chat gpt-4o"))
        .hasKind(SpanKind.CLIENT)
        .hasParent(span("invoke_agent bot"))
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat"),
            equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai"),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o"),
            equalTo(GenAiAttributes.SERVER_ADDRESS, "api.openai.com"),
            equalTo(GenAiAttributes.SERVER_PORT, 443L),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_MAX_TOKENS, 512L),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_TEMPERATURE, 0.2),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_TOP_P, 0.9),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_STREAM, true),
            equalTo(GenAiAttributes.GEN_AI_CONVERSATION_ID, "conv-3"),
            equalTo(LockNAttributes.AGENT_NAME, "bot"),
            equalTo(LockNAttributes.TASK_NAME, "answer"));
  }

  @Test
  void chat_withDefaults_setsOnlyRequiredAttributesAndNoDeprecatedSystem() {
    lockn.chat(GenAiProvider.MISTRAL_AI, "mistral-large").stream(false).run(() -> {});

    assertThat(span("chat mistral-large"))
        .hasKind(SpanKind.CLIENT)
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat"),
            equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "mistral_ai"),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "mistral-large"));
  }

  @Test
  void embeddings_isClientSpanNamedAfterModel() {
    lockn.embeddings(GenAiProvider.COHERE, "embed-english-v3.0").server("api.cohere.com", 8443).run(() -> {});

    assertThat(span("embeddings embed-english-v3.0"))
        .hasKind(SpanKind.CLIENT)
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "embeddings"),
            equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "cohere"),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "embed-english-v3.0"),
            equalTo(GenAiAttributes.SERVER_ADDRESS, "api.cohere.com"),
            equalTo(GenAiAttributes.SERVER_PORT, 8443L));
  }

  @Test
  void taskName_isInheritedByEveryDescendantUntilOverridden() {
    lockn.workflow("support").run(() ->
        lockn.agent("router").task("triage").run(() -> {
          lockn.agent("sub").run(() -> lockn.tool("kb").run(() ->
              lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {})));
          lockn.task("summarise").run(() -> lockn.tool("summariser").run(() -> {}));
          lockn.tool("after").run(() -> {});
        }));

    assertThat(span("invoke_workflow support").getAttributes().get(LockNAttributes.TASK_NAME)).isNull();
    assertThat(span("invoke_agent router")).hasAttribute(LockNAttributes.TASK_NAME, "triage");
    assertThat(span("invoke_agent sub")).hasAttribute(LockNAttributes.TASK_NAME, "triage");
    assertThat(span("execute_tool kb")).hasAttribute(LockNAttributes.TASK_NAME, "triage");
    assertThat(span("chat gpt-4o")).hasAttribute(LockNAttributes.TASK_NAME, "triage");
    assertThat(span("task summarise")).hasAttribute(LockNAttributes.TASK_NAME, "summarise");
    assertThat(span("execute_tool summariser")).hasAttribute(LockNAttributes.TASK_NAME, "summarise");
    assertThat(span("execute_tool after")).hasAttribute(LockNAttributes.TASK_NAME, "triage");
  }

  @Test
  void agentName_onToolAndModelSpans_isNearestEnclosingAgent() {
    lockn.agent("outer").run(() -> {
      lockn.tool("outer-tool").run(() -> {});
      lockn.task("step").agent("inner").run(() -> lockn.chat(GenAiProvider.OPENAI, "inner-model").run(() -> {}));
      lockn.task("plain").run(() -> lockn.chat(GenAiProvider.OPENAI, "outer-model").run(() -> {}));
    });
    lockn.chat(GenAiProvider.OPENAI, "no-agent-model").run(() -> {});

    assertThat(span("execute_tool outer-tool")).hasAttribute(LockNAttributes.AGENT_NAME, "outer");
    assertThat(span("chat inner-model")).hasAttribute(LockNAttributes.AGENT_NAME, "inner");
    assertThat(span("chat outer-model")).hasAttribute(LockNAttributes.AGENT_NAME, "outer");
    assertThat(span("chat no-agent-model").getAttributes().get(LockNAttributes.AGENT_NAME)).isNull();
  }

  @Test
  void baggageAttribution_isCopiedOntoEverySpan() {
    lockn.attribution().tenant("acme").run(() ->
        lockn.agent("bot").run(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {})));

    assertThat(span("invoke_agent bot")).hasAttribute(TENANT, "acme");
    assertThat(span("chat gpt-4o")).hasAttribute(TENANT, "acme");
  }

  // ---- sampling-relevant attributes are on the builder ----

  @Test
  void modelCall_samplingAttributesAreOnBuilderBeforeStart() {
    lockn.attribution().tenant("acme").run(() ->
        lockn.chat(GenAiProvider.OPENAI, "gpt-4o").server("api.openai.com", 443).run(() -> {}));

    Attributes seen = sampler.attributes("chat gpt-4o");
    assertThat(sampler.kind("chat gpt-4o")).isEqualTo(SpanKind.CLIENT);
    assertThat(seen)
        .containsEntry(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat")
        .containsEntry(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai")
        .containsEntry(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o")
        .containsEntry(GenAiAttributes.SERVER_ADDRESS, "api.openai.com")
        .containsEntry(GenAiAttributes.SERVER_PORT, 443L)
        .containsEntry(TENANT, "acme");
  }

  @Test
  void agent_samplingAttributesAreOnBuilderBeforeStart() {
    lockn.agent("support-bot").provider(GenAiProvider.ANTHROPIC).requestModel("claude-sonnet-4").run(() -> {});
    lockn.task("triage").agent("triager").run(() -> {});
    lockn.createAgent(GenAiProvider.OPENAI, "helper").run(() -> {});

    assertThat(sampler.kind("invoke_agent support-bot")).isEqualTo(SpanKind.INTERNAL);
    assertThat(sampler.attributes("invoke_agent support-bot"))
        .containsEntry(GenAiAttributes.GEN_AI_OPERATION_NAME, "invoke_agent")
        .containsEntry(GenAiAttributes.GEN_AI_AGENT_NAME, "support-bot")
        .containsEntry(GenAiAttributes.GEN_AI_PROVIDER_NAME, "anthropic")
        .containsEntry(GenAiAttributes.GEN_AI_REQUEST_MODEL, "claude-sonnet-4");
    assertThat(sampler.attributes("invoke_agent triager"))
        .containsEntry(GenAiAttributes.GEN_AI_OPERATION_NAME, "invoke_agent")
        .containsEntry(GenAiAttributes.GEN_AI_AGENT_NAME, "triager")
        .containsEntry(LockNAttributes.TASK_NAME, "triage");
    assertThat(sampler.kind("create_agent helper")).isEqualTo(SpanKind.CLIENT);
    assertThat(sampler.attributes("create_agent helper"))
        .containsEntry(GenAiAttributes.GEN_AI_OPERATION_NAME, "create_agent")
        .containsEntry(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai")
        .containsEntry(GenAiAttributes.GEN_AI_AGENT_NAME, "helper");
  }

  @Test
  void toolAndWorkflow_samplingAttributesAreOnBuilderBeforeStart() {
    lockn.workflow("support").run(() -> lockn.agent("bot").run(() -> lockn.tool("lookup").run(() -> {})));

    assertThat(sampler.attributes("invoke_workflow support"))
        .containsEntry(GenAiAttributes.GEN_AI_OPERATION_NAME, "invoke_workflow")
        .containsEntry(GenAiAttributes.GEN_AI_WORKFLOW_NAME, "support");
    assertThat(sampler.kind("execute_tool lookup")).isEqualTo(SpanKind.INTERNAL);
    assertThat(sampler.attributes("execute_tool lookup"))
        .containsEntry(GenAiAttributes.GEN_AI_OPERATION_NAME, "execute_tool")
        .containsEntry(GenAiAttributes.GEN_AI_TOOL_NAME, "lookup")
        .containsEntry(LockNAttributes.AGENT_NAME, "bot");
  }

  // ---- start(), startDetached(), parent(Context) ----

  @Test
  void start_tryWithResources_makesSpanCurrentAndRestoresContextOnClose() {
    Context before = Context.current();
    Span inside;
    try (LockNScope agent = lockn.agent("bot").start()) {
      inside = Span.current();
      assertThat(inside).isSameAs(agent.span());
      assertThat(agent.context()).isSameAs(Context.current());
      try (ToolScope tool = lockn.tool("lookup").start()) {
        assertThat(Span.current()).isSameAs(tool.span());
      }
      assertThat(Span.current()).isSameAs(agent.span());
      assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    }
    assertThat(Context.current()).isSameAs(before);
    assertThat(span("execute_tool lookup")).hasParent(span("invoke_agent bot"));
    assertThat(span("invoke_agent bot").getSpanId()).isEqualTo(inside.getSpanContext().getSpanId());
  }

  @Test
  void close_calledTwice_endsSpanOnce() {
    LockNScope scope = lockn.workflow("w").start();
    scope.close();
    scope.close();

    assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    assertThat(Span.current().getSpanContext().isValid()).isFalse();
  }

  @Test
  void startDetached_doesNotBecomeCurrent_andChildrenUseItsContextAsParent() throws Exception {
    Context before = Context.current();
    LockNScope workflow = lockn.workflow("detached").startDetached();
    assertThat(Context.current()).isSameAs(before);
    assertThat(Span.current().getSpanContext().isValid()).isFalse();

    LockNScope agent = lockn.agent("bot").task("t").parent(workflow.context()).startDetached();
    LlmCall call = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").parent(agent.context()).startDetached();
    assertThat(lockn.currentLlmCall().span().getSpanContext().isValid()).isFalse();

    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      other.submit(() -> {
        call.close();
        agent.close();
        workflow.close();
      }).get(10, TimeUnit.SECONDS);
    } finally {
      other.shutdownNow();
    }

    assertThat(Context.current()).isSameAs(before);
    SpanData wf = span("invoke_workflow detached");
    SpanData bot = span("invoke_agent bot");
    assertThat(wf).hasNoParent();
    assertThat(bot).hasParent(wf);
    assertThat(span("chat gpt-4o"))
        .hasParent(bot)
        .hasAttribute(LockNAttributes.AGENT_NAME, "bot")
        .hasAttribute(LockNAttributes.TASK_NAME, "t");
  }

  @Test
  void parent_explicitContext_overridesCurrentContext() {
    LockNScope other = lockn.workflow("other").startDetached();
    lockn.workflow("current").run(() -> {
      lockn.tool("explicit").parent(other.context()).run(() -> {});
      lockn.tool("implicit").run(() -> {});
    });
    other.close();

    assertThat(span("execute_tool explicit")).hasParent(span("invoke_workflow other"));
    assertThat(span("execute_tool implicit")).hasParent(span("invoke_workflow current"));
  }

  @Test
  void parent_rootContext_startsNewTrace() {
    lockn.workflow("outer").run(() -> lockn.agent("fresh").parent(Context.root()).run(() -> {}));

    assertThat(span("invoke_agent fresh")).hasNoParent();
    assertThat(span("invoke_agent fresh").getTraceId()).isNotEqualTo(span("invoke_workflow outer").getTraceId());
  }

  // ---- run / supply / call / decorate ----

  @Test
  void supplyAndCall_returnBodyResultInsideTheSpan() throws Exception {
    String supplied = lockn.agent("a").supply(() -> Span.current().getSpanContext().getSpanId());
    String called = lockn.tool("t").call(() -> Span.current().getSpanContext().getSpanId());

    assertThat(supplied).isEqualTo(span("invoke_agent a").getSpanId());
    assertThat(called).isEqualTo(span("execute_tool t").getSpanId());
    assertThat(span("invoke_agent a")).hasStatus(StatusData.unset());
  }

  @Test
  void run_runsBodyInsideTheSpan() {
    String[] seen = new String[1];
    lockn.workflow("w").run(() -> seen[0] = Span.current().getSpanContext().getSpanId());

    assertThat(seen[0]).isEqualTo(span("invoke_workflow w").getSpanId());
  }

  @Test
  void decorateSupplier_startsNewSpanPerInvocationUnderCallersContext() {
    Supplier<String> decorated =
        lockn.tool("lookup").decorateSupplier(() -> Span.current().getSpanContext().getSpanId());
    assertThat(exporter.getFinishedSpanItems()).isEmpty();

    String first = lockn.agent("first").supply(decorated);
    String second = lockn.agent("second").supply(decorated);

    List<SpanData> tools =
        exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("execute_tool lookup")).toList();
    assertThat(tools).hasSize(2);
    assertThat(tools).extracting(SpanData::getSpanId).containsExactly(first, second);
    assertThat(tools.get(0)).hasParent(span("invoke_agent first")).hasAttribute(LockNAttributes.AGENT_NAME, "first");
    assertThat(tools.get(1))
        .hasParent(span("invoke_agent second"))
        .hasAttribute(LockNAttributes.AGENT_NAME, "second");
  }

  @Test
  void decorateCallable_recordsEachCallAndReturnsResult() throws Exception {
    Callable<Integer> decorated = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").decorateCallable(() -> 42);

    assertThat(decorated.call()).isEqualTo(42);
    assertThat(decorated.call()).isEqualTo(42);

    assertThat(exporter.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .containsExactly("chat gpt-4o", "chat gpt-4o");
  }

  @Test
  void decorateRunnable_recordsEachRunOnTheRunningThread() throws Exception {
    int[] runs = new int[1];
    Runnable decorated = lockn.task("job").decorateRunnable(() -> runs[0]++);
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      other.submit(decorated).get(10, TimeUnit.SECONDS);
    } finally {
      other.shutdownNow();
    }
    decorated.run();

    assertThat(runs[0]).isEqualTo(2);
    assertThat(exporter.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .containsExactly("task job", "task job");
    assertThat(exporter.getFinishedSpanItems()).allSatisfy(s -> assertThat(s).hasNoParent());
  }

  // ---- the host's exceptions ----

  @Test
  void supply_uncheckedException_isRethrownSameInstanceAndRecorded() {
    IllegalStateException boom = new IllegalStateException("boom");

    assertThatThrownBy(() -> lockn.agent("bot").supply(() -> {
      throw boom;
    })).isSameAs(boom);

    assertThat(span("invoke_agent bot"))
        .hasStatus(StatusData.error())
        .hasAttribute(GenAiAttributes.ERROR_TYPE, "java.lang.IllegalStateException")
        .hasException(boom);
  }

  @Test
  void call_checkedException_isRethrownSameInstanceAndRecorded() {
    QuotaExceededException quota = new QuotaExceededException("quota");

    assertThatThrownBy(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o").call(() -> {
      throw quota;
    })).isSameAs(quota);

    assertThat(span("chat gpt-4o"))
        .hasStatus(StatusData.error())
        .hasAttribute(GenAiAttributes.ERROR_TYPE, "io.lockn.core.SpanStructureTest$QuotaExceededException")
        .hasException(quota);
  }

  @Test
  void run_exception_marksOnlyTheFailingSpan() {
    UnsupportedOperationException unsupported = new UnsupportedOperationException("no");

    lockn.agent("bot").run(() -> {
      try {
        lockn.tool("flaky").run(() -> {
          throw unsupported;
        });
      } catch (UnsupportedOperationException expected) {
        assertThat(expected).isSameAs(unsupported);
      }
    });

    assertThat(span("execute_tool flaky"))
        .hasStatus(StatusData.error())
        .hasAttribute(GenAiAttributes.ERROR_TYPE, "java.lang.UnsupportedOperationException")
        .hasException(unsupported);
    assertThat(span("invoke_agent bot")).hasStatus(StatusData.unset()).hasTotalRecordedEvents(0);
    assertThat(span("invoke_agent bot").getAttributes().get(GenAiAttributes.ERROR_TYPE)).isNull();
  }

  @Test
  void decorateCallable_checkedException_isRethrownSameInstance() {
    QuotaExceededException quota = new QuotaExceededException("again");
    Callable<String> decorated = lockn.tool("t").decorateCallable(() -> {
      throw quota;
    });

    assertThatThrownBy(decorated::call).isSameAs(quota);
    assertThat(span("execute_tool t"))
        .hasStatus(StatusData.error())
        .hasAttribute(GenAiAttributes.ERROR_TYPE, QuotaExceededException.class.getName())
        .hasException(quota);
  }

  @Test
  void decorateSupplierAndRunnable_errors_areRethrownSameInstance() {
    AssertionError error = new AssertionError("assert");
    IllegalArgumentException illegal = new IllegalArgumentException("arg");
    Supplier<String> supplier = lockn.task("s").decorateSupplier(() -> {
      throw error;
    });
    Runnable runnable = lockn.task("r").decorateRunnable(() -> {
      throw illegal;
    });

    assertThatThrownBy(supplier::get).isSameAs(error);
    assertThatThrownBy(runnable::run).isSameAs(illegal);
    assertThat(span("task s"))
        .hasStatus(StatusData.error())
        .hasAttribute(GenAiAttributes.ERROR_TYPE, "java.lang.AssertionError");
    assertThat(span("task r"))
        .hasStatus(StatusData.error())
        .hasAttribute(GenAiAttributes.ERROR_TYPE, "java.lang.IllegalArgumentException");
  }

  @Test
  void recordException_onStartedScope_setsErrorTypeStatusAndEvent() {
    IllegalStateException failure = new IllegalStateException("handled");
    try (LockNScope scope = lockn.workflow("w").start()) {
      scope.recordException(failure);
    }

    assertThat(span("invoke_workflow w"))
        .hasStatus(StatusData.error())
        .hasAttribute(GenAiAttributes.ERROR_TYPE, "java.lang.IllegalStateException")
        .hasException(failure);
  }

  @Test
  void recordError_setsErrorTypeAndErrorStatus() {
    try (LlmCall call = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").start()) {
      call.recordError("429");
    }

    assertThat(span("chat gpt-4o"))
        .hasStatus(StatusData.error())
        .hasAttribute(GenAiAttributes.ERROR_TYPE, "429")
        .hasTotalRecordedEvents(0);
  }

  @Test
  void setAttribute_onScope_addsAttribute() {
    try (LockNScope scope = lockn.agent("bot").start()) {
      scope.setAttribute(AttributeKey.longKey("app.items"), 3L);
    }

    assertThat(span("invoke_agent bot")).hasAttribute(AttributeKey.longKey("app.items"), 3L);
  }

  // ---- helpers ----

  private SpanData span(String name) {
    List<SpanData> matching =
        exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(matching).as("finished spans named '%s' among %s", name, names()).hasSize(1);
    return matching.get(0);
  }

  private List<String> names() {
    return exporter.getFinishedSpanItems().stream().map(SpanData::getName).toList();
  }

  static final class QuotaExceededException extends Exception {
    QuotaExceededException(String message) {
      super(message);
    }
  }

  /** Records what the SDK hands the sampler, which is only what was on the span builder before start. */
  static final class CapturingSampler implements Sampler {
    private final Map<String, Attributes> attributes = new ConcurrentHashMap<>();
    private final Map<String, SpanKind> kinds = new ConcurrentHashMap<>();

    @Override
    public SamplingResult shouldSample(
        Context parentContext,
        String traceId,
        String name,
        SpanKind spanKind,
        Attributes spanAttributes,
        List<LinkData> parentLinks) {
      // Copy: the SDK may hand over the builder's live map, which later span.setAttribute calls would fill.
      attributes.put(name, spanAttributes.toBuilder().build());
      kinds.put(name, spanKind);
      return SamplingResult.recordAndSample();
    }

    Attributes attributes(String spanName) {
      Attributes seen = attributes.get(spanName);
      assertThat(seen).as("sampler saw span '%s' (saw %s)", spanName, attributes.keySet()).isNotNull();
      return seen;
    }

    SpanKind kind(String spanName) {
      return kinds.get(spanName);
    }

    @Override
    public String getDescription() {
      return "CapturingSampler";
    }
  }
}
