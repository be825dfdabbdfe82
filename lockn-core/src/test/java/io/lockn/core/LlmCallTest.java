package io.lockn.core;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a model call records: usage in both semconv profiles, response data, retries, fallbacks, caches. */
class LlmCallTest {

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final RecordingListener listener = new RecordingListener();
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
  }

  private LockN lockn(SemconvProfile profile) {
    return LockN.builder().setOpenTelemetry(otel).setSemconvProfile(profile).addListener(listener).build();
  }

  private LockN lockn() {
    return lockn(SemconvProfile.V1_41);
  }

  /** Every part distinct, so a sum that drops or double counts a part shows. */
  private static TokenUsage allParts() {
    return TokenUsage.builder()
        .uncachedInputTokens(100)
        .cacheReadTokens(30)
        .cacheWrite5mTokens(20)
        .cacheWrite1hTokens(5)
        .nonReasoningOutputTokens(40)
        .reasoningTokens(7)
        .build();
  }

  // ---- usage in both profiles ----

  @Test
  void recordUsage_v141_emitsInclusiveTotalsAndCacheCreation() {
    LockN lockn = lockn(SemconvProfile.V1_41);
    lockn.chat(GenAiProvider.ANTHROPIC, "claude-sonnet-4")
        .run(() -> lockn.currentLlmCall().recordUsage(allParts()));

    assertThat(span("chat claude-sonnet-4"))
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat"),
            equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "anthropic"),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "claude-sonnet-4"),
            equalTo(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, 155L),
            equalTo(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, 47L),
            equalTo(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 30L),
            equalTo(GenAiAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, 25L),
            equalTo(LockNAttributes.USAGE_CACHE_WRITE_1H_INPUT_TOKENS, 5L),
            equalTo(GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, 7L),
            equalTo(LockNAttributes.CACHE_HIT, true),
            equalTo(LockNAttributes.CACHE_TYPE, "provider"));
  }

  @Test
  void recordUsage_latestExperimental_emitsCacheWriteInsteadOfCacheCreation() {
    LockN lockn = lockn(SemconvProfile.LATEST_EXPERIMENTAL);
    lockn.chat(GenAiProvider.ANTHROPIC, "claude-sonnet-4")
        .run(() -> lockn.currentLlmCall().recordUsage(allParts()));

    assertThat(span("chat claude-sonnet-4"))
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat"),
            equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "anthropic"),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "claude-sonnet-4"),
            equalTo(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, 155L),
            equalTo(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, 47L),
            equalTo(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 30L),
            equalTo(GenAiAttributes.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS, 25L),
            equalTo(LockNAttributes.USAGE_CACHE_WRITE_1H_INPUT_TOKENS, 5L),
            equalTo(GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, 7L),
            equalTo(LockNAttributes.CACHE_HIT, true),
            equalTo(LockNAttributes.CACHE_TYPE, "provider"));
  }

  @Test
  void recordUsage_openAiConvention_inputIncludesCachedAndOutputIncludesReasoning() {
    LockN lockn = lockn();
    lockn.chat(GenAiProvider.OPENAI, "o3-mini")
        .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(1000, 200, 300, 120)));

    assertThat(span("chat o3-mini"))
        .hasAttribute(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, 1000L)
        .hasAttribute(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 200L)
        .hasAttribute(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, 300L)
        .hasAttribute(GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, 120L);
  }

  @Test
  void recordUsage_anthropicConvention_inputAddsCacheReadAndCreation() {
    LockN lockn = lockn();
    lockn.chat(GenAiProvider.ANTHROPIC, "claude-3-5-sonnet")
        .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.fromAnthropic(100, 800, 50, 40)));

    assertThat(span("chat claude-3-5-sonnet"))
        .hasAttribute(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, 950L)
        .hasAttribute(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 800L)
        .hasAttribute(GenAiAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, 50L)
        .hasAttribute(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, 40L);
  }

  @Test
  void recordUsage_withoutCacheOrReasoning_emitsOnlyInputAndOutput() {
    LockN lockn = lockn();
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(10, 5)));

    assertThat(span("chat gpt-4o"))
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat"),
            equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai"),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o"),
            equalTo(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, 10L),
            equalTo(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, 5L));
  }

  @Test
  void recordUsage_calledTwice_lastUsageWins() {
    LockN lockn = lockn();
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {
      LlmCall call = lockn.currentLlmCall();
      call.recordUsage(TokenUsage.of(10, 5));
      call.recordUsage(TokenUsage.of(10, 5).plus(TokenUsage.of(3, 2)));
      assertThat(call.usage()).isEqualTo(TokenUsage.of(13, 7));
    });

    assertThat(span("chat gpt-4o"))
        .hasAttribute(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, 13L)
        .hasAttribute(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, 7L);
  }

  // ---- response data ----

  @Test
  void response_setsModelIdAndFinishReasons() {
    LockN lockn = lockn();
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {
      LlmCall call = lockn.currentLlmCall()
          .responseModel("gpt-4o-2024-08-06")
          .responseId("chatcmpl-123")
          .finishReasons(List.of("stop", "length"));
      assertThat(call.responseModel()).isEqualTo("gpt-4o-2024-08-06");
      assertThat(call.requestModel()).isEqualTo("gpt-4o");
    });

    assertThat(span("chat gpt-4o"))
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat"),
            equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai"),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o"),
            equalTo(GenAiAttributes.GEN_AI_RESPONSE_MODEL, "gpt-4o-2024-08-06"),
            equalTo(GenAiAttributes.GEN_AI_RESPONSE_ID, "chatcmpl-123"),
            equalTo(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS, List.of("stop", "length")));
  }

  @Test
  void finishReason_single_isRecordedAsOneElementArray() {
    LockN lockn = lockn();
    lockn.chat(GenAiProvider.ANTHROPIC, "claude-3-5-haiku")
        .run(() -> lockn.currentLlmCall().finishReason("end_turn"));

    assertThat(span("chat claude-3-5-haiku"))
        .hasAttribute(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS, List.of("end_turn"));
  }

  // ---- retries and fallbacks ----

  @Test
  void retryOf_setsAttemptAndFirstSpanId() {
    LockN lockn = lockn();
    LlmCall[] attempts = new LlmCall[3];
    lockn.agent("bot").run(() -> {
      attempts[0] = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").start();
      attempts[0].recordError("429");
      attempts[0].close();
      attempts[1] = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").retryOf(attempts[0]).start();
      attempts[1].recordError("429");
      attempts[1].close();
      attempts[2] = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").retryOf(attempts[1]).start();
      attempts[2].close();
    });

    assertThat(attempts).extracting(LlmCall::attempt).containsExactly(1, 2, 3);
    List<SpanData> calls = spans("chat gpt-4o");
    assertThat(calls).hasSize(3);
    String firstSpanId = attempts[0].span().getSpanContext().getSpanId();
    assertThat(calls).extracting(SpanData::getSpanId).doesNotHaveDuplicates().containsExactly(
        firstSpanId,
        attempts[1].span().getSpanContext().getSpanId(),
        attempts[2].span().getSpanContext().getSpanId());
    SpanData agent = span("invoke_agent bot");
    assertThat(calls).allSatisfy(c -> assertThat(c).hasParent(agent));

    assertThat(calls.get(0)).hasStatus(StatusData.error()).hasAttribute(GenAiAttributes.ERROR_TYPE, "429");
    assertThat(calls.get(0).getAttributes().get(LockNAttributes.RETRY_FIRST_SPAN_ID)).isNull();
    assertThat(calls.get(1))
        .hasStatus(StatusData.error())
        .hasAttribute(GenAiAttributes.ERROR_TYPE, "429")
        .hasAttribute(LockNAttributes.RETRY_ATTEMPT, 2L)
        .hasAttribute(LockNAttributes.RETRY_FIRST_SPAN_ID, firstSpanId);
    assertThat(calls.get(2))
        .hasStatus(StatusData.unset())
        .hasAttribute(LockNAttributes.RETRY_ATTEMPT, 3L)
        .hasAttribute(LockNAttributes.RETRY_FIRST_SPAN_ID, firstSpanId);
    assertThat(calls.get(2).getAttributes().get(GenAiAttributes.ERROR_TYPE)).isNull();
  }

  @Test
  void fallbackFrom_setsDepthAndFromModel() {
    LockN lockn = lockn();
    LlmCall[] calls = new LlmCall[3];
    calls[0] = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").start();
    calls[0].recordError("503");
    calls[0].close();
    calls[1] = lockn.chat(GenAiProvider.OPENAI, "gpt-4o-mini").fallbackFrom(calls[0]).start();
    calls[1].recordError("timeout");
    calls[1].close();
    calls[2] = lockn.chat(GenAiProvider.ANTHROPIC, "claude-3-5-haiku").fallbackFrom(calls[1]).start();
    calls[2].close();

    assertThat(calls).extracting(LlmCall::fallbackDepth).containsExactly(0, 1, 2);
    assertThat(exporter.getFinishedSpanItems()).hasSize(3);
    SpanData first = span("chat gpt-4o");
    assertThat(first).hasStatus(StatusData.error()).hasAttribute(GenAiAttributes.ERROR_TYPE, "503");
    assertThat(first.getAttributes().get(LockNAttributes.FALLBACK_DEPTH)).isNull();
    assertThat(first.getAttributes().get(LockNAttributes.FALLBACK_FROM_MODEL)).isNull();
    assertThat(span("chat gpt-4o-mini"))
        .hasStatus(StatusData.error())
        .hasAttribute(GenAiAttributes.ERROR_TYPE, "timeout")
        .hasAttribute(LockNAttributes.FALLBACK_DEPTH, 1L)
        .hasAttribute(LockNAttributes.FALLBACK_FROM_MODEL, "gpt-4o");
    assertThat(span("chat claude-3-5-haiku"))
        .hasStatus(StatusData.unset())
        .hasAttribute(GenAiAttributes.GEN_AI_PROVIDER_NAME, "anthropic")
        .hasAttribute(LockNAttributes.FALLBACK_DEPTH, 2L)
        .hasAttribute(LockNAttributes.FALLBACK_FROM_MODEL, "gpt-4o-mini");
  }

  // ---- caches ----

  @Test
  void recordUsage_withCacheReadTokens_autoDetectsProviderCacheHit() {
    LockN lockn = lockn();
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o")
        .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(2000, 1536, 10, 0)));
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o-mini")
        .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(2000, 0, 10, 0)));

    assertThat(span("chat gpt-4o"))
        .hasAttribute(LockNAttributes.CACHE_HIT, true)
        .hasAttribute(LockNAttributes.CACHE_TYPE, "provider");
    SpanData uncached = span("chat gpt-4o-mini");
    assertThat(uncached.getAttributes().get(LockNAttributes.CACHE_HIT)).isNull();
    assertThat(uncached.getAttributes().get(LockNAttributes.CACHE_TYPE)).isNull();
    assertThat(listener.ended).extracting(LlmCallRecord::cacheType).containsExactly(CacheType.PROVIDER, null);
  }

  @Test
  void cacheHit_semantic_isRecordedAndWinsOverProviderDetection() {
    LockN lockn = lockn();
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> lockn.currentLlmCall().cacheHit(CacheType.SEMANTIC));
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o-mini").run(() -> lockn.currentLlmCall()
        .cacheHit(CacheType.SEMANTIC)
        .recordUsage(TokenUsage.fromOpenAi(100, 50, 1, 0)));

    assertThat(span("chat gpt-4o"))
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat"),
            equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai"),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o"),
            equalTo(LockNAttributes.CACHE_HIT, true),
            equalTo(LockNAttributes.CACHE_TYPE, "semantic"));
    assertThat(span("chat gpt-4o-mini"))
        .hasAttribute(LockNAttributes.CACHE_HIT, true)
        .hasAttribute(LockNAttributes.CACHE_TYPE, "semantic");
    assertThat(listener.ended).extracting(LlmCallRecord::cacheType)
        .containsExactly(CacheType.SEMANTIC, CacheType.SEMANTIC);
  }

  @Test
  void promptKey_inputDropsBelowHalfOfExpectation_infersCacheHit() {
    LockN lockn = lockn();
    long[] inputs = {1000, 1000, 400};
    for (long input : inputs) {
      lockn.chat(GenAiProvider.OPENAI, "gpt-4o").promptKey("system-prompt-v1")
          .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(input, 10)));
    }

    List<SpanData> calls = spans("chat gpt-4o");
    assertThat(calls).hasSize(3);
    assertThat(calls.get(0).getAttributes().get(LockNAttributes.CACHE_HIT_INFERRED)).isNull();
    assertThat(calls.get(1).getAttributes().get(LockNAttributes.CACHE_HIT_INFERRED)).isNull();
    assertThat(calls.get(2)).hasAttribute(LockNAttributes.CACHE_HIT_INFERRED, true);
  }

  @Test
  void promptKey_dropNotBelowHalf_orOtherKey_doesNotInferCacheHit() {
    LockN lockn = lockn();
    for (long input : new long[] {1000, 1000, 600}) {
      lockn.chat(GenAiProvider.OPENAI, "gpt-4o").promptKey("key-a")
          .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(input, 10)));
    }
    // A new key has no expectation yet: a small first call is not a hit.
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").promptKey("key-b")
        .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(100, 10)));
    // Without a prompt key nothing is inferred.
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o")
        .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(1, 10)));

    assertThat(spans("chat gpt-4o")).hasSize(5)
        .allSatisfy(s -> assertThat(s.getAttributes().get(LockNAttributes.CACHE_HIT_INFERRED)).isNull());
  }

  @Test
  void promptKey_dropAfterOnlyOneObservation_doesNotInferCacheHit() {
    LockN lockn = lockn();
    for (long input : new long[] {1000, 100}) {
      lockn.chat(GenAiProvider.OPENAI, "gpt-4o").promptKey("young-key")
          .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(input, 10)));
    }

    assertThat(spans("chat gpt-4o")).hasSize(2)
        .allSatisfy(s -> assertThat(s.getAttributes().get(LockNAttributes.CACHE_HIT_INFERRED)).isNull());
  }

  @Test
  void promptKey_providerReportedCacheRead_isNotAlsoInferred() {
    LockN lockn = lockn();
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").promptKey("k")
        .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(1000, 0, 10, 0)));
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").promptKey("k")
        .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(1000, 0, 10, 0)));
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").promptKey("k")
        .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.builder()
            .uncachedInputTokens(100).cacheReadTokens(200).nonReasoningOutputTokens(10).build()));

    SpanData third = spans("chat gpt-4o").get(2);
    assertThat(third).hasAttribute(LockNAttributes.CACHE_TYPE, "provider");
    assertThat(third.getAttributes().get(LockNAttributes.CACHE_HIT_INFERRED)).isNull();
  }

  // ---- model substitution ----

  @Test
  void responseModel_otherFamily_flagsSubstitutionAndNotifiesListener() {
    LockN lockn = lockn();
    LlmCall[] call = new LlmCall[1];
    lockn.chat(GenAiProvider.OPENAI, "gpt-4").run(() -> {
      call[0] = lockn.currentLlmCall();
      call[0].responseModel("gpt-3.5-turbo");
    });

    assertThat(span("chat gpt-4"))
        .hasAttribute(GenAiAttributes.GEN_AI_RESPONSE_MODEL, "gpt-3.5-turbo")
        .hasAttribute(LockNAttributes.MODEL_SUBSTITUTED, true);
    assertThat(listener.substitutions)
        .containsExactly(new ModelSubstitution("openai", "gpt-4", "gpt-3.5-turbo", call[0].span().getSpanContext()));
  }

  @Test
  void responseModel_datedSnapshotOfSameModel_isNotSubstitution() {
    LockN lockn = lockn();
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> lockn.currentLlmCall().responseModel("gpt-4o-2024-08-06"));

    SpanData chat = span("chat gpt-4o");
    assertThat(chat).hasAttribute(GenAiAttributes.GEN_AI_RESPONSE_MODEL, "gpt-4o-2024-08-06");
    assertThat(chat.getAttributes().get(LockNAttributes.MODEL_SUBSTITUTED)).isNull();
    assertThat(listener.substitutions).isEmpty();
    assertThat(listener.ended).hasSize(1);
  }

  // ---- listener record ----

  @Test
  void onLlmCallEnded_recordHoldsUsageAttributionAgentTaskAndAttempt() {
    LockN lockn = lockn();
    long before = System.nanoTime();
    LlmCall[] calls = new LlmCall[2];
    lockn.attribution().tenant("acme").costCenter("cc-42").run(() ->
        lockn.task("triage").agent("support-bot").run(() -> {
          calls[0] = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").start();
          calls[0].recordError("429");
          calls[0].close();
          calls[1] = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").retryOf(calls[0]).start();
          calls[1].recordUsage(TokenUsage.fromOpenAi(1200, 1000, 80, 30)).responseModel("gpt-4o-2024-08-06");
          calls[1].close();
        }));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - before);

    assertThat(listener.ended).hasSize(2);
    LlmCallRecord failed = listener.ended.get(0);
    assertThat(failed.errorType()).isEqualTo("429");
    assertThat(failed.attempt()).isEqualTo(1);
    assertThat(failed.usage()).isSameAs(TokenUsage.EMPTY);
    assertThat(failed.responseModel()).isNull();
    assertThat(failed.cacheType()).isNull();
    assertThat(failed.spanContext()).isEqualTo(calls[0].span().getSpanContext());

    LlmCallRecord ok = listener.ended.get(1);
    assertThat(ok.operation()).isEqualTo(GenAiOperation.CHAT);
    assertThat(ok.provider()).isEqualTo("openai");
    assertThat(ok.requestModel()).isEqualTo("gpt-4o");
    assertThat(ok.responseModel()).isEqualTo("gpt-4o-2024-08-06");
    assertThat(ok.usage()).isEqualTo(TokenUsage.fromOpenAi(1200, 1000, 80, 30));
    assertThat(ok.errorType()).isNull();
    assertThat(ok.attribution()).containsExactly(
        Map.entry("app.tenant_id", "acme"), Map.entry("app.cost_center", "cc-42"));
    assertThat(ok.agentName()).isEqualTo("support-bot");
    assertThat(ok.taskName()).isEqualTo("triage");
    assertThat(ok.attempt()).isEqualTo(2);
    assertThat(ok.fallbackDepth()).isZero();
    assertThat(ok.cacheType()).isEqualTo(CacheType.PROVIDER);
    assertThat(ok.spanContext()).isEqualTo(calls[1].span().getSpanContext());
    assertThat(ok.spanContext().getSpanId()).isEqualTo(spans("chat gpt-4o").get(1).getSpanId());
    assertThat(ok.duration()).isPositive().isLessThanOrEqualTo(elapsed);
  }

  @Test
  void onLlmCallEnded_fallbackWithException_recordHasDepthAndErrorClass() {
    LockN lockn = lockn();
    LlmCall first = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").start();
    first.close();
    IllegalStateException failure = new IllegalStateException("down");
    try (LlmCall fallback = lockn.embeddings(GenAiProvider.OPENAI, "text-embedding-3-small")
        .fallbackFrom(first).start()) {
      fallback.recordException(failure);
    }

    LlmCallRecord record = listener.ended.get(1);
    assertThat(record.operation()).isEqualTo(GenAiOperation.EMBEDDINGS);
    assertThat(record.fallbackDepth()).isEqualTo(1);
    assertThat(record.attempt()).isEqualTo(1);
    assertThat(record.errorType()).isEqualTo("java.lang.IllegalStateException");
    assertThat(record.attribution()).isEmpty();
    assertThat(record.agentName()).isNull();
    assertThat(record.taskName()).isNull();
  }

  // ---- streaming, embeddings ----

  @Test
  void firstChunkReceived_setsTimeToFirstChunk_onlyFirstCallCounts() {
    LockN lockn = lockn();
    long before = System.nanoTime();
    long afterFirst;
    try (LlmCall call = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").stream(true).start()) {
      call.firstChunkReceived();
      afterFirst = System.nanoTime();
      // Let the clock move well past the bound below (a clock condition, not a timed sleep), so that a later call
      // that wrongly overwrote the first chunk time would show.
      long until = afterFirst + 2 * (afterFirst - before) + 1_000_000;
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      call.firstChunkReceived();
    }
    double bound = (afterFirst - before) / 1_000_000_000.0;

    Double ttfc = span("chat gpt-4o").getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK);
    assertThat(ttfc).isNotNull().isGreaterThan(0.0).isLessThanOrEqualTo(bound);
    assertThat(span("chat gpt-4o")).hasAttribute(GenAiAttributes.GEN_AI_REQUEST_STREAM, true);
  }

  @Test
  void firstChunkReceived_notCalled_noTimeToFirstChunk() {
    LockN lockn = lockn();
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").stream(true).run(() -> {});

    assertThat(span("chat gpt-4o").getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK))
        .isNull();
  }

  @Test
  void embeddingDimensions_setsDimensionCountAndNoOutputTokens() {
    LockN lockn = lockn();
    lockn.embeddings(GenAiProvider.OPENAI, "text-embedding-3-small").run(() -> lockn.currentLlmCall()
        .embeddingDimensions(1536)
        .recordUsage(TokenUsage.of(42, 0))
        .responseModel("text-embedding-3-small"));

    assertThat(span("embeddings text-embedding-3-small"))
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "embeddings"),
            equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai"),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "text-embedding-3-small"),
            equalTo(GenAiAttributes.GEN_AI_RESPONSE_MODEL, "text-embedding-3-small"),
            equalTo(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, 42L),
            equalTo(GenAiAttributes.GEN_AI_EMBEDDINGS_DIMENSION_COUNT, 1536L));
  }

  // ---- currentLlmCall ----

  @Test
  void currentLlmCall_outsideAnyCall_isNoopCall() {
    LockN lockn = lockn();
    LlmCall outside = lockn.currentLlmCall();
    LlmCall[] insideAgent = new LlmCall[1];
    lockn.agent("bot").run(() -> insideAgent[0] = lockn.currentLlmCall());

    assertThat(outside).isSameAs(LockN.noop().currentLlmCall());
    assertThat(insideAgent[0]).isSameAs(LockN.noop().currentLlmCall());
    assertThat(outside.span().getSpanContext().isValid()).isFalse();
    assertThat(outside.requestModel()).isEmpty();
    assertThat(outside.responseModel()).isNull();
    assertThat(outside.usage()).isSameAs(TokenUsage.EMPTY);
    assertThat(outside.attempt()).isEqualTo(1);
    assertThat(outside.fallbackDepth()).isZero();
    // Recording on the no-op call records nothing and throws nothing.
    outside.recordUsage(TokenUsage.of(5, 5)).responseModel("x").finishReason("stop").close();
    assertThat(outside.usage()).isSameAs(TokenUsage.EMPTY);
    assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("invoke_agent bot");
    assertThat(listener.ended).isEmpty();
  }

  @Test
  void currentLlmCall_insideCall_isThatCall() {
    LockN lockn = lockn();
    try (LlmCall call = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").start()) {
      assertThat(lockn.currentLlmCall()).isSameAs(call);
      assertThat(lockn.currentLlmCall().span()).isSameAs(Span.current());
    }
    assertThat(lockn.currentLlmCall()).isSameAs(LockN.noop().currentLlmCall());
  }

  // ---- helpers ----

  private SpanData span(String name) {
    List<SpanData> matching = spans(name);
    assertThat(matching).as("finished spans named '%s'", name).hasSize(1);
    return matching.get(0);
  }

  private List<SpanData> spans(String name) {
    return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
  }

  static final class RecordingListener implements LockNListener {
    final List<ModelSubstitution> substitutions = new CopyOnWriteArrayList<>();
    final List<LlmCallRecord> ended = new CopyOnWriteArrayList<>();

    @Override
    public void onModelSubstitution(ModelSubstitution substitution) {
      substitutions.add(substitution);
    }

    @Override
    public void onLlmCallEnded(LlmCallRecord call) {
      ended.add(call);
    }
  }
}
