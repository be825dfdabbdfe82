package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.LockN;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link ServletNestingTest}'s application on virtual threads ({@code spring.threads.virtual.enabled=true}: Tomcat
 * serves each request and {@code @Async} runs each task on a virtual thread): the same one tree per request, the same
 * exact spend. Virtual threads need Java 21; {@code .ci/run} runs this class on the JDK 25 beside Java 17, so it is
 * never only skipped.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
@SpringBootTest(classes = VirtualThreadNestingTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class VirtualThreadNestingTest {

  static final OpenAiStub STUB = new OpenAiStub();
  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    WebNesting.properties(registry, STUB, true);
    registry.add("spring.threads.virtual.enabled", () -> "true");
    registry.add("spring.task.execution.propagate-context", () -> "true");
    registry.add("spring.reactor.context-propagation", () -> "auto");
  }

  @AfterAll
  static void closeStubAndHook() {
    STUB.close();
    reactor.core.publisher.Hooks.disableAutomaticContextPropagation();
  }

  @LocalServerPort int port;
  @Autowired ServletNestingTest.Agents agents;

  /** {@link ServletNestingTest}'s beans. Not a {@code @Configuration}, so that no component scan picks it up. */
  @EnableAutoConfiguration
  @EnableAsync
  static class App {
    @Bean
    SpanProcessor capture() {
      return SimpleSpanProcessor.create(SPANS);
    }

    @Bean
    ServletNestingTest.Lookup lookup(ChatClient.Builder chat) {
      return new ServletNestingTest.Lookup(chat.build());
    }

    @Bean
    ServletNestingTest.Agents agents(ChatClient.Builder chat, ServletNestingTest.Lookup lookup) {
      return new ServletNestingTest.Agents(chat.build(), new WebNesting.WeatherTools(), lookup);
    }

    @Bean
    ServletNestingTest.AskController askController(ServletNestingTest.Agents agents, LockN lockn) {
      return new ServletNestingTest.AskController(agents, lockn);
    }
  }

  @BeforeEach
  void reset() {
    STUB.reset();
    SPANS.reset();
    agents.threads().clear();
  }

  @Test
  void agentOnAVirtualRequestThread_oneTreeUnderTheRequest() {
    WebNesting.queueAgentRun(STUB);
    ServletNestingTest.assertAgentRun(port, SPANS, "/ask", "support-bot", "answer", "acme-virtual", false);
    assertThat(agents.threads()).singleElement().asString().startsWith("VirtualThread[");
  }

  @Test
  void asyncAgentOnAVirtualThread_nestsUnderTheRequest() {
    WebNesting.queueAgentRun(STUB);
    ServletNestingTest.assertAgentRun(port, SPANS, "/ask-async", "async-bot", "answer", "acme-virtual-async", false);
    assertThat(agents.threads()).singleElement().asString().startsWith("VirtualThread[");
  }

  @Test
  void streamingAgentOnAVirtualThread_oneTreeUnderTheRequest() {
    WebNesting.queueStreamedAgentRun(STUB);
    ServletNestingTest.assertAgentRun(port, SPANS, "/ask-stream", "stream-bot", "stream", "acme-virtual-stream",
        true);
    assertThat(agents.threads()).singleElement().asString().startsWith("VirtualThread[");
  }
}
