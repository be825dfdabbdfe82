package io.lockn.core.internal;

import io.lockn.core.GenAiAttributes;
import io.lockn.core.GenAiOperation;
import io.lockn.core.ToolScope;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import org.jspecify.annotations.Nullable;

/** A started {@code execute_tool} span. */
final class ToolHandle extends OperationHandle implements ToolScope {

  private final @Nullable String toolType;

  ToolHandle(
      TracingLockN lockn,
      Span span,
      Context parent,
      String name,
      @Nullable String toolType,
      @Nullable String agentName,
      @Nullable String taskName,
      long startNanos) {
    super(lockn, span, parent, GenAiOperation.EXECUTE_TOOL, name, agentName, taskName, startNanos);
    this.toolType = toolType;
  }

  @Override
  @Nullable String toolType() {
    return toolType;
  }

  @Override
  public void result(String result) {
    try {
      if (result != null && lockn.contentCapture.isEnabled()) {
        span.setAttribute(
            GenAiAttributes.GEN_AI_TOOL_CALL_RESULT, MessagesJson.content(result, lockn.contentCapture));
      }
    } catch (Throwable t) {
      UsageLogger.failed("ToolScope.result", t);
    }
  }
}
