package io.lockn.benchmarks;

import io.lockn.core.LlmCall;
import io.lockn.core.LockN;
import io.lockn.core.LockNBuilder;
import io.lockn.core.LockNScope;
import io.lockn.core.SemconvProfile;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What LockN's pricing path ({@link CostPipeline}) adds per trace: one agent span with {@code calls} priced chat calls
 * under it, recorded through LockN with the pipeline as its call pricing and on the tracer provider ({@code
 * withCostProcessor}: each call priced once from the bundled catalog as it ends, {@code lockn.cost.*} on the calls,
 * the cost metric, a node per open span and {@code lockn.cost.rollup.*} on the agent span) against the same spans
 * through LockN and an SDK without it ({@code withoutCostProcessor}). Both SDKs use the same sampler, a stub span
 * exporter and a metric reader that never runs, so the difference is the pricing path's work. Per operation means
 * per trace; divide by {@code calls + 1} for per span.
 *
 * <p>Memory per open span and growth over many traces are not per-operation numbers; {@link RollupMemory} measures
 * them.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RollupBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RollupBenchmark {

  /** Chat calls under the agent span. */
  @Param({"1", "10"})
  public int calls;

  private OpenTelemetrySdk costSdk;
  private OpenTelemetrySdk plainSdk;
  private LockN withCost;
  private LockN withoutCost;
  private TokenUsage usage;
  private List<String> finishReasons;

  /** Builds the two SDKs, identical but for the processor. */
  @Setup(Level.Trial)
  public void setUp() {
    costSdk = sdk(true);
    plainSdk = sdk(false);
    withCost = lockn(costSdk);
    withoutCost = lockn(plainSdk);
    usage = TokenUsage.fromOpenAi(1200, 1024, 160, 0);
    finishReasons = List.of("stop");
  }

  /** LockN on an SDK from {@link #sdk}, pricing its calls with the SDK's pipeline when it has one. */
  static LockN lockn(OpenTelemetrySdk sdk) {
    LockNBuilder b = LockN.builder().setOpenTelemetry(sdk).setSemconvProfile(SemconvProfile.V1_41);
    CostPipeline costs = PIPELINES.get(sdk);
    if (costs != null) {
      b.setCallPricing(costs);
    }
    return b.build();
  }

  /** The pipeline of each SDK {@link #sdk} built with one. */
  private static final java.util.Map<OpenTelemetrySdk, CostPipeline> PIPELINES =
      java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

  static OpenTelemetrySdk sdk(boolean costProcessor) {
    SdkMeterProvider meters =
        SdkMeterProvider.builder()
            .registerMetricReader(
                PeriodicMetricReader.builder(new LlmCallOverheadBenchmark.StubMetricExporter())
                    .setInterval(Duration.ofHours(1))
                    .build())
            .build();
    SdkTracerProviderBuilder tracing = SdkTracerProvider.builder().setSampler(Sampler.alwaysOn());
    CostPipeline costs = null;
    if (costProcessor) {
      costs = CostPipeline.builder(PriceCatalog.bundled()).setMeterProvider(meters).build();
      tracing.addSpanProcessor(costs);
    }
    tracing.addSpanProcessor(SimpleSpanProcessor.create(new LlmCallOverheadBenchmark.StubSpanExporter()));
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder().setTracerProvider(tracing.build()).setMeterProvider(meters).build();
    if (costs != null) {
      PIPELINES.put(sdk, costs);
    }
    return sdk;
  }

  /** Flushes and closes both SDKs. */
  @TearDown(Level.Trial)
  public void tearDown() {
    costSdk.shutdown().join(10, TimeUnit.SECONDS);
    plainSdk.shutdown().join(10, TimeUnit.SECONDS);
  }

  /**
   * The trace with the cost processor.
   *
   * @return the agent scope, so the JIT keeps the work
   */
  @Benchmark
  public LockNScope withCostProcessor() {
    return trace(withCost);
  }

  /**
   * The same trace without it.
   *
   * @return the agent scope, so the JIT keeps the work
   */
  @Benchmark
  public LockNScope withoutCostProcessor() {
    return trace(withoutCost);
  }

  private LockNScope trace(LockN lockn) {
    try (LockNScope agent = lockn.agent("planner").start()) {
      for (int i = 0; i < calls; i++) {
        try (LlmCall call = lockn.chat("openai", "gpt-4o").server("api.openai.com", 443).start()) {
          call.recordUsage(usage).responseModel("gpt-4o-2024-08-06").finishReasons(finishReasons);
        }
      }
      return agent;
    }
  }
}
