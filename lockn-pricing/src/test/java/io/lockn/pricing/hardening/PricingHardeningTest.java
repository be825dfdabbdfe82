package io.lockn.pricing.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.lockn.core.AttributionKeys;
import io.lockn.core.LockN;
import io.lockn.core.TokenUsage;
import io.lockn.core.hardening.UsageLog;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cost processor under fault injection and hostile spans from other instrumentations (which LockN cannot
 * sanitise before they reach it): a clock that throws, 10 MB and control-character model names, and 100,000
 * distinct tenants. The application's spans still end and export, log lines stay one bounded line, and the cost
 * metrics' cardinality stays bounded.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PricingHardeningTest {

  private static final String TEN_MB = "m".repeat(10 * 1024 * 1024);
  private static final int MAX_LOG_MESSAGE = 1024 + 64;

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private SdkMeterProvider meters;
  private SdkTracerProvider tracerProvider;
  private UsageLog log;

  @BeforeEach
  void setUp() {
    log = UsageLog.capture();
    meters = SdkMeterProvider.builder().registerMetricReader(metrics).build();
  }

  @AfterEach
  void tearDown() {
    log.close();
    if (tracerProvider != null) {
      tracerProvider.close();
    }
    meters.close();
  }

  private Tracer tracer(CostPipeline processor) {
    tracerProvider = SdkTracerProvider.builder().addSpanProcessor(processor)
        .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    return tracerProvider.get("io.example.other-instrumentation");
  }

  private static void chat(Tracer tracer, String model, String tenant, long in, long out) {
    Span span = tracer.spanBuilder("chat").setSpanKind(SpanKind.CLIENT)
        .setAttribute("gen_ai.operation.name", "chat").setAttribute("gen_ai.provider.name", "openai")
        .setAttribute("gen_ai.request.model", model).setAttribute("app.tenant_id", tenant).startSpan();
    span.setAttribute("gen_ai.usage.input_tokens", in);
    span.setAttribute("gen_ai.usage.output_tokens", out);
    assertThatCode(span::end).doesNotThrowAnyException();
  }

  /** A clock that fails on every read, as a broken time source (or a hostile test double) would. */
  static final class ThrowingClock extends Clock {
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      reads.incrementAndGet();
      throw new IllegalStateException("clock broken");
    }

    @Override
    public long millis() {
      reads.incrementAndGet();
      throw new IllegalStateException("clock broken");
    }
  }

  @Test
  void throwingClock_spansStillEndAndExport_hostResultsUnchanged_oneWarningPerPlace() {
    ThrowingClock clock = new ThrowingClock();
    // The clock only ages open spans when the table is full: one slot, taken by an open agent span, makes every
    // chat span below it read the clock.
    Tracer tracer = tracer(CostPipeline.builder(PriceCatalog.bundled()).setMeterProvider(meters).setClock(clock)
        .setMaxOpenSpans(1).build());
    for (int i = 0; i < 1_000; i++) {
      Span agent = tracer.spanBuilder("invoke_agent").startSpan();
      try (Scope ignored = agent.makeCurrent()) {
        chat(tracer, "gpt-4o", "acme", 100, 10);
      } finally {
        agent.end();
      }
    }
    // And through LockN, as an application records a call: the result is the application's.
    try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build()) {
      LockN lockn = LockN.builder().setOpenTelemetry(sdk).build();
      assertThat(lockn.chat("openai", "gpt-4o").supply(() -> {
        lockn.currentLlmCall().recordUsage(TokenUsage.of(100, 10));
        return "answer";
      })).isEqualTo("answer");
      // Before the SDK closes: closing shuts the in-memory exporter down, which empties it.
      assertThat(spans.getFinishedSpanItems()).hasSize(2_001);
      tracerProvider = null; // closed with the SDK
    }

    assertThat(clock.reads.get()).isPositive();
    assertThat(log.warnings()).hasSizeLessThanOrEqualTo(2).isNotEmpty()
        .allSatisfy(r -> assertThat(r.getThrown()).hasMessage("clock broken"));
  }

  @Test
  void hostileModelNamesFromOtherInstrumentations_unpricedWarningIsOneBoundedLine() {
    Tracer tracer = tracer(CostPipeline.builder(PriceCatalog.bundled()).setMeterProvider(meters).build());
    List<String> models = List.of(TEN_MB, "evil\r\nFAKE LOG LINE: admin logged in\u0000", "\u202Egpt\u200B-4o");

    for (String model : models) {
      chat(tracer, model, "acme", 100, 10);
    }

    List<SpanData> ended = spans.getFinishedSpanItems();
    assertThat(ended).hasSize(models.size())
        .allSatisfy(s -> assertThat(s.getAttributes().get(CostAttributes.UNPRICED)).isTrue());
    List<LogRecord> warnings = log.warningsContaining("has no price");
    assertThat(warnings).hasSize(models.size()).allSatisfy(r -> {
      assertThat(r.getMessage().length()).isLessThanOrEqualTo(MAX_LOG_MESSAGE);
      assertThat(r.getMessage()).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u0000");
    });
  }

  @Test
  void hostileModelNamesFromOtherInstrumentations_metricAttributesBoundedInLength() {
    Tracer tracer = tracer(CostPipeline.builder(PriceCatalog.bundled()).setMeterProvider(meters)
        .addMetricAttributionKey(AttributionKeys.DEFAULT_TENANT_KEY).build());

    chat(tracer, TEN_MB, "t\r\n" + TEN_MB, 100, 10);

    for (MetricData m : metrics.collectAllMetrics()) {
      for (Attributes a : attributes(m)) {
        a.forEach((k, v) -> assertThat(String.valueOf(v).length()).as("%s on %s", k, m.getName())
            .isLessThanOrEqualTo(256));
      }
    }
  }

  /** 100,000 spans, each with a distinct tenant and model: the cost metrics keep at most limit + 1 values each. */
  @Test
  void hundredThousandDistinctTenantsAndModels_costMetricCardinalityBounded() {
    int limit = 20;
    Tracer tracer = tracer(CostPipeline.builder(PriceCatalog.bundled()).setMeterProvider(meters)
        .addMetricAttributionKey(AttributionKeys.DEFAULT_TENANT_KEY).setMetricCardinalityLimit(limit).build());

    for (int i = 0; i < 50_000; i++) {
      chat(tracer, "gpt-4o", "tenant-" + i, 100, 10); // priced: lockn.client.cost by tenant
      chat(tracer, "unknown-model-" + i, "acme", 100, 10); // unpriced: lockn.client.unpriced_calls by model
      if (i % 1_000 == 0) {
        spans.reset();
      }
    }

    for (MetricData m : metrics.collectAllMetrics()) {
      List<Attributes> points = attributes(m);
      for (String key : List.of("app.tenant_id", "gen_ai.request.model")) {
        long distinct = points.stream().map(p -> p.get(AttributeKey.stringKey(key))).distinct().count();
        assertThat(distinct).as("distinct %s on %s", key, m.getName()).isLessThanOrEqualTo(limit + 2);
      }
      assertThat(points).as("%s", m.getName()).noneMatch(p ->
          p.asMap().keySet().stream().anyMatch(k -> k.getKey().equals("otel.metric.overflow")));
    }
    assertThat(log.warnings()).hasSizeLessThanOrEqualTo(256);
  }

  private static List<Attributes> attributes(MetricData m) {
    List<Attributes> out = new ArrayList<>();
    switch (m.getType()) {
      case LONG_SUM -> m.getLongSumData().getPoints().forEach(p -> out.add(p.getAttributes()));
      case DOUBLE_SUM -> m.getDoubleSumData().getPoints().forEach(p -> out.add(p.getAttributes()));
      case HISTOGRAM -> m.getHistogramData().getPoints().forEach(p -> out.add(p.getAttributes()));
      default -> { }
    }
    return out;
  }
}
