package io.lockn.benchmarks;

import io.lockn.core.LockN;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@link LockN#noop()} costs over calling the code directly: an agent task around a supplier and a model call
 * opened and closed. Target: at most 5 ns of overhead and 0 B/op.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar NoopBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class NoopBenchmark {

  private LockN noop;
  private Supplier<String> body;

  /** Builds the inputs once, so the measured methods allocate nothing of their own. */
  @Setup
  public void setUp() {
    noop = LockN.noop();
    String answer = "answer";
    body = () -> answer;
  }

  /**
   * The baseline: the supplier called directly.
   *
   * @return the supplier's result
   */
  @Benchmark
  public String direct() {
    return body.get();
  }

  /**
   * The same supplier inside a no-op agent task.
   *
   * @return the supplier's result
   */
  @Benchmark
  public String noopTask() {
    return noop.agent("support-bot").task("triage").supply(body);
  }

  /**
   * A no-op model call opened, recorded on and closed around the supplier.
   *
   * @return the supplier's result
   */
  @Benchmark
  public String noopModelCall() {
    try (var call = noop.chat("openai", "gpt-4o").maxTokens(512).start()) {
      String result = body.get();
      call.responseModel("gpt-4o-2024-08-06").finishReason("stop");
      return result;
    }
  }
}
