package io.lockn.benchmarks;

import io.lockn.budget.Budget;
import io.lockn.budget.BudgetStatus;
import io.lockn.budget.Budgets;
import io.lockn.budget.Period;
import io.lockn.core.AttributionKeys;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LlmCall;
import io.lockn.core.LockN;
import io.lockn.core.SemconvProfile;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.UsageLogger;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.ModelMatch;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.PricePeriod;
import io.lockn.pricing.Rates;
import io.lockn.pricing.Tier;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.lang.ref.Reference;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * A load test of the whole recording path: {@code threads} threads (default 2) each record {@code callsPerThread}
 * LLM calls (default 1,000,000) through LockN, with the budgets of {@code lockn-budget} admitting every call and
 * {@code CostPipeline} pricing every call, then checks that nothing was lost and that every total is exact.
 *
 * <p>Each call is {@code lockn.attribution().tenant(...)} around {@code lockn.chat(...).start()}, {@code
 * recordUsage}, the response model and finish reason, as an application records a real call. The calls are spread
 * over four tenants and three catalog models with different prices and token classes ({@code openai/gpt-4o-mini}
 * with cached input and reasoning, {@code anthropic/claude-sonnet-4-5} with cache reads and 5-minute and 1-hour cache
 * writes, {@code gcp.gemini/gemini-1.5-flash}, whose cache-read price of $0.01875 per million tokens is 18.75 nano-USD
 * per token, so half-even rounding of fractions is exercised); token counts are a deterministic function of the
 * call's global index, and about one call in 10,000 has over 200,000 input tokens, which crosses the long-context
 * tier of the Anthropic and Gemini models.
 *
 * <p>The expected totals are computed here, independently of LockN, in exact {@code long} arithmetic: the per-token
 * prices (integer pico-USD) are read from the catalog entry in force, the context tier is chosen here, and each token
 * class is {@code round_half_even(tokens x pico-USD / 1000)} nano-USD, summed per call, per tenant and overall
 * ({@link io.lockn.pricing.Cost}'s documented rule). Then the program checks, exactly:
 *
 * <ul>
 *   <li><b>spans</b>: a {@link SpanExporter} behind a {@link SimpleSpanProcessor} sums each finished span's {@code
 *       lockn.cost.total_nanos} and token counts per tenant; span count and every sum equal the expected ones;
 *   <li><b>metrics</b>: a cumulative {@link MetricReader} collects {@code lockn.client.cost} (exact nano-USD per
 *       tenant, summed over token classes) and {@code gen_ai.client.token.usage} (token sums and call counts per
 *       tenant), and {@code lockn.client.unpriced_calls} must be absent;
 *   <li><b>ledger</b>: the in-memory budget ledger's spent balance per tenant, of a USD budget and of a token budget,
 *       equals the expected one, with nothing left reserved;
 *   <li><b>memory</b>: used heap after full GC before and after the run (retained bytes per call should be about 0),
 *       and the highest used heap sampled during the run;
 *   <li>no call threw, and LockN logged no warning (the {@code io.lockn.usage} logger, where LockN reports its own
 *       failures instead of throwing).
 * </ul>
 *
 * It prints a summary and exits with status 1 on any mismatch. A main class rather than a JMH benchmark: it is one
 * long run whose result is a set of exact totals and a retained-heap figure, not a per-operation time.
 *
 * <p>Run: {@code java -Xmx256m -cp benchmarks/target/benchmarks.jar io.lockn.benchmarks.LoadTest [threads]
 * [callsPerThread]}
 */
public final class LoadTest {

  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final String[] TENANTS = {"acme", "globex", "initech", "umbrella"};
  private static final String TENANT_KEY = AttributionKeys.DEFAULT_TENANT_KEY;
  private static final AttributeKey<String> TENANT = AttributeKey.stringKey(TENANT_KEY);
  private static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
  private static final List<String> STOP = List.of("stop");
  private static final String USD_BUDGET = "tenant-usd";
  private static final String TOKEN_BUDGET = "tenant-tokens";
  // A double holds every integer up to 2^53 exactly, and a sum of such integers stays exact while every partial sum
  // does; the token histogram's sum is a double, so its check is exact only below this bound (checked).
  private static final long EXACT_DOUBLE_LIMIT = 1L << 53;

  /** How a provider reports usage; decides which {@link TokenUsage} factory the call uses. */
  private enum Format {
    OPENAI,
    ANTHROPIC,
    GEMINI
  }

  /** One model of the mix: what the call names and what the response reports. */
  private record Model(String provider, String requestModel, String responseModel, String server, Format format) {}

  private static final Model[] MODELS = {
    new Model("openai", "gpt-4o-mini", "gpt-4o-mini-2024-07-18", "api.openai.com", Format.OPENAI),
    new Model("anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5", "api.anthropic.com", Format.ANTHROPIC),
    new Model("gcp.gemini", "gemini-1.5-flash", "gemini-1.5-flash", "generativelanguage.googleapis.com",
        Format.GEMINI),
  };

  /**
   * One call's tokens by class, canonical (as {@link TokenUsage} holds them): uncached input, cache reads, 5-minute
   * and 1-hour cache writes, non-reasoning output, reasoning.
   */
  private record Tokens(long uncached, long cacheRead, long write5m, long write1h, long output, long reasoning) {
    long input() {
      return uncached + cacheRead + write5m + write1h;
    }

    long outputTotal() {
      return output + reasoning;
    }
  }

  private LoadTest() {}

  /**
   * Runs the load, checks every total and prints the summary.
   *
   * @param args optional: the number of threads, the number of calls per thread
   * @throws InterruptedException if interrupted while waiting for the threads or for GC
   */
  public static void main(String[] args) throws InterruptedException {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int callsPerThread = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    long calls = (long) threads * callsPerThread;
    int failures = run(threads, callsPerThread, calls);
    System.out.println(failures == 0 ? "RESULT: PASS" : "RESULT: FAIL (" + failures + " mismatches)");
    System.exit(failures == 0 ? 0 : 1);
  }

  private static int run(int threads, int callsPerThread, long calls) throws InterruptedException {
    WarningCounter warnings = WarningCounter.install();
    PriceCatalog catalog = PriceCatalog.bundled();
    long startMillis = System.currentTimeMillis();
    PricePeriod[] periods = new PricePeriod[MODELS.length];
    String[] pricingIds = new String[MODELS.length];
    for (int m = 0; m < MODELS.length; m++) {
      ModelMatch match = catalog.resolve(MODELS[m].provider(), MODELS[m].responseModel());
      if (match == null || match.multiplier() != null) {
        throw new IllegalStateException("the bundled catalog does not price " + MODELS[m] + " at list price");
      }
      PricePeriod period = match.entry().periodAt(startMillis);
      // The expected totals assume one set of prices for the whole run; a period that ends within the day would not.
      if (period == null
          || period.effectiveTo() != null && period.effectiveTo().toEpochMilli() < startMillis + 86_400_000L) {
        throw new IllegalStateException("no price in force for the whole run for " + MODELS[m]);
      }
      periods[m] = period;
      pricingIds[m] = match.entry().id();
    }

    Expected expected = Expected.compute(calls, periods);
    System.out.printf(Locale.ROOT,
        "LoadTest: %d threads x %,d calls = %,d LLM calls; JDK %s, %d CPUs, max heap %,d MB%n", threads,
        callsPerThread, calls, System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf(Locale.ROOT, "models: %s; tenants: %s%n", String.join(", ", pricingIds),
        String.join(", ", TENANTS));

    // Warm-up on a pipeline of its own, so that the JIT has compiled the path before the timed run and the checked
    // pipeline sees exactly the counted calls.
    int warmup = Math.min(50_000, Math.max(1, callsPerThread / 10));
    Pipeline warm = Pipeline.create(catalog);
    record(warm, threads, warmup);
    warm.close();
    Reference.reachabilityFence(warm);

    Pipeline p = Pipeline.create(catalog);
    // The ledger keeps one account per tenant and UTC month: a run across a month's end splits the spending.
    java.time.Instant month = p.budgets.status(USD_BUDGET, TENANT_KEY + "=" + TENANTS[0]).periodStart();
    long heapBefore = RollupMemory.usedAfterGc();
    long gcCountBefore = gcCount();
    long gcMillisBefore = gcMillis();
    HeapSampler sampler = HeapSampler.start();
    long t0 = System.nanoTime();
    Recorded recorded = record(p, threads, callsPerThread);
    long thrown = recorded.thrown();
    long recordNanos = System.nanoTime() - t0;
    long peakHeap = sampler.stop();
    long gcCount = gcCount() - gcCountBefore;
    long gcMillis = gcMillis() - gcMillisBefore;
    long heapAfter = RollupMemory.usedAfterGc();

    // Everything the checks read: SimpleSpanProcessor exported each span on the thread that ended it (the flush is
    // a formality), the reader collects cumulative sums now, the ledger is read through Budgets.status.
    p.sdk.getSdkTracerProvider().forceFlush().join(30, TimeUnit.SECONDS);
    Collection<MetricData> metrics = p.reader.collectAllMetrics();
    MetricTotals m = MetricTotals.of(metrics);

    Checks c = new Checks();
    System.out.println();
    System.out.printf(Locale.ROOT, "%-10s %10s %17s %17s %17s %17s  %s%n", "tenant", "calls", "expected nUSD",
        "spans nUSD", "metric nUSD", "ledger nUSD", "");
    long ledgerTotal = 0;
    long spanTotal = 0;
    long metricTotal = 0;
    for (int t = 0; t < TENANTS.length; t++) {
      BudgetStatus usd = p.budgets.status(USD_BUDGET, TENANT_KEY + "=" + TENANTS[t]);
      BudgetStatus tok = p.budgets.status(TOKEN_BUDGET, TENANT_KEY + "=" + TENANTS[t]);
      long spanCost = p.exporter.cost.get(t);
      long metricCost = m.cost[t];
      ledgerTotal = Math.addExact(ledgerTotal, usd.spent());
      spanTotal = Math.addExact(spanTotal, spanCost);
      metricTotal = Math.addExact(metricTotal, metricCost);
      if (!usd.periodStart().equals(month)) {
        c.fail("the run crossed the end of a UTC month, which split the ledger's accounts: run it again");
      }
      boolean ok = c.eq(TENANTS[t] + " span count", p.exporter.spans.get(t), expected.calls[t])
          & c.eq(TENANTS[t] + " span cost", spanCost, expected.cost[t])
          & c.eq(TENANTS[t] + " span input tokens", p.exporter.input.get(t), expected.input[t])
          & c.eq(TENANTS[t] + " span output tokens", p.exporter.output.get(t), expected.output[t])
          & c.eq(TENANTS[t] + " metric cost", metricCost, expected.cost[t])
          & c.eq(TENANTS[t] + " metric input tokens", m.inputTokens[t], expected.input[t])
          & c.eq(TENANTS[t] + " metric output tokens", m.outputTokens[t], expected.output[t])
          & c.eq(TENANTS[t] + " metric input count (calls)", m.inputCount[t], expected.calls[t])
          & c.eq(TENANTS[t] + " metric output count (calls)", m.outputCount[t], expected.calls[t])
          & c.eq(TENANTS[t] + " metric duration count (calls)", m.durationCount[t], expected.calls[t])
          & c.eq(TENANTS[t] + " ledger USD spent", usd.spent(), expected.cost[t])
          & c.eq(TENANTS[t] + " ledger USD reserved", usd.reserved(), 0)
          & c.eq(TENANTS[t] + " ledger tokens spent", tok.spent(), expected.input[t] + expected.output[t])
          & c.eq(TENANTS[t] + " ledger tokens reserved", tok.reserved(), 0);
      System.out.printf(Locale.ROOT, "%-10s %,10d %,17d %,17d %,17d %,17d  %s%n", TENANTS[t], expected.calls[t],
          expected.cost[t], spanCost, metricCost, usd.spent(), ok ? "OK" : "MISMATCH");
    }
    long expectedTotal = expected.totalCost();
    boolean totalOk = c.eq("total span cost", spanTotal, expectedTotal)
        & c.eq("total metric cost", metricTotal, expectedTotal)
        & c.eq("total ledger cost", ledgerTotal, expectedTotal);
    System.out.printf(Locale.ROOT, "%-10s %,10d %,17d %,17d %,17d %,17d  %s%n", "total", calls, expectedTotal,
        spanTotal, metricTotal, ledgerTotal, totalOk ? "OK" : "MISMATCH");
    System.out.printf(Locale.ROOT, "expected total:     %s USD, exactly%n",
        java.math.BigDecimal.valueOf(expectedTotal, 9).toPlainString());
    for (int i = 0; i < MODELS.length; i++) {
      c.eq(pricingIds[i] + " metric cost", m.costByModel[i], expected.costByModel[i]);
      c.eq(pricingIds[i] + " span count", p.exporter.modelSpans.get(i), expected.callsByModel[i]);
      System.out.printf(Locale.ROOT, "  %-36s %,10d calls %,18d nUSD expected, metric %s%n", pricingIds[i],
          expected.callsByModel[i], expected.costByModel[i],
          m.costByModel[i] == expected.costByModel[i] ? "OK" : "MISMATCH " + m.costByModel[i]);
    }

    long spans = p.exporter.total.get();
    c.eq("spans exported", spans, calls);
    c.eq("spans without lockn.cost.total_nanos", p.exporter.unpriced.get(), 0);
    c.eq("spans with another tenant or model", p.exporter.unknown.get(), 0);
    c.eq("cost metric points with another tenant or model", m.unknown, 0);
    c.eq("lockn.client.unpriced_calls", m.unpricedCalls, 0);
    c.eq("calls that threw", thrown, 0);
    c.eq("LockN warnings (io.lockn.usage)", warnings.count.get(), 0);
    if (expected.input() >= EXACT_DOUBLE_LIMIT || expected.output() >= EXACT_DOUBLE_LIMIT) {
      c.fail("token sums above 2^53: the histogram's double sum is not checked exactly");
    }
    double seconds = recordNanos / 1e9;
    System.out.printf(Locale.ROOT,
        "spans exported:     %,d (expected %,d); calls that threw: %,d; LockN warnings: %d%n", spans,
        calls, thrown, warnings.count.get());
    System.out.printf(Locale.ROOT, "tokens:             input %,d, output %,d (spans, metrics and ledger equal)%n",
        expected.input(), expected.output());
    System.out.printf(Locale.ROOT,
        "throughput:         %,.0f calls/s (%,d calls in %.2f s on %d threads; %,d GCs, %,d ms)%n", calls / seconds,
        calls, seconds, threads, gcCount, gcMillis);
    System.out.printf(Locale.ROOT, "CPU per call:       %.2f us on the recording threads (%.1f s CPU in all; GC and the"
        + " machine's other load excluded)%n", recorded.cpuNanos() / 1e3 / calls, recorded.cpuNanos() / 1e9);
    System.out.printf(Locale.ROOT, "heap after GC:      before %,d B, after %,d B: %,d B retained, %.4f B per call%n",
        heapBefore, heapAfter, heapAfter - heapBefore, (heapAfter - heapBefore) / (double) calls);
    System.out.printf(Locale.ROOT, "peak heap used:     %,d MB (sampled every 10 ms; max heap %,d MB)%n",
        peakHeap >> 20, Runtime.getRuntime().maxMemory() >> 20);
    // Bounded memory: nothing per call may stay behind. A few hundred KB of GC noise and lazily built caches
    // (attributes, resolver, budget accounts) are allowed; 1 byte per call would be 2 MB at the default size.
    if (heapAfter - heapBefore > Math.max(4L << 20, calls)) {
      c.fail("heap grew by " + (heapAfter - heapBefore) + " B over " + calls + " calls");
    }
    Reference.reachabilityFence(p);
    p.close();
    for (String f : c.failures) {
      System.out.println("MISMATCH: " + f);
    }
    return c.failures.size();
  }

  /** What the recording threads report: how many calls threw, and the CPU time the threads used. */
  private record Recorded(long thrown, long cpuNanos) {}

  /** Records {@code callsPerThread} calls on each of {@code threads} threads. */
  private static Recorded record(Pipeline p, int threads, int callsPerThread) throws InterruptedException {
    AtomicLong thrown = new AtomicLong();
    AtomicLong cpuNanos = new AtomicLong();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long first = (long) t * callsPerThread;
      Thread w = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (long g = first; g < first + callsPerThread; g++) {
          try {
            call(p.lockn, g);
          } catch (Throwable e) {
            if (thrown.getAndIncrement() == 0) {
              e.printStackTrace();
            }
          }
        }
        // The calls' own CPU time, which the machine's other load does not change (wall time it does).
        cpuNanos.addAndGet(Math.max(0, THREADS.getCurrentThreadCpuTime()));
      }, "load-" + t);
      workers.add(w);
      w.start();
    }
    go.countDown();
    for (Thread w : workers) {
      w.join();
    }
    return new Recorded(thrown.get(), cpuNanos.get());
  }

  /** One LLM call as an application records it: tenant in Baggage, the call admitted, its usage and response. */
  private static void call(LockN lockn, long g) {
    int m = model(g);
    Model model = MODELS[m];
    Tokens tk = tokens(g, m);
    TokenUsage usage =
        switch (model.format()) {
          case OPENAI -> TokenUsage.fromOpenAi(tk.input(), tk.cacheRead(), tk.outputTotal(), tk.reasoning());
          case ANTHROPIC -> TokenUsage.fromAnthropic(tk.uncached(), tk.cacheRead(), tk.write5m(), tk.write1h(),
              tk.output());
          case GEMINI -> TokenUsage.fromGemini(tk.input(), tk.cacheRead(), tk.output(), tk.reasoning());
        };
    try (Scope tenant = lockn.attribution().tenant(TENANTS[tenant(g)]).makeCurrent();
        LlmCall call = lockn.chat(model.provider(), model.requestModel())
            .server(model.server(), 443)
            .estimatedInputTokens(tk.input())
            .maxTokens(tk.outputTotal() + 64)
            .start()) {
      call.recordUsage(usage).responseModel(model.responseModel()).finishReasons(STOP);
    }
  }

  private static int model(long g) {
    return (int) (g % MODELS.length);
  }

  /** Every (model, tenant) pair occurs: the tenant changes every three calls. */
  private static int tenant(long g) {
    return (int) ((g / MODELS.length) % TENANTS.length);
  }

  /** The call's tokens, a deterministic function of its global index {@code g}. */
  private static Tokens tokens(long g, int model) {
    // The round of (model, tenant) pairs: token classes vary with it, so that every tenant gets every mix.
    long k = g / ((long) MODELS.length * TENANTS.length);
    // 300 to 4,299 input tokens; about one call in 10,000 above 200,000, past the long-context tiers.
    long prompt = g % 10_007 == 0 ? 200_001 + g % 1_000 : 300 + (g * 7_919) % 4_000;
    long out = 1 + (g * 104_729) % 1_500;
    return switch (MODELS[model].format()) {
      case OPENAI -> {
        long cached = k % 4 == 0 ? prompt / 3 : 0;
        long reasoning = k % 5 == 0 ? out / 4 : 0;
        yield new Tokens(prompt - cached, cached, 0, 0, out - reasoning, reasoning);
      }
      // Anthropic reports cache reads and writes on top of the uncached input.
      case ANTHROPIC -> new Tokens(prompt, k % 2 == 0 ? prompt / 2 : 0, k % 3 == 0 ? 1 + g % 777 : 0,
          k % 7 == 0 ? 1 + g % 555 : 0, out, 0);
      case GEMINI -> {
        // Odd and even counts at 18.75 nano-USD per cached token: fractions .25, .5 and .75 to round.
        long cached = k % 2 == 1 ? 1 + g % 299 : 0;
        long thoughts = k % 4 == 0 ? 1 + g % 97 : 0;
        yield new Tokens(prompt - cached, cached, 0, 0, out, thoughts);
      }
    };
  }

  /** The expected totals, computed without LockN. */
  private static final class Expected {
    final long[] calls = new long[TENANTS.length];
    final long[] cost = new long[TENANTS.length];
    final long[] input = new long[TENANTS.length];
    final long[] output = new long[TENANTS.length];
    final long[] callsByModel = new long[MODELS.length];
    final long[] costByModel = new long[MODELS.length];

    static Expected compute(long calls, PricePeriod[] periods) {
      Expected e = new Expected();
      for (long g = 0; g < calls; g++) {
        int m = model(g);
        int t = tenant(g);
        Tokens tk = tokens(g, m);
        long cost = cost(tk, periods[m]);
        e.calls[t]++;
        e.cost[t] = Math.addExact(e.cost[t], cost);
        e.input[t] = Math.addExact(e.input[t], tk.input());
        e.output[t] = Math.addExact(e.output[t], tk.outputTotal());
        e.callsByModel[m]++;
        e.costByModel[m] = Math.addExact(e.costByModel[m], cost);
      }
      return e;
    }

    long totalCost() {
      return sum(cost);
    }

    long input() {
      return sum(input);
    }

    long output() {
      return sum(output);
    }

    private static long sum(long[] values) {
      long s = 0;
      for (long v : values) {
        s = Math.addExact(s, v);
      }
      return s;
    }

    /**
     * One call's cost in nano-USD: each token class at its pico-USD rate, divided by 1,000 with half-even rounding,
     * then summed. The rates are those of the highest tier whose threshold the inclusive input count exceeds.
     */
    static long cost(Tokens tk, PricePeriod period) {
      Rates r = period.rates();
      long threshold = -1;
      for (Tier tier : period.tiers()) {
        if (tk.input() > tier.aboveInputTokens() && tier.aboveInputTokens() > threshold) {
          threshold = tier.aboveInputTokens();
          r = tier.rates();
        }
      }
      long[] parts = {
        nanos(tk.uncached(), r.input()),
        nanos(tk.cacheRead(), r.cacheRead()),
        nanos(tk.write5m(), r.cacheWrite5m()),
        nanos(tk.write1h(), r.cacheWrite1h()),
        nanos(tk.output(), r.output()),
        nanos(tk.reasoning(), r.reasoning()),
      };
      return sum(parts);
    }

    /** {@code round_half_even(tokens x picos / 1000)}, for non-negative values. */
    static long nanos(long tokens, long picosPerToken) {
      long picos = Math.multiplyExact(tokens, picosPerToken);
      long q = picos / 1000;
      long rem = picos % 1000;
      if (rem > 500 || rem == 500 && (q & 1) == 1) {
        q++;
      }
      return q;
    }
  }

  /** The SDK, LockN and budgets under test, and the probes that read what they recorded. */
  private static final class Pipeline {
    final SummingSpanExporter exporter = new SummingSpanExporter();
    // Cumulative for every instrument: one collection at the end holds the run's whole sums.
    final InMemoryMetricReader reader = InMemoryMetricReader.create();
    final OpenTelemetrySdk sdk;
    final Budgets budgets;
    final LockN lockn;

    private Pipeline(PriceCatalog catalog) {
      SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(reader).build();
      CostPipeline costs = CostPipeline.builder(catalog).setMeterProvider(meters).addMetricAttributionKey(TENANT_KEY)
          .build();
      SdkTracerProvider tracing =
          SdkTracerProvider.builder()
              .setSampler(Sampler.alwaysOn())
              .addSpanProcessor(costs)
              // SimpleSpanProcessor hands every ended span to the exporter on the thread that ends it, before
              // end() returns: there is no queue to overflow, so no span can be dropped and none is still in
              // flight when the threads have joined. A BatchSpanProcessor drops spans when its queue (2,048 by
              // default) is full, which depends on how fast its exporter thread is scheduled; a lost span there
              // would say something about the queue and the machine, not about LockN.
              .addSpanProcessor(SimpleSpanProcessor.create(exporter))
              .build();
      sdk = OpenTelemetrySdk.builder().setTracerProvider(tracing).setMeterProvider(meters).build();
      budgets =
          Budgets.builder(catalog)
              // Limits no run reaches: every call is admitted, reserved and committed.
              .addBudget(
                  Budget.builder(USD_BUDGET)
                      .scope(io.lockn.budget.Scope.each(TENANT_KEY))
                      .limitUsd("10000000")
                      .period(Period.month(ZoneOffset.UTC))
                      .build())
              .addBudget(
                  Budget.builder(TOKEN_BUDGET)
                      .scope(io.lockn.budget.Scope.each(TENANT_KEY))
                      .limitTokens(1_000_000_000_000_000L)
                      .period(Period.month(ZoneOffset.UTC))
                      .build())
              .setMeterProvider(meters)
              .build();
      lockn =
          LockN.builder()
              .setOpenTelemetry(sdk)
              .setSemconvProfile(SemconvProfile.V1_41)
              .addMetricAttributionKey(TENANT_KEY)
              .setCallPricing(costs)
              .setCallAdmission(budgets)
              .build();
    }

    static Pipeline create(PriceCatalog catalog) {
      return new Pipeline(catalog);
    }

    void close() {
      sdk.shutdown().join(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Sums what each finished span carries, per tenant, exactly: the number of spans, {@code lockn.cost.total_nanos}
   * and the usage counts. {@link SimpleSpanProcessor} serializes exports, but the sums are atomic anyway so that they
   * stay exact under any processor.
   */
  private static final class SummingSpanExporter implements SpanExporter {
    private static final Map<String, Integer> TENANT_INDEX = index(TENANTS);
    private static final Map<String, Integer> MODEL_INDEX = modelIndex();
    final AtomicLong total = new AtomicLong();
    final AtomicLong unpriced = new AtomicLong();
    final AtomicLong unknown = new AtomicLong();
    final AtomicLongArray spans = new AtomicLongArray(TENANTS.length);
    final AtomicLongArray cost = new AtomicLongArray(TENANTS.length);
    final AtomicLongArray input = new AtomicLongArray(TENANTS.length);
    final AtomicLongArray output = new AtomicLongArray(TENANTS.length);
    final AtomicLongArray modelSpans = new AtomicLongArray(MODELS.length);

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      for (SpanData span : batch) {
        total.incrementAndGet();
        Attributes a = span.getAttributes();
        Integer t = TENANT_INDEX.get(a.get(TENANT));
        Integer m = MODEL_INDEX.get(a.get(GenAiAttributes.GEN_AI_RESPONSE_MODEL));
        Long nanos = a.get(CostAttributes.TOTAL_NANOS);
        if (t == null || m == null) {
          unknown.incrementAndGet();
          continue;
        }
        spans.incrementAndGet(t);
        modelSpans.incrementAndGet(m);
        if (nanos == null) {
          unpriced.incrementAndGet();
        } else {
          cost.addAndGet(t, nanos);
        }
        input.addAndGet(t, orZero(a.get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)));
        output.addAndGet(t, orZero(a.get(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)));
      }
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

  private static long orZero(@Nullable Long value) {
    return value == null ? 0 : value;
  }

  private static Map<String, Integer> index(String[] values) {
    java.util.HashMap<String, Integer> map = new java.util.HashMap<>();
    for (int i = 0; i < values.length; i++) {
      map.put(values[i], i);
    }
    return Map.copyOf(map);
  }

  private static Map<String, Integer> modelIndex() {
    String[] names = new String[MODELS.length];
    for (int i = 0; i < MODELS.length; i++) {
      names[i] = MODELS[i].responseModel();
    }
    return index(names);
  }

  /** The collected metrics, summed per tenant. */
  private static final class MetricTotals {
    final long[] cost = new long[TENANTS.length];
    final long[] costByModel = new long[MODELS.length];
    final long[] inputTokens = new long[TENANTS.length];
    final long[] outputTokens = new long[TENANTS.length];
    final long[] inputCount = new long[TENANTS.length];
    final long[] outputCount = new long[TENANTS.length];
    final long[] durationCount = new long[TENANTS.length];
    long unknown;
    long unpricedCalls;

    static MetricTotals of(Collection<MetricData> metrics) {
      MetricTotals m = new MetricTotals();
      for (MetricData data : metrics) {
        switch (data.getName()) {
          case "lockn.client.cost" -> {
            require(data, MetricDataType.LONG_SUM);
            for (LongPointData point : data.getLongSumData().getPoints()) {
              Integer t = SummingSpanExporter.TENANT_INDEX.get(point.getAttributes().get(TENANT));
              Integer model = SummingSpanExporter.MODEL_INDEX.get(
                  point.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_MODEL));
              if (t == null || model == null) {
                m.unknown++;
                continue;
              }
              // Every token class of a call is a point of its own (cost_type); their sum is the call's total.
              m.cost[t] = Math.addExact(m.cost[t], point.getValue());
              m.costByModel[model] = Math.addExact(m.costByModel[model], point.getValue());
            }
          }
          case "lockn.client.unpriced_calls" -> {
            for (LongPointData point : data.getLongSumData().getPoints()) {
              m.unpricedCalls += point.getValue();
            }
          }
          case "gen_ai.client.token.usage" -> {
            require(data, MetricDataType.HISTOGRAM);
            for (HistogramPointData point : data.getHistogramData().getPoints()) {
              Integer t = SummingSpanExporter.TENANT_INDEX.get(point.getAttributes().get(TENANT));
              String type = point.getAttributes().get(TOKEN_TYPE);
              if (t == null) {
                m.unknown++;
                continue;
              }
              // Exact: integer values whose partial sums stay below 2^53 (checked by the caller).
              long sum = (long) point.getSum();
              if ("input".equals(type)) {
                m.inputTokens[t] += sum;
                m.inputCount[t] += point.getCount();
              } else if ("output".equals(type)) {
                m.outputTokens[t] += sum;
                m.outputCount[t] += point.getCount();
              } else {
                m.unknown++;
              }
            }
          }
          case "gen_ai.client.operation.duration" -> {
            for (HistogramPointData point : data.getHistogramData().getPoints()) {
              Integer t = SummingSpanExporter.TENANT_INDEX.get(point.getAttributes().get(TENANT));
              if (t == null) {
                m.unknown++;
              } else {
                m.durationCount[t] += point.getCount();
              }
            }
          }
          default -> {
            // Other LockN and budget metrics (finish reasons, budget actions) are not totals this test checks.
          }
        }
      }
      return m;
    }

    private static void require(MetricData data, MetricDataType type) {
      if (data.getType() != type) {
        throw new IllegalStateException(data.getName() + " is a " + data.getType() + ", not a " + type);
      }
    }
  }

  /** Collects mismatches. */
  private static final class Checks {
    final List<String> failures = new ArrayList<>();

    boolean eq(String what, long actual, long expected) {
      if (actual != expected) {
        failures.add(String.format(Locale.ROOT, "%s: %,d, expected %,d (difference %,d)", what, actual, expected,
            actual - expected));
        return false;
      }
      return true;
    }

    void fail(String what) {
      failures.add(what);
    }
  }

  /** Counts the warnings LockN logs: where it reports its own failures instead of throwing into the application. */
  private static final class WarningCounter extends Handler {
    // Held here: java.util.logging keeps loggers only weakly, and a collected logger would lose the handler.
    private static final Logger LOGGER = Logger.getLogger(UsageLogger.LOGGER_NAME);
    final AtomicLong count = new AtomicLong();

    static WarningCounter install() {
      WarningCounter counter = new WarningCounter();
      LOGGER.addHandler(counter);
      return counter;
    }

    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        count.incrementAndGet();
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  /** The highest used heap seen while the load runs. */
  private static final class HeapSampler implements Runnable {
    private final Thread thread = new Thread(this, "heap-sampler");
    private volatile boolean running = true;
    private long peak;

    static HeapSampler start() {
      HeapSampler s = new HeapSampler();
      s.thread.setDaemon(true);
      s.thread.start();
      return s;
    }

    @Override
    public void run() {
      while (running) {
        peak = Math.max(peak, MEMORY.getHeapMemoryUsage().getUsed());
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /** Stops sampling; the join makes the sampler's {@code peak} visible here. */
    long stop() throws InterruptedException {
      running = false;
      thread.join();
      return Math.max(peak, MEMORY.getHeapMemoryUsage().getUsed());
    }
  }

  private static long gcCount() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }

  private static long gcMillis() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionTime());
    }
    return n;
  }
}
