package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Spring Boot application with Micrometer's OTLP registry enabled, as a user enables it (micrometer-registry-otlp
 * and {@code management.otlp.metrics.export.url}): LockN's counters arrive at an OTLP/HTTP receiver (a loopback server
 * that decodes the protobuf body) with exact values and their attributes, beside the Prometheus registry.
 *
 * <p>Prices: gpt-4o at 2,500 and 10,000 nano-USD per input and output token. acme 1000 in / 200 out: 2,500,000 in +
 * 2,000,000 out; globex 3000 / 1000: 7,500,000 + 10,000,000; total 22,000,000 nano-USD. One block for blocked-co.
 */
class MicrometerOtlpMetricsTest {

  private static final List<ExportMetricsServiceRequest> EXPORTS = new CopyOnWriteArrayList<>();
  private static final List<String> CONTENT_TYPES = new CopyOnWriteArrayList<>();

  private static HttpServer receiver;
  private static OpenAiStub stub;
  private static MetricsTestApp app;

  @BeforeAll
  static void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/v1/metrics", exchange -> {
      CONTENT_TYPES.add(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
      try (InputStream body = "gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))
          ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
        EXPORTS.add(ExportMetricsServiceRequest.parseFrom(body));
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    receiver.start();
    stub = new OpenAiStub();
    app = MetricsTestApp.start(stub, List.of(),
        // On: the module's tests turn OTLP export off by a system property, which command-line arguments override.
        "--management.otlp.metrics.export.enabled=true",
        "--management.otlp.metrics.export.url=http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/metrics",
        "--management.otlp.metrics.export.step=1s");
    stub.json(OpenAiStub.completion("gpt-4o", "a", 1000, 0, 200, 0));
    app.ask("acme");
    stub.json(OpenAiStub.completion("gpt-4o", "c", 3000, 0, 1000, 0));
    app.ask("globex");
    assertThat(app.get("/ask?tenant=blocked-co").statusCode()).isGreaterThanOrEqualTo(400);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (stub != null) {
      stub.close();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  @Test
  void lockNsCountersArriveOverOtlp_withExactValuesAndAttributes() throws Exception {
    // Cumulative temporality (Micrometer's default): the latest export holds the totals. Wait for one that has them.
    Map<String, Long> cost = awaitCost(22_000_000L);
    assertThat(cost).containsExactlyInAnyOrderEntriesOf(Map.of(
        "acme/input", 2_500_000L, "acme/output", 2_000_000L, "globex/input", 7_500_000L, "globex/output", 10_000_000L));

    Metric costMetric = latest("lockn.client.cost");
    assertThat(costMetric.hasSum()).isTrue();
    assertThat(costMetric.getSum().getIsMonotonic()).isTrue();
    assertThat(costMetric.getDescription()).startsWith("Cost of GenAI model calls in nano-USD");
    for (NumberDataPoint p : costMetric.getSum().getDataPointsList()) {
      assertThat(attributes(p.getAttributesList()))
          .containsEntry("gen_ai.provider.name", "openai")
          .containsEntry("gen_ai.request.model", "gpt-4o")
          .containsKeys("app.tenant_id", "lockn.cost.type");
    }

    Metric actions = latest("lockn.budget.actions");
    assertThat(actions.getSum().getDataPointsList()).hasSize(1);
    NumberDataPoint block = actions.getSum().getDataPoints(0);
    assertThat(block.getAsDouble()).isEqualTo(1.0);
    assertThat(attributes(block.getAttributesList()))
        .containsEntry("lockn.budget.name", "blocked-co-zero")
        .containsEntry("lockn.budget.action", "block");
    assertThat(CONTENT_TYPES).allMatch(t -> t.startsWith("application/x-protobuf"));
  }

  /**
   * The cost by tenant and token class, exact integers, once an export has a total of {@code totalNanos} and the
   * budget action too.
   */
  private static Map<String, Long> awaitCost(long totalNanos) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Map<String, Long> last = Map.of();
    while (System.nanoTime() < deadline) {
      Metric m = latestOrNull("lockn.client.cost");
      if (m != null) {
        last = new TreeMap<>();
        BigDecimal sum = BigDecimal.ZERO;
        for (NumberDataPoint p : m.getSum().getDataPointsList()) {
          Map<String, String> a = attributes(p.getAttributesList());
          BigDecimal v = new BigDecimal(Double.toString(p.getAsDouble()));
          last.put(a.get("app.tenant_id") + "/" + a.get("lockn.cost.type"), v.longValueExact());
          sum = sum.add(v);
        }
        // The block is counted after the calls; an export taken between them has the cost but not the block yet.
        if (sum.compareTo(BigDecimal.valueOf(totalNanos)) == 0 && latestOrNull("lockn.budget.actions") != null) {
          return last;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no OTLP export of lockn.client.cost totalling " + totalNanos + " nano-USD; last: "
        + last + " in " + EXPORTS.size() + " exports");
  }

  private static Metric latest(String name) {
    Metric m = latestOrNull(name);
    assertThat(m).as("an OTLP export of %s", name).isNotNull();
    return m;
  }

  private static Metric latestOrNull(String name) {
    for (int i = EXPORTS.size() - 1; i >= 0; i--) {
      for (ResourceMetrics rm : EXPORTS.get(i).getResourceMetricsList()) {
        for (ScopeMetrics sm : rm.getScopeMetricsList()) {
          for (Metric m : sm.getMetricsList()) {
            if (m.getName().equals(name)) {
              return m;
            }
          }
        }
      }
    }
    return null;
  }

  private static Map<String, String> attributes(List<KeyValue> attributes) {
    Map<String, String> result = new TreeMap<>();
    for (KeyValue kv : attributes) {
      result.put(kv.getKey(), kv.getValue().getStringValue());
    }
    return result;
  }
}
