package io.lockn.springai.aop;

import io.lockn.core.LockN;
import io.lockn.core.LockNScope;
import io.lockn.core.annotation.AgentTask;
import io.lockn.core.annotation.AgentTool;
import io.lockn.core.spi.AnnotatedMethods;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.context.Scope;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.util.ClassUtils;

/**
 * Records calls to Spring bean methods annotated with {@link AgentTask} ({@code invoke_agent} spans) or {@link
 * AgentTool} ({@code execute_tool} spans), with the same rules as {@link LockN#instrument}: annotations on the
 * method, its override or an interface it implements; {@code SpanAttribute} parameters recorded.
 *
 * <ul>
 *   <li>A plain result ends the span when the method returns; the span is current while it runs ({@link
 *       LockNScope#makeCurrent()}: for OpenTelemetry and, with {@code io.lockn.springai.LockNObservations}, as
 *       Micrometer's current Observation), so model calls, nested agents and Spring AI's observations inside nest
 *       under it.
 *   <li>A {@link CompletionStage} ends the span when it completes (failure recorded), and is returned unchanged.
 *   <li>A Reactor {@code Mono} or {@code Flux} ends the span when it terminates or is cancelled ({@code
 *       error.type=cancelled}), and the span is current while it is subscribed. Its observation, when it has one, is
 *       in the subscriber's Reactor context ({@code ObservationThreadLocalAccessor.KEY}), where Spring AI's
 *       streaming observations look for their parent. Work Reactor moves to other threads sees the span with
 *       Reactor's automatic context propagation only.
 *   <li>Exceptions are recorded and rethrown as the same instance.
 * </ul>
 *
 * <p>Like any Spring proxy it sees calls that come through the proxy: a bean calling its own annotated method
 * ({@code this.answer()}) is not recorded; inject the bean into itself or move the method to another bean. Register
 * it as an infrastructure advisor bean ({@code @Role(BeanDefinition.ROLE_INFRASTRUCTURE)}), which Spring Boot applies
 * without AspectJ; the LockN starter does.
 */
public final class LockNAnnotationAdvisor extends DefaultPointcutAdvisor {

  private static final boolean REACTOR =
      ClassUtils.isPresent("reactor.core.publisher.Mono", LockNAnnotationAdvisor.class.getClassLoader());
  private static final boolean OBSERVATIONS =
      ClassUtils.isPresent("io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor",
          LockNAnnotationAdvisor.class.getClassLoader())
      && ClassUtils.isPresent("io.micrometer.tracing.otel.bridge.OtelSpan",
          LockNAnnotationAdvisor.class.getClassLoader());

  /**
   * Creates the advisor.
   *
   * @param lockn the LockN to record with
   */
  public LockNAnnotationAdvisor(LockN lockn) {
    this(constant(Objects.requireNonNull(lockn, "lockn")));
  }

  /**
   * Creates the advisor with a LockN looked up on first use: advisors are created early, while the auto-proxy
   * creator starts, and must not pull the OpenTelemetry SDK in before the application's post-processors exist.
   *
   * @param lockn supplies the LockN to record with, once
   */
  public LockNAnnotationAdvisor(Supplier<LockN> lockn) {
    super(pointcut(), new Interceptor(Objects.requireNonNull(lockn, "lockn")));
  }

  private static Supplier<LockN> constant(LockN lockn) {
    return () -> lockn;
  }

  private static Pointcut pointcut() {
    return new ComposablePointcut(new AnnotationMatchingPointcut(null, AgentTask.class, true))
        .union(new AnnotationMatchingPointcut(null, AgentTool.class, true));
  }

  /** The interceptor behind the advisor. */
  static final class Interceptor implements MethodInterceptor {

    private final Supplier<LockN> lockn;
    private volatile @Nullable AnnotatedMethods methods;

    Interceptor(Supplier<LockN> lockn) {
      this.lockn = lockn;
    }

    private AnnotatedMethods methods() {
      AnnotatedMethods m = methods;
      if (m == null) {
        synchronized (this) {
          m = methods;
          if (m == null) {
            LockN l;
            try {
              l = lockn.get();
            } catch (RuntimeException e) {
              UsageLogger.failed("looking up LockN for @AgentTask", e);
              l = LockN.noop();
            }
            methods = m = AnnotatedMethods.of(l);
          }
        }
      }
      return m;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
      Object target = invocation.getThis();
      Method method = invocation.getMethod();
      Class<?> type = target != null ? AopUtils.getTargetClass(target) : method.getDeclaringClass();
      LockNScope scope = methods().startDetached(type, method, invocation.getArguments());
      if (scope == null) {
        return invocation.proceed();
      }
      Object result;
      // Current while the method runs, so that model calls, nested agents and framework observations inside nest
      // under it; restored before the span ends, whatever the result.
      try (Scope ignored = scope.makeCurrent()) {
        result = invocation.proceed();
      } catch (Throwable t) {
        scope.recordException(t);
        scope.close();
        throw t;
      }
      if (result instanceof CompletionStage<?> stage) {
        AnnotatedMethods.endWhenComplete(scope, stage);
        return result;
      }
      if (REACTOR && result != null && Reactive.isPublisher(result)) {
        return Reactive.endOnTermination(scope, result);
      }
      scope.close();
      return result;
    }
  }

  /** Loaded only when Reactor is on the classpath. */
  private static final class Reactive {

    static boolean isPublisher(Object result) {
      return result instanceof reactor.core.publisher.Mono<?> || result instanceof reactor.core.publisher.Flux<?>;
    }

    static Object endOnTermination(LockNScope scope, Object publisher) {
      if (publisher instanceof reactor.core.publisher.Mono<?> mono) {
        return reactor.core.publisher.Mono.from(subscribedInScope(scope, mono))
            .doOnError(scope::recordException)
            .doOnCancel(() -> scope.recordError("cancelled"))
            .doFinally(signal -> scope.close())
            .contextWrite(ctx -> withObservation(scope, ctx));
      }
      return reactor.core.publisher.Flux.from(subscribedInScope(scope, (reactor.core.publisher.Flux<?>) publisher))
          .doOnError(scope::recordException)
          .doOnCancel(() -> scope.recordError("cancelled"))
          .doFinally(signal -> scope.close())
          .contextWrite(ctx -> withObservation(scope, ctx));
    }

    /**
     * The subscriber's Reactor context with the scope's observation as the current one, for the observations the
     * publisher starts when subscribed (Spring AI's streaming ChatClient reads its parent there, not from the thread).
     */
    private static reactor.util.context.Context withObservation(LockNScope scope, reactor.util.context.Context ctx) {
      Object observation = OBSERVATIONS ? Observations.of(scope) : null;
      return observation == null ? ctx : ctx.put(Observations.KEY, observation);
    }

    /**
     * The publisher, subscribed with the span current on the subscribing thread: the scope opens and closes within
     * the {@code subscribe} call, on one thread, so it can never leak into another.
     */
    private static <T> org.reactivestreams.Publisher<T> subscribedInScope(
        LockNScope scope, org.reactivestreams.Publisher<T> source) {
      return subscriber -> {
        try (io.opentelemetry.context.Scope ignored = scope.makeCurrent()) {
          source.subscribe(subscriber);
        }
      };
    }
  }

  /** Loaded only when Micrometer's context propagation and Micrometer Tracing's OpenTelemetry bridge are present. */
  private static final class Observations {
    static final String KEY = io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor.KEY;

    static @Nullable Object of(LockNScope scope) {
      return io.lockn.springai.LockNObservations.observation(scope.context());
    }
  }
}
