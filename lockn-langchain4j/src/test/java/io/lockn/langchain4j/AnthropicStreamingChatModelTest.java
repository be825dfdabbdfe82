package io.lockn.langchain4j;

import static io.lockn.langchain4j.AnthropicChatModelTest.SONNET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.SemconvProfile;
import io.lockn.pricing.CostAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Streamed calls of the real {@link AnthropicStreamingChatModel}: {@code message_start} carries the input side of
 * the usage, {@code message_delta} the final output count. Prices as in {@link AnthropicChatModelTest}.
 */
class AnthropicStreamingChatModelTest {

  private static final Duration PAUSE = Duration.ofMillis(60);

  @AutoClose private final Telemetry telemetry = Telemetry.create();
  @AutoClose private final ProviderStub stub = ProviderStub.start();
  private final LockNLangChain4j lc =
      LockNLangChain4j.create(telemetry.lockn(b -> b.setSemconvProfile(SemconvProfile.V1_41)));

  private AnthropicStreamingChatModel.AnthropicStreamingChatModelBuilder claude() {
    return AnthropicModels.streaming(stub, SONNET);
  }

  /** The events of a two-chunk answer "Hello world" with the given usage. */
  private static String[] helloWorld(String id, String usage, int outputTokens) {
    return new String[] {
      AnthropicJson.messageStart(id, SONNET, usage),
      AnthropicJson.TEXT_BLOCK_START,
      AnthropicJson.PING,
      AnthropicJson.textDelta("Hello"),
      AnthropicJson.textDelta(" world"),
      AnthropicJson.BLOCK_STOP,
      AnthropicJson.messageDelta("end_turn", outputTokens),
      AnthropicJson.MESSAGE_STOP
    };
  }

  @Test
  void decorate_oneSpanWithFirstChunkTimeFinalUsageAndExactCost() throws Exception {
    stub.enqueue(ProviderStub.sse(PAUSE, false, helloWorld("msg_s1", AnthropicJson.usage(1200, 2000, 10_000, 1), 350)));
    StreamingChatModel model = lc.decorate(claude().build());
    AnthropicModels.Collector handler = new AnthropicModels.Collector(telemetry);

    model.chat("Say hello", handler);
    ChatResponse response = handler.response();

    assertThat(handler.chunks).containsExactly("Hello", " world");
    assertThat(response.aiMessage().text()).isEqualTo("Hello world");
    assertThat(Span.current().getSpanContext()).isEqualTo(SpanContext.getInvalid());
    // LockN ends the span before the application's handler hears of the completion
    assertThat(handler.spansEndedAtCompletion).isEqualTo(1);
    assertThat(stub.request(0).path()).isEqualTo("/v1/messages");
    assertThat(stub.request(0).body().replaceAll("\\s", "")).contains("\"stream\":true");

    assertThat(telemetry.spans()).hasSize(1);
    SpanData chat = telemetry.span("chat " + SONNET);
    assertThat(chat.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_REQUEST_STREAM)).isTrue();
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_ID)).isEqualTo("msg_s1");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_MODEL)).isEqualTo(SONNET);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS)).containsExactly("stop");
    // the first text arrives with the 4th event, the stream ends with the 8th; the stub pauses before each
    double firstChunk = chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK);
    double duration = (chat.getEndEpochNanos() - chat.getStartEpochNanos()) / 1e9;
    assertThat(firstChunk).isGreaterThanOrEqualTo(4 * PAUSE.toMillis() / 1000.0);
    assertThat(firstChunk).isLessThan(duration);
    assertThat(duration).isGreaterThanOrEqualTo(8 * PAUSE.toMillis() / 1000.0);

    // the output count of message_delta replaces message_start's placeholder
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(13_200L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(10_000L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS)).isEqualTo(2000L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(350L);
    // 1,200 x 3,000 + 2,000 x 3,750 + 10,000 x 300 + 350 x 15,000
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(19_350_000L);
    assertThat(telemetry.longSums("lockn.client.cost", CostAttributes.COST_TYPE))
        .containsExactlyInAnyOrderEntriesOf(Map.of(
            "input", 3_600_000L, "cache_write", 7_500_000L, "cache_read", 3_000_000L, "output", 5_250_000L));
  }

  @Test
  void listener_oneSpanWithFinalUsage() throws Exception {
    stub.enqueue(ProviderStub.sse(helloWorld("msg_s2", AnthropicJson.usage(100, 0, 0, 1), 40)));
    StreamingChatModel model = claude().listeners(List.of(lc.chatModelListener())).build();
    AnthropicModels.Collector handler = new AnthropicModels.Collector(telemetry);

    model.chat("Say hello", handler);
    handler.response();

    SpanData chat = telemetry.awaitSpans(1).get(0);
    assertThat(chat.getName()).isEqualTo("chat " + SONNET);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(100L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(40L);
    // 100 x 3,000 + 40 x 15,000
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(900_000L);
  }

  @Test
  void decorateAndListener_oneSpan() throws Exception {
    stub.enqueue(ProviderStub.sse(helloWorld("msg_s3", AnthropicJson.usage(100, 0, 0, 1), 40)));
    StreamingChatModel model = lc.decorate(claude().listeners(List.of(lc.chatModelListener())).build());
    AnthropicModels.Collector handler = new AnthropicModels.Collector(telemetry);

    model.chat("Say hello", handler);
    handler.response();

    assertThat(telemetry.names()).containsExactly("chat " + SONNET);
    assertThat(telemetry.longSums("lockn.client.cost", CostAttributes.COST_TYPE))
        .containsExactlyInAnyOrderEntriesOf(Map.of("input", 300_000L, "output", 600_000L));
  }

  @Test
  void errorEventMidStream_spanFailedWithTheErrorTheApplicationGets() throws Exception {
    stub.enqueue(ProviderStub.sse(
        AnthropicJson.messageStart("msg_s4", SONNET, AnthropicJson.usage(100, 0, 0, 1)),
        AnthropicJson.TEXT_BLOCK_START,
        AnthropicJson.textDelta("Hel"),
        AnthropicJson.errorEvent("overloaded_error", "Overloaded")));
    StreamingChatModel model = lc.decorate(claude().build());
    AnthropicModels.Collector handler = new AnthropicModels.Collector(telemetry);

    model.chat("Say hello", handler);
    Throwable error = handler.error();

    assertThat(error).hasMessageContaining("Overloaded");
    assertThat(handler.chunks).containsExactly("Hel");
    SpanData chat = telemetry.span("chat " + SONNET);
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(chat.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo(error.getClass().getName());
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK)).isNotNull();
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
  }

  @Test
  void rateLimitThenSuccess_failedSpanThenOnePricedSpan() throws Exception {
    stub.enqueue(
        ProviderStub.json(429, AnthropicJson.error("rate_limit_error", "Number of request tokens has exceeded")),
        ProviderStub.sse(helloWorld("msg_s5", AnthropicJson.usage(400, 0, 0, 1), 20)));
    StreamingChatModel model = lc.decorate(claude().build());

    AnthropicModels.Collector first = new AnthropicModels.Collector(telemetry);
    model.chat("Say hello", first);
    Throwable limited = first.error();
    AnthropicModels.Collector second = new AnthropicModels.Collector(telemetry);
    model.chat("Say hello", second);
    second.response();

    assertThat(limited).isInstanceOf(RateLimitException.class);
    List<SpanData> spans = telemetry.spans();
    assertThat(spans).hasSize(2);
    assertThat(spans.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(spans.get(0).getAttributes().get(GenAiAttributes.ERROR_TYPE))
        .isEqualTo(RateLimitException.class.getName());
    assertThat(spans.get(0).getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK)).isNull();
    assertThat(spans.get(0).getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
    // 400 x 3,000 + 20 x 15,000
    assertThat(spans.get(1).getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(1_500_000L);
  }

  @Test
  void connectionDroppedMidStream_spanEndsFailed() throws Exception {
    stub.enqueue(ProviderStub.sse(Duration.ZERO, true,
        AnthropicJson.messageStart("msg_s6", SONNET, AnthropicJson.usage(100, 0, 0, 1)),
        AnthropicJson.TEXT_BLOCK_START,
        AnthropicJson.textDelta("Hel")));
    StreamingChatModel model = lc.decorate(claude().timeout(Duration.ofSeconds(5)).build());
    AnthropicModels.Collector handler = new AnthropicModels.Collector(telemetry);

    model.chat("Say hello", handler);
    Throwable error = handler.error();

    SpanData chat = telemetry.awaitSpans(1).get(0);
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(chat.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo(error.getClass().getName());
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
  }
}
