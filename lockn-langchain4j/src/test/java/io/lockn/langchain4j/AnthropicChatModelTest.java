package io.lockn.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.lockn.core.SemconvProfile;
import io.lockn.pricing.CostAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Synchronous calls of the real {@link AnthropicChatModel} against {@link ProviderStub}: Anthropic's additive usage
 * (cache reads and writes on top of {@code input_tokens}) becomes LockN's disjoint usage, priced exactly.
 *
 * <p>Claude Sonnet 4.5 in the bundled catalog, per 1M tokens: input 3.00, cache write (5 min) 3.75, cache read 0.30,
 * output 15.00 USD; that is 3,000, 3,750, 300 and 15,000 nano-USD a token. Above 200,000 input tokens (cache reads
 * and writes included) the whole request costs 6.00, 7.50, 0.60 and 22.50: 6,000, 7,500, 600 and 22,500 nano-USD.
 */
class AnthropicChatModelTest {

  static final String SONNET = "claude-sonnet-4-5-20250929";

  @AutoClose private final Telemetry telemetry = Telemetry.create();
  @AutoClose private final ProviderStub stub = ProviderStub.start();
  private final LockNLangChain4j lc =
      LockNLangChain4j.create(telemetry.lockn(b -> b.setSemconvProfile(SemconvProfile.V1_41)));

  private AnthropicChatModel.AnthropicChatModelBuilder claude() {
    return AnthropicModels.chat(stub, SONNET);
  }

  private static ProviderStub.Reply answer(String id, String text, String usage) {
    return ProviderStub.json(200, AnthropicJson.message(id, SONNET, text, usage));
  }

  @Test
  void decorate_additiveUsage_disjointPartsAndExactCostWithCachePremiumAndDiscount() {
    stub.enqueue(answer("msg_01", "Paris.", AnthropicJson.usage(1200, 2000, 10_000, 350)));
    ChatModel model = lc.decorate(claude().build());

    String answer = model.chat("Capital of France?");

    assertThat(answer).isEqualTo("Paris.");
    assertThat(stub.requestCount()).isEqualTo(1);
    assertThat(stub.request(0).path()).isEqualTo("/v1/messages");
    assertThat(stub.request(0).header("x-api-key")).isEqualTo("sk-ant-test");
    assertThat(stub.request(0).body().replaceAll("\\s", "")).contains("\"model\":\"" + SONNET + "\"");
    assertThat(stub.request(0).body()).contains("Capital of France?");

    assertThat(telemetry.spans()).hasSize(1);
    SpanData chat = telemetry.span("chat " + SONNET);
    assertThat(chat.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_PROVIDER_NAME)).isEqualTo("anthropic");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_REQUEST_MODEL)).isEqualTo(SONNET);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_MODEL)).isEqualTo(SONNET);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_ID)).isEqualTo("msg_01");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS)).containsExactly("stop");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_REQUEST_MAX_TOKENS)).isEqualTo(1024L);
    // the inclusive input total the conventions ask for: 1,200 + 2,000 written + 10,000 read
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(13_200L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(10_000L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS)).isEqualTo(2000L);
    assertThat(chat.getAttributes().get(LockNAttributes.USAGE_CACHE_WRITE_1H_INPUT_TOKENS)).isNull();
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(350L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS)).isNull();
    assertThat(chat.getAttributes().get(LockNAttributes.CACHE_HIT)).isTrue();
    assertThat(chat.getAttributes().get(LockNAttributes.CACHE_TYPE)).isEqualTo("provider");

    // input 1,200 x 3,000; cache write 2,000 x 3,750 (1.25x input); cache read 10,000 x 300 (0.1x input);
    // output 350 x 15,000 nano-USD
    long input = 3_600_000L;
    long cacheWrite = 7_500_000L;
    long cacheRead = 3_000_000L;
    long output = 5_250_000L;
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(19_350_000L);
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL)).isEqualTo(0.01935);
    assertThat(chat.getAttributes().get(CostAttributes.INPUT)).isEqualTo(0.0036);
    assertThat(chat.getAttributes().get(CostAttributes.CACHE_WRITE)).isEqualTo(0.0075);
    assertThat(chat.getAttributes().get(CostAttributes.CACHE_READ)).isEqualTo(0.003);
    assertThat(chat.getAttributes().get(CostAttributes.OUTPUT)).isEqualTo(0.00525);
    assertThat(chat.getAttributes().get(CostAttributes.PRICING_ID)).isEqualTo("anthropic/claude-sonnet-4-5");
    assertThat(chat.getAttributes().get(CostAttributes.SOURCE)).isEqualTo("local");
    assertThat(telemetry.longSums("lockn.client.cost", CostAttributes.COST_TYPE))
        .containsExactlyInAnyOrderEntriesOf(Map.of(
            "input", input, "cache_write", cacheWrite, "cache_read", cacheRead, "output", output));
  }

  @Test
  void decorate_latestSemconv_cacheWritesUnderTheirNewName() {
    LockNLangChain4j latest =
        LockNLangChain4j.create(telemetry.lockn(b -> b.setSemconvProfile(SemconvProfile.LATEST_EXPERIMENTAL)));
    stub.enqueue(answer("msg_02", "ok", AnthropicJson.usage(10, 20, 30, 5)));

    latest.decorate(claude().build()).chat("Hello");

    SpanData chat = telemetry.span("chat " + SONNET);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS)).isEqualTo(20L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS)).isNull();
    // 10 x 3,000 + 20 x 3,750 + 30 x 300 + 5 x 15,000
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(30_000L + 75_000L + 9_000L + 75_000L);
  }

  @Test
  void decorate_cacheReadsCountTowardTheLongContextTier() {
    // 150,000 input + 50,001 cache reads = 200,001 > 200,000: the whole request at the long-context rates
    stub.enqueue(answer("msg_03", "ok", AnthropicJson.usage(150_000, 0, 50_001, 1000)));
    ChatModel model = lc.decorate(claude().build());

    model.chat("A long document ...");

    SpanData chat = telemetry.span("chat " + SONNET);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(200_001L);
    // 150,000 x 6,000 + 50,001 x 600 + 1,000 x 22,500
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS))
        .isEqualTo(900_000_000L + 30_000_600L + 22_500_000L);
  }

  @Test
  void decorate_exactlyAtTheTierThreshold_basePrices() {
    // 150,000 + 50,000 = 200,000 is not above the threshold
    stub.enqueue(answer("msg_04", "ok", AnthropicJson.usage(150_000, 0, 50_000, 1000)));

    lc.decorate(claude().build()).chat("A long document ...");

    // 150,000 x 3,000 + 50,000 x 300 + 1,000 x 15,000
    assertThat(telemetry.span("chat " + SONNET).getAttributes().get(CostAttributes.TOTAL_NANOS))
        .isEqualTo(450_000_000L + 15_000_000L + 15_000_000L);
  }

  @Test
  void listener_recordsTheSameUsageAndCostUnderTheApplicationsSpan() {
    stub.enqueue(answer("msg_05", "Paris.", AnthropicJson.usage(1200, 2000, 10_000, 350)));
    ChatModel model = claude().listeners(List.of(lc.chatModelListener())).build();

    Span request = telemetry.openTelemetry().getTracer("app").spanBuilder("handle-request").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      assertThat(model.chat("Capital of France?")).isEqualTo("Paris.");
    } finally {
      request.end();
    }

    SpanData chat = telemetry.span("chat " + SONNET);
    assertThat(chat.getParentSpanContext()).isEqualTo(request.getSpanContext());
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(13_200L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(10_000L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS)).isEqualTo(2000L);
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(19_350_000L);
    assertThat(telemetry.span("handle-request").getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS))
        .isEqualTo(19_350_000L);
  }

  @Test
  void decorateAndListener_oneSpanBilledOnce() {
    stub.enqueue(answer("msg_06", "ok", AnthropicJson.usage(100, 0, 0, 10)));
    ChatModel model = lc.decorate(claude().listeners(List.of(lc.chatModelListener())).build());

    model.chat("Hello");

    assertThat(telemetry.names()).containsExactly("chat " + SONNET);
    // 100 x 3,000 + 10 x 15,000
    assertThat(telemetry.longSums("lockn.client.cost", CostAttributes.COST_TYPE))
        .containsExactlyInAnyOrderEntriesOf(Map.of("input", 300_000L, "output", 150_000L));
  }

  /** LangChain4j retries the 429 inside the model: one span, successful, billed once for the answered attempt. */
  @Test
  void rateLimitThenSuccess_retriedByLangChain4j_oneSpanBilledOnce() {
    stub.enqueue(
        ProviderStub.json(429, AnthropicJson.error("rate_limit_error", "Number of request tokens has exceeded")),
        answer("msg_07", "ok", AnthropicJson.usage(400, 0, 0, 20)));
    ChatModel model = lc.decorate(claude().maxRetries(1).build());

    ChatResponse response = model.chat(ChatRequest.builder().messages(UserMessage.from("Hello")).build());

    assertThat(response.aiMessage().text()).isEqualTo("ok");
    assertThat(stub.requestCount()).isEqualTo(2);
    assertThat(telemetry.names()).containsExactly("chat " + SONNET);
    SpanData chat = telemetry.span("chat " + SONNET);
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(chat.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isNull();
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_ID)).isEqualTo("msg_07");
    // 400 x 3,000 + 20 x 15,000
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(1_500_000L);
  }

  /** The application retries the 429 itself: two spans, the failed one unbilled. */
  @Test
  void rateLimitThenSuccess_retriedByTheApplication_failedSpanThenBilledSpan() {
    stub.enqueue(
        ProviderStub.json(429, AnthropicJson.error("rate_limit_error", "Number of request tokens has exceeded")),
        answer("msg_08", "ok", AnthropicJson.usage(400, 0, 0, 20)));
    ChatModel model = lc.decorate(claude().build());

    Throwable limited = catchThrowable(() -> model.chat("Hello"));
    String answer = model.chat("Hello");

    assertThat(limited).isInstanceOf(RateLimitException.class).hasMessageContaining("rate_limit_error");
    assertThat(answer).isEqualTo("ok");
    List<SpanData> spans = telemetry.spans();
    assertThat(spans).hasSize(2);
    assertThat(spans.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(spans.get(0).getAttributes().get(GenAiAttributes.ERROR_TYPE))
        .isEqualTo(RateLimitException.class.getName());
    assertThat(spans.get(0).getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
    assertThat(spans.get(0).getAttributes().get(CostAttributes.UNPRICED)).isNull();
    assertThat(spans.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(spans.get(1).getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(1_500_000L);
    assertThat(telemetry.longSums("lockn.client.cost", CostAttributes.COST_TYPE))
        .containsExactlyInAnyOrderEntriesOf(Map.of("input", 1_200_000L, "output", 300_000L));
  }

  @Test
  void toolUse_finishReasonIsToolCall() {
    stub.enqueue(ProviderStub.json(200, AnthropicJson.toolUse(
        "msg_09", SONNET, "toolu_01", "lookupOrder", "{\"orderId\":\"A-17\"}", AnthropicJson.usage(50, 0, 0, 15))));

    ChatResponse response = lc.decorate(claude().build())
        .chat(ChatRequest.builder().messages(UserMessage.from("Where is A-17?")).build());

    assertThat(response.aiMessage().toolExecutionRequests()).hasSize(1);
    SpanData chat = telemetry.span("chat " + SONNET);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS)).containsExactly("tool_call");
    // 50 x 3,000 + 15 x 15,000
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(375_000L);
  }
}
