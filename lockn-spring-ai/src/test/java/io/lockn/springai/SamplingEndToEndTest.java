package io.lockn.springai;

import static io.lockn.springai.WebNesting.AGENT_RUN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockn.core.annotation.AgentTask;
import io.lockn.pricing.CostAttributes;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Sampling end to end, in a Spring MVC application with Boot's <em>default</em> sampling probability (0.1; the test
 * does not set it): whether a request's trace is sampled or not, {@code /actuator/lockn}'s total, its spend by agent
 * and by tenant (from the request's {@code baggage} header) and the tenant's budget are all exact and equal. Two
 * requests join a sampled trace, two an unsampled one ({@code traceparent} flags {@code 01} and {@code 00}: Boot's
 * sampler follows its parent), two start their own trace, sampled or not at Boot's 10%.
 */
@SpringBootTest(classes = SamplingEndToEndTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SamplingEndToEndTest {

  static final OpenAiStub STUB = new OpenAiStub();
  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    WebNesting.properties(registry, STUB, false);
  }

  @AfterAll
  static void closeStub() {
    STUB.close();
  }

  @LocalServerPort int port;
  @Autowired Environment environment;

  /** Not a {@code @Configuration}, so that no other test's component scan picks it up. */
  @EnableAutoConfiguration
  static class App {
    @Bean
    SpanProcessor capture() {
      return SimpleSpanProcessor.create(SPANS);
    }

    @Bean
    SupportAgent supportAgent(ChatClient.Builder chat) {
      return new SupportAgent(chat.build(), new WebNesting.WeatherTools());
    }

    @Bean
    AskController askController(SupportAgent agent) {
      return new AskController(agent);
    }
  }

  /** The agent of the issue: two ChatClient calls, the first with a {@code @Tool}. */
  public static class SupportAgent {
    private final ChatClient chat;
    private final WebNesting.WeatherTools tools;

    SupportAgent(ChatClient chat, WebNesting.WeatherTools tools) {
      this.chat = chat;
      this.tools = tools;
    }

    @AgentTask(agent = "support-bot", task = "answer")
    public String answer(String question) {
      String weather = chat.prompt(question).tools(tools).call().content();
      return chat.prompt("Summarise: " + weather).call().content();
    }
  }

  @RestController
  public static class AskController {
    private final SupportAgent agent;

    AskController(SupportAgent agent) {
      this.agent = agent;
    }

    @GetMapping("/ask")
    public String ask(@RequestParam String q) {
      return agent.answer(q);
    }
  }

  private String ask(String traceId, boolean sampled) {
    WebNesting.queueAgentRun(STUB);
    return WebNesting.get(port, "/ask?q=" + WebNesting.query("Weather in Paris?"), "acme", traceId, sampled);
  }

  @Test
  void sampledOrNot_totalsAgentTenantAndBudgetAreExactAndEqual() {
    assertThat(environment.getProperty("management.tracing.sampling.probability")).isNull();
    String sampled1 = WebNesting.newTraceId();
    String sampled2 = WebNesting.newTraceId();
    String unsampled1 = WebNesting.newTraceId();
    String unsampled2 = WebNesting.newTraceId();

    assertThat(ask(sampled1, true)).isEqualTo("Sunny.");
    assertThat(ask(unsampled1, false)).isEqualTo("Sunny.");
    assertThat(ask(null, false)).isEqualTo("Sunny.");
    assertThat(ask(sampled2, true)).isEqualTo("Sunny.");
    assertThat(ask(unsampled2, false)).isEqualTo("Sunny.");
    assertThat(ask(null, false)).isEqualTo("Sunny.");

    // Both kinds of request happened: the sampled traces were exported, each agent with its exact roll-up ...
    for (String traceId : List.of(sampled1, sampled2)) {
      List<SpanData> trace = WebNesting.awaitTrace(SPANS, traceId);
      SpanData agent = WebNesting.only(trace, "invoke_agent support-bot");
      assertThat(agent.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(AGENT_RUN);
    }
    // ... and the unsampled ones were not (the spans were all ended by now: the sampled requests came after).
    assertThat(WebNesting.trace(SPANS, unsampled1)).isEmpty();
    assertThat(WebNesting.trace(SPANS, unsampled2)).isEmpty();

    // Six runs of 1,725,000 nano-USD = 10,350,000 nano-USD = $0.01035, in every total.
    long six = 6 * AGENT_RUN;
    assertThat(six).isEqualTo(10_350_000L);
    JsonNode report = WebNesting.report(port);
    assertThat(report.path("total").asText()).isEqualTo("0.01035");
    assertThat(WebNesting.nanos(report.get("total"))).isEqualTo(six);
    assertThat(WebNesting.nanos(report.path("byAgent").get("support-bot"))).isEqualTo(six);
    assertThat(WebNesting.nanos(report.path("byTenant").get("acme"))).isEqualTo(six);
    assertThat(WebNesting.nanos(report.path("byModel").get(WebNesting.MODEL))).isEqualTo(six);
    assertThat(WebNesting.budgetSpent(report, "acme")).isEqualTo(six);
    assertThat(report.path("byAgent").size()).as(report.toString()).isEqualTo(1);
    assertThat(report.path("byTenant").size()).as(report.toString()).isEqualTo(1);
  }
}
