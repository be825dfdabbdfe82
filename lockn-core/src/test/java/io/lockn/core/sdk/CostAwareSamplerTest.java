package io.lockn.core.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.core.GenAiProvider;
import io.lockn.core.LlmCall;
import io.lockn.core.LockN;
import io.lockn.core.SemconvProfile;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CostAwareSampler}: in its default mode every GenAI span the application's sampler drops is recorded (span
 * processors see it, so its cost is counted) but never exported; in {@code exportAll} mode every GenAI span is
 * exported, even under an unsampled parent.
 */
class CostAwareSamplerTest {

  private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
  private static final AttributeKey<String> TASK_NAME = AttributeKey.stringKey("lockn.task.name");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final AttributeKey<Long> RETRY_ATTEMPT = AttributeKey.longKey("lockn.retry.attempt");
  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

  private InMemorySpanExporter exporter;
  /** Every span that ended, sampled or not: what a span processor (LockN's cost pipeline) sees. */
  private final List<SpanData> recorded = new java.util.concurrent.CopyOnWriteArrayList<>();
  private OpenTelemetrySdk otel;
  private LockN lockn;
  private Tracer plainTracer;

  static Stream<Sampler> droppingSamplers() {
    return Stream.of(Sampler.alwaysOff(), Sampler.parentBased(Sampler.alwaysOff()));
  }

  /** The exportAll mode, which the tests written before the record-only mode exercise. */
  private void setUp(Sampler delegate) {
    setUpWith(CostAwareSampler.exportAll(delegate));
  }

  private void setUpWith(Sampler sampler) {
    exporter = InMemorySpanExporter.create();
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setSampler(sampler)
                    .addSpanProcessor(new io.opentelemetry.sdk.trace.SpanProcessor() {
                      @Override
                      public void onStart(Context parentContext, io.opentelemetry.sdk.trace.ReadWriteSpan span) {}

                      @Override
                      public boolean isStartRequired() {
                        return false;
                      }

                      @Override
                      public void onEnd(io.opentelemetry.sdk.trace.ReadableSpan span) {
                        recorded.add(span.toSpanData());
                      }

                      @Override
                      public boolean isEndRequired() {
                        return true;
                      }
                    })
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build();
    lockn = LockN.builder().setOpenTelemetry(otel).setSemconvProfile(SemconvProfile.V1_41).build();
    plainTracer = otel.getTracer("app");
  }

  @AfterEach
  void tearDown() {
    if (otel != null) {
      otel.close();
    }
  }

  @ParameterizedTest
  @MethodSource("droppingSamplers")
  void everyLockNSpan_isSampledWhilePlainSpanIsDropped(Sampler delegate) {
    setUp(delegate);

    lockn.workflow("support").run(() -> lockn.agent("bot").run(() -> lockn.task("triage").run(() -> {
      lockn.tool("lookup").run(() -> {});
      lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {});
      lockn.embeddings(GenAiProvider.OPENAI, "text-embedding-3-small").run(() -> {});
    })));
    lockn.createAgent(GenAiProvider.OPENAI, "assistant").run(() -> {});
    plainTracer.spanBuilder("plain").startSpan().end();

    List<SpanData> finished = exporter.getFinishedSpanItems();
    assertThat(finished)
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder(
            "invoke_workflow support",
            "invoke_agent bot",
            "task triage",
            "execute_tool lookup",
            "chat gpt-4o",
            "embeddings text-embedding-3-small",
            "create_agent assistant");
    assertThat(finished).allSatisfy(s -> assertThat(s.getSpanContext().isSampled()).as(s.getName()).isTrue());
  }

  @ParameterizedTest
  @MethodSource("droppingSamplers")
  void failedAttempt_isExported(Sampler delegate) {
    setUp(delegate);
    IllegalStateException boom = new IllegalStateException("429 Too Many Requests");

    LlmCall first = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").start();
    first.recordException(boom);
    first.close();
    assertThatThrownBy(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o").retryOf(first).run(() -> {
          throw boom;
        }))
        .isSameAs(boom);

    List<SpanData> finished = exporter.getFinishedSpanItems();
    assertThat(finished).hasSize(2);
    assertThat(finished).allSatisfy(s -> {
      assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(s.getAttributes().get(ERROR_TYPE)).isEqualTo("java.lang.IllegalStateException");
    });
    assertThat(finished).extracting(s -> s.getAttributes().get(RETRY_ATTEMPT)).containsExactly(null, 2L);
  }

  @Test
  void lockNChat_underUnsampledPlainParent_isExportedWithThatParent() {
    setUp(Sampler.parentBased(Sampler.alwaysOff()));

    Span request = plainTracer.spanBuilder("http request").startSpan();
    assertThat(request.getSpanContext().isSampled()).isFalse();
    try (Scope ignored = request.makeCurrent()) {
      lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {});
    } finally {
      request.end();
    }

    List<SpanData> finished = exporter.getFinishedSpanItems();
    assertThat(finished).extracting(SpanData::getName).containsExactly("chat gpt-4o");
    SpanData chat = finished.get(0);
    assertThat(chat.getSpanContext().isSampled()).isTrue();
    assertThat(chat.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
    assertThat(chat.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
  }

  @Test
  void plainChildOfLockNSpan_isKeptUnderParentBased() {
    setUp(Sampler.parentBased(Sampler.alwaysOff()));

    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> plainTracer.spanBuilder("http POST").startSpan().end());

    assertThat(exporter.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder("http POST", "chat gpt-4o");
  }

  @Test
  void plainChildOfLockNSpan_isDelegatedWithoutParentBased() {
    setUp(Sampler.alwaysOff());

    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> plainTracer.spanBuilder("http POST").startSpan().end());

    assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("chat gpt-4o");
  }

  @Test
  void foreignSpanWithOperationNameOnBuilder_isSampled() {
    setUp(Sampler.alwaysOff());

    plainTracer.spanBuilder("chat other").setSpanKind(SpanKind.CLIENT).setAttribute(OPERATION, "chat").startSpan()
        .end();
    Span late = plainTracer.spanBuilder("chat late").startSpan();
    late.setAttribute(OPERATION, "chat");
    late.end();

    assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("chat other");
  }

  @Test
  void shouldSample_exportAll_keepsGenAiAndTaskAttributesAndDelegatesTheRest() {
    CostAwareSampler sampler = CostAwareSampler.exportAll(Sampler.alwaysOff());

    assertThat(decision(sampler, Attributes.of(OPERATION, "execute_tool"))).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    assertThat(decision(sampler, Attributes.of(TASK_NAME, "triage"))).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    assertThat(decision(sampler, Attributes.of(AttributeKey.stringKey("http.method"), "GET")))
        .isEqualTo(SamplingDecision.DROP);
    assertThat(decision(CostAwareSampler.exportAll(Sampler.alwaysOn()), Attributes.empty()))
        .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
  }

  @Test
  void shouldSample_wrap_recordsOnlyTheGenAiSpansTheDelegateDrops() {
    CostAwareSampler dropping = CostAwareSampler.wrap(Sampler.alwaysOff());
    CostAwareSampler keeping = CostAwareSampler.wrap(Sampler.alwaysOn());

    assertThat(decision(dropping, Attributes.of(OPERATION, "chat"))).isEqualTo(SamplingDecision.RECORD_ONLY);
    assertThat(decision(dropping, Attributes.of(TASK_NAME, "triage"))).isEqualTo(SamplingDecision.RECORD_ONLY);
    assertThat(decision(dropping, Attributes.of(AttributeKey.stringKey("http.method"), "GET")))
        .isEqualTo(SamplingDecision.DROP);
    assertThat(decision(keeping, Attributes.of(OPERATION, "chat"))).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    assertThat(decision(keeping, Attributes.empty())).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
  }

  @ParameterizedTest
  @MethodSource("droppingSamplers")
  void wrap_everyLockNSpanIsRecordedButNotExported_plainSpanDropped(Sampler delegate) {
    setUpWith(CostAwareSampler.wrap(delegate));

    lockn.workflow("support").run(() -> lockn.agent("bot").run(() -> lockn.task("triage").run(() -> {
      lockn.tool("lookup").run(() -> {});
      lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {});
      lockn.embeddings(GenAiProvider.OPENAI, "text-embedding-3-small").run(() -> {});
    })));
    plainTracer.spanBuilder("plain").startSpan().end();

    assertThat(exporter.getFinishedSpanItems()).isEmpty();
    assertThat(recorded)
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder("invoke_workflow support", "invoke_agent bot", "task triage",
            "execute_tool lookup", "chat gpt-4o", "embeddings text-embedding-3-small");
    assertThat(recorded).allSatisfy(s -> assertThat(s.getSpanContext().isSampled()).as(s.getName()).isFalse());
  }

  @Test
  void wrap_underSampledParent_genAiSpansAreExportedWithTheirTrace() {
    setUpWith(CostAwareSampler.wrap(Sampler.parentBased(Sampler.alwaysOn())));

    Span request = plainTracer.spanBuilder("http request").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> plainTracer.spanBuilder("http POST").startSpan().end());
    } finally {
      request.end();
    }

    assertThat(exporter.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder("http request", "chat gpt-4o", "http POST");
  }

  @Test
  void wrap_underUnsampledParent_chatIsRecordedNotExported_andItsPlainChildIsDropped() {
    setUpWith(CostAwareSampler.wrap(Sampler.parentBased(Sampler.alwaysOff())));

    Span request = plainTracer.spanBuilder("http request").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> plainTracer.spanBuilder("http POST").startSpan().end());
    } finally {
      request.end();
    }

    // No fragment of the unsampled trace is exported; the chat span was recorded for the span processors.
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
    assertThat(recorded).extracting(SpanData::getName).containsExactly("chat gpt-4o");
    SpanData chat = recorded.get(0);
    assertThat(chat.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
    assertThat(chat.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
  }

  @Test
  void getDescription_wrap_namesTheDelegate() {
    Sampler delegate = Sampler.parentBased(Sampler.alwaysOff());

    assertThat(CostAwareSampler.wrap(delegate).getDescription())
        .isEqualTo("CostAwareSampler{" + delegate.getDescription() + "}");
    assertThat(CostAwareSampler.exportAll(delegate).getDescription())
        .isEqualTo("CostAwareSampler.exportAll{" + delegate.getDescription() + "}");
  }

  @Test
  void wrap_rejectsNullDelegate() {
    assertThatThrownBy(() -> CostAwareSampler.wrap(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> CostAwareSampler.exportAll(null)).isInstanceOf(NullPointerException.class);
  }

  private static SamplingDecision decision(Sampler sampler, Attributes attributes) {
    return sampler
        .shouldSample(Context.root(), TRACE_ID, "span", SpanKind.INTERNAL, attributes, List.of())
        .getDecision();
  }
}
