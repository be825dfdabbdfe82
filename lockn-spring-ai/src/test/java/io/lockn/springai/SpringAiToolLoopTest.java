package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lockn.core.BudgetExceededException;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.lockn.pricing.CostAttributes;
import io.lockn.springai.internal.SpringAiUsages;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/**
 * Spring AI's tool loop ({@code ToolCallingAdvisor}) with a {@code @Tool} object: the model asks for a tool, the
 * tool runs, the model answers. LockN's budget advisor sits inside the loop, so it admits and settles each model
 * round trip; the tool's own span gets the GenAI tool attributes.
 */
class SpringAiToolLoopTest extends BridgedOpenAiTestSupport {

  private static final String MODEL = "gpt-4o-2024-08-06";

  /** A tool object, as an application writes one. */
  public static final class WeatherTools {
    final List<String> cities = new CopyOnWriteArrayList<>();

    @Tool(description = "The current weather in a city")
    public String weather(@ToolParam(description = "the city") String city) {
      cities.add(city);
      return "sunny in " + city;
    }
  }

  /** Round 1 asks for the tool (150 in, 20 out); round 2 answers (400 in of which 256 cached, 60 out). */
  private static void queueLoop() {
    STUB.json(OpenAiStub.toolCall("chatcmpl-tool-1", MODEL, "call_w1", "weather", "{\"city\":\"Paris\"}", 150, 20))
        .json(OpenAiStub.completion(MODEL, "It is sunny in Paris.", 400, 256, 60, 0));
  }

  // gpt-4o: $2.50 input, $1.25 cached input, $10 output per 1M tokens.
  private static final long ROUND_1 = nanos(150, "2.50") + nanos(20, "10.00");
  private static final long ROUND_2 = nanos(144, "2.50") + nanos(256, "1.25") + nanos(60, "10.00");

  @Test
  void toolLoop_twoPricedChatSpansAndOneEnrichedToolSpan() {
    queueLoop();
    WeatherTools tools = new WeatherTools();

    ChatResponse response = chatClientBuilder.build().prompt("Weather in Paris?").tools(tools)
        .advisors(a -> a.param("app.tenant_id", "acme-tools")).call().chatResponse();

    assertThat(response.getResult().getOutput().getText()).isEqualTo("It is sunny in Paris.");
    assertThat(tools.cities).containsExactly("Paris");
    assertThat(STUB.requests()).hasSize(2);
    assertThat(STUB.requests().get(0)).contains("\"name\":\"weather\"");
    assertThat(STUB.requests().get(1)).contains("\"tool_call_id\":\"call_w1\"").contains("sunny in Paris");

    List<SpanData> chats = spansNamed("chat ");
    assertThat(chats).hasSize(2);
    assertThat(chats).extracting(s -> s.getAttributes().get(AttributeKey.stringKey("gen_ai.response.id")))
        .containsExactly("chatcmpl-tool-1", "chatcmpl-" + MODEL);
    assertThat(chats).extracting(s -> s.getAttributes().get(CostAttributes.TOTAL_NANOS))
        .containsExactly(ROUND_1, ROUND_2);
    assertThat(ROUND_1).isEqualTo(575_000L);
    assertThat(ROUND_2).isEqualTo(1_280_000L);
    assertThat(chats).allSatisfy(s -> {
      assertThat(s.getAttributes().get(LockNAttributes.BUDGET_ADMITTED_MODEL)).isEqualTo("gpt-4o");
      assertThat(s.getAttributes().get(AttributeKey.stringKey("app.tenant_id"))).isEqualTo("acme-tools");
    });

    SpanData tool = spansNamed("execute_tool").get(0);
    assertThat(spansNamed("execute_tool")).hasSize(1);
    assertThat(tool.getName()).isEqualTo("execute_tool weather");
    assertThat(tool.getAttributes().get(GenAiAttributes.GEN_AI_TOOL_NAME)).isEqualTo("weather");
    assertThat(tool.getAttributes().get(GenAiAttributes.GEN_AI_TOOL_CALL_ID)).isEqualTo("call_w1");
    assertThat(tool.getAttributes().get(GenAiAttributes.GEN_AI_TOOL_TYPE)).isEqualTo("function");
    assertThat(tool.getAttributes().get(AttributeKey.stringKey("app.tenant_id"))).isEqualTo("acme-tools");
    assertThat(tool.getTraceId()).isEqualTo(chats.get(0).getTraceId()).isEqualTo(chats.get(1).getTraceId());
    // The tool ran between the two round trips.
    assertThat(tool.getStartEpochNanos()).isGreaterThanOrEqualTo(chats.get(0).getEndEpochNanos());
    assertThat(tool.getEndEpochNanos()).isLessThanOrEqualTo(chats.get(1).getStartEpochNanos());
  }

  @Test
  void toolLoop_eachRoundTripIsAdmittedAndChargedOnce() {
    queueLoop();
    int admissionsBefore = witness.admissions();

    ChatResponse response = chatClientBuilder.build().prompt("Weather in Paris?").tools(new WeatherTools())
        .advisors(a -> a.param("app.tenant_id", "acme-tools-budget")).call().chatResponse();

    assertThat(witness.admissions() - admissionsBefore).isEqualTo(2);
    assertThat(spent("acme-tools-budget")).isEqualTo(ROUND_1 + ROUND_2);
    assertThat(reserved("acme-tools-budget")).isZero();
    // The application sees the loop's cumulative usage (Spring AI's UsageAccumulator) ...
    Usage cumulative = response.getMetadata().getUsage();
    assertThat(cumulative.getPromptTokens()).isEqualTo(550);
    assertThat(cumulative.getCompletionTokens()).isEqualTo(80);
    assertThat(SpringAiUsages.from(cumulative).inputTokens()).isEqualTo(550);
    // ... which no span or budget adds again: the priced spans sum to the two rounds.
    long pricedTotal = SPANS.getFinishedSpanItems().stream()
        .map(s -> s.getAttributes().get(CostAttributes.TOTAL_NANOS)).filter(Objects::nonNull)
        .mapToLong(Long::longValue).sum();
    assertThat(pricedTotal).isEqualTo(ROUND_1 + ROUND_2);
  }

  @Test
  void toolLoop_aBudgetExhaustedByTheFirstRoundBlocksTheSecond() {
    // Round 1 reserves "Weather in Paris?" as Spring AI's JTokkitTokenCountEstimator counts it (4 tokens, plus 4 of
    // message framing: 8 x 2,500 = 20,000) and 100 output tokens ($0.001): 1,020,000. With 8,980,000 of the $0.01
    // spent it fits exactly; round 2 does not.
    spend("acme-tools-tight", 3592);
    assertThat(spent("acme-tools-tight")).isEqualTo(8_980_000L);
    queueLoop();
    WeatherTools tools = new WeatherTools();

    Throwable thrown = catchThrowable(() -> chatClientBuilder.build().prompt("Weather in Paris?").tools(tools)
        .options(OpenAiChatOptions.builder().maxTokens(100))
        .advisors(a -> a.param("app.tenant_id", "acme-tools-tight")).call().content());

    assertThat(thrown).isInstanceOf(BudgetExceededException.class).isSameAs(witness.lastThrown());
    assertThat(STUB.requests()).hasSize(1);
    assertThat(tools.cities).containsExactly("Paris");
    assertThat(spent("acme-tools-tight")).isEqualTo(8_980_000L + ROUND_1);
    assertThat(reserved("acme-tools-tight")).isZero();
    assertThat(spansNamed("chat ")).hasSize(1);
  }

  @Test
  void streamedToolLoop_everyRoundTripIsAdmittedForTheRequestsTenant() {
    String toolDelta = "{\"id\":\"chatcmpl-st-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\""
        + MODEL + "\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,"
        + "\"tool_calls\":[{\"index\":0,\"id\":\"call_s1\",\"type\":\"function\",\"function\":{\"name\":"
        + "\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]},\"finish_reason\":null}]}";
    String toolDone = "{\"id\":\"chatcmpl-st-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\""
        + MODEL + "\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}";
    STUB.sse(toolDelta, toolDone, OpenAiStub.usageChunk("chatcmpl-st-1", MODEL, 150, 0, 20, 0))
        .sse(OpenAiStub.chunk("chatcmpl-st-2", MODEL, "Snowing in Oslo.", null),
            OpenAiStub.chunk("chatcmpl-st-2", MODEL, "", "stop"),
            OpenAiStub.usageChunk("chatcmpl-st-2", MODEL, 400, 256, 60, 0));
    WeatherTools tools = new WeatherTools();
    int admissionsBefore = witness.admissions();

    List<String> parts = chatClientBuilder.build().prompt("Weather in Oslo?").tools(tools)
        .advisors(a -> a.param("app.tenant_id", "acme-stream-tools")).stream().content().collectList()
        .block(java.time.Duration.ofSeconds(30));

    assertThat(String.join("", parts)).contains("Snowing in Oslo.");
    assertThat(tools.cities).containsExactly("Oslo");
    assertThat(STUB.requests()).hasSize(2);
    assertThat(witness.admissions() - admissionsBefore).isEqualTo(2);
    // The second round trip runs on another thread, after the tool: it is still the request's tenant's.
    assertThat(witness.lastRequest().attribution()).containsEntry("app.tenant_id", "acme-stream-tools");
    // Each round settles when its stream terminates, which may be just after the caller saw the last chunk.
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(spent("acme-stream-tools")).isEqualTo(ROUND_1 + ROUND_2));
  }
}
