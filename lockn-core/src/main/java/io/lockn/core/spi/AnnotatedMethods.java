package io.lockn.core.spi;

import io.lockn.core.LockN;
import io.lockn.core.LockNScope;
import io.lockn.core.internal.AnnotationInterceptor;
import io.lockn.core.internal.Async;
import java.lang.reflect.Method;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Records calls to {@link io.lockn.core.annotation.AgentTask @AgentTask} and {@link
 * io.lockn.core.annotation.AgentTool @AgentTool} methods for a framework's method interceptor (Spring AOP, CDI,
 * Micronaut...), with the rules of {@link LockN#instrument}: the agent name from the annotation or the target class's
 * simple name, the task from the method, annotations read from the method, its override or an interface the target
 * class implements, and {@link io.lockn.core.annotation.SpanAttribute @SpanAttribute} parameters recorded. It is what
 * lockn-spring-ai's {@code LockNAnnotationAdvisor} is built on; applications use {@link LockN#instrument} or such an
 * adapter instead.
 *
 * <p>An interceptor starts the span, makes it current around the call, and ends it when the result is there:
 *
 * <pre>{@code
 * LockNScope scope = methods.startDetached(targetClass, method, args);
 * if (scope == null) {
 *   return invocation.proceed();                 // not annotated, or LockN is a no-op
 * }
 * Object result;
 * try (Scope ignored = scope.makeCurrent()) {  // also a framework's notion of current: see ScopeBinder
 *   result = invocation.proceed();
 * } catch (Throwable t) {
 *   scope.recordException(t);                     // recorded, then rethrown unchanged
 *   scope.close();
 *   throw t;
 * }
 * if (result instanceof CompletionStage<?> stage) {
 *   AnnotatedMethods.endWhenComplete(scope, stage);
 * } else {
 *   scope.close();
 * }
 * return result;
 * }</pre>
 *
 * <p>Thread-safe: create one per LockN and share it. Annotations are read once per target class and method and
 * cached, bounded by the application's annotated methods. Never throws: a failure is logged through {@link
 * UsageLogger} and answered with a scope that records nothing.
 */
public interface AnnotatedMethods {

  /**
   * The annotated methods of a LockN.
   *
   * @param lockn the LockN to record with; for {@link LockN#noop()}, {@link #startDetached} always answers {@code
   *     null}
   * @return the annotated methods
   */
  static AnnotatedMethods of(LockN lockn) {
    return AnnotationInterceptor.of(lockn);
  }

  /**
   * Starts the span of one call to {@code method}, without making it current: the interceptor makes it current
   * around the call ({@link LockNScope#makeCurrent()}), and closes the scope (on any thread) when the call's result is
   * there.
   *
   * @param targetClass the class of the object the method is called on (not a proxy's class); the default agent name
   *     is its simple name
   * @param method the invoked method
   * @param args the arguments, for {@code @SpanAttribute} parameters; {@code null} for none
   * @return the started scope, or {@code null} when the method is not annotated or LockN is a no-op
   */
  @Nullable LockNScope startDetached(Class<?> targetClass, Method method, @Nullable Object @Nullable [] args);

  /**
   * Ends a scope when an asynchronous result completes, recording its failure (the application's own exception, not
   * the {@link java.util.concurrent.CompletionException} around it). The stage itself is not changed.
   *
   * @param scope the scope from {@link #startDetached}
   * @param stage the method's result
   */
  static void endWhenComplete(LockNScope scope, CompletionStage<?> stage) {
    Async.endOnCompletion(scope, stage);
  }
}
