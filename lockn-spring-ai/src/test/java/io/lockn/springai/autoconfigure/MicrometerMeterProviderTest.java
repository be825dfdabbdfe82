package io.lockn.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.hardening.UsageLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.context.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenTelemetry-to-Micrometer bridge on real Micrometer registries (Simple and Prometheus), with the instruments
 * LockN builds: exact counters, histograms with the advised buckets, names and units as the OpenTelemetry Prometheus
 * exporter writes them, and no exception reaching the caller.
 */
class MicrometerMeterProviderTest {

  private static final AttributeKey<String> TENANT = AttributeKey.stringKey("app.tenant_id");
  private static final AttributeKey<String> COST_TYPE = AttributeKey.stringKey("lockn.cost.type");
  private static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
  private static final List<Long> TOKEN_BUCKETS = List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L);
  private static final List<Double> SECOND_BUCKETS = List.of(0.01, 0.02, 0.04, 0.08);

  private UsageLog log;

  @BeforeEach
  void captureLog() {
    log = UsageLog.capture();
  }

  @AfterEach
  void closeLog() {
    log.close();
  }

  private static MeterProvider bridge(MeterRegistry registry) {
    return new MicrometerMeterProvider(() -> registry);
  }

  @Test
  void longCounter_countsNanoUsdExactly_underTheExporterName() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LongCounter cost = bridge(registry).get("io.lockn.pricing").counterBuilder("lockn.client.cost")
        .setUnit("{nanoUSD}").setDescription("Cost in nano-USD").build();
    Attributes acmeInput = Attributes.of(TENANT, "acme", COST_TYPE, "input");
    Attributes acmeOutput = Attributes.of(TENANT, "acme", COST_TYPE, "output");
    // 1000 and 400 input tokens of gpt-4o at 2,500 nano-USD each: 2,500,000 + 1,000,000 = 3,500,000.
    cost.add(2_500_000L, acmeInput, Context.root());
    cost.add(1_000_000L, acmeInput);
    // 200 output tokens at 10,000 nano-USD: 2,000,000; plus an amount that is not a multiple of anything: 7.
    cost.add(2_000_000L, acmeOutput);
    cost.add(7L, acmeOutput);
    // The largest total a double counts exactly: 2^53 - 1 - 9 more nano-USD on a third series.
    cost.add((1L << 53) - 10, Attributes.of(TENANT, "big", COST_TYPE, "input"));
    cost.add(9L, Attributes.of(TENANT, "big", COST_TYPE, "input"));

    assertThat(registry.get("lockn.client.cost").tags("app.tenant_id", "acme", "lockn.cost.type", "input").counter()
        .count()).isEqualTo(3_500_000d);
    assertThat(registry.get("lockn.client.cost").tags("app.tenant_id", "acme", "lockn.cost.type", "output")
        .counter().count()).isEqualTo(2_000_007d);
    assertThat((long) registry.get("lockn.client.cost").tags("app.tenant_id", "big").counter().count())
        .isEqualTo((1L << 53) - 1);
    Map<String, String> scrape = samples(registry.scrape());
    // No unit suffix: {nanoUSD} is an annotation, as the OpenTelemetry Prometheus exporter reads it.
    assertThat(scrape)
        .containsEntry("lockn_client_cost_total{app_tenant_id=\"acme\",lockn_cost_type=\"input\"}", "3500000.0")
        .containsEntry("lockn_client_cost_total{app_tenant_id=\"acme\",lockn_cost_type=\"output\"}", "2000007.0");
    assertThat(registry.get("lockn.client.cost").counter().getId().getBaseUnit()).isNull();
    assertThat(registry.get("lockn.client.cost").counter().getId().getDescription()).isEqualTo("Cost in nano-USD");
  }

  @Test
  void longHistogram_isASummaryWithTheAdvisedTokenBuckets() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LongHistogram tokens = bridge(registry).get("io.lockn").histogramBuilder("gen_ai.client.token.usage").ofLongs()
        .setUnit("{token}").setDescription("Tokens").setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS).build();
    Attributes input = Attributes.of(TOKEN_TYPE, "input");
    tokens.record(1000, input, Context.root()); // bucket le=1024
    tokens.record(200, input); // le=256
    tokens.record(256, input); // le=256: a boundary belongs to its bucket
    tokens.record(5000, input); // above the last bucket: +Inf only

    DistributionSummary summary = registry.get("gen_ai.client.token.usage").summary();
    assertThat(summary.count()).isEqualTo(4);
    assertThat(summary.totalAmount()).isEqualTo(1000 + 200 + 256 + 5000);
    assertThat(cumulative(summary.takeSnapshot().histogramCounts()))
        .containsEntry(64d, 0d).containsEntry(256d, 2d).containsEntry(1024d, 3d).containsEntry(4096d, 3d);
    Map<String, String> scrape = samples(registry.scrape());
    assertThat(scrape)
        .containsEntry("gen_ai_client_token_usage_bucket{gen_ai_token_type=\"input\",le=\"256.0\"}", "2")
        .containsEntry("gen_ai_client_token_usage_bucket{gen_ai_token_type=\"input\",le=\"1024.0\"}", "3")
        .containsEntry("gen_ai_client_token_usage_bucket{gen_ai_token_type=\"input\",le=\"+Inf\"}", "4")
        .containsEntry("gen_ai_client_token_usage_count{gen_ai_token_type=\"input\"}", "4")
        .containsEntry("gen_ai_client_token_usage_sum{gen_ai_token_type=\"input\"}", "6456.0");
  }

  @Test
  void secondsHistogram_isATimerWhoseBucketsAreExactBelowOneSecond() {
    // Micrometer's DistributionSummary buckets a value rounded up to an integer (a 0.015 lands in no bucket below 1),
    // which is what the opentelemetry-micrometer-meter-provider library does with every double histogram.
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DoubleHistogram duration = bridge(registry).get("io.lockn").histogramBuilder("gen_ai.client.operation.duration")
        .setUnit("s").setDescription("Duration").setExplicitBucketBoundariesAdvice(SECOND_BUCKETS).build();
    duration.record(0.015, Attributes.empty(), Context.root()); // le=0.02
    duration.record(0.02); // le=0.02
    duration.record(0.05); // le=0.08
    duration.record(1.5); // +Inf

    Timer timer = registry.get("gen_ai.client.operation.duration").timer();
    assertThat(timer.count()).isEqualTo(4);
    // 15 + 20 + 50 + 1500 ms, to the nanosecond.
    assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(1_585_000_000d);
    Map<String, String> scrape = samples(registry.scrape());
    assertThat(scrape)
        .containsEntry("gen_ai_client_operation_duration_seconds_bucket{le=\"0.01\"}", "0")
        .containsEntry("gen_ai_client_operation_duration_seconds_bucket{le=\"0.02\"}", "2")
        .containsEntry("gen_ai_client_operation_duration_seconds_bucket{le=\"0.04\"}", "2")
        .containsEntry("gen_ai_client_operation_duration_seconds_bucket{le=\"0.08\"}", "3")
        .containsEntry("gen_ai_client_operation_duration_seconds_bucket{le=\"+Inf\"}", "4")
        .containsEntry("gen_ai_client_operation_duration_seconds_count", "4")
        .containsEntry("gen_ai_client_operation_duration_seconds_sum", "1.585");
  }

  @Test
  void unitsAndDefaultBuckets() {
    assertThat(MicrometerMeterProvider.baseUnit("{token}")).isNull();
    assertThat(MicrometerMeterProvider.baseUnit("{nanoUSD}")).isNull();
    assertThat(MicrometerMeterProvider.baseUnit("1")).isNull();
    assertThat(MicrometerMeterProvider.baseUnit(null)).isNull();
    assertThat(MicrometerMeterProvider.baseUnit("s")).isEqualTo("seconds");
    assertThat(MicrometerMeterProvider.baseUnit("By")).isEqualTo("bytes");
    assertThat(MicrometerMeterProvider.baseUnit("USD")).isEqualTo("USD");

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // Without advice: the SDK's default boundaries; a histogram in "ms" is a timer too.
    bridge(registry).get("x").histogramBuilder("plain").build().record(7);
    bridge(registry).get("x").histogramBuilder("wait").setUnit("ms").build().record(12.5);
    assertThat(cumulative(registry.get("plain").summary().takeSnapshot().histogramCounts()))
        .containsOnlyKeys(MicrometerMeterProvider.DEFAULT_BOUNDARIES.stream().filter(b -> b > 0).toArray(Double[]::new))
        .containsEntry(5d, 0d).containsEntry(10d, 1d);
    assertThat(registry.get("wait").timer().totalTime(TimeUnit.NANOSECONDS)).isEqualTo(12_500_000d);
    assertThat(registry.get("wait").timer().takeSnapshot().histogramCounts()).hasSize(14);
  }

  @Test
  void doubleCounter_andMeterScopes_shareTheRegistry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MeterProvider provider = bridge(registry);
    provider.meterBuilder("a").setInstrumentationVersion("1").setSchemaUrl("s").build().counterBuilder("c").ofDoubles()
        .setUnit("USD").build().add(0.25);
    provider.get("b").counterBuilder("c").ofDoubles().setUnit("USD").build().add(0.5, Attributes.empty());
    // One series: Micrometer meters have no scope.
    assertThat(registry.get("c").counters()).hasSize(1);
    assertThat(registry.get("c").counter().count()).isEqualTo(0.75);
    assertThat(registry.get("c").counter().getId().getBaseUnit()).isEqualTo("USD");
  }

  @Test
  void negativeAndNaN_areDroppedAsTheSdkDropsThem_andUnusedKindsRecordNothing() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    io.opentelemetry.api.metrics.Meter meter = bridge(registry).get("x");
    LongCounter counter = meter.counterBuilder("c").build();
    counter.add(5);
    counter.add(-3);
    DoubleHistogram histogram = meter.histogramBuilder("h").build();
    histogram.record(Double.NaN);
    histogram.record(-1);
    meter.upDownCounterBuilder("u").build().add(-4);
    meter.gaugeBuilder("g").build().set(3);
    AtomicInteger callbacks = new AtomicInteger();
    meter.counterBuilder("cb").buildWithCallback(m -> callbacks.incrementAndGet());

    assertThat(registry.get("c").counter().count()).isEqualTo(5d);
    assertThat(registry.find("h").meters()).isEmpty();
    assertThat(registry.find("u").meters()).isEmpty();
    assertThat(registry.find("g").meters()).isEmpty();
    assertThat(registry.find("cb").meters()).isEmpty();
    assertThat(callbacks).hasValue(0);
    assertThat(log.warningsContaining("negative or NaN measurement of c")).hasSize(1);
    assertThat(log.warningsContaining("negative or NaN measurement of h")).hasSize(1);
  }

  @Test
  void aFailingRegistry_neverThrowsIntoTheCaller() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // An application's MeterFilter with a bug: every registration throws.
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        throw new IllegalStateException("broken filter");
      }
    });
    LongCounter counter = bridge(registry).get("x").counterBuilder("lockn.client.cost").build();
    counter.add(1, Attributes.of(TENANT, "acme"));
    bridge(registry).get("x").histogramBuilder("d").setUnit("s").build().record(0.5);
    assertThat(log.all()).anySatisfy(r -> assertThat(r.getMessage())
        .contains("recording lockn.client.cost in the Micrometer MeterRegistry"));

    // No registry at all (none defined, or several without a primary): nothing recorded, nothing thrown.
    MicrometerMeterProvider none = new MicrometerMeterProvider(() -> null);
    none.get("x").counterBuilder("c").build().add(1);
    assertThat(log.warningsContaining("there is no unique MeterRegistry bean; c is not recorded")).hasSize(1);
  }

  @Test
  void anExistingMeterOfAnotherType_keepsItsName() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // Spring AI's token counter, registered first under the semantic conventions' histogram name.
    Counter springAi = Counter.builder("gen_ai.client.token.usage").tag("gen_ai.token.type", "input")
        .register(registry);
    springAi.increment(10);
    LongHistogram lockn = bridge(registry).get("io.lockn").histogramBuilder("gen_ai.client.token.usage").ofLongs()
        .setUnit("{token}").build();
    lockn.record(1000, Attributes.of(TOKEN_TYPE, "input"));
    lockn.record(5, Attributes.of(TOKEN_TYPE, "output"));

    assertThat(registry.find("gen_ai.client.token.usage").meters()).containsExactly(springAi);
    assertThat(springAi.count()).isEqualTo(10d);
    assertThat(log.warningsContaining("LockN does not record gen_ai.client.token.usage in Micrometer")).hasSize(1);
  }

  @Test
  void theRegistryIsLookedUpOnTheFirstRecording_notWhenInstrumentsAreBuilt() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger lookups = new AtomicInteger();
    LongCounter counter = new MicrometerMeterProvider(() -> {
      lookups.incrementAndGet();
      return registry;
    }).get("x").counterBuilder("c").build();
    assertThat(lookups).hasValue(0);
    counter.add(1);
    counter.add(2, Attributes.of(TENANT, "acme"));
    assertThat(lookups).hasValue(1);
    assertThat(registry.get("c").tags("app.tenant_id", "acme").counter().count()).isEqualTo(2d);
  }

  /** Cumulative count at each bucket boundary. */
  private static Map<Double, Double> cumulative(CountAtBucket[] buckets) {
    Map<Double, Double> result = new LinkedHashMap<>();
    for (CountAtBucket b : buckets) {
      result.put(b.bucket(), b.count());
    }
    return result;
  }

  /** The samples of a Prometheus text exposition, keyed by name and labels. */
  static Map<String, String> samples(String exposition) {
    Map<String, String> result = new LinkedHashMap<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      @Nullable String key = line.substring(0, space);
      result.put(key, line.substring(space + 1));
    }
    return result;
  }
}
