package io.lockn.springai.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockN;
import io.lockn.core.annotation.AgentTask;
import io.lockn.core.annotation.AgentTool;
import io.lockn.core.annotation.SpanAttribute;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.autoproxy.InfrastructureAdvisorAutoProxyCreator;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code @AgentTask} and {@code @AgentTool} on Spring beans, through the infrastructure advisor, without AspectJ. */
class LockNAnnotationAdvisorTest {

  interface Answering {
    @AgentTask(agent = "support-bot", task = "answer")
    String answer(@SpanAttribute("app.ticket") String ticket);
  }

  static class Support implements Answering {
    CompletableFuture<String> pending = new CompletableFuture<>();

    @Override
    public String answer(String ticket) {
      if (ticket.equals("boom")) {
        throw new IllegalStateException("no answer for " + ticket);
      }
      return "answer to " + ticket + " in " + Span.current().getSpanContext().getSpanId();
    }

    @AgentTask(agent = "async-bot")
    public CompletableFuture<String> later() {
      return pending;
    }

    @AgentTask(agent = "reactive-bot")
    public Mono<String> mono() {
      return Mono.fromSupplier(() -> Span.current().getSpanContext().getSpanId());
    }

    @AgentTool(name = "lookup")
    public Flux<Integer> lookups() {
      return Flux.interval(Duration.ofMillis(1)).map(Long::intValue);
    }

    @AgentTask(agent = "outer")
    public String selfInvoking() {
      return answer("inner");
    }

    public CompletableFuture<String> pending() {
      return pending;
    }

    public String plain() {
      return "plain";
    }
  }

  @Configuration
  static class Config {
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static InfrastructureAdvisorAutoProxyCreator autoProxy() {
      InfrastructureAdvisorAutoProxyCreator creator = new InfrastructureAdvisorAutoProxyCreator();
      creator.setProxyTargetClass(true);
      return creator;
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static LockNAnnotationAdvisor lockNAnnotations() {
      return new LockNAnnotationAdvisor(LOCKN);
    }

    @Bean
    Support support() {
      return new Support();
    }
  }

  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  static final OpenTelemetrySdk OTEL = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
      .build();
  static final LockN LOCKN = LockN.create(OTEL);

  private AnnotationConfigApplicationContext context;
  private Support support;

  @BeforeEach
  void start() {
    SPANS.reset();
    context = new AnnotationConfigApplicationContext(Config.class);
    support = context.getBean(Support.class);
  }

  @AfterEach
  void stop() {
    context.close();
    assertThat(io.opentelemetry.context.Context.current()).isSameAs(io.opentelemetry.context.Context.root());
  }

  @Test
  void interfaceAnnotationOnAClassProxy_recordsTheAgentCurrentWhileItRuns() {
    String answer = support.answer("T-1");

    SpanData span = SPANS.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("invoke_agent support-bot");
    assertThat(span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("app.ticket")))
        .isEqualTo("T-1");
    assertThat(answer).endsWith(span.getSpanId());
  }

  @Test
  void exception_isRecordedAndRethrownUnchanged() {
    assertThatThrownBy(() -> support.answer("boom")).isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("no answer for boom");

    SpanData span = SPANS.getFinishedSpanItems().get(0);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo(IllegalStateException.class.getName());
  }

  @Test
  void completionStage_endsTheSpanWhenItCompletes() {
    CompletableFuture<String> result = support.later();

    // Through the proxy: the CGLIB proxy's own fields are not the bean's.
    assertThat(result).isSameAs(support.pending());
    assertThat(SPANS.getFinishedSpanItems()).isEmpty();
    support.pending().complete("done");
    assertThat(SPANS.getFinishedSpanItems()).singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo("invoke_agent async-bot"));
  }

  @Test
  void mono_endsOnTerminationAndIsCurrentWhileSubscribed() {
    Mono<String> mono = support.mono();
    assertThat(SPANS.getFinishedSpanItems()).isEmpty();

    String spanIdSeenInside = mono.block();

    SpanData span = SPANS.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("invoke_agent reactive-bot");
    assertThat(spanIdSeenInside).isEqualTo(span.getSpanId());
  }

  @Test
  void flux_cancelledEarly_endsTheToolSpanAsCancelled() {
    assertThat(support.lookups().take(3).collectList().block()).containsExactly(0, 1, 2);

    SpanData span = SPANS.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("execute_tool lookup");
    assertThat(span.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo("cancelled");
  }

  @Test
  void selfInvocation_isNotSeenAndUnannotatedMethodsPassThrough() {
    assertThat(support.selfInvoking()).startsWith("answer to inner");
    assertThat(support.plain()).isEqualTo("plain");

    assertThat(SPANS.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("invoke_agent outer");
  }
}
