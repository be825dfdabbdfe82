package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockn.core.LockNAttributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What the web-application nesting tests share: the properties of a Boot application with LockN's auto-configuration
 * talking to an {@link OpenAiStub}, the model answers of the agent every test runs, their exact costs, real HTTP
 * calls to the application, its {@code /actuator/lockn} report, and span-tree checks by span id.
 *
 * <p>The agent: one {@code ChatClient} call with a {@code @Tool} (two round trips: the model asks for the tool, then
 * answers) and one plain call (one round trip). Prices are those of {@code gpt-4o} in the bundled catalog
 * (lockn-pricing {@code io/lockn/pricing/catalog.json}, from 2024-10-02): $2.50 input and $10.00 output per million
 * tokens, so one token costs 2,500 and 10,000 nano-USD.
 */
final class WebNesting {

  static final String MODEL = "gpt-4o";
  static final String TENANT_KEY = "app.tenant_id";
  static final Duration WAIT = Duration.ofSeconds(30);

  /** Round 1 asks for the tool: 150 input tokens x 2,500 + 20 output x 10,000 = 375,000 + 200,000 nano-USD. */
  static final long ROUND_1 = 575_000L;
  /** Round 2 answers with the tool's result: 200 x 2,500 + 30 x 10,000 = 500,000 + 300,000. */
  static final long ROUND_2 = 800_000L;
  /** The second call: 100 x 2,500 + 10 x 10,000 = 250,000 + 100,000. */
  static final long SUMMARY = 350_000L;
  /** One agent run: 575,000 + 800,000 + 350,000 nano-USD = $0.001725. */
  static final long AGENT_RUN = 1_725_000L;

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebNesting() {}

  /**
   * The application's properties: Spring AI's OpenAI client on the stub (gpt-4o, no retries), LockN's
   * auto-configuration on (the default), {@code /actuator/lockn} exposed and a daily budget of $1 per tenant. The
   * sampling probability is Boot's default (0.1) unless {@code sampleEverything}.
   */
  static void properties(DynamicPropertyRegistry registry, OpenAiStub stub, boolean sampleEverything) {
    registry.add("spring.ai.openai.base-url", stub::baseUrl);
    registry.add("spring.ai.openai.api-key", () -> "test");
    registry.add("spring.ai.openai.chat.model", () -> MODEL);
    registry.add("spring.ai.openai.max-retries", () -> "0");
    registry.add("management.endpoints.web.exposure.include", () -> "lockn");
    registry.add("lockn.budgets.items[0].name", () -> "tenant-daily");
    registry.add("lockn.budgets.items[0].scope", () -> "each " + TENANT_KEY);
    registry.add("lockn.budgets.items[0].limit-usd", () -> "1");
    registry.add("lockn.budgets.items[0].period", () -> "day");
    if (sampleEverything) {
      registry.add("management.tracing.sampling.probability", () -> "1.0");
    }
  }

  /** The model's answers for one agent run, in order: the tool request, the answer after the tool, the summary. */
  static void queueAgentRun(OpenAiStub stub) {
    stub.json(OpenAiStub.toolCall("chatcmpl-r1", MODEL, "call_w1", "weather", "{\"city\":\"Paris\"}", 150, 20))
        .json(OpenAiStub.completion(MODEL, "It is sunny in Paris.", 200, 0, 30, 0))
        .json(OpenAiStub.completion(MODEL, "Sunny.", 100, 0, 10, 0));
  }

  /**
   * The same three round trips streamed: the tool request as tool-call chunks, then two answers, each ending with a
   * usage chunk.
   */
  static void queueStreamedAgentRun(OpenAiStub stub) {
    stub.sse(toolCallChunk("chatcmpl-s1", "call_w1", "weather", "{\"city\":\"Paris\"}"),
            finishChunk("chatcmpl-s1", "tool_calls"),
            OpenAiStub.usageChunk("chatcmpl-s1", MODEL, 150, 0, 20, 0))
        .sse(OpenAiStub.chunk("chatcmpl-s2", MODEL, "It is sunny in Paris.", "stop"),
            OpenAiStub.usageChunk("chatcmpl-s2", MODEL, 200, 0, 30, 0))
        .sse(OpenAiStub.chunk("chatcmpl-s3", MODEL, "Sunny.", "stop"),
            OpenAiStub.usageChunk("chatcmpl-s3", MODEL, 100, 0, 10, 0));
  }

  private static String toolCallChunk(String id, String callId, String function, String argumentsJson) {
    return ("{\"id\":\"%s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"%s\","
        + "\"choices\":[{\"index\":0,"
        + "\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"%s\","
        + "\"type\":\"function\",\"function\":{\"name\":\"%s\",\"arguments\":\"%s\"}}]},\"finish_reason\":null}]}")
        .formatted(id, MODEL, callId, function, argumentsJson.replace("\"", "\\\""));
  }

  private static String finishChunk(String id, String finishReason) {
    return ("{\"id\":\"%s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"%s\","
        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"%s\"}]}").formatted(id, MODEL, finishReason);
  }

  /** The {@code @Tool} object the agent hands to its first call, as an application writes one. */
  public static final class WeatherTools {
    final List<String> cities = new CopyOnWriteArrayList<>();

    @Tool(description = "The current weather in a city")
    public String weather(@ToolParam(description = "the city") String city) {
      cities.add(city);
      return "sunny in " + city;
    }
  }

  // ---------------------------------------------------------------- HTTP

  /** A new W3C trace id, so that a test finds the spans of its own request. */
  static String newTraceId() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return HexFormat.of().formatHex(id);
  }

  /**
   * GET {@code path} on the application, with the tenant in a {@code baggage} header and, when {@code traceId} is not
   * {@code null}, a {@code traceparent} that joins that trace, sampled or not.
   *
   * @return the response body
   */
  static String get(int port, String path, @Nullable String tenant, @Nullable String traceId, boolean sampled) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(WAIT);
    if (tenant != null) {
      b.header("baggage", TENANT_KEY + "=" + tenant);
    }
    if (traceId != null) {
      b.header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-" + (sampled ? "01" : "00"));
    }
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(() -> path + " answered " + r.body()).isEqualTo(200);
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String query(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /** {@code GET /actuator/lockn}. */
  static JsonNode report(int port) {
    try {
      return JSON.readTree(get(port, "/actuator/lockn", null, null, false));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A USD amount of the report, in nano-USD; 0 when absent. */
  static long nanos(JsonNode amount) {
    return amount == null || amount.isNull() || amount.isMissingNode()
        ? 0 : new BigDecimal(amount.asText()).movePointRight(9).longValueExact();
  }

  /** The spend of one agent in the report, in nano-USD. */
  static long agentSpend(int port, String agent) {
    return nanos(report(port).path("byAgent").get(agent));
  }

  /** What the tenant's budget account has spent, in nano-USD. */
  static long budgetSpent(JsonNode report, String tenant) {
    for (JsonNode b : report.path("budgets")) {
      if (b.path("scope").asText().equals(TENANT_KEY + "=" + tenant)) {
        return nanos(b.get("spent"));
      }
    }
    return 0;
  }

  // ---------------------------------------------------------------- spans

  /** The spans of one trace, once its server span (the request) has ended. */
  static List<SpanData> awaitTrace(InMemorySpanExporter spans, String traceId) {
    await().atMost(WAIT).untilAsserted(() -> assertThat(trace(spans, traceId))
        .as(() -> "spans of trace " + traceId + ": " + names(trace(spans, traceId)))
        .anySatisfy(s -> assertThat(s.getKind()).isEqualTo(SpanKind.SERVER)));
    return trace(spans, traceId);
  }

  static List<SpanData> trace(InMemorySpanExporter spans, String traceId) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
  }

  /** The spans as {@code name(id<-parent id)}, for failure messages. */
  static String names(List<SpanData> spans) {
    return spans.stream().map(s -> s.getName() + "(" + s.getSpanId() + "<-" + s.getParentSpanId() + ")").toList()
        .toString();
  }

  static List<SpanData> named(List<SpanData> spans, String prefix) {
    return spans.stream().filter(s -> s.getName().startsWith(prefix)).toList();
  }

  static SpanData only(List<SpanData> spans, String prefix) {
    List<SpanData> found = named(spans, prefix);
    assertThat(found).as(() -> "spans named " + prefix + "* in " + names(spans)).hasSize(1);
    return found.get(0);
  }

  /** Whether {@code ancestor} is {@code span}'s parent, grandparent and so on, by span ids. */
  static boolean descendsFrom(List<SpanData> trace, SpanData span, SpanData ancestor) {
    Map<String, SpanData> byId = trace.stream().collect(Collectors.toMap(SpanData::getSpanId, s -> s));
    String parent = span.getParentSpanId();
    for (int hops = 0; hops < 64 && parent != null; hops++) {
      if (parent.equals(ancestor.getSpanId())) {
        return true;
      }
      SpanData p = byId.get(parent);
      parent = p == null ? null : p.getParentSpanId();
    }
    return false;
  }

  /**
   * The one tree of a request: the server span, the agent span as its child (directly, or below {@code between}
   * spans such as a controller's own), Spring AI's {@code chat_client} spans as the agent's children, and every chat
   * and tool span below them, each chat and tool span carrying the agent and task name; one agent span only, so no
   * observation of LockN's made a second one.
   *
   * @return the agent span
   */
  static SpanData assertOneTree(List<SpanData> trace, String agent, String task, int chatClientCalls, int chats,
      int tools) {
    SpanData server = trace.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
    SpanData agentSpan = only(trace, "invoke_agent");
    assertThat(agentSpan.getName()).isEqualTo("invoke_agent " + agent);
    assertThat(descendsFrom(trace, agentSpan, server)).as(() -> "agent under " + server.getName() + ": " + names(trace))
        .isTrue();
    List<SpanData> clients = named(trace, "spring_ai chat_client");
    assertThat(clients).as(() -> names(trace)).hasSize(chatClientCalls);
    assertThat(clients).allSatisfy(c -> assertThat(c.getParentSpanId()).as(() -> names(trace))
        .isEqualTo(agentSpan.getSpanId()));
    List<SpanData> chatSpans = named(trace, "chat ");
    List<SpanData> toolSpans = named(trace, "execute_tool");
    assertThat(chatSpans).as(() -> names(trace)).hasSize(chats);
    assertThat(toolSpans).as(() -> names(trace)).hasSize(tools);
    for (SpanData s : concat(chatSpans, toolSpans)) {
      assertThat(clients).as(() -> s.getName() + " below a chat_client span: " + names(trace))
          .anySatisfy(c -> assertThat(descendsFrom(trace, s, c)).isTrue());
      assertThat(s.getAttributes().get(LockNAttributes.AGENT_NAME)).as(s.getName()).isEqualTo(agent);
      assertThat(s.getAttributes().get(LockNAttributes.TASK_NAME)).as(s.getName()).isEqualTo(task);
    }
    return agentSpan;
  }

  private static List<SpanData> concat(List<SpanData> a, List<SpanData> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
