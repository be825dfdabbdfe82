package io.lockn.core.internal;

import io.lockn.core.LockN;
import io.lockn.core.LockNScope;
import io.lockn.core.annotation.AgentTask;
import io.lockn.core.annotation.AgentTool;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * {@link AgentTask} and {@link AgentTool} for framework interceptors (Spring AOP, CDI, ...), with the plain-Java
 * proxy's rules: agent name from the annotation or the type's simple name, task from the method, {@code
 * SpanAttribute} parameters recorded. For LockN's own modules; not an application API.
 *
 * <p>Plans are read once per type and method and cached (bounded by the application's annotated methods). Never
 * throws: a failure to start a span is logged and answered with a no-op scope.
 */
public final class AnnotatedMethods {

  private final @Nullable TracingLockN lockn;
  private final Map<Key, AnnotationPlan> plans = new ConcurrentHashMap<>();

  private AnnotatedMethods(@Nullable TracingLockN lockn) {
    this.lockn = lockn;
  }

  /**
   * The interpreter for a LockN instance.
   *
   * @param lockn the LockN; a no-op LockN records nothing
   * @return the interpreter
   */
  public static AnnotatedMethods of(LockN lockn) {
    Objects.requireNonNull(lockn, "lockn");
    return new AnnotatedMethods(lockn instanceof TracingLockN t ? t : null);
  }

  private record Key(Class<?> type, Method method) {}

  /**
   * Whether the method carries {@link AgentTask} or {@link AgentTool}, on itself or on the type's override.
   *
   * @param type the target's class
   * @param method the invoked method
   * @return whether calls to it are recorded
   */
  public boolean isAnnotated(Class<?> type, Method method) {
    return plan(type, method) != AnnotationPlan.NONE;
  }

  /**
   * Starts the method's span and makes it current on this thread.
   *
   * @param type the target's class (the default agent name is its simple name)
   * @param method the invoked method
   * @param args the arguments, for {@code SpanAttribute} parameters
   * @return the scope to close on this thread, or to {@link #endWhenComplete} / {@link #detach}; {@code null} when
   *     the method is not annotated or LockN is a no-op
   */
  public @Nullable LockNScope start(Class<?> type, Method method, @Nullable Object @Nullable [] args) {
    if (lockn == null) {
      return null;
    }
    AnnotationPlan plan = plan(type, method);
    return plan == AnnotationPlan.NONE ? null : plan.start(lockn, args);
  }

  /**
   * Restores the context that was current before {@link #start}, leaving the span open: for results that complete
   * later (a {@link CompletionStage}, a reactive publisher), whose span then ends with {@link LockNScope#close()} on
   * any thread.
   *
   * @param scope the started scope
   */
  public static void detach(LockNScope scope) {
    if (scope instanceof OperationHandle handle) {
      handle.detach();
    }
  }

  /**
   * Detaches the scope and ends its span when the stage completes, recording a failure.
   *
   * @param scope the started scope
   * @param stage the method's result
   */
  public static void endWhenComplete(LockNScope scope, CompletionStage<?> stage) {
    detach(scope);
    Async.endOnCompletion(scope, stage);
  }

  private static @Nullable Method declared(Class<?> type, Method method) {
    try {
      return type.getMethod(method.getName(), method.getParameterTypes());
    } catch (NoSuchMethodException | SecurityException e) {
      return null;
    }
  }

  private AnnotationPlan plan(Class<?> type, Method method) {
    Key key = new Key(type, method);
    AnnotationPlan plan = plans.get(key);
    if (plan == null) {
      try {
        plan = AnnotationPlan.of(type, type, method);
        // A class-based proxy invokes the class's method; the annotation may sit on an interface it implements.
        for (Class<?> c = type; plan == AnnotationPlan.NONE && c != null && c != Object.class; c = c.getSuperclass()) {
          for (Class<?> i : c.getInterfaces()) {
            Method declared = declared(i, method);
            if (declared != null) {
              plan = AnnotationPlan.of(type, type, declared);
              if (plan != AnnotationPlan.NONE) {
                break;
              }
            }
          }
        }
      } catch (Throwable t) {
        ApiUsageLogger.failed("reading annotations of " + method, t);
        plan = AnnotationPlan.NONE;
      }
      plans.put(key, plan);
    }
    return plan;
  }
}
