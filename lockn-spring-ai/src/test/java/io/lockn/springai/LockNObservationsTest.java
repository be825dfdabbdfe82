package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.LockN;
import io.lockn.core.LockNScope;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LockNObservations} with Micrometer's real observation registry and tracing handlers on the real OpenTelemetry
 * bridge, without Spring: where Spring AI's observations nest with and without it, across threads, for observations
 * started without a parent, and what happens when LockN's handler is not the first tracing handler.
 */
class LockNObservationsTest {

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private OpenTelemetrySdk otel;
  private OtelTracer tracer;
  private ExecutorService other;

  @BeforeEach
  void setUp() {
    otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
    tracer = new OtelTracer(otel.getTracer("test"), new OtelCurrentTraceContext(), event -> { });
    other = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    other.shutdownNow();
    other.awaitTermination(10, TimeUnit.SECONDS);
    otel.close();
  }

  /** A registry as Spring Boot configures it: LockN's handler first in the group of tracing handlers. */
  private ObservationRegistry bootLikeRegistry() {
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
        new LockNObservations.TracingHandler(() -> tracer), new DefaultTracingObservationHandler(tracer)));
    registry.observationConfig().observationHandler(new LockNObservations.ParentHandler());
    return registry;
  }

  private LockN lockn(ObservationRegistry registry, boolean bound) {
    io.lockn.core.LockNBuilder b = LockN.builder().setOpenTelemetry(otel);
    if (bound) {
      b.setScopeBinder(new LockNObservations(registry, tracer));
    }
    return b.build();
  }

  private SpanData span(String name) {
    List<SpanData> named = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).as(() -> name + " in " + spans.getFinishedSpanItems().stream().map(SpanData::getName).toList())
        .hasSize(1);
    return named.get(0);
  }

  /** An HTTP server observation's scope, then an agent, then a framework observation inside the agent. */
  private void requestWithAgent(ObservationRegistry registry, LockN lockn) {
    Observation request = Observation.createNotStarted("http.server.requests", registry)
        .contextualName("http get /ask").start();
    try (Observation.Scope ignored = request.openScope()) {
      lockn.agent("support-bot").task("answer").run(() ->
          Observation.createNotStarted("spring.ai.chat.client", registry).contextualName("spring_ai chat_client")
              .observe(() -> { }));
    } finally {
      request.stop();
    }
  }

  @Test
  void withoutTheBinder_aFrameworkObservationInsideAnAgentNestsBesideIt() {
    // The root cause, as micrometer-tracing reads it: the parent observation (the request) has a span, and the
    // bridge's own notion of the current span (its entry in the context, written by the request's scope) is the
    // request's too; LockN's agent span, current for OpenTelemetry only, is seen by neither.
    ObservationRegistry registry = bootLikeRegistry();
    requestWithAgent(registry, lockn(registry, false));

    SpanData request = span("http get /ask");
    assertThat(span("invoke_agent support-bot").getParentSpanId()).isEqualTo(request.getSpanId());
    assertThat(span("spring_ai chat_client").getParentSpanId()).isEqualTo(request.getSpanId());
  }

  @Test
  void withTheBinder_itNestsUnderTheAgent_andTheAgentIsOneSpan() {
    ObservationRegistry registry = bootLikeRegistry();
    requestWithAgent(registry, lockn(registry, true));

    SpanData request = span("http get /ask");
    SpanData agent = span("invoke_agent support-bot");
    assertThat(agent.getParentSpanId()).isEqualTo(request.getSpanId());
    assertThat(span("spring_ai chat_client").getParentSpanId()).isEqualTo(agent.getSpanId());
    // No second span for the agent's observation: the request, the agent and the framework's span, nothing else.
    assertThat(spans.getFinishedSpanItems()).hasSize(3);
  }

  @Test
  void anAgentsObservationRestoredOnAnotherThread_bringsItsSpanAndContextBack() throws Exception {
    ObservationRegistry registry = bootLikeRegistry();
    LockN lockn = lockn(registry, true);
    AtomicReference<@Nullable Observation> captured = new AtomicReference<>();
    LockNScope agent = lockn.agent("support-bot").startDetached();
    try (Scope ignored = agent.makeCurrent()) {
      // What context propagation (an @Async task decorator, Reactor) captures.
      captured.set(registry.getCurrentObservation());
    }

    CompletableFuture<String> spanOnOtherThread = CompletableFuture.supplyAsync(() -> {
      Observation observation = captured.get();
      try (Observation.Scope restored = observation.openScope()) {
        Observation.createNotStarted("spring.ai.chat.client", registry).contextualName("inner").observe(() -> { });
        return Span.current().getSpanContext().getSpanId();
      }
    }, other);
    String current = spanOnOtherThread.get(10, TimeUnit.SECONDS);
    agent.close();

    assertThat(captured.get()).isNotNull();
    assertThat(captured.get().getContext()).isInstanceOf(LockNObservations.OperationContext.class);
    assertThat(current).isEqualTo(agent.span().getSpanContext().getSpanId());
    assertThat(span("inner").getParentSpanId()).isEqualTo(agent.span().getSpanContext().getSpanId());
    assertThat(Span.current().getSpanContext().isValid()).isFalse();
  }

  @Test
  void anObservationStartedWithoutAParentInsideAnAgent_getsTheAgentAsParent() {
    ObservationRegistry registry = bootLikeRegistry();
    LockN lockn = lockn(registry, true);
    AtomicReference<Observation.@Nullable ContextView> parent = new AtomicReference<>();

    lockn.agent("stream-bot").task("stream").run(() -> {
      // What Spring AI's streaming ChatClient does when the Reactor context holds no observation.
      Observation stream = Observation.createNotStarted("spring.ai.chat.client", registry)
          .contextualName("spring_ai chat_client").parentObservation(null).start();
      parent.set(stream.getContext().getParentObservation() == null
          ? null : stream.getContext().getParentObservation().getContextView());
      stream.stop();
    });

    assertThat(parent.get()).isInstanceOfSatisfying(LockNObservations.OperationContext.class, scope -> {
      assertThat(scope.getAgentName()).isEqualTo("stream-bot");
      assertThat(scope.getTaskName()).isEqualTo("stream");
    });
    assertThat(span("spring_ai chat_client").getParentSpanId())
        .isEqualTo(span("invoke_agent stream-bot").getSpanId());
  }

  @Test
  void noTimerForLockNsObservations_whenLockNsMeterHandlerComesFirst() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ObservationRegistry registry = bootLikeRegistry();
    registry.observationConfig().observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
        new LockNObservations.MeterHandler(), new DefaultMeterObservationHandler(meters)));

    requestWithAgent(registry, lockn(registry, true));

    assertThat(meters.find(LockNObservations.NAME).meters()).isEmpty();
    assertThat(meters.find("spring.ai.chat.client").timer()).isNotNull();
  }

  @Test
  void whenAnotherTracingHandlerComesFirst_theBinderTurnsItselfOff() {
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
    LockN lockn = lockn(registry, true);

    lockn.agent("first").run(() -> { });
    int afterFirst = spans.getFinishedSpanItems().size();
    lockn.agent("second").run(() -> Observation.createNotStarted("inner", registry).observe(() -> { }));

    // The first agent's observation got a span of its own from the default handler (found, and ended at once); from
    // then on LockN's scopes are current for OpenTelemetry only, and make no second span.
    assertThat(afterFirst).isEqualTo(2);
    assertThat(spans.getFinishedSpanItems()).hasSize(4);
    assertThat(span("inner").getParentSpanId()).isEqualTo(span("invoke_agent second").getSpanId());
  }
}
