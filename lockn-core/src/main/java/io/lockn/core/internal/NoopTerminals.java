package io.lockn.core.internal;

import io.lockn.core.LockNScope;
import io.lockn.core.OperationSpec;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The terminals of every no-op spec: run the code directly, decorate nothing, so that a no-op LockN allocates
 * nothing.
 *
 * @param <S> the scope type
 */
interface NoopTerminals<S extends LockNScope> extends OperationSpec<S> {

  @Override
  default void run(Runnable body) {
    body.run();
  }

  @Override
  default <T> T supply(Supplier<T> body) {
    return body.get();
  }

  @Override
  default <T> T call(Callable<T> body) throws Exception {
    return body.call();
  }

  @Override
  default <T> CompletionStage<T> callAsync(Supplier<? extends CompletionStage<T>> body) {
    return body.get();
  }

  @Override
  default Runnable decorateRunnable(Runnable body) {
    return body;
  }

  @Override
  default <T> Supplier<T> decorateSupplier(Supplier<T> body) {
    return body;
  }

  @Override
  default <T> Callable<T> decorateCallable(Callable<T> body) {
    return body;
  }
}
