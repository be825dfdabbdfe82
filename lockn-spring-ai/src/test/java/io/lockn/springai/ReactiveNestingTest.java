package io.lockn.springai;

import static io.lockn.springai.WebNesting.AGENT_RUN;
import static io.lockn.springai.WebNesting.ROUND_1;
import static io.lockn.springai.WebNesting.ROUND_2;
import static io.lockn.springai.WebNesting.SUMMARY;
import static io.lockn.springai.WebNesting.assertOneTree;
import static io.lockn.springai.WebNesting.named;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockn.core.annotation.AgentTask;
import io.lockn.pricing.CostAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A WebFlux application (Reactor Netty) with Boot's defaults, Spring AI's OpenAI starter and LockN's
 * auto-configuration, called over real HTTP: an {@code @AgentTask} returning a {@code Mono} (blocking {@code
 * ChatClient} calls moved off the event loop) and one returning the {@code Flux} of two streamed {@code ChatClient}
 * calls, the first with a {@code @Tool}. Each request makes one trace, {@code http get /...} → {@code invoke_agent} →
 * Spring AI's spans, with the agent and task on every chat and tool span and the exact spend per agent, tenant and
 * budget. Reactor's automatic context propagation is on ({@code spring.reactor.context-propagation=auto}), as a
 * WebFlux application needs for any thread-bound context, Micrometer's current observation included, to reach its
 * controllers.
 */
@SpringBootTest(classes = ReactiveNestingTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.main.web-application-type=reactive")
class ReactiveNestingTest {

  static final OpenAiStub STUB = new OpenAiStub();
  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    WebNesting.properties(registry, STUB, true);
    registry.add("spring.reactor.context-propagation", () -> "auto");
  }

  @AfterAll
  static void closeStubAndHook() {
    STUB.close();
    // Boot turned the JVM-wide hook on for this application; the next test class's application decides for itself.
    Hooks.disableAutomaticContextPropagation();
  }

  @LocalServerPort int port;

  /** Not a {@code @Configuration}, so that no other test's component scan picks it up. */
  @EnableAutoConfiguration
  static class App {
    @Bean
    SpanProcessor capture() {
      return SimpleSpanProcessor.create(SPANS);
    }

    @Bean
    ReactiveAgents reactiveAgents(ChatClient.Builder chat) {
      return new ReactiveAgents(chat.build(), new WebNesting.WeatherTools());
    }

    @Bean
    ReactiveController reactiveController(ReactiveAgents agents) {
      return new ReactiveController(agents);
    }
  }

  /** Agents returning Reactor types, as a WebFlux application writes them. */
  public static class ReactiveAgents {
    private final ChatClient chat;
    private final WebNesting.WeatherTools tools;

    ReactiveAgents(ChatClient chat, WebNesting.WeatherTools tools) {
      this.chat = chat;
      this.tools = tools;
    }

    @AgentTask(agent = "mono-bot", task = "answer")
    public Mono<String> answer(String question) {
      return Mono.fromCallable(() -> {
        String weather = chat.prompt(question).tools(tools).call().content();
        return chat.prompt("Summarise: " + weather).call().content();
      }).subscribeOn(Schedulers.boundedElastic());
    }

    @AgentTask(agent = "flux-bot", task = "stream")
    public Flux<String> stream(String question) {
      return chat.prompt(question).tools(tools).stream().content()
          .concatWith(Flux.defer(() -> chat.prompt("Summarise").stream().content()));
    }
  }

  @RestController
  public static class ReactiveController {
    private final ReactiveAgents agents;

    ReactiveController(ReactiveAgents agents) {
      this.agents = agents;
    }

    @GetMapping("/ask")
    public Mono<String> ask(@RequestParam String q) {
      return agents.answer(q);
    }

    @GetMapping("/stream")
    public Flux<String> stream(@RequestParam String q) {
      return agents.stream(q);
    }
  }

  @BeforeEach
  void reset() {
    STUB.reset();
    SPANS.reset();
  }

  private List<SpanData> call(String path, String tenant, String expectedBody) {
    String traceId = WebNesting.newTraceId();
    String body = WebNesting.get(port, path + "?q=" + WebNesting.query("Weather in Paris?"), tenant, traceId, true);
    assertThat(body).contains(expectedBody);
    return WebNesting.awaitTrace(SPANS, traceId);
  }

  private void assertSpend(String agent, String tenant) {
    JsonNode report = WebNesting.report(port);
    assertThat(WebNesting.nanos(report.path("byAgent").get(agent))).isEqualTo(AGENT_RUN);
    assertThat(WebNesting.nanos(report.path("byTenant").get(tenant))).isEqualTo(AGENT_RUN);
    assertThat(WebNesting.budgetSpent(report, tenant)).isEqualTo(AGENT_RUN);
  }

  @Test
  void monoAgent_oneTreeUnderTheRequest() {
    WebNesting.queueAgentRun(STUB);
    List<SpanData> trace = call("/ask", "acme-mono", "Sunny.");

    SpanData agent = assertOneTree(trace, "mono-bot", "answer", 2, 3, 1);
    assertThat(named(trace, "chat ")).extracting(s -> s.getAttributes().get(CostAttributes.TOTAL_NANOS))
        .containsExactlyInAnyOrder(ROUND_1, ROUND_2, SUMMARY);
    assertThat(agent.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(AGENT_RUN);
    assertThat(agent.getAttributes().get(CostAttributes.ROLLUP_CALLS)).isEqualTo(3L);
    assertThat(named(trace, "chat ")).allSatisfy(s ->
        assertThat(s.getAttributes().get(AttributeKey.stringKey(WebNesting.TENANT_KEY))).isEqualTo("acme-mono"));
    assertSpend("mono-bot", "acme-mono");
  }

  @Test
  void fluxAgentOfTwoStreams_oneTreeUnderTheRequest() {
    WebNesting.queueStreamedAgentRun(STUB);
    List<SpanData> trace = call("/stream", "acme-flux", "Sunny.");

    assertOneTree(trace, "flux-bot", "stream", 2, 3, 1);
    assertThat(named(trace, "chat ")).extracting(s -> s.getAttributes().get(CostAttributes.TOTAL_NANOS))
        .containsExactlyInAnyOrder(ROUND_1, ROUND_2, SUMMARY);
    assertThat(named(trace, "chat ")).allSatisfy(s ->
        assertThat(s.getAttributes().get(AttributeKey.stringKey(WebNesting.TENANT_KEY))).isEqualTo("acme-flux"));
    // No roll-up: the streams' spans end after the agent's (docs/spring.md, limits).
    assertSpend("flux-bot", "acme-flux");
  }
}
