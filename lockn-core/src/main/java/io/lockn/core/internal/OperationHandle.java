package io.lockn.core.internal;

import io.lockn.core.GenAiAttributes;
import io.lockn.core.GenAiOperation;
import io.lockn.core.LockNScope;
import io.lockn.core.spi.ScopeBinder;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;

/**
 * A started workflow, agent or task span, and the base of tool and model-call handles. It is stored in the context
 * under {@link #KEY} so that children inherit the task and agent names and find the current model call.
 *
 * <p>Ending is idempotent and race-free ({@link #close()} may be called from a completion callback on any thread);
 * every step that could fail is contained.
 */
class OperationHandle implements LockNScope {

  static final ContextKey<OperationHandle> KEY = ContextKey.named("io.lockn.operation");

  private static final AtomicIntegerFieldUpdater<OperationHandle> ENDED =
      AtomicIntegerFieldUpdater.newUpdater(OperationHandle.class, "ended");

  final TracingLockN lockn;
  final Span span;
  final @Nullable GenAiOperation operation;
  final @Nullable String name;
  final @Nullable String agentName;
  final @Nullable String taskName;
  final long startNanos;
  /** The context the operation started in: its parent span and Baggage. */
  final Context parent;
  Context context;
  /** The scope binder's binding of this operation; {@code null} for model calls and when no binder is configured. */
  private ScopeBinder.@Nullable Binding binding;
  private @Nullable Scope scope;
  volatile @Nullable String errorType;
  /** The agent's request model, for the latest conventions' agent-duration metric; set only on agent spans. */
  @Nullable String requestModel;
  private volatile int ended;

  OperationHandle(
      TracingLockN lockn,
      Span span,
      Context parent,
      @Nullable GenAiOperation operation,
      @Nullable String name,
      @Nullable String agentName,
      @Nullable String taskName,
      long startNanos) {
    this.lockn = lockn;
    this.span = span;
    this.operation = operation;
    this.name = name;
    this.agentName = agentName;
    this.taskName = taskName;
    this.startNanos = startNanos;
    this.parent = parent;
    this.context = parent.with(span).with(KEY, this);
  }

  static @Nullable OperationHandle fromContext(Context context) {
    return context.get(KEY);
  }

  /**
   * Binds this workflow, agent, task or tool operation with the configured {@link ScopeBinder}, before it is first
   * made current; a binder's failure leaves it unbound.
   */
  void bind(ScopeBinder binder) {
    try {
      ScopeBinder.Binding b = binder.bind(new Bound());
      if (b != null) {
        Context bound = b.context();
        if (bound != null) {
          context = bound;
          binding = b;
        }
      }
    } catch (Throwable t) {
      UsageLogger.failed("binding a scope", t);
    }
  }

  void attach() {
    this.scope = makeCurrent();
  }

  @Override
  public Scope makeCurrent() {
    ScopeBinder.Binding b = binding;
    if (b != null) {
      try {
        return b.makeCurrent();
      } catch (Throwable t) {
        UsageLogger.failed("making a bound scope current", t);
      }
    }
    return context.makeCurrent();
  }

  /** Restores the previous context on this thread while the span stays open (asynchronous results). */
  void detach() {
    Scope s = scope;
    if (s != null) {
      scope = null;
      s.close();
    }
  }

  @Override
  public Span span() {
    return span;
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public <T> void setAttribute(AttributeKey<T> key, T value) {
    if (key != null && value != null) {
      span.setAttribute(key, value);
    }
  }

  @Override
  public void recordException(Throwable error) {
    try {
      if (error == null) {
        return;
      }
      if (errorType == null) {
        errorType = error.getClass().getName();
      }
      span.setStatus(StatusCode.ERROR);
    } catch (Throwable t) {
      UsageLogger.failed("recordException", t);
    }
    try {
      // Last, and guarded on its own: the SDK calls the exception's getMessage() and toString(), which are the
      // application's code and may throw.
      span.recordException(error);
    } catch (Throwable t) {
      UsageLogger.failed("recordException", t);
    }
  }

  @Override
  public void recordError(String type) {
    try {
      // The application's text (an HTTP status, a provider code, sometimes a whole message): sanitised and cut like
      // any name, since it becomes the error.type span attribute and a metric attribute.
      String clean = Strings.sanitize(type, Limits.MAX_NAME_LENGTH);
      errorType = clean == null || clean.isEmpty() ? GenAiAttributes.ERROR_TYPE_OTHER : clean;
      span.setStatus(StatusCode.ERROR);
    } catch (Throwable t) {
      UsageLogger.failed("recordError", t);
    }
  }

  @Override
  public final void close() {
    if (!ENDED.compareAndSet(this, 0, 1)) {
      return;
    }
    long endNanos = System.nanoTime();
    try {
      String error = errorType;
      if (error != null) {
        span.setAttribute(GenAiAttributes.ERROR_TYPE, error);
      }
      onEnd(endNanos);
    } catch (Throwable t) {
      UsageLogger.failed("ending a span", t);
    } finally {
      try {
        span.end();
      } catch (Throwable t) {
        UsageLogger.failed("span.end", t);
      }
      detach();
      ScopeBinder.Binding b = binding;
      if (b != null) {
        try {
          b.end();
        } catch (Throwable t) {
          UsageLogger.failed("ending a bound scope", t);
        }
      }
    }
  }

  boolean isEnded() {
    return ended != 0;
  }

  /** Records what this kind of operation records at its end; called once, before the span ends. */
  void onEnd(long endNanos) {
    if (operation != null) {
      lockn.metrics.recordOperation(
          operation,
          name,
          errorType,
          operation == GenAiOperation.EXECUTE_TOOL ? agentName : null,
          toolType(),
          requestModel,
          seconds(endNanos),
          context);
    }
  }

  /** This operation, as a {@link ScopeBinder} sees it. */
  private final class Bound implements ScopeBinder.BoundScope {
    @Override
    public @Nullable GenAiOperation operation() {
      return operation;
    }

    @Override
    public String spanName() {
      return operation == null ? "task " + name : operation.value() + " " + name;
    }

    @Override
    public @Nullable String agentName() {
      return agentName;
    }

    @Override
    public @Nullable String taskName() {
      return taskName;
    }

    @Override
    public Span span() {
      return span;
    }

    @Override
    public Context parentContext() {
      return parent;
    }

    @Override
    public Context context() {
      return context;
    }
  }

  /** The tool type of a tool span; {@code null} for other spans. */
  @Nullable String toolType() {
    return null;
  }

  final double seconds(long endNanos) {
    return (endNanos - startNanos) / 1_000_000_000.0;
  }
}
