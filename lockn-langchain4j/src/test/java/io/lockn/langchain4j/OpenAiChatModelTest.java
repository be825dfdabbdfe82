package io.lockn.langchain4j;

import static io.lockn.langchain4j.Telemetry.nanos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.lockn.pricing.CostAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Synchronous OpenAI chat calls through {@link LockNLangChain4j#decorate} and the chat model listener. */
class OpenAiChatModelTest extends OpenAiFixture {

  @Test
  void decorate_recordsChatSpanWithDisjointUsageAndExactCost() {
    // o3 (2025-06-10 price): input 2.00, cache read 0.50, output 8.00 USD per 1M; no reasoning price: output's.
    stub.enqueue(ProviderStub.json(200,
        OpenAiJson.completion("chatcmpl-1", "o3-2025-04-16", "Paris.", OpenAiJson.usage(2000, 1500, 900, 600))));
    ChatModel model = lc.decorate(openAiChat("o3").build());

    String answer = model.chat("Capital of France?");

    assertThat(answer).isEqualTo("Paris.");
    assertThat(stub.requestCount()).isEqualTo(1);
    assertThat(stub.request(0).path()).isEqualTo("/v1/chat/completions");
    assertThat(stub.request(0).json().get("model").asText()).isEqualTo("o3");
    assertThat(stub.request(0).json().at("/messages/0/content").asText()).isEqualTo("Capital of France?");

    SpanData chat = telemetry.span("chat o3");
    assertThat(telemetry.spans()).hasSize(1);
    assertThat(chat.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(chat.getParentSpanContext().isValid()).isFalse();
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_OPERATION_NAME)).isEqualTo("chat");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_PROVIDER_NAME)).isEqualTo("openai");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_REQUEST_MODEL)).isEqualTo("o3");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_MODEL)).isEqualTo("o3-2025-04-16");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_ID)).isEqualTo("chatcmpl-1");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS)).containsExactly("stop");
    assertThat(chat.getAttributes().get(LockNAttributes.MODEL_SUBSTITUTED)).isNull();
    // Inclusive totals as the conventions ask, with the cached and reasoning parts beside them.
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(2000L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(1500L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(900L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS)).isEqualTo(600L);
    assertThat(chat.getAttributes().get(LockNAttributes.CACHE_HIT)).isTrue();
    assertThat(chat.getAttributes().get(LockNAttributes.CACHE_TYPE)).isEqualTo("provider");

    // Each part priced once: 500 uncached input, 1500 cache reads, 300 visible output, 600 reasoning.
    long input = nanos(500, "2.00");
    long cacheRead = nanos(1500, "0.50");
    long output = nanos(300, "8.00");
    long reasoning = nanos(600, "8.00");
    assertThat(input + cacheRead + output + reasoning).isEqualTo(8_950_000L);
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(8_950_000L);
    assertThat(chat.getAttributes().get(CostAttributes.INPUT)).isEqualTo(input / 1e9);
    assertThat(chat.getAttributes().get(CostAttributes.CACHE_READ)).isEqualTo(cacheRead / 1e9);
    assertThat(chat.getAttributes().get(CostAttributes.OUTPUT)).isEqualTo(output / 1e9);
    assertThat(chat.getAttributes().get(CostAttributes.REASONING)).isEqualTo(reasoning / 1e9);
    assertThat(chat.getAttributes().get(CostAttributes.CURRENCY)).isEqualTo("USD");
    assertThat(chat.getAttributes().get(CostAttributes.SOURCE)).isEqualTo("local");
    assertThat(chat.getAttributes().get(CostAttributes.PRICING_ID)).isEqualTo("openai/o3@2025-06-10");
    assertThat(chat.getAttributes().get(CostAttributes.UNPRICED)).isNull();

    assertThat(telemetry.longSums("lockn.client.cost", CostAttributes.COST_TYPE))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("input", input, "cache_read", cacheRead, "output", output, "reasoning", reasoning));
    assertThat(tokenUsage()).containsEntry("input", 2000.0).containsEntry("output", 900.0);
  }

  @Test
  void listener_recordsTheCallUnderTheApplicationsCurrentSpan() {
    // gpt-4o (from 2024-10-02): input 2.50, cache read 1.25, output 10.00 USD per 1M.
    stub.enqueue(ProviderStub.json(200, OpenAiJson.completion(
        "chatcmpl-2", "gpt-4o-2024-08-06", "Hi!", OpenAiJson.usage(1200, 1024, 40, 0))));
    ChatModel model = openAiChat("gpt-4o").temperature(0.2).maxTokens(256).listeners(List.of(lc.chatModelListener()))
        .build();

    Span request = telemetry.openTelemetry().getTracer("app").spanBuilder("handle-request").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      model.chat("Hello");
    } finally {
      request.end();
    }

    SpanData chat = telemetry.span("chat gpt-4o");
    assertThat(telemetry.names()).containsExactly("chat gpt-4o", "handle-request");
    assertThat(chat.getParentSpanContext()).isEqualTo(request.getSpanContext());
    assertThat(chat.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
    assertThat(chat.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_REQUEST_TEMPERATURE)).isEqualTo(0.2);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_REQUEST_MAX_TOKENS)).isEqualTo(256L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_MODEL)).isEqualTo("gpt-4o-2024-08-06");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(1200L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(1024L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(40L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS)).isNull();
    long expected = nanos(176, "2.50") + nanos(1024, "1.25") + nanos(40, "10.00");
    assertThat(expected).isEqualTo(440_000L + 1_280_000L + 400_000L);
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(expected);
    // The dated snapshot has its own catalog entry.
    assertThat(chat.getAttributes().get(CostAttributes.PRICING_ID)).isEqualTo("openai/gpt-4o-2024-08-06");
    // The application's root span carries the roll-up of the calls below it.
    assertThat(telemetry.span("handle-request").getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS))
        .isEqualTo(expected);
  }

  @Test
  void decorate_recordsRequestParametersFromTheModelsDefaults() {
    stub.enqueue(ProviderStub.json(200,
        OpenAiJson.completion("chatcmpl-3", "gpt-4o", "ok", OpenAiJson.usage(10, 0, 2, 0))));
    ChatModel model = lc.decorate(openAiChat("gpt-4o").temperature(0.7).topP(0.9).maxTokens(128).build());

    model.chat("Hello");

    SpanData chat = telemetry.span("chat gpt-4o");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_REQUEST_TEMPERATURE)).isEqualTo(0.7);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_REQUEST_TOP_P)).isEqualTo(0.9);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_REQUEST_MAX_TOKENS)).isEqualTo(128L);
    assertThat(stub.request(0).json().get("max_tokens").asInt()).isEqualTo(128);
  }

  @Test
  void decorateAndListener_recordTheCallOnce() {
    stub.enqueue(ProviderStub.json(200,
        OpenAiJson.completion("chatcmpl-4", "gpt-4.1-2025-04-14", "ok", OpenAiJson.usage(1000, 0, 100, 0))));
    ChatModel model = lc.decorate(openAiChat("gpt-4.1").listeners(List.of(lc.chatModelListener())).build());

    model.chat("Hello");

    assertThat(telemetry.names()).containsExactly("chat gpt-4.1");
    SpanData chat = telemetry.span("chat gpt-4.1");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(1000L);
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS))
        .isEqualTo(nanos(1000, "2.00") + nanos(100, "8.00"));
    assertThat(telemetry.longSums("lockn.client.cost", CostAttributes.COST_TYPE).values().stream()
        .mapToLong(Long::longValue).sum()).isEqualTo(2_800_000L);
  }

  @Test
  void decorate_providerErrorPassesThroughUnchanged() {
    String body = OpenAiJson.error("server_error", "The server had an error");
    stub.enqueue(ProviderStub.json(500, body), ProviderStub.json(500, body));
    ChatModel plain = openAiChat("gpt-4o").build();
    ChatModel decorated = lc.decorate(plain);

    Throwable withoutLockN = catchThrowable(() -> plain.chat("Hello"));
    Throwable withLockN = catchThrowable(() -> decorated.chat("Hello"));

    assertThat(withLockN).isInstanceOf(InternalServerException.class)
        .hasSameClassAs(withoutLockN).hasMessage(withoutLockN.getMessage());
    SpanData chat = telemetry.span("chat gpt-4o");
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(chat.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo(InternalServerException.class.getName());
    assertThat(chat.getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isNull();
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
    assertThat(chat.getAttributes().get(CostAttributes.UNPRICED)).isNull();
  }

  @Test
  void listener_providerErrorEndsTheSpanAsFailed() {
    stub.enqueue(ProviderStub.json(500, OpenAiJson.error("server_error", "boom")));
    ChatModel model = openAiChat("gpt-4o").listeners(List.of(lc.chatModelListener())).build();

    assertThat(catchThrowable(() -> model.chat("Hello"))).isInstanceOf(InternalServerException.class);

    SpanData chat = telemetry.span("chat gpt-4o");
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(chat.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo(InternalServerException.class.getName());
  }

  /**
   * LangChain4j retries a 429 inside {@code doChat}, below both the decorator and the listeners: LockN sees one
   * call, successful, billed once; the failed attempt leaves no span and no {@code lockn.retry.*}.
   */
  @Test
  void rateLimitThenSuccess_isOneSpanBilledOnce() {
    stub.enqueue(
        ProviderStub.json(429, OpenAiJson.error("rate_limit_exceeded", "Rate limit reached for gpt-4o-mini")),
        ProviderStub.json(200, OpenAiJson.completion(
            "chatcmpl-5", "gpt-4o-mini-2024-07-18", "ok", OpenAiJson.usage(1000, 0, 200, 0))));
    ChatModel model = lc.decorate(openAiChat("gpt-4o-mini").maxRetries(1).build());

    ChatResponse response = model.chat(dev.langchain4j.model.chat.request.ChatRequest.builder()
        .messages(dev.langchain4j.data.message.UserMessage.from("Hello")).build());

    assertThat(response.aiMessage().text()).isEqualTo("ok");
    assertThat(stub.requestCount()).isEqualTo(2);
    assertThat(stub.request(1).body()).isEqualTo(stub.request(0).body());
    assertThat(telemetry.names()).containsExactly("chat gpt-4o-mini");
    SpanData chat = telemetry.span("chat gpt-4o-mini");
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(chat.getAttributes().get(LockNAttributes.RETRY_ATTEMPT)).isNull();
    long cost = nanos(1000, "0.15") + nanos(200, "0.60");
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(cost).isEqualTo(270_000L);
    assertThat(telemetry.longSums("lockn.client.cost", CostAttributes.COST_TYPE))
        .containsExactlyInAnyOrderEntriesOf(Map.of("input", 150_000L, "output", 120_000L));
  }

  @Test
  void rateLimitWithoutRetries_isAFailedSpanWithoutCost() {
    stub.enqueue(ProviderStub.json(429, OpenAiJson.error("rate_limit_exceeded", "Rate limit reached")));
    ChatModel model = lc.decorate(openAiChat("gpt-4o-mini").build());

    assertThat(catchThrowable(() -> model.chat("Hello"))).isInstanceOf(RateLimitException.class);

    SpanData chat = telemetry.span("chat gpt-4o-mini");
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(chat.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo(RateLimitException.class.getName());
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
    assertThat(telemetry.longSums("lockn.client.cost", CostAttributes.COST_TYPE)).isEmpty();
  }

  @Test
  void responseWithoutUsage_isRecordedWithoutUsageAndNeverAsZeroCost() {
    SpanData chat = decoratedCall("gpt-4o", OpenAiJson.completion("chatcmpl-6", "gpt-4o", "ok", null));

    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_ID)).isEqualTo("chatcmpl-6");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isNull();
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isNull();
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL)).isNull();
    assertThat(chat.getAttributes().get(CostAttributes.UNPRICED)).isNull();
    assertThat(telemetry.longSums("lockn.client.cost", CostAttributes.COST_TYPE)).isEmpty();
  }

  @Test
  void unknownModel_isFlaggedUnpricedNotZero() {
    SpanData chat = decoratedCall("ft:acme-support-7",
        OpenAiJson.completion("chatcmpl-7", "ft:acme-support-7", "ok", OpenAiJson.usage(500, 0, 50, 0)));

    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(500L);
    assertThat(chat.getAttributes().get(CostAttributes.UNPRICED)).isTrue();
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL)).isNull();
    assertThat(telemetry.longSums("lockn.client.cost", CostAttributes.COST_TYPE)).isEmpty();
    assertThat(telemetry.longSums("lockn.client.unpriced_calls", GenAiAttributes.GEN_AI_REQUEST_MODEL))
        .containsExactly(Map.entry("ft:acme-support-7", 1L));
  }

  @Test
  void inconsistentUsage_isClampedAndPricedOnce() {
    // 500 cached of a 100-token prompt, 50 reasoning of a 10-token completion: parts clamped to their totals.
    SpanData chat = decoratedCall("gpt-4o", OpenAiJson.completion("chatcmpl-8", "gpt-4o", "ok",
        OpenAiJson.usage(100, 500, 10, 50)));

    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(100L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(100L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(10L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS)).isEqualTo(10L);
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS))
        .isEqualTo(nanos(100, "1.25") + nanos(10, "10.00")).isEqualTo(225_000L);
  }

  @Test
  void malformedResponse_passesLangChain4jsExceptionThroughAndEndsTheSpan() {
    stub.enqueue(ProviderStub.json(200, "{\"id\":\"x\",\"choices\":[]}"),
        ProviderStub.json(200, "{\"id\":\"x\",\"choices\":[]}"));
    ChatModel plain = openAiChat("gpt-4o").build();
    ChatModel decorated = lc.decorate(plain);

    Throwable withoutLockN = catchThrowable(() -> plain.chat("Hello"));
    Throwable withLockN = catchThrowable(() -> decorated.chat("Hello"));

    assertThat(withoutLockN).isNotNull();
    assertThat(withLockN).hasSameClassAs(withoutLockN).hasMessage(withoutLockN.getMessage());
    SpanData chat = telemetry.span("chat gpt-4o");
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
  }

  @Test
  void decorate_doesNotLeaveASpanCurrentOnTheCallersThread() {
    stub.enqueue(ProviderStub.json(200, OpenAiJson.completion("c", "gpt-4o", "ok", OpenAiJson.usage(1, 0, 1, 0))));
    ChatModel model = lc.decorate(openAiChat("gpt-4o").listeners(List.of(lc.chatModelListener())).build());

    model.chat("Hello");

    assertThat(Span.current().getSpanContext()).isEqualTo(SpanContext.getInvalid());
    assertThat(lc.decorate(model)).isSameAs(model);
  }

  /** One call of a decorated {@code model} that the provider answers "ok" with {@code body}: its span. */
  private SpanData decoratedCall(String model, String body) {
    stub.enqueue(ProviderStub.json(200, body));
    assertThat(lc.decorate(openAiChat(model).build()).chat("Hello")).isEqualTo("ok");
    return telemetry.span("chat " + model);
  }

  /** {@code gen_ai.client.token.usage} sums by {@code gen_ai.token.type}. */
  private Map<String, Double> tokenUsage() {
    Map<String, Double> sums = new java.util.HashMap<>();
    for (MetricData m : telemetry.metrics()) {
      if (m.getName().equals("gen_ai.client.token.usage")) {
        for (HistogramPointData p : m.getHistogramData().getPoints()) {
          sums.merge(p.getAttributes().get(GenAiAttributes.GEN_AI_TOKEN_TYPE), p.getSum(), Double::sum);
        }
      }
    }
    return sums;
  }
}
