package io.lockn.springai;

import static io.lockn.springai.WebNesting.AGENT_RUN;
import static io.lockn.springai.WebNesting.ROUND_1;
import static io.lockn.springai.WebNesting.ROUND_2;
import static io.lockn.springai.WebNesting.SUMMARY;
import static io.lockn.springai.WebNesting.assertOneTree;
import static io.lockn.springai.WebNesting.descendsFrom;
import static io.lockn.springai.WebNesting.named;
import static io.lockn.springai.WebNesting.names;
import static io.lockn.springai.WebNesting.only;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockn.core.LockN;
import io.lockn.core.LockNAttributes;
import io.lockn.core.annotation.AgentTask;
import io.lockn.core.annotation.AgentTool;
import io.lockn.pricing.CostAttributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * A Spring MVC application as a user builds it with Boot's defaults (Tomcat, actuator, Boot's OpenTelemetry tracing
 * through Micrometer Tracing, Spring AI's OpenAI starter, LockN's auto-configuration), called over real HTTP: each
 * request makes one trace, {@code http get /...} → {@code invoke_agent} → Spring AI's {@code chat_client}, advisor,
 * chat and tool spans, whether the agent runs on the request thread, in an {@code @Async} method, streams, is
 * recorded with the fluent API or calls an {@code @AgentTool} bean. Chat and tool spans carry the agent and task; the
 * agent carries the exact roll-up of its calls; {@code /actuator/lockn} reports the agent, the tenant from the {@code
 * baggage} header and the tenant's budget, all exact.
 */
@SpringBootTest(classes = ServletNestingTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ServletNestingTest {

  static final OpenAiStub STUB = new OpenAiStub();
  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    WebNesting.properties(registry, STUB, true);
    // Boot's switch for @Async: the current observation (and with it the trace) follows the task to the executor.
    registry.add("spring.task.execution.propagate-context", () -> "true");
    // Boot's switch for Reactor: the tool loop of a streamed call runs its later rounds on other threads, where the
    // budget advisor needs the request's Baggage (the tenant) back.
    registry.add("spring.reactor.context-propagation", () -> "auto");
  }

  @AfterAll
  static void closeStubAndHook() {
    STUB.close();
    // Boot turned the JVM-wide hook on for this application; the next test class's application decides for itself.
    reactor.core.publisher.Hooks.disableAutomaticContextPropagation();
  }

  @LocalServerPort int port;

  /** Not a {@code @Configuration}, so that no other test's component scan picks it up. */
  @EnableAutoConfiguration
  @EnableAsync
  static class App {
    @Bean
    SpanProcessor capture() {
      return SimpleSpanProcessor.create(SPANS);
    }

    @Bean
    WebNesting.WeatherTools weatherTools() {
      return new WebNesting.WeatherTools();
    }

    @Bean
    Lookup lookup(ChatClient.Builder chat) {
      return new Lookup(chat.build());
    }

    @Bean
    Agents agents(ChatClient.Builder chat, WebNesting.WeatherTools tools, Lookup lookup) {
      return new Agents(chat.build(), tools, lookup);
    }

    @Bean
    AskController askController(Agents agents, LockN lockn) {
      return new AskController(agents, lockn);
    }

    @Bean
    Fetcher fetcher(RestClient.Builder http) {
      return new Fetcher(http.build());
    }

    @Bean
    FetchController fetchController(Fetcher fetcher) {
      return new FetchController(fetcher);
    }
  }

  /** An agent that calls an HTTP service with Boot's (observed) {@code RestClient}. */
  public static class Fetcher {
    private final RestClient http;

    Fetcher(RestClient http) {
      this.http = http;
    }

    @AgentTask(agent = "http-bot", task = "fetch")
    public String fetch(String url) {
      return http.get().uri(url).retrieve().body(String.class);
    }
  }

  @RestController
  public static class FetchController {
    private final Fetcher fetcher;

    FetchController(Fetcher fetcher) {
      this.fetcher = fetcher;
    }

    @GetMapping("/fetch")
    public String fetch() {
      return fetcher.fetch(STUB.baseUrl() + "/status");
    }
  }

  /** The agents, as an application writes them: plain Spring beans with LockN's annotations. */
  public static class Agents {
    private final List<String> threads = new CopyOnWriteArrayList<>();
    private final ChatClient chat;
    private final WebNesting.WeatherTools tools;
    private final Lookup lookup;

    Agents(ChatClient chat, WebNesting.WeatherTools tools, Lookup lookup) {
      this.chat = chat;
      this.tools = tools;
      this.lookup = lookup;
    }

    @AgentTask(agent = "support-bot", task = "answer")
    public String answer(String question) {
      threads.add(Thread.currentThread().toString());
      return run(question);
    }

    @Async
    @AgentTask(agent = "async-bot", task = "answer")
    public CompletableFuture<String> answerAsync(String question) {
      threads.add(Thread.currentThread().toString());
      return CompletableFuture.completedFuture(run(question));
    }

    @AgentTask(agent = "stream-bot", task = "stream")
    public String streamed(String question) {
      threads.add(Thread.currentThread().toString());
      String weather = String.join("", chat.prompt(question).tools(tools).stream().content().collectList().block());
      return String.join("", chat.prompt("Summarise: " + weather).stream().content().collectList().block());
    }

    @AgentTask(agent = "tooled-bot", task = "research")
    public String research(String question) {
      return lookup.find(question);
    }

    /**
     * The threads the agents ran on, as {@code Thread.toString()} names them ({@code VirtualThread[...]}...). A method,
     * so that it reaches the bean behind its proxy.
     */
    public List<String> threads() {
      return threads;
    }

    /** Not annotated: the fluent API's agent runs it. */
    public String run(String question) {
      String weather = chat.prompt(question).tools(tools).call().content();
      return chat.prompt("Summarise: " + weather).call().content();
    }
  }

  /** A tool bean whose tool asks the model itself. */
  public static class Lookup {
    private final ChatClient chat;

    Lookup(ChatClient chat) {
      this.chat = chat;
    }

    @AgentTool(name = "lookup")
    public String find(String question) {
      return chat.prompt("Look up: " + question).call().content();
    }
  }

  @RestController
  public static class AskController {
    private final Agents agents;
    private final LockN lockn;

    AskController(Agents agents, LockN lockn) {
      this.agents = agents;
      this.lockn = lockn;
    }

    @GetMapping("/ask")
    public String ask(@RequestParam String q) {
      return agents.answer(q);
    }

    @GetMapping("/ask-async")
    public CompletableFuture<String> askAsync(@RequestParam String q) {
      return agents.answerAsync(q);
    }

    @GetMapping("/ask-stream")
    public String askStream(@RequestParam String q) {
      return agents.streamed(q);
    }

    @GetMapping("/ask-fluent")
    public String askFluent(@RequestParam String q) {
      return lockn.agent("fluent-bot").task("answer").supply(() -> agents.run(q));
    }

    @GetMapping("/ask-tooled")
    public String askTooled(@RequestParam String q) {
      return agents.research(q);
    }
  }

  @BeforeEach
  void reset() {
    STUB.reset();
    SPANS.reset();
  }

  /**
   * The request's agent: one tree, exact costs on the spans, the roll-up (unless {@code streamed}) and the actuator
   * report.
   */
  private List<SpanData> assertAgentRun(String path, String agent, String task, String tenant, boolean streamed) {
    return assertAgentRun(port, SPANS, path, agent, task, tenant, streamed);
  }

  static List<SpanData> assertAgentRun(int port, InMemorySpanExporter spans, String path, String agent, String task,
      String tenant, boolean streamed) {
    String traceId = WebNesting.newTraceId();
    String answer = WebNesting.get(port, path + "?q=" + WebNesting.query("Weather in Paris?"), tenant, traceId, true);
    assertThat(answer).isEqualTo("Sunny.");
    List<SpanData> trace = WebNesting.awaitTrace(spans, traceId);

    SpanData agentSpan = assertOneTree(trace, agent, task, 2, 3, 1);
    assertThat(named(trace, "chat ")).extracting(s -> s.getAttributes().get(CostAttributes.TOTAL_NANOS))
        .containsExactlyInAnyOrder(ROUND_1, ROUND_2, SUMMARY);
    if (!streamed) {
      assertThat(agentSpan.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(AGENT_RUN);
      assertThat(agentSpan.getAttributes().get(CostAttributes.ROLLUP_CALLS)).isEqualTo(3L);
    }
    // A stream's spans end after its subscriber saw it complete (Reactor runs doFinally hooks outermost first), so
    // after the agent's: the roll-up misses them (docs/spring.md, limits); the ledger and the budget do not.
    assertThat(named(trace, "chat ")).allSatisfy(s ->
        assertThat(s.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey(WebNesting.TENANT_KEY)))
            .isEqualTo(tenant));

    JsonNode report = WebNesting.report(port);
    assertThat(WebNesting.nanos(report.path("byAgent").get(agent))).isEqualTo(AGENT_RUN);
    assertThat(WebNesting.nanos(report.path("byTenant").get(tenant))).isEqualTo(AGENT_RUN);
    assertThat(WebNesting.budgetSpent(report, tenant)).isEqualTo(AGENT_RUN);
    return trace;
  }

  @Test
  void agentOnTheRequestThread_oneTreeUnderTheRequest() {
    WebNesting.queueAgentRun(STUB);
    List<SpanData> trace = assertAgentRun("/ask", "support-bot", "answer", "acme-mvc", false);
    // Straight below the server span: the controller makes no span of its own.
    SpanData server = trace.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
    assertThat(only(trace, "invoke_agent").getParentSpanId()).isEqualTo(server.getSpanId());
  }

  @Test
  void asyncAgent_nestsUnderTheRequest() {
    WebNesting.queueAgentRun(STUB);
    assertAgentRun("/ask-async", "async-bot", "answer", "acme-async", false);
  }

  @Test
  void streamingAgent_oneTreeUnderTheRequest() {
    WebNesting.queueStreamedAgentRun(STUB);
    assertAgentRun("/ask-stream", "stream-bot", "stream", "acme-stream", true);
  }

  @Test
  void fluentAgent_oneTreeUnderTheRequest() {
    WebNesting.queueAgentRun(STUB);
    assertAgentRun("/ask-fluent", "fluent-bot", "answer", "acme-fluent", false);
  }

  @Test
  void anHttpClientCallInsideAnAgent_nestsUnderTheAgent() {
    STUB.json("{\"status\":\"up\"}");
    String traceId = WebNesting.newTraceId();
    assertThat(WebNesting.get(port, "/fetch", "acme-http", traceId, true)).contains("up");
    List<SpanData> trace = WebNesting.awaitTrace(SPANS, traceId);

    SpanData agentSpan = only(trace, "invoke_agent http-bot");
    List<SpanData> clients = trace.stream().filter(s -> s.getKind() == SpanKind.CLIENT).toList();
    assertThat(clients).as(() -> names(trace)).hasSize(1);
    assertThat(clients.get(0).getParentSpanId()).as(() -> names(trace)).isEqualTo(agentSpan.getSpanId());
  }

  @Test
  void agentToolBean_nestsItsOwnModelCallsUnderTheToolAndTheAgent() {
    STUB.json(OpenAiStub.completion(WebNesting.MODEL, "Sunny.", 100, 0, 10, 0));
    String traceId = WebNesting.newTraceId();
    WebNesting.get(port, "/ask-tooled?q=paris", "acme-tooled", traceId, true);
    List<SpanData> trace = WebNesting.awaitTrace(SPANS, traceId);

    SpanData agentSpan = only(trace, "invoke_agent tooled-bot");
    SpanData tool = only(trace, "execute_tool lookup");
    SpanData client = only(trace, "spring_ai chat_client");
    SpanData chat = only(trace, "chat ");
    assertThat(tool.getParentSpanId()).as(() -> names(trace)).isEqualTo(agentSpan.getSpanId());
    assertThat(client.getParentSpanId()).as(() -> names(trace)).isEqualTo(tool.getSpanId());
    assertThat(descendsFrom(trace, chat, client)).isTrue();
    assertThat(chat.getAttributes().get(LockNAttributes.AGENT_NAME)).isEqualTo("tooled-bot");
    assertThat(chat.getAttributes().get(LockNAttributes.TASK_NAME)).isEqualTo("research");
    // 100 x 2,500 + 10 x 10,000 nano-USD, rolled up through the tool to the agent.
    assertThat(agentSpan.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(SUMMARY);
    assertThat(WebNesting.agentSpend(port, "tooled-bot")).isEqualTo(SUMMARY);
  }
}
