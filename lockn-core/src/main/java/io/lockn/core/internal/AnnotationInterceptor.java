package io.lockn.core.internal;

import io.lockn.core.LockN;
import io.lockn.core.LockNScope;
import io.lockn.core.spi.AnnotatedMethods;
import io.lockn.core.spi.UsageLogger;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The {@link AnnotatedMethods} of a LockN: the plain-Java proxy's {@link AnnotationPlan}s, read for the target
 * classes a framework interceptor sees.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public final class AnnotationInterceptor implements AnnotatedMethods {

  private static final AnnotatedMethods NOOP = (targetClass, method, args) -> null;

  private final TracingLockN lockn;
  private final Map<Key, AnnotationPlan> plans = new ConcurrentHashMap<>();

  private AnnotationInterceptor(TracingLockN lockn) {
    this.lockn = lockn;
  }

  /**
   * The annotated methods of a LockN; for {@link AnnotatedMethods#of}.
   *
   * @param lockn the LockN; a no-op LockN records nothing
   * @return the annotated methods
   */
  public static AnnotatedMethods of(LockN lockn) {
    Objects.requireNonNull(lockn, "lockn");
    return lockn instanceof TracingLockN t ? new AnnotationInterceptor(t) : NOOP;
  }

  private record Key(Class<?> type, Method method) {}

  @Override
  public @Nullable LockNScope startDetached(
      Class<?> targetClass, Method method, @Nullable Object @Nullable [] args) {
    AnnotationPlan plan = plan(targetClass, method);
    return plan == AnnotationPlan.NONE ? null : plan.start(lockn, args, false);
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
        UsageLogger.failed("reading annotations of " + method, t);
        plan = AnnotationPlan.NONE;
      }
      plans.put(key, plan);
    }
    return plan;
  }

  @Override
  public String toString() {
    return "AnnotatedMethods{" + lockn + "}";
  }
}
