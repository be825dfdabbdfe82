package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockn.core.testing.GrafanaQueries;
import io.lockn.core.testing.PrometheusServer;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus (lockn-core's shared test launcher) scrapes the Spring Boot application's {@code
 * /actuator/prometheus}, and every PromQL query of LockN's Grafana dashboards runs against it through Prometheus's HTTP
 * API: the cost, unpriced-call and budget panels return their series, with LockN's metrics named as the OpenTelemetry
 * Prometheus exporter names them, so one dashboard serves both; the exact totals are read back from Prometheus.
 *
 * <p>What a default Spring Boot application with Spring AI does not produce, and which panels are therefore empty
 * (docs/spring.md, "Metrics"): LockN's {@code gen_ai.client.*} histograms (Spring AI's bridged calls are measured by
 * Spring AI's own meters, {@code gen_ai_client_operation_seconds} and the {@code gen_ai_client_token_usage_total}
 * counter), {@code lockn.client.cache_hits}, {@code .retries}, {@code .fallbacks}, {@code .finish_reasons} and {@code
 * .model_substitutions} (recorded by LockN's own call API), the compression metrics (the application's own {@code
 * Compression}), and {@code lockn_agent_name} (no {@code @AgentTask} here).
 *
 * <p>Prices as in {@link MicrometerMetricsTest}: gpt-4o at 2,500 and 10,000 nano-USD per input and output token.
 * Before Prometheus starts: acme 1000 in / 200 out (4,500,000), globex 3000 / 1000 (17,500,000), one unpriced call, one
 * block. After Prometheus has scraped: acme 400 / 50 (1,500,000), one unpriced call, one block. Totals: acme 6,000,000,
 * globex 17,500,000, all 23,500,000 nano-USD; input 11,000,000, output 12,500,000.
 */
class MicrometerPrometheusDashboardTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> DASHBOARDS = List.of("lockn-finops.json", "lockn-compression.json");

  /** The queries that return series here, keyed "dashboard | panel | refId", with their series' labels. */
  private static final Map<String, List<String>> SERIES = Map.ofEntries(
      Map.entry("lockn-finops.json | Cost in range (USD) | A", List.of("")),
      Map.entry("lockn-finops.json | Unpriced calls in range | A", List.of("")),
      Map.entry("lockn-finops.json | Cost rate by tenant (USD/h) | A",
          List.of("app_tenant_id=acme", "app_tenant_id=globex")),
      Map.entry("lockn-finops.json | Cost rate by agent (USD/h) | A", List.of("")),
      Map.entry("lockn-finops.json | Cost rate by model (USD/h) | A", List.of("gen_ai_request_model=gpt-4o")),
      Map.entry("lockn-finops.json | Cost rate by token class (USD/h) | A",
          List.of("lockn_cost_type=input", "lockn_cost_type=output")),
      Map.entry("lockn-finops.json | Cost in range by tenant, agent and model (USD) | A",
          List.of("app_tenant_id=acme,gen_ai_request_model=gpt-4o", "app_tenant_id=globex,gen_ai_request_model=gpt-4o")),
      Map.entry("lockn-finops.json | Unpriced calls by model | A",
          List.of("gen_ai_provider_name=openai,gen_ai_request_model=in-house-llm")),
      Map.entry("lockn-finops.json | Budget actions | A",
          List.of("lockn_budget_action=block,lockn_budget_name=blocked-co-zero")),
      Map.entry("lockn-compression.json | Cost rate by experiment group (USD/h) | A", List.of("")));

  /** Each query variable's values here, keyed "dashboard | variable". */
  private static final Map<String, List<String>> VARIABLES = Map.of(
      "lockn-finops.json | tenant", List.of("acme", "globex"),
      "lockn-compression.json | tenant", List.of("acme", "globex"));

  private static OpenAiStub stub;
  private static MetricsTestApp app;
  private static PrometheusServer prometheus;

  @BeforeAll
  static void start() throws Exception {
    stub = new OpenAiStub();
    // Debian's Prometheus (2.42) drops a whole scrape when a summary's _count carries an exemplar (accepted from
    // 2.43 on), and Micrometer adds exemplars to Spring AI's timers: the setting an application with that Prometheus
    // needs, nothing to do with LockN's metrics.
    app = MetricsTestApp.start(stub, List.of(), "--management.tracing.exemplars.include=none");
    stub.json(OpenAiStub.completion("gpt-4o", "a", 1000, 0, 200, 0));
    app.ask("acme");
    stub.json(OpenAiStub.completion("gpt-4o", "c", 3000, 0, 1000, 0));
    app.ask("globex");
    askUnpricedAndBlocked();

    prometheus = PrometheusServer.start("spring-app", app.port, "/actuator/prometheus");
    prometheus.awaitScraped("count(lockn_client_cost_total) + count(lockn_budget_actions_total)"
        + " + count(lockn_client_unpriced_calls_total)");
    // Two scrapes of the first values, so that rate() and increase() see the later calls as an increase.
    awaitValue("min(count_over_time(lockn_client_cost_total[1m]))", v -> v.compareTo(BigDecimal.valueOf(2)) >= 0);

    stub.json(OpenAiStub.completion("gpt-4o", "b", 400, 0, 50, 0));
    app.ask("acme");
    askUnpricedAndBlocked();
    awaitValue("sum(lockn_client_cost_total)", v -> v.compareTo(BigDecimal.valueOf(23_500_000L)) == 0);
    awaitValue("sum(lockn_budget_actions_total) + sum(lockn_client_unpriced_calls_total)",
        v -> v.compareTo(BigDecimal.valueOf(4)) == 0);
  }

  private static void askUnpricedAndBlocked() throws Exception {
    stub.json(OpenAiStub.completion("in-house-llm", "d", 10, 0, 5, 0));
    assertThat(app.get("/ask?tenant=acme&model=in-house-llm").statusCode()).isEqualTo(200);
    assertThat(app.get("/ask?tenant=blocked-co").statusCode()).isGreaterThanOrEqualTo(400);
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.close();
    }
    if (app != null) {
      app.close();
    }
    if (stub != null) {
      stub.close();
    }
  }

  @Test
  void prometheusHoldsTheExactNanoUsdTotals_byTenantAndTokenClass() throws Exception {
    List<JsonNode> series = prometheus.vector("lockn_client_cost_total");
    assertThat(series).hasSize(4);
    for (JsonNode s : series) {
      assertThat(PrometheusServer.labels(s))
          .containsEntry("job", "spring-app")
          .containsEntry("gen_ai_provider_name", "openai")
          .containsEntry("gen_ai_request_model", "gpt-4o")
          .containsKeys("app_tenant_id", "lockn_cost_type", "instance");
    }
    assertThat(prometheus.exact("sum(lockn_client_cost_total)")).isEqualTo(23_500_000L);
    assertThat(prometheus.byLabels("sum by (app_tenant_id) (lockn_client_cost_total)"))
        .containsExactlyInAnyOrderEntriesOf(Map.of("acme", 6_000_000L, "globex", 17_500_000L));
    assertThat(prometheus.byLabels("sum by (lockn_cost_type) (lockn_client_cost_total)"))
        .containsExactlyInAnyOrderEntriesOf(Map.of("input", 11_000_000L, "output", 12_500_000L));
    // As the dashboards show it: USD.
    assertThat(new BigDecimal(prometheus.scalar("sum(lockn_client_cost_total) / 1e9"))).isEqualByComparingTo("0.0235");
    assertThat(prometheus.byLabels("sum by (lockn_budget_name, lockn_budget_action) (lockn_budget_actions_total)"))
        .containsExactlyEntriesOf(Map.of("blocked-co-zero/block", 2L));
    assertThat(prometheus.byLabels("sum by (gen_ai_request_model) (lockn_client_unpriced_calls_total)"))
        .containsExactlyEntriesOf(Map.of("in-house-llm", 2L));
  }

  @Test
  void everyDashboardQuery_runsAndReturnsTheExpectedSeries() throws Exception {
    Map<String, List<String>> returned = new TreeMap<>();
    int queries = 0;
    for (String name : DASHBOARDS) {
      JsonNode dashboard = dashboard(name);
      int before = queries;
      for (JsonNode panel : dashboard.path("panels")) {
        for (JsonNode target : panel.path("targets")) {
          String expr = target.path("expr").asText();
          String key = name + " | " + panel.path("title").asText() + " | " + target.path("refId").asText();
          queries++;
          List<String> labelSets = new ArrayList<>();
          for (JsonNode s : prometheus.query(GrafanaQueries.substitute(expr)).path("result")) {
            labelSets.add(labelSet(s));
            if (key.contains("Cost in range (USD)") || key.contains("Budget actions")
                || key.contains("Unpriced calls in range")) {
              // Raised by the calls after the first scrapes (increase() extrapolates, so only its sign is exact).
              assertThat(new BigDecimal(s.path("value").path(1).asText())).as(key).isPositive();
            }
          }
          if (!labelSets.isEmpty()) {
            returned.put(key, labelSets.stream().sorted().toList());
          }
        }
      }
      // Every expr of the dashboard is a panel target's (no nested rows left out).
      assertThat(GrafanaQueries.expressions(dashboard)).hasSize(queries - before);
    }
    System.out.println("Dashboard queries run against the Spring Boot scrape: " + queries);
    assertThat(returned).containsExactlyInAnyOrderEntriesOf(SERIES);

    // Per tenant: only acme spent after the first scrapes.
    Map<String, BigDecimal> byTenant = new TreeMap<>();
    JsonNode finops = dashboard("lockn-finops.json");
    for (JsonNode panel : finops.path("panels")) {
      if (panel.path("title").asText().equals("Cost rate by tenant (USD/h)")) {
        String expr = GrafanaQueries.substitute(panel.path("targets").path(0).path("expr").asText());
        for (JsonNode s : prometheus.query(expr).path("result")) {
          byTenant.put(s.path("metric").path("app_tenant_id").asText(), new BigDecimal(s.path("value").path(1).asText()));
        }
      }
    }
    assertThat(byTenant.get("acme")).isPositive();
    assertThat(byTenant.get("globex")).isZero();
  }

  @Test
  void everyDashboardVariable_listsWhatTheApplicationRecorded() throws Exception {
    for (String name : DASHBOARDS) {
      for (JsonNode v : dashboard(name).path("templating").path("list")) {
        if (!"query".equals(v.path("type").asText())) {
          continue;
        }
        String query = GrafanaQueries.queryOf(v);
        Matcher m = GrafanaQueries.LABEL_VALUES.matcher(query);
        assertThat(m.matches()).as("%s variable %s: %s", name, v.path("name"), query).isTrue();
        JsonNode r = prometheus.api("/api/v1/label/" + m.group(2) + "/values?match[]="
            + PrometheusServer.encode(m.group(1)));
        assertThat(r.path("status").asText()).as(query).isEqualTo("success");
        TreeSet<String> values = new TreeSet<>();
        r.path("data").forEach(x -> values.add(x.asText()));
        assertThat(values).as("%s variable %s", name, v.path("name").asText())
            .containsExactlyElementsOf(VARIABLES.getOrDefault(name + " | " + v.path("name").asText(), List.of()));
      }
    }
  }

  private static JsonNode dashboard(String name) throws Exception {
    // lockn-compression's dashboards, from its jar (an optional dependency of lockn-spring-ai).
    try (InputStream in = MicrometerPrometheusDashboardTest.class.getResourceAsStream("/grafana/" + name)) {
      assertThat(in).as("grafana/%s on the classpath", name).isNotNull();
      return JSON.readTree(in);
    }
  }

  /** A series' labels other than job and instance, sorted, as "k=v,k=v" ("" for none). */
  private static String labelSet(JsonNode series) {
    TreeMap<String, String> labels = new TreeMap<>(PrometheusServer.labels(series));
    labels.remove("job");
    labels.remove("instance");
    return String.join(",", labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
  }

  private static void awaitValue(String query, java.util.function.Predicate<BigDecimal> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      JsonNode result = prometheus.query(query).path("result");
      if (!result.isEmpty()) {
        last = result.toString();
        if (done.test(new BigDecimal(result.path(0).path("value").path(1).asText()))) {
          return;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("Prometheus did not reach the expected value of " + query + "; last: " + last
        + prometheus.logTail());
  }
}
