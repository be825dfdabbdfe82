package io.lockn.core.internal;

import io.lockn.core.LockNScope;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.context.Scope;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Ends a scope when an asynchronous result completes.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public final class Async {

  private Async() {}

  /**
   * Runs {@code body} with {@code scope} current, and closes the scope when the returned stage completes.
   *
   * @param scope a detached scope
   * @param body the code starting the asynchronous work
   * @param <T> the result type
   * @return the stage {@code body} returned, unchanged
   */
  public static <T> CompletionStage<T> callAsync(
      LockNScope scope, Supplier<? extends CompletionStage<T>> body) {
    CompletionStage<T> stage;
    try (Scope ignored = scope.makeCurrent()) {
      stage = body.get();
    } catch (Throwable t) {
      scope.recordException(t);
      scope.close();
      throw t;
    }
    endOnCompletion(scope, stage);
    return stage;
  }

  /**
   * Closes {@code scope} when {@code stage} completes, recording its failure. The stage itself is not changed.
   *
   * @param scope the scope
   * @param stage the stage, or {@code null} (then the scope closes at once)
   */
  public static void endOnCompletion(LockNScope scope, @org.jspecify.annotations.Nullable CompletionStage<?> stage) {
    if (stage == null) {
      scope.close();
      return;
    }
    try {
      stage.whenComplete(
          (result, error) -> {
            if (error != null) {
              scope.recordException(unwrap(error));
            }
            scope.close();
          });
    } catch (Throwable t) {
      UsageLogger.failed("ending a span on completion", t);
      scope.close();
    }
  }

  /** The application's own exception, without the wrappers CompletableFuture adds. */
  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
