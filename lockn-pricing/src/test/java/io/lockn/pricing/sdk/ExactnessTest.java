package io.lockn.pricing.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.AttributionKeys;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.CostLedger;
import io.lockn.pricing.PriceCatalog;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The exactness requirement: the sum of 1,000,000 recorded costs equals the exact decimal sum, in the
 * in-process totals (the {@link CostLedger}) and in the exported metric ({@code lockn.client.cost}).
 *
 * <p>A million model-call spans, made with a plain OpenTelemetry {@link Tracer} (as foreign instrumentation would),
 * go through a real {@link SdkTracerProvider} whose only pricing component is a {@link CostPipeline}. The expected
 * amounts are computed here independently of LockN's code, with {@link BigDecimal} only, from the USD-per-million
 * prices as published (and as written in {@code catalog.json}): each part of a call is {@code tokens x price x
 * multipliers / 1,000,000} rounded HALF_EVEN to 9 decimal places (nano-USD), and a call costs the sum of its parts.
 *
 * <p>The mix is chosen so that many parts are fractional in nano-USD and must round, including exact halves where
 * HALF_EVEN and HALF_UP differ: Gemini 1.5 Flash cache reads ($0.01875, 18.75 n/token; $0.0375 above 128k, 37.5
 * n/token), Gemini 1.5 Pro cache reads ($0.3125, 312.5 n/token), gpt-4o-mini cache reads under batch (x0.5, 37.5
 * n/token) and priority (x1.7, 127.5 n/token), an Azure EU data-zone deployment (x1.1: 82.5 n/token cache reads), a
 * Bedrock {@code us.} inference profile with a negotiated discount (x1.1 x0.925), DeepSeek with a 15% discount, Claude
 * Sonnet 4.5 with 5-minute and 1-hour cache writes and its >200k tier, and o3 with reasoning tokens; token counts
 * come from a seeded {@link Random}, with requests exactly at and one token above each tier threshold.
 */
class ExactnessTest {

  private static final int CALLS = 1_000_000;
  private static final long SEED = 0x10C4_2026_1101L;
  /** The fixed instant every span is priced at: after o3's 2025-06-10 cut and the 2024-08/10 Gemini 1.5 cuts. */
  private static final Instant NOW = Instant.parse("2026-11-01T12:00:00Z");

  private static final String[] TENANTS = {"acme", "globex", "initech"};

  private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
  private static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
  private static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  private static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
  private static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  private static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
  private static final AttributeKey<Long> CACHE_READ_TOKENS =
      AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
  private static final AttributeKey<Long> CACHE_CREATION_TOKENS =
      AttributeKey.longKey("gen_ai.usage.cache_creation.input_tokens");
  private static final AttributeKey<Long> CACHE_WRITE_1H_TOKENS =
      AttributeKey.longKey("lockn.usage.cache_write_1h.input_tokens");
  private static final AttributeKey<Long> REASONING_TOKENS =
      AttributeKey.longKey("gen_ai.usage.reasoning.output_tokens");
  private static final AttributeKey<String> SERVICE_TIER = AttributeKey.stringKey("openai.response.service_tier");
  private static final AttributeKey<String> TENANT = AttributeKey.stringKey(AttributionKeys.DEFAULT_TENANT_KEY);

  // Token classes, in the order of Prices' fields.
  private static final int UNCACHED = 0;
  private static final int CACHE_READ = 1;
  private static final int WRITE_5M = 2;
  private static final int WRITE_1H = 3;
  private static final int OUTPUT = 4;
  private static final int REASONING = 5;
  private static final int CLASSES = 6;
  /** The {@code lockn.cost.type} of each class: both cache-write TTLs are one metric class. */
  private static final String[] COST_TYPE = {"input", "cache_read", "cache_write", "cache_write", "output",
      "reasoning"};

  /**
   * Published USD per 1M tokens of one context tier, per token class: uncached input, cache read, cache write 5m,
   * cache write 1h, non-reasoning output, reasoning. Where a provider has no separate price the catalog's documented
   * rule is written out by hand: cache writes at input, reasoning at output.
   */
  private record Prices(String... usdPerMillion) {
    Prices {
      if (usdPerMillion.length != CLASSES) {
        throw new IllegalArgumentException("6 prices");
      }
    }

    /** Price x multiplier, exact, per class. */
    BigDecimal[] times(BigDecimal multiplier) {
      BigDecimal[] out = new BigDecimal[CLASSES];
      for (int i = 0; i < CLASSES; i++) {
        out[i] = new BigDecimal(usdPerMillion[i]).multiply(multiplier);
      }
      return out;
    }
  }

  /** What kind of usage a provider reports. */
  private enum Shape {
    /** Input with cache reads, output. */
    CACHED,
    /** Input with cache reads and 5-minute and 1-hour cache writes, output. */
    ANTHROPIC,
    /** Input with cache reads, output with reasoning. */
    REASONING
  }

  /**
   * One model as a client reports it, and its published prices.
   *
   * @param multiplier regional uplift x negotiated-discount factor, exact
   * @param serviceTiers service-tier values the client may report ({@code null}: none) and their catalog factors
   */
  private record Model(
      String provider,
      String requestModel,
      @Nullable String responseModel,
      Shape shape,
      int maxInput,
      int maxOutput,
      Prices base,
      long tierAbove,
      @Nullable Prices tier,
      BigDecimal multiplier,
      String[] serviceTiers,
      BigDecimal[] serviceTierFactors) {

    String ledgerModel() {
      return responseModel != null ? responseModel : requestModel;
    }
  }

  private static final String[] NO_TIER = {null};
  private static final BigDecimal[] NO_TIER_FACTOR = {BigDecimal.ONE};

  private static List<Model> models() {
    BigDecimal one = BigDecimal.ONE;
    return List.of(
        // OpenAI gpt-4o-mini: $0.15 / $0.60, cache reads $0.075; batch x0.5, priority x1.7 (catalog provider tiers).
        new Model("openai", "gpt-4o-mini", "gpt-4o-mini-2024-07-18", Shape.CACHED, 128_000, 16_384,
            new Prices("0.15", "0.075", "0.15", "0.15", "0.60", "0.60"), Long.MAX_VALUE, null, one,
            new String[] {null, "default", "batch", "priority"},
            new BigDecimal[] {one, one, new BigDecimal("0.5"), new BigDecimal("1.7")}),
        // Gemini 1.5 Flash (since 2024-08-12): $0.075 / $0.30, cache $0.01875; whole request > 128k: $0.15 / $0.60,
        // cache $0.0375. Reported with a version suffix.
        new Model("gcp.gemini", "gemini-1.5-flash-002", null, Shape.CACHED, 400_000, 8_192,
            new Prices("0.075", "0.01875", "0.075", "0.075", "0.30", "0.30"), 128_000,
            new Prices("0.15", "0.0375", "0.15", "0.15", "0.60", "0.60"), one, NO_TIER, NO_TIER_FACTOR),
        // Gemini 1.5 Pro on Vertex AI (since 2024-10-01): $1.25 / $5.00, cache $0.3125; > 128k: $2.50 / $10.00,
        // cache $0.625.
        new Model("gcp.vertex_ai", "gemini-1.5-pro-002", null, Shape.CACHED, 400_000, 8_192,
            new Prices("1.25", "0.3125", "1.25", "1.25", "5.00", "5.00"), 128_000,
            new Prices("2.50", "0.625", "2.50", "2.50", "10.00", "10.00"), one, NO_TIER, NO_TIER_FACTOR),
        // Claude Sonnet 4.5: $3 / $15, cache read $0.30, writes $3.75 (5m) and $6 (1h); > 200k: $6 / $22.50, $0.60,
        // $7.50, $12.
        new Model("anthropic", "claude-sonnet-4-5-20250929", null, Shape.ANTHROPIC, 400_000, 32_000,
            new Prices("3.00", "0.30", "3.75", "6.00", "15.00", "15.00"), 200_000,
            new Prices("6.00", "0.60", "7.50", "12.00", "22.50", "22.50"), one, NO_TIER, NO_TIER_FACTOR),
        // The same model on Vertex AI, Vertex-style id.
        new Model("gcp.vertex_ai", "claude-sonnet-4-5@20250929", null, Shape.ANTHROPIC, 400_000, 32_000,
            new Prices("3.00", "0.30", "3.75", "6.00", "15.00", "15.00"), 200_000,
            new Prices("6.00", "0.60", "7.50", "12.00", "22.50", "22.50"), one, NO_TIER, NO_TIER_FACTOR),
        // o3 after the 2025-06-10 cut: $2 / $8, cache $0.50, reasoning billed as output; flex and batch x0.5.
        new Model("openai", "o3", "o3-2025-04-16", Shape.REASONING, 200_000, 100_000,
            new Prices("2.00", "0.50", "2.00", "2.00", "8.00", "8.00"), Long.MAX_VALUE, null, one,
            new String[] {null, "flex", "batch"}, new BigDecimal[] {one, new BigDecimal("0.5"), new BigDecimal("0.5")}),
        // Claude Haiku 4.5 through a Bedrock US inference profile: $1 / $5, $0.10, $1.25, $2; x1.1 for the regional
        // profile, x0.925 for a negotiated 7.5% discount on Bedrock.
        new Model("aws.bedrock", "us.anthropic.claude-haiku-4-5-20251001-v1:0", null, Shape.ANTHROPIC, 200_000, 16_000,
            new Prices("1.00", "0.10", "1.25", "2.00", "5.00", "5.00"), Long.MAX_VALUE, null,
            new BigDecimal("1.1").multiply(new BigDecimal("0.925")), NO_TIER, NO_TIER_FACTOR),
        // DeepSeek chat (V3.2, since 2025-09-29): $0.28 / $0.42, cache $0.028; a negotiated 15% discount.
        new Model("deepseek", "deepseek-chat", null, Shape.CACHED, 128_000, 8_192,
            new Prices("0.28", "0.028", "0.28", "0.28", "0.42", "0.42"), Long.MAX_VALUE, null,
            new BigDecimal("0.85"), NO_TIER, NO_TIER_FACTOR),
        // An Azure OpenAI deployment name mapped to gpt-4o-mini in the EU data zone: x1.1; batch x0.5.
        new Model("azure.ai.openai", "prod-mini-eu", null, Shape.CACHED, 128_000, 16_384,
            new Prices("0.15", "0.075", "0.15", "0.15", "0.60", "0.60"), Long.MAX_VALUE, null, new BigDecimal("1.1"),
            new String[] {null, "batch"}, new BigDecimal[] {one, new BigDecimal("0.5")}));
  }

  private static PriceCatalog catalog() {
    return PriceCatalog.builder()
        .addAll(PriceCatalog.bundled())
        .discount("aws.bedrock", null, new BigDecimal("7.5"))
        .discount("deepseek", "deepseek-chat", new BigDecimal("15"))
        .alias("azure.ai.openai", "prod-mini-eu", "gpt-4o-mini", "eu")
        .build();
  }

  /**
   * Reads what the cost processor put on each span as it ends, and checks each call against the independently
   * computed expectation as it happens, so a failure names the first calls that differ.
   */
  private static final class Checker implements SpanProcessor {
    long expectedNanos;
    int call;
    long ended;
    long priced;
    long unpriced;
    long attributeNanos;
    double attributeUsd;
    long mismatches;
    final List<String> firstMismatches = new ArrayList<>();

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      ended++;
      Long nanos = span.getAttribute(CostAttributes.TOTAL_NANOS);
      Double usd = span.getAttribute(CostAttributes.TOTAL);
      if (Boolean.TRUE.equals(span.getAttribute(CostAttributes.UNPRICED))) {
        unpriced++;
      }
      if (nanos != null && usd != null) {
        priced++;
        attributeNanos += nanos;
        attributeUsd += usd;
      }
      if (nanos == null || nanos != expectedNanos) {
        mismatches++;
        if (firstMismatches.size() < 10) {
          firstMismatches.add("call " + call + ": expected " + expectedNanos + " n, span has " + nanos + " n; "
              + span.toSpanData().getAttributes());
        }
      }
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  @Test
  void aMillionCosts_sumExactly_inTheLedgerAndTheMetric() {
    long started = System.nanoTime();
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(metrics).build();
    CostLedger ledger = CostLedger.create();
    Checker checker = new Checker();
    SdkTracerProvider tracing =
        SdkTracerProvider.builder()
            .setClock(io.opentelemetry.sdk.testing.time.TestClock.create(NOW))
            .addSpanProcessor(
                CostPipeline.builder(catalog())
                    .setMeterProvider(meters)
                    .setLedger(ledger)
                    .build())
            .addSpanProcessor(checker)
            .build();
    Tracer tracer = tracing.get("exactness-test");

    List<Model> models = models();
    // rates[model][service tier][0 = base, 1 = above the context tier][class]: published price x multipliers, exact.
    BigDecimal[][][][] rates = new BigDecimal[models.size()][][][];
    String[] spanNames = new String[models.size()];
    for (int m = 0; m < models.size(); m++) {
      Model model = models.get(m);
      spanNames[m] = "chat " + model.requestModel();
      rates[m] = new BigDecimal[model.serviceTiers().length][2][];
      for (int s = 0; s < model.serviceTiers().length; s++) {
        BigDecimal factor = model.multiplier().multiply(model.serviceTierFactors()[s]);
        rates[m][s][0] = model.base().times(factor);
        rates[m][s][1] = model.tier() == null ? null : model.tier().times(factor);
      }
    }

    Random random = new Random(SEED);
    BigDecimal expected = BigDecimal.ZERO.setScale(9);
    long[] expectedByType = new long[CLASSES];
    Map<String, Long> expectedByModel = new TreeMap<>();
    Map<String, Long> expectedByTenant = new TreeMap<>();
    long fractionalParts = 0;
    long halfParts = 0;
    long aboveTier = 0;
    long[] tokens = new long[CLASSES];

    long recordingStarted = System.nanoTime();
    for (int call = 0; call < CALLS; call++) {
      int m = random.nextInt(models.size());
      Model model = models.get(m);
      int s = random.nextInt(model.serviceTiers().length);
      String tenant = TENANTS[random.nextInt(TENANTS.length)];
      draw(random, model, tokens);
      long inclusiveInput = tokens[UNCACHED] + tokens[CACHE_READ] + tokens[WRITE_5M] + tokens[WRITE_1H];
      long inclusiveOutput = tokens[OUTPUT] + tokens[REASONING];

      // The expectation, from published decimal prices only.
      boolean tiered = model.tier() != null && inclusiveInput > model.tierAbove();
      BigDecimal[] r = rates[m][s][tiered ? 1 : 0];
      BigDecimal callUsd = BigDecimal.ZERO.setScale(9);
      for (int c = 0; c < CLASSES; c++) {
        if (tokens[c] == 0) {
          continue;
        }
        BigDecimal exact = BigDecimal.valueOf(tokens[c]).multiply(r[c]).movePointLeft(6);
        BigDecimal part = exact.setScale(9, RoundingMode.HALF_EVEN);
        if (exact.compareTo(part) != 0) {
          fractionalParts++;
          BigDecimal residue = exact.subtract(part).abs().movePointRight(9);
          if (residue.compareTo(new BigDecimal("0.5")) == 0) {
            halfParts++;
          }
        }
        callUsd = callUsd.add(part);
        expectedByType[c] += part.unscaledValue().longValueExact();
      }
      if (tiered) {
        aboveTier++;
      }
      long callNanos = callUsd.unscaledValue().longValueExact();
      expected = expected.add(callUsd);
      expectedByModel.merge(model.ledgerModel(), callNanos, Long::sum);
      expectedByTenant.merge(tenant, callNanos, Long::sum);

      // The call, as an instrumentation library would record it.
      SpanBuilder builder = tracer.spanBuilder(spanNames[m])
          .setSpanKind(SpanKind.CLIENT)
          .setAttribute(OPERATION, "chat")
          .setAttribute(PROVIDER, model.provider())
          .setAttribute(REQUEST_MODEL, model.requestModel())
          .setAttribute(TENANT, tenant);
      Span span = builder.startSpan();
      if (model.responseModel() != null) {
        span.setAttribute(RESPONSE_MODEL, model.responseModel());
      }
      span.setAttribute(INPUT_TOKENS, inclusiveInput);
      span.setAttribute(OUTPUT_TOKENS, inclusiveOutput);
      if (tokens[CACHE_READ] > 0) {
        span.setAttribute(CACHE_READ_TOKENS, tokens[CACHE_READ]);
      }
      if (tokens[WRITE_5M] + tokens[WRITE_1H] > 0) {
        span.setAttribute(CACHE_CREATION_TOKENS, tokens[WRITE_5M] + tokens[WRITE_1H]);
      }
      if (tokens[WRITE_1H] > 0) {
        span.setAttribute(CACHE_WRITE_1H_TOKENS, tokens[WRITE_1H]);
      }
      if (tokens[REASONING] > 0) {
        span.setAttribute(REASONING_TOKENS, tokens[REASONING]);
      }
      String serviceTier = model.serviceTiers()[s];
      if (serviceTier != null) {
        span.setAttribute(SERVICE_TIER, serviceTier);
      }
      checker.expectedNanos = callNanos;
      checker.call = call;
      span.end();
    }
    long recordingNanos = System.nanoTime() - recordingStarted;

    long expectedNanos = expected.movePointRight(9).longValueExact();
    BigDecimal ledgerTotal = ledger.total(NOW.minusSeconds(60), NOW.plusSeconds(60));
    Collection<MetricData> collected = metrics.collectAllMetrics();
    MetricData costMetric =
        collected.stream().filter(d -> d.getName().equals("lockn.client.cost")).findFirst().orElseThrow();
    long metricNanos = 0;
    long[] metricByType = new long[CLASSES];
    for (LongPointData p : costMetric.getLongSumData().getPoints()) {
      metricNanos += p.getValue();
      String type = p.getAttributes().get(CostAttributes.COST_TYPE);
      for (int c = 0; c < CLASSES; c++) {
        if (COST_TYPE[c].equals(type)) {
          metricByType[c] += p.getValue();
          break;
        }
      }
    }
    long unpricedMetric = collected.stream().filter(d -> d.getName().equals("lockn.client.unpriced_calls"))
        .flatMap(d -> d.getLongSumData().getPoints().stream()).mapToLong(LongPointData::getValue).sum();

    // (c) The same million costs as doubles: the lockn.cost.total values on the spans, summed as doubles.
    double doubleSum = checker.attributeUsd;
    BigDecimal doubleSumExact = new BigDecimal(doubleSum);
    BigDecimal doubleSumToNano = doubleSumExact.setScale(9, RoundingMode.HALF_EVEN);
    long elapsedNanos = System.nanoTime() - started;

    System.out.printf(
        "ExactnessTest: %,d calls (%,d above a context tier), %,d parts fractional in nano-USD (%,d exact halves)%n"
            + "  expected (BigDecimal)       = %s USD (%,d nano-USD)%n"
            + "  ledger total                = %s USD%n"
            + "  lockn.client.cost sum       = %,d nano-USD%n"
            + "  span lockn.cost.total_nanos = %,d nano-USD%n"
            + "  sum of 1M doubles           = %s (exactly %s)%n"
            + "  doubles rounded to nano-USD = %s (%s)%n"
            + "  doubles vs nearest double   = %s vs %s (%s)%n"
            + "  recording %,d ms (%.2f us/span); whole test %,d ms%n",
        CALLS, aboveTier, fractionalParts, halfParts,
        expected.toPlainString(), expectedNanos,
        ledgerTotal.toPlainString(),
        metricNanos,
        checker.attributeNanos,
        doubleSum, doubleSumExact.toPlainString(),
        doubleSumToNano.toPlainString(), doubleSumToNano.compareTo(expected) == 0 ? "equal" : "differs by "
            + doubleSumToNano.subtract(expected).toPlainString(),
        doubleSum, expected.doubleValue(), doubleSum == expected.doubleValue() ? "equal" : "differ",
        recordingNanos / 1_000_000, recordingNanos / 1e3 / CALLS, elapsedNanos / 1_000_000);

    // The mix really exercises rounding.
    assertThat(fractionalParts).isGreaterThan(CALLS / 4);
    assertThat(halfParts).isGreaterThan(1000);
    assertThat(aboveTier).isGreaterThan(10_000);
    // Every call was priced, and priced exactly as published.
    assertThat(checker.ended).isEqualTo(CALLS);
    assertThat(checker.unpriced).isZero();
    assertThat(unpricedMetric).isZero();
    assertThat(checker.firstMismatches).as("%,d calls priced differently from the published prices",
        checker.mismatches).isEmpty();
    assertThat(checker.priced).isEqualTo(CALLS);
    assertThat(checker.attributeNanos).isEqualTo(expectedNanos);

    // (a) The in-process total equals the exact decimal sum, scale included.
    assertThat(ledgerTotal).isEqualTo(expected);
    Map<String, BigDecimal> byModel = ledger.totals(CostLedger.Dimension.MODEL, NOW.minusSeconds(60),
        NOW.plusSeconds(60));
    assertThat(new TreeMap<>(byModel)).isEqualTo(usd(expectedByModel));
    Map<String, BigDecimal> byTenant = ledger.totals(CostLedger.Dimension.TENANT, NOW.minusSeconds(60),
        NOW.plusSeconds(60));
    assertThat(new TreeMap<>(byTenant)).isEqualTo(usd(expectedByTenant));

    // (b) The exported metric, in nano-USD, equals expected x 10^9, per token class and in total.
    assertThat(costMetric.getUnit()).isEqualTo("{nanoUSD}");
    assertThat(metricByType[UNCACHED]).as("input").isEqualTo(expectedByType[UNCACHED]);
    assertThat(metricByType[CACHE_READ]).as("cache_read").isEqualTo(expectedByType[CACHE_READ]);
    assertThat(metricByType[WRITE_5M]).as("cache_write").isEqualTo(expectedByType[WRITE_5M]
        + expectedByType[WRITE_1H]);
    assertThat(metricByType[OUTPUT]).as("output").isEqualTo(expectedByType[OUTPUT]);
    assertThat(metricByType[REASONING]).as("reasoning").isEqualTo(expectedByType[REASONING]);
    assertThat(metricNanos).isEqualTo(expectedNanos);
    assertThat(BigDecimal.valueOf(metricNanos)).isEqualTo(expected.movePointRight(9).setScale(0));

    // (c) Summing the same costs as doubles does not give the exact total: why LockN keeps integers. Asserted only
    // where it differs (it does with this seed: by several nano-USD even after rounding the double sum to 9 places).
    if (doubleSumExact.compareTo(expected) != 0) {
      assertThat(doubleSumExact).isNotEqualByComparingTo(expected);
    } else {
      System.out.println("ExactnessTest: note: the double sum happened to equal the exact total");
    }
    if (doubleSumToNano.compareTo(expected) != 0) {
      assertThat(doubleSumToNano).isNotEqualByComparingTo(expected);
    } else {
      System.out.println("ExactnessTest: note: the double sum rounds to the exact total");
    }

    tracing.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);
    meters.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** Draws one call's token counts per class; inclusive input sometimes exactly at or one above the tier. */
  private static void draw(Random random, Model model, long[] tokens) {
    long total;
    if (model.tier() != null && random.nextInt(32) == 0) {
      total = model.tierAbove() + random.nextInt(2);
    } else if (random.nextBoolean()) {
      total = 1 + random.nextInt(4096);
    } else {
      total = 1 + random.nextInt(model.maxInput());
    }
    long rest = total;
    tokens[CACHE_READ] = random.nextInt(3) != 0 ? below(random, rest) : 0;
    rest -= tokens[CACHE_READ];
    boolean writes = model.shape() == Shape.ANTHROPIC;
    tokens[WRITE_5M] = writes && random.nextBoolean() ? below(random, rest) : 0;
    rest -= tokens[WRITE_5M];
    tokens[WRITE_1H] = writes && random.nextInt(4) == 0 ? below(random, rest) : 0;
    rest -= tokens[WRITE_1H];
    tokens[UNCACHED] = rest;
    long output = random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(model.maxOutput());
    tokens[REASONING] = model.shape() == Shape.REASONING ? below(random, output) : 0;
    tokens[OUTPUT] = output - tokens[REASONING];
  }

  /** Uniform in [0, bound]. */
  private static long below(Random random, long bound) {
    return random.nextInt((int) bound + 1);
  }

  private static Map<String, BigDecimal> usd(Map<String, Long> nanos) {
    Map<String, BigDecimal> out = new TreeMap<>();
    nanos.forEach((k, v) -> out.put(k, BigDecimal.valueOf(v, 9)));
    return out;
  }
}
