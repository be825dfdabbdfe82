package io.lockn.springai.web;

import io.lockn.core.BudgetExceededException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/*
 * Design. An @ExceptionHandler in a @ControllerAdvice of the lowest precedence: Spring MVC tries the controller's own
 * handlers first, then every advice in order, and takes the first that matches the exception or one of its causes,
 * so an application's handler for these exceptions (or a catch-all of its own) wins, and a block wrapped by a
 * framework is still found. An application's advice without @Order has the same order as this one; Spring then keeps
 * the order of bean registration, where the application's own beans precede auto-configured ones. Returning ErrorResponse lets Spring MVC negotiate and write application/problem+json
 * with its own converters and fill in the problem's instance.
 *
 * The conditions repeat the auto-configuration's: @ControllerAdvice makes this class a @Component, and an application
 * (or a LockN test) whose component scan covers io.lockn would otherwise pick it up whatever lockn.enabled and
 * lockn.web.problem-details.enabled say.
 */

/**
 * Answers a {@link BudgetExceededException} (and its subclasses, also when wrapped in another exception) thrown by a
 * Spring MVC controller, or by the {@code Mono}/{@code CompletableFuture} it returns, with {@link
 * BudgetProblems#errorResponse}: {@code 429}, {@code application/problem+json}, {@code Retry-After} when known. Logs
 * one WARN line per answer, without a stack trace. Lowest precedence: the application's own {@code @ExceptionHandler}
 * methods, in the controller or in another {@code @ControllerAdvice}, win. The Spring Boot starter registers it in
 * servlet web applications unless {@code lockn.web.problem-details.enabled=false}.
 */
@ControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
@ConditionalOnBooleanProperty(name = "lockn.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "lockn.web.problem-details.enabled", matchIfMissing = true)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class BudgetProblemServletAdvice {

  private final BudgetProblems problems;

  /** Answers with {@code Retry-After} on the system clock. */
  public BudgetProblemServletAdvice() {
    this(BudgetProblems.systemUtc());
  }

  /**
   * Answers with the given problems.
   *
   * @param problems how blocks are answered
   */
  public BudgetProblemServletAdvice(BudgetProblems problems) {
    this.problems = Objects.requireNonNull(problems, "problems");
  }

  /**
   * The answer to a block.
   *
   * @param blocked the block: the exception thrown, or the first of its causes that is one
   * @param request the request, for the log line
   * @return the answer
   */
  @ExceptionHandler(BudgetExceededException.class)
  public ErrorResponse handleBudgetExceeded(BudgetExceededException blocked, HttpServletRequest request) {
    ErrorResponse answer = problems.errorResponse(blocked);
    problems.logAnswered(request.getMethod(), request.getRequestURI(), answer);
    return answer;
  }
}
