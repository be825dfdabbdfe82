package io.lockn.core;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * A started LockN operation: one span, ended by {@link #close()}.
 *
 * <p>A scope from {@link OperationSpec#start()} is also the current context on the thread that started it until it
 * is closed, so it must be closed on that thread, ideally with try-with-resources. A scope from {@link
 * OperationSpec#startDetached()} is not made current (the caller may make it current where its work runs, with
 * {@link #makeCurrent()}) and may be closed on any thread.
 *
 * <p>No method throws: LockN's own failures are logged once through the {@code io.lockn.usage} logger and the
 * scope degrades to doing nothing. Scopes are safe to use from several threads, but attribute writes from several
 * threads race as they do on any {@link Span}.
 */
public interface LockNScope extends AutoCloseable {

  /**
   * The span of this operation; {@link Span#getInvalid()} when LockN is a no-op.
   *
   * @return the span, never {@code null}
   */
  Span span();

  /**
   * The context of this operation: its parent context with this operation's span. Pass it to {@code parent(...)}
   * of a child spec when the child starts on another thread or under a detached scope.
   *
   * @return the context, never {@code null}
   */
  Context context();

  /**
   * Makes this operation current on this thread until the returned scope is closed, which must happen on this thread:
   * for a scope from {@link OperationSpec#startDetached()} whose work runs elsewhere, for example on the thread that
   * subscribes to a reactive result. It makes {@link #context()} current and, in an application whose framework keeps
   * its own notion of the current unit of work (Micrometer's current Observation in Spring, through a {@link
   * io.lockn.core.spi.ScopeBinder}), that too, so that the framework's instrumentation nests under this span. Prefer it
   * to {@code context().makeCurrent()}, which is current for OpenTelemetry only.
   *
   * @return the scope to close, restoring what was current before
   */
  default Scope makeCurrent() {
    return context().makeCurrent();
  }

  /**
   * Sets an extra attribute on the span.
   *
   * @param key the attribute key
   * @param value the value; ignored when {@code null}
   * @param <T> the attribute type
   */
  <T> void setAttribute(AttributeKey<T> key, T value);

  /**
   * Records that the operation failed: {@code error.type} (the exception's class name), error status and an
   * exception event. The exception is not thrown; the caller rethrows it unchanged.
   *
   * @param error the failure
   */
  void recordException(Throwable error);

  /**
   * Records that the operation failed with a known error type, for example an HTTP status or provider error code.
   *
   * @param errorType the {@code error.type} value
   */
  void recordError(String errorType);

  /** Ends the span and, for a current scope, restores the context that was current before. Idempotent. */
  @Override
  void close();
}
