package io.lockn.springai.autoconfigure;

import io.lockn.core.BudgetExceededException;
import io.lockn.springai.web.BudgetProblemReactiveAdvice;
import io.lockn.springai.web.BudgetProblemServletAdvice;
import io.lockn.springai.web.BudgetProblems;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.ErrorResponse;

/*
 * Design. A separate auto-configuration from LockNAutoConfiguration: it needs no LockN bean (a block may come from a
 * CallAdmission the application wired by hand), only a web application. The opt-out is on the nested classes, not on
 * this one, so that LockNWebProperties is bound (and an invalid value fails start-up, naming the property) whenever
 * LockN is enabled in a web application. Nested classes carry no @Configuration, as in LockNAutoConfiguration.
 */

/**
 * Auto-configures the HTTP answer to budget blocks in web applications: {@link BudgetProblemServletAdvice} (Spring
 * MVC) or {@link BudgetProblemReactiveAdvice} (WebFlux), which answer a {@link BudgetExceededException} reaching a
 * controller with {@code 429}, an RFC 9457 problem body and {@code Retry-After} ({@link BudgetProblems}). Each backs
 * off when the application defines a bean of its type; {@code lockn.web.problem-details.enabled=false} or {@code
 * lockn.enabled=false} turns them off.
 */
@AutoConfiguration
@ConditionalOnClass({BudgetExceededException.class, ErrorResponse.class})
@ConditionalOnBooleanProperty(name = "lockn.enabled", matchIfMissing = true)
@ConditionalOnWebApplication
@EnableConfigurationProperties(LockNWebProperties.class)
public final class LockNWebAutoConfiguration {

  /** The opt-out property. */
  static final String PROBLEM_DETAILS_ENABLED = "lockn.web.problem-details.enabled";

  /** Created by Spring. */
  LockNWebAutoConfiguration() {}

  /** Spring MVC. */
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(
      name = {"org.springframework.web.servlet.DispatcherServlet", "jakarta.servlet.http.HttpServletRequest"})
  @ConditionalOnBooleanProperty(name = PROBLEM_DETAILS_ENABLED, matchIfMissing = true)
  static class ServletConfiguration {

    @Bean
    @ConditionalOnMissingBean
    BudgetProblemServletAdvice lockNBudgetProblemServletAdvice() {
      return new BudgetProblemServletAdvice();
    }
  }

  /** WebFlux. */
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(name = "org.springframework.web.reactive.DispatcherHandler")
  @ConditionalOnBooleanProperty(name = PROBLEM_DETAILS_ENABLED, matchIfMissing = true)
  static class ReactiveConfiguration {

    @Bean
    @ConditionalOnMissingBean
    BudgetProblemReactiveAdvice lockNBudgetProblemReactiveAdvice() {
      return new BudgetProblemReactiveAdvice();
    }
  }
}
