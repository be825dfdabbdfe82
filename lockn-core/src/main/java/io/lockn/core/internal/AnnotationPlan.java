package io.lockn.core.internal;

import io.lockn.core.LockNScope;
import io.lockn.core.OperationSpec;
import io.lockn.core.annotation.AgentTask;
import io.lockn.core.annotation.AgentTool;
import io.lockn.core.annotation.SpanAttribute;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.common.AttributeKey;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import org.jspecify.annotations.Nullable;

/**
 * What to record for one {@link AgentTask} or {@link AgentTool} method, read once from its annotations (on the
 * interface method or on the implementation's override), shared by the plain-Java proxy and framework interceptors.
 */
final class AnnotationPlan {

  private static final int MAX_ARGUMENT_LENGTH = 256;

  static final AnnotationPlan NONE = new AnnotationPlan(false, "", "", "", "", new AttributeKey<?>[0]);

  final boolean tool;
  final String name;
  final String task;
  final String description;
  final String toolType;
  // One key per parameter, null where the parameter is not recorded.
  final @Nullable AttributeKey<?>[] parameterKeys;

  AnnotationPlan(boolean tool, String name, String task, String description, String toolType,
      @Nullable AttributeKey<?>[] parameterKeys) {
    this.tool = tool;
    this.name = name;
    this.task = task;
    this.description = description;
    this.toolType = toolType;
    this.parameterKeys = parameterKeys;
  }

  static AnnotationPlan of(Class<?> type, Class<?> implementationType, Method method) {
    Method implMethod = null;
    try {
      implMethod = implementationType.getMethod(method.getName(), method.getParameterTypes());
    } catch (NoSuchMethodException | SecurityException e) {
      // The proxy only sees interface methods; an implementation without a public override is fine.
    }
    AgentTask task = annotation(method, implMethod, AgentTask.class);
    AgentTool tool = annotation(method, implMethod, AgentTool.class);
    if (tool != null) {
      String toolName = tool.name().isEmpty() ? method.getName() : tool.name();
      return new AnnotationPlan(
          true, toolName, "", tool.description(), tool.type(), parameterKeys(method, implMethod));
    }
    if (task == null) {
      return NONE;
    }
    String agent = task.agent().isEmpty() ? type.getSimpleName() : task.agent();
    String taskName = task.task().isEmpty() ? method.getName() : task.task();
    return new AnnotationPlan(false, agent, taskName, task.description(), "", parameterKeys(method, implMethod));
  }

  private static <A extends Annotation> @Nullable A annotation(
      Method method, @Nullable Method implMethod, Class<A> annotation) {
    A a = method.getAnnotation(annotation);
    if (a == null && implMethod != null) {
      a = implMethod.getAnnotation(annotation);
    }
    return a;
  }

  private static @Nullable AttributeKey<?>[] parameterKeys(Method method, @Nullable Method implMethod) {
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

  /**
   * Starts the method's span: current on this thread ({@code attach}, the plain-Java proxy) or detached, for an
   * interceptor that makes it current itself. Never throws: a failure answers the no-op scope.
   */
  LockNScope start(TracingLockN lockn, @Nullable Object @Nullable [] args, boolean attach) {
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
      return attach ? spec.start() : spec.startDetached();
    } catch (Throwable t) {
      UsageLogger.failed("starting an annotated span", t);
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
