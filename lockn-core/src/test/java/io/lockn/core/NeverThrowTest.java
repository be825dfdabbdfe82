package io.lockn.core;

import static io.lockn.core.GenAiAttributes.ERROR_TYPE;
import static io.lockn.core.GenAiAttributes.GEN_AI_AGENT_NAME;
import static io.lockn.core.GenAiAttributes.GEN_AI_CONVERSATION_ID;
import static io.lockn.core.GenAiAttributes.GEN_AI_INPUT_MESSAGES;
import static io.lockn.core.GenAiAttributes.GEN_AI_OPERATION_NAME;
import static io.lockn.core.GenAiAttributes.GEN_AI_OUTPUT_MESSAGES;
import static io.lockn.core.GenAiAttributes.GEN_AI_PROVIDER_NAME;
import static io.lockn.core.GenAiAttributes.GEN_AI_REQUEST_MODEL;
import static io.lockn.core.GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static io.lockn.core.GenAiAttributes.GEN_AI_RESPONSE_ID;
import static io.lockn.core.GenAiAttributes.GEN_AI_RESPONSE_MODEL;
import static io.lockn.core.GenAiAttributes.GEN_AI_TOOL_CALL_ARGUMENTS;
import static io.lockn.core.GenAiAttributes.GEN_AI_TOOL_CALL_ID;
import static io.lockn.core.GenAiAttributes.GEN_AI_TOOL_CALL_RESULT;
import static io.lockn.core.GenAiAttributes.GEN_AI_TOOL_NAME;
import static io.lockn.core.GenAiAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS;
import static io.lockn.core.GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS;
import static io.lockn.core.GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static io.lockn.core.GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS;
import static io.lockn.core.GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS;
import static io.lockn.core.GenAiAttributes.SERVER_ADDRESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The never-harm-the-host suite: whatever fails around LockN (exporters, processors, samplers, metric readers,
 * listeners, redactors) and whatever odd input the application hands it, the application's result and exception
 * pass through unchanged, nothing thrown by LockN or the telemetry pipeline reaches the application, context is
 * restored and spans still end.
 */
class NeverThrowTest {

  private static final Object RESULT = new Object();
  private static final AttributeKey<String> EXTRA = AttributeKey.stringKey("app.extra");
  private static final AttributeKey<String> TENANT = AttributeKey.stringKey("app.tenant_id");

  /** Model, provider and other names with ISO control characters, RTL marks and unpaired surrogates. */
  private static final String ODD = "gpt\u0000-4o\u0007\u200F\u202E\uD800\u0085\n\uDC00";
  /** {@link #ODD} as LockN records it: ISO control characters removed, everything else kept. */
  private static final String ODD_CLEAN = "gpt-4o\u200F\u202E\uD800\uDC00";

  private static final String HUGE = "m".repeat(100_000);
  private static final String HUGE_CLEAN = "m".repeat(256);

  // Held strongly so that the JUL logger behind System.getLogger("io.lockn.usage") keeps our handler and level.
  private static final Logger USAGE_LOGGER = Logger.getLogger(UsageLogger.LOGGER_NAME);

  private final List<LogRecord> logs = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          logs.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private Level previousLevel;
  private boolean previousUseParentHandlers;

  @BeforeEach
  void captureUsageLog() throws Exception {
    // UsageLogger warns once per distinct problem per JVM; forget what other tests triggered so that the first
    // occurrence in each test is a WARNING again.
    Method reset = UsageLogger.class.getDeclaredMethod("reset");
    reset.setAccessible(true);
    reset.invoke(null);
    previousLevel = USAGE_LOGGER.getLevel();
    previousUseParentHandlers = USAGE_LOGGER.getUseParentHandlers();
    USAGE_LOGGER.setLevel(Level.ALL);
    USAGE_LOGGER.setUseParentHandlers(false);
    USAGE_LOGGER.addHandler(capture);
  }

  @AfterEach
  void restoreUsageLogAndCloseSdks() throws Exception {
    USAGE_LOGGER.removeHandler(capture);
    USAGE_LOGGER.setLevel(previousLevel);
    USAGE_LOGGER.setUseParentHandlers(previousUseParentHandlers);
    for (AutoCloseable c : toClose) {
      c.close();
    }
    // A test must never leave a context attached to the test thread.
    assertThat(Context.current()).isSameAs(Context.root());
  }

  // ---------------------------------------------------------------- failing span exporters

  @Test
  void simpleSpanProcessor_exporterThrows_hostUnaffectedAndSpansEnded() {
    ThrowingSpanExporter exporter = new ThrowingSpanExporter();
    LockN lockn = LockN.create(sdk(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))));

    HostSpans host = assertHostUnaffected(lockn);

    assertThat(host.agentSpan().isRecording()).isFalse();
    assertThat(host.chatSpan().isRecording()).isFalse();
    assertThat(exporter.exportCalls.get()).isEqualTo(6);
    assertThat(exporter.received).extracting(SpanData::getName)
        .containsExactly("execute_tool lookup", "chat gpt-4o", "invoke_agent support", "chat gpt-4o",
            "invoke_agent support", "execute_tool lookup");
    assertThat(exporter.received).allMatch(SpanData::hasEnded);
  }

  @Test
  void batchSpanProcessor_exporterThrows_hostUnaffectedSpansEndedAndProcessorKeepsExporting() {
    ThrowingSpanExporter exporter = new ThrowingSpanExporter();
    BatchSpanProcessor batch = BatchSpanProcessor.builder(exporter).setScheduleDelay(Duration.ofHours(1)).build();
    LockN lockn = LockN.create(sdk(SdkTracerProvider.builder().addSpanProcessor(batch)));

    HostSpans host = assertHostUnaffected(lockn);
    flush(batch, exporter, 6);

    assertThat(host.agentSpan().isRecording()).isFalse();
    assertThat(host.chatSpan().isRecording()).isFalse();
    assertThat(exporter.received).hasSize(6).allMatch(SpanData::hasEnded);

    // The worker survived the failing export and still exports what comes next.
    assertHostUnaffected(lockn);
    flush(batch, exporter, 12);

    assertThat(exporter.received).hasSize(12).allMatch(SpanData::hasEnded);
  }

  /**
   * Flushes until the exporter has seen {@code expected} spans. One forceFlush is not always enough: the SDK's
   * BatchSpanProcessor completes a flush before clearing it, so a flush requested right after the previous one
   * completed can be handed the previous (already completed) result.
   */
  private static void flush(BatchSpanProcessor batch, ThrowingSpanExporter exporter, int expected) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (exporter.received.size() < expected && System.nanoTime() < deadline) {
      assertThat(batch.forceFlush().join(10, TimeUnit.SECONDS).isDone()).isTrue();
      Thread.yield(); // let the worker clear the completed flush request
    }
  }

  // ---------------------------------------------------------------- failing processors and samplers

  @Test
  void spanProcessor_onEndThrows_hostUnaffectedContextRestoredAndSpansStillExported() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    AtomicInteger onEndCalls = new AtomicInteger();
    SpanProcessor throwingOnEnd =
        new SpanProcessor() {
          @Override
          public void onStart(Context parentContext, ReadWriteSpan span) {}

          @Override
          public boolean isStartRequired() {
            return false;
          }

          @Override
          public void onEnd(ReadableSpan span) {
            onEndCalls.incrementAndGet();
            throw new IllegalStateException("processor onEnd failure");
          }

          @Override
          public boolean isEndRequired() {
            return true;
          }
        };
    LockN lockn =
        LockN.create(
            sdk(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans))
                .addSpanProcessor(throwingOnEnd)));

    HostSpans host = assertHostUnaffected(lockn);

    assertThat(onEndCalls.get()).isEqualTo(6);
    assertThat(host.agentSpan().isRecording()).isFalse();
    assertThat(host.chatSpan().isRecording()).isFalse();
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).hasSize(6);
    SpanData chat = finished.get(1);
    assertThat(chat.getName()).isEqualTo("chat gpt-4o");
    assertThat(chat.getAttributes().get(GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(100L);
    assertThat(chat.getAttributes().get(GEN_AI_RESPONSE_MODEL)).isEqualTo("gpt-4o-2024-08-06");
    assertThat(chat.getParentSpanId()).isEqualTo(finished.get(2).getSpanId());
    assertThat(warnings()).extracting(LogRecord::getMessage)
        .contains("LockN failed in span.end; the call continues without it");
  }

  @Test
  void spanProcessor_onStartThrows_hostUnaffectedAndCallDegradesToNoop() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    AtomicInteger onStartCalls = new AtomicInteger();
    SpanProcessor throwingOnStartForChat =
        new SpanProcessor() {
          @Override
          public void onStart(Context parentContext, ReadWriteSpan span) {
            if (span.getName().startsWith("chat")) {
              onStartCalls.incrementAndGet();
              throw new IllegalStateException("processor onStart failure");
            }
          }

          @Override
          public boolean isStartRequired() {
            return true;
          }

          @Override
          public void onEnd(ReadableSpan span) {}

          @Override
          public boolean isEndRequired() {
            return false;
          }
        };
    LockN lockn =
        LockN.create(
            sdk(SdkTracerProvider.builder()
                .addSpanProcessor(throwingOnStartForChat)
                .addSpanProcessor(SimpleSpanProcessor.create(spans))));

    AtomicReference<LlmCall> current = new AtomicReference<>();
    Object result =
        lockn.agent("support").supply(() -> lockn.chat("openai", "gpt-4o").supply(() -> {
          current.set(lockn.currentLlmCall().recordUsage(TokenUsage.of(10, 5)));
          lockn.tool("lookup").run(() -> {});
          return RESULT;
        }));
    assertHostUnaffected(lockn);

    assertThat(result).isSameAs(RESULT);
    assertThat(onStartCalls.get()).isEqualTo(3);
    assertThat(current.get().span()).isSameAs(Span.getInvalid());
    List<SpanData> finished = spans.getFinishedSpanItems();
    // The failed chat spans are missing; everything else is recorded, the tool nested under the agent.
    assertThat(finished).extracting(SpanData::getName)
        .containsExactly("execute_tool lookup", "invoke_agent support", "execute_tool lookup",
            "invoke_agent support", "invoke_agent support", "execute_tool lookup");
    assertThat(finished.get(0).getParentSpanId()).isEqualTo(finished.get(1).getSpanId());
    assertThat(warnings()).extracting(LogRecord::getMessage)
        .containsExactly("LockN failed in starting a MODEL_CALL span; the call continues without it");
    assertThat(warnings().get(0).getThrown()).hasMessage("processor onStart failure");
  }

  @Test
  void sampler_throws_hostUnaffected() {
    AtomicInteger samplerCalls = new AtomicInteger();
    Sampler throwing =
        new Sampler() {
          @Override
          public SamplingResult shouldSample(
              Context parentContext,
              String traceId,
              String name,
              SpanKind spanKind,
              Attributes attributes,
              List<LinkData> parentLinks) {
            samplerCalls.incrementAndGet();
            throw new IllegalStateException("sampler failure");
          }

          @Override
          public String getDescription() {
            return "throwing";
          }
        };
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    LockN lockn =
        LockN.create(
            sdk(SdkTracerProvider.builder()
                .setSampler(throwing)
                .addSpanProcessor(SimpleSpanProcessor.create(spans))));

    assertHostUnaffected(lockn);

    assertThat(samplerCalls.get()).isEqualTo(6);
    assertThat(spans.getFinishedSpanItems()).isEmpty();
    assertThat(warnings()).extracting(LogRecord::getMessage)
        .containsExactly(
            "LockN failed in starting a AGENT span; the call continues without it",
            "LockN failed in starting a MODEL_CALL span; the call continues without it",
            "LockN failed in starting a TOOL span; the call continues without it");
  }

  // ---------------------------------------------------------------- failing metric pipeline

  @Test
  void periodicMetricReader_exporterThrows_hostUnaffectedAndMetricsWereHandedToTheExporter() {
    ThrowingMetricExporter exporter = new ThrowingMetricExporter();
    SdkMeterProvider meterProvider =
        SdkMeterProvider.builder()
            .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
            .build();
    OpenTelemetrySdk otel =
        register(OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().build())
            .setMeterProvider(meterProvider)
            .build());
    LockN lockn = LockN.create(otel);

    assertHostUnaffected(lockn);
    CompletableResultCode flush = meterProvider.forceFlush().join(10, TimeUnit.SECONDS);
    assertHostUnaffected(lockn);

    assertThat(flush.isDone()).isTrue();
    assertThat(exporter.exportCalls.get()).isEqualTo(1);
    assertThat(exporter.received).extracting(MetricData::getName)
        .contains("gen_ai.client.token.usage", "gen_ai.client.operation.duration");
  }

  @Test
  void create_metricReaderThrowsWhenInstrumentsAreCreated_lockNBuildsAndStillRecordsSpans() {
    AtomicInteger readerCalls = new AtomicInteger();
    MetricReader broken =
        new MetricReader() {
          @Override
          public void register(CollectionRegistration registration) {}

          @Override
          public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            readerCalls.incrementAndGet();
            throw new IllegalStateException("metric reader failure");
          }

          @Override
          public CompletableResultCode forceFlush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk otel =
        register(OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(broken).build())
            .build());

    AtomicReference<LockN> created = new AtomicReference<>();
    assertThatCode(() -> created.set(LockN.create(otel))).doesNotThrowAnyException();
    assertHostUnaffected(created.get());

    assertThat(readerCalls.get()).isPositive();
    assertThat(spans.getFinishedSpanItems()).hasSize(6);
  }

  // ---------------------------------------------------------------- failing listeners

  @Test
  void listener_throwsFromBothCallbacks_otherListenersStillCalledAndHostUnaffected() {
    List<String> events = new CopyOnWriteArrayList<>();
    LockNListener throwing =
        new LockNListener() {
          @Override
          public void onModelSubstitution(ModelSubstitution substitution) {
            events.add("throwing:substitution");
            throw new IllegalStateException("listener substitution failure");
          }

          @Override
          public void onLlmCallEnded(LlmCallRecord call) {
            events.add("throwing:ended");
            throw new IllegalStateException("listener ended failure");
          }
        };
    LockNListener recording =
        new LockNListener() {
          @Override
          public void onModelSubstitution(ModelSubstitution s) {
            events.add("recording:substitution:" + s.requestModel() + "->" + s.responseModel());
          }

          @Override
          public void onLlmCallEnded(LlmCallRecord call) {
            events.add("recording:ended:" + call.requestModel() + "->" + call.responseModel() + ":"
                + call.usage().inputTokens() + "/" + call.usage().outputTokens());
          }
        };
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    LockN lockn =
        LockN.builder()
            .setOpenTelemetry(sdk(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))))
            .addListener(throwing)
            .addListener(recording)
            .build();

    Object substituted = lockn.chat("openai", "gpt-4").supply(() -> {
      lockn.currentLlmCall().recordUsage(TokenUsage.of(12, 7)).responseModel("gpt-3.5-turbo");
      return RESULT;
    });
    Object plain = lockn.chat("openai", "gpt-4o").supply(() -> {
      lockn.currentLlmCall().recordUsage(TokenUsage.of(3, 4)).responseModel("gpt-4o-2024-08-06");
      return RESULT;
    });

    assertThat(substituted).isSameAs(RESULT);
    assertThat(plain).isSameAs(RESULT);
    assertThat(events)
        .containsSubsequence("throwing:substitution", "recording:substitution:gpt-4->gpt-3.5-turbo",
            "recording:ended:gpt-4->gpt-3.5-turbo:12/7")
        .containsSubsequence("throwing:ended", "recording:ended:gpt-4o->gpt-4o-2024-08-06:3/4")
        .filteredOn(e -> e.startsWith("recording:"))
        .containsExactly("recording:substitution:gpt-4->gpt-3.5-turbo", "recording:ended:gpt-4->gpt-3.5-turbo:12/7",
            "recording:ended:gpt-4o->gpt-4o-2024-08-06:3/4");
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).hasSize(2);
    assertThat(finished.get(0).getAttributes().get(LockNAttributes.MODEL_SUBSTITUTED)).isTrue();
    assertThat(finished.get(0).getAttributes().get(GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(12L);
    assertThat(finished.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(finished.get(1).getAttributes().get(GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(4L);
  }

  @Test
  void listener_throwsFromOnModelSubstitution_sameListenerStillReceivesOnLlmCallEnded() {
    List<String> events = new CopyOnWriteArrayList<>();
    LockNListener listener =
        new LockNListener() {
          @Override
          public void onModelSubstitution(ModelSubstitution substitution) {
            events.add("substitution");
            throw new IllegalStateException("listener substitution failure");
          }

          @Override
          public void onLlmCallEnded(LlmCallRecord call) {
            events.add("ended:" + call.responseModel());
          }
        };
    LockN lockn =
        LockN.builder().setOpenTelemetry(sdk(SdkTracerProvider.builder())).addListener(listener).build();

    Object result = lockn.chat("openai", "gpt-4").supply(() -> {
      lockn.currentLlmCall().responseModel("gpt-3.5-turbo");
      return RESULT;
    });

    assertThat(result).isSameAs(RESULT);
    // "An exception a listener throws is logged and otherwise ignored": the failed substitution callback must not
    // cost the same listener the call-ended event.
    assertThat(events).containsExactly("substitution", "ended:gpt-3.5-turbo");
  }

  // ---------------------------------------------------------------- failing redactor

  @Test
  void contentRedactor_throwsRuntimeException_hostUnaffectedAndTextReplacedNotLeaked() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    AtomicInteger redactorCalls = new AtomicInteger();
    LockN lockn =
        LockN.builder()
            .setOpenTelemetry(sdk(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))))
            .setContentCapture(ContentCapture.enabled().withRedactor(text -> {
              redactorCalls.incrementAndGet();
              throw new IllegalArgumentException("redactor failure");
            }))
            .build();

    Object result = redactedExchange(lockn);

    assertThat(result).isSameAs(RESULT);
    assertThat(redactorCalls.get()).isEqualTo(4);
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).extracting(SpanData::getName).containsExactly("execute_tool lookup", "chat gpt-4o");
    assertRedactionFailedAndNoSecret(finished);
    assertThat(warnings()).extracting(LogRecord::getMessage)
        .containsExactly("LockN failed in the content redactor; the call continues without it");
  }

  @Test
  void contentRedactor_throwsError_hostUnaffectedAndTextReplacedNotLeaked() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    LockN lockn =
        LockN.builder()
            .setOpenTelemetry(sdk(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))))
            .setContentCapture(ContentCapture.enabled().withRedactor(text -> {
              throw new AssertionError("redactor assertion");
            }))
            .build();

    Object result = redactedExchange(lockn);

    assertThat(result).isSameAs(RESULT);
    List<SpanData> finished = spans.getFinishedSpanItems();
    // ContentCapture#withRedactor: "if it does [throw], the text is replaced by [redaction failed]".
    assertThat(finished).extracting(SpanData::getName).containsExactly("execute_tool lookup", "chat gpt-4o");
    assertRedactionFailedAndNoSecret(finished);
  }

  private static Object redactedExchange(LockN lockn) {
    return lockn.chat("openai", "gpt-4o").inputMessages(List.of(GenAiMessage.user("secret-input"))).supply(() -> {
      lockn.currentLlmCall().outputMessages(List.of(GenAiMessage.output("secret-output", "stop")));
      try (ToolScope tool = lockn.tool("lookup").arguments("{\"q\":\"secret-arguments\"}").start()) {
        tool.result("secret-result");
      }
      return RESULT;
    });
  }

  private static void assertRedactionFailedAndNoSecret(List<SpanData> finished) {
    SpanData tool = finished.get(0);
    SpanData chat = finished.get(1);
    assertThat(tool.getAttributes().get(GEN_AI_TOOL_CALL_ARGUMENTS)).isEqualTo("[redaction failed]");
    assertThat(tool.getAttributes().get(GEN_AI_TOOL_CALL_RESULT)).isEqualTo("[redaction failed]");
    assertThat(chat.getAttributes().get(GEN_AI_INPUT_MESSAGES))
        .isEqualTo("[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"[redaction failed]\"}]}]");
    assertThat(chat.getAttributes().get(GEN_AI_OUTPUT_MESSAGES))
        .isEqualTo("[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"[redaction failed]\"}],"
            + "\"finish_reason\":\"stop\"}]");
    for (SpanData span : finished) {
      assertThat(span.getAttributes().asMap().values()).allSatisfy(v -> assertThat(v.toString()).doesNotContain("secret"));
    }
  }

  // ---------------------------------------------------------------- hostile application values

  @Test
  void supply_hostExceptionWhoseGetMessageThrows_rethrownUnchangedAndRecordedAsError() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    LockN lockn = LockN.create(sdk(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))));
    RuntimeException hostile = new HostileException();

    Throwable thrown = catchThrowable(() -> lockn.chat("openai", "gpt-4o").supply(() -> {
      throw hostile;
    }));

    assertThat(thrown).isSameAs(hostile);
    SpanData chat = single(spans);
    assertThat(chat.getAttributes().get(ERROR_TYPE)).isEqualTo(HostileException.class.getName());
    // LockNScope#recordException: "error.type (the exception's class name), error status and an exception event";
    // the event cannot be built from this exception, but the status can still be set.
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  void messages_nullEntriesWithContentCapture_neverThrow() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    LockN lockn =
        LockN.builder()
            .setOpenTelemetry(sdk(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))))
            .setContentCapture(ContentCapture.enabled())
            .build();
    List<GenAiMessage> withNull = Arrays.asList(GenAiMessage.output("hi", "stop"), null);

    AtomicReference<Object> result = new AtomicReference<>();
    assertThatCode(() -> result.set(lockn.chat("openai", "gpt-4o").supply(() -> {
      lockn.currentLlmCall().recordUsage(TokenUsage.of(8, 2)).outputMessages(withNull);
      return RESULT;
    }))).doesNotThrowAnyException();
    assertThatCode(() -> lockn.chat("openai", "gpt-4o").inputMessages(withNull).run(() -> {}))
        .doesNotThrowAnyException();

    assertThat(result.get()).isSameAs(RESULT);
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).isNotEmpty();
    assertThat(finished.get(0).getAttributes().get(GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(8L);
  }

  // ---------------------------------------------------------------- malformed usage

  @Test
  void recordUsage_negativeCounts_recordedAsZero() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    LockN lockn = LockN.create(sdk(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))));

    Object result = lockn.chat("openai", "gpt-4o").supply(() -> {
      lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(-5, -3, -1, -2));
      return RESULT;
    });

    assertThat(result).isSameAs(RESULT);
    Attributes a = single(spans).getAttributes();
    assertThat(a.get(GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(0L);
    assertThat(a.get(GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(0L);
    assertThat(a.get(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isNull();
    assertThat(a.get(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS)).isNull();
    assertThat(warnings()).extracting(LogRecord::getMessage)
        .containsExactly(
            "negative token count promptTokens=-5 recorded as 0",
            "negative token count cachedTokens=-3 recorded as 0",
            "negative token count completionTokens=-1 recorded as 0",
            "negative token count reasoningTokens=-2 recorded as 0");
  }

  @Test
  void recordUsage_cachedAndReasoningLargerThanTheirTotals_clampedToTheTotals() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    LockN lockn = LockN.create(sdk(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))));

    Object result = lockn.chat("openai", "gpt-4o").supply(() -> {
      lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(10, 50, 5, 9));
      return RESULT;
    });

    assertThat(result).isSameAs(RESULT);
    Attributes a = single(spans).getAttributes();
    assertThat(a.get(GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(10L);
    assertThat(a.get(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(10L);
    assertThat(a.get(GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(5L);
    assertThat(a.get(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS)).isEqualTo(5L);
  }

  @Test
  void recordUsage_longMaxValueCounts_saturateWithoutOverflow() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    OpenTelemetrySdk otel =
        register(OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .build());
    LockN lockn = LockN.builder().setOpenTelemetry(otel).setSemconvProfile(SemconvProfile.V1_41).build();
    long max = Long.MAX_VALUE;
    TokenUsage huge = TokenUsage.fromAnthropic(max, max, max, max, max);

    Object result = lockn.chat("anthropic", "claude-sonnet-4").supply(() -> {
      lockn.currentLlmCall().recordUsage(huge.plus(huge));
      return RESULT;
    });

    assertThat(result).isSameAs(RESULT);
    Attributes a = single(spans).getAttributes();
    assertThat(a.get(GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(max);
    assertThat(a.get(GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(max);
    assertThat(a.get(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(max);
    assertThat(a.get(GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS)).isEqualTo(max);
    assertThat(metrics.collectAllMetrics()).extracting(MetricData::getName).contains("gen_ai.client.token.usage");
  }

  @Test
  void recordUsage_null_ignoredAndNoUsageAttributes() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    List<LlmCallRecord> records = new CopyOnWriteArrayList<>();
    LockN lockn =
        LockN.builder()
            .setOpenTelemetry(sdk(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))))
            .addListener(new LockNListener() {
              @Override
              public void onLlmCallEnded(LlmCallRecord call) {
                records.add(call);
              }
            })
            .build();

    Object result = lockn.chat("openai", "gpt-4o").supply(() -> {
      lockn.currentLlmCall().recordUsage(TokenUsage.of(4, 2)).recordUsage(null);
      return RESULT;
    });
    Object noUsage = lockn.chat("openai", "gpt-4o").supply(() -> {
      lockn.currentLlmCall().recordUsage(null);
      return RESULT;
    });

    assertThat(result).isSameAs(RESULT);
    assertThat(noUsage).isSameAs(RESULT);
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished.get(0).getAttributes().get(GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(4L);
    assertThat(finished.get(1).getAttributes().get(GEN_AI_USAGE_INPUT_TOKENS)).isNull();
    assertThat(finished.get(1).getAttributes().get(GEN_AI_USAGE_OUTPUT_TOKENS)).isNull();
    assertThat(records).extracting(LlmCallRecord::usage).containsExactly(TokenUsage.of(4, 2), TokenUsage.EMPTY);
  }

  // ---------------------------------------------------------------- null, huge and odd values

  @Test
  void names_null_recordedAsUnknownAndNullResponseFieldsIgnored() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    LockN lockn = LockN.create(sdk(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))));

    Object result =
        lockn.workflow(null).supply(() -> lockn.agent(null).supply(() -> lockn.tool(null).supply(() ->
            lockn.chat(null, null).supply(() -> {
              LlmCall call = lockn.currentLlmCall();
              call.recordUsage(null).responseModel(null).responseId(null).finishReasons(null).finishReason(null)
                  .cacheHit(null).outputMessages(null).recordEvaluation(null).embeddingDimensions(-1);
              call.setAttribute(null, "ignored");
              call.setAttribute(EXTRA, null);
              call.recordException(null);
              return RESULT;
            }))));

    assertThat(result).isSameAs(RESULT);
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).extracting(SpanData::getName)
        .containsExactly("chat", "execute_tool unknown", "invoke_agent unknown", "invoke_workflow unknown");
    SpanData chat = finished.get(0);
    assertThat(chat.getAttributes().get(GEN_AI_PROVIDER_NAME)).isEqualTo("unknown");
    assertThat(chat.getAttributes().get(GEN_AI_REQUEST_MODEL)).isNull();
    assertThat(chat.getAttributes().get(GEN_AI_RESPONSE_MODEL)).isNull();
    assertThat(chat.getAttributes().get(GEN_AI_RESPONSE_ID)).isNull();
    assertThat(chat.getAttributes().get(GEN_AI_RESPONSE_FINISH_REASONS)).isNull();
    assertThat(chat.getAttributes().get(GEN_AI_USAGE_INPUT_TOKENS)).isNull();
    assertThat(chat.getAttributes().get(LockNAttributes.CACHE_HIT)).isNull();
    assertThat(chat.getAttributes().get(EXTRA)).isNull();
    assertThat(chat.getAttributes().get(ERROR_TYPE)).isNull();
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(chat.getEvents()).isEmpty();
    assertThat(finished.get(2).getAttributes().get(GEN_AI_AGENT_NAME)).isEqualTo("unknown");
    assertThat(finished.get(1).getAttributes().get(GEN_AI_TOOL_NAME)).isEqualTo("unknown");
  }

  @Test
  void specSetters_nullArguments_ignored() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    LockN lockn = LockN.create(sdk(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))));

    Object result =
        lockn.agent("support").id(null).description(null).version(null).provider(null).requestModel(null)
            .conversationId(null).task(null).attribute(null, "x").attribute(EXTRA, null).parent(null)
            .supply(() -> lockn.tool("lookup").callId(null).type(null).description(null).arguments(null)
                .attribute(EXTRA, null).parent(null)
                .supply(() -> lockn.llm(null, "openai", "gpt-4o").server(null, -1).conversationId(null)
                    .retryOf(null).fallbackFrom(null).promptKey(null).inputMessages(null).attribute(null, "x")
                    .attribute(EXTRA, null).parent(null)
                    .supply(() -> RESULT)));

    assertThat(result).isSameAs(RESULT);
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).extracting(SpanData::getName)
        .containsExactly("chat gpt-4o", "execute_tool lookup", "invoke_agent support");
    SpanData chat = finished.get(0);
    assertThat(chat.getAttributes().get(GEN_AI_OPERATION_NAME)).isEqualTo("chat");
    assertThat(chat.getAttributes().get(SERVER_ADDRESS)).isNull();
    assertThat(chat.getAttributes().get(GEN_AI_CONVERSATION_ID)).isNull();
    assertThat(chat.getAttributes().get(LockNAttributes.RETRY_ATTEMPT)).isNull();
    assertThat(chat.getAttributes().get(LockNAttributes.FALLBACK_DEPTH)).isNull();
    assertThat(chat.getAttributes().get(EXTRA)).isNull();
    assertThat(chat.getParentSpanId()).isEqualTo(finished.get(1).getSpanId());
    assertThat(finished.get(1).getAttributes().get(GEN_AI_TOOL_CALL_ID)).isNull();
    assertThat(finished.get(1).getParentSpanId()).isEqualTo(finished.get(2).getSpanId());
  }

  @Test
  void entryPoints_nullAndInvalidArguments_neverThrow() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    LockN lockn = LockN.create(sdk(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))));

    assertThatCode(() -> {
      lockn.recordEvaluation(null, null, null);
      lockn.currentLlmCall().recordUsage(TokenUsage.of(1, 1)).close();
      try (Scope ignored = lockn.attribution().tenant(null).put(null, "x").put("", "y").user(null).makeCurrent()) {
        lockn.llm(GenAiOperation.EXECUTE_TOOL, "openai", "gpt-4o").run(() -> {});
      }
      try (LockNScope scope = lockn.agent("support").start()) {
        scope.setAttribute(null, "x");
        scope.recordException(null);
        scope.recordError(null);
      }
    }).doesNotThrowAnyException();

    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).extracting(SpanData::getName).containsExactly("chat gpt-4o", "invoke_agent support");
    assertThat(finished.get(0).getAttributes().get(GEN_AI_OPERATION_NAME)).isEqualTo("chat");
    assertThat(finished.get(0).getAttributes().get(TENANT)).isNull();
    assertThat(finished.get(1).getAttributes().get(ERROR_TYPE)).isEqualTo("_OTHER");
    assertThat(finished.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(finished.get(1).getEvents()).isEmpty();
  }

  @Test
  void names_huge_cutTo256Characters() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    LockN lockn = LockN.create(sdk(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))));
    List<String> manyReasons = IntStream.range(0, 20).mapToObj(i -> "r" + i).toList();

    Object result =
        lockn.attribution().tenant(HUGE).supply(() -> lockn.agent(HUGE).supply(() -> lockn.tool(HUGE).supply(() ->
            lockn.chat(HUGE, HUGE).attribute(EXTRA, HUGE).supply(() -> {
              lockn.currentLlmCall().responseModel(HUGE).responseId(HUGE).finishReasons(manyReasons);
              lockn.currentLlmCall().setAttribute(EXTRA, HUGE + "!");
              return RESULT;
            }))));

    assertThat(result).isSameAs(RESULT);
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).extracting(SpanData::getName)
        .containsExactly("chat " + HUGE_CLEAN, "execute_tool " + HUGE_CLEAN, "invoke_agent " + HUGE_CLEAN);
    Attributes chat = finished.get(0).getAttributes();
    assertThat(chat.get(GEN_AI_PROVIDER_NAME)).isEqualTo(HUGE_CLEAN);
    assertThat(chat.get(GEN_AI_REQUEST_MODEL)).isEqualTo(HUGE_CLEAN);
    assertThat(chat.get(GEN_AI_RESPONSE_MODEL)).isEqualTo(HUGE_CLEAN);
    assertThat(chat.get(GEN_AI_RESPONSE_ID)).isEqualTo(HUGE_CLEAN);
    assertThat(chat.get(GEN_AI_RESPONSE_FINISH_REASONS)).isEqualTo(manyReasons.subList(0, 16));
    assertThat(chat.get(LockNAttributes.AGENT_NAME)).isEqualTo(HUGE_CLEAN);
    assertThat(chat.get(TENANT)).isEqualTo("m".repeat(AttributionKeys.DEFAULT_MAX_VALUE_LENGTH));
    // Extra attributes are the application's own and only subject to the SDK's span limits.
    assertThat(chat.get(EXTRA)).isEqualTo(HUGE + "!");
    assertThat(finished.get(2).getAttributes().get(GEN_AI_AGENT_NAME)).isEqualTo(HUGE_CLEAN);
    assertThat(finished.get(1).getAttributes().get(GEN_AI_TOOL_NAME)).isEqualTo(HUGE_CLEAN);
  }

  @Test
  void names_hugeWithSurrogatePairs_cutWithoutSplittingAPair() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    LockN lockn = LockN.create(sdk(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))));
    String emoji = "\uD83D\uDE00";
    String pairAtTheCut = "a".repeat(255) + emoji + "b".repeat(100_000);

    Object result = lockn.chat("openai", pairAtTheCut).supply(() -> {
      lockn.currentLlmCall().responseModel(emoji.repeat(50_000));
      return RESULT;
    });

    assertThat(result).isSameAs(RESULT);
    Attributes chat = single(spans).getAttributes();
    assertThat(chat.get(GEN_AI_REQUEST_MODEL)).isEqualTo("a".repeat(255));
    assertThat(chat.get(GEN_AI_RESPONSE_MODEL)).isEqualTo(emoji.repeat(128));
  }

  @Test
  void names_oddUnicode_controlCharactersRemovedEverythingElseKept() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    LockN lockn = LockN.create(sdk(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))));

    Object result =
        lockn.attribution().tenant(ODD).supply(() -> lockn.agent(ODD).supply(() -> lockn.tool(ODD).supply(() ->
            lockn.chat(ODD, ODD).attribute(EXTRA, ODD).supply(() -> {
              lockn.currentLlmCall().responseModel(ODD).responseId(ODD).finishReasons(Arrays.asList(ODD, null));
              return RESULT;
            }))));

    assertThat(result).isSameAs(RESULT);
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).extracting(SpanData::getName)
        .containsExactly("chat " + ODD_CLEAN, "execute_tool " + ODD_CLEAN, "invoke_agent " + ODD_CLEAN);
    Attributes chat = finished.get(0).getAttributes();
    assertThat(chat.get(GEN_AI_PROVIDER_NAME)).isEqualTo(ODD_CLEAN);
    assertThat(chat.get(GEN_AI_REQUEST_MODEL)).isEqualTo(ODD_CLEAN);
    assertThat(chat.get(GEN_AI_RESPONSE_MODEL)).isEqualTo(ODD_CLEAN);
    assertThat(chat.get(GEN_AI_RESPONSE_ID)).isEqualTo(ODD_CLEAN);
    assertThat(chat.get(GEN_AI_RESPONSE_FINISH_REASONS)).containsExactly(ODD_CLEAN);
    assertThat(chat.get(LockNAttributes.MODEL_SUBSTITUTED)).isNull();
    assertThat(chat.get(TENANT)).isEqualTo(ODD_CLEAN);
    assertThat(chat.get(EXTRA)).isEqualTo(ODD);
    assertThat(finished.get(2).getAttributes().get(GEN_AI_AGENT_NAME)).isEqualTo(ODD_CLEAN);
  }

  @Test
  void finishReasons_nullEntries_dropped() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    LockN lockn = LockN.create(sdk(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))));

    Object result = lockn.chat("openai", "gpt-4o").supply(() -> {
      lockn.currentLlmCall().finishReasons(Arrays.asList(null, "stop", null, "length", null));
      return RESULT;
    });
    Object allNull = lockn.chat("openai", "gpt-4o").supply(() -> {
      lockn.currentLlmCall().finishReasons(Arrays.asList(null, null));
      return RESULT;
    });

    assertThat(result).isSameAs(RESULT);
    assertThat(allNull).isSameAs(RESULT);
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished.get(0).getAttributes().get(GEN_AI_RESPONSE_FINISH_REASONS)).containsExactly("stop", "length");
    assertThat(finished.get(1).getAttributes().get(GEN_AI_RESPONSE_FINISH_REASONS)).isNull();
  }

  // ---------------------------------------------------------------- lifecycle misuse

  @Test
  void close_twiceAndMethodsAfterClose_spanEndsOnceUnchanged() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    AtomicInteger ended = new AtomicInteger();
    LockN lockn =
        LockN.builder()
            .setOpenTelemetry(sdk(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))))
            .addListener(new LockNListener() {
              @Override
              public void onLlmCallEnded(LlmCallRecord call) {
                ended.incrementAndGet();
              }
            })
            .build();

    LlmCall call = lockn.chat("openai", "gpt-4o").start();
    call.recordUsage(TokenUsage.of(10, 5)).responseModel("gpt-4o");
    call.close();
    assertThat(Context.current()).isSameAs(Context.root());
    LlmCall noopCall = lockn.currentLlmCall();
    assertThatCode(() -> {
      call.close();
      call.recordUsage(TokenUsage.of(999, 999)).responseModel("late-model").responseId("late-id")
          .finishReason("late").cacheHit(CacheType.SEMANTIC).firstChunkReceived().embeddingDimensions(3)
          .recordEvaluation(EvaluationResult.score("late", 1.0));
      call.setAttribute(EXTRA, "late");
      call.recordException(new IllegalStateException("late"));
      call.recordError("late");
      call.close();
    }).doesNotThrowAnyException();

    assertThat(noopCall.requestModel()).isEmpty();
    assertThat(Context.current()).isSameAs(Context.root());
    assertThat(ended.get()).isEqualTo(1);
    SpanData span = single(spans);
    assertThat(span.getAttributes().get(GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(10L);
    assertThat(span.getAttributes().get(GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(5L);
    assertThat(span.getAttributes().get(GEN_AI_RESPONSE_MODEL)).isEqualTo("gpt-4o");
    assertThat(span.getAttributes().get(GEN_AI_RESPONSE_ID)).isNull();
    assertThat(span.getAttributes().get(EXTRA)).isNull();
    assertThat(span.getAttributes().get(ERROR_TYPE)).isNull();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.getEvents()).isEmpty();
  }

  @Test
  void close_nestedScopesClosedTwice_contextRestoredToParentEachTime() {
    LockN lockn = LockN.create(sdk(SdkTracerProvider.builder()));

    LockNScope agent = lockn.agent("support").start();
    LlmCall chat = lockn.chat("openai", "gpt-4o").start();
    chat.close();
    Span afterChat = Span.current();
    chat.close();
    Span afterSecondChatClose = Span.current();
    agent.close();
    agent.close();

    assertThat(afterChat).isSameAs(agent.span());
    assertThat(afterSecondChatClose).isSameAs(agent.span());
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void recordException_null_noErrorRecorded() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    LockN lockn = LockN.create(sdk(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))));

    assertThatCode(() -> {
      try (LockNScope scope = lockn.agent("support").start()) {
        scope.recordException(null);
      }
    }).doesNotThrowAnyException();

    SpanData span = single(spans);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.getAttributes().get(ERROR_TYPE)).isNull();
    assertThat(span.getEvents()).isEmpty();
  }

  @Test
  void callAsync_oddStages_sameStageReturnedAndSpansEnd() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    LockN lockn = LockN.create(sdk(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))));
    IllegalStateException failure = new IllegalStateException("async host failure");
    CompletableFuture<Object> failed = CompletableFuture.failedFuture(failure);
    CompletableFuture<Object> pending = new CompletableFuture<>();

    CompletionStage<Object> nullStage = lockn.chat("openai", "gpt-4o").callAsync(() -> null);
    CompletionStage<Object> failedStage = lockn.agent("support").callAsync(() -> failed);
    CompletionStage<Object> pendingStage = lockn.tool("lookup").callAsync(() -> pending);
    int endedBeforeCompletion = spans.getFinishedSpanItems().size();
    pending.complete(RESULT);

    assertThat(nullStage).isNull();
    assertThat(failedStage).isSameAs(failed);
    assertThat(pendingStage).isSameAs(pending);
    assertThat(pending.join()).isSameAs(RESULT);
    assertThat(endedBeforeCompletion).isEqualTo(2);
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).extracting(SpanData::getName)
        .containsExactly("chat gpt-4o", "invoke_agent support", "execute_tool lookup");
    assertThat(finished.get(1).getAttributes().get(ERROR_TYPE)).isEqualTo(IllegalStateException.class.getName());
  }

  @Test
  void create_noopOpenTelemetry_hostUnaffected() {
    LockN lockn = LockN.create(OpenTelemetry.noop());
    AtomicReference<String> requestModel = new AtomicReference<>();
    AtomicReference<TokenUsage> usage = new AtomicReference<>();

    assertHostUnaffected(lockn);
    lockn.chat("openai", "gpt-4o").run(() -> {
      LlmCall call = lockn.currentLlmCall().recordUsage(TokenUsage.of(7, 3));
      requestModel.set(call.requestModel());
      usage.set(call.usage());
    });

    assertThat(lockn.isEnabled()).isTrue();
    assertThat(requestModel.get()).isEqualTo("gpt-4o");
    assertThat(usage.get()).isEqualTo(TokenUsage.of(7, 3));
  }

  // ---------------------------------------------------------------- logging

  @Test
  void usageLogger_firstOccurrenceAtWarningRepeatsAtFiner() {
    TokenUsage first = TokenUsage.of(-7, 3);
    TokenUsage second = TokenUsage.of(-7, 3);

    assertThat(first.inputTokens()).isZero();
    assertThat(second.outputTokens()).isEqualTo(3L);
    List<LogRecord> records = recordsWithMessage("negative token count inputTokens=-7 recorded as 0");
    assertThat(records).extracting(LogRecord::getLevel).containsExactly(Level.WARNING, Level.FINER);
    assertThat(records).extracting(LogRecord::getLoggerName).containsOnly("io.lockn.usage");
  }

  @Test
  void usageLogger_listenerFailure_loggedOnceAtWarningWithTheCause() {
    List<IllegalStateException> thrown = new CopyOnWriteArrayList<>();
    LockNListener listener =
        new LockNListener() {
          @Override
          public void onLlmCallEnded(LlmCallRecord call) {
            IllegalStateException e = new IllegalStateException("listener failure " + thrown.size());
            thrown.add(e);
            throw e;
          }
        };
    LockN lockn = LockN.builder().setOpenTelemetry(sdk(SdkTracerProvider.builder())).addListener(listener).build();

    lockn.chat("openai", "gpt-4o").run(() -> {});
    lockn.chat("openai", "gpt-4o").run(() -> {});

    List<LogRecord> records =
        recordsWithMessage("LockN failed in listener " + listener.getClass().getName()
            + ".onLlmCallEnded; the call continues without it");
    assertThat(thrown).hasSize(2);
    assertThat(records).extracting(LogRecord::getLevel).containsExactly(Level.WARNING, Level.FINER);
    assertThat(records).extracting(LogRecord::getThrown).containsExactly(thrown.get(0), thrown.get(1));
  }

  // ---------------------------------------------------------------- helpers

  /** The spans the host call of {@link #assertHostUnaffected} ran in. */
  record HostSpans(Span agentSpan, Span chatSpan) {}

  /**
   * Runs a typical agent, chat and tool exchange, a failing one and a failing checked call, and asserts that
   * results and exceptions pass through unchanged and the context is restored at every level.
   */
  private static HostSpans assertHostUnaffected(LockN lockn) {
    AtomicReference<Span> agentSpan = new AtomicReference<>();
    AtomicReference<Span> chatSpan = new AtomicReference<>();
    AtomicReference<Span> afterChat = new AtomicReference<>();
    Object result =
        lockn.agent("support").task("triage").supply(() -> {
          agentSpan.set(Span.current());
          Object inner = lockn.chat("openai", "gpt-4o").supply(() -> {
            chatSpan.set(Span.current());
            lockn.currentLlmCall()
                .recordUsage(TokenUsage.fromOpenAi(100, 20, 50, 10))
                .responseModel("gpt-4o-2024-08-06")
                .finishReason("stop");
            lockn.tool("lookup").run(() -> {});
            return RESULT;
          });
          afterChat.set(Span.current());
          return inner;
        });
    assertThat(result).isSameAs(RESULT);
    assertThat(afterChat.get()).isSameAs(agentSpan.get());

    IllegalStateException failure = new IllegalStateException("host failure");
    Throwable thrown =
        catchThrowable(() -> lockn.agent("support").supply(() -> lockn.chat("openai", "gpt-4o").supply(() -> {
          throw failure;
        })));
    assertThat(thrown).isSameAs(failure);

    IOException checked = new IOException("host checked failure");
    Throwable thrownChecked = catchThrowable(() -> lockn.tool("lookup").call(() -> {
      throw checked;
    }));
    assertThat(thrownChecked).isSameAs(checked);

    assertThat(Context.current()).isSameAs(Context.root());
    return new HostSpans(agentSpan.get(), chatSpan.get());
  }

  private OpenTelemetrySdk sdk(SdkTracerProviderBuilder tracerProvider) {
    return register(OpenTelemetrySdk.builder().setTracerProvider(tracerProvider.build()).build());
  }

  private OpenTelemetrySdk register(OpenTelemetrySdk sdk) {
    toClose.add(sdk);
    return sdk;
  }

  private static SpanData single(InMemorySpanExporter spans) {
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).hasSize(1);
    return finished.get(0);
  }

  private List<LogRecord> warnings() {
    return logs.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
  }

  private List<LogRecord> recordsWithMessage(String message) {
    return logs.stream().filter(r -> message.equals(r.getMessage())).toList();
  }

  /** An application exception that fails whenever anything asks for its message or prints it. */
  private static final class HostileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @Override
    public String getMessage() {
      throw new IllegalStateException("getMessage failure");
    }

    @Override
    public String toString() {
      throw new IllegalStateException("toString failure");
    }
  }

  /** A span exporter whose backend is down: it sees every batch, then throws. */
  private static final class ThrowingSpanExporter implements SpanExporter {
    final List<SpanData> received = new CopyOnWriteArrayList<>();
    final AtomicInteger exportCalls = new AtomicInteger();

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      exportCalls.incrementAndGet();
      received.addAll(spans);
      throw new IllegalStateException("span exporter failure");
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** A metric exporter whose backend is down: it sees every batch, then throws. */
  private static final class ThrowingMetricExporter implements MetricExporter {
    final List<MetricData> received = new CopyOnWriteArrayList<>();
    final AtomicInteger exportCalls = new AtomicInteger();

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      exportCalls.incrementAndGet();
      received.addAll(metrics);
      throw new IllegalStateException("metric exporter failure");
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }
  }
}
