package io.lockn.core.internal;

import io.lockn.core.LockNScope;
import io.lockn.core.OperationSpec;
import io.lockn.core.annotation.AgentTask;
import io.lockn.core.annotation.AgentTool;
import io.lockn.core.annotation.SpanAttribute;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.common.AttributeKey;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The plain-Java interpreter of {@link AgentTask} and {@link AgentTool}: a JDK dynamic proxy that records annotated
 * methods and passes everything else through.
 *
 * <p>Each method is inspected once and its plan cached. Exceptions thrown by the target are unwrapped from {@link
 * InvocationTargetException} and rethrown as the same instance; a {@link CompletionStage} result ends the span when
 * it completes and is returned unchanged.
 */
final class AnnotatedProxy implements InvocationHandler {

  private final TracingLockN lockn;
  private final Class<?> type;
  private final Object target;
  private final Map<Method, AnnotationPlan> plans = new ConcurrentHashMap<>();

  private AnnotatedProxy(TracingLockN lockn, Class<?> type, Object target) {
    this.lockn = lockn;
    this.type = type;
    this.target = target;
  }

  static <T> T create(TracingLockN lockn, Class<T> type, T implementation) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(implementation, "implementation");
    if (!type.isInterface()) {
      throw new IllegalArgumentException(type.getName() + " is not an interface");
    }
    Object proxy =
        Proxy.newProxyInstance(
            classLoader(type, implementation), new Class<?>[] {type}, new AnnotatedProxy(lockn, type, implementation));
    return type.cast(proxy);
  }

  private static ClassLoader classLoader(Class<?> type, Object implementation) {
    ClassLoader loader = type.getClassLoader();
    return loader != null ? loader : implementation.getClass().getClassLoader();
  }

  @Override
  public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return objectMethod(proxy, method, args);
    }
    AnnotationPlan plan = plan(method);
    if (plan == AnnotationPlan.NONE) {
      return invokeTarget(method, args);
    }
    LockNScope scope = plan.start(lockn, args, true);
    Object result;
    try {
      result = invokeTarget(method, args);
    } catch (Throwable t) {
      scope.recordException(t);
      scope.close();
      throw t;
    }
    if (result instanceof CompletionStage<?> stage) {
      // The thread-bound context must be restored now; the span itself ends with the stage.
      detachThenEndOnCompletion(scope, stage);
      return result;
    }
    scope.close();
    return result;
  }

  private static void detachThenEndOnCompletion(LockNScope scope, CompletionStage<?> stage) {
    if (scope instanceof OperationHandle handle) {
      handle.detach();
    }
    Async.endOnCompletion(scope, stage);
  }

  private @Nullable Object invokeTarget(Method method, @Nullable Object @Nullable [] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause() != null ? e.getCause() : e;
    } catch (IllegalAccessException e) {
      // A package-private interface (or implementation class) is not accessible from LockN's package; the
      // application's own call would be, so open it up once rather than fail the host's call.
      method.setAccessible(true);
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException again) {
        throw again.getCause() != null ? again.getCause() : again;
      }
    }
  }

  private @Nullable Object objectMethod(Object proxy, Method method, @Nullable Object @Nullable [] args)
      throws Throwable {
    switch (method.getName()) {
      case "equals":
        return args != null && args.length == 1 && args[0] == proxy;
      case "hashCode":
        return System.identityHashCode(proxy);
      case "toString":
        return "LockN proxy of " + type.getSimpleName() + " for " + target;
      default:
        return invokeTarget(method, args);
    }
  }

  private AnnotationPlan plan(Method method) {
    AnnotationPlan plan = plans.get(method);
    if (plan == null) {
      try {
        plan = AnnotationPlan.of(type, target.getClass(), method);
      } catch (Throwable t) {
        UsageLogger.failed("reading annotations of " + method, t);
        plan = AnnotationPlan.NONE;
      }
      plans.put(method, plan);
    }
    return plan;
  }
}
