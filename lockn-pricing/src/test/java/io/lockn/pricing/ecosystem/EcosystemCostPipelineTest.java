package io.lockn.pricing.ecosystem;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.pricing.CostLedger;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.ecosystem.Recordings.RecordedSpan;
import io.lockn.pricing.ecosystem.Recordings.TrueCall;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The in-process side of LockN's reader of model calls: each recording of a real ecosystem's instrumentation is
 * replayed through an SDK tracer provider with the {@link CostPipeline} as a span processor, span by span as the
 * instrumentation made them (the recorded trace and span ids, parents, instrumentation scopes and timestamps; starts
 * and ends in recorded time order, so that a wrapper that ended before the SDK span inside it ends first here too; the
 * attributes that identify a span set when it starts, its results before it ends). The pipeline must find what the
 * audit finds: each call priced once at the exact cost its spans allow, calls without usage counted as unpriced,
 * duplicates marked and not priced, and tenant, user and session on the cost metric and the ledger.
 *
 * <p>Uses only the pipeline's public API and the span and metric data it writes, so that it runs against any version
 * of the reader.
 */
class EcosystemCostPipelineTest {

  private static final PriceCatalog CATALOG = Recordings.catalog();
  private static final AttributeKey<Long> TOTAL_NANOS = AttributeKey.longKey("lockn.cost.total_nanos");
  private static final AttributeKey<Boolean> UNPRICED = AttributeKey.booleanKey("lockn.cost.unpriced");
  private static final AttributeKey<String> DUPLICATE_OF = AttributeKey.stringKey("lockn.cost.duplicate_of");
  private static final AttributeKey<String> TENANT = AttributeKey.stringKey("app.tenant_id");
  private static final AttributeKey<String> USER = AttributeKey.stringKey("app.user_id");
  private static final AttributeKey<String> SESSION = AttributeKey.stringKey("app.session_id");

  /** Attributes an instrumentation sets when the call returns, by prefix: everything else is set at start. */
  private static final List<String> RESULTS = List.of("gen_ai.usage.", "gen_ai.response.", "ai.usage.",
      "ai.response.", "llm.token_count.", "llm.response.", "llm.output_messages", "output.",
      "langfuse.observation.usage", "langfuse.observation.output", "gen_ai.output.", "anthropic.usage.",
      "anthropic.message.", "llm.finish_reason");

  static List<String> recordings() {
    return Expected.names().toList();
  }

  /** Hands the SDK the recorded ids, one span at a time. */
  private static final class RecordedIds implements IdGenerator {
    String traceId = "";
    String spanId = "";

    @Override
    public String generateSpanId() {
      return spanId;
    }

    @Override
    public String generateTraceId() {
      return traceId;
    }
  }

  @ParameterizedTest
  @MethodSource("recordings")
  void replayedThroughTheCostPipeline_eachCallIsPricedOnce_exactly_andAttributed(String recording) {
    Expected expected = Expected.of(recording);
    long expectedNanos = 0;
    int expectedPriced = 0;
    int expectedUnpriced = 0;
    for (TrueCall call : expected.visible()) {
      long nanos = expected.expectedNanos(CATALOG, call);
      if (nanos < 0) {
        expectedUnpriced++;
      } else {
        expectedPriced++;
        expectedNanos += nanos;
      }
    }

    InMemorySpanExporter exported = InMemorySpanExporter.create();
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    CostLedger ledger = CostLedger.create();
    RecordedIds ids = new RecordedIds();
    try (SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(metrics).build();
        SdkTracerProvider tracing = SdkTracerProvider.builder()
            .setIdGenerator(ids)
            .addSpanProcessor(CostPipeline.builder(CATALOG)
                .setMeterProvider(meters)
                .setLedger(ledger)
                .addMetricAttributionKey(TENANT.getKey())
                .addMetricAttributionKey(USER.getKey())
                .addMetricAttributionKey(SESSION.getKey())
                .build())
            .addSpanProcessor(SimpleSpanProcessor.create(exported))
            .build()) {
      replay(Recordings.spans(recording), tracing, ids);

      List<SpanData> spans = exported.getFinishedSpanItems();
      long total = 0;
      int priced = 0;
      int unpriced = 0;
      int duplicates = 0;
      for (SpanData s : spans) {
        Long nanos = s.getAttributes().get(TOTAL_NANOS);
        if (nanos != null) {
          priced++;
          total += nanos;
        }
        if (Boolean.TRUE.equals(s.getAttributes().get(UNPRICED))) {
          unpriced++;
        }
        if (s.getAttributes().get(DUPLICATE_OF) != null) {
          duplicates++;
        }
      }
      assertThat(total).as(recording + " total on spans").isEqualTo(expectedNanos);
      assertThat(priced).as(recording + " priced calls").isEqualTo(expectedPriced);
      assertThat(unpriced).as(recording + " unpriced calls (no usage)").isEqualTo(expectedUnpriced);
      assertThat(duplicates).as(recording + " spans marked as duplicates").isEqualTo(expected.duplicates());

      Instant day = Instant.ofEpochMilli(Recordings.RECORDED_AT_MILLIS);
      Map<String, BigDecimal> byTenant = ledger.totals(CostLedger.Dimension.TENANT, day, day.plusSeconds(86_400));
      if (expectedNanos > 0) {
        assertThat(byTenant).as(recording + " ledger by tenant")
            .containsExactly(Map.entry("acme", BigDecimal.valueOf(expectedNanos, 9)));
      } else {
        assertThat(byTenant).isEmpty();
      }

      long metricTotal = 0;
      long metricUnpriced = 0;
      for (MetricData m : metrics.collectAllMetrics()) {
        boolean cost = m.getName().equals("lockn.client.cost");
        if (!cost && !m.getName().equals("lockn.client.unpriced_calls")) {
          continue;
        }
        for (LongPointData p : m.getLongSumData().getPoints()) {
          Attributes a = p.getAttributes();
          assertThat(a.get(TENANT)).as(recording + " " + m.getName() + " tenant").isEqualTo("acme");
          assertThat(a.get(USER)).as(recording + " " + m.getName() + " user").isEqualTo("u-1");
          assertThat(a.get(SESSION)).as(recording + " " + m.getName() + " session").isEqualTo("s-1");
          if (cost) {
            metricTotal += p.getValue();
          } else {
            metricUnpriced += p.getValue();
          }
        }
      }
      assertThat(metricTotal).as(recording + " lockn.client.cost").isEqualTo(expectedNanos);
      assertThat(metricUnpriced).as(recording + " lockn.client.unpriced_calls").isEqualTo(expectedUnpriced);
    }
  }

  /** Starts and ends the recorded spans in recorded time order. */
  private static void replay(List<RecordedSpan> recorded, SdkTracerProvider tracing, RecordedIds ids) {
    Map<String, RecordedSpan> byId = new HashMap<>();
    for (RecordedSpan s : recorded) {
      byId.put(s.spanId(), s);
    }
    Map<String, Integer> depth = new HashMap<>();
    for (RecordedSpan s : recorded) {
      int d = 0;
      for (RecordedSpan p = s; p.parentSpanId() != null && byId.containsKey(p.parentSpanId()) && d < 100;
          p = byId.get(p.parentSpanId())) {
        d++;
      }
      depth.put(s.spanId(), d);
    }
    // Starts: parents before children at the same instant. Ends: children before parents at the same instant, and
    // after the starts at that instant (a span never ends before it starts).
    record Event(long at, int order, RecordedSpan span, boolean start) {}
    List<Event> events = new ArrayList<>();
    for (RecordedSpan s : recorded) {
      int d = depth.get(s.spanId());
      events.add(new Event(s.startEpochNanos(), d, s, true));
      events.add(new Event(s.endEpochNanos(), 1000 - d, s, false));
    }
    events.sort(Comparator.comparingLong(Event::at).thenComparing(e -> !e.start()).thenComparingInt(Event::order));
    Map<String, Span> open = new HashMap<>();
    for (Event e : events) {
      RecordedSpan s = e.span();
      if (e.start()) {
        SpanBuilder b = tracing.tracerBuilder(s.scope()).setInstrumentationVersion(s.scopeVersion()).build()
            .spanBuilder(s.name())
            .setSpanKind(kind(s.kind()))
            .setStartTimestamp(s.startEpochNanos(), TimeUnit.NANOSECONDS);
        Span parent = s.parentSpanId() == null ? null : open.get(s.parentSpanId());
        b.setParent(parent != null ? Context.root().with(parent) : Context.root());
        s.attributes().forEach((k, v) -> {
          if (RESULTS.stream().noneMatch(k::startsWith)) {
            set(b, k, v);
          }
        });
        ids.traceId = s.traceId();
        ids.spanId = s.spanId();
        open.put(s.spanId(), b.startSpan());
      } else {
        Span span = open.get(s.spanId());
        s.attributes().forEach((k, v) -> {
          if (RESULTS.stream().anyMatch(k::startsWith)) {
            set(span, k, v);
          }
        });
        if (s.error()) {
          span.setStatus(StatusCode.ERROR);
        }
        span.end(s.endEpochNanos(), TimeUnit.NANOSECONDS);
      }
    }
  }

  private static SpanKind kind(int kind) {
    return switch (kind) {
      case 2 -> SpanKind.SERVER;
      case 3 -> SpanKind.CLIENT;
      case 4 -> SpanKind.PRODUCER;
      case 5 -> SpanKind.CONSUMER;
      default -> SpanKind.INTERNAL;
    };
  }

  @SuppressWarnings("unchecked")
  private static void set(SpanBuilder b, String key, Object v) {
    if (v instanceof String s) {
      b.setAttribute(key, s);
    } else if (v instanceof Long l) {
      b.setAttribute(key, l);
    } else if (v instanceof Double d) {
      b.setAttribute(key, d);
    } else if (v instanceof Boolean x) {
      b.setAttribute(key, x);
    } else if (v instanceof List<?> list) {
      b.setAttribute(AttributeKey.stringArrayKey(key), (List<String>) list);
    }
  }

  @SuppressWarnings("unchecked")
  private static void set(Span span, String key, Object v) {
    if (v instanceof String s) {
      span.setAttribute(key, s);
    } else if (v instanceof Long l) {
      span.setAttribute(key, l);
    } else if (v instanceof Double d) {
      span.setAttribute(key, d);
    } else if (v instanceof Boolean x) {
      span.setAttribute(key, x);
    } else if (v instanceof List<?> list) {
      span.setAttribute(AttributeKey.stringArrayKey(key), (List<String>) list);
    }
  }
}
