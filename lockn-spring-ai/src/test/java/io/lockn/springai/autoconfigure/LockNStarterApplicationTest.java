package io.lockn.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lockn.budget.Budgets;
import io.lockn.core.BudgetExceededException;
import io.lockn.core.LockN;
import io.lockn.core.sdk.AttributionSpanProcessor;
import io.lockn.pricing.sdk.CostPipeline;
import io.lockn.springai.LockNBudgetAdvisor;
import io.lockn.springai.LockNContextAdvisor;
import io.lockn.springai.LockNObservationHandler;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;

/**
 * A whole Spring Boot application with every auto-configuration on the test classpath (Spring AI OpenAI, Boot's
 * OpenTelemetry tracing, actuator): LockN's auto-configurations are found through {@code AutoConfiguration.imports}
 * and wire into Spring AI's, without a cycle.
 */
class LockNStarterApplicationTest {

  @Test
  void bootApplication_wiresLockNIntoSpringAi() {
    try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE)
        .properties(
            "spring.ai.openai.api-key=test",
            "spring.ai.openai.base-url=http://127.0.0.1:9/v1",
            "spring.ai.openai.chat.model=gpt-4o",
            "spring.ai.openai.max-retries=0",
            "management.tracing.sampling.probability=1.0",
            "management.endpoints.web.exposure.include=lockn",
            "lockn.budgets.items[0].name=none-left",
            "lockn.budgets.items[0].limit-usd=0",
            "lockn.budgets.items[0].period=day")
        .run()) {
      assertThat(ctx.getBean(LockN.class).isEnabled()).isTrue();
      assertThat(ctx.getBeansOfType(OpenTelemetry.class)).hasSize(1);
      assertThat(ctx.getBeansOfType(CostPipeline.class)).hasSize(1);
      assertThat(ctx.getBeansOfType(AttributionSpanProcessor.class)).hasSize(1);
      assertThat(ctx.getBeansOfType(LockNObservationHandler.class)).hasSize(1);
      assertThat(ctx.getBeansOfType(LockNContextAdvisor.class)).hasSize(1);
      assertThat(ctx.getBeansOfType(LockNEndpoint.class)).hasSize(1);
      assertThat(ctx.getBean(Budgets.class).budgets()).hasSize(1);
      // Inside Spring AI's tool loop: the ToolCallingAdvisor's default order (HIGHEST_PRECEDENCE + 300) + 100.
      assertThat(ctx.getBean(LockNBudgetAdvisor.class).getOrder()).isEqualTo(Ordered.HIGHEST_PRECEDENCE + 400);

      // The auto-configured ChatClient carries the budget advisor: the call is refused before any HTTP request.
      ChatClient chatClient = ctx.getBean(ChatClient.Builder.class).build();
      Throwable thrown = catchThrowable(() -> chatClient.prompt("hello").call().content());
      assertThat(thrown).isInstanceOf(BudgetExceededException.class);
      assertThat(((BudgetExceededException) thrown).budgetName()).isEqualTo("none-left");
    }
  }

  /** No component scan: only auto-configuration. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {}
}
