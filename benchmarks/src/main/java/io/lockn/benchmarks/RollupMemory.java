package io.lockn.benchmarks;

import io.lockn.core.GenAiAttributes;
import io.lockn.core.LlmCall;
import io.lockn.core.LockN;
import io.lockn.core.LockNScope;
import io.lockn.core.SemconvProfile;
import io.lockn.core.TokenUsage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The memory {@link io.lockn.pricing.sdk.CostPipeline} keeps: bytes retained per open agent span, and heap
 * growth after many finished traces. A main class rather than a JMH benchmark because both are retained-heap
 * measurements of one state (live objects after a full GC), not a per-operation time or allocation rate, and JMH's
 * forks, iterations and {@code -prof gc} (which counts allocation, not retention) add nothing to them.
 *
 * <ul>
 *   <li><b>Per open span:</b> opens {@code openSpans} agent spans (default 100,000, which is also the processor's
 *       default {@code maxOpenSpans}) and keeps them open, forces GC, and divides the used-heap difference
 *       ({@link MemoryMXBean}) by the span count; once through an SDK with the processor and once through the same
 *       SDK without it. The difference of the two is the processor's own bookkeeping per open span (target at most
 *       256 bytes); the total includes the SDK's span itself.
 *   <li><b>Growth:</b> records {@code traces} finished traces (default 1,000,000; an agent span with two priced chat
 *       calls, through LockN) after a warm-up, and compares used heap after GC before and after. Target: no growth
 *       (within a few hundred KB of GC noise).
 * </ul>
 *
 * <p>Run: {@code java -Xmx1g -cp benchmarks/target/benchmarks.jar io.lockn.benchmarks.RollupMemory [openSpans]
 * [traces]}
 */
public final class RollupMemory {

  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private RollupMemory() {}

  /**
   * Runs both measurements and prints the results.
   *
   * @param args optional: the number of open spans, the number of finished traces
   * @throws InterruptedException if interrupted while waiting for GC
   */
  public static void main(String[] args) throws InterruptedException {
    int openSpans = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int traces = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;

    double without = bytesPerOpenSpan(false, openSpans);
    double with = bytesPerOpenSpan(true, openSpans);
    System.out.printf(Locale.ROOT, "open agent spans:                  %,d%n", openSpans);
    System.out.printf(Locale.ROOT, "retained per open span, no processor:   %.1f B%n", without);
    System.out.printf(Locale.ROOT, "retained per open span, with processor: %.1f B%n", with);
    System.out.printf(Locale.ROOT, "CostPipeline per open span:             %.1f B (target <= 256)%n", with - without);

    long[] growth = growthAfterTraces(traces);
    System.out.printf(Locale.ROOT, "finished traces:                   %,d (agent + 2 priced chat calls each)%n", traces);
    System.out.printf(Locale.ROOT, "used heap after GC, before:        %,d B%n", growth[0]);
    System.out.printf(Locale.ROOT, "used heap after GC, after:         %,d B%n", growth[1]);
    System.out.printf(Locale.ROOT, "growth:                            %,d B (%.3f B per trace)%n",
        growth[1] - growth[0], (growth[1] - growth[0]) / (double) traces);
  }

  private static double bytesPerOpenSpan(boolean costProcessor, int n) throws InterruptedException {
    OpenTelemetrySdk sdk = RollupBenchmark.sdk(costProcessor);
    try {
      Tracer tracer = sdk.getTracer("memory");
      // Warm up so that classes, the tracer and the processor's first allocations are not counted.
      for (int i = 0; i < 1_000; i++) {
        agentSpan(tracer).end();
      }
      Span[] spans = new Span[n];
      long before = usedAfterGc();
      for (int i = 0; i < n; i++) {
        spans[i] = agentSpan(tracer);
      }
      long after = usedAfterGc();
      for (Span span : spans) {
        span.end();
      }
      Reference.reachabilityFence(spans);
      return (after - before) / (double) n;
    } finally {
      sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  private static Span agentSpan(Tracer tracer) {
    return tracer.spanBuilder("invoke_agent planner")
        .setAttribute(GenAiAttributes.GEN_AI_OPERATION_NAME, "invoke_agent")
        .setAttribute(GenAiAttributes.GEN_AI_AGENT_NAME, "planner")
        .startSpan();
  }

  private static long[] growthAfterTraces(int traces) throws InterruptedException {
    OpenTelemetrySdk sdk = RollupBenchmark.sdk(true);
    try {
      LockN lockn = RollupBenchmark.lockn(sdk);
      TokenUsage usage = TokenUsage.fromOpenAi(1200, 1024, 160, 0);
      List<String> stop = List.of("stop");
      for (int i = 0; i < 20_000; i++) {
        trace(lockn, usage, stop);
      }
      long before = usedAfterGc();
      for (int i = 0; i < traces; i++) {
        trace(lockn, usage, stop);
      }
      long after = usedAfterGc();
      Reference.reachabilityFence(lockn);
      return new long[] {before, after};
    } finally {
      sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  private static void trace(LockN lockn, TokenUsage usage, List<String> finishReasons) {
    try (LockNScope agent = lockn.agent("planner").start()) {
      for (int i = 0; i < 2; i++) {
        try (LlmCall call = lockn.chat("openai", "gpt-4o").start()) {
          call.recordUsage(usage).responseModel("gpt-4o-2024-08-06").finishReasons(finishReasons);
        }
      }
    }
  }

  /** Used heap after several full collections, once it stops shrinking. */
  static long usedAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      Thread.sleep(50);
      long now = MEMORY.getHeapMemoryUsage().getUsed();
      if (now >= used && i >= 3) {
        return Math.min(now, used);
      }
      used = Math.min(used, now);
    }
    return used;
  }
}
