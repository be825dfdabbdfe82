package io.lockn.springai;

import io.lockn.core.LockN;
import io.lockn.core.ToolScope;
import io.lockn.core.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.metadata.ToolMetadata;

/**
 * Decorates Spring AI {@link ToolCallback}s so that each execution is a LockN {@code execute_tool} span with its real
 * duration, current while the tool runs (model calls and agents inside it nest under it), with the tool name, type
 * and description, the arguments and result under content capture, and the tool's exception recorded and rethrown
 * unchanged.
 *
 * <p>Use it where Spring AI records no tool observation: a {@code ChatClient} or {@code ToolCallingManager} built
 * without an {@code ObservationRegistry}. With observations, {@link LockNObservationHandler} already turns Spring AI's
 * own {@code execute_tool} observation into the span (enriched, or LockN's own), and decorating as well would record
 * every tool twice.
 *
 * <pre>{@code
 * ChatClient.builder(chatModel).defaultToolCallbacks(LockNToolCallbacks.decorate(lockn, ToolCallbacks.from(tools)));
 * }</pre>
 */
public final class LockNToolCallbacks {

  private LockNToolCallbacks() {}

  /**
   * Decorates callbacks.
   *
   * @param lockn the LockN to record with
   * @param callbacks the callbacks; already decorated ones are kept as they are
   * @return the decorated callbacks, in order
   */
  public static ToolCallback[] decorate(LockN lockn, ToolCallback... callbacks) {
    Objects.requireNonNull(lockn, "lockn");
    ToolCallback[] out = new ToolCallback[callbacks.length];
    for (int i = 0; i < callbacks.length; i++) {
      out[i] = decorate(lockn, callbacks[i]);
    }
    return out;
  }

  /**
   * Decorates callbacks.
   *
   * @param lockn the LockN to record with
   * @param callbacks the callbacks
   * @return the decorated callbacks, in order
   */
  public static List<ToolCallback> decorate(LockN lockn, List<? extends ToolCallback> callbacks) {
    List<ToolCallback> out = new ArrayList<>(callbacks.size());
    for (ToolCallback c : callbacks) {
      out.add(decorate(lockn, c));
    }
    return out;
  }

  /**
   * Decorates one callback.
   *
   * @param lockn the LockN to record with
   * @param callback the callback
   * @return the decorated callback; {@code callback} itself if it is already decorated
   */
  public static ToolCallback decorate(LockN lockn, ToolCallback callback) {
    Objects.requireNonNull(callback, "callback");
    return callback instanceof Recorded ? callback : new Recorded(Objects.requireNonNull(lockn, "lockn"), callback);
  }

  /** A callback recorded as a LockN tool span. */
  private static final class Recorded implements ToolCallback {

    private final LockN lockn;
    private final ToolCallback delegate;

    Recorded(LockN lockn, ToolCallback delegate) {
      this.lockn = lockn;
      this.delegate = delegate;
    }

    @Override
    public ToolDefinition getToolDefinition() {
      return delegate.getToolDefinition();
    }

    @Override
    public ToolMetadata getToolMetadata() {
      return delegate.getToolMetadata();
    }

    @Override
    public String call(String toolInput) {
      return record(toolInput, null, false);
    }

    @Override
    public String call(String toolInput, @Nullable ToolContext toolContext) {
      return record(toolInput, toolContext, true);
    }

    private String record(String toolInput, @Nullable ToolContext toolContext, boolean withContext) {
      ToolDefinition definition = delegate.getToolDefinition();
      ToolSpec spec = lockn.tool(definition.name()).type("function");
      if (definition.description() != null && !definition.description().isEmpty()) {
        spec.description(definition.description());
      }
      spec.arguments(toolInput);
      try (ToolScope scope = spec.start()) {
        String result;
        try {
          result = withContext ? delegate.call(toolInput, toolContext) : delegate.call(toolInput);
        } catch (RuntimeException | Error e) {
          scope.recordException(e);
          throw e;
        }
        if (result != null) {
          scope.result(result);
        }
        return result;
      }
    }

    @Override
    public String toString() {
      return "LockN(" + delegate + ")";
    }
  }
}
