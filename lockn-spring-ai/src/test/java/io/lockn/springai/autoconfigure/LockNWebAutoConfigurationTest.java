package io.lockn.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockn.springai.web.BudgetProblemReactiveAdvice;
import io.lockn.springai.web.BudgetProblemServletAdvice;
import io.lockn.springai.web.BudgetProblems;
import java.io.InputStream;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Which advice {@link LockNWebAutoConfiguration} defines: the servlet one in a servlet application, the reactive one
 * in a reactive application, none elsewhere, none when turned off, the application's own when it defines one; an
 * invalid {@code lockn.web.problem-details.enabled} fails start-up naming the property, and the property is in the
 * configuration metadata. (The HTTP behaviour is in {@code BudgetProblemServletTest} and {@code
 * BudgetProblemReactiveTest}.)
 */
class LockNWebAutoConfigurationTest {

  private static final AutoConfigurations WEB = AutoConfigurations.of(LockNWebAutoConfiguration.class);

  @Test
  void servletApplication_getsTheServletAdvice() {
    new WebApplicationContextRunner().withConfiguration(WEB).run(ctx -> {
      assertThat(ctx).hasSingleBean(BudgetProblemServletAdvice.class);
      assertThat(ctx).doesNotHaveBean(BudgetProblemReactiveAdvice.class);
      assertThat(ctx.getBean(LockNWebProperties.class).getProblemDetails().isEnabled()).isTrue();
    });
  }

  @Test
  void reactiveApplication_getsTheReactiveAdvice() {
    new ReactiveWebApplicationContextRunner().withConfiguration(WEB).run(ctx -> {
      assertThat(ctx).hasSingleBean(BudgetProblemReactiveAdvice.class);
      assertThat(ctx).doesNotHaveBean(BudgetProblemServletAdvice.class);
    });
  }

  @Test
  void nonWebApplication_getsNothing() {
    new ApplicationContextRunner().withConfiguration(WEB).run(ctx -> {
      assertThat(ctx).doesNotHaveBean(BudgetProblemServletAdvice.class);
      assertThat(ctx).doesNotHaveBean(BudgetProblemReactiveAdvice.class);
      assertThat(ctx).doesNotHaveBean(LockNWebProperties.class);
    });
  }

  @Test
  void optOut_andLockNDisabled_defineNoAdvice() {
    new WebApplicationContextRunner().withConfiguration(WEB)
        .withPropertyValues("lockn.web.problem-details.enabled=false")
        .run(ctx -> {
          assertThat(ctx).doesNotHaveBean(BudgetProblemServletAdvice.class);
          assertThat(ctx.getBean(LockNWebProperties.class).getProblemDetails().isEnabled()).isFalse();
        });
    new ReactiveWebApplicationContextRunner().withConfiguration(WEB)
        .withPropertyValues("lockn.web.problem-details.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(BudgetProblemReactiveAdvice.class));
    new WebApplicationContextRunner().withConfiguration(WEB)
        .withPropertyValues("lockn.enabled=false")
        .run(ctx -> {
          assertThat(ctx).doesNotHaveBean(BudgetProblemServletAdvice.class);
          assertThat(ctx).doesNotHaveBean(LockNWebProperties.class);
        });
  }

  @Test
  void invalidValue_failsStartUpNamingTheProperty() {
    new WebApplicationContextRunner().withConfiguration(WEB)
        .withPropertyValues("lockn.web.problem-details.enabled=maybe")
        .run(ctx -> {
          assertThat(ctx).hasFailed();
          assertThat(ctx.getStartupFailure())
              .hasStackTraceContaining("Failed to bind properties under 'lockn.web.problem-details.enabled' to boolean");
        });
  }

  @Test
  void applicationsOwnAdvice_replacesLockNs() {
    new WebApplicationContextRunner().withConfiguration(WEB).withUserConfiguration(OwnAdvice.class).run(ctx -> {
      assertThat(ctx).hasSingleBean(BudgetProblemServletAdvice.class);
      assertThat(ctx).hasBean("ownAdvice");
    });
  }

  @Test
  void metadata_documentsTheProperty() throws Exception {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      root = new ObjectMapper().readTree(in);
    }
    JsonNode property = null;
    for (JsonNode p : root.get("properties")) {
      if (p.get("name").asText().equals("lockn.web.problem-details.enabled")) {
        property = p;
      }
    }
    assertThat(property).isNotNull();
    assertThat(property.get("type").asText()).isEqualTo("java.lang.Boolean");
    assertThat(property.get("defaultValue").asBoolean()).isTrue();
    assertThat(property.get("description").asText()).contains("429").contains("Retry-After");
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnAdvice {
    @Bean
    BudgetProblemServletAdvice ownAdvice() {
      return new BudgetProblemServletAdvice(new BudgetProblems(Clock.systemUTC()));
    }
  }
}
