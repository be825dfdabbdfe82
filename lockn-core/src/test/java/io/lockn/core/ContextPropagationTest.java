package io.lockn.core;

import static io.lockn.core.GenAiAttributes.GEN_AI_TOOL_CALL_ID;
import static io.lockn.core.GenAiAttributes.GEN_AI_TOOL_NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ContextPropagation}: spans started on other threads nest under the LockN operation that submitted the work,
 * inherit its agent and task names and carry its Baggage attribution; without the helpers they do not.
 */
class ContextPropagationTest {

  private static final AttributeKey<String> TENANT = AttributeKey.stringKey("app.tenant_id");
  private static final AttributeKey<String> COST_CENTER = AttributeKey.stringKey("app.cost_center");
  private static final long TIMEOUT_SECONDS = 10;

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final List<ExecutorService> executors = new ArrayList<>();
  private OpenTelemetrySdk otel;
  private LockN lockn;

  @BeforeEach
  void setUp() {
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .build();
    lockn = LockN.create(otel);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (ExecutorService executor : executors) {
      executor.shutdownNow();
      assertThat(executor.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }
    otel.close();
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void wrapExecutorService_chatStartedInSubmittedTask_isChildOfAgent() throws Exception {
    ExecutorService pool = track(ContextPropagation.wrap(Executors.newFixedThreadPool(2)));

    String result;
    try (LockNScope agent = lockn.agent("planner").task("research").start()) {
      Future<String> future = pool.submit(() -> lockn.chat("openai", "gpt-4o").supply(() -> "answer"));
      result = future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    assertThat(result).isEqualTo("answer");
    SpanData agent = span("invoke_agent planner");
    SpanData chat = span("chat gpt-4o");
    assertChildOf(chat, agent);
    assertThat(chat.getAttributes().get(LockNAttributes.AGENT_NAME)).isEqualTo("planner");
    assertThat(chat.getAttributes().get(LockNAttributes.TASK_NAME)).isEqualTo("research");
  }

  @Test
  void wrapExecutor_chatStartedInExecutedTask_isChildOfAgent() throws Exception {
    ExecutorService raw = track(Executors.newSingleThreadExecutor());
    Executor executor = ContextPropagation.wrap((Executor) raw);
    CompletableFuture<String> done = new CompletableFuture<>();

    try (LockNScope agent = lockn.agent("planner").start()) {
      executor.execute(() -> done.complete(lockn.chat("openai", "gpt-4o").supply(() -> "answer")));
    }

    assertThat(done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("answer");
    assertChildOf(span("chat gpt-4o"), span("invoke_agent planner"));
  }

  @Test
  void wrapScheduledExecutorService_toolStartedInScheduledTask_isChildOfAgent() throws Exception {
    ScheduledExecutorService scheduler =
        ContextPropagation.wrap(Executors.newSingleThreadScheduledExecutor());
    track(scheduler);

    String result;
    try (LockNScope agent = lockn.agent("planner").start()) {
      result =
          scheduler
              .schedule(() -> lockn.tool("search").supply(() -> "found"), 0, TimeUnit.MILLISECONDS)
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    assertThat(result).isEqualTo("found");
    assertChildOf(span("execute_tool search"), span("invoke_agent planner"));
  }

  @Test
  void supplyAsync_chatStartedInSupplier_isChildOfAgent() throws Exception {
    ExecutorService pool = track(Executors.newFixedThreadPool(2));

    CompletableFuture<String> future;
    try (LockNScope agent = lockn.agent("planner").task("research").start()) {
      future = ContextPropagation.supplyAsync(() -> lockn.chat("openai", "gpt-4o").supply(() -> "answer"), pool);
    }

    assertThat(future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("answer");
    SpanData chat = span("chat gpt-4o");
    assertChildOf(chat, span("invoke_agent planner"));
    assertThat(chat.getAttributes().get(LockNAttributes.AGENT_NAME)).isEqualTo("planner");
    assertThat(chat.getAttributes().get(LockNAttributes.TASK_NAME)).isEqualTo("research");
  }

  @Test
  void runAsync_toolStartedInRunnable_isChildOfAgent() throws Exception {
    ExecutorService pool = track(Executors.newFixedThreadPool(2));

    CompletableFuture<Void> future;
    try (LockNScope agent = lockn.agent("planner").start()) {
      future = ContextPropagation.runAsync(() -> lockn.tool("search").run(() -> {}), pool);
    }

    future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    SpanData tool = span("execute_tool search");
    assertChildOf(tool, span("invoke_agent planner"));
    assertThat(tool.getAttributes().get(LockNAttributes.AGENT_NAME)).isEqualTo("planner");
  }

  @Test
  void callAsync_childSubmittedThroughSupplyAsync_nestedAndAgentEndsAfterChild() throws Exception {
    ExecutorService pool = track(Executors.newFixedThreadPool(2));
    CompletableFuture<Void> release = new CompletableFuture<>();

    CompletionStage<String> stage =
        lockn.agent("planner").callAsync(() -> ContextPropagation.supplyAsync(() -> {
          release.join();
          return lockn.chat("openai", "gpt-4o").supply(() -> "answer");
        }, pool));
    int finishedBeforeRelease = spans.getFinishedSpanItems().size();
    release.complete(null);

    assertThat(stage.toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("answer");
    assertThat(finishedBeforeRelease).isZero();
    SpanData agent = span("invoke_agent planner");
    SpanData chat = span("chat gpt-4o");
    assertChildOf(chat, agent);
    assertThat(agent.getEndEpochNanos()).isGreaterThanOrEqualTo(chat.getEndEpochNanos());
  }

  @Test
  void wrapThreadFactory_threadCreatedInsideAgent_runsUnderAgentEvenWhenStartedAfterIt() throws Exception {
    ThreadFactory factory = ContextPropagation.wrapThreadFactory(Executors.defaultThreadFactory());
    CompletableFuture<String> done = new CompletableFuture<>();
    Runnable work = () -> done.complete(lockn.chat("openai", "gpt-4o").supply(() -> "answer"));

    Thread thread;
    try (LockNScope agent = lockn.agent("planner").start()) {
      thread = factory.newThread(work);
    }
    // The context was captured when the thread was created, not when it starts.
    thread.start();

    assertThat(done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("answer");
    SpanData chat = span("chat gpt-4o");
    assertChildOf(chat, span("invoke_agent planner"));
    assertThat(chat.getAttributes().get(LockNAttributes.AGENT_NAME)).isEqualTo("planner");
  }

  @Test
  void wrapExecutorService_baggageAttribution_crossesIntoTask() throws Exception {
    ExecutorService pool = track(ContextPropagation.wrap(Executors.newFixedThreadPool(2)));

    String tenantSeenInTask;
    try (Scope attribution = lockn.attribution().tenant("acme").costCenter("cc-42").makeCurrent();
        LockNScope agent = lockn.agent("planner").start()) {
      tenantSeenInTask =
          pool.submit(() -> lockn.chat("openai", "gpt-4o").supply(() -> Baggage.current().getEntryValue("app.tenant_id")))
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    assertThat(tenantSeenInTask).isEqualTo("acme");
    SpanData chat = span("chat gpt-4o");
    assertChildOf(chat, span("invoke_agent planner"));
    assertThat(chat.getAttributes().get(TENANT)).isEqualTo("acme");
    assertThat(chat.getAttributes().get(COST_CENTER)).isEqualTo("cc-42");
  }

  @Test
  void supplyAsync_baggageAttribution_crossesIntoSupplier() throws Exception {
    ExecutorService pool = track(Executors.newFixedThreadPool(2));

    CompletableFuture<String> future =
        lockn.attribution().tenant("acme").supply(() ->
            ContextPropagation.supplyAsync(() -> lockn.tool("search").supply(() -> "found"), pool));

    assertThat(future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("found");
    assertThat(span("execute_tool search").getAttributes().get(TENANT)).isEqualTo("acme");
  }

  @Test
  void wrapExecutorService_eightParallelToolsOnFourThreads_allChildrenOfTheSameAgent() throws Exception {
    int threads = 4;
    int tasks = 8;
    ExecutorService pool = track(ContextPropagation.wrap(Executors.newFixedThreadPool(threads)));
    // Every tool waits inside its span until three others are inside theirs, so four spans are open at once.
    CyclicBarrier allFourRunning = new CyclicBarrier(threads);
    Set<String> threadNames = ConcurrentHashMap.newKeySet();
    List<String> results = new ArrayList<>();

    try (Scope attribution = lockn.attribution().tenant("acme").makeCurrent();
        LockNScope agent = lockn.agent("planner").task("research").start()) {
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        int n = i;
        Callable<String> tool =
            () -> lockn.tool("search-" + n).callId("call-" + n).call(() -> {
              threadNames.add(Thread.currentThread().getName());
              allFourRunning.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
              return "result-" + n;
            });
        futures.add(pool.submit(tool));
      }
      for (Future<String> future : futures) {
        results.add(future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
      }
    }

    assertThat(results).containsExactlyElementsOf(IntStream.range(0, tasks).mapToObj(i -> "result-" + i).toList());
    assertThat(threadNames).hasSize(threads);
    SpanData agent = span("invoke_agent planner");
    List<SpanData> tools =
        spans.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("execute_tool ")).toList();
    assertThat(tools).hasSize(tasks);
    assertThat(tools).extracting(s -> s.getAttributes().get(GEN_AI_TOOL_NAME))
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, tasks).mapToObj(i -> "search-" + i).toList());
    for (SpanData tool : tools) {
      String n = tool.getAttributes().get(GEN_AI_TOOL_NAME).substring("search-".length());
      assertChildOf(tool, agent);
      assertThat(tool.getName()).isEqualTo("execute_tool search-" + n);
      assertThat(tool.getAttributes().get(GEN_AI_TOOL_CALL_ID)).isEqualTo("call-" + n);
      assertThat(tool.getAttributes().get(LockNAttributes.AGENT_NAME)).isEqualTo("planner");
      assertThat(tool.getAttributes().get(LockNAttributes.TASK_NAME)).isEqualTo("research");
      assertThat(tool.getAttributes().get(TENANT)).isEqualTo("acme");
    }
  }

  @Test
  void decorateSupplier_invokedFromParallelWrappedTasks_eachRunIsAChildOfTheAgent() throws Exception {
    int tasks = 8;
    ExecutorService pool = track(ContextPropagation.wrap(Executors.newFixedThreadPool(4)));
    Supplier<String> decorated = lockn.tool("search").callId("call-shared").decorateSupplier(() -> "found");

    List<String> results = new ArrayList<>();
    try (LockNScope agent = lockn.agent("planner").start()) {
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        futures.add(pool.submit(decorated::get));
      }
      for (Future<String> future : futures) {
        results.add(future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
      }
    }

    assertThat(results).hasSize(tasks).containsOnly("found");
    SpanData agent = span("invoke_agent planner");
    List<SpanData> tools =
        spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("execute_tool search")).toList();
    assertThat(tools).hasSize(tasks);
    assertThat(tools).extracting(SpanData::getSpanId).doesNotHaveDuplicates();
    assertThat(tools).allSatisfy(tool -> {
      assertChildOf(tool, agent);
      assertThat(tool.getAttributes().get(GEN_AI_TOOL_CALL_ID)).isEqualTo("call-shared");
      assertThat(tool.getAttributes().get(LockNAttributes.AGENT_NAME)).isEqualTo("planner");
    });
  }

  @Test
  void unwrappedExecutor_chatStartedInTask_isNotPropagated() throws Exception {
    ExecutorService raw = track(Executors.newSingleThreadExecutor());

    String tenantSeenInTask;
    try (Scope attribution = lockn.attribution().tenant("acme").makeCurrent();
        LockNScope agent = lockn.agent("planner").start()) {
      tenantSeenInTask =
          raw.submit(() -> lockn.chat("openai", "gpt-4o").supply(() -> Baggage.current().getEntryValue("app.tenant_id")))
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    assertThat(tenantSeenInTask).isNull();
    SpanData agent = span("invoke_agent planner");
    SpanData chat = span("chat gpt-4o");
    assertThat(chat.getParentSpanId()).isEqualTo(SpanId.getInvalid());
    assertThat(chat.getTraceId()).isNotEqualTo(agent.getTraceId());
    assertThat(chat.getAttributes().get(LockNAttributes.AGENT_NAME)).isNull();
    assertThat(chat.getAttributes().get(TENANT)).isNull();
  }

  @Test
  void wrapExecutorService_afterTask_poolThreadKeepsNoContext() throws Exception {
    ExecutorService raw = track(Executors.newSingleThreadExecutor());
    ExecutorService wrapped = ContextPropagation.wrap(raw);

    Span inTask;
    try (LockNScope agent = lockn.agent("planner").start()) {
      inTask = wrapped.submit(Span::current).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
    Context afterTask = raw.submit(Context::current).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

    assertThat(inTask.getSpanContext()).isEqualTo(span("invoke_agent planner").getSpanContext());
    assertThat(afterTask).isSameAs(Context.root());
  }

  @Test
  void wrapVirtualThreadPerTaskExecutor_chatStartedOnVirtualThread_isChildOfAgent() throws Exception {
    ExecutorService virtual = track(ContextPropagation.wrap(newVirtualThreadPerTaskExecutor()));

    Boolean ranOnVirtualThread;
    try (Scope attribution = lockn.attribution().tenant("acme").makeCurrent();
        LockNScope agent = lockn.agent("planner").start()) {
      ranOnVirtualThread =
          virtual.submit(() -> lockn.chat("openai", "gpt-4o").supply(ContextPropagationTest::isVirtualThread))
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    assertThat(ranOnVirtualThread).isTrue();
    SpanData chat = span("chat gpt-4o");
    assertChildOf(chat, span("invoke_agent planner"));
    assertThat(chat.getAttributes().get(LockNAttributes.AGENT_NAME)).isEqualTo("planner");
    assertThat(chat.getAttributes().get(TENANT)).isEqualTo("acme");
  }

  @Test
  void wrapVirtualThreadFactory_chatStartedOnVirtualThread_isChildOfAgent() throws Exception {
    ThreadFactory factory = ContextPropagation.wrapThreadFactory(newVirtualThreadFactory());
    CompletableFuture<Boolean> ranOnVirtualThread = new CompletableFuture<>();

    try (LockNScope agent = lockn.agent("planner").start()) {
      factory
          .newThread(() -> ranOnVirtualThread.complete(
              lockn.chat("openai", "gpt-4o").supply(ContextPropagationTest::isVirtualThread)))
          .start();
      assertThat(ranOnVirtualThread.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    SpanData chat = span("chat gpt-4o");
    assertChildOf(chat, span("invoke_agent planner"));
    assertThat(chat.getAttributes().get(LockNAttributes.AGENT_NAME)).isEqualTo("planner");
  }

  @Test
  void wrapVirtualThreadPerTaskExecutor_eightParallelTools_allChildrenOfTheSameAgent() throws Exception {
    int tasks = 8;
    ExecutorService virtual = track(ContextPropagation.wrap(newVirtualThreadPerTaskExecutor()));
    CyclicBarrier allRunning = new CyclicBarrier(tasks);

    try (LockNScope agent = lockn.agent("planner").start()) {
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        int n = i;
        futures.add(virtual.submit(() -> lockn.tool("search-" + n).call(() -> {
          allRunning.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          return "result-" + n;
        })));
      }
      for (int i = 0; i < tasks; i++) {
        assertThat(futures.get(i).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("result-" + i);
      }
    }

    SpanData agent = span("invoke_agent planner");
    List<SpanData> tools =
        spans.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("execute_tool ")).toList();
    assertThat(tools).hasSize(tasks);
    assertThat(tools).allSatisfy(tool -> assertChildOf(tool, agent));
  }

  // ---------------------------------------------------------------- helpers

  private <E extends ExecutorService> E track(E executor) {
    executors.add(executor);
    return executor;
  }

  /**
   * The one finished span with this name, waiting for it a while: an asynchronous span ends in a callback on the
   * completing thread, which may run just after a {@code get()} on the same stage has returned (both are dependents of
   * the stage, released in no fixed order).
   */
  private SpanData span(String name) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    List<SpanData> matching = List.of();
    while (System.nanoTime() < deadline) {
      matching = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
      if (!matching.isEmpty()) {
        break;
      }
      Thread.sleep(5);
    }
    assertThat(matching).as("finished spans named %s", name).hasSize(1);
    return matching.get(0);
  }

  private static void assertChildOf(SpanData child, SpanData parent) {
    assertThat(child.getTraceId()).as("trace of %s", child.getName()).isEqualTo(parent.getTraceId());
    assertThat(child.getParentSpanId()).as("parent of %s", child.getName()).isEqualTo(parent.getSpanId());
  }

  private static ExecutorService newVirtualThreadPerTaskExecutor() throws Exception {
    try {
      return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (NoSuchMethodException e) {
      throw virtualThreadsUnavailable("Executors.newVirtualThreadPerTaskExecutor()");
    } catch (InvocationTargetException e) {
      // Java 19 and 20: a preview API that throws UnsupportedOperationException without --enable-preview.
      throw virtualThreadsUnavailable("Executors.newVirtualThreadPerTaskExecutor(): " + e.getCause());
    }
  }

  private static ThreadFactory newVirtualThreadFactory() throws Exception {
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
    } catch (NoSuchMethodException | ClassNotFoundException e) {
      throw virtualThreadsUnavailable("Thread.ofVirtual().factory()");
    } catch (InvocationTargetException e) {
      throw virtualThreadsUnavailable("Thread.ofVirtual().factory(): " + e.getCause());
    }
  }

  /** Skips the test, or fails it when the build requires virtual threads (the JDK 25 run of the suite). */
  private static RuntimeException virtualThreadsUnavailable(String api) {
    String message = api + " is not available on Java " + Runtime.version();
    if ("true".equals(System.getProperty("lockn.test.requireVirtualThreads"))) {
      fail(message + ", but lockn.test.requireVirtualThreads=true");
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  private static boolean isVirtualThread() {
    try {
      return (Boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread());
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}
