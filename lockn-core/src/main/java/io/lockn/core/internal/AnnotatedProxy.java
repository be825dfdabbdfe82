package io.lockn.core.internal;

import io.lockn.core.LockNScope;
import io.lockn.core.OperationSpec;
import io.lockn.core.annotation.AgentTask;
import io.lockn.core.annotation.AgentTool;
import io.lockn.core.annotation.SpanAttribute;
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

  private static final int MAX_ARGUMENT_LENGTH = 256;

  private final TracingLockN lockn;
  private final Class<?> type;
  private final Object target;
  private final Map<Method, Plan> plans = new ConcurrentHashMap<>();

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
    Plan plan = plan(method);
    if (plan == Plan.NONE) {
      return invokeTarget(method, args);
    }
    LockNScope scope = plan.start(lockn, args);
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

  private Plan plan(Method method) {
    Plan plan = plans.get(method);
    if (plan == null) {
      try {
        plan = Plan.of(type, target.getClass(), method);
      } catch (Throwable t) {
        ApiUsageLogger.failed("reading annotations of " + method, t);
        plan = Plan.NONE;
      }
      plans.put(method, plan);
    }
    return plan;
  }

  /** What to record for one method, read once from its annotations. */
  private static final class Plan {
    static final Plan NONE = new Plan(false, "", "", "", "", new AttributeKey<?>[0]);

    final boolean tool;
    final String name;
    final String task;
    final String description;
    final String toolType;
    // One key per parameter, null where the parameter is not recorded.
    final @Nullable AttributeKey<?>[] parameterKeys;

    Plan(boolean tool, String name, String task, String description, String toolType,
        @Nullable AttributeKey<?>[] parameterKeys) {
      this.tool = tool;
      this.name = name;
      this.task = task;
      this.description = description;
      this.toolType = toolType;
      this.parameterKeys = parameterKeys;
    }

    static Plan of(Class<?> type, Class<?> implementationType, Method method) {
      Method implMethod = null;
      try {
        implMethod = implementationType.getMethod(method.getName(), method.getParameterTypes());
      } catch (NoSuchMethodException | SecurityException e) {
        // The proxy only sees interface methods; an implementation without a public override is fine.
      }
      AgentTask task = annotation(method, implMethod, AgentTask.class);
      AgentTool tool = annotation(method, implMethod, AgentTool.class);
      if (task == null && tool == null) {
        return NONE;
      }
      AttributeKey<?>[] keys = parameterKeys(method, implMethod);
      if (tool != null) {
        String toolName = tool.name().isEmpty() ? method.getName() : tool.name();
        return new Plan(true, toolName, "", tool.description(), tool.type(), keys);
      }
      String agent = task.agent().isEmpty() ? type.getSimpleName() : task.agent();
      String taskName = task.task().isEmpty() ? method.getName() : task.task();
      return new Plan(false, agent, taskName, task.description(), "", keys);
    }

    private static <A extends Annotation> @Nullable A annotation(
        Method method, @Nullable Method implMethod, Class<A> annotation) {
      A a = method.getAnnotation(annotation);
      if (a == null && implMethod != null) {
        a = implMethod.getAnnotation(annotation);
      }
      return a;
    }

    private static AttributeKey<?>[] parameterKeys(Method method, @Nullable Method implMethod) {
      Parameter[] parameters = method.getParameters();
      AttributeKey<?>[] keys = new AttributeKey<?>[parameters.length];
      for (int i = 0; i < parameters.length; i++) {
        SpanAttribute attr = parameters[i].getAnnotation(SpanAttribute.class);
        if (attr == null && implMethod != null) {
          attr = implMethod.getParameters()[i].getAnnotation(SpanAttribute.class);
        }
        if (attr != null) {
          String key = attr.value().isEmpty() ? parameters[i].getName() : attr.value();
          keys[i] = keyFor(parameters[i].getType(), key);
        }
      }
      return keys;
    }

    private static AttributeKey<?> keyFor(Class<?> parameterType, String key) {
      if (parameterType == boolean.class || parameterType == Boolean.class) {
        return AttributeKey.booleanKey(key);
      }
      if (parameterType == long.class || parameterType == int.class || parameterType == short.class
          || parameterType == byte.class || parameterType == Long.class || parameterType == Integer.class
          || parameterType == Short.class || parameterType == Byte.class) {
        return AttributeKey.longKey(key);
      }
      if (parameterType == double.class || parameterType == float.class || parameterType == Double.class
          || parameterType == Float.class) {
        return AttributeKey.doubleKey(key);
      }
      return AttributeKey.stringKey(key);
    }

    LockNScope start(TracingLockN lockn, @Nullable Object @Nullable [] args) {
      try {
        OperationSpec<? extends LockNScope> spec;
        if (tool) {
          var toolSpec = lockn.tool(name).type(toolType);
          if (!description.isEmpty()) {
            toolSpec.description(description);
          }
          applyArguments(toolSpec, args);
          spec = toolSpec;
        } else {
          var agentSpec = lockn.agent(name).task(task);
          if (!description.isEmpty()) {
            agentSpec.description(description);
          }
          applyArguments(agentSpec, args);
          spec = agentSpec;
        }
        return spec.start();
      } catch (Throwable t) {
        ApiUsageLogger.failed("starting an annotated span", t);
        return NoopScope.INSTANCE;
      }
    }

    @SuppressWarnings("unchecked")
    private void applyArguments(Object spec, @Nullable Object @Nullable [] args) {
      if (args == null) {
        return;
      }
      for (int i = 0; i < parameterKeys.length && i < args.length; i++) {
        AttributeKey<?> key = parameterKeys[i];
        Object value = args[i];
        if (key == null || value == null) {
          continue;
        }
        Object converted =
            switch (key.getType()) {
              case BOOLEAN -> value;
              case LONG -> ((Number) value).longValue();
              case DOUBLE -> ((Number) value).doubleValue();
              default -> Strings.truncate(String.valueOf(value), MAX_ARGUMENT_LENGTH, "…");
            };
        if (spec instanceof io.lockn.core.ToolSpec t) {
          t.attribute((AttributeKey<Object>) key, converted);
        } else if (spec instanceof io.lockn.core.AgentSpec a) {
          a.attribute((AttributeKey<Object>) key, converted);
        }
      }
    }
  }
}
