package io.lockn.benchmarks;

import io.lockn.core.TokenUsage;
import io.lockn.pricing.Cost;
import io.lockn.pricing.ModelMatch;
import io.lockn.pricing.PriceCatalog;
import java.util.Objects;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one model call from the bundled {@link PriceCatalog}, against the same arithmetic written by hand on
 * rates held in fields.
 *
 * <ul>
 *   <li>{@code handWritten}: the baseline, {@code tokens x pico-USD per token / 1000} per token class, summed.
 *   <li>{@code costCatalogHit}: {@code catalog.cost("openai", "gpt-4o-mini", usage, ...)}, the model id already in
 *       the resolver's cache: the path every priced span takes. Target: at most 150 ns/op and 0 B/op beyond the
 *       returned {@link Cost}; {@code costCatalogHitTotal} returns only the total, so it shows whether the JIT
 *       removes that one allocation too.
 *   <li>{@code costCatalogHitWithHistory}: {@code gpt-4o}, whose catalog entry has two price periods, so its pricing
 *       id names the period in force.
 *   <li>{@code costDatedCached} and {@code costDatedFirstResolution}: a dated snapshot id the catalog does not list
 *       ({@code claude-opus-4-6-20260205}, resolved by stripping the date suffix), once cached and the first time
 *       a catalog sees it. "First" needs a resolver that has never seen the id, so {@link FreshCatalog} builds a new
 *       catalog (from the bundled entries, outside the measurement) before every invocation; a rotating set of unseen
 *       ids would instead fill the resolver's bounded cache (10,000 ids) and then measure the uncached path with a
 *       cache that never accepts another entry, which is not what a first call sees. The per-invocation setup adds
 *       JMH's timestamping to this method only (tens of nanoseconds), which is small beside a resolution.
 *   <li>{@code costTiered}: {@code gemini-2.5-pro} with 250,000 input tokens, above its 200,000-token context tier,
 *       so every token is priced at the long-context rates.
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar PricingBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PricingBenchmark {

  static final String DATED_MODEL = "claude-opus-4-6-20260205";

  private PriceCatalog catalog;
  private TokenUsage usage;
  private TokenUsage longContext;
  private long epochMillis;
  // gpt-4o-mini in pico-USD per token: $0.15, $0.60 and $0.075 per million.
  private long inputPicos;
  private long outputPicos;
  private long cacheReadPicos;

  /** Loads the bundled catalog and resolves every id once, so the measured methods find them cached. */
  @Setup(Level.Trial)
  public void setUp() {
    catalog = PriceCatalog.bundled();
    usage = TokenUsage.fromOpenAi(1200, 1024, 160, 0);
    longContext = TokenUsage.builder().uncachedInputTokens(230_000).cacheReadTokens(20_000)
        .nonReasoningOutputTokens(2_000).build();
    epochMillis = System.currentTimeMillis();
    ModelMatch mini = Objects.requireNonNull(catalog.resolve("openai", "gpt-4o-mini"), "gpt-4o-mini");
    var rates = Objects.requireNonNull(mini.entry().periodAt(epochMillis), "gpt-4o-mini price").rates();
    inputPicos = rates.input();
    outputPicos = rates.output();
    cacheReadPicos = rates.cacheRead();
    for (String[] id : new String[][] {
      {"openai", "gpt-4o-mini"}, {"openai", "gpt-4o"}, {"anthropic", DATED_MODEL}, {"gcp.gemini", "gemini-2.5-pro"}}) {
      if (!catalog.cost(id[0], id[1], usage, epochMillis, null).isPriced()) {
        throw new IllegalStateException("the bundled catalog does not price " + id[0] + "/" + id[1]);
      }
    }
  }

  /**
   * The baseline: the same cost computed by hand from rates in fields (no rounding subtleties, no lookup).
   *
   * @return the total in nano-USD
   */
  @Benchmark
  public long handWritten() {
    long input = usage.uncachedInputTokens() * inputPicos / 1000;
    long output = usage.nonReasoningOutputTokens() * outputPicos / 1000;
    long cacheRead = usage.cacheReadTokens() * cacheReadPicos / 1000;
    return input + output + cacheRead;
  }

  /**
   * A catalog hit: a model id the resolver has cached, priced to a {@link Cost}.
   *
   * @return the cost
   */
  @Benchmark
  public Cost costCatalogHit() {
    return catalog.cost("openai", "gpt-4o-mini", usage, epochMillis, null);
  }

  /**
   * The same catalog hit, keeping only the total.
   *
   * @return the total in nano-USD
   */
  @Benchmark
  public long costCatalogHitTotal() {
    return catalog.cost("openai", "gpt-4o-mini", usage, epochMillis, null).totalNanos();
  }

  /**
   * The same catalog hit through the amount-only method hot paths use (budget reconciliation): no {@code Cost}.
   *
   * @return the total in nano-USD
   */
  @Benchmark
  public long totalNanosCatalogHit() {
    return catalog.totalNanos("openai", "gpt-4o-mini", usage, epochMillis, null);
  }

  /**
   * A catalog hit on a model with price history.
   *
   * @return the cost
   */
  @Benchmark
  public Cost costCatalogHitWithHistory() {
    return catalog.cost("openai", "gpt-4o", usage, epochMillis, null);
  }

  /**
   * A dated id the catalog does not list, after its first resolution.
   *
   * @return the cost
   */
  @Benchmark
  public Cost costDatedCached() {
    return catalog.cost("anthropic", DATED_MODEL, usage, epochMillis, null);
  }

  /**
   * The same dated id, seen for the first time by a fresh catalog.
   *
   * @param fresh a catalog built before this invocation
   * @return the cost
   */
  @Benchmark
  public Cost costDatedFirstResolution(FreshCatalog fresh) {
    return fresh.catalog.cost("anthropic", DATED_MODEL, usage, epochMillis, null);
  }

  /**
   * A request above a long-context tier.
   *
   * @return the cost
   */
  @Benchmark
  public Cost costTiered() {
    return catalog.cost("gcp.gemini", "gemini-2.5-pro", longContext, epochMillis, null);
  }

  /** A catalog that has resolved nothing yet, rebuilt before every invocation. */
  @State(Scope.Thread)
  public static class FreshCatalog {
    PriceCatalog catalog;

    /** Copies the bundled entries into a new catalog, whose resolver cache is empty. */
    @Setup(Level.Invocation)
    public void setUp() {
      catalog = PriceCatalog.builder().addAll(PriceCatalog.bundled()).build();
    }
  }
}
