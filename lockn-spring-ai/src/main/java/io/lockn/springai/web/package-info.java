/**
 * Budget blocks as HTTP answers: a {@link io.lockn.core.BudgetExceededException} (or a subclass) that reaches a Spring
 * MVC or WebFlux controller becomes {@code 429 Too Many Requests} with an RFC 9457 problem body and {@code
 * Retry-After} ({@link io.lockn.springai.web.BudgetProblems}), logged in one WARN line. The advice ({@link
 * io.lockn.springai.web.BudgetProblemServletAdvice}, {@link io.lockn.springai.web.BudgetProblemReactiveAdvice}) has
 * the lowest precedence, so an application's own exception handlers win; the Spring Boot starter registers it
 * ({@code lockn.web.problem-details.enabled}).
 */
@NullMarked
package io.lockn.springai.web;

import org.jspecify.annotations.NullMarked;
