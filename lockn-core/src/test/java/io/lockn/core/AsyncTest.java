package io.lockn.core;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link OperationSpec#callAsync}: the span covers the asynchronous work and the stage is handed back untouched. */
class AsyncTest {

  private static final ContextKey<String> MARKER = ContextKey.named("async-test-marker");

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private OpenTelemetrySdk otel;
  private LockN lockn;
  private ExecutorService completer;

  @BeforeEach
  void setUp() {
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
            .build();
    lockn = LockN.builder().setOpenTelemetry(otel).setSemconvProfile(SemconvProfile.V1_41).build();
    completer = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    completer.shutdownNow();
    completer.awaitTermination(10, TimeUnit.SECONDS);
    otel.close();
  }

  @Test
  void callAsync_returnsTheVerySameStageInstance() {
    CompletableFuture<String> future = new CompletableFuture<>();

    CompletionStage<String> returned = lockn.agent("bot").callAsync(() -> future);

    assertThat(returned).isSameAs(future);
    future.complete("done");
    assertThat(future.join()).isEqualTo("done");
  }

  @Test
  void callAsync_spanStaysOpenUntilStageCompletes() {
    CompletableFuture<String> future = new CompletableFuture<>();
    Span[] inBody = new Span[1];

    lockn.agent("bot").callAsync(() -> {
      inBody[0] = Span.current();
      return future;
    });

    assertThat(inBody[0].getSpanContext().isValid()).isTrue();
    assertThat(((ReadableSpan) inBody[0]).hasEnded()).isFalse();
    assertThat(exporter.getFinishedSpanItems()).isEmpty();

    future.complete("answer");

    assertThat(((ReadableSpan) inBody[0]).hasEnded()).isTrue();
    assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    assertThat(exporter.getFinishedSpanItems().get(0))
        .hasName("invoke_agent bot")
        .hasSpanId(inBody[0].getSpanContext().getSpanId())
        .hasStatus(StatusData.unset())
        .hasTotalRecordedEvents(0);
  }

  @Test
  void callAsync_completedOnAnotherThread_endsSpanWithUsageRecordedBeforeCompletion() throws Exception {
    CompletableFuture<String> future = new CompletableFuture<>();
    LlmCall[] call = new LlmCall[1];

    CompletionStage<String> stage = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").callAsync(() -> {
      call[0] = lockn.currentLlmCall();
      return future;
    });
    assertThat(exporter.getFinishedSpanItems()).isEmpty();

    completer.submit(() -> {
      call[0].recordUsage(TokenUsage.of(100, 20)).responseModel("gpt-4o-2024-08-06");
      future.complete("hi");
    }).get(10, TimeUnit.SECONDS);

    assertThat(stage.toCompletableFuture().join()).isEqualTo("hi");
    assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    assertThat(exporter.getFinishedSpanItems().get(0))
        .hasName("chat gpt-4o")
        .hasSpanId(call[0].span().getSpanContext().getSpanId())
        .hasAttribute(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, 100L)
        .hasAttribute(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, 20L)
        .hasAttribute(GenAiAttributes.GEN_AI_RESPONSE_MODEL, "gpt-4o-2024-08-06");
  }

  @Test
  void callAsync_exceptionalCompletion_recordsOriginalException() throws Exception {
    CompletableFuture<String> future = new CompletableFuture<>();
    IOException failure = new IOException("connection reset");

    CompletionStage<String> stage = lockn.tool("fetch").callAsync(() -> future);
    completer.submit(() -> future.completeExceptionally(failure)).get(10, TimeUnit.SECONDS);

    assertThat(stage).isSameAs(future);
    assertThatThrownBy(future::join).isInstanceOf(CompletionException.class).hasCause(failure);
    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertThat(span)
        .hasName("execute_tool fetch")
        .hasStatus(StatusData.error())
        .hasAttribute(GenAiAttributes.ERROR_TYPE, "java.io.IOException")
        .hasException(failure);
  }

  @Test
  void callAsync_derivedStageFailsWithCompletionException_recordsTheCause() {
    CompletableFuture<String> source = new CompletableFuture<>();
    IllegalStateException failure = new IllegalStateException("bad payload");
    AtomicReference<CompletionStage<String>> derived = new AtomicReference<>();

    CompletionStage<String> stage = lockn.agent("bot").callAsync(() -> {
      derived.set(source.thenApply(s -> {
        throw failure;
      }));
      return derived.get();
    });
    source.complete("payload");

    assertThat(stage).isSameAs(derived.get());
    assertThatThrownBy(() -> stage.toCompletableFuture().join())
        .isInstanceOf(CompletionException.class)
        .hasCause(failure);
    assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    assertThat(exporter.getFinishedSpanItems().get(0))
        .hasStatus(StatusData.error())
        .hasAttribute(GenAiAttributes.ERROR_TYPE, "java.lang.IllegalStateException")
        .hasException(failure);
  }

  @Test
  void callAsync_bodyThrows_rethrowsSameInstanceAndEndsSpan() {
    UnsupportedOperationException failure = new UnsupportedOperationException("sync failure");
    Context before = Context.current();

    assertThatThrownBy(() -> lockn.agent("bot").<String>callAsync(() -> {
      throw failure;
    })).isSameAs(failure);

    assertThat(Context.current()).isSameAs(before);
    assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    assertThat(exporter.getFinishedSpanItems().get(0))
        .hasStatus(StatusData.error())
        .hasAttribute(GenAiAttributes.ERROR_TYPE, "java.lang.UnsupportedOperationException")
        .hasException(failure);
  }

  @Test
  void callAsync_alreadyCompletedStage_endsSpanBeforeReturning() {
    CompletionStage<String> done = CompletableFuture.completedFuture("cached");

    CompletionStage<String> returned = lockn.workflow("w").callAsync(() -> done);

    assertThat(returned).isSameAs(done);
    assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("invoke_workflow w");
  }

  @Test
  void callAsync_childStartedInsideBody_isChildOfTheAsyncSpan() {
    CompletableFuture<String> future = new CompletableFuture<>();

    lockn.task("research").agent("researcher").callAsync(() -> {
      lockn.tool("search").run(() -> {});
      return future;
    });
    future.complete("ok");

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).extracting(SpanData::getName).containsExactly("execute_tool search", "invoke_agent researcher");
    assertThat(spans.get(0))
        .hasParent(spans.get(1))
        .hasAttribute(LockNAttributes.AGENT_NAME, "researcher")
        .hasAttribute(LockNAttributes.TASK_NAME, "research");
  }

  @Test
  void callAsync_childOfChainedWorkGivenTheContextExplicitly_isChild() throws Exception {
    CompletableFuture<String> future = new CompletableFuture<>();
    Context[] asyncContext = new Context[1];

    lockn.agent("bot").callAsync(() -> {
      asyncContext[0] = Context.current();
      return future.thenApplyAsync(s -> s, Context.taskWrapping(completer));
    });
    completer.submit(() -> {
      lockn.chat(GenAiProvider.OPENAI, "gpt-4o").parent(asyncContext[0]).run(() -> {});
      future.complete("x");
    }).get(10, TimeUnit.SECONDS);
    // The agent span ends when the derived stage completes on the completer thread.
    completer.submit(() -> {}).get(10, TimeUnit.SECONDS);

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).extracting(SpanData::getName).containsExactly("chat gpt-4o", "invoke_agent bot");
    assertThat(spans.get(0)).hasParent(spans.get(1)).hasAttribute(LockNAttributes.AGENT_NAME, "bot");
  }

  @Test
  void callAsync_restoresCallingThreadContextAfterReturning() {
    Context outer = Context.current().with(MARKER, "caller");
    CompletableFuture<String> future = new CompletableFuture<>();
    String[] markerInBody = new String[1];
    Span[] spanInBody = new Span[1];

    try (Scope ignored = outer.makeCurrent()) {
      Context before = Context.current();

      lockn.agent("bot").callAsync(() -> {
        markerInBody[0] = Context.current().get(MARKER);
        spanInBody[0] = Span.current();
        return future;
      });

      assertThat(Context.current()).isSameAs(before);
      assertThat(Span.current().getSpanContext().isValid()).isFalse();
      assertThat(lockn.currentLlmCall()).isSameAs(LockN.noop().currentLlmCall());
    }
    future.complete("done");

    assertThat(markerInBody[0]).isEqualTo("caller");
    assertThat(spanInBody[0].getSpanContext().isValid()).isTrue();
    assertThat(exporter.getFinishedSpanItems()).hasSize(1);
  }

  @Test
  void callAsync_llmCall_isCurrentInsideBodyOnly() {
    CompletableFuture<String> future = new CompletableFuture<>();
    LlmCall[] inBody = new LlmCall[1];

    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").callAsync(() -> {
      inBody[0] = lockn.currentLlmCall();
      return future;
    });

    assertThat(inBody[0]).isNotSameAs(LockN.noop().currentLlmCall());
    assertThat(inBody[0].requestModel()).isEqualTo("gpt-4o");
    assertThat(lockn.currentLlmCall()).isSameAs(LockN.noop().currentLlmCall());
    future.complete("ok");
    assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("chat gpt-4o");
  }
}
