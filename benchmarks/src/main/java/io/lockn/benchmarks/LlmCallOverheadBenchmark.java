package io.lockn.benchmarks;

import io.lockn.core.GenAiAttributes;
import io.lockn.core.LlmCall;
import io.lockn.core.LockN;
import io.lockn.core.LockNAttributes;
import io.lockn.core.SemconvProfile;
import io.lockn.core.TokenUsage;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One LLM call recorded through LockN against the same call instrumented by hand with the OpenTelemetry SDK: one
 * inference span with the same {@code gen_ai.*} attributes, and the same two histograms ({@code
 * gen_ai.client.operation.duration}, and {@code gen_ai.client.token.usage} for input and output). Both go through the
 * same sampler and a stub exporter, so only instrumentation overhead is measured. Two hand-written baselines: {@code
 * bareOpenTelemetry} builds the metric attributes per call, as most hand-written instrumentation does; {@code
 * handWrittenPrebuilt} is the best a user could write for the very telemetry LockN records (the same span attributes,
 * including the provider cache hit, and the same histograms and counters: finish reasons and cache hits too), with
 * every metric {@link Attributes} built once. Targets:
 * {@code lockn} at most 1.5x {@code bareOpenTelemetry} and at most 1.2x {@code handWrittenPrebuilt}.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar LlmCallOverheadBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LlmCallOverheadBenchmark {

  private static final List<Long> TOKEN_BUCKETS =
      List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L, 16777216L,
          67108864L);
  private static final List<Double> DURATION_BUCKETS =
      List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);

  private OpenTelemetrySdk sdk;
  private LockN lockn;
  private Tracer tracer;
  private LongHistogram tokenUsage;
  private DoubleHistogram duration;
  private TokenUsage usage;
  private List<String> finishReasons;
  private Attributes baseAttributes;
  private Attributes inputAttributes;
  private Attributes outputAttributes;
  private Attributes finishReasonAttributes;
  private Attributes cacheHitAttributes;
  private LongCounter finishReasonCounter;
  private LongCounter cacheHitCounter;

  /** Builds one SDK shared by both methods. */
  @Setup(Level.Trial)
  public void setUp() {
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setSampler(Sampler.alwaysOn())
                    .addSpanProcessor(SimpleSpanProcessor.create(new StubSpanExporter()))
                    .build())
            .setMeterProvider(
                SdkMeterProvider.builder()
                    .registerMetricReader(
                        PeriodicMetricReader.builder(new StubMetricExporter()).setInterval(Duration.ofHours(1)).build())
                    .build())
            .build();
    lockn = LockN.builder().setOpenTelemetry(sdk).setSemconvProfile(SemconvProfile.V1_41).build();
    tracer = sdk.getTracer("bare");
    Meter meter = sdk.getMeter("bare");
    tokenUsage =
        meter.histogramBuilder("gen_ai.client.token.usage").ofLongs().setUnit("{token}")
            .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS).build();
    duration =
        meter.histogramBuilder("gen_ai.client.operation.duration").setUnit("s")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
    usage = TokenUsage.fromOpenAi(1200, 1024, 160, 0);
    finishReasons = List.of("stop");
    baseAttributes =
        Attributes.builder()
            .put(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat")
            .put(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai")
            .put(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o")
            .put(GenAiAttributes.GEN_AI_RESPONSE_MODEL, "gpt-4o-2024-08-06")
            .put(GenAiAttributes.SERVER_ADDRESS, "api.openai.com")
            .put(GenAiAttributes.SERVER_PORT, 443L)
            .build();
    inputAttributes = baseAttributes.toBuilder().put(GenAiAttributes.GEN_AI_TOKEN_TYPE, "input").build();
    outputAttributes = baseAttributes.toBuilder().put(GenAiAttributes.GEN_AI_TOKEN_TYPE, "output").build();
    finishReasonAttributes = baseAttributes.toBuilder().put(LockNAttributes.FINISH_REASON, "stop").build();
    cacheHitAttributes = baseAttributes.toBuilder().put(LockNAttributes.CACHE_TYPE, "provider")
        .put(LockNAttributes.CACHE_HIT_INFERRED, false).build();
    finishReasonCounter = meter.counterBuilder("lockn.client.finish_reasons").setUnit("{call}").build();
    cacheHitCounter = meter.counterBuilder("lockn.client.cache_hits").setUnit("{call}").build();
  }

  /** Flushes and closes the SDK. */
  @TearDown(Level.Trial)
  public void tearDown() {
    sdk.shutdown().join(10, TimeUnit.SECONDS);
  }

  /**
   * The call instrumented by hand.
   *
   * @return the span, so the JIT keeps the work
   */
  @Benchmark
  public Span bareOpenTelemetry() {
    long start = System.nanoTime();
    Span span =
        tracer.spanBuilder("chat gpt-4o")
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat")
            .setAttribute(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai")
            .setAttribute(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o")
            .setAttribute(GenAiAttributes.SERVER_ADDRESS, "api.openai.com")
            .setAttribute(GenAiAttributes.SERVER_PORT, 443L)
            .setAttribute(GenAiAttributes.GEN_AI_REQUEST_MAX_TOKENS, 512L)
            .startSpan();
    try (io.opentelemetry.context.Scope ignored = span.makeCurrent()) {
      span.setAttribute(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, usage.inputTokens());
      span.setAttribute(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, usage.outputTokens());
      span.setAttribute(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, usage.cacheReadTokens());
      span.setAttribute(GenAiAttributes.GEN_AI_RESPONSE_MODEL, "gpt-4o-2024-08-06");
      span.setAttribute(GenAiAttributes.GEN_AI_RESPONSE_ID, "chatcmpl-1");
      span.setAttribute(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS, finishReasons);
      Attributes attributes =
          Attributes.builder()
              .put(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat")
              .put(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai")
              .put(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o")
              .put(GenAiAttributes.GEN_AI_RESPONSE_MODEL, "gpt-4o-2024-08-06")
              .put(GenAiAttributes.SERVER_ADDRESS, "api.openai.com")
              .put(GenAiAttributes.SERVER_PORT, 443L)
              .build();
      Context context = Context.current();
      duration.record((System.nanoTime() - start) / 1e9, attributes, context);
      tokenUsage.record(usage.inputTokens(),
          attributes.toBuilder().put(GenAiAttributes.GEN_AI_TOKEN_TYPE, "input").build(), context);
      tokenUsage.record(usage.outputTokens(),
          attributes.toBuilder().put(GenAiAttributes.GEN_AI_TOKEN_TYPE, "output").build(), context);
    } finally {
      span.end();
    }
    return span;
  }

  /**
   * The call instrumented by hand as well as it can be: the same span, and the metric attributes built once.
   *
   * @return the span, so the JIT keeps the work
   */
  @Benchmark
  public Span handWrittenPrebuilt() {
    long start = System.nanoTime();
    Span span =
        tracer.spanBuilder("chat gpt-4o")
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat")
            .setAttribute(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai")
            .setAttribute(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o")
            .setAttribute(GenAiAttributes.SERVER_ADDRESS, "api.openai.com")
            .setAttribute(GenAiAttributes.SERVER_PORT, 443L)
            .setAttribute(GenAiAttributes.GEN_AI_REQUEST_MAX_TOKENS, 512L)
            .startSpan();
    try (io.opentelemetry.context.Scope ignored = span.makeCurrent()) {
      span.setAttribute(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, usage.inputTokens());
      span.setAttribute(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, usage.outputTokens());
      span.setAttribute(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, usage.cacheReadTokens());
      span.setAttribute(GenAiAttributes.GEN_AI_RESPONSE_MODEL, "gpt-4o-2024-08-06");
      span.setAttribute(GenAiAttributes.GEN_AI_RESPONSE_ID, "chatcmpl-1");
      span.setAttribute(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS, finishReasons);
      span.setAttribute(LockNAttributes.CACHE_HIT, true);
      span.setAttribute(LockNAttributes.CACHE_TYPE, "provider");
      Context context = Context.current();
      duration.record((System.nanoTime() - start) / 1e9, baseAttributes, context);
      tokenUsage.record(usage.inputTokens(), inputAttributes, context);
      tokenUsage.record(usage.outputTokens(), outputAttributes, context);
      finishReasonCounter.add(1, finishReasonAttributes, context);
      cacheHitCounter.add(1, cacheHitAttributes, context);
    } finally {
      span.end();
    }
    return span;
  }

  /**
   * The same call through LockN.
   *
   * @return the span, so the JIT keeps the work
   */
  @Benchmark
  public Span lockn() {
    try (LlmCall call = lockn.chat("openai", "gpt-4o").server("api.openai.com", 443).maxTokens(512).start()) {
      call.recordUsage(usage).responseModel("gpt-4o-2024-08-06").responseId("chatcmpl-1").finishReasons(finishReasons);
      return call.span();
    }
  }

  /** Accepts and drops every batch. */
  static final class StubSpanExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
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

  /** Accepts and drops every collection. */
  static final class StubMetricExporter implements MetricExporter {
    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
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
}
