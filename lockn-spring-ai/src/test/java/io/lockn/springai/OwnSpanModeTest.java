package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.errors.InternalServerException;
import io.lockn.budget.Budget;
import io.lockn.budget.Budgets;
import io.lockn.budget.Period;
import io.lockn.budget.Scope;
import io.lockn.core.AttributionKeys;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockN;
import io.lockn.core.LockNAttributes;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.sdk.CostPipeline;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.model.tool.ToolExecutionResult;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.OpenAiEmbeddingModel;
import org.springframework.ai.openai.OpenAiEmbeddingOptions;
import org.springframework.ai.openai.setup.OpenAiSetup;
import org.springframework.ai.support.ToolCallbacks;

/**
 * No tracing bridge: an {@code ObservationRegistry} with only {@link LockNObservationHandler}, so Spring AI's
 * observations have no span of their own and LockN records its own {@code chat}, {@code embeddings} and {@code
 * execute_tool} spans on an OpenTelemetry SDK priced by {@code CostPipeline}. The models are built by hand
 * (no Boot) and talk to a loopback stub.
 */
class OwnSpanModeTest {

  private static final OpenAiStub STUB = new OpenAiStub();
  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  private static final String MODEL = "gpt-4o-2024-08-06";

  private static OpenTelemetrySdk otel;
  private static OpenAiChatModel chatModel;
  private static OpenAiEmbeddingModel embeddingModel;
  private static ToolCallingManager toolCallingManager;

  @BeforeAll
  static void start() {
    otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(CostPipeline.builder(PriceCatalog.bundled()).build())
            .addSpanProcessor(SimpleSpanProcessor.create(SPANS))
            .build())
        .build();
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(new LockNObservationHandler(
        LockN.builder().setOpenTelemetry(otel).build()));
    OpenAIClient client = syncClient(registry);
    chatModel = chatModel(registry);
    embeddingModel = OpenAiEmbeddingModel.builder().openAiClient(client)
        .options(OpenAiEmbeddingOptions.builder().model("text-embedding-3-small").build())
        .observationRegistry(registry).build();
    toolCallingManager = ToolCallingManager.builder().observationRegistry(registry).build();
  }

  private static OpenAIClient syncClient(ObservationRegistry registry) {
    return OpenAiSetup.setupSyncClient(STUB.baseUrl(), "test", null, null, null, null, false, false, "gpt-4o",
        Duration.ofSeconds(10), 0, null, null, registry, null, List.of());
  }

  /** The real OpenAI chat model on the stub, gpt-4o by default, observed by {@code registry}. */
  private static OpenAiChatModel chatModel(ObservationRegistry registry) {
    OpenAIClientAsync asyncClient = OpenAiSetup.setupAsyncClient(STUB.baseUrl(), "test", null, null, null, null,
        false, false, "gpt-4o", Duration.ofSeconds(10), 0, null, null, registry, null, List.of());
    return OpenAiChatModel.builder().openAiClient(syncClient(registry)).openAiClientAsync(asyncClient)
        .options(OpenAiChatOptions.builder().model("gpt-4o").build()).observationRegistry(registry).build();
  }

  @AfterAll
  static void stop() {
    STUB.close();
    otel.close();
  }

  @BeforeEach
  void reset() {
    STUB.reset();
    SPANS.reset();
  }

  private static long nanos(long tokens, String usdPerMillion) {
    return new BigDecimal(usdPerMillion).multiply(BigDecimal.valueOf(tokens)).movePointRight(3).longValueExact();
  }

  private static SpanData onlySpan() {
    List<SpanData> spans = SPANS.getFinishedSpanItems();
    assertThat(spans).hasSize(1);
    return spans.get(0);
  }

  @Test
  void chatCall_ownSpanWithUsagePartsExactCostAndResponseDetails() {
    STUB.json(OpenAiStub.completion(MODEL, "Hello!", 1200, 1000, 300, 120));

    ChatResponse response = chatModel.call(new Prompt("Hi"));

    assertThat(response.getResult().getOutput().getText()).isEqualTo("Hello!");
    SpanData chat = onlySpan();
    assertThat(chat.getName()).isEqualTo("chat gpt-4o");
    assertThat(chat.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(chat.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_OPERATION_NAME)).isEqualTo("chat");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_PROVIDER_NAME)).isEqualTo("openai");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_REQUEST_MODEL)).isEqualTo("gpt-4o");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_MODEL)).isEqualTo(MODEL);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_ID)).isEqualTo("chatcmpl-" + MODEL);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS)).containsExactly("stop");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(1200L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(300L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(1000L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS)).isEqualTo(120L);
    // gpt-4o: 200 uncached at $2.50, 1000 cached at $1.25, 300 output (120 of them reasoning) at $10 per 1M.
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS))
        .isEqualTo(nanos(200, "2.50") + nanos(1000, "1.25") + nanos(300, "10.00"))
        .isEqualTo(4_750_000L);
    // No Spring AI string attributes in this mode: one typed value per name.
    assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.usage.input_tokens"))).isNull();
  }

  @Test
  void chatCall_toolCallFinishReasonAndTheToolsOwnSpan() {
    STUB.json(OpenAiStub.toolCall("chatcmpl-own-tool", MODEL, "call_o1", "weather", "{\"city\":\"Oslo\"}", 80, 15));
    SpringAiToolLoopTest.WeatherTools tools = new SpringAiToolLoopTest.WeatherTools();
    Prompt prompt = new Prompt("Weather in Oslo?",
        OpenAiChatOptions.builder().model("gpt-4o").toolCallbacks(ToolCallbacks.from(tools)).build());

    ChatResponse response = chatModel.call(prompt);
    ToolExecutionResult result = toolCallingManager.executeToolCalls(prompt, response);

    assertThat(tools.cities).containsExactly("Oslo");
    assertThat(result.conversationHistory()).hasSize(3);
    List<SpanData> spans = SPANS.getFinishedSpanItems();
    assertThat(spans).extracting(SpanData::getName).containsExactly("chat gpt-4o", "execute_tool weather");
    SpanData chat = spans.get(0);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS))
        .containsExactly("tool_call");
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS))
        .isEqualTo(nanos(80, "2.50") + nanos(15, "10.00"));
    SpanData tool = spans.get(1);
    assertThat(tool.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(tool.getAttributes().get(GenAiAttributes.GEN_AI_OPERATION_NAME)).isEqualTo("execute_tool");
    assertThat(tool.getAttributes().get(GenAiAttributes.GEN_AI_TOOL_NAME)).isEqualTo("weather");
    assertThat(tool.getAttributes().get(GenAiAttributes.GEN_AI_TOOL_CALL_ID)).isEqualTo("call_o1");
    assertThat(tool.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
  }

  @Test
  void embeddingCall_embeddingsSpanWithUsageAndCost() {
    STUB.json(OpenAiStub.embeddings("text-embedding-3-small", 2, 12));

    EmbeddingResponse response = embeddingModel.call(new EmbeddingRequest(List.of("alpha", "beta"), null));

    assertThat(response.getResults()).hasSize(2);
    assertThat(STUB.paths()).containsExactly("POST /v1/embeddings");
    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("embeddings text-embedding-3-small");
    assertThat(span.getAttributes().get(GenAiAttributes.GEN_AI_OPERATION_NAME)).isEqualTo("embeddings");
    assertThat(span.getAttributes().get(GenAiAttributes.GEN_AI_PROVIDER_NAME)).isEqualTo("openai");
    assertThat(span.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_MODEL)).isEqualTo("text-embedding-3-small");
    assertThat(span.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(12L);
    // text-embedding-3-small: $0.02 per 1M input tokens.
    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(nanos(12, "0.02")).isEqualTo(240L);
  }

  @Test
  void serverError_errorSpanAndTheClientsOwnExceptionType() {
    STUB.status(500, "{\"error\":{\"message\":\"upstream exploded\",\"type\":\"server_error\"}}");

    Throwable thrown = catchThrowable(() -> chatModel.call(new Prompt("Hi")));

    assertThat(thrown).isInstanceOf(InternalServerException.class);
    assertThat(STUB.requests()).hasSize(1);
    SpanData chat = onlySpan();
    assertThat(chat.getName()).isEqualTo("chat gpt-4o");
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(chat.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo(InternalServerException.class.getName());
    assertThat(chat.getEvents()).extracting(EventData::getName).contains("exception");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isNull();
  }

  @Test
  void streamedChat_ownSpanFromTheAggregatedCounts() {
    String id = "chatcmpl-own-stream";
    STUB.sse(OpenAiStub.chunk(id, MODEL, "Hi", null), OpenAiStub.chunk(id, MODEL, " there", "stop"),
        OpenAiStub.usageChunk(id, MODEL, 1200, 1000, 300, 120));

    List<ChatResponse> chunks = chatModel.stream(new Prompt("Hi")).collectList().block(Duration.ofSeconds(10));

    assertThat(chunks).hasSize(3);
    // Spring AI stops the observation in a doFinally, just after the completion reached the subscriber.
    await().atMost(Duration.ofSeconds(10)).until(() -> !SPANS.getFinishedSpanItems().isEmpty());
    SpanData chat = onlySpan();
    assertThat(chat.getName()).isEqualTo("chat gpt-4o");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_REQUEST_STREAM)).isTrue();
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_ID)).isEqualTo(id);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS)).containsExactly("stop");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(1200L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(300L);
    // MessageAggregator keeps no cache or reasoning detail: the cached tokens are priced as uncached input.
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isNull();
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS)).isNull();
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS))
        .isEqualTo(nanos(1200, "2.50") + nanos(300, "10.00"));
  }

  @Test
  void decoratedModel_streamedOwnSpanHasTheProvidersCacheAndReasoningCounts() {
    String id = "chatcmpl-own-stream-decorated";
    STUB.sse(OpenAiStub.chunk(id, MODEL, "Hi", null), OpenAiStub.chunk(id, MODEL, " there", "stop"),
        OpenAiStub.usageChunk(id, MODEL, 1200, 1000, 300, 120));

    List<ChatResponse> chunks = LockNChatModel.decorate(chatModel).stream(new Prompt("Hi")).collectList()
        .block(Duration.ofSeconds(10));

    assertThat(chunks).hasSize(3);
    await().atMost(Duration.ofSeconds(10)).until(() -> !SPANS.getFinishedSpanItems().isEmpty());
    SpanData chat = onlySpan();
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_ID)).isEqualTo(id);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(1200L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(300L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(1000L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS)).isEqualTo(120L);
    // gpt-4o per 1M: 200 uncached at $2.50 = 500,000; 1000 cached at $1.25 = 1,250,000; 300 output at $10 =
    // 3,000,000 (reasoning is output): 4,750,000 nano-USD, as for the same response unstreamed.
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(4_750_000L);
  }

  /**
   * Own-span mode with ChatClient advisors: the budget advisor admits the round trip, so LockN's own chat span is
   * recorded as admitted elsewhere. The LockN instance here has the same {@link Budgets} as its call admission, so a
   * span that asked the budget again would reserve and charge the call a second time.
   */
  @Test
  void chatClientWithBudgetAdvisor_theOwnSpanIsAdmittedElsewhereAndTheBudgetChargedOnce() {
    Budgets budgets = Budgets.builder(PriceCatalog.bundled())
        .addBudget(Budget.builder("tenant-daily").scope(Scope.each("app.tenant_id"))
            .limitUsd("1.00").period(Period.day(ZoneOffset.UTC)).blockAt(100).build())
        .build();
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(new LockNObservationHandler(
        LockN.builder().setOpenTelemetry(otel).setCallAdmission(budgets).build()));
    ChatClient chatClient = ChatClient.builder(chatModel(registry), registry, null, null)
        .defaultAdvisors(LockNContextAdvisor.builder(AttributionKeys.defaults()).build(),
            LockNBudgetAdvisor.builder(budgets).defaultModel("gpt-4o").build())
        .build();
    STUB.json(OpenAiStub.completion(MODEL, "Hello!", 1200, 1000, 300, 120));

    String text = chatClient.prompt("Hi").advisors(a -> a.param("app.tenant_id", "acme-own"))
        .call().content();

    assertThat(text).isEqualTo("Hello!");
    // gpt-4o: 200 uncached at $2.50, 1000 cached at $1.25, 300 output at $10 per 1M; charged once, not twice.
    long oneCall = nanos(200, "2.50") + nanos(1000, "1.25") + nanos(300, "10.00");
    assertThat(oneCall).isEqualTo(4_750_000L);
    assertThat(budgets.status("tenant-daily", "app.tenant_id=acme-own").spent()).isEqualTo(oneCall);
    assertThat(budgets.status("tenant-daily", "app.tenant_id=acme-own").reserved()).isZero();
    // Only Spring AI's model observation becomes a LockN span: the ChatClient and advisor ones do not.
    SpanData chat = onlySpan();
    assertThat(chat.getName()).isEqualTo("chat gpt-4o");
    assertThat(chat.getAttributes().get(LockNAttributes.BUDGET_ADMITTED_MODEL)).isEqualTo("gpt-4o");
    assertThat(chat.getAttributes().get(AttributeKey.stringKey("app.tenant_id"))).isEqualTo("acme-own");
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(oneCall);
  }
}
