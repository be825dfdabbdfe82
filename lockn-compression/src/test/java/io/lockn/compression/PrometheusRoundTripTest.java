package io.lockn.compression;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockn.core.AttributionKeys;
import io.lockn.core.GenAiProvider;
import io.lockn.core.LockN;
import io.lockn.core.SemconvProfile;
import io.lockn.core.TokenUsage;
import io.lockn.core.testing.GrafanaQueries;
import io.lockn.core.testing.PrometheusServer;
import io.lockn.pricing.ModelPrice;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.Rates;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LockN's metrics through the OpenTelemetry Prometheus exporter into a real Prometheus (Debian's {@code prometheus},
 * started here on a loopback port with a throw-away TSDB), read back through Prometheus's HTTP API: the cost counter's
 * exact nano-USD totals, the token usage and operation duration histograms with their labels, and every PromQL query
 * of the Grafana dashboards evaluated without error.
 *
 * <p>Cost stays exact end to end: {@code lockn.client.cost} is a LongCounter of integer nano-USD, exported as an
 * integer-valued sample, and Prometheus stores float64, which represents every integer below 2^53 (about 9 million
 * USD in nano-USD) exactly; sums of such integers below 2^53 are exact too.
 *
 * <p>Prometheus is lockn-core's shared test launcher ({@link PrometheusServer}): skipped when {@code
 * LOCKN_SKIP_PROMETHEUS_TESTS=true}, or when {@code prometheus} is not installed outside CI; in CI ({@code CI=true}) a
 * missing {@code prometheus} fails the test ({@code .ci/run} installs it).
 */
class PrometheusRoundTripTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path GRAFANA = Path.of("src", "main", "resources", "grafana");

  /** 10 and 30 USD per million tokens = 10,000 and 30,000 nano-USD per token; small: 1,000 and 2,000. */
  private static final PriceCatalog CATALOG =
      PriceCatalog.builder()
          .add(ModelPrice.builder("openai", "big").addPrices(Rates.perMillionTokens("10", "30")).build())
          .add(ModelPrice.builder("openai", "small").addPrices(Rates.perMillionTokens("1", "2")).build())
          .build();

  // The three priced calls, their costs computed by hand from the catalog's prices (nano-USD):
  // tenant-a big   1000 in, 100 out: 1000*10,000 + 100*30,000 = 10,000,000 + 3,000,000 = 13,000,000
  // tenant-a big    333 in,  77 out:  333*10,000 +  77*30,000 =  3,330,000 + 2,310,000 =  5,640,000
  // tenant-b small 12345 in, 678 out: 12345*1,000 + 678*2,000 = 12,345,000 + 1,356,000 = 13,701,000
  private static final long TENANT_A_NANOS = 13_000_000L + 5_640_000L;
  private static final long TENANT_B_NANOS = 13_701_000L;
  private static final long INPUT_NANOS = 10_000_000L + 3_330_000L + 12_345_000L;
  private static final long OUTPUT_NANOS = 3_000_000L + 2_310_000L + 1_356_000L;
  private static final long TOTAL_NANOS = 32_341_000L;

  private static PrometheusHttpServer exporter;
  private static OpenTelemetrySdk otel;
  private static PrometheusServer prometheus;

  @BeforeAll
  static void start() throws Exception {
    int exporterPort = PrometheusServer.freePort();
    prometheus = PrometheusServer.start("lockn", exporterPort, "/metrics");
    exporter = PrometheusHttpServer.builder().setHost("127.0.0.1").setPort(exporterPort).build();
    SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(exporter).build();
    CostPipeline costs =
        CostPipeline.builder(CATALOG)
            .setMeterProvider(meters)
            .addMetricAttributionKey(AttributionKeys.DEFAULT_TENANT_KEY)
            .addMetricAttributionKey("lockn.agent.name")
            .build();
    otel = OpenTelemetrySdk.builder()
        .setMeterProvider(meters)
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(costs).build())
        .build();
    record(otel);
    prometheus.awaitScraped("count(lockn_client_cost_total) + count(gen_ai_client_token_usage_count)"
        + " + count(gen_ai_client_operation_duration_seconds_count)");
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.close();
    }
    if (otel != null) {
      otel.close(); // closes the exporter's HTTP server too
    }
  }

  /** The three priced calls, each under its tenant and the agent "support-bot". */
  private static void record(OpenTelemetrySdk otel) {
    LockN lockn =
        LockN.builder()
            .setOpenTelemetry(otel)
            .setSemconvProfile(SemconvProfile.V1_41)
            .addMetricAttributionKey(AttributionKeys.DEFAULT_TENANT_KEY)
            .build();
    call(lockn, "tenant-a", "big", 1000, 100);
    call(lockn, "tenant-a", "big", 333, 77);
    call(lockn, "tenant-b", "small", 12345, 678);
  }

  private static void call(LockN lockn, String tenant, String model, long input, long output) {
    lockn.attribution().tenant(tenant).run(() -> lockn.agent("support-bot").run(() ->
        lockn.chat(GenAiProvider.OPENAI, model)
            .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(input, output)).finishReason("stop"))));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The series, as Prometheus stores them
  // ---------------------------------------------------------------------------------------------------------------

  @Test
  void costCounter_hasItsLabelsAndExactNanoUsdTotals() throws Exception {
    List<JsonNode> series = vector("lockn_client_cost_total");
    assertThat(series).as("lockn_client_cost_total series (tenant x model x cost type)").hasSize(4);
    for (JsonNode s : series) {
      assertThat(labels(s))
          .containsEntry("job", "lockn")
          .containsEntry("gen_ai_provider_name", "openai")
          .containsEntry("lockn_agent_name", "support-bot")
          .containsKeys("app_tenant_id", "gen_ai_request_model", "lockn_cost_type", "instance");
    }
    assertThat(exact("sum(lockn_client_cost_total)")).isEqualTo(TOTAL_NANOS);
    assertThat(TOTAL_NANOS).isEqualTo(TENANT_A_NANOS + TENANT_B_NANOS).isEqualTo(INPUT_NANOS + OUTPUT_NANOS);
    assertThat(exact("sum(lockn_client_cost_total{app_tenant_id=\"tenant-a\"})")).isEqualTo(TENANT_A_NANOS);
    assertThat(exact("sum(lockn_client_cost_total{app_tenant_id=\"tenant-b\"})")).isEqualTo(TENANT_B_NANOS);
    assertThat(exact("sum(lockn_client_cost_total{lockn_cost_type=\"input\"})")).isEqualTo(INPUT_NANOS);
    assertThat(exact("sum(lockn_client_cost_total{lockn_cost_type=\"output\"})")).isEqualTo(OUTPUT_NANOS);
    assertThat(exact("sum(lockn_client_cost_total{gen_ai_request_model=\"small\", lockn_cost_type=\"output\"})"))
        .isEqualTo(1_356_000L);
    // In USD, as the dashboards divide: 0.032341.
    assertThat(new BigDecimal(scalar("sum(lockn_client_cost_total) / 1e9"))).isEqualByComparingTo("0.032341");
  }

  @Test
  void tokenUsageHistogram_hasItsLabelsCountsAndSums() throws Exception {
    for (JsonNode s : vector("gen_ai_client_token_usage_count")) {
      assertThat(labels(s))
          .containsEntry("gen_ai_provider_name", "openai")
          .containsEntry("gen_ai_operation_name", "chat")
          .containsKeys("app_tenant_id", "gen_ai_request_model", "gen_ai_token_type");
    }
    assertThat(byLabels("sum by (app_tenant_id, gen_ai_token_type) (gen_ai_client_token_usage_sum)"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(
            "tenant-a/input", 1333L, "tenant-a/output", 177L, "tenant-b/input", 12345L, "tenant-b/output", 678L));
    assertThat(byLabels("sum by (app_tenant_id, gen_ai_token_type) (gen_ai_client_token_usage_count)"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(
            "tenant-a/input", 2L, "tenant-a/output", 2L, "tenant-b/input", 1L, "tenant-b/output", 1L));
    // Every observation is at or below the +Inf bucket, and the buckets carry the le label.
    assertThat(exact("sum(gen_ai_client_token_usage_bucket{le=\"+Inf\"})")).isEqualTo(6L);
  }

  @Test
  void durationHistogram_hasItsLabelsAndCounts() throws Exception {
    for (JsonNode s : vector("gen_ai_client_operation_duration_seconds_count")) {
      assertThat(labels(s))
          .containsEntry("gen_ai_provider_name", "openai")
          .containsEntry("gen_ai_operation_name", "chat")
          .containsKeys("app_tenant_id", "gen_ai_request_model");
    }
    assertThat(byLabels("sum by (app_tenant_id, gen_ai_request_model) (gen_ai_client_operation_duration_seconds_count)"))
        .containsExactlyInAnyOrderEntriesOf(Map.of("tenant-a/big", 2L, "tenant-b/small", 1L));
    double seconds = Double.parseDouble(scalar("sum(gen_ai_client_operation_duration_seconds_sum)"));
    assertThat(seconds).as("total duration of three in-process calls, in seconds").isBetween(0.0, 60.0);
    assertThat(exact("sum(gen_ai_client_operation_duration_seconds_bucket{le=\"+Inf\"})")).isEqualTo(3L);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The dashboards' queries
  // ---------------------------------------------------------------------------------------------------------------

  @Test
  void everyDashboardQuery_runsWithoutError() throws Exception {
    List<String> problems = new ArrayList<>();
    int queries = 0;
    try (Stream<Path> files = Files.list(GRAFANA)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        JsonNode dashboard = JSON.readTree(file.toFile());
        for (String expr : GrafanaQueries.expressions(dashboard)) {
          queries++;
          JsonNode r = prometheus.api("/api/v1/query?query=" + encode(GrafanaQueries.substitute(expr)));
          if (!"success".equals(r.path("status").asText())) {
            problems.add(file.getFileName() + ": " + expr + " -> " + r);
          }
        }
        // The variables' label_values(metric, label) queries, as Grafana runs them: the label values API.
        for (JsonNode v : dashboard.path("templating").path("list")) {
          if (!"query".equals(v.path("type").asText())) {
            continue;
          }
          String query = GrafanaQueries.queryOf(v);
          Matcher m = GrafanaQueries.LABEL_VALUES.matcher(query);
          assertThat(m.matches()).as("%s variable %s: %s", file, v.path("name"), query).isTrue();
          queries++;
          JsonNode r = prometheus.api("/api/v1/label/" + m.group(2) + "/values?match[]=" + encode(m.group(1)));
          if (!"success".equals(r.path("status").asText())) {
            problems.add(file.getFileName() + ": " + query + " -> " + r);
          }
        }
      }
    }
    System.out.println("Dashboard queries run against Prometheus: " + queries);
    assertThat(problems).as("dashboard queries Prometheus rejected" + prometheus.logTail()).isEmpty();
    // The FinOps dashboard's tenant variable lists the tenants recorded.
    assertThat(prometheus.api("/api/v1/label/app_tenant_id/values?match[]=lockn_client_cost_total").path("data"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("tenant-a", "tenant-b");
  }

  private static List<JsonNode> vector(String query) throws Exception {
    return prometheus.vector(query);
  }

  private static String scalar(String query) throws Exception {
    return prometheus.scalar(query);
  }

  private static long exact(String query) throws Exception {
    return prometheus.exact(query);
  }

  private static Map<String, Long> byLabels(String query) throws Exception {
    return prometheus.byLabels(query);
  }

  private static Map<String, String> labels(JsonNode series) {
    return PrometheusServer.labels(series);
  }

  private static String encode(String s) {
    return PrometheusServer.encode(s);
  }
}
