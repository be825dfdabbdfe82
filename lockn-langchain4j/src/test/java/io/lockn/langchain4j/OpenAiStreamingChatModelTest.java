package io.lockn.langchain4j;

import static io.lockn.langchain4j.Telemetry.nanos;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.lockn.core.GenAiAttributes;
import io.lockn.pricing.CostAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Streamed OpenAI chat calls: first chunk, final usage chunk, failures mid-stream. */
class OpenAiStreamingChatModelTest extends OpenAiFixture {

  private static final String ID = "chatcmpl-s1";

  /** A stream of "Hel" + "lo", a finish chunk and the usage chunk, each event 40 ms after the previous. */
  private ProviderStub.Reply helloStream(String model, boolean drop) {
    String[] full = {
      OpenAiJson.chunk(ID, model, "Hel"),
      OpenAiJson.chunk(ID, model, "lo"),
      OpenAiJson.finalChunk(ID, model),
      OpenAiJson.usageChunk(ID, model, OpenAiJson.usage(1000, 200, 50, 0)),
      OpenAiJson.DONE
    };
    return drop
        ? ProviderStub.sse(Duration.ofMillis(40), true, full[0], full[1])
        : ProviderStub.sse(Duration.ofMillis(40), false, full);
  }

  @Test
  void decorate_recordsFirstChunkFinalUsageAndCost() throws Exception {
    stub.enqueue(helloStream("gpt-4o-2024-08-06", false));
    StreamingChatModel model = lc.decorate(openAiStreaming("gpt-4o").build());
    RecordingHandler handler = new RecordingHandler();

    Span parent = telemetry.openTelemetry().getTracer("app").spanBuilder("request").startSpan();
    try (Scope ignored = parent.makeCurrent()) {
      model.chat("Say hello", handler);
    }
    ChatResponse response = handler.await();
    parent.end();

    assertThat(response.aiMessage().text()).isEqualTo("Hello");
    assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(1000);
    // Every callback reaches the application, in order; the usage-only chunk is not mapped by LangChain4j.
    assertThat(handler.events)
        .containsSubsequence("partial:Hel", "partial:lo", "complete:Hello")
        .filteredOn(e -> e.startsWith("partial") || e.startsWith("complete")).hasSize(3);
    assertThat(stub.request(0).json().get("stream").asBoolean()).isTrue();
    assertThat(stub.request(0).json().at("/stream_options/include_usage").asBoolean()).isTrue();

    assertThat(telemetry.names()).containsExactly("chat gpt-4o", "request");
    SpanData chat = telemetry.span("chat gpt-4o");
    assertThat(chat.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(chat.getParentSpanContext()).isEqualTo(parent.getSpanContext());
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_REQUEST_STREAM)).isTrue();
    double ttfc = chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK);
    double duration = (chat.getEndEpochNanos() - chat.getStartEpochNanos()) / 1e9;
    // The first content chunk comes 40 ms in, the stream ends 200 ms in.
    assertThat(ttfc).isGreaterThanOrEqualTo(0.035).isLessThan(duration);
    assertThat(duration - ttfc).isGreaterThanOrEqualTo(0.1);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_MODEL)).isEqualTo("gpt-4o-2024-08-06");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_ID)).isEqualTo(ID);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS)).containsExactly("stop");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(1000L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(200L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(50L);
    long cost = nanos(800, "2.50") + nanos(200, "1.25") + nanos(50, "10.00");
    assertThat(cost).isEqualTo(2_000_000L + 250_000L + 500_000L);
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(cost);
    assertThat(telemetry.span("request").getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(cost);
  }

  @Test
  void listenerAndDecorator_recordTheStreamOnce() throws Exception {
    stub.enqueue(helloStream("gpt-4o", false));
    StreamingChatModel model =
        lc.decorate(openAiStreaming("gpt-4o").listeners(List.of(lc.chatModelListener())).build());
    RecordingHandler handler = new RecordingHandler();

    model.chat("Say hello", handler);
    handler.await();

    assertThat(telemetry.names()).containsExactly("chat gpt-4o");
    assertThat(telemetry.span("chat gpt-4o").getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK))
        .isNotNull();
  }

  /**
   * A listener sees the request and the complete response only: the span has the usage and cost, but neither
   * {@code gen_ai.request.stream} nor the time to first chunk, which need {@link LockNLangChain4j#decorate}.
   */
  @Test
  void listener_recordsUsageAndCostOfAStream() throws Exception {
    stub.enqueue(helloStream("gpt-4o", false));
    StreamingChatModel model = openAiStreaming("gpt-4o").listeners(List.of(lc.chatModelListener())).build();
    RecordingHandler handler = new RecordingHandler();

    model.chat("Say hello", handler);
    handler.await();

    SpanData chat = telemetry.awaitSpans(1).get(0);
    assertThat(chat.getName()).isEqualTo("chat gpt-4o");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(1000L);
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(2_750_000L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK)).isNull();
  }

  /**
   * LangChain4j 1.19's JDK HTTP client reports a cut stream as {@code onError} and then, as the body closes, also
   * {@code onCompleteResponse} with the partial text: the application gets both, exactly as without LockN, while
   * LockN's span ends once, failed, at the error.
   */
  @Test
  void droppedConnection_recordsTheErrorAndPassesEveryCallbackThrough() throws Exception {
    stub.enqueue(helloStream("gpt-4o", true), helloStream("gpt-4o", true));
    StreamingChatModel plain = openAiStreaming("gpt-4o").build();
    StreamingChatModel model = lc.decorate(plain);
    RecordingHandler handler = new RecordingHandler();
    RecordingHandler without = new RecordingHandler();

    model.chat("Say hello", handler);
    Throwable error = handler.awaitError();
    plain.chat("Say hello", without);
    Throwable errorWithout = without.awaitError();

    assertThat(error).hasSameClassAs(errorWithout).hasMessage(errorWithout.getMessage());
    assertThat(handler.awaitQuiet())
        .startsWith("partial:Hel", "partial:lo", "error:" + error.getClass().getSimpleName())
        .isEqualTo(without.awaitQuiet());
    assertThat(telemetry.spans()).hasSize(1);
    SpanData chat = telemetry.span("chat gpt-4o");
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(chat.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo(error.getClass().getName());
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK)).isNotNull();
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isNull();
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
    assertThat(chat.getAttributes().get(CostAttributes.UNPRICED)).isNull();
  }

  @Test
  void droppedConnection_throughTheListener_isOneFailedSpan() throws Exception {
    stub.enqueue(helloStream("gpt-4o", true));
    StreamingChatModel model = openAiStreaming("gpt-4o").listeners(List.of(lc.chatModelListener())).build();
    RecordingHandler handler = new RecordingHandler();

    model.chat("Say hello", handler);
    Throwable error = handler.awaitError();
    handler.awaitQuiet();

    assertThat(telemetry.spans()).hasSize(1);
    SpanData chat = telemetry.span("chat gpt-4o");
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(chat.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo(error.getClass().getName());
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
  }

  @Test
  void httpErrorBeforeTheStream_reachesOnErrorAndFailsTheSpan() throws Exception {
    stub.enqueue(ProviderStub.json(500, OpenAiJson.error("server_error", "overloaded")));
    StreamingChatModel model =
        lc.decorate(openAiStreaming("gpt-4o").listeners(List.of(lc.chatModelListener())).build());
    RecordingHandler handler = new RecordingHandler();

    model.chat("Say hello", handler);

    assertThat(handler.awaitError()).isInstanceOf(InternalServerException.class);
    assertThat(handler.events).containsExactly("error:InternalServerException");
    SpanData chat = telemetry.awaitSpans(1).get(0);
    assertThat(telemetry.spans()).hasSize(1);
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(chat.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo(InternalServerException.class.getName());
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK)).isNull();
  }
}
