package io.lockn.compression.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.compression.otlp.OtlpReceiver.Protocol;
import io.lockn.core.AttributionKeys;
import io.lockn.core.GenAiProvider;
import io.lockn.core.LockN;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.CostAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * LockN's spans and metrics through the SDK's real OTLP exporters, HTTP/protobuf and gRPC, into a loopback receiver
 * that decodes them with the official {@code opentelemetry-proto} classes: what arrives equals what was produced, as
 * an {@code InMemorySpanExporter} and {@code InMemoryMetricReader} on the same providers saw it, span by span and
 * attribute by attribute, and LockN's cost and token values arrive exact.
 */
class OtlpRoundTripTest {

  private static final AttributeKey<String> TENANT = AttributeKey.stringKey(AttributionKeys.DEFAULT_TENANT_KEY);

  // The two agent runs, priced by hand from OtlpApp.CATALOG (nano-USD):
  // tenant-a big    1000 in, 100 out:  1000*10,000 + 100*30,000 = 10,000,000 + 3,000,000 = 13,000,000
  // tenant-b small 12345 in, 678 out: 12345*1,000 + 678*2,000 = 12,345,000 + 1,356,000 = 13,701,000
  private static final Map<String, Long> COST_BY_TENANT_AND_TYPE = Map.of(
      "tenant-a/input", 10_000_000L, "tenant-a/output", 3_000_000L,
      "tenant-b/input", 12_345_000L, "tenant-b/output", 1_356_000L);

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void whatArrivesEqualsWhatWasProduced(Protocol protocol) throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start(protocol, 0);
        OtlpApp app = new OtlpApp(protocol, receiver.port(), Duration.ofSeconds(10),
            RetryPolicy.getDefault(), batch -> { })) {
      agentRun(app.lockn, "tenant-a", "big", 1000, 100);
      agentRun(app.lockn, "tenant-b", "small", 12345, 678);
      app.flushSpans();
      app.flushMetrics();

      // The SDK's own counters agree: everything exported, nothing failed.
      assertThat(app.selfCountByError(OtlpApp.SPANS_EXPORTED)).containsExactlyEntriesOf(Map.of("", 8L));
      // Named "data points", counted per metric (MetricData) by the SDK 1.67 exporters: see OtlpApp#lockNMetricCount.
      assertThat(app.selfCountByError(OtlpApp.POINTS_EXPORTED))
          .containsExactlyEntriesOf(Map.of("", app.lockNMetricCount()));

      // ---- spans ----
      List<SpanData> produced = app.produced.getFinishedSpanItems();
      // Per run: agent, chat, two tools.
      assertThat(produced).hasSize(8);
      assertThat(receiver.await(() -> receiver.spans().size() >= 8, OtlpApp.AWAIT)).isTrue();
      assertThat(received(receiver.traces())).containsExactlyInAnyOrderElementsOf(views(produced));

      // The values LockN and the cost processor wrote, read straight off the decoded protobuf.
      io.opentelemetry.proto.trace.v1.Span chatA = receiver.spans().stream()
          .filter(s -> s.getName().equals("chat big")).findFirst().orElseThrow();
      Map<String, Object> attrs = attributes(chatA.getAttributesList());
      assertThat(attrs)
          .containsEntry(CostAttributes.TOTAL_NANOS.getKey(), 13_000_000L)
          .containsEntry(CostAttributes.PRICING_ID.getKey(), "openai/big")
          .containsEntry("gen_ai.usage.input_tokens", 1000L)
          .containsEntry("gen_ai.usage.output_tokens", 100L)
          .containsEntry(AttributionKeys.DEFAULT_TENANT_KEY, "tenant-a");
      assertThat(chatA.getKind().name()).isEqualTo("SPAN_KIND_CLIENT");
      io.opentelemetry.proto.trace.v1.Span agentB = receiver.spans().stream()
          .filter(s -> s.getName().startsWith("invoke_agent")
              && "tenant-b".equals(attributes(s.getAttributesList()).get(AttributionKeys.DEFAULT_TENANT_KEY)))
          .findFirst().orElseThrow();
      assertThat(attributes(agentB.getAttributesList()))
          .containsEntry(CostAttributes.ROLLUP_TOTAL_NANOS.getKey(), 13_701_000L);
      assertThat(agentB.getEventsList()).extracting(e -> e.getName()).contains("lockn.test.plan");
      io.opentelemetry.proto.trace.v1.Span refused = receiver.spans().stream()
          .filter(s -> s.getName().contains("refund")).findFirst().orElseThrow();
      assertThat(refused.getStatus().getCode().name()).isEqualTo("STATUS_CODE_ERROR");
      // The chat span and both tools hang under their agent span, in its trace.
      assertThat(receiver.spans().stream()
          .filter(s -> s.getTraceId().equals(agentB.getTraceId()) && !s.getSpanId().equals(agentB.getSpanId())))
          .hasSize(3)
          .allSatisfy(s -> assertThat(s.getParentSpanId()).as(s.getName()).isEqualTo(agentB.getSpanId()));

      // ---- metrics ----
      assertThat(receiver.await(() -> !receiver.metrics().isEmpty(), OtlpApp.AWAIT)).isTrue();
      ExportMetricsServiceRequest metrics = receiver.metrics().get(receiver.metrics().size() - 1);
      Map<String, Long> cost = receivedCost(metrics);
      assertThat(cost).containsExactlyInAnyOrderEntriesOf(COST_BY_TENANT_AND_TYPE).isEqualTo(producedCost(app));
      assertThat(cost.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(13_000_000L + 13_701_000L);
      Map<String, String> tokens = receivedTokenHistogram(metrics);
      assertThat(tokens)
          .containsExactlyInAnyOrderEntriesOf(Map.of(
              "tenant-a/input", "count=1 sum=1000.0", "tenant-a/output", "count=1 sum=100.0",
              "tenant-b/input", "count=1 sum=12345.0", "tenant-b/output", "count=1 sum=678.0"))
          .isEqualTo(producedTokenHistogram(app));
    }
  }

  /**
   * One agent run: a checkpoint event on the agent span, the priced chat call, a tool that succeeds and a tool whose
   * exception passes through to the host unchanged (its span ends with an error status).
   */
  private static void agentRun(LockN lockn, String tenant, String model, long input, long output) {
    lockn.attribution().tenant(tenant).run(() -> lockn.agent("support-bot").run(() -> {
      Span.current().addEvent("lockn.test.plan",
          Attributes.of(AttributeKey.stringKey("step"), "lookup", AttributeKey.longKey("attempt"), 1L));
      lockn.chat(GenAiProvider.OPENAI, model)
          .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(input, output)).finishReason("stop"));
      lockn.tool("lookup_order").callId("call-1").arguments("{\"order\":42}").run(() -> { });
      IllegalStateException thrown = new IllegalStateException("refund refused");
      assertThatThrownBy(() -> lockn.tool("refund").run(() -> {
        throw thrown;
      })).isSameAs(thrown);
    }));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // One comparable view of a span, built from the SDK's SpanData and from the decoded protobuf
  // ---------------------------------------------------------------------------------------------------------------

  record EventView(String name, long epochNanos, Map<String, Object> attributes) { }

  record SpanView(String traceId, String spanId, String parentSpanId, String name, String kind, String status,
      String statusMessage, long startNanos, long endNanos, String scope, Map<String, Object> resource,
      Map<String, Object> attributes, List<EventView> events) { }

  private static List<SpanView> views(List<SpanData> spans) {
    List<SpanView> views = new ArrayList<>();
    for (SpanData s : spans) {
      List<EventView> events = new ArrayList<>();
      for (EventData e : s.getEvents()) {
        events.add(new EventView(e.getName(), e.getEpochNanos(), attributes(e.getAttributes())));
      }
      views.add(new SpanView(s.getTraceId(), s.getSpanId(), s.getParentSpanId(), s.getName(), s.getKind().name(),
          s.getStatus().getStatusCode().name(), s.getStatus().getDescription(), s.getStartEpochNanos(),
          s.getEndEpochNanos(), s.getInstrumentationScopeInfo().getName(),
          attributes(s.getResource().getAttributes()), attributes(s.getAttributes()), events));
    }
    return views;
  }

  private static List<SpanView> received(List<ExportTraceServiceRequest> requests) {
    List<SpanView> views = new ArrayList<>();
    for (ExportTraceServiceRequest request : requests) {
      for (ResourceSpans rs : request.getResourceSpansList()) {
        Map<String, Object> resource = attributes(rs.getResource().getAttributesList());
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (io.opentelemetry.proto.trace.v1.Span s : ss.getSpansList()) {
            List<EventView> events = new ArrayList<>();
            for (io.opentelemetry.proto.trace.v1.Span.Event e : s.getEventsList()) {
              events.add(new EventView(e.getName(), e.getTimeUnixNano(), attributes(e.getAttributesList())));
            }
            views.add(new SpanView(hex(s.getTraceId()), hex(s.getSpanId()),
                s.getParentSpanId().isEmpty() ? "0000000000000000" : hex(s.getParentSpanId()), s.getName(),
                s.getKind().name().substring("SPAN_KIND_".length()),
                s.getStatus().getCode().name().substring("STATUS_CODE_".length()), s.getStatus().getMessage(),
                s.getStartTimeUnixNano(), s.getEndTimeUnixNano(), ss.getScope().getName(), resource,
                attributes(s.getAttributesList()), events));
          }
        }
      }
    }
    return views;
  }

  private static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  /** SDK attributes as plain Java values: String, Long, Double, Boolean, or a List of them. */
  private static Map<String, Object> attributes(Attributes attributes) {
    Map<String, Object> map = new TreeMap<>();
    attributes.forEach((k, v) -> map.put(k.getKey(), v instanceof List<?> l ? List.copyOf(l) : v));
    return map;
  }

  /** Protobuf attributes as the same plain Java values. */
  private static Map<String, Object> attributes(List<KeyValue> attributes) {
    Map<String, Object> map = new TreeMap<>();
    for (KeyValue kv : attributes) {
      map.put(kv.getKey(), value(kv.getValue()));
    }
    return map;
  }

  private static Object value(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> v.getBoolValue();
      case INT_VALUE -> v.getIntValue();
      case DOUBLE_VALUE -> v.getDoubleValue();
      case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(OtlpRoundTripTest::value).toList();
      default -> "unexpected " + v.getValueCase() + ": " + v;
    };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Metrics
  // ---------------------------------------------------------------------------------------------------------------

  private static List<Metric> metric(ExportMetricsServiceRequest request, String name) {
    List<Metric> found = new ArrayList<>();
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          if (m.getName().equals(name)) {
            found.add(m);
          }
        }
      }
    }
    assertThat(found).as("metric %s in %s", name, request).isNotEmpty();
    return found;
  }

  /** lockn.client.cost as it arrived: exact nano-USD by tenant/cost type. */
  private static Map<String, Long> receivedCost(ExportMetricsServiceRequest request) {
    Map<String, Long> byKey = new TreeMap<>();
    for (Metric m : metric(request, "lockn.client.cost")) {
      assertThat(m.getSum().getIsMonotonic()).isTrue();
      for (NumberDataPoint p : m.getSum().getDataPointsList()) {
        assertThat(p.getValueCase()).as("integer nano-USD").isEqualTo(NumberDataPoint.ValueCase.AS_INT);
        Map<String, Object> a = attributes(p.getAttributesList());
        byKey.merge(a.get(AttributionKeys.DEFAULT_TENANT_KEY) + "/" + a.get("lockn.cost.type"), p.getAsInt(),
            Long::sum);
      }
    }
    return byKey;
  }

  /** lockn.client.cost as the application's own in-memory reader saw it. */
  private static Map<String, Long> producedCost(OtlpApp app) {
    Map<String, Long> byKey = new TreeMap<>();
    for (MetricData m : app.appMetrics.collectAllMetrics()) {
      if (m.getName().equals("lockn.client.cost")) {
        for (LongPointData p : m.getLongSumData().getPoints()) {
          byKey.merge(p.getAttributes().get(TENANT) + "/"
              + p.getAttributes().get(AttributeKey.stringKey("lockn.cost.type")), p.getValue(), Long::sum);
        }
      }
    }
    return byKey;
  }

  /** gen_ai.client.token.usage as it arrived: count and sum by tenant/token type. */
  private static Map<String, String> receivedTokenHistogram(ExportMetricsServiceRequest request) {
    Map<String, String> byKey = new TreeMap<>();
    for (Metric m : metric(request, "gen_ai.client.token.usage")) {
      for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
        Map<String, Object> a = attributes(p.getAttributesList());
        assertThat(p.getBucketCountsList().stream().mapToLong(Long::longValue).sum()).isEqualTo(p.getCount());
        byKey.put(a.get(AttributionKeys.DEFAULT_TENANT_KEY) + "/" + a.get("gen_ai.token.type"),
            "count=" + p.getCount() + " sum=" + p.getSum());
      }
    }
    return byKey;
  }

  private static Map<String, String> producedTokenHistogram(OtlpApp app) {
    Map<String, String> byKey = new TreeMap<>();
    for (MetricData m : app.appMetrics.collectAllMetrics()) {
      if (m.getName().equals("gen_ai.client.token.usage")) {
        for (HistogramPointData p : m.getHistogramData().getPoints()) {
          byKey.put(p.getAttributes().get(TENANT) + "/"
                  + p.getAttributes().get(AttributeKey.stringKey("gen_ai.token.type")),
              "count=" + p.getCount() + " sum=" + p.getSum());
        }
      }
    }
    return byKey;
  }
}
