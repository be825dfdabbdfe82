package io.lockn.core;

import io.lockn.core.internal.Async;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A LockN operation that is described but not started yet: the parent of every {@code *Spec} type.
 *
 * <p>Set the operation's attributes with the setters of the concrete spec, then either {@link #start()} it (for
 * try-with-resources), or hand it the code to run ({@link #run}, {@link #supply}, {@link #call}, {@link
 * #callAsync}), or decorate code to run later ({@link #decorateRunnable}, {@link #decorateSupplier}, {@link
 * #decorateCallable}, in the style of resilience4j). A decorated function starts a new span on every invocation and
 * may be invoked from any thread; do not change the spec after decorating with it.
 *
 * <p>The application's exceptions are recorded on the span and rethrown as the same instance; LockN's own failures
 * never reach the application.
 *
 * @param <S> the scope type the operation starts
 */
public interface OperationSpec<S extends LockNScope> {

  /**
   * Starts the operation's span and makes it current on this thread until {@link LockNScope#close()}, which must be
   * called on the same thread.
   *
   * @return the started scope; a no-op scope if LockN is disabled or failed
   */
  S start();

  /**
   * Starts the operation's span without making it current, for callbacks that end on another thread (streaming
   * responses, listener pairs). Children must then be given its context explicitly.
   *
   * @return the started scope
   */
  S startDetached();

  /**
   * Runs {@code body} inside the operation.
   *
   * @param body the code to run
   */
  default void run(Runnable body) {
    S scope = start();
    try {
      body.run();
    } catch (Throwable t) {
      scope.recordException(t);
      throw t;
    } finally {
      scope.close();
    }
  }

  /**
   * Runs {@code body} inside the operation and returns its result.
   *
   * @param body the code to run
   * @param <T> the result type
   * @return what {@code body} returned
   */
  default <T> T supply(Supplier<T> body) {
    S scope = start();
    try {
      return body.get();
    } catch (Throwable t) {
      scope.recordException(t);
      throw t;
    } finally {
      scope.close();
    }
  }

  /**
   * Runs {@code body} inside the operation and returns its result; checked exceptions pass through unchanged.
   *
   * @param body the code to run
   * @param <T> the result type
   * @return what {@code body} returned
   * @throws Exception whatever {@code body} threw, unchanged
   */
  default <T> T call(Callable<T> body) throws Exception {
    S scope = start();
    try {
      return body.call();
    } catch (Throwable t) {
      scope.recordException(t);
      throw t;
    } finally {
      scope.close();
    }
  }

  /**
   * Runs {@code body}, which starts asynchronous work, inside the operation; the span ends when the returned stage
   * completes. The span is current while {@code body} runs, so work it submits through a context-propagating
   * executor (see {@link ContextPropagation}) becomes its child.
   *
   * @param body the code that starts the asynchronous work
   * @param <T> the result type
   * @return the stage {@code body} returned, itself (not a copy), so its completion is unchanged
   */
  default <T> CompletionStage<T> callAsync(Supplier<? extends CompletionStage<T>> body) {
    return Async.callAsync(startDetached(), body);
  }

  /**
   * Wraps {@code body} so that every run is recorded as this operation.
   *
   * @param body the code to wrap
   * @return the decorated runnable
   */
  default Runnable decorateRunnable(Runnable body) {
    return () -> run(body);
  }

  /**
   * Wraps {@code body} so that every call is recorded as this operation.
   *
   * @param body the code to wrap
   * @param <T> the result type
   * @return the decorated supplier
   */
  default <T> Supplier<T> decorateSupplier(Supplier<T> body) {
    return () -> supply(body);
  }

  /**
   * Wraps {@code body} so that every call is recorded as this operation.
   *
   * @param body the code to wrap
   * @param <T> the result type
   * @return the decorated callable
   */
  default <T> Callable<T> decorateCallable(Callable<T> body) {
    return () -> call(body);
  }
}
