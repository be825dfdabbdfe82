package io.lockn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@link LockN#noop()}: records nothing, changes nothing, passes everything through and allocates nothing. */
class NoopTest {

  private static final int LOOP = 100_000;
  private static final long ALLOCATION_BUDGET_BYTES = 64 * 1024;
  private static final Supplier<String> BODY = () -> "r";
  private static final AttributeKey<String> EXTRA = AttributeKey.stringKey("app.extra");

  /** Written by the allocating control loop so that its allocations escape and cannot be optimised away. */
  private static volatile Object escape;

  private final LockN noop = LockN.noop();

  @Test
  void noop_isDisabledAndShared() {
    assertThat(noop.isEnabled()).isFalse();
    assertThat(LockN.noop()).isSameAs(noop);
  }

  @Test
  void noop_recordsNothingAndLeavesTheApplicationsSpanCurrent() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    try (OpenTelemetrySdk otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .build()) {
      Span host = otel.getTracer("host").spanBuilder("host").startSpan();
      Span seen;
      Context contextInScope;
      Span scopeSpan;
      Context before;
      try (Scope ignored = host.makeCurrent()) {
        before = Context.current();
        seen =
            noop.workflow("w").supply(() -> noop.agent("a").task("t").supply(() ->
                noop.chat("openai", "gpt-4o").supply(() -> {
                  noop.tool("lookup").run(() -> {});
                  noop.currentLlmCall().recordUsage(TokenUsage.of(10, 5)).responseModel("gpt-4o");
                  return Span.current();
                })));
        try (LockNScope scope = noop.agent("a").start()) {
          scope.setAttribute(EXTRA, "x");
          scope.recordException(new IllegalStateException("ignored"));
          scope.recordError("ignored");
          contextInScope = Context.current();
          scopeSpan = scope.span();
        }
      } finally {
        host.end();
      }

      assertThat(seen).isSameAs(host);
      assertThat(contextInScope).isSameAs(before);
      assertThat(scopeSpan).isSameAs(Span.getInvalid());
      List<SpanData> finished = spans.getFinishedSpanItems();
      assertThat(finished).extracting(SpanData::getName).containsExactly("host");
      assertThat(finished.get(0).getAttributes().isEmpty()).isTrue();
      assertThat(finished.get(0).getEvents()).isEmpty();
    }
  }

  @Test
  void noop_attributionSetsNoBaggage() {
    Baggage inside = noop.attribution().tenant("acme").costCenter("cc-42").user("u1").supply(Baggage::current);

    assertThat(inside.isEmpty()).isTrue();
  }

  @Test
  void noopTerminals_returnResultsUnchanged() throws Exception {
    Object result = new Object();
    CompletableFuture<Object> stage = new CompletableFuture<>();

    assertThat(noop.agent("a").supply(() -> result)).isSameAs(result);
    assertThat(noop.tool("t").call(() -> result)).isSameAs(result);
    assertThat(noop.chat("openai", "gpt-4o").supply(() -> result)).isSameAs(result);
    CompletionStage<Object> returned = noop.embeddings("openai", "text-embedding-3-small").callAsync(() -> stage);
    assertThat(returned).isSameAs(stage);
    assertThat(stage.isDone()).isFalse();
  }

  @Test
  void noopTerminals_rethrowExceptionsUnchanged() {
    IllegalStateException runtime = new IllegalStateException("host");
    IOException checked = new IOException("host");
    AssertionError error = new AssertionError("host");

    Throwable fromSupply = catchThrowable(() -> noop.agent("a").supply(() -> {
      throw runtime;
    }));
    Throwable fromCall = catchThrowable(() -> noop.tool("t").call(() -> {
      throw checked;
    }));
    Throwable fromRun = catchThrowable(() -> noop.chat("openai", "gpt-4o").run(() -> {
      throw error;
    }));
    Throwable fromCallAsync = catchThrowable(() -> noop.workflow("w").callAsync(() -> {
      throw runtime;
    }));

    assertThat(fromSupply).isSameAs(runtime);
    assertThat(fromCall).isSameAs(checked);
    assertThat(fromRun).isSameAs(error);
    assertThat(fromCallAsync).isSameAs(runtime);
  }

  @Test
  void decorate_everySpec_returnsTheSameInstance() {
    Supplier<String> supplier = () -> "r";
    Runnable runnable = () -> {};
    Callable<String> callable = () -> "r";
    List<OperationSpec<?>> specs =
        List.of(
            noop.workflow("w"),
            noop.agent("a"),
            noop.createAgent("openai", "a"),
            noop.task("t"),
            noop.tool("t"),
            noop.chat("openai", "gpt-4o"),
            noop.llm(GenAiOperation.TEXT_COMPLETION, "openai", "gpt-4o"),
            noop.embeddings("openai", "text-embedding-3-small"));

    for (OperationSpec<?> spec : specs) {
      assertThat(spec.decorateSupplier(supplier)).isSameAs(supplier);
      assertThat(spec.decorateRunnable(runnable)).isSameAs(runnable);
      assertThat(spec.decorateCallable(callable)).isSameAs(callable);
    }
  }

  @Test
  void instrument_returnsTheImplementationItself() {
    Greeter implementation = name -> "hello " + name;

    Greeter instrumented = noop.instrument(Greeter.class, implementation);

    assertThat(instrumented).isSameAs(implementation);
  }

  @Test
  void currentLlmCall_insideNoopChat_isANoop() {
    LlmCall[] seen = new LlmCall[1];
    noop.chat("openai", "gpt-4o").run(() -> {
      LlmCall call = noop.currentLlmCall();
      assertThat(call.recordUsage(TokenUsage.of(10, 5))).isSameAs(call);
      assertThat(call.responseModel("gpt-4o-2024-08-06")).isSameAs(call);
      assertThat(call.responseId("id")).isSameAs(call);
      assertThat(call.finishReasons(List.of("stop"))).isSameAs(call);
      assertThat(call.finishReason("stop")).isSameAs(call);
      assertThat(call.cacheHit(CacheType.PROVIDER)).isSameAs(call);
      assertThat(call.firstChunkReceived()).isSameAs(call);
      assertThat(call.embeddingDimensions(3)).isSameAs(call);
      assertThat(call.outputMessages(List.of(GenAiMessage.output("hi", "stop")))).isSameAs(call);
      assertThat(call.recordEvaluation(EvaluationResult.score("quality", 1.0))).isSameAs(call);
      seen[0] = call;
    });
    LlmCall call = seen[0];
    call.close();

    assertThat(call.usage()).isSameAs(TokenUsage.EMPTY);
    assertThat(call.responseModel()).isNull();
    assertThat(call.requestModel()).isEmpty();
    assertThat(call.attempt()).isEqualTo(1);
    assertThat(call.fallbackDepth()).isZero();
    assertThat(call.span()).isSameAs(Span.getInvalid());
    assertThat(noop.currentLlmCall()).isSameAs(call);
  }

  @Test
  void recordEvaluation_noop_doesNothing() {
    noop.recordEvaluation(SpanContext.getInvalid(), "id", EvaluationResult.label("quality", "good"));
    noop.recordEvaluation(null, null, null);

    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void noopLoop_hundredThousandCalls_allocatesAlmostNothing() {
    com.sun.management.ThreadMXBean threads = allocationCounter();
    LockN lockn = noop;
    Supplier<String> body = BODY;
    for (int i = 0; i < 5; i++) {
      noopLoop(lockn, body, LOOP); // warm-up: let the JIT compile the loop and the no-op methods
    }

    long before = threads.getCurrentThreadAllocatedBytes();
    long sum = noopLoop(lockn, body, LOOP);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(sum).isEqualTo(LOOP);
    assertThat(allocated).as("bytes allocated by %s no-op iterations", LOOP).isLessThan(ALLOCATION_BUDGET_BYTES);
  }

  @Test
  void allocationMeasurement_allocatingLoop_exceedsTheBudget() {
    // Control for the test above: the same measurement does see a loop that allocates 16 bytes per iteration.
    com.sun.management.ThreadMXBean threads = allocationCounter();
    allocatingLoop(LOOP);

    long before = threads.getCurrentThreadAllocatedBytes();
    allocatingLoop(LOOP);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(allocated).isGreaterThan(ALLOCATION_BUDGET_BYTES);
  }

  private static long noopLoop(LockN lockn, Supplier<String> body, int iterations) {
    long sum = 0;
    for (int i = 0; i < iterations; i++) {
      sum += lockn.agent("a").task("t").supply(body).length();
      lockn.chat("openai", "gpt-4o").maxTokens(10).start().close();
    }
    return sum;
  }

  private static void allocatingLoop(int iterations) {
    for (int i = 0; i < iterations; i++) {
      escape = new Object();
    }
  }

  private static com.sun.management.ThreadMXBean allocationCounter() {
    Assumptions.assumeTrue(
        ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
        "com.sun.management.ThreadMXBean is not available");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported(), "thread allocation counting unsupported");
    if (!threads.isThreadAllocatedMemoryEnabled()) {
      threads.setThreadAllocatedMemoryEnabled(true);
    }
    return threads;
  }

  /** An application interface for {@link #instrument_returnsTheImplementationItself}. */
  interface Greeter {
    String greet(String name);
  }
}
