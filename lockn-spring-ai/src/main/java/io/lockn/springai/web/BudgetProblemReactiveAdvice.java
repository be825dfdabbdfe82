package io.lockn.springai.web;

import io.lockn.core.BudgetExceededException;
import java.util.Objects;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.server.ServerWebExchange;

/*
 * Design: BudgetProblemServletAdvice's, for WebFlux. A separate class because the request types differ, and a
 * servlet type in a handler's signature would not load in a reactive application without the servlet API.
 */

/**
 * Answers a {@link BudgetExceededException} (and its subclasses, also when wrapped in another exception) thrown by a
 * WebFlux controller, or signalled by the {@code Mono}/{@code Flux} it returns before the response is committed,
 * with {@link BudgetProblems#errorResponse}: {@code 429}, {@code application/problem+json}, {@code Retry-After} when
 * known. Logs one WARN line per answer, without a stack trace. Lowest precedence: the application's own exception
 * handlers, in the controller or in another {@code @ControllerAdvice}, win. The Spring Boot starter registers it in
 * reactive web applications unless {@code lockn.web.problem-details.enabled=false}.
 */
@ControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
@ConditionalOnBooleanProperty(name = "lockn.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "lockn.web.problem-details.enabled", matchIfMissing = true)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
public class BudgetProblemReactiveAdvice {

  private final BudgetProblems problems;

  /** Answers with {@code Retry-After} on the system clock. */
  public BudgetProblemReactiveAdvice() {
    this(BudgetProblems.systemUtc());
  }

  /**
   * Answers with the given problems.
   *
   * @param problems how blocks are answered
   */
  public BudgetProblemReactiveAdvice(BudgetProblems problems) {
    this.problems = Objects.requireNonNull(problems, "problems");
  }

  /**
   * The answer to a block.
   *
   * @param blocked the block: the exception signalled, or the first of its causes that is one
   * @param exchange the exchange, for the log line
   * @return the answer
   */
  @ExceptionHandler(BudgetExceededException.class)
  public ErrorResponse handleBudgetExceeded(BudgetExceededException blocked, ServerWebExchange exchange) {
    ErrorResponse answer = problems.errorResponse(blocked);
    ServerHttpRequest request = exchange.getRequest();
    problems.logAnswered(request.getMethod().name(), request.getPath().value(), answer);
    return answer;
  }
}
