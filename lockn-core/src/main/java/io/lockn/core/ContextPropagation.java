package io.lockn.core;

import io.opentelemetry.context.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * Carries the current OpenTelemetry context (and with it the current LockN operation and Baggage attribution) into
 * other threads, so that spans started there nest under the operation that started the work.
 *
 * <pre>{@code
 * ExecutorService tools = ContextPropagation.wrap(Executors.newFixedThreadPool(4));
 * ExecutorService virtual = ContextPropagation.wrap(Executors.newVirtualThreadPerTaskExecutor()); // Java 21+
 * CompletableFuture<String> f = ContextPropagation.supplyAsync(() -> callTool(), tools);
 * }</pre>
 *
 * <p>The executor wrappers capture the context at submission time, the thread-factory wrapper at thread creation.
 */
public final class ContextPropagation {

  private ContextPropagation() {}

  /**
   * Wraps an executor service so that each task runs in the context that was current when it was submitted.
   *
   * @param executor the executor
   * @return the wrapping executor; shutting it down shuts down {@code executor}
   */
  public static ExecutorService wrap(ExecutorService executor) {
    return Context.taskWrapping(executor);
  }

  /**
   * Wraps a scheduled executor service so that each task runs in the context that was current when it was
   * submitted.
   *
   * @param executor the executor
   * @return the wrapping executor
   */
  public static ScheduledExecutorService wrap(ScheduledExecutorService executor) {
    return Context.taskWrapping(executor);
  }

  /**
   * Wraps an executor so that each task runs in the context that was current when it was submitted.
   *
   * @param executor the executor
   * @return the wrapping executor
   */
  public static Executor wrap(Executor executor) {
    return Context.taskWrapping(executor);
  }

  /**
   * Wraps a thread factory (for example {@code Thread.ofVirtual().factory()}) so that each new thread runs in the
   * context that was current when the thread was created.
   *
   * @param factory the factory
   * @return the wrapping factory
   */
  public static ThreadFactory wrapThreadFactory(ThreadFactory factory) {
    return runnable -> factory.newThread(Context.current().wrap(runnable));
  }

  /**
   * {@link CompletableFuture#supplyAsync(Supplier, Executor)} with the current context carried into {@code
   * supplier}.
   *
   * @param supplier the work
   * @param executor where to run it
   * @param <T> the result type
   * @return the future
   */
  public static <T> CompletableFuture<T> supplyAsync(Supplier<T> supplier, Executor executor) {
    return CompletableFuture.supplyAsync(Context.current().wrapSupplier(supplier), executor);
  }

  /**
   * {@link CompletableFuture#runAsync(Runnable, Executor)} with the current context carried into {@code runnable}.
   *
   * @param runnable the work
   * @param executor where to run it
   * @return the future
   */
  public static CompletableFuture<Void> runAsync(Runnable runnable, Executor executor) {
    return CompletableFuture.runAsync(Context.current().wrap(runnable), executor);
  }
}
