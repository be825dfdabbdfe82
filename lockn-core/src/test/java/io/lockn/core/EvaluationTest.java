package io.lockn.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@code gen_ai.evaluation.result} event, from a running or ended call and from a stored span context. */
class EvaluationTest {

  private static final AttributeKey<String> EVALUATION_NAME = AttributeKey.stringKey("gen_ai.evaluation.name");
  private static final AttributeKey<Double> SCORE_VALUE = AttributeKey.doubleKey("gen_ai.evaluation.score.value");
  private static final AttributeKey<String> SCORE_LABEL = AttributeKey.stringKey("gen_ai.evaluation.score.label");
  private static final AttributeKey<String> EXPLANATION = AttributeKey.stringKey("gen_ai.evaluation.explanation");
  private static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");

  private InMemorySpanExporter spans;
  private InMemoryLogRecordExporter logs;
  private OpenTelemetrySdk otel;
  private LockN lockn;

  @BeforeEach
  void setUp() {
    spans = InMemorySpanExporter.create();
    logs = InMemoryLogRecordExporter.create();
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setLoggerProvider(
                SdkLoggerProvider.builder().addLogRecordProcessor(SimpleLogRecordProcessor.create(logs)).build())
            .build();
    lockn = LockN.builder().setOpenTelemetry(otel).build();
  }

  @AfterEach
  void tearDown() {
    otel.close();
  }

  @Test
  void llmCallRecordEvaluation_afterTheCallEnded_emitsEventOnTheCallSpan() {
    LlmCall call = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").start();
    call.responseId("chatcmpl-123");
    call.close();
    assertThat(spans.getFinishedSpanItems()).hasSize(1);
    assertThat(logs.getFinishedLogRecordItems()).isEmpty();

    LlmCall returned = call.recordEvaluation(EvaluationResult.score("relevance", 0.8));

    assertThat(returned).isSameAs(call);
    LogRecordData event = singleEvent();
    assertThat(event.getEventName()).isEqualTo("gen_ai.evaluation.result");
    assertThat(event.getInstrumentationScopeInfo().getName()).isEqualTo("io.lockn.core");
    assertThat(event.getAttributes())
        .isEqualTo(
            Attributes.of(EVALUATION_NAME, "relevance", SCORE_VALUE, 0.8, RESPONSE_ID, "chatcmpl-123"));
    assertThat(event.getSpanContext()).isEqualTo(span("chat gpt-4o").getSpanContext());
  }

  @Test
  void llmCallRecordEvaluation_whileTheCallRuns_emitsEventOnTheCallSpan() {
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o")
        .run(() -> lockn.currentLlmCall()
            .responseId("chatcmpl-9")
            .recordEvaluation(EvaluationResult.label("toxicity", "non_toxic")));

    LogRecordData event = singleEvent();
    assertThat(event.getEventName()).isEqualTo("gen_ai.evaluation.result");
    assertThat(event.getAttributes())
        .isEqualTo(Attributes.of(EVALUATION_NAME, "toxicity", SCORE_LABEL, "non_toxic", RESPONSE_ID, "chatcmpl-9"));
    assertThat(event.getSpanContext()).isEqualTo(span("chat gpt-4o").getSpanContext());
  }

  @Test
  void lockNRecordEvaluation_withStoredSpanContext_emitsLabelEvent() {
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> lockn.currentLlmCall().responseId("resp-1"));
    SpanContext stored = span("chat gpt-4o").getSpanContext();

    lockn.recordEvaluation(stored, "resp-1", EvaluationResult.label("user_feedback", "thumbs_up"));

    LogRecordData event = singleEvent();
    assertThat(event.getEventName()).isEqualTo("gen_ai.evaluation.result");
    assertThat(event.getAttributes())
        .isEqualTo(Attributes.of(EVALUATION_NAME, "user_feedback", SCORE_LABEL, "thumbs_up", RESPONSE_ID, "resp-1"));
    assertThat(event.getSpanContext()).isEqualTo(stored);
  }

  @Test
  void lockNRecordEvaluation_withAllFieldsAndNoResponseId_emitsEveryField() {
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {});
    SpanContext stored = span("chat gpt-4o").getSpanContext();

    lockn.recordEvaluation(
        stored, null, new EvaluationResult("faithfulness", 0.25, "unfaithful", "cites a source that does not exist"));

    LogRecordData event = singleEvent();
    assertThat(event.getAttributes())
        .isEqualTo(
            Attributes.builder()
                .put(EVALUATION_NAME, "faithfulness")
                .put(SCORE_VALUE, 0.25)
                .put(SCORE_LABEL, "unfaithful")
                .put(EXPLANATION, "cites a source that does not exist")
                .build());
    assertThat(event.getSpanContext()).isEqualTo(stored);
  }

  @Test
  void recordEvaluation_underAnotherCurrentSpan_staysOnTheEvaluatedCall() {
    LlmCall call = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").start();
    call.close();

    // An LLM judge runs later, in its own agent span; the event still belongs to the judged call.
    lockn.agent("judge").run(() -> call.recordEvaluation(EvaluationResult.score("relevance", 1.0)));

    SpanContext judged = span("chat gpt-4o").getSpanContext();
    SpanContext judge = span("invoke_agent judge").getSpanContext();
    assertThat(judged.getSpanId()).isNotEqualTo(judge.getSpanId());
    assertThat(singleEvent().getSpanContext()).isEqualTo(judged);
  }

  @Test
  void recordEvaluation_twice_emitsTwoEvents() {
    LlmCall call = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").start();
    call.close();

    call.recordEvaluation(EvaluationResult.score("relevance", 0.8))
        .recordEvaluation(EvaluationResult.label("user_feedback", "thumbs_down"));

    List<LogRecordData> events = logs.getFinishedLogRecordItems();
    assertThat(events).extracting(e -> e.getAttributes().get(EVALUATION_NAME))
        .containsExactly("relevance", "user_feedback");
    assertThat(events).extracting(LogRecordData::getEventName)
        .containsOnly("gen_ai.evaluation.result");
  }

  private LogRecordData singleEvent() {
    List<LogRecordData> items = logs.getFinishedLogRecordItems();
    assertThat(items).hasSize(1);
    return items.get(0);
  }

  private SpanData span(String name) {
    List<SpanData> found = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(found).as("spans named " + name).hasSize(1);
    return found.get(0);
  }
}
