package io.lockn.compression;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockn.budget.Budget;
import io.lockn.budget.Budgets;
import io.lockn.budget.Period;
import io.lockn.compression.experiment.Experiment;
import io.lockn.compression.experiment.Experiments;
import io.lockn.core.AttributionKeys;
import io.lockn.core.GenAiProvider;
import io.lockn.core.LlmCall;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboards under {@code src/main/resources/grafana}: valid for Grafana's basic schema, every panel has a
 * title and the {@code ${datasource}} Prometheus data source, and every PromQL query names only metrics (and labels)
 * that the SDK really exposes through the OpenTelemetry Prometheus exporter, as scraped from its {@code /metrics}.
 */
class GrafanaDashboardTest {

  private static final Path GRAFANA = Path.of("src", "main", "resources", "grafana");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** PromQL functions and aggregation operators (an identifier followed by '(' must be one of these). */
  private static final Set<String> FUNCTIONS =
      Set.of(
          "abs", "absent", "absent_over_time", "avg", "avg_over_time", "bottomk", "ceil", "changes", "clamp",
          "clamp_max", "clamp_min", "count", "count_over_time", "count_values", "day_of_month", "day_of_week",
          "delta", "deriv", "exp", "floor", "group", "histogram_avg", "histogram_count", "histogram_fraction",
          "histogram_quantile", "histogram_sum", "idelta", "increase", "irate", "label_join", "label_replace", "last_over_time",
          "ln", "log10", "log2", "max", "max_over_time", "min", "min_over_time", "predict_linear", "quantile",
          "quantile_over_time", "rate", "resets", "round", "scalar", "sgn", "sort", "sort_desc", "sqrt", "stddev",
          "stddev_over_time", "stdvar", "sum", "sum_over_time", "time", "timestamp", "topk", "vector", "limitk");
  /** PromQL keywords that are neither metrics nor functions. */
  private static final Set<String> KEYWORDS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset",
          "inf", "nan", "Inf", "NaN");
  /** Keywords followed by a parenthesised label list. */
  private static final Set<String> LABEL_LIST_KEYWORDS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

  private static final Pattern TOKEN =
      Pattern.compile(
          "\\$\\{?[A-Za-z_][A-Za-z0-9_:.]*\\}?" // Grafana variables: $tenant, ${datasource}, $__rate_interval
              + "|\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'" // string literals
              + "|(?:\\d+(?:ms|[smhdwy]))+(?![A-Za-z0-9_])" // durations: 5m, 1h30m
              + "|(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?" // numbers, including 1e9
              + "|[A-Za-z_:][A-Za-z0-9_:]*" // identifiers
              + "|\\S"); // anything else, one character at a time
  private static final Pattern IDENT = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\(\\s*(?:([A-Za-z_:][A-Za-z0-9_:]*)(\\{[^}]*})?\\s*,\\s*)?([A-Za-z_][A-Za-z0-9_]*)\\s*\\)");

  /** Sample names as exposed (with _total, _bucket, _sum, _count), each with the label names seen on it. */
  private static Map<String, Set<String>> exposed;

  @BeforeAll
  static void scrape() throws Exception {
    exposed = parseExposition(scrapeRealSdk());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The SDK, end to end
  // ---------------------------------------------------------------------------------------------------------------

  private static final PriceCatalog CATALOG =
      PriceCatalog.builder()
          .add(ModelPrice.builder("openai", "big").addPrices(Rates.perMillionTokens("10", "30")).build())
          .add(ModelPrice.builder("openai", "small").addPrices(Rates.perMillionTokens("1", "2")).build())
          .build();

  /**
   * Builds a real SDK whose only metric reader is the OpenTelemetry Prometheus exporter's HTTP server on a loopback
   * port, makes LockN calls that produce every LockN metric (as docs/cost.md tells users to configure it: tenant, agent
   * and experiment labels), and returns the {@code /metrics} text.
   */
  private static String scrapeRealSdk() throws Exception {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = PrometheusServer.freePort();
      PrometheusHttpServer server;
      try {
        server = PrometheusHttpServer.builder().setHost("127.0.0.1").setPort(port).build();
      } catch (UncheckedIOException e) {
        last = e.getCause();
        continue; // the port was taken between probing and binding
      }
      try (OpenTelemetrySdk otel = sdk(server)) {
        exercise(otel);
        return fetch(port);
      }
    }
    throw new IOException("no free loopback port for the Prometheus exporter", last);
  }

  private static OpenTelemetrySdk sdk(PrometheusHttpServer server) {
    SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(server).build();
    CostPipeline costs =
        CostPipeline.builder(CATALOG)
            .setMeterProvider(meters)
            .addMetricAttributionKey(AttributionKeys.DEFAULT_TENANT_KEY)
            .addMetricAttributionKey("lockn.agent.name")
            .addMetricAttributionKey(Experiments.EXPERIMENT_NAME_KEY)
            .addMetricAttributionKey(Experiments.EXPERIMENT_GROUP_KEY)
            .build();
    return OpenTelemetrySdk.builder()
        .setMeterProvider(meters)
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(costs).build())
        .build();
  }

  private static void exercise(OpenTelemetrySdk otel) {
    AttributionKeys keys =
        AttributionKeys.builder()
            .addKey(Experiments.EXPERIMENT_NAME_KEY)
            .addKey(Experiments.EXPERIMENT_GROUP_KEY)
            .build();
    LockN lockn =
        LockN.builder()
            .setOpenTelemetry(otel)
            .setSemconvProfile(SemconvProfile.V1_41)
            .setAttributionKeys(keys)
            .addMetricAttributionKey(AttributionKeys.DEFAULT_TENANT_KEY)
            .addMetricAttributionKey(Experiments.EXPERIMENT_NAME_KEY)
            .addMetricAttributionKey(Experiments.EXPERIMENT_GROUP_KEY)
            .build();
    // Compression steps as docs/compression.md shows them: counted, in the experiment's Baggage, a cache hit reported.
    Compression compression =
        Compression.builder(otel).setTokenCounter(CompressionTest.WORDS).setProvider("openai").build();
    Experiment experiment = Experiment.of("trim-context");
    Set<String> groups = new HashSet<>();
    for (int i = 0; i < 20 && groups.size() < 2; i++) {
      String tenant = "tenant-" + i;
      var assignment = experiment.assign(tenant);
      groups.add(assignment.variationKey());
      long input = assignment.is(Experiment.COMPRESSED) ? 600 : 1000;
      lockn.attribution().tenant(tenant).run(() -> assignment.run(() -> lockn.agent("support-bot").run(() -> {
        // A priced chat with usage (cache reads make it a provider cache hit) and a finish reason.
        lockn.chat(GenAiProvider.OPENAI, "big")
            .run(() -> lockn.currentLlmCall()
                .recordUsage(TokenUsage.builder().uncachedInputTokens(input - 200).cacheReadTokens(200)
                    .nonReasoningOutputTokens(100).build())
                .finishReason("stop"));
        // A failed call and its retry.
        LlmCall first = lockn.chat(GenAiProvider.OPENAI, "big").start();
        first.recordError("429");
        first.close();
        lockn.chat(GenAiProvider.OPENAI, "big").retryOf(first)
            .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(input, 50)).finishReason("length"));
        // A fallback, and a model substitution that the catalog cannot price.
        LlmCall primary = lockn.chat(GenAiProvider.OPENAI, "big").start();
        primary.recordError("503");
        primary.close();
        lockn.chat(GenAiProvider.OPENAI, "small").fallbackFrom(primary)
            .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(input, 20)));
        lockn.chat(GenAiProvider.OPENAI, "gpt-4")
            .run(() -> lockn.currentLlmCall().responseModel("gpt-3.5-turbo").recordUsage(TokenUsage.of(10, 2)));
      })));
      assignment.run(() -> compression.measure(CompressionStrategy.PROMPT_CACHING, "big", "a b a b c", text -> {
        CompressionContext.current().cacheHit(true);
        return "a b c";
      }));
    }
    assertThat(groups).as("both experiment groups exercised").contains(Experiment.CONTROL, Experiment.COMPRESSED);

    // A budget that alerts on the first big call and throttles the second (as in lockn-budget's ObservabilityTest).
    Budgets budgets =
        Budgets.builder(CATALOG)
            .addDowngrade("big", "small")
            .setMeterProvider(otel.getMeterProvider())
            .addBudget(Budget.builder("monthly").limitUsd("0.03").period(Period.month(ZoneOffset.UTC))
                .alertAt(40).throttleAt(80).blockAt(100).build())
            .build();
    LockN budgeted = LockN.builder().setOpenTelemetry(otel).setCallAdmission(budgets).build();
    for (int i = 0; i < 2; i++) {
      budgeted.chat("openai", "big").estimatedInputTokens(1000).maxTokens(100)
          .run(() -> budgeted.currentLlmCall().recordUsage(TokenUsage.of(1000, 100)));
    }
  }

  private static String fetch(int port) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  /** Sample name to the label names seen on its samples, from the Prometheus text exposition format. */
  static Map<String, Set<String>> parseExposition(String text) {
    Map<String, Set<String>> result = new TreeMap<>();
    Pattern sample = Pattern.compile("^([A-Za-z_:][A-Za-z0-9_:]*)(\\{(.*)})?\\s+\\S+.*$");
    Pattern label = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"(?:\\\\.|[^\"\\\\])*\"");
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = sample.matcher(line);
      assertThat(m.matches()).as("exposition line: %s", line).isTrue();
      Set<String> labels = result.computeIfAbsent(m.group(1), k -> new TreeSet<>());
      if (m.group(3) != null) {
        Matcher l = label.matcher(m.group(3));
        while (l.find()) {
          labels.add(l.group(1));
        }
      }
    }
    return result;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The dashboards
  // ---------------------------------------------------------------------------------------------------------------

  private static List<Path> dashboards() throws IOException {
    try (Stream<Path> files = Files.list(GRAFANA)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  @Test
  void scrape_exposesEveryLockNMetric() {
    System.out.println("Sample names exposed by the OpenTelemetry Prometheus exporter:");
    exposed.forEach((name, labels) -> System.out.println("  " + name + " " + labels));
    assertThat(exposed)
        .containsKeys(
            "gen_ai_client_token_usage_bucket",
            "gen_ai_client_token_usage_sum",
            "gen_ai_client_token_usage_count",
            "gen_ai_client_operation_duration_seconds_bucket",
            "gen_ai_client_operation_duration_seconds_count",
            "lockn_client_cost_total",
            "lockn_client_unpriced_calls_total",
            "lockn_client_cache_hits_total",
            "lockn_client_retries_total",
            "lockn_client_fallbacks_total",
            "lockn_client_model_substitutions_total",
            "lockn_client_finish_reasons_total",
            "lockn_budget_actions_total",
            "lockn_compression_input_tokens_original_total",
            "lockn_compression_input_tokens_compressed_total",
            "lockn_compression_duration_seconds_bucket",
            "lockn_compression_duration_seconds_count",
            "lockn_compression_cache_hits_total");
    for (String compression :
        List.of(
            "lockn_compression_input_tokens_original_total",
            "lockn_compression_input_tokens_compressed_total",
            "lockn_compression_duration_seconds_bucket",
            "lockn_compression_cache_hits_total")) {
      assertThat(exposed.get(compression))
          .as(compression)
          .contains("lockn_compression_strategy", "gen_ai_request_model", "gen_ai_provider_name",
              "lockn_experiment_name", "lockn_experiment_group");
    }
    assertThat(exposed.get("lockn_client_cost_total"))
        .contains("app_tenant_id", "lockn_agent_name", "gen_ai_request_model", "lockn_cost_type",
            "lockn_experiment_group");
    assertThat(exposed.get("gen_ai_client_token_usage_sum"))
        .contains("app_tenant_id", "gen_ai_token_type", "lockn_experiment_group");
    assertThat(exposed.get("lockn_budget_actions_total")).contains("lockn_budget_name", "lockn_budget_action");
  }

  @Test
  void thereAreAFinOpsAndACompressionDashboard() throws IOException {
    assertThat(dashboards())
        .extracting(p -> p.getFileName().toString())
        .contains("lockn-finops.json", "lockn-compression.json");
    assertThat(GRAFANA.resolve("provisioning").resolve("lockn-dashboards.yaml")).exists();
    assertThat(GRAFANA.resolve("README.md")).exists();
  }

  @Test
  void everyDashboard_hasGrafanasBasicShape() throws IOException {
    Set<String> uids = new HashSet<>();
    for (Path file : dashboards()) {
      JsonNode d = JSON.readTree(file.toFile());
      String where = file.getFileName().toString();
      assertThat(d.path("uid").asText()).as(where + " uid").matches("[A-Za-z0-9_-]{1,40}");
      assertThat(uids.add(d.path("uid").asText())).as(where + " unique uid").isTrue();
      assertThat(d.path("title").asText()).as(where + " title").isNotBlank();
      assertThat(d.path("description").asText()).as(where + " description").isNotBlank();
      assertThat(d.path("schemaVersion").asInt()).as(where + " schemaVersion").isGreaterThanOrEqualTo(39);
      assertThat(d.path("panels").isArray() && !d.path("panels").isEmpty()).as(where + " panels").isTrue();
      assertThat(d.path("templating").path("list").isArray()).as(where + " templating.list").isTrue();
      assertThat(d.has("id") && !d.get("id").isNull()).as(where + " id must be null for provisioning").isFalse();

      JsonNode datasource = variable(d, "datasource");
      assertThat(datasource).as(where + " has a datasource variable").isNotNull();
      assertThat(datasource.path("type").asText()).isEqualTo("datasource");
      assertThat(datasource.path("query").asText()).isEqualTo("prometheus");
      for (String name : List.of("tenant", "model")) {
        JsonNode v = variable(d, name);
        assertThat(v).as(where + " has variable " + name).isNotNull();
        assertThat(v.path("type").asText()).isEqualTo("query");
        assertThat(GrafanaQueries.queryOf(v)).startsWith("label_values(");
        assertThat(v.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
      }

      Set<Integer> ids = new HashSet<>();
      for (JsonNode panel : panels(d)) {
        String p = where + " panel " + panel.path("title").asText("?");
        assertThat(panel.path("title").asText()).as(p + " title").isNotBlank();
        assertThat(panel.path("type").asText()).as(p + " type").isNotBlank();
        assertThat(ids.add(panel.path("id").asInt())).as(p + " unique id").isTrue();
        assertThat(panel.path("gridPos").path("w").asInt()).as(p + " gridPos").isPositive();
        assertThat(panel.path("gridPos").path("h").asInt()).as(p + " gridPos").isPositive();
        assertPrometheusDatasource(panel.path("datasource"), p);
        assertThat(panel.path("targets").isArray() && !panel.path("targets").isEmpty()).as(p + " targets").isTrue();
        for (JsonNode target : panel.path("targets")) {
          assertThat(target.path("expr").asText()).as(p + " expr").isNotBlank();
          assertThat(target.path("refId").asText()).as(p + " refId").isNotBlank();
          assertPrometheusDatasource(target.path("datasource"), p + " target");
        }
      }
    }
  }

  @Test
  void everyQuery_namesOnlyMetricsAndLabelsTheSdkExports() throws IOException {
    Map<String, List<String>> problems = new TreeMap<>();
    Set<String> used = new TreeSet<>();
    for (Path file : dashboards()) {
      JsonNode d = JSON.readTree(file.toFile());
      for (String expr : GrafanaQueries.expressions(d)) {
        Query q = parse(expr);
        assertThat(q.metrics()).as("metrics in %s", expr).isNotEmpty();
        used.addAll(q.metrics());
        Set<String> available = new HashSet<>();
        for (String metric : q.metrics()) {
          if (!exposed.containsKey(metric)) {
            problems.computeIfAbsent(file.getFileName() + ": " + expr, k -> new ArrayList<>())
                .add("metric not exported: " + metric);
          } else {
            available.addAll(exposed.get(metric));
          }
        }
        for (String label : q.labels()) {
          if (!available.contains(label)) {
            problems.computeIfAbsent(file.getFileName() + ": " + expr, k -> new ArrayList<>())
                .add("label not on " + q.metrics() + ": " + label);
          }
        }
      }
      for (JsonNode v : d.path("templating").path("list")) {
        if (!"query".equals(v.path("type").asText())) {
          continue;
        }
        Matcher m = LABEL_VALUES.matcher(GrafanaQueries.queryOf(v));
        assertThat(m.matches()).as("variable %s query %s", v.path("name"), GrafanaQueries.queryOf(v)).isTrue();
        assertThat(m.group(1)).as("variable %s names its metric", v.path("name")).isNotNull();
        used.add(m.group(1));
        if (!exposed.containsKey(m.group(1)) || !exposed.get(m.group(1)).contains(m.group(3))) {
          problems.computeIfAbsent(file.getFileName() + ": variable " + v.path("name").asText(), k -> new ArrayList<>())
              .add("not exported: " + m.group(1) + " with label " + m.group(3));
        }
      }
    }
    System.out.println("Metric names used by the dashboards: " + used);
    assertThat(problems).as("queries naming what the SDK does not export").isEmpty();
  }

  @Test
  void tokenizer_findsMetricsButNotFunctionsKeywordsLabelsOrVariables() {
    Query q =
        parse(
            "sum by (app_tenant_id, gen_ai_request_model) (increase(lockn_client_cost_total{app_tenant_id=~\"$tenant\","
                + " lockn_agent_name=~\"${agent}\"}[$__range])) / 1e9"
                + " / on() group_left sum(rate(gen_ai_client_operation_duration_seconds_count[5m]))"
                + " or vector(0) and lockn_client_retries_total offset 1h");
    assertThat(q.metrics())
        .containsExactlyInAnyOrder(
            "lockn_client_cost_total", "gen_ai_client_operation_duration_seconds_count", "lockn_client_retries_total");
    assertThat(q.labels()).containsExactlyInAnyOrder("app_tenant_id", "gen_ai_request_model", "lockn_agent_name");
    assertThat(parse("histogram_quantile(0.95, sum by (le) (rate(x_bucket[$__rate_interval])))").metrics())
        .containsExactly("x_bucket");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // PromQL, tokenized
  // ---------------------------------------------------------------------------------------------------------------

  record Query(Set<String> metrics, Set<String> labels) {}

  /**
   * The metric names and label names in a PromQL expression. Label matchers inside braces give label names (their
   * values are strings or variables), range selectors are skipped, {@code by}/{@code on}/... lists give label names,
   * an identifier followed by '(' must be a known function, keywords are skipped, and every other identifier is a
   * metric name.
   */
  static Query parse(String expr) {
    List<String> tokens = new ArrayList<>();
    Matcher m = TOKEN.matcher(expr);
    while (m.find()) {
      tokens.add(m.group());
    }
    Set<String> metrics = new LinkedHashSet<>();
    Set<String> labels = new LinkedHashSet<>();
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      String next = i + 1 < tokens.size() ? tokens.get(i + 1) : "";
      if (t.equals("{")) {
        // label matchers: name op value, ...
        int j = i + 1;
        while (j < tokens.size() && !tokens.get(j).equals("}")) {
          String u = tokens.get(j);
          String after = j + 1 < tokens.size() ? tokens.get(j + 1) : "";
          if (IDENT.matcher(u).matches() && (after.equals("=") || after.equals("!"))) {
            labels.add(u);
          }
          j++;
        }
        assertThat(j).as("unclosed '{' in %s", expr).isLessThan(tokens.size());
        i = j;
      } else if (t.equals("[")) {
        int j = i + 1;
        while (j < tokens.size() && !tokens.get(j).equals("]")) {
          j++;
        }
        assertThat(j).as("unclosed '[' in %s", expr).isLessThan(tokens.size());
        i = j;
      } else if (LABEL_LIST_KEYWORDS.contains(t)) {
        if (next.equals("(")) {
          int j = i + 2;
          while (j < tokens.size() && !tokens.get(j).equals(")")) {
            if (IDENT.matcher(tokens.get(j)).matches()) {
              labels.add(tokens.get(j));
            }
            j++;
          }
          i = j;
        }
      } else if (t.equals("offset")) {
        i++; // the duration
      } else if (t.startsWith("$") || t.startsWith("\"") || t.startsWith("'") || KEYWORDS.contains(t)) {
        // variables, strings and keywords name no metric
      } else if (IDENT.matcher(t).matches()) {
        if (next.equals("(") || (FUNCTIONS.contains(t) && (next.equals("by") || next.equals("without")))) {
          assertThat(FUNCTIONS).as("unknown PromQL function %s in %s", t, expr).contains(t);
        } else {
          metrics.add(t);
        }
      }
    }
    return new Query(metrics, labels);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // JSON helpers
  // ---------------------------------------------------------------------------------------------------------------

  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> result = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      result.add(panel);
      panel.path("panels").forEach(result::add); // collapsed rows
    }
    return result;
  }

  private static JsonNode variable(JsonNode dashboard, String name) {
    for (JsonNode v : dashboard.path("templating").path("list")) {
      if (name.equals(v.path("name").asText())) {
        return v;
      }
    }
    return null;
  }

  private static void assertPrometheusDatasource(JsonNode ds, String where) {
    assertThat(ds.path("type").asText()).as(where + " datasource type").isEqualTo("prometheus");
    assertThat(ds.path("uid").asText()).as(where + " datasource uid").isEqualTo("${datasource}");
  }
}
