package io.lockn.core;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.core.CallCost;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.CallAdmission;
import io.lockn.core.spi.CallRequest;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How model calls consult the configured {@link CallAdmission}: blocks, throttles, failures and settlement. */
class CallAdmissionTest {

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private OpenTelemetrySdk otel;

  @BeforeEach
  void setUp() {
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
            .build();
  }

  @AfterEach
  void tearDown() {
    otel.close();
    org.assertj.core.api.Assertions.assertThat(Context.current()).isSameAs(Context.root());
  }

  private LockN lockn(CallAdmission admission) {
    return LockN.builder().setOpenTelemetry(otel).setCallAdmission(admission).build();
  }

  private static BudgetExceededException blocked() {
    return new BudgetExceededException(
        "monthly", "app.tenant_id=acme", BudgetExceededException.Unit.NANO_USD, 100_000_000_000L, 99_500_000_000L,
        800_000_000L);
  }

  @Test
  void supply_blocked_rethrowsSameInstanceBeforeBodyRunsAndRecordsOnSpan() {
    BudgetExceededException ex = blocked();
    LockN lockn = lockn(request -> {
      throw ex;
    });
    AtomicBoolean ran = new AtomicBoolean();

    assertThatThrownBy(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o").supply(() -> ran.getAndSet(true)))
        .isSameAs(ex);

    org.assertj.core.api.Assertions.assertThat(ran).isFalse();
    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertThat(span)
        .hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
        .hasAttribute(GenAiAttributes.ERROR_TYPE, LockNAttributes.ERROR_TYPE_BUDGET_EXCEEDED)
        .hasEventsSatisfyingExactly(
            e -> e.hasName(LockNAttributes.BUDGET_EXCEEDED_EVENT)
                .hasAttributesSatisfyingExactly(
                    equalTo(LockNAttributes.BUDGET_NAME, "monthly"),
                    equalTo(LockNAttributes.BUDGET_SCOPE, "app.tenant_id=acme"),
                    equalTo(LockNAttributes.BUDGET_UNIT, "nano_usd"),
                    equalTo(LockNAttributes.BUDGET_LIMIT, 100_000_000_000L),
                    equalTo(LockNAttributes.BUDGET_SPENT, 99_500_000_000L),
                    equalTo(LockNAttributes.BUDGET_REQUESTED, 800_000_000L)));
    org.assertj.core.api.Assertions.assertThat(ex.getMessage())
        .contains("monthly", "app.tenant_id=acme", "$100", "$99.5", "$0.8");
  }

  @Test
  void unenforced_blocked_recordsTheBlockAndTheCallGoesOn() {
    LockN lockn = lockn(request -> {
      throw blocked();
    });

    try (LlmCall call = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").unenforced().startDetached()) {
      call.recordUsage(TokenUsage.of(10, 2));
    }

    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertThat(span)
        .hasStatusSatisfying(s -> s.hasCode(StatusCode.UNSET))
        .hasAttribute(LockNAttributes.BUDGET_ENFORCED, false)
        .hasAttribute(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, 10L)
        .hasEventsSatisfyingExactly(e -> e.hasName(LockNAttributes.BUDGET_EXCEEDED_EVENT)
            .hasAttributesSatisfying(equalTo(LockNAttributes.BUDGET_NAME, "monthly")));
    org.assertj.core.api.Assertions.assertThat(span.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isNull();
  }

  @Test
  void admittedElsewhere_neverAsksThePolicy() {
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    LockN lockn = lockn(request -> {
      asked.incrementAndGet();
      throw blocked();
    });

    String answer = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").admittedElsewhere().supply(() -> "ok");

    org.assertj.core.api.Assertions.assertThat(answer).isEqualTo("ok");
    org.assertj.core.api.Assertions.assertThat(asked).hasValue(0);
    assertThat(exporter.getFinishedSpanItems().get(0)).hasStatusSatisfying(s -> s.hasCode(StatusCode.UNSET));
  }

  @Test
  void everyTerminal_blocked_throwsSameInstanceAndNeverRunsBody() throws Exception {
    BudgetExceededException ex = blocked();
    LockN lockn = lockn(request -> {
      throw ex;
    });
    AtomicInteger ran = new AtomicInteger();
    LlmCallSpec spec = lockn.chat(GenAiProvider.OPENAI, "gpt-4o");

    assertThatThrownBy(spec::start).isSameAs(ex);
    assertThatThrownBy(spec::startDetached).isSameAs(ex);
    assertThatThrownBy(() -> spec.run(ran::incrementAndGet)).isSameAs(ex);
    assertThatThrownBy(() -> spec.call(ran::incrementAndGet)).isSameAs(ex);
    assertThatThrownBy(() -> spec.decorateSupplier(ran::incrementAndGet).get()).isSameAs(ex);
    assertThatThrownBy(() -> spec.callAsync(() -> {
      ran.incrementAndGet();
      return java.util.concurrent.CompletableFuture.completedFuture(1);
    })).isSameAs(ex);

    org.assertj.core.api.Assertions.assertThat(ran).hasValue(0);
    org.assertj.core.api.Assertions.assertThat(exporter.getFinishedSpanItems()).hasSize(6);
  }

  @Test
  void noopLockN_ignoresAdmissionSettersAndRunsBody() {
    LockN noop = LockN.noop();
    org.assertj.core.api.Assertions.assertThat(
            noop.chat("openai", "gpt-4o").estimatedInputTokens(10).supply(() -> noop.currentLlmCall().admittedModel()))
        .isEmpty();
  }

  @Test
  void admit_throwsOtherException_callAdmittedUnchanged() {
    LockN lockn = lockn(request -> {
      throw new IllegalStateException("ledger down");
    });

    String result = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").supply(() -> lockn.currentLlmCall().admittedModel());

    org.assertj.core.api.Assertions.assertThat(result).isEqualTo("gpt-4o");
    assertThat(exporter.getFinishedSpanItems().get(0)).hasStatusSatisfying(s -> s.hasCode(StatusCode.UNSET));
  }

  @Test
  void admit_returnsNull_callAdmitted() {
    LockN lockn = lockn(request -> null);
    org.assertj.core.api.Assertions.assertThat(
            lockn.chat(GenAiProvider.OPENAI, "gpt-4o").supply(() -> lockn.currentLlmCall().admittedModel()))
        .isEqualTo("gpt-4o");
  }

  @Test
  void admit_seesRequest() {
    RecordingAdmission admission = new RecordingAdmission("gpt-4o");
    List<CallRequest> requests = new CopyOnWriteArrayList<>();
    LockN lockn = lockn(request -> {
      requests.add(request);
      return admission;
    });

    try (Scope ignored = Baggage.builder().put("app.tenant_id", "acme").build().makeCurrent()) {
      lockn.agent("support-bot").task("triage").run(() ->
          lockn.chat(GenAiProvider.OPENAI, "gpt-4o").maxTokens(512).estimatedInputTokens(1200).run(() -> {}));
    }

    CallRequest r = requests.get(0);
    org.assertj.core.api.Assertions.assertThat(r.provider()).isEqualTo("openai");
    org.assertj.core.api.Assertions.assertThat(r.requestModel()).isEqualTo("gpt-4o");
    org.assertj.core.api.Assertions.assertThat(r.estimatedInputTokens()).isEqualTo(1200);
    org.assertj.core.api.Assertions.assertThat(r.maxOutputTokens()).isEqualTo(512);
    org.assertj.core.api.Assertions.assertThat(r.attribution()).isEqualTo(Map.of("app.tenant_id", "acme"));
    org.assertj.core.api.Assertions.assertThat(r.agentName()).isEqualTo("support-bot");
    org.assertj.core.api.Assertions.assertThat(r.taskName()).isEqualTo("triage");
    org.assertj.core.api.Assertions.assertThat(r.traceId())
        .isEqualTo(exporter.getFinishedSpanItems().get(0).getTraceId());
  }

  @Test
  void admit_unknownTokens_areZeroAndMinusOne() {
    List<CallRequest> requests = new CopyOnWriteArrayList<>();
    LockN lockn = lockn(request -> {
      requests.add(request);
      return Admission.allowed();
    });
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").estimatedInputTokens(-5).run(() -> {});
    org.assertj.core.api.Assertions.assertThat(requests.get(0).estimatedInputTokens()).isZero();
    org.assertj.core.api.Assertions.assertThat(requests.get(0).maxOutputTokens()).isEqualTo(-1);
  }

  @Test
  void throttled_admittedModelIsCheaperAndRecorded() {
    LockN lockn = lockn(request -> new RecordingAdmission("gpt-4o-mini"));

    String model = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").supply(() -> lockn.currentLlmCall().admittedModel());

    org.assertj.core.api.Assertions.assertThat(model).isEqualTo("gpt-4o-mini");
    assertThat(exporter.getFinishedSpanItems().get(0))
        .hasAttribute(LockNAttributes.BUDGET_ADMITTED_MODEL, "gpt-4o-mini")
        .hasAttribute(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o");
  }

  @Test
  void throttled_answeredByTheAdmittedModel_isNoSubstitution() {
    LockN lockn = lockn(request -> new RecordingAdmission("gpt-4o-mini"));

    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() ->
        lockn.currentLlmCall().responseModel("gpt-4o-mini-2024-07-18"));
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> lockn.currentLlmCall().responseModel("gpt-3.5-turbo"));

    List<SpanData> spans = exporter.getFinishedSpanItems();
    org.assertj.core.api.Assertions.assertThat(spans.get(0).getAttributes().get(LockNAttributes.MODEL_SUBSTITUTED))
        .isNull();
    assertThat(spans.get(1)).hasAttribute(LockNAttributes.MODEL_SUBSTITUTED, true);
  }

  @Test
  void success_completesOnceWithRecordedUsage() {
    RecordingAdmission admission = new RecordingAdmission("gpt-4o");
    LockN lockn = lockn(request -> admission);
    TokenUsage usage = TokenUsage.of(100, 20);

    LlmCall call = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").start();
    call.recordUsage(usage);
    call.close();
    call.close();

    org.assertj.core.api.Assertions.assertThat(admission.completed).containsExactly(usage);
    org.assertj.core.api.Assertions.assertThat(admission.released).hasValue(0);
  }

  @Test
  void success_withoutUsage_completesWithEmpty() {
    RecordingAdmission admission = new RecordingAdmission("gpt-4o");
    LockN lockn = lockn(request -> admission);

    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {});

    org.assertj.core.api.Assertions.assertThat(admission.completed).containsExactly(TokenUsage.EMPTY);
  }

  @Test
  void failure_withoutUsage_releasesOnceAndRethrowsHostException() {
    RecordingAdmission admission = new RecordingAdmission("gpt-4o");
    LockN lockn = lockn(request -> admission);
    RuntimeException boom = new RuntimeException("provider down");

    assertThatThrownBy(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {
      throw boom;
    })).isSameAs(boom);

    org.assertj.core.api.Assertions.assertThat(admission.completed).isEmpty();
    org.assertj.core.api.Assertions.assertThat(admission.released).hasValue(1);
  }

  @Test
  void failure_withUsage_isChargedWhatItUsed_andRethrowsHostException() {
    // A call that failed after the provider billed tokens (a stream cut short, a content filter): its span carries
    // the cost, so the budget is charged the same, not released.
    RecordingAdmission admission = new RecordingAdmission("gpt-4o");
    LockN lockn = lockn(request -> admission);
    RuntimeException boom = new RuntimeException("stream cut");

    assertThatThrownBy(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {
      lockn.currentLlmCall().recordUsage(TokenUsage.of(5, 0));
      throw boom;
    })).isSameAs(boom);

    org.assertj.core.api.Assertions.assertThat(admission.completed).containsExactly(TokenUsage.of(5, 0));
    org.assertj.core.api.Assertions.assertThat(admission.released).hasValue(0);
  }

  @Test
  void settleThrows_hostUnaffectedAndSpanEnded() {
    Admission broken = new Admission() {
      @Override
      public String model() {
        throw new IllegalStateException("model");
      }

      @Override
      public void complete(io.lockn.core.spi.EndedCall call, CallCost cost) {
        TokenUsage usage = call.usage();
        throw new IllegalStateException("complete");
      }

      @Override
      public void release() {
        throw new IllegalStateException("release");
      }
    };
    LockN lockn = lockn(request -> broken);

    org.assertj.core.api.Assertions.assertThat(
            lockn.chat(GenAiProvider.OPENAI, "gpt-4o").supply(() -> lockn.currentLlmCall().admittedModel()))
        .isEqualTo("gpt-4o");
    org.assertj.core.api.Assertions.assertThat(exporter.getFinishedSpanItems()).hasSize(1);
  }

  @Test
  void admissionAttributesAndEvents_areRecordedOnSpan() {
    io.opentelemetry.api.common.AttributeKey<String> decision =
        io.opentelemetry.api.common.AttributeKey.stringKey("lockn.budget.approval.decision");
    LockN lockn = lockn(request -> new RecordingAdmission("gpt-4o") {
      @Override
      public io.opentelemetry.api.common.Attributes spanAttributes() {
        return io.opentelemetry.api.common.Attributes.of(decision, "approved");
      }

      @Override
      public List<io.lockn.core.spi.AdmissionEvent> spanEvents() {
        return List.of(new io.lockn.core.spi.AdmissionEvent(
            "lockn.budget.alert", io.opentelemetry.api.common.Attributes.of(LockNAttributes.BUDGET_NAME, "m")));
      }
    });

    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {});

    assertThat(exporter.getFinishedSpanItems().get(0))
        .hasAttribute(decision, "approved")
        .hasEventsSatisfyingExactly(e -> e.hasName("lockn.budget.alert")
            .hasAttributesSatisfyingExactly(equalTo(LockNAttributes.BUDGET_NAME, "m")));
  }

  @Test
  void admissionAttributesThrow_callUnaffected() {
    LockN lockn = lockn(request -> new RecordingAdmission("gpt-4o") {
      @Override
      public io.opentelemetry.api.common.Attributes spanAttributes() {
        throw new IllegalStateException("attributes");
      }
    });

    org.assertj.core.api.Assertions.assertThat(lockn.chat(GenAiProvider.OPENAI, "gpt-4o").supply(() -> "ok"))
        .isEqualTo("ok");
    org.assertj.core.api.Assertions.assertThat(exporter.getFinishedSpanItems()).hasSize(1);
  }

  @Test
  void blockedSubclass_spanAttributesRecorded() {
    io.opentelemetry.api.common.AttributeKey<String> decision =
        io.opentelemetry.api.common.AttributeKey.stringKey("lockn.budget.approval.decision");
    BudgetExceededException ex = new BudgetExceededException(
        "approval", "global", BudgetExceededException.Unit.NANO_USD, 1, 0, 2) {
      @Override
      public io.opentelemetry.api.common.Attributes spanAttributes() {
        return io.opentelemetry.api.common.Attributes.of(decision, "denied");
      }
    };
    LockN lockn = lockn(request -> {
      throw ex;
    });

    assertThatThrownBy(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {})).isSameAs(ex);
    assertThat(exporter.getFinishedSpanItems().get(0))
        .hasAttribute(decision, "denied")
        .hasAttribute(GenAiAttributes.ERROR_TYPE, LockNAttributes.ERROR_TYPE_BUDGET_EXCEEDED);
  }

  @Test
  void complete_receivesTheEndedCall_withResponseModelAndUsage() {
    List<String> responseModels = new CopyOnWriteArrayList<>();
    RecordingAdmission admission = new RecordingAdmission("gpt-4") {
      @Override
      public void complete(io.lockn.core.spi.EndedCall call, CallCost cost) {
        responseModels.add(String.valueOf(call.responseModel()));
        super.complete(call, cost);
      }
    };
    LockN lockn = lockn(request -> admission);

    lockn.chat(GenAiProvider.OPENAI, "gpt-4").run(() -> {
      lockn.currentLlmCall().responseModel("gpt-3.5-turbo-0125");
      lockn.currentLlmCall().recordUsage(TokenUsage.of(5, 2));
    });
    lockn.chat(GenAiProvider.OPENAI, "gpt-4").run(() -> {});

    org.assertj.core.api.Assertions.assertThat(responseModels).containsExactly("gpt-3.5-turbo-0125", "null");
    org.assertj.core.api.Assertions.assertThat(admission.completed).containsExactly(TokenUsage.of(5, 2),
        TokenUsage.EMPTY);
  }

  /** Counts how it was settled. */
  static class RecordingAdmission implements Admission {
    final String model;
    final List<TokenUsage> completed = new CopyOnWriteArrayList<>();
    final AtomicInteger released = new AtomicInteger();

    RecordingAdmission(String model) {
      this.model = model;
    }

    @Override
    public String model() {
      return model;
    }

    @Override
    public void complete(io.lockn.core.spi.EndedCall call, CallCost cost) {
        TokenUsage usage = call.usage();
      completed.add(usage);
    }

    @Override
    public void release() {
      released.incrementAndGet();
    }
  }
}
